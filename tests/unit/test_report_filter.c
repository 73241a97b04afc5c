/*
 * Unit tests for report/filter.c: every primitive, precedence, error
 * columns, and a randomized comparison of the compiled program with the
 * recursive evaluation of the parse tree.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/filter.h"
#include "unit.h"

/* The SYN flow of the seed-utc file, with a few extra fields set. */
static struct flowrec
sample(void)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.srcaddr = 0x0a000001; /* 10.0.0.1 */
	r.dstaddr = 0xc0a8010a; /* 192.168.1.10 */
	r.nexthop = 0x0a0000fe;
	r.exaddr = 0x7f000001;
	r.srcport = 40000;
	r.dstport = 22;
	r.proto = 6;
	r.tos = 0x10;
	r.tcp_flags = 0x12; /* SYN|ACK */
	r.packets = 1500;
	r.bytes = 2000000;
	r.first_ms = 1705320006000;
	r.last_ms = 1705320008000; /* 2 s: 8 Mbit/s, 750 pps */
	r.input = 3;
	r.output = 4;
	r.src_as = 65001;
	r.dst_as = 65002;
	r.src_mask = 8;
	r.dst_mask = 24;
	r.engine_type = 1;
	r.engine_id = 7;
	return r;
}

/* -1: syntax error; else the match result (both evaluations must agree). */
static int
eval(const char *expr, const struct flowrec *r)
{
	struct filter_error e;
	struct filter *f = filter_compile(expr, &e);
	int a, b;

	if (f == NULL)
		return -1;
	a = filter_match(f, r);
	b = filter_match_tree(f, r);
	ck_assert_msg(a == b, "compiled %d != tree %d for '%s'", a, b, expr);
	filter_free(f);
	return a;
}

static const struct {
	const char *expr;
	int want;
} cases[] = {
    {"", 1},
    {"   ", 1},
    {"any", 1},
    {"not any", 0},
    {"host 10.0.0.1", 1},
    {"host 192.168.1.10", 1},
    {"host 10.0.0.2", 0},
    {"src host 10.0.0.1", 1},
    {"dst host 10.0.0.1", 0},
    {"dst host 192.168.1.10", 1},
    {"ip 10.0.0.1", 1},
    {"src ip 192.168.1.10", 0},
    {"net 10.0.0.0/8", 1},
    {"src net 10/8", 1},
    {"dst net 10.0.0.0/8", 0},
    {"dst net 192.168.1.0/24", 1},
    {"net 192.168.0.0/16", 1},
    {"net 172.16/12", 0},
    {"net 0.0.0.0/0", 1},
    {"src net 10.0.0.1/32", 1},
    {"src net 10.0.0.2/32", 0},
    {"net 192.168.1", 1},
    {"port 22", 1},
    {"port 40000", 1},
    {"port 80", 0},
    {"src port 22", 0},
    {"dst port 22", 1},
    {"src port 40000", 1},
    {"port > 30000", 1},
    {"dst port > 30000", 0},
    {"dst port < 1024", 1},
    {"dst port <= 22", 1},
    {"dst port >= 23", 0},
    {"dst port != 22", 0},
    {"dst port = 22", 1},
    {"dst port == 22", 1},
    {"dst port eq 22", 1},
    {"dst port gt 21", 1},
    {"dst port lt 22", 0},
    {"dst port ne 23", 1},
    {"dst port 20-25", 1},
    {"dst port 23-25", 0},
    {"port 39999-40001", 1},
    {"src port 1-1023", 0},
    {"proto tcp", 1},
    {"proto udp", 0},
    {"proto 6", 1},
    {"proto TCP", 1},
    {"proto icmp", 0},
    {"tos 16", 1},
    {"tos 0", 0},
    {"tos > 8", 1},
    {"tos 0x10", 1},
    {"flags S", 1},
    {"flags A", 1},
    {"flags SA", 1},
    {"flags AS", 1},
    {"flags F", 0},
    {"flags SF", 0},
    {"flags R", 0},
    {"flags P", 0},
    {"flags U", 0},
    {"flags X", 0},
    {"flags s", 1},
    {"packets 1500", 1},
    {"packets > 1k", 1},
    {"packets > 2k", 0},
    {"packets < 1501", 1},
    {"bytes 2M", 1},
    {"bytes >= 2M", 1},
    {"bytes > 2M", 0},
    {"bytes < 1G", 1},
    {"bytes 2000000", 1},
    {"duration 2000", 1},
    {"duration > 1999", 1},
    {"duration > 2k", 0},
    {"bps 8M", 1},
    {"bps > 8M", 0},
    {"pps 750", 1},
    {"pps >= 700", 1},
    {"bpp 1333", 1},
    {"bpp > 1333", 0},
    {"exporter 127.0.0.1", 1},
    {"exporter 127.0.0.2", 0},
    {"router 127.0.0.1", 1},
    {"nexthop 10.0.0.254", 1},
    {"in if 3", 1},
    {"out if 3", 0},
    {"out if 4", 1},
    {"if 4", 1},
    {"if 5", 0},
    {"in if > 2", 1},
    {"engine 7", 1},
    {"engine id 7", 1},
    {"engine type 1", 1},
    {"engine type 7", 0},
    {"engine 1", 0},
    {"src as 65001", 1},
    {"dst as 65001", 0},
    {"as 65002", 1},
    {"as > 65002", 0},
    {"src mask 8", 1},
    {"dst mask 24", 1},
    {"mask 16", 0},
    /* Boolean structure and precedence: not > and > or. */
    {"proto tcp and port 22", 1},
    {"proto tcp and port 23", 0},
    {"proto udp or port 22", 1},
    {"proto udp or port 23", 0},
    {"not proto udp", 1},
    {"! proto tcp", 0},
    {"proto tcp && port 22", 1},
    {"proto udp || port 22", 1},
    {"port 22 or port 23 and proto udp", 1},
    {"(port 22 or port 23) and proto udp", 0},
    {"not port 22 and proto udp", 0},
    {"not (port 22 and proto udp)", 1},
    {"not not proto tcp", 1},
    {"((((proto tcp))))", 1},
    {"proto tcp and (dst port 22 or dst port 80) and not src net "
     "192.168.0.0/16",
     1},
    {"port>30000", 1},
    {"(port 22)and(proto tcp)", 1},
    {"PROTO tcp AND PORT 22", 1},
};

START_TEST(test_primitives)
{
	struct flowrec r = sample();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(eval(cases[i].expr, &r) == cases[i].want,
			      "'%s' gave %d, want %d", cases[i].expr,
			      eval(cases[i].expr, &r), cases[i].want);
}
END_TEST

static const struct {
	const char *expr;
	int column;
	const char *msg_part;
} errors[] = {
    {"proto tcp and port x", 20, "expected a port number"},
    {"foo", 1, "unknown word 'foo'"},
    {"proto tcp and", 14, "end of the expression"},
    {"host 10.0.0", 6, "bad IPv4 address"},
    {"host 10.0.0.256", 6, "bad IPv4 address"},
    {"net 10.0.0.0/33", 14, "prefix length"},
    {"(proto tcp", 11, "expected ')'"},
    {"proto tcp)", 10, "expected 'and', 'or'"},
    {"proto tcp port 22", 11, "expected 'and', 'or'"},
    {"src proto tcp", 1, "cannot qualify"},
    {"in port 22", 1, "cannot qualify"},
    {"src if 3", 1, "cannot qualify"},
    {"flags SYN", 8, "bad TCP flag 'Y'"},
    {"port 70000", 6, "expected a port number"},
    {"port 30-20", 6, "bad port range"},
    {"proto tcpx", 7, "unknown protocol"},
    {"tos 256", 5, "expected a ToS"},
    {"bytes > lots", 9, "expected a number"},
    {"proto tcp & port 22", 11, "stray"},
    {"()", 2, "expected a filter primitive"},
    {"not", 4, "expected a filter primitive"},
    {"bytes 99999999999999999999999", 7, "expected a number"},
};

START_TEST(test_errors)
{
	struct filter_error e;
	struct filter *f;
	size_t i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		f = filter_compile(errors[i].expr, &e);
		ck_assert_msg(f == NULL, "'%s' compiled", errors[i].expr);
		ck_assert_msg(e.column == errors[i].column,
			      "'%s': column %d, want %d (%s)", errors[i].expr,
			      e.column, errors[i].column, e.msg);
		ck_assert_msg(strstr(e.msg, errors[i].msg_part) != NULL,
			      "'%s': message '%s' lacks '%s'", errors[i].expr,
			      e.msg, errors[i].msg_part);
	}
}
END_TEST

START_TEST(test_deep_nesting)
{
	struct filter_error e;
	char buf[2000];
	struct filter *f;
	int i;

	for (i = 0; i < 600; i++)
		buf[i] = '(';
	strcpy(buf + 600, "any");
	f = filter_compile(buf, &e);
	ck_assert_ptr_null(f);
	ck_assert(strstr(e.msg, "nested") != NULL);
	/* A long flat chain compiles and runs. */
	buf[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(buf, i ? " or port 1" : "port 1");
	f = filter_compile(buf, &e);
	ck_assert_ptr_nonnull(f);
	filter_free(f);
}
END_TEST

/*
 * Finding 7 of issue 11: a filter of 300k terms ("port 1 and port 1 and
 * ...", and the same with "or" and with every term negated) overflowed the
 * stack in the code generator's recursion.  It must compile, give the
 * same answer compiled and as a tree, and match what the terms say.
 */
START_TEST(test_long_chain)
{
	static const char *const joins[] = {" and port 1", " or port 1",
					    " and not port 1"};
	struct filter_error e;
	struct flowrec r;
	struct filter *f;
	size_t n = 300000, i, j, len;
	char *buf, *p;

	for (j = 0; j < 3; j++) {
		len = strlen("port 1") + n * strlen(joins[j]) + 1;
		ck_assert_ptr_nonnull(buf = malloc(len));
		p = buf + sprintf(buf, "port 1");
		for (i = 0; i < n; i++)
			p += sprintf(p, "%s", joins[j]);
		f = filter_compile(buf, &e);
		ck_assert_msg(f != NULL, "%s", e.msg);
		memset(&r, 0, sizeof(r));
		r.srcport = 1;
		/* "port 1 and not port 1 ..." can never match. */
		ck_assert_int_eq(filter_match(f, &r), j < 2);
		ck_assert_int_eq(filter_match_tree(f, &r), j < 2);
		r.srcport = 2;
		ck_assert_int_eq(filter_match(f, &r), 0);
		ck_assert_int_eq(filter_match_tree(f, &r), 0);
		filter_free(f);
		free(buf);
	}
}
END_TEST

START_TEST(test_block)
{
	struct filter_error e;
	struct flowrec recs[10];
	struct filter *f;
	size_t i, n;

	for (i = 0; i < 10; i++) {
		recs[i] = sample();
		recs[i].dstport = (uint16_t)i;
	}
	f = filter_compile("dst port > 6 or dst port 2", &e);
	ck_assert_ptr_nonnull(f);
	n = filter_block(f, recs, 10);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(recs[0].dstport, 2);
	ck_assert_uint_eq(recs[3].dstport, 9);
	ck_assert(!filter_is_true(f));
	filter_free(f);
	f = filter_compile("", &e);
	ck_assert(filter_is_true(f));
	ck_assert_uint_eq(filter_length(f), 0);
	filter_free(f);
}
END_TEST

/* ---- randomized: random expressions over a small value domain ---- */

static unsigned rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) % n;
}

static void
rand_prim(char *out, size_t len)
{
	static const char *const side[] = {"", "src ", "dst "};
	static const char *const cmp[] = {"",	 "= ", "!= ", "< ",
					  "<= ", "> ", ">= "};
	static const char *const proto[] = {"tcp", "udp", "icmp", "6"};

	switch (rnd(9)) {
	case 0:
		snprintf(out, len, "%shost 10.0.0.%u", side[rnd(3)], rnd(4));
		break;
	case 1:
		snprintf(out, len, "%snet 10.0.%u.0/%u", side[rnd(3)], rnd(2),
			 22 + rnd(4));
		break;
	case 2:
		snprintf(out, len, "%sport %s%u", side[rnd(3)], cmp[rnd(7)],
			 rnd(6));
		break;
	case 3:
		snprintf(out, len, "%sport %u-%u", side[rnd(3)], rnd(3),
			 2 + rnd(4));
		break;
	case 4:
		snprintf(out, len, "proto %s", proto[rnd(4)]);
		break;
	case 5:
		snprintf(out, len, "flags %s",
			 (const char *[]){"S", "A", "SA", "F", "R"}[rnd(5)]);
		break;
	case 6:
		snprintf(out, len, "bytes %s%uk", cmp[rnd(7)], rnd(4));
		break;
	case 7:
		snprintf(out, len, "%sif %s%u",
			 (const char *[]){"", "in ", "out "}[rnd(3)],
			 cmp[rnd(7)], rnd(3));
		break;
	default:
		snprintf(out, len, "%sas %u", side[rnd(3)], rnd(3));
		break;
	}
}

/* Append a random expression of at most depth levels to out. */
static void
rand_expr(char *out, size_t len, int depth)
{
	char p[128];

	if (depth == 0 || rnd(3) == 0) {
		rand_prim(p, sizeof(p));
		strncat(out, p, len - strlen(out) - 1);
		return;
	}
	switch (rnd(4)) {
	case 0:
		strncat(out, "not ", len - strlen(out) - 1);
		rand_expr(out, len, depth - 1);
		break;
	case 1:
		strncat(out, "(", len - strlen(out) - 1);
		rand_expr(out, len, depth - 1);
		strncat(out, ")", len - strlen(out) - 1);
		break;
	default:
		rand_expr(out, len, depth - 1);
		strncat(out, rnd(2) ? " and " : " or ", len - strlen(out) - 1);
		rand_expr(out, len, depth - 1);
		break;
	}
}

static struct flowrec
rand_rec(void)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.srcaddr = 0x0a000000 | rnd(2) << 8 | rnd(4);
	r.dstaddr = 0x0a000000 | rnd(2) << 8 | rnd(4);
	r.srcport = (uint16_t)rnd(6);
	r.dstport = (uint16_t)rnd(6);
	r.proto = (uint8_t)(rnd(2) ? 6 : rnd(2) ? 17 : 1);
	r.tcp_flags = (uint8_t)rnd(64);
	r.bytes = rnd(4000);
	r.packets = 1 + rnd(10);
	r.input = (uint16_t)rnd(3);
	r.output = (uint16_t)rnd(3);
	r.src_as = (uint16_t)rnd(3);
	r.dst_as = (uint16_t)rnd(3);
	return r;
}

START_TEST(test_random)
{
	struct filter_error e;
	struct flowrec recs[64];
	struct filter *f;
	char expr[8192];
	int i, j, matched = 0, total = 0;

	for (j = 0; j < 64; j++)
		recs[j] = rand_rec();
	for (i = 0; i < 3000; i++) {
		expr[0] = '\0';
		rand_expr(expr, sizeof(expr), 4);
		f = filter_compile(expr, &e);
		ck_assert_msg(f != NULL, "'%s': %s at %d", expr, e.msg,
			      e.column);
		for (j = 0; j < 64; j++) {
			int a = filter_match(f, &recs[j]);

			ck_assert_msg(a == filter_match_tree(f, &recs[j]),
				      "'%s' record %d: compiled %d", expr, j,
				      a);
			matched += a;
			total++;
		}
		filter_free(f);
	}
	/* The domain is small enough that both outcomes are common. */
	ck_assert(matched > total / 20 && matched < total - total / 20);
}
END_TEST

/* An IPv6 flow 2001:db8::1 -> 2001:db8:1::2, exporter ::1. */
static struct flowrec
sample6(void)
{
	struct flowrec r = sample();

	r.srcaddr = r.dstaddr = r.nexthop = r.exaddr = 0;
	r.af = FLOWREC_AF_INET6;
	r.exaf = FLOWREC_AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::1", r.src6), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::2", r.dst6), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1", r.nexthop6), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "::1", r.exaddr6), 1);
	return r;
}

/* inet, inet6, host and net of both families, on flows of both. */
START_TEST(test_ipv6)
{
	static const struct {
		const char *expr;
		int want4, want6;
	} c[] = {
	    {"inet", 1, 0},
	    {"inet6", 0, 1},
	    {"not inet6", 1, 0},
	    {"host 2001:db8::1", 0, 1},
	    {"src host 2001:db8::1", 0, 1},
	    {"dst host 2001:db8::1", 0, 0},
	    {"host 2001:db8:1::2", 0, 1},
	    {"net 2001:db8::/32", 0, 1},
	    {"dst net 2001:db8::/48", 0, 0},
	    {"dst net 2001:db8:1::/48", 0, 1},
	    {"net ::/0", 0, 1},
	    {"src net 2001:db8::1/128", 0, 1},
	    {"src net 2001:db8::/127", 0, 1},
	    {"src net 2001:db8::2/127", 0, 0},
	    {"src net 2001:db8::/65", 0, 1},
	    {"net 0.0.0.0/0", 1, 0},
	    {"host 0.0.0.0", 0, 0},
	    {"not host 10.0.0.1", 0, 1},
	    {"exporter ::1", 0, 1},
	    {"exporter 127.0.0.1", 1, 0},
	    {"nexthop fe80::1", 0, 1},
	    {"inet6 and port 22", 0, 1},
	    {"inet or inet6", 1, 1},
	};
	static const char *bad[] = {"host 2001:db8::/32", "net 2001:db8::/129",
				    "host 2001:::1", "net 1:2:3:4:5:6:7:8:9/64",
				    "inet 4"};
	struct flowrec r4 = sample(), r6 = sample6();
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_msg(eval(c[i].expr, &r4) == c[i].want4,
			      "'%s' on IPv4", c[i].expr);
		ck_assert_msg(eval(c[i].expr, &r6) == c[i].want6,
			      "'%s' on IPv6", c[i].expr);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(eval(bad[i], &r6) == -1, "'%s' parsed", bad[i]);
}
END_TEST

UNIT_MAIN_TESTS("report_filter", 0, test_primitives, test_ipv6, test_errors,
		test_deep_nesting, test_long_chain, test_block, test_random)
