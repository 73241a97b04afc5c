/*
 * input: which flow files to read, and reading them in blocks.
 *
 * Arguments are files, directories (searched recursively for flow-capture's
 * finished "ft-" files and nfkit's finished IPFIX "ipfix-" files, plus the
 * open "tmp-" files with -a) or "-" for a stream on stdin.  Files of both
 * formats are read through common/flowfile.h.  Files found in directories are
 * read in time order (the time in their names), then by path.
 *
 * A time window selects records by their end time (the time the default
 * output shows), and skips whole files whose names or headers prove they
 * cannot hold such records, allowing INPUT_SLACK_MS for flows that reach
 * the collector after they end.
 */
#ifndef NFKIT_REPORT_INPUT_H
#define NFKIT_REPORT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define INPUT_SLACK_MS (15 * 60 * 1000)
#define INPUT_BLOCK 4096 /* records per read */

struct infile {
	char *path;	  /* "-" = stdin */
	int64_t start_ms; /* from the name; INT64_MIN unknown */
	int is_tmp;	  /* named tmp-: a file still being written */
};

struct inlist {
	struct infile *v;
	size_t n, cap;
};

/* [start, end) in unix ms; INT64_MIN / INT64_MAX when open-ended. */
struct window {
	int64_t start, end;
};

/*
 * What a file's name and header prove about the end times of its flows:
 * the start time in its name (INT64_MIN unknown) and, from a flow-tools
 * header not written by a stream copy, when the capture opened and (a
 * finished file) closed, in unix ms, 0 unknown.  An IPFIX file says its
 * times only at its end, so its header proves nothing: it is always read.
 */
struct input_span {
	int64_t name_ms, start_ms, end_ms;
};

/*
 * 0 if a file of that span cannot hold flows in the window (it is skipped,
 * not read), allowing INPUT_SLACK_MS; else 1.  input_read() and nfreport
 * --db's "files read" (the markers' stored spans) both decide by it.
 */
int input_overlaps(const struct input_span *, const struct window *);

/*
 * Add a command-line path.  Directories are walked; with_tmp includes
 * "tmp-" files.  Returns 0, or -1 after printing why the path is unusable.
 */
int input_add(struct inlist *, const char *path, int with_tmp);
void input_free(struct inlist *);
/*
 * The capture host and comment of a flow-tools file's header, as "host",
 * "host: comment" or "" (the web report's "capture" lines).  0, or -1 if
 * the file is not a readable flow-tools file (out is then "").
 */
int input_capture(const char *path, char *out, size_t cap);
/*
 * input_capture(), and the span of the file (named at name_ms): what
 * nfchload stores in the file's marker.
 */
int input_marker(const char *path, int64_t name_ms, char *out, size_t cap,
		 struct input_span *);

/*
 * Called with each block of records in the window; may reorder or drop
 * records in place.  Returns 0 to go on, 1 to stop reading everything.
 */
typedef int (*input_fn)(void *ctx, struct flowrec *, size_t n);

enum input_result { IN_OK, IN_SKIPPED, IN_DAMAGED, IN_STOPPED };

/*
 * Read one file through fn.  Damage (unreadable file, bad header, corrupt
 * stream, a record count that disagrees with the header) is reported on
 * stderr in one line naming the file; the records before it have been
 * passed to fn.  buf holds INPUT_BLOCK records.  When span is not NULL it
 * gets what the file's name and header proved (as far as they were read),
 * so that a caller can tell which narrower windows the file is read for.
 */
enum input_result input_read(const struct infile *, const struct window *,
			     struct flowrec *buf, input_fn fn, void *ctx,
			     struct input_span *span);

#endif
