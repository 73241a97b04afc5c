/*
 * filterpriv: the compiled filter's types, shared by the compiler
 * (filter.c) and the evaluator (filtereval.c) and by nothing else.
 */
#ifndef NFKIT_REPORT_FILTERPRIV_H
#define NFKIT_REPORT_FILTERPRIV_H

#include <stdint.h>

#include "filter.h"

enum cmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_RANGE, C_NET6 };

/* One comparison on one record field. */
struct test {
	int field;
	int op; /* enum cmp */
	uint64_t mask;
	uint64_t val; /* C_RANGE: low end */
	uint64_t hi;  /* C_RANGE: high end */
	int v4only;   /* an IPv4 address: IPv4 flows only */
};

enum nkind { N_TRUE, N_AND, N_OR, N_NOT, N_PRIM };
_Static_assert(C_RANGE == (int)FILTER_RANGE && C_NET6 == (int)FILTER_NET6 &&
		   N_PRIM == (int)FILTER_PRIM,
	       "filter.h mirrors the private enums");

struct node {
	enum nkind kind;
	int a, b; /* children (node indices) */
	struct test t;
	int field2; /* either side: second field, or -1 */
};

#define ACCEPT (-1)
#define REJECT (-2)

struct insn {
	struct test t;
	int jt, jf; /* next instruction, ACCEPT or REJECT */
};

struct filter {
	struct node *nodes;
	int nnodes, root;
	struct insn *prog;
	int nprog, entry;
};

/* The mask of the high (half 0) or low (half 1) 64 bits of a prefix. */
static inline uint64_t
net6_mask(uint64_t plen, int half)
{
	uint64_t bits =
	    half ? (plen > 64 ? plen - 64 : 0) : (plen > 64 ? 64 : plen);

	return bits == 0 ? 0 : ~(uint64_t)0 << (64 - bits);
}

#endif
