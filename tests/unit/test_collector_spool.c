/*
 * Unit tests for collector/spool.c and collector/retention.c: a file's life
 * from tmp- to ft-, never clobbering, nesting, recovery of leftovers,
 * and expiry of the oldest files.  Each test works in its own temporary
 * directory under /tmp, with TZ=UTC so names are predictable.
 */
#include <sys/stat.h>
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spooltest.h"
#include "../../collector/retention.h"
#include "textfile.h"
#include "unit.h"

static void
fill(struct flowrec *r, size_t n)
{
	size_t i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].srcaddr = 0x0a000000 + (uint32_t)i;
		r[i].packets = 1;
		r[i].bytes = 100 + i;
		r[i].unix_secs = T0;
		r[i].first_ms = (int64_t)T0 * 1000;
		r[i].last_ms = (int64_t)T0 * 1000 + 5;
	}
}

static int
path_exists(const char *rel)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return stat(p, &st) == 0;
}

START_TEST(test_open_close)
{
	struct spool *s = new_spool(0, NULL);
	struct flowrec r[100];
	struct ft_counts c = {T0 + 300, 7, 2, 1};
	struct ft_header h;

	fill(r, 100);
	ck_assert_int_eq(spool_open(s, T0), 0);
	ck_assert(path_exists("tmp-" NAME0));
	ck_assert_int_eq(spool_write(s, r, 100), 0);
	ck_assert_uint_eq(spool_count(s), 100);
	ck_assert_int_eq(spool_close(s, &c), 0);
	ck_assert(!path_exists("tmp-" NAME0));
	ck_assert(path_exists("ft-" NAME0));
	ck_assert_int_eq(read_file("ft-" NAME0, &h, NULL), 100);
	ck_assert_uint_eq(h.flags, FT_FLAG_DONE | FT_FLAG_COMPRESS);
	ck_assert_uint_eq(h.cap_start, T0);
	ck_assert_uint_eq(h.cap_end, T0 + 300);
	ck_assert_uint_eq(h.flows, 100);
	ck_assert_uint_eq(h.lost, 7);
	ck_assert_uint_eq(h.corrupt, 2);
	ck_assert_uint_eq(h.resets, 1);
	ck_assert_uint_eq(h.hdr_len, 80 + 0 * 0 + 0);
	spool_free(s);
}
END_TEST

/* An open file is readable up to the last flush. */
START_TEST(test_flush_readable)
{
	struct spool *s = new_spool(0, NULL);
	struct flowrec r[50];
	struct ft_header h;

	fill(r, 50);
	ck_assert_int_eq(spool_open(s, T0), 0);
	spool_write(s, r, 50);
	ck_assert_int_eq(spool_flush(s), 0);
	spool_write(s, r, 10); /* not flushed */
	ck_assert_int_eq(read_file("tmp-" NAME0, &h, NULL), 50);
	ck_assert_uint_eq(h.flags & FT_FLAG_DONE, 0);
	spool_free(s);
}
END_TEST

START_TEST(test_no_clobber)
{
	struct spool *s = new_spool(0, NULL);
	struct ft_counts c = {T0, 0, 0, 0};
	struct ft_header h;
	char p[256];
	FILE *f;

	/* Someone's file already has the name. */
	snprintf(p, sizeof(p), "%s/ft-" NAME0, dir);
	f = fopen(p, "w");
	fputs("precious", f);
	fclose(f);
	ck_assert_int_eq(spool_open(s, T0), 0);
	ck_assert(path_exists("tmp-" NAME0 ".1"));
	ck_assert_int_eq(spool_close(s, &c), 0);
	ck_assert(path_exists("ft-" NAME0 ".1"));
	ck_assert_int_eq(read_file("ft-" NAME0 ".1", &h, NULL), 0);
	/* Two files in the same second. */
	ck_assert_int_eq(spool_open(s, T0), 0);
	ck_assert_int_eq(spool_close(s, &c), 0);
	ck_assert(path_exists("ft-" NAME0 ".2"));
	f = fopen(p, "r");
	ck_assert_int_eq(fgetc(f), 'p');
	fclose(f);
	spool_free(s);
}
END_TEST

START_TEST(test_nesting)
{
	static const struct {
		int nest;
		const char *sub;
	} t[] = {
	    {1, "2026/"},
	    {2, "2026/2026-11/"},
	    {3, "2026/2026-11/2026-11-26/"},
	    {-1, "2026-11-26/"},
	    {-2, "2026-11/2026-11-26/"},
	    {-3, "2026/2026-11/2026-11-26/"},
	};
	struct ft_counts c = {T0, 0, 0, 0};
	char rel[128];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct spool *s = new_spool(t[i].nest, NULL);

		ck_assert_int_eq(spool_open(s, T0 + (time_t)i), 0);
		ck_assert_int_eq(spool_close(s, &c), 0);
		snprintf(rel, sizeof(rel), "%sft-v05.2026-11-26.1805%02zu+0000",
			 t[i].sub, 15 + i);
		ck_assert_msg(path_exists(rel), "missing %s", rel);
		spool_free(s);
	}
}
END_TEST

/* A crash leaves a tmp- file; recovery finishes it with what was flushed. */
START_TEST(test_recover)
{
	struct spool *s = new_spool(2, NULL);
	struct flowrec r[300];
	struct ft_header h;
	char p[256];
	int fd;

	fill(r, 300);
	ck_assert_int_eq(spool_open(s, T0), 0);
	spool_write(s, r, 300);
	spool_flush(s);
	spool_write(s, r, 100); /* lost with the "crash" */
	spool_free(s);		/* no close: as if killed */
	ck_assert(path_exists("2026/2026-11/tmp-" NAME0));
	/* An empty tmp- file (killed right after creating it). */
	snprintf(p, sizeof(p), "%s/tmp-v05.2026-11-26.190000+0000", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	close(fd);
	/* A stale copy from a recovery that was itself interrupted. */
	snprintf(p, sizeof(p), "%s/2026/2026-11/rec-" NAME0, dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	close(fd);

	s = new_spool(2, NULL);
	/* One recovered, one empty file removed. */
	ck_assert_int_eq(spool_recover_all(s), 2);
	ck_assert(!path_exists("2026/2026-11/tmp-" NAME0));
	ck_assert(!path_exists("2026/2026-11/rec-" NAME0));
	ck_assert(!path_exists("tmp-v05.2026-11-26.190000+0000"));
	ck_assert_int_eq(read_file("2026/2026-11/ft-" NAME0, &h, NULL), 300);
	ck_assert_uint_eq(h.flags & FT_FLAG_DONE, FT_FLAG_DONE);
	ck_assert_uint_eq(h.flows, 300);
	ck_assert_uint_eq(h.cap_start, T0);
	ck_assert_uint_ne(h.cap_end, 0);
	spool_free(s);
}
END_TEST

/* A tmp- file that is not a flow file is left alone. */
START_TEST(test_recover_garbage)
{
	struct spool *s = new_spool(0, NULL);
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/tmp-" NAME0, dir);
	f = fopen(p, "w");
	fputs("not a flow file at all", f);
	fclose(f);
	ck_assert_int_eq(spool_recover_all(s), 0);
	ck_assert(path_exists("tmp-" NAME0));
	ck_assert(!path_exists("ft-" NAME0));
	spool_free(s);
}
END_TEST

/* Leaves dir/tmp-NAME0 as a collector killed after a flush would. */
static void
leave_tmp(int nrec)
{
	struct spool *s = new_spool(0, NULL);
	struct flowrec r[100];

	fill(r, 100);
	ck_assert_int_eq(spool_open(s, T0), 0);
	spool_write(s, r, (size_t)nrec);
	spool_flush(s);
	spool_free(s);
	ck_assert(path_exists("tmp-" NAME0));
}

/*
 * Finding 4 of issue 11: a rec- symlink planted in the spool must not make
 * recovery write through it, nor end up renamed into the archive.
 */
START_TEST(test_recover_planted_rec_symlink)
{
	struct spool *s;
	struct ft_header h;
	struct stat st;
	char victim[128], rec[256], tmp[256];

	leave_tmp(100);
	snprintf(victim, sizeof(victim), "%s.victim", dir);
	write_file(victim, "root's file\n");
	snprintf(rec, sizeof(rec), "%s/rec-" NAME0, dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp-" NAME0, dir);
	ck_assert_int_eq(symlink(victim, rec), 0);

	s = new_spool(0, NULL);
	/* Directly, so the order readdir returns names in does not matter. */
	ck_assert_int_eq(spool_recover(s, tmp), 0);
	spool_free(s);
	ck_assert_str_eq(slurp(victim), "root's file\n");
	unlink(victim);
	snprintf(rec, sizeof(rec), "%s/ft-" NAME0, dir);
	ck_assert_int_eq(lstat(rec, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(read_file("ft-" NAME0, &h, NULL), 100);
	ck_assert(!path_exists("rec-" NAME0));
}
END_TEST

/*
 * Finding 5 of issue 11: a FIFO or a symlink named tmp- is skipped at once,
 * without blocking and without being read, renamed or removed.
 */
START_TEST(test_recover_skips_non_files)
{
	struct spool *s;
	struct stat st;
	char p[256], q[256], elsewhere[128];

	snprintf(p, sizeof(p), "%s/tmp-" NAME0, dir);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	s = new_spool(0, NULL);
	alarm(10);
	ck_assert_int_eq(spool_recover_all(s), 0);
	alarm(0);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert(!path_exists("ft-" NAME0));
	ck_assert_int_eq(unlink(p), 0);

	/* A tmp- symlink to a flow file elsewhere is not copied in. */
	leave_tmp(10);
	snprintf(elsewhere, sizeof(elsewhere), "%s.flows", dir);
	ck_assert_int_eq(rename(p, elsewhere), 0);
	snprintf(q, sizeof(q), "%s/tmp-v05.2026-11-26.190000+0000", dir);
	ck_assert_int_eq(symlink(elsewhere, q), 0);
	ck_assert_int_eq(spool_recover_all(s), 0);
	ck_assert_int_eq(lstat(q, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(!path_exists("ft-v05.2026-11-26.190000+0000"));
	ck_assert_int_eq(lstat(elsewhere, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	unlink(elsewhere);
	spool_free(s);
}
END_TEST

/*
 * The sweep of issue 11, rules for the files the spool creates and
 * removes: a symlink planted at a nesting directory's name or at the tmp-
 * name about to be created is never written through, and retention never
 * removes what a symlink names nor walks into a linked directory.
 */
START_TEST(test_spool_planted_links)
{
	struct ft_counts c = {T0, 0, 0, 0};
	struct retention *e;
	struct spool *s;
	struct stat st;
	char other[128], p[256], q[256];

	/* 1. The nesting directory "2026" is a link to a directory elsewhere.
	 */
	snprintf(other, sizeof(other), "%s.elsewhere", dir);
	ck_assert_int_eq(mkdir(other, 0755), 0);
	snprintf(p, sizeof(p), "%s/2026", dir);
	ck_assert_int_eq(symlink(other, p), 0);
	s = new_spool(1, NULL);
	ck_assert_int_eq(spool_open(s, T0), -1);
	spool_free(s);
	snprintf(q, sizeof(q), "%s/tmp-" NAME0, other);
	ck_assert_int_eq(lstat(q, &st), -1);
	ck_assert_int_eq(unlink(p), 0);

	/* 2. A link at the very tmp- name: the file goes beside it. */
	snprintf(q, sizeof(q), "%s/victim", other);
	write_file(q, "root's file\n");
	snprintf(p, sizeof(p), "%s/tmp-" NAME0, dir);
	ck_assert_int_eq(symlink(q, p), 0);
	s = new_spool(0, NULL);
	ck_assert_int_eq(spool_open(s, T0), 0);
	ck_assert_int_eq(spool_close(s, &c), 0);
	spool_free(s);
	ck_assert_str_eq(slurp(q), "root's file\n");
	ck_assert(path_exists("ft-" NAME0 ".1"));
	ck_assert_int_eq(unlink(p), 0);

	/*
	 * 3. Retention: a link named like a finished file and a linked
	 * directory of finished files are neither counted nor removed.
	 */
	snprintf(p, sizeof(p), "%s/ft-v05.2026-11-26.170000+0000", dir);
	ck_assert_int_eq(symlink(q, p), 0);
	snprintf(p, sizeof(p), "%s/ft-v05.2026-11-26.160000+0000", other);
	write_file(p, "\xcf\x10 looks like a flow file\n");
	snprintf(p, sizeof(p), "%s/linked", dir);
	ck_assert_int_eq(symlink(other, p), 0);
	e = retention_new(0, 0);
	ck_assert_uint_eq(retention_scan(e, dir), 1);
	retention_free(e);
	e = retention_new(1, 0);
	retention_scan(e, dir);
	ck_assert_uint_eq(retention_run(e, 0), 1);
	retention_free(e);
	ck_assert_str_eq(slurp(q), "root's file\n");
	snprintf(p, sizeof(p), "%s/ft-v05.2026-11-26.160000+0000", other);
	ck_assert_int_eq(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "rm -rf %s", other);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(test_expire)
{
	struct retention *e = retention_new(0, 3);
	struct spool *s = new_spool(1, e);
	struct ft_counts c = {T0, 0, 0, 0};
	int i;

	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(spool_open(s, T0 + 60 * i), 0);
		ck_assert_int_eq(spool_close(s, &c), 0);
	}
	ck_assert_uint_eq(retention_files(e), 5);
	ck_assert_uint_eq(retention_run(e, 0), 2);
	ck_assert(!path_exists("2026/ft-v05.2026-11-26.180515+0000"));
	ck_assert(!path_exists("2026/ft-v05.2026-11-26.180615+0000"));
	ck_assert(path_exists("2026/ft-v05.2026-11-26.180715+0000"));
	spool_free(s);
	retention_free(e);

	/* A fresh scan finds the three, oldest first; by size keep one. */
	e = retention_new(100, 0);
	ck_assert_uint_eq(retention_scan(e, dir), 3);
	ck_assert_uint_eq(retention_bytes(e), 3 * 88);
	ck_assert_uint_eq(retention_run(e, 0), 2);
	ck_assert(path_exists("2026/ft-v05.2026-11-26.180915+0000"));
	ck_assert_uint_eq(retention_files(e), 1);
	retention_free(e);
}
END_TEST

UNIT_MAIN_FIXTURE("collector_spool", 0, setup, teardown, test_open_close,
		  test_flush_readable, test_no_clobber, test_nesting,
		  test_recover, test_recover_garbage,
		  test_recover_planted_rec_symlink,
		  test_recover_skips_non_files, test_spool_planted_links,
		  test_expire)
