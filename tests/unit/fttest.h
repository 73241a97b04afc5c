/*
 * Helpers shared by the reader tests (test_ftread.c, test_ftdamage.c):
 * files made by our writer in memory (memfd), and reading a file back with
 * every outcome recorded (opened or not, header, records, how it ended,
 * the error text).
 */
#ifndef NFKIT_TEST_FTTEST_H
#define NFKIT_TEST_FTTEST_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ftfile.h"

/* Offset of the flags value (TLV 0x08 at 30) in a header we wrote. */
#define FLAGS_AT 34

/* ---- reading helpers ---- */

/* An anonymous file holding the bytes, positioned at 0. */
static int
mem_fd(const uint8_t *p, size_t len)
{
	int fd = memfd_create("ftread-test", 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

struct result {
	int opened; /* ftr_open succeeded */
	struct ft_header hdr;
	size_t n;      /* records read */
	long end;      /* the final ftr_read: 0 or -1 */
	char err[256]; /* ftr_open's or ftr_error()'s text */
};

/* Read all records from fd (up to max), in batches of batch. */
static void
read_fd(int fd, struct flowrec *out, size_t max, size_t batch,
	struct result *res)
{
	struct ft_reader *r;
	long k = 0;

	memset(res, 0, sizeof(*res));
	r = ftr_open(fd, "test", res->err, sizeof(res->err));
	if (r == NULL)
		return;
	res->opened = 1;
	res->hdr = *ftr_header(r);
	while (res->n < max &&
	       (k = ftr_read(r, out + res->n,
			     max - res->n < batch ? max - res->n : batch)) > 0)
		res->n += (size_t)k;
	ck_assert_msg(res->n < max, "more records than expected");
	res->end = k;
	if (k < 0) {
		snprintf(res->err, sizeof(res->err), "%s", ftr_error(r));
		/* The error is final. */
		ck_assert_int_eq(ftr_read(r, out, 1), -1);
	}
	ck_assert_uint_eq(ftr_count(r), res->n);
	ftr_close(r);
}

static void
read_mem(const uint8_t *p, size_t len, struct flowrec *out, size_t max,
	 struct result *res)
{
	int fd = mem_fd(p, len);

	read_fd(fd, out, max, 1000, res);
	close(fd);
}

static void
gen_recs(struct flowrec *r, size_t n)
{
	size_t i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].unix_secs = 1705320006;
		r[i].unix_nsecs = 1000000;
		r[i].sys_uptime = 6001;
		r[i].first_ms = 1705320000000LL + (int64_t)i * 7;
		r[i].last_ms = r[i].first_ms + (int64_t)(i % 1000);
		r[i].srcaddr = 0x0a000001 + (uint32_t)i * 2654435761u;
		r[i].dstaddr = 0xc0a80000 + (uint32_t)(i % 65536);
		r[i].srcport = (uint16_t)(i * 31);
		r[i].dstport = (uint16_t)(i % 1024);
		r[i].proto = i % 3 ? 6 : 17;
		r[i].packets = 1 + i % 100;
		r[i].bytes = 40 + i % 1500;
		r[i].tcp_flags = (uint8_t)i;
		r[i].exaddr = 0x7f000001;
	}
}

/* A file written by our writer: header, then n records. */
static uint8_t *
make_file(size_t n, int zlevel, int done, size_t *len, struct flowrec *recs)
{
	struct ft_wopts o = {.byte_order = FT_LITTLE,
			     .zlevel = zlevel,
			     .cap_start = 1705320000,
			     .hostname = "vm"};
	struct ft_writer *w;
	uint8_t *p;
	off_t size;
	int fd;

	gen_recs(recs, n);
	fd = memfd_create("ftread-make", 0);
	ck_assert_ptr_nonnull(w = ftw_open(fd, &o));
	ck_assert_int_eq(ftw_write(w, recs, n), 0);
	if (done) {
		ck_assert_int_eq(ftw_close(w, NULL), 0);
	} else {
		ck_assert_int_eq(ftw_flush(w), 0);
		ftw_abort(w);
	}
	size = lseek(fd, 0, SEEK_END);
	p = malloc((size_t)size + 64);
	ck_assert_int_eq(pread(fd, p, (size_t)size, 0), size);
	close(fd);
	*len = (size_t)size;
	return p;
}

static void
check_prefix(const struct flowrec *want, const struct flowrec *got, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(memcmp(&want[i], &got[i], sizeof(*got)) == 0,
			      "record %zu differs", i);
}

static void
assert_err(const struct result *res, const char *want)
{
	ck_assert_msg(strstr(res->err, want) != NULL,
		      "error \"%s\", "
		      "expected \"%s\"",
		      res->err, want);
}

#endif
