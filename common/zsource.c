/*
 * zsource: a flow file's byte stream, inflated or raw, into a buffer.
 *
 * The compressed stream is read in 256 KiB blocks and inflated (by ISA-L
 * when nfkit is built with it, by zlib otherwise: zstream.c) into the
 * caller-sized output buffer.  Memory is fixed at init: what the stream
 * inflates to only costs time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zsource.h"

#define INBUF_LEN (256 * 1024) /* compressed bytes per read() */

/* Mark the stream as damaged; the bytes already decoded stay. */
static void
hurt(struct zsource *r, const char *what, const char *detail)
{
	if (r->what == NULL) {
		r->what = what;
		r->detail = detail;
	}
	r->ended = 1;
}

/* One read(), retried on EINTR. */
ssize_t
zsource_read_some(int fd, uint8_t *p, size_t n)
{
	ssize_t k;

	do
		k = read(fd, p, n);
	while (k < 0 && errno == EINTR);
	return k;
}

/* Move a partial record to the front of the output buffer. */
static void
compact(struct zsource *r)
{
	size_t left = r->oend - r->ostart;

	if (r->ostart > 0) {
		if (left > 0)
			memmove(r->out, r->out + r->ostart, left);
		r->ostart = 0;
		r->oend = left;
	}
}

static void
fill_raw(struct zsource *r)
{
	ssize_t k;

	compact(r);
	k = zsource_read_some(r->fd, r->out + r->oend, r->outcap - r->oend);
	if (k < 0)
		hurt(r, "read error", strerror(errno));
	else if (k == 0)
		r->ended = 1;
	else
		r->oend += (size_t)k;
}

/* After the zlib end marker the file must end too. */
static void
check_trailing(struct zsource *r)
{
	ssize_t k = 0;

	r->ended = 1;
	if (r->zio.in_len == 0 && !r->in_eof) {
		k = zsource_read_some(r->fd, r->in, INBUF_LEN);
		if (k < 0) {
			hurt(r, "read error", strerror(errno));
			return;
		}
		r->zio.in = r->in;
		r->zio.in_len = (size_t)k;
	}
	if (r->zio.in_len > 0)
		hurt(r,
		     "trailing garbage: bytes follow the end of the "
		     "zlib stream",
		     NULL);
}

/*
 * Inflate into the output buffer until it is full, or until the input is
 * used up with at least one record in hand.  The decompressor is called
 * even when all input has been handed over: it may still hold output
 * (ISA-L reads ahead greedily, and both may stop in the middle of a match
 * when the buffer fills), and only a call that makes nothing means more
 * input is needed.
 */
static void
fill_zlib(struct zsource *r)
{
	size_t out_before, in_before, entry;
	const char *why = "";
	ssize_t k;
	int ret;

	compact(r);
	entry = r->oend;
	for (;;) {
		out_before = r->oend;
		in_before = r->zio.in_len;
		r->zio.out = r->out + r->oend;
		r->zio.out_len = r->outcap - r->oend;
		ret = r->zops->inflate(r->zst, &r->zio, &why);
		r->oend = r->outcap - r->zio.out_len;
		if (ret == ZINF_END) {
			r->zend = 1;
			check_trailing(r);
			return;
		}
		if (ret == ZINF_ERROR) {
			hurt(r, "corrupt zlib stream", why);
			return;
		}
		/*
		 * Stop when the buffer is full, or when the input is used up
		 * and this fill has added bytes, with at least a unit in
		 * hand (better than blocking in read() on a pipe with
		 * records to return).
		 */
		if (r->zio.out_len == 0 ||
		    (r->zio.in_len == 0 && r->oend - r->ostart >= r->unit &&
		     r->oend > entry))
			return;
		if (r->zio.in_len > 0) {
			/* Input and room for output, yet no progress. */
			if (r->zio.in_len == in_before &&
			    r->oend == out_before) {
				hurt(r, "corrupt zlib stream",
				     "inflate is stuck");
				return;
			}
			continue;
		}
		if (r->oend != out_before)
			continue; /* there may be more without input */
		if (r->in_eof) {
			/* A file being written may stop anywhere. */
			if (r->may_stop)
				r->ended = 1;
			else
				hurt(r,
				     "truncated: zlib stream "
				     "ends without its end marker",
				     NULL);
			return;
		}
		k = zsource_read_some(r->fd, r->in, INBUF_LEN);
		if (k < 0) {
			hurt(r, "read error", strerror(errno));
			return;
		}
		if (k == 0)
			r->in_eof = 1;
		r->zio.in = r->in;
		r->zio.in_len = (size_t)k;
	}
}

void
zsource_fill(struct zsource *r)
{
	if (r->ended)
		return;
	if (r->compress)
		fill_zlib(r);
	else
		fill_raw(r);
}

int
zsource_init(struct zsource *r, int fd, int compress, size_t outcap)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->compress = compress;
	r->outcap = outcap;
	r->unit = 1;
	if ((r->out = malloc(outcap)) == NULL)
		return -1;
	if (compress) {
		r->zops = zstream_inflate_choose();
		if ((r->in = malloc(INBUF_LEN)) == NULL ||
		    (r->zst = r->zops->init()) == NULL)
			return -1;
		r->zio.in = r->in;
	}
	return 0;
}

void
zsource_prime(struct zsource *r, const uint8_t *p, size_t n)
{
	if (r->compress) {
		memcpy(r->in, p, n);
		r->zio.in = r->in;
		r->zio.in_len = n;
	} else {
		memcpy(r->out + r->oend, p, n);
		r->oend += n;
	}
}

void
zsource_free(struct zsource *r)
{
	if (r->zst != NULL)
		r->zops->end(r->zst);
	r->zst = NULL;
	free(r->in);
	free(r->out);
	r->in = r->out = NULL;
}
