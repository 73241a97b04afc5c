/*
 * writer: the writer thread and the bounded queue that feeds it.
 *
 * The receive thread decodes datagrams straight into the batch it is
 * filling (writer_batch()) and hands it over with writer_submit(); the
 * writer thread compresses and writes batches, rotates, flushes every -F
 * seconds and expires, so the receive path never waits on deflate or the
 * disk.  The queue is a fixed ring of batches allocated at start: nothing
 * is allocated per datagram.  Only if the ring is full (the disk or deflate
 * is slower than the input for longer than the ring lasts) does
 * writer_submit() wait; such waits are counted.
 *
 * A batch carries, besides records, the counters that belong in the file
 * header (lost flows, corrupt datagrams, sequence resets) and optionally a
 * control action performed after its records are written, so records and
 * counters always land in the file that was open when they arrived.
 */
#ifndef NFKIT_COLLECTOR_WRITER_H
#define NFKIT_COLLECTOR_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "filefmt.h"
#include "flowrec.h"

#define WRITER_BATCH 1024 /* records per batch */
#define WRITER_SLOTS                                                           \
	256 /* batches in the ring: 20 MiB, about 2 s of                       \
	       what deflate -6 can take, to absorb bursts */

struct spool;
struct retention;

enum wctl {
	WCTL_NONE = 0,
	WCTL_OPEN,   /* open the first file, capture start = when */
	WCTL_ROTATE, /* finish the file at when, open the next */
	WCTL_STOP    /* finish the file at when, end the thread */
};

struct wbatch {
	struct flowrec *recs; /* WRITER_BATCH entries */
	size_t n;	      /* records filled */
	enum filefmt_id fmt;  /* the file format they go to */
	uint32_t lost, corrupt, resets;
	enum wctl ctl;
	time_t when;
	struct timespec born; /* monotonic time of the first record */
	/*
	 * The fullest a socket receive buffer was seen while the batch was
	 * filled, in 1/WRITER_SLOTS of it: the input waiting before the
	 * ring, which the writer weighs like its queue.
	 */
	unsigned backlog;
};

struct writer_stats {
	uint64_t written; /* records handed to a file */
	uint64_t dropped; /* records lost to write errors */
	uint64_t errors;  /* write/open/close failures */
	uint64_t waits;	  /* times the receiver waited for room */
	uint64_t files;	  /* files finished */
	uint64_t slower;  /* compression speed changes: faster to write */
	uint64_t faster;  /* ... and back: smaller files */
	uint64_t stored;  /* records taken while the files were stored */
	int speed;	  /* ZSTREAM_SPEED_* now; -1: one speed (-z) */
};

struct writer;

/*
 * Start the thread.  flush_secs: periodic flush interval (0 = none).
 * retention may be NULL.  NULL on failure.
 */
struct writer *writer_new(struct spool *, struct retention *, int flush_secs);
/*
 * Give the writer the spool of another file format (the flow-tools spool
 * is writer_new()'s).  Before the first batch of that format.
 */
void writer_set_spool(struct writer *, enum filefmt_id, struct spool *);
/* The batch the receive thread is filling (never NULL). */
struct wbatch *writer_batch(struct writer *);
/*
 * Hand the current batch over with a control action (WCTL_NONE for plain
 * records) and make the next one current.  May wait if the ring is full.
 */
void writer_submit(struct writer *, enum wctl, time_t when);
/*
 * Test only: with on, the thread takes no batch (as if the disk stalled)
 * until called again with 0; the queue fills and the receive side waits
 * as it would.
 */
void writer_hold(struct writer *, int on);
/* After a WCTL_STOP submit: wait for the thread and free everything. */
void writer_free(struct writer *);
void writer_stats(struct writer *, struct writer_stats *);

#endif
