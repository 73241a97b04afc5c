/*
 * stats: the sensor's counters and their two renderings, text for people
 * (the lines softflowctl users know) and JSON for programs.  Scalar fields
 * come from one table, so the two renderings cannot drift apart.
 */
#ifndef NFKIT_STATS_H
#define NFKIT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "expiry.h"

struct export;
struct outbuf;

struct sensor_stats {
	uint64_t packets;		  /* handed to the meter */
	uint64_t sampled_out;		  /* skipped by -s sampling */
	uint64_t not_gathered;		  /* read during stop-gather */
	uint64_t decoded[PACKET_NSTATUS]; /* by decode status */
	uint64_t fragments;		  /* IPv4/IPv6 fragments */
	uint64_t l4cut;			  /* transport header cut off */
	uint64_t clock_backwards;	  /* timestamp before the clock */
	uint64_t flows_created;
	uint64_t expired[EXR_N];       /* by reason */
	uint64_t v4_packets, v4_bytes; /* counted into flows */
	uint64_t v6_packets, v6_bytes;
	uint64_t mpls_ip;	   /* of those, under MPLS labels */
	uint64_t v6_flows;	   /* expired IPv6 flows */
	uint64_t proto_flows[256]; /* expired flows by protocol */
	uint64_t proto_packets[256];
	uint64_t proto_bytes[256];
};

/* Everything one statistics report shows. */
struct stats_view {
	const struct sensor_stats *st;
	const struct export *ex; /* NULL: no export */
	uint32_t active_flows;
	uint32_t max_flows;  /* -m, conversations */
	uint32_t max_oneway; /* one-way flows it holds */
	size_t memory;	     /* flow table bytes */
	int have_pcap;	     /* pcap_stats() worked */
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop;
	int64_t boot_ms;    /* first packet, unix ms */
	int64_t now_ms;	    /* sensor clock */
	const char *source; /* interface or file */
	int have_ctl;	    /* a control socket is open */
	uint64_t ctl_accepted, ctl_evicted, ctl_refused;
	uint64_t ctl_timedout, ctl_malformed;
};

uint64_t stats_expired_total(const struct sensor_stats *);
void stats_render(struct outbuf *, const struct stats_view *, int json);

#endif
