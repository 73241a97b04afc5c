/*
 * Unit tests for report/prefetch.c, the workers that read and filter
 * files ahead of the printer: records come out in input order whatever
 * the number of threads and however far they may run ahead, with more
 * records in flight than the chunk pool holds; every file, empty ones
 * included, ends with one empty chunk that carries its damage; the filter
 * runs on the workers; and stopping half-way neither hangs nor leaks.
 * Built with ThreadSanitizer as well (make tsan).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftfile.h"
#include "../../report/prefetch.h"
#include "unit.h"

#define T0 1795716315 /* 2026-11-26 18:05:15 UTC */
#define NFILES 4

/* Together more than the pool's 32 chunks of INPUT_BLOCK records. */
static const size_t file_recs[NFILES] = {60000, 0, 9000, 70000};

static char dir[64];
static struct infile files[NFILES];
static struct inlist in = {files, NFILES, NFILES};
static const struct window all = {INT64_MIN, INT64_MAX};

/* Write file i holding records numbered from *seq (srcaddr). */
static void
write_file(int i, uint32_t *seq)
{
	struct flowrec r[1000];
	struct ft_wopts wo;
	struct ft_counts c;
	struct ft_writer *w;
	size_t left = file_recs[i], k, j;
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/ft-%d", dir, i);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	memset(&wo, 0, sizeof(wo));
	wo.zlevel = -1;
	wo.cap_start = T0;
	ck_assert_ptr_nonnull(w = ftw_open(fd, &wo));
	while (left > 0) {
		k = left < 1000 ? left : 1000;
		memset(r, 0, sizeof(r));
		for (j = 0; j < k; j++) {
			r[j].srcaddr = *seq;
			r[j].srcport = (uint16_t)(*seq % 2);
			(*seq)++;
			r[j].packets = 1;
			r[j].bytes = 40;
			r[j].unix_secs = T0;
			r[j].first_ms = (int64_t)T0 * 1000;
			r[j].last_ms = (int64_t)T0 * 1000;
		}
		ck_assert_int_eq(ftw_write(w, r, k), 0);
		left -= k;
	}
	memset(&c, 0, sizeof(c));
	c.cap_end = T0 + 300;
	ck_assert_int_eq(ftw_close(w, &c), 0);
	close(fd);
	files[i].path = strdup(path);
	files[i].start_ms = INT64_MIN;
}

static void
setup(void)
{
	uint32_t seq = 0;
	int i;

	snprintf(dir, sizeof(dir), "/tmp/nfkit-prefetch.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < NFILES; i++)
		write_file(i, &seq);
}

static void
teardown(void)
{
	char cmd[128];
	int i;

	for (i = 0; i < NFILES; i++)
		free(files[i].path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* What one pass over every chunk saw. */
struct seen {
	size_t recs;	     /* records in all chunks */
	int ends;	     /* empty end-of-file chunks */
	int damaged[NFILES]; /* damage reported at each file's end */
	int in_order;	     /* srcaddr rose by step every record */
};

/* Read everything with a filter; records must rise by step from first. */
static void
read_all(int nthreads, int ahead, const char *expr, uint32_t first,
	 uint32_t step, struct seen *s)
{
	struct filter_error fe;
	struct filter *f = filter_compile(expr, &fe);
	struct prefetch *p;
	const struct flowrec *r;
	uint32_t want = first;
	size_t n, i;
	int damaged, nomem;

	ck_assert_ptr_nonnull(f);
	memset(s, 0, sizeof(*s));
	s->in_order = 1;
	ck_assert_ptr_nonnull(p = prefetch_new(&in, &all, f, nthreads, ahead));
	while (prefetch_next(p, &r, &n, &damaged, &nomem)) {
		ck_assert_int_eq(nomem, 0);
		if (r == NULL) {
			ck_assert_uint_eq(n, 0);
			ck_assert_int_lt(s->ends, NFILES);
			s->damaged[s->ends++] = damaged;
			continue;
		}
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_le(n, INPUT_BLOCK);
		ck_assert_int_eq(damaged, 0);
		for (i = 0; i < n; i++, want += step)
			if (r[i].srcaddr != want)
				s->in_order = 0;
		s->recs += n;
	}
	/* After the last file it stays finished. */
	ck_assert_int_eq(prefetch_next(p, &r, &n, &damaged, &nomem), 0);
	prefetch_free(p);
	filter_free(f);
}

static size_t
total_recs(void)
{
	size_t i, t = 0;

	for (i = 0; i < NFILES; i++)
		t += file_recs[i];
	return t;
}

START_TEST(test_order_any_threads)
{
	static const int threads[] = {1, 2, 4};
	struct seen s;
	size_t k;
	int i;

	for (k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
		read_all(threads[k], 2 * threads[k], "", 0, 1, &s);
		ck_assert_uint_eq(s.recs, total_recs());
		ck_assert_int_eq(s.ends, NFILES);
		ck_assert(s.in_order);
		for (i = 0; i < NFILES; i++)
			ck_assert_int_eq(s.damaged[i], 0);
	}
}
END_TEST

/* The workers filter: only the odd records, still in order. */
START_TEST(test_filter_on_workers)
{
	struct seen s;

	read_all(3, 3, "src port 1", 1, 2, &s);
	ck_assert_uint_eq(s.recs, total_recs() / 2);
	ck_assert_int_eq(s.ends, NFILES);
	ck_assert(s.in_order);
}
END_TEST

/* A cut file ends damaged; the files after it still come whole. */
START_TEST(test_damaged_file)
{
	struct seen s;
	int fd;

	fd = open(files[0].path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4096), 0);
	close(fd);
	read_all(2, 4, "", 0, 1, &s);
	ck_assert_int_eq(s.ends, NFILES);
	ck_assert_int_eq(s.damaged[0], 1);
	ck_assert_int_eq(s.damaged[1], 0);
	ck_assert_int_eq(s.damaged[2], 0);
	ck_assert_int_eq(s.damaged[3], 0);
	ck_assert_uint_lt(s.recs, total_recs());
	ck_assert_uint_gt(s.recs, file_recs[2] + file_recs[3]);
}
END_TEST

/* The printer stops after two chunks (-c reached): no hang, no leak. */
START_TEST(test_stop_early)
{
	struct filter_error fe;
	struct filter *f = filter_compile("", &fe);
	const struct flowrec *r;
	struct prefetch *p;
	size_t n;
	int damaged, nomem;

	ck_assert_ptr_nonnull(p = prefetch_new(&in, &all, f, 4, 8));
	ck_assert_int_eq(prefetch_next(p, &r, &n, &damaged, &nomem), 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r[0].srcaddr, 0);
	ck_assert_int_eq(prefetch_next(p, &r, &n, &damaged, &nomem), 1);
	prefetch_free(p);
	filter_free(f);
}
END_TEST

UNIT_MAIN_FIXTURE("report_prefetch", 120, setup, teardown,
		  test_order_any_threads, test_filter_on_workers,
		  test_damaged_file, test_stop_early)
