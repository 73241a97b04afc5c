/*
 * stats: hash-table aggregation and top-N ranking.
 *
 * The table is open addressing with linear probing over slots that hold
 * the whole entry (counters and key), kept at most 3/4 full, so that a
 * lookup usually touches one cache line; a one- or two-word key (-s srcip,
 * --series) is a single uint64 compared inline, and flows are hashed a
 * batch ahead of their probes so that cache misses overlap.  The hash is
 * seeded per table from getrandom(): the keys come from flow files, which
 * whoever sends the flows controls, and a fixed hash would let them force
 * every key into one probe chain.
 *
 * Ranking uses a bounded selection: the best N rows are kept in a binary
 * heap while scanning (O(n log N)), then sorted; only -O sorts everything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "addr6.h"
#include "fields.h"
#include "aggregate.h"

/* ---- summary ---- */

void
agg_summary_init(struct summary *s)
{
	memset(s, 0, sizeof(*s));
	s->first = INT64_MAX;
	s->last = INT64_MIN;
}

void
agg_summary_add(struct summary *s, const struct flowrec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		s->packets += r[i].packets;
		s->bytes += r[i].bytes;
		if (r[i].first_ms < s->first)
			s->first = r[i].first_ms;
		if (r[i].last_ms > s->last)
			s->last = r[i].last_ms;
		if (flowrec_is_v6(&r[i])) {
			s->flows6++;
			s->bytes6 += r[i].bytes;
		}
	}
	s->flows += n;
}

void
agg_summary_merge(struct summary *s, const struct summary *o)
{
	s->flows += o->flows;
	s->packets += o->packets;
	s->bytes += o->bytes;
	s->flows6 += o->flows6;
	s->bytes6 += o->bytes6;
	if (o->first < s->first)
		s->first = o->first;
	if (o->last > s->last)
		s->last = o->last;
}

/* ---- hash table ---- */

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
#define BATCH 16 /* records hashed ahead of their probes */

struct aggtab {
	struct aggspec spec;
	int nwords;    /* key words per entry */
	int narrow;    /* nwords <= 2: the key is one uint64 */
	size_t stride; /* bytes per slot */
	uint64_t seed;
	uint8_t *slots;
	size_t mask; /* slots - 1 (power of two) */
	size_t n;    /* entries used */
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

/*
 * Key word of field id of r, key position bit: an IPv4 address or any
 * other field's value, or an IPv6 address's id with its bit set in *fam.
 */
static inline uint32_t
key_of(struct aggtab *t, int id, const struct flowrec *r, int bit,
       uint32_t *fam)
{
	const uint8_t *a6;
	uint32_t k;

	if ((t->ipmask >> bit & 1) && (a6 = field_addr6(id, r)) != NULL) {
		*fam |= 1u << bit;
		if ((k = addr6_intern(t->a6, a6)) == UINT32_MAX)
			t->oom = 1;
		return k;
	}
	return (uint32_t)field_get(id, r, 1);
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

/* A one- or two-word key as the uint64 a narrow slot stores. */
static inline uint64_t
key64(const struct aggtab *t, const uint32_t *k)
{
	if (t->nwords == 2)
		return (uint64_t)k[1] << 32 | k[0];
	return t->nwords == 1 ? k[0] : 0;
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

struct aggtab *
agg_tab_new(const struct aggspec *spec)
{
	struct aggtab *t;
	int i;

	if (spec->nkeys < 0 || spec->nkeys > AGG_MAXKEY)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->spec = *spec;
	/* Keys of -1 are explicit words (series, web cells), not fields. */
	for (i = 0; i < spec->nkeys; i++)
		if (spec->keys[i] >= 0 && spec->keys[i] < F_NFIELDS &&
		    fields[spec->keys[i]].kind == FK_IP)
			t->ipmask |= 1u << i;
	t->famword = t->ipmask != 0;
	if (t->famword && (t->a6 = addr6_new()) == NULL) {
		free(t);
		return NULL;
	}
	t->nwords = spec->nkeys + t->famword;
	t->narrow = t->nwords <= 2;
	t->stride = t->narrow
			? KEY_OFF + 8
			: (KEY_OFF + 4 + (size_t)t->nwords * 4 + 7) / 8 * 8;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(t->seed))
		t->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)t;
	t->mask = 1023;
	t->slots = calloc(t->mask + 1, t->stride);
	if (t->slots == NULL) {
		addr6_free(t->a6);
		free(t);
		return NULL;
	}
	return t;
}

void
agg_tab_free(struct aggtab *t)
{
	if (t == NULL)
		return;
	addr6_free(t->a6);
	free(t->slots);
	free(t);
}

static inline uint32_t
slot_hash(const struct aggtab *t, size_t j)
{
	return t->narrow ? hash64(t, slot_key64(t, j)) : slot_wide(t, j)[0];
}

/* Double the slots, moving every entry to its place in the new array. */
static int
grow(struct aggtab *t)
{
	struct aggtab o = *t;
	size_t i, j;

	t->mask = o.mask * 2 + 1;
	if ((t->slots = calloc(t->mask + 1, t->stride)) == NULL) {
		*t = o;
		return -1;
	}
	for (i = 0; i <= o.mask; i++) {
		if (slot_ctr(&o, i)->flows == 0)
			continue;
		for (j = slot_hash(&o, i) & t->mask; slot_ctr(t, j)->flows != 0;
		     j = (j + 1) & t->mask)
			;
		memcpy(t->slots + j * t->stride, o.slots + i * o.stride,
		       t->stride);
	}
	free(o.slots);
	return 0;
}

/*
 * The empty slot where a key of hash h goes, after growing the table if
 * that would make it more than three quarters full; SIZE_MAX on ENOMEM.
 * Linear probing stays short at that load because a probe compares keys
 * inline in slots it has already loaded, and the smaller table (64Ki
 * sources: 6 MiB rather than 12) misses the cache less.
 */
static size_t
place(struct aggtab *t, size_t j, uint32_t h)
{
	if ((t->n + 1) * 4 > (t->mask + 1) * 3) {
		if (grow(t) == -1)
			return SIZE_MAX;
		for (j = h & t->mask; slot_ctr(t, j)->flows != 0;
		     j = (j + 1) & t->mask)
			;
	}
	t->n++;
	return j;
}

static inline struct counters *
fresh(struct aggtab *t, size_t j)
{
	struct counters *c = slot_ctr(t, j);

	c->packets = c->bytes = 0;
	c->first = INT64_MAX;
	c->last = INT64_MIN;
	return c;
}

/* The counters for a narrow key v of hash h; created (flows 0) if new. */
static inline struct counters *
lookup64(struct aggtab *t, uint64_t v, uint32_t h)
{
	size_t j;

	for (j = h & t->mask; slot_ctr(t, j)->flows != 0; j = (j + 1) & t->mask)
		if (slot_key64(t, j) == v)
			return slot_ctr(t, j);
	if ((j = place(t, j, h)) == SIZE_MAX)
		return NULL;
	memcpy(t->slots + j * t->stride + KEY_OFF, &v, sizeof(v));
	return fresh(t, j);
}

/* The counters for a wide key k of hash h; created (flows 0) if new. */
static struct counters *
lookup_wide(struct aggtab *t, const uint32_t *k, uint32_t h)
{
	uint32_t *w;
	size_t j;
	int i;

	for (j = h & t->mask; slot_ctr(t, j)->flows != 0;
	     j = (j + 1) & t->mask) {
		w = slot_wide(t, j);
		if (w[0] != h)
			continue;
		for (i = 0; i < t->nwords && w[i + 1] == k[i]; i++)
			;
		if (i == t->nwords)
			return slot_ctr(t, j);
	}
	if ((j = place(t, j, h)) == SIZE_MAX)
		return NULL;
	w = slot_wide(t, j);
	w[0] = h;
	memcpy(w + 1, k, (size_t)t->nwords * 4);
	return fresh(t, j);
}

/* The same for a key of any length. */
static struct counters *
lookup(struct aggtab *t, const uint32_t *k)
{
	if (t->narrow) {
		uint64_t v = key64(t, k);

		return lookup64(t, v, hash64(t, v));
	}
	return lookup_wide(t, k, hash_words(t, k));
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

static inline int
fold_flow(struct counters *c, const struct flowrec *r)
{
	if (c == NULL)
		return -1;
	fold(c, 1, r->packets, r->bytes, r->first_ms, r->last_ms);
	return 0;
}

int
agg_tab_add_key(struct aggtab *t, const uint32_t *key, const struct flowrec *r)
{
	return fold_flow(lookup(t, key), r);
}

int
agg_tab_add_group(struct aggtab *t, const uint32_t *key,
		  const struct flowrec *r, uint64_t flows)
{
	struct counters *c = lookup(t, key);

	if (c == NULL)
		return -1;
	fold(c, flows, r->packets, r->bytes, r->first_ms, r->last_ms);
	return 0;
}

uint32_t
agg_tab_addr6(struct aggtab *t, const uint8_t *a)
{
	return t->a6 != NULL ? addr6_intern(t->a6, a) : UINT32_MAX;
}

/*
 * Narrow keys, BATCH flows at a time: hash them all and prefetch their
 * first slots, then probe.  With tens of thousands of keys the table is
 * larger than the L2 cache, and this lets the misses overlap.
 */
static int
add_narrow(struct aggtab *t, const struct flowrec *recs, size_t n)
{
	const struct aggspec *s = &t->spec;
	uint64_t kv[2 * BATCH];
	uint32_t hv[2 * BATCH];
	const struct flowrec *rv[2 * BATCH];
	size_t i, j, m, e;
	uint64_t v;

	for (i = 0; i < n; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		for (e = j = 0; j < m; j++) {
			const struct flowrec *r = &recs[i + j];
			uint32_t k[2] = {0, 0}, fam = 0;

			k[0] = key_of(t, s->keys[0], r, 0, &fam);
			if (t->nwords == 2)
				k[1] =
				    t->famword
					? fam
					: (uint32_t)field_get(s->keys[1], r, 1);
			v = key64(t, k);
			rv[e] = r;
			kv[e] = v;
			hv[e] = hash64(t, v);
			__builtin_prefetch(slot_ctr(t, hv[e] & t->mask));
			e++;
			if (s->either) {
				/* The other side counts too, once per flow. */
				fam = 0;
				k[0] = key_of(t, s->other, r, 0, &fam);
				if (t->famword)
					k[1] = fam;
				if (key64(t, k) == v)
					continue;
				v = key64(t, k);
				rv[e] = r;
				kv[e] = v;
				hv[e] = hash64(t, v);
				__builtin_prefetch(
				    slot_ctr(t, hv[e] & t->mask));
				e++;
			}
		}
		if (t->oom)
			return -1;
		for (j = 0; j < e; j++)
			if (fold_flow(lookup64(t, kv[j], hv[j]), rv[j]) == -1)
				return -1;
	}
	return 0;
}

/*
 * Wide keys (conversation, -A with several fields) the same way: a table
 * of millions of 5-tuples misses the cache on nearly every probe, and
 * hashing a batch ahead lets those misses overlap.  Either-side keys are
 * single fields, so they never come here.
 */
static int
add_wide(struct aggtab *t, const struct flowrec *recs, size_t n)
{
	const struct aggspec *s = &t->spec;
	uint32_t kv[BATCH][AGG_MAXWORDS], hv[BATCH], fam;
	size_t i, j, m;
	int f;

	for (i = 0; i < n; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		for (j = 0; j < m; j++) {
			fam = 0;
			for (f = 0; f < s->nkeys; f++)
				kv[j][f] = key_of(t, s->keys[f], &recs[i + j],
						  f, &fam);
			if (t->famword)
				kv[j][s->nkeys] = fam;
			hv[j] = hash_words(t, kv[j]);
			__builtin_prefetch(slot_ctr(t, hv[j] & t->mask));
		}
		if (t->oom)
			return -1;
		for (j = 0; j < m; j++)
			if (fold_flow(lookup_wide(t, kv[j], hv[j]),
				      &recs[i + j]) == -1)
				return -1;
	}
	return 0;
}

int
agg_tab_add(struct aggtab *t, const struct flowrec *recs, size_t n)
{
	uint32_t k[AGG_MAXWORDS] = {0}, k2, fam, fam2;
	const struct aggspec *s = &t->spec;
	size_t i;
	int j;

	if (t->narrow && t->nwords > 0)
		return add_narrow(t, recs, n);
	if (!t->narrow && !s->either)
		return add_wide(t, recs, n);
	for (i = 0; i < n; i++) {
		const struct flowrec *r = &recs[i];

		fam = 0;
		for (j = 0; j < s->nkeys; j++)
			k[j] = key_of(t, s->keys[j], r, j, &fam);
		if (t->famword)
			k[s->nkeys] = fam;
		if (t->oom || agg_tab_add_key(t, k, r) == -1)
			return -1;
		if (s->either) {
			fam2 = 0;
			k2 = key_of(t, s->other, r, 0, &fam2);
			if (k2 != k[0] || fam2 != fam) {
				k[0] = k2;
				if (t->famword)
					k[s->nkeys] = fam2;
				if (t->oom || agg_tab_add_key(t, k, r) == -1)
					return -1;
			}
		}
	}
	return 0;
}

/* The key words of slot j. */
static void
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

int
agg_tab_merge(struct aggtab *dst, const struct aggtab *src)
{
	uint32_t k[AGG_MAXWORDS] = {0}, fam;
	size_t j;
	int i;

	for (j = 0; j <= src->mask; j++) {
		const struct counters *s = slot_ctr(src, j);
		struct counters *c;

		if (s->flows == 0)
			continue;
		slot_words(src, j, k);
		/* IPv6 ids are the source table's: take dst's. */
		fam = src->famword ? k[src->nwords - 1] : 0;
		for (i = 0; fam != 0 && i < src->spec.nkeys; i++)
			if (fam >> i & 1 &&
			    (k[i] = addr6_intern(dst->a6,
						 addr6_get(src->a6, k[i]))) ==
				UINT32_MAX)
				return -1;
		if ((c = lookup(dst, k)) == NULL)
			return -1;
		fold(c, s->flows, s->packets, s->bytes, s->first, s->last);
	}
	return 0;
}

size_t
agg_tab_size(const struct aggtab *t)
{
	return t->n;
}

struct aggrow *
agg_tab_rows(const struct aggtab *t, size_t *n)
{
	struct aggrow *rows, *w;
	size_t j;
	int i;

	*n = 0;
	if (t->n == 0 || (rows = calloc(t->n, sizeof(*rows))) == NULL)
		return NULL;
	for (w = rows, j = 0; j <= t->mask; j++) {
		const struct counters *c = slot_ctr(t, j);

		if (c->flows == 0)
			continue;
		slot_words(t, j, w->key);
		for (i = 0; i < t->spec.nkeys; i++) {
			if (t->famword && (w->key[t->nwords - 1] >> i & 1))
				field_set6(t->spec.keys[i], &w->r,
					   addr6_get(t->a6, w->key[i]));
			else
				field_set(t->spec.keys[i], &w->r, w->key[i]);
		}
		w->flows = c->flows;
		w->r.packets = c->packets;
		w->r.bytes = c->bytes;
		w->r.first_ms = c->first;
		w->r.last_ms = c->last;
		w++;
	}
	*n = t->n;
	return rows;
}

/* ---- ordering ---- */

const char *const agg_order_names[O_NORDERS] = {
    "flows", "packets", "bytes", "bps", "pps", "bpp", "tstart", "tend",
};

static const int order_fields[O_NORDERS] = {
    F_FLOWS, F_PACKETS, F_BYTES, F_BPS, F_PPS, F_BPP, F_FIRST, F_LAST,
};

int
agg_order_field(enum order o)
{
	return order_fields[o];
}

int
agg_order_lookup(const char *name)
{
	int i;

	for (i = 0; i < O_NORDERS; i++)
		if (strcmp(agg_order_names[i], name) == 0)
			return i;
	return -1;
}

/* < 0 if a ranks before b.  Counts rank high first, times early first. */
static int
rank_cmp(const struct aggrow *a, const struct aggrow *b, enum order o)
{
	int i;

	if (o == O_TSTART || o == O_TEND) {
		int64_t x = o == O_TSTART ? a->r.first_ms : a->r.last_ms;
		int64_t y = o == O_TSTART ? b->r.first_ms : b->r.last_ms;

		if (x != y)
			return x < y ? -1 : 1;
	} else {
		uint64_t x = field_get(order_fields[o], &a->r, a->flows);
		uint64_t y = field_get(order_fields[o], &b->r, b->flows);

		if (x != y)
			return x > y ? -1 : 1;
	}
	/*
	 * An IPv6 key word is an id in order of appearance, which differs
	 * between runs (threads merge tables in any order) and from --db:
	 * ties rank IPv4 keys first, then IPv6 ones by address.
	 */
	if ((i = (a->r.af | a->r.exaf << 4) - (b->r.af | b->r.exaf << 4)) ||
	    (i = memcmp(a->r.src6, b->r.src6, 16)) ||
	    (i = memcmp(a->r.dst6, b->r.dst6, 16)) ||
	    (i = memcmp(a->r.nexthop6, b->r.nexthop6, 16)) ||
	    (i = memcmp(a->r.exaddr6, b->r.exaddr6, 16)))
		return i < 0 ? -1 : 1;
	for (i = 0; i < AGG_MAXWORDS; i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return 0;
}

static int
qcmp(const void *a, const void *b, void *o)
{
	return rank_cmp(a, b, *(const enum order *)o);
}

void
agg_rows_sort(struct aggrow *rows, size_t n, enum order o)
{
	/* An empty table has no rows array: qsort must not see NULL. */
	if (n > 1)
		qsort_r(rows, n, sizeof(*rows), qcmp, &o);
}

static void
swap_rows(struct aggrow *a, struct aggrow *b)
{
	struct aggrow t = *a;

	*a = *b;
	*b = t;
}

/* Sift down in a heap whose root is the worst of the kept rows. */
static void
sift(struct aggrow *h, size_t n, size_t i, enum order o)
{
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && rank_cmp(&h[c + 1], &h[c], o) > 0)
			c++;
		if (rank_cmp(&h[c], &h[i], o) <= 0)
			return;
		swap_rows(&h[c], &h[i]);
		i = c;
	}
}

size_t
agg_rows_top(struct aggrow *rows, size_t n, enum order o, size_t topn)
{
	size_t i, k;

	if (topn == 0)
		return 0;
	if (n <= topn) {
		agg_rows_sort(rows, n, o);
		return n;
	}
	k = topn;
	for (i = k / 2; i-- > 0;)
		sift(rows, k, i, o);
	for (i = k; i < n; i++)
		if (rank_cmp(&rows[i], &rows[0], o) < 0) {
			swap_rows(&rows[i], &rows[0]);
			sift(rows, k, 0, o);
		}
	agg_rows_sort(rows, k, o);
	return k;
}

/* ---- the -s statistics ---- */

#define K1(a)                                                                  \
	{                                                                      \
		1, {a}, 0, 0                                                   \
	}
#define EITHER(a, b)                                                           \
	{                                                                      \
		1, {a}, 1, b                                                   \
	}

static const struct statdef statdefs[] = {
    {"srcip", K1(F_SRCIP), NULL},
    {"dstip", K1(F_DSTIP), NULL},
    {"ip", EITHER(F_SRCIP, F_DSTIP), "ip"},
    {"srcport", K1(F_SRCPORT), NULL},
    {"dstport", K1(F_DSTPORT), NULL},
    {"port", EITHER(F_SRCPORT, F_DSTPORT), "port"},
    {"proto", K1(F_PROTO), NULL},
    {"tos", K1(F_TOS), NULL},
    {"pair", {2, {F_SRCIP, F_DSTIP}, 0, 0}, NULL},
    {"conversation",
     {5, {F_SRCIP, F_SRCPORT, F_DSTIP, F_DSTPORT, F_PROTO}, 0, 0},
     NULL},
    {"exporter", K1(F_EXPORTER), NULL},
    {"inif", K1(F_INIF), NULL},
    {"outif", K1(F_OUTIF), NULL},
    {"srcas", K1(F_SRCAS), NULL},
    {"dstas", K1(F_DSTAS), NULL},
};

const struct statdef *
agg_stat_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(statdefs) / sizeof(statdefs[0]); i++)
		if (strcmp(statdefs[i].name, name) == 0)
			return &statdefs[i];
	return NULL;
}

/* Join names[from..to) with spaces after what buf already holds. */
static void
join_names(char *buf, size_t len, const char *const *names, size_t from,
	   size_t to)
{
	size_t i, n = strlen(buf);

	for (i = from; i < to && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      names[i]);
}

const char *
agg_stat_names(void)
{
	static const char *names[sizeof(statdefs) / sizeof(statdefs[0])];
	static char list[256];
	size_t i;

	if (list[0] == '\0') {
		for (i = 0; i < sizeof(statdefs) / sizeof(statdefs[0]); i++)
			names[i] = statdefs[i].name;
		join_names(list, sizeof(list), names, 0, i);
	}
	return list;
}

const char *
agg_order_list(int with_times)
{
	static char counts[128], all[128];

	if (counts[0] == '\0') {
		join_names(counts, sizeof(counts), agg_order_names, 0,
			   O_TSTART);
		join_names(all, sizeof(all), agg_order_names, O_TSTART,
			   O_NORDERS);
		join_names(all, sizeof(all), agg_order_names, 0, O_TSTART);
	}
	return with_times ? all : counts;
}
