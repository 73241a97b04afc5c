/*
 * dirwatch: wait until a file may have arrived in some directories, or
 * until a time has passed.
 *
 * nfchload's daemon scans its directories every -i seconds; a file that
 * the collector finished just after a scan waited up to that long.  On
 * Linux, inotify tells us at once: a file renamed in (the collector's
 * rotation turns tmp-* into ft-* or ipfix-*: IN_MOVED_TO) or written and
 * closed (IN_CLOSE_WRITE), in a watched directory or any directory below
 * it (new subdirectories, e.g. the collector's -N nesting, are watched as
 * they appear).  A file being created is not a reason to wake: it is not
 * finished yet.  The periodic scan stays as the fallback: for events lost
 * to a full queue, for directories the watch limit refused, and on systems
 * without inotify, where dirwatch_wait() only sleeps.
 */
#ifndef NFKIT_REPORT_DIRWATCH_H
#define NFKIT_REPORT_DIRWATCH_H

#include <signal.h>

struct dirwatch;

/*
 * Watch paths[0 .. n) (those that are directories, and the directories
 * below them).  Never NULL for lack of inotify: that only means sleeping.
 * NULL when out of memory.
 */
struct dirwatch *dirwatch_new(char *const *paths, int n);
void dirwatch_free(struct dirwatch *);
/*
 * Return after secs seconds, or earlier when a file arrived (1; else 0)
 * or *quit became set (checked every 100 ms, as a signal may land just
 * before the wait begins).
 */
int dirwatch_wait(struct dirwatch *, unsigned secs,
		  const volatile sig_atomic_t *quit);
/* 1 if inotify is in use (for the log). */
int dirwatch_active(const struct dirwatch *);

#endif
