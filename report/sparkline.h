/*
 * sparkline: numbers as UTF-8 block characters, for a quick look at
 * --series over ssh (--bars): a bar per bucket, eighths of a cell wide,
 * and a one-line sparkline of the whole series.
 */
#ifndef NFKIT_REPORT_SPARKLINE_H
#define NFKIT_REPORT_SPARKLINE_H

#include <stddef.h>
#include <stdint.h>

#define SPARKLINE_WIDTH 40 /* cells of the longest bar */

/*
 * A bar of v against max, at most width cells (3 bytes each): writes at
 * most 3 * width bytes, no NUL, and returns the length.
 */
size_t sparkline_bar(uint64_t v, uint64_t max, int width, char *out);
/* One of the eight rising blocks for v against max (3 bytes, no NUL). */
size_t sparkline_tick(uint64_t v, uint64_t max, char *out);

#endif
