/*
 * Unit tests for the record stream's compression (common/zstream.c) and
 * for what the writer and the reader make of it.
 *
 * The promise that matters is the file format's: whatever compressor
 * nfkit picks (ISA-L's igzip at the default level when built with it),
 * the file holds one zlib stream that plain zlib -- and so flow-tools --
 * inflates to exactly the records, with Z_STREAM_END and nothing after
 * it, and a flush makes every record so far visible to zlib too.  So the
 * files written at the default level are inflated here by zlib itself,
 * not by our reader.  Then every compressor is paired with every
 * decompressor through the engine tables, with input and output cut into
 * awkward pieces, and the decompressors must agree on damage and on the
 * bytes that follow a stream.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ftfile.h"
#include "fttest.h"
#include "zstream.h"
#include "unit.h"
#include "testrng.h"

/* The second zlib header byte the default level writes. */
#ifdef HAVE_ISAL
#define DEFAULT_FLG 0x01 /* igzip: FLEVEL 0, "fastest" */
#else
#define DEFAULT_FLG 0x9c /* zlib level 6 */
#endif

/*
 * Inflate p[0..len) with plain zlib as one stream into out: it must end
 * (Z_STREAM_END) exactly at len.  Returns the bytes inflated.
 */
static size_t
zlib_inflate_all(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs;
	size_t n;

	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(inflateInit(&zs), Z_OK);
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(zs.avail_in, 0);
	n = zs.total_out;
	inflateEnd(&zs);
	return n;
}

/* ---- default-level files, inflated by zlib ---- */

static const size_t counts[] = {0, 1, 1000, 1024, 1025, 20000, 100000};

START_TEST(test_default_level_zlib_reads)
{
	size_t n = counts[_i], rlen, zlen, got;
	struct flowrec *recs, *out;
	uint8_t *raw, *z, *buf;
	struct result res;

	recs = calloc(n + 1, sizeof(*recs));
	out = calloc(n + 1, sizeof(*out));
	buf = malloc(n * 64 + 64);
	/* The same records raw (zlevel 0) are the bytes to expect. */
	raw = make_file(n, 0, 1, &rlen, recs);
	ck_assert_uint_eq(rlen, 80 + n * 64);
	z = make_file(n, -1, 1, &zlen, recs);
	ck_assert_uint_eq(z[FLAGS_AT], FT_FLAG_DONE | FT_FLAG_COMPRESS);
	ck_assert_uint_eq(z[80], 0x78);
	ck_assert_uint_eq(z[81], DEFAULT_FLG);
	got = zlib_inflate_all(z + 80, zlen - 80, buf, n * 64 + 64);
	ck_assert_uint_eq(got, n * 64);
	ck_assert(memcmp(buf, raw + 80, n * 64) == 0);
	/* And our reader, whatever it inflates with. */
	read_mem(z, zlen, out, n + 1, &res);
	ck_assert_int_eq(res.end, 0);
	ck_assert_uint_eq(res.n, n);
	check_prefix(recs, out, n);
	free(raw);
	free(z);
	free(buf);
	free(recs);
	free(out);
}
END_TEST

/*
 * Flushes in the middle of a default-level stream: after each, zlib
 * inflating the file so far (Z_SYNC_FLUSH, as flow-tools reads) gets
 * exactly the records written, and so does our reader; at the end the
 * stream is still one whole zlib stream.
 */
START_TEST(test_default_level_flush)
{
	static const size_t rounds[] = {1, 999, 2000, 30000, 0, 1, 70000};
	struct ft_wopts o = {.byte_order = FT_LITTLE,
			     .zlevel = -1,
			     .cap_start = 1705320000,
			     .hostname = "vm"};
	size_t total = 0, all = 0, i, got, len, rlen;
	struct flowrec *recs, *out;
	uint8_t *raw, *file, *buf;
	struct ft_writer *w;
	struct result res;
	z_stream zs;
	int fd;

	for (i = 0; i < sizeof(rounds) / sizeof(rounds[0]); i++)
		all += rounds[i];
	recs = calloc(all + 1, sizeof(*recs));
	out = calloc(all + 1, sizeof(*out));
	buf = malloc(all * 64 + 64);
	file = malloc(80 + all * 64);
	raw = make_file(all, 0, 1, &rlen, recs);
	fd = memfd_create("zstream-flush", 0);
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	for (i = 0; i < sizeof(rounds) / sizeof(rounds[0]); i++) {
		ck_assert_int_eq(ftw_write(w, recs + total, rounds[i]), 0);
		total += rounds[i];
		ck_assert_int_eq(ftw_flush(w), 0);
		len = (size_t)lseek(fd, 0, SEEK_END);
		ck_assert_uint_le(len, 80 + all * 64);
		ck_assert_int_eq(pread(fd, file, len, 0), (ssize_t)len);
		memset(&zs, 0, sizeof(zs));
		ck_assert_int_eq(inflateInit(&zs), Z_OK);
		zs.next_in = file + 80;
		zs.avail_in = (uInt)(len - 80);
		zs.next_out = buf;
		zs.avail_out = (uInt)(all * 64 + 64);
		ck_assert_int_eq(inflate(&zs, Z_SYNC_FLUSH), Z_OK);
		ck_assert_uint_eq(zs.avail_in, 0);
		ck_assert_uint_eq(zs.total_out, total * 64);
		ck_assert(memcmp(buf, raw + 80, total * 64) == 0);
		inflateEnd(&zs);
		read_mem(file, len, out, all + 1, &res);
		ck_assert_msg(res.end == 0, "%s", res.err);
		ck_assert_uint_eq(res.n, total);
		check_prefix(recs, out, total);
	}
	ck_assert_int_eq(ftw_close(w, NULL), 0);
	len = (size_t)lseek(fd, 0, SEEK_END);
	ck_assert_int_eq(pread(fd, file, len, 0), (ssize_t)len);
	ck_assert_uint_eq(file[81], DEFAULT_FLG);
	got = zlib_inflate_all(file + 80, len - 80, buf, all * 64 + 64);
	ck_assert_uint_eq(got, all * 64);
	ck_assert(memcmp(buf, raw + 80, all * 64) == 0);
	close(fd);
	free(raw);
	free(file);
	free(buf);
	free(recs);
	free(out);
}
END_TEST

/* ---- every compressor with every decompressor ---- */

static const struct {
	const struct zstream_deflate_ops *ops;
	int level;
	int adapt; /* change speed every few pieces */
} deflaters[] = {
    {&zstream_deflate_zlib, 1, 0},
    {&zstream_deflate_zlib, 6, 0},
#ifdef HAVE_ISAL
    {&zstream_deflate_isal, -1, 0},
    {&zstream_deflate_isal, -1, 1},
#endif
};

/*
 * The speeds an adapting compressor goes through, one per few pieces:
 * every change between two of the three speeds, each more than once.
 */
static const int speed_cycle[] = {0, 1, 2, 0, 2, 1, 0, 2, 2, 1, 1, 2, 0};

static const struct zstream_inflate_ops *const inflaters[] = {
    &zstream_inflate_zlib,
#ifdef HAVE_ISAL
    &zstream_inflate_isal,
#endif
};

#define NINFLATERS (sizeof(inflaters) / sizeof(inflaters[0]))
#define PLAIN_LEN (3 << 20)

/* Records-like bytes: repetitive in places, noisy in others. */
static uint8_t *
plain_bytes(void)
{
	uint8_t *p = malloc(PLAIN_LEN);
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < PLAIN_LEN; i++) {
		x = x * 1103515245u + 12345u;
		p[i] =
		    (i % 64) < 40 ? (uint8_t)(i / 64 % 7) : (uint8_t)(x >> 24);
	}
	return p;
}

/*
 * Compress plain with ops through a 1000-byte output window (so the
 * "need room" answer is exercised), in pieces of odd sizes, with a sync
 * flush now and then.  Returns the stream's length in z.
 */
static size_t
compress_pieces(const struct zstream_deflate_ops *ops, int level, int adapt,
		const uint8_t *plain, uint8_t *z, size_t cap)
{
	void *st = ops->init(level);
	size_t off = 0, piece = 1, zlen = 0;
	uint8_t win[1000];
	struct zio io;
	int ret, k = 0, changes = 0;

	ck_assert_ptr_nonnull(st);
	while (off <= PLAIN_LEN) {
		if (adapt && k % 3 == 1) {
			int sp = speed_cycle[changes++ % (sizeof(speed_cycle) /
							  sizeof(int))];

			io.in = NULL;
			io.in_len = 0;
			do {
				io.out = win;
				io.out_len = sizeof(win);
				ret = ops->speed(st, sp, &io);
				ck_assert_int_ge(ret, 0);
				memcpy(z + zlen, win, sizeof(win) - io.out_len);
				zlen += sizeof(win) - io.out_len;
			} while (ret == 0);
		}
		int (*step)(void *, struct zio *) =
		    off == PLAIN_LEN ? ops->finish
		    : ++k % 5 == 0   ? ops->flush
				     : ops->deflate;

		io.in = plain + off;
		io.in_len = PLAIN_LEN - off < piece ? PLAIN_LEN - off : piece;
		off += io.in_len;
		do {
			io.out = win;
			io.out_len = sizeof(win);
			ret = step(st, &io);
			ck_assert_int_ge(ret, 0);
			ck_assert_uint_le(zlen + sizeof(win) - io.out_len, cap);
			memcpy(z + zlen, win, sizeof(win) - io.out_len);
			zlen += sizeof(win) - io.out_len;
		} while (ret == 0);
		ck_assert_uint_eq(io.in_len, 0);
		if (step == ops->finish)
			break;
		piece = piece * 3 + 7;
		if (piece > 300000)
			piece = 1;
	}
	ops->end(st);
	return zlen;
}

/*
 * Inflate z[0..zlen) followed by trailing bytes with ops, input in pieces
 * of 333 bytes and output in windows of 777: the exact plain bytes, the
 * end of the stream, and the trailing bytes left over as input.  As in
 * the reader, more input is given only when a call made no output: a
 * decompressor may hold output it has not had room for.
 */
static void
inflate_pieces(const struct zstream_inflate_ops *ops, const uint8_t *z,
	       size_t zlen, size_t trail, const uint8_t *plain, uint8_t *back)
{
	void *st = ops->init();
	size_t in_off = 0, out_off = 0, n, made = 0;
	const char *why = NULL;
	struct zio io = {0};
	int ret = ZINF_OK;

	ck_assert_ptr_nonnull(st);
	while (ret != ZINF_END) {
		if (io.in_len == 0 && made == 0) {
			ck_assert_uint_lt(in_off, zlen + trail);
			n = zlen + trail - in_off < 333 ? zlen + trail - in_off
							: 333;
			io.in = z + in_off;
			io.in_len = n;
			in_off += n;
		}
		io.out = back + out_off;
		io.out_len = PLAIN_LEN + 1 - out_off < 777
				 ? PLAIN_LEN + 1 - out_off
				 : 777;
		n = io.out_len;
		ret = ops->inflate(st, &io, &why);
		ck_assert_msg(ret != ZINF_ERROR, "%s: %s", ops->name, why);
		made = n - io.out_len;
		out_off += made;
	}
	ck_assert_uint_eq(out_off, PLAIN_LEN);
	ck_assert(memcmp(back, plain, PLAIN_LEN) == 0);
	/* What follows the stream is handed back, byte for byte. */
	ck_assert_uint_eq(in_off - io.in_len, zlen);
	ops->end(st);
}

START_TEST(test_engines)
{
	const struct zstream_deflate_ops *dops = deflaters[_i / NINFLATERS].ops;
	const struct zstream_inflate_ops *iops = inflaters[_i % NINFLATERS];
	size_t zlen, cap = PLAIN_LEN + PLAIN_LEN / 10, trail;
	uint8_t *plain, *z, *back;

	plain = plain_bytes();
	z = malloc(cap + 8);
	back = malloc(PLAIN_LEN + 1);
	zlen = compress_pieces(dops, deflaters[_i / NINFLATERS].level,
			       deflaters[_i / NINFLATERS].adapt, plain, z, cap);
	ck_assert_uint_lt(zlen, PLAIN_LEN);
	/* zlib agrees it is one stream. */
	ck_assert_uint_eq(zlib_inflate_all(z, zlen, back, PLAIN_LEN + 1),
			  PLAIN_LEN);
	for (trail = 0; trail <= 8; trail += 1) {
		memcpy(z + zlen, "trailing", 8);
		inflate_pieces(iops, z, zlen, trail, plain, back);
	}
	free(plain);
	free(z);
	free(back);
}
END_TEST

/* ---- the writer's pattern of calls, replayed and randomized ---- */

/*
 * n bytes of 64-byte records of one kind, chosen per block: noise (igzip
 * then writes stored blocks), records whose first 24 bytes vary (like
 * addresses, counters and times) and the rest repeat, or sparse bytes.
 */
static void
fill_records(uint8_t *p, size_t n, uint64_t *s)
{
	unsigned kind = (unsigned)(xorshift64(s) % 3);
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t x = xorshift64(s);

		if (kind == 0)
			p[i] = (uint8_t)x;
		else if (kind == 1)
			p[i] = i % 64 < 24 ? (uint8_t)(x >> 8)
					   : (uint8_t)(i % 64 / 8);
		else
			p[i] = x % 8 == 0 ? (uint8_t)(x >> 16) : 0;
	}
}

/* Checks every sync flush point with zlib as the stream is produced. */
struct prefix_check {
	z_stream zs;
	uint8_t *back; /* inflated so far */
	size_t fed, back_len;
};

static void
prefix_check(struct prefix_check *pc, const uint8_t *z, size_t zlen,
	     const uint8_t *plain, size_t plain_len, size_t cap)
{
	int ret;

	pc->zs.next_in = (Bytef *)(z + pc->fed);
	pc->zs.avail_in = (uInt)(zlen - pc->fed);
	pc->zs.next_out = pc->back + pc->back_len;
	pc->zs.avail_out = (uInt)(cap - pc->back_len);
	ret = inflate(&pc->zs, Z_SYNC_FLUSH);
	ck_assert(ret == Z_OK || ret == Z_BUF_ERROR);
	ck_assert_uint_eq(pc->zs.avail_in, 0);
	pc->fed = zlen;
	pc->back_len = cap - pc->zs.avail_out;
	ck_assert_uint_eq(pc->back_len, plain_len);
	ck_assert(memcmp(pc->back, plain, plain_len) == 0);
}

/*
 * What ftwrite.c does with a compressor, step by step from a seed: most
 * steps deflate a 64 KiB block of records without flush, one in eight is
 * a sync flush with a partial block (0..1023 records), the last step
 * finishes the stream.  Output collects in an obuf of cap bytes that is
 * emptied only when a call answers "need room" (0) and after a flush or
 * the finish, so a call may start with any room from 0 to cap.  Every
 * call must keep its promise: one that answers 0 with room to spare must
 * have taken input or made output.  After each flush, zlib must inflate
 * exactly the input so far; at the end, one whole zlib stream that zlib
 * and the ISA-L inflater (when built) turn back into the input.
 */
static void
replay_writer(const struct zstream_deflate_ops *ops, int level, uint64_t seed,
	      size_t steps, size_t cap)
{
	size_t plain_cap = (steps + 1) * 65536;
	size_t zcap = plain_cap + plain_cap / 8;
	uint8_t *plain = malloc(plain_cap), *z = malloc(zcap),
		*obuf = malloc(cap), *back = malloc(plain_cap + 1);
	size_t step, total = 0, zlen = 0, n, used;
	struct prefix_check pc = {.back = back};
	struct zio io = {.out = obuf, .out_len = cap};
	void *st = ops->init(level);
	uint64_t s = seed;
	int ret;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(inflateInit(&pc.zs), Z_OK);
	for (step = 0; step <= steps; step++) {
		int (*fn)(void *, struct zio *) = ops->deflate;

		n = 65536;
		if (step == steps) {
			fn = ops->finish;
			n = 0;
		} else if (xorshift64(&s) % 8 == 0) {
			fn = ops->flush;
			n = (size_t)(xorshift64(&s) % 1024) * 64;
		}
		fill_records(plain + total, n, &s);
		io.in = plain + total;
		io.in_len = n;
		total += n;
		for (;;) {
			size_t in0 = io.in_len, out0 = io.out_len;

			ret = fn(st, &io);
			ck_assert_msg(ret >= 0, "%s: step %zu failed (cap %zu)",
				      ops->name, step, cap);
			if (ret == 1 && fn == ops->deflate)
				break;
			ck_assert_msg(ret == 1 || out0 == 0 ||
					  in0 != io.in_len ||
					  out0 != io.out_len,
				      "%s: step %zu: 'need room' with %zu "
				      "bytes of room, nothing taken or made "
				      "(cap %zu, seed %llu)",
				      ops->name, step, out0, cap,
				      (unsigned long long)seed);
			/* Empty the obuf, as drain() does. */
			used = cap - io.out_len;
			ck_assert_uint_le(zlen + used, zcap);
			memcpy(z + zlen, obuf, used);
			zlen += used;
			io.out = obuf;
			io.out_len = cap;
			if (ret == 1)
				break;
		}
		ck_assert_uint_eq(io.in_len, 0);
		if (fn == ops->flush)
			prefix_check(&pc, z, zlen, plain, total, plain_cap + 1);
	}
	ops->end(st);
	inflateEnd(&pc.zs);
	ck_assert_uint_eq(zlib_inflate_all(z, zlen, back, plain_cap + 1),
			  total);
	ck_assert(memcmp(back, plain, total) == 0);
#ifdef HAVE_ISAL
	{
		const char *why = NULL;
		struct zio iio = {z, zlen, back, plain_cap + 1};
		void *ist = zstream_inflate_isal.init();

		while ((ret = zstream_inflate_isal.inflate(ist, &iio, &why)) ==
		       ZINF_OK)
			ck_assert_uint_gt(iio.in_len + iio.out_len, 0);
		ck_assert_msg(ret == ZINF_END, "isa-l inflate: %s", why);
		ck_assert_uint_eq(iio.in_len, 0);
		ck_assert_uint_eq(plain_cap + 1 - iio.out_len, total);
		ck_assert(memcmp(back, plain, total) == 0);
		zstream_inflate_isal.end(ist);
	}
#endif
	free(plain);
	free(z);
	free(obuf);
	free(back);
}

/*
 * The compressor fault of issue 12, replayed.  With this seed and a
 * 100-byte obuf, igzip (isa-l 2.30) runs out of room in the last bytes
 * of a block it is writing at step 46: the block's tail goes to its
 * 16-byte tmp_out_buff, all input has been taken, and before the fix
 * every later call without flush took nothing and made nothing, so the
 * writer was told "need room" forever and gave up (EIO, later EPROTO).
 * The same happens with the writer's 256 KiB obuf when a block's end
 * lands in its last few bytes, which at 3.2M flows/s was a matter of
 * minutes.  Run for every engine: zlib must keep the same promises.
 */
START_TEST(test_writer_replay)
{
	replay_writer(deflaters[_i].ops, deflaters[_i].level,
		      2 * 0x9e3779b97f4a7c15ull + 1, 60, 100);
}
END_TEST

#ifdef HAVE_ISAL
/*
 * igzip with the writer's pattern from fixed seeds, with obufs from 1
 * byte (its tmp_out_buff path on every call) to the writer's 256 KiB.
 */
START_TEST(test_writer_stress)
{
	static const size_t caps[] = {1, 7, 100, 1000, 4096, 256 * 1024};
	uint64_t seed;

	for (seed = 1; seed <= 3; seed++)
		replay_writer(&zstream_deflate_isal, -1,
			      seed * 0x9e3779b97f4a7c15ull + 1,
			      caps[_i] < 100 ? 3 : 64, caps[_i]);
}
END_TEST
#endif

/*
 * Damage every decompressor must report: a bad header check, a wrong
 * method, a preset dictionary, a wrong Adler-32.
 */
START_TEST(test_inflate_damage)
{
	const struct zstream_inflate_ops *ops = inflaters[_i];
	uint8_t plain[640], z[1024], back[700];
	uLongf zlen = sizeof(z);
	const char *why;
	struct zio io;
	size_t i;
	void *st;
	int k, ret;

	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7 % 13);
	ck_assert_int_eq(compress(z, &zlen, plain, sizeof(plain)), Z_OK);
	for (k = 0; k < 5; k++) {
		static const struct {
			size_t off;
			uint8_t x;
		} hurt[] = {
		    {1, 0x01}, /* FCHECK no longer a multiple of 31 */
		    {0, 0x07}, /* method 0x78 ^ 7 = 0x7f: not deflate */
		    {1, 0x20}, /* FDICT */
		    {0, 0},    /* below: the last byte of the Adler-32 */
		    {0, 0},    /* and a byte in the middle */
		};
		size_t off = k == 3   ? zlen - 1
			     : k == 4 ? zlen / 2
				      : hurt[k].off;

		z[off] ^= k >= 3 ? 0x10 : hurt[k].x;
		/* Keep FCHECK right where only FDICT is meant to be wrong. */
		if (k == 2) {
			z[1] &= 0xe0;
			z[1] = (uint8_t)(z[1] +
					 (31 - (z[0] * 256 + z[1]) % 31) % 31);
		}
		st = ops->init();
		io.in = z;
		io.in_len = zlen;
		io.out = back;
		io.out_len = sizeof(back);
		why = NULL;
		ret = ops->inflate(st, &io, &why);
		ck_assert_msg(ret == ZINF_ERROR, "%s: damage %d not seen",
			      ops->name, k);
		ck_assert_ptr_nonnull(why);
		ops->end(st);
		ck_assert_int_eq(compress(z, &zlen, plain, sizeof(plain)),
				 Z_OK);
	}
}
END_TEST

/* The engines the build chose. */
START_TEST(test_choice)
{
#ifdef HAVE_ISAL
	ck_assert_ptr_eq(zstream_deflate_choose(-1), &zstream_deflate_isal);
	ck_assert_ptr_eq(zstream_inflate_choose(), &zstream_inflate_isal);
#else
	ck_assert_ptr_eq(zstream_deflate_choose(-1), &zstream_deflate_zlib);
	ck_assert_ptr_eq(zstream_inflate_choose(), &zstream_inflate_zlib);
#endif
	ck_assert_ptr_eq(zstream_deflate_choose(1), &zstream_deflate_zlib);
	ck_assert_ptr_eq(zstream_deflate_choose(6), &zstream_deflate_zlib);
	ck_assert_ptr_eq(zstream_deflate_choose(9), &zstream_deflate_zlib);
	/* fttest.h's error helper, on a trailing byte after a stream. */
	{
		struct flowrec recs[3], out[4];
		struct result res;
		uint8_t *f;
		size_t len;

		f = make_file(3, -1, 1, &len, recs);
		f[len] = 0;
		read_mem(f, len + 1, out, 4, &res);
		ck_assert_uint_eq(res.n, 3);
		ck_assert_int_eq(res.end, -1);
		assert_err(&res, "trailing garbage");
		free(f);
	}
}
END_TEST

static Suite *
zstream_suite(void)
{
	Suite *s = suite_create("zstream");
	TCase *tc = unit_case(
	    s, "core", 300, UNIT_TESTS(test_default_level_flush, test_choice));

	tcase_add_loop_test(tc, test_default_level_zlib_reads, 0,
			    (int)(sizeof(counts) / sizeof(counts[0])));
	tcase_add_loop_test(
	    tc, test_engines, 0,
	    (int)(sizeof(deflaters) / sizeof(deflaters[0]) * NINFLATERS));
	tcase_add_loop_test(tc, test_writer_replay, 0,
			    (int)(sizeof(deflaters) / sizeof(deflaters[0])));
#ifdef HAVE_ISAL
	tcase_add_loop_test(tc, test_writer_stress, 0, 6);
#endif
	tcase_add_loop_test(tc, test_inflate_damage, 0, (int)NINFLATERS);
	return s;
}

UNIT_MAIN(zstream_suite)
