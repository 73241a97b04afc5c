/*
 * rotate: rotation boundaries on the local wall clock.
 *
 * Boundaries are counted from the most recent local midnight, found with
 * mktime() so that daylight saving days (23 or 25 hours) are handled: the
 * last interval of such a day is simply shorter or longer, and the next day
 * starts again at its midnight, as flow-capture does.
 */
#include <stdlib.h>

#include "parse.h"
#include "rotate.h"

long
rotate_interval(unsigned n)
{
	const char *e;
	uint64_t v;

	e = getenv(ROTATE_TESTENV);
	if (e != NULL && *e != '\0' && parse_u64(e, 1, 86400, &v) == 0)
		return (long)v;
	if (n > ROTATE_MAXN)
		n = ROTATE_MAXN;
	return 86400L / ((long)n + 1);
}

/* Local midnight at or before t. */
static time_t
midnight(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
rotate_next(time_t t, long interval)
{
	time_t m, next, tomorrow;
	struct tm tm;

	if (interval <= 0)
		interval = 1;
	m = midnight(t);
	next = m + ((t - m) / interval + 1) * interval;
	/* Never cross the next midnight: a new day starts a new count. */
	localtime_r(&m, &tm);
	tm.tm_mday++;
	tm.tm_isdst = -1;
	tomorrow = mktime(&tm);
	if (next > tomorrow)
		next = tomorrow;
	return next;
}
