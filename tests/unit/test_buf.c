/*
 * Unit tests for the bounds-checked cursors in common/buf.c and the inline
 * peeks and loads of common/buf.h.
 *
 * Every getter and putter is tried at the boundary: an exact fit must
 * succeed, one byte short must fail without touching the output and must
 * leave the cursor marked as failed.  Both byte orders are checked against
 * hand-written byte patterns.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "unit.h"

static const uint8_t pat[8] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};

START_TEST(test_init_left)
{
	struct cursor c;

	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_uint_eq(buf_left(&c), 8);
	ck_assert_int_eq(c.failed, 0);
	ck_assert_int_eq(buf_skip(&c, 3), 0);
	ck_assert_uint_eq(buf_left(&c), 5);
	buf_cur_init(&c, NULL, 0);
	ck_assert_uint_eq(buf_left(&c), 0);
	ck_assert_int_eq(buf_skip(&c, 0), 0);
	ck_assert_int_eq(c.failed, 0);
}
END_TEST

START_TEST(test_get_be_le)
{
	struct cursor c;
	uint8_t b;
	uint16_t s;
	uint32_t l;

	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_get_u8(&c, &b), 0);
	ck_assert_uint_eq(b, 0x12);
	ck_assert_int_eq(buf_get_u16be(&c, &s), 0);
	ck_assert_uint_eq(s, 0x3456);
	ck_assert_int_eq(buf_get_u32be(&c, &l), 0);
	ck_assert_uint_eq(l, 0x789abcde);
	ck_assert_uint_eq(buf_left(&c), 1);

	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_get_u16le(&c, &s), 0);
	ck_assert_uint_eq(s, 0x3412);
	ck_assert_int_eq(buf_get_u32le(&c, &l), 0);
	ck_assert_uint_eq(l, 0xbc9a7856);

	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_get_u16(&c, 1, &s), 0);
	ck_assert_uint_eq(s, 0x1234);
	ck_assert_int_eq(buf_get_u16(&c, 0, &s), 0);
	ck_assert_uint_eq(s, 0x7856);
	ck_assert_int_eq(buf_get_u32(&c, 1, &l), 0);
	ck_assert_uint_eq(l, 0x9abcdef0);
	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_get_u32(&c, 0, &l), 0);
	ck_assert_uint_eq(l, 0x78563412);
	ck_assert_int_eq(c.failed, 0);
}
END_TEST

/*
 * Table of getters so the boundary test covers each one the same way: a
 * buffer of exactly the right size works, one byte less fails.
 */
enum {
	G_U8,
	G_U16BE,
	G_U32BE,
	G_U16LE,
	G_U32LE,
	G_U16B,
	G_U16L,
	G_U32B,
	G_U32L,
	G_BYTES3,
	G_NGET
};
static const size_t gsize[G_NGET] = {1, 2, 4, 2, 4, 2, 2, 4, 4, 3};

static int
do_get(struct cursor *c, int which, uint32_t *out)
{
	uint8_t b, bb[3];
	uint16_t s;
	int rc = -1;

	switch (which) {
	case G_U8:
		if ((rc = buf_get_u8(c, &b)) == 0)
			*out = b;
		break;
	case G_U16BE:
		if ((rc = buf_get_u16be(c, &s)) == 0)
			*out = s;
		break;
	case G_U32BE:
		rc = buf_get_u32be(c, out);
		break;
	case G_U16LE:
		if ((rc = buf_get_u16le(c, &s)) == 0)
			*out = s;
		break;
	case G_U32LE:
		rc = buf_get_u32le(c, out);
		break;
	case G_U16B:
		if ((rc = buf_get_u16(c, 1, &s)) == 0)
			*out = s;
		break;
	case G_U16L:
		if ((rc = buf_get_u16(c, 0, &s)) == 0)
			*out = s;
		break;
	case G_U32B:
		rc = buf_get_u32(c, 1, out);
		break;
	case G_U32L:
		rc = buf_get_u32(c, 0, out);
		break;
	case G_BYTES3:
		if ((rc = buf_get_bytes(c, bb, 3)) == 0)
			*out = (uint32_t)bb[0] << 16 | bb[1] << 8 | bb[2];
		break;
	}
	return rc;
}

START_TEST(test_get_boundary)
{
	struct cursor c;
	uint32_t v;
	size_t n = gsize[_i];

	/* Exact fit, placed at the end of the buffer after a skip. */
	buf_cur_init(&c, pat, 4 + n);
	ck_assert_int_eq(buf_skip(&c, 4), 0);
	v = 0xdeadbeef;
	ck_assert_int_eq(do_get(&c, _i, &v), 0);
	ck_assert_uint_ne(v, 0xdeadbeef);
	ck_assert_uint_eq(buf_left(&c), 0);
	ck_assert_int_eq(c.failed, 0);

	/* One byte short: fails, output untouched, cursor marked. */
	buf_cur_init(&c, pat, 4 + n - 1);
	ck_assert_int_eq(buf_skip(&c, 4), 0);
	v = 0xdeadbeef;
	ck_assert_int_eq(do_get(&c, _i, &v), -1);
	ck_assert_uint_eq(v, 0xdeadbeef);
	ck_assert_int_eq(c.failed, 1);
	ck_assert_uint_eq(buf_left(&c), n - 1);

	/* The failure sticks after a later successful read. */
	if (n > 1) {
		ck_assert_int_eq(buf_skip(&c, 1), 0);
		ck_assert_int_eq(c.failed, 1);
	}
}
END_TEST

START_TEST(test_bytes_untouched)
{
	struct cursor c;
	uint8_t out[8];

	memset(out, 0xaa, sizeof(out));
	buf_cur_init(&c, pat, 7);
	ck_assert_int_eq(buf_get_bytes(&c, out, 8), -1);
	for (size_t i = 0; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0xaa);
	ck_assert_int_eq(buf_get_bytes(&c, out, 7), 0);
	ck_assert_int_eq(memcmp(out, pat, 7), 0);
	ck_assert_int_eq(buf_get_bytes(&c, out, 0), 0);
}
END_TEST

START_TEST(test_skip_past_end)
{
	struct cursor c;

	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_skip(&c, 9), -1);
	ck_assert_int_eq(c.failed, 1);
	ck_assert_uint_eq(buf_left(&c), 8);
	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_skip(&c, 8), 0);
	ck_assert_int_eq(c.failed, 0);
	ck_assert_int_eq(buf_skip(&c, 1), -1);
	ck_assert_int_eq(c.failed, 1);
	/* A huge skip must not wrap the offset around. */
	buf_cur_init(&c, pat, sizeof(pat));
	ck_assert_int_eq(buf_skip(&c, 2), 0);
	ck_assert_int_eq(buf_skip(&c, SIZE_MAX), -1);
	ck_assert_uint_eq(buf_left(&c), 6);
}
END_TEST

START_TEST(test_put_be_le)
{
	uint8_t out[16];
	struct wcursor w;
	static const uint8_t want[] = {
	    0x12, 0x12, 0x34, 0x12, 0x34, 0x56, 0x78, 0x34,
	    0x12, 0x78, 0x56, 0x34, 0x12, 0xaa, 0xbb, 0xcc,
	};

	buf_wcur_init(&w, out, sizeof(out));
	ck_assert_int_eq(buf_put_u8(&w, 0x12), 0);
	ck_assert_int_eq(buf_put_u16be(&w, 0x1234), 0);
	ck_assert_int_eq(buf_put_u32be(&w, 0x12345678), 0);
	ck_assert_int_eq(buf_put_u16le(&w, 0x1234), 0);
	ck_assert_int_eq(buf_put_u32le(&w, 0x12345678), 0);
	ck_assert_int_eq(buf_put_bytes(&w, "\xaa\xbb\xcc", 3), 0);
	ck_assert_uint_eq(w.off, 16);
	ck_assert_int_eq(w.failed, 0);
	ck_assert_int_eq(memcmp(out, want, sizeof(want)), 0);

	buf_wcur_init(&w, out, sizeof(out));
	ck_assert_int_eq(buf_put_u16(&w, 1, 0xa1b2), 0);
	ck_assert_int_eq(buf_put_u16(&w, 0, 0xa1b2), 0);
	ck_assert_int_eq(buf_put_u32(&w, 1, 0x01020304), 0);
	ck_assert_int_eq(buf_put_u32(&w, 0, 0x01020304), 0);
	ck_assert_int_eq(memcmp(out,
				"\xa1\xb2\xb2\xa1\x01\x02\x03\x04"
				"\x04\x03\x02\x01",
				12),
			 0);
}
END_TEST

static int
do_put(struct wcursor *w, int which)
{
	switch (which) {
	case G_U8:
		return buf_put_u8(w, 0x11);
	case G_U16BE:
		return buf_put_u16be(w, 0x1122);
	case G_U32BE:
		return buf_put_u32be(w, 0x11223344);
	case G_U16LE:
		return buf_put_u16le(w, 0x1122);
	case G_U32LE:
		return buf_put_u32le(w, 0x11223344);
	case G_U16B:
		return buf_put_u16(w, 1, 0x1122);
	case G_U16L:
		return buf_put_u16(w, 0, 0x1122);
	case G_U32B:
		return buf_put_u32(w, 1, 0x11223344);
	case G_U32L:
		return buf_put_u32(w, 0, 0x11223344);
	case G_BYTES3:
		return buf_put_bytes(w, "\x11\x22\x33", 3);
	}
	return -1;
}

START_TEST(test_put_boundary)
{
	uint8_t out[16];
	struct wcursor w;
	size_t n = gsize[_i];

	memset(out, 0, sizeof(out));
	buf_wcur_init(&w, out, 2 + n);
	ck_assert_int_eq(buf_put_u16be(&w, 0xffff), 0);
	ck_assert_int_eq(do_put(&w, _i), 0);
	ck_assert_uint_eq(w.off, 2 + n);
	ck_assert_int_eq(w.failed, 0);
	ck_assert_uint_eq(out[2 + n], 0); /* nothing past cap */

	memset(out, 0, sizeof(out));
	buf_wcur_init(&w, out, 2 + n - 1);
	ck_assert_int_eq(buf_put_u16be(&w, 0xffff), 0);
	ck_assert_int_eq(do_put(&w, _i), -1);
	ck_assert_int_eq(w.failed, 1);
	ck_assert_uint_eq(w.off, 2);
	for (size_t i = 2; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0);
}
END_TEST

/* The unchecked loads agree with the cursor on the same bytes. */
START_TEST(test_load)
{
	static const uint8_t b[] = {0x12, 0x34, 0x56, 0x78};
	struct cursor c;
	uint32_t v32;
	uint16_t v16;

	ck_assert_uint_eq(buf_load_be16(b), 0x1234);
	ck_assert_uint_eq(buf_load_le16(b), 0x3412);
	ck_assert_uint_eq(buf_load_be32(b), 0x12345678);
	ck_assert_uint_eq(buf_load_le32(b), 0x78563412);
	ck_assert_uint_eq(buf_load16(b, 1), 0x1234);
	ck_assert_uint_eq(buf_load16(b, 0), 0x3412);
	ck_assert_uint_eq(buf_load32(b, 1), 0x12345678);
	ck_assert_uint_eq(buf_load32(b, 0), 0x78563412);
	buf_cur_init(&c, b, sizeof(b));
	ck_assert_int_eq(buf_get_u32le(&c, &v32), 0);
	ck_assert_uint_eq(v32, buf_load_le32(b));
	buf_cur_init(&c, b, sizeof(b));
	ck_assert_int_eq(buf_get_u16be(&c, &v16), 0);
	ck_assert_uint_eq(v16, buf_load_be16(b));
}
END_TEST

/* Peeks succeed exactly when the bytes are there, at every offset. */
START_TEST(test_peek_boundary)
{
	static const uint8_t b[] = {0xa1, 0xb2, 0xc3, 0xd4, 0xe5};
	size_t len, off;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	for (len = 0; len <= sizeof(b); len++)
		for (off = 0; off <= len + 1; off++) {
			v8 = 0x5a;
			v16 = 0x5a5a;
			v32 = 0x5a5a5a5a;
			ck_assert_int_eq(buf_peek_u8(b, len, off, &v8),
					 off + 1 <= len ? 0 : -1);
			ck_assert_uint_eq(v8, off + 1 <= len ? b[off] : 0x5a);
			ck_assert_int_eq(buf_peek_be16(b, len, off, &v16),
					 off + 2 <= len ? 0 : -1);
			ck_assert_uint_eq(v16, off + 2 <= len
						   ? buf_load_be16(b + off)
						   : 0x5a5a);
			ck_assert_int_eq(buf_peek_be32(b, len, off, &v32),
					 off + 4 <= len ? 0 : -1);
			ck_assert_uint_eq(v32, off + 4 <= len
						   ? buf_load_be32(b + off)
						   : 0x5a5a5a5a);
		}
	/* An offset near SIZE_MAX does not wrap around into the buffer. */
	ck_assert_int_eq(buf_peek_be32(b, sizeof(b), SIZE_MAX - 1, &v32), -1);
	ck_assert_int_eq(buf_peek_be16(b, sizeof(b), SIZE_MAX, &v16), -1);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = unit_case(s, "core", 0,
			      UNIT_TESTS(test_init_left, test_get_be_le,
					 test_bytes_untouched,
					 test_skip_past_end, test_put_be_le,
					 test_load, test_peek_boundary));

	tcase_add_loop_test(tc, test_get_boundary, 0, G_NGET);
	tcase_add_loop_test(tc, test_put_boundary, 0, G_NGET);
	return s;
}

UNIT_MAIN(buf_suite)
