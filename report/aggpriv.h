/*
 * aggpriv: the hash table of aggregate.c, shared with the ranking in
 * aggrank.c.  Not for other modules.
 */
#ifndef NFKIT_REPORT_AGGPRIV_H
#define NFKIT_REPORT_AGGPRIV_H

#include <string.h>

#include "aggregate.h"

struct counters {
	uint64_t flows, packets, bytes;
	int64_t first, last;
};

/*
 * A slot holds the whole entry, so that a probe reads one slot and, most
 * of the time, one cache line: the counters, then the key.  Keys of one or
 * two words (every -s statistic but conversation, and --series) are one
 * uint64 compared in one instruction, making a 48-byte slot.  Longer keys
 * keep their 32-bit hash in front of the words, so that a probe past a
 * different key rarely compares more than that.  A slot is empty while its
 * flow count is 0: an entry exists only once a flow has been folded in.
 */
#define KEY_OFF sizeof(struct counters)

/* The log of a large wide table: partitions by a hash's top bits. */
#define LOG_BITS 8
#define LOG_PARTS (1u << LOG_BITS)

/*
 * A log entry: a slot's counters and key in 64 bytes for a conversation
 * (6 key words) where a slot takes 72, the flow count in 32 bits, and
 * entries in a chunk from a 64-byte boundary: an entry of 64 bytes is
 * one cache line.  A count above UINT32_MAX (merged slots only) takes
 * more than one entry (agg_log_put).
 */
struct logent {
	uint64_t packets, bytes;
	int64_t first, last;
	uint32_t h, flows; /* the key's hash, flows (never 0) */
	uint32_t k[];	   /* the key words */
};

/* Where a partition's next entry goes, in its first chunk, and its end. */
struct logcur {
	uint8_t *at, *end;
};

struct logchunk {
	struct logchunk *next;
	size_t n;  /* not kept up while the chunk has a cursor (agglog.c) */
	size_t v6; /* an entry holds IPv6 ids (this table's own) */
	/* LOG_CHUNK entries of lstride bytes, from a cache line */
	_Alignas(64) uint8_t e[];
};

struct aggtab {
	struct aggspec spec;
	int nwords;    /* key words per entry */
	int narrow;    /* nwords <= 2: the key is one uint64 */
	size_t stride; /* bytes per slot */
	uint64_t seed;
	uint8_t *slots;
	size_t mask; /* slots - 1 (power of two) */
	int shift;   /* 32 - log2(slots): a hash's top bits are its slot */
	size_t n;    /* entries used */
	/*
	 * Wide keys, once the table is large: flows not yet folded in,
	 * LOG_PARTS lists of chunks by the top bits of their hash.
	 */
	struct logchunk **part;
	struct logcur *cur;	/* each partition's, NULL NULL if none */
	struct logchunk *spare; /* chunks folded in, for reuse */
	size_t lstride;		/* bytes per log entry */
	size_t logn;
	size_t logat; /* logn at which the log is (partly) folded in */
	/*
	 * Address keys: bit i of ipmask is set when key i is an address
	 * field; then the last key word holds the IPv6 bits (AGG_MAXWORDS)
	 * and a6 the table's IPv6 addresses.  An IPv4-only key stays the
	 * address itself, so -s srcip keeps its one-uint64 slots.
	 */
	uint32_t ipmask;
	int famword;
	int conv; /* the keys are -s conversation's (rec_key) */
	struct addr6tab *a6;
	int oom; /* interning an address failed */
};

/* The slot where a key of hash h starts its probe. */
static inline size_t
home(const struct aggtab *t, uint32_t h)
{
	return h >> t->shift;
}

static inline struct counters *
slot_ctr(const struct aggtab *t, size_t j)
{
	return (struct counters *)(void *)(t->slots + j * t->stride);
}

static inline uint64_t
slot_key64(const struct aggtab *t, size_t j)
{
	uint64_t v;

	memcpy(&v, t->slots + j * t->stride + KEY_OFF, sizeof(v));
	return v;
}

/* Wide keys: the hash, then the words. */
static inline uint32_t *
slot_wide(const struct aggtab *t, size_t j)
{
	return (uint32_t *)(void *)(t->slots + j * t->stride + KEY_OFF);
}

/* The key words of slot j. */
static inline void
slot_words(const struct aggtab *t, size_t j, uint32_t *k)
{
	uint64_t v;

	if (!t->narrow) {
		memcpy(k, slot_wide(t, j) + 1, (size_t)t->nwords * 4);
		return;
	}
	v = slot_key64(t, j);
	if (t->nwords >= 1)
		k[0] = (uint32_t)v;
	if (t->nwords == 2)
		k[1] = (uint32_t)(v >> 32);
}

static inline uint32_t
hash64(const struct aggtab *t, uint64_t v)
{
	uint64_t h = (v ^ t->seed) * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static inline uint32_t
hash_words(const struct aggtab *t, const uint32_t *k)
{
	uint64_t h = t->seed;
	int i;

	for (i = 0; i < t->nwords; i++) {
		h ^= k[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static inline void
fold(struct counters *c, uint64_t flows, uint64_t packets, uint64_t bytes,
     int64_t first, int64_t last)
{
	c->flows += flows;
	c->packets += packets;
	c->bytes += bytes;
	if (first < c->first)
		c->first = first;
	if (last > c->last)
		c->last = last;
}

/* aggregate.c: 2^k times the slots.  0 or -1. */
int agg_resize(struct aggtab *, int k);
/* Empty the table (its slots; it must not log). */
void agg_tab_clear(struct aggtab *);
/* The counters for a key (of hash h), created if new; NULL on ENOMEM. */
struct counters *agg_lookup_wide(struct aggtab *, const uint32_t *k,
				 uint32_t h);
struct counters *agg_lookup(struct aggtab *, const uint32_t *k);
/* Is the wide key k (of hash h) in the slots? */
int agg_has_wide(const struct aggtab *, const uint32_t *k, uint32_t h);

/* agglog.c: the log. */
/* Is the table a wide one that logs (from now on, with more entries)? */
int agg_logging(struct aggtab *, size_t more);
/* Append an entry (key k of hash h, counters c).  0 or -1. */
int agg_log_put(struct aggtab *, const uint32_t *k, uint32_t h,
		const struct counters *c);
/* Fold the log in (see agglog.c); keep its chunks if keep.  0 or -1. */
int agg_log_flush(struct aggtab *, int keep);
void agg_log_free(struct aggtab *);
/*
 * Fold the entries of t of log partition p, slots and log, into s (an
 * empty table of t's spec, that never logs) without folding t's log.
 */
int agg_log_part(struct aggtab *s, const struct aggtab *t, size_t p);
/* Fold pending (logged) flows in before a read.  0, or -1 on ENOMEM. */
int agg_settle(const struct aggtab *);

#endif
