/*
 * Unit tests for report/aggregate.c and report/series.c: aggregation against a
 * brute-force count, either-side statistics, merging, top-N against a full
 * sort, series buckets and gap filling.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/fields.h"
#include "../../report/series.h"
#include "../../report/aggregate.h"
#include "../../report/aggpriv.h"
#include "unit.h"

static unsigned rng = 4242;

static unsigned
rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) % n;
}

static struct flowrec
rec(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint64_t bytes)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.srcaddr = src;
	r.dstaddr = dst;
	r.srcport = sp;
	r.dstport = dp;
	r.proto = 6;
	r.packets = 1 + bytes / 100;
	r.bytes = bytes;
	r.first_ms = 1000000 + (int64_t)bytes;
	r.last_ms = r.first_ms + 1000;
	return r;
}

START_TEST(test_summary)
{
	struct summary s, t;
	struct flowrec r[2] = {rec(1, 2, 3, 4, 100), rec(1, 2, 3, 4, 300)};

	agg_summary_init(&s);
	agg_summary_add(&s, r, 2);
	ck_assert_uint_eq(s.flows, 2);
	ck_assert_uint_eq(s.bytes, 400);
	ck_assert_int_eq(s.first, 1000100);
	ck_assert_int_eq(s.last, 1001300);
	agg_summary_init(&t);
	agg_summary_merge(&t, &s);
	agg_summary_merge(&t, &s);
	ck_assert_uint_eq(t.flows, 4);
	ck_assert_int_eq(t.first, 1000100);
}
END_TEST

/* Random flows; the table must agree with counting by hand. */
START_TEST(test_aggregate_bruteforce)
{
	const struct statdef *d = agg_stat_lookup("srcip");
	enum { N = 20000, KEYS = 300 };
	static struct flowrec r[N];
	uint64_t bytes[KEYS], flows[KEYS];
	struct aggtab *t;
	struct aggrow *rows;
	size_t n, i;

	memset(bytes, 0, sizeof(bytes));
	memset(flows, 0, sizeof(flows));
	for (i = 0; i < N; i++) {
		uint32_t k = rnd(KEYS);

		r[i] = rec(k, 7, 1, 2, rnd(5000));
		bytes[k] += r[i].bytes;
		flows[k]++;
	}
	ck_assert_ptr_nonnull(d);
	t = agg_tab_new(&d->spec);
	ck_assert_int_eq(agg_tab_add(t, r, N), 0);
	rows = agg_tab_rows(t, &n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(rows[i].r.bytes, bytes[rows[i].r.srcaddr]);
		ck_assert_uint_eq(rows[i].flows, flows[rows[i].r.srcaddr]);
	}
	for (n = 0, i = 0; i < KEYS; i++)
		n += flows[i] != 0;
	ck_assert_uint_eq(agg_tab_size(t), n);
	free(rows);
	agg_tab_free(t);
}
END_TEST

START_TEST(test_either_side)
{
	const struct statdef *d = agg_stat_lookup("ip");
	struct flowrec r[3] = {rec(1, 2, 0, 0, 10), rec(2, 3, 0, 0, 20),
			       rec(5, 5, 0, 0, 40)};
	struct aggtab *t = agg_tab_new(&d->spec);
	struct aggrow *rows;
	size_t n, i;

	ck_assert_str_eq(d->label, "ip");
	agg_tab_add(t, r, 3);
	rows = agg_tab_rows(t, &n);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++) {
		switch (rows[i].r.srcaddr) {
		case 1:
			ck_assert_uint_eq(rows[i].r.bytes, 10);
			break;
		case 2:
			ck_assert_uint_eq(rows[i].r.bytes, 30);
			ck_assert_uint_eq(rows[i].flows, 2);
			break;
		case 3:
			ck_assert_uint_eq(rows[i].r.bytes, 20);
			break;
		/* src == dst counts the flow once. */
		case 5:
			ck_assert_uint_eq(rows[i].flows, 1);
			break;
		default:
			ck_abort_msg("unexpected key");
		}
	}
	free(rows);
	agg_tab_free(t);
}
END_TEST

START_TEST(test_merge_and_conversation)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	struct aggtab *a = agg_tab_new(&d->spec), *b = agg_tab_new(&d->spec);
	struct flowrec r1 = rec(1, 2, 3, 4, 100), r2 = rec(1, 2, 3, 5, 50);
	struct aggrow *rows;
	size_t n;

	agg_tab_add(a, &r1, 1);
	agg_tab_add(b, &r1, 1);
	agg_tab_add(b, &r2, 1);
	ck_assert_int_eq(agg_tab_merge(a, b), 0);
	rows = agg_tab_rows(a, &n);
	ck_assert_uint_eq(n, 2);
	agg_rows_sort(rows, n, O_BYTES);
	ck_assert_uint_eq(rows[0].r.bytes, 200);
	ck_assert_uint_eq(rows[0].flows, 2);
	ck_assert_uint_eq(rows[0].r.dstport, 4);
	ck_assert_uint_eq(rows[0].r.srcport, 3);
	ck_assert_uint_eq(rows[0].r.proto, 6);
	ck_assert_uint_eq(rows[1].r.dstport, 5);
	free(rows);
	agg_tab_free(a);
	agg_tab_free(b);
}
END_TEST

/* agg_rows_top must give exactly the head of a full sort, for every order. */
START_TEST(test_top_matches_sort)
{
	enum { N = 3000 };
	static struct aggrow a[N], b[N];
	size_t i, k, top;
	int o;

	for (o = 0; o < O_NORDERS; o++) {
		for (i = 0; i < N; i++) {
			memset(&a[i], 0, sizeof(a[i]));
			a[i].key[0] = (uint32_t)i;
			a[i].flows = 1 + rnd(50);
			a[i].r.packets = 1 + rnd(100);
			a[i].r.bytes = rnd(100000);
			a[i].r.first_ms = rnd(1000);
			a[i].r.last_ms = a[i].r.first_ms + rnd(3000);
			b[i] = a[i];
		}
		agg_rows_sort(b, N, (enum order)o);
		for (top = 1; top <= 100; top *= 10) {
			memcpy(a, b, sizeof(a));
			/* Shuffle, then select. */
			for (i = N - 1; i > 0; i--) {
				struct aggrow t = a[i];

				k = rnd((unsigned)i + 1);
				a[i] = a[k];
				a[k] = t;
			}
			ck_assert_uint_eq(
			    agg_rows_top(a, N, (enum order)o, top), top);
			for (i = 0; i < top; i++)
				ck_assert_msg(a[i].key[0] == b[i].key[0],
					      "order %s top %zu row %zu",
					      agg_order_names[o], top, i);
		}
	}
	ck_assert_uint_eq(agg_rows_top(a, 5, O_BYTES, 10), 5);
	ck_assert_uint_eq(agg_rows_top(a, 5, O_BYTES, 0), 0);
}
END_TEST

START_TEST(test_lookups)
{
	ck_assert_ptr_null(agg_stat_lookup("nosuch"));
	ck_assert_int_eq(agg_order_lookup("bytes"), O_BYTES);
	ck_assert_int_eq(agg_order_lookup("tend"), O_TEND);
	ck_assert_int_eq(agg_order_lookup("x"), -1);
	ck_assert_int_eq(field_lookup("srcip"), F_SRCIP);
	ck_assert_int_eq(field_lookup("dport"), F_DSTPORT);
	ck_assert_int_eq(field_lookup("nosuch"), -1);
}
END_TEST

/*
 * IPv6 sources beside IPv4 ones: an IPv6 address whose interned id equals
 * an IPv4 address (0.0.0.0, id 0) is still its own row; two tables that
 * met the addresses in different orders merge by address, not by id; the
 * rows give the addresses back with their family; -s ip counts a flow
 * under both of its addresses.
 */
static struct flowrec
flow6(int src, int dst, uint64_t bytes)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.af = FLOWREC_AF_INET6;
	r.src6[0] = 0x20;
	r.src6[15] = (uint8_t)src;
	r.dst6[0] = 0x20;
	r.dst6[15] = (uint8_t)dst;
	r.packets = 1;
	r.bytes = bytes;
	return r;
}

START_TEST(test_ipv6_keys)
{
	struct aggspec src = {1, {F_SRCIP}, 0, 0};
	struct aggspec ip = {1, {F_SRCIP}, 1, F_DSTIP};
	struct flowrec a[4], b[3];
	struct aggtab *t1, *t2, *t3;
	struct aggrow *rows;
	size_t n, i, v6 = 0;

	a[0] = flow6(1, 2, 10);
	a[1] = flow6(3, 2, 20);
	memset(&a[2], 0, sizeof(a[2])); /* 0.0.0.0 */
	a[2].bytes = 40;
	a[3] = flow6(1, 9, 80);
	b[0] = flow6(3, 1, 100);
	b[1] = flow6(1, 1, 200);
	b[2] = a[2];
	ck_assert_ptr_nonnull(t1 = agg_tab_new(&src));
	ck_assert_ptr_nonnull(t2 = agg_tab_new(&src));
	ck_assert_int_eq(agg_tab_add(t1, a, 4), 0);
	ck_assert_int_eq(agg_tab_add(t2, b, 3), 0);
	ck_assert_int_eq(agg_tab_merge(t1, t2), 0);
	ck_assert_uint_eq(agg_tab_size(t1), 3);
	ck_assert_ptr_nonnull(rows = agg_tab_rows(t1, &n));
	for (i = 0; i < n; i++) {
		if (rows[i].r.af != FLOWREC_AF_INET6) {
			ck_assert_uint_eq(rows[i].r.srcaddr, 0);
			ck_assert_uint_eq(rows[i].r.bytes, 80);
			continue;
		}
		v6++;
		ck_assert_uint_eq(rows[i].r.src6[0], 0x20);
		if (rows[i].r.src6[15] == 1)
			ck_assert_uint_eq(rows[i].r.bytes, 290);
		else
			ck_assert_uint_eq(rows[i].r.bytes, 120);
	}
	ck_assert_uint_eq(v6, 2);
	free(rows);
	ck_assert_ptr_nonnull(t3 = agg_tab_new(&ip));
	ck_assert_int_eq(agg_tab_add(t3, a, 4), 0);
	/* ::1, ::2, ::3, ::9 and 0.0.0.0 (its flow once). */
	ck_assert_uint_eq(agg_tab_size(t3), 5);
	agg_tab_free(t1);
	agg_tab_free(t2);
	agg_tab_free(t3);
}
END_TEST

/*
 * agg_tab_top over a table must give the rows, fields and order that
 * agg_rows_top gives over all of agg_tab_rows: conversations with many
 * ties in every count, IPv4 and IPv6, every order and several sizes.
 */
START_TEST(test_tab_top)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	enum { N = 20000 };
	static struct flowrec f[N];
	struct aggtab *t = agg_tab_new(&d->spec);
	struct aggrow *all, *top;
	size_t i, n, k, m, sizes[] = {0, 1, 10, 100, N};
	int o;

	for (i = 0; i < N; i++) {
		f[i] = rnd(4) ? rec(rnd(50), rnd(50), (uint16_t)rnd(30),
				    (uint16_t)rnd(5), 10 * rnd(20))
			      : flow6((int)rnd(40), (int)rnd(40), 10 * rnd(20));
	}
	ck_assert_int_eq(agg_tab_add(t, f, N), 0);
	for (o = 0; o < O_NORDERS; o++)
		for (m = 0; m < sizeof(sizes) / sizeof(sizes[0]); m++) {
			all = agg_tab_rows(t, &n);
			ck_assert_ptr_nonnull(all);
			k = agg_rows_top(all, n, (enum order)o, sizes[m]);
			top = agg_tab_top(t, (enum order)o, sizes[m], &i);
			ck_assert_uint_eq(i, k);
			for (i = 0; i < k; i++)
				ck_assert_msg(memcmp(&top[i], &all[i],
						     sizeof(all[i])) == 0,
					      "order %s top %zu row %zu",
					      agg_order_names[o], sizes[m], i);
			free(top);
			free(all);
		}
	/* Four orders in one pass: the same rows as one by one. */
	for (m = 0; m < sizeof(sizes) / sizeof(sizes[0]); m++) {
		const enum order ords[AGG_MAXTOPS] = {O_BYTES, O_TSTART,
						      O_FLOWS, O_BPP};
		struct aggrow *tops[AGG_MAXTOPS];
		size_t ns[AGG_MAXTOPS];

		ck_assert_int_eq(
		    agg_tab_tops(t, ords, AGG_MAXTOPS, sizes[m], tops, ns), 0);
		for (o = 0; o < AGG_MAXTOPS; o++) {
			top = agg_tab_top(t, ords[o], sizes[m], &i);
			ck_assert_uint_eq(ns[o], i);
			ck_assert(i == 0 ||
				  memcmp(top, tops[o], i * sizeof(*top)) == 0);
			free(top);
			free(tops[o]);
		}
	}
	agg_tab_free(t);
}
END_TEST

/*
 * A large conversation table logs its flows and folds them in later (on
 * a read, on a merge and when the log outgrows the table): the rows must
 * be the exact sums.  Key q (one of Q) is a 5-tuple, IPv6 for q % 7 == 0;
 * enough flows go into one table to fold its log in during the adds.
 */
enum { Q = 70000, QB = 280000, BLK = 4096 };
static uint64_t want_flows[QB], want_bytes[QB];
static int64_t want_first[QB], want_last[QB];

static struct flowrec
qflow(unsigned q, uint64_t bytes, int64_t t)
{
	struct flowrec r;

	if (q % 7 == 0) {
		r = flow6((int)(q & 0xff), (int)(q >> 8 & 0xff), bytes);
		r.src6[14] = (uint8_t)(q >> 16);
	} else
		r = rec(q / 300, q % 300, (uint16_t)(q % 11), 80, bytes);
	r.first_ms = t;
	r.last_ms = t + 5;
	return r;
}

static unsigned
row_q(const struct aggrow *w)
{
	if (w->r.af == FLOWREC_AF_INET6)
		return (unsigned)w->r.src6[15] | (unsigned)w->r.dst6[15] << 8 |
		       (unsigned)w->r.src6[14] << 16;
	return w->r.srcaddr * 300 + w->r.dstaddr;
}

/*
 * Fold nflows flows into t: keys q0 + rnd(nq), or each of q0, q0 + 1, ...
 * once if all.
 */
static void
feed(struct aggtab *t, size_t nflows, int all, unsigned q0, unsigned nq)
{
	static struct flowrec b[BLK];
	size_t i, m, done;
	unsigned q;

	for (done = 0; done < nflows; done += m) {
		m = nflows - done < BLK ? nflows - done : BLK;
		for (i = 0; i < m; i++) {
			q = q0 + (all ? (unsigned)(done + i) : rnd(nq));
			b[i] = qflow(q, 1 + rnd(1000), (int64_t)rnd(100000));
			want_flows[q]++;
			want_bytes[q] += b[i].bytes;
			if (want_flows[q] == 1 || b[i].first_ms < want_first[q])
				want_first[q] = b[i].first_ms;
			if (want_flows[q] == 1 || b[i].last_ms > want_last[q])
				want_last[q] = b[i].last_ms;
		}
		ck_assert_int_eq(agg_tab_add(t, b, m), 0);
	}
}

/*
 * t's rows against the brute-force sums of keys 0 to nq - 1, each key
 * once, and its top 10 by o against a full ranking of the rows.  One
 * assertion for all rows: check writes each one down.
 */
static void
rows_check(const struct aggtab *t, size_t nq, enum order o)
{
	const enum order ords[3] = {o, O_BYTES, O_TEND};
	struct aggrow *rows, *tops[3];
	size_t n, i, k, bad = 0, ntop[3];
	unsigned q;
	int r;

	/* Before any other read, which folds the log in. */
	ck_assert_int_eq(agg_tab_tops(t, ords, 3, 10, tops, ntop), 0);
	ck_assert_uint_eq(agg_tab_size(t), nq);
	ck_assert_ptr_nonnull(rows = agg_tab_rows(t, &n));
	ck_assert_uint_eq(n, nq);
	for (i = 0; i < n; i++) {
		q = row_q(&rows[i]);
		if (q >= nq || rows[i].flows != want_flows[q] ||
		    rows[i].r.bytes != want_bytes[q] ||
		    rows[i].r.first_ms != want_first[q] ||
		    rows[i].r.last_ms != want_last[q]) {
			bad++;
			continue;
		}
		want_flows[q] = 0; /* each key once */
	}
	ck_assert_uint_eq(bad, 0);
	for (r = 0; r < 3; r++) {
		k = agg_rows_top(rows, n, ords[r], 10);
		ck_assert_uint_eq(ntop[r], k);
		ck_assert_mem_eq(tops[r], rows, k * sizeof(*rows));
		free(tops[r]);
	}
	free(rows);
}

START_TEST(test_wide_log)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	struct aggtab *a = agg_tab_new(&d->spec), *b = agg_tab_new(&d->spec);

	feed(a, Q, 1, 0, Q);	  /* every key, so that a logs */
	feed(a, 150000, 0, 0, Q); /* the log outgrows the table */
	feed(b, 70000, 0, 0, Q);  /* b logs as well: merged log to log */
	ck_assert_int_eq(agg_tab_merge(a, b), 0);
	rows_check(a, Q, O_BYTES);
	agg_tab_free(a);
	agg_tab_free(b);
}
END_TEST

/*
 * All-new keys (conversations with ephemeral ports): a periodic fold
 * stops after its sample and leaves the log as it is; a merge moves the
 * other table's log over (re-interning its IPv6 ids); the sums stay
 * exact.
 */
START_TEST(test_wide_log_new_keys)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	struct aggtab *a = agg_tab_new(&d->spec), *b = agg_tab_new(&d->spec),
		      *s;
	size_t p, j, nkeys = 0, nflows = 0;

	memset(want_flows, 0, sizeof(want_flows));
	memset(want_bytes, 0, sizeof(want_bytes));
	/* 64Ki keys in the slots, then a log of 131072 that is sampled. */
	feed(a, 200000, 1, 0, 0);
	ck_assert_uint_lt(a->n, 100000); /* the log was sampled, not folded */
	ck_assert_uint_gt(a->logn, 100000);
	feed(b, QB - 200000, 1, 200000, 0);
	feed(b, 20000, 0, 0, QB); /* keys seen in a and b */
	ck_assert_uint_gt(b->logn, 0);
	ck_assert_int_eq(agg_tab_merge(a, b), 0);
	ck_assert_uint_eq(b->logn, 0); /* moved, or copied if IPv6 */
	ck_assert_uint_gt(a->logn, 0); /* ranked by partition */
	/* Each entry, in the slots or logged, is in one partition. */
	ck_assert_ptr_nonnull(s = agg_tab_new(&d->spec));
	for (p = 0; p < LOG_PARTS; p++) {
		if (agg_log_part(s, a, p) != 0)
			break;
		for (j = 0; j <= s->mask; j++)
			nflows += slot_ctr(s, j)->flows;
		nkeys += s->n;
		agg_tab_clear(s);
	}
	agg_tab_free(s);
	ck_assert_uint_eq(p, LOG_PARTS);
	ck_assert_uint_eq(nkeys, QB);
	ck_assert_uint_eq(nflows, QB + 20000);
	rows_check(a, QB, O_FLOWS);
	agg_tab_free(a);
	agg_tab_free(b);
}
END_TEST

/*
 * A merged slot of more flows than a log entry counts (UINT32_MAX): the
 * log holds it in more than one entry, and the sums stay exact.  Key 3
 * is IPv4 (its slot's hash is moved as it is), key 7 IPv6 (re-interned
 * and re-hashed).
 */
START_TEST(test_wide_log_big_count)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	struct aggtab *a = agg_tab_new(&d->spec), *b = agg_tab_new(&d->spec);
	const uint64_t big = ((uint64_t)1 << 32) + 5;
	const unsigned qs[2] = {3, 7};
	struct aggrow w;
	size_t logn;
	int i;

	memset(want_flows, 0, sizeof(want_flows));
	memset(want_bytes, 0, sizeof(want_bytes));
	feed(a, Q, 1, 0, Q); /* every key: a logs */
	ck_assert_ptr_nonnull(a->part);
	for (i = 0; i < 2; i++) {
		memset(&w, 0, sizeof(w));
		w.r = qflow(qs[i], 1234, -7);
		w.flows = big;
		ck_assert_int_eq(agg_tab_add_row(b, &w), 0);
		want_flows[qs[i]] += big;
		want_bytes[qs[i]] += 1234;
		want_first[qs[i]] = -7;
	}
	logn = a->logn;
	ck_assert_int_eq(agg_tab_merge(a, b), 0);
	ck_assert_uint_eq(a->logn, logn + 4); /* two entries each */
	rows_check(a, Q, O_FLOWS);
	agg_tab_free(a);
	agg_tab_free(b);
}
END_TEST

/*
 * -s conversation makes an IPv4 flow's key without field_get() (rec_key
 * in aggregate.c): its rows must be those of the same five fields in
 * another order, which take the generic path.  IPv6 flows too.
 */
static int
same_conv(const struct aggrow *x, const struct aggrow *y)
{
	return x->r.af == y->r.af && x->r.srcaddr == y->r.srcaddr &&
	       x->r.dstaddr == y->r.dstaddr && x->r.srcport == y->r.srcport &&
	       x->r.dstport == y->r.dstport && x->r.proto == y->r.proto &&
	       memcmp(x->r.src6, y->r.src6, 16) == 0 &&
	       memcmp(x->r.dst6, y->r.dst6, 16) == 0;
}

START_TEST(test_conversation_keys)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	const struct aggspec g = {
	    5, {F_SRCPORT, F_SRCIP, F_DSTIP, F_DSTPORT, F_PROTO}, 0, 0};
	struct aggtab *a = agg_tab_new(&d->spec), *b = agg_tab_new(&g);
	static struct flowrec r[3000];
	struct aggrow *ra, *rb;
	size_t na, nb, i, j, bad = 0;

	ck_assert_int_eq(a->conv, 1);
	ck_assert_int_eq(b->conv, 0);
	for (i = 0; i < 3000; i++) {
		if (i % 5 == 0)
			r[i] = flow6((int)rnd(4), (int)rnd(4), 1 + rnd(100));
		else
			r[i] = rec(0xfffffff0u | rnd(16), rnd(4), 0,
				   (uint16_t)(65535 - rnd(3)), 1 + rnd(100));
		r[i].srcport = (uint16_t)(rnd(3) * 32767);
		r[i].proto = (uint8_t)(rnd(2) ? 255 : 6);
	}
	ck_assert_int_eq(agg_tab_add(a, r, 3000), 0);
	ck_assert_int_eq(agg_tab_add(b, r, 3000), 0);
	ck_assert_ptr_nonnull(ra = agg_tab_rows(a, &na));
	ck_assert_ptr_nonnull(rb = agg_tab_rows(b, &nb));
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_gt(na, 1000);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && !same_conv(&ra[i], &rb[j]); j++)
			;
		if (j == nb || ra[i].flows != rb[j].flows ||
		    ra[i].r.bytes != rb[j].r.bytes ||
		    ra[i].r.packets != rb[j].r.packets)
			bad++;
	}
	ck_assert_uint_eq(bad, 0);
	free(ra);
	free(rb);
	agg_tab_free(a);
	agg_tab_free(b);
}
END_TEST

START_TEST(test_series)
{
	struct aggspec s;
	struct aggtab *t;
	struct aggrow *rows;
	struct flowrec r[3];
	size_t n;

	series_spec(&s);
	t = agg_tab_new(&s);
	r[0] = rec(1, 2, 3, 4, 100);
	r[0].last_ms = 10500; /* bucket 10 s */
	r[1] = r[0];
	r[1].last_ms = 10999; /* same bucket */
	r[2] = r[0];
	r[2].last_ms = 13000; /* bucket 13 s, two empty between */
	ck_assert_int_eq(series_add(t, 1000, r, 3), 0);
	rows = series_rows(t, 1000, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(rows[0].r.first_ms, 10000);
	ck_assert_uint_eq(rows[0].flows, 2);
	ck_assert_uint_eq(rows[0].r.bytes, 200);
	ck_assert_uint_eq(rows[1].flows, 0);
	ck_assert_int_eq(rows[2].r.first_ms, 12000);
	ck_assert_uint_eq(rows[3].flows, 1);
	/* bps over the bucket: 100 bytes in 1 s. */
	ck_assert_uint_eq(field_get(F_BPS, &rows[3].r, 1), 800);
	free(rows);
	agg_tab_free(t);
}
END_TEST

/* 60 s: test_wide_log and test_wide_log_new_keys take ~0.5 s of cpu each */
UNIT_MAIN_TESTS("report_stats", 60, test_summary, test_aggregate_bruteforce,
		test_either_side, test_merge_and_conversation,
		test_top_matches_sort, test_lookups, test_series,
		test_ipv6_keys, test_tab_top, test_wide_log,
		test_wide_log_new_keys, test_wide_log_big_count,
		test_conversation_keys)
