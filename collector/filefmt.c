/*
 * filefmt: adapters from the spool's format table to the flow-tools
 * writer (common/ftwrite.c) and the IPFIX file writer
 * (common/ipfixwrite.c).  Both writers already share the compressed
 * stream, the flush semantics and the "counters at close" shape, so each
 * adapter is a cast and, for IPFIX, a translation of the counters.
 */
#include <string.h>

#include "filefmt.h"
#include "ipfixfile.h"

static void *
ft_open(int fd, const struct filefmt_opts *fo)
{
	struct ft_wopts o;

	memset(&o, 0, sizeof(o));
	o.byte_order = fo->byte_order;
	o.zlevel = fo->zlevel;
	o.cap_start = fo->cap_start;
	o.comment = fo->comment;
	return ftw_open(fd, &o);
}

static int
ft_write(void *w, const struct flowrec *r, size_t n)
{
	return ftw_write(w, r, n);
}

static int
ft_flush(void *w)
{
	return ftw_flush(w);
}

static int
ft_speed(void *w, int speed)
{
	return ftw_speed(w, speed);
}

static int
ft_close(void *w, const struct ft_counts *c)
{
	return ftw_close(w, c);
}

static void
ft_abort(void *w)
{
	ftw_abort(w);
}

static uint64_t
ft_count(const void *w)
{
	return ftw_count(w);
}

static void *
ipfix_open(int fd, const struct filefmt_opts *fo)
{
	struct ipfw_opts o;

	memset(&o, 0, sizeof(o));
	o.zlevel = fo->zlevel;
	o.cap_start = fo->cap_start;
	return ipfw_new(fd, &o);
}

static int
ipfix_write(void *w, const struct flowrec *r, size_t n)
{
	return ipfw_write(w, r, n);
}

static int
ipfix_flush(void *w)
{
	return ipfw_flush(w);
}

/*
 * The file may hold flows of many exporters, so its statistics record
 * names none; lost flows and rejected datagrams are the collector's.
 */
static int
ipfix_close(void *w, const struct ft_counts *c)
{
	struct ipfw_counts k;

	memset(&k, 0, sizeof(k));
	if (c != NULL) {
		k.cap_end = c->cap_end;
		k.lost = c->lost;
		k.corrupt = c->corrupt;
	}
	return ipfw_close(w, &k);
}

static void
ipfix_abort(void *w)
{
	ipfw_abort(w);
}

static uint64_t
ipfix_count(const void *w)
{
	return ipfw_count(w);
}

static const struct filefmt formats[FILEFMT_N] = {
    [FILEFMT_FT] = {"flow-tools", 5, "ft-", ft_open, ft_write, ft_flush,
		    ft_speed, ft_close, ft_abort, ft_count},
    [FILEFMT_IPFIX] = {"IPFIX", 10, "ipfix-", ipfix_open, ipfix_write,
		       ipfix_flush, NULL, ipfix_close, ipfix_abort,
		       ipfix_count},
};

const struct filefmt *
filefmt_get(enum filefmt_id id)
{
	return (unsigned)id < FILEFMT_N ? &formats[id] : NULL;
}

const struct filefmt *
filefmt_by_version(unsigned d_version)
{
	size_t i;

	for (i = 0; i < FILEFMT_N; i++)
		if (formats[i].d_version == d_version)
			return &formats[i];
	return NULL;
}
