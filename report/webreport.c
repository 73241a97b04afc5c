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

/* What one pass's callback needs to write its page. */
struct pass {
	struct webreport *w;
	const struct runopts *o;
	const struct inlist *in;
	char **captures; /* --db: the loaded files' capture lines */
	size_t ncaptures;
	FILE *f;
	const char *title;
	const struct html_nav *nav;
	int nnav, self;
	char generated[64];
	int err;
};

static void
page_done(void *ctx, const struct webagg *agg, const struct summary *sum,
	  const struct run_files *files)
{
	struct pass *p = ctx;
	struct html_page hp;
	uint64_t nfiles = 0;

	memset(&hp, 0, sizeof(hp));
	hp.title = p->title;
	hp.win = p->o->win;
	hp.in = p->in;
	hp.captures = (const char *const *)p->captures;
	hp.ncaptures = p->ncaptures;
	hp.files_read = files->read;
	/* --db: the loaded files the page's flows come from. */
	if (p->o->db != NULL) {
		if (dbread_files(p->o->db, &nfiles) == -1)
			p->err = EIO;
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
	hp.self = p->self;
	if (html_page(p->f, &hp) == -1)
		p->err = errno ? errno : EIO;
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

/* One pass writing one page to f. */
static int
one_page(struct pass *p, struct runopts *o, struct summary *total)
{
	struct webagg_opts wo;
	struct tcache tc;
	int rc;

	wo.base_ms =
	    p->w->base_ms ? p->w->base_ms : auto_base(&o->win, p->in, o->db);
	wo.local = p->w->has_local ? &p->w->local : NULL;
	o->web = &wo;
	o->web_done = page_done;
	o->web_ctx = p;
	p->o = o;
	p->err = 0;
	timefmt_cache_init(&tc);
	p->generated[timefmt_ms(&tc, now_ms(), p->generated) - 4] = '\0';
	if (timefmt_is_utc())
		strcat(p->generated, " UTC");
	rc = run_report(o, p->in, total);
	o->web = NULL;
	if (rc >= 0 && p->err) {
		fprintf(stderr, "%s: writing the page: %s\n",
			program_invocation_short_name, strerror(p->err));
		rc = -1;
	}
	return rc;
}

static const struct html_nav site_nav[] = {
    {"hour.html", "last hour"},
    {"index.html", "last day"},
    {"week.html", "last week"},
};
static const int64_t site_span[] = {3600000, 86400000, 7 * 86400000LL};

/* Write page k of the site through a temporary file and rename(). */
static int
site_page(struct pass *p, struct runopts *o, int k, int64_t end,
	  struct summary *total)
{
	const char *me = program_invocation_short_name;
	char tmp[4096], dst[4096], err[256];
	int fd, rc, saved;

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
	o->win.start = end - site_span[k];
	o->win.end = end;
	if (o->db != NULL &&
	    dbread_window(o->db, &o->win, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: --db: %s\n", me, err);
		fclose(p->f);
		unlink(tmp);
		return -1;
	}
	p->title = site_nav[k].label;
	p->self = k;
	rc = one_page(p, o, total);
	/* Readable by a web server, as an ordinary file would be. */
	if (fchmod(fd, 0644) == -1 || fflush(p->f) == EOF || fsync(fd) == -1) {
		saved = errno;
		if (rc >= 0)
			fprintf(stderr, "%s: %s: %s\n", me, tmp,
				strerror(saved));
		rc = -1;
	}
	if (fclose(p->f) == EOF && rc >= 0) {
		fprintf(stderr, "%s: %s: %s\n", me, tmp, strerror(errno));
		rc = -1;
	}
	if (rc < 0 || rename(tmp, dst) == -1) {
		if (rc >= 0)
			fprintf(stderr, "%s: %s: %s\n", me, dst,
				strerror(errno));
		unlink(tmp);
		return -1;
	}
	return rc;
}

/* The page on stdout, or the site's pages in --html-dir. */
static int
write_pages(struct pass *p, struct runopts *o, struct summary *total)
{
	struct webreport *w = p->w;
	struct summary s;
	struct stat st;
	const char *why = NULL;
	int64_t end;
	int k, rc = 0, r;

	if (w->dir == NULL) {
		p->f = stdout;
		p->self = -1;
		return one_page(p, o, total);
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
	for (k = 0; k < 3; k++) {
		r = site_page(p, o, k, end, k == 1 ? total : &s);
		if (r < 0)
			return -1;
		rc |= r;
	}
	/* The directory entry of the renames must reach the disk too. */
	if ((k = open(w->dir, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(k);
		close(k);
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
