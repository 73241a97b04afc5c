/*
 * filter: lexer, recursive-descent parser and compiler of flow filters
 * (their evaluation is in filtereval.c; the shared types in filterpriv.h).
 *
 * Grammar (keywords are case-insensitive):
 *
 *   expr    := and { ("or" | "||") and }
 *   and     := unary { ("and" | "&&") unary }
 *   unary   := ("not" | "!") unary | "(" expr ")" | prim
 *   prim    := [src|dst] (host|ip) ADDR | [src|dst] net ADDR[/LEN]
 *            | inet | inet6
 *            | [src|dst] port [CMP] N | [src|dst] port N-M
 *            | [src|dst] as [CMP] N   | [src|dst] mask [CMP] N
 *            | [in|out] if [CMP] N    | proto NAME|N | tos [CMP] N
 *            | flags [FSRPAUX]+       | exporter ADDR | nexthop ADDR
 *            | engine [type|id] [CMP] N
 *            | (packets|bytes|duration|bps|pps|bpp) [CMP] N[k|M|G]
 *            | any
 *   CMP     := = == eq != ne < lt <= le > gt >= ge
 *
 * Every primitive reduces to one comparison "(field & mask) OP value"
 * (OP may be a closed range), tried on one field or, without src/dst, on
 * either of two fields.  The compiler turns the tree into instructions
 * with true/false jump targets: AND sends "true" to its right side and
 * "false" straight out, OR the reverse, NOT swaps the targets.  Targets
 * always point to earlier instructions, so evaluation ends.
 *
 * Addresses are IPv4 or IPv6 (an ADDR with a colon).  An IPv4 test is the
 * comparison above and never matches an IPv6 flow; an IPv6 test (C_NET6)
 * compares the record's 16 bytes under a prefix length, with the address
 * in val (high 64 bits) and hi (low 64 bits) and the length in mask.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "buf.h"
#include "fields.h"
#include "filter.h"
#include "filterpriv.h"
#include "proto.h"

/* ---- lexer ---- */

enum tok { T_END, T_WORD, T_LP, T_RP, T_NOT, T_AND, T_OR, T_CMP, T_BAD };

struct token {
	enum tok t;
	const char *s; /* start in the expression */
	int len;
	int col; /* 0-based offset */
	int cmp; /* T_CMP: enum cmp */
};

struct parser {
	const char *expr;
	struct token tok; /* current token */
	const char *p;	  /* next unread char */
	struct filter *f;
	int cap, depth, failed;
	struct filter_error *err;
};

static int
word_char(char c)
{
	return c != '\0' && !isspace((unsigned char)c) &&
	       strchr("()!<>=&|", c) == NULL;
}

static int
tok_is(const struct token *t, const char *w)
{
	return t->t == T_WORD && (int)strlen(w) == t->len &&
	       strncasecmp(t->s, w, (size_t)t->len) == 0;
}

static void
next(struct parser *ps)
{
	struct token *t = &ps->tok;
	const char *p = ps->p;

	while (isspace((unsigned char)*p))
		p++;
	t->s = p;
	t->col = (int)(p - ps->expr);
	t->len = 1;
	switch (*p) {
	case '\0':
		t->t = T_END;
		t->len = 0;
		break;
	case '(':
		t->t = T_LP;
		break;
	case ')':
		t->t = T_RP;
		break;
	case '!':
		if (p[1] == '=') {
			t->t = T_CMP, t->cmp = C_NE, t->len = 2;
		} else
			t->t = T_NOT;
		break;
	case '<':
	case '>':
		t->t = T_CMP;
		if (p[1] == '=')
			t->cmp = *p == '<' ? C_LE : C_GE, t->len = 2;
		else
			t->cmp = *p == '<' ? C_LT : C_GT;
		break;
	case '=':
		t->t = T_CMP, t->cmp = C_EQ;
		if (p[1] == '=')
			t->len = 2;
		break;
	case '&':
	case '|':
		if (p[1] == *p)
			t->t = *p == '&' ? T_AND : T_OR, t->len = 2;
		else
			t->t = T_BAD;
		break;
	default:
		t->t = T_WORD;
		t->len = 0;
		while (word_char(p[t->len]))
			t->len++;
		if (tok_is(t, "and"))
			t->t = T_AND;
		else if (tok_is(t, "or"))
			t->t = T_OR;
		else if (tok_is(t, "not"))
			t->t = T_NOT;
		break;
	}
	ps->p = p + t->len;
}

static int
fail(struct parser *ps, int col, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return -1;
	ps->failed = 1;
	ps->err->column = col + 1;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* "'word'" or "the end of the expression", for messages. */
static const char *
found(const struct token *t, char *buf, size_t len)
{
	if (t->t == T_END)
		return "the end of the expression";
	snprintf(buf, len, "'%.*s'", t->len > 40 ? 40 : t->len, t->s);
	return buf;
}

/* ---- values ---- */

static int
parse_num(const char *s, int len, int scaled, uint64_t max, uint64_t *v)
{
	char buf[64], *end;
	uint64_t x, mul = 1;

	if (len <= 0 || len >= (int)sizeof(buf) || !isdigit((unsigned char)*s))
		return -1;
	memcpy(buf, s, (size_t)len);
	buf[len] = '\0';
	if (scaled) {
		switch (buf[len - 1]) {
		case 'k':
		case 'K':
			mul = 1000;
			break;
		case 'm':
		case 'M':
			mul = 1000000;
			break;
		case 'g':
		case 'G':
			mul = 1000000000;
			break;
		}
		if (mul != 1)
			buf[--len] = '\0';
	}
	errno = 0;
	x = strtoull(buf, &end, 0);
	if (errno != 0 || *end != '\0' || end == buf)
		return -1;
	if (x > UINT64_MAX / mul || x * mul > max)
		return -1;
	*v = x * mul;
	return 0;
}

/* Dotted quad; with partial != 0, 1 to 4 parts ("10", "172.16"). */
static int
parse_addr(const char *s, int len, int partial, uint32_t *a, int *parts)
{
	uint32_t v = 0;
	int n = 0, i = 0, digits;
	unsigned part;

	while (i < len) {
		part = 0;
		digits = 0;
		while (i < len && isdigit((unsigned char)s[i]) && digits < 4) {
			part = part * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || part > 255 || n == 4)
			return -1;
		v = v << 8 | part;
		n++;
		if (i < len) {
			if (s[i] != '.' || i + 1 == len)
				return -1;
			i++;
		}
	}
	if (n == 0 || (!partial && n != 4))
		return -1;
	*a = v << (8 * (4 - n));
	*parts = n;
	return 0;
}

/* ---- tree ---- */

static int
new_node(struct parser *ps, enum nkind kind, int a, int b)
{
	struct filter *f = ps->f;
	struct node *n;

	if (f->nnodes == ps->cap) {
		int cap = ps->cap ? ps->cap * 2 : 16;
		struct node *nn = realloc(f->nodes, (size_t)cap * sizeof(*nn));

		if (nn == NULL)
			return fail(ps, 0, "out of memory");
		f->nodes = nn;
		ps->cap = cap;
	}
	n = &f->nodes[f->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->a = a;
	n->b = b;
	n->field2 = -1;
	n->t.mask = UINT64_MAX;
	return f->nnodes++;
}

/* What follows a keyword. */
enum vkind { V_NONE, V_ADDR, V_NET, V_NUM, V_SCALED, V_PORT, V_PROTO, V_FLAGS };

enum sides { S_NONE, S_SRCDST, S_INOUT };

static const struct keyword {
	const char *word;
	int f_src, f_dst; /* f_dst -1: no sides */
	enum sides sides;
	enum vkind vk;
	uint64_t max;
	const char *what; /* "expected %s" */
} keywords[] = {
    {"host", F_SRCIP, F_DSTIP, S_SRCDST, V_ADDR, 0, "an IP address"},
    {"ip", F_SRCIP, F_DSTIP, S_SRCDST, V_ADDR, 0, "an IPv4 address"},
    {"net", F_SRCIP, F_DSTIP, S_SRCDST, V_NET, 0,
     "a network A.B.C.D/LEN or X:X::/LEN"},
    {"port", F_SRCPORT, F_DSTPORT, S_SRCDST, V_PORT, 65535,
     "a port number or range N-M"},
    {"as", F_SRCAS, F_DSTAS, S_SRCDST, V_NUM, 65535, "an AS number"},
    {"mask", F_SRCMASK, F_DSTMASK, S_SRCDST, V_NUM, 32, "a prefix length"},
    {"if", F_INIF, F_OUTIF, S_INOUT, V_NUM, 65535, "an ifIndex"},
    {"proto", F_PROTO, -1, S_NONE, V_PROTO, 255, "a protocol name or number"},
    {"tos", F_TOS, -1, S_NONE, V_NUM, 255, "a ToS value 0-255"},
    {"flags", F_FLAGS, -1, S_NONE, V_FLAGS, 0, "TCP flag letters from FSRPAUX"},
    {"packets", F_PACKETS, -1, S_NONE, V_SCALED, UINT64_MAX, "a number"},
    {"bytes", F_BYTES, -1, S_NONE, V_SCALED, UINT64_MAX, "a number"},
    {"duration", F_DURATION, -1, S_NONE, V_SCALED, UINT64_MAX,
     "a duration in ms"},
    {"bps", F_BPS, -1, S_NONE, V_SCALED, UINT64_MAX, "a number"},
    {"pps", F_PPS, -1, S_NONE, V_SCALED, UINT64_MAX, "a number"},
    {"bpp", F_BPP, -1, S_NONE, V_SCALED, UINT64_MAX, "a number"},
    {"exporter", F_EXPORTER, -1, S_NONE, V_ADDR, 0, "an IP address"},
    {"router", F_EXPORTER, -1, S_NONE, V_ADDR, 0, "an IP address"},
    {"nexthop", F_NEXTHOP, -1, S_NONE, V_ADDR, 0, "an IP address"},
    /* V_NONE with a field: the field equals max. */
    {"inet", F_IPVERSION, -1, S_NONE, V_NONE, 4, ""},
    {"inet6", F_IPVERSION, -1, S_NONE, V_NONE, 6, ""},
    {"engine", F_ENGINE_ID, -1, S_NONE, V_NUM, 255, "an engine number"},
    {"any", -1, -1, S_NONE, V_NONE, 0, ""},
};

static const struct keyword *
find_keyword(const struct token *t)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (tok_is(t, keywords[i].word))
			return &keywords[i];
	return NULL;
}

/* An optional comparison operator, then a number. */
static int
parse_cmp_num(struct parser *ps, const struct keyword *kw, struct test *t)
{
	char b[64];

	t->op = C_EQ;
	if (ps->tok.t == T_CMP) {
		t->op = ps->tok.cmp;
		next(ps);
	} else if (ps->tok.t == T_WORD) {
		static const char *const words[] = {"eq", "ne", "lt",
						    "le", "gt", "ge"};
		size_t i;

		for (i = 0; i < 6; i++)
			if (tok_is(&ps->tok, words[i])) {
				t->op = (int)i;
				next(ps);
				break;
			}
	}
	if (ps->tok.t != T_WORD)
		return fail(ps, ps->tok.col, "expected %s after '%s', found %s",
			    kw->what, kw->word, found(&ps->tok, b, sizeof(b)));
	if (kw->vk == V_PORT && t->op == C_EQ) {
		const char *dash = memchr(ps->tok.s, '-', (size_t)ps->tok.len);

		if (dash != NULL && dash != ps->tok.s) {
			int l1 = (int)(dash - ps->tok.s);

			if (parse_num(ps->tok.s, l1, 0, kw->max, &t->val) ||
			    parse_num(dash + 1, ps->tok.len - l1 - 1, 0,
				      kw->max, &t->hi) ||
			    t->hi < t->val)
				return fail(
				    ps, ps->tok.col,
				    "bad port range %s (want N-M, N <= M "
				    "<= 65535)",
				    found(&ps->tok, b, sizeof(b)));
			t->op = C_RANGE;
			next(ps);
			return 0;
		}
	}
	if (parse_num(ps->tok.s, ps->tok.len, kw->vk == V_SCALED, kw->max,
		      &t->val) == -1)
		return fail(ps, ps->tok.col, "expected %s after '%s', found %s",
			    kw->what, kw->word, found(&ps->tok, b, sizeof(b)));
	next(ps);
	return 0;
}

/* An IPv6 address, or with V_NET a prefix X:X::/LEN (default 128). */
static int
parse_addr6(struct parser *ps, const struct keyword *kw, struct test *t)
{
	const struct token *tk = &ps->tok;
	const char *slash = memchr(tk->s, '/', (size_t)tk->len);
	int len = slash ? (int)(slash - tk->s) : tk->len;
	uint8_t a[16];
	char s[64], b[64];
	uint64_t plen = 128;

	if (len >= (int)sizeof(s) || (slash != NULL && kw->vk != V_NET))
		return fail(ps, tk->col, "bad IPv6 %s %s",
			    kw->vk == V_NET ? "network" : "address",
			    found(tk, b, sizeof(b)));
	memcpy(s, tk->s, (size_t)len);
	s[len] = '\0';
	if (inet_pton(AF_INET6, s, a) != 1)
		return fail(ps, tk->col, "bad IPv6 %s %s",
			    kw->vk == V_NET ? "network" : "address",
			    found(tk, b, sizeof(b)));
	if (slash != NULL &&
	    parse_num(slash + 1, tk->len - len - 1, 0, 128, &plen) == -1)
		return fail(ps, tk->col + len + 1,
			    "bad prefix length in %s "
			    "(0-128)",
			    found(tk, b, sizeof(b)));
	t->op = C_NET6;
	t->mask = plen;
	t->val = buf_load_be64(a) & net6_mask(plen, 0);
	t->hi = buf_load_be64(a + 8) & net6_mask(plen, 1);
	next(ps);
	return 0;
}

static int
parse_value(struct parser *ps, const struct keyword *kw, struct test *t)
{
	const struct token *tk = &ps->tok;
	char b[64];
	uint32_t a;
	int parts, i, len;
	uint64_t plen;
	uint8_t pnum;

	if (kw->vk != V_NONE && kw->vk != V_NUM && kw->vk != V_SCALED &&
	    kw->vk != V_PORT && tk->t != T_WORD)
		return fail(ps, tk->col, "expected %s after '%s', found %s",
			    kw->what, kw->word, found(tk, b, sizeof(b)));
	t->op = C_EQ;
	if ((kw->vk == V_ADDR || kw->vk == V_NET) &&
	    memchr(tk->s, ':', (size_t)tk->len) != NULL)
		return parse_addr6(ps, kw, t);
	switch (kw->vk) {
	case V_NONE:
		t->val = kw->max;
		return 0;
	case V_ADDR:
		t->v4only = 1;
		if (parse_addr(tk->s, tk->len, 0, &a, &parts) == -1)
			return fail(ps, tk->col, "bad IPv4 address %s",
				    found(tk, b, sizeof(b)));
		t->val = a;
		break;
	case V_NET: {
		const char *slash = memchr(tk->s, '/', (size_t)tk->len);

		len = slash ? (int)(slash - tk->s) : tk->len;
		t->v4only = 1;
		if (parse_addr(tk->s, len, 1, &a, &parts) == -1)
			return fail(ps, tk->col,
				    "bad network %s (want "
				    "A.B.C.D/LEN)",
				    found(tk, b, sizeof(b)));
		plen = (uint64_t)parts * 8;
		if (slash != NULL &&
		    parse_num(slash + 1, tk->len - len - 1, 0, 32, &plen) == -1)
			return fail(ps, tk->col + len + 1,
				    "bad prefix length "
				    "in %s (0-32)",
				    found(tk, b, sizeof(b)));
		t->mask =
		    plen == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - plen));
		t->val = a & t->mask;
		break;
	}
	case V_PROTO:
		if (proto_by_name(tk->s, (size_t)tk->len, &pnum) == 0) {
			t->val = pnum;
			next(ps);
			return 0;
		}
		if (parse_num(tk->s, tk->len, 0, 255, &t->val) == -1)
			return fail(ps, tk->col, "unknown protocol %s",
				    found(tk, b, sizeof(b)));
		break;
	case V_FLAGS:
		t->val = 0;
		for (i = 0; i < tk->len; i++) {
			char c = (char)toupper((unsigned char)tk->s[i]);
			uint8_t bit = proto_tcpflag_bit(c);

			if (c == 'X')
				t->val |= 0x3f;
			else if (bit != 0)
				t->val |= (unsigned)bit;
			else
				return fail(ps, tk->col + i,
					    "bad TCP flag "
					    "'%c' (use F S R P A U, X for all)",
					    tk->s[i]);
		}
		t->mask = t->val;
		break;
	case V_NUM:
	case V_SCALED:
	case V_PORT:
		return parse_cmp_num(ps, kw, t);
	}
	next(ps);
	return 0;
}

static int
parse_prim(struct parser *ps)
{
	struct token side = ps->tok;
	const struct keyword *kw;
	enum sides sk = S_NONE;
	int which = 0, n; /* 0 either, 1 src/in, 2 dst/out */
	char b[64];

	if (tok_is(&side, "src") || tok_is(&side, "dst"))
		sk = S_SRCDST, which = tok_is(&side, "src") ? 1 : 2;
	else if (tok_is(&side, "in") || tok_is(&side, "out"))
		sk = S_INOUT, which = tok_is(&side, "in") ? 1 : 2;
	if (sk != S_NONE)
		next(ps);
	if (ps->tok.t != T_WORD)
		return fail(ps, ps->tok.col,
			    "expected a filter primitive, "
			    "found %s",
			    found(&ps->tok, b, sizeof(b)));
	kw = find_keyword(&ps->tok);
	if (kw == NULL)
		return fail(ps, ps->tok.col, "unknown word %s",
			    found(&ps->tok, b, sizeof(b)));
	if (sk != S_NONE && sk != kw->sides)
		return fail(ps, side.col, "'%.*s' cannot qualify '%s'",
			    side.len, side.s, kw->word);
	next(ps);
	n = new_node(ps, kw->f_src < 0 ? N_TRUE : N_PRIM, -1, -1);
	if (n < 0)
		return -1;
	/* "engine type N" and "engine id N" pick the field. */
	if (kw->f_src == F_ENGINE_ID &&
	    (tok_is(&ps->tok, "type") || tok_is(&ps->tok, "id"))) {
		if (tok_is(&ps->tok, "type"))
			ps->f->nodes[n].t.field = F_ENGINE_TYPE;
		else
			ps->f->nodes[n].t.field = F_ENGINE_ID;
		next(ps);
	} else
		ps->f->nodes[n].t.field = which == 2 ? kw->f_dst : kw->f_src;
	if (which == 0 && kw->f_dst >= 0)
		ps->f->nodes[n].field2 = kw->f_dst;
	if (parse_value(ps, kw, &ps->f->nodes[n].t) == -1)
		return -1;
	return n;
}

static int parse_or(struct parser *);

static int
parse_unary(struct parser *ps)
{
	int n, col;
	char b[64];

	if (++ps->depth > 200)
		return fail(ps, ps->tok.col, "expression nested too deeply");
	if (ps->tok.t == T_NOT) {
		next(ps);
		n = parse_unary(ps);
		n = n < 0 ? -1 : new_node(ps, N_NOT, n, -1);
	} else if (ps->tok.t == T_LP) {
		col = ps->tok.col;
		next(ps);
		n = parse_or(ps);
		if (n >= 0 && ps->tok.t != T_RP)
			n = fail(ps, ps->tok.col,
				 "expected ')' to close the "
				 "'(' at column %d, found %s",
				 col + 1, found(&ps->tok, b, sizeof(b)));
		if (n >= 0)
			next(ps);
	} else
		n = parse_prim(ps);
	ps->depth--;
	return n;
}

static int
parse_and(struct parser *ps)
{
	int l, r;

	l = parse_unary(ps);
	while (l >= 0 && ps->tok.t == T_AND) {
		next(ps);
		r = parse_unary(ps);
		l = r < 0 ? -1 : new_node(ps, N_AND, l, r);
	}
	return l;
}

static int
parse_or(struct parser *ps)
{
	int l, r;

	l = parse_and(ps);
	while (l >= 0 && ps->tok.t == T_OR) {
		next(ps);
		r = parse_and(ps);
		l = r < 0 ? -1 : new_node(ps, N_OR, l, r);
	}
	return l;
}

/* ---- compiler ---- */

static int
emit(struct filter *f, const struct test *t, int field, int jt, int jf)
{
	struct insn *i = &f->prog[f->nprog];

	i->t = *t;
	i->t.field = field;
	i->jt = jt;
	i->jf = jf;
	return f->nprog++;
}

/*
 * Code for node n that goes to jt when true and jf when false; its entry.
 * "a and b and c ..." is a left chain as deep as the filter is long, so
 * left children and NOT are followed in a loop; only right children
 * recurse, and they nest only as deep as the parser allows.
 */
static int
gen(struct filter *f, int n, int jt, int jf)
{
	const struct node *nd;
	int e;

	for (;;) {
		nd = &f->nodes[n];
		switch (nd->kind) {
		case N_TRUE:
			return jt;
		case N_AND:
			jt = gen(f, nd->b, jt, jf);
			break;
		case N_OR:
			jf = gen(f, nd->b, jt, jf);
			break;
		case N_NOT:
			e = jt;
			jt = jf;
			jf = e;
			break;
		case N_PRIM:
			e = jf;
			if (nd->field2 >= 0)
				e = emit(f, &nd->t, nd->field2, jt, jf);
			return emit(f, &nd->t, nd->t.field, jt, e);
		default:
			return jf;
		}
		n = nd->a;
	}
}

struct filter *
filter_compile(const char *expr, struct filter_error *err)
{
	struct parser ps;
	struct filter *f;
	char b[64];
	int i;

	memset(err, 0, sizeof(*err));
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	memset(&ps, 0, sizeof(ps));
	ps.expr = ps.p = expr;
	ps.f = f;
	ps.err = err;
	next(&ps);
	if (ps.tok.t == T_END)
		f->root = new_node(&ps, N_TRUE, -1, -1);
	else {
		f->root = parse_or(&ps);
		if (f->root >= 0 && ps.tok.t != T_END)
			f->root =
			    fail(&ps, ps.tok.col,
				 ps.tok.t == T_BAD ? "stray %s (use && or ||)"
						   : "expected 'and', 'or' "
						     "or the end, found %s",
				 found(&ps.tok, b, sizeof(b)));
	}
	if (f->root < 0)
		goto bad;
	/* Each node gives at most two instructions. */
	f->prog = calloc((size_t)f->nnodes * 2 + 1, sizeof(*f->prog));
	if (f->prog == NULL)
		goto bad;
	f->entry = gen(f, f->root, ACCEPT, REJECT);
	for (i = 0; i < f->nprog; i++)
		if (f->prog[i].jt >= i || f->prog[i].jf >= i)
			abort(); /* a forward jump would be a compiler bug */
	return f;
bad:
	filter_free(f);
	return NULL;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	free(f->nodes);
	free(f->prog);
	free(f);
}

void
filter_perror(const char *expr, const struct filter_error *e)
{
	int i;

	warnx("filter: %s", e->column > 0 ? e->msg : "out of memory");
	if (e->column <= 0)
		return;
	fprintf(stderr, "  %s\n  ", expr);
	for (i = 1; i < e->column; i++)
		fputc(expr[i - 1] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}
