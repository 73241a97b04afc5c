/*
 * log: stderr while in the foreground, syslog once detached.
 *
 * A daemon calls log_init() first thing, so that errors during start-up
 * reach the terminal as "ident: message", and log_detach() when it leaves
 * the terminal, after which every message goes to syslog(3) under the same
 * ident.  log_warn() appends the text of errno and leaves errno as it found
 * it, so a caller may log and then still look at the error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char *log_ident = "nfkit";
static int log_debuglevel;
static int log_facility = LOG_DAEMON;
static int log_tosyslog;

void
log_init(const char *ident, int debug, int facility)
{
	if (ident != NULL)
		log_ident = ident;
	log_debuglevel = debug;
	log_facility = facility;
	log_tosyslog = 0;
}

void
log_detach(void)
{
	openlog(log_ident, LOG_PID | LOG_NDELAY, log_facility);
	log_tosyslog = 1;
}

void
log_setdebug(int level)
{
	log_debuglevel = level;
}

int
log_getdebug(void)
{
	return log_debuglevel;
}

/* Writes one message at pri; errstr, if given, is appended after ": ". */
static void
log_emit(int pri, const char *errstr, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_tosyslog) {
		if (errstr != NULL)
			syslog(pri, "%s: %s", msg, errstr);
		else
			syslog(pri, "%s", msg);
	} else {
		if (errstr != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_ident, msg, errstr);
		else
			fprintf(stderr, "%s: %s\n", log_ident, msg);
		fflush(stderr);
	}
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (log_debuglevel <= 0)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, saved != 0 ? strerror(saved) : NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
