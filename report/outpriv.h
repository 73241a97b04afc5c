/*
 * outpriv: what the output format modules share and nobody else sees:
 * struct output, the format table entry, and the row-building helpers.
 * A row is built in place in the output buffer: room() guarantees
 * OBUF_ROOM free bytes, the helpers advance a char pointer, done() commits.
 */
#ifndef NFKIT_REPORT_OUTPRIV_H
#define NFKIT_REPORT_OUTPRIV_H

#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "ftfile.h"
#include "output.h"
#include "timefmt.h"

#define OBUF_LEN	(256 * 1024)
#define OBUF_ROOM	4096		/* the longest row we ever build */
#define FT_BATCH	1024

struct outfmt;

struct output {
	const struct outfmt	*fmt;
	FILE			*f;
	char			*buf;
	size_t			 len;
	int			 err;		/* errno of a failed write */
	struct tcache		 tc;
	int			 agg;		/* rows are aggregates */
	struct cols		 cols;
	struct ft_writer	*ftw;
	struct flowrec		*ftbuf;
	size_t			 ftn;
	int			 tables;	/* csv tables printed so far */
};

typedef void (*row_fn)(struct output *, const struct flowrec *, uint64_t);

struct outfmt {
	const char	*name;
	int		(*begin)(struct output *);
	row_fn		 row;
	int		(*end)(struct output *);
	void		(*stat)(struct output *, const struct statview *);
	void		(*series)(struct output *, const struct seriesview *);
	void		(*summary)(struct output *, const struct summary *);
	int		 data;		/* csv/json/ft: rows carry columns */
};

void	out_flush(struct output *);

/* Make room for one row; the caller then writes at most OBUF_ROOM. */
static inline char *
room(struct output *o)
{
	if (o->len + OBUF_ROOM > OBUF_LEN)
		out_flush(o);
	return o->buf + o->len;
}

static inline void
done(struct output *o, const char *p)
{
	o->len = (size_t)(p - o->buf);
}

static inline void
put(char **p, const char *s, size_t n)
{
	memcpy(*p, s, n);
	*p += n;
}

static inline void
puts_(char **p, const char *s)
{
	put(p, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define PUTLIT(p, lit)	put((p), (lit), sizeof(lit) - 1)

static inline void
pad(char **p, int n)
{
	while (n-- > 0)
		*(*p)++ = ' ';
}

/* s right-aligned (left if width < 0) in |width| columns. */
static inline void
col(char **p, const char *s, size_t n, int width)
{
	if (width > 0)
		pad(p, width - (int)n);
	put(p, s, n);
	if (width < 0)
		pad(p, -width - (int)n);
}

static inline void
col_u64(char **p, uint64_t v, int width)
{
	char t[24];

	col(p, t, fmt_u64(v, t), width);
}

/* v per second over ms, times mul (8 for bits). */
static inline uint64_t
per_sec(uint64_t v, int64_t ms, uint64_t mul)
{
	return ms > 0 ? (uint64_t)((unsigned __int128)v * mul * 1000 /
	    (uint64_t)ms) : 0;
}

static inline const char *
col_label(const struct cols *c, int i)
{
	return c->label[i] != NULL ? c->label[i] : fields[c->id[i]].name;
}

static inline const char *
stat_key_name(const struct statview *v, int k)
{
	return v->def->label ? v->def->label :
	    fields[v->def->spec.keys[k]].name;
}

/* outtext.c: short, line, long, and the text tables. */
int	short_begin(struct output *);
int	line_begin(struct output *);
int	long_begin(struct output *);
void	short_row(struct output *, const struct flowrec *, uint64_t);
void	line_row(struct output *, const struct flowrec *, uint64_t);
void	long_row(struct output *, const struct flowrec *, uint64_t);
void	table_row(struct output *, const struct flowrec *, uint64_t);
int	no_end(struct output *);
void	text_stat(struct output *, const struct statview *);
void	text_series(struct output *, const struct seriesview *);
void	text_summary(struct output *, const struct summary *);

/* outdata.c: csv, json, ft. */
int	csv_begin(struct output *);
void	csv_row(struct output *, const struct flowrec *, uint64_t);
void	csv_stat(struct output *, const struct statview *);
void	csv_series(struct output *, const struct seriesview *);
void	csv_summary(struct output *, const struct summary *);
int	json_begin(struct output *);
void	json_row(struct output *, const struct flowrec *, uint64_t);
void	json_stat(struct output *, const struct statview *);
void	json_series(struct output *, const struct seriesview *);
void	json_summary(struct output *, const struct summary *);
int	ft_begin(struct output *);
void	ft_row(struct output *, const struct flowrec *, uint64_t);
int	ft_end(struct output *);

#endif
