/*
 * stats: hash-table aggregation and top-N ranking.
 *
 * The table is open addressing with linear probing over an array of
 * (hash, entry index) slots kept at most half full; the entries themselves
 * live in one growing array with a stride fitted to the key length, so a
 * one-word key (-s srcip) costs 48 bytes per distinct value.  The hash is
 * seeded per table from getrandom(): the keys come from flow files, which
 * whoever sends the flows controls, and a fixed hash would let them force
 * every key into one probe chain.
 *
 * Ranking uses a bounded selection: the best N rows are kept in a binary
 * heap while scanning (O(n log N)), then sorted; only -O sorts everything.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fields.h"
#include "stats.h"

/* ---- summary ---- */

void
summary_init(struct summary *s)
{
	memset(s, 0, sizeof(*s));
	s->first = INT64_MAX;
	s->last = INT64_MIN;
}

void
summary_add(struct summary *s, const struct flowrec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		s->packets += r[i].packets;
		s->bytes += r[i].bytes;
		if (r[i].first_ms < s->first)
			s->first = r[i].first_ms;
		if (r[i].last_ms > s->last)
			s->last = r[i].last_ms;
	}
	s->flows += n;
}

void
summary_merge(struct summary *s, const struct summary *o)
{
	s->flows += o->flows;
	s->packets += o->packets;
	s->bytes += o->bytes;
	if (o->first < s->first)
		s->first = o->first;
	if (o->last > s->last)
		s->last = o->last;
}

/* ---- hash table ---- */

struct counters {
	uint64_t	flows, packets, bytes;
	int64_t		first, last;
};

struct slot {
	uint32_t	hash;
	uint32_t	idx;		/* entry index + 1; 0 = empty */
};

struct aggtab {
	struct aggspec	 spec;
	int		 nwords;	/* key words per entry */
	size_t		 stride;	/* bytes per entry */
	uint64_t	 seed;
	struct slot	*slots;
	size_t		 mask;		/* slots - 1 (power of two) */
	uint8_t		*ents;
	size_t		 n, cap;	/* entries used / allocated */
};

static inline struct counters *
ent_ctr(const struct aggtab *t, size_t i)
{
	return (struct counters *)(void *)(t->ents + i * t->stride);
}

static inline uint32_t *
ent_key(const struct aggtab *t, size_t i)
{
	return (uint32_t *)(void *)(t->ents + i * t->stride +
	    sizeof(struct counters));
}

static inline uint32_t
hash_key(const struct aggtab *t, const uint32_t *k)
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
aggtab_new(const struct aggspec *spec)
{
	struct aggtab *t;

	if (spec->nkeys < 0 || spec->nkeys > AGG_MAXKEY)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->spec = *spec;
	t->nwords = spec->nkeys;
	t->stride = sizeof(struct counters) +
	    ((size_t)t->nwords * 4 + 7) / 8 * 8;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(t->seed))
		t->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)t;
	t->mask = 1023;
	t->slots = calloc(t->mask + 1, sizeof(*t->slots));
	if (t->slots == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
aggtab_free(struct aggtab *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t->ents);
	free(t);
}

static int
grow_slots(struct aggtab *t)
{
	size_t nmask = t->mask * 2 + 1, i, j;
	struct slot *ns = calloc(nmask + 1, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (i = 0; i <= t->mask; i++) {
		if (t->slots[i].idx == 0)
			continue;
		for (j = t->slots[i].hash & nmask; ns[j].idx != 0;
		    j = (j + 1) & nmask)
			;
		ns[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = ns;
	t->mask = nmask;
	return 0;
}

/* The counters for key k, created (zeroed) if new; NULL on ENOMEM. */
static struct counters *
lookup(struct aggtab *t, const uint32_t *k)
{
	uint32_t h = hash_key(t, k);
	size_t j, i;
	struct counters *c;

	for (j = h & t->mask; t->slots[j].idx != 0; j = (j + 1) & t->mask) {
		if (t->slots[j].hash != h)
			continue;
		i = t->slots[j].idx - 1;
		if (memcmp(ent_key(t, i), k, (size_t)t->nwords * 4) == 0)
			return ent_ctr(t, i);
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		uint8_t *ne;

		if (ncap >= UINT32_MAX ||
		    (ne = realloc(t->ents, ncap * t->stride)) == NULL)
			return NULL;
		t->ents = ne;
		t->cap = ncap;
	}
	i = t->n++;
	c = ent_ctr(t, i);
	memset(c, 0, t->stride);
	c->first = INT64_MAX;
	c->last = INT64_MIN;
	memcpy(ent_key(t, i), k, (size_t)t->nwords * 4);
	t->slots[j].hash = h;
	t->slots[j].idx = (uint32_t)(i + 1);
	if (t->n * 2 > t->mask && grow_slots(t) == -1)
		return NULL;
	/* Growing moves slots but not entries, so c stays valid. */
	return ent_ctr(t, i);
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

int
aggtab_add_key(struct aggtab *t, const uint32_t *key, const struct flowrec *r)
{
	struct counters *c = lookup(t, key);

	if (c == NULL)
		return -1;
	fold(c, 1, r->packets, r->bytes, r->first_ms, r->last_ms);
	return 0;
}

int
aggtab_add(struct aggtab *t, const struct flowrec *recs, size_t n)
{
	uint32_t k[AGG_MAXKEY] = { 0 }, k2;
	const struct aggspec *s = &t->spec;
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		const struct flowrec *r = &recs[i];

		for (j = 0; j < s->nkeys; j++)
			k[j] = (uint32_t)field_get(s->keys[j], r, 1);
		if (aggtab_add_key(t, k, r) == -1)
			return -1;
		if (s->either) {
			/* The other side counts too, once per flow. */
			k2 = (uint32_t)field_get(s->other, r, 1);
			if (k2 != k[0]) {
				k[0] = k2;
				if (aggtab_add_key(t, k, r) == -1)
					return -1;
			}
		}
	}
	return 0;
}

int
aggtab_merge(struct aggtab *dst, const struct aggtab *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		const struct counters *s = ent_ctr(src, i);
		struct counters *c = lookup(dst, ent_key(src, i));

		if (c == NULL)
			return -1;
		fold(c, s->flows, s->packets, s->bytes, s->first, s->last);
	}
	return 0;
}

size_t
aggtab_size(const struct aggtab *t)
{
	return t->n;
}

struct aggrow *
aggtab_rows(const struct aggtab *t, size_t *n)
{
	struct aggrow *rows;
	size_t i;
	int j;

	*n = 0;
	if (t->n == 0 || (rows = calloc(t->n, sizeof(*rows))) == NULL)
		return NULL;
	for (i = 0; i < t->n; i++) {
		const struct counters *c = ent_ctr(t, i);
		const uint32_t *k = ent_key(t, i);
		struct aggrow *w = &rows[i];

		for (j = 0; j < t->nwords; j++) {
			w->key[j] = k[j];
			field_set(t->spec.keys[j], &w->r, k[j]);
		}
		w->flows = c->flows;
		w->r.packets = c->packets;
		w->r.bytes = c->bytes;
		w->r.first_ms = c->first;
		w->r.last_ms = c->last;
	}
	*n = t->n;
	return rows;
}

/* ---- ordering ---- */

const char *const order_names[O_NORDERS] = {
	"flows", "packets", "bytes", "bps", "pps", "bpp", "tstart", "tend",
};

static const int order_fields[O_NORDERS] = {
	F_FLOWS, F_PACKETS, F_BYTES, F_BPS, F_PPS, F_BPP, F_FIRST, F_LAST,
};

int
order_field(enum order o)
{
	return order_fields[o];
}

int
order_lookup(const char *name)
{
	int i;

	for (i = 0; i < O_NORDERS; i++)
		if (strcmp(order_names[i], name) == 0)
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
	for (i = 0; i < AGG_MAXKEY; i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return 0;
}

static enum order sort_order;	/* qsort has no context argument */

static int
qcmp(const void *a, const void *b)
{
	return rank_cmp(a, b, sort_order);
}

void
aggrows_sort(struct aggrow *rows, size_t n, enum order o)
{
	sort_order = o;
	qsort(rows, n, sizeof(*rows), qcmp);
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
aggrows_top(struct aggrow *rows, size_t n, enum order o, size_t topn)
{
	size_t i, k;

	if (topn == 0)
		return 0;
	if (n <= topn) {
		aggrows_sort(rows, n, o);
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
	aggrows_sort(rows, k, o);
	return k;
}

/* ---- the -s statistics ---- */

#define K1(a)		{ 1, { a }, 0, 0 }
#define EITHER(a, b)	{ 1, { a }, 1, b }

static const struct statdef statdefs[] = {
	{ "srcip", K1(F_SRCIP), NULL },
	{ "dstip", K1(F_DSTIP), NULL },
	{ "ip", EITHER(F_SRCIP, F_DSTIP), "ip" },
	{ "srcport", K1(F_SRCPORT), NULL },
	{ "dstport", K1(F_DSTPORT), NULL },
	{ "port", EITHER(F_SRCPORT, F_DSTPORT), "port" },
	{ "proto", K1(F_PROTO), NULL },
	{ "tos", K1(F_TOS), NULL },
	{ "pair", { 2, { F_SRCIP, F_DSTIP }, 0, 0 }, NULL },
	{ "conversation", { 5, { F_SRCIP, F_SRCPORT, F_DSTIP, F_DSTPORT,
	    F_PROTO }, 0, 0 }, NULL },
	{ "exporter", K1(F_EXPORTER), NULL },
	{ "inif", K1(F_INIF), NULL },
	{ "outif", K1(F_OUTIF), NULL },
	{ "srcas", K1(F_SRCAS), NULL },
	{ "dstas", K1(F_DSTAS), NULL },
};

const struct statdef *
statdef_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(statdefs) / sizeof(statdefs[0]); i++)
		if (strcmp(statdefs[i].name, name) == 0)
			return &statdefs[i];
	return NULL;
}

const char *
statdef_names(void)
{
	return "srcip dstip ip srcport dstport port proto tos pair "
	    "conversation exporter inif outif srcas dstas";
}
