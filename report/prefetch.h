/*
 * prefetch: read and filter files on worker threads, ahead of the thread
 * that prints them, and hand the records over in input order.
 *
 * Printing flows must keep the order of the files, but inflating and
 * filtering them need not wait for the printer.  Workers take files in
 * order, at most "ahead" files beyond the one being printed, and pass the
 * matching records on in chunks from a small fixed pool, so that memory
 * is bounded by the pool, not by the size of the files.
 */
#ifndef NFKIT_REPORT_PREFETCH_H
#define NFKIT_REPORT_PREFETCH_H

#include <stddef.h>

#include "filter.h"
#include "input.h"

struct prefetch;

/* Start nthreads workers (>= 1).  NULL if out of memory. */
struct prefetch *prefetch_new(const struct inlist *, const struct window *,
			      const struct filter *, int nthreads, int ahead);
/*
 * The next chunk of matching records, in input order: *recs and *n, valid
 * until the next call.  Each file ends with an empty chunk (*recs NULL,
 * *n == 0) that carries its state: *damaged if reading it failed (the
 * message has been printed), *nomem if memory ran out.  Returns 1, or 0
 * (and nothing set) after the last file.
 */
int prefetch_next(struct prefetch *, const struct flowrec **recs, size_t *n,
		  int *damaged, int *nomem);
/* Stop the workers (even mid-way, e.g. after -c) and free everything. */
void prefetch_free(struct prefetch *);

#endif
