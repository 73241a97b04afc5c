/*
 * chttp: talking to a ClickHouse server over its HTTP interface (libcurl).
 *
 * Queries go in the POST body and data in the body of an INSERT whose
 * query is in the URL, as the HTTP interface wants it.  Settings ride as
 * URL parameters, because 18.16 has no HTTP sessions for SET.  Every
 * failure (connection refused, HTTP status other than 200, a server
 * exception) leaves one line in chttp_error(): ClickHouse puts the exception
 * text in the response body, so that text is what the user sees.
 */
#ifndef NFKIT_REPORT_CHTTP_H
#define NFKIT_REPORT_CHTTP_H

#include <stddef.h>
#include <stdint.h>

struct chttp;

/* A growable buffer of response bytes. */
struct chbuf {
	uint8_t *p;
	size_t len, cap;
};

/*
 * Called with the response in pieces as it arrives; returns 0 to go on,
 * -1 to abort the transfer.
 */
typedef int (*chttp_sink)(void *ctx, const uint8_t *, size_t);

/*
 * url: http://HOST:PORT/ (user=..&password=.. parameters may follow a
 * '?').  NULL on allocation failure.
 */
struct chttp *chttp_open(const char *url);
void chttp_close(struct chttp *);
/* Limit on one request, seconds (0: none, the default for queries). */
void chttp_timeout(struct chttp *, long seconds);

/* Run sql; the result (if out is not NULL) is appended to out.  0 or -1. */
int chttp_query(struct chttp *, const char *sql, struct chbuf *out);
/* Run sql and hand the result to fn piece by piece.  0 or -1. */
int chttp_query_stream(struct chttp *, const char *sql, chttp_sink fn,
		       void *ctx);
/*
 * INSERT: sql ("INSERT INTO t (..) FORMAT RowBinary") in the URL with
 * query_id (NULL: the server picks one), data in the body.  0 or -1.
 */
int chttp_insert(struct chttp *, const char *sql, const char *query_id,
		 const void *data, size_t len);
/* The first number of the result of sql (a count()).  0, or -1. */
int chttp_query_u64(struct chttp *, const char *sql, uint64_t *v);
/* Why the last call failed. */
const char *chttp_error(const struct chttp *);

int chttp_buf_put(struct chbuf *, const void *, size_t);
void chttp_buf_free(struct chbuf *);

#endif
