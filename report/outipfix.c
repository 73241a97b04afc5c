/*
 * outipfix: the ipfix format, an IPFIX file (RFC 5655, ipfixfile.h) on
 * stdout, so that an ft archive can be converted:
 *
 *   nfreport -o ipfix /var/flows/ft-v05.2026-... > flows.ipfix
 *
 * Like the ft format it is not text: rows go to the IPFIX file writer,
 * which encodes each record straight into its message buffer (so no
 * batch of our own is needed) and writes compressed messages to the
 * descriptor after whatever text was buffered has been flushed.
 */
#include <string.h>
#include <time.h>

#include "ipfixfile.h"
#include "outpriv.h"

struct ipfix_state {
	struct ipfix_writer *w; /* NULL before begin, after end */
};

static int
ipfix_begin(struct output *o)
{
	struct ipfix_state *st = o->priv;
	struct ipfw_opts wo;
	int fd;

	if ((fd = obuf_fd(&o->ob)) == -1)
		return -1;
	memset(&wo, 0, sizeof(wo));
	wo.zlevel = -1;
	wo.cap_start = (uint32_t)time(NULL);
	if ((st->w = ipfw_new(fd, &wo)) == NULL) {
		obuf_fail(&o->ob);
		return -1;
	}
	return 0;
}

static void
ipfix_row(struct output *o, const struct flowrec *r, uint64_t flows)
{
	struct ipfix_state *st = o->priv;

	(void)flows;
	if (st->w != NULL && ipfw_write(st->w, r, 1) == -1)
		obuf_fail(&o->ob);
}

static int
ipfix_end(struct output *o)
{
	struct ipfix_state *st = o->priv;
	struct ipfw_counts c;

	if (st->w == NULL)
		return -1;
	memset(&c, 0, sizeof(c));
	c.cap_end = (uint32_t)time(NULL);
	if (ipfw_close(st->w, &c) == -1)
		obuf_fail(&o->ob);
	st->w = NULL;
	return o->ob.err ? -1 : 0;
}

/* An output freed between begin and end leaves no half file behind. */
static void
ipfix_fini(struct output *o)
{
	struct ipfix_state *st = o->priv;

	ipfw_abort(st->w);
}

const struct output_backend outipfix_ipfix = {
    .name = "ipfix",
    .priv_size = sizeof(struct ipfix_state),
    .begin = ipfix_begin,
    .row = ipfix_row,
    .end = ipfix_end,
    .fini = ipfix_fini,
};
