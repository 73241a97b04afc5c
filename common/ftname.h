/*
 * ftname: flow-capture's file names and nesting directories.
 *
 *   tmp-v05.2026-11-26.180515+0000   open file (local time of capture start
 *   ft-v05.2026-11-26.180515+0000    and that moment's UTC offset)
 *   tmp-v10.2026-11-26.180515+0000   the same for IPFIX files (prefix
 *   ipfix-v10.2026-11-26.180515+0000 "ipfix" once finished)
 *
 * The collector makes them; the reporter reads the start time back out of
 * them to select files for a time window without opening them.
 */
#ifndef NFKIT_FTNAME_H
#define NFKIT_FTNAME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The base name for a file opened at t (local time), e.g.
 * "tmp-v05.2026-11-26.180515+0000".  prefix is "tmp", "ft" or "ipfix";
 * d_version is printed with at least two digits.  Returns 0, or -1 if it does
 * not fit.
 */
int ftname_format(char *, size_t, const char *prefix, unsigned d_version,
		  time_t t);
/*
 * The nesting directory (relative, without trailing slash; "" for 0) for
 * -N level -3..3 and local time t, e.g. "2026/2026-11/2026-11-26".
 */
int ftname_nestdir(char *, size_t, int nest, time_t t);
/*
 * Parse a base name made by ftname_format (any prefix, any version).
 * Sets *start to the unix time it names and *is_tmp.  -1 if it is not such
 * a name.
 */
int ftname_parse(const char *base, time_t *start, int *is_tmp);

#endif
