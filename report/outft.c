/*
 * outft: the ft format, a flow-tools stream on stdout (flow-cat's format).
 *
 * Rows are not text: they are batched as flow records and handed to the
 * common stream writer (ftfile.h), which writes straight to the file
 * descriptor.  Whatever was buffered as text is flushed first, so nothing
 * can land in the middle of the stream.  There are no stats, series or
 * summaries in this format, which makes it "not text" to main.c.  An ft
 * file cannot hold an IPv6 address: IPv6 flows are counted, skipped and
 * named in one warning at the end (-o ipfix keeps them).
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftfile.h"
#include "outpriv.h"

#define FT_BATCH 1024 /* records per ftw_write() call */

struct ft_state {
	struct ft_writer *ftw; /* NULL before begin, after end */
	struct flowrec *buf;   /* FT_BATCH records */
	size_t n;	       /* records waiting in buf */
	uint64_t skipped6;     /* IPv6 flows left out */
};

static int
ft_begin(struct output *o)
{
	struct ft_state *st = o->priv;
	struct ft_wopts wo;
	int fd;

	if ((fd = obuf_fd(&o->ob)) == -1)
		return -1;
	memset(&wo, 0, sizeof(wo));
	wo.zlevel = -1;
	wo.streaming = 1;
	wo.cap_start = (uint32_t)time(NULL);
	if ((st->buf = calloc(FT_BATCH, sizeof(*st->buf))) == NULL ||
	    (st->ftw = ftw_open(fd, &wo)) == NULL) {
		obuf_fail(&o->ob);
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
	if (flowrec_is_v6(r)) {
		st->skipped6++;
		return;
	}
	st->buf[st->n++] = *r;
	if (st->n == FT_BATCH) {
		if (ftw_write(st->ftw, st->buf, st->n) == -1)
			obuf_fail(&o->ob);
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
	if (st->n > 0 && ftw_write(st->ftw, st->buf, st->n) == -1)
		obuf_fail(&o->ob);
	memset(&c, 0, sizeof(c));
	c.cap_end = (uint32_t)time(NULL);
	if (ftw_close(st->ftw, &c) == -1)
		obuf_fail(&o->ob);
	st->ftw = NULL;
	if (st->skipped6 > 0)
		warnx("-o ft: %llu IPv6 flows skipped: flow-tools files "
		      "cannot hold IPv6 addresses (-o ipfix keeps them)",
		      (unsigned long long)st->skipped6);
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
