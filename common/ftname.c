/*
 * ftname: flow-capture's file names and nesting directories.
 *
 * A name carries the local time at which the file was opened and that
 * moment's UTC offset, e.g. "ft-v05.2026-11-26.190529+0100"; the offset
 * makes the name an exact unix time without knowing the zone it was made
 * in, which is what lets the reporter pick files for a time window from
 * their names alone.  Nesting directories (-N) use the same local date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftname.h"

int
ftname_format(char *buf, size_t len, const char *prefix, unsigned d_version,
	      time_t t)
{
	struct tm tm;
	long off;
	int n;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	off = tm.tm_gmtoff;
	n = snprintf(buf, len,
		     "%s-v%02u.%04d-%02d-%02d.%02d%02d%02d%c%02ld%02ld", prefix,
		     d_version, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
		     labs(off) / 3600, labs(off) % 3600 / 60);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
ftname_nestdir(char *buf, size_t len, int nest, time_t t)
{
	struct tm tm;
	int n, y, m, d;

	if (nest < -3 || nest > 3 || localtime_r(&t, &tm) == NULL)
		return -1;
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	d = tm.tm_mday;
	switch (nest) {
	case 0:
		n = snprintf(buf, len, "%s", "");
		break;
	case 1:
		n = snprintf(buf, len, "%04d", y);
		break;
	case 2:
		n = snprintf(buf, len, "%04d/%04d-%02d", y, y, m);
		break;
	case -1:
		n = snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
		break;
	case -2:
		n = snprintf(buf, len, "%04d-%02d/%04d-%02d-%02d", y, m, y, m,
			     d);
		break;
	default: /* 3 and -3 are the same */
		n = snprintf(buf, len, "%04d/%04d-%02d/%04d-%02d-%02d", y, y, m,
			     y, m, d);
		break;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Exactly n decimal digits at *p; advances *p.  -1 if not. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

static int
expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

int
ftname_parse(const char *base, time_t *start, int *is_tmp)
{
	const char *p = base;
	int tmp, y, mo, d, h, mi, s, oh, om, sign, v, nd = 0;

	if (strncmp(p, "tmp-v", 5) == 0) {
		tmp = 1;
		p += 5;
	} else if (strncmp(p, "ft-v", 4) == 0) {
		tmp = 0;
		p += 4;
	} else if (strncmp(p, "ipfix-v", 7) == 0) {
		tmp = 0;
		p += 7;
	} else {
		return -1;
	}
	/* The export version: any digits; v8 names add "mNN". */
	while (*p >= '0' && *p <= '9' && nd < 5) {
		p++;
		nd++;
	}
	if (nd == 0)
		return -1;
	if (*p == 'm') {
		p++;
		if (digits(&p, 2, &v) == -1)
			return -1;
	}
	if (expect(&p, '.') || digits(&p, 4, &y) || expect(&p, '-') ||
	    digits(&p, 2, &mo) || expect(&p, '-') || digits(&p, 2, &d) ||
	    expect(&p, '.') || digits(&p, 2, &h) || digits(&p, 2, &mi) ||
	    digits(&p, 2, &s))
		return -1;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &oh) || digits(&p, 2, &om))
		return -1;
	/*
	 * The collector never overwrites a file: a name already taken gets a
	 * ".N" suffix, which still names the same start time.
	 */
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || s > 60 || oh > 23 || om > 59)
		return -1;
	*start = (time_t)(days_from_civil(y, mo, d) * 86400L + h * 3600L +
			  mi * 60L + s - sign * (oh * 3600L + om * 60L));
	*is_tmp = tmp;
	return 0;
}
