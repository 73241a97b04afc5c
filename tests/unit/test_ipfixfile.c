/*
 * Unit tests for nfkit's IPFIX files (common/ipfw.c,
 * common/ipfr.c): round trips of IPv4 and IPv6 flows with exporters
 * of both families, raw and compressed, across many messages and flushes;
 * the statistics record; the reader's contract on damage (truncated at
 * every length, corrupt lengths): every good record before the damage,
 * then -1 with a message naming the file; a file of foreign templates
 * read through the decoder.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipfixfile.h"
#include "unit.h"
#include "testrng.h"

#define NRECS 5000

/* Records with every field varied; families mixed in runs. */
static void
gen(struct flowrec *r, size_t n, uint64_t seed)
{
	size_t i, k;

	rnd_seed(seed);
	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].first_ms = 1764000000000LL + rnd32() % 100000;
		r[i].last_ms = r[i].first_ms + rnd32() % 60000;
		r[i].packets = (uint64_t)rnd32() << 8 | rnd32();
		r[i].bytes = (uint64_t)rnd32() << 32 | rnd32();
		r[i].input = rnd32();
		r[i].output = rnd32();
		r[i].src_as = rnd32();
		r[i].dst_as = rnd32();
		r[i].obs_domain = rnd32();
		r[i].sampling = rnd32() % 1000;
		r[i].srcport = (uint16_t)rnd32();
		r[i].dstport = (uint16_t)rnd32();
		r[i].vlan = (uint16_t)(rnd32() % 4096);
		r[i].proto = (uint8_t)rnd32();
		r[i].tos = (uint8_t)rnd32();
		r[i].tcp_flags = (uint8_t)rnd32();
		r[i].src_mask = (uint8_t)(rnd32() % 129);
		r[i].dst_mask = (uint8_t)(rnd32() % 129);
		r[i].end_reason = (uint8_t)(rnd32() % 6);
		r[i].engine_type = (uint8_t)rnd32();
		r[i].engine_id = (uint8_t)rnd32();
		r[i].af = (i / 7) % 3 == 0 ? FLOWREC_AF_INET6 : FLOWREC_AF_INET;
		r[i].exaf = (i / 11) % 2 ? FLOWREC_AF_INET6 : FLOWREC_AF_INET;
		if (r[i].af == FLOWREC_AF_INET6) {
			for (k = 0; k < 16; k++) {
				r[i].src6[k] = (uint8_t)rnd32();
				r[i].dst6[k] = (uint8_t)rnd32();
				r[i].nexthop6[k] = (uint8_t)rnd32();
			}
		} else {
			r[i].srcaddr = rnd32();
			r[i].dstaddr = rnd32();
			r[i].nexthop = rnd32();
		}
		if (r[i].exaf == FLOWREC_AF_INET6)
			for (k = 0; k < 16; k++)
				r[i].exaddr6[k] = (uint8_t)rnd32();
		else
			r[i].exaddr = rnd32();
	}
}

/* Compare what the file carries (not the synthesised time base). */
static void
same(const struct flowrec *a, const struct flowrec *b)
{
	struct flowrec x = *a, y = *b;

	x.unix_secs = y.unix_secs = 0;
	x.unix_nsecs = y.unix_nsecs = 0;
	x.sys_uptime = y.sys_uptime = 0;
	if (x.af == 0)
		x.af = FLOWREC_AF_INET;
	if (x.exaf == 0)
		x.exaf = FLOWREC_AF_INET;
	ck_assert_mem_eq(&x, &y, sizeof(x));
}

/* Write recs to a memfd; returns the fd, positioned at 0. */
static int
write_file(const struct flowrec *r, size_t n, int zlevel, size_t flush_every)
{
	struct ipfw_opts o = {.zlevel = zlevel, .cap_start = 1764000000};
	struct ipfw_counts c = {.cap_end = 1764000300,
				.lost = 7,
				.corrupt = 3,
				.exaddr = 0x7f000001};
	struct ipfix_writer *w;
	int fd = memfd_create("ipfixfile", 0);
	size_t i;

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(w = ipfw_new(fd, &o));
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(ipfw_write(w, &r[i], 1), 0);
		if (flush_every && i % flush_every == 0)
			ck_assert_int_eq(ipfw_flush(w), 0);
	}
	ck_assert_uint_eq(ipfw_count(w), n);
	ck_assert_int_eq(ipfw_close(w, &c), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Read everything; returns records read, *end the last return value. */
static size_t
read_all(int fd, const char *name, struct flowrec *out, size_t cap, long *end,
	 char *err, size_t errlen, struct ipfr_stats *st)
{
	struct ipfix_reader *r;
	size_t n = 0;
	long k;

	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	if ((r = ipfr_open(fd, name, err, errlen)) == NULL) {
		*end = -2;
		return 0;
	}
	while ((k = ipfr_read(r, out + n, cap - n < 333 ? cap - n : 333)) > 0)
		n += (size_t)k;
	*end = k;
	snprintf(err, errlen, "%s", ipfr_error(r));
	if (st != NULL)
		*st = *ipfr_stats(r);
	ipfr_close(r);
	return n;
}

START_TEST(round_trip)
{
	static struct flowrec in[NRECS], out[NRECS + 1];
	struct ipfr_stats st;
	char err[512];
	int zl = _i == 0 ? 0 : _i == 1 ? -1 : 6;
	size_t n, i;
	long end;
	int fd;

	gen(in, NRECS, 42 + (uint64_t)_i);
	fd = write_file(in, NRECS, zl, _i == 2 ? 777 : 0);
	n = read_all(fd, "x", out, NRECS + 1, &end, err, sizeof(err), &st);
	ck_assert_msg(end == 0, "%s", err);
	ck_assert_uint_eq(n, NRECS);
	for (i = 0; i < n; i++)
		same(&in[i], &out[i]);
	ck_assert_int_eq(st.present, 1);
	ck_assert_uint_eq(st.flows, NRECS);
	ck_assert_uint_eq(st.lost, 7);
	ck_assert_uint_eq(st.corrupt, 3);
	ck_assert_uint_eq(st.cap_start, 1764000000);
	ck_assert_uint_eq(st.cap_end, 1764000300);
	ck_assert_uint_eq(st.exaddr, 0x7f000001);
	/* The time base makes an ft file of these records hold the same. */
	ck_assert_int_eq(flowrec_abs_ms(out[5].unix_secs, out[5].unix_nsecs,
					out[5].sys_uptime, 0),
			 out[5].first_ms);
	close(fd);
}
END_TEST

START_TEST(empty_file)
{
	struct flowrec out[4];
	char err[512];
	long end;
	size_t n;
	int fd = write_file(NULL, 0, -1, 0);

	n = read_all(fd, "x", out, 4, &end, err, sizeof(err), NULL);
	ck_assert_msg(end == 0, "%s", err);
	ck_assert_uint_eq(n, 0);
	close(fd);
}
END_TEST

/* The bytes of a file, and a memfd with its first len of them. */
static uint8_t *
file_bytes(int fd, size_t *len)
{
	off_t sz = lseek(fd, 0, SEEK_END);
	uint8_t *p = malloc((size_t)sz);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pread(fd, p, (size_t)sz, 0), sz);
	*len = (size_t)sz;
	return p;
}

static int
mem_fd(const uint8_t *p, size_t len)
{
	int fd = memfd_create("ipfixcut", 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	return fd;
}

/*
 * Cut a raw and a compressed file at many lengths: the reader gives the
 * records before the cut (a prefix of what was written, never a wrong
 * record) and then says "truncated" (or, before the templates, refuses to
 * open); a "tmp-" file just ends.
 */
START_TEST(truncated)
{
	static struct flowrec in[600], out[601];
	char err[512];
	uint8_t *b;
	size_t len, cut, n, i;
	long end;
	int fd, cfd;

	gen(in, 600, 7);
	fd = write_file(in, 600, _i ? -1 : 0, 100);
	b = file_bytes(fd, &len);
	for (cut = 0; cut < len; cut += 1 + cut / 16) {
		cfd = mem_fd(b, cut);
		n = read_all(cfd, "cut", out, 601, &end, err, sizeof(err),
			     NULL);
		ck_assert_msg(end != 0, "cut at %zu read cleanly", cut);
		ck_assert_ptr_nonnull(strstr(err, "cut"));
		for (i = 0; i < n; i++)
			same(&in[i], &out[i]);
		if (end == -1)
			ck_assert_msg(strstr(err, "after") != NULL, "%s", err);
		n = read_all(cfd, "d/tmp-v10.x", out, 601, &end, err,
			     sizeof(err), NULL);
		ck_assert_msg(end == 0 || end == -2, "tmp cut at %zu: %s", cut,
			      err);
		close(cfd);
	}
	free(b);
	close(fd);
}
END_TEST

/* Corrupt lengths in a raw file: a clear error, good records kept. */
START_TEST(corrupt)
{
	static struct flowrec in[300], out[301];
	char err[512];
	uint8_t *b;
	size_t len, n, i, off;
	long end;
	int fd, cfd;

	gen(in, 300, 9);
	fd = write_file(in, 300, 0, 0);
	b = file_bytes(fd, &len);
	/* The second message's first set header follows its header. */
	off = (size_t)(b[2] << 8 | b[3]);
	switch (_i) {
	case 0: /* message version */
		b[off + 1] = 9;
		break;
	case 1: /* set longer than its message */
		b[off + 16 + 2] = 0xff;
		break;
	case 2: /* set not whole records */
		b[off + 16 + 3] ^= 1;
		break;
	case 3: /* unknown template */
		b[off + 16 + 1] = 7;
		break;
	}
	cfd = mem_fd(b, len);
	n = read_all(cfd, "bad.ipfix", out, 301, &end, err, sizeof(err), NULL);
	ck_assert_int_eq(end, -1);
	ck_assert_msg(strncmp(err, "bad.ipfix: ", 11) == 0, "%s", err);
	for (i = 0; i < n; i++)
		same(&in[i], &out[i]);
	close(cfd);
	free(b);
	close(fd);
}
END_TEST

/*
 * Another exporter's templates (ours with an unknown IE in place of the
 * start time): read through the v9/IPFIX decoder, every flow with its
 * addresses, ports and counters.
 */
START_TEST(foreign)
{
	static struct flowrec in[300], out[301];
	char err[512];
	uint8_t *b;
	size_t len, n, i;
	long end;
	int fd, cfd;

	gen(in, 300, 11);
	fd = write_file(in, 300, 0, 0);
	b = file_bytes(fd, &len);
	b[16 + 4 + 4 + 1] = 99; /* the first field of template 1024 */
	cfd = mem_fd(b, len);
	n = read_all(cfd, "f", out, 301, &end, err, sizeof(err), NULL);
	ck_assert_msg(end == 0, "%s", err);
	ck_assert_uint_eq(n, 300);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(out[i].packets, in[i].packets);
		ck_assert_uint_eq(out[i].bytes, in[i].bytes);
		ck_assert_uint_eq(out[i].srcport, in[i].srcport);
		ck_assert_uint_eq(out[i].proto, in[i].proto);
		ck_assert_int_eq(flowrec_is_v6(&out[i]), flowrec_is_v6(&in[i]));
		if (flowrec_is_v6(&in[i]))
			ck_assert_mem_eq(out[i].src6, in[i].src6, 16);
		else
			ck_assert_uint_eq(out[i].srcaddr, in[i].srcaddr);
		ck_assert_int_eq(out[i].last_ms, in[i].last_ms);
	}
	close(cfd);
	free(b);
	close(fd);
}
END_TEST

START_TEST(sniff)
{
	static const uint8_t raw[] = {0, 10}, z[] = {0x78, 0x01},
			     ft[] = {0xcf, 0x10};

	ck_assert_int_eq(ipfr_sniff(raw, 2), 1);
	ck_assert_int_eq(ipfr_sniff(z, 2), 1);
	ck_assert_int_eq(ipfr_sniff(ft, 2), 0);
	ck_assert_int_eq(ipfr_sniff(raw, 1), 0);
}
END_TEST

static Suite *
ipfixfile_suite(void)
{
	Suite *s = suite_create("ipfixfile");
	TCase *tc =
	    unit_case(s, "core", 120, UNIT_TESTS(empty_file, foreign, sniff));

	tcase_add_loop_test(tc, round_trip, 0, 3);
	tcase_add_loop_test(tc, truncated, 0, 2);
	tcase_add_loop_test(tc, corrupt, 0, 4);
	return s;
}

UNIT_MAIN(ipfixfile_suite)
