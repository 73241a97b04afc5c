/*
 * svg: drawing the time graphs.
 *
 * Coordinates are in a fixed 960-wide viewBox that the page scales to its
 * width, so the same SVG fits a 1280-pixel screen and a phone.  Numbers
 * are printed with one decimal: enough for the eye, and it keeps a day's
 * graph (288 buckets, a dozen layers) to a few hundred kilobytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "svg.h"
#include "timefmt.h"

#define VW 960.0 /* viewBox width */
#define ML 64.0	 /* margins: left (y labels), right, */
#define MR 8.0
#define MT 30.0	  /* top (legend), */
#define MB 24.0	  /* bottom (time labels) */
#define PH1 220.0 /* plot height: one-sided */
#define PH2 300.0 /* mirrored */

void
svg_si(double v, char out[16])
{
	static const char pre[] = " kMGTPE";
	int i = 0;

	while (fabs(v) >= 1000.0 && i < 6) {
		v /= 1000.0;
		i++;
	}
	if (i == 0)
		snprintf(out, 16,
			 fabs(v) < 10 && v != floor(v) ? "%.1f" : "%.0f", v);
	else
		snprintf(out, 16,
			 fabs(v) < 10 && v != floor(v) ? "%.1f %c" : "%.0f %c",
			 v, pre[i]);
}

/* The smallest 1, 2 or 5 times a power of ten that is >= v. */
static double
nice_ceil(double v)
{
	double p, m;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	m = v / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static double
stack_max(const struct svg_layer *l, int n, size_t nb)
{
	double m = 0, s;
	size_t i;
	int k;

	for (i = 0; i < nb; i++) {
		for (s = 0, k = 0; k < n; k++)
			s += l[k].v[i];
		m = s > m ? s : m;
	}
	return m;
}

static struct tm *
clock_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	return timefmt_is_utc() ? gmtime_r(&t, tm) : localtime_r(&t, tm);
}

/* One stack of layers as step polygons; sign -1 draws downwards. */
static void
stack(FILE *f, const struct svg_chart *c, const struct svg_layer *l, int n,
      double y0, double scale, double sign)
{
	double bw = (VW - ML - MR) / (double)c->nb, *base;
	size_t i;
	int k;

	if ((base = calloc(c->nb, sizeof(*base))) == NULL)
		return;
	for (k = 0; k < n; k++) {
		fprintf(f, "<path class=\"layer\" data-series=\"");
		html_text(f, l[k].name);
		fprintf(f, "\" fill=\"%s\" d=\"M%.1f %.1f", l[k].color, ML,
			y0 - sign * base[0] * scale);
		for (i = 0; i < c->nb; i++) {
			double top = base[i] + l[k].v[i];

			fprintf(f, "V%.1fH%.1f", y0 - sign * top * scale,
				ML + (double)(i + 1) * bw);
		}
		for (i = c->nb; i-- > 0;) {
			fprintf(f, "V%.1fH%.1f", y0 - sign * base[i] * scale,
				ML + (double)i * bw);
			base[i] += l[k].v[i];
		}
		fprintf(f, "Z\"/>\n");
	}
	free(base);
}

/* Gridlines and value labels on one side of the axis. */
static void
yaxis(FILE *f, double y0, double h, double top, double sign)
{
	char t[16];
	int i;

	for (i = 1; i <= 4; i++) {
		double y = y0 - sign * h * i / 4;

		svg_si(top * i / 4, t);
		fprintf(f,
			"<line class=\"grid\" x1=\"%.0f\" x2=\"%.0f\" "
			"y1=\"%.1f\" y2=\"%.1f\"/>\n<text class=\"ylab\" "
			"x=\"%.0f\" "
			"y=\"%.1f\">%s</text>\n",
			ML, VW - MR, y, y, ML - 4, y + 4, t);
	}
}

/* Time labels at readable steps, aligned in the clock shown. */
static void
xaxis(FILE *f, const struct svg_chart *c, double ybottom)
{
	static const int64_t steps[] = {
	    60,	      300,	900,	   1800,  3600,	     2 * 3600,
	    3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400};
	int64_t span = (int64_t)c->nb * c->iv_ms, step = steps[11] * 1000;
	int64_t t, off;
	double x;
	size_t i;
	struct tm tm;
	char lab[32];

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / (steps[i] * 1000) <= 8) {
			step = steps[i] * 1000;
			break;
		}
	clock_tm(c->start_ms, &tm);
	off = (int64_t)tm.tm_gmtoff * 1000;
	t = ((c->start_ms + off + step - 1) / step) * step - off;
	for (; t <= c->start_ms + span; t += step) {
		x = ML +
		    (double)(t - c->start_ms) / (double)span * (VW - ML - MR);
		if (x > VW - MR - 16)
			break; /* its label would be cut off */
		clock_tm(t, &tm);
		strftime(lab, sizeof(lab), step < 86400000 ? "%H:%M" : "%b %d",
			 &tm);
		fprintf(f,
			"<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" "
			"y1=\"%.1f\" y2=\"%.1f\"/>\n<text class=\"xlab\" "
			"x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			x, x, ybottom, ybottom + 4, x, ybottom + 16, lab);
	}
}

static void
legend(FILE *f, const struct svg_layer *l, int n, double *x)
{
	int k;

	for (k = 0; k < n; k++) {
		fprintf(f,
			"<rect x=\"%.0f\" y=\"8\" width=\"12\" height=\"12\" "
			"fill=\"%s\"/><text class=\"leg\" x=\"%.0f\" y=\"18\">",
			*x, l[k].color, *x + 16);
		html_text(f, l[k].name);
		fprintf(f, "</text>\n");
		*x += 24 + 7.0 * (double)strlen(l[k].name);
	}
}

/* The hover column of bucket i: exact values of every layer. */
static void
column(FILE *f, const struct svg_chart *c, size_t i, double ytop, double h)
{
	double bw = (VW - ML - MR) / (double)c->nb;
	char t[24];
	struct tm tm;
	int k, side;

	fprintf(f,
		"<rect class=\"hover\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\""
		" height=\"%.0f\"><title>",
		ML + (double)i * bw, ytop, bw, h);
	clock_tm(c->start_ms + (int64_t)i * c->iv_ms, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M", &tm);
	fprintf(f, "%s, %lld s", t, (long long)(c->iv_ms / 1000));
	for (side = 0; side < 2; side++) {
		const struct svg_layer *l = side ? c->down : c->up;
		const char *d = side ? c->downlabel : c->uplabel;

		if (l == NULL)
			continue;
		for (k = 0; k < (side ? c->ndown : c->nup); k++) {
			fprintf(f, "\n%s%s", d ? d : "", d ? " " : "");
			html_text(f, l[k].name);
			fprintf(f, ": %.1f %s", l[k].v[i], c->unit);
		}
	}
	fprintf(f, "</title></rect>\n");
}

void
svg_chart(FILE *f, const struct svg_chart *c)
{
	int mirrored = c->down != NULL && c->ndown > 0;
	double ph = mirrored ? PH2 : PH1, half = mirrored ? ph / 2 : ph;
	double y0 = MT + half, top, lx = ML;
	size_t i;

	top = nice_ceil(stack_max(c->up, c->nup, c->nb));
	if (mirrored) {
		double d = nice_ceil(stack_max(c->down, c->ndown, c->nb));

		top = d > top ? d : top;
	}
	fprintf(f,
		"<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
		"role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>",
		c->id, VW, MT + ph + MB);
	html_text(f, c->title);
	fprintf(f, "</title>\n");
	legend(f, c->up, c->nup, &lx);
	fprintf(f, "<text class=\"unit\" x=\"4\" y=\"18\">%s</text>\n",
		c->unit);
	yaxis(f, y0, half, top, 1);
	if (mirrored)
		yaxis(f, y0, half, top, -1);
	stack(f, c, c->up, c->nup, y0, half / top, 1);
	if (mirrored) {
		stack(f, c, c->down, c->ndown, y0, half / top, -1);
		fprintf(f,
			"<text class=\"side\" x=\"%.0f\" y=\"%.0f\">%s"
			"</text>\n<text class=\"side\" x=\"%.0f\" y=\"%.0f\">%s"
			"</text>\n",
			ML + 4, MT + 12, c->uplabel, ML + 4, MT + ph - 4,
			c->downlabel);
	}
	fprintf(f,
		"<line class=\"axis\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" "
		"y2=\"%.1f\"/>\n<line class=\"axis\" x1=\"%.0f\" x2=\"%.0f\" "
		"y1=\"%.0f\" y2=\"%.0f\"/>\n",
		ML, VW - MR, y0, y0, ML, ML, MT, MT + ph);
	xaxis(f, c, MT + ph);
	for (i = 0; i < c->nb; i++)
		column(f, c, i, MT, ph);
	fprintf(f, "</svg>\n");
}
