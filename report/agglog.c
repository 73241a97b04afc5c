/*
 * agglog: the log of a large wide-key table (aggregate.c), and merging
 * tables, which for such tables is mostly moving logs.
 */
#include <stdlib.h>
#include <string.h>

#include "addr6.h"
#include "aggpriv.h"

/*
 * Wide keys in a large table (millions of conversations) are not looked
 * up flow by flow, which misses the cache and the TLB on nearly every
 * probe: the flows are logged, as entries of their counters and key
 * (struct logent, aggpriv.h), in LOG_PARTS partitions by the top bits of
 * their hash, and folded in partition by partition.  A slot's place is the top
 * bits of its hash too, so the flows of one partition land in one 1/LOG_PARTS
 * of the slots, which stays in the cache while they are folded in.  The log is
 * folded in when it holds LOG_MIN entries more than the table (or, see below,
 * when it has doubled), so that it never needs much more memory than the table,
 * and before any read.  256 partitions rather than 1024: the chunks being
 * written to then stay in the cache too, which saved more (10M
 * conversations: 7.8 s of cpu against 9-10 s) than the smaller parts of the
 * slots (4.5 MiB each at 10M entries) cost.  Huge pages (MADV_HUGEPAGE) for the
 * slots made the same run's system time 3x longer on the test machine: not
 * used.
 *
 * Folding pays only if the log holds keys more than once.  A periodic
 * fold therefore starts with a sample, the first LOG_SAMPLE partitions
 * (a random share of the keys, by their hash); when at least 7/8 of it
 * would be new keys, the log stays as it is until it has doubled.  A log
 * entry is smaller than the slots a key takes (64 bytes against 96 to
 * 192), so with all-new keys (conversations with ephemeral ports) this
 * uses less memory than folding, and each flow is folded in once, at the
 * end, instead of being copied by every resize of the growing table.
 */
#define LOG_START 65536	   /* entries of a table that starts logging */
#define LOG_MIN (1u << 16) /* log entries beyond the table's */
#define LOG_CHUNK 256	   /* entries per chunk */
#define LOG_SAMPLE 2	   /* partitions counted to see if folding pays */

static void
spare_free(struct aggtab *t)
{
	struct logchunk *ch;

	while ((ch = t->spare) != NULL) {
		t->spare = ch->next;
		free(ch);
	}
}

void
agg_log_free(struct aggtab *t)
{
	struct logchunk *ch, *nx;
	size_t p;

	spare_free(t);
	for (p = 0; t->part != NULL && p < LOG_PARTS; p++)
		for (ch = t->part[p]; ch != NULL; ch = nx) {
			nx = ch->next;
			free(ch);
		}
	free(t->part);
	free(t->cur);
}

static inline const struct logent *
ent_at(const struct aggtab *t, const struct logchunk *ch, size_t i)
{
	return (const void *)(ch->e + i * t->lstride);
}

static inline void
fold_ent(struct counters *c, const struct logent *le)
{
	fold(c, le->flows, le->packets, le->bytes, le->first, le->last);
}

static inline void
ent_ctr(const struct logent *le, struct counters *c)
{
	c->flows = le->flows;
	c->packets = le->packets;
	c->bytes = le->bytes;
	c->first = le->first;
	c->last = le->last;
}

/*
 * Appending to partition p writes at its cursor, without touching the
 * chunk's header (another cache line for each of the 256 partitions):
 * the entries of the chunk a cursor points into are counted by the
 * cursor.
 */
static inline size_t
log_n(const struct aggtab *t, size_t p, const struct logchunk *ch)
{
	const struct logcur *cu = &t->cur[p];

	return cu->end != NULL && ch == t->part[p]
		   ? (size_t)(cu->at - ch->e) / t->lstride
		   : ch->n;
}

/* Count partition p's first chunk in its header and drop its cursor. */
static void
log_close(struct aggtab *t, size_t p)
{
	struct logcur *cu = &t->cur[p];

	if (cu->end == NULL)
		return;
	t->part[p]->n = log_n(t, p, t->part[p]);
	cu->at = cu->end = NULL;
}

/* A new chunk at the head of partition p, with the cursor.  -1 on ENOMEM. */
static int
log_chunk(struct aggtab *t, size_t p)
{
	struct logchunk *ch;

	if ((ch = t->spare) != NULL)
		t->spare = ch->next;
	else if ((ch = aligned_alloc(64, sizeof(*ch) +
					     LOG_CHUNK * t->lstride)) == NULL)
		return -1;
	log_close(t, p);
	ch->next = t->part[p];
	ch->n = 0;
	ch->v6 = 0;
	t->part[p] = ch;
	t->cur[p].at = ch->e;
	t->cur[p].end = ch->e + LOG_CHUNK * t->lstride;
	return 0;
}

/* Append an entry of flows (not 0) flows and c's other counters. */
static inline int
log_put(struct aggtab *t, const uint32_t *k, uint32_t h,
	const struct counters *c, uint32_t flows)
{
	size_t p = h >> (32 - LOG_BITS);
	struct logcur *cu = &t->cur[p];
	struct logent *le;

	if (cu->at == cu->end && log_chunk(t, p) == -1)
		return -1;
	if (t->famword && k[t->nwords - 1] != 0)
		t->part[p]->v6 = 1;
	le = (void *)cu->at;
	cu->at += t->lstride;
	le->packets = c->packets;
	le->bytes = c->bytes;
	le->first = c->first;
	le->last = c->last;
	le->h = h;
	le->flows = flows;
	memcpy(le->k, k, (size_t)t->nwords * 4);
	/*
	 * The partition's next entry, for writing: 256 partitions are more
	 * write streams than the hardware prefetcher follows, and a store
	 * that misses holds up the ones after it.
	 */
	if (cu->at != cu->end) {
		__builtin_prefetch(cu->at, 1);
		__builtin_prefetch(cu->at + t->lstride - 1, 1);
	}
	t->logn++;
	return 0;
}

/* Append an entry (key k of hash h, counters c) to the log.  0 or -1. */
int
agg_log_put(struct aggtab *t, const uint32_t *k, uint32_t h,
	    const struct counters *c)
{
	const struct counters none = {0, 0, 0, INT64_MAX, INT64_MIN};
	uint64_t n = c->flows;

	/* A count an entry cannot hold: the excess in entries of its own. */
	for (; n > UINT32_MAX; n -= UINT32_MAX)
		if (log_put(t, k, h, &none, UINT32_MAX) == -1)
			return -1;
	return log_put(t, k, h, c, (uint32_t)n);
}

/* Is t a wide table that logs (from now on)?  -1 on ENOMEM. */
int
agg_logging(struct aggtab *t, size_t more)
{
	if (t->part != NULL)
		return 1;
	if (t->narrow || t->n + more < LOG_START)
		return 0;
	/* An array of LOG_PARTS chunk-list heads: pointers, on purpose. */
	// NOLINTNEXTLINE(bugprone-sizeof-expression)
	t->part = calloc(LOG_PARTS, sizeof(t->part[0]));
	t->cur = calloc(LOG_PARTS, sizeof(t->cur[0]));
	if (t->part == NULL || t->cur == NULL) {
		free(t->part);
		free(t->cur);
		t->part = NULL;
		t->cur = NULL;
		return -1;
	}
	t->lstride =
	    (sizeof(struct logent) + (size_t)t->nwords * 4 + 7) / 8 * 8;
	t->logat = LOG_MIN + t->n;
	return 1;
}

/* Fold partition p of the log in; its chunks are kept if keep.  0 or -1. */
static int
fold_part(struct aggtab *t, size_t p, int keep)
{
	struct logchunk *ch, *nx;
	const struct logent *le;
	struct counters *c;
	size_t i;
	int rc = 0;

	log_close(t, p);
	for (ch = t->part[p]; ch != NULL; ch = nx) {
		nx = ch->next;
		for (i = 0; rc == 0 && i < ch->n; i++) {
			if (i + 4 < ch->n)
				__builtin_prefetch(slot_ctr(
				    t, home(t, ent_at(t, ch, i + 4)->h)));
			le = ent_at(t, ch, i);
			if ((c = agg_lookup_wide(t, le->k, le->h)) == NULL)
				rc = -1;
			else
				fold_ent(c, le);
		}
		t->logn -= ch->n;
		if (keep) {
			ch->next = t->spare;
			t->spare = ch;
		} else
			free(ch);
	}
	t->part[p] = NULL;
	return rc;
}

/*
 * Count the distinct keys of the log's first LOG_SAMPLE partitions (*done
 * entries) that t does not hold yet (*fresh), in a table of their own:
 * folded into t they could not be taken back, and before t has grown for
 * the whole log they would pile up in its first slots (a slot's place is
 * its hash's top bits).  0 or -1.
 */
static int
log_sample(const struct aggtab *t, size_t *done, size_t *fresh)
{
	const struct logchunk *ch;
	const struct logent *le;
	struct aggtab *s;
	struct counters *c;
	const uint32_t *w;
	size_t p, i, j, n;
	int rc = 0;

	*done = *fresh = 0;
	if ((s = agg_tab_new(&t->spec)) == NULL)
		return -1;
	for (p = 0; p < LOG_SAMPLE; p++)
		for (ch = t->part[p]; ch != NULL; ch = ch->next) {
			for (i = 0, n = log_n(t, p, ch); rc == 0 && i < n;
			     i++) {
				le = ent_at(t, ch, i);
				c = agg_lookup_wide(s, le->k,
						    le->h << LOG_BITS);
				if (c == NULL)
					rc = -1;
				else
					c->flows = 1;
			}
			*done += n;
		}
	for (j = 0; rc == 0 && j <= s->mask; j++) {
		if (slot_ctr(s, j)->flows == 0)
			continue;
		w = slot_wide(s, j) + 1;
		if (!agg_has_wide(t, w, hash_words(t, w)))
			(*fresh)++;
	}
	agg_tab_free(s);
	return rc;
}

/*
 * Fold the log into the slots, partition by partition.  0 or -1.  The
 * chunks are kept for the next flows if keep, and then the log is left
 * as it is if a sample says folding does not pay (see LOG_SAMPLE).
 */
int
agg_log_flush(struct aggtab *t, int keep)
{
	size_t p, n0 = t->n, total = t->logn, done = 0, fresh = 0, est, k;
	int rc = 0;

	if (total > 0 && log_sample(t, &done, &fresh) == -1)
		return -1;
	if (total > 0 && keep && done > 0 && fresh * 8 >= done * 7) {
		/* Nearly all new keys: the log waits. */
		t->logat = 2 * total > LOG_MIN + n0 ? 2 * total : LOG_MIN + n0;
		return 0;
	}
	for (p = 0; t->logn > 0 && p < LOG_PARTS; p++) {
		/*
		 * Grow at once for the size the sample, then the partitions
		 * folded so far (a range of hashes each) foretell, or the
		 * slots' first part fills up beyond 3/4 on its own.
		 */
		if (total > t->logn)
			est = n0 + (t->n - n0) * total / (total - t->logn);
		else
			est = n0 + (done > 0 ? fresh * total / done : 0);
		for (k = 0; est * 4 > ((t->mask + 1) << k) * 3; k++)
			;
		if (rc == 0 && k > 0)
			rc = agg_resize(t, (int)k);
		if (fold_part(t, p, keep) == -1)
			rc = -1;
	}
	t->logn = 0;
	t->logat = LOG_MIN + t->n;
	if (!keep)
		spare_free(t);
	return rc;
}

/*
 * Fold the entries of t whose hash is in partition p, from its slots and
 * from its log, into s, a table of t's spec that holds nothing else.  In
 * s the hashes are shifted past the partition bits, so that the entries
 * spread over all of its slots.  t does not change.  0 or -1.
 */
int
agg_log_part(struct aggtab *s, const struct aggtab *t, size_t p)
{
	size_t span = (t->mask + 1) >> LOG_BITS, j, m, i, n;
	const struct counters *lc;
	const struct logchunk *ch;
	const struct logent *le;
	const uint32_t *w;
	struct counters *c;

	/*
	 * p's entries start at or after the slots of its hashes; an entry
	 * there can also be p - 1's, pushed along by linear probing, and p's
	 * last ones can be pushed past them, into the occupied run after.
	 */
	for (j = p * span, m = 0; m < span || slot_ctr(t, j)->flows != 0;
	     m++, j = (j + 1) & t->mask) {
		lc = slot_ctr(t, j);
		w = slot_wide(t, j);
		if (lc->flows == 0 || w[0] >> (32 - LOG_BITS) != p)
			continue;
		if ((c = agg_lookup_wide(s, w + 1, w[0] << LOG_BITS)) == NULL)
			return -1;
		fold(c, lc->flows, lc->packets, lc->bytes, lc->first, lc->last);
	}
	for (ch = t->part != NULL ? t->part[p] : NULL; ch != NULL;
	     ch = ch->next)
		for (i = 0, n = log_n(t, p, ch); i < n; i++) {
			le = ent_at(t, ch, i);
			if ((c = agg_lookup_wide(s, le->k,
						 le->h << LOG_BITS)) == NULL)
				return -1;
			fold_ent(c, le);
		}
	return 0;
}

/*
 * Readers fold the log in first; they change nothing that they show, so
 * they keep taking a const table.  -1 on ENOMEM.
 */
int
agg_settle(const struct aggtab *t)
{
	return t->logn ? agg_log_flush((struct aggtab *)t, 0) : 0;
}

/* Fold src's entry (key k, counters c) into dst.  0 or -1. */
static int
merge_entry(struct aggtab *dst, const struct aggtab *src, uint32_t *k,
	    const struct counters *c, int lg)
{
	struct counters *d;
	uint32_t fam;
	int i;

	/* IPv6 ids are the source table's: take dst's. */
	fam = src->famword ? k[src->nwords - 1] : 0;
	for (i = 0; fam != 0 && i < src->spec.nkeys; i++)
		if (fam >> i & 1 &&
		    (k[i] = addr6_intern(dst->a6, addr6_get(src->a6, k[i]))) ==
			UINT32_MAX)
			return -1;
	if (lg)
		return agg_log_put(dst, k, hash_words(dst, k), c);
	if ((d = agg_lookup(dst, k)) == NULL)
		return -1;
	fold(d, c->flows, c->packets, c->bytes, c->first, c->last);
	return 0;
}

/*
 * Move src's log chunks of partition p to dst's log (which must log), as
 * they are: every table has the same seed, so an entry's hash is dst's.
 * Entries with IPv6 ids (src's own) are merged one by one, re-interned
 * and re-hashed, and the chunk's other entries closed up.  0 or -1.
 */
static int
log_move(struct aggtab *dst, struct aggtab *src, size_t p)
{
	uint32_t k[AGG_MAXWORDS] = {0};
	const struct logent *le;
	struct logchunk *ch;
	struct counters c;
	size_t i, w;

	log_close(src, p);
	while ((ch = src->part[p]) != NULL) {
		for (i = w = 0; ch->v6 && i < ch->n; i++) {
			le = ent_at(src, ch, i);
			if (le->k[src->nwords - 1] == 0) {
				if (w != i)
					memcpy(ch->e + w * src->lstride, le,
					       src->lstride);
				w++;
				continue;
			}
			memcpy(k, le->k, (size_t)src->nwords * 4);
			ent_ctr(le, &c);
			if (merge_entry(dst, src, k, &c, 1) == -1)
				return -1;
		}
		if (ch->v6) {
			src->logn -= ch->n - w;
			ch->n = w;
			ch->v6 = 0;
		}
		src->part[p] = ch->next;
		/* Behind dst's first chunk, which agg_log_put() fills. */
		if (dst->part[p] != NULL) {
			ch->next = dst->part[p]->next;
			dst->part[p]->next = ch;
		} else {
			ch->next = NULL;
			dst->part[p] = ch;
		}
		src->logn -= ch->n;
		dst->logn += ch->n;
	}
	return 0;
}

/*
 * A large wide table merges into the log of dst, its own log entries and
 * its slots alike, so that the merge too is folded in by partition.  The
 * smaller table is the one merged: when it is dst, the two swap contents
 * first (slots, log and IPv6 ids; sums do not care which way round).  A
 * table that does not log is grown for both at once: src's entries come
 * in the order of their hashes, and a table growing while they come
 * would pile them up in its first slots (a slot's place is its hash's top
 * bits).
 */
int
agg_tab_merge(struct aggtab *dst, struct aggtab *src)
{
	uint32_t k[AGG_MAXWORDS] = {0}, h;
	const struct logchunk *ch;
	const struct logent *le;
	struct counters c;
	struct aggtab tmp;
	size_t j, p, need;
	int lg, g;

	if (dst->n + dst->logn < src->n + src->logn) {
		tmp = *dst;
		*dst = *src;
		*src = tmp;
	}
	if ((lg = agg_logging(dst, src->n + src->logn)) == -1)
		return -1;
	if (!lg && dst->logn && agg_log_flush(dst, 0) == -1)
		return -1;
	for (g = 0, need = dst->n + src->n + src->logn;
	     !lg && need * 4 > ((dst->mask + 1) << g) * 3; g++)
		;
	if (g > 0 && agg_resize(dst, g) == -1)
		return -1;
	for (j = 0; j <= src->mask; j++) {
		if (slot_ctr(src, j)->flows == 0)
			continue;
		slot_words(src, j, k);
		if (lg && !(src->famword && k[src->nwords - 1] != 0)) {
			/* The same seed: the slot's hash is dst's. */
			h = slot_wide(src, j)[0];
			if (agg_log_put(dst, k, h, slot_ctr(src, j)) == -1)
				return -1;
		} else if (merge_entry(dst, src, k, slot_ctr(src, j), lg) == -1)
			return -1;
	}
	for (p = 0; src->logn && p < LOG_PARTS; p++) {
		if (lg && log_move(dst, src, p) == -1)
			return -1;
		log_close(src, p);
		for (ch = src->part[p]; ch != NULL; ch = ch->next)
			for (j = 0; j < ch->n; j++) {
				le = ent_at(src, ch, j);
				memcpy(k, le->k, (size_t)src->nwords * 4);
				ent_ctr(le, &c);
				if (merge_entry(dst, src, k, &c, lg) == -1)
					return -1;
			}
	}
	return lg && dst->logn >= dst->logat ? agg_log_flush(dst, 1) : 0;
}
