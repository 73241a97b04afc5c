/*
 * timefmt: the reporter's clock faces.
 *
 * Flow times are absolute unix milliseconds (struct flowrec).  They are
 * shown in local time (TZ honoured) unless -U asks for UTC.  Converting a
 * time with localtime_r() costs far more than printing a whole flow line,
 * so each formatter keeps a one-second cache: flows in a file arrive in
 * roughly time order, and consecutive records usually share their second.
 */
#ifndef NFKIT_REPORT_TIMEFMT_H
#define NFKIT_REPORT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Choose UTC (1) or local time (0) for every later call; default local. */
void timefmt_utc(int utc);
int timefmt_is_utc(void);

/* A per-caller cache of the last second broken down. */
struct tcache {
	int64_t sec;	 /* unix seconds cached; INT64_MIN = none */
	char ymdhms[20]; /* "YYYY/MM/DD HH:MM:SS" */
	char iso[20];	 /* "YYYY-MM-DD HH:MM:SS" */
};

void timefmt_cache_init(struct tcache *);
/*
 * Cflow flowdumper's stamp: "%Y/%m/%d %H:%M:%S" of whole seconds (floor).
 * Writes 19 bytes (no NUL) and returns 19.
 */
size_t timefmt_dumper(struct tcache *, int64_t ms, char *out);
/* "YYYY-MM-DD HH:MM:SS.mmm": 23 bytes, no NUL; returns 23. */
size_t timefmt_ms(struct tcache *, int64_t ms, char *out);
/* ctime-like "Mon Jan 15 12:00:06 2024" (24 bytes, no NUL); returns 24. */
size_t timefmt_ctime(int64_t ms, char *out);

/*
 * Parse one -t time: absolute "2005-04-28T20:10[:SS]", "2005-04-28 20:10",
 * "2005/04/28.20:10[:SS]", a bare date, "@UNIXSECS", or relative to now
 * "-1h" / "-1h30m" (softflowd time units).  Result in unix ms.  0 or -1.
 */
int timefmt_parse(const char *, time_t now, int64_t *ms);

#endif
