/*
 * tplstore: the v9/IPFIX templates kept in the spool directory, so that a
 * restarted collector decodes data at once instead of waiting for every
 * exporter's next template refresh (minutes, for some routers).
 *
 * The file is <dir>/.nfcollectd-templates in ipfixdec_save()'s format.
 * It is written to a new file beside it and renamed over the old one, and
 * read only if it is a regular file (O_NOFOLLOW, no FIFO, bounded size):
 * a root daemon must not be led to write through, or block on, whatever
 * someone put under that name.
 */
#ifndef NFKIT_COLLECTOR_TPLSTORE_H
#define NFKIT_COLLECTOR_TPLSTORE_H

struct ipfixdec;

#define TPLSTORE_NAME ".nfcollectd-templates"
#define TPLSTORE_MAX (64 * 1024 * 1024) /* bytes read at most */

/* Load the saved templates into dec.  Templates learnt, or -1 (logged). */
int tplstore_load(struct ipfixdec *, const char *dir);
/* Save dec's templates.  0, or -1 (logged; the old file is kept). */
int tplstore_save(const struct ipfixdec *, const char *dir);

#endif
