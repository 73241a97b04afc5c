/*
 * ipfix: NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) messages on the wire,
 * as nfkit exports them.
 *
 * The two protocols share their shape: a header, then sets of records,
 * each set a 4-byte header (set id, length) and records described by a
 * template.  They differ in the header (v9: 20 bytes with a record count
 * and sysUptime; IPFIX: 16 bytes with a message length), in the set ids of
 * templates, in the options template layout and in what the sequence
 * number counts.  This module holds the numbers both sides need (header
 * layouts, set ids, the Information Element numbers we use, our template
 * ids and the field lists of our templates) and the encoder; the sensor
 * encodes with it and the collector's decoder reads the same constants.
 *
 * Our templates have fixed-length fields only, so a record's length is
 * known from the template alone:
 *
 *   IPv4 (template 256)  IPv6 (template 257)
 *   sourceIPv4Address(8)/4          sourceIPv6Address(27)/16
 *   destinationIPv4Address(12)/4    destinationIPv6Address(28)/16
 *   then, in both: sourceTransportPort(7)/2, destinationTransportPort(11)/2
 *   (ICMP type * 256 + code, as in v5), protocolIdentifier(4)/1,
 *   ipClassOfService(5)/1 (ToS or traffic class), tcpControlBits(6)/1,
 *   ipVersion(60)/1, flowEndReason(136)/1, ingressInterface(10)/4,
 *   egressInterface(14)/4, packetDeltaCount(2)/8, octetDeltaCount(1)/8,
 *   then the times: IPFIX flowStartMilliseconds(152)/8 and
 *   flowEndMilliseconds(153)/8 (unix ms); v9 FIRST_SWITCHED(22)/4 and
 *   LAST_SWITCHED(21)/4 (ms of the header's sysUptime), and with VLAN
 *   keys last vlanId(58)/2; with Ethernet keys (which include the VLAN)
 *   then sourceMacAddress(56)/6 and destinationMacAddress(80)/6.
 *
 * Counters are 8 bytes in v9 too (RFC 3954 allows N bytes for IN_BYTES and
 * IN_PKTS): a flow of more than 4 GiB is then one record, not wrapped.
 *
 * Sampling is announced by an options template (258) and one record:
 * v9 scope System(1)/4 = source id, SAMPLING_INTERVAL(34)/4 = N,
 * SAMPLING_ALGORITHM(35)/1 = 1 (deterministic); IPFIX scope
 * observationDomainId(149)/4, samplingPacketInterval(305)/4 = 1 and
 * samplingPacketSpace(306)/4 = N - 1 (one packet taken, N - 1 skipped).
 *
 * Every set is padded with zeros to a multiple of 4 bytes, which both
 * RFCs allow (the padding is shorter than any record, so a decoder cannot
 * mistake it for one).
 */
#ifndef NFKIT_IPFIX_H
#define NFKIT_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#define NF9_VERSION 9
#define IPFIX_VERSION 10

#define NF9_HDRLEN 20	/* version, count, uptime, secs, seq, source id */
#define IPFIX_HDRLEN 16 /* version, length, time, seq, domain */
#define IPFIX_SETHDRLEN 4

/* Set ids. */
#define NF9_SET_TEMPLATE 0
#define NF9_SET_OPTIONS 1
#define IPFIX_SET_TEMPLATE 2
#define IPFIX_SET_OPTIONS 3
#define IPFIX_SET_MINDATA 256

/* Our template ids. */
#define IPFIX_TID_IPV4 256
#define IPFIX_TID_IPV6 257
#define IPFIX_TID_SAMPLING 258

/* Information Element numbers (IANA IPFIX registry; v9 field types). */
enum ipfix_ie {
	IPFIX_IE_OCTETS = 1,  /* octetDeltaCount, IN_BYTES */
	IPFIX_IE_PACKETS = 2, /* packetDeltaCount, IN_PKTS */
	IPFIX_IE_PROTO = 4,
	IPFIX_IE_TOS = 5, /* ipClassOfService, SRC_TOS */
	IPFIX_IE_TCPFLAGS = 6,
	IPFIX_IE_SPORT = 7,
	IPFIX_IE_SRC4 = 8,
	IPFIX_IE_INPUT = 10,
	IPFIX_IE_DPORT = 11,
	IPFIX_IE_DST4 = 12,
	IPFIX_IE_OUTPUT = 14,
	IPFIX_IE_LAST_UPTIME = 21,  /* LAST_SWITCHED, flowEndSysUpTime */
	IPFIX_IE_FIRST_UPTIME = 22, /* FIRST_SWITCHED */
	IPFIX_IE_SRC6 = 27,
	IPFIX_IE_DST6 = 28,
	IPFIX_IE_SAMPLING_INTERVAL = 34, /* v9 options */
	IPFIX_IE_SAMPLING_ALGORITHM = 35,
	IPFIX_IE_VLAN = 58,
	IPFIX_IE_SRC_MAC = 56, /* sourceMacAddress */
	IPFIX_IE_DST_MAC = 80, /* destinationMacAddress */
	IPFIX_IE_IPVERSION = 60,
	IPFIX_IE_END_REASON = 136,
	IPFIX_IE_DOMAIN = 149, /* observationDomainId */
	IPFIX_IE_START_MS = 152,
	IPFIX_IE_END_MS = 153,
	IPFIX_IE_SAMPLING_PACKET_INTERVAL = 305,
	IPFIX_IE_SAMPLING_PACKET_SPACE = 306,
	/* Used by the IPFIX files (ipfixfile.h). */
	IPFIX_IE_SRC4_MASK = 9,
	IPFIX_IE_DST4_MASK = 13,
	IPFIX_IE_NEXTHOP4 = 15,
	IPFIX_IE_SRC_AS = 16,
	IPFIX_IE_DST_AS = 17,
	IPFIX_IE_SRC6_MASK = 29,
	IPFIX_IE_DST6_MASK = 30,
	IPFIX_IE_ENGINE_TYPE = 38,
	IPFIX_IE_ENGINE_ID = 39,
	IPFIX_IE_FLOW_TOTAL = 42, /* exportedFlowRecordTotalCount */
	IPFIX_IE_NEXTHOP6 = 62,
	IPFIX_IE_EXPORTER4 = 130,
	IPFIX_IE_EXPORTER6 = 131,
	IPFIX_IE_START_SECS = 150,
	IPFIX_IE_END_SECS = 151,
	IPFIX_IE_IGNORED_PACKETS = 164, /* ignoredPacketTotalCount */
	IPFIX_IE_NOTSENT_FLOWS = 166,	/* notSentFlowTotalCount */
	/* Read by the collector's decoder (common/ipfixdec.c) too. */
	IPFIX_IE_BGP_NEXTHOP4 = 18,
	IPFIX_IE_ICMP4 = 32,	  /* icmpTypeCodeIPv4 */
	IPFIX_IE_SAMPLER_ID = 48, /* FLOW_SAMPLER_ID, samplerId */
	IPFIX_IE_SAMPLER_MODE = 49,
	IPFIX_IE_SAMPLER_INTERVAL = 50, /* samplerRandomInterval */
	IPFIX_IE_OCTETS_TOTAL = 85,
	IPFIX_IE_PACKETS_TOTAL = 86,
	IPFIX_IE_ICMP6 = 139,	 /* icmpTypeCodeIPv6 */
	IPFIX_IE_START_US = 154, /* NTP format */
	IPFIX_IE_END_US = 155,
	IPFIX_IE_START_NS = 156, /* NTP format */
	IPFIX_IE_END_NS = 157,
	IPFIX_IE_START_DELTA_US = 158, /* before the export time */
	IPFIX_IE_END_DELTA_US = 159,
	IPFIX_IE_SYSINIT_MS = 160, /* systemInitTimeMilliseconds */
	IPFIX_IE_DURATION_MS = 161,
	IPFIX_IE_DURATION_US = 162,
	IPFIX_IE_VLAN_DOT1Q = 243, /* dot1qVlanId */
	IPFIX_IE_SELECTOR_ID = 302,
	IPFIX_IE_SELECTOR_ALGORITHM = 304,
	IPFIX_IE_FRAME_SECTION = 315, /* dataLinkFrameSection */
};

/* An IPFIX field specifier with this bit set is followed by a PEN. */
#define IPFIX_ENTERPRISE_BIT 0x8000
/* A template field length meaning "variable length" (RFC 7011 7). */
#define IPFIX_VARLEN 65535

/* v9 options scope type "System" (RFC 3954 6.1). */
#define NF9_SCOPE_SYSTEM 1

/* flowEndReason values (IANA). */
enum ipfix_end_reason {
	IPFIX_END_IDLE = 1,
	IPFIX_END_ACTIVE = 2,
	IPFIX_END_EOF = 3, /* end of flow detected (FIN, RST) */
	IPFIX_END_FORCED = 4,
	IPFIX_END_RESOURCES = 5,
};

/* One flow to export; addresses in network order, IPv4 in the first 4. */
struct ipfix_rec {
	uint64_t packets;
	uint64_t bytes;	  /* IP bytes */
	int64_t first_ms; /* unix ms of the first packet */
	int64_t last_ms;  /* unix ms of the last packet */
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t input; /* ifIndex */
	uint32_t output;
	uint16_t sport;
	uint16_t dport;	    /* ICMP: type * 256 + code */
	uint8_t src_mac[6]; /* only with Ethernet keys */
	uint8_t dst_mac[6];
	uint16_t vlan;
	uint8_t af; /* 4 or 6 */
	uint8_t proto;
	uint8_t tos; /* ToS or traffic class */
	uint8_t tcp_flags;
	uint8_t end_reason; /* enum ipfix_end_reason */
};

/* What one message carries besides its records. */
struct ipfix_msg {
	int version;	   /* NF9_VERSION or IPFIX_VERSION */
	int vlan;	   /* templates carry vlanId */
	int ether;	   /* templates carry both MAC addresses */
	int templates;	   /* include the data templates */
	uint32_t sampling; /* > 1: options template + record */
	int64_t now_ms;	   /* export time, unix ms */
	int64_t boot_ms;   /* sysUptime 0 (v9), unix ms */
	uint32_t sequence; /* see ipfix_encode() */
	uint32_t domain;   /* v9 source id / IPFIX domain */
};

/* Bytes of one data record of family af (4 or 6). */
size_t ipfix_reclen(int version, int vlan, int ether, int af);
/* Bytes of the header and the template and options sets of m. */
size_t ipfix_overhead(const struct ipfix_msg *m);
/* Bytes of a data set holding n records of length reclen (0 if n = 0). */
size_t ipfix_setlen(size_t n, size_t reclen);

/*
 * Encode one message: the header, the templates and the sampling options
 * if m asks for them, then one data set per family present in recs (IPv4
 * first, each in recs' order).  m->sequence goes into the header as is:
 * for v9 the count of export packets sent before, for IPFIX the count of
 * data records sent before (both mod 2^32), which the caller keeps.
 * Returns the length, or 0 if it would not fit in cap.  *nrecords, if not
 * NULL, gets the header's v9 record count (all records: templates,
 * options template, options record and data records).
 */
size_t ipfix_encode(const struct ipfix_msg *m, const struct ipfix_rec *recs,
		    size_t n, uint8_t *out, size_t cap, size_t *nrecords);

#endif
