/*
 * dbread: stream flow rows out of ClickHouse into the reporter.
 *
 * Rows arrive in pieces of any size; a row cut between two pieces waits
 * in carry[] for the rest.  Every row has the same length, so no parsing
 * is needed to find the next one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chttp.h"
#include "dbread.h"
#include "dbsql.h"
#include "rowbin.h"
#include "run.h"

#define WHERE_MAX 65536

struct dbsource {
	struct chttp *ch;
	char *sql; /* the flows */
	char *table, *where;
};

struct dbstream {
	struct flowrec *buf;
	size_t n;
	input_fn fn;
	void *ctx;
	uint8_t carry[ROWBIN_FLOW_LEN];
	size_t ncarry;
	int stopped;
};

struct dbsource *
dbread_open(const char *url, const char *table, const struct filter *f,
	    const struct window *w, char *err, size_t errlen)
{
	struct dbsource *d;
	char *where;
	size_t n;

	if (table[0] == '\0' ||
	    strspn(table,
		   "abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != strlen(table)) {
		snprintf(err, errlen, "'%s' is not a table name", table);
		return NULL;
	}
	if ((where = malloc(WHERE_MAX)) == NULL ||
	    (d = calloc(1, sizeof(*d))) == NULL) {
		free(where);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (dbsql_where(f, w, where, WHERE_MAX, err, errlen) == -1) {
		free(where);
		free(d);
		return NULL;
	}
	n = strlen(where) + strlen(table) + sizeof(ROWBIN_FLOW_COLS) + 128;
	if ((d->sql = malloc(n)) == NULL || (d->ch = chttp_open(url)) == NULL) {
		snprintf(err, errlen, "out of memory");
		d->where = where;
		dbread_close(d);
		return NULL;
	}
	snprintf(d->sql, n,
		 "SELECT " ROWBIN_FLOW_COLS " FROM %s WHERE %s "
		 "ORDER BY file_ms, file, seq FORMAT RowBinary",
		 table, where);
	d->where = where;
	if ((d->table = strdup(table)) == NULL) {
		snprintf(err, errlen, "out of memory");
		dbread_close(d);
		return NULL;
	}
	return d;
}

void
dbread_close(struct dbsource *d)
{
	if (d == NULL)
		return;
	chttp_close(d->ch);
	free(d->sql);
	free(d->table);
	free(d->where);
	free(d);
}

struct chttp *
dbread_conn(const struct dbsource *d)
{
	return d->ch;
}

const char *
dbread_table(const struct dbsource *d)
{
	return d->table;
}

const char *
dbread_where(const struct dbsource *d)
{
	return d->where;
}

static int
flush(struct dbstream *s)
{
	size_t n = s->n;

	s->n = 0;
	if (n > 0 && s->fn(s->ctx, s->buf, n) != 0) {
		s->stopped = 1;
		return -1;
	}
	return 0;
}

static int
one_row(struct dbstream *s, const uint8_t *p)
{
	rowbin_flow_get(p, &s->buf[s->n]);
	if (++s->n == INPUT_BLOCK)
		return flush(s);
	return 0;
}

static int
on_rows(void *ctx, const uint8_t *p, size_t len)
{
	struct dbstream *s = ctx;
	size_t k;

	if (s->ncarry > 0) {
		k = ROWBIN_FLOW_LEN - s->ncarry;
		if (k > len)
			k = len;
		memcpy(s->carry + s->ncarry, p, k);
		s->ncarry += k;
		p += k;
		len -= k;
		if (s->ncarry < ROWBIN_FLOW_LEN)
			return 0;
		s->ncarry = 0;
		if (one_row(s, s->carry) == -1)
			return -1;
	}
	for (; len >= ROWBIN_FLOW_LEN;
	     p += ROWBIN_FLOW_LEN, len -= ROWBIN_FLOW_LEN)
		if (one_row(s, p) == -1)
			return -1;
	memcpy(s->carry, p, len);
	s->ncarry = len;
	return 0;
}

enum input_result
dbread_read(struct dbsource *d, struct flowrec *buf, input_fn fn, void *ctx)
{
	struct dbstream s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.buf = buf;
	s.fn = fn;
	s.ctx = ctx;
	rc = chttp_query_stream(d->ch, d->sql, on_rows, &s);
	if (s.stopped)
		return IN_STOPPED;
	if (rc == -1) {
		fprintf(stderr, "%s: --db: %s\n", program_invocation_short_name,
			chttp_error(d->ch));
		return IN_DAMAGED;
	}
	if (flush(&s) == -1)
		return IN_STOPPED;
	if (s.ncarry != 0) {
		fprintf(stderr,
			"%s: --db: the server's answer ends inside a "
			"row\n",
			program_invocation_short_name);
		return IN_DAMAGED;
	}
	return IN_OK;
}

struct filter *
dbread_setup(struct runopts *o, const char *url, const char *table,
	     struct filter *f)
{
	struct filter_error ferr;
	char err[256];

	o->db = dbread_open(url, table, f, &o->win, err, sizeof(err));
	filter_free(f);
	if (o->db == NULL) {
		fprintf(stderr, "%s: --db: %s\n", program_invocation_short_name,
			err);
		return NULL;
	}
	if ((f = filter_compile("", &ferr)) == NULL) {
		fprintf(stderr, "%s: out of memory\n",
			program_invocation_short_name);
		dbread_close(o->db);
		o->db = NULL;
		return NULL;
	}
	o->filter = f;
	return f;
}
