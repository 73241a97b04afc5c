/*
 * statlog: what the collector tells the log about its input.
 *
 * -S minutes: at each wall-clock minute that is a multiple of the interval,
 * one line per exporter in flow-capture's format, counters cumulative since
 * startup:
 *
 *   STAT: now=<unix> startup=<unix> src_ip=A dst_ip=B d_ver=5 pkts=N
 *   flows=N lost=N reset=N filter_drops=N
 *
 * then, for each v9/IPFIX exporter, one line of the template decoder's
 * counters (only those not zero):
 *
 *   STAT-V9-IPFIX: now=<unix> src_ip=A messages=N flows=N templates=N
 *   withdrawn=N lost=N late=N no-template=N ...
 *
 * followed by one "totals:" line with what flow-capture did not count
 * (rejects by reason, refused exporters, kernel drops, queue waits, write
 * errors).  Independently of -S, rejected datagrams are summarised once a
 * minute (bad input is counted and logged once per interval, never once
 * per datagram), so are the v9/IPFIX decoder's problems and, with -V 5,
 * the IPv6 flows a v5 file cannot hold; warnings that an exporter can
 * trigger at will, such as sequence gaps, go through a rate limit.
 */
#ifndef NFKIT_COLLECTOR_STATLOG_H
#define NFKIT_COLLECTOR_STATLOG_H

#include <stdint.h>
#include <time.h>

#include "datagram.h"
#include "ipfixdec.h"

struct exporter_table;
struct writer_stats;

struct statlog_totals {
	uint64_t rejects[DATAGRAM_NSTATUS]; /* by reason */
	uint64_t logged[DATAGRAM_NSTATUS];  /* at the last summary */
	uint64_t refused; /* datagrams from exporters not admitted */
	uint64_t not_v5;  /* -V 5: IPv6 flows not storable in a v5 file */
	uint64_t not_v5_logged;
	uint64_t ipfix_logged[IPFIXDEC_NREASON]; /* decoder, last summary */
	uint64_t kernel_drops;
	time_t startup;
};

/* One STAT line per exporter, then the totals line. */
void statlog_write(struct exporter_table *, const struct ipfixdec *,
		   const struct statlog_totals *, const struct writer_stats *,
		   time_t now);
/*
 * Log the rejects since the last call, the v9/IPFIX decoder's problems
 * (dec may be NULL) and the flows -V 5 could not store, if any.
 */
void statlog_rejects(struct statlog_totals *, const struct ipfixdec *dec);
/*
 * Rate limit for warnings: at most STATLOG_BURST per minute; returns 1 if
 * this one may be logged.  The limiter logs how many it suppressed.
 */
#define STATLOG_BURST 10
int statlog_may_warn(time_t now);

#endif
