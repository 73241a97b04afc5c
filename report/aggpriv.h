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

struct logchunk {
	struct logchunk *next;
	size_t n;
	uint8_t e[]; /* LOG_CHUNK entries of the table's stride */
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
	struct logchunk *spare; /* chunks folded in, for reuse */
	size_t logn;
	/*
	 * Address keys: bit i of ipmask is set when key i is an address
	 * field; then the last key word holds the IPv6 bits (AGG_MAXWORDS)
	 * and a6 the table's IPv6 addresses.  An IPv4-only key stays the
	 * address itself, so -s srcip keeps its one-uint64 slots.
	 */
	uint32_t ipmask;
	int famword;
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

/* Fold pending (logged) flows in before a read.  0, or -1 on ENOMEM. */
int agg_settle(const struct aggtab *);

#endif
