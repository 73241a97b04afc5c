/*
 * webagg: the one-pass accumulator of the web report, and its shaping
 * into graph layers.
 *
 * Reading costs one lookup per ranked table (batched in agg_tab_add), one
 * for the services table and one for the cells per flow; everything else
 * happens once, on the merged tables, after the pass.  The exporters and
 * the input and output interfaces are one table of (exporter, input,
 * output) while reading, one lookup per flow instead of three (there are
 * few such triples), and the three ranked tables are derived from it
 * before the first read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "svcname.h"
#include "webagg.h"

static const char *const statnames[WEBAGG_NSTATS] = {
    "srcip", "dstip", "conversation", "exporter", "inif", "outif",
};

/* The ranked tables derived from the (exporter, input, output) table. */
#define WEB_IFS 3 /* exporter, inif, outif: stat[WEB_IFS ...] */

struct webagg {
	struct webagg_opts o;
	struct aggtab *stat[WEBAGG_NSTATS];
	struct aggtab *ifs;   /* (exporter, input, output) while reading */
	int derived;	      /* stat[WEB_IFS ...] filled from ifs */
	struct aggtab *svc;   /* key: proto << 16 | port */
	struct aggtab *cells; /* key: bucket, cellword() */
};

/* Ports kept apart in cells: below 1024 or a named service. */
static uint16_t
cell_port(uint8_t proto, uint16_t port)
{
	return port < 1024 || svcname_known(proto, port) ? port : 0;
}

const struct statdef *
webagg_statdef(int i)
{
	return agg_stat_lookup(statnames[i]);
}

struct webagg *
webagg_new(const struct webagg_opts *o)
{
	struct aggspec one = {1, {-1}, 0, 0}, two = {2, {-1, -1}, 0, 0};
	struct aggspec ifs = {3, {F_EXPORTER, F_INIF, F_OUTIF}, 0, 0};
	struct webagg *w;
	int i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->o = *o;
	for (i = 0; i < WEBAGG_NSTATS; i++)
		if ((w->stat[i] = agg_tab_new(&webagg_statdef(i)->spec)) ==
		    NULL)
			goto fail;
	if ((w->svc = agg_tab_new(&one)) == NULL ||
	    (w->cells = agg_tab_new(&two)) == NULL ||
	    (w->ifs = agg_tab_new(&ifs)) == NULL)
		goto fail;
	return w;
fail:
	webagg_free(w);
	return NULL;
}

void
webagg_free(struct webagg *w)
{
	int i;

	if (w == NULL)
		return;
	for (i = 0; i < WEBAGG_NSTATS; i++)
		agg_tab_free(w->stat[i]);
	agg_tab_free(w->svc);
	agg_tab_free(w->cells);
	agg_tab_free(w->ifs);
	free(w);
}

/* Flows whose service and cell keys are made at a time. */
#define WEB_BATCH 256

int
webagg_add(struct webagg *w, const struct flowrec *r, size_t n)
{
	uint64_t sk[WEB_BATCH], ck[WEB_BATCH];
	uint32_t dir = 0, cell;
	uint16_t port;
	size_t i, j, m;
	int64_t b;
	int s;

	for (s = 0; s < WEB_IFS; s++)
		if (agg_tab_add(w->stat[s], r, n) == -1)
			return -1;
	if (agg_tab_add(w->ifs, r, n) == -1)
		return -1;
	for (i = 0; i < n; i += m) {
		m = n - i < WEB_BATCH ? n - i : WEB_BATCH;
		for (j = 0; j < m; j++) {
			const struct flowrec *f = &r[i + j];

			port = svcname_port(f->proto, f->srcport, f->dstport);
			sk[j] = (uint32_t)f->proto << 16 | port;
			if (w->o.local != NULL)
				dir = localnet_dir(w->o.local, f);
			b = f->last_ms > 0 ? f->last_ms / w->o.base_ms : 0;
			cell = dir << 24 | (uint32_t)f->proto << 16 |
			       cell_port(f->proto, port);
			ck[j] = (uint64_t)cell << 32 |
				(b > UINT32_MAX ? UINT32_MAX : (uint32_t)b);
		}
		if (agg_tab_add_keys(w->svc, sk, r + i, m) == -1 ||
		    agg_tab_add_keys(w->cells, ck, r + i, m) == -1)
			return -1;
	}
	return 0;
}

/*
 * src's cells into dst's, whose buckets are wider: a view's page is drawn
 * from buckets of its own width, and the pass reads a narrower view's
 * flows with narrower ones.  Widths come from a ladder in which each
 * divides the wider ones, so a narrow bucket lies inside one wide bucket
 * and the sums are those a pass with the wide buckets would make.
 */
static int
merge_rebased(struct webagg *dst, struct webagg *src)
{
	struct aggrow *rows;
	uint64_t b;
	size_t n, i;
	int rc = 0;

	if (dst->o.base_ms % src->o.base_ms != 0)
		return -1;
	if ((rows = agg_tab_rows(src->cells, &n)) == NULL)
		return agg_tab_size(src->cells) > 0 ? -1 : 0;
	for (i = 0; i < n && rc == 0; i++) {
		b = (uint64_t)rows[i].key[0] * (uint64_t)src->o.base_ms /
		    (uint64_t)dst->o.base_ms;
		rows[i].key[0] = (uint32_t)b;
		rc = agg_tab_add_group(dst->cells, rows[i].key, &rows[i].r,
				       rows[i].flows);
	}
	free(rows);
	return rc;
}

int
webagg_merge(struct webagg *dst, struct webagg *src)
{
	int i;

	/* The exporter and interface tables are derived from ifs. */
	for (i = 0; i < WEB_IFS; i++)
		if (agg_tab_merge(dst->stat[i], src->stat[i]) == -1)
			return -1;
	for (i = WEB_IFS; dst->derived && i < WEBAGG_NSTATS; i++) {
		agg_tab_free(dst->stat[i]);
		if ((dst->stat[i] = agg_tab_new(&webagg_statdef(i)->spec)) ==
		    NULL)
			return -1;
	}
	dst->derived = 0;
	if (agg_tab_merge(dst->svc, src->svc) == -1 ||
	    agg_tab_merge(dst->ifs, src->ifs) == -1)
		return -1;
	if (dst->o.base_ms == src->o.base_ms)
		return agg_tab_merge(dst->cells, src->cells);
	return merge_rebased(dst, src);
}

/*
 * The exporter and interface tables from the (exporter, input, output)
 * ones, before the first read: reading changes nothing that it shows, so
 * it takes a const accumulator, as agg_settle() does.  0 or -1.
 */
static int
derive(const struct webagg *cw)
{
	struct webagg *w = (struct webagg *)cw;
	struct aggrow *rows;
	size_t n, i;
	int s, rc = 0;

	if (w->derived)
		return 0;
	rows = agg_tab_rows(w->ifs, &n);
	if (rows == NULL && agg_tab_size(w->ifs) > 0)
		return -1;
	for (i = 0; i < n; i++)
		for (s = WEB_IFS; s < WEBAGG_NSTATS; s++)
			if (agg_tab_add_row(w->stat[s], &rows[i]) == -1)
				rc = -1;
	free(rows);
	w->derived = rc == 0;
	return rc;
}

const struct aggtab *
webagg_stat(const struct webagg *w, int i)
{
	if (i >= WEB_IFS && derive(w) == -1)
		return NULL;
	return w->stat[i];
}

int
webagg_services(const struct webagg *w, const enum order *o, int no,
		size_t topn, struct aggrow **rows, size_t *n)
{
	int i;
	size_t j;

	if (agg_tab_tops(w->svc, o, no, topn, rows, n) == -1)
		return -1;
	for (i = 0; i < no; i++)
		for (j = 0; j < n[i]; j++) {
			rows[i][j].r.proto = (uint8_t)(rows[i][j].key[0] >> 16);
			rows[i][j].r.dstport = (uint16_t)rows[i][j].key[0];
		}
	return 0;
}

/* ---- shaping ---- */

/* Readable bucket widths, in seconds. */
static const int64_t nice_s[] = {
    60,	   300,	  600,	 900,	1800,	   3600,      7200,
    10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400,
};

static int64_t
choose_iv(int64_t base, int64_t span)
{
	size_t i;
	int64_t iv;

	if (span / base < WEBVIEW_MAXB)
		return base;
	for (i = 0; i < sizeof(nice_s) / sizeof(nice_s[0]); i++) {
		iv = nice_s[i] * 1000;
		if (iv > base && iv % base == 0 && span / iv < WEBVIEW_MAXB)
			return iv;
	}
	return (span / WEBVIEW_MAXB / base + 1) * base;
}

static int
proto_class(uint8_t p)
{
	switch (p) {
	case 6:
		return 0;
	case 17:
		return 1;
	case 1:
	case 58:
		return 2;
	}
	return 3;
}

static const char *const class_names[4] = {"TCP", "UDP", "ICMP", "other"};

static int
layers_alloc(struct weblayer *l, int n, size_t nb)
{
	int i;

	for (i = 0; i < n; i++)
		if ((l[i].v = calloc(nb, sizeof(*l[i].v))) == NULL)
			return -1;
	return 0;
}

static void
layer_add(struct weblayer *l, size_t i, const struct aggrow *r)
{
	l->v[i][WV_FLOWS] += r->flows;
	l->v[i][WV_PACKETS] += r->r.packets;
	l->v[i][WV_BYTES] += r->r.bytes;
}

static int
by_key0(const void *a, const void *b)
{
	const struct aggrow *x = a, *y = b;

	return x->key[0] < y->key[0] ? -1 : x->key[0] > y->key[0];
}

/* Name a drawn service layer. */
static void
svc_name(char *out, size_t len, uint32_t key)
{
	uint16_t port = (uint16_t)key;
	uint8_t proto = (uint8_t)(key >> 16);
	char pb[8];

	if (port == 0 && (proto == 6 || proto == 17))
		snprintf(out, len, "%s other ports", svcname_proto(proto, pb));
	else
		svcname_text(proto, port, out, len);
}

/*
 * The drawn services: the best WEBVIEW_NSVC cell services by bytes.
 * Cells are summed per service by sorting a copy on the service word.
 */
static int
top_services(struct webview *v, const struct aggrow *cells, size_t n,
	     uint32_t top[WEBVIEW_NSVC])
{
	struct aggrow *s;
	size_t i, k = 0;
	int ntop, d;

	if ((s = calloc(n ? n : 1, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		s[i].key[0] = cells[i].key[1] & 0xffffff;
		s[i].flows = cells[i].flows;
		s[i].r.packets = cells[i].r.packets;
		s[i].r.bytes = cells[i].r.bytes;
	}
	qsort(s, n, sizeof(*s), by_key0);
	for (i = 0; i < n; i++) {
		if (k > 0 && s[k - 1].key[0] == s[i].key[0]) {
			s[k - 1].flows += s[i].flows;
			s[k - 1].r.packets += s[i].r.packets;
			s[k - 1].r.bytes += s[i].r.bytes;
		} else
			s[k++] = s[i];
	}
	ntop = (int)agg_rows_top(s, k, O_BYTES, WEBVIEW_NSVC);
	for (i = 0; i < (size_t)ntop; i++) {
		top[i] = s[i].key[0];
		for (d = 0; d < 2; d++)
			svc_name(v->svc[d][i].name, sizeof(v->svc[d][i].name),
				 top[i]);
	}
	free(s);
	return ntop;
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int
webagg_view_build(struct webview *v, const struct webagg *w,
		  const struct window *win)
{
	const int64_t base = w->o.base_ms;
	struct aggrow *rows;
	uint32_t top[WEBVIEW_NSVC];
	int64_t lo = INT64_MAX, hi = INT64_MIN, t;
	size_t n, i, b;
	int d, c, k, ntop, dir;

	memset(v, 0, sizeof(*v));
	v->ndir = w->o.local != NULL ? 2 : 1;
	rows = agg_tab_rows(w->cells, &n);
	for (i = 0; i < n; i++) {
		t = (int64_t)rows[i].key[0] * base;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	if (win->start != INT64_MIN)
		lo = win->start;
	if (win->end != INT64_MAX)
		hi = win->end - 1;
	if (n == 0 && (win->start == INT64_MIN || win->end == INT64_MAX)) {
		free(rows);
		return 0; /* no flows, nothing to draw */
	}
	v->iv_ms = choose_iv(base, hi - lo);
	v->start_ms = floordiv(lo, v->iv_ms) * v->iv_ms;
	v->nb = (size_t)((hi - v->start_ms) / v->iv_ms + 1);
	if ((ntop = top_services(v, rows, n, top)) < 0)
		goto fail;
	v->nsvc = ntop + 1;
	for (d = 0; d < v->ndir; d++) {
		for (c = 0; c < 4; c++)
			snprintf(v->proto[d][c].name,
				 sizeof(v->proto[d][c].name), "%s",
				 class_names[c]);
		snprintf(v->svc[d][ntop].name, sizeof(v->svc[d][ntop].name),
			 "other");
		if (layers_alloc(v->proto[d], 4, v->nb) == -1 ||
		    layers_alloc(v->svc[d], v->nsvc, v->nb) == -1)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		const struct aggrow *r = &rows[i];
		uint32_t svc = r->key[1] & 0xffffff;

		t = (int64_t)r->key[0] * base;
		dir = (int)(r->key[1] >> 24);
		v->dirtot[dir][WV_FLOWS] += r->flows;
		v->dirtot[dir][WV_PACKETS] += r->r.packets;
		v->dirtot[dir][WV_BYTES] += r->r.bytes;
		if (t < v->start_ms)
			continue;
		b = (size_t)((t - v->start_ms) / v->iv_ms);
		if (b >= v->nb)
			continue;
		if (v->ndir == 1 || dir == LOCALNET_OUT)
			d = 0;
		else if (dir == LOCALNET_IN)
			d = 1;
		else
			continue; /* internal or transit: not drawn */
		layer_add(&v->proto[d][proto_class((uint8_t)(svc >> 16))], b,
			  r);
		for (k = 0; k < ntop && top[k] != svc; k++)
			;
		layer_add(&v->svc[d][k], b, r);
	}
	free(rows);
	return 0;
fail:
	free(rows);
	webagg_view_free(v);
	return -1;
}

void
webagg_view_free(struct webview *v)
{
	int d, k;

	for (d = 0; d < 2; d++) {
		for (k = 0; k < 4; k++)
			free(v->proto[d][k].v);
		for (k = 0; k <= WEBVIEW_NSVC; k++)
			free(v->svc[d][k].v);
	}
	memset(v, 0, sizeof(*v));
}
