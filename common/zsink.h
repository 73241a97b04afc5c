/*
 * zsink: the compressed (or raw) byte stream of a flow file, written to a
 * file descriptor.
 *
 * Both flow file writers (ftwrite.c for flow-tools files, ipfw.c for
 * IPFIX files) encode records into a block of their own and hand the block
 * to a sink, which deflates it through zstream.c's chosen engine and
 * writes the compressed output in large pieces, or writes the block as is
 * when the file is not compressed.  A write error is sticky: the call that
 * hit it and every later one return -1 with the errno of the failure.
 */
#ifndef NFKIT_ZSINK_H
#define NFKIT_ZSINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "zstream.h"

struct zsink {
	int fd;
	int compress;
	int error; /* errno of the first failure, or 0 */
	const struct zstream_deflate_ops *zops;
	void *zst;	/* the compressor's state */
	struct zio zio; /* output: the free part of obuf */
	uint8_t *obuf;	/* compressed output, when compressing */
};

/* How far zsink_write() takes the stream. */
enum zsink_push {
	ZSINK_NONE,  /* small output may stay buffered */
	ZSINK_SYNC,  /* everything so far decodable from the file */
	ZSINK_FINISH /* end the zlib stream (its trailer) */
};

/*
 * Set up a sink on fd: zlevel 0 writes raw bytes, otherwise as
 * zstream_deflate_choose(zlevel).  0, or -1 with errno ENOMEM.
 */
int zsink_init(struct zsink *, int fd, int zlevel);
/* Send p[0..n) on its way, then push as far as asked.  0 or -1 + errno. */
int zsink_write(struct zsink *, const uint8_t *p, size_t n, enum zsink_push);
/*
 * Compress what follows at speed (ZSTREAM_SPEED_*): 1 when done, 0 when
 * the stream has one speed only (raw, or zlib), -1 + errno (EPROTO: the
 * compressor failed) on a failure, which sticks as a write's does.
 */
int zsink_speed(struct zsink *, int speed);
/* Record a failure (the first one sticks); returns -1 with errno set. */
int zsink_fail(struct zsink *, int e);
void zsink_free(struct zsink *);
/*
 * Write all of p at offset off (pwrite), or at the file position when off
 * is -1, retrying short writes and EINTR.  0 or -1 with errno.
 */
int zsink_write_all(int fd, const uint8_t *p, size_t n, off_t off);

#endif
