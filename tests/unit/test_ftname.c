/*
 * Unit tests for common/ftname.c: flow-capture's file names and nesting
 * directories.
 *
 * The names are checked against the real ones flow-capture made in the
 * testdata (TZ=UTC and TZ=Europe/Berlin), the nesting levels against the
 * table in docs/flow-tools-format.md 3, and parsing against its own output
 * and a list of near misses that must be rejected.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftname.h"
#include "unit.h"

/* 2026-11-26 18:05:15 UTC and 18:05:29 UTC, the seed-utc/nested-berlin
 * capture starts. */
#define T_SEED ((time_t)1795716315)
#define T_BERLIN ((time_t)1795716329)

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

START_TEST(test_format_utc)
{
	char b[64];

	set_tz("UTC");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "ft", 5, T_SEED), 0);
	ck_assert_str_eq(b, "ft-v05.2026-11-26.180515+0000");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "tmp", 5, T_SEED), 0);
	ck_assert_str_eq(b, "tmp-v05.2026-11-26.180515+0000");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "ft", 1005, T_SEED), 0);
	ck_assert_str_eq(b, "ft-v1005.2026-11-26.180515+0000");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "ft", 1, T_SEED), 0);
	ck_assert_str_eq(b, "ft-v01.2026-11-26.180515+0000");
	/* Too small a buffer fails instead of truncating. */
	ck_assert_int_eq(ftname_format(b, 29, "ft", 5, T_SEED), -1);
	ck_assert_int_eq(ftname_format(b, 30, "ft", 5, T_SEED), 0);
}
END_TEST

START_TEST(test_format_berlin)
{
	char b[64];

	set_tz("Europe/Berlin");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "ft", 5, T_BERLIN), 0);
	ck_assert_str_eq(b, "ft-v05.2026-11-26.190529+0100");
	/* Summer time: +0200. */
	ck_assert_int_eq(
	    ftname_format(b, sizeof(b), "tmp", 5, (time_t)1780000000), 0);
	ck_assert_str_eq(b, "tmp-v05.2026-05-28.222640+0200");
	set_tz("America/New_York");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "ft", 5, T_SEED), 0);
	ck_assert_str_eq(b, "ft-v05.2026-11-26.130515-0500");
	/* A zone with a half-hour offset. */
	set_tz("Asia/Kolkata");
	ck_assert_int_eq(ftname_format(b, sizeof(b), "ft", 5, T_SEED), 0);
	ck_assert_str_eq(b, "ft-v05.2026-11-26.233515+0530");
}
END_TEST

START_TEST(test_nestdir)
{
	static const struct {
		int nest;
		const char *dir;
	} want[] = {
	    {0, ""},
	    {1, "2026"},
	    {2, "2026/2026-11"},
	    {3, "2026/2026-11/2026-11-26"},
	    {-1, "2026-11-26"},
	    {-2, "2026-11/2026-11-26"},
	    {-3, "2026/2026-11/2026-11-26"},
	};
	char b[64];
	size_t i;

	set_tz("Europe/Berlin");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(
		    ftname_nestdir(b, sizeof(b), want[i].nest, T_BERLIN), 0);
		ck_assert_str_eq(b, want[i].dir);
	}
	ck_assert_int_eq(ftname_nestdir(b, sizeof(b), 4, T_BERLIN), -1);
	ck_assert_int_eq(ftname_nestdir(b, sizeof(b), -4, T_BERLIN), -1);
	ck_assert_int_eq(ftname_nestdir(b, 10, 3, T_BERLIN), -1);
	/* The local date decides: 23:30 UTC is already the 27th in Berlin. */
	ck_assert_int_eq(ftname_nestdir(b, sizeof(b), -1, (time_t)1795735800),
			 0);
	ck_assert_str_eq(b, "2026-11-27");
	set_tz("UTC");
	ck_assert_int_eq(ftname_nestdir(b, sizeof(b), -1, (time_t)1795735800),
			 0);
	ck_assert_str_eq(b, "2026-11-26");
}
END_TEST

START_TEST(test_parse_real)
{
	time_t t;
	int tmp;

	/* Parsing does not depend on the zone: the offset is in the name. */
	set_tz("America/New_York");
	ck_assert_int_eq(
	    ftname_parse("ft-v05.2026-11-26.190529+0100", &t, &tmp), 0);
	ck_assert_int_eq((long long)t, (long long)T_BERLIN);
	ck_assert_int_eq(tmp, 0);
	ck_assert_int_eq(
	    ftname_parse("tmp-v05.2026-11-26.180515+0000", &t, &tmp), 0);
	ck_assert_int_eq((long long)t, (long long)T_SEED);
	ck_assert_int_eq(tmp, 1);
	ck_assert_int_eq(
	    ftname_parse("ft-v1005.2026-11-26.130515-0500", &t, &tmp), 0);
	ck_assert_int_eq((long long)t, (long long)T_SEED);
	ck_assert_int_eq(
	    ftname_parse("ft-v08m01.2026-11-26.233515+0530", &t, &tmp), 0);
	ck_assert_int_eq((long long)t, (long long)T_SEED);
	ck_assert_int_eq(ftname_parse("ft-v5.1970-01-01.000000+0000", &t, &tmp),
			 0);
	ck_assert_int_eq((long long)t, 0);
}
END_TEST

/* Every hour of a year, in several zones: format then parse is identity. */
START_TEST(test_round_trip)
{
	static const char *zones[] = {"UTC", "Europe/Berlin",
				      "America/New_York", "Asia/Kolkata",
				      "Australia/Lord_Howe"};
	char b[64];
	time_t t, back;
	size_t z;
	int tmp;

	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		set_tz(zones[z]);
		for (t = 1767225600; t < 1767225600 + 366 * 86400;
		     t += 3600 + 17) {
			ck_assert_int_eq(ftname_format(b, sizeof(b),
						       t % 2 ? "tmp" : "ft", 5,
						       t),
					 0);
			ck_assert_int_eq(ftname_parse(b, &back, &tmp), 0);
			ck_assert_int_eq((long long)back, (long long)t);
			ck_assert_int_eq(tmp, t % 2 ? 1 : 0);
		}
	}
}
END_TEST

START_TEST(test_parse_garbage)
{
	static const char *bad[] = {
	    "",
	    "ft",
	    "ft-v",
	    "ft-v05",
	    "ft-v.2026-11-26.180515+0000",
	    "fx-v05.2026-11-26.180515+0000",
	    "tmp-05.2026-11-26.180515+0000",
	    "ft-v05.2026-11-26.180515",
	    "ft-v05.2026-11-26.180515+000",
	    "ft-v05.2026-11-26.180515+00000",
	    "ft-v05.2026-11-26.180515 0000",
	    "ft-v05.2026-11-26.180515+0000~",
	    "ft-v05.2026-11-26.180515+0000.gz",
	    "ft-v05.2026-11-26.180515+0000.",
	    "ft-v05.2026-11-26.180515+0000.1x",
	    "ft-v05.2026-13-26.180515+0000",
	    "ft-v05.2026-00-26.180515+0000",
	    "ft-v05.2026-02-29.180515+0000",
	    "ft-v05.2026-11-31.180515+0000",
	    "ft-v05.2026-11-26.240515+0000",
	    "ft-v05.2026-11-26.186015+0000",
	    "ft-v05.2026-11-26.180561+0000",
	    "ft-v05.2026-11-26.180515+2400",
	    "ft-v05.2026-11-26.180515+0060",
	    "ft-v05.2026/11/26.180515+0000",
	    "ft-v05.26-11-26.180515+0000",
	    "ft-v05.2026-11-26T180515+0000",
	    "ft-v08m.2026-11-26.180515+0000",
	    "ft-v123456.2026-11-26.180515+0000",
	    "ft-v05.2026-1a-26.180515+0000",
	    "nfcapd.202611261805",
	};
	time_t t = 42;
	int tmp = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ftname_parse(bad[i], &t, &tmp) != -1)
			ck_abort_msg("accepted \"%s\"", bad[i]);
	}
	/* A rejected name leaves the outputs alone. */
	ck_assert_int_eq((long long)t, 42);
	ck_assert_int_eq(tmp, 42);
	/* The collector's ".N" suffix for a taken name keeps its time. */
	ck_assert_int_eq(
	    ftname_parse("ft-v05.2026-11-26.180515+0000.2", &t, &tmp), 0);
	ck_assert_int_eq((long long)t, 1795716315LL);
	ck_assert_int_eq(tmp, 0);
	/* A leap year's 29 February is fine. */
	ck_assert_int_eq(
	    ftname_parse("ft-v05.2028-02-29.000000+0000", &t, &tmp), 0);
}
END_TEST

UNIT_MAIN_TESTS("ftname", 60, test_format_utc, test_format_berlin, test_nestdir,
		test_parse_real, test_round_trip, test_parse_garbage)
