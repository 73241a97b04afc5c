/*
 * dbstat: GROUP BY queries for -s (see dbstat.h).
 *
 * Results come back in RowBinary: per key an address as FixedString(16)
 * followed by a UInt8 that is 1 when the row holds it as IPv6 (the family
 * rule of dbsql.h, which is also in the GROUP BY, as a table keyed on
 * files keys on the family too), or a number as UInt64; then count(),
 * sum(packets), sum(bytes), min(first_ms), max(last_ms).  An IPv6 address
 * becomes the table's own id for it (agg_tab_addr6), as aggregate.c
 * interns one from a flow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chttp.h"
#include "dbsql.h"
#include "buf.h"
#include "dbstat.h"
#include "fields.h"
#include "rowbin.h"

#define COUNTERS                                                               \
	"count(), sum(packets), sum(bytes), min(first_ms), "                   \
	"max(last_ms)"
#define COUNTERS_LEN 40

int
dbstat_applies(const struct runopts *o)
{
	/* --renormalize: the flows come back with their sampling intervals. */
	return (o->nstats > 0 || o->agg || o->series_ms != 0) &&
	       o->limit == 0 && !o->renorm;
}

/* The counters of one group into r; returns the flows. */
static uint64_t
counters(const uint8_t *p, struct flowrec *r)
{
	memset(r, 0, sizeof(*r));
	r->packets = buf_load_le64(p + 8);
	r->bytes = buf_load_le64(p + 16);
	r->first_ms = (int64_t)buf_load_le64(p + 24);
	r->last_ms = (int64_t)buf_load_le64(p + 32);
	return buf_load_le64(p);
}

static int
fail(struct dbsource *d, const char *what)
{
	fprintf(stderr, "%s: --db: %s%s\n", program_invocation_short_name,
		what ? what : "", what ? "" : chttp_error(dbread_conn(d)));
	return -1;
}

/* Totals, with those of the IPv6 flows. */
static int
totals(struct dbsource *d, struct summary *sum)
{
	size_t len = strlen(dbread_where(d)) + strlen(dbread_table(d)) +
		     2 * sizeof(DBSQL_V4FLOW) + sizeof(COUNTERS) + 128;
	char *sql = malloc(len);
	struct chbuf b = {0};
	struct flowrec r;
	uint64_t n;
	int rc = -1;

	if (sql == NULL)
		return fail(d, "out of memory");
	snprintf(sql, len,
		 "SELECT " COUNTERS ", countIf(NOT " DBSQL_V4FLOW
		 "), sumIf(bytes, NOT " DBSQL_V4FLOW
		 ") FROM %s WHERE %s FORMAT RowBinary",
		 dbread_table(d), dbread_where(d));
	if (chttp_query(dbread_conn(d), sql, &b) == -1) {
		fail(d, NULL);
		goto out;
	}
	if (b.len != COUNTERS_LEN + 16) {
		fail(d, "unexpected answer to the totals query");
		goto out;
	}
	agg_summary_init(sum);
	if ((n = counters(b.p, &r)) > 0) {
		sum->flows = n;
		sum->packets = r.packets;
		sum->bytes = r.bytes;
		sum->first = r.first_ms;
		sum->last = r.last_ms;
		sum->flows6 = buf_load_le64(b.p + COUNTERS_LEN);
		sum->bytes6 = buf_load_le64(b.p + COUNTERS_LEN + 8);
	}
	rc = 0;
out:
	chttp_buf_free(&b);
	free(sql);
	return rc;
}

/* The SELECT list of a statistic's keys; the row length of a group. */
static int
keys_sql(const struct aggspec *s, char *out, size_t cap, size_t *rowlen)
{
	const char *a = dbsql_column(s->keys[0]);
	size_t n = 0;
	int j, m;

	*rowlen = COUNTERS_LEN;
	if (s->either) {
		const char *b = dbsql_column(s->other);

		if (dbsql_is_addr(s->keys[0]))
			m = snprintf(out, cap,
				     "arrayJoin(if(%s = %s, [%s], [%s, %s])) "
				     "AS k0, toUInt8(NOT %s) AS f0",
				     a, b, a, a, b, dbsql_addr_v4(s->keys[0]));
		else
			m = snprintf(out, cap,
				     "toUInt64(arrayJoin(if(%s = %s, [%s], "
				     "[%s, %s]))) AS k0",
				     a, b, a, a, b);
		*rowlen += dbsql_is_addr(s->keys[0]) ? ROWBIN_ADDR_LEN + 1 : 8;
		return m < 0 || (size_t)m >= cap ? -1 : 0;
	}
	for (j = 0; j < s->nkeys; j++) {
		a = dbsql_column(s->keys[j]);
		if (dbsql_is_addr(s->keys[j]))
			m = snprintf(out + n, cap - n,
				     "%s%s AS k%d, toUInt8(NOT %s) AS f%d",
				     j ? ", " : "", a, j,
				     dbsql_addr_v4(s->keys[j]), j);
		else
			m = snprintf(out + n, cap - n, "%stoUInt64(%s) AS k%d",
				     j ? ", " : "", a, j);
		if (m < 0 || (size_t)m >= cap - n)
			return -1;
		n += (size_t)m;
		*rowlen += dbsql_is_addr(s->keys[j]) ? ROWBIN_ADDR_LEN + 1 : 8;
	}
	return 0;
}

/*
 * Reads a group's key at p into key (the family word after the nkeys
 * field words); returns the bytes it took, or 0 when t could not take
 * an IPv6 address.
 */
typedef size_t (*key_fn)(const struct aggspec *, struct aggtab *t,
			 const uint8_t *p, uint32_t *key);

static size_t
stat_key(const struct aggspec *s, struct aggtab *t, const uint8_t *p,
	 uint32_t *key)
{
	const uint8_t *p0 = p;
	uint32_t fam = 0;
	int j;

	for (j = 0; j < (s->either ? 1 : s->nkeys); j++) {
		if (!dbsql_is_addr(s->keys[j])) {
			key[j] = (uint32_t)buf_load_le64(p);
			p += 8;
			continue;
		}
		if (p[ROWBIN_ADDR_LEN] != 0 ||
		    rowbin_addr_get(p, &key[j]) == -1) {
			if ((key[j] = agg_tab_addr6(t, p)) == UINT32_MAX)
				return 0;
			fam |= 1u << j;
		}
		p += ROWBIN_ADDR_LEN + 1;
	}
	key[s->nkeys] = fam;
	return (size_t)(p - p0);
}

static size_t
series_key(const struct aggspec *s, struct aggtab *t, const uint8_t *p,
	   uint32_t *key)
{
	uint64_t k = buf_load_le64(p);

	(void)s;
	(void)t;
	key[0] = (uint32_t)(k >> 32);
	key[1] = (uint32_t)k;
	return 8;
}

/* Run sql (freed here) and fold its groups of rowlen bytes into t. */
static int
fold_groups(struct dbsource *d, char *sql, size_t rowlen,
	    const struct aggspec *s, key_fn kf, struct aggtab *t)
{
	struct chbuf b = {0};
	uint32_t key[AGG_MAXWORDS] = {0};
	struct flowrec r;
	uint64_t flows;
	size_t off, n;
	int rc = -1;

	if (chttp_query(dbread_conn(d), sql, &b) == -1) {
		fail(d, NULL);
		goto out;
	}
	if (b.len % rowlen != 0) {
		fail(d, "the server's answer ends inside a row");
		goto out;
	}
	for (off = 0; off < b.len; off += rowlen) {
		if ((n = kf(s, t, b.p + off, key)) == 0) {
			fail(d, "out of memory");
			goto out;
		}
		flows = counters(b.p + off + n, &r);
		if (agg_tab_add_group(t, key, &r, flows) == -1) {
			fail(d, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	chttp_buf_free(&b);
	free(sql);
	return rc;
}

static int
one_stat(struct dbsource *d, const struct aggspec *s, struct aggtab *t)
{
	char keys[1024], group[512], *sql;
	size_t rowlen, n, len;
	int j;

	if (s->nkeys < 1 || s->nkeys > AGG_MAXKEY ||
	    keys_sql(s, keys, sizeof(keys), &rowlen) == -1)
		return fail(d, "statistic cannot be put into SQL");
	for (n = 0, j = 0; j < (s->either ? 1 : s->nkeys); j++)
		n += (size_t)snprintf(group + n, sizeof(group) - n,
				      dbsql_is_addr(s->keys[j]) ? "%sk%d, f%d"
								: "%sk%d",
				      j ? ", " : "", j, j);
	len = strlen(keys) + strlen(dbread_where(d)) + strlen(dbread_table(d)) +
	      sizeof(COUNTERS) + 256;
	if ((sql = malloc(len)) == NULL)
		return fail(d, "out of memory");
	snprintf(sql, len,
		 "SELECT %s, " COUNTERS " FROM %s WHERE %s"
		 " GROUP BY %s FORMAT RowBinary",
		 keys, dbread_table(d), dbread_where(d), group);
	return fold_groups(d, sql, rowlen, s, stat_key, t);
}

/*
 * --series: the bucket of a flow is floor(last_ms / interval), as
 * series.c computes it (intDiv truncates toward zero, hence the
 * correction for negative times; not with %, which 18.16 gets wrong for
 * large Int64 values), kept in two key words.
 */
static int
series(struct dbsource *d, int64_t iv, struct aggtab *t)
{
	size_t len = strlen(dbread_where(d)) + strlen(dbread_table(d)) +
		     sizeof(COUNTERS) + 256;
	char *sql = malloc(len);

	if (sql == NULL)
		return fail(d, "out of memory");
	snprintf(sql, len,
		 "SELECT intDiv(last_ms, %lld) - if(intDiv(last_ms, "
		 "%lld) * %lld > last_ms, 1, 0) AS k0, " COUNTERS
		 " FROM %s WHERE %s GROUP BY k0 FORMAT RowBinary",
		 (long long)iv, (long long)iv, (long long)iv, dbread_table(d),
		 dbread_where(d));
	return fold_groups(d, sql, 8 + COUNTERS_LEN, NULL, series_key, t);
}

enum input_result
dbstat_run(struct dbsource *d, const struct runopts *o, struct aggtab **stat,
	   struct aggtab *agg, struct aggtab *ser, struct summary *sum)
{
	int i;

	if (totals(d, sum) == -1)
		return IN_DAMAGED;
	for (i = 0; i < o->nstats; i++)
		if (one_stat(d, &o->stat[i]->spec, stat[i]) == -1)
			return IN_DAMAGED;
	if (o->agg && one_stat(d, &o->aggspec, agg) == -1)
		return IN_DAMAGED;
	if (o->series_ms != 0 && series(d, o->series_ms, ser) == -1)
		return IN_DAMAGED;
	return IN_OK;
}
