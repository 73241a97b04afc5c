/*
 * stats: aggregation of flows into rows keyed on fields, and ranking.
 *
 * One engine serves -s (top-N tables), -A (aggregated flows) and --series
 * (time buckets): an open-addressing hash table maps a key of up to
 * AGG_MAXKEY 32-bit words to counters (flows, packets, bytes, first and
 * last time).  Tables are filled per thread and merged at the end.  The
 * rows come out as struct aggrow, whose flowrec holds the key fields and
 * the counters, so that derived values (bps, pps, bpp, duration) and the
 * output formats work on them exactly as on single flows.
 */
#ifndef NFKIT_REPORT_AGGREGATE_H
#define NFKIT_REPORT_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define AGG_MAXKEY 24
/*
 * Key words: a table keyed on an address field has one more, whose bit i
 * says that key word i is an IPv6 address (interned by addr6.h) rather
 * than an IPv4 one.
 */
#define AGG_MAXWORDS (AGG_MAXKEY + 1)

/* Totals of every flow that passed the filter. */
struct summary {
	uint64_t flows, packets, bytes;
	int64_t first, last;	 /* unix ms; first > last if empty */
	uint64_t flows6, bytes6; /* of them IPv6 */
};

void agg_summary_init(struct summary *);
void agg_summary_add(struct summary *, const struct flowrec *, size_t n);
void agg_summary_merge(struct summary *, const struct summary *);

/* What a table keys on. */
struct aggspec {
	int nkeys;
	int keys[AGG_MAXKEY]; /* field ids (enum field_id) */
	int either;	      /* -s ip/port: key once from keys[0], */
	int other;	      /* ... once from this field */
};

struct aggrow {
	struct flowrec r; /* key fields + packets, bytes, times */
	uint64_t flows;
	uint32_t key[AGG_MAXWORDS];
};

struct aggtab;

struct aggtab *agg_tab_new(const struct aggspec *);
void agg_tab_free(struct aggtab *);
/* Fold n flows in.  0, or -1 when memory ran out. */
int agg_tab_add(struct aggtab *, const struct flowrec *, size_t n);
/* Fold one flow in under an explicit key of nkeys words (series). */
int agg_tab_add_key(struct aggtab *, const uint32_t *key,
		    const struct flowrec *);
/*
 * Fold n flows in under explicit keys of one or two words (web cells),
 * each key one uint64: word 0 in the low half, word 1 in the high half.
 * The keys are hashed a batch ahead of their probes, as agg_tab_add()
 * does.  0, or -1 when memory ran out or the table's keys are wider.
 */
int agg_tab_add_keys(struct aggtab *, const uint64_t *keys,
		     const struct flowrec *, size_t n);
/*
 * Fold a group that was aggregated elsewhere (nfreport --db): flows flows
 * with r's packets, bytes and times, under key.  0 or -1.
 */
int agg_tab_add_group(struct aggtab *, const uint32_t *key,
		      const struct flowrec *r, uint64_t flows);
/*
 * Fold a row of another table whose keys include this one's (its key
 * fields set, as agg_tab_rows() gives them) in under this table's key:
 * a table derived from a finer one.  0 or -1.
 */
int agg_tab_add_row(struct aggtab *, const struct aggrow *);
/*
 * The key word of an IPv6 address in a table keyed on an address (its
 * bit in the last key word set by the caller), for agg_tab_add_group();
 * UINT32_MAX when out of memory or the table has no address key.
 */
uint32_t agg_tab_addr6(struct aggtab *, const uint8_t *a);
/*
 * Fold every row of src into dst (same spec).  0 or -1.  Flows src has
 * logged but not folded in yet may move to dst's log rather than be
 * copied: src is then only fit to be freed.
 */
int agg_tab_merge(struct aggtab *dst, struct aggtab *src);
size_t agg_tab_size(const struct aggtab *);
/* The rows, unordered, in a new array (free() it).  NULL if empty/ENOMEM. */
struct aggrow *agg_tab_rows(const struct aggtab *, size_t *n);

/* Orders for -s /ORDER and -O. */
enum order {
	O_FLOWS,
	O_PACKETS,
	O_BYTES,
	O_BPS,
	O_PPS,
	O_BPP,
	O_TSTART,
	O_TEND,
	O_NORDERS
};
extern const char *const agg_order_names[O_NORDERS];
int agg_order_lookup(const char *);
/* The field an order ranks on (F_FLOWS, F_BYTES, ... F_FIRST, F_LAST). */
int agg_order_field(enum order);

/* Sort all rows by order (ties broken by key); */
void agg_rows_sort(struct aggrow *, size_t n, enum order);
/* Put the best topn rows, sorted, at the front; returns min(n, topn). */
size_t agg_rows_top(struct aggrow *, size_t n, enum order, size_t topn);
/*
 * The same rows as agg_rows_top() over agg_tab_rows(), in a new array of
 * *n = min(size, topn) rows (free() it), without materializing the rest.
 * NULL if empty or out of memory.
 */
struct aggrow *agg_tab_top(const struct aggtab *, enum order, size_t topn,
			   size_t *n);
/*
 * The same for no orders (at most AGG_MAXTOPS) in one pass over the
 * table: rows[i] and n[i] as agg_tab_top() by o[i].  0, or -1 when out of
 * memory (every rows[i] NULL).
 */
#define AGG_MAXTOPS 4
int agg_tab_tops(const struct aggtab *, const enum order *o, int no,
		 size_t topn, struct aggrow **rows, size_t *n);
/*
 * Threads agg_tab_top() and agg_tab_tops() may rank a table that still
 * has a log (agglog.c) on, the caller's among them: 1 (the default) keeps
 * ranking on the caller's thread.  The rows are the same for any number.
 * Set before ranking starts, not while a ranking runs.
 */
void agg_rank_threads(int n);

/* A -s statistic: a name, the table spec, and the column labels. */
struct statdef {
	const char *name;
	struct aggspec spec;
	const char *label; /* header of the one key column of */
};			   /* either-side stats ("ip", "port") */
const struct statdef *agg_stat_lookup(const char *);
/* All statistic names, space separated (usage messages). */
const char *agg_stat_names(void);
/*
 * The order names, space separated, from the table: the counts for -s
 * ("flows ... bpp"), or with_times for -O, the times first ("tstart tend
 * flows ...").
 */
const char *agg_order_list(int with_times);

#endif
