/*
 * zsource: a flow file's record stream, inflated (or raw), read from a
 * file descriptor into a buffer of decoded bytes.
 *
 * Both flow file readers (ftread.c, ipfr.c) take their bytes from a
 * source and decode from out[ostart..oend).  zsource_fill() moves what is
 * left to the front and adds bytes; it never allocates, so nothing in a
 * file sizes memory.  When the stream is damaged (corrupt zlib data, a
 * zlib stream without its end marker, bytes after the end marker, a read
 * error) the fill sets what (and detail) and ended; the bytes decoded
 * before the damage stay in the buffer for the reader to return first.
 */
#ifndef NFKIT_ZSOURCE_H
#define NFKIT_ZSOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "zstream.h"

struct zsource {
	int fd;
	int compress;
	/* The file is still being written: its stream may stop anywhere. */
	int may_stop;
	/* A fill returns early, before blocking, with this many bytes. */
	size_t unit;
	const struct zstream_inflate_ops *zops;
	void *zst;	/* the decompressor's state */
	struct zio zio; /* input: what is left of in */
	uint8_t *in;	/* compressed bytes read */
	int in_eof;	/* read() has returned 0 */
	uint8_t *out;	/* decoded bytes */
	size_t outcap, ostart, oend;
	int ended;	    /* no more bytes will come */
	int zend;	    /* the zlib end marker was seen */
	const char *what;   /* the damage, or NULL */
	const char *detail; /* more about it, or NULL */
};

/* 0, or -1 when out of memory. */
int zsource_init(struct zsource *, int fd, int compress, size_t outcap);
/*
 * Hand over the n first bytes of the file, already read by a caller that
 * had to look at them (n at most 64), before any fill.
 */
void zsource_prime(struct zsource *, const uint8_t *p, size_t n);
/* Add decoded bytes after those still unread (see above). */
void zsource_fill(struct zsource *);
void zsource_free(struct zsource *);
/* One read(), retried on EINTR. */
ssize_t zsource_read_some(int fd, uint8_t *p, size_t n);

#endif
