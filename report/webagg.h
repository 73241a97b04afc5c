/*
 * webagg: everything the web report draws, gathered in one pass.
 *
 * Per worker thread, beside the usual summary: the -s tables the page
 * ranks (the same statdefs and hash tables as `nfreport -s`, so the
 * numbers agree), a services table keyed on (protocol, service port), and
 * "cells": counters per (time bucket, direction, protocol, port) from which
 * the protocol and service graphs are drawn.  Cells keep ports below 1024
 * and the built-in services as they are and fold other ports into port 0
 * of their protocol ("other ports"), which bounds a day of random ports to
 * a few hundred thousand cells.
 *
 * Buckets are base_ms wide while reading; webagg_view_build() coarsens them to
 * a readable interval for the window afterwards, so the pass needs no
 * knowledge of the window's extent.
 */
#ifndef NFKIT_REPORT_WEBAGG_H
#define NFKIT_REPORT_WEBAGG_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "input.h"
#include "localnet.h"

#define WEBAGG_NSTATS 6	 /* srcip dstip conversation exporter inif outif */
#define WEBVIEW_NSVC 7	 /* services drawn; the rest is "other" */
#define WEBVIEW_MAXB 400 /* at most this many buckets on a graph */

struct webagg_opts {
	int64_t base_ms;	      /* bucket width while reading */
	const struct localnet *local; /* NULL: no in/out split */
};

struct webagg;

struct webagg *webagg_new(const struct webagg_opts *);
void webagg_free(struct webagg *);
/* Fold n filtered flows in.  0, or -1 when memory ran out. */
int webagg_add(struct webagg *, const struct flowrec *, size_t n);
/*
 * Fold src in (see agg_tab_merge(): src is then only fit to be freed).
 * src's buckets may be narrower than dst's if they divide them (a
 * narrower view into a wider one); -1 if not, or when memory ran out.
 */
int webagg_merge(struct webagg *dst, struct webagg *src);
/* The i-th ranked table and its statdef (0 <= i < WEBAGG_NSTATS). */
const struct statdef *webagg_statdef(int i);
/* NULL when out of memory. */
const struct aggtab *webagg_stat(const struct webagg *, int i);
/*
 * The best topn services by each of the no orders o, as agg_tab_tops()
 * (r.proto, r.dstport = service port).  0, or -1 when out of memory.
 */
int webagg_services(const struct webagg *, const enum order *o, int no,
		    size_t topn, struct aggrow **rows, size_t *n);

enum { WV_FLOWS, WV_PACKETS, WV_BYTES, WV_NMETRIC };

/* One graph layer: per bucket, flows, packets and bytes. */
struct weblayer {
	char name[48];
	uint64_t (*v)[WV_NMETRIC];
};

/* Up: outbound (or everything without --local); down: inbound. */
struct webview {
	int64_t iv_ms, start_ms;     /* bucket width, first start */
	size_t nb;		     /* buckets; 0: no flows */
	int ndir;		     /* 1, or 2 with --local */
	struct weblayer proto[2][4]; /* TCP UDP ICMP other */
	int nsvc;		     /* drawn services + "other" */
	struct weblayer svc[2][WEBVIEW_NSVC + 1];
	uint64_t dirtot[3][WV_NMETRIC]; /* by enum localnet_dir */
};

/* Shape the cells for drawing over the window (open ends: the data's). */
int webagg_view_build(struct webview *, const struct webagg *,
		      const struct window *);
void webagg_view_free(struct webview *);

#endif
