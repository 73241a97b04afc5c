/*
 * Unit tests for report/aggrank.c's threaded ranking: a table ranked on
 * several threads (agg_rank_threads()) gives the rows that one thread
 * gives, in the same order, and both the rows of a full sort; with and
 * without a log, with ties in every count and IPv4 and IPv6 keys.  Run
 * under TSan by hand (15 s; docs/PERFORMANCE.md, "Ranking on both
 * processors"): it is not in the Makefile's TSAN_UNITS.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/fields.h"
#include "../../report/aggregate.h"
#include "../../report/aggpriv.h"
#include "testrng.h"
#include "unit.h"

static unsigned
rnd(unsigned n)
{
	return rnd32() % n;
}

/*
 * Conversation q: IPv6 for q % 50 == 0; few distinct counts and times, so
 * that most rows tie and only the key decides between them.
 */
static struct flowrec
qflow(unsigned q)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	if (q % 50 == 0) {
		r.af = FLOWREC_AF_INET6;
		r.src6[0] = r.dst6[0] = 0x20;
		r.src6[13] = (uint8_t)(q >> 16);
		r.src6[14] = (uint8_t)(q >> 8);
		r.src6[15] = (uint8_t)q;
		r.dst6[15] = (uint8_t)(q % 3);
	} else {
		r.srcaddr = 0x0a000000 | (q >> 8);
		r.dstaddr = 0xc0a80000 | (q & 0xff);
	}
	r.srcport = (uint16_t)(1024 + q % 7);
	r.dstport = 443;
	r.proto = 6;
	r.packets = 1 + rnd(3);
	r.bytes = 100 * (1 + rnd(4));
	r.first_ms = 1000 * (int64_t)rnd(10);
	r.last_ms = r.first_ms + 1000 * (int64_t)rnd(3);
	return r;
}

/*
 * Fold keys q0 ... q0 + nq - 1 once each if once, then nrep flows of
 * random ones of them.
 */
static void
feed(struct aggtab *t, unsigned q0, unsigned nq, int once, unsigned nrep)
{
	enum { BLK = 4096 };
	static struct flowrec b[BLK];
	unsigned i, m, done, first = once ? nq : 0, total = first + nrep;

	for (done = 0; done < total; done += m) {
		m = total - done < BLK ? total - done : BLK;
		for (i = 0; i < m; i++)
			b[i] =
			    qflow(q0 + (done + i < first ? done + i : rnd(nq)));
		ck_assert_int_eq(agg_tab_add(t, b, m), 0);
	}
}

static const enum order groups[2][AGG_MAXTOPS] = {
    {O_BYTES, O_PACKETS, O_FLOWS, O_TSTART},
    {O_TEND, O_BPS, O_PPS, O_BPP},
};

/*
 * Rank t by every order, top sizes[] each, on 1 and on nthr[] threads:
 * the same rows every time.  Ranking leaves a log as it is.  The rows by
 * one thread go to want[g][i][m] (for every_order_against_sort()).
 */
static void
threads_agree(const struct aggtab *t, const size_t *sizes, int nsizes,
	      struct aggrow *want[2][8][AGG_MAXTOPS],
	      size_t nwant[2][8][AGG_MAXTOPS])
{
	static const int nthr[] = {2, 5};
	struct aggrow *rows[AGG_MAXTOPS];
	size_t n[AGG_MAXTOPS], logn = t->logn;
	int g, m, k, i;

	for (g = 0; g < 2; g++)
		for (m = 0; m < nsizes; m++) {
			agg_rank_threads(1);
			ck_assert_int_eq(agg_tab_tops(t, groups[g], AGG_MAXTOPS,
						      sizes[m], want[g][m],
						      nwant[g][m]),
					 0);
			for (k = 0; k < 2; k++) {
				agg_rank_threads(nthr[k]);
				ck_assert_int_eq(
				    agg_tab_tops(t, groups[g], AGG_MAXTOPS,
						 sizes[m], rows, n),
				    0);
				for (i = 0; i < AGG_MAXTOPS; i++) {
					ck_assert_uint_eq(n[i], nwant[g][m][i]);
					ck_assert_msg(
					    n[i] == 0 ||
						memcmp(rows[i], want[g][m][i],
						       n[i] *
							   sizeof(*rows[i])) ==
						    0,
					    "%d threads, top %zu by %s differ",
					    nthr[k], sizes[m],
					    agg_order_names[groups[g][i]]);
					free(rows[i]);
				}
			}
			ck_assert_uint_eq(t->logn, logn);
		}
	agg_rank_threads(1);
}

/*
 * The rows threads_agree() kept against agg_rows_top() over all of the
 * table's rows (which folds its log in), then freed.  The best k rows in
 * order are the first k of the best sizes[nsizes - 1], the largest.
 */
static void
every_order_against_sort(const struct aggtab *t, const size_t *sizes,
			 int nsizes, struct aggrow *want[2][8][AGG_MAXTOPS],
			 size_t nwant[2][8][AGG_MAXTOPS])
{
	struct aggrow *all, *rows;
	size_t n, k;
	int g, m, i;

	ck_assert_ptr_nonnull(all = agg_tab_rows(t, &n));
	ck_assert_ptr_nonnull(rows = malloc(n * sizeof(*rows)));
	for (g = 0; g < 2; g++)
		for (i = 0; i < AGG_MAXTOPS; i++) {
			memcpy(rows, all, n * sizeof(*rows));
			k = agg_rows_top(rows, n, groups[g][i],
					 sizes[nsizes - 1]);
			for (m = 0; m < nsizes; m++) {
				ck_assert_uint_eq(nwant[g][m][i],
						  k < sizes[m] ? k : sizes[m]);
				ck_assert_msg(
				    memcmp(want[g][m][i], rows,
					   nwant[g][m][i] * sizeof(*rows)) == 0,
				    "top %zu by %s is not the sorted one",
				    sizes[m], agg_order_names[groups[g][i]]);
				free(want[g][m][i]);
			}
		}
	free(rows);
	free(all);
}

/* A table without a log is ranked on the caller's thread alone. */
START_TEST(test_rank_threads_slots)
{
	const struct statdef *d = agg_stat_lookup("conversation");
	static const size_t sizes[] = {1, 10, 300, 20000};
	static struct aggrow *want[2][8][AGG_MAXTOPS];
	static size_t nwant[2][8][AGG_MAXTOPS];
	struct aggtab *t = agg_tab_new(&d->spec);

	rnd_seed(7);
	feed(t, 0, 3000, 1, 9000);
	ck_assert_uint_eq(t->logn, 0);
	threads_agree(t, sizes, 4, want, nwant);
	every_order_against_sort(t, sizes, 4, want, nwant);
	agg_tab_free(t);
}
END_TEST

/*
 * A table with a log: its partitions are shared out to the threads.
 * 90000 keys and repeats make t log (beyond the first 65536 keys, which
 * stay in its slots), the rest come in a merge, all below the size at
 * which the log would be folded in.  Up to (n + logn) / 64 rows (over
 * 1700) are ranked on several threads: all the sizes here.
 */
START_TEST(test_rank_threads_log)
{
	enum { QN = 110000 };
	const struct statdef *d = agg_stat_lookup("conversation");
	static const size_t sizes[] = {1, 10, 100, 1000};
	static struct aggrow *want[2][8][AGG_MAXTOPS];
	static size_t nwant[2][8][AGG_MAXTOPS];
	struct aggtab *t = agg_tab_new(&d->spec), *u = agg_tab_new(&d->spec);

	rnd_seed(11);
	feed(t, 0, 90000, 1, 5000);
	feed(u, 90000, QN - 90000, 1, 0);
	feed(u, 0, QN, 0, 5000);
	ck_assert_int_eq(agg_tab_merge(t, u), 0);
	agg_tab_free(u);
	ck_assert_uint_gt(t->logn, 40000);
	ck_assert_uint_ge((t->n + t->logn) / 64, 1000);
	threads_agree(t, sizes, 4, want, nwant);
	every_order_against_sort(t, sizes, 4, want, nwant);
	ck_assert_uint_eq(t->n, QN);
	agg_tab_free(t);
}
END_TEST

/* 60 s: ~1 s of cpu (1.5 s under ASan, 15 s under TSan) */
UNIT_MAIN_TESTS("report_aggrank", 60, test_rank_threads_slots,
		test_rank_threads_log)
