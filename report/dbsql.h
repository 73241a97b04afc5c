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

/* The column (or expression) of a field; NULL if it has none. */
const char *dbsql_column(int field);
/* 1 if the field is an address (a FixedString(16) column). */
int dbsql_is_addr(int field);

#endif
