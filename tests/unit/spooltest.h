/*
 * Helpers shared by the collector's file tests (test_collector_spool.c,
 * test_collector_writer.c): a temporary work directory per test (with
 * TZ=UTC, so file names are predictable), a spool writing into it, and
 * reading a finished or open flow file back.
 */
#ifndef NFKIT_TEST_SPOOLTEST_H
#define NFKIT_TEST_SPOOLTEST_H

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftfile.h"
#include "ipfixfile.h"
#include "../../collector/spool.h"

#define T0 1795716315 /* 2026-11-26 18:05:15 UTC */
#define NAME0 "v05.2026-11-26.180515+0000"

static char dir[64];

static void
setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, sizeof(dir), "/tmp/nfkit-spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static struct spool *
new_spool(int nest, struct retention *e)
{
	struct spool_config c;

	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.nest = nest;
	c.zlevel = -1;
	c.retention = e;
	return spool_new(&c);
}

/*
 * Open dir/rel and return its record count: -1 on damage, -2 if it cannot
 * be opened, -3 if its header is refused.  Without st it is a flow-tools
 * file and *h gets its header; with st an IPFIX file and *st its counters.
 * With seq, the records must be numbered *seq, *seq + 1, ... in srcaddr
 * (*seq advances).
 */
static long
read_flows(const char *rel, struct ft_header *h, struct ipfr_stats *st,
	   uint32_t *seq)
{
	static struct flowrec buf[4096];
	struct ft_reader *fr = NULL;
	struct ipfix_reader *ir = NULL;
	char p[256], err[256];
	long n, i, total = 0;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if ((fd = open(p, O_RDONLY)) == -1)
		return -2;
	if (st != NULL)
		ir = ipfr_open(fd, p, err, sizeof(err));
	else if ((fr = ftr_open(fd, p, err, sizeof(err))) != NULL)
		*h = *ftr_header(fr);
	if (fr == NULL && ir == NULL) {
		close(fd);
		return -3;
	}
	while ((n = fr != NULL ? ftr_read(fr, buf, 4096)
			       : ipfr_read(ir, buf, 4096)) > 0) {
		for (i = 0; seq != NULL && i < n; i++)
			ck_assert_uint_eq(buf[i].srcaddr, (*seq)++);
		total += n;
	}
	if (n < 0)
		total = -1;
	if (fr != NULL) {
		ftr_close(fr);
	} else {
		*st = *ipfr_stats(ir);
		ipfr_close(ir);
	}
	close(fd);
	return total;
}

/* A flow-tools file's header and records, as read_flows(). */
static long
read_file(const char *rel, struct ft_header *h, uint32_t *seq)
{
	return read_flows(rel, h, NULL, seq);
}

#endif
