/*
 * nfreport: print, filter, aggregate and rank flows from flow-tools files.
 *
 * main() only reads the command line and wires the modules together:
 * input (which files), filter (which flows), run (read and aggregate),
 * output (how to print).  See nfreport(1).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbread.h"
#include "fields.h"
#include "filter.h"
#include "input.h"
#include "output.h"
#include "parse.h"
#include "run.h"
#include "aggregate.h"
#include "timefmt.h"
#include "webreport.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE 2

static void __attribute__((noreturn)) usage(void)
{
	fprintf(
	    stderr,
	    "usage: nfreport [-aqU] [-A fields] [-c count] [-f filterfile] "
	    "[-n count]\n"
	    "                [-O order] [-o format] [-r path] "
	    "[-s stat[/order]]\n"
	    "                [-t start[,end]] [--bars] [--html-dir dir] "
	    "[--ignore-errors]\n"
	    "                [--local net[,net ...]] [--renormalize] "
	    "[--series interval]\n"
	    "                [--threads n]\n"
	    "                [path ...] [filter]\n"
	    "       nfreport --db url [--db-table table] [options] [filter]\n");
	exit(EXIT_USAGE);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

struct cmdline {
	struct runopts run;
	const char *format;
	const char *filterfile;
	char *expr;		 /* joined filter words */
	size_t exprlen, exprcap; /* strlen(expr), its buffer */
	int with_tmp, quiet, ignore_errors;
	char *paths[256]; /* -r and path arguments */
	int npaths;
	const char *db_url, *dbread_table; /* --db, --db-table */
	struct webreport web;		   /* -o html, --html-dir, --local */
};

/* -A srcip,dstport: the key fields, then the counters. */
static void
opt_aggregate(struct cmdline *c, char *list, struct cols *cols)
{
	static const int tail[] = {F_FIRST, F_LAST,    F_DURATION,
				   F_FLOWS, F_PACKETS, F_BYTES,
				   F_BPS,   F_PPS,     F_BPP};
	struct aggspec *s = &c->run.aggspec;
	char *name, *save = NULL;
	size_t i;
	int id;

	memset(s, 0, sizeof(*s));
	memset(cols, 0, sizeof(*cols));
	for (name = strtok_r(list, ",", &save); name != NULL;
	     name = strtok_r(NULL, ",", &save)) {
		id = field_lookup(name);
		if (id < 0 || !fields[id].keyable)
			usage_error("-A: '%s' is not a field to aggregate on",
				    name);
		if (s->nkeys == AGG_MAXKEY)
			usage_error("-A: too many fields");
		s->keys[s->nkeys++] = id;
		cols->id[cols->n++] = id;
	}
	if (s->nkeys == 0)
		usage_error("-A: no fields");
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		cols->id[cols->n++] = tail[i];
	c->run.agg = 1;
}

/* -s srcip/bytes */
static void
opt_stat(struct cmdline *c, const char *arg)
{
	char name[64], *slash;
	int o = O_FLOWS;

	if (c->run.nstats == RUN_MAXSTATS)
		usage_error("-s: at most %d statistics", RUN_MAXSTATS);
	snprintf(name, sizeof(name), "%s", arg);
	if ((slash = strchr(name, '/')) != NULL) {
		*slash++ = '\0';
		if ((o = agg_order_lookup(slash)) < 0 || o > O_BPP)
			usage_error("-s: unknown order '%s' (%s)", slash,
				    agg_order_list(0));
	}
	if ((c->run.stat[c->run.nstats] = agg_stat_lookup(name)) == NULL)
		usage_error("-s: unknown statistic '%s' (%s)", name,
			    agg_stat_names());
	c->run.stat_order[c->run.nstats++] = (enum order)o;
}

/* -t START[,END] */
static void
opt_window(struct cmdline *c, const char *arg)
{
	char buf[128], *comma;
	time_t now = time(NULL);

	snprintf(buf, sizeof(buf), "%s", arg);
	c->run.win.start = INT64_MIN;
	c->run.win.end = INT64_MAX;
	if ((comma = strchr(buf, ',')) != NULL) {
		*comma++ = '\0';
		if (timefmt_parse(comma, now, &c->run.win.end) == -1)
			usage_error("-t: bad end time '%s'", comma);
	}
	if (buf[0] != '\0' && timefmt_parse(buf, now, &c->run.win.start) == -1)
		usage_error("-t: bad start time '%s'", buf);
	if (c->run.win.end <= c->run.win.start)
		usage_error("-t: the window ends before it starts");
}

/*
 * Append one word (or line) of the filter expression.  The buffer grows
 * by doubling and the length is kept, so a filter file of many lines is
 * joined in linear time.
 */
static void
add_expr(struct cmdline *c, const char *w)
{
	size_t n = strlen(w), need = c->exprlen + n + 2;
	char *e;

	if (c->expr == NULL || need > c->exprcap) {
		if ((e = realloc(c->expr, need * 2)) == NULL)
			usage_error("out of memory");
		c->expr = e;
		c->exprcap = need * 2;
	}
	if (c->exprlen > 0)
		c->expr[c->exprlen++] = ' ';
	memcpy(c->expr + c->exprlen, w, n + 1);
	c->exprlen += n;
}

/* Lines of any length (a fixed buffer split words at its edge). */
static void
read_filterfile(struct cmdline *c)
{
	char *line = NULL, *nl;
	size_t cap = 0;
	FILE *f = fopen(c->filterfile, "r");

	if (f == NULL)
		usage_error("-f %s: %s", c->filterfile, strerror(errno));
	while (getline(&line, &cap, f) != -1) {
		if ((nl = strchr(line, '#')) != NULL)
			*nl = '\0';
		while ((nl = strpbrk(line, "\r\n\t")) != NULL)
			*nl = ' ';
		add_expr(c, line);
	}
	free(line);
	fclose(f);
}

/* --local 192.0.2.0/24,2001:db8::/32 (may be given more than once) */
static void
opt_local(struct cmdline *c, const char *arg)
{
	char err[128];

	if (localnet_parse(&c->web.local, arg, err, sizeof(err)) == -1)
		usage_error("--local: %s", err);
	c->web.has_local = 1;
	c->web.local_text = arg;
}

/*
 * -o html and --html-dir: the web report does its own runs (one per page)
 * and prints no text.  Returns what run_report() would.
 */
static int
run_web(struct cmdline *c, const struct inlist *in, struct summary *total)
{
	if (c->run.nstats || c->run.agg || c->run.sort || c->run.limit)
		usage_error("-o html draws its own tables (no -s, -A, -O, -c)");
	c->web.filter = c->expr;
	c->web.base_ms = c->run.series_ms;
	c->run.series_ms = 0;
	return webreport_run(&c->web, &c->run, in, total);
}

enum {
	OPT_SERIES = 256,
	OPT_IGNORE,
	OPT_THREADS,
	OPT_HTMLDIR,
	OPT_LOCAL,
	OPT_BARS,
	OPT_DB,
	OPT_DBTABLE,
	OPT_RENORM
};

static const struct option longopts[] = {
    {"series", required_argument, NULL, OPT_SERIES},
    {"ignore-errors", no_argument, NULL, OPT_IGNORE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"db", required_argument, NULL, OPT_DB},
    {"db-table", required_argument, NULL, OPT_DBTABLE},
    {"html-dir", required_argument, NULL, OPT_HTMLDIR},
    {"local", required_argument, NULL, OPT_LOCAL},
    {"bars", no_argument, NULL, OPT_BARS},
    {"renormalize", no_argument, NULL, OPT_RENORM},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void
parse_args(struct cmdline *c, int argc, char **argv, struct cols *aggcols)
{
	struct stat st;
	uint64_t v;
	int ch, i, explicit_paths = 0;

	memset(c, 0, sizeof(*c));
	c->format = "short";
	c->run.topn = 10;
	c->run.win.start = INT64_MIN;
	c->run.win.end = INT64_MAX;
	while ((ch = getopt_long(argc, argv, "aA:c:f:hn:O:o:qr:s:t:U", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'a':
			c->with_tmp = 1;
			break;
		case 'A':
			opt_aggregate(c, optarg, aggcols);
			break;
		case 'c':
			if (parse_u64(optarg, 1, UINT64_MAX, &c->run.limit))
				usage_error("-c: bad count '%s'", optarg);
			break;
		case 'f':
			c->filterfile = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, 1, 1000000000, &v))
				usage_error("-n: bad count '%s'", optarg);
			c->run.topn = (size_t)v;
			break;
		case 'O':
			if ((i = agg_order_lookup(optarg)) < 0)
				usage_error("-O: unknown order '%s' (%s)",
					    optarg, agg_order_list(1));
			c->run.sort = 1;
			c->run.sort_order = (enum order)i;
			break;
		case 'o':
			c->format = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'r':
			if (c->npaths == 256)
				usage_error("too many paths");
			c->paths[c->npaths++] = optarg;
			explicit_paths = 1;
			break;
		case 's':
			opt_stat(c, optarg);
			break;
		case 't':
			opt_window(c, optarg);
			break;
		case 'U':
			timefmt_utc(1);
			break;
		case OPT_SERIES:
			if (parse_timespec(optarg, &v) || v == 0 ||
			    v > 366 * 86400)
				usage_error("--series: bad interval '%s'",
					    optarg);
			c->run.series_ms = (int64_t)v * 1000;
			break;
		case OPT_IGNORE:
			c->ignore_errors = 1;
			break;
		case OPT_DB:
			c->db_url = optarg;
			break;
		case OPT_DBTABLE:
			c->dbread_table = optarg;
			break;
		case OPT_THREADS:
			if (parse_u64(optarg, 1, RUN_MAXTHREADS, &v))
				usage_error("--threads: 1 to %d",
					    RUN_MAXTHREADS);
			c->run.threads = (int)v;
			break;
		case OPT_HTMLDIR:
			c->web.dir = optarg;
			break;
		case OPT_LOCAL:
			opt_local(c, optarg);
			break;
		case OPT_BARS:
			c->run.bars = 1;
			break;
		case OPT_RENORM:
			c->run.renorm = 1;
			break;
		default:
			usage();
		}
	}
	/*
	 * The rest: paths (anything that exists, starts with '/' or '.', or
	 * is "-") and then the words of the filter.  With -r, every
	 * remaining word is filter.
	 */
	for (i = optind; i < argc; i++) {
		if (!explicit_paths && c->expr == NULL && c->db_url == NULL &&
		    (strcmp(argv[i], "-") == 0 || argv[i][0] == '/' ||
		     argv[i][0] == '.' || stat(argv[i], &st) == 0)) {
			if (c->npaths == 256)
				usage_error("too many paths");
			c->paths[c->npaths++] = argv[i];
		} else
			add_expr(c, argv[i]);
	}
	if (c->db_url != NULL && c->npaths > 0)
		usage_error("--db and input paths both given");
	if (c->filterfile != NULL) {
		if (c->expr != NULL)
			usage_error("-f and a filter expression both given");
		read_filterfile(c);
	}
}

int
main(int argc, char **argv)
{
	struct cmdline c;
	struct cols aggcols;
	struct filter_error ferr;
	struct filter *filter;
	struct inlist in;
	struct summary total;
	int i, rc, web, human, bad_input = 0;

	timefmt_utc(0);
	parse_args(&c, argc, argv, &aggcols);

	filter = filter_compile(c.expr ? c.expr : "", &ferr);
	if (filter == NULL) {
		filter_perror(c.expr ? c.expr : "", &ferr);
		free(c.expr);
		return EXIT_USAGE;
	}
	c.run.filter = filter;
	if (c.db_url != NULL &&
	    (filter =
		 dbread_setup(&c.run, c.db_url,
			      c.dbread_table ? c.dbread_table : "nfkit.flows",
			      filter)) == NULL) {
		free(c.expr);
		return EXIT_USAGE;
	}

	web = strcmp(c.format, "html") == 0 || c.web.dir != NULL;
	if (!web && c.web.has_local)
		usage_error("--local is for -o html and --html-dir");
	/* The web report writes its pages itself: its output is unused. */
	if ((c.run.out = output_new(web ? "csv" : c.format, stdout)) == NULL)
		usage_error("-o: unknown format '%s' (%s html)", c.format,
			    output_names());
	if (web)
		c.quiet = 1;
	else if (!output_is_text(c.run.out)) {
		if (c.run.nstats || c.run.series_ms)
			usage_error("-o %s prints flows only (no -s, "
				    "--series)",
				    c.format);
		c.quiet = 1;
	}
	human = strcmp(c.format, "short") == 0 ||
		strcmp(c.format, "line") == 0 || strcmp(c.format, "long") == 0;
	if (c.run.bars && (c.run.series_ms == 0 || web || !human))
		usage_error("--bars draws --series in text output only");
	if (c.run.agg)
		output_set_cols(c.run.out, &aggcols);
	/*
	 * Renormalised numbers are named: the human formats say so first,
	 * csv and json in their summary (a comment line would break them).
	 */
	if (c.run.renorm && !web && human)
		printf("# packets and bytes renormalised by each flow's "
		       "sampling interval (--renormalize)\n");
	else if (c.run.renorm)
		output_set_renorm(c.run.out);

	memset(&in, 0, sizeof(in));
	if (c.npaths == 0 && c.run.db == NULL) {
		if (isatty(0))
			usage_error("no input: give files or directories, "
				    "or pipe a flow stream to stdin");
		c.paths[c.npaths++] = "-";
	}
	for (i = 0; i < c.npaths; i++)
		if (input_add(&in, c.paths[i], c.with_tmp) == -1)
			bad_input = 1;

	rc = web ? run_web(&c, &in, &total) : run_report(&c.run, &in, &total);
	if (rc >= 0 && !c.quiet)
		output_summary(c.run.out, &total);
	if (output_free(c.run.out) == -1) {
		warn("write");
		rc = -1;
	}

	input_free(&in);
	dbread_close(c.run.db);
	filter_free(filter);
	free(c.expr);
	if (rc < 0)
		return EXIT_DAMAGED;
	if ((rc > 0 || bad_input) && !c.ignore_errors)
		return EXIT_DAMAGED;
	return EXIT_SUCCESS;
}
