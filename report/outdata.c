/*
 * outdata: the formats for programs.
 *
 *   csv    a header row from the field table, then one row per flow; stat
 *          tables, series and the summary follow as further tables, each
 *          after a blank line and with its own header row
 *   json   NDJSON: one object per line, with "type" flow, aggregate, stat,
 *          series or summary
 *
 * (ft, the third format for programs, is outft.c.)
 *
 * Field names and units come from the field table (fields.c); times are
 * unix milliseconds, addresses dotted strings, everything else integers
 * except the *_pct percentages.
 */
#include <stdio.h>
#include <string.h>

#include "outpriv.h"

/* ---- csv ---- */

/* Separate csv tables (flows, stats, series, summary) by a blank line. */
struct csv_state {
	int tables; /* csv tables printed so far */
};

static char *
csv_table(struct output *o)
{
	struct csv_state *cs = o->priv;
	char *p = obuf_room(&o->ob);

	if (cs->tables++ > 0)
		*p++ = '\n';
	return p;
}

static int
csv_begin(struct output *o)
{
	char *p = csv_table(o);
	int i;

	for (i = 0; i < o->cols.n; i++) {
		if (i)
			*p++ = ',';
		obuf_puts(&p, output_col_label(&o->cols, i));
	}
	*p++ = '\n';
	obuf_done(&o->ob, p);
	return 0;
}

static void
csv_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = obuf_room(&o->ob);
	int i;

	for (i = 0; i < o->cols.n; i++) {
		if (i)
			*p++ = ',';
		p += field_text(o->cols.id[i], r, flows, p);
	}
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static void
num_pct(char **p, uint64_t part, uint64_t total)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%.4f",
			 total ? 100.0 * (double)part / (double)total : 0.0);

	obuf_put(p, t, (size_t)n);
}

static void
csv_stat(struct output *o, const struct statview *v)
{
	const struct aggspec *s = &v->def->spec;
	char *p = csv_table(o);
	size_t i;
	int k;

	obuf_puts(&p, "stat,order,rank,");
	for (k = 0; k < s->nkeys; k++) {
		obuf_puts(&p, output_stat_key(v, k));
		*p++ = ',';
	}
	obuf_puts(&p, "flows,flows_pct,packets,packets_pct,bytes,bytes_pct,"
		      "bps,pps,bpp\n");
	obuf_done(&o->ob, p);
	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = obuf_room(&o->ob);
		obuf_puts(&p, v->def->name);
		*p++ = ',';
		obuf_puts(&p, agg_order_names[v->order]);
		*p++ = ',';
		p += field_fmt_u64(i + 1, p);
		*p++ = ',';
		for (k = 0; k < s->nkeys; k++) {
			p += field_text(s->keys[k], &r->r, r->flows, p);
			*p++ = ',';
		}
		p += field_fmt_u64(r->flows, p);
		*p++ = ',';
		num_pct(&p, r->flows, v->total->flows);
		*p++ = ',';
		p += field_fmt_u64(r->r.packets, p);
		*p++ = ',';
		num_pct(&p, r->r.packets, v->total->packets);
		*p++ = ',';
		p += field_fmt_u64(r->r.bytes, p);
		*p++ = ',';
		num_pct(&p, r->r.bytes, v->total->bytes);
		*p++ = ',';
		p += field_fmt_u64(field_get(F_BPS, &r->r, r->flows), p);
		*p++ = ',';
		p += field_fmt_u64(field_get(F_PPS, &r->r, r->flows), p);
		*p++ = ',';
		p += field_fmt_u64(field_get(F_BPP, &r->r, r->flows), p);
		*p++ = '\n';
		obuf_done(&o->ob, p);
	}
}

static void
csv_series(struct output *o, const struct seriesview *v)
{
	char *p = csv_table(o);
	size_t i;

	obuf_puts(&p, "start,interval,flows,packets,bytes,bps,pps\n");
	obuf_done(&o->ob, p);
	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = obuf_room(&o->ob);
		p += field_text(F_FIRST, &r->r, 0, p);
		*p++ = ',';
		p += field_fmt_u64((uint64_t)v->interval_ms, p);
		*p++ = ',';
		p += field_fmt_u64(r->flows, p);
		*p++ = ',';
		p += field_fmt_u64(r->r.packets, p);
		*p++ = ',';
		p += field_fmt_u64(r->r.bytes, p);
		*p++ = ',';
		p += field_fmt_u64(
		    output_per_sec(r->r.bytes, v->interval_ms, 8), p);
		*p++ = ',';
		p += field_fmt_u64(
		    output_per_sec(r->r.packets, v->interval_ms, 1), p);
		*p++ = '\n';
		obuf_done(&o->ob, p);
	}
}

/* The summary as a flowrec-like row, so csv and json share the fields. */
static void
summary_values(const struct summary *s, uint64_t v[8])
{
	/* Flows whose Last precedes First can make it negative: no span. */
	int64_t span = s->flows && s->last > s->first ? s->last - s->first : 0;

	v[0] = s->flows;
	v[1] = s->packets;
	v[2] = s->bytes;
	v[3] = s->flows ? (uint64_t)s->first : 0;
	v[4] = s->flows ? (uint64_t)s->last : 0;
	v[5] = (uint64_t)span;
	v[6] = output_per_sec(s->bytes, span, 8);
	v[7] = output_per_sec(s->packets, span, 1);
}

static const char *const summary_keys[8] = {
    "flows", "packets", "bytes", "first", "last", "duration", "bps", "pps",
};

static void
csv_summary(struct output *o, const struct summary *s)
{
	char *p = csv_table(o);
	uint64_t v[8];
	int i;

	summary_values(s, v);
	for (i = 0; i < 8; i++) {
		obuf_puts(&p, summary_keys[i]);
		*p++ = i < 7 || o->renorm ? ',' : '\n';
	}
	if (o->renorm)
		obuf_puts(&p, "renormalized\n");
	for (i = 0; i < 8; i++) {
		p += field_fmt_u64(v[i], p);
		*p++ = i < 7 || o->renorm ? ',' : '\n';
	}
	if (o->renorm)
		obuf_puts(&p, "1\n");
	obuf_done(&o->ob, p);
}

/* ---- json (NDJSON) ---- */

static void
json_value(char **p, int id, const struct flowrec *r, uint64_t flows)
{
	if (fields[id].kind == FK_IP) {
		*(*p)++ = '"';
		*p += field_text(id, r, flows, *p);
		*(*p)++ = '"';
	} else
		*p += field_text(id, r, flows, *p);
}

static void
json_key(char **p, const char *k)
{
	*(*p)++ = '"';
	obuf_puts(p, k);
	obuf_puts(p, "\":");
}

static void
json_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = obuf_room(&o->ob);
	int i;

	obuf_puts(&p,
		  o->agg ? "{\"type\":\"aggregate\"" : "{\"type\":\"flow\"");
	for (i = 0; i < o->cols.n; i++) {
		*p++ = ',';
		json_key(&p, output_col_label(&o->cols, i));
		json_value(&p, o->cols.id[i], r, flows);
	}
	obuf_puts(&p, "}\n");
	obuf_done(&o->ob, p);
}

static void
json_stat(struct output *o, const struct statview *v)
{
	const struct aggspec *s = &v->def->spec;
	size_t i;
	char *p;
	int k;

	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = obuf_room(&o->ob);
		obuf_puts(&p, "{\"type\":\"stat\",\"stat\":\"");
		obuf_puts(&p, v->def->name);
		obuf_puts(&p, "\",\"order\":\"");
		obuf_puts(&p, agg_order_names[v->order]);
		obuf_puts(&p, "\",\"rank\":");
		p += field_fmt_u64(i + 1, p);
		for (k = 0; k < s->nkeys; k++) {
			*p++ = ',';
			json_key(&p, output_stat_key(v, k));
			json_value(&p, s->keys[k], &r->r, r->flows);
		}
		obuf_puts(&p, ",\"flows\":");
		p += field_fmt_u64(r->flows, p);
		obuf_puts(&p, ",\"flows_pct\":");
		num_pct(&p, r->flows, v->total->flows);
		obuf_puts(&p, ",\"packets\":");
		p += field_fmt_u64(r->r.packets, p);
		obuf_puts(&p, ",\"packets_pct\":");
		num_pct(&p, r->r.packets, v->total->packets);
		obuf_puts(&p, ",\"bytes\":");
		p += field_fmt_u64(r->r.bytes, p);
		obuf_puts(&p, ",\"bytes_pct\":");
		num_pct(&p, r->r.bytes, v->total->bytes);
		obuf_puts(&p, ",\"bps\":");
		p += field_fmt_u64(field_get(F_BPS, &r->r, r->flows), p);
		obuf_puts(&p, ",\"pps\":");
		p += field_fmt_u64(field_get(F_PPS, &r->r, r->flows), p);
		obuf_puts(&p, ",\"bpp\":");
		p += field_fmt_u64(field_get(F_BPP, &r->r, r->flows), p);
		obuf_puts(&p, "}\n");
		obuf_done(&o->ob, p);
	}
}

static void
json_series(struct output *o, const struct seriesview *v)
{
	size_t i;
	char *p;

	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = obuf_room(&o->ob);
		obuf_puts(&p, "{\"type\":\"series\",\"start\":");
		p += field_text(F_FIRST, &r->r, 0, p);
		obuf_puts(&p, ",\"interval\":");
		p += field_fmt_u64((uint64_t)v->interval_ms, p);
		obuf_puts(&p, ",\"flows\":");
		p += field_fmt_u64(r->flows, p);
		obuf_puts(&p, ",\"packets\":");
		p += field_fmt_u64(r->r.packets, p);
		obuf_puts(&p, ",\"bytes\":");
		p += field_fmt_u64(r->r.bytes, p);
		obuf_puts(&p, ",\"bps\":");
		p += field_fmt_u64(
		    output_per_sec(r->r.bytes, v->interval_ms, 8), p);
		obuf_puts(&p, ",\"pps\":");
		p += field_fmt_u64(
		    output_per_sec(r->r.packets, v->interval_ms, 1), p);
		obuf_puts(&p, "}\n");
		obuf_done(&o->ob, p);
	}
}

static void
json_summary(struct output *o, const struct summary *s)
{
	char *p = obuf_room(&o->ob);
	uint64_t v[8];
	int i;

	summary_values(s, v);
	obuf_puts(&p, "{\"type\":\"summary\"");
	for (i = 0; i < 8; i++) {
		*p++ = ',';
		json_key(&p, summary_keys[i]);
		p += field_fmt_u64(v[i], p);
	}
	if (o->renorm)
		obuf_puts(&p, ",\"renormalized\":true");
	obuf_puts(&p, "}\n");
	obuf_done(&o->ob, p);
}

/* ---- the formats ---- */

const struct output_backend outdata_csv = {
    .name = "csv",
    .priv_size = sizeof(struct csv_state),
    .begin = csv_begin,
    .row = csv_row,
    .stat = csv_stat,
    .series = csv_series,
    .summary = csv_summary,
};

const struct output_backend outdata_json = {
    .name = "json",
    .row = json_row,
    .stat = json_stat,
    .series = json_series,
    .summary = json_summary,
};
