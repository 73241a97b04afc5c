/*
 * Unit tests for collector/rotate.c: rotation intervals and boundaries on
 * the local clock, in UTC and in a zone with daylight saving time.
 */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "../../collector/rotate.h"
#include "unit.h"

static void
zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

START_TEST(test_interval)
{
	unsetenv(ROTATE_TESTENV);
	ck_assert_int_eq(rotate_interval(287), 300);
	ck_assert_int_eq(rotate_interval(95), 900);
	ck_assert_int_eq(rotate_interval(0), 86400);
	ck_assert_int_eq(rotate_interval(1439), 60);
	setenv(ROTATE_TESTENV, "2", 1);
	ck_assert_int_eq(rotate_interval(287), 2);
	setenv(ROTATE_TESTENV, "junk", 1);
	ck_assert_int_eq(rotate_interval(287), 300);
	unsetenv(ROTATE_TESTENV);
}
END_TEST

START_TEST(test_next_utc)
{
	/* 2026-11-26 18:05:15 UTC. */
	time_t t = 1795716315;

	zone("UTC");
	ck_assert_int_eq(rotate_next(t, 300), 1795716600); /* 18:10:00 */
	ck_assert_int_eq(rotate_next(1795716600, 300), 1795716900);
	ck_assert_int_eq(rotate_next(t, 60), 1795716360);
	/* Once a day: the next midnight. */
	ck_assert_int_eq(rotate_next(t, 86400), 1795737600);
	/* An interval that does not divide the day stops at midnight. */
	ck_assert_int_eq(rotate_next(1795737600 - 10, 7000), 1795737600);
}
END_TEST

START_TEST(test_next_berlin)
{
	/* 2026-11-26 19:05:29 +0100 = 18:05:29 UTC. */
	time_t t = 1795716329;

	zone("Europe/Berlin");
	ck_assert_int_eq(rotate_next(t, 60), 1795716360); /* 19:06:00 */
	/* Midnight is local: 2026-11-27 00:00 +0100 = 23:00 UTC. */
	ck_assert_int_eq(rotate_next(t, 86400), 1795734000);
	/*
	 * 2026-03-29 has 23 hours in Berlin (02:00 -> 03:00).  From 01:30
	 * +0100 (00:30 UTC, 1774744200) the next hourly boundary is 1 h of
	 * elapsed-since-midnight time later: 02:30 by the count, which is
	 * 03:30 +0200 on the wall; it is still one interval later.
	 */
	ck_assert_int_eq(rotate_next(1774744200, 3600) - 1774744200, 1800);
	zone("UTC");
}
END_TEST

UNIT_MAIN_TESTS("collector_rotate", 0, test_interval, test_next_utc,
		test_next_berlin)
