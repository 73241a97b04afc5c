/*
 * Unit tests for the flow-tools reader (common/ftread.c, common/fthdr.c)
 * on damaged files, all made here by our writer and then broken: cut
 * headers, bad magic, byte order, stream version and header length, TLVs
 * running past the header, a zlib stream cut at every length, bytes after
 * the stream, every compressed byte flipped in turn, a partial record, and
 * a 200 KB file that inflates to 200 MB.
 *
 * Each must end in a clear error after the good records (or, for a file
 * still being written, in a clean end), never in a crash or an allocation
 * sized by the file.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ftfile.h"
#include "fttest.h"
#include "unit.h"

/*
 * Header damage on a file with H = 80 (hostname "vm"): the byte at off set
 * to byte (unless -1), the file cut to cut bytes (unless 0), and the
 * message expected.  TLVs: 0x02 at 8, 0x06 at 14, ..., 0x0E at 62, 0x0F at
 * 70 ("vm\0" at 74), padding 77..79.
 */
static const struct {
	size_t off;
	int byte;
	size_t cut;
	const char *msg;
} hdr_damage[] = {
    {0, -1, 0, NULL},
    {0, -1, 5, "truncated header: 5 of 8 bytes"},
    {0, -1, 8, "truncated header: 8 of 80 bytes"},
    {0, -1, 79, "truncated header: 79 of 80 bytes"},
    {0, 0xce, 0, "bad magic ce 10 (not a flow-tools file)"},
    {1, 0x11, 0, "bad magic cf 11"},
    {2, 0, 0, "bad byte order byte 0"},
    {2, 3, 0, "bad byte order byte 3"},
    {3, 2, 0, "unsupported stream version 2"},
    {3, 4, 0, "unsupported stream version 4"},
    {4, 4, 0, "bad header length 4"},
    {5, 0x40, 0, "bad header length 16464"},
    {6, 1, 0, "bad header length 65616"},
    {4, 84, 81, "truncated header: 81 of 84 bytes"},
    {72, 32, 0, "TLV 0x0f at offset 70: length 32 runs past"},
    {72, 7, 0, "TLV 0x0f at offset 70: length 7 runs past"},
    {16, 2, 0, "TLV 0x06 at offset 14: length 2, the value needs 4"},
    {12, 8, 0, "export version 8 (stream version 3) is not supported"},
    {12, 2, 0, "export version 2 (stream version 3) is not supported"},
};

START_TEST(test_header_damage)
{
	struct flowrec recs[2], out[4];
	struct result res;
	uint8_t *f;
	size_t len;

	f = make_file(1, 6, 1, &len, recs);
	ck_assert_uint_eq(f[4], 80);
	if (hdr_damage[_i].byte >= 0)
		f[hdr_damage[_i].off] = (uint8_t)hdr_damage[_i].byte;
	/* Case 0 is the empty file. */
	read_mem(f,
		 _i == 0	      ? 0
		 : hdr_damage[_i].cut ? hdr_damage[_i].cut
				      : len,
		 out, 4, &res);
	ck_assert_msg(!res.opened, "damage %d not detected", _i);
	assert_err(&res, hdr_damage[_i].msg != NULL
			     ? hdr_damage[_i].msg
			     : "truncated header: 0 of 8 bytes");
	/* Messages name the file. */
	ck_assert_msg(strncmp(res.err, "test: ", 6) == 0, "%s", res.err);
	free(f);
}
END_TEST

START_TEST(test_header_oddities)
{
	struct flowrec recs[2], out[4];
	struct result res;
	uint8_t *f;
	size_t len;

	/* An unknown TLV type is skipped: make TLV 0x0E (resets) 0x7f. */
	f = make_file(2, 6, 1, &len, recs);
	ck_assert_uint_eq(f[62], 0x0e);
	f[62] = 0x7f;
	read_mem(f, len, out, 4, &res);
	ck_assert_int_eq(res.end, 0);
	ck_assert_uint_eq(res.n, 2);
	ck_assert_uint_eq(res.hdr.tlv_seen & (1u << 0x0e), 0);
	ck_assert_uint_ne(res.hdr.tlv_seen & (1u << 0x0f), 0);
	ck_assert_str_eq(res.hdr.hostname, "vm");
	free(f);
	/* A hostname without its NUL, up to H, still comes out terminated. */
	f = make_file(2, 6, 1, &len, recs);
	memcpy(f + 76, "xyzw", 4);
	f[72] = 6;
	read_mem(f, len, out, 4, &res);
	ck_assert_msg(res.opened, "%s", res.err);
	ck_assert_str_eq(res.hdr.hostname, "vmxyzw");
	ck_assert_uint_eq(res.n, 2);
	/* Padding is ignored whatever it holds. */
	f[72] = 3;
	memcpy(f + 76, "\x00\x65\x05\x00", 4);
	read_mem(f, len, out, 4, &res);
	ck_assert_str_eq(res.hdr.hostname, "vm");
	ck_assert_uint_eq(res.n, 2);
	ck_assert_int_eq(res.end, 0);
	free(f);
}
END_TEST

/* A zlib stream cut at every length: the good records, then "truncated". */
START_TEST(test_cut_stream)
{
	struct flowrec *recs, *out;
	struct result res;
	char want[128];
	size_t len, cut, big, i;
	uint8_t *f;

	recs = calloc(20000, sizeof(*recs));
	out = calloc(20001, sizeof(*out));
	f = make_file(20, 6, 1, &len, recs);
	for (cut = 80; cut < len; cut++) {
		read_mem(f, cut, out, 21, &res);
		ck_assert(res.opened);
		ck_assert_int_eq(res.end, -1);
		check_prefix(recs, out, res.n);
		snprintf(want, sizeof(want),
			 "test: truncated: zlib stream "
			 "ends without its end marker after %zu records",
			 res.n);
		ck_assert_str_eq(res.err, want);
	}
	/* Only the checksum missing: every record is there. */
	read_mem(f, len - 1, out, 21, &res);
	ck_assert_uint_eq(res.n, 20);
	/* The same cuts of a file still being written are a clean end. */
	ck_assert_uint_eq(f[FLAGS_AT], FT_FLAG_DONE | FT_FLAG_COMPRESS);
	f[FLAGS_AT] = FT_FLAG_COMPRESS;
	for (cut = 80; cut < len; cut++) {
		read_mem(f, cut, out, 21, &res);
		ck_assert_msg(res.end == 0, "cut %zu: %s", cut, res.err);
		check_prefix(recs, out, res.n);
	}
	free(f);
	/* A stream of many inflate rounds, cut at a few places. */
	f = make_file(20000, 6, 1, &big, recs);
	for (i = 1; i < 8; i++) {
		read_mem(f, big * i / 8, out, 20001, &res);
		ck_assert_int_eq(res.end, -1);
		assert_err(&res, "truncated");
		ck_assert_uint_gt(res.n, 0);
		check_prefix(recs, out, res.n);
	}
	read_mem(f, big, out, 20001, &res);
	ck_assert_int_eq(res.end, 0);
	ck_assert_uint_eq(res.n, 20000);
	check_prefix(recs, out, res.n);
	free(f);
	free(recs);
	free(out);
}
END_TEST

START_TEST(test_trailing_garbage)
{
	struct flowrec recs[20], out[21];
	struct result res;
	size_t len;
	uint8_t *f;

	f = make_file(20, 6, 1, &len, recs);
	memcpy(f + len, "garbage", 7);
	read_mem(f, len + 7, out, 21, &res);
	ck_assert_uint_eq(res.n, 20);
	check_prefix(recs, out, 20);
	ck_assert_int_eq(res.end, -1);
	ck_assert_str_eq(res.err, "test: trailing garbage: bytes follow the "
				  "end of the zlib stream after 20 records");
	/* One byte is enough. */
	f[len] = 0;
	read_mem(f, len + 1, out, 21, &res);
	ck_assert_uint_eq(res.n, 20);
	ck_assert_int_eq(res.end, -1);
	free(f);
}
END_TEST

/*
 * Every byte of the compressed stream flipped in turn: always caught.  A
 * flip may make the stream inflate to more than it held (up to deflate's
 * 1032:1 of its 2 KB), so the output has room for that.
 */
#define FLIP_MAX 100000

START_TEST(test_flipped_bytes)
{
	struct flowrec recs[50], *out;
	struct result res;
	size_t len, pos;
	uint8_t *f;

	out = malloc(FLIP_MAX * sizeof(*out));
	f = make_file(50, 6, 1, &len, recs);
	for (pos = 80; pos < len; pos++) {
		f[pos] ^= 0xff;
		read_mem(f, len, out, FLIP_MAX, &res);
		f[pos] ^= 0xff;
		ck_assert(res.opened);
		ck_assert_msg(res.end == -1,
			      "flip at %zu not detected (%zu "
			      "records)",
			      pos, res.n);
		ck_assert_msg(strstr(res.err, "corrupt zlib stream") != NULL ||
				  strstr(res.err, "truncated") != NULL ||
				  strstr(res.err, "trailing garbage") != NULL ||
				  strstr(res.err, "partial record") != NULL,
			      "flip at %zu: "
			      "%s",
			      pos, res.err);
	}
	free(f);
	free(out);
}
END_TEST

START_TEST(test_partial_record_raw)
{
	struct flowrec recs[10], out[11];
	struct result res;
	size_t len;
	uint8_t *f;

	f = make_file(10, 0, 1, &len, recs);
	ck_assert_uint_eq(len, 80 + 10 * 64);
	read_mem(f, 80 + 3 * 64 + 10, out, 11, &res);
	ck_assert_uint_eq(res.n, 3);
	check_prefix(recs, out, 3);
	ck_assert_int_eq(res.end, -1);
	ck_assert_str_eq(res.err, "test: partial record at the end after 3 "
				  "records: 10 bytes of a 64-byte record");
	/* A file still being written may end in the middle of a record. */
	ck_assert_uint_eq(f[FLAGS_AT], FT_FLAG_DONE);
	f[FLAGS_AT] = 0;
	read_mem(f, 80 + 3 * 64 + 10, out, 11, &res);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_int_eq(res.end, 0);
	free(f);
}
END_TEST

/* A complete zlib stream holding 3 records and 10 bytes. */
START_TEST(test_partial_record_zlib)
{
	struct flowrec recs[10], out[11];
	uint8_t z[1024], *f;
	struct result res;
	uLongf zlen = sizeof(z);
	size_t len;

	f = make_file(10, 0, 1, &len, recs);
	ck_assert_int_eq(compress(z, &zlen, f + 80, 3 * 64 + 10), Z_OK);
	memcpy(f + 80, z, zlen);
	f[FLAGS_AT] = FT_FLAG_DONE | FT_FLAG_COMPRESS;
	read_mem(f, 80 + zlen, out, 11, &res);
	ck_assert_uint_eq(res.n, 3);
	check_prefix(recs, out, 3);
	ck_assert_int_eq(res.end, -1);
	assert_err(&res, "partial record at the end after 3 records");
	/* Even in a file still being written: its stream has ended. */
	f[FLAGS_AT] = FT_FLAG_COMPRESS;
	read_mem(f, 80 + zlen, out, 11, &res);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_int_eq(res.end, -1);
	assert_err(&res, "partial record");
	free(f);
}
END_TEST

/*
 * 200 MiB of zeros deflated into ~200 KB, behind a header that claims
 * 2^32-1 flows: the reader inflates it in fixed-size rounds, returns
 * 3,276,800 all-zero records and ends cleanly.
 */
#define BOMB_MB 200

START_TEST(test_zlib_bomb)
{
	struct ft_header h = {.byte_order = FT_LITTLE,
			      .d_version = 5,
			      .flags = FT_FLAG_DONE | FT_FLAG_COMPRESS,
			      .flows = UINT32_MAX};
	static uint8_t zeros[1 << 20];
	struct flowrec *out;
	struct ft_reader *r;
	uint8_t *file;
	size_t cap = 4 << 20, hlen;
	uint64_t n = 0;
	char err[256];
	z_stream zs;
	int i, fd;
	long k;

	file = malloc(cap);
	hlen = fthdr_encode(&h, file, cap);
	ck_assert_uint_gt(hlen, 0);
	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(deflateInit(&zs, 9), Z_OK);
	zs.next_out = file + hlen;
	zs.avail_out = (uInt)(cap - hlen);
	for (i = 0; i < BOMB_MB; i++) {
		zs.next_in = zeros;
		zs.avail_in = sizeof(zeros);
		ck_assert_int_eq(deflate(&zs, Z_NO_FLUSH), Z_OK);
		ck_assert_uint_eq(zs.avail_in, 0);
	}
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	fd = mem_fd(file, cap - zs.avail_out);
	ck_assert_uint_lt(cap - zs.avail_out, 300 * 1024);
	deflateEnd(&zs);
	free(file);

	out = malloc(4096 * sizeof(*out));
	r = ftr_open(fd, "bomb", err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	while ((k = ftr_read(r, out, 4096)) > 0) {
		n += (uint64_t)k;
		ck_assert_uint_eq(out[0].srcaddr | out[k - 1].bytes, 0);
	}
	ck_assert_msg(k == 0, "%s", ftr_error(r));
	ck_assert_uint_eq(n, (uint64_t)BOMB_MB * (1 << 20) / 64);
	ftr_close(r);
	close(fd);
	free(out);
}
END_TEST

static Suite *
ftdamage_suite(void)
{
	Suite *s = suite_create("ftdamage");
	TCase *tc =
	    unit_case(s, "core", 300,
		      UNIT_TESTS(test_header_oddities, test_cut_stream,
				 test_trailing_garbage, test_flipped_bytes,
				 test_partial_record_raw,
				 test_partial_record_zlib, test_zlib_bomb));

	tcase_add_loop_test(tc, test_header_damage, 0,
			    (int)(sizeof(hdr_damage) / sizeof(hdr_damage[0])));
	return s;
}

UNIT_MAIN(ftdamage_suite)
