/*
 * stats: hash-table aggregation.
 *
 * The table is open addressing with linear probing over slots that hold
 * the whole entry (counters and key), kept at most 3/4 full, so that a
 * lookup usually touches one cache line; a one- or two-word key (-s srcip,
 * --series) is a single uint64 compared inline, and flows are hashed a
 * batch ahead of their probes so that cache misses overlap.  The hash is
 * seeded from getrandom(), once per process: the keys come from flow
 * files, which whoever sends the flows controls, and a fixed hash would
 * let them force every key into one probe chain.  One seed for all tables
 * makes a key hash alike in every worker's table, so that a merge can move
 * logged flows from one table to another as they are.  The log of a
 * large wide-key table and merging are in agglog.c, the rows and their
 * ranking in aggrank.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "addr6.h"
#include "fields.h"
#include "aggpriv.h"

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

#define BATCH 16 /* records hashed ahead of their probes */

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

/* A one- or two-word key as the uint64 a narrow slot stores. */
static inline uint64_t
key64(const struct aggtab *t, const uint32_t *k)
{
	if (t->nwords == 2)
		return (uint64_t)k[1] << 32 | k[0];
	return t->nwords == 1 ? k[0] : 0;
}

static uint64_t agg_seed;
static pthread_once_t agg_seed_once = PTHREAD_ONCE_INIT;

static void
seed_init(void)
{
	if (getrandom(&agg_seed, sizeof(agg_seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(agg_seed))
		agg_seed =
		    (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&agg_seed;
}

/*
 * Slots for a table: written over at once, so that each page faults once
 * instead of twice (a probe would read the zero page before the first
 * entry is written to it).
 */
static uint8_t *
slots_new(size_t nslots, size_t stride)
{
	uint8_t *p;

	if (nslots > SIZE_MAX / stride || (p = malloc(nslots * stride)) == NULL)
		return NULL;
	return memset(p, 0, nslots * stride);
}

static const int conv_keys[5] = {F_SRCIP, F_SRCPORT, F_DSTIP, F_DSTPORT,
				 F_PROTO};

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
	t->conv = spec->nkeys == 5 && !spec->either &&
		  memcmp(spec->keys, conv_keys, sizeof(conv_keys)) == 0;
	t->nwords = spec->nkeys + t->famword;
	t->narrow = t->nwords <= 2;
	t->stride = t->narrow
			? KEY_OFF + 8
			: (KEY_OFF + 4 + (size_t)t->nwords * 4 + 7) / 8 * 8;
	pthread_once(&agg_seed_once, seed_init);
	t->seed = agg_seed;
	if (t->famword && (t->a6 = addr6_new(t->seed)) == NULL) {
		agg_tab_free(t);
		return NULL;
	}
	t->mask = 1023;
	t->shift = 22;
	t->slots = slots_new(t->mask + 1, t->stride);
	if (t->slots == NULL) {
		agg_tab_free(t);
		return NULL;
	}
	return t;
}

void
agg_tab_free(struct aggtab *t)
{
	if (t == NULL)
		return;
	agg_log_free(t);
	addr6_free(t->a6);
	free(t->slots);
	free(t);
}

static inline uint32_t
slot_hash(const struct aggtab *t, size_t j)
{
	return t->narrow ? hash64(t, slot_key64(t, j)) : slot_wide(t, j)[0];
}

/* 2^k times the slots, moving every entry to its place in the new array. */
int
agg_resize(struct aggtab *t, int k)
{
	struct aggtab o = *t;
	size_t i, j;

	t->mask = ((o.mask + 1) << k) - 1;
	t->shift = o.shift - k;
	if (t->shift < 0 ||
	    (t->slots = slots_new(t->mask + 1, t->stride)) == NULL) {
		*t = o;
		return -1;
	}
	for (i = 0; i <= o.mask; i++) {
		if (slot_ctr(&o, i)->flows == 0)
			continue;
		for (j = home(t, slot_hash(&o, i)); slot_ctr(t, j)->flows != 0;
		     j = (j + 1) & t->mask)
			;
		memcpy(t->slots + j * t->stride, o.slots + i * o.stride,
		       t->stride);
	}
	free(o.slots);
	return 0;
}

static int
grow(struct aggtab *t)
{
	return agg_resize(t, 1);
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
		for (j = home(t, h); slot_ctr(t, j)->flows != 0;
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

	for (j = home(t, h); slot_ctr(t, j)->flows != 0; j = (j + 1) & t->mask)
		if (slot_key64(t, j) == v)
			return slot_ctr(t, j);
	if ((j = place(t, j, h)) == SIZE_MAX)
		return NULL;
	memcpy(t->slots + j * t->stride + KEY_OFF, &v, sizeof(v));
	return fresh(t, j);
}

/* The slot of a wide key k of hash h, or the empty slot where it goes. */
static inline size_t
probe_wide(const struct aggtab *t, const uint32_t *k, uint32_t h)
{
	const uint32_t *w;
	size_t j;
	int i;

	for (j = home(t, h); slot_ctr(t, j)->flows != 0;
	     j = (j + 1) & t->mask) {
		w = slot_wide(t, j);
		if (w[0] != h)
			continue;
		for (i = 0; i < t->nwords && w[i + 1] == k[i]; i++)
			;
		if (i == t->nwords)
			break;
	}
	return j;
}

int
agg_has_wide(const struct aggtab *t, const uint32_t *k, uint32_t h)
{
	return slot_ctr(t, probe_wide(t, k, h))->flows != 0;
}

/* The counters for a wide key k of hash h; created (flows 0) if new. */
struct counters *
agg_lookup_wide(struct aggtab *t, const uint32_t *k, uint32_t h)
{
	uint32_t *w;
	size_t j = probe_wide(t, k, h);

	if (slot_ctr(t, j)->flows != 0)
		return slot_ctr(t, j);
	if ((j = place(t, j, h)) == SIZE_MAX)
		return NULL;
	w = slot_wide(t, j);
	w[0] = h;
	memcpy(w + 1, k, (size_t)t->nwords * 4);
	return fresh(t, j);
}

/* The same for a key of any length. */
struct counters *
agg_lookup(struct aggtab *t, const uint32_t *k)
{
	if (t->narrow) {
		uint64_t v = key64(t, k);

		return lookup64(t, v, hash64(t, v));
	}
	return agg_lookup_wide(t, k, hash_words(t, k));
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
	if (t->logn && agg_log_flush(t, 0) == -1)
		return -1;
	return fold_flow(agg_lookup(t, key), r);
}

int
agg_tab_add_group(struct aggtab *t, const uint32_t *key,
		  const struct flowrec *r, uint64_t flows)
{
	struct counters *c;

	if ((t->logn && agg_log_flush(t, 0) == -1) ||
	    (c = agg_lookup(t, key)) == NULL)
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
	struct counters *c;
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
			if (e > 0 && kv[e - 1] == v) {
				hv[e] = hv[e - 1]; /* a run: see below */
			} else {
				hv[e] = hash64(t, v);
				__builtin_prefetch(slot_ctr(t, home(t, hv[e])));
			}
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
				__builtin_prefetch(slot_ctr(t, home(t, hv[e])));
				e++;
			}
		}
		if (t->oom)
			return -1;
		/*
		 * Flows often come in runs of one key (the exporter of a
		 * file): its counters stay where they are until a key is
		 * added, so a run looks its key up once.
		 */
		for (c = NULL, j = 0; j < e; j++) {
			if (j == 0 || kv[j] != kv[j - 1])
				c = lookup64(t, kv[j], hv[j]);
			if (fold_flow(c, rv[j]) == -1)
				return -1;
		}
	}
	return 0;
}

/* The key words of r into k (the family word last, if kept); its family bits.
 */
static inline uint32_t
rec_key(struct aggtab *t, const struct flowrec *r, uint32_t *k)
{
	const struct aggspec *s = &t->spec;
	uint32_t fam = 0;
	int f;

	/*
	 * An IPv4 flow's conversation: its fields as key_of() reads them,
	 * without a call and a switch for each (~120 instructions a flow).
	 */
	if (t->conv && !flowrec_is_v6(r)) {
		k[0] = r->srcaddr;
		k[1] = r->srcport;
		k[2] = r->dstaddr;
		k[3] = r->dstport;
		k[4] = r->proto;
		k[5] = 0;
		return 0;
	}
	for (f = 0; f < s->nkeys; f++)
		k[f] = key_of(t, s->keys[f], r, f, &fam);
	if (t->famword)
		k[s->nkeys] = fam;
	return fam;
}

int
agg_tab_add_row(struct aggtab *t, const struct aggrow *w)
{
	uint32_t k[AGG_MAXWORDS] = {0};

	rec_key(t, &w->r, k);
	if (t->oom)
		return -1;
	return agg_tab_add_group(t, k, &w->r, w->flows);
}

/* Wide keys of a large table: into the log. */
static int
log_wide(struct aggtab *t, const struct flowrec *recs, size_t n)
{
	uint32_t k[AGG_MAXWORDS] = {0};
	struct counters c;
	size_t i;

	c.flows = 1;
	for (i = 0; i < n; i++) {
		const struct flowrec *r = &recs[i];

		rec_key(t, r, k);
		c.packets = r->packets;
		c.bytes = r->bytes;
		c.first = r->first_ms;
		c.last = r->last_ms;
		if (t->oom || agg_log_put(t, k, hash_words(t, k), &c) == -1)
			return -1;
	}
	return t->logn >= t->logat ? agg_log_flush(t, 1) : 0;
}

int
agg_tab_add_keys(struct aggtab *t, const uint64_t *keys,
		 const struct flowrec *recs, size_t n)
{
	uint32_t hv[BATCH];
	size_t i, j, m;

	if (!t->narrow)
		return -1;
	for (i = 0; i < n; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		for (j = 0; j < m; j++) {
			hv[j] = hash64(t, keys[i + j]);
			__builtin_prefetch(slot_ctr(t, home(t, hv[j])));
		}
		for (j = 0; j < m; j++)
			if (fold_flow(lookup64(t, keys[i + j], hv[j]),
				      &recs[i + j]) == -1)
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
	uint32_t kv[BATCH][AGG_MAXWORDS] = {{0}}, hv[BATCH];
	size_t i, j, m;
	int lg;

	if ((lg = agg_logging(t, n)) == -1)
		return -1;
	if (lg)
		return log_wide(t, recs, n);
	for (i = 0; i < n; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		for (j = 0; j < m; j++) {
			rec_key(t, &recs[i + j], kv[j]);
			hv[j] = hash_words(t, kv[j]);
			__builtin_prefetch(slot_ctr(t, home(t, hv[j])));
		}
		if (t->oom)
			return -1;
		for (j = 0; j < m; j++)
			if (fold_flow(agg_lookup_wide(t, kv[j], hv[j]),
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

	if (t->narrow && t->nwords > 0)
		return add_narrow(t, recs, n);
	if (!t->narrow && !s->either)
		return add_wide(t, recs, n);
	for (i = 0; i < n; i++) {
		const struct flowrec *r = &recs[i];

		fam = rec_key(t, r, k);
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

void
agg_tab_clear(struct aggtab *t)
{
	memset(t->slots, 0, (t->mask + 1) * t->stride);
	t->n = 0;
}

size_t
agg_tab_size(const struct aggtab *t)
{
	agg_settle(t);
	return t->n;
}
