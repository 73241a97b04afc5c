/*
 * Unit tests for the flow-tools file writer (common/ftwrite.c) and header
 * codec (common/fthdr.c), checked through the reader (common/ftread.c) and
 * against files written by the real flow-capture.
 *
 * Round trips cover both byte orders, compressed (levels 6 and 9) and raw
 * records.  Headers and whole files written here are compared byte for byte
 * with flow-capture's in ../shared/testdata/flow-tools: deflate given the
 * same bytes with Z_NO_FLUSH makes the same stream however the input is cut
 * into calls, so even the compressed records come out identical.  The
 * open-file promise (ftw_flush makes every record readable) and write
 * errors (ENOSPC from /dev/full, EPIPE from a closed pipe) are tested too.
 * The reader's own tests, on every real file and on damaged ones, are in
 * test_ftread.c.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftfile.h"
#include "unit.h"
#include "testrng.h"

#define TESTDATA "../shared/testdata/flow-tools"
#define SEED TESTDATA "/seed-utc/ft-v05.2026-11-26.180515+0000"
#define BIGEND TESTDATA "/variants/big-endian/ft-v05.2026-11-26.180522+0000"
#define Z9COMMENT TESTDATA "/variants/z9-comment/ft-v05.2026-11-26.180524+0000"
#define RAWZ0                                                                  \
	TESTDATA                                                               \
	"/variants/uncompressed-z0/ft-v05.2026-11-26.180520+0000"
#define EMPTY                                                                  \
	TESTDATA "/nested-berlin/2026/2026-11/2026-11-26/"                     \
		 "ft-v05.2026-11-26.190601+0100"

#define NRECS 10000

/* Records with every field varied, times consistent with their stamps. */
static void
gen_recs(struct flowrec *r, size_t n, uint64_t seed)
{
	uint32_t first, last;
	size_t i;

	rnd_seed(seed);
	for (i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].unix_secs = 1705320000u + (uint32_t)(i / 100);
		r[i].unix_nsecs = rnd32() % 1000000000u;
		r[i].sys_uptime = rnd32();
		first = rnd32();
		last = first + rnd32() % 3600000u; /* may wrap */
		r[i].first_ms = flowrec_abs_ms(r[i].unix_secs, r[i].unix_nsecs,
					       r[i].sys_uptime, first);
		r[i].last_ms = flowrec_abs_ms(r[i].unix_secs, r[i].unix_nsecs,
					      r[i].sys_uptime, last);
		r[i].packets = rnd32();
		r[i].bytes = i % 3 ? rnd32() : UINT32_MAX;
		r[i].srcaddr = rnd32();
		r[i].dstaddr = rnd32();
		r[i].nexthop = rnd32();
		r[i].exaddr = rnd32();
		r[i].srcport = (uint16_t)rnd32();
		r[i].dstport = (uint16_t)rnd32();
		r[i].input = (uint16_t)rnd32();
		r[i].output = (uint16_t)rnd32();
		r[i].src_as = (uint16_t)rnd32();
		r[i].dst_as = (uint16_t)rnd32();
		r[i].proto = (uint8_t)rnd32();
		r[i].tos = (uint8_t)rnd32();
		r[i].tcp_flags = (uint8_t)rnd32();
		r[i].src_mask = (uint8_t)(rnd32() % 33);
		r[i].dst_mask = (uint8_t)(rnd32() % 33);
		r[i].engine_type = (uint8_t)rnd32();
		r[i].engine_id = (uint8_t)rnd32();
	}
}

#define FIELD_EQ(f)                                                            \
	ck_assert_msg(a->f == b->f, "record %zu: " #f " %lld != %lld", i,      \
		      (long long)a->f, (long long)b->f)

static void
rec_eq(const struct flowrec *a, const struct flowrec *b, size_t i)
{
	FIELD_EQ(packets);
	FIELD_EQ(bytes);
	FIELD_EQ(first_ms);
	FIELD_EQ(last_ms);
	FIELD_EQ(srcaddr);
	FIELD_EQ(dstaddr);
	FIELD_EQ(nexthop);
	FIELD_EQ(exaddr);
	FIELD_EQ(unix_secs);
	FIELD_EQ(unix_nsecs);
	FIELD_EQ(sys_uptime);
	FIELD_EQ(srcport);
	FIELD_EQ(dstport);
	FIELD_EQ(input);
	FIELD_EQ(output);
	FIELD_EQ(src_as);
	FIELD_EQ(dst_as);
	FIELD_EQ(proto);
	FIELD_EQ(tos);
	FIELD_EQ(tcp_flags);
	FIELD_EQ(src_mask);
	FIELD_EQ(dst_mask);
	FIELD_EQ(engine_type);
	FIELD_EQ(engine_id);
}

/* A fresh temporary file, opened read-write; its path goes to path. */
static int
tmp_file(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/nfkit-test-ftfile-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* The whole file; *len gets its size.  Caller frees. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *p;
	int fd;

	fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fstat(fd, &st), 0);
	p = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return p;
}

/* Read every record of path; returns the count, the last ftr_read in *end. */
static size_t
read_all(const char *path, struct flowrec *out, size_t max, struct ft_header *h,
	 long *end)
{
	struct ft_reader *r;
	char err[256];
	size_t n = 0, chunk = 1;
	long k;
	int fd;

	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	r = ftr_open(fd, path, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	if (h != NULL)
		*h = *ftr_header(r);
	/* Vary the batch size so that batch boundaries fall everywhere. */
	k = 0;
	while (n < max &&
	       (k = ftr_read(r, out + n, max - n < chunk ? max - n : chunk)) >
		   0) {
		n += (size_t)k;
		chunk = chunk * 3 + 1;
	}
	if (n == max) {
		struct flowrec extra;

		/* There must not be more than the caller expects. */
		k = ftr_read(r, &extra, 1);
		ck_assert_int_le(k, 0);
	}
	ck_assert_uint_eq(ftr_count(r), n);
	*end = k;
	ftr_close(r);
	close(fd);
	return n;
}

/*
 * The second byte of the zlib header at the default level: igzip (the
 * default compressor when built with ISA-L) says "fastest" (FLEVEL 0),
 * zlib level 6 "default" (FLEVEL 2).
 */
#ifdef HAVE_ISAL
#define DEFAULT_FLG 0x01
#else
#define DEFAULT_FLG 0x9c
#endif

/* ---- round trips ---- */

static const struct {
	int byte_order, zlevel;
} modes[] = {
    {FT_LITTLE, 6}, {FT_LITTLE, 9}, {FT_LITTLE, 0}, {FT_BIG, 6},
    {FT_BIG, 9},    {FT_BIG, 0},    {0, -1},
};

START_TEST(test_round_trip)
{
	struct ft_wopts o = {0};
	struct ft_counts cnt = {1705400000, 11, 22, 33};
	struct flowrec *in, *out;
	struct ft_writer *w;
	struct ft_header h;
	char path[64];
	size_t n, i, step;
	long end;
	int fd;

	in = calloc(NRECS, sizeof(*in));
	out = calloc(NRECS + 1, sizeof(*out));
	gen_recs(in, NRECS, 0x1234 + (uint64_t)_i);
	fd = tmp_file(path, sizeof(path));
	o.byte_order = modes[_i].byte_order;
	o.zlevel = modes[_i].zlevel;
	o.cap_start = 1705320000;
	o.hostname = "collector.example";
	w = ftw_open(fd, &o);
	ck_assert_ptr_nonnull(w);
	/* Uneven batches, including single records. */
	for (i = 0, step = 1; i < NRECS; i += step, step = step * 2 + 1) {
		if (step > NRECS - i)
			step = NRECS - i;
		ck_assert_int_eq(ftw_write(w, in + i, step), 0);
	}
	ck_assert_uint_eq(ftw_count(w), NRECS);
	ck_assert_int_eq(ftw_close(w, &cnt), 0);
	close(fd);

	n = read_all(path, out, NRECS + 1, &h, &end);
	ck_assert_int_eq(end, 0);
	ck_assert_uint_eq(n, NRECS);
	for (i = 0; i < n; i++)
		rec_eq(&in[i], &out[i], i);
	ck_assert_uint_eq(h.flows, NRECS);
	ck_assert_uint_eq(h.cap_start, 1705320000);
	ck_assert_uint_eq(h.cap_end, 1705400000);
	ck_assert_uint_eq(h.lost, 11);
	ck_assert_uint_eq(h.corrupt, 22);
	ck_assert_uint_eq(h.resets, 33);
	ck_assert_uint_eq(h.d_version, 5);
	ck_assert_uint_eq(h.stream_version, 3);
	ck_assert_str_eq(h.hostname, "collector.example");
	ck_assert_uint_eq(h.flags, FT_FLAG_DONE |
				       (o.zlevel != 0 ? FT_FLAG_COMPRESS : 0));
	if (o.byte_order != 0)
		ck_assert_uint_eq(h.byte_order, o.byte_order);
	else
		ck_assert_uint_eq(h.byte_order,
				  __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				      ? FT_BIG
				      : FT_LITTLE);
	/* The record stream: a zlib header for the level, or raw records. */
	{
		size_t len;
		uint8_t *f = slurp(path, &len);

		if (o.zlevel == 0) {
			ck_assert_uint_eq(len, h.hdr_len + NRECS * 64);
		} else {
			ck_assert_uint_eq(f[h.hdr_len], 0x78);
			ck_assert_uint_eq(f[h.hdr_len + 1], o.zlevel == 9 ? 0xda
							    : o.zlevel < 0
								? DEFAULT_FLG
								: 0x9c);
		}
		free(f);
	}
	unlink(path);
	free(in);
	free(out);
}
END_TEST

/* Counters beyond 32 bits are clamped, not truncated; so is the count. */
START_TEST(test_clamp)
{
	struct ft_wopts o = {
	    .byte_order = FT_LITTLE, .zlevel = 1, .hostname = "h"};
	struct flowrec r, back;
	struct ft_writer *w;
	char path[64];
	long end;
	int fd;

	gen_recs(&r, 1, 99);
	r.packets = 1ULL << 40;
	r.bytes = UINT64_MAX;
	fd = tmp_file(path, sizeof(path));
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	ck_assert_int_eq(ftw_write(w, &r, 1), 0);
	ck_assert_int_eq(ftw_close(w, NULL), 0);
	close(fd);
	ck_assert_uint_eq(read_all(path, &back, 1, NULL, &end), 1);
	ck_assert_int_eq(end, 0);
	ck_assert_uint_eq(back.packets, UINT32_MAX);
	ck_assert_uint_eq(back.bytes, UINT32_MAX);
	unlink(path);
}
END_TEST

/* ---- headers and whole files against flow-capture's ---- */

/* The header values of a real file, decoded by us. */
static struct ft_header
real_header(const char *path, uint8_t **bytes, size_t *len)
{
	struct ft_header h;
	char err[256];

	*bytes = slurp(path, len);
	ck_assert_msg(fthdr_decode(*bytes, *len, &h, err, sizeof(err)) == 0,
		      "%s: %s", path, err);
	return h;
}

/*
 * Encode the header flow-capture wrote from its decoded values and compare
 * the bytes; skip_pad ignores the padding after the last TLV.
 */
static void
check_header_bytes(const char *path, uint32_t want_len, int skip_pad)
{
	struct ft_header h, enc;
	uint8_t *real, buf[FT_MAXHEADER];
	size_t len, n, cmp;

	h = real_header(path, &real, &len);
	ck_assert_uint_eq(h.hdr_len, want_len);
	memset(&enc, 0, sizeof(enc));
	enc.byte_order = h.byte_order;
	enc.d_version = h.d_version;
	enc.cap_start = h.cap_start;
	enc.cap_end = h.cap_end;
	enc.flags = h.flags;
	enc.flows = h.flows;
	enc.lost = h.lost;
	enc.corrupt = h.corrupt;
	enc.resets = h.resets;
	strcpy(enc.hostname, h.hostname);
	strcpy(enc.comment, h.comment);
	n = fthdr_encode(&enc, buf, sizeof(buf));
	ck_assert_uint_eq(n, want_len);
	/* The last TLV (hostname "vm" or the comment) ends 3 bytes short. */
	cmp = skip_pad ? n - 3 : n;
	ck_assert_msg(memcmp(buf, real, cmp) == 0, "%s: header differs", path);
	/* Too small a buffer fails cleanly. */
	ck_assert_uint_eq(fthdr_encode(&enc, buf, n - 1), 0);
	free(real);
}

START_TEST(test_header_bytes)
{
	if (!unit_have_shared(TESTDATA))
		return;
	check_header_bytes(SEED, 80, 0);
	/* flow-capture left garbage in the big-endian file's padding. */
	check_header_bytes(BIGEND, 80, 1);
	check_header_bytes(Z9COMMENT, 108, 0);
}
END_TEST

/*
 * Write the records of a real file again with the same header values and
 * compare the whole result with it.  skip is a byte range to ignore (the
 * big-endian padding), or 0.
 */
static void
check_rewrite(const char *path, int zlevel, const char *comment, size_t skip)
{
	struct ft_wopts o = {0};
	struct ft_counts cnt = {0};
	struct flowrec recs[64];
	struct ft_header h;
	struct ft_writer *w;
	uint8_t *real, *mine;
	size_t n, rlen, mlen;
	char out[64];
	long end;
	int fd;

	h = real_header(path, &real, &rlen);
	n = read_all(path, recs, 64, NULL, &end);
	ck_assert_int_eq(end, 0);
	ck_assert_uint_eq(n, h.flows);
	fd = tmp_file(out, sizeof(out));
	o.byte_order = h.byte_order;
	o.zlevel = zlevel;
	o.cap_start = h.cap_start;
	o.hostname = h.hostname;
	o.comment = comment;
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	ck_assert_int_eq(ftw_write(w, recs, n), 0);
	cnt.cap_end = h.cap_end;
	cnt.lost = h.lost;
	cnt.corrupt = h.corrupt;
	cnt.resets = h.resets;
	ck_assert_int_eq(ftw_close(w, &cnt), 0);
	close(fd);
	mine = slurp(out, &mlen);
	ck_assert_uint_eq(mlen, rlen);
	if (skip > 0) {
		memset(real + skip, 0, 3);
		memset(mine + skip, 0, 3);
	}
	ck_assert_msg(memcmp(mine, real, rlen) == 0, "%s: rewrite differs",
		      path);
	unlink(out);
	free(real);
	free(mine);
}

START_TEST(test_reproduce_real_files)
{
	if (!unit_have_shared(TESTDATA))
		return;
	/*
	 * flow-capture's default level, 6.  Without ISA-L, -1 means the
	 * same; with it, -1 is igzip's own (valid, different) stream, which
	 * test_zstream.c checks with zlib.
	 */
	check_rewrite(SEED, 6, NULL, 0);
#ifndef HAVE_ISAL
	check_rewrite(SEED, -1, NULL, 0);
#endif
	check_rewrite(BIGEND, 6, NULL, 77);
	check_rewrite(Z9COMMENT, 9, "flow-tools-interop-test", 0);
	check_rewrite(RAWZ0, 0, NULL, 0);
	/* No records: the 88-byte file of an idle rotation interval. */
	check_rewrite(EMPTY, 6, NULL, 0);
}
END_TEST

/* The header at open: flags COMPRESS only, no end time, zero counters. */
START_TEST(test_open_header)
{
	struct ft_wopts o = {.byte_order = FT_LITTLE,
			     .zlevel = 6,
			     .cap_start = 1795716431,
			     .hostname = "vm"};
	struct ft_writer *w;
	uint8_t *mine, *real;
	size_t mlen, rlen;
	char path[64];
	int fd;

	if (!unit_have_shared(TESTDATA))
		return;
	fd = tmp_file(path, sizeof(path));
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	mine = slurp(path, &mlen);
	real = slurp(TESTDATA "/variants/tmp-open/tmp-v05.2026-11-26."
			      "180711+0000",
		     &rlen);
	/* Exactly flow-capture's open tmp- file: 80 header bytes, nothing else.
	 */
	ck_assert_uint_eq(mlen, 80);
	ck_assert_uint_eq(rlen, 80);
	ck_assert_int_eq(memcmp(mine, real, 80), 0);
	ftw_abort(w);
	close(fd);
	unlink(path);
	free(mine);
	free(real);
}
END_TEST

/* ---- the open-file promise ---- */

/* Raw records, zlib level 6, and the default level (ISA-L if built in). */
static const int flush_levels[] = {0, 6, -1};

START_TEST(test_flush_visible)
{
	struct ft_wopts o = {.byte_order = FT_LITTLE,
			     .zlevel = flush_levels[_i],
			     .cap_start = 1705320000,
			     .hostname = "h"};
	struct flowrec *in, *out;
	struct ft_writer *w;
	struct ft_header h;
	char path[64];
	size_t n, i, total = 0;
	long end;
	int fd, round;

	in = calloc(3000, sizeof(*in));
	out = calloc(3001, sizeof(*out));
	gen_recs(in, 3000, 7);
	fd = tmp_file(path, sizeof(path));
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	/* Three rounds: 1, 999 and 2000 more records, each then flushed. */
	for (round = 0; round < 3; round++) {
		n = round == 0 ? 1 : round == 1 ? 999 : 2000;
		ck_assert_int_eq(ftw_write(w, in + total, n), 0);
		total += n;
		ck_assert_int_eq(ftw_flush(w), 0);
		/* A flush with nothing new is harmless. */
		ck_assert_int_eq(ftw_flush(w), 0);
		n = read_all(path, out, 3001, &h, &end);
		ck_assert_int_eq(end, 0);
		ck_assert_uint_eq(n, total);
		for (i = 0; i < n; i++)
			rec_eq(&in[i], &out[i], i);
		ck_assert_uint_eq(h.flags & FT_FLAG_DONE, 0);
		ck_assert_uint_eq(h.flows, 0);
	}
	ck_assert_int_eq(ftw_close(w, NULL), 0);
	n = read_all(path, out, 3001, &h, &end);
	ck_assert_int_eq(end, 0);
	ck_assert_uint_eq(n, 3000);
	ck_assert_uint_eq(h.flows, 3000);
	ck_assert_uint_ne(h.flags & FT_FLAG_DONE, 0);
	close(fd);
	unlink(path);
	free(in);
	free(out);
}
END_TEST

/* ---- streaming through a pipe ---- */

START_TEST(test_streaming_pipe)
{
	struct ft_wopts o = {.byte_order = FT_BIG,
			     .zlevel = _i ? 6 : 0,
			     .streaming = 1,
			     .hostname = "h"};
	struct flowrec *in, out[700];
	struct ft_reader *r;
	struct ft_writer *w;
	char err[256];
	size_t n = 0, i;
	long k;
	int p[2], status;
	pid_t pid;

	in = calloc(NRECS, sizeof(*in));
	gen_recs(in, NRECS, 42);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The writer, in small pieces, into the pipe. */
		int rc = 0;

		close(p[0]);
		if ((w = ftw_open(p[1], &o)) == NULL)
			rc = 2;
		for (i = 0; rc == 0 && i < NRECS; i += 100)
			if (ftw_write(w, in + i, 100) == -1)
				rc = 3;
		if (rc == 0 && ftw_close(w, NULL) == -1)
			rc = 4;
		else if (rc == 3)
			ftw_abort(w);
		free(in);
		_exit(rc);
	}
	close(p[1]);
	r = ftr_open(p[0], "pipe", err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_uint_eq(ftr_header(r)->flags,
			  FT_FLAG_STREAMING | (_i ? FT_FLAG_COMPRESS : 0));
	while ((k = ftr_read(r, out, 700)) > 0) {
		for (i = 0; i < (size_t)k; i++)
			rec_eq(&in[n + i], &out[i], n + i);
		n += (size_t)k;
	}
	ck_assert_msg(k == 0, "%s", ftr_error(r));
	ck_assert_uint_eq(n, NRECS);
	ftr_close(r);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(in);
}
END_TEST

/* ---- write errors ---- */

START_TEST(test_enospc)
{
	struct ft_wopts o = {
	    .byte_order = FT_LITTLE, .zlevel = _i ? 6 : 0, .hostname = "h"};
	struct flowrec *in;
	struct ft_writer *w;
	char path[64];
	int fd, full, rc = 0;
	size_t i;

	full = open("/dev/full", O_WRONLY);
	if (full < 0) {
		printf("skipped: no /dev/full\n");
		return;
	}
	/* The header itself cannot be written. */
	errno = 0;
	ck_assert_ptr_null(ftw_open(full, &o));
	ck_assert_int_eq(errno, ENOSPC);

	/* The disk fills up after the header: writing records fails. */
	in = calloc(NRECS, sizeof(*in));
	gen_recs(in, NRECS, 3);
	fd = tmp_file(path, sizeof(path));
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	ck_assert_int_ge(dup2(full, fd), 0);
	for (i = 0; i < 100 && rc == 0; i++)
		rc = ftw_write(w, in, NRECS);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(errno, ENOSPC);
	/* The error sticks. */
	errno = 0;
	ck_assert_int_eq(ftw_write(w, in, 1), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(ftw_flush(w), -1);
	errno = 0;
	ck_assert_int_eq(ftw_close(w, NULL), -1);
	ck_assert_int_eq(errno, ENOSPC);
	close(fd);
	unlink(path);

	/* A flush that cannot be written, then a close that cannot either. */
	ck_assert_ptr_nonnull(
	    w = ftw_open(fd = tmp_file(path, sizeof(path)), &o));
	ck_assert_int_eq(ftw_write(w, in, 10), 0);
	ck_assert_int_ge(dup2(full, fd), 0);
	errno = 0;
	ck_assert_int_eq(ftw_flush(w), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(ftw_close(w, NULL), -1);
	close(fd);
	unlink(path);
	close(full);
	free(in);
}
END_TEST

START_TEST(test_epipe)
{
	struct ft_wopts o = {.byte_order = FT_LITTLE,
			     .zlevel = 1,
			     .streaming = 1,
			     .hostname = "h"};
	struct flowrec *in;
	struct ft_writer *w;
	int p[2], rc = 0;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	in = calloc(NRECS, sizeof(*in));
	gen_recs(in, NRECS, 5);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_ptr_nonnull(w = ftw_open(p[1], &o));
	close(p[0]);
	for (i = 0; i < 100 && rc == 0; i++)
		rc = ftw_write(w, in, NRECS);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(ftw_close(w, NULL), -1);
	close(p[1]);
	free(in);
}
END_TEST

START_TEST(test_bad_options)
{
	struct ft_wopts o = {.byte_order = FT_LITTLE, .zlevel = 10};
	char longname[300];

	errno = 0;
	ck_assert_ptr_null(ftw_open(1, &o));
	ck_assert_int_eq(errno, EINVAL);
	o.zlevel = -2;
	ck_assert_ptr_null(ftw_open(1, &o));
	o.zlevel = 6;
	o.byte_order = 3;
	ck_assert_ptr_null(ftw_open(1, &o));
	ck_assert_int_eq(errno, EINVAL);
	/* A hostname longer than the header keeps is cut, not overflowed. */
	{
		struct ft_header h;
		uint8_t buf[FT_MAXHEADER];
		char err[128];
		size_t n;

		memset(&h, 0, sizeof(h));
		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		h.byte_order = FT_BIG;
		memcpy(h.hostname, longname, sizeof(h.hostname));
		n = fthdr_encode(&h, buf, sizeof(buf));
		ck_assert_uint_gt(n, 0);
		ck_assert_int_eq(fthdr_decode(buf, n, &h, err, sizeof(err)), 0);
		ck_assert_uint_eq(strlen(h.hostname), sizeof(h.hostname) - 1);
		h.byte_order = 0;
		ck_assert_uint_eq(fthdr_encode(&h, buf, sizeof(buf)), 0);
	}
}
END_TEST

static Suite *
ftfile_suite(void)
{
	Suite *s = suite_create("ftfile");
	TCase *tc = unit_case(
	    s, "core", 300,
	    UNIT_TESTS(test_clamp, test_header_bytes, test_reproduce_real_files,
		       test_open_header, test_epipe, test_bad_options));

	tcase_add_loop_test(tc, test_round_trip, 0,
			    (int)(sizeof(modes) / sizeof(modes[0])));
	tcase_add_loop_test(
	    tc, test_flush_visible, 0,
	    (int)(sizeof(flush_levels) / sizeof(flush_levels[0])));
	tcase_add_loop_test(tc, test_streaming_pipe, 0, 2);
	tcase_add_loop_test(tc, test_enospc, 0, 2);
	return s;
}

UNIT_MAIN(ftfile_suite)
