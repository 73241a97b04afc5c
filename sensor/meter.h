/*
 * meter: packets in, flows out.  The metering process that ties the
 * decoder, the flow table, expiry and export together.
 *
 * The meter's clock is the packet clock: it starts at the first packet's
 * timestamp and never runs backwards (a packet stamped earlier than the
 * clock is counted at the clock and noted in clock_backwards).  In live
 * mode meter_tick() moves it on when no packets arrive.
 */
#ifndef NFKIT_METER_H
#define NFKIT_METER_H

#include <stdint.h>
#include <sys/time.h>

#include "packet.h"
#include "expiry.h"
#include "stats.h"

struct export;
struct flow;
struct flowtable;
struct outbuf;

/* -T: what identifies a flow. */
enum meter_key {
	KEY_FULL = 0, /* addresses, ports, protocol, ToS */
	KEY_PROTO,    /* addresses and protocol */
	KEY_IP,	      /* addresses only */
	KEY_VLAN,     /* full + VLAN id */
	KEY_ETHER,    /* vlan + source and destination MAC (IPv4 only) */
	KEY_N
};

/* One-way flows in the table per -m conversation. */
#define METER_ONEWAY_PER_FLOW 2
/* The largest -m: its one-way flows must fit flowtable_new()'s bound. */
#define METER_MAX_FLOWS (1U << 29)

struct meter_config {
	/*
	 * -m: conversations, as softflowd counts them.  One softflowd flow
	 * holds both directions of a 5-tuple; ours are one-way, so the table
	 * holds up to METER_ONEWAY_PER_FLOW x max_flows of them.
	 */
	uint32_t max_flows;
	struct timeouts to; /* -t */
	enum meter_key key; /* -T */
	uint32_t sample;    /* -s: 1 in N packets; 0, 1 = all */
	uint16_t ifindex;   /* input ifIndex of exported flows */
	uint8_t seed[16];   /* hash key */
};

struct meter;

/* ex may be NULL (statistics only).  NULL if the table cannot be made. */
struct meter *meter_new(const struct meter_config *, struct export *);
void meter_free(struct meter *);
/* -1 if the -T name is unknown. */
int meter_parse_key(const char *, enum meter_key *);
const char *meter_key_names(void);

void meter_set_linktype(struct meter *, const struct linktype *);
/*
 * One packet: decoded and counted now, its flow found or created and
 * added to at the latest by the next meter_flush() (a batch of packets'
 * lookups overlap their cache misses).  Until then the flow table and
 * flows_created do not show it; every other function here that reads or
 * changes the table flushes first, and so does a packet at which expiry
 * is due, so what is exported is the same as one packet at a time.
 * bytes need only last for the call.
 */
void meter_queue(struct meter *, const struct timeval *ts, const uint8_t *bytes,
		 uint32_t caplen);
void meter_flush(struct meter *);
/*
 * One packet, all done (after what is queued).  From a file, where the
 * table stays in the cache, this is faster than the batch.
 */
void meter_packet(struct meter *, const struct timeval *ts,
		  const uint8_t *bytes, uint32_t caplen);
/* A packet read and thrown away while capture is paused (stop-gather). */
void meter_discard(struct meter *);
/* Move the clock to now_ms (if later) and run expiry if it is due. */
void meter_tick(struct meter *, int64_t now_ms);
/* Expire and export every flow now. */
void meter_expire_all(struct meter *);
/* Forget every flow without exporting it. */
void meter_delete_all(struct meter *);
/* One line (or JSON object) per active flow. */
void meter_dump_flows(struct meter *, struct outbuf *, int json);

const struct sensor_stats *meter_stats(const struct meter *);
struct timeouts *meter_timeouts(struct meter *);
struct flowtable *meter_flowtable(const struct meter *);
uint32_t meter_max_flows(const struct meter *); /* -m, conversations */
int64_t meter_clock(const struct meter *);
int64_t meter_boot(const struct meter *); /* -1 before packets */
/* Milliseconds until the next expiry run is due, -1 if none. */
int64_t meter_next_expiry(const struct meter *);

#endif
