/*
 * test_sensor_packet: the sensor's packet decoder on synthetic frames: every
 * link type in the table, VLAN tags, IPv4 options/fragments/bad headers, IPv6
 * extension headers, truncation at every length, and random bytes.  Each
 * input is copied into a buffer of exactly caplen bytes, so the sanitizer
 * build catches any read past the end.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "../../common/packet.h"
#include "sensor_pkt.h"
#include "unit.h"

static enum packet_status
dec(int dlt, const uint8_t *b, size_t len, struct packet_info *d)
{
	const struct linktype *lt = packet_linktype(dlt);
	uint8_t *copy;
	enum packet_status s;

	ck_assert_ptr_nonnull(lt);
	copy = malloc(len ? len : 1);
	memcpy(copy, b, len);
	s = packet_decode(lt, copy, len, d);
	free(copy);
	return s;
}

static size_t
v4(uint8_t *b, uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct pspec s = {.af = 4,
			  .proto = proto,
			  .src = 1,
			  .dst = 2,
			  .sport = sport,
			  .dport = dport,
			  .tos = 0x10,
			  .tcp_flags = 0x12,
			  .payload = 10};

	return pkt_build(b, &s);
}

START_TEST(ipv4_tcp_udp_icmp)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n;

	n = v4(b, 6, 1234, 80);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.af, 4);
	ck_assert_int_eq(d.proto, 6);
	ck_assert_int_eq(d.sport, 1234);
	ck_assert_int_eq(d.dport, 80);
	ck_assert_int_eq(d.tos, 0x10);
	ck_assert_int_eq(d.tcp_flags, 0x12);
	ck_assert_uint_eq(d.bytes, 20 + 20 + 10);
	ck_assert_int_eq(d.src[0], 10);
	ck_assert_int_eq(d.src[3], 1);
	ck_assert_int_eq(d.dst[3], 2);
	ck_assert_int_eq(d.frag, 0);
	ck_assert_int_eq(d.l4cut, 0);

	n = v4(b, 17, 53, 5353);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.sport, 53);
	ck_assert_int_eq(d.dport, 5353);
	ck_assert_int_eq(d.tcp_flags, 0);
	ck_assert_uint_eq(d.bytes, 20 + 8 + 10);

	/* ICMP: src port 0, dst port type * 256 + code. */
	n = v4(b, 1, 3, 3);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.sport, 0);
	ck_assert_int_eq(d.dport, 3 * 256 + 3);

	/* Other protocols: no ports. */
	n = v4(b, 89, 0, 0);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.proto, 89);
	ck_assert_int_eq(d.sport, 0);
	ck_assert_int_eq(d.dport, 0);
}
END_TEST

START_TEST(ipv4_bytes_from_header_not_frame)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n;

	/* Ethernet padding after the IP packet does not count. */
	n = v4(b, 6, 1, 2);
	memset(b + n, 0, 20);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n + 20, &d), PACKET_IPV4);
	ck_assert_uint_eq(d.bytes, n - 14);
	/* A total length beyond the frame is what the header says. */
	pkt_put16(b + 14 + 2, 1500);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_uint_eq(d.bytes, 1500);
	ck_assert_int_eq(d.sport, 1);
}
END_TEST

START_TEST(ipv4_bad_headers)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n;

	n = v4(b, 17, 1, 2);
	b[14] = 0x44; /* IHL 4 */
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_BADHDR);
	b[14] = 0x55; /* version 5 */
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_BADHDR);
	b[14] = 0x45;
	pkt_put16(b + 16, 19); /* total length < header */
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_BADHDR);
	/* Header cut: too short. */
	n = v4(b, 17, 1, 2);
	ck_assert_int_eq(dec(DLT_EN10MB, b, 14 + 19, &d), PACKET_SHORT);
	/* IHL 15 (60-byte header) in a 40-byte capture: too short. */
	b[14] = 0x4f;
	pkt_put16(b + 16, 100);
	ck_assert_int_eq(dec(DLT_EN10MB, b, 14 + 40, &d), PACKET_SHORT);
}
END_TEST

START_TEST(ipv4_options_skip_to_ports)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n;

	/* Build UDP behind a 24-byte header: move the UDP header by 4. */
	n = v4(b, 17, 4000, 5000);
	memmove(b + 14 + 24, b + 14 + 20, n - 34);
	memset(b + 14 + 20, 1, 4); /* NOP options */
	b[14] = 0x46;
	pkt_put16(b + 16, (uint16_t)(n - 14 + 4));
	ck_assert_int_eq(dec(DLT_EN10MB, b, n + 4, &d), PACKET_IPV4);
	ck_assert_int_eq(d.sport, 4000);
	ck_assert_int_eq(d.dport, 5000);
	ck_assert_uint_eq(d.bytes, n - 14 + 4);
}
END_TEST

START_TEST(ipv4_fragments)
{
	uint8_t b[2048];
	struct packet_info d;
	struct pspec s = pkt_udp(4, 7000, 7001, 100);
	size_t n;

	s.fragoff = 0x2000; /* first fragment: MF, offset 0 */
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.frag, 1);
	ck_assert_int_eq(d.sport, 7000);
	s.fragoff = 0x0010; /* last fragment, offset 128 */
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.frag, 1);
	ck_assert_int_eq(d.proto, 17);
	ck_assert_int_eq(d.sport, 0);
	ck_assert_int_eq(d.dport, 0);
	ck_assert_uint_eq(d.bytes, 120);
	s.fragoff = 0x4000; /* DF only: not a fragment */
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.frag, 0);
}
END_TEST

START_TEST(transport_cut_still_counts)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n;

	n = v4(b, 6, 1234, 80);
	/* 2 bytes of TCP: ports unreadable, the packet still counts. */
	ck_assert_int_eq(dec(DLT_EN10MB, b, 14 + 20 + 2, &d), PACKET_IPV4);
	ck_assert_int_eq(d.sport, 0);
	ck_assert_int_eq(d.dport, 0);
	ck_assert_int_eq(d.l4cut, 1);
	ck_assert_uint_eq(d.bytes, n - 14);
	/* Ports but no flags byte. */
	ck_assert_int_eq(dec(DLT_EN10MB, b, 14 + 20 + 8, &d), PACKET_IPV4);
	ck_assert_int_eq(d.sport, 1234);
	ck_assert_int_eq(d.tcp_flags, 0);
	ck_assert_int_eq(d.l4cut, 1);
}
END_TEST

START_TEST(every_truncation)
{
	uint8_t b[2048];
	struct packet_info d;
	enum packet_status s;
	size_t n, len;

	n = v4(b, 6, 1, 2);
	for (len = 0; len <= n; len++) {
		s = dec(DLT_EN10MB, b, len, &d);
		if (len < 14 + 20)
			ck_assert_int_eq(s, PACKET_SHORT);
		else
			ck_assert_int_eq(s, PACKET_IPV4);
	}
}
END_TEST

/* The Ethernet header is handed over; link types without MACs give NULL. */
START_TEST(ether_macs)
{
	uint8_t b[256];
	struct packet_info d;
	struct pspec s = {.af = 4, .proto = 17, .src = 1, .dst = 2};
	size_t n = pkt_build(b, &s);

	/* Not dec(): its copy of the bytes is freed before we look. */
	ck_assert_int_eq(packet_decode(packet_linktype(DLT_EN10MB), b, n, &d),
			 PACKET_IPV4);
	ck_assert_ptr_eq(d.ether, b);
	ck_assert_mem_eq(d.ether + 6, "\x02\0\0\0\0\x01", 6);
	ck_assert_int_eq(
	    packet_decode(packet_linktype(DLT_RAW), b + 14, n - 14, &d),
	    PACKET_IPV4);
	ck_assert_ptr_null(d.ether);
}
END_TEST

START_TEST(vlan_tags)
{
	uint8_t b[2048];
	struct packet_info d;
	struct pspec s = pkt_udp(4, 1, 2, 0);
	size_t n;

	s.vlan = 42;
	s.vlan_tags = 1;
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.vlan, 42);
	ck_assert_int_eq(d.dport, 2);
	s.vlan_tags = 2; /* QinQ */
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.vlan, 42);
	b[12] = 0x88; /* 802.1ad outer tag */
	b[13] = 0xa8;
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	/* More tags than the bound: not IP, and no overrun. */
	s.vlan_tags = 9;
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_NONIP);
	/* A tag cut off. */
	s.vlan_tags = 1;
	ck_assert_int_eq(dec(DLT_EN10MB, b, 16, &d), PACKET_SHORT);
}
END_TEST

START_TEST(ether_nonip)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n;

	n = v4(b, 6, 1, 2);
	pkt_put16(b + 12, 0x0806); /* ARP */
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_NONIP);
	pkt_put16(b + 12, 0x0040); /* 802.3 length: LLC */
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_NONIP);
	ck_assert_int_eq(dec(DLT_EN10MB, b, 13, &d), PACKET_SHORT);
}
END_TEST

/*
 * Rewrites the frame in b (built by pkt_build, ethertype at vlan_tags * 4
 * + 12) as MPLS: `labels` label entries, the last with the bottom-of-stack
 * bit unless bos is 0, between the ethertype and the IP header.
 */
static size_t
mpls_wrap(uint8_t *b, size_t n, int vlan_tags, int labels, int bos,
	  uint16_t type)
{
	uint8_t tmp[2048];
	size_t at = 12 + 4 * (size_t)vlan_tags, ip = at + 2;
	int i;

	memcpy(tmp, b + ip, n - ip);
	pkt_put16(b + at, type);
	for (i = 0; i < labels; i++) {
		uint8_t *e = b + ip + 4 * i;

		e[0] = 0x01; /* label 0x01000 + i */
		e[1] = 0x00;
		e[2] = (uint8_t)(i << 4 | ((bos && i == labels - 1) ? 1 : 0));
		e[3] = 64; /* TTL */
	}
	memcpy(b + ip + 4 * labels, tmp, n - ip);
	return n + 4 * (size_t)labels;
}

START_TEST(mpls_ip)
{
	uint8_t b[2048];
	struct packet_info d;
	struct pspec s6 = pkt_udp(6, 53, 4000, 20);
	struct pspec sv = pkt_udp(4, 1, 2, 0);
	size_t n;

	sv.vlan = 42;
	sv.vlan_tags = 1;
	/* One label, IPv4: the flow fields as without the label. */
	n = mpls_wrap(b, v4(b, 6, 1234, 80), 0, 1, 1, 0x8847);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.mpls, 1);
	ck_assert_int_eq(d.sport, 1234);
	ck_assert_int_eq(d.dport, 80);
	ck_assert_int_eq(d.bytes, 20 + 20 + 10);
	ck_assert_int_eq(d.tcp_flags, 0x12);
	ck_assert_int_eq(d.tos, 0x10);
	/* Multicast MPLS, three labels, IPv6. */
	n = mpls_wrap(b, pkt_build(b, &s6), 0, 3, 1, 0x8848);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV6);
	ck_assert_int_eq(d.mpls, 1);
	ck_assert_int_eq(d.dport, 4000);
	ck_assert_int_eq(d.bytes, 40 + 8 + 20);
	/* Under a VLAN tag: the VLAN id is kept. */
	n = mpls_wrap(b, pkt_build(b, &sv), 1, 2, 1, 0x8847);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.vlan, 42);
	ck_assert_int_eq(d.dport, 2);
	/* Exactly the bound of eight labels still decodes. */
	n = mpls_wrap(b, v4(b, 17, 1, 2), 0, 8, 1, 0x8847);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	/* Without IP directly under the labels, d.mpls stays 0. */
	n = v4(b, 17, 1, 2);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV4);
	ck_assert_int_eq(d.mpls, 0);
}
END_TEST

START_TEST(mpls_not_ip)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t n, i;

	/* No bottom of stack within eight labels: not followed. */
	n = mpls_wrap(b, v4(b, 6, 1, 2), 0, 9, 1, 0x8847);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_MPLS);
	n = mpls_wrap(b, v4(b, 6, 1, 2), 0, 8, 0, 0x8847);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_MPLS);
	/* An Ethernet pseudowire: zero control word, then a frame. */
	n = v4(b, 6, 1, 2);
	memmove(b + 14 + 4 + 4, b, n);
	pkt_put16(b + 12, 0x8847);
	memcpy(b + 14, "\x00\x01\x01\x40", 4); /* label 16, BoS */
	memset(b + 18, 0, 4);		       /* control word */
	n += 14 + 4 + 4;
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_MPLS);
	ck_assert_int_eq(d.mpls, 0);
	/* Every cut of a labelled frame: short, never an overrun. */
	n = mpls_wrap(b, v4(b, 6, 1, 2), 0, 3, 1, 0x8847);
	for (i = 14; i < 14 + 12 + 1; i++)
		ck_assert_int_eq(dec(DLT_EN10MB, b, i, &d), PACKET_SHORT);
	for (; i <= n; i++)
		dec(DLT_EN10MB, b, i, &d);
}
END_TEST

START_TEST(ipv6_plain_and_ext)
{
	uint8_t b[2048];
	struct packet_info d;
	struct pspec s = pkt_udp(6, 547, 546, 12);
	size_t n;

	s.tos = 0xb8;
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV6);
	ck_assert_int_eq(d.af, 6);
	ck_assert_int_eq(d.proto, 17);
	ck_assert_int_eq(d.sport, 547);
	ck_assert_int_eq(d.tos, 0xb8);
	ck_assert_uint_eq(d.bytes, 40 + 8 + 12);
	ck_assert_int_eq(d.src[0], 0xfd);
	ck_assert_int_eq(d.src[15], 1);

	s.v6hbh = 1;
	s.v6frag = 1;
	s.v6fragoff = 1; /* first fragment, M set */
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV6);
	ck_assert_int_eq(d.proto, 17);
	ck_assert_int_eq(d.sport, 547);
	ck_assert_int_eq(d.frag, 1);
	ck_assert_uint_eq(d.bytes, 40 + 16 + 8 + 12);

	s.v6fragoff = 0x0100; /* non-first fragment */
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV6);
	ck_assert_int_eq(d.proto, 17);
	ck_assert_int_eq(d.sport, 0);
	ck_assert_int_eq(d.frag, 1);

	/* Extension header cut: still counted, protocol where it stopped. */
	s.v6fragoff = 1;
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, 14 + 40 + 1, &d), PACKET_IPV6);
	ck_assert_int_eq(d.l4cut, 1);
	ck_assert_uint_eq(d.bytes, 40 + 16 + 8 + 12);
	ck_assert_int_eq(dec(DLT_EN10MB, b, 14 + 39, &d), PACKET_SHORT);
	/* ICMPv6 type/code. */
	memset(&s, 0, sizeof(s));
	s.af = 6;
	s.proto = 58;
	s.sport = 128;
	n = pkt_build(b, &s);
	ck_assert_int_eq(dec(DLT_EN10MB, b, n, &d), PACKET_IPV6);
	ck_assert_int_eq(d.dport, 128 * 256);
}
END_TEST

START_TEST(ipv6_ext_chain_bounded)
{
	uint8_t b[2048];
	struct packet_info d;
	size_t i;

	/* 20 destination-options headers in a row: the walk stops. */
	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	pkt_put16(b + 4, 20 * 8);
	b[6] = 60;
	for (i = 0; i < 20; i++) {
		b[40 + i * 8] = 60;
		b[40 + i * 8 + 1] = 0;
	}
	ck_assert_int_eq(dec(229, b, 40 + 160, &d), PACKET_IPV6);
	ck_assert_int_eq(d.l4cut, 1);
	ck_assert_uint_eq(d.bytes, 200);
}
END_TEST

START_TEST(other_link_types)
{
	uint8_t b[2048], f[2048];
	struct packet_info d;
	size_t n, ip;
	static const uint32_t v6afs[] = {10, 24, 28, 30};
	struct pspec s6 = {.af = 6, .proto = 17, .sport = 1, .dport = 2};

	n = v4(b, 17, 11, 22);
	ip = n - 14;
	/* DLT_NULL, host order little-endian and big-endian. */
	memcpy(f + 4, b + 14, ip);
	f[0] = 2;
	f[1] = f[2] = f[3] = 0;
	ck_assert_int_eq(dec(DLT_NULL, f, ip + 4, &d), PACKET_IPV4);
	ck_assert_int_eq(d.dport, 22);
	f[0] = 0;
	f[3] = 2;
	ck_assert_int_eq(dec(DLT_NULL, f, ip + 4, &d), PACKET_IPV4);
	ck_assert_int_eq(dec(DLT_LOOP, f, ip + 4, &d), PACKET_IPV4);
	f[3] = 7;
	ck_assert_int_eq(dec(DLT_NULL, f, ip + 4, &d), PACKET_NONIP);
	ck_assert_int_eq(dec(DLT_NULL, f, 3, &d), PACKET_SHORT);
	/* Every BSD value of AF_INET6. */
	n = pkt_build(b, &s6);
	memcpy(f + 4, b + 14, n - 14);
	for (size_t i = 0; i < 4; i++) {
		memset(f, 0, 4);
		f[0] = (uint8_t)v6afs[i];
		ck_assert_int_eq(dec(DLT_NULL, f, n - 14 + 4, &d), PACKET_IPV6);
	}
	/* Raw IP, IPv4-only and IPv6-only link types. */
	n = v4(b, 17, 11, 22);
	ck_assert_int_eq(dec(DLT_RAW, b + 14, ip, &d), PACKET_IPV4);
	ck_assert_int_eq(dec(101, b + 14, ip, &d), PACKET_IPV4);
	ck_assert_int_eq(dec(228, b + 14, ip, &d), PACKET_IPV4);
	ck_assert_int_eq(dec(DLT_RAW, b + 14, 0, &d), PACKET_SHORT);
	b[14] = 0x75;
	ck_assert_int_eq(dec(DLT_RAW, b + 14, ip, &d), PACKET_BADHDR);
	n = pkt_build(b, &s6);
	ck_assert_int_eq(dec(DLT_RAW, b + 14, n - 14, &d), PACKET_IPV6);
	ck_assert_int_eq(dec(229, b + 14, n - 14, &d), PACKET_IPV6);
	/* Linux cooked v1: 16-byte header, protocol at 14. */
	n = v4(b, 17, 11, 22);
	memset(f, 0, 16);
	pkt_put16(f + 14, 0x0800);
	memcpy(f + 16, b + 14, ip);
	ck_assert_int_eq(dec(DLT_LINUX_SLL, f, ip + 16, &d), PACKET_IPV4);
	ck_assert_int_eq(dec(DLT_LINUX_SLL, f, 15, &d), PACKET_SHORT);
	/* Linux cooked v2: 20-byte header, protocol at 0. */
	memset(f, 0, 20);
	pkt_put16(f, 0x0800);
	memcpy(f + 20, b + 14, ip);
	ck_assert_int_eq(dec(276, f, ip + 20, &d), PACKET_IPV4);
	ck_assert_int_eq(d.dport, 22);
	ck_assert_int_eq(dec(276, f, 19, &d), PACKET_SHORT);
	/* PPP with and without address/control. */
	f[0] = 0xff;
	f[1] = 0x03;
	pkt_put16(f + 2, 0x0021);
	memcpy(f + 4, b + 14, ip);
	ck_assert_int_eq(dec(DLT_PPP, f, ip + 4, &d), PACKET_IPV4);
	pkt_put16(f + 2, 0xc021); /* LCP */
	ck_assert_int_eq(dec(DLT_PPP, f, ip + 4, &d), PACKET_NONIP);
}
END_TEST

START_TEST(unsupported_link_types)
{
	ck_assert_ptr_null(packet_linktype(105)); /* 802.11 */
	ck_assert_ptr_null(packet_linktype(127)); /* radiotap */
	ck_assert_ptr_null(packet_linktype(-1));
	ck_assert_ptr_nonnull(packet_linktype(DLT_EN10MB));
	ck_assert_str_eq(packet_status_name(PACKET_BADHDR), "bad-header");
	ck_assert_str_eq(packet_status_name((enum packet_status)99), "unknown");
}
END_TEST

START_TEST(random_bytes_never_overrun)
{
	static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, 276, DLT_NULL,
				   DLT_LOOP,   DLT_RAW,	      101, 228,
				   229,	       DLT_PPP};
	uint8_t b[256];
	struct packet_info d;
	unsigned seed = 12345;
	size_t i, j, len;

	for (i = 0; i < 200000; i++) {
		len = (size_t)(rand_r(&seed) % 120);
		for (j = 0; j < len; j++)
			b[j] = (uint8_t)rand_r(&seed);
		/* Bias towards IP so the deeper code runs too. */
		if (len > 14 && (i & 1)) {
			b[12] = 0x08;
			b[13] = 0x00;
			b[14] = 0x45;
		}
		if (len > 14 && (i & 2)) {
			b[12] = 0x86;
			b[13] = 0xdd;
			b[14] = 0x60;
		}
		(void)dec(dlts[i % (sizeof(dlts) / sizeof(dlts[0]))], b, len,
			  &d);
	}
}
END_TEST

UNIT_MAIN_TESTS("decode", 60, ipv4_tcp_udp_icmp,
		ipv4_bytes_from_header_not_frame, ipv4_bad_headers,
		ipv4_options_skip_to_ports, ipv4_fragments,
		transport_cut_still_counts, every_truncation, vlan_tags,
		ether_macs, ether_nonip, mpls_ip, mpls_not_ip,
		ipv6_plain_and_ext, ipv6_ext_chain_bounded, other_link_types,
		unsupported_link_types, random_bytes_never_overrun)
