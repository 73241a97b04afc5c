/*
 * exporter: the bounded table of exporters and their sequence accounting.
 *
 * An exporter is a (source address, local address) pair.  It keeps
 * cumulative counters for the -S STAT lines and, per export stream
 * (version, engine type, engine id), the flow_sequence it expects next.
 * A mismatch is accounted as flow-capture does: a difference (mod 2^32)
 * below 1000 is lost flows, anything else is one sequence reset.
 *
 * The table holds at most a fixed number of exporters and never grows
 * after creation, so spoofed sources cannot exhaust memory: a datagram from
 * a new source when the table is full is still stored, but its sequence is
 * not tracked and it is counted as refused.  Lookups hash the addresses with
 * a key chosen at start, so an attacker cannot aim for collisions.
 */
#ifndef NFKIT_COLLECTOR_EXPORTER_H
#define NFKIT_COLLECTOR_EXPORTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#define EXPORTER_STREAMS 8   /* engines tracked per exporter */
#define EXPORTER_MAXGAP 1000 /* gaps below this are lost flows */

/* An address as the table keys it: IPv4 as ::ffff:a.b.c.d. */
struct exp_addr {
	uint8_t a[16];
};

struct exp_stream {
	uint16_t version; /* 0 = slot unused */
	uint8_t engine_type;
	uint8_t engine_id;
	uint32_t next_seq; /* flow_sequence expected next */
};

struct exporter {
	struct exp_addr src; /* the exporter (UDP source) */
	struct exp_addr dst; /* our address it sent to */
	int used;
	time_t first_seen;
	uint16_t last_version; /* version of the latest datagram */
	uint64_t pkts;	       /* valid datagrams */
	uint64_t flows;	       /* records stored */
	uint64_t lost;	       /* flows lost by sequence gaps */
	uint64_t resets;       /* sequence resets */
	uint64_t corrupt;      /* datagrams rejected */
	uint64_t filtered;     /* datagrams refused by the remote filter */
	unsigned nstreams;
	unsigned next_victim; /* stream slot to reuse when all are taken */
	struct exp_stream streams[EXPORTER_STREAMS];
};

enum exp_seq {
	EXP_SEQ_OK,   /* as expected, or first datagram of a stream */
	EXP_SEQ_LOST, /* *lost flows are missing */
	EXP_SEQ_RESET /* the sequence jumped; *lost is the jump */
};

struct exporter_table;

/* A table of at most max exporters; NULL on allocation failure. */
struct exporter_table *exporter_table_new(size_t max);
void exporter_table_free(struct exporter_table *);

/* Convert a socket address to the table's key form. */
void exp_addr_from_sa(struct exp_addr *, const struct sockaddr *);
/* The same from an address of family af (AF_INET: 4 bytes, AF_INET6: 16). */
void exp_addr_set(struct exp_addr *, int af, const void *addr);
/* Text form of a key address ("127.0.0.1", "::1"). */
const char *exp_addr_str(const struct exp_addr *, char *, size_t);
/* The IPv4 address in host order, or 0 for a true IPv6 address. */
uint32_t exp_addr_v4(const struct exp_addr *);

/*
 * Find or create the exporter for (src, dst).  *isnew is set when it was
 * created now.  NULL if the table is full (counted as refused).
 */
struct exporter *exporter_get(struct exporter_table *,
			      const struct exp_addr *src,
			      const struct exp_addr *dst, time_t now,
			      int *isnew);
/*
 * Account one valid datagram's flow_sequence and record count on its
 * stream.  Returns what happened; *expected and *gap are set for messages.
 */
enum exp_seq exporter_seq(struct exporter *, uint16_t version,
			  uint8_t engine_type, uint8_t engine_id, uint32_t seq,
			  uint16_t count, uint32_t *expected, uint32_t *gap);

/* Call fn on every exporter, in no particular order. */
void exporter_foreach(struct exporter_table *,
		      void (*fn)(struct exporter *, void *), void *);
size_t exporter_count(const struct exporter_table *);
uint64_t exporter_refused(const struct exporter_table *);

#endif
