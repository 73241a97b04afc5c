/*
 * output: the table of output formats (short, line, long, csv, json, ft).
 *
 * Every format is a backend of function pointers (outpriv.h): begin, row,
 * end for flows (single or aggregated), and stat, series, summary for the
 * other things nfreport prints.  Text goes through one large buffer per output
 * and is built by hand (no printf per field), because printing is what limits a
 * full dump.  csv and json take their columns and names from the field
 * table, so headers, keys and rows always agree.
 */
#ifndef NFKIT_REPORT_OUTPUT_H
#define NFKIT_REPORT_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "flowrec.h"
#include "aggregate.h"

#define OUT_MAXCOLS 40

/* Columns of aggregated rows (-A): field ids and header labels. */
struct cols {
	int n;
	int id[OUT_MAXCOLS];
	const char *label[OUT_MAXCOLS]; /* NULL: the field's name */
};

/* One ranked -s table. */
struct statview {
	const struct statdef *def;
	enum order order;
	const struct aggrow *rows;
	size_t n;
	const struct summary *total; /* for the percentages */
};

/* --series: rows sorted by time; r.first_ms is the bucket start. */
struct seriesview {
	int64_t interval_ms;
	const struct aggrow *rows;
	size_t n;
	int bars; /* --bars: UTF-8 bars too */
};

struct output;

/* A format by name; NULL if unknown (or out of memory).  Writes to f. */
struct output *output_new(const char *name, FILE *f);
/* Names of all formats, from the format table, for usage messages. */
const char *output_names(void);
/* 1 if the format can print stats, series and summaries (not "ft"). */
int output_is_text(const struct output *);
/* Switch to aggregated rows with these columns (before output_begin). */
void output_set_cols(struct output *, const struct cols *);
/* --renormalize is on: the csv and json summaries carry a field saying so. */
void output_set_renorm(struct output *);

int output_begin(struct output *);
void output_row(struct output *, const struct flowrec *, uint64_t flows);
void output_rows(struct output *, const struct flowrec *, size_t n);
int output_end(struct output *);
void output_stat(struct output *, const struct statview *);
void output_series(struct output *, const struct seriesview *);
void output_summary(struct output *, const struct summary *);
/* Flush and free.  -1 if any write failed (errno set). */
int output_free(struct output *);

#endif
