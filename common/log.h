/*
 * log: one logging interface for daemons and tools.
 *
 * Until log_detach() everything goes to stderr, prefixed with the program
 * name; after it, to syslog.  log_warn() appends strerror(errno) and keeps
 * errno.  log_fatal()/log_fatalx() log and exit 1.
 */
#ifndef NFKIT_LOG_H
#define NFKIT_LOG_H

#include <stdarg.h>

#define LOG_ATTR(a, b) __attribute__((format(printf, a, b)))

void log_init(const char *ident, int debug, int facility);
void log_detach(void);	      /* switch to syslog */
void log_setdebug(int level); /* 0 = quiet, 1+ = log_debug shows */
int log_getdebug(void);
void log_warn(const char *, ...) LOG_ATTR(1, 2);
void log_warnx(const char *, ...) LOG_ATTR(1, 2);
void log_info(const char *, ...) LOG_ATTR(1, 2);
void log_debug(const char *, ...) LOG_ATTR(1, 2);
void log_fatal(const char *, ...) LOG_ATTR(1, 2) __attribute__((noreturn));
void log_fatalx(const char *, ...) LOG_ATTR(1, 2) __attribute__((noreturn));

#endif
