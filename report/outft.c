/*
 * outft: the ft format, a flow-tools stream on stdout (flow-cat's format).
 *
 * Rows are not text: they are batched as flow records and handed to the
 * common stream writer (ftfile.h), which writes straight to the file
 * descriptor.  Whatever was buffered as text is flushed first, so nothing
 * can land in the middle of the stream.  There are no stats, series or
 * summaries in this format, which makes it "not text" to main.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftfile.h"
#include "outpriv.h"

#define FT_BATCH	1024		/* records per ftw_write() call */

struct ft_state {
	struct ft_writer	*ftw;		/* NULL before begin, after end */
	struct flowrec		*buf;		/* FT_BATCH records */
	size_t			 n;		/* records waiting in buf */
};

static int
ft_begin(struct output *o)
{
	struct ft_state *st = o->priv;
	struct ft_wopts wo;

	obuf_flush(&o->ob);
	if (fflush(o->ob.f) != 0)
		return -1;
	memset(&wo, 0, sizeof(wo));
	wo.zlevel = -1;
	wo.streaming = 1;
	wo.cap_start = (uint32_t)time(NULL);
	if ((st->buf = calloc(FT_BATCH, sizeof(*st->buf))) == NULL ||
	    (st->ftw = ftw_open(fileno(o->ob.f), &wo)) == NULL) {
		o->ob.err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static void
ft_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	struct ft_state *st = o->priv;

	(void)flows;
	if (st->ftw == NULL)
		return;
	st->buf[st->n++] = *r;
	if (st->n == FT_BATCH) {
		if (ftw_write(st->ftw, st->buf, st->n) == -1 && o->ob.err == 0)
			o->ob.err = errno ? errno : EIO;
		st->n = 0;
	}
}

static int
ft_end(struct output *o)
{
	struct ft_state *st = o->priv;
	struct ft_counts c;

	if (st->ftw == NULL)
		return -1;
	if (st->n > 0 && ftw_write(st->ftw, st->buf, st->n) == -1 &&
	    o->ob.err == 0)
		o->ob.err = errno ? errno : EIO;
	memset(&c, 0, sizeof(c));
	c.cap_end = (uint32_t)time(NULL);
	if (ftw_close(st->ftw, &c) == -1 && o->ob.err == 0)
		o->ob.err = errno ? errno : EIO;
	st->ftw = NULL;
	return o->ob.err ? -1 : 0;
}

/* An output freed between begin and end leaves no half stream behind. */
static void
ft_fini(struct output *o)
{
	struct ft_state *st = o->priv;

	if (st->ftw != NULL)
		ftw_abort(st->ftw);
	free(st->buf);
}

const struct output_backend outft_ft = {
	.name = "ft",
	.priv_size = sizeof(struct ft_state),
	.begin = ft_begin,
	.row = ft_row,
	.end = ft_end,
	.fini = ft_fini,
};
