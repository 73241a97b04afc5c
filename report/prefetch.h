/*
 * prefetch: read and filter whole files on worker threads, ahead of the
 * thread that prints them, and hand them over in input order.
 *
 * Printing flows must keep the order of the files, but inflating and
 * filtering them need not wait for the printer.  Workers take files in
 * order, at most "ahead" files beyond the one being printed (which bounds
 * memory to a few files' worth of matching records), and the printer
 * takes each file's records when they are complete.
 */
#ifndef NFKIT_REPORT_PREFETCH_H
#define NFKIT_REPORT_PREFETCH_H

#include <stddef.h>

#include "filter.h"
#include "input.h"

struct prefetch;

/* Start nthreads workers (>= 1).  NULL if out of memory. */
struct prefetch *prefetch_start(const struct inlist *, const struct window *,
	    const struct filter *, int nthreads, int ahead);
/*
 * The next file's matching records, in input order, valid until the next
 * call; NULL after the last file.  *damaged is set if reading that file
 * failed (the message has been printed) or memory ran out (*nomem).
 */
const struct flowrec *prefetch_next(struct prefetch *, size_t *n,
	    int *damaged, int *nomem);
/* Stop the workers (even mid-way, e.g. after -c) and free everything. */
void	prefetch_stop(struct prefetch *);

#endif
