/*
 * flowfile: one entry point to read any flow file nfkit knows, whatever
 * its format: flow-tools files (ftfile.h) and nfkit's IPFIX files
 * (ipfixfile.h).  The first two bytes decide (CF 10: flow-tools; 00 0A or
 * a zlib header: IPFIX), so a stream on a pipe works too.  The reporter
 * and the database loader read through it.
 */
#ifndef NFKIT_FLOWFILE_H
#define NFKIT_FLOWFILE_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"
#include "ftfile.h"
#include "ipfixfile.h"

enum flowfile_kind { FLOWFILE_FT, FLOWFILE_IPFIX };

struct flowfile;

/* Open fd (name for messages).  NULL with the reason in err. */
struct flowfile *flowfile_open(int fd, const char *name, char *err,
			       size_t errlen);
enum flowfile_kind flowfile_kind(const struct flowfile *);
/* The flow-tools header, or NULL for an IPFIX file. */
const struct ft_header *flowfile_ft_header(const struct flowfile *);
/* The IPFIX statistics (present once read to the end), or NULL. */
const struct ipfr_stats *flowfile_ipfix_stats(const struct flowfile *);
/* As ftr_read(): > 0 records, 0 clean end, -1 damage (flowfile_error). */
long flowfile_read(struct flowfile *, struct flowrec *, size_t max);
const char *flowfile_error(const struct flowfile *);
void flowfile_close(struct flowfile *); /* does not close fd */

#endif
