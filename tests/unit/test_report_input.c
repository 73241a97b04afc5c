/*
 * Unit tests for report/input.c on the open files of a live spool: an open
 * tmp- file that nfcollectd has not flushed yet is empty and holds no
 * flows; one it finished (renamed to ft-) after the directory walk is read
 * under its finished name; a missing or empty file that is not tmp- is
 * still damage.  Found by make soak (nfreport -a every 10 s).  And the
 * span nfchload stores in a marker skips a file as input_read() does.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftfile.h"
#include "../../report/input.h"
#include "unit.h"

#define T0 1795716315 /* 2026-11-26 18:05:15 UTC */
#define NAME "v05.2026-11-26.180515+0000"

static char dir[64];
static const struct window all = {INT64_MIN, INT64_MAX};
static struct flowrec buf[INPUT_BLOCK];

static int
count(void *ctx, struct flowrec *r, size_t n)
{
	(void)r;
	*(size_t *)ctx += n;
	return 0;
}

/* dir/prefix NAME holding n records (n < 0: an empty file). */
static void
make_file(const char *prefix, int n)
{
	struct flowrec r[4];
	struct ft_wopts wo;
	struct ft_counts c;
	struct ft_writer *w;
	char path[128];
	int fd, i;

	snprintf(path, sizeof(path), "%s/%s%s", dir, prefix, NAME);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	if (n >= 0) {
		memset(&wo, 0, sizeof(wo));
		wo.zlevel = -1;
		wo.cap_start = T0;
		ck_assert_ptr_nonnull(w = ftw_open(fd, &wo));
		memset(r, 0, sizeof(r));
		for (i = 0; i < n; i++) {
			r[i].srcaddr = (uint32_t)i;
			r[i].packets = 1;
			r[i].bytes = 40;
			r[i].unix_secs = T0;
			r[i].first_ms = r[i].last_ms = (int64_t)T0 * 1000;
		}
		ck_assert_int_eq(ftw_write(w, r, (size_t)n), 0);
		memset(&c, 0, sizeof(c));
		c.cap_end = T0 + 60;
		ck_assert_int_eq(ftw_close(w, &c), 0);
	}
	close(fd);
}

/* input_read of dir/prefix NAME as a tmp- file or not; records in *n. */
static enum input_result
read_one(const char *prefix, int is_tmp, size_t *n)
{
	char path[128];
	struct infile f;

	snprintf(path, sizeof(path), "%s/%s%s", dir, prefix, NAME);
	f.path = path;
	f.start_ms = INT64_MIN;
	f.is_tmp = is_tmp;
	*n = 0;
	return input_read(&f, &all, buf, count, n, NULL);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nfkit-input.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/tmp-%s", dir, NAME);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ft-%s", dir, NAME);
	unlink(path);
	rmdir(dir);
}

START_TEST(empty_tmp_holds_nothing)
{
	size_t n;

	make_file("tmp-", -1);
	ck_assert_int_eq(read_one("tmp-", 1, &n), IN_OK);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(empty_finished_is_damage)
{
	size_t n;

	make_file("ft-", -1);
	ck_assert_int_eq(read_one("ft-", 0, &n), IN_DAMAGED);
}
END_TEST

START_TEST(tmp_finished_after_walk)
{
	size_t n;

	make_file("ft-", 3);
	ck_assert_int_eq(read_one("tmp-", 1, &n), IN_OK);
	ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(tmp_gone_for_good)
{
	size_t n;

	ck_assert_int_eq(read_one("tmp-", 1, &n), IN_DAMAGED);
	/* Only a tmp- file is looked for under its finished name. */
	make_file("ft-", 3);
	ck_assert_int_eq(read_one("tmp-", 0, &n), IN_DAMAGED);
}
END_TEST

/*
 * The span input_marker() gives nfchload's marker decides as input_read()
 * does: a finished file is skipped by a window that ends more than the
 * slack before it opened or starts more than the slack after it closed.
 */
START_TEST(marker_span_decides_as_read)
{
	static const int64_t t = (int64_t)T0 * 1000, s = INPUT_SLACK_MS;
	const struct window w[] = {
	    {t - s - 2000, t - s - 1000}, /* ends too early: skipped */
	    {t - s - 2000, t - s + 1000},
	    {t + 60000 + s - 1000, INT64_MAX},
	    {t + 60000 + s + 1, INT64_MAX}, /* starts too late: skipped */
	};
	struct input_span sp;
	struct infile f;
	char path[128], cap[64];
	size_t i, n;

	make_file("ft-", 3);
	snprintf(path, sizeof(path), "%s/ft-%s", dir, NAME);
	ck_assert_int_eq(input_marker(path, t, cap, sizeof(cap), &sp), 0);
	ck_assert(sp.name_ms == t && sp.start_ms == t &&
		  sp.end_ms == t + 60000);
	f.path = path;
	f.start_ms = INT64_MIN; /* the header alone decides */
	f.is_tmp = 0;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		n = 0;
		ck_assert_int_eq(input_overlaps(&sp, &w[i]), i == 1 || i == 2);
		ck_assert_int_eq(input_read(&f, &w[i], buf, count, &n, NULL),
				 i == 1 || i == 2 ? IN_OK : IN_SKIPPED);
	}
	/* No header times (IPFIX): only the name can skip it. */
	sp.name_ms = INT64_MIN;
	sp.start_ms = sp.end_ms = 0;
	ck_assert_int_eq(input_overlaps(&sp, &w[0]), 1);
	ck_assert_int_eq(input_overlaps(&sp, &w[3]), 1);
	sp.name_ms = w[0].end + s;
	ck_assert_int_eq(input_overlaps(&sp, &w[0]), 1);
	sp.name_ms++;
	ck_assert_int_eq(input_overlaps(&sp, &w[0]), 0);
}
END_TEST

UNIT_MAIN_FIXTURE("report_input", 0, setup, teardown, empty_tmp_holds_nothing,
		  empty_finished_is_damage, tmp_finished_after_walk,
		  tmp_gone_for_good, marker_span_decides_as_read)
