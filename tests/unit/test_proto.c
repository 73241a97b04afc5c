/*
 * Unit tests for common/proto.c: the one table of protocol and TCP flag
 * names that the sensor's statistics, the report filter and the report
 * printers share.
 *
 * The spellings checked here are the ones the golden files and users'
 * scripts read: the sensor prints "ipv6-icmp" and "proto-N", nfreport's
 * text formats print "ICMP6", and filters accept both keyword spellings.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "unit.h"

START_TEST(test_by_num)
{
	const struct proto_name *pn = proto_by_num(IPPROTO_ICMPV6);

	ck_assert_ptr_nonnull(pn);
	ck_assert_str_eq(pn->keyword, "ipv6-icmp");
	ck_assert_str_eq(pn->label, "ICMP6");
	ck_assert_str_eq(proto_by_num(IPPROTO_TCP)->label, "TCP");
	ck_assert_ptr_null(proto_by_num(240));
}
END_TEST

/* Every name a filter accepts can also be printed, and back. */
START_TEST(test_round_trip)
{
	uint8_t num;
	int p, named = 0;

	for (p = 0; p < 256; p++) {
		const struct proto_name *pn = proto_by_num((uint8_t)p);

		if (pn == NULL)
			continue;
		named++;
		ck_assert_ptr_nonnull(pn->label);
		ck_assert_int_eq(
		    proto_by_name(pn->keyword, strlen(pn->keyword), &num), 0);
		ck_assert_int_eq(num, p);
		if (pn->alias != NULL) {
			ck_assert_int_eq(
			    proto_by_name(pn->alias, strlen(pn->alias), &num),
			    0);
			ck_assert_int_eq(num, p);
		}
	}
	ck_assert_int_ge(named, 14);
	/* rsvp and vrrp: accepted by the filter, so the printer names them. */
	ck_assert_str_eq(proto_by_num(46)->label, "RSVP");
	ck_assert_str_eq(proto_by_num(112)->label, "VRRP");
}
END_TEST

START_TEST(test_by_name)
{
	uint8_t num = 0;

	ck_assert_int_eq(proto_by_name("ICMP6", 5, &num), 0);
	ck_assert_int_eq(num, IPPROTO_ICMPV6);
	/* Only len bytes count: "udpx" cut to three is "udp". */
	ck_assert_int_eq(proto_by_name("udpx", 3, &num), 0);
	ck_assert_int_eq(num, IPPROTO_UDP);
	num = 7;
	ck_assert_int_eq(proto_by_name("udpx", 4, &num), -1);
	ck_assert_int_eq(proto_by_name("", 0, &num), -1);
	ck_assert_int_eq(num, 7);
}
END_TEST

START_TEST(test_stats_name)
{
	char b[16];

	ck_assert_str_eq(proto_stats_name(IPPROTO_ICMPV6, b, sizeof(b)),
			 "ipv6-icmp");
	ck_assert_str_eq(proto_stats_name(IPPROTO_TCP, b, sizeof(b)), "tcp");
	/* Named in the table, but the sensor has always printed a number. */
	ck_assert_str_eq(proto_stats_name(IPPROTO_GRE, b, sizeof(b)),
			 "proto-47");
	ck_assert_str_eq(proto_stats_name(255, b, sizeof(b)), "proto-255");
}
END_TEST

START_TEST(test_tcpflags)
{
	int i;

	for (i = 0; i < PROTO_NTCPFLAGS; i++) {
		ck_assert_int_eq(proto_tcpflags[i].bit, 1 << i);
		ck_assert_int_eq(proto_tcpflag_bit(proto_tcpflags[i].letter),
				 1 << i);
	}
	ck_assert_int_eq(proto_tcpflag_bit('S'), TH_SYN);
	ck_assert_int_eq(proto_tcpflag_bit('X'), 0);
	ck_assert_int_eq(proto_tcpflag_bit('\0'), 0);
	ck_assert_str_eq(proto_tcpflags[3].name, "PUSH");
}
END_TEST

UNIT_MAIN_TESTS("proto", 0, test_by_num, test_round_trip, test_by_name,
		test_stats_name, test_tcpflags)
