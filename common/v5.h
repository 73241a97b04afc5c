/*
 * v5: NetFlow version 5 datagrams on the wire.
 *
 * A datagram is a 24-byte header followed by 1..30 records of 48 bytes, all
 * in network byte order.  The decoder is strict: version, count and exact
 * length are checked before any record is looked at, and the reason for a
 * rejection is returned so the collector can count it.
 */
#ifndef NFKIT_V5_H
#define NFKIT_V5_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define V5_HDRLEN 24
#define V5_RECLEN 48
#define V5_MAXRECS 30
#define V5_MAXLEN (V5_HDRLEN + V5_MAXRECS * V5_RECLEN) /* 1464 */

struct v5_header {
	uint16_t version;    /* 5 */
	uint16_t count;	     /* records that follow, 1..30 */
	uint32_t sys_uptime; /* ms since the exporter booted */
	uint32_t unix_secs;
	uint32_t unix_nsecs;
	uint32_t flow_sequence; /* flows exported before this datagram */
	uint8_t engine_type;
	uint8_t engine_id;
	uint16_t sampling; /* top 2 bits mode, low 14 bits interval */
};

struct v5_record {
	uint32_t srcaddr, dstaddr, nexthop; /* host byte order */
	uint16_t input, output;
	uint32_t packets, octets;
	uint32_t first, last; /* sysUptime ms */
	uint16_t srcport, dstport;
	uint8_t tcp_flags, proto, tos;
	uint16_t src_as, dst_as;
	uint8_t src_mask, dst_mask;
};

enum v5_status {
	V5_OK = 0,
	V5_ESHORT,   /* shorter than a header */
	V5_EVERSION, /* version field is not 5 */
	V5_ECOUNT,   /* count is 0 or above 30 */
	V5_ELENGTH,  /* length is not 24 + 48 * count */
	V5_NSTATUS
};

/*
 * Decode buf[0..len) into *h and recs[0..h->count).  recs must hold
 * V5_MAXRECS entries.  Returns V5_OK or the reason for rejection.
 */
enum v5_status v5_decode(const void *buf, size_t len, struct v5_header *h,
			 struct v5_record *recs);
const char *v5_strerror(enum v5_status);

/*
 * Encode a header and h->count records into out.  Returns the datagram
 * length, or 0 if count is out of range or cap is too small.
 */
size_t v5_encode(const struct v5_header *h, const struct v5_record *recs,
		 void *out, size_t cap);

/* Wire record + its datagram header + exporter address -> flowrec. */
void v5_to_flowrec(const struct v5_header *, const struct v5_record *,
		   uint32_t exaddr, struct flowrec *);
/*
 * flowrec -> wire record, with First/Last made relative to the header's
 * time base.  Counters above 2^32-1 are clamped.
 */
void v5_from_flowrec(const struct flowrec *, const struct v5_header *,
		     struct v5_record *);

/*
 * The header's sampling field for "1 in rate packets": mode 01 (packet
 * interval) in the top 2 bits, the rate in the low 14; 0 (no sampling)
 * for a rate of 0 or 1, and the largest interval, 16383, for any rate
 * above it.
 */
uint16_t v5_sampling_field(uint32_t rate);

#endif
