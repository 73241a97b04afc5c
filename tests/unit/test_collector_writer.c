/*
 * Unit tests for collector/writer.c, the writer thread and its ring of
 * batches: every record submitted after WCTL_OPEN lands in a file, in
 * order, in the file that was open when it was submitted, with the header
 * counters of the batches that went into it; more batches than the ring
 * holds make the submitter wait instead of losing any; records submitted
 * while no file is wanted are dropped, not written.  The statistics are
 * read while the thread runs, as the receive thread's STAT line does.
 * Batches of the two file formats interleaved land each in its own file.
 * Built with ThreadSanitizer as well (make tsan).
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "ipfixfile.h"
#include "zstream.h"
#include "spooltest.h"
#include "../../collector/writer.h"
#include "unit.h"

#define NAME1 "v05.2026-11-26.181015+0000"	 /* T0 + 300 */
#define NBATCH (WRITER_SLOTS + WRITER_SLOTS / 2) /* per file: > the ring */

/* Records numbered from *seq (in srcaddr), so order can be checked. */
static void
fill(struct wbatch *b, size_t n, uint32_t *seq)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&b->recs[i], 0, sizeof(b->recs[i]));
		b->recs[i].srcaddr = (*seq)++;
		b->recs[i].packets = 1;
		b->recs[i].bytes = 40;
		b->recs[i].unix_secs = T0;
		b->recs[i].first_ms = (int64_t)T0 * 1000;
		b->recs[i].last_ms = (int64_t)T0 * 1000;
	}
	b->n = n;
}

/* How many ft- files dir holds. */
static int
count_files(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "ft-", 3) == 0;
	closedir(d);
	return n;
}

/*
 * NBATCH batches of 1..WRITER_BATCH records, each counting one lost flow;
 * returns the records submitted.  The statistics, read meanwhile, never
 * claim more than was submitted so far (*seq numbers every record).
 */
static uint64_t
submit_batches(struct writer *w, uint32_t *seq)
{
	struct writer_stats st;
	uint64_t sent = 0;
	size_t i, n;

	for (i = 0; i < NBATCH; i++) {
		struct wbatch *b = writer_batch(w);

		n = 1 + (i * 397) % WRITER_BATCH;
		fill(b, n, seq);
		b->lost = 1;
		sent += n;
		writer_submit(w, WCTL_NONE, 0);
		writer_stats(w, &st);
		ck_assert_uint_le(st.written, *seq);
		ck_assert_uint_eq(st.errors, 0);
	}
	return sent;
}

START_TEST(test_two_files_in_order)
{
	struct spool *s = new_spool(0, NULL);
	struct writer *w = writer_new(s, NULL, 0);
	struct ft_header h;
	uint32_t seq = 0, check = 0;
	uint64_t n0, n1;

	ck_assert_ptr_nonnull(w);
	writer_submit(w, WCTL_OPEN, T0);
	n0 = submit_batches(w, &seq);
	writer_submit(w, WCTL_ROTATE, T0 + 300);
	n1 = submit_batches(w, &seq);
	/* The stop batch carries counters, which belong to the last file. */
	writer_batch(w)->corrupt = 2;
	writer_submit(w, WCTL_STOP, T0 + 600);
	writer_free(w);
	spool_free(s);

	ck_assert_int_eq(count_files(), 2);
	ck_assert_int_eq(read_file("ft-" NAME0, &h, &check), (long)n0);
	ck_assert_uint_eq(h.flows, n0);
	ck_assert_uint_eq(h.lost, NBATCH);
	ck_assert_uint_eq(h.corrupt, 0);
	ck_assert_uint_eq(h.cap_start, T0);
	ck_assert_uint_eq(h.cap_end, T0 + 300);
	ck_assert_int_eq(read_file("ft-" NAME1, &h, &check), (long)n1);
	ck_assert_uint_eq(h.flows, n1);
	ck_assert_uint_eq(h.lost, NBATCH);
	ck_assert_uint_eq(h.corrupt, 2);
	ck_assert_uint_eq(h.cap_start, T0 + 300);
	ck_assert_uint_eq(h.cap_end, T0 + 600);
	ck_assert_uint_eq(check, seq);
}
END_TEST

/* Before WCTL_OPEN no file is wanted: records are dropped, not written. */
START_TEST(test_no_file_before_open)
{
	struct spool *s = new_spool(0, NULL);
	struct writer *w = writer_new(s, NULL, 0);
	struct ft_header h;
	uint32_t seq = 0, check;

	ck_assert_ptr_nonnull(w);
	fill(writer_batch(w), 100, &seq);
	writer_submit(w, WCTL_NONE, 0);
	check = seq;
	writer_submit(w, WCTL_OPEN, T0);
	fill(writer_batch(w), 10, &seq);
	writer_submit(w, WCTL_STOP, T0 + 60);
	writer_free(w);
	spool_free(s);

	ck_assert_int_eq(count_files(), 1);
	ck_assert_int_eq(read_file("ft-" NAME0, &h, &check), 10);
	ck_assert_uint_eq(check, seq);
}
END_TEST

/* Records of an IPFIX file (uncompressed or not), numbered from *seq. */
static long
read_ipfix(const char *rel, uint32_t *seq, const struct ipfr_stats **stp,
	   struct ipfr_stats *st)
{
	long total = read_flows(rel, NULL, st, seq);

	if (total >= -1)
		*stp = st;
	return total;
}

/*
 * Batches of the two formats interleaved, as the receive thread hands
 * them over when v5 and v9 exporters alternate: each format's file holds
 * exactly its records, in order, with its own counters; a rotation
 * finishes both; a format never asked for gets no file.
 */
START_TEST(test_two_formats)
{
	struct spool_config c;
	struct spool *s = new_spool(0, NULL), *si;
	struct writer *w = writer_new(s, NULL, 0);
	const struct ipfr_stats *stp;
	struct ipfr_stats st;
	struct ft_header h;
	struct wbatch *b;
	uint32_t seqf = 0, seqi = 1000000, cf = 0, ci = 1000000;
	int i;

	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.zlevel = -1;
	c.fmt = FILEFMT_IPFIX;
	ck_assert_ptr_nonnull(si = spool_new(&c));
	ck_assert_ptr_nonnull(w);
	writer_set_spool(w, FILEFMT_IPFIX, si);
	writer_batch(w)->fmt = FILEFMT_FT;
	writer_submit(w, WCTL_OPEN, T0);
	writer_batch(w)->fmt = FILEFMT_IPFIX;
	writer_submit(w, WCTL_OPEN, T0);
	for (i = 0; i < 20; i++) {
		b = writer_batch(w);
		b->fmt = i % 2 ? FILEFMT_IPFIX : FILEFMT_FT;
		fill(b, 10 + i, i % 2 ? &seqi : &seqf);
		b->lost = i % 2 ? 3 : 1;
		writer_submit(w, WCTL_NONE, 0);
	}
	writer_batch(w)->fmt = FILEFMT_FT;
	writer_submit(w, WCTL_ROTATE, T0 + 300);
	writer_submit(w, WCTL_STOP, T0 + 600);
	writer_free(w);
	spool_free(s);
	spool_free(si);

	ck_assert_int_eq(read_file("ft-" NAME0, &h, &cf), 10 * 10 + 90);
	ck_assert_uint_eq(h.lost, 10);
	ck_assert_int_eq(
	    read_ipfix("ipfix-v10.2026-11-26.180515+0000", &ci, &stp, &st),
	    10 * 10 + 100);
	ck_assert_int_eq(stp->present, 1);
	ck_assert_uint_eq(stp->lost, 30);
	ck_assert_uint_eq(cf, seqf);
	ck_assert_uint_eq(ci, seqi);
	/* Both rotated: the second files exist and are empty. */
	ck_assert_int_eq(read_file("ft-" NAME1, &h, NULL), 0);
	ck_assert_int_eq(
	    read_ipfix("ipfix-v10.2026-11-26.181015+0000", &ci, &stp, &st), 0);
}
END_TEST

#define ADAPT_RECS 16 /* records per batch in the adaptation test */

/* Submit one batch of ADAPT_RECS records. */
static void
submit_small(struct writer *w, uint32_t *seq)
{
	fill(writer_batch(w), ADAPT_RECS, seq);
	writer_submit(w, WCTL_NONE, 0);
}

/* Wait until the writer has written n records. */
static void
wait_written(struct writer *w, uint64_t n, struct writer_stats *st)
{
	struct timespec us = {0, 20000};
	int i;

	for (i = 0; i < 3000000; i++) {
		writer_stats(w, st);
		if (st->written >= n)
			return;
		nanosleep(&us, NULL);
	}
	ck_abort_msg("writer wrote %llu of %llu records",
		     (unsigned long long)st->written, (unsigned long long)n);
}

/* zlib (what flow-tools reads with) inflates the whole record stream. */
static void
zlib_reads(const char *rel, size_t hdr_len, size_t nrecs)
{
	char p[256];
	FILE *f;
	uint8_t *z, *out;
	size_t zlen;
	z_stream zs;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_ptr_nonnull(f = fopen(p, "rb"));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	zlen = (size_t)ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(z = malloc(zlen));
	ck_assert_ptr_nonnull(out = malloc(nrecs * 64 + 1));
	ck_assert_uint_eq(fread(z, 1, zlen, f), zlen);
	fclose(f);
	ck_assert_uint_gt(zlen, hdr_len);
	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(inflateInit(&zs), Z_OK);
	zs.next_in = z + hdr_len;
	zs.avail_in = (uInt)(zlen - hdr_len);
	zs.next_out = out;
	zs.avail_out = (uInt)(nrecs * 64 + 1);
	ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(zs.total_out, nrecs * 64);
	ck_assert_uint_eq(zs.avail_in, 0);
	inflateEnd(&zs);
	free(z);
	free(out);
}

/*
 * Stop the writer; its one file must hold the n records numbered up to
 * seq in order, and be one zlib stream for zlib and for nfkit's reader.
 */
static void
stop_and_read(struct writer *w, struct spool *s, uint64_t n, uint32_t seq)
{
	struct ft_header h;
	uint32_t check = 0;

	writer_submit(w, WCTL_STOP, T0 + 60);
	writer_free(w);
	spool_free(s);
	ck_assert_int_eq(read_file("ft-" NAME0, &h, &check), (long)n);
	ck_assert_uint_eq(check, seq);
	zlib_reads("ft-" NAME0, h.hdr_len, n);
}

/* Hold the writer while n batches queue, then let it take them all. */
static void
burst(struct writer *w, int n, uint32_t *seq, uint64_t *total,
      struct writer_stats *st)
{
	int i;

	writer_hold(w, 1);
	for (i = 0; i < n; i++)
		submit_small(w, seq);
	writer_hold(w, 0);
	wait_written(w, *total += (uint64_t)n * ADAPT_RECS, st);
}

/*
 * A writer that falls behind (held, as a stalled disk, while batches
 * queue up) goes on in stored blocks from the batch it takes with a
 * quarter of the ring (64) queued, and back to igzip from the batch it
 * takes with 1/32 (8) queued: of a burst of 200, the 192 taken with 200
 * down to 9 queued are stored, the last 8 compressed.  63 queued change
 * nothing, 64 switch for 56 batches.  The file holds every record in order
 * and is one zlib stream for zlib and for nfkit's reader.
 */
START_TEST(test_adapts_speed)
{
	struct spool *s = new_spool(0, NULL);
	struct writer *w = writer_new(s, NULL, 0);
	struct writer_stats st;
	uint32_t seq = 0;
	uint64_t n = 0;
	int i;

	ck_assert_ptr_nonnull(w);
	writer_stats(w, &st);
#ifdef HAVE_ISAL
	ck_assert_int_eq(st.speed, ZSTREAM_SPEED_DEFAULT);
#else
	ck_assert_int_eq(st.speed, -1); /* zlib only: one speed */
#endif
	writer_submit(w, WCTL_OPEN, T0);
	submit_small(w, &seq);
	wait_written(w, n += ADAPT_RECS, &st);

	burst(w, 200, &seq, &n, &st);
#ifdef HAVE_ISAL
	ck_assert_uint_eq(st.slower, 1);
	ck_assert_uint_eq(st.faster, 1);
	ck_assert_uint_eq(st.stored, 192 * ADAPT_RECS);
	ck_assert_int_eq(st.speed, ZSTREAM_SPEED_DEFAULT);
	for (i = 0; i < 20; i++) { /* one queued at a time: no change */
		submit_small(w, &seq);
		wait_written(w, n += ADAPT_RECS, &st);
	}
	burst(w, WRITER_SLOTS / 4 - 1, &seq, &n, &st);
	ck_assert_uint_eq(st.slower, 1);
	ck_assert_uint_eq(st.stored, 192 * ADAPT_RECS);
	burst(w, WRITER_SLOTS / 4, &seq, &n, &st);
	ck_assert_uint_eq(st.slower, 2);
	ck_assert_uint_eq(st.faster, 2);
	ck_assert_uint_eq(st.stored, (192 + 56) * ADAPT_RECS);
	ck_assert_int_eq(st.speed, ZSTREAM_SPEED_DEFAULT);
#else
	ck_assert_uint_eq(st.slower, 0);
	ck_assert_uint_eq(st.stored, 0);
#endif
	for (i = 0; i < 10; i++)
		submit_small(w, &seq);
	n += 10 * ADAPT_RECS;
	stop_and_read(w, s, n, seq);
}
END_TEST

/* One batch of ADAPT_RECS records seen with the socket buffer that full. */
static void
submit_backlog(struct writer *w, uint32_t *seq, unsigned backlog,
	       uint64_t *total, struct writer_stats *st)
{
	fill(writer_batch(w), ADAPT_RECS, seq);
	writer_batch(w)->backlog = backlog;
	writer_submit(w, WCTL_NONE, 0);
	wait_written(w, *total += ADAPT_RECS, st);
}

/*
 * A socket buffer filling weighs like the queue: with one batch queued,
 * a batch seen at 63/256 full changes nothing, at 64/256 it is stored,
 * and so is the next at 9/256; at 8/256 the writer goes back to igzip.
 */
START_TEST(test_adapts_to_backlog)
{
	struct spool *s = new_spool(0, NULL);
	struct writer *w = writer_new(s, NULL, 0);
	struct writer_stats st;
	uint32_t seq = 0;
	uint64_t n = 0;

	ck_assert_ptr_nonnull(w);
	writer_submit(w, WCTL_OPEN, T0);
	submit_backlog(w, &seq, WRITER_SLOTS / 4 - 1, &n, &st);
#ifdef HAVE_ISAL
	ck_assert_uint_eq(st.slower, 0);
	submit_backlog(w, &seq, WRITER_SLOTS / 4, &n, &st);
	ck_assert_uint_eq(st.slower, 1);
	ck_assert_uint_eq(st.stored, ADAPT_RECS);
	submit_backlog(w, &seq, WRITER_SLOTS / 32 + 1, &n, &st);
	ck_assert_uint_eq(st.faster, 0);
	ck_assert_uint_eq(st.stored, 2 * ADAPT_RECS);
	submit_backlog(w, &seq, WRITER_SLOTS / 32, &n, &st);
	ck_assert_uint_eq(st.faster, 1);
	ck_assert_uint_eq(st.stored, 2 * ADAPT_RECS);
	ck_assert_int_eq(st.speed, ZSTREAM_SPEED_DEFAULT);
	submit_backlog(w, &seq, 0, &n, &st);
	ck_assert_uint_eq(st.slower, 1);
#else
	ck_assert_uint_eq(st.slower, 0);
#endif
	stop_and_read(w, s, n, seq);
}
END_TEST

UNIT_MAIN_FIXTURE("collector_writer", 60, setup, teardown,
		  test_two_files_in_order, test_no_file_before_open,
		  test_two_formats, test_adapts_speed, test_adapts_to_backlog)
