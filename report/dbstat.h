/*
 * dbstat: -s, -A and --series answered by the servers (nfreport --db).
 *
 * Streaming every selected flow to the client costs as much as the flows;
 * a top-N table needs only one row per key.  So (without -c, which means
 * "the first N flows" and needs the flows themselves) each statistic, the
 * -A aggregation and the series are one GROUP BY query each, run on every
 * shard by the Distributed table, and the groups are folded into the
 * reporter's own tables, which rank and print them exactly as for files.
 * Either-side statistics (ip, port) key each flow on both sides but once
 * when both sides are equal, as aggregate.c does, through arrayJoin.
 */
#ifndef NFKIT_REPORT_DBSTAT_H
#define NFKIT_REPORT_DBSTAT_H

#include "aggregate.h"
#include "dbread.h"
#include "run.h"

/* 1 if o's question can be answered by dbstat_run(). */
int dbstat_applies(const struct runopts *o);
/*
 * Fill stat[0 .. o->nstats), agg (-A), ser (--series) and the summary.
 * IN_OK, or IN_DAMAGED after printing why (server failure, a broken
 * answer, out of memory).
 */
enum input_result dbstat_run(struct dbsource *, const struct runopts *o,
			     struct aggtab **stat, struct aggtab *agg,
			     struct aggtab *ser, struct summary *sum);

#endif
