/*
 * sparkline: the block characters U+2581..U+2588 (rising) and
 * U+258F..U+2588 (left eighths), all three bytes in UTF-8.
 */
#include <string.h>

#include "sparkline.h"

/* Left blocks, one to eight eighths wide. */
static const char *const left[8] = {
    "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
    "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89", "\xe2\x96\x88",
};

size_t
sparkline_bar(uint64_t v, uint64_t max, int width, char *out)
{
	uint64_t eighths;
	size_t n = 0;

	if (max == 0 || v == 0 || width <= 0)
		return 0;
	if (v > max)
		v = max;
	eighths = (uint64_t)((unsigned __int128)v * (uint64_t)width * 8 / max);
	if (eighths == 0)
		eighths = 1; /* anything at all shows */
	for (; eighths >= 8; eighths -= 8, n += 3)
		memcpy(out + n, left[7], 3);
	if (eighths > 0) {
		memcpy(out + n, left[eighths - 1], 3);
		n += 3;
	}
	return n;
}

size_t
sparkline_tick(uint64_t v, uint64_t max, char *out)
{
	uint64_t k = max ? (uint64_t)((unsigned __int128)v * 7 / max) : 0;

	out[0] = (char)0xe2;
	out[1] = (char)0x96;
	out[2] = (char)(0x81 + (k > 7 ? 7 : k));
	return 3;
}
