/*
 * dbread: flows from ClickHouse instead of files (nfreport --db).
 *
 * The filter and the time window run on the servers as a WHERE clause
 * (dbsql.c); the matching flows come back in RowBinary, in the order the
 * files were read (file time, file, record number), and go through the
 * same blocks-of-records callback as records read from files, so every
 * statistic, aggregation and output format is computed by the very code
 * that reads files.
 */
#ifndef NFKIT_REPORT_DBREAD_H
#define NFKIT_REPORT_DBREAD_H

#include "filter.h"
#include "input.h"

struct dbsource;

/*
 * url: the ClickHouse HTTP URL; table: database.table (the Distributed
 * table).  NULL with the reason in err if the filter has no SQL form.
 */
struct dbsource *dbread_open(const char *url, const char *table,
			     const struct filter *, const struct window *,
			     char *err, size_t errlen);
void dbread_close(struct dbsource *);
/*
 * Ask for the flows of another window from now on (the web report's site
 * pages).  0, or -1 with the reason in err.
 */
int dbread_window(struct dbsource *, const struct window *, char *err,
		  size_t errlen);
/*
 * The first and last file start times (file_ms) in the table, for the web
 * report's bucket width as the files' names give it: 1, 0 if the table is
 * empty, -1 after printing why.
 */
int dbread_file_span(struct dbsource *, int64_t *lo, int64_t *hi);
/*
 * The capture lines of the loaded files (loaded.capture: the host and
 * comment of a flow-tools file's header, or ""), one per file in file
 * order, from the markers of the table's shards.  A missing or failing
 * markers table gives none, with a warning.  NULL only when out of memory.
 */
char **dbread_captures(struct dbsource *, size_t *n);
void dbread_captures_free(char **, size_t n);
/* How many loaded files the selected flows come from.  0 or -1. */
int dbread_files(struct dbsource *, uint64_t *n);
/* Its connection, table and WHERE clause (for dbstat.c). */
struct chttp *dbread_conn(const struct dbsource *);
const char *dbread_table(const struct dbsource *);
const char *dbread_where(const struct dbsource *);
struct runopts;
/*
 * nfreport's --db: translate f and the window of o into the query, set
 * o->db, and replace f (freed) by the filter that passes everything, since
 * the servers filter now.  With o->renorm the query has only the window
 * and f stays o->filter (it tests renormalised packets and bytes).
 * Returns the filter now in o->filter, or NULL after printing why (f is
 * freed then).
 */
struct filter *dbread_setup(struct runopts *o, const char *url,
			    const char *table, struct filter *f);
/*
 * Query and feed the flows, with their sampling intervals, to fn in blocks of
 * up to INPUT_BLOCK (buf). IN_OK, IN_STOPPED when fn asked to stop, or
 * IN_DAMAGED after printing why (the server failed or sent a broken answer).
 */
enum input_result dbread_read(struct dbsource *, struct flowrec *buf,
			      input_fn fn, void *ctx);

#endif
