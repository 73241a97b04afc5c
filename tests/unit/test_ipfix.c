/*
 * test_ipfix: the NetFlow v9 and IPFIX encoder against bytes written out
 * by hand from RFC 3954 and RFC 7011 (header layouts, set ids, template
 * records, options templates, padding to 4 bytes, the v9 count of all
 * records), record lengths, and the refusal of a message that does not
 * fit.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ipfix.h"
#include "unit.h"

#define T0 1700000000000LL

/* Hex digits (spaces and '|' ignored) to bytes; returns the count. */
static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == ' ' || *s == '|' || *s == '\n') {
			s++;
			continue;
		}
		ck_assert_int_eq(sscanf(s, "%2x", &v), 1);
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
assert_bytes(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[2048];
	size_t n = unhex(hex, want, sizeof(want)), i;

	ck_assert_uint_eq(len, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i],
			      "byte %zu: got %02x, want %02x", i, got[i],
			      want[i]);
}

/* The fields both templates share after the addresses, v9 or IPFIX. */
#define COMMON_FIELDS                                                          \
	"0007 0002 000b 0002 0004 0001 0005 0001 0006 0001 003c 0001 "         \
	"0088 0001 000a 0004 000e 0004 0002 0008 0001 0008 "

static struct ipfix_rec
rec4(void)
{
	struct ipfix_rec r;

	memset(&r, 0, sizeof(r));
	r.af = 4;
	memcpy(r.src, "\x0a\x00\x00\x01", 4);
	memcpy(r.dst, "\xc0\xa8\x00\x02", 4);
	r.sport = 1234;
	r.dport = 80;
	r.proto = 6;
	r.tos = 0x10;
	r.tcp_flags = 0x1b;
	r.end_reason = IPFIX_END_EOF;
	r.input = 2;
	r.packets = 5;
	r.bytes = 300;
	r.first_ms = T0 + 1000;
	r.last_ms = T0 + 2500;
	return r;
}

static struct ipfix_rec
rec6(void)
{
	struct ipfix_rec r;

	memset(&r, 0, sizeof(r));
	r.af = 6;
	r.src[0] = 0x20, r.src[1] = 0x01, r.src[2] = 0x0d, r.src[3] = 0xb8;
	r.src[15] = 1;
	memcpy(r.dst, r.src, 16);
	r.dst[15] = 2;
	r.sport = 0;
	r.dport = 128 * 256; /* ICMPv6 echo request, code 0 */
	r.proto = 58;
	r.end_reason = IPFIX_END_IDLE;
	r.input = 1;
	r.packets = 2;
	r.bytes = 152;
	r.first_ms = T0 + 1000;
	r.last_ms = T0 + 2500;
	return r;
}

START_TEST(ipfix_templates_and_ipv4)
{
	struct ipfix_msg m = {
	    .version = IPFIX_VERSION,
	    .templates = 1,
	    .now_ms = T0 + 123,
	    .boot_ms = T0 - 10000,
	    .sequence = 7,
	    .domain = 3,
	};
	struct ipfix_rec r = rec4();
	uint8_t out[2048];
	size_t len, nrec;

	len = ipfix_encode(&m, &r, 1, out, sizeof(out), &nrec);
	assert_bytes(
	    out, len,
	    /* header: version 10, length 212, export time, seq, domain */
	    "000a 00d4 6553f100 00000007 00000003"
	    /* template set (id 2), 132 bytes: 256 and 257, 15 fields each */
	    "| 0002 0084"
	    "| 0100 000f 0008 0004 000c 0004 " COMMON_FIELDS
	    "  0098 0008 0099 0008"
	    "| 0101 000f 001b 0010 001c 0010 " COMMON_FIELDS
	    "  0098 0008 0099 0008"
	    /* data set 256: 4 + 57 bytes, padded to 64 */
	    "| 0100 0040"
	    "  0a000001 c0a80002 04d2 0050 06 10 1b 04 03 00000002 00000000"
	    "  0000000000000005 000000000000012c"
	    "  0000018bcfe56be8 0000018bcfe571c4 000000");
	ck_assert_uint_eq(nrec, 3);
	ck_assert_uint_eq(len % 4, 0);
}
END_TEST

START_TEST(v9_templates_options_and_ipv6)
{
	struct ipfix_msg m = {
	    .version = NF9_VERSION,
	    .templates = 1,
	    .sampling = 100,
	    .now_ms = T0 + 123,
	    .boot_ms = T0 - 10000,
	    .sequence = 4,
	    .domain = 3,
	};
	struct ipfix_rec r = rec6();
	uint8_t out[2048];
	size_t len, nrec;

	len = ipfix_encode(&m, &r, 1, out, sizeof(out), &nrec);
	assert_bytes(
	    out, len,
	    /* header: version 9, count 5 (2 templates, options template,
	     * options record, 1 data record), uptime 10123, secs, seq, id */
	    "0009 0005 0000278b 6553f100 00000004 00000003"
	    "| 0000 0084"
	    "| 0100 000f 0008 0004 000c 0004 " COMMON_FIELDS
	    "  0016 0004 0015 0004"
	    "| 0101 000f 001b 0010 001c 0010 " COMMON_FIELDS
	    "  0016 0004 0015 0004"
	    /* options template set (id 1): 258, scope 4 bytes, options 8
	     * bytes; System/4, SAMPLING_INTERVAL/4, SAMPLING_ALGORITHM/1;
	     * 22 bytes padded to 24 */
	    "| 0001 0018 0102 0004 0008 0001 0004 0022 0004 0023 0001 0000"
	    /* options data: source id 3, interval 100, deterministic */
	    "| 0102 0010 00000003 00000064 01 000000"
	    /* data set 257: 4 + 73 bytes, padded to 80 */
	    "| 0101 0050"
	    "  20010db8000000000000000000000001"
	    "  20010db8000000000000000000000002"
	    "  0000 8000 3a 00 00 06 01 00000001 00000000"
	    "  0000000000000002 0000000000000098 00002af8 000030d4 000000");
	ck_assert_uint_eq(nrec, 5);
}
END_TEST

START_TEST(ipfix_sampling_options)
{
	struct ipfix_msg m = {
	    .version = IPFIX_VERSION,
	    .templates = 1,
	    .sampling = 100,
	    .now_ms = T0,
	    .boot_ms = T0,
	    .domain = 9,
	};
	uint8_t out[2048];
	size_t len, nrec;

	len = ipfix_encode(&m, NULL, 0, out, sizeof(out), &nrec);
	ck_assert_uint_eq(len, 16 + 132 + 24 + 16);
	ck_assert_uint_eq(nrec, 4);
	/* After the header and the template set: set 3, 24 bytes. */
	assert_bytes(
	    out + 16 + 132, 40,
	    "0003 0018 0102 0003 0001 0095 0004 0131 0004 0132 0004 0000"
	    /* domain 9; 1 packet taken, 99 skipped */
	    "| 0102 0010 00000009 00000001 00000063");
}
END_TEST

START_TEST(lengths_and_bounds)
{
	struct ipfix_msg m = {
	    .version = IPFIX_VERSION,
	    .now_ms = T0,
	    .boot_ms = T0,
	};
	struct ipfix_rec r[3] = {rec4(), rec6(), rec4()};
	uint8_t out[512];
	size_t len, nrec;

	ck_assert_uint_eq(ipfix_reclen(IPFIX_VERSION, 0, 0, 4), 57);
	ck_assert_uint_eq(ipfix_reclen(IPFIX_VERSION, 0, 0, 6), 81);
	ck_assert_uint_eq(ipfix_reclen(NF9_VERSION, 0, 0, 4), 49);
	ck_assert_uint_eq(ipfix_reclen(NF9_VERSION, 1, 0, 6), 75);
	ck_assert_uint_eq(ipfix_setlen(0, 57), 0);
	ck_assert_uint_eq(ipfix_setlen(2, 57), 120);
	/* IPv4 first, in order, then IPv6: sets of 120 and 88 bytes. */
	len = ipfix_encode(&m, r, 3, out, sizeof(out), &nrec);
	ck_assert_uint_eq(len, 16 + 120 + 88);
	ck_assert_uint_eq(nrec, 3);
	ck_assert_uint_eq(out[16] << 8 | out[17], IPFIX_TID_IPV4);
	ck_assert_uint_eq(out[16 + 120] << 8 | out[16 + 121], IPFIX_TID_IPV6);
	/* One byte short: nothing written. */
	ck_assert_uint_eq(ipfix_encode(&m, r, 3, out, len - 1, NULL), 0);
	m.version = 5;
	ck_assert_uint_eq(ipfix_encode(&m, r, 3, out, sizeof(out), NULL), 0);
}
END_TEST

START_TEST(vlan_field_last)
{
	struct ipfix_msg m = {
	    .version = IPFIX_VERSION,
	    .vlan = 1,
	    .now_ms = T0,
	};
	struct ipfix_rec r = rec4();
	uint8_t out[512];
	size_t len;

	r.vlan = 0x123;
	len = ipfix_encode(&m, &r, 1, out, sizeof(out), NULL);
	ck_assert_uint_eq(len, 16 + 4 + 59 + 1);
	ck_assert_uint_eq(out[16 + 4 + 57], 0x01);
	ck_assert_uint_eq(out[16 + 4 + 58], 0x23);
}
END_TEST

/*
 * -T ether: vlanId then sourceMacAddress (56) and destinationMacAddress
 * (80), 6 bytes each, after the times, in both templates; v9 uses the
 * same element ids (IN_SRC_MAC 56, IN_DST_MAC 80, RFC 3954).
 */
START_TEST(ether_template_and_record)
{
	struct ipfix_msg m = {
	    .version = IPFIX_VERSION,
	    .vlan = 1,
	    .ether = 1,
	    .templates = 1,
	    .now_ms = T0 + 123,
	    .sequence = 7,
	    .domain = 3,
	};
	struct ipfix_rec r = rec4();
	uint8_t out[2048];
	size_t len;

	r.vlan = 0x123;
	memcpy(r.src_mac, "\x00\x24\x7e\xe0\x1d\xb5", 6);
	memcpy(r.dst_mac, "\x00\x13\x7f\xbe\x8c\xff", 6);
	ck_assert_uint_eq(ipfix_reclen(IPFIX_VERSION, 1, 1, 4), 57 + 2 + 12);
	ck_assert_uint_eq(ipfix_reclen(NF9_VERSION, 1, 1, 6), 75 + 12);
	len = ipfix_encode(&m, &r, 1, out, sizeof(out), NULL);
	assert_bytes(
	    out, len,
	    /* header: version 10, length 248 */
	    "000a 00f8 6553f100 00000007 00000003"
	    /* template set, 156 bytes: 256 and 257, 18 fields each */
	    "| 0002 009c"
	    "| 0100 0012 0008 0004 000c 0004 " COMMON_FIELDS
	    "  0098 0008 0099 0008 003a 0002 0038 0006 0050 0006"
	    "| 0101 0012 001b 0010 001c 0010 " COMMON_FIELDS
	    "  0098 0008 0099 0008 003a 0002 0038 0006 0050 0006"
	    /* data set 256: 4 + 71 bytes, padded to 76 */
	    "| 0100 004c"
	    "  0a000001 c0a80002 04d2 0050 06 10 1b 04 03 00000002 00000000"
	    "  0000000000000005 000000000000012c"
	    "  0000018bcfe56be8 0000018bcfe571c4 0123"
	    "  00247ee01db5 00137fbe8cff 00");
	ck_assert_uint_eq(len % 4, 0);
}
END_TEST

UNIT_MAIN_TESTS("ipfix", 0, ipfix_templates_and_ipv4,
		v9_templates_options_and_ipv6, ipfix_sampling_options,
		lengths_and_bounds, vlan_field_last, ether_template_and_record)
