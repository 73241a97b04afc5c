/*
 * timefmt: formatting and parsing of the times nfreport shows and accepts.
 *
 * Formatting goes through a one-second cache (struct tcache) because the
 * broken-down time is the expensive part; the digits of the milliseconds
 * are appended by hand.  Parsing accepts the spellings administrators type
 * for flow-tools and nfdump, plus relative times like "-1h".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "timefmt.h"

static int use_utc;

void
timefmt_utc(int utc)
{
	use_utc = utc;
	if (!utc)
		tzset();
}

int
timefmt_is_utc(void)
{
	return use_utc;
}

void
timefmt_cache_init(struct tcache *c)
{
	c->sec = INT64_MIN;
}

/* Floor division, so that times before 1970 still split correctly. */
static int64_t
floor_sec(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static void
two(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

static void
fill(struct tcache *c, int64_t sec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	int y;

	if (use_utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	y = tm.tm_year + 1900;
	if (y < 0 || y > 9999)
		y = 0;
	/* "YYYY/MM/DD HH:MM:SS" built digit by digit: snprintf is slow. */
	two(c->ymdhms, y / 100);
	two(c->ymdhms + 2, y % 100);
	c->ymdhms[4] = '/';
	two(c->ymdhms + 5, tm.tm_mon + 1);
	c->ymdhms[7] = '/';
	two(c->ymdhms + 8, tm.tm_mday);
	c->ymdhms[10] = ' ';
	two(c->ymdhms + 11, tm.tm_hour);
	c->ymdhms[13] = ':';
	two(c->ymdhms + 14, tm.tm_min);
	c->ymdhms[16] = ':';
	two(c->ymdhms + 17, tm.tm_sec);
	c->ymdhms[19] = '\0';
	memcpy(c->iso, c->ymdhms, sizeof(c->iso));
	c->iso[4] = c->iso[7] = '-';
	c->sec = sec;
}

size_t
timefmt_dumper(struct tcache *c, int64_t ms, char *out)
{
	int64_t sec = floor_sec(ms);

	if (sec != c->sec)
		fill(c, sec);
	memcpy(out, c->ymdhms, 19);
	return 19;
}

size_t
timefmt_ms(struct tcache *c, int64_t ms, char *out)
{
	int64_t sec = floor_sec(ms);
	int frac = (int)(ms - sec * 1000);

	if (sec != c->sec)
		fill(c, sec);
	memcpy(out, c->iso, 19);
	out[19] = '.';
	out[20] = (char)('0' + frac / 100);
	out[21] = (char)('0' + frac / 10 % 10);
	out[22] = (char)('0' + frac % 10);
	return 23;
}

size_t
timefmt_ctime(int64_t ms, char *out)
{
	char buf[64];
	struct tm tm;
	time_t t = (time_t)floor_sec(ms);

	if (use_utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	if (strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm) != 24)
		memset(buf, '?', 24);
	memcpy(out, buf, 24);
	return 24;
}

/*
 * Read between lo and hi decimal digits (no sign, no blanks) at *s into *v
 * and advance *s; -1 if there are fewer than lo.
 */
static int
digits(const char **s, int lo, int hi, int *v)
{
	int n = 0, x = 0;

	while (n < hi && (*s)[n] >= '0' && (*s)[n] <= '9') {
		x = x * 10 + ((*s)[n] - '0');
		n++;
	}
	if (n < lo)
		return -1;
	*s += n;
	*v = x;
	return 0;
}

/* Absolute forms: the separators vary, the field order does not. */
static int
parse_abs(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	char sep;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (digits(&s, 4, 4, &y) == -1 || (*s != '-' && *s != '/'))
		return -1;
	s++;
	if (digits(&s, 1, 2, &mo) == -1 || (*s != '-' && *s != '/'))
		return -1;
	s++;
	if (digits(&s, 1, 2, &d) == -1)
		return -1;
	if (*s != '\0') {
		sep = *s++;
		if (sep != 'T' && sep != '.' && sep != ' ' && sep != '-')
			return -1;
		if (digits(&s, 1, 2, &h) == -1 || *s++ != ':' ||
		    digits(&s, 1, 2, &mi) == -1)
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 1, 2, &sec) == -1)
				return -1;
		}
		if (*s != '\0')
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || h < 0 || mi < 0 || sec < 0)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = use_utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 && !(y == 1969 || y == 1970))
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

int
timefmt_parse(const char *s, time_t now, int64_t *ms)
{
	uint64_t v;

	if (s[0] == '-') {
		if (parse_timespec(s + 1, &v) == -1 || v > (uint64_t)now)
			return -1;
		*ms = ((int64_t)now - (int64_t)v) * 1000;
		return 0;
	}
	if (s[0] == '@') {
		if (parse_u64(s + 1, 0, UINT32_MAX * 4ULL, &v) == -1)
			return -1;
		*ms = (int64_t)v * 1000;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -1;
	return parse_abs(s, ms);
}
