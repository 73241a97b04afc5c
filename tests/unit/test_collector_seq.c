/*
 * Unit tests for collector/exporter.c: the bounded exporter table and
 * flow-capture's sequence accounting (gap < 1000 = lost, else reset).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/exporter.h"
#include "unit.h"

static struct exp_addr
v4(const char *s)
{
	struct sockaddr_in sin;
	struct exp_addr a;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, s, &sin.sin_addr);
	exp_addr_from_sa(&a, (struct sockaddr *)&sin);
	return a;
}

static struct exp_addr
v6(const char *s)
{
	struct sockaddr_in6 sin6;
	struct exp_addr a;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, s, &sin6.sin6_addr);
	exp_addr_from_sa(&a, (struct sockaddr *)&sin6);
	return a;
}

START_TEST(test_addr)
{
	struct exp_addr a = v4("127.0.0.2"), b = v6("2001:db8::1");
	char s[64];

	ck_assert_uint_eq(exp_addr_v4(&a), 0x7f000002);
	ck_assert_str_eq(exp_addr_str(&a, s, sizeof(s)), "127.0.0.2");
	ck_assert_uint_eq(exp_addr_v4(&b), 0);
	ck_assert_str_eq(exp_addr_str(&b, s, sizeof(s)), "2001:db8::1");
}
END_TEST

START_TEST(test_in_order_and_gaps)
{
	struct exporter_table *t = exporter_table_new(4);
	struct exp_addr s = v4("127.0.0.1"), d = v4("127.0.0.1");
	struct exporter *e;
	uint32_t exp, gap;
	int isnew;

	e = exporter_get(t, &s, &d, 100, &isnew);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(isnew, 1);
	/* The first datagram of a stream sets the expectation. */
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 500, 30, &exp, &gap),
			 EXP_SEQ_OK);
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 530, 30, &exp, &gap),
			 EXP_SEQ_OK);
	/* 10 flows missing. */
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 570, 30, &exp, &gap),
			 EXP_SEQ_LOST);
	ck_assert_uint_eq(exp, 560);
	ck_assert_uint_eq(gap, 10);
	ck_assert_uint_eq(e->lost, 10);
	/* 999 is still loss, 1000 a reset. */
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 600 + 999, 1, &exp, &gap),
			 EXP_SEQ_LOST);
	ck_assert_uint_eq(e->lost, 1009);
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 1600 + 1000, 1, &exp, &gap),
			 EXP_SEQ_RESET);
	ck_assert_uint_eq(e->resets, 1);
	ck_assert_uint_eq(e->lost, 1009);
	/* The new sequence is followed from where it jumped. */
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 2601, 1, &exp, &gap),
			 EXP_SEQ_OK);
	/* Found again, without creating. */
	ck_assert_ptr_eq(exporter_get(t, &s, &d, 200, &isnew), e);
	ck_assert_int_eq(isnew, 0);
	exporter_table_free(t);
}
END_TEST

/* As in the real flow-capture log: expecting 8, received 0 -> reset. */
START_TEST(test_restart_is_reset)
{
	struct exporter_table *t = exporter_table_new(1);
	struct exp_addr s = v4("127.0.0.1");
	struct exporter *e;
	uint32_t exp, gap;
	int isnew;

	e = exporter_get(t, &s, &s, 0, &isnew);
	exporter_seq(e, 5, 0, 0, 0, 8, &exp, &gap);
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 0, 8, &exp, &gap),
			 EXP_SEQ_RESET);
	ck_assert_uint_eq(exp, 8);
	ck_assert_uint_eq(gap, 4294967288u);
	exporter_table_free(t);
}
END_TEST

START_TEST(test_wrap)
{
	struct exporter_table *t = exporter_table_new(1);
	struct exp_addr s = v4("10.0.0.1");
	struct exporter *e;
	uint32_t exp, gap;
	int isnew;

	e = exporter_get(t, &s, &s, 0, &isnew);
	exporter_seq(e, 5, 0, 0, 0xfffffff0u, 30, &exp, &gap);
	/* 0xfffffff0 + 30 wraps to 14. */
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 14, 30, &exp, &gap),
			 EXP_SEQ_OK);
	ck_assert_int_eq(exporter_seq(e, 5, 0, 0, 50, 30, &exp, &gap),
			 EXP_SEQ_LOST);
	ck_assert_uint_eq(gap, 6);
	exporter_table_free(t);
}
END_TEST

START_TEST(test_engines_separate)
{
	struct exporter_table *t = exporter_table_new(1);
	struct exp_addr s = v4("10.0.0.1");
	struct exporter *e;
	uint32_t exp, gap;
	int isnew, i;

	e = exporter_get(t, &s, &s, 0, &isnew);
	exporter_seq(e, 5, 0, 1, 100, 10, &exp, &gap);
	exporter_seq(e, 5, 0, 2, 9000, 10, &exp, &gap);
	ck_assert_int_eq(exporter_seq(e, 5, 0, 1, 110, 10, &exp, &gap),
			 EXP_SEQ_OK);
	ck_assert_int_eq(exporter_seq(e, 5, 0, 2, 9010, 10, &exp, &gap),
			 EXP_SEQ_OK);
	/* Another version from the same source is its own stream too. */
	ck_assert_int_eq(exporter_seq(e, 7, 0, 1, 5, 10, &exp, &gap),
			 EXP_SEQ_OK);
	/* More engines than slots: tracking restarts, never overflows. */
	for (i = 0; i < 3 * EXPORTER_STREAMS; i++)
		ck_assert_int_eq(
		    exporter_seq(e, 5, 1, (uint8_t)(10 + i), 0, 1, &exp, &gap),
		    EXP_SEQ_OK);
	ck_assert_uint_le(e->nstreams, EXPORTER_STREAMS);
	ck_assert_uint_eq(e->lost, 0);
	ck_assert_uint_eq(e->resets, 0);
	exporter_table_free(t);
}
END_TEST

START_TEST(test_bounded)
{
	struct exporter_table *t = exporter_table_new(3);
	struct exp_addr d = v4("127.0.0.1"), s;
	struct sockaddr_in sin;
	int isnew, i, got = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	for (i = 0; i < 1000; i++) {
		sin.sin_addr.s_addr = htonl(0x0a000000 + (uint32_t)i);
		exp_addr_from_sa(&s, (struct sockaddr *)&sin);
		if (exporter_get(t, &s, &d, 0, &isnew) != NULL)
			got++;
	}
	ck_assert_int_eq(got, 3);
	ck_assert_uint_eq(exporter_count(t), 3);
	ck_assert_uint_eq(exporter_refused(t), 997);
	/* Admitted ones are still found when the table is full. */
	sin.sin_addr.s_addr = htonl(0x0a000001);
	exp_addr_from_sa(&s, (struct sockaddr *)&sin);
	ck_assert_ptr_nonnull(exporter_get(t, &s, &d, 0, &isnew));
	ck_assert_int_eq(isnew, 0);
	exporter_table_free(t);
}
END_TEST

static void
counter(struct exporter *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
}

START_TEST(test_foreach_and_dst)
{
	struct exporter_table *t = exporter_table_new(8);
	struct exp_addr s = v4("10.0.0.1"), d1 = v4("127.0.0.1"),
			d2 = v6("::1");
	int isnew, n = 0;

	ck_assert_ptr_ne(exporter_get(t, &s, &d1, 0, &isnew),
			 exporter_get(t, &s, &d2, 0, &isnew));
	exporter_foreach(t, counter, &n);
	ck_assert_int_eq(n, 2);
	exporter_table_free(t);
}
END_TEST

UNIT_MAIN_TESTS("collector_seq", 0, test_addr, test_in_order_and_gaps,
		test_restart_is_reset, test_wrap, test_engines_separate,
		test_bounded, test_foreach_and_dst)
