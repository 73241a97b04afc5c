/*
 * dbsql: filter trees to SQL (see dbsql.h).
 *
 * Column expressions mirror field_get() in fields.h.  bps multiplies
 * bytes by 8000 in UInt64 where field_get() uses 128 bits: equal for every
 * flow under 2.3 PB, and flow-tools v5 records carry 32-bit byte counts.
 * intDiv is guarded by greatest(.., 1) because ClickHouse evaluates both
 * branches of if().  Addresses are compared as FixedString(16), which
 * ClickHouse orders byte by byte (unsigned), so a prefix is a BETWEEN.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dbsql.h"
#include "fields.h"

#define DURATION "toUInt64(if(last_ms > first_ms, last_ms - first_ms, 0))"

static const char bps_sql[] = "if(last_ms > first_ms, intDiv(bytes * 8000, "
			      "greatest(" DURATION ", 1)), 0)";
static const char pps_sql[] = "if(last_ms > first_ms, intDiv(packets * 1000, "
			      "greatest(" DURATION ", 1)), 0)";
static const char duration_sql[] = DURATION;

static const char *const columns[F_NFIELDS] = {
    [F_FIRST] = "first_ms",
    [F_LAST] = "last_ms",
    [F_DURATION] = duration_sql,
    [F_SRCIP] = "srcaddr",
    [F_SRCPORT] = "srcport",
    [F_DSTIP] = "dstaddr",
    [F_DSTPORT] = "dstport",
    [F_PROTO] = "proto",
    [F_FLAGS] = "tcp_flags",
    [F_TOS] = "tos",
    [F_PACKETS] = "packets",
    [F_BYTES] = "bytes",
    [F_EXPORTER] = "exporter",
    [F_INIF] = "input",
    [F_OUTIF] = "output",
    [F_NEXTHOP] = "nexthop",
    [F_SRCAS] = "src_as",
    [F_DSTAS] = "dst_as",
    [F_SRCMASK] = "src_mask",
    [F_DSTMASK] = "dst_mask",
    [F_ENGINE_TYPE] = "engine_type",
    [F_ENGINE_ID] = "engine_id",
    [F_IPVERSION] = "if(" DBSQL_V4FLOW ", 4, 6)",
    [F_BPS] = bps_sql,
    [F_PPS] = pps_sql,
    [F_BPP] = "if(packets = 0, 0, intDiv(bytes, greatest(packets, 1)))",
};

static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};

struct sql {
	char *p;
	size_t len, cap;
	char *err;
	size_t errlen;
	int failed;
};

static void __attribute__((format(printf, 2, 3)))
put(struct sql *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= s->cap - s->len) {
		snprintf(s->err, s->errlen, "filter too long for SQL");
		s->failed = 1;
		return;
	}
	s->len += (size_t)n;
}

/* 16 bytes, high and low 64 bits, as a FixedString(16) literal. */
static void
put_addr16(struct sql *s, uint64_t hi, uint64_t lo)
{
	put(s, "toFixedString(unhex('%016" PRIX64 "%016" PRIX64 "'), 16)", hi,
	    lo);
}

const char *
dbsql_column(int field)
{
	return field >= 0 && field < F_NFIELDS ? columns[field] : NULL;
}

int
dbsql_is_addr(int field)
{
	return field == F_SRCIP || field == F_DSTIP || field == F_EXPORTER ||
	       field == F_NEXTHOP;
}

const char *
dbsql_addr_v4(int field)
{
	/* The exporter has a family of its own (flowrec's exaf). */
	return field == F_EXPORTER ? "(" DBSQL_MAPPED("exporter") ")"
				   : DBSQL_V4FLOW;
}

/* The high (half 0) or low (half 1) 64 bits a prefix leaves free. */
static uint64_t
host_bits(uint64_t plen, int half)
{
	uint64_t bits =
	    half ? (plen > 64 ? plen - 64 : 0) : (plen > 64 ? 64 : plen);

	return bits == 64 ? 0 : ~(uint64_t)0 >> bits;
}

static void
cannot(struct sql *s, int field)
{
	snprintf(s->err, s->errlen,
		 "filter primitive '%s' "
		 "(this comparison) cannot be translated to SQL",
		 fields[field].name);
	s->failed = 1;
}

/*
 * An address test, as filtereval.c's test_field(): an IPv4 test holds
 * only for a row that holds the field as IPv4, an IPv6 prefix only for
 * one that holds it as IPv6, and either is then one byte range (or one
 * value) of the FixedString(16) column.
 */
static void
put_addr_test(struct sql *s, int field, const struct filter_prim *p)
{
	const char *col = columns[field];
	uint64_t hi0, lo0, hi1, lo1;
	uint32_t m;

	if (p->op == FILTER_NET6 && p->mask <= 128) {
		hi0 = p->val;
		lo0 = p->hi;
		hi1 = hi0 | host_bits(p->mask, 0);
		lo1 = lo0 | host_bits(p->mask, 1);
		put(s, "(NOT %s AND ", dbsql_addr_v4(field));
	} else {
		m = (uint32_t)p->mask;
		if ((p->op != FILTER_EQ && p->op != FILTER_NE) ||
		    (p->mask != UINT64_MAX && p->mask > UINT32_MAX) ||
		    ((~m & (~m + 1)) != 0)) {
			cannot(s, field);
			return;
		}
		hi0 = hi1 = 0;
		lo0 = UINT64_C(0xffff00000000) | ((uint32_t)p->val & m);
		lo1 = lo0 | (uint32_t)~m;
		put(s, "(%s AND ", dbsql_addr_v4(field));
	}
	put(s, p->op == FILTER_NE ? "NOT (%s " : "(%s ", col);
	if (hi0 == hi1 && lo0 == lo1) {
		put(s, "= ");
		put_addr16(s, hi0, lo0);
	} else {
		put(s, "BETWEEN ");
		put_addr16(s, hi0, lo0);
		put(s, " AND ");
		put_addr16(s, hi1, lo1);
	}
	put(s, "))");
}

/* One field's test. */
static void
put_test(struct sql *s, int field, const struct filter_prim *p)
{
	const char *col = columns[field];

	if (dbsql_is_addr(field)) {
		put_addr_test(s, field, p);
		return;
	}
	if (p->op > FILTER_RANGE) {
		cannot(s, field);
		return;
	}
	if (p->mask == UINT64_MAX)
		put(s, "(%s)", col);
	else
		put(s, "bitAnd(%s, %" PRIu64 ")", col, p->mask);
	if (p->op == FILTER_RANGE)
		put(s, " BETWEEN %" PRIu64 " AND %" PRIu64, p->val, p->hi);
	else
		put(s, " %s %" PRIu64, ops[p->op], p->val);
}

static void
put_node(struct sql *s, const struct filter *f, int n)
{
	struct filter_prim p;
	int a, b;

	switch (filter_node(f, n, &a, &b, &p)) {
	case FILTER_TRUE:
		put(s, "1");
		break;
	case FILTER_AND:
	case FILTER_OR:
		put(s, "(");
		put_node(s, f, a);
		put(s, filter_node(f, n, &a, &b, &p) == FILTER_AND ? " AND "
								   : " OR ");
		put_node(s, f, b);
		put(s, ")");
		break;
	case FILTER_NOT:
		put(s, "NOT (");
		put_node(s, f, a);
		put(s, ")");
		break;
	case FILTER_PRIM:
		if (p.field < 0 || p.field >= F_NFIELDS ||
		    columns[p.field] == NULL ||
		    (p.field2 >= 0 &&
		     (p.field2 >= F_NFIELDS || columns[p.field2] == NULL))) {
			snprintf(s->err, s->errlen,
				 "filter primitive on field "
				 "%d cannot be translated to SQL",
				 p.field);
			s->failed = 1;
			return;
		}
		put(s, "(");
		put_test(s, p.field, &p);
		if (p.field2 >= 0) {
			put(s, " OR ");
			put_test(s, p.field2, &p);
		}
		put(s, ")");
		break;
	}
}

int
dbsql_where(const struct filter *f, const struct window *w, char *out,
	    size_t cap, char *err, size_t errlen)
{
	struct sql s;

	memset(&s, 0, sizeof(s));
	s.p = out;
	s.cap = cap;
	s.err = err;
	s.errlen = errlen;
	if (cap == 0)
		return -1;
	out[0] = '\0';
	put(&s, "(");
	put_node(&s, f, filter_root(f));
	put(&s, ")");
	/* The window selects by end time, as input.c does for files. */
	if (w->start != INT64_MIN)
		put(&s, " AND last_ms >= %" PRId64, w->start);
	if (w->end != INT64_MAX)
		put(&s, " AND last_ms < %" PRId64, w->end);
	return s.failed ? -1 : 0;
}
