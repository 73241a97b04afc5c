/*
 * zbench: which deflate for the flow-tools record stream?  The format's
 * compression is one zlib stream (RFC 1950) of 64-byte records; any encoder
 * that writes a valid zlib stream keeps files readable by flow-tools.  This
 * measures, on the records of a real file, each candidate's compression speed
 * (streamed in 1024-record blocks, as common/ftwrite.c feeds deflate), the
 * size it produces, and the speed at which zlib inflates it back -- and checks
 * that zlib's inflate returns the same bytes.
 *
 * Candidates: zlib levels 1, 2, 3, 6 (6 = Z_DEFAULT_COMPRESSION, flow-capture's
 * default) and, when built with -DHAVE_ISAL (Debian libisal-dev), ISA-L igzip
 * levels 0-3 with a zlib wrapper, plus ISA-L's inflate of the zlib level 6
 * stream.
 *
 * Usage: zbench FILE   (a flow-tools file; its records are the input)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "benchtime.h"

#define BLOCK (1024 * 64)

static uint8_t *raw, *cbuf, *back;
static size_t rawlen, cap;

/* zlib inflate of c[0..n) into back; returns seconds, -1 if not identical. */
static double
zinflate(const uint8_t *c, size_t n)
{
	z_stream z;
	double t = bench_now();

	memset(&z, 0, sizeof z);
	inflateInit(&z);
	z.next_in = (uint8_t *)c;
	z.avail_in = (uInt)n;
	z.next_out = back;
	z.avail_out = (uInt)rawlen;
	if (inflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out != rawlen) {
		inflateEnd(&z);
		return -1;
	}
	inflateEnd(&z);
	t = bench_now() - t;
	return memcmp(back, raw, rawlen) == 0 ? t : -1;
}

static void
report(const char *name, double ct, size_t n)
{
	double it = zinflate(cbuf, n), recs = rawlen / 64.0;

	printf("%-14s %8.1f %10.0f %9.1f %7.3f %11.0f  %s\n", name,
	       rawlen / ct / 1e6, recs / ct, n / recs * 1e6 / 1048576,
	       (double)n / rawlen, it > 0 ? recs / it : 0,
	       it > 0 ? "ok" : "MISMATCH");
}

static size_t
zdeflate(int level)
{
	z_stream z;
	size_t off;

	memset(&z, 0, sizeof z);
	deflateInit(&z, level);
	z.next_out = cbuf;
	z.avail_out = (uInt)cap;
	for (off = 0; off < rawlen; off += BLOCK) {
		size_t n = rawlen - off < BLOCK ? rawlen - off : BLOCK;

		z.next_in = raw + off;
		z.avail_in = (uInt)n;
		deflate(&z, Z_NO_FLUSH);
	}
	deflate(&z, Z_FINISH);
	off = z.total_out;
	deflateEnd(&z);
	return off;
}

#ifdef HAVE_ISAL
static size_t
idefl(int level)
{
	static const uint32_t lbs[] = {0, ISAL_DEF_LVL1_DEFAULT,
				       ISAL_DEF_LVL2_DEFAULT,
				       ISAL_DEF_LVL3_DEFAULT};
	struct isal_zstream s;
	uint8_t *lb = lbs[level] ? malloc(lbs[level]) : NULL;
	size_t off;

	isal_deflate_init(&s);
	s.level = (uint32_t)level;
	s.level_buf = lb;
	s.level_buf_size = lbs[level];
	s.gzip_flag = IGZIP_ZLIB;
	s.next_out = cbuf;
	s.avail_out = (uint32_t)cap;
	for (off = 0; off < rawlen; off += BLOCK) {
		size_t n = rawlen - off < BLOCK ? rawlen - off : BLOCK;

		s.next_in = raw + off;
		s.avail_in = (uint32_t)n;
		s.end_of_stream = off + n >= rawlen;
		s.flush = NO_FLUSH;
		if (isal_deflate(&s) != COMP_OK)
			return 0;
	}
	free(lb);
	return s.total_out;
}
#endif

int
main(int argc, char **argv)
{
	FILE *f;
	uint8_t *file;
	long flen;
	uint32_t h;
	z_stream z;
	double t;
	size_t n;
	int lv;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: zbench flow-tools-file\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	flen = ftell(f);
	rewind(f);
	file = malloc((size_t)flen);
	if (file == NULL || fread(file, 1, (size_t)flen, f) != (size_t)flen)
		return 1;
	h = file[2] == 1 ? (uint32_t)file[4] | file[5] << 8 | file[6] << 16 |
			       (uint32_t)file[7] << 24
			 : (uint32_t)file[7] | file[6] << 8 | file[5] << 16 |
			       (uint32_t)file[4] << 24;
	cap = (size_t)flen * 64; /* generous: records compress ~2:1 */
	raw = malloc(cap);
	memset(&z, 0, sizeof z);
	inflateInit(&z);
	z.next_in = file + h;
	z.avail_in = (uInt)(flen - h);
	z.next_out = raw;
	z.avail_out = (uInt)cap;
	if (inflate(&z, Z_FINISH) != Z_STREAM_END) {
		fprintf(stderr, "zbench: %s: not one finished zlib stream\n",
			argv[1]);
		return 1;
	}
	rawlen = z.total_out;
	inflateEnd(&z);
	cap = rawlen + rawlen / 8 + 65536;
	cbuf = malloc(cap);
	back = malloc(rawlen);
	printf("zbench: %zu records (%zu bytes) from %s\n", rawlen / 64, rawlen,
	       argv[1]);
	printf("%-14s %8s %10s %9s %7s %11s\n", "encoder", "MB/s", "records/s",
	       "MiB/1M", "ratio", "zlib-inf r/s");
	for (lv = 1; lv <= 6; lv++) {
		char name[32];

		if (lv == 4 || lv == 5)
			continue;
		t = bench_now();
		n = zdeflate(lv);
		t = bench_now() - t;
		snprintf(name, sizeof name, "zlib -%d", lv);
		report(name, t, n);
	}
#ifdef HAVE_ISAL
	for (lv = 0; lv <= 3; lv++) {
		char name[32];

		t = bench_now();
		n = idefl(lv);
		t = bench_now() - t;
		snprintf(name, sizeof name, "isal -%d", lv);
		if (n == 0)
			printf("%-14s failed\n", name);
		else
			report(name, t, n);
	}
	/* ISA-L inflating zlib's default stream (what the reporter reads). */
	{
		struct inflate_state st;
		double recs = rawlen / 64.0;

		n = zdeflate(6);
		isal_inflate_init(&st);
		st.crc_flag = ISAL_ZLIB;
		st.next_in = cbuf;
		st.avail_in = (uint32_t)n;
		st.next_out = back;
		st.avail_out = (uint32_t)rawlen;
		t = bench_now();
		lv = isal_inflate(&st);
		t = bench_now() - t;
		printf("isal inflate of zlib -6: %.0f records/s (%s)\n",
		       recs / t,
		       lv == ISAL_DECOMP_OK && st.total_out == rawlen &&
			       memcmp(back, raw, rawlen) == 0
			   ? "ok"
			   : "MISMATCH");
	}
#else
	printf("(built without ISA-L: install libisal-dev for its columns)\n");
#endif
	return 0;
}
