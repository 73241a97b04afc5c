/*
 * retention: -E size and -e count, removal of the oldest finished files.
 *
 * The list of finished files is built once at start by scanning the work
 * directory (names ft-vNN.<time>, optionally with a ".N" suffix, whose first
 * bytes are the flow-tools magic) and then kept up to date as files are
 * finished, so a check costs no directory scan.  Files are ordered by the
 * capture start their name gives; the oldest go first until both limits
 * hold.  Only ft- files are ever removed, never tmp- files or directories.
 */
#ifndef NFKIT_COLLECTOR_RETENTION_H
#define NFKIT_COLLECTOR_RETENTION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct retention;
struct stat;

/* What retention_walk() calls for each file: path, its last part, lstat. */
typedef int retention_visit(const char *path, const char *name,
			    const struct stat *st, void *arg);

/* Limits: maxbytes and maxfiles, 0 = no limit.  NULL on failure. */
struct retention *retention_new(uint64_t maxbytes, uint64_t maxfiles);
void retention_free(struct retention *);
/*
 * Call fn(path, name, lstat of it, arg) for each entry under dir that is not
 * a directory, down to 4 levels of subdirectories (links are not followed,
 * names beginning with a dot skipped).  Returns the sum of what fn returned.
 * The one walk of the spool tree (scan here, recovery in spool.c).
 */
size_t retention_walk(const char *dir, retention_visit *fn, void *arg);
/* Add every finished file under dir.  Returns how many were found. */
size_t retention_scan(struct retention *, const char *dir);
void retention_add(struct retention *, const char *path, time_t start,
		   uint64_t size);
/*
 * Remove the oldest files until the total plus extra bytes (the open file)
 * fits.  Returns how many were removed.
 */
size_t retention_run(struct retention *, uint64_t extra);
size_t retention_files(const struct retention *);
uint64_t retention_bytes(const struct retention *);

#endif
