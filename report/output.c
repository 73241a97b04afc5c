/*
 * output: the table of output formats and the buffer they share.
 *
 * Every format is one row of function pointers (outpriv.h): begin, row and
 * end for flows (single or aggregated), and stat, series and summary for
 * the other things nfreport prints.  The formats themselves live in
 * outtext.c (short, line, long) and outdata.c (csv, json, ft).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outpriv.h"

void
out_flush(struct output *o)
{
	if (o->len > 0 && o->err == 0 &&
	    fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->err = errno ? errno : EIO;
	o->len = 0;
}

static const struct outfmt formats[] = {
	{ "short", short_begin, short_row, no_end, text_stat, text_series,
	    text_summary, 0 },
	{ "line", line_begin, line_row, no_end, text_stat, text_series,
	    text_summary, 0 },
	{ "long", long_begin, long_row, no_end, text_stat, text_series,
	    text_summary, 0 },
	{ "csv", csv_begin, csv_row, no_end, csv_stat, csv_series,
	    csv_summary, 1 },
	{ "json", json_begin, json_row, no_end, json_stat, json_series,
	    json_summary, 1 },
	{ "ft", ft_begin, ft_row, ft_end, NULL, NULL, NULL, 1 },
};

/* ---- the public face ---- */

struct output *
output_open(const char *name, FILE *f)
{
	struct output *o;
	size_t i;
	int id;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			break;
	if (i == sizeof(formats) / sizeof(formats[0]))
		return NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->buf = malloc(OBUF_LEN)) == NULL) {
		free(o);
		return NULL;
	}
	o->fmt = &formats[i];
	o->f = f;
	tcache_init(&o->tc);
	/* Flows in csv and json: every stored field, in table order. */
	for (id = F_FIRST; id <= F_ENGINE_ID; id++)
		o->cols.id[o->cols.n++] = id;
	return o;
}

const char *
output_names(void)
{
	return "short line long csv json ft";
}

int
output_is_text(const struct output *o)
{
	return o->fmt->stat != NULL;
}

void
output_set_cols(struct output *o, const struct cols *c)
{
	o->cols = *c;
	o->agg = 1;
}

int
output_begin(struct output *o)
{
	return o->fmt->begin(o);
}

void
output_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	if (o->agg && !o->fmt->data)
		table_row(o, r, flows);
	else
		o->fmt->row(o, r, flows);
}

void
output_rows(struct output *o, const struct flowrec *r, size_t n)
{
	row_fn row = o->agg && !o->fmt->data ? table_row : o->fmt->row;
	size_t i;

	for (i = 0; i < n; i++)
		row(o, &r[i], 1);
}

int
output_end(struct output *o)
{
	return o->fmt->end(o);
}

void
output_stat(struct output *o, const struct statview *v)
{
	if (o->fmt->stat != NULL)
		o->fmt->stat(o, v);
}

void
output_series(struct output *o, const struct seriesview *v)
{
	if (o->fmt->series != NULL)
		o->fmt->series(o, v);
}

void
output_summary(struct output *o, const struct summary *s)
{
	if (o->fmt->summary != NULL)
		o->fmt->summary(o, s);
}

int
output_close(struct output *o)
{
	int err;

	out_flush(o);
	if (fflush(o->f) != 0 && o->err == 0)
		o->err = errno ? errno : EIO;
	err = o->err;
	if (o->ftw != NULL)
		ftw_abort(o->ftw);
	free(o->ftbuf);
	free(o->buf);
	free(o);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
