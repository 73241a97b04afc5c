/*
 * series: flows, packets and bytes per time bucket (--series INTERVAL),
 * the numbers MRTG-style graphs are drawn from.
 *
 * A flow counts in the bucket that holds its end time, like -t and the
 * default output.  Buckets are aligned to multiples of the interval since
 * the epoch (UTC); empty buckets between the first and the last one are
 * filled in with zeros so a graph has no holes.
 */
#ifndef NFKIT_REPORT_SERIES_H
#define NFKIT_REPORT_SERIES_H

#include <stdint.h>

#include "aggregate.h"

#define SERIES_MAXFILL 1000000 /* never invent more empty buckets */

/* The aggregation spec of a series table (a two-word bucket key). */
void series_spec(struct aggspec *);
/* Fold n flows into a series table. 0 or -1 (no memory). */
int series_add(struct aggtab *, int64_t interval_ms, const struct flowrec *,
	       size_t n);
/* Rows in time order, r.first_ms = bucket start; free() them. */
struct aggrow *series_rows(const struct aggtab *, int64_t interval_ms,
			   size_t *n);

#endif
