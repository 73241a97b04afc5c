/*
 * chload: flow files into ClickHouse, each file's flows exactly once.
 *
 * ClickHouse 18.16 has no insert deduplication for plain MergeTree, so the
 * loader keeps its own books, on the same server as the flows:
 *
 *   flows_local  every flow, with the file it came from (file, seq)
 *   loaded       one row per file whose flows are all in flows_local
 *                (with the file's start time and its header's capture
 *                host and comment, for nfreport --db's web pages)
 *
 * Loading a file:
 *   1. a row in loaded: done already;
 *   2. wait until no INSERT of this file is still running on the server
 *      (each file's INSERT carries the query_id "nfchload-" + a hash of
 *      its path, so a dead loader's last INSERT can be seen finishing);
 *   3. count the flows of the file already in flows_local: all of them
 *      (the last run died between data and marker) means just write the
 *      marker; some means a partial load, removed by ALTER TABLE DELETE,
 *      whose mutation is waited for in system.mutations;
 *   4. INSERT the flows in RowBinary (blocks of CHLOAD_BLOCK rows, each
 *      atomic in MergeTree), then the marker.
 * A crash anywhere leaves either nothing, a partial load that step 3
 * removes, or a complete load that step 3 marks.  Files are never
 * modified or deleted.
 */
#ifndef NFKIT_REPORT_CHLOAD_H
#define NFKIT_REPORT_CHLOAD_H

#include <stdint.h>

#include "chttp.h"

/* Rows per INSERT: below max_insert_block_size (1048576), so atomic. */
#define CHLOAD_BLOCK 1000000

struct chload {
	struct chttp *ch;
	const char *db; /* database name */
	uint32_t block; /* rows per INSERT; 0 = CHLOAD_BLOCK */
	int markcols;	/* loaded has file_ms, capture: 1; and span: 2;
			   none: -1; 0: ask */
	/* Counters since start: */
	uint64_t files, rows, skipped, repaired, damaged;
};

/* Where a call failed: the server (try again later) or the file. */
enum { CHLOAD_OK = 0, CHLOAD_RETRY = -1, CHLOAD_BADFILE = -2 };

/*
 * Create the database, flows_local and loaded if missing (and add the
 * columns loaded gained since), and, with a cluster name, the Distributed
 * tables "flows" and "loaded_all" over that cluster.
 */
int chload_schema(struct chload *, const char *cluster);
/* Load one finished file (see above).  CHLOAD_*; the reason is logged. */
int chload_file(struct chload *, const char *path, int64_t start_ms);
/*
 * Drop the day partitions older than days (by flow end time, UTC).  The
 * files' markers stay, so that the files are not loaded again.  0 or
 * CHLOAD_RETRY.
 */
int chload_expire(struct chload *, int days);
/* A SQL string literal of s ('...' with \ and ' escaped) into out. */
int chload_quote(const char *s, char *out, size_t cap);

#endif
