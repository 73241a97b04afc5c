/*
 * fuzz_ipfixfile: libFuzzer harness for the IPFIX file reader
 * (common/ipfr.c: nfkit's own files at fixed offsets, any other RFC 5655
 * file through the v9/IPFIX decoder) and the writer (common/ipfw.c).
 *
 * The input is a whole file, raw or zlib-compressed, put in a memfd and
 * read to the end as nfreport reads a file copied from anywhere.  The
 * reader must end (a clean end, or -1 with a message), count exactly the
 * records it returned, and never return more than asked.  Every record
 * it returned is then written to a second file by the writer and read
 * back: the same records must come out, so the writer and the reader
 * agree on every value any file can produce.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipfixfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXRECS 2048

static struct flowrec got[MAXRECS], back[MAXRECS + 1];
static int in_fd = -1, out_fd = -1;

static void
load(int fd, const uint8_t *data, size_t len)
{
	if (ftruncate(fd, 0) == -1 ||
	    (len > 0 && pwrite(fd, data, len, 0) != (ssize_t)len) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
}

/* Read fd to the end (at most cap records); -1 if it would not open. */
static long
read_all(int fd, struct flowrec *out, size_t cap, long *end)
{
	struct ipfix_reader *r;
	char err[512];
	size_t total = 0, ask;
	long n;

	err[0] = '\0';
	if ((r = ipfr_open(fd, "fuzz", err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort(); /* a refusal must say why */
		return -1;
	}
	/* Alternate small and large reads to cross message boundaries. */
	while (total < cap) {
		ask = total & 1 ? 1 : cap - total;
		if ((n = ipfr_read(r, out + total, ask)) <= 0)
			break;
		if ((size_t)n > ask)
			abort();
		total += (size_t)n;
	}
	*end = total < cap ? n : 0;
	if (*end == -1 && strstr(ipfr_error(r), "fuzz") == NULL)
		abort();
	if (ipfr_count(r) != total)
		abort();
	ipfr_close(r);
	return (long)total;
}

/* What a file keeps of a record: every field but the time base. */
static void
norm(struct flowrec *r)
{
	r->unix_secs = r->unix_nsecs = r->sys_uptime = 0;
	if (r->af != FLOWREC_AF_INET6) {
		r->af = FLOWREC_AF_INET;
		memset(r->src6, 0, 16);
		memset(r->dst6, 0, 16);
		memset(r->nexthop6, 0, 16);
	} else {
		r->srcaddr = r->dstaddr = r->nexthop = 0;
	}
	if (r->exaf != FLOWREC_AF_INET6) {
		r->exaf = FLOWREC_AF_INET;
		memset(r->exaddr6, 0, 16);
	} else {
		r->exaddr = 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ipfw_opts o = {.zlevel = 0};
	struct ipfix_writer *w;
	long n, m, end, end2;
	long i;

	if ((in_fd == -1 && (in_fd = memfd_create("fuzz_in", 0)) == -1) ||
	    (out_fd == -1 && (out_fd = memfd_create("fuzz_out", 0)) == -1))
		abort();
	load(in_fd, data, len);
	if ((n = read_all(in_fd, got, MAXRECS, &end)) <= 0)
		return 0;
	load(out_fd, NULL, 0);
	if ((w = ipfw_new(out_fd, &o)) == NULL ||
	    ipfw_write(w, got, (size_t)n) == -1 || ipfw_close(w, NULL) == -1)
		abort();
	if (lseek(out_fd, 0, SEEK_SET) != 0)
		abort();
	m = read_all(out_fd, back, MAXRECS + 1, &end2);
	if (m != n || end2 != 0)
		abort(); /* we cannot read what we wrote */
	for (i = 0; i < n; i++) {
		norm(&got[i]);
		norm(&back[i]);
		if (memcmp(&got[i], &back[i], sizeof(got[i])) != 0)
			abort();
	}
	return 0;
}
