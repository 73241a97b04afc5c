/*
 * filtereval: running a compiled filter over records (the jump code, and
 * the tree evaluator that cross-checks it), and reading its tree back for
 * other back ends (nfreport --db's SQL).  Compiled by filter.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fields.h"
#include "filter.h"
#include "filterpriv.h"

static inline int
test_ok(const struct test *t, uint64_t v)
{
	v &= t->mask;
	switch (t->op) {
	case C_EQ:
		return v == t->val;
	case C_NE:
		return v != t->val;
	case C_LT:
		return v < t->val;
	case C_LE:
		return v <= t->val;
	case C_GT:
		return v > t->val;
	case C_GE:
		return v >= t->val;
	case C_RANGE:
		return v >= t->val && v <= t->hi;
	}
	return 0;
}

/* A test on field id of record r, of either address family. */
static inline int
test_field(const struct test *t, int id, const struct flowrec *r)
{
	const uint8_t *a6;

	if (t->op == C_NET6) {
		if ((a6 = field_addr6(id, r)) == NULL)
			return 0;
		return (buf_load_be64(a6) & net6_mask(t->mask, 0)) == t->val &&
		       (buf_load_be64(a6 + 8) & net6_mask(t->mask, 1)) == t->hi;
	}
	if (t->v4only && field_addr6(id, r) != NULL)
		return 0;
	return test_ok(t, field_get(id, r, 1));
}

int
filter_match(const struct filter *f, const struct flowrec *r)
{
	int pc = f->entry;

	while (pc >= 0) {
		const struct insn *i = &f->prog[pc];

		pc = test_field(&i->t, i->t.field, r) ? i->jt : i->jf;
	}
	return pc == ACCEPT;
}

size_t
filter_block(const struct filter *f, struct flowrec *recs, size_t n)
{
	size_t i, k = 0;

	if (f->entry == ACCEPT)
		return n;
	for (i = 0; i < n; i++)
		if (filter_match(f, &recs[i])) {
			if (k != i)
				recs[k] = recs[i];
			k++;
		}
	return k;
}

int
filter_is_true(const struct filter *f)
{
	return f->entry == ACCEPT;
}

/* As gen(): a loop along left children; the right side decides first. */
static int
tree_eval(const struct filter *f, int n, const struct flowrec *r)
{
	const struct node *nd;
	int neg = 0, v;

	for (;;) {
		nd = &f->nodes[n];
		switch (nd->kind) {
		case N_TRUE:
			return !neg;
		case N_AND:
			if (!tree_eval(f, nd->b, r))
				return neg;
			break;
		case N_OR:
			if (tree_eval(f, nd->b, r))
				return !neg;
			break;
		case N_NOT:
			neg = !neg;
			break;
		case N_PRIM:
			v = test_field(&nd->t, nd->t.field, r) ||
			    (nd->field2 >= 0 &&
			     test_field(&nd->t, nd->field2, r));
			return v != neg;
		default:
			return 0;
		}
		n = nd->a;
	}
}

int
filter_match_tree(const struct filter *f, const struct flowrec *r)
{
	return tree_eval(f, f->root, r);
}

size_t
filter_length(const struct filter *f)
{
	return (size_t)f->nprog;
}

int
filter_root(const struct filter *f)
{
	return f->root;
}

enum filter_kind
filter_node(const struct filter *f, int n, int *a, int *b,
	    struct filter_prim *p)
{
	const struct node *nd = &f->nodes[n];

	*a = nd->a;
	*b = nd->b;
	p->field = nd->t.field;
	p->field2 = nd->field2;
	p->op = (enum filter_op)nd->t.op;
	p->mask = nd->t.mask;
	p->val = nd->t.val;
	p->hi = nd->t.hi;
	return (enum filter_kind)nd->kind;
}
