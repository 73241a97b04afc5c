/*
 * dbsql: a compiled nfreport filter as a ClickHouse WHERE clause.
 *
 * The translation walks the filter's parse tree, so it covers exactly the
 * primitives the filter knows: every "(field & mask) OP value" test
 * becomes the same test on the column of that field (derived fields as
 * the same integer arithmetic), and an address becomes a range of
 * IPv4-mapped FixedString(16) values.  A test that has no exact SQL form
 * is an error naming the primitive, never an approximation.
 */
#ifndef NFKIT_REPORT_DBSQL_H
#define NFKIT_REPORT_DBSQL_H

#include <stddef.h>

#include "filter.h"
#include "input.h"

/*
 * Append the condition of f (and of the time window w) to out as one SQL
 * boolean expression.  0, or -1 with the reason in err.
 */
int dbsql_where(const struct filter *f, const struct window *w, char *out,
		size_t cap, char *err, size_t errlen);

/*
 * The family of a stored flow.  Addresses are FixedString(16), an IPv4
 * flow's IPv4-mapped (::ffff:a.b.c.d) and an IPv6 flow's its own, and the
 * schema has no family column, so a row is an IPv4 flow when its source,
 * destination and next hop are all IPv4-mapped (rowbin_flow_get() decides
 * the same way), and its exporter is IPv4 when that one is.  An IPv6 flow
 * whose three addresses all lie in ::ffff:0:0/96 reads back as IPv4.
 */
#define DBSQL_V4PREFIX "unhex('00000000000000000000FFFF')"
#define DBSQL_MAPPED(col) "substring(" col ", 1, 12) = " DBSQL_V4PREFIX
#define DBSQL_V4FLOW                                                           \
	"(" DBSQL_MAPPED("srcaddr") " AND " DBSQL_MAPPED(                      \
	    "dstaddr") " AND " DBSQL_MAPPED("nexthop") ")"

/* The column (or expression) of a field; NULL if it has none. */
const char *dbsql_column(int field);
/* 1 if the field is an address (a FixedString(16) column). */
int dbsql_is_addr(int field);
/* For an address field: SQL true when the row holds it as IPv4. */
const char *dbsql_addr_v4(int field);

#endif
