/*
 * obuf: the output buffer every report format writes through (obuf.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "obuf.h"

int
obuf_init(struct obuf *b, FILE *f)
{
	b->f = f;
	b->len = 0;
	b->err = 0;
	if ((b->buf = malloc(OBUF_LEN)) == NULL)
		return -1;
	return 0;
}

void
obuf_flush(struct obuf *b)
{
	if (b->len > 0 && b->err == 0 &&
	    fwrite(b->buf, 1, b->len, b->f) != b->len)
		obuf_fail(b);
	b->len = 0;
}

void
obuf_fail(struct obuf *b)
{
	if (b->err == 0)
		b->err = errno ? errno : EIO;
}

int
obuf_fd(struct obuf *b)
{
	obuf_flush(b);
	return fflush(b->f) != 0 ? -1 : fileno(b->f);
}

int
obuf_fini(struct obuf *b)
{
	obuf_flush(b);
	if (fflush(b->f) != 0)
		obuf_fail(b);
	free(b->buf);
	b->buf = NULL;
	return b->err;
}
