/*
 * flowfile: read a flow file of either format through one interface.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flowfile.h"
#include "zsource.h"

struct flowfile {
	enum flowfile_kind kind;
	struct ft_reader *ft;
	struct ipfix_reader *ipfix;
};

struct flowfile *
flowfile_open(int fd, const char *name, char *err, size_t errlen)
{
	struct flowfile *f;
	uint8_t head[2];
	size_t n = 0;
	ssize_t k;

	if (name == NULL)
		name = "(flow file)";
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		fthdr_seterr(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	while (n < sizeof(head)) {
		k = zsource_read_some(fd, head + n, sizeof(head) - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	if (n == sizeof(head) && head[0] != FT_MAGIC1 && ipfr_sniff(head, n)) {
		f->kind = FLOWFILE_IPFIX;
		f->ipfix = ipfr_open_head(fd, name, head, n, err, errlen);
	} else {
		/* The flow-tools reader explains what is wrong, if anything. */
		f->kind = FLOWFILE_FT;
		f->ft = ftr_open_head(fd, name, head, n, err, errlen);
	}
	if (f->ft == NULL && f->ipfix == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

enum flowfile_kind
flowfile_kind(const struct flowfile *f)
{
	return f->kind;
}

const struct ft_header *
flowfile_ft_header(const struct flowfile *f)
{
	return f->ft != NULL ? ftr_header(f->ft) : NULL;
}

const struct ipfr_stats *
flowfile_ipfix_stats(const struct flowfile *f)
{
	return f->ipfix != NULL ? ipfr_stats(f->ipfix) : NULL;
}

long
flowfile_read(struct flowfile *f, struct flowrec *r, size_t max)
{
	return f->ft != NULL ? ftr_read(f->ft, r, max)
			     : ipfr_read(f->ipfix, r, max);
}

const char *
flowfile_error(const struct flowfile *f)
{
	return f->ft != NULL ? ftr_error(f->ft) : ipfr_error(f->ipfix);
}

void
flowfile_close(struct flowfile *f)
{
	if (f == NULL)
		return;
	ftr_close(f->ft);
	ipfr_close(f->ipfix);
	free(f);
}
