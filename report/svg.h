/*
 * svg: stacked time graphs written as SVG text, no chart library.
 *
 * A graph is a set of layers stacked on the time axis (steps, one per
 * bucket, so a bucket's height is exactly its value), optionally a second
 * set mirrored below the axis (inbound under outbound).  Each bucket has
 * an invisible column whose <title> gives the exact values on hover.
 * The legend is part of the SVG so that a graph never loses it.
 */
#ifndef NFKIT_REPORT_SVG_H
#define NFKIT_REPORT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct svg_layer {
	const char *name;  /* text: escaped when written */
	const char *color; /* "#rrggbb" */
	const double *v;   /* per bucket, in unit */
};

struct svg_chart {
	const char *id;	   /* element id (a-z0-9-) */
	const char *title; /* text */
	const char *unit;  /* "bit/s" */
	int64_t start_ms, iv_ms;
	size_t nb;
	const struct svg_layer *up, *down; /* down: NULL unless mirrored */
	int nup, ndown;
	const char *uplabel, *downlabel; /* "out", "in" */
};

void svg_chart(FILE *, const struct svg_chart *);
/* v with an SI prefix: "1.23 M", "950 ", "12.5 k" (at most 15 bytes). */
void svg_si(double v, char out[16]);

#endif
