/*
 * run: reading, filtering and aggregating, single- or multi-threaded.
 *
 * Flow output must keep the order of the input, so it stays on one
 * thread: read a block, filter it in place, print it.  Aggregation does
 * not care about order, so files are handed to workers through an atomic
 * index and each worker fills private tables; merging costs one pass over
 * the (much smaller) tables.  With -c the order matters again ("the first
 * N flows"), so one worker is used.
 */
#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbread.h"
#include "dbstat.h"
#include "fields.h"
#include "prefetch.h"
#include "run.h"
#include "series.h"

struct worker {
	const struct runopts *o;
	const struct inlist *in;
	size_t *next; /* shared file index */
	struct aggtab *stat[RUN_MAXSTATS], *agg, *series;
	struct summary sum;
	uint64_t seen; /* flows taken, for -c */
	int damaged, nomem;
	struct run_files files;
	/* -o html: an accumulator per view; with views, their own totals. */
	struct webagg *web[RUN_MAXVIEWS];
	struct summary vsum[RUN_MAXVIEWS];
	struct run_files vfiles[RUN_MAXVIEWS];
	int view; /* of the flows agg_rows() is given */
	struct flowrec *buf;
	/* Flows mode only: */
	struct flowrec *keep; /* -O: everything, to sort */
	size_t nkeep, capkeep;
	pthread_t tid;
};

/*
 * Apply -c to n more flows and count them (with views, in the view's
 * totals: web_views() adds them up); returns how many stay.
 */
static size_t
limit(struct worker *w, const struct flowrec *r, size_t n, int *stop)
{
	const struct runopts *o = w->o;

	if (o->limit != 0 && n >= o->limit - w->seen) {
		n = (size_t)(o->limit - w->seen);
		*stop = 1;
	}
	w->seen += n;
	agg_summary_add(o->nviews > 1 ? &w->vsum[w->view] : &w->sum, r, n);
	return n;
}

/* Print (or keep, for -O) filtered flows.  1 when -c is reached. */
static int
emit(struct worker *w, const struct flowrec *r, size_t n)
{
	int stop = 0;

	n = limit(w, r, n, &stop);
	if (!w->o->sort) {
		output_rows(w->o->out, r, n);
		return stop;
	}
	if (w->nkeep + n > w->capkeep) {
		size_t cap = (w->nkeep + n) * 2;
		struct flowrec *k = realloc(w->keep, cap * sizeof(*k));

		if (k == NULL) {
			w->nomem = 1;
			return 1;
		}
		w->keep = k;
		w->capkeep = cap;
	}
	memcpy(w->keep + w->nkeep, r, n * sizeof(*r));
	w->nkeep += n;
	return stop;
}

/*
 * --renormalize: a flow sampled 1 in N stands for N times its packets and
 * bytes (saturating; interval 0 or 1 is unsampled).
 */
static void
renorm(const struct runopts *o, struct flowrec *r, size_t n)
{
	size_t i;

	if (!o->renorm)
		return;
	for (i = 0; i < n; i++) {
		if (r[i].sampling <= 1)
			continue;
		if (__builtin_mul_overflow(r[i].packets, r[i].sampling,
					   &r[i].packets))
			r[i].packets = UINT64_MAX;
		if (__builtin_mul_overflow(r[i].bytes, r[i].sampling,
					   &r[i].bytes))
			r[i].bytes = UINT64_MAX;
	}
}

static int
flow_block(void *ctx, struct flowrec *r, size_t n)
{
	struct worker *w = ctx;

	renorm(w->o, r, n);
	return emit(w, r, filter_block(w->o->filter, r, n));
}

/* Aggregate flows that passed the filter.  1 to stop (-c, ENOMEM). */
static int
agg_rows(struct worker *w, const struct flowrec *r, size_t n)
{
	const struct runopts *o = w->o;
	int i, stop = 0, bad = 0;

	n = limit(w, r, n, &stop);
	for (i = 0; i < o->nstats; i++)
		bad |= agg_tab_add(w->stat[i], r, n);
	if (o->agg)
		bad |= agg_tab_add(w->agg, r, n);
	if (o->series_ms)
		bad |= series_add(w->series, o->series_ms, r, n);
	if (o->web)
		bad |= webagg_add(w->web[w->view], r, n);
	if (bad) {
		w->nomem = 1;
		return 1;
	}
	return stop;
}

/* Move the flows that end at or after t to the front; how many they are. */
static size_t
ended_since(struct flowrec *r, size_t n, int64_t t)
{
	struct flowrec tmp;
	size_t i = 0, j = n;

	for (;;) {
		while (i < j && r[i].last_ms >= t)
			i++;
		while (i < j && r[j - 1].last_ms < t)
			j--;
		if (i == j)
			return i;
		tmp = r[i];
		r[i] = r[j - 1];
		r[j - 1] = tmp;
	}
}

static int
agg_block(void *ctx, struct flowrec *r, size_t n)
{
	struct worker *w = ctx;
	const struct runopts *o = w->o;
	size_t at, m;
	int k, stop = 0;

	renorm(o, r, n);
	n = filter_block(o->filter, r, n);
	if (o->nviews <= 1)
		return agg_rows(w, r, n);
	/* Views: each flow to the narrowest one it ends in. */
	for (at = 0, k = 0; k < o->nviews && !stop; k++, at += m) {
		m = k + 1 < o->nviews
			? ended_since(r + at, n - at, o->view_start[k])
			: n - at;
		w->view = k;
		if (m > 0)
			stop = agg_rows(w, r + at, m);
	}
	return stop;
}

/*
 * Views: the file (of span s, read as res) counts as read, or damaged, for
 * each view whose window it overlaps, as a pass over that window alone
 * would count it.
 */
static void
count_views(struct worker *w, enum input_result res, const struct input_span *s)
{
	struct window vw;
	int k;

	vw.end = w->o->win.end;
	for (k = 0; k < w->o->nviews && res != IN_SKIPPED; k++) {
		vw.start = w->o->view_start[k];
		if (!input_overlaps(s, &vw))
			continue;
		w->vfiles[k].read++;
		if (res == IN_DAMAGED)
			w->vfiles[k].damaged++;
	}
}

static void
read_files(struct worker *w, input_fn fn)
{
	struct input_span span;
	enum input_result res;
	size_t i;

	/* --db: one query stands for all the files (one worker). */
	if (!w->nomem && w->o->db != NULL) {
		if (fn == agg_block && dbstat_applies(w->o))
			w->damaged =
			    dbstat_run(w->o->db, w->o, w->stat, w->agg,
				       w->series, &w->sum) == IN_DAMAGED;
		else if (dbread_read(w->o->db, w->buf, fn, w) == IN_DAMAGED)
			w->damaged = 1;
		return;
	}
	while (!w->nomem && (i = __atomic_fetch_add(
				 w->next, 1, __ATOMIC_RELAXED)) < w->in->n) {
		res =
		    input_read(&w->in->v[i], &w->o->win, w->buf, fn, w, &span);
		if (w->o->nviews > 1)
			count_views(w, res, &span);
		switch (res) {
		case IN_DAMAGED:
			w->damaged = 1;
			w->files.damaged++;
			w->files.read++;
			break;
		case IN_SKIPPED:
			break;
		case IN_STOPPED:
			/* -c reached: no other file is wanted. */
			__atomic_store_n(w->next, w->in->n, __ATOMIC_RELAXED);
			w->files.read++;
			break;
		default:
			w->files.read++;
			break;
		}
	}
}

static void *
agg_thread(void *arg)
{
	read_files(arg, agg_block);
	return NULL;
}

static int
worker_init(struct worker *w, const struct runopts *o, const struct inlist *in,
	    size_t *next)
{
	struct aggspec ss;
	int i;

	memset(w, 0, sizeof(*w));
	w->o = o;
	w->in = in;
	w->next = next;
	agg_summary_init(&w->sum);
	if ((w->buf = malloc(INPUT_BLOCK * sizeof(*w->buf))) == NULL)
		return -1;
	for (i = 0; i < o->nstats; i++)
		if ((w->stat[i] = agg_tab_new(&o->stat[i]->spec)) == NULL)
			return -1;
	if (o->agg && (w->agg = agg_tab_new(&o->aggspec)) == NULL)
		return -1;
	series_spec(&ss);
	if (o->series_ms && (w->series = agg_tab_new(&ss)) == NULL)
		return -1;
	for (i = 0; o->web && i < (o->nviews > 1 ? o->nviews : 1); i++) {
		agg_summary_init(&w->vsum[i]);
		if ((w->web[i] = webagg_new(&o->web[i])) == NULL)
			return -1;
	}
	return 0;
}

static void
worker_free(struct worker *w)
{
	int i;

	for (i = 0; i < RUN_MAXSTATS; i++)
		agg_tab_free(w->stat[i]);
	agg_tab_free(w->agg);
	agg_tab_free(w->series);
	for (i = 0; i < RUN_MAXVIEWS; i++)
		webagg_free(w->web[i]);
	free(w->buf);
	free(w->keep);
}

/* Fold worker b into worker a; b is then only fit to be freed. */
static int
worker_merge(struct worker *a, struct worker *b)
{
	int i;

	agg_summary_merge(&a->sum, &b->sum);
	a->damaged |= b->damaged;
	a->nomem |= b->nomem;
	for (i = 0; i < a->o->nstats; i++)
		if (agg_tab_merge(a->stat[i], b->stat[i]) == -1)
			return -1;
	if (a->agg && agg_tab_merge(a->agg, b->agg) == -1)
		return -1;
	if (a->series && agg_tab_merge(a->series, b->series) == -1)
		return -1;
	for (i = 0; i < RUN_MAXVIEWS && a->web[i] != NULL; i++) {
		if (webagg_merge(a->web[i], b->web[i]) == -1)
			return -1;
		agg_summary_merge(&a->vsum[i], &b->vsum[i]);
		a->vfiles[i].read += b->vfiles[i].read;
		a->vfiles[i].damaged += b->vfiles[i].damaged;
	}
	a->files.read += b->files.read;
	a->files.damaged += b->files.damaged;
	return 0;
}

/* --threads, else one per online processor, at most RUN_MAXTHREADS. */
static int
nprocs(const struct runopts *o)
{
	long n = o->threads;

	if (n <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n > RUN_MAXTHREADS)
			n = RUN_MAXTHREADS;
	}
	return n < 1 ? 1 : (int)n;
}

/* Readers: nprocs(), but one for -c and at most one per file. */
static int
nthreads(const struct runopts *o, const struct inlist *in)
{
	long n = nprocs(o);

	if (o->limit != 0)
		n = 1;
	if ((size_t)n > in->n)
		n = in->n ? (long)in->n : 1;
	return (int)n;
}

/* -O on single flows: times ascending, counts descending. */
static int
flow_cmp(const void *a, const void *b, void *order)
{
	const struct flowrec *x = a, *y = b;
	enum order flow_order = *(const enum order *)order;
	uint64_t u, v;

	switch (flow_order) {
	case O_TSTART:
		return x->first_ms < y->first_ms ? -1
						 : x->first_ms > y->first_ms;
	case O_TEND:
		return x->last_ms < y->last_ms ? -1 : x->last_ms > y->last_ms;
	default:
		u = field_get(agg_order_field(flow_order), x, 1);
		v = field_get(agg_order_field(flow_order), y, 1);
		return u > v ? -1 : u < v;
	}
}

typedef int (*take_fn)(struct worker *, const struct flowrec *, size_t);

/*
 * Read the files on nthreads prefetch workers, at most ahead files beyond
 * the one this thread has reached, and give their filtered records to
 * take in input order.  If the workers cannot be started, read the files
 * on this thread through fn instead.
 */
static void
read_prefetched(struct worker *w, int nthreads, int ahead, take_fn take,
		input_fn fn)
{
	const struct flowrec *r;
	struct prefetch *p;
	int damaged, nomem;
	size_t k;

	if ((p = prefetch_new(w->in, &w->o->win, w->o->filter, nthreads,
			      ahead)) == NULL) {
		read_files(w, fn);
		return;
	}
	while (prefetch_next(p, &r, &k, &damaged, &nomem)) {
		w->damaged |= damaged;
		w->nomem |= nomem;
		if (nomem || (k > 0 && take(w, r, k) != 0))
			break;
	}
	prefetch_free(p);
}

/*
 * Flows from several files: one worker per processor inflates and filters
 * files ahead (at most two files per worker, in a bounded pool of record
 * chunks), while this thread prints them in order.
 */
static void
read_ahead(struct worker *w)
{
	int n = nthreads(w->o, w->in);

	read_prefetched(w, n, 2 * n, emit, flow_block);
}

static int
run_flows(const struct runopts *o, const struct inlist *in,
	  struct summary *total)
{
	struct worker w;
	size_t next = 0;
	int rc;

	if (worker_init(&w, o, in, &next) == -1) {
		warnx("out of memory");
		worker_free(&w);
		return -1;
	}
	output_begin(o->out);
	if (in->n > 1 && o->limit == 0 && o->threads != 1)
		read_ahead(&w);
	else
		read_files(&w, flow_block);
	if (o->sort && !w.nomem) {
		enum order order = o->sort_order;

		qsort_r(w.keep, w.nkeep, sizeof(*w.keep), flow_cmp, &order);
		output_rows(o->out, w.keep, w.nkeep);
	}
	output_end(o->out);
	*total = w.sum;
	rc = w.nomem ? -1 : w.damaged;
	if (w.nomem)
		warnx("out of memory");
	worker_free(&w);
	return rc;
}

static void
print_aggregates(const struct runopts *o, struct worker *w)
{
	struct statview v;
	struct seriesview sv;
	struct aggrow *rows;
	size_t n, i;
	int s;

	if (o->agg) {
		rows = agg_tab_rows(w->agg, &n);
		agg_rows_sort(rows, n, o->sort ? o->sort_order : O_TSTART);
		output_begin(o->out);
		for (i = 0; i < n && (o->limit == 0 || i < o->limit); i++)
			output_row(o->out, &rows[i].r, rows[i].flows);
		output_end(o->out);
		free(rows);
	}
	for (s = 0; s < o->nstats; s++) {
		v.def = o->stat[s];
		v.order = o->stat_order[s];
		v.rows = rows = agg_tab_top(w->stat[s], v.order, o->topn, &n);
		v.n = n;
		v.total = &w->sum;
		output_stat(o->out, &v);
		free(rows);
	}
	if (o->series_ms) {
		sv.interval_ms = o->series_ms;
		sv.bars = o->bars;
		sv.rows = series_rows(w->series, o->series_ms, &sv.n);
		output_series(o->out, &sv);
		free((void *)sv.rows);
	}
}

/*
 * One file and a second processor: a zlib stream cannot be split, but
 * inflating it and aggregating its records can overlap.  A prefetch
 * worker reads and filters the file while this thread aggregates.
 */
static void
agg_pipelined(struct worker *w)
{
	read_prefetched(w, 1, 1, agg_rows, agg_block);
	/* The one file, read or not: the prefetcher does not say. */
	w->files.read = 1;
	w->files.damaged = w->damaged ? 1 : 0;
}

/*
 * The views' pages, narrowest first, each view's flows folded into the
 * next view's accumulator after its page.  0, or -1 when out of memory.
 */
static int
web_views(const struct runopts *o, struct worker *w)
{
	int k;

	if (o->nviews <= 1) {
		o->web_done(o->web_ctx, 0, w->web[0], &w->sum, &w->files);
		return 0;
	}
	for (k = 0; k < o->nviews; k++) {
		if (k > 0) {
			if (webagg_merge(w->web[k], w->web[k - 1]) == -1)
				return -1;
			agg_summary_merge(&w->vsum[k], &w->vsum[k - 1]);
		}
		o->web_done(o->web_ctx, k, w->web[k], &w->vsum[k],
			    &w->vfiles[k]);
	}
	w->sum = w->vsum[o->nviews - 1]; /* every view's flows by now */
	return 0;
}

static int
run_aggregate(const struct runopts *o, const struct inlist *in,
	      struct summary *total)
{
	struct worker w[RUN_MAXTHREADS];
	size_t next = 0;
	int i, n = nthreads(o, in), started = 0, rc = -1;

	for (i = 0; i < n; i++)
		if (worker_init(&w[i], o, in, &next) == -1) {
			n = i + 1;
			goto out;
		}
	for (i = 1; i < n; i++) {
		if (pthread_create(&w[i].tid, NULL, agg_thread, &w[i]) != 0)
			break;
		started = i;
	}
	if (n == 1 && in->n == 1 && o->limit == 0 && o->threads != 1 &&
	    o->nviews <= 1 &&
	    (o->threads > 1 || sysconf(_SC_NPROCESSORS_ONLN) > 1))
		agg_pipelined(&w[0]);
	else
		read_files(&w[0], agg_block);
	for (i = 1; i <= started; i++)
		pthread_join(w[i].tid, NULL);
	/* Each worker's tables go as soon as they are merged: less memory. */
	for (i = 1; i < n; i++) {
		if (worker_merge(&w[0], &w[i]) == -1)
			goto out;
		worker_free(&w[i]);
		memset(&w[i], 0, sizeof(w[i]));
	}
	if (w[0].nomem)
		goto out;
	/* Ranking after the read: -c and the number of files do not matter. */
	agg_rank_threads(nprocs(o));
	if (o->web_done != NULL) {
		if (web_views(o, &w[0]) == -1)
			goto out;
	} else
		print_aggregates(o, &w[0]);
	*total = w[0].sum;
	rc = w[0].damaged;
out:
	if (rc == -1)
		warnx("out of memory");
	for (i = 0; i < n; i++)
		worker_free(&w[i]);
	return rc;
}

int
run_report(const struct runopts *o, const struct inlist *in,
	   struct summary *total)
{
	agg_summary_init(total);
	if (o->nstats == 0 && !o->agg && o->series_ms == 0 && o->web == NULL)
		return run_flows(o, in, total);
	return run_aggregate(o, in, total);
}
