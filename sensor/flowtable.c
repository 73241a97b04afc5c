/*
 * flowtable: open-addressing flow index over a flow array.
 *
 * The index has a power-of-two number of slots and is kept at a load of
 * at most one half, so linear probes stay short.  It starts small and
 * doubles (rehashing every entry into a new array) when one more flow
 * would pass that load, up to the bound set by max_flows (at least twice
 * max_flows slots).  The index thus stays as small as the live flows
 * allow: 100,000 flows under -m 1000000 probe a 2 MiB index that stays in
 * cache, not the 16 MiB one sized for the bound.  A doubling costs one
 * pass over the old index; the cost per insert is constant on average,
 * and once the table has met its largest number of flows nothing is
 * allocated again.  If memory runs short while growing, the table stops
 * growing and counts as full at the size it has: the caller evicts, as it
 * would at max_flows.
 *
 * A slot holds 32 bits of the flow's hash beside its array index: most
 * probes that miss are rejected on the hash without touching the flow
 * itself, which costs a cache miss.  The stored hash also makes a rehash
 * cheap: no key is read again.  Removal shifts the following entries
 * back (no tombstones), so a table that churns through millions of flows
 * never degrades.
 *
 * The hash runs once per packet, so it is a multiply-and-fold mix over the
 * key's five 64-bit words (in the manner of wyhash's "mum"), not SipHash:
 * about a quarter of the cost.  It is keyed all the same: the six 64-bit
 * secrets it mixes in are drawn from the startup seed through SipHash, so
 * someone who controls the packets but cannot read the sensor's memory
 * cannot compute which keys collide.
 *
 * The flow array is allocated at creation for max_flows but is used in
 * order, so its pages become resident only as that many flows exist.  It
 * is split by use: the 64-byte, line-aligned struct flow holds what every
 * packet reads and writes, so a packet for a known flow touches one line
 * of it (and the lines of its two class-list neighbours); a parallel
 * array of 16-byte cold entries, indexed the same way, holds the first
 * packet time and the age list, which only creation, removal, maxlife
 * expiry and export read.  With the index at its bound, a full table
 * costs 80 bytes plus 16 to 32 bytes of index per flow.
 *
 * The last packet time fits 32 bits as milliseconds after an epoch that
 * the caller moves forward (flowtable_rebase()) before the clock is 49.7
 * days past it.  All offsets share the epoch, so comparing two of them
 * (the LRU choice) needs no conversion.
 */
#include <stdlib.h>
#include <string.h>

#include "flowtable.h"
#include "siphash.h"

_Static_assert(sizeof(struct flowkey) == 40, "flow key is five words");
_Static_assert(sizeof(struct flow) == 64, "a flow is one cache line");

/* The fields a packet does not need, at the same index as its flow. */
struct flow_cold {
	int64_t first_ms;      /* unix ms of first packet */
	uint32_t aprev, anext; /* age list */
};

struct slot {
	uint32_t hash;
	uint32_t idx; /* flow index + 1; 0 = empty */
};

struct list {
	uint32_t head, tail;
};

/* The index's first size, in slots (2 KiB). */
#define FT_MINSLOTS 256

struct flowtable {
	struct flow *flows; /* 64-byte aligned */
	struct flow_cold *cold;
	struct slot *slots;
	int64_t epoch; /* flow.last counts ms from here */
	uint32_t max;
	uint32_t count;
	uint32_t cap;	   /* max, or less if growing failed */
	uint32_t mask;	   /* slots - 1 */
	uint64_t maxslots; /* the index's bound, >= 2 x max */
	uint32_t freelist; /* chained through flow.next */
	uint32_t unused;   /* flows[unused..max) never used yet */
	struct list lists[FT_NLISTS];
	struct list age;
	uint64_t secret[6]; /* hash keys, from the seed */
};

struct flowtable *
flowtable_new(uint32_t max_flows, const uint8_t seed[16])
{
	struct flowtable *ft;
	uint64_t nslots;
	void *mem;
	uint32_t i;

	if (max_flows == 0 || max_flows > (1U << 30))
		return NULL;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	for (ft->maxslots = 16; ft->maxslots < 2 * (uint64_t)max_flows;
	     ft->maxslots <<= 1)
		;
	nslots = ft->maxslots < FT_MINSLOTS ? ft->maxslots : FT_MINSLOTS;
	/*
	 * Not zeroed: flowtable_insert() clears each flow as it takes it, so
	 * the pages stay untouched until used (as with calloc()).
	 */
	if (posix_memalign(&mem, 64, (size_t)max_flows * sizeof(*ft->flows)) !=
	    0)
		mem = NULL;
	ft->flows = mem;
	ft->cold = calloc(max_flows, sizeof(*ft->cold));
	ft->slots = calloc(nslots, sizeof(*ft->slots));
	if (ft->flows == NULL || ft->cold == NULL || ft->slots == NULL) {
		flowtable_free(ft);
		return NULL;
	}
	ft->max = ft->cap = max_flows;
	ft->mask = (uint32_t)(nslots - 1);
	for (i = 0; i < 6; i++) {
		uint8_t n = (uint8_t)i;

		ft->secret[i] = siphash_13(seed, &n, 1);
	}
	/*
	 * Flows never used are taken in order, so the pages of a large -m
	 * are only touched once that many flows exist.
	 */
	ft->freelist = FT_NIL;
	ft->unused = 0;
	for (i = 0; i < FT_NLISTS; i++)
		ft->lists[i].head = ft->lists[i].tail = FT_NIL;
	ft->age.head = ft->age.tail = FT_NIL;
	return ft;
}

void
flowtable_free(struct flowtable *ft)
{
	if (ft == NULL)
		return;
	free(ft->flows);
	free(ft->cold);
	free(ft->slots);
	free(ft);
}

/* Word i of the key; memcpy compiles to one plain load. */
static inline uint64_t
kw(const struct flowkey *k, int i)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)k + 8 * i, sizeof(v));
	return v;
}

/* 64 x 64 -> 128-bit product, folded back to 64 bits. */
static inline uint64_t
mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint32_t
hash_key(const struct flowtable *ft, const struct flowkey *k)
{
	const uint64_t *s = ft->secret;
	uint64_t h;

	h = mum(kw(k, 0) ^ s[0], kw(k, 1) ^ s[1]) ^
	    mum(kw(k, 2) ^ s[2], kw(k, 3) ^ s[3]);
	h = mum(h ^ s[4], kw(k, 4) ^ s[5]);
	return (uint32_t)(h ^ h >> 32);
}

uint32_t
flowtable_hash(const struct flowtable *ft, const struct flowkey *k)
{
	return hash_key(ft, k);
}

uint32_t
flowtable_hash_prefetch(const struct flowtable *ft, const struct flowkey *k)
{
	uint32_t h = hash_key(ft, k);

	__builtin_prefetch(&ft->slots[h & ft->mask]);
	return h;
}

static inline int
key_equal(const struct flowkey *a, const struct flowkey *b)
{
	return ((kw(a, 0) ^ kw(b, 0)) | (kw(a, 1) ^ kw(b, 1)) |
		(kw(a, 2) ^ kw(b, 2)) | (kw(a, 3) ^ kw(b, 3)) |
		(kw(a, 4) ^ kw(b, 4))) == 0;
}

static inline uint32_t
index_of(const struct flowtable *ft, const struct flow *f)
{
	return (uint32_t)(f - ft->flows);
}

struct flow *
flowtable_find(struct flowtable *ft, const struct flowkey *k, uint32_t hash)
{
	uint32_t i;
	struct slot *s;
	struct flow *f;

	for (i = hash & ft->mask;; i = (i + 1) & ft->mask) {
		s = &ft->slots[i];
		if (s->idx == 0)
			return NULL;
		if (s->hash != hash)
			continue;
		f = &ft->flows[s->idx - 1];
		if (key_equal(&f->key, k))
			return f;
	}
}

/*
 * The first flow of each probe run whose stored hash matches, as
 * flowtable_find() would reach it; no key is read (that is the miss this
 * is meant to hide).  Probes stop at an empty slot.
 */
void
flowtable_prefetch(const struct flowtable *ft, const uint32_t *hash, unsigned n,
		   uint32_t *found)
{
	const struct slot *s;
	uint32_t i;
	unsigned k;

	for (k = 0; k < n; k++) {
		found[k] = FT_NIL;
		for (i = hash[k] & ft->mask;; i = (i + 1) & ft->mask) {
			s = &ft->slots[i];
			if (s->idx == 0)
				break;
			if (s->hash == hash[k]) {
				found[k] = s->idx - 1;
				__builtin_prefetch(&ft->flows[s->idx - 1], 1);
				break;
			}
		}
	}
}

void
flowtable_prefetch_links(const struct flowtable *ft, uint32_t idx)
{
	const struct flow *f;

	if (idx >= ft->unused)
		return;
	f = &ft->flows[idx];
	if (f->prev < ft->unused)
		__builtin_prefetch(&ft->flows[f->prev], 1);
	if (f->next < ft->unused)
		__builtin_prefetch(&ft->flows[f->next], 1);
}

/* Doubly linked lists through the flow array, by index. */
static void
list_append(struct flowtable *ft, struct list *l, uint32_t i, int age)
{
	struct flow *f = &ft->flows[i];

	if (age) {
		ft->cold[i].aprev = l->tail;
		ft->cold[i].anext = FT_NIL;
		if (l->tail != FT_NIL)
			ft->cold[l->tail].anext = i;
		else
			l->head = i;
	} else {
		f->prev = l->tail;
		f->next = FT_NIL;
		if (l->tail != FT_NIL)
			ft->flows[l->tail].next = i;
		else
			l->head = i;
	}
	l->tail = i;
}

static void
list_unlink(struct flowtable *ft, struct list *l, uint32_t i, int age)
{
	struct flow *f = &ft->flows[i];
	uint32_t prev = age ? ft->cold[i].aprev : f->prev;
	uint32_t next = age ? ft->cold[i].anext : f->next;

	if (prev != FT_NIL) {
		if (age)
			ft->cold[prev].anext = next;
		else
			ft->flows[prev].next = next;
	} else
		l->head = next;
	if (next != FT_NIL) {
		if (age)
			ft->cold[next].aprev = prev;
		else
			ft->flows[next].prev = prev;
	} else
		l->tail = prev;
}

/*
 * Double the index: every entry goes to its place in an array twice the
 * size, found from the hash kept in its slot.  -1 if memory is short; the
 * old index is then kept as it was.
 */
static int
grow(struct flowtable *ft)
{
	uint64_t nslots = ((uint64_t)ft->mask + 1) * 2;
	uint32_t mask = (uint32_t)(nslots - 1), i, j;
	struct slot *ns, *old = ft->slots;

	if ((ns = calloc(nslots, sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i <= ft->mask; i++) {
		if (old[i].idx == 0)
			continue;
		for (j = old[i].hash & mask; ns[j].idx != 0; j = (j + 1) & mask)
			;
		ns[j] = old[i];
	}
	ft->slots = ns;
	ft->mask = mask;
	free(old);
	return 0;
}

struct flow *
flowtable_insert(struct flowtable *ft, const struct flowkey *k, uint32_t hash,
		 unsigned cls)
{
	uint32_t i, idx;
	struct flow *f;

	if (cls >= FT_NLISTS || ft->count >= ft->cap)
		return NULL;
	/*
	 * One more flow would pass half load: double the index, unless it
	 * is at its bound (then max_flows keeps the load at half).  Without
	 * memory for a bigger index, this flow still fits (the load was at
	 * most one half), and the table is full from now on.
	 */
	if (2 * ((uint64_t)ft->count + 1) > (uint64_t)ft->mask + 1 &&
	    (uint64_t)ft->mask + 1 < ft->maxslots && grow(ft) == -1)
		ft->cap = ft->count + 1;
	if (ft->freelist != FT_NIL) {
		idx = ft->freelist;
		ft->freelist = ft->flows[idx].next;
	} else if (ft->unused < ft->max)
		idx = ft->unused++;
	else
		return NULL;
	f = &ft->flows[idx];
	memset(f, 0, sizeof(*f));
	ft->cold[idx].first_ms = 0;
	f->key = *k;
	f->cls = (uint8_t)cls;
	f->in_use = 1;
	for (i = hash & ft->mask; ft->slots[i].idx != 0; i = (i + 1) & ft->mask)
		;
	ft->slots[i].hash = hash;
	ft->slots[i].idx = idx + 1;
	list_append(ft, &ft->lists[cls], idx, 0);
	list_append(ft, &ft->age, idx, 1);
	ft->count++;
	return f;
}

void
flowtable_remove(struct flowtable *ft, struct flow *f)
{
	uint32_t idx = index_of(ft, f), i, j, home;

	for (i = hash_key(ft, &f->key) & ft->mask; ft->slots[i].idx != idx + 1;
	     i = (i + 1) & ft->mask)
		;
	/*
	 * Backward shift: move each following entry of the probe run into
	 * the hole unless that would put it before its home slot.
	 */
	for (j = (i + 1) & ft->mask; ft->slots[j].idx != 0;
	     j = (j + 1) & ft->mask) {
		home = ft->slots[j].hash & ft->mask;
		if (((j - home) & ft->mask) >= ((j - i) & ft->mask)) {
			ft->slots[i] = ft->slots[j];
			i = j;
		}
	}
	ft->slots[i].idx = 0;
	ft->slots[i].hash = 0;

	list_unlink(ft, &ft->lists[f->cls], idx, 0);
	list_unlink(ft, &ft->age, idx, 1);
	f->in_use = 0;
	f->next = ft->freelist;
	ft->freelist = idx;
	ft->count--;
}

void
flowtable_touch(struct flowtable *ft, struct flow *f, unsigned cls)
{
	uint32_t idx = index_of(ft, f), prev, next;
	struct list *l = &ft->lists[f->cls];

	if (cls >= FT_NLISTS)
		cls = f->cls;
	if (cls != f->cls) {
		list_unlink(ft, l, idx, 0);
		f->cls = (uint8_t)cls;
		list_append(ft, &ft->lists[cls], idx, 0);
		return;
	}
	if (l->tail == idx)
		return;
	/*
	 * The packet path: to the tail of the same list.  Not the tail, so
	 * the flow has a next and the list a tail.
	 */
	prev = f->prev;
	next = f->next;
	if (prev != FT_NIL)
		ft->flows[prev].next = next;
	else
		l->head = next;
	ft->flows[next].prev = prev;
	f->prev = l->tail;
	f->next = FT_NIL;
	ft->flows[l->tail].next = idx;
	l->tail = idx;
}

struct flow *
flowtable_head(struct flowtable *ft, unsigned cls)
{
	if (cls >= FT_NLISTS || ft->lists[cls].head == FT_NIL)
		return NULL;
	return &ft->flows[ft->lists[cls].head];
}

struct flow *
flowtable_oldest(struct flowtable *ft)
{
	return ft->age.head == FT_NIL ? NULL : &ft->flows[ft->age.head];
}

struct flow *
flowtable_younger(struct flowtable *ft, const struct flow *f)
{
	uint32_t next = ft->cold[index_of(ft, f)].anext;

	return next == FT_NIL ? NULL : &ft->flows[next];
}

struct flow *
flowtable_lru(struct flowtable *ft)
{
	struct flow *best = NULL, *f;
	unsigned c;

	for (c = 0; c < FT_NLISTS; c++) {
		f = flowtable_head(ft, c);
		if (f != NULL && (best == NULL || f->last < best->last))
			best = f;
	}
	return best;
}

uint32_t
flowtable_count(const struct flowtable *ft)
{
	return ft->count;
}

uint32_t
flowtable_max(const struct flowtable *ft)
{
	return ft->max;
}

int
flowtable_full(const struct flowtable *ft)
{
	return ft->count >= ft->cap;
}

/* What the table has touched: the flows used so far and the index. */
size_t
flowtable_memory(const struct flowtable *ft)
{
	return sizeof(*ft) +
	       (size_t)ft->unused *
		   (sizeof(struct flow) + sizeof(struct flow_cold)) +
	       ((size_t)ft->mask + 1) * sizeof(struct slot);
}

size_t
flowtable_index_slots(const struct flowtable *ft)
{
	return (size_t)ft->mask + 1;
}

int64_t
flowtable_epoch(const struct flowtable *ft)
{
	return ft->epoch;
}

int64_t
flowtable_last_ms(const struct flowtable *ft, const struct flow *f)
{
	return ft->epoch + f->last;
}

void
flowtable_set_last(const struct flowtable *ft, struct flow *f, int64_t ms)
{
	f->last = (uint32_t)(ms - ft->epoch);
}

int64_t
flowtable_first_ms(const struct flowtable *ft, const struct flow *f)
{
	return ft->cold[index_of(ft, f)].first_ms;
}

void
flowtable_set_first(struct flowtable *ft, const struct flow *f, int64_t ms)
{
	ft->cold[index_of(ft, f)].first_ms = ms;
}

void
flowtable_rebase(struct flowtable *ft, int64_t now_ms)
{
	struct flow *f = flowtable_lru(ft);
	int64_t epoch = f != NULL ? flowtable_last_ms(ft, f) : now_ms;
	uint32_t delta, i;

	if (epoch <= ft->epoch)
		return;
	delta = (uint32_t)(epoch - ft->epoch);
	for (i = 0; i < ft->unused; i++)
		if (ft->flows[i].in_use)
			ft->flows[i].last -= delta;
	ft->epoch = epoch;
}
