/*
 * outtext: the human formats.
 *
 *   short  Cflow flowdumper -s lines: end time, addresses, TCP flag names,
 *          ICMP type names (docs/flow-tools-format.md section 6)
 *   line   start time with ms, duration, proto, src:port -> dst:port,
 *          flags as letters, packets, bytes, under a header line
 *   long   line plus ToS, exporter, engine, ifIndexes, next hop, AS, masks
 *
 * Aggregated rows (-A) print their chosen columns as an aligned table;
 * stats, series and the summary have one text form for all three.
 */
#include <stdio.h>
#include <string.h>

#include "outpriv.h"
#include "proto.h"
#include "sparkline.h"

/* ---- names ---- */

static const char *const icmp_types[19] = {
    [0] = "ECHOREPLY",	   [3] = "UNREACH",	[4] = "SOURCE_QUENCH",
    [5] = "REDIRECT",	   [8] = "ECHO",	[11] = "TIME_EXCEEDED",
    [12] = "PARAMPROB",	   [13] = "TIMESTAMP",	[14] = "TIMESTAMPREPLY",
    [15] = "INFO_REQUEST", [16] = "INFO_REPLY", [17] = "MASKREQ",
    [18] = "MASKREPLY",
};
static const char *const unreach_codes[16] = {
    "NET_",	      "HOST_",	       "PROTOCOL_",	  "PORT_",
    "NEEDFRAG_",      "SRCFAIL_",      "NET_UNKNOWN_",	  "HOST_UNKNOWN_",
    "HOST_ISOLATED_", "NET_ANO_",      "HOST_ANO_",	  "NET_UNR_TOS_",
    "HOST_UNR_TOS_",  "PKT_FILTERED_", "PREC_VIOLATION_", "PREC_CUTOFF_",
};
static const char *const redirect_codes[4] = {
    "NET_",
    "HOST_",
    "TOSNET_",
    "TOSHOST_",
};
static const char *const timex_codes[2] = {"INTRANS_", "REASS_"};

/* Cflow's ICMP_<CODE><TYPE> text after "ICMP_". */
static void
icmp_name(char **p, uint16_t dstport)
{
	unsigned type = dstport >> 8, code = dstport & 0xff;

	if (type == 3 && code < 16)
		obuf_puts(p, unreach_codes[code]);
	else if (type == 5 && code < 4)
		obuf_puts(p, redirect_codes[code]);
	else if (type == 11 && code < 2)
		obuf_puts(p, timex_codes[code]);
	if (type < 19 && icmp_types[type] != NULL)
		obuf_puts(p, icmp_types[type]);
}

static void
proto_text(char **p, uint8_t proto, int width)
{
	const struct proto_name *pn = proto_by_num(proto);

	if (pn != NULL)
		obuf_col(p, pn->label, strlen(pn->label), width);
	else
		output_col_u64(p, proto, width);
}

/* nfdump-style letters: U A P R S F, '.' where unset. */
static void
flag_letters(char **p, uint8_t f)
{
	int i;

	for (i = PROTO_NTCPFLAGS - 1; i >= 0; i--)
		*(*p)++ =
		    f & proto_tcpflags[i].bit ? proto_tcpflags[i].letter : '.';
}

/*
 * "addr:port" into t; returns its length.  An IPv6 address is followed by
 * ".port", as nfdump prints it: a colon would read as part of the address.
 */
static size_t
ipport(char *t, const struct flowrec *r, int id, uint16_t port)
{
	size_t n = field_fmt_addr(id, r, t);

	t[n++] = flowrec_is_v6(r) ? '.' : ':';
	return n + field_fmt_u64(port, t + n);
}

/* ---- short: flowdumper -s ---- */

static void
short_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = obuf_room(&o->ob);
	int i, first = 1;

	(void)flows;
	p += timefmt_dumper(&o->tc, r->last_ms, p);
	*p++ = ' ';
	p += field_fmt_addr(F_SRCIP, r, p);
	if (r->proto != IPPROTO_ICMP) {
		*p++ = '.';
		p += field_fmt_u64(r->srcport, p);
	}
	OBUF_PUTLIT(&p, " -> ");
	p += field_fmt_addr(F_DSTIP, r, p);
	if (r->proto != IPPROTO_ICMP) {
		*p++ = '.';
		p += field_fmt_u64(r->dstport, p);
	}
	*p++ = ' ';
	if (r->proto == IPPROTO_ICMP) {
		OBUF_PUTLIT(&p, "ICMP_");
		icmp_name(&p, r->dstport);
	} else {
		p += field_fmt_u64(r->proto, p);
		if (r->proto == IPPROTO_TCP && (r->tcp_flags & 0x3f) != 0) {
			*p++ = '(';
			for (i = 0; i < PROTO_NTCPFLAGS; i++)
				if (r->tcp_flags & proto_tcpflags[i].bit) {
					if (!first)
						*p++ = '|';
					obuf_puts(&p, proto_tcpflags[i].name);
					first = 0;
				}
			*p++ = ')';
		}
	}
	*p++ = ' ';
	p += field_fmt_u64(r->packets, p);
	*p++ = ' ';
	p += field_fmt_u64(r->bytes, p);
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

/* ---- line and long ---- */

static void
line_cols(struct output *o, char **p, const struct flowrec *r)
{
	char t[64];
	uint64_t d = field_get(F_DURATION, r, 1);

	*p += timefmt_ms(&o->tc, r->first_ms, *p);
	/* Duration in seconds with ms, e.g. "    2.000". */
	output_col_u64(p, d / 1000, 6);
	*(*p)++ = '.';
	t[0] = (char)('0' + d % 1000 / 100);
	t[1] = (char)('0' + d % 100 / 10);
	t[2] = (char)('0' + d % 10);
	obuf_put(p, t, 3);
	*(*p)++ = ' ';
	proto_text(p, r->proto, -5);
	obuf_col(p, t, ipport(t, r, F_SRCIP, r->srcport), 22);
	obuf_puts(p, " -> ");
	obuf_col(p, t, ipport(t, r, F_DSTIP, r->dstport), -21);
	*(*p)++ = ' ';
	flag_letters(p, r->tcp_flags);
	output_col_u64(p, r->packets, 9);
	output_col_u64(p, r->bytes, 12);
}

static const char line_head[] =
    "Date first seen           Duration Proto     Src IP Addr:Port    "
    "   Dst IP Addr:Port      Flags    Packets       Bytes";

static void
line_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = obuf_room(&o->ob);

	(void)flows;
	line_cols(o, &p, r);
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static void
long_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = obuf_room(&o->ob), t[64];

	(void)flows;
	line_cols(o, &p, r);
	output_col_u64(&p, r->tos, 4);
	*p++ = ' ';
	obuf_col(&p, t, field_fmt_addr(F_EXPORTER, r, t), 15);
	output_col_u64(&p, r->engine_type, 4);
	*p++ = '/';
	output_col_u64(&p, r->engine_id, -3);
	output_col_u64(&p, r->input, 6);
	output_col_u64(&p, r->output, 6);
	*p++ = ' ';
	obuf_col(&p, t, field_fmt_addr(F_NEXTHOP, r, t), 15);
	output_col_u64(&p, r->src_as, 6);
	output_col_u64(&p, r->dst_as, 6);
	output_col_u64(&p, r->src_mask, 4);
	output_col_u64(&p, r->dst_mask, 4);
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static const char long_tail[] =
    " ToS        Exporter  Eng/Id  InIf OutIf         NextHop "
    "SrcAS DstAS SMsk DMsk";

/* ---- aggregated rows in text: an aligned table of the columns ---- */

static int
text_width(int id)
{
	switch (fields[id].kind) {
	case FK_IP:
		return 15;
	case FK_TIME:
		return 23;
	default:
		return id == F_BYTES || id == F_BPS ? 12 : 9;
	}
}

static void
table_head(struct output *o)
{
	char *p = obuf_room(&o->ob);
	int i;

	for (i = 0; i < o->cols.n; i++) {
		const char *l = output_col_label(&o->cols, i);

		if (i)
			*p++ = ' ';
		obuf_col(&p, l, strlen(l),
			 fields[o->cols.id[i]].kind == FK_UINT
			     ? text_width(o->cols.id[i])
			     : -text_width(o->cols.id[i]));
	}
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static void
table_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	char *p = obuf_room(&o->ob), t[32];
	int i, id;

	for (i = 0; i < o->cols.n; i++) {
		id = o->cols.id[i];
		if (i)
			*p++ = ' ';
		if (fields[id].kind == FK_TIME)
			p += timefmt_ms(&o->tc,
					(int64_t)field_get(id, r, flows), p);
		else if (fields[id].kind == FK_IP)
			obuf_col(&p, t, field_text(id, r, flows, t),
				 -text_width(id));
		else
			obuf_col(&p, t, field_text(id, r, flows, t),
				 text_width(id));
	}
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static void
text_headline(struct output *o, const char *s1, const char *s2)
{
	char *p = obuf_room(&o->ob);

	obuf_puts(&p, s1);
	if (s2 != NULL)
		obuf_puts(&p, s2);
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static int
short_begin(struct output *o)
{
	if (o->agg)
		table_head(o);
	return 0;
}

static int
line_begin(struct output *o)
{
	if (o->agg)
		table_head(o);
	else
		text_headline(o, line_head, NULL);
	return 0;
}

static int
long_begin(struct output *o)
{
	if (o->agg)
		table_head(o);
	else
		text_headline(o, line_head, long_tail);
	return 0;
}

/* ---- text stats, series and summary ---- */

static void
pct(char **p, uint64_t part, uint64_t total)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%.1f",
			 total ? 100.0 * (double)part / (double)total : 0.0);

	obuf_col(p, t, (size_t)n, 6);
}

static void
text_stat(struct output *o, const struct statview *v)
{
	const struct aggspec *s = &v->def->spec;
	char *p = obuf_room(&o->ob), t[32];
	size_t i;
	int k, w;

	obuf_puts(&p, "Top ");
	p += field_fmt_u64(v->n, p);
	*p++ = ' ';
	obuf_puts(&p, v->def->name);
	obuf_puts(&p, " by ");
	obuf_puts(&p, agg_order_names[v->order]);
	obuf_puts(&p, ":\n");
	for (k = 0; k < s->nkeys; k++) {
		const char *l =
		    v->def->label ? v->def->label : fields[s->keys[k]].name;

		w = text_width(s->keys[k]);
		obuf_col(&p, l, strlen(l),
			 fields[s->keys[k]].kind == FK_IP ? -w : w);
		*p++ = ' ';
	}
	obuf_puts(&p, "     flows      %    packets      %        bytes      %"
		      "          bps        pps    bpp\n");
	obuf_done(&o->ob, p);
	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = obuf_room(&o->ob);
		for (k = 0; k < s->nkeys; k++) {
			int id = s->keys[k];

			w = text_width(id);
			obuf_col(&p, t, field_text(id, &r->r, r->flows, t),
				 fields[id].kind == FK_IP ? -w : w);
			*p++ = ' ';
		}
		output_col_u64(&p, r->flows, 10);
		pct(&p, r->flows, v->total->flows);
		output_col_u64(&p, r->r.packets, 11);
		pct(&p, r->r.packets, v->total->packets);
		output_col_u64(&p, r->r.bytes, 13);
		pct(&p, r->r.bytes, v->total->bytes);
		output_col_u64(&p, field_get(F_BPS, &r->r, r->flows), 13);
		output_col_u64(&p, field_get(F_PPS, &r->r, r->flows), 11);
		output_col_u64(&p, field_get(F_BPP, &r->r, r->flows), 7);
		*p++ = '\n';
		obuf_done(&o->ob, p);
	}
	text_headline(o, "", NULL);
}

/* --bars: the bytes of the whole series on one line, then a newline. */
static void
series_sparkline(struct output *o, const struct seriesview *v, uint64_t max)
{
	size_t i;
	char *p = obuf_room(&o->ob);

	obuf_puts(&p, "Bytes: ");
	for (i = 0; i < v->n; i++) {
		if (i % 1000 == 999) {
			obuf_done(&o->ob, p);
			p = obuf_room(&o->ob);
		}
		p += sparkline_tick(v->rows[i].r.bytes, max, p);
	}
	*p++ = '\n';
	obuf_done(&o->ob, p);
}

static void
text_series(struct output *o, const struct seriesview *v)
{
	uint64_t max = 0;
	size_t i;
	char *p;

	for (i = 0; i < v->n; i++)
		if (v->rows[i].r.bytes > max)
			max = v->rows[i].r.bytes;
	text_headline(o,
		      "Bucket start                  flows    packets"
		      "        bytes          bps        pps",
		      NULL);
	for (i = 0; i < v->n; i++) {
		const struct aggrow *r = &v->rows[i];

		p = obuf_room(&o->ob);
		p += timefmt_ms(&o->tc, r->r.first_ms, p);
		output_col_u64(&p, r->flows, 11);
		output_col_u64(&p, r->r.packets, 11);
		output_col_u64(&p, r->r.bytes, 13);
		output_col_u64(
		    &p, output_per_sec(r->r.bytes, v->interval_ms, 8), 13);
		output_col_u64(
		    &p, output_per_sec(r->r.packets, v->interval_ms, 1), 11);
		if (v->bars) {
			*p++ = ' ';
			p += sparkline_bar(r->r.bytes, max, SPARKLINE_WIDTH, p);
		}
		*p++ = '\n';
		obuf_done(&o->ob, p);
	}
	if (v->bars)
		series_sparkline(o, v, max);
}

static void
text_summary(struct output *o, const struct summary *s)
{
	char *p = obuf_room(&o->ob), t[64];
	int64_t span = s->flows ? s->last - s->first : 0;
	int n;

	obuf_puts(&p, "Summary: flows ");
	p += field_fmt_u64(s->flows, p);
	obuf_puts(&p, ", packets ");
	p += field_fmt_u64(s->packets, p);
	obuf_puts(&p, ", bytes ");
	p += field_fmt_u64(s->bytes, p);
	if (s->flows) {
		obuf_puts(&p, ", first ");
		p += timefmt_ms(&o->tc, s->first, p);
		obuf_puts(&p, ", last ");
		p += timefmt_ms(&o->tc, s->last, p);
		n = snprintf(t, sizeof(t), ", span %.3f s", span / 1000.0);
		obuf_put(&p, t, (size_t)n);
	}
	obuf_puts(&p, ", ");
	p += field_fmt_u64(output_per_sec(s->bytes, span, 8), p);
	obuf_puts(&p, " bps, ");
	p += field_fmt_u64(output_per_sec(s->packets, span, 1), p);
	obuf_puts(&p, " pps\n");
	obuf_done(&o->ob, p);
}

/* ---- the formats ---- */

/* The three differ in how they print single flows, and only there. */
#define TEXT_BACKEND(fmt)                                                      \
	{                                                                      \
		.name = #fmt, .begin = fmt##_begin, .row = fmt##_row,          \
		.agg_row = table_row, .stat = text_stat,                       \
		.series = text_series, .summary = text_summary,                \
	}

const struct output_backend outtext_short = TEXT_BACKEND(short);
const struct output_backend outtext_line = TEXT_BACKEND(line);
const struct output_backend outtext_long = TEXT_BACKEND(long);
