/*
 * flowrec: the one flow record every nfkit program speaks.
 *
 * It holds what a NetFlow v5 record and a flow-tools fts3rec_v5 record can
 * carry, with 64-bit counters and absolute times so that no program has to
 * know about sysUptime arithmetic.  The export-header fields (unix_secs,
 * unix_nsecs, sys_uptime) are kept too, so that a record read from a
 * flow-tools file and written again comes out bit for bit the same.
 */
#ifndef NFKIT_FLOWREC_H
#define NFKIT_FLOWREC_H

#include <stdint.h>

struct flowrec {
	uint64_t packets;    /* packets in the flow */
	uint64_t bytes;	     /* IP bytes (IP total length summed) */
	int64_t first_ms;    /* unix time of first packet, ms */
	int64_t last_ms;     /* unix time of last packet, ms */
	uint32_t srcaddr;    /* IPv4, host byte order (af 4) */
	uint32_t dstaddr;    /* IPv4, host byte order (af 4) */
	uint32_t nexthop;    /* IPv4, host byte order (af 4) */
	uint32_t exaddr;     /* exporter IPv4, host order; 0 = unknown */
	uint32_t unix_secs;  /* export header time base, seconds */
	uint32_t unix_nsecs; /* export header time base, nanoseconds */
	uint32_t sys_uptime; /* export header sysUptime, ms */
	uint32_t input;	     /* input ifIndex */
	uint32_t output;     /* output ifIndex */
	uint32_t src_as;
	uint32_t dst_as;
	uint32_t obs_domain; /* IPFIX observation domain, v9 source id */
	uint32_t sampling;   /* 1 in N packets sampled; 0 = unknown */
	uint16_t srcport;
	uint16_t dstport; /* ICMP: type * 256 + code */
	uint16_t vlan;	  /* IEEE 802.1Q VLAN id; 0 = none */
	uint8_t proto;
	uint8_t tos;
	uint8_t tcp_flags; /* OR of all TCP flags seen */
	uint8_t src_mask;
	uint8_t dst_mask;
	uint8_t engine_type;
	uint8_t engine_id;
	uint8_t af;	    /* 6: IPv6 (src6...); 0 or 4: IPv4 */
	uint8_t exaf;	    /* 6: exaddr6 holds the exporter */
	uint8_t end_reason; /* IPFIX flowEndReason (IE 136) */
	/*
	 * IPv6 addresses, network byte order, used when af (exaf) is 6.
	 * They come last so that the fields every report reads stay in the
	 * record's first two cache lines.
	 */
	uint8_t src6[16];
	uint8_t dst6[16];
	uint8_t nexthop6[16];
	uint8_t exaddr6[16];
};

/*
 * Address families of af and exaf.  A zeroed record is IPv4, so that every
 * producer written before IPv6 existed (v5, ft files) stays correct.
 */
#define FLOWREC_AF_INET 4
#define FLOWREC_AF_INET6 6

static inline int
flowrec_is_v6(const struct flowrec *r)
{
	return r->af == FLOWREC_AF_INET6;
}

/* A 32-bit field (ifIndex, AS) narrowed for a 16-bit v5 slot: saturated. */
static inline uint16_t
flowrec_sat16(uint32_t v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* TCP flag bits as in the TCP header and NetFlow. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PUSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20

/*
 * How many ms a sysUptime stamp lies before the header's sys_uptime: the
 * 32-bit counter's difference taken modulo 2^32, in (-2^31, 2^31], so a
 * stamp from before an uptime wrap is before the header and not 49.7 days
 * after it.  Inline because the file reader's hot loop uses it per record;
 * every decoder of sysUptime-relative times (v5, flow-tools files, v9)
 * must use this or flowrec_abs_ms(), never its own subtraction.
 */
static inline int64_t
flowrec_uptime_back(uint32_t sys_uptime, uint32_t stamp)
{
	int64_t back = (int64_t)(uint32_t)(sys_uptime - stamp);

	return back > INT64_C(0x80000000) ? back - INT64_C(0x100000000) : back;
}

/* Milliseconds of the export header time base (unix_secs, unix_nsecs). */
int64_t flowrec_base_ms(uint32_t unix_secs, uint32_t unix_nsecs);
/*
 * Absolute ms of an uptime-relative stamp (First/Last):
 * base_ms - flowrec_uptime_back(sys_uptime, stamp).
 */
int64_t flowrec_abs_ms(uint32_t unix_secs, uint32_t unix_nsecs,
		       uint32_t sys_uptime, uint32_t stamp);
/* The inverse: the uptime-relative stamp (mod 2^32) of absolute ms. */
uint32_t flowrec_rel_ms(const struct flowrec *, int64_t abs_ms);

#endif
