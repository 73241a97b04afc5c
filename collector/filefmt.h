/*
 * filefmt: the two kinds of flow file the collector writes, as a table.
 *
 * NetFlow v1/v5/v7 flows go to flow-tools files (ft-v05.*, byte-compatible
 * with flow-capture), v9 and IPFIX flows by default to IPFIX files (RFC
 * 5655: tmp-v10.* while open, ipfix-v10.* once finished; nfkit-files(5)).
 * The spool (collector/spool.c) opens, flushes, finishes and renames both
 * the same way and calls the format only through this table.
 */
#ifndef NFKIT_COLLECTOR_FILEFMT_H
#define NFKIT_COLLECTOR_FILEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "flowrec.h"
#include "ftfile.h"

enum filefmt_id {
	FILEFMT_FT = 0, /* flow-tools v5 */
	FILEFMT_IPFIX,	/* RFC 5655 */
	FILEFMT_N
};

/* What a format's writer is opened with (the spool's -z, -b, -C). */
struct filefmt_opts {
	int zlevel;
	int byte_order;	     /* ft only */
	const char *comment; /* ft only */
	uint32_t cap_start;
};

struct filefmt {
	const char *name;   /* "flow-tools", "IPFIX" */
	unsigned d_version; /* in the tmp- name: 5 -> tmp-v05 */
	const char *done;   /* finished name's prefix: "ft-" */
	void *(*open)(int fd, const struct filefmt_opts *);
	int (*write)(void *, const struct flowrec *, size_t);
	int (*flush)(void *);
	/* ftw_speed()'s answers; NULL: the format's files have one speed. */
	int (*speed)(void *, int speed);
	/* Finish the stream with the counters; frees the writer. */
	int (*close)(void *, const struct ft_counts *);
	void (*abort)(void *);
	uint64_t (*count)(const void *);
};

const struct filefmt *filefmt_get(enum filefmt_id);
/* The format whose open files are named tmp-vNN (NN = d_version), or NULL. */
const struct filefmt *filefmt_by_version(unsigned d_version);

#endif
