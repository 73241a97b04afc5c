/*
 * aggrank: the rows of a table and their ranking.
 *
 * Ranking uses a bounded selection: the best N rows are kept in a binary
 * heap while scanning (O(n log N)), then sorted; only -O sorts everything.
 * agg_tab_top() does the same straight from the slots, so that a table of
 * millions of conversations never becomes an array of rows, and, for a
 * table that still has a log (agglog.c), partition by partition, so that
 * the log is never folded into one table of every key.  agg_tab_tops()
 * ranks by several orders in one such pass.
 *
 * The partitions of a logged table are independent: with several threads
 * (agg_rank_threads()) each takes partitions in turn into its own small
 * table and heaps, and the heaps are merged at the end.  The rows ranked
 * are the same, in the same order: every key is in one partition only,
 * and rank_cmp() is a total order on distinct keys, so the best N rows of
 * the union are the best N of the threads' best N, whichever thread saw
 * which partition.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "addr6.h"
#include "fields.h"
#include "aggpriv.h"

/* Slot j's key words and counters into w, whose other fields stay. */
static void
slot_row(const struct aggtab *t, size_t j, struct aggrow *w)
{
	const struct counters *c = slot_ctr(t, j);

	slot_words(t, j, w->key);
	w->flows = c->flows;
	w->r.packets = c->packets;
	w->r.bytes = c->bytes;
	w->r.first_ms = c->first;
	w->r.last_ms = c->last;
}

/* The key fields of w's record from its key words. */
static void
row_fields(const struct aggtab *t, struct aggrow *w)
{
	int i;

	for (i = 0; i < t->spec.nkeys; i++) {
		if (t->famword && (w->key[t->nwords - 1] >> i & 1))
			field_set6(t->spec.keys[i], &w->r,
				   addr6_get(t->a6, w->key[i]));
		else
			field_set(t->spec.keys[i], &w->r, w->key[i]);
	}
}

struct aggrow *
agg_tab_rows(const struct aggtab *t, size_t *n)
{
	struct aggrow *rows, *w;
	size_t j;

	*n = 0;
	if (agg_settle(t) == -1 || t->n == 0 ||
	    (rows = calloc(t->n, sizeof(*rows))) == NULL)
		return NULL;
	for (w = rows, j = 0; j <= t->mask; j++) {
		if (slot_ctr(t, j)->flows == 0)
			continue;
		slot_row(t, j, w);
		row_fields(t, w);
		w++;
	}
	*n = t->n;
	return rows;
}

/* ---- ordering ---- */

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
		uint64_t x = field_get(agg_order_field(o), &a->r, a->flows);
		uint64_t y = field_get(agg_order_field(o), &b->r, b->flows);

		if (x != y)
			return x > y ? -1 : 1;
	}
	/*
	 * An IPv6 key word is an id in order of appearance, which differs
	 * between runs (threads merge tables in any order) and from --db:
	 * ties rank IPv4 keys first, then IPv6 ones by address.  The rows'
	 * key fields must be set (row_fields) for this to hold.
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

/* A count order's value of counters c; -1 for the others. */
static inline int64_t
count_value(const struct counters *c, enum order o)
{
	switch (o) {
	case O_FLOWS:
		return (int64_t)c->flows;
	case O_PACKETS:
		return (int64_t)c->packets;
	case O_BYTES:
		return (int64_t)c->bytes;
	default:
		return -1;
	}
}

static inline int64_t
count_value_row(const struct aggrow *r, enum order o)
{
	struct counters c = {r->flows, r->r.packets, r->r.bytes, 0, 0};

	return count_value(&c, o);
}

/* The best rows so far: a heap of topn rows whose root is the worst. */
struct topheap {
	struct aggrow *h, cand;
	size_t k, topn;
	int64_t rootv;
	enum order o;
};

/*
 * Offer slot j of table s, whose key words are t's (t's IPv6 ids), to
 * the heap: a candidate row is built only when its count reaches the
 * root's.
 */
static void
top_offer(struct topheap *q, const struct aggtab *s, size_t j,
	  const struct aggtab *t)
{
	const struct counters *c = slot_ctr(s, j);
	int64_t v;
	size_t i;

	if (q->k < q->topn) {
		slot_row(s, j, &q->h[q->k]);
		if (t->famword)
			row_fields(t, &q->h[q->k]);
		if (++q->k == q->topn) {
			for (i = q->k / 2; i-- > 0;)
				sift(q->h, q->k, i, q->o);
			q->rootv = count_value_row(&q->h[0], q->o);
		}
		return;
	}
	if ((v = count_value(c, q->o)) >= 0 && v < q->rootv)
		return;
	if (t->famword) { /* the IPv6 tie-break reads the fields */
		memset(&q->cand, 0, sizeof(q->cand));
		slot_row(s, j, &q->cand);
		row_fields(t, &q->cand);
	} else
		slot_row(s, j, &q->cand);
	if (rank_cmp(&q->cand, &q->h[0], q->o) < 0) {
		q->h[0] = q->cand;
		sift(q->h, q->k, 0, q->o);
		q->rootv = count_value_row(&q->h[0], q->o);
	}
}

/* Empty heaps of topn rows for the no orders o.  0 or -1 (q[i].h NULL). */
static int
heaps_new(struct topheap *q, const enum order *o, int no, size_t topn)
{
	int i, rc = 0;

	memset(q, 0, (size_t)no * sizeof(*q));
	for (i = 0; i < no; i++) {
		q[i].topn = topn;
		q[i].rootv = -1;
		q[i].o = o[i];
		if ((q[i].h = calloc(topn, sizeof(*q[i].h))) == NULL)
			rc = -1;
	}
	return rc;
}

/*
 * Threads ranking a logged table: 1 (the caller's only) until the program
 * says otherwise.  Set before any ranking starts.
 */
static int rank_threads = 1;

/* At most this many, whatever agg_rank_threads() is given. */
#define RANK_MAXTHREADS 64

void
agg_rank_threads(int n)
{
	rank_threads = n < 1 ? 1 : n > RANK_MAXTHREADS ? RANK_MAXTHREADS : n;
}

/*
 * One thread's share of ranking a logged table: the partitions it takes
 * (through the shared index next) go to its heaps q.  Ranker 0 is the
 * calling thread, whose heaps are agg_tab_tops()'; the others' are own.
 * rc is -1 when it ran out of memory.  Nothing but next is shared.
 */
struct ranker {
	const struct aggtab *t;
	struct topheap *q, own[AGG_MAXTOPS];
	int nq, rc;
	size_t *next;
	pthread_t tid;
	int started; /* tid runs */
};

/*
 * A table with a log (millions of conversations) is ranked partition by
 * partition: each partition's entries, from the slots and the log, are
 * folded into a small table that stays in the cache, which is offered to
 * the heaps and emptied for the next.  The log is not folded into the
 * table, which would have to grow to hold every key.  agg_log_part()
 * only reads t, so rankers share it.
 */
static void *
top_parts(void *arg)
{
	struct ranker *r = arg;
	const struct aggtab *t = r->t;
	struct aggtab *s;
	size_t p, j;
	int i;

	if ((s = agg_tab_new(&t->spec)) == NULL)
		r->rc = -1;
	while (r->rc == 0 && (p = __atomic_fetch_add(
				  r->next, 1, __ATOMIC_RELAXED)) < LOG_PARTS) {
		if (s->n > 0)
			agg_tab_clear(s);
		r->rc = agg_log_part(s, t, p);
		for (j = 0; r->rc == 0 && j <= s->mask; j++)
			if (slot_ctr(s, j)->flows != 0)
				for (i = 0; i < r->nq; i++)
					top_offer(&r->q[i], s, j, t);
	}
	/* Out of memory: the others stop after their partition. */
	if (r->rc == -1)
		__atomic_store_n(r->next, LOG_PARTS, __ATOMIC_RELAXED);
	agg_tab_free(s);
	return NULL;
}

/*
 * Fold heap b into heap a (same order and topn): the best topn of both.
 * The rows are compared as top_offer() left them, as they were when
 * kept.  0 or -1.
 */
static int
heap_merge(struct topheap *a, const struct topheap *b)
{
	struct aggrow *h;

	if (b->k == 0)
		return 0;
	if ((h = realloc(a->h, (a->k + b->k) * sizeof(*h))) == NULL)
		return -1;
	memcpy(h + a->k, b->h, b->k * sizeof(*h));
	a->h = h;
	a->k = agg_rows_top(h, a->k + b->k, a->o, a->topn);
	return 0;
}

/*
 * Rank logged table t into the heaps q (nq of them, empty) on up to
 * rank_threads threads.  More threads only while their heaps stay small
 * beside the table (topn at most 1/64 of its entries): each has heaps of
 * its own.  A ranker that cannot have its heaps or its thread leaves its
 * partitions to the others.  0 or -1.
 */
static int
rank_parts(struct topheap *q, int nq, const struct aggtab *t)
{
	struct ranker one, *rk = &one;
	enum order o[AGG_MAXTOPS];
	size_t next = 0, topn = q[0].topn;
	int nr = rank_threads, r, i, rc = 0;

	memset(&one, 0, sizeof(one));
	if (nr > 1 && topn > (t->n + t->logn) / 64)
		nr = 1;
	if (nr > 1 && (rk = calloc((size_t)nr, sizeof(*rk))) == NULL) {
		rk = &one;
		nr = 1;
	}
	for (i = 0; i < nq; i++)
		o[i] = q[i].o;
	for (r = 0; r < nr; r++) {
		rk[r].t = t;
		rk[r].nq = nq;
		rk[r].next = &next;
		rk[r].q = r == 0 ? q : rk[r].own;
		if (r > 0 && heaps_new(rk[r].own, o, nq, topn) == 0 &&
		    pthread_create(&rk[r].tid, NULL, top_parts, &rk[r]) == 0)
			rk[r].started = 1;
	}
	top_parts(&rk[0]);
	for (r = 0; r < nr; r++) {
		if (rk[r].started)
			pthread_join(rk[r].tid, NULL);
		if (rk[r].rc == -1)
			rc = -1;
	}
	for (r = 1; r < nr; r++)
		for (i = 0; i < nq; i++) {
			if (rc == 0 && heap_merge(&q[i], &rk[r].own[i]) == -1)
				rc = -1;
			free(rk[r].own[i].h);
		}
	if (rk != &one)
		free(rk);
	return rc;
}

/*
 * The best topn rows straight from the slots (and the log, if any), for
 * each order in one pass.  Ranking a table of millions of conversations
 * so needs topn rows of memory instead of one row (~270 bytes) per entry.
 */
int
agg_tab_tops(const struct aggtab *t, const enum order *o, int no, size_t topn,
	     struct aggrow **rows, size_t *n)
{
	struct topheap q[AGG_MAXTOPS];
	size_t j, k;
	int i, rc = 0;

	if (topn > t->n + t->logn)
		topn = t->n + t->logn;
	for (i = 0; i < no; i++) {
		rows[i] = NULL;
		n[i] = 0;
	}
	if (no < 1 || no > AGG_MAXTOPS || topn == 0)
		return no > AGG_MAXTOPS ? -1 : 0;
	rc = heaps_new(q, o, no, topn);
	if (rc == 0 && t->logn > 0)
		rc = rank_parts(q, no, t);
	else if (rc == 0)
		for (j = 0; j <= t->mask; j++)
			if (slot_ctr(t, j)->flows != 0)
				for (i = 0; i < no; i++)
					top_offer(&q[i], t, j, t);
	for (i = 0; i < no; i++) {
		if (rc == -1) {
			free(q[i].h);
			continue;
		}
		for (k = 0; k < q[i].k; k++)
			row_fields(t, &q[i].h[k]);
		agg_rows_sort(q[i].h, q[i].k, o[i]);
		rows[i] = q[i].h;
		n[i] = q[i].k;
	}
	return rc;
}

struct aggrow *
agg_tab_top(const struct aggtab *t, enum order o, size_t topn, size_t *n)
{
	struct aggrow *rows;

	agg_tab_tops(t, &o, 1, topn, &rows, n);
	return rows;
}
