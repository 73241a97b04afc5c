/*
 * obuf: the output buffer every report format writes through.
 *
 * A row is built in place: obuf_room() guarantees OBUF_ROOM free bytes
 * and returns where to write, the helpers below advance a char pointer,
 * and obuf_done() commits what was written.  Building rows by hand into
 * one large buffer, with no printf per field, is what keeps a full dump
 * from being limited by printing.  A failed write is remembered (err) and
 * later writes are dropped, so a caller checks once, at the end.
 *
 * (The sensor has its own, unrelated sensor/outbuf.c: the export packet
 * under construction.  This one only ever feeds a FILE.)
 */
#ifndef NFKIT_REPORT_OBUF_H
#define NFKIT_REPORT_OBUF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OBUF_LEN (256 * 1024)
#define OBUF_ROOM 4096 /* the longest row we ever build */

struct obuf {
	FILE *f;
	char *buf;  /* OBUF_LEN bytes */
	size_t len; /* bytes waiting in buf */
	int err;    /* errno of the first failed write */
};

/* Allocate the buffer for writes to f; -1 (errno set) if out of memory. */
int obuf_init(struct obuf *, FILE *f);
/* Write out what is buffered; a failure is kept in err. */
void obuf_flush(struct obuf *);
/* Flush the buffer and the FILE, free the buffer; the first errno or 0. */
int obuf_fini(struct obuf *);
/* Keep errno (EIO if it is 0) in err, unless a failure is kept already. */
void obuf_fail(struct obuf *);
/*
 * For a format written straight to the descriptor (a flow file): write out
 * the buffer and the FILE's, and return the descriptor; -1 if that fails.
 */
int obuf_fd(struct obuf *);

/* Make room for one row; the caller then writes at most OBUF_ROOM. */
static inline char *
obuf_room(struct obuf *b)
{
	if (b->len + OBUF_ROOM > OBUF_LEN)
		obuf_flush(b);
	return b->buf + b->len;
}

static inline void
obuf_done(struct obuf *b, const char *p)
{
	b->len = (size_t)(p - b->buf);
}

static inline void
obuf_put(char **p, const char *s, size_t n)
{
	memcpy(*p, s, n);
	*p += n;
}

static inline void
obuf_puts(char **p, const char *s)
{
	obuf_put(p, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define OBUF_PUTLIT(p, lit) obuf_put((p), (lit), sizeof(lit) - 1)

static inline void
obuf_pad(char **p, int n)
{
	while (n-- > 0)
		*(*p)++ = ' ';
}

/* s right-aligned (left if width < 0) in |width| columns. */
static inline void
obuf_col(char **p, const char *s, size_t n, int width)
{
	if (width > 0)
		obuf_pad(p, width - (int)n);
	obuf_put(p, s, n);
	if (width < 0)
		obuf_pad(p, -width - (int)n);
}

#endif
