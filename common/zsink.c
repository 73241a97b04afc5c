/*
 * zsink: a flow file's record stream, deflated or raw, to a descriptor.
 *
 * Compressed output collects in a 256 KiB buffer that is written when
 * full, so a block of records costs one deflate call and a share of one
 * write.  After a sync flush or at the finish everything is written, so a
 * reader of a still-open file can inflate every record handed over so far.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "zsink.h"

#define OBUF_LEN (256 * 1024)

int
zsink_write_all(int fd, const uint8_t *p, size_t n, off_t off)
{
	ssize_t k;

	while (n > 0) {
		k = off < 0 ? write(fd, p, n) : pwrite(fd, p, n, off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
		if (off >= 0)
			off += k;
	}
	return 0;
}

int
zsink_fail(struct zsink *s, int e)
{
	if (s->error == 0)
		s->error = e;
	errno = s->error;
	return -1;
}

int
zsink_init(struct zsink *s, int fd, int zlevel)
{
	s->fd = fd;
	s->compress = zlevel != 0;
	s->error = 0;
	s->zst = NULL;
	s->obuf = NULL;
	if (!s->compress)
		return 0;
	s->zops = zstream_deflate_choose(zlevel);
	if ((s->obuf = malloc(OBUF_LEN)) == NULL ||
	    (s->zst = s->zops->init(zlevel)) == NULL) {
		free(s->obuf);
		s->obuf = NULL;
		errno = ENOMEM;
		return -1;
	}
	s->zio.out = s->obuf;
	s->zio.out_len = OBUF_LEN;
	return 0;
}

/* Write out the compressed bytes collected in obuf. */
static int
drain(struct zsink *s)
{
	size_t n = OBUF_LEN - s->zio.out_len;

	if (n > 0 && zsink_write_all(s->fd, s->obuf, n, -1) == -1)
		return zsink_fail(s, errno);
	s->zio.out = s->obuf;
	s->zio.out_len = OBUF_LEN;
	return 0;
}

int
zsink_write(struct zsink *s, const uint8_t *p, size_t n, enum zsink_push how)
{
	int (*step)(void *, struct zio *);
	int ret;

	if (s->error != 0)
		return zsink_fail(s, s->error);
	if (!s->compress) {
		if (n > 0 && zsink_write_all(s->fd, p, n, -1) == -1)
			return zsink_fail(s, errno);
		return 0;
	}
	step = how == ZSINK_NONE   ? s->zops->deflate
	       : how == ZSINK_SYNC ? s->zops->flush
				   : s->zops->finish;
	s->zio.in = p;
	s->zio.in_len = n;
	while ((ret = step(s->zst, &s->zio)) == 0)
		if (drain(s) == -1)
			return -1;
	/* Not a disk error: the compressor gave up (see zstream.c). */
	if (ret < 0)
		return zsink_fail(s, EPROTO);
	if (how != ZSINK_NONE)
		return drain(s);
	return 0;
}

int
zsink_speed(struct zsink *s, int speed)
{
	int ret;

	if (s->error != 0)
		return zsink_fail(s, s->error);
	if (!s->compress || s->zops->speed == NULL)
		return 0;
	s->zio.in = NULL;
	s->zio.in_len = 0;
	while ((ret = s->zops->speed(s->zst, speed, &s->zio)) == 0)
		if (drain(s) == -1)
			return -1;
	if (ret < 0)
		return zsink_fail(s, EPROTO);
	return 1;
}

void
zsink_free(struct zsink *s)
{
	if (s->zst != NULL)
		s->zops->end(s->zst);
	s->zst = NULL;
	free(s->obuf);
	s->obuf = NULL;
}
