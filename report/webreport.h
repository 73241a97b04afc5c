/*
 * webreport: nfreport -o html (one page on stdout) and --html-dir (a small
 * site: the last hour, day and week, linked to each other).
 *
 * Each page is one run over the files with its own window: the reading
 * pass fills the web accumulator (webagg) beside the summary, and the page
 * is written from the merged result.  In site mode every page is written
 * to a temporary file in the output directory, synced and renamed over
 * the old one, so a reader (or a web server) sees either the old page or
 * the new one, never a part.
 */
#ifndef NFKIT_REPORT_WEBREPORT_H
#define NFKIT_REPORT_WEBREPORT_H

#include "input.h"
#include "localnet.h"
#include "run.h"

struct webreport {
	const char *dir; /* --html-dir, or NULL: stdout */
	struct localnet local;
	int has_local; /* --local given */
	const char *local_text;
	const char *filter; /* the expression, for the header */
	int64_t base_ms;    /* bucket width; 0: from the window */
};

/*
 * Run and write.  o carries filter, window (site mode: its end, or now,
 * ends every page), -n and --threads.  Returns like run_report().
 */
int webreport_run(struct webreport *, struct runopts *o, const struct inlist *,
		  struct summary *total);

#endif
