/*
 * spool: the life of one flow file, from tmp- to ft-.
 *
 * spool_open() makes the nesting directory, creates tmp-v05.<time> with
 * O_EXCL (a name already taken as tmp- or ft- gets a ".N" suffix, so
 * nothing is ever clobbered) and writes the open header.  spool_write()
 * and spool_flush() feed the record stream; the flush makes the open file
 * readable up to that point and fdatasync()s it.  spool_close() finishes
 * the stream, rewrites the header with the end time and counters, fsyncs,
 * renames tmp- to ft- without replacing anything, fsyncs the directory,
 * hands the finished file to expiry and runs the -R program on it.
 *
 * When a write fails (disk full, I/O error) the file is abandoned: it stays
 * as a tmp- file, readable up to its last flush, and is finished later by
 * spool_retry() (or by the leftover recovery at the next start).
 */
#ifndef NFKIT_COLLECTOR_SPOOL_H
#define NFKIT_COLLECTOR_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "filefmt.h"
#include "flowrec.h"
#include "ftfile.h"

struct retention;

struct spool_config {
	const char *dir;	     /* work directory (absolute) */
	int nest;		     /* -N: -3..3 */
	int zlevel;		     /* -z: 0..9 */
	int byte_order;		     /* FT_LITTLE, FT_BIG, 0 = host */
	const char *comment;	     /* -C, or NULL */
	const char *hook;	     /* -R program, or NULL */
	struct retention *retention; /* or NULL */
	enum filefmt_id fmt;	     /* FILEFMT_FT (0) or FILEFMT_IPFIX */
};

struct spool;

struct spool *spool_new(const struct spool_config *);
void spool_free(struct spool *);
/* Open a new tmp- file whose capture starts at t.  0 or -1 (logged). */
int spool_open(struct spool *, time_t t);
int spool_isopen(const struct spool *);
/* Add records to the open file.  0, or -1 after abandoning the file. */
int spool_write(struct spool *, const struct flowrec *, size_t);
/* Make the open file readable up to here.  0 or -1 (file abandoned). */
int spool_flush(struct spool *);
/*
 * Whether the files can change compression speed as the writer falls
 * behind: the default level (-z not given) of a format that supports it,
 * in a build with ISA-L.
 */
int spool_adaptive(const struct spool *);
/*
 * Compress what follows (in this file and the next ones) at speed
 * (ZSTREAM_SPEED_*).  0, or -1 after abandoning the file.
 */
int spool_speed(struct spool *, int speed);
/*
 * Finish the open file: end time and counters into the header, rename to
 * ft-, run the hook, expire.  0 or -1 (the tmp- file is kept for retry).
 */
int spool_close(struct spool *, const struct ft_counts *);
/*
 * Finish files abandoned after write errors, now that there may be space
 * again.  Returns how many are still waiting.
 */
size_t spool_retry(struct spool *);
/* Records in the open file, 0 if none is open. */
uint64_t spool_count(const struct spool *);

/*
 * Finish one leftover tmp- file (path): copy its readable records into a
 * new file, give it an end time (its last modification) and DONE, rename it
 * to ft- and remove the tmp- file.  Used at start and by spool_retry().
 * 0, or -1 (logged; the tmp- file is left alone).
 */
int spool_recover(struct spool *, const char *path);
/*
 * Recover every tmp- file under the work directory (empty ones are just
 * removed).  Returns how many were finished or removed.
 */
int spool_recover_all(struct spool *);

#endif
