/*
 * output: the table of output formats, and what every format shares.
 *
 * Each format is a const struct output_backend exported by its backend
 * file (outpriv.h): outtext.c (short, line, long), outdata.c (csv, json)
 * outft.c (ft) and outipfix.c (ipfix).  This file only picks a row of the table
 * by name, gives the backend its buffer and private state, and dispatches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outpriv.h"

/*
 * The formats, in the order output_names() lists them.  Each backend file
 * defines its structs; this table is the only other place that names them.
 */
extern const struct output_backend outtext_short, outtext_line, outtext_long,
    outdata_csv, outdata_json, outft_ft, outipfix_ipfix;

static const struct output_backend *const backends[] = {
    &outtext_short, &outtext_line, &outtext_long,   &outdata_csv,
    &outdata_json,  &outft_ft,	   &outipfix_ipfix,
};

#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

struct output *
output_new(const char *name, FILE *f)
{
	const struct output_backend *be = NULL;
	struct output *o;
	size_t i;
	int id;

	for (i = 0; i < NBACKENDS; i++)
		if (strcmp(backends[i]->name, name) == 0)
			be = backends[i];
	if (be == NULL)
		return NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if (obuf_init(&o->ob, f) == -1 ||
	    (be->priv_size > 0 &&
	     (o->priv = calloc(1, be->priv_size)) == NULL)) {
		free(o->ob.buf);
		free(o);
		return NULL;
	}
	o->be = be;
	timefmt_cache_init(&o->tc);
	/* Flows in csv and json: every stored field, in table order. */
	for (id = F_FIRST; id <= F_IPVERSION; id++)
		o->cols.id[o->cols.n++] = id;
	return o;
}

const char *
output_names(void)
{
	static char names[128];
	size_t i, n = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < NBACKENDS; i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      i ? " " : "", backends[i]->name);
	return names;
}

int
output_is_text(const struct output *o)
{
	return o->be->stat != NULL;
}

void
output_set_cols(struct output *o, const struct cols *c)
{
	o->cols = *c;
	o->agg = 1;
}

void
output_set_renorm(struct output *o)
{
	o->renorm = 1;
}

int
output_begin(struct output *o)
{
	return o->be->begin != NULL ? o->be->begin(o) : 0;
}

static output_row_fn
row_fn(const struct output *o)
{
	return o->agg && o->be->agg_row != NULL ? o->be->agg_row : o->be->row;
}

void
output_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	row_fn(o)(o, r, flows);
}

void
output_rows(struct output *o, const struct flowrec *r, size_t n)
{
	output_row_fn row = row_fn(o);
	size_t i;

	for (i = 0; i < n; i++)
		row(o, &r[i], 1);
}

int
output_end(struct output *o)
{
	return o->be->end != NULL ? o->be->end(o) : 0;
}

void
output_stat(struct output *o, const struct statview *v)
{
	if (o->be->stat != NULL)
		o->be->stat(o, v);
}

void
output_series(struct output *o, const struct seriesview *v)
{
	if (o->be->series != NULL)
		o->be->series(o, v);
}

void
output_summary(struct output *o, const struct summary *s)
{
	if (o->be->summary != NULL)
		o->be->summary(o, s);
}

int
output_free(struct output *o)
{
	int err;

	err = obuf_fini(&o->ob);
	if (o->be->fini != NULL)
		o->be->fini(o);
	free(o->priv);
	free(o);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
