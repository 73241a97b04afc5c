/*
 * webreport: running the passes and writing pages, atomically in site
 * mode.
 *
 * "Now" (the "generated" line, and the end of the site's windows when -t
 * gives none) is the wall clock, or SOURCE_DATE_EPOCH when set (the
 * reproducible-builds convention), so that golden pages do not change from
 * run to run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbread.h"
#include "html.h"
#include "parse.h"
#include "timefmt.h"
#include "webreport.h"

/* What a pass's callback needs to write its pages. */
struct pass {
	struct webreport *w;
	const struct runopts *o;
	const struct inlist *in;
	char **captures; /* --db: the loaded files' capture lines */
	size_t ncaptures;
	FILE *f;
	const struct html_nav *nav;
	int nnav;
	int page0; /* site page of the pass's first view; -1: stdout */
	struct window win[RUN_MAXVIEWS]; /* of each view's page */
	char generated[64];
	struct summary *total; /* site mode: gets the day page's totals */
	int err;	       /* the first page that failed: 1 */
};

static const struct html_nav site_nav[] = {
    {"hour.html", "last hour"},
    {"index.html", "last day"},
    {"week.html", "last week"},
};
static const int64_t site_span[] = {3600000, 86400000, 7 * 86400000LL};
#define SITE_DAY 1 /* the page whose totals the summary line shows */

/* Write view's page to p->f.  0, or -1 with errno set. */
static int
page_write(struct pass *p, int view, int page, const struct webagg *agg,
	   const struct summary *sum, const struct run_files *files)
{
	struct html_page hp;
	uint64_t nfiles = 0;

	memset(&hp, 0, sizeof(hp));
	hp.title = page >= 0 ? site_nav[page].label : NULL;
	hp.win = p->win[view];
	hp.in = p->in;
	hp.captures = (const char *const *)p->captures;
	hp.ncaptures = p->ncaptures;
	hp.files_read = files->read;
	/* --db: the loaded files the page's flows come from. */
	if (p->o->db != NULL) {
		if (dbread_files(p->o->db, &nfiles) == -1) {
			errno = EIO;
			return -1;
		}
		hp.files_read = (size_t)nfiles;
	}
	hp.files_damaged = files->damaged;
	hp.renorm = p->o->renorm;
	hp.total = sum;
	hp.agg = agg;
	hp.local = p->w->has_local ? &p->w->local : NULL;
	hp.local_text = p->w->local_text;
	hp.filter = p->w->filter;
	hp.topn = p->o->topn;
	hp.generated = p->generated;
	hp.nav = p->nav;
	hp.nnav = p->nnav;
	hp.self = page;
	errno = 0;
	if (html_page(p->f, &hp) == -1) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Site page k through a temporary file and rename(): a reader of the old
 * page sees it whole until the new one replaces it whole.
 */
static int
site_write(struct pass *p, int view, int k, const struct webagg *agg,
	   const struct summary *sum, const struct run_files *files)
{
	const char *me = program_invocation_short_name;
	char tmp[4096], dst[4096];
	int fd, rc;

	snprintf(dst, sizeof(dst), "%s/%s", p->w->dir, site_nav[k].file);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", p->w->dir,
			     site_nav[k].file) >= sizeof(tmp)) {
		fprintf(stderr, "%s: %s: path too long\n", me, p->w->dir);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1 || (p->f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", me, tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	if ((rc = page_write(p, view, k, agg, sum, files)) == -1)
		fprintf(stderr, "%s: writing the page: %s\n", me,
			strerror(errno));
	/* Readable by a web server, as an ordinary file would be. */
	else if (fchmod(fd, 0644) == -1 || fflush(p->f) == EOF ||
		 fsync(fd) == -1) {
		fprintf(stderr, "%s: %s: %s\n", me, tmp, strerror(errno));
		rc = -1;
	}
	if (fclose(p->f) == EOF && rc == 0) {
		fprintf(stderr, "%s: %s: %s\n", me, tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, dst) == -1) {
		fprintf(stderr, "%s: %s: %s\n", me, dst, strerror(errno));
		rc = -1;
	}
	if (rc == -1)
		unlink(tmp);
	return rc;
}

static void
page_done(void *ctx, int view, const struct webagg *agg,
	  const struct summary *sum, const struct run_files *files)
{
	struct pass *p = ctx;
	int page = p->page0 >= 0 ? p->page0 + view : -1;

	if (page == SITE_DAY)
		*p->total = *sum;
	if (page < 0) {
		p->f = stdout;
		if (page_write(p, view, page, agg, sum, files) == -1) {
			fprintf(stderr, "%s: writing the page: %s\n",
				program_invocation_short_name, strerror(errno));
			p->err = 1;
		}
	} else if (site_write(p, view, page, agg, sum, files) == -1)
		p->err = 1;
}

static int64_t
now_ms(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;

	if (e != NULL && parse_u64(e, 0, INT64_MAX / 1000, &v) == 0)
		return (int64_t)v * 1000;
	return (int64_t)time(NULL) * 1000;
}

/*
 * The bucket width to read with: about 300 buckets over the window, at a
 * readable step, so a day gets the classic five minutes, an hour half
 * minutes and a week hours.  Without a window the span is guessed from
 * the files' names (flow-capture's start times, plus one five-minute
 * rotation), with --db from the start times of the loaded files; a stream
 * on stdin gets five minutes.
 */
static int64_t
auto_base(const struct window *win, const struct inlist *in,
	  struct dbsource *db)
{
	static const int64_t steps[] = {10,   30,   60,	      300,	900,
					1800, 3600, 3 * 3600, 6 * 3600, 86400};
	int64_t lo = INT64_MAX, hi = INT64_MIN, span;
	size_t i;

	if (win->start != INT64_MIN && win->end != INT64_MAX)
		span = win->end - win->start;
	else {
		if (db != NULL) {
			if (dbread_file_span(db, &lo, &hi) != 1)
				return 300000;
		} else if (in->n == 0)
			return 300000;
		for (i = 0; i < in->n; i++) {
			lo = in->v[i].start_ms < lo ? in->v[i].start_ms : lo;
			hi = in->v[i].start_ms > hi ? in->v[i].start_ms : hi;
		}
		if (lo == INT64_MIN)
			return 300000;
		span = hi - lo + 300000;
		if (win->start != INT64_MIN && hi - win->start < span)
			span = hi - win->start + 300000;
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * 1000 * 300 >= span)
			return steps[i] * 1000;
	return 86400000;
}

/*
 * One pass over o->win for the views whose windows p->win holds (views
 * 0 .. nviews-1, narrowest first, all ending at o->win.end), writing their
 * pages.  Returns what run_report() does, or -1 if a page failed.
 */
static int
pass_run(struct pass *p, struct runopts *o, int nviews, struct summary *total)
{
	struct webagg_opts wo[RUN_MAXVIEWS];
	struct summary all, day;
	struct tcache tc;
	int k, rc;

	agg_summary_init(&day);
	for (k = 0; k < nviews; k++) {
		wo[k].base_ms = p->w->base_ms
				    ? p->w->base_ms
				    : auto_base(&p->win[k], p->in, o->db);
		wo[k].local = p->w->has_local ? &p->w->local : NULL;
		o->view_start[k] = p->win[k].start;
	}
	o->win = p->win[nviews - 1];
	o->web = wo;
	o->nviews = nviews;
	o->web_done = page_done;
	o->web_ctx = p;
	p->o = o;
	p->err = 0;
	p->total = &day;
	timefmt_cache_init(&tc);
	p->generated[timefmt_ms(&tc, now_ms(), p->generated) - 4] = '\0';
	if (timefmt_is_utc())
		strcat(p->generated, " UTC");
	rc = run_report(o, p->in, p->page0 < 0 ? total : &all);
	o->web = NULL;
	o->nviews = 0;
	if (p->page0 >= 0 && p->page0 <= SITE_DAY &&
	    p->page0 + nviews > SITE_DAY)
		*total = day;
	return rc >= 0 && p->err ? -1 : rc;
}

/*
 * The site's pages.  Files: one pass, the week's window, each flow fed to
 * the narrowest page that shows it.  --db: one query per page, since the
 * database selects each window itself and there is no reading to share.
 */
static int
site_pages(struct pass *p, struct runopts *o, int64_t end,
	   struct summary *total)
{
	const char *me = program_invocation_short_name;
	char err[256];
	int k, rc = 0, r;

	for (k = 0; k < 3; k++) {
		p->win[k].start = end - site_span[k];
		p->win[k].end = end;
	}
	if (o->db == NULL) {
		p->page0 = 0;
		return pass_run(p, o, 3, total);
	}
	for (k = 0; k < 3; k++) {
		p->win[0] = (struct window){end - site_span[k], end};
		if (dbread_window(o->db, &p->win[0], err, sizeof(err)) == -1) {
			fprintf(stderr, "%s: --db: %s\n", me, err);
			return -1;
		}
		p->page0 = k;
		if ((r = pass_run(p, o, 1, total)) < 0)
			return -1;
		rc |= r;
	}
	return rc;
}

/* The page on stdout, or the site's pages in --html-dir. */
static int
write_pages(struct pass *p, struct runopts *o, struct summary *total)
{
	struct webreport *w = p->w;
	struct stat st;
	const char *why = NULL;
	int64_t end;
	int rc;

	if (w->dir == NULL) {
		p->page0 = -1;
		p->win[0] = o->win;
		return pass_run(p, o, 1, total);
	}
	if (stat(w->dir, &st) == -1)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	if (why != NULL) {
		fprintf(stderr, "%s: --html-dir %s: %s\n",
			program_invocation_short_name, w->dir, why);
		return -1;
	}
	end = o->win.end != INT64_MAX ? o->win.end : now_ms();
	p->nav = site_nav;
	p->nnav = 3;
	rc = site_pages(p, o, end, total);
	/* The directory entry of the renames must reach the disk too. */
	if (rc >= 0) {
		int fd = open(w->dir, O_RDONLY | O_DIRECTORY);

		if (fd != -1) {
			fsync(fd);
			close(fd);
		}
	}
	return rc;
}

int
webreport_run(struct webreport *w, struct runopts *o, const struct inlist *in,
	      struct summary *total)
{
	struct pass p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.w = w;
	p.in = in;
	if (o->db != NULL &&
	    (p.captures = dbread_captures(o->db, &p.ncaptures)) == NULL) {
		fprintf(stderr, "%s: out of memory\n",
			program_invocation_short_name);
		return -1;
	}
	rc = write_pages(&p, o, total);
	dbread_captures_free(p.captures, p.ncaptures);
	return rc;
}
