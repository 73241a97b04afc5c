/*
 * packet: from captured bytes to the fields a flow is keyed and counted by.
 *
 * packet_decode() is a pure function of (link type, bytes, caplen): it holds
 * no state, allocates nothing and reads nothing past caplen, so the sensor,
 * the unit tests and a fuzzer all call the very same code.  Link types are
 * chosen from a table (packet_linktype()); a link type that is not in the
 * table is refused when the capture is opened, never counted as "non-IP".
 */
#ifndef NFKIT_PACKET_H
#define NFKIT_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* What became of a packet; the sensor keeps one counter per value. */
enum packet_status {
	PACKET_IPV4 = 0, /* a valid IPv4 packet, *out filled in */
	PACKET_IPV6,	 /* a valid IPv6 packet, *out filled in */
	PACKET_NONIP, /* link layer fine, but no IP directly on it (ARP, LLC) */
	PACKET_MPLS,  /* MPLS-labelled, but no IP under the labels */
	PACKET_SHORT, /* link or IP header cut off by caplen */
	PACKET_BADHDR, /* IP header invalid: version, IHL, total length */
	PACKET_NSTATUS
};

/* The decoded packet.  Addresses keep network byte order. */
struct packet_info {
	uint8_t src[16]; /* IPv4 uses the first 4 bytes */
	uint8_t dst[16];
	uint32_t bytes;	   /* IPv4 total length; IPv6 payload + 40 */
	uint16_t sport;	   /* 0 if not TCP/UDP or unreadable */
	uint16_t dport;	   /* ICMP: type * 256 + code */
	uint16_t vlan;	   /* outermost 802.1Q VLAN id, 0 = none */
	uint8_t af;	   /* 4 or 6 */
	uint8_t proto;	   /* transport protocol (after IPv6 ext) */
	uint8_t tos;	   /* IPv4 ToS / IPv6 traffic class */
	uint8_t tcp_flags; /* TCP flags byte, 0 if unreadable */
	uint8_t frag;	   /* 1 if a fragment (MF or offset > 0) */
	uint8_t l4cut;	   /* 1 if the transport header was cut */
	uint8_t mpls;	   /* 1 if found under MPLS labels */
	/*
	 * The frame's Ethernet header (destination MAC, then source MAC,
	 * both within caplen), or NULL for link types without MACs.  A
	 * pointer, not a copy: copying 12 bytes cost every packet about 8
	 * instructions, wanted only with -T ether.
	 */
	const uint8_t *ether;
};

struct linktype;

/* The table entry for a pcap_datalink() value, or NULL if unsupported. */
const struct linktype *packet_linktype(int dlt);
const char *packet_linktype_name(const struct linktype *);
/* The names of all supported link types, for an error message. */
const char *packet_linktype_names(void);

enum packet_status packet_decode(const struct linktype *, const uint8_t *bytes,
				 size_t caplen, struct packet_info *out);
const char *packet_status_name(enum packet_status);

#endif
