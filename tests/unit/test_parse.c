/*
 * Unit tests for common/parse.c: tables of good inputs with their values
 * and of bad inputs that must be rejected without touching the output.
 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define UNTOUCHED UINT64_C(0xabcdabcdabcdabcd)

START_TEST(test_u64)
{
	uint64_t v;

	ck_assert_int_eq(parse_u64("0", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_u64("10", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(parse_u64("007", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(parse_u64("18446744073709551615", 0, UINT64_MAX, &v),
			 0);
	ck_assert_uint_eq(v, UINT64_MAX);

	v = UNTOUCHED;
	ck_assert_int_eq(parse_u64("11", 0, 10, &v), -1);
	ck_assert_int_eq(parse_u64("4", 5, 10, &v), -1);
	ck_assert_int_eq(parse_u64("", 0, 10, &v), -1);
	ck_assert_int_eq(parse_u64(NULL, 0, 10, &v), -1);
	ck_assert_int_eq(parse_u64("-1", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(parse_u64("+1", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(parse_u64(" 1", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(parse_u64("1 ", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(parse_u64("0x10", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(parse_u64("1k", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(parse_u64("18446744073709551616", 0, UINT64_MAX, &v),
			 -1);
	ck_assert_int_eq(
	    parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), -1);
	ck_assert_uint_eq(v, UNTOUCHED);
}
END_TEST

static const struct {
	const char *in;
	uint64_t secs;
} good_times[] = {
    {"0", 0},
    {"300", 300},
    {"45s", 45},
    {"5m", 300},
    {"1h", 3600},
    {"2d", 172800},
    {"1w", 604800},
    {"1h30m", 5400},
    {"1h30", 3630},
    {"1d1h1m1s", 90061},
    {"1w2d", 777600},
    {"5M", 300},
    {"3600s", 3600},
    {"1m1m", 120},
    {"18446744073709551615", UINT64_MAX},
    {"18446744073709551615s", UINT64_MAX},
};

static const char *const bad_times[] = {
    "",
    "m",
    "h5",
    "1x",
    "1h m",
    " 1",
    "1 ",
    "-5",
    "+5",
    "1.5h",
    "1hm",
    "5mm",
    "1h30x",
    "0x10",
    "18446744073709551616",
    "1w18446744073709551615", /* overflow in the sum */
    "30500568904944w",
    "18446744073709551615s1",
};

START_TEST(test_timespec_good)
{
	uint64_t v = UNTOUCHED;

	ck_assert_msg(parse_timespec(good_times[_i].in, &v) == 0,
		      "rejected \"%s\"", good_times[_i].in);
	ck_assert_uint_eq(v, good_times[_i].secs);
}
END_TEST

START_TEST(test_timespec_bad)
{
	uint64_t v = UNTOUCHED;

	ck_assert_msg(parse_timespec(bad_times[_i], &v) == -1,
		      "accepted \"%s\"", bad_times[_i]);
	ck_assert_uint_eq(v, UNTOUCHED);
}
END_TEST

static const struct {
	const char *in;
	uint64_t bytes;
} good_sizes[] = {
    {"0", 0},
    {"1", 1},
    {"4096", 4096},
    {"1b", 512},
    {"3b", 1536},
    {"1K", 1024},
    {"2k", 2048},
    {"10M", 10485760},
    {"1m", 1048576},
    {"2G", UINT64_C(2147483648)},
    {"16777216G", UINT64_C(1) << 54},
    {"18446744073709551615", UINT64_MAX},
};

static const char *const bad_sizes[] = {
    "",
    "K",
    "b",
    "1KB",
    "1x",
    "1 K",
    " 1",
    "-1",
    "1.5G",
    "1T",
    "1KK",
    "17179869184G",
    "36028797018963968b",
    "18446744073709551616",
};

START_TEST(test_size_good)
{
	uint64_t v = UNTOUCHED;

	ck_assert_msg(parse_size(good_sizes[_i].in, &v) == 0, "rejected \"%s\"",
		      good_sizes[_i].in);
	ck_assert_uint_eq(v, good_sizes[_i].bytes);
}
END_TEST

START_TEST(test_size_bad)
{
	uint64_t v = UNTOUCHED;

	ck_assert_msg(parse_size(bad_sizes[_i], &v) == -1, "accepted \"%s\"",
		      bad_sizes[_i]);
	ck_assert_uint_eq(v, UNTOUCHED);
}
END_TEST

static void
assert_v4(const struct sockaddr_storage *ss, const char *addr, int port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	struct in_addr want;

	ck_assert_int_eq(ss->ss_family, AF_INET);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &want), 1);
	ck_assert_uint_eq(sin->sin_addr.s_addr, want.s_addr);
	ck_assert_uint_eq(ntohs(sin->sin_port), port);
}

static void
assert_v6(const struct sockaddr_storage *ss, const char *addr, int port)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	struct in6_addr want;

	ck_assert_int_eq(ss->ss_family, AF_INET6);
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &want), 1);
	ck_assert_int_eq(memcmp(&sin6->sin6_addr, &want, sizeof(want)), 0);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), port);
}

START_TEST(test_hostport_good)
{
	struct sockaddr_storage ss;
	socklen_t len;

	ck_assert_int_eq(parse_hostport("127.0.0.1:9995", &ss, &len), 0);
	assert_v4(&ss, "127.0.0.1", 9995);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in));

	ck_assert_int_eq(parse_hostport("[::1]:9995", &ss, &len), 0);
	assert_v6(&ss, "::1", 9995);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));

	ck_assert_int_eq(parse_hostport("10.1.2.3:1", &ss, &len), 0);
	assert_v4(&ss, "10.1.2.3", 1);
	ck_assert_int_eq(parse_hostport("[2001:db8::5]:65535", &ss, &len), 0);
	assert_v6(&ss, "2001:db8::5", 65535);
	ck_assert_int_eq(parse_hostport("[127.0.0.1]:2055", &ss, &len), 0);
	assert_v4(&ss, "127.0.0.1", 2055);

	/* A name; localhost may come back as either family. */
	ck_assert_int_eq(parse_hostport("localhost:9995", &ss, &len), 0);
	ck_assert(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
	if (ss.ss_family == AF_INET)
		assert_v4(&ss, "127.0.0.1", 9995);
	else
		assert_v6(&ss, "::1", 9995);
}
END_TEST

static const char *const bad_hostports[] = {
    "",
    "127.0.0.1",
    "127.0.0.1:",
    ":9995",
    "127.0.0.1:0",
    "127.0.0.1:65536",
    "127.0.0.1:99999999999",
    "127.0.0.1:-1",
    "127.0.0.1:http",
    "127.0.0.1:99x",
    "::1:9995",
    "[::1]9995",
    "[::1:9995",
    "[::1]:",
    "[]:9995",
    "300.1.2.3:9995",
    "no.such.host.invalid:9995",
    "127.0.0.1: 9995",
    "[[::1]]:9995",
};

START_TEST(test_hostport_bad)
{
	struct sockaddr_storage ss;
	socklen_t len = 77;

	memset(&ss, 0xee, sizeof(ss));
	ck_assert_msg(parse_hostport(bad_hostports[_i], &ss, &len) == -1,
		      "accepted \"%s\"", bad_hostports[_i]);
	ck_assert_uint_eq(len, 77);
	ck_assert_uint_eq(((uint8_t *)&ss)[0], 0xee);
}
END_TEST

START_TEST(test_capspec_good)
{
	struct capspec cs;

	ck_assert_int_eq(parse_capspec("0/0/8818", &cs), 0);
	ck_assert_uint_eq(cs.port, 8818);
	ck_assert_int_eq(cs.local.ss_family, AF_UNSPEC);
	ck_assert_int_eq(cs.remote.ss_family, AF_UNSPEC);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&cs.local)->sin_port),
			  8818);

	ck_assert_int_eq(parse_capspec("127.0.0.1/0/9991", &cs), 0);
	ck_assert_uint_eq(cs.port, 9991);
	assert_v4(&cs.local, "127.0.0.1", 9991);
	ck_assert_int_eq(cs.remote.ss_family, AF_UNSPEC);

	ck_assert_int_eq(parse_capspec("0/10.0.0.1/9991", &cs), 0);
	ck_assert_int_eq(cs.local.ss_family, AF_UNSPEC);
	assert_v4(&cs.remote, "10.0.0.1", 0);

	ck_assert_int_eq(parse_capspec("::1/0/9991", &cs), 0);
	assert_v6(&cs.local, "::1", 9991);
	ck_assert_int_eq(cs.remote.ss_family, AF_UNSPEC);

	ck_assert_int_eq(parse_capspec("[::1]/2001:db8::1/65535", &cs), 0);
	assert_v6(&cs.local, "::1", 65535);
	assert_v6(&cs.remote, "2001:db8::1", 0);

	ck_assert_int_eq(parse_capspec("0.0.0.0/0.0.0.0/1", &cs), 0);
	assert_v4(&cs.local, "0.0.0.0", 1);
	ck_assert_int_eq(cs.remote.ss_family, AF_UNSPEC);
}
END_TEST

static const char *const bad_capspecs[] = {
    "",
    "8818",
    "0/8818",
    "0/0/",
    "0/0/0",
    "0/0/65536",
    "0/0/88x",
    "0/0/8818/",
    "0/0/0/8818",
    "/0/8818",
    "0//8818",
    "x.y.invalid/0/1",
    "0/999.1.1.1/8818",
    "127.0.0.1:9995",
    "0/0/-1",
    "[::1/0/9991",
};

START_TEST(test_capspec_bad)
{
	struct capspec cs;

	memset(&cs, 0xee, sizeof(cs));
	ck_assert_msg(parse_capspec(bad_capspecs[_i], &cs) == -1,
		      "accepted \"%s\"", bad_capspecs[_i]);
	ck_assert_uint_eq(cs.port, 0xeeee);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = unit_case(
	    s, "core", 0,
	    UNIT_TESTS(test_u64, test_hostport_good, test_capspec_good));

	tcase_add_loop_test(tc, test_timespec_good, 0, NELEM(good_times));
	tcase_add_loop_test(tc, test_timespec_bad, 0, NELEM(bad_times));
	tcase_add_loop_test(tc, test_size_good, 0, NELEM(good_sizes));
	tcase_add_loop_test(tc, test_size_bad, 0, NELEM(bad_sizes));
	tcase_add_loop_test(tc, test_hostport_bad, 0, NELEM(bad_hostports));
	tcase_add_loop_test(tc, test_capspec_bad, 0, NELEM(bad_capspecs));
	return s;
}

UNIT_MAIN(parse_suite)
