/*
 * html: writing text safely into HTML, and the page of the web report.
 *
 * Every string that comes from outside the program (file header comments
 * and host names, service names from /etc/services, file names, the
 * filter) goes through html_text(), which escapes markup characters and
 * replaces control characters and bytes that are not UTF-8, so a hostile
 * comment can neither inject markup nor break the page's encoding.
 */
#ifndef NFKIT_REPORT_HTML_H
#define NFKIT_REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "input.h"
#include "webagg.h"

/* Write s escaped for element text and attribute values. */
void html_text(FILE *, const char *s);
/* The same into a buffer (NUL-terminated, truncated to len). */
size_t html_escape(const char *s, char *out, size_t len);

/* Site mode: the pages and their link names. */
struct html_nav {
	const char *file;  /* "index.html" */
	const char *label; /* "last day" */
};

struct html_page {
	const char *title;	 /* "last day" or NULL */
	struct window win;	 /* as asked (may be open) */
	const struct inlist *in; /* the files, for header lines */
	/* --db: the loaded files' capture lines, in file order; or NULL */
	const char *const *captures;
	size_t ncaptures;
	size_t files_read, files_damaged;
	int renorm; /* --renormalize given */
	const struct summary *total;
	const struct webagg *agg;
	const struct localnet *local; /* NULL: no split */
	const char *local_text;	      /* --local as given */
	const char *filter;	      /* expression or NULL */
	size_t topn;
	const char *generated;	    /* "generated at" text or NULL */
	const struct html_nav *nav; /* site mode links, or NULL */
	int nnav, self;		    /* self: index into nav */
};

/* Write the whole page.  0, or -1 (out of memory or a write error). */
int html_page(FILE *, const struct html_page *);

#endif
