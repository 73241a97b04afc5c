/*
 * Unit tests for common/log.c: the stderr format before detaching, errno
 * handling, the debug switch and the exit status of log_fatal()/log_fatalx().
 * stderr is redirected to a temporary file and read back.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

static char logbuf[4096];

/* Runs fn with stderr sent to a temporary file; leaves its text in logbuf. */
static void
capture(void (*fn)(void))
{
	FILE *tmp;
	int saved;
	size_t n;

	fflush(stderr);
	ck_assert_ptr_nonnull(tmp = tmpfile());
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, tmp);
	logbuf[n] = '\0';
	fclose(tmp);
}

static void
do_basic(void)
{
	log_init("tlog", 0, LOG_DAEMON);
	log_info("hello %d", 42);
	log_warnx("plain %s", "warning");
	log_debug("not shown");
}

START_TEST(test_stderr_format)
{
	capture(do_basic);
	ck_assert_str_eq(logbuf, "tlog: hello 42\ntlog: plain warning\n");
}
END_TEST

static int errno_after;

static void
do_warn(void)
{
	log_init("tlog", 1, LOG_DAEMON);
	errno = ENOENT;
	log_warn("open %s", "x");
	errno_after = errno;
	log_debug("dbg %d", 1);
	log_setdebug(0);
	log_debug("hidden");
}

START_TEST(test_warn_errno)
{
	char want[256];

	capture(do_warn);
	snprintf(want, sizeof(want), "tlog: open x: %s\ntlog: dbg 1\n",
		 strerror(ENOENT));
	ck_assert_str_eq(logbuf, want);
	ck_assert_int_eq(errno_after, ENOENT);
	ck_assert_int_eq(log_getdebug(), 0);
}
END_TEST

static void
do_fatalx(void)
{
	log_init("tlog", 0, LOG_DAEMON);
	log_fatalx("bad thing %d", 7);
}

START_TEST(test_fatalx)
{
	fclose(stderr); /* this child's stderr; output is not needed */
	do_fatalx();
}
END_TEST

START_TEST(test_fatal)
{
	fclose(stderr);
	log_init("tlog", 0, LOG_DAEMON);
	errno = EPERM;
	log_fatal("no");
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = unit_case(s, "core", 0,
			      UNIT_TESTS(test_stderr_format, test_warn_errno));

	tcase_add_exit_test(tc, test_fatalx, 1);
	tcase_add_exit_test(tc, test_fatal, 1);
	return s;
}

UNIT_MAIN(log_suite)
