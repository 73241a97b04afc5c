/*
 * Unit tests for collector/datagram.c: NetFlow v1, v5 and v7 datagrams into
 * flow records, and every rejection reason.
 *
 * v5 datagrams are made with common/v5.c's encoder; v1 and v7 by hand, byte
 * by byte, from their published layouts, so the translation to v5 fields is
 * checked against an independent description.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/datagram.h"
#include "v5.h"
#include "unit.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* A v5 datagram with n records; returns its length. */
static size_t
make_v5(uint8_t *out, size_t cap, uint16_t n, uint32_t seq)
{
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	uint16_t i;

	memset(&h, 0, sizeof(h));
	memset(r, 0, sizeof(r));
	h.version = 5;
	h.count = n;
	h.sys_uptime = 10000;
	h.unix_secs = 1705320006;
	h.unix_nsecs = 1000000;
	h.flow_sequence = seq;
	h.engine_type = 3;
	h.engine_id = 4;
	for (i = 0; i < n && i < V5_MAXRECS; i++) {
		r[i].srcaddr = 0x0a000001 + i;
		r[i].dstaddr = 0xc0a8010a;
		r[i].packets = 1 + i;
		r[i].octets = 40 * (1 + i);
		r[i].first = 9000;
		r[i].last = 9500;
		r[i].srcport = 40000;
		r[i].dstport = 22;
		r[i].proto = 6;
		r[i].tcp_flags = 0x12;
		r[i].tos = 0x10;
		r[i].src_as = 64512;
		r[i].dst_as = 64513;
		r[i].src_mask = 24;
		r[i].dst_mask = 16;
	}
	return v5_encode(&h, r, out, cap);
}

/* A v1 datagram: 16-byte header, 48-byte records. */
static size_t
make_v1(uint8_t *p, uint16_t n)
{
	uint16_t i;
	uint8_t *r;

	memset(p, 0, 16 + 48 * (size_t)n);
	put16(p, 1);
	put16(p + 2, n);
	put32(p + 4, 5000); /* sysUptime */
	put32(p + 8, 1705320000);
	put32(p + 12, 0);
	for (i = 0; i < n; i++) {
		r = p + 16 + 48 * i;
		put32(r, 0x0a000001);
		put32(r + 4, 0x0a000002);
		put32(r + 8, 0x0a0000fe);
		put16(r + 12, 7);
		put16(r + 14, 8);
		put32(r + 16, 5);
		put32(r + 20, 500);
		put32(r + 24, 4000);
		put32(r + 28, 4900);
		put16(r + 32, 1234);
		put16(r + 34, 80);
		r[38] = 6;		   /* prot */
		r[39] = 0x08;		   /* tos */
		r[40] = 0x1b;		   /* flags */
		r[41] = 0xee;		   /* not a v5 field */
		put32(r + 44, 0xdeadbeef); /* reserved */
	}
	return 16 + 48 * (size_t)n;
}

/* A v7 datagram: 24-byte header, 52-byte records. */
static size_t
make_v7(uint8_t *p, uint16_t n, uint32_t seq)
{
	uint16_t i;
	uint8_t *r;

	memset(p, 0, 24 + 52 * (size_t)n);
	put16(p, 7);
	put16(p + 2, n);
	put32(p + 4, 5000);
	put32(p + 8, 1705320000);
	put32(p + 12, 0);
	put32(p + 16, seq);
	put32(p + 20, 0xffffffff); /* reserved */
	for (i = 0; i < n; i++) {
		r = p + 24 + 52 * i;
		put32(r, 0x0a000003);
		put32(r + 4, 0x0a000004);
		put32(r + 8, 0);
		put16(r + 12, 1);
		put16(r + 14, 2);
		put32(r + 16, 3);
		put32(r + 20, 300);
		put32(r + 24, 4000);
		put32(r + 28, 5000);
		put16(r + 32, 53);
		put16(r + 34, 5353);
		r[36] = 0x55; /* v7 flags, dropped */
		r[37] = 0x02; /* tcp_flags */
		r[38] = 17;   /* prot */
		r[39] = 0x20; /* tos */
		put16(r + 40, 100);
		put16(r + 42, 200);
		r[44] = 8;
		r[45] = 12;
		put16(r + 46, 0xaaaa);	   /* flags2 */
		put32(r + 48, 0x01020304); /* router_sc */
	}
	return 24 + 52 * (size_t)n;
}

START_TEST(test_v5_ok)
{
	uint8_t buf[2048];
	struct flowrec recs[DATAGRAM_MAXRECS];
	struct datagram_info di;
	size_t len = make_v5(buf, sizeof(buf), 30, 77);

	ck_assert_uint_eq(len, 24 + 30 * 48);
	ck_assert_int_eq(datagram_decode(buf, len, 0x7f000001, &di, recs),
			 DATAGRAM_OK);
	ck_assert_uint_eq(di.version, 5);
	ck_assert_uint_eq(di.count, 30);
	ck_assert_int_eq(di.has_seq, 1);
	ck_assert_uint_eq(di.flow_sequence, 77);
	ck_assert_uint_eq(di.engine_type, 3);
	ck_assert_uint_eq(di.engine_id, 4);
	ck_assert_uint_eq(recs[29].srcaddr, 0x0a000001 + 29);
	ck_assert_uint_eq(recs[29].packets, 30);
	ck_assert_uint_eq(recs[0].exaddr, 0x7f000001);
	ck_assert_uint_eq(recs[0].src_as, 64512);
	ck_assert_uint_eq(recs[0].dst_mask, 16);
	ck_assert_uint_eq(recs[0].engine_id, 4);
	/* First = base - uptime + stamp = 1705320006001 - 10000 + 9000. */
	ck_assert_int_eq(recs[0].first_ms, 1705320005001LL);
}
END_TEST

START_TEST(test_v1_translated)
{
	uint8_t buf[2048];
	struct flowrec recs[DATAGRAM_MAXRECS];
	struct datagram_info di;
	size_t len = make_v1(buf, 24);

	ck_assert_int_eq(datagram_decode(buf, len, 0x7f000002, &di, recs),
			 DATAGRAM_OK);
	ck_assert_uint_eq(di.version, 1);
	ck_assert_uint_eq(di.count, 24);
	ck_assert_int_eq(di.has_seq, 0);
	ck_assert_uint_eq(recs[23].srcaddr, 0x0a000001);
	ck_assert_uint_eq(recs[23].nexthop, 0x0a0000fe);
	ck_assert_uint_eq(recs[23].input, 7);
	ck_assert_uint_eq(recs[23].output, 8);
	ck_assert_uint_eq(recs[23].packets, 5);
	ck_assert_uint_eq(recs[23].bytes, 500);
	ck_assert_uint_eq(recs[23].srcport, 1234);
	ck_assert_uint_eq(recs[23].dstport, 80);
	ck_assert_uint_eq(recs[23].proto, 6);
	ck_assert_uint_eq(recs[23].tos, 0x08);
	ck_assert_uint_eq(recs[23].tcp_flags, 0x1b);
	ck_assert_uint_eq(recs[23].src_as, 0);
	ck_assert_uint_eq(recs[23].src_mask, 0);
	ck_assert_uint_eq(recs[23].engine_id, 0);
	ck_assert_int_eq(recs[23].last_ms, 1705320000000LL - 5000 + 4900);
	/* 25 records is over v1's limit. */
	len = make_v1(buf, 25);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_ECOUNT);
}
END_TEST

START_TEST(test_v7_translated)
{
	uint8_t buf[2048];
	struct flowrec recs[DATAGRAM_MAXRECS];
	struct datagram_info di;
	size_t len = make_v7(buf, 27, 1000);

	ck_assert_int_eq(datagram_decode(buf, len, 1, &di, recs), DATAGRAM_OK);
	ck_assert_uint_eq(di.version, 7);
	ck_assert_uint_eq(di.count, 27);
	ck_assert_int_eq(di.has_seq, 1);
	ck_assert_uint_eq(di.flow_sequence, 1000);
	ck_assert_uint_eq(di.engine_type, 0);
	ck_assert_uint_eq(recs[26].tcp_flags, 0x02);
	ck_assert_uint_eq(recs[26].proto, 17);
	ck_assert_uint_eq(recs[26].tos, 0x20);
	ck_assert_uint_eq(recs[26].src_as, 100);
	ck_assert_uint_eq(recs[26].dst_as, 200);
	ck_assert_uint_eq(recs[26].src_mask, 8);
	ck_assert_uint_eq(recs[26].dst_mask, 12);
	ck_assert_uint_eq(recs[26].srcport, 53);
	ck_assert_uint_eq(recs[26].dstport, 5353);
	len = make_v7(buf, 28, 0);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_ECOUNT);
}
END_TEST

START_TEST(test_rejections)
{
	uint8_t buf[2048];
	struct flowrec recs[DATAGRAM_MAXRECS];
	struct datagram_info di;
	size_t len = make_v5(buf, sizeof(buf), 2, 0);

	ck_assert_int_eq(datagram_decode(buf, 0, 0, &di, recs),
			 DATAGRAM_ESHORT);
	ck_assert_int_eq(datagram_decode(buf, 3, 0, &di, recs),
			 DATAGRAM_ESHORT);
	ck_assert_int_eq(datagram_decode(buf, 23, 0, &di, recs),
			 DATAGRAM_ESHORT);
	ck_assert_int_eq(datagram_decode(buf, len - 1, 0, &di, recs),
			 DATAGRAM_ELENGTH);
	ck_assert_int_eq(datagram_decode(buf, len + 1, 0, &di, recs),
			 DATAGRAM_ELENGTH);
	put16(buf + 2, 0);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_ECOUNT);
	put16(buf + 2, 31);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_ECOUNT);
	put16(buf + 2, 3);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_ELENGTH);
	put16(buf, 9);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_TEMPLATED);
	ck_assert_uint_eq(di.version, 9);
	put16(buf, 10);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_TEMPLATED);
	ck_assert_int_eq(datagram_decode(buf, 15, 0, &di, recs),
			 DATAGRAM_ESHORT);
	put16(buf, 8);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_EVERSION);
	put16(buf, 6);
	ck_assert_int_eq(datagram_decode(buf, len, 0, &di, recs),
			 DATAGRAM_EVERSION);
}
END_TEST

/* Every prefix of valid datagrams of each version is rejected, never read. */
START_TEST(test_every_truncation)
{
	uint8_t buf[2048], *copy;
	struct flowrec recs[DATAGRAM_MAXRECS];
	struct datagram_info di;
	size_t lens[3], k, i;
	uint8_t bufs[3][2048];

	lens[0] = make_v5(bufs[0], sizeof(bufs[0]), 30, 1);
	lens[1] = make_v1(bufs[1], 24);
	lens[2] = make_v7(bufs[2], 27, 1);
	(void)buf;
	for (k = 0; k < 3; k++)
		for (i = 0; i < lens[k]; i++) {
			/* An exact-size heap copy lets ASan see any over-read.
			 */
			copy = malloc(i > 0 ? i : 1);
			memcpy(copy, bufs[k], i);
			ck_assert_int_ne(datagram_decode(copy, i, 0, &di, recs),
					 DATAGRAM_OK);
			free(copy);
		}
}
END_TEST

START_TEST(test_names)
{
	int s;

	for (s = 0; s < DATAGRAM_NSTATUS; s++) {
		ck_assert_ptr_nonnull(datagram_strerror(s));
		ck_assert_ptr_nonnull(datagram_statname(s));
	}
	ck_assert_str_eq(datagram_statname(DATAGRAM_ELENGTH), "length");
	ck_assert_str_eq(datagram_strerror(DATAGRAM_NSTATUS), "unknown");
}
END_TEST

/* Random bytes never crash and never produce an impossible result. */
START_TEST(test_random)
{
	uint8_t buf[1600];
	struct flowrec recs[DATAGRAM_MAXRECS];
	struct datagram_info di;
	unsigned seed = 12345, i, j, len;

	for (i = 0; i < 20000; i++) {
		len = rand_r(&seed) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rand_r(&seed);
		if (len >= 2 && i % 2 == 0) {
			/* Make a known version likely. */
			buf[0] = 0;
			buf[1] = (uint8_t)(i % 3 == 0 ? 5 : i % 3 == 1 ? 1 : 7);
		}
		if (datagram_decode(buf, len, 0, &di, recs) == DATAGRAM_OK) {
			ck_assert_uint_ge(di.count, 1);
			ck_assert_uint_le(di.count, DATAGRAM_MAXRECS);
		}
	}
}
END_TEST

/*
 * The collector's fixed-offset v5 reader against common/v5.c's cursor
 * decoder + v5_to_flowrec(): random header and record bytes (times that
 * wrap around sysUptime included), every field of every record equal.
 */
START_TEST(test_v5_same_as_codec)
{
	uint8_t buf[V5_MAXLEN];
	struct flowrec got[DATAGRAM_MAXRECS], want;
	struct v5_header h;
	struct v5_record w[V5_MAXRECS];
	struct datagram_info di;
	unsigned seed = 12;
	uint16_t n, i;
	size_t len, j;
	int round;

	for (round = 0; round < 2000; round++) {
		n = (uint16_t)(1 + round % V5_MAXRECS);
		len = V5_HDRLEN + (size_t)n * V5_RECLEN;
		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rand_r(&seed);
		put16(buf, 5);
		put16(buf + 2, n);
		memset(got, 0xa5, sizeof(got));
		ck_assert_int_eq(
		    datagram_decode(buf, len, 0x7f000001 + round, &di, got),
		    DATAGRAM_OK);
		ck_assert_int_eq(v5_decode(buf, len, &h, w), V5_OK);
		ck_assert_uint_eq(di.count, n);
		ck_assert_uint_eq(di.flow_sequence, h.flow_sequence);
		ck_assert_uint_eq(di.engine_type, h.engine_type);
		ck_assert_uint_eq(di.engine_id, h.engine_id);
		for (i = 0; i < n; i++) {
			v5_to_flowrec(&h, &w[i], 0x7f000001 + round, &want);
			ck_assert_mem_eq(&got[i], &want, sizeof(want));
		}
	}
}
END_TEST

UNIT_MAIN_TESTS("collector_decode", 0, test_v5_ok, test_v1_translated,
		test_v7_translated, test_rejections, test_every_truncation,
		test_names, test_random, test_v5_same_as_codec)
