/*
 * html: the web report's page: header facts, graphs, top-N tables.
 *
 * The page is one file with everything inline: the style sheet, the SVG
 * graphs, and no script at all, under a Content-Security-Policy that
 * forbids every fetch, so it works from file:// and behind any static
 * server and cannot leak a request.  The tables carry the exact integers
 * `nfreport -s` prints; the graphs carry rates with exact values on hover.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "html.h"
#include "svcname.h"
#include "svg.h"
#include "timefmt.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are not text. */
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

size_t
html_escape(const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, n;
	const char *rep;
	char one[2] = {0, 0};

	while (*s != '\0' && len > 0) {
		switch (*s) {
		case '&':
			rep = "&amp;";
			n = 1;
			break;
		case '<':
			rep = "&lt;";
			n = 1;
			break;
		case '>':
			rep = "&gt;";
			n = 1;
			break;
		case '"':
			rep = "&quot;";
			n = 1;
			break;
		case '\'':
			rep = "&#39;";
			n = 1;
			break;
		default:
			if (*s < 0x20 || *s == 0x7f || (n = utf8_len(s)) == 0) {
				rep = "\xef\xbf\xbd"; /* U+FFFD */
				n = 1;
			} else if (n == 1) {
				one[0] = (char)*s;
				rep = one;
			} else
				rep = NULL;
		}
		if (rep == NULL) {
			if (o + n >= len)
				break;
			memcpy(out + o, s, n);
			o += n;
		} else {
			if (o + strlen(rep) >= len)
				break;
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		}
		s += n;
	}
	if (len > 0)
		out[o] = '\0';
	return o;
}

void
html_text(FILE *f, const char *s)
{
	char buf[1024];
	size_t chunk;

	/* Escaping grows text at most 6 times: feed it in small pieces. */
	while (*s != '\0') {
		char piece[160];

		chunk = strlen(s) < sizeof(piece) - 1 ? strlen(s)
						      : sizeof(piece) - 1;
		/* Never split a UTF-8 sequence between pieces. */
		while (chunk > 1 && chunk < strlen(s) &&
		       ((unsigned char)s[chunk] & 0xc0) == 0x80)
			chunk--;
		memcpy(piece, s, chunk);
		piece[chunk] = '\0';
		html_escape(piece, buf, sizeof(buf));
		fputs(buf, f);
		s += chunk;
	}
}

/* Okabe & Ito's palette, readable with every common colour blindness. */
static const char *const proto_colors[4] = {
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
};
static const char *const svc_colors[WEBVIEW_NSVC + 1] = {
    "#0072B2", "#E69F00", "#009E73", "#56B4E9",
    "#D55E00", "#CC79A7", "#F0E442", "#999999",
};

static const char style[] =
    "body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1240px;"
    "padding:8px 16px;color:#111;background:#fff}\n"
    "h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;margin:1.2em 0 .3em;"
    "border-bottom:1px solid #ccc}h3{font-size:1em;margin:.8em 0 .2em}\n"
    "nav a{margin-right:1em}nav .self{font-weight:bold}\n"
    "dl.facts{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(250px,1fr));gap:2px 16px;margin:.4em 0}\n"
    "dl.facts div{display:flex;gap:.5em}dt{color:#555}dd{margin:0;"
    "font-variant-numeric:tabular-nums}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    ".chart text{font-size:12px;fill:#222}.chart .ylab{text-anchor:end}"
    ".chart .xlab{text-anchor:middle}\n.chart .grid{stroke:#ddd}"
    ".chart .axis{stroke:#222}.chart .tick{stroke:#222}"
    ".chart .side,.chart .unit{font-weight:bold}\n"
    ".chart .hover{fill:transparent}.chart .hover:hover{fill:rgba(0,0,0,.08)}\n"
    ".tables{display:flex;flex-wrap:wrap;gap:12px}\n"
    "table.top{border-collapse:collapse;font-size:13px;"
    "font-variant-numeric:tabular-nums}\n"
    "table.top caption{text-align:left;font-weight:bold}\n"
    "table.top td,table.top th{padding:1px 6px;border-bottom:1px solid #eee}"
    "table.top td.n{text-align:right}\n"
    ".nodata{font-size:1.3em;padding:2em;border:1px dashed #999}\n"
    ".capture{color:#333;font-size:13px}\n"
    "@media (max-width:700px){body{padding:4px}table.top{font-size:11px}"
    ".tables{display:block}}\n"
    "@media print{body{max-width:none;font-size:11pt}nav{display:none}"
    "details{display:block}details>summary{display:none}"
    "section,table{break-inside:avoid}.chart .hover{display:none}}\n";

static void
fact(FILE *f, const char *id, const char *dt, const char *dd)
{
	fprintf(f, "<div><dt>%s</dt><dd id=\"%s\">", dt, id);
	html_text(f, dd);
	fprintf(f, "</dd></div>\n");
}

static void
fact_u64(FILE *f, const char *id, const char *dt, uint64_t v)
{
	char t[32];

	snprintf(t, sizeof(t), "%" PRIu64, v);
	fact(f, id, dt, t);
}

static void
time_text(int64_t ms, char *out, size_t len)
{
	struct tcache tc;
	char t[32];

	timefmt_cache_init(&tc);
	t[timefmt_ms(&tc, ms, t) - 4] = '\0'; /* whole seconds */
	snprintf(out, len, "%s%s", t, timefmt_is_utc() ? " UTC" : "");
}

/*
 * Distinct capture hosts and comments of the files' headers (or, from a
 * database, of the loaded files', in the same order): the first 8, and
 * how many files had another.
 */
static void
captures(FILE *f, const struct html_page *p)
{
	char seen[8][520], line[520];
	const char *c;
	size_t i, k, n = 0, more = 0;
	size_t nfiles = p->captures ? p->ncaptures : p->in->n;

	for (i = 0; i < nfiles; i++) {
		if (p->captures != NULL)
			c = p->captures[i];
		else if (input_capture(p->in->v[i].path, line, sizeof(line)) ==
			 0)
			c = line;
		else
			continue;
		for (k = 0; k < n && strcmp(seen[k], c) != 0; k++)
			;
		if (k == n && c[0] != '\0') {
			if (n < 8)
				snprintf(seen[n++], sizeof(seen[0]), "%s", c);
			else
				more++;
		}
	}
	for (k = 0; k < n; k++) {
		fprintf(f, "<p class=\"capture\">capture ");
		html_text(f, seen[k]);
		fprintf(f, "</p>\n");
	}
	if (more)
		fprintf(f, "<p class=\"capture\">and %zu more</p>\n", more);
}

static void
header(FILE *f, const struct html_page *p, const struct webview *v)
{
	const struct summary *s = p->total;
	char a[64], b[64], t[160];
	int i;

	fprintf(f, "<header>\n<h1>Flows");
	if (p->title) {
		fprintf(f, ": ");
		html_text(f, p->title);
	}
	fprintf(f, "</h1>\n");
	if (p->nav != NULL) {
		fprintf(f, "<nav>");
		for (i = 0; i < p->nnav; i++) {
			fprintf(f, "<a href=\"%s\"%s>", p->nav[i].file,
				i == p->self ? " class=\"self\"" : "");
			html_text(f, p->nav[i].label);
			fprintf(f, "</a>");
		}
		fprintf(f, "</nav>\n");
	}
	fprintf(f, "<dl class=\"facts\">\n");
	if (p->win.start != INT64_MIN || p->win.end != INT64_MAX) {
		time_text(p->win.start, a, sizeof(a));
		time_text(p->win.end, b, sizeof(b));
		snprintf(t, sizeof(t), "%s to %s",
			 p->win.start == INT64_MIN ? "(open)" : a,
			 p->win.end == INT64_MAX ? "(open)" : b);
	} else if (s->flows) {
		time_text(s->first, a, sizeof(a));
		time_text(s->last, b, sizeof(b));
		snprintf(t, sizeof(t), "%s to %s (all flows)", a, b);
	} else
		snprintf(t, sizeof(t), "all files");
	fact(f, "window", "window", t);
	fact_u64(f, "files", "files read", p->files_read);
	fact_u64(f, "damaged", "damaged files skipped", p->files_damaged);
	fact_u64(f, "flows", "flows", s->flows);
	fact_u64(f, "packets", "packets", s->packets);
	fact_u64(f, "bytes", "bytes", s->bytes);
	fact(f, "sampling", "sampling renormalisation",
	     p->renorm
		 ? "on: packets and bytes times each flow's sampling interval"
		 : "off");
	if (s->flows) {
		double v6 = 100.0 * (double)s->flows6 / (double)s->flows;

		snprintf(t, sizeof(t), "%.1f%% / %.1f%% of flows", 100.0 - v6,
			 v6);
		fact(f, "ipshare", "IPv4 / IPv6", t);
	} else
		fact(f, "ipshare", "IPv4 / IPv6", "-");
	if (v->nb) {
		snprintf(t, sizeof(t), "%lld s", (long long)(v->iv_ms / 1000));
		fact(f, "bucket", "graph bucket", t);
	}
	if (p->filter)
		fact(f, "filter", "filter", p->filter);
	if (p->local) {
		fact(f, "local", "local networks", p->local_text);
		fact_u64(f, "inbytes", "inbound bytes",
			 v->dirtot[LOCALNET_IN][WV_BYTES]);
		fact_u64(f, "outbytes", "outbound bytes",
			 v->dirtot[LOCALNET_OUT][WV_BYTES]);
		fact_u64(f, "otherbytes", "internal/transit bytes",
			 v->dirtot[LOCALNET_OTHER][WV_BYTES]);
	}
	if (p->generated)
		fact(f, "generated", "generated", p->generated);
	fprintf(f, "</dl>\n");
	captures(f, p);
	fprintf(f, "</header>\n");
}

static const struct {
	const char *name, *unit;
	int metric;
	double mul;
} metrics[3] = {
    {"bits", "bit/s", WV_BYTES, 8},
    {"packets", "pkt/s", WV_PACKETS, 1},
    {"flows", "flow/s", WV_FLOWS, 1},
};

/* Rates of n layers (per second over the bucket) for one metric. */
static int
rates(const struct webview *v, const struct weblayer *l, int n, int m,
      const char *const *colors, struct svg_layer *out, double **mem)
{
	double *d;
	size_t i;
	int k;

	if ((d = calloc((size_t)n * v->nb, sizeof(*d))) == NULL)
		return -1;
	*mem = d;
	for (k = 0; k < n; k++) {
		out[k].name = l[k].name;
		out[k].color = colors[k];
		out[k].v = d + (size_t)k * v->nb;
		for (i = 0; i < v->nb; i++)
			d[(size_t)k * v->nb + i] =
			    (double)l[k].v[i][metrics[m].metric] *
			    metrics[m].mul * 1000.0 / (double)v->iv_ms;
	}
	return 0;
}

/* One graph section: bits/s open, packets/s and flows/s folded away. */
static int
graphs(FILE *f, const struct webview *v, const char *id, const char *title,
       const struct weblayer *lu, const struct weblayer *ld, int n,
       const char *const *colors)
{
	struct svg_layer up[WEBVIEW_NSVC + 1], down[WEBVIEW_NSVC + 1];
	struct svg_chart c;
	double *mu = NULL, *md = NULL;
	char cid[32], ct[128];
	int m, rc = 0;

	fprintf(f, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
	for (m = 0; m < 3 && rc == 0; m++) {
		if (rates(v, lu, n, m, colors, up, &mu) == -1 ||
		    (v->ndir == 2 &&
		     rates(v, ld, n, m, colors, down, &md) == -1)) {
			rc = -1;
			break;
		}
		snprintf(cid, sizeof(cid), "%s-%s", id, metrics[m].name);
		snprintf(ct, sizeof(ct), "%s, %s", title, metrics[m].unit);
		memset(&c, 0, sizeof(c));
		c.id = cid;
		c.title = ct;
		c.unit = metrics[m].unit;
		c.start_ms = v->start_ms;
		c.iv_ms = v->iv_ms;
		c.nb = v->nb;
		c.up = up;
		c.nup = n;
		if (v->ndir == 2) {
			c.down = down;
			c.ndown = n;
			c.uplabel = "out";
			c.downlabel = "in";
		}
		if (m > 0)
			fprintf(f, "<details><summary>%s</summary>\n",
				metrics[m].unit);
		svg_chart(f, &c);
		if (m > 0)
			fprintf(f, "</details>\n");
		free(mu);
		free(md);
		mu = md = NULL;
	}
	free(mu);
	fprintf(f, "</section>\n");
	return rc;
}

static const char *const stat_titles[WEBAGG_NSTATS] = {
    "Sources",	 "Destinations",     "Conversations",
    "Exporters", "Input interfaces", "Output interfaces",
};

static const enum order table_orders[3] = {O_BYTES, O_PACKETS, O_FLOWS};

static void
num_cell(FILE *f, uint64_t v)
{
	fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static uint64_t
order_value(const struct aggrow *r, enum order o)
{
	return field_get(agg_order_field(o), &r->r, r->flows);
}

static uint64_t
total_value(const struct summary *s, enum order o)
{
	return o == O_BYTES ? s->bytes : o == O_PACKETS ? s->packets : s->flows;
}

/*
 * One ranked table.  def is NULL for services, whose key is the service
 * text.  Columns: rank, the key fields, flows, packets, bytes, and the
 * share of the ranking metric.
 */
static void
table(FILE *f, const char *stat, const struct statdef *def,
      const struct aggrow *rows, size_t n, enum order o,
      const struct summary *total)
{
	char t[64];
	size_t i;
	int k;

	fprintf(f,
		"<table class=\"top\" data-stat=\"%s\" data-order=\"%s\">"
		"<caption>by %s</caption>\n<thead><tr><th>#</th>",
		stat, agg_order_names[o], agg_order_names[o]);
	if (def == NULL)
		fprintf(f, "<th>service</th>");
	for (k = 0; def != NULL && k < def->spec.nkeys; k++)
		fprintf(f, "<th>%s</th>",
			def->label ? def->label
				   : fields[def->spec.keys[k]].name);
	fprintf(f, "<th>flows</th><th>packets</th><th>bytes</th><th>%%</th>"
		   "</tr></thead>\n<tbody>\n");
	for (i = 0; rows != NULL && i < n; i++) {
		const struct aggrow *r = &rows[i];
		uint64_t tot = total_value(total, o);

		fprintf(f, "<tr><td class=\"n\">%zu</td>", i + 1);
		if (def == NULL) {
			svcname_text(r->r.proto, r->r.dstport, t, sizeof(t));
			fprintf(f, "<td class=\"k\">");
			html_text(f, t);
			fprintf(f, "</td>");
		}
		for (k = 0; def != NULL && k < def->spec.nkeys; k++) {
			t[field_text(def->spec.keys[k], &r->r, r->flows, t)] =
			    '\0';
			fprintf(f, "<td class=\"k\">%s</td>", t);
		}
		num_cell(f, r->flows);
		num_cell(f, r->r.packets);
		num_cell(f, r->r.bytes);
		fprintf(f, "<td class=\"n\">%.1f</td></tr>\n",
			tot ? 100.0 * (double)order_value(r, o) / (double)tot
			    : 0.0);
	}
	fprintf(f, "</tbody></table>\n");
}

/*
 * The three rankings of a table (ranked in place: a table of millions of
 * rows), or of the services when def is NULL.
 */
static int
tab_rankings(FILE *f, const char *title, const struct statdef *def,
	     const struct aggtab *t, const struct html_page *p)
{
	struct aggrow *rows[3];
	size_t k[3];
	int i;

	if (def != NULL && t == NULL)
		return -1;
	if ((def != NULL ? agg_tab_tops(t, table_orders, 3, p->topn, rows, k)
			 : webagg_services(p->agg, table_orders, 3, p->topn,
					   rows, k)) == -1)
		return -1;
	fprintf(f, "<h3>%s</h3>\n<div class=\"tables\">\n", title);
	for (i = 0; i < 3; i++) {
		table(f, def != NULL ? def->name : "service", def, rows[i],
		      k[i], table_orders[i], p->total);
		free(rows[i]);
	}
	fprintf(f, "</div>\n");
	return 0;
}

static int
tables(FILE *f, const struct html_page *p)
{
	int i;

	fprintf(f, "<section id=\"top\">\n<h2>Top %zu</h2>\n", p->topn);
	for (i = 0; i < WEBAGG_NSTATS; i++) {
		const struct statdef *def = webagg_statdef(i);

		if (tab_rankings(f, stat_titles[i], def, webagg_stat(p->agg, i),
				 p) == -1)
			return -1;
		if (i == 2 && tab_rankings(f, "Services", NULL, NULL, p) == -1)
			return -1;
	}
	fprintf(f, "</section>\n");
	return 0;
}

int
html_page(FILE *f, const struct html_page *p)
{
	static const char *const csp =
	    "default-src 'none'; "
	    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
	struct webview v;
	int rc = 0;

	if (webagg_view_build(&v, p->agg, &p->win) == -1)
		return -1;
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n<title>nfreport",
		csp);
	if (p->title) {
		fprintf(f, ": ");
		html_text(f, p->title);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	header(f, p, &v);
	fprintf(f, "<main>\n");
	if (p->total->flows == 0 || v.nb == 0)
		fprintf(f, "<p class=\"nodata\" id=\"noflows\">no flows in "
			   "this window</p>\n");
	else {
		rc |= graphs(f, &v, "proto", "Traffic by protocol", v.proto[0],
			     v.proto[1], 4, proto_colors);
		rc |= graphs(f, &v, "services", "Traffic by service", v.svc[0],
			     v.svc[1], v.nsvc, svc_colors);
		rc |= tables(f, p);
	}
	fprintf(f, "</main>\n</body>\n</html>\n");
	webagg_view_free(&v);
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	return rc;
}
