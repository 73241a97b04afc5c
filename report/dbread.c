/*
 * dbread: stream flow rows out of ClickHouse into the reporter.
 *
 * Rows arrive in pieces of any size; a row cut between two pieces waits
 * in carry[] for the rest.  Every row has the same length, so no parsing
 * is needed to find the next one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "chttp.h"
#include "dbread.h"
#include "dbsql.h"
#include "buf.h"
#include "rowbin.h"
#include "run.h"

#define WHERE_MAX 65536
/* A flow row and its sampling interval (--renormalize uses it). */
#define ROW_COLS ROWBIN_FLOW_COLS ", sampling"
#define ROW_LEN (ROWBIN_FLOW_LEN + 4)

struct dbsource {
	struct chttp *ch;
	char *sql; /* the flows */
	char *table, *where;
	char *fwhere; /* the filter's part of where */
	struct window win;
	/* The loaded files' spans (dbread_files): asked once; -1: unknown. */
	struct input_span *spans;
	ssize_t nspans;
	int spans_asked;
};

struct dbstream {
	struct flowrec *buf;
	size_t n;
	input_fn fn;
	void *ctx;
	uint8_t carry[ROW_LEN];
	size_t ncarry;
	int stopped;
};

int
dbread_window(struct dbsource *d, const struct window *w, char *err,
	      size_t errlen)
{
	size_t n = strlen(d->fwhere) + 64, k;
	char *where = malloc(n), *sql;

	if (where == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The window selects by end time, as dbsql_where() writes it. */
	k = (size_t)snprintf(where, n, "%s", d->fwhere);
	if (w->start != INT64_MIN)
		k += (size_t)snprintf(where + k, n - k,
				      " AND last_ms >= %" PRId64, w->start);
	if (w->end != INT64_MAX)
		snprintf(where + k, n - k, " AND last_ms < %" PRId64, w->end);
	n = strlen(where) + strlen(d->table) + sizeof(ROW_COLS) + 128;
	if ((sql = malloc(n)) == NULL) {
		free(where);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(sql, n,
		 "SELECT " ROW_COLS " FROM %s WHERE %s "
		 "ORDER BY file_ms, file, seq FORMAT RowBinary",
		 d->table, where);
	free(d->where);
	free(d->sql);
	d->win = *w;
	d->where = where;
	d->sql = sql;
	return 0;
}

struct dbsource *
dbread_open(const char *url, const char *table, const struct filter *f,
	    const struct window *w, char *err, size_t errlen)
{
	static const struct window all = {INT64_MIN, INT64_MAX};
	struct dbsource *d;

	if (table[0] == '\0' ||
	    strspn(table,
		   "abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != strlen(table)) {
		snprintf(err, errlen, "'%s' is not a table name", table);
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->fwhere = malloc(WHERE_MAX)) == NULL ||
	    (d->table = strdup(table)) == NULL) {
		snprintf(err, errlen, "out of memory");
		dbread_close(d);
		return NULL;
	}
	if (dbsql_where(f, &all, d->fwhere, WHERE_MAX, err, errlen) == -1 ||
	    dbread_window(d, w, err, errlen) == -1) {
		dbread_close(d);
		return NULL;
	}
	if ((d->ch = chttp_open(url)) == NULL) {
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
	free(d->fwhere);
	free(d->spans);
	free(d);
}

/* One number from a query on the table; 0 or -1 (printed). */
static int
query_u64(struct dbsource *d, const char *fmt, const char *where, uint64_t *v)
{
	size_t n = strlen(d->table) + strlen(where) + 128;
	char *sql = malloc(n);
	int rc = -1;

	if (sql == NULL)
		fprintf(stderr, "%s: out of memory\n",
			program_invocation_short_name);
	else {
		snprintf(sql, n, fmt, d->table, where);
		if ((rc = chttp_query_u64(d->ch, sql, v)) == -1)
			fprintf(stderr, "%s: --db: %s\n",
				program_invocation_short_name,
				chttp_error(d->ch));
	}
	free(sql);
	return rc;
}

int
dbread_file_span(struct dbsource *d, int64_t *lo, int64_t *hi)
{
	uint64_t n, a = 0, b = 0;

	if (query_u64(d, "SELECT count() FROM %s%s", "", &n) == -1 ||
	    (n > 0 && (query_u64(d, "SELECT toUInt64(min(file_ms)) FROM %s%s",
				 "", &a) == -1 ||
		       query_u64(d, "SELECT toUInt64(max(file_ms)) FROM %s%s",
				 "", &b) == -1)))
		return -1;
	*lo = (int64_t)a;
	*hi = (int64_t)b;
	return n > 0;
}

/* The markers' table of d's flows table ("db.loaded_all" or "db.loaded"). */
static void
markers(const struct dbsource *d, char *out, size_t cap)
{
	const char *dot = strrchr(d->table, '.');
	const char *name = dot ? dot + 1 : d->table;
	size_t nl = strlen(name);

	/* flows_local's markers are loaded, the Distributed flows' all. */
	snprintf(out, cap, "%.*s%s", (int)(dot ? dot - d->table + 1 : 0),
		 d->table,
		 nl > 6 && strcmp(name + nl - 6, "_local") == 0 ? "loaded"
								: "loaded_all");
}

#define SPAN_ROW 25 /* file_ms, cap_start_ms, cap_end_ms, span */

/*
 * Every loaded file's span, from its marker: 0, or -1 when a marker (or
 * the table) predates the span columns, or the answer is unusable.
 */
static int
load_spans(struct dbsource *d)
{
	struct chbuf b = {0};
	char sql[512], t[300];
	size_t i, n;
	const uint8_t *p;

	markers(d, t, sizeof(t));
	snprintf(sql, sizeof(sql),
		 "SELECT any(file_ms), any(cap_start_ms), any(cap_end_ms), "
		 "min(span) FROM %s GROUP BY file FORMAT RowBinary",
		 t);
	d->nspans = -1;
	if (chttp_query(d->ch, sql, &b) == -1) {
		fprintf(stderr,
			"%s: --db: files read: no spans in the markers (%s); "
			"counting the files the flows come from\n",
			program_invocation_short_name, chttp_error(d->ch));
		return -1;
	}
	n = b.len / SPAN_ROW;
	if (b.len % SPAN_ROW != 0 ||
	    (n > 0 && (d->spans = calloc(n, sizeof(*d->spans))) == NULL)) {
		chttp_buf_free(&b);
		return -1;
	}
	for (i = 0, p = b.p; i < n; i++, p += SPAN_ROW) {
		if (p[24] == 0) /* an older nfchload's marker */
			break;
		d->spans[i].name_ms = (int64_t)buf_load_le64(p);
		d->spans[i].start_ms = (int64_t)buf_load_le64(p + 8);
		d->spans[i].end_ms = (int64_t)buf_load_le64(p + 16);
	}
	chttp_buf_free(&b);
	if (i < n)
		return -1;
	d->nspans = (ssize_t)n;
	return 0;
}

int
dbread_files(struct dbsource *d, uint64_t *n)
{
	ssize_t i;

	if (!d->spans_asked) {
		d->spans_asked = 1;
		load_spans(d);
	}
	if (d->nspans < 0)
		return query_u64(d, "SELECT uniqExact(file) FROM %s WHERE %s",
				 d->where, n);
	/* The files input_read() would open for this window. */
	for (*n = 0, i = 0; i < d->nspans; i++)
		*n += (uint64_t)input_overlaps(&d->spans[i], &d->win);
	return 0;
}

/* LEB128 at *p (of end - *p bytes); -1 if it runs past the end. */
static int
varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; *p < end && shift < 64; shift += 7) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80))
			return 0;
	}
	return -1;
}

char **
dbread_captures(struct dbsource *d, size_t *n)
{
	size_t k = 0;
	struct chbuf b = {0};
	const uint8_t *p, *end;
	char sql[512], t[300], **v = NULL, **nv;
	uint64_t len;

	*n = 0;
	markers(d, t, sizeof(t));
	snprintf(sql, sizeof(sql),
		 "SELECT capture FROM %s ORDER BY file_ms, file "
		 "FORMAT RowBinary",
		 t);
	if (chttp_query(d->ch, sql, &b) == -1) {
		fprintf(stderr, "%s: --db: no capture lines: %s\n",
			program_invocation_short_name, chttp_error(d->ch));
		return calloc(1, sizeof(*v));
	}
	for (p = b.p, end = b.p + b.len; p < end; k++) {
		if (varint(&p, end, &len) == -1 || len > (size_t)(end - p))
			break;
		if ((k & (k + 1)) == 0) {
			if ((nv = realloc(v, (2 * k + 2) * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[k] = strndup((const char *)p, len)) == NULL)
			break;
		p += len;
	}
	if (p != end) {
		fprintf(stderr, "%s: --db: capture lines: %s\n",
			program_invocation_short_name,
			"a broken answer or out of memory");
		dbread_captures_free(v, k);
		k = 0;
		v = calloc(1, sizeof(*v));
	}
	chttp_buf_free(&b);
	*n = k;
	return v != NULL ? v : calloc(1, sizeof(*v));
}

void
dbread_captures_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
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
	s->buf[s->n].sampling = buf_load_le32(p + ROWBIN_FLOW_LEN);
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
		k = ROW_LEN - s->ncarry;
		if (k > len)
			k = len;
		memcpy(s->carry + s->ncarry, p, k);
		s->ncarry += k;
		p += k;
		len -= k;
		if (s->ncarry < ROW_LEN)
			return 0;
		s->ncarry = 0;
		if (one_row(s, s->carry) == -1)
			return -1;
	}
	for (; len >= ROW_LEN; p += ROW_LEN, len -= ROW_LEN)
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
	struct filter *all;
	char err[256];

	if ((all = filter_compile("", &ferr)) == NULL) {
		fprintf(stderr, "%s: out of memory\n",
			program_invocation_short_name);
		filter_free(f);
		return NULL;
	}
	/*
	 * --renormalize: the filter tests the renormalised packets and bytes,
	 * as on files, so it runs here on the rows and the servers send the
	 * window's flows (dbstat is not used either).
	 */
	o->db = dbread_open(url, table, o->renorm ? all : f, &o->win, err,
			    sizeof(err));
	if (o->db == NULL) {
		fprintf(stderr, "%s: --db: %s\n", program_invocation_short_name,
			err);
		filter_free(all);
		filter_free(f);
		return NULL;
	}
	if (o->renorm) {
		filter_free(all);
		o->filter = f;
		return f;
	}
	filter_free(f);
	o->filter = all;
	return all;
}
