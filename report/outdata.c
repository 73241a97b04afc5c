/*
 * outdata: the formats for programs.
 *
 *   csv    a header row from the field table, then one row per flow; stat
 *          tables, series and the summary follow as further tables, each
 *          after a blank line and with its own header row
 *   json   NDJSON: one object per line, with "type" flow, aggregate, stat,
 *          series or summary
 *   ft     a flow-tools stream on stdout (flow-cat's format)
 *
 * Field names and units come from the field table (fields.c); times are
 * unix milliseconds, addresses dotted strings, everything else integers
 * except the *_pct percentages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outpriv.h"

/* ---- csv ---- */

/* Separate csv tables (flows, stats, series, summary) by a blank line. */
static char *
csv_table(struct output *o)
{
	char *p = room(o);

	if (o->tables++ > 0)
		*p++ = '\n';
	return p;
}

int
csv_begin(struct output *o)
{
	char *p = csv_table(o);
	int i;

	for (i = 0; i < o->cols.n; i++) {
		if (i)
			*p++ = ',';
		puts_(&p, col_label(&o->cols, i));
	}
	*p++ = '\n';
	done(o, p);
	return 0;
}

void
csv_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = room(o);
	int i;

	for (i = 0; i < o->cols.n; i++) {
		if (i)
			*p++ = ',';
		p += field_text(o->cols.id[i], r, flows, p);
	}
	*p++ = '\n';
	done(o, p);
}

static void
num_pct(char **p, uint64_t part, uint64_t total)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%.4f",
	    total ? 100.0 * (double)part / (double)total : 0.0);

	put(p, t, (size_t)n);
}

void
csv_stat(struct output *o, const struct statview *v)
{
	const struct aggspec *s = &v->def->spec;
	char *p = csv_table(o);
	size_t i;
	int k;

	puts_(&p, "stat,order,rank,");
	for (k = 0; k < s->nkeys; k++) {
		puts_(&p, stat_key_name(v, k));
		*p++ = ',';
	}
	puts_(&p, "flows,flows_pct,packets,packets_pct,bytes,bytes_pct,"
	    "bps,pps,bpp\n");
	done(o, p);
	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = room(o);
		puts_(&p, v->def->name);
		*p++ = ',';
		puts_(&p, order_names[v->order]);
		*p++ = ',';
		p += fmt_u64(i + 1, p);
		*p++ = ',';
		for (k = 0; k < s->nkeys; k++) {
			p += field_text(s->keys[k], &r->r, r->flows, p);
			*p++ = ',';
		}
		p += fmt_u64(r->flows, p);
		*p++ = ',';
		num_pct(&p, r->flows, v->total->flows);
		*p++ = ',';
		p += fmt_u64(r->r.packets, p);
		*p++ = ',';
		num_pct(&p, r->r.packets, v->total->packets);
		*p++ = ',';
		p += fmt_u64(r->r.bytes, p);
		*p++ = ',';
		num_pct(&p, r->r.bytes, v->total->bytes);
		*p++ = ',';
		p += fmt_u64(field_get(F_BPS, &r->r, r->flows), p);
		*p++ = ',';
		p += fmt_u64(field_get(F_PPS, &r->r, r->flows), p);
		*p++ = ',';
		p += fmt_u64(field_get(F_BPP, &r->r, r->flows), p);
		*p++ = '\n';
		done(o, p);
	}
}

void
csv_series(struct output *o, const struct seriesview *v)
{
	char *p = csv_table(o);
	size_t i;

	puts_(&p, "start,interval,flows,packets,bytes,bps,pps\n");
	done(o, p);
	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = room(o);
		p += field_text(F_FIRST, &r->r, 0, p);
		*p++ = ',';
		p += fmt_u64((uint64_t)v->interval_ms, p);
		*p++ = ',';
		p += fmt_u64(r->flows, p);
		*p++ = ',';
		p += fmt_u64(r->r.packets, p);
		*p++ = ',';
		p += fmt_u64(r->r.bytes, p);
		*p++ = ',';
		p += fmt_u64(per_sec(r->r.bytes, v->interval_ms, 8), p);
		*p++ = ',';
		p += fmt_u64(per_sec(r->r.packets, v->interval_ms, 1), p);
		*p++ = '\n';
		done(o, p);
	}
}

/* The summary as a flowrec-like row, so csv and json share the fields. */
static void
summary_values(const struct summary *s, uint64_t v[8])
{
	int64_t span = s->flows ? s->last - s->first : 0;

	v[0] = s->flows;
	v[1] = s->packets;
	v[2] = s->bytes;
	v[3] = s->flows ? (uint64_t)s->first : 0;
	v[4] = s->flows ? (uint64_t)s->last : 0;
	v[5] = (uint64_t)span;
	v[6] = per_sec(s->bytes, span, 8);
	v[7] = per_sec(s->packets, span, 1);
}

static const char *const summary_keys[8] = {
	"flows", "packets", "bytes", "first", "last", "duration", "bps", "pps",
};

void
csv_summary(struct output *o, const struct summary *s)
{
	char *p = csv_table(o);
	uint64_t v[8];
	int i;

	summary_values(s, v);
	for (i = 0; i < 8; i++) {
		puts_(&p, summary_keys[i]);
		*p++ = i < 7 ? ',' : '\n';
	}
	for (i = 0; i < 8; i++) {
		p += fmt_u64(v[i], p);
		*p++ = i < 7 ? ',' : '\n';
	}
	done(o, p);
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
	puts_(p, k);
	puts_(p, "\":");
}

int
json_begin(struct output *o)
{
	(void)o;
	return 0;
}

void
json_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = room(o);
	int i;

	puts_(&p, o->agg ? "{\"type\":\"aggregate\"" : "{\"type\":\"flow\"");
	for (i = 0; i < o->cols.n; i++) {
		*p++ = ',';
		json_key(&p, col_label(&o->cols, i));
		json_value(&p, o->cols.id[i], r, flows);
	}
	puts_(&p, "}\n");
	done(o, p);
}

void
json_stat(struct output *o, const struct statview *v)
{
	const struct aggspec *s = &v->def->spec;
	size_t i;
	char *p;
	int k;

	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = room(o);
		puts_(&p, "{\"type\":\"stat\",\"stat\":\"");
		puts_(&p, v->def->name);
		puts_(&p, "\",\"order\":\"");
		puts_(&p, order_names[v->order]);
		puts_(&p, "\",\"rank\":");
		p += fmt_u64(i + 1, p);
		for (k = 0; k < s->nkeys; k++) {
			*p++ = ',';
			json_key(&p, stat_key_name(v, k));
			json_value(&p, s->keys[k], &r->r, r->flows);
		}
		puts_(&p, ",\"flows\":");
		p += fmt_u64(r->flows, p);
		puts_(&p, ",\"flows_pct\":");
		num_pct(&p, r->flows, v->total->flows);
		puts_(&p, ",\"packets\":");
		p += fmt_u64(r->r.packets, p);
		puts_(&p, ",\"packets_pct\":");
		num_pct(&p, r->r.packets, v->total->packets);
		puts_(&p, ",\"bytes\":");
		p += fmt_u64(r->r.bytes, p);
		puts_(&p, ",\"bytes_pct\":");
		num_pct(&p, r->r.bytes, v->total->bytes);
		puts_(&p, ",\"bps\":");
		p += fmt_u64(field_get(F_BPS, &r->r, r->flows), p);
		puts_(&p, ",\"pps\":");
		p += fmt_u64(field_get(F_PPS, &r->r, r->flows), p);
		puts_(&p, ",\"bpp\":");
		p += fmt_u64(field_get(F_BPP, &r->r, r->flows), p);
		puts_(&p, "}\n");
		done(o, p);
	}
}

void
json_series(struct output *o, const struct seriesview *v)
{
	size_t i;
	char *p;

	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = room(o);
		puts_(&p, "{\"type\":\"series\",\"start\":");
		p += field_text(F_FIRST, &r->r, 0, p);
		puts_(&p, ",\"interval\":");
		p += fmt_u64((uint64_t)v->interval_ms, p);
		puts_(&p, ",\"flows\":");
		p += fmt_u64(r->flows, p);
		puts_(&p, ",\"packets\":");
		p += fmt_u64(r->r.packets, p);
		puts_(&p, ",\"bytes\":");
		p += fmt_u64(r->r.bytes, p);
		puts_(&p, ",\"bps\":");
		p += fmt_u64(per_sec(r->r.bytes, v->interval_ms, 8), p);
		puts_(&p, ",\"pps\":");
		p += fmt_u64(per_sec(r->r.packets, v->interval_ms, 1), p);
		puts_(&p, "}\n");
		done(o, p);
	}
}

void
json_summary(struct output *o, const struct summary *s)
{
	char *p = room(o);
	uint64_t v[8];
	int i;

	summary_values(s, v);
	puts_(&p, "{\"type\":\"summary\"");
	for (i = 0; i < 8; i++) {
		*p++ = ',';
		json_key(&p, summary_keys[i]);
		p += fmt_u64(v[i], p);
	}
	puts_(&p, "}\n");
	done(o, p);
}

/* ---- ft: a flow-tools stream ---- */

int
ft_begin(struct output *o)
{
	struct ft_wopts wo;

	out_flush(o);
	if (fflush(o->f) != 0)
		return -1;
	memset(&wo, 0, sizeof(wo));
	wo.zlevel = -1;
	wo.streaming = 1;
	wo.cap_start = (uint32_t)time(NULL);
	if ((o->ftbuf = calloc(FT_BATCH, sizeof(*o->ftbuf))) == NULL ||
	    (o->ftw = ftw_open(fileno(o->f), &wo)) == NULL) {
		o->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

void
ft_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	(void)flows;
	if (o->ftw == NULL)
		return;
	o->ftbuf[o->ftn++] = *r;
	if (o->ftn == FT_BATCH) {
		if (ftw_write(o->ftw, o->ftbuf, o->ftn) == -1 && o->err == 0)
			o->err = errno ? errno : EIO;
		o->ftn = 0;
	}
}

int
ft_end(struct output *o)
{
	struct ft_counts c;

	if (o->ftw == NULL)
		return -1;
	if (o->ftn > 0 && ftw_write(o->ftw, o->ftbuf, o->ftn) == -1 &&
	    o->err == 0)
		o->err = errno ? errno : EIO;
	memset(&c, 0, sizeof(c));
	c.cap_end = (uint32_t)time(NULL);
	if (ftw_close(o->ftw, &c) == -1 && o->err == 0)
		o->err = errno ? errno : EIO;
	o->ftw = NULL;
	return o->err ? -1 : 0;
}

