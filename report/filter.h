/*
 * filter: nfdump-like flow filter expressions, compiled once.
 *
 *   proto tcp and dst port 80 and not src net 10.0.0.0/8
 *   (port 53 or port 123) and bytes > 1k
 *
 * filter_compile() parses the expression into a tree, then lowers the tree
 * into a small array of comparison instructions, each with a "jump if
 * true" and a "jump if false" target, the way BPF programs are built.
 * Evaluating a record is a loop over a few instructions with no
 * allocation and no recursion.  The tree is kept so that tests can compare
 * the compiled program against a direct, recursive evaluation.
 */
#ifndef NFKIT_REPORT_FILTER_H
#define NFKIT_REPORT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

struct filter;

struct filter_error {
	int column; /* 1-based column of the offending token */
	char msg[160];
};

/*
 * Compile an expression.  An empty or all-blank expression matches every
 * flow.  NULL on a syntax error (err filled) or allocation failure
 * (err->column 0).
 */
struct filter *filter_compile(const char *expr, struct filter_error *err);
void filter_free(struct filter *);

/* 1 if the record matches (compiled program). */
int filter_match(const struct filter *, const struct flowrec *);
/* Keep the matching records of recs[0..n) at the front; returns how many. */
size_t filter_block(const struct filter *, struct flowrec *recs, size_t n);
/* 1 if the filter accepts everything (no expression). */
int filter_is_true(const struct filter *);

/*
 * The parse tree, for translators into other query languages (dbsql.c):
 * node kinds, and a primitive's test "(field & mask) OP val" (FILTER_RANGE:
 * val <= x <= hi), tried on field and, if field2 >= 0, also on field2.
 */
enum filter_kind {
	FILTER_TRUE,
	FILTER_AND,
	FILTER_OR,
	FILTER_NOT,
	FILTER_PRIM
};
enum filter_op {
	FILTER_EQ,
	FILTER_NE,
	FILTER_LT,
	FILTER_LE,
	FILTER_GT,
	FILTER_GE,
	FILTER_RANGE,
	FILTER_NET6 /* an IPv6 prefix: val, hi the address's high and low
		       64 bits (masked), mask the prefix length */
};
struct filter_prim {
	int field, field2; /* enum field_id; field2 -1: none */
	enum filter_op op;
	uint64_t mask, val, hi;
};
int filter_root(const struct filter *);
/* Kind of node n; its children in a and b, or its test in p. */
enum filter_kind filter_node(const struct filter *, int n, int *a, int *b,
			     struct filter_prim *p);

/* The reference evaluation: walks the parse tree recursively.  Tests only. */
int filter_match_tree(const struct filter *, const struct flowrec *);
/* Instructions in the compiled program (tests, debugging). */
size_t filter_length(const struct filter *);

/*
 * Print "prog: filter: MSG", the expression, and a caret under the column,
 * to stderr (what nfreport does before exiting 2).
 */
void filter_perror(const char *expr, const struct filter_error *);

#endif
