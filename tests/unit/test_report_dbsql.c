/*
 * Unit tests for report/dbsql.c (filters as ClickHouse WHERE clauses) and
 * report/rowbin.c (RowBinary flow rows): the exact SQL of each primitive
 * kind, address prefixes (IPv4-mapped or IPv6) as FixedString ranges on
 * rows of the address's family, the window, and IPv4 and IPv6 flows
 * surviving an encode/decode round trip byte for byte.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/dbsql.h"
#include "../../report/rowbin.h"
#include "unit.h"

static const struct window all = {INT64_MIN, INT64_MAX};

/* The WHERE clause of expr, or "ERROR: why". */
static const char *
where(const char *expr, const struct window *w)
{
	static char out[4096];
	struct filter_error fe;
	struct filter *f = filter_compile(expr, &fe);
	char err[256];

	ck_assert_msg(f != NULL, "%s: %s", expr, fe.msg);
	if (dbsql_where(f, w, out, sizeof(out), err, sizeof(err)) == -1)
		snprintf(out, sizeof(out), "ERROR: %s", err);
	filter_free(f);
	return out;
}

#define V4(x) "toFixedString(unhex('00000000000000000000FFFF" x "'), 16)"
#define A16(x) "toFixedString(unhex('" x "'), 16)"
#define EXV4 "(" DBSQL_MAPPED("exporter") ")"

START_TEST(test_sql)
{
	static const struct {
		const char *expr, *sql;
	} cases[] = {
	    {"", "(1)"},
	    {"any", "(1)"},
	    {"proto tcp", "(((proto) = 6))"},
	    {"port 80", "(((srcport) = 80 OR (dstport) = 80))"},
	    {"dst port 1000-2000", "(((dstport) BETWEEN 1000 AND 2000))"},
	    {"src port >= 1024", "(((srcport) >= 1024))"},
	    {"host 10.0.0.1",
	     "(((" DBSQL_V4FLOW " AND (srcaddr = " V4(
		 "0A000001") ")) OR "
			     "(" DBSQL_V4FLOW
			     " AND (dstaddr = " V4("0A000001") "))))"},
	    {"src net 10.1.0.0/16",
	     "(((" DBSQL_V4FLOW " AND (srcaddr BETWEEN " V4(
		 "0A010000") " AND " V4("0A01FFFF") "))))"},
	    {"dst net 0.0.0.0/0",
	     "(((" DBSQL_V4FLOW " AND (dstaddr BETWEEN " V4(
		 "00000000") " AND " V4("FFFFFFFF") "))))"},
	    {"exporter 127.0.0.1",
	     "(((" EXV4 " AND (exporter = " V4("7F000001") "))))"},
	    {"nexthop 192.0.2.1",
	     "(((" DBSQL_V4FLOW " AND (nexthop = " V4("C0000201") "))))"},
	    /* IPv6: a value or a byte range, on rows that hold IPv6. */
	    {"src host 2001:db8::1",
	     "(((NOT " DBSQL_V4FLOW
	     " AND (srcaddr = " A16("20010DB8000000000000000000000001") "))))"},
	    {"dst net 2001:db8:1::/48",
	     "(((NOT " DBSQL_V4FLOW " AND (dstaddr BETWEEN " A16(
		 "20010DB800010000000000000000"
		 "0000") " AND " A16("20010DB80001FFFFFFFFFFFFFFFFFFFF") ")))"
									 ")"},
	    {"net 2001:db8::1:0/112",
	     "(((NOT " DBSQL_V4FLOW " AND (srcaddr BETWEEN " A16(
		 "20010DB800000000000000000001"
		 "0000") " AND " A16("20010DB800000000"
				     "000000000001FFF"
				     "F") ")) OR "
					  "(NOT"
					  " " DBSQL_V4FLOW " AND "
					  "(dstaddr "
					  "BETWEEN"
					  " " A16("20"
						  "01"
						  "0D"
						  "B8"
						  "00"
						  "00"
						  "00"
						  "00"
						  "00"
						  "00"
						  "00"
						  "00"
						  "00"
						  "01"
						  "00"
						  "0"
						  "0") " A"
						       "ND"
						       " " A16("20010DB800000"
							       "0000000000000"
							       "01FFFF") ")))"
									 ")"},
	    {"exporter ::1", "(((NOT " EXV4 " AND (exporter = " A16(
				 "00000000000000000000000000000001") "))))"},
	    {"src net ::/0",
	     "(((NOT " DBSQL_V4FLOW " AND (srcaddr BETWEEN " A16(
		 "0000000000000000000000000000"
		 "0000") " AND " A16("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF") ")))"
									 ")"},
	    {"inet", "(((if(" DBSQL_V4FLOW ", 4, 6)) = 4))"},
	    {"not inet6", "(NOT (((if(" DBSQL_V4FLOW ", 4, 6)) = 6)))"},
	    {"flags S", "((bitAnd(tcp_flags, 2) = 2))"},
	    {"bytes > 1k", "(((bytes) > 1000))"},
	    {"in if 3", "(((input) = 3))"},
	    {"engine type 1", "(((engine_type) = 1))"},
	    {"not tos 0 or as 1",
	     "((NOT (((tos) = 0)) OR ((src_as) = 1 OR (dst_as) = 1)))"},
	    {"mask < 8 and duration >= 1000",
	     "((((src_mask) < 8 OR (dst_mask) < 8) AND "
	     "((toUInt64(if(last_ms > first_ms, last_ms - first_ms, "
	     "0))) "
	     ">= 1000)))"},
	    {"bpp 100", "(((if(packets = 0, 0, intDiv(bytes, "
			"greatest(packets, 1)))) = 100))"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(where(cases[i].expr, &all), cases[i].sql);
}
END_TEST

START_TEST(test_window)
{
	struct window w = {1000, 2000};

	ck_assert_str_eq(where("", &w),
			 "(1) AND last_ms >= 1000 AND last_ms < 2000");
	w.start = INT64_MIN;
	ck_assert_str_eq(where("proto 17", &w),
			 "(((proto) = 17)) AND last_ms < 2000");
}
END_TEST

START_TEST(test_too_long)
{
	struct filter_error fe;
	struct filter *f = filter_compile("port 1 or port 2", &fe);
	char out[16], err[128];

	ck_assert_int_eq(
	    dbsql_where(f, &all, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_str_eq(err, "filter too long for SQL");
	filter_free(f);
}
END_TEST

START_TEST(test_rowbin)
{
	struct flowrec r, back;
	uint8_t buf[ROWBIN_FLOW_LEN + 8], v6[16];
	uint32_t a;

	memset(&r, 0, sizeof(r));
	r.first_ms = -5;
	r.last_ms = 1700000000123;
	r.srcaddr = 0x0a000001;
	r.dstaddr = 0xffffffff;
	r.nexthop = 0;
	r.exaddr = 0x7f000001;
	r.srcport = 65535;
	r.dstport = 0x0303;
	r.input = 1;
	r.output = 65535;
	r.src_as = 64512;
	r.dst_as = 7;
	r.proto = 17;
	r.tos = 0xb8;
	r.tcp_flags = 0x3f;
	r.src_mask = 32;
	r.dst_mask = 0;
	r.engine_type = 2;
	r.engine_id = 255;
	r.packets = UINT64_MAX;
	r.bytes = 1ULL << 40;
	r.unix_secs = 1700000000;
	r.unix_nsecs = 999999999;
	r.sys_uptime = 0x80000000u;
	ck_assert_uint_eq(rowbin_flow_put(buf, &r), ROWBIN_FLOW_LEN);
	/* Little-endian first_ms, then the IPv4-mapped source address. */
	ck_assert_uint_eq(buf[0], 0xfb);
	ck_assert_uint_eq(buf[7], 0xff);
	ck_assert_uint_eq(buf[16 + 10], 0xff);
	ck_assert_uint_eq(buf[16 + 12], 10);
	ck_assert_uint_eq(buf[16 + 15], 1);
	rowbin_flow_get(buf, &back);
	ck_assert_int_eq(memcmp(&r, &back, sizeof(r)), 0);

	/* An IPv6 address is refused by the IPv4 reader, not truncated. */
	memset(v6, 0, sizeof(v6));
	v6[0] = 0x20;
	ck_assert_int_eq(rowbin_addr_get(v6, &a), -1);

	/*
	 * An IPv6 flow (from an IPFIX file) is loaded with its own
	 * addresses, not as the unused IPv4 fields (::ffff:0.0.0.0).
	 */
	r.af = FLOWREC_AF_INET6;
	memcpy(r.src6, v6, 16);
	r.dst6[15] = 1;
	r.exaf = FLOWREC_AF_INET6;
	r.exaddr6[0] = 0xfe;
	ck_assert_uint_eq(rowbin_flow_put(buf, &r), ROWBIN_FLOW_LEN);
	ck_assert_int_eq(memcmp(buf + 16, v6, 16), 0);
	ck_assert_int_eq(memcmp(buf + 32, r.dst6, 16), 0);
	ck_assert_uint_eq(buf[16 + 48], 0xfe);
	/* ... and read back as the same IPv6 flow (no IPv4 fields). */
	r.srcaddr = r.dstaddr = r.nexthop = r.exaddr = 0;
	rowbin_flow_get(buf, &back);
	ck_assert_int_eq(memcmp(&r, &back, sizeof(r)), 0);

	/* One address not IPv4-mapped makes the flow IPv6 (DBSQL_V4FLOW). */
	memset(&r, 0, sizeof(r));
	r.af = FLOWREC_AF_INET6;
	r.src6[10] = r.src6[11] = 0xff;
	r.src6[12] = 10;
	r.dst6[10] = r.dst6[11] = 0xff;
	r.exaddr = 0x7f000001;
	rowbin_flow_put(buf, &r);
	rowbin_flow_get(buf, &back);
	ck_assert_int_eq(memcmp(&r, &back, sizeof(r)), 0);
	ck_assert_int_eq(back.exaf, 0);
}
END_TEST

START_TEST(test_varint)
{
	uint8_t b[16];

	ck_assert_uint_eq(rowbin_put_varint(b, 0), 1);
	ck_assert_uint_eq(b[0], 0);
	ck_assert_uint_eq(rowbin_put_varint(b, 127), 1);
	ck_assert_uint_eq(rowbin_put_varint(b, 128), 2);
	ck_assert_uint_eq(b[0], 0x80);
	ck_assert_uint_eq(b[1], 1);
	ck_assert_uint_eq(rowbin_put_varint(b, 300), 2);
	ck_assert_uint_eq(b[0], 0xac);
	ck_assert_uint_eq(b[1], 0x02);
	ck_assert_uint_eq(rowbin_put_string(b, "ab", 2), 3);
	ck_assert_int_eq(memcmp(b, "\002ab", 3), 0);
	ck_assert_uint_eq(rowbin_put_varint(b, UINT64_MAX), 10);
}
END_TEST

UNIT_MAIN_TESTS("report_dbsql", 0, test_sql, test_window, test_too_long,
		test_rowbin, test_varint)
