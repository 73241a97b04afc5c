/*
 * run: the reporter's two pipelines.
 *
 * Flows: files are read one after the other, each block is filtered and
 * printed (or kept for -O sorting).  Aggregates (-s, -A, --series): files
 * are shared out to worker threads, each filtering into its own hash
 * tables, which are merged at the end and then ranked and printed.
 */
#ifndef NFKIT_REPORT_RUN_H
#define NFKIT_REPORT_RUN_H

#include <stdint.h>

#include "filter.h"
#include "input.h"
#include "output.h"
#include "aggregate.h"
#include "webagg.h"

#define RUN_MAXSTATS 16
/* The most threads (--threads, or one per processor) the reporter uses. */
#define RUN_MAXTHREADS 16
/* The most views (nested windows) one web pass feeds: site mode's three. */
#define RUN_MAXVIEWS 3

/* Files read (not skipped by the window) and found damaged. */
struct run_files {
	size_t read, damaged;
};

struct dbsource;

struct runopts {
	const struct filter *filter;
	struct window win;
	struct output *out;
	int nstats; /* -s */
	const struct statdef *stat[RUN_MAXSTATS];
	enum order stat_order[RUN_MAXSTATS];
	size_t topn; /* -n */
	int agg;     /* -A given */
	struct aggspec aggspec;
	int sort; /* -O given */
	enum order sort_order;
	uint64_t limit;	   /* -c; 0 = all */
	int64_t series_ms; /* 0 = no series */
	int bars;	   /* --bars */
	int threads;	   /* 0 = automatic */
	/*
	 * --renormalize: packets and bytes of a sampled flow times its
	 * sampling interval, before the filter sees them.
	 */
	int renorm;
	/*
	 * -o html: every worker also fills web accumulators, and at the end
	 * web_done gets the merged ones in turn instead of anything printed.
	 * There is one per view: nviews windows that end at win.end and
	 * start at view_start[k], narrowest first (the widest starts at
	 * win.start).  Site mode's hour, day and week are read in one pass
	 * that way: a flow goes to the narrowest view it ends in, and each
	 * view's accumulator is folded into the next one's after its page.
	 */
	const struct webagg_opts *web; /* nviews of them */
	int nviews;
	int64_t view_start[RUN_MAXVIEWS];
	void (*web_done)(void *ctx, int view, const struct webagg *,
			 const struct summary *, const struct run_files *);
	void *web_ctx;
	struct dbsource *db; /* --db: flows from there, not files */
};

/*
 * Read every file and print the result (not the summary).  Returns 0, or 1
 * if some input was damaged; -1 on a fatal error (message printed).
 */
int run_report(const struct runopts *, const struct inlist *,
	       struct summary *total);

#endif
