/*
 * outpriv: what the output backends share and nobody else sees:
 * struct output, the backend interface, and the row-building helpers
 * on top of obuf.h.
 *
 * A backend is one file (outtext.c, outdata.c, outft.c) whose functions
 * are all static; it exports one const struct output_backend per format
 * it prints, and output.c's table lists those.  Adding a format means
 * adding one file and its struct to that table.
 */
#ifndef NFKIT_REPORT_OUTPRIV_H
#define NFKIT_REPORT_OUTPRIV_H

#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "obuf.h"
#include "output.h"
#include "timefmt.h"

struct output_backend;

struct output {
	const struct output_backend *be;
	struct obuf ob;
	struct tcache tc;
	int agg;    /* rows are aggregates */
	int renorm; /* --renormalize: csv/json summaries say so */
	struct cols cols;
	void *priv; /* the backend's; priv_size bytes */
};

typedef void (*output_row_fn)(struct output *, const struct flowrec *,
			      uint64_t);

/*
 * One format.  Every member but name and row may be NULL: begin and end
 * then do nothing, and a format without stat cannot print stats, series
 * or summaries (output_is_text() is 0).  agg_row, if set, prints
 * aggregated rows (-A) instead of row.  priv_size bytes of zeroed state
 * are given to the backend at output_new() as o->priv; fini releases
 * whatever the backend hung on them.
 */
struct output_backend {
	const char *name;
	size_t priv_size;
	int (*begin)(struct output *);
	output_row_fn row;
	output_row_fn agg_row;
	int (*end)(struct output *);
	void (*stat)(struct output *, const struct statview *);
	void (*series)(struct output *, const struct seriesview *);
	void (*summary)(struct output *, const struct summary *);
	void (*fini)(struct output *);
};

static inline void
output_col_u64(char **p, uint64_t v, int width)
{
	char t[24];

	obuf_col(p, t, field_fmt_u64(v, t), width);
}

/* v per second over ms, times mul (8 for bits). */
static inline uint64_t
output_per_sec(uint64_t v, int64_t ms, uint64_t mul)
{
	return ms > 0 ? (uint64_t)((unsigned __int128)v * mul * 1000 /
				   (uint64_t)ms)
		      : 0;
}

static inline const char *
output_col_label(const struct cols *c, int i)
{
	return c->label[i] != NULL ? c->label[i] : fields[c->id[i]].name;
}

static inline const char *
output_stat_key(const struct statview *v, int k)
{
	return v->def->label ? v->def->label
			     : fields[v->def->spec.keys[k]].name;
}

#endif
