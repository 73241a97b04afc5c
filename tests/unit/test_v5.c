/*
 * Unit tests for common/v5.c and the time arithmetic of common/flowrec.c.
 *
 * Records are pushed through encode and decode and must come back with
 * every field intact; each rejection reason is provoked once; and the two
 * real datagrams in ../shared/testdata/flow-tools/input/v5-export.pcap are
 * decoded and checked against what tshark shows for them.  That file is
 * pcapng, so the test carries a small reader for pcapng and classic pcap,
 * itself built on the bounds-checked cursor.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "flowrec.h"
#include "v5.h"
#include "unit.h"

#define SHARED_PCAP "../shared/testdata/flow-tools/input/v5-export.pcap"

static void
fill_header(struct v5_header *h, uint16_t count)
{
	memset(h, 0, sizeof(*h));
	h->version = 5;
	h->count = count;
	h->sys_uptime = 0x01020304;
	h->unix_secs = 1705320006;
	h->unix_nsecs = 123456789;
	h->flow_sequence = 0xfedcba98;
	h->engine_type = 0xa5;
	h->engine_id = 0x5a;
	h->sampling = 0x4064;
}

/* Every field different per record and per position, none zero. */
static void
fill_record(struct v5_record *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	r->srcaddr = 0x0a000001 + i;
	r->dstaddr = 0xc0a80100 + i * 7;
	r->nexthop = 0xac100001 + i * 3;
	r->input = (uint16_t)(100 + i);
	r->output = (uint16_t)(65535 - i);
	r->packets = 0x80000000u + i;
	r->octets = 0xfffffff0u - i;
	r->first = 0x01000000 + i * 11;
	r->last = 0x01020304 + i * 13;
	r->srcport = (uint16_t)(1024 + i);
	r->dstport = (uint16_t)(0xff00 + i);
	r->tcp_flags = (uint8_t)(0x3f - i);
	r->proto = (uint8_t)(6 + i);
	r->tos = (uint8_t)(0xb8 + i);
	r->src_as = (uint16_t)(64512 + i);
	r->dst_as = (uint16_t)(13335 + i);
	r->src_mask = (uint8_t)(8 + i % 25);
	r->dst_mask = (uint8_t)(32 - i % 25);
}

static void
assert_record_eq(const struct v5_record *a, const struct v5_record *b)
{
	ck_assert_uint_eq(a->srcaddr, b->srcaddr);
	ck_assert_uint_eq(a->dstaddr, b->dstaddr);
	ck_assert_uint_eq(a->nexthop, b->nexthop);
	ck_assert_uint_eq(a->input, b->input);
	ck_assert_uint_eq(a->output, b->output);
	ck_assert_uint_eq(a->packets, b->packets);
	ck_assert_uint_eq(a->octets, b->octets);
	ck_assert_uint_eq(a->first, b->first);
	ck_assert_uint_eq(a->last, b->last);
	ck_assert_uint_eq(a->srcport, b->srcport);
	ck_assert_uint_eq(a->dstport, b->dstport);
	ck_assert_uint_eq(a->tcp_flags, b->tcp_flags);
	ck_assert_uint_eq(a->proto, b->proto);
	ck_assert_uint_eq(a->tos, b->tos);
	ck_assert_uint_eq(a->src_as, b->src_as);
	ck_assert_uint_eq(a->dst_as, b->dst_as);
	ck_assert_uint_eq(a->src_mask, b->src_mask);
	ck_assert_uint_eq(a->dst_mask, b->dst_mask);
}

static void
assert_header_eq(const struct v5_header *a, const struct v5_header *b)
{
	ck_assert_uint_eq(a->version, b->version);
	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->sys_uptime, b->sys_uptime);
	ck_assert_uint_eq(a->unix_secs, b->unix_secs);
	ck_assert_uint_eq(a->unix_nsecs, b->unix_nsecs);
	ck_assert_uint_eq(a->flow_sequence, b->flow_sequence);
	ck_assert_uint_eq(a->engine_type, b->engine_type);
	ck_assert_uint_eq(a->engine_id, b->engine_id);
	ck_assert_uint_eq(a->sampling, b->sampling);
}

static void
round_trip(uint16_t count)
{
	struct v5_header h, h2;
	struct v5_record in[V5_MAXRECS], out[V5_MAXRECS];
	uint8_t buf[V5_MAXLEN + 16];
	size_t len;
	unsigned i;

	fill_header(&h, count);
	for (i = 0; i < count; i++)
		fill_record(&in[i], i);
	len = v5_encode(&h, in, buf, sizeof(buf));
	ck_assert_uint_eq(len, V5_HDRLEN + V5_RECLEN * count);
	/* Spot-check the wire layout: version, count, pads. */
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[1], 5);
	ck_assert_uint_eq(buf[3], count);
	ck_assert_uint_eq(buf[V5_HDRLEN + 36], 0); /* pad1 */
	ck_assert_uint_eq(buf[V5_HDRLEN + 37], in[0].tcp_flags);
	ck_assert_uint_eq(buf[V5_HDRLEN + 46], 0); /* pad2 */
	ck_assert_uint_eq(buf[V5_HDRLEN + 47], 0);

	memset(&h2, 0, sizeof(h2));
	ck_assert_int_eq(v5_decode(buf, len, &h2, out), V5_OK);
	assert_header_eq(&h, &h2);
	for (i = 0; i < count; i++)
		assert_record_eq(&in[i], &out[i]);
}

START_TEST(test_round_trip_1)
{
	round_trip(1);
}
END_TEST

START_TEST(test_round_trip_30)
{
	round_trip(30);
}
END_TEST

START_TEST(test_encode_limits)
{
	struct v5_header h;
	struct v5_record r[V5_MAXRECS + 1];
	uint8_t buf[V5_MAXLEN + V5_RECLEN];
	unsigned i;

	for (i = 0; i <= V5_MAXRECS; i++)
		fill_record(&r[i], i);
	fill_header(&h, 0);
	ck_assert_uint_eq(v5_encode(&h, r, buf, sizeof(buf)), 0);
	fill_header(&h, 31);
	ck_assert_uint_eq(v5_encode(&h, r, buf, sizeof(buf)), 0);
	fill_header(&h, 2);
	ck_assert_uint_eq(v5_encode(&h, r, buf, V5_HDRLEN + 2 * V5_RECLEN - 1),
			  0);
	ck_assert_uint_eq(v5_encode(&h, r, buf, V5_HDRLEN + 2 * V5_RECLEN),
			  V5_HDRLEN + 2 * V5_RECLEN);
	fill_header(&h, 30);
	ck_assert_uint_eq(v5_encode(&h, r, buf, V5_MAXLEN), V5_MAXLEN);
}
END_TEST

/* Builds a valid datagram of count records, then lets the test spoil it. */
static size_t
make_datagram(uint8_t *buf, size_t cap, uint16_t count)
{
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	unsigned i;

	fill_header(&h, count);
	for (i = 0; i < count; i++)
		fill_record(&r[i], i);
	return v5_encode(&h, r, buf, cap);
}

START_TEST(test_reject)
{
	uint8_t buf[V5_MAXLEN + 2 * V5_RECLEN];
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	size_t len;

	memset(buf, 0, sizeof(buf));
	len = make_datagram(buf, sizeof(buf), 3);
	ck_assert_uint_eq(len, V5_HDRLEN + 3 * V5_RECLEN);
	ck_assert_int_eq(v5_decode(buf, len, &h, r), V5_OK);

	/* Short: anything below a header, including nothing at all. */
	ck_assert_int_eq(v5_decode(buf, 0, &h, r), V5_ESHORT);
	ck_assert_int_eq(v5_decode(buf, V5_HDRLEN - 1, &h, r), V5_ESHORT);

	/* Length: one byte short or long of the count's promise. */
	ck_assert_int_eq(v5_decode(buf, len - 1, &h, r), V5_ELENGTH);
	ck_assert_int_eq(v5_decode(buf, len + 1, &h, r), V5_ELENGTH);
	ck_assert_int_eq(v5_decode(buf, V5_HDRLEN, &h, r), V5_ELENGTH);
	ck_assert_int_eq(v5_decode(buf, len - V5_RECLEN, &h, r), V5_ELENGTH);

	/* Version 9 with an otherwise perfect length. */
	buf[1] = 9;
	ck_assert_int_eq(v5_decode(buf, len, &h, r), V5_EVERSION);
	buf[0] = 5;
	buf[1] = 0; /* 0x0500 is not 5 either */
	ck_assert_int_eq(v5_decode(buf, len, &h, r), V5_EVERSION);
	buf[0] = 0;
	buf[1] = 5;

	/* Count 0 and 31, each with the length it would imply. */
	buf[3] = 0;
	ck_assert_int_eq(v5_decode(buf, V5_HDRLEN, &h, r), V5_ECOUNT);
	buf[3] = 31;
	ck_assert_int_eq(v5_decode(buf, V5_HDRLEN + 31 * V5_RECLEN, &h, r),
			 V5_ECOUNT);
	buf[2] = 1;
	buf[3] = 3; /* count 259 */
	ck_assert_int_eq(v5_decode(buf, len, &h, r), V5_ECOUNT);
	buf[2] = 0;

	/* Order of checks: version before count, count before length. */
	buf[1] = 9;
	buf[3] = 0;
	ck_assert_int_eq(v5_decode(buf, 7 + V5_HDRLEN, &h, r), V5_EVERSION);
	buf[1] = 5;
	ck_assert_int_eq(v5_decode(buf, 7 + V5_HDRLEN, &h, r), V5_ECOUNT);
}
END_TEST

START_TEST(test_strerror)
{
	int s;

	for (s = 0; s < V5_NSTATUS; s++) {
		ck_assert_ptr_nonnull(v5_strerror(s));
		ck_assert_uint_gt(strlen(v5_strerror(s)), 0);
	}
	ck_assert_str_ne(v5_strerror(V5_ESHORT), v5_strerror(V5_ELENGTH));
	ck_assert_ptr_nonnull(v5_strerror(V5_NSTATUS));
	ck_assert_ptr_nonnull(v5_strerror((enum v5_status) - 1));
}
END_TEST

START_TEST(test_flowrec_time)
{
	struct flowrec r;
	int64_t a;
	static const uint32_t stamps[] = {
	    0,		1,	     5999,	  6000,	       6001,
	    0x7fffffff, 0x80000000u, 0xffffff00u, 0xffffffffu,
	};
	static const uint32_t uptimes[] = {0, 6001, 0x80000000u, 0xffffffffu};
	unsigned i, j;

	ck_assert_int_eq(flowrec_base_ms(1705320006, 1000000),
			 INT64_C(1705320006001));
	ck_assert_int_eq(flowrec_base_ms(1705320006, 999999),
			 INT64_C(1705320006000));
	ck_assert_int_eq(flowrec_base_ms(0xffffffffu, 999999999),
			 INT64_C(4294967295999));
	ck_assert_int_eq(flowrec_abs_ms(1705320006, 1000000, 6001, 6000),
			 INT64_C(1705320006000));
	ck_assert_int_eq(flowrec_abs_ms(1705320006, 1000000, 6001, 0),
			 INT64_C(1705320000000));
	/*
	 * A stamp numerically above the header's uptime was taken before the
	 * 32-bit counter wrapped: it lies (2^32 - stamp + uptime) ms earlier,
	 * not 49.7 days later.
	 */
	ck_assert_int_eq(flowrec_abs_ms(100, 0, 0, 0xffffffffu),
			 INT64_C(100000) - 1);
	ck_assert_int_eq(flowrec_abs_ms(100, 0, 1000, 0xffff0000u),
			 INT64_C(100000) - 1000 - 0x10000);
	/* Less than 2^31 ms after the header's uptime stays later. */
	ck_assert_int_eq(flowrec_abs_ms(100, 0, 0, 0x7fffffffu),
			 INT64_C(100000) + 0x7fffffff);
	ck_assert_int_eq(flowrec_abs_ms(3000000, 0, 0, 0x80000001u),
			 INT64_C(3000000000) - 0x7fffffff);
	/* 2^31 ms before the header's uptime is the furthest back. */
	ck_assert_int_eq(flowrec_abs_ms(3000000, 0, 0xfffffffeu, 0x7ffffffeu),
			 INT64_C(3000000000) - INT64_C(0x80000000));

	memset(&r, 0, sizeof(r));
	r.unix_secs = 1705320006;
	r.unix_nsecs = 1000000;
	for (j = 0; j < sizeof(uptimes) / sizeof(uptimes[0]); j++) {
		r.sys_uptime = uptimes[j];
		for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
			a = flowrec_abs_ms(r.unix_secs, r.unix_nsecs,
					   r.sys_uptime, stamps[i]);
			ck_assert_uint_eq(flowrec_rel_ms(&r, a), stamps[i]);
		}
	}
	/* Times far before the base still map into uptime mod 2^32. */
	r.sys_uptime = 10;
	ck_assert_uint_eq(
	    flowrec_rel_ms(&r, flowrec_base_ms(r.unix_secs, r.unix_nsecs) - 11),
	    0xffffffffu);
}
END_TEST

/*
 * Finding 1 of issue 11: a v5 datagram exported just after the exporter's
 * uptime wrapped (sys_uptime 1000) carrying a flow stamped before the wrap
 * (First 0xffff0000, Last 0xfffff000) must be dated a minute earlier than
 * the header, not 49.7 days after it, and encode back to the same stamps.
 */
START_TEST(test_uptime_wrap)
{
	struct v5_header h;
	struct v5_record v, v2;
	struct flowrec fr;
	int64_t base;

	fill_header(&h, 1);
	h.sys_uptime = 1000;
	fill_record(&v, 0);
	v.first = 0xffff0000u;
	v.last = 0xfffff000u;
	v5_to_flowrec(&h, &v, 0x7f000001, &fr);
	base = flowrec_base_ms(h.unix_secs, h.unix_nsecs);
	ck_assert_int_eq(fr.first_ms, base - 1000 - 0x10000);
	ck_assert_int_eq(fr.last_ms, base - 1000 - 0x1000);
	ck_assert_int_eq(fr.last_ms - fr.first_ms, 0xf000);
	ck_assert_int_lt(fr.last_ms, base);
	v5_from_flowrec(&fr, &h, &v2);
	ck_assert_uint_eq(v2.first, v.first);
	ck_assert_uint_eq(v2.last, v.last);
}
END_TEST

START_TEST(test_flowrec_round_trip)
{
	struct v5_header h, h2;
	struct v5_record v, v2;
	struct flowrec fr;

	fill_header(&h, 1);
	fill_record(&v, 4);
	v5_to_flowrec(&h, &v, 0x7f000001, &fr);
	ck_assert_uint_eq(fr.packets, v.packets);
	ck_assert_uint_eq(fr.bytes, v.octets);
	ck_assert_int_eq(fr.first_ms, flowrec_abs_ms(h.unix_secs, h.unix_nsecs,
						     h.sys_uptime, v.first));
	ck_assert_int_eq(fr.last_ms - fr.first_ms,
			 (int64_t)v.last - (int64_t)v.first);
	ck_assert_uint_eq(fr.exaddr, 0x7f000001);
	ck_assert_uint_eq(fr.unix_secs, h.unix_secs);
	ck_assert_uint_eq(fr.unix_nsecs, h.unix_nsecs);
	ck_assert_uint_eq(fr.sys_uptime, h.sys_uptime);
	ck_assert_uint_eq(fr.engine_type, h.engine_type);
	ck_assert_uint_eq(fr.engine_id, h.engine_id);
	ck_assert_uint_eq(fr.srcaddr, v.srcaddr);
	ck_assert_uint_eq(fr.dstport, v.dstport);
	ck_assert_uint_eq(fr.src_as, v.src_as);
	ck_assert_uint_eq(fr.dst_mask, v.dst_mask);

	v5_from_flowrec(&fr, &h, &v2);
	assert_record_eq(&v, &v2);

	/*
	 * Against a header 10 s later with 3 s more uptime, the same absolute
	 * times are 7 s earlier in that exporter's uptime.
	 */
	h2 = h;
	h2.unix_secs += 10;
	h2.sys_uptime += 3000;
	v5_from_flowrec(&fr, &h2, &v2);
	ck_assert_uint_eq(v2.first, v.first - 7000);
	ck_assert_uint_eq(v2.last, v.last - 7000);

	/* Counters above 32 bits are clamped. */
	fr.packets = UINT64_C(1) << 33;
	fr.bytes = UINT64_C(0xffffffff);
	v5_from_flowrec(&fr, &h, &v2);
	ck_assert_uint_eq(v2.packets, UINT32_MAX);
	ck_assert_uint_eq(v2.octets, UINT32_MAX);
	fr.bytes = UINT64_MAX;
	v5_from_flowrec(&fr, &h, &v2);
	ck_assert_uint_eq(v2.octets, UINT32_MAX);
}
END_TEST

/*
 * Minimal capture reader: finds the UDP payloads of IPv4 frames in a pcapng
 * or classic pcap file.  Handles the link types our captures use.
 */
struct payload {
	const uint8_t *p;
	size_t len;
};

static int
frame_payload(int linktype, const uint8_t *f, size_t len, struct payload *pl)
{
	struct cursor c;
	uint16_t et, udplen;
	uint8_t vihl, proto;
	uint32_t af;

	buf_cur_init(&c, f, len);
	switch (linktype) {
	case 1: /* Ethernet, possibly one VLAN tag */
		buf_skip(&c, 12);
		buf_get_u16be(&c, &et);
		if (!c.failed && et == 0x8100) {
			buf_skip(&c, 2);
			buf_get_u16be(&c, &et);
		}
		if (c.failed || et != 0x0800)
			return -1;
		break;
	case 0: /* BSD loopback, host byte order family */
		buf_get_u32le(&c, &af);
		if (c.failed || (af != 2 && af != 0x02000000))
			return -1;
		break;
	case 101: /* raw IP */
		break;
	case 113: /* Linux cooked */
		buf_skip(&c, 14);
		buf_get_u16be(&c, &et);
		if (c.failed || et != 0x0800)
			return -1;
		break;
	default:
		return -1;
	}
	if (buf_get_u8(&c, &vihl) == -1 || (vihl >> 4) != 4)
		return -1;
	buf_skip(&c, 8);
	buf_get_u8(&c, &proto);
	buf_skip(&c, (size_t)(vihl & 0x0f) * 4 - 10);
	if (c.failed || proto != 17)
		return -1;
	buf_skip(&c, 4);
	buf_get_u16be(&c, &udplen);
	buf_skip(&c, 2);
	if (c.failed || udplen < 8 || (size_t)udplen - 8 > buf_left(&c))
		return -1;
	pl->p = c.p + c.off;
	pl->len = (size_t)udplen - 8;
	return 0;
}

static int
read_pcapng(const uint8_t *data, size_t len, struct payload *pl, int max)
{
	struct cursor c, b;
	uint32_t type, blen, magic, caplen, ifid;
	uint16_t lt;
	int be = 0, n = 0, nif = 0;
	int linktypes[8];

	buf_cur_init(&c, data, len);
	while (buf_left(&c) >= 12 && n < max) {
		struct cursor peek = c;

		buf_get_u32(&peek, be, &type);
		if (type == 0x0a0d0d0a) {
			/* Section header: byte order from its magic. */
			buf_skip(&peek, 4);
			buf_get_u32be(&peek, &magic);
			be = magic == 0x1a2b3c4d;
			nif = 0;
		}
		buf_get_u32(&c, be, &type);
		buf_get_u32(&c, be, &blen);
		if (c.failed || blen < 12 || blen % 4 != 0 ||
		    blen - 8 > buf_left(&c))
			return -1;
		buf_cur_init(&b, c.p + c.off, blen - 12);
		buf_skip(&c, blen - 8);
		if (type == 1 && nif < 8) { /* interface */
			buf_get_u16(&b, be, &lt);
			linktypes[nif++] = lt;
		} else if (type == 6) { /* enhanced packet */
			buf_get_u32(&b, be, &ifid);
			buf_skip(&b, 8);
			buf_get_u32(&b, be, &caplen);
			buf_skip(&b, 4);
			if (b.failed || ifid >= (uint32_t)nif ||
			    caplen > buf_left(&b))
				return -1;
			if (frame_payload(linktypes[ifid], b.p + b.off, caplen,
					  &pl[n]) == 0)
				n++;
		}
	}
	return n;
}

static int
read_pcap(const uint8_t *data, size_t len, struct payload *pl, int max)
{
	struct cursor c;
	uint32_t magic, lt, caplen;
	int be, n = 0;

	buf_cur_init(&c, data, len);
	buf_get_u32be(&c, &magic);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		be = 1;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		be = 0;
	else
		return -1;
	buf_skip(&c, 16);
	buf_get_u32(&c, be, &lt);
	while (!c.failed && buf_left(&c) >= 16 && n < max) {
		buf_skip(&c, 8);
		buf_get_u32(&c, be, &caplen);
		buf_skip(&c, 4);
		if (c.failed || caplen > buf_left(&c))
			return -1;
		if (frame_payload((int)(lt & 0xffff), c.p + c.off, caplen,
				  &pl[n]) == 0)
			n++;
		buf_skip(&c, caplen);
	}
	return n;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *p;
	long sz;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (p = malloc((size_t)sz + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(p, 1, (size_t)sz, f) != (size_t)sz) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)sz;
	return p;
}

START_TEST(test_real_datagrams)
{
	struct payload pl[8];
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	struct flowrec fr;
	uint8_t again[V5_MAXLEN];
	uint8_t *data;
	size_t len;
	int n, i;

	if ((data = slurp(SHARED_PCAP, &len)) == NULL) {
		printf("skipped: ../shared not present\n");
		return;
	}
	if (len >= 4 && memcmp(data, "\x0a\x0d\x0d\x0a", 4) == 0)
		n = read_pcapng(data, len, pl, 8);
	else
		n = read_pcap(data, len, pl, 8);
	ck_assert_int_eq(n, 2);

	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(pl[i].len, V5_HDRLEN + 8 * V5_RECLEN);
		ck_assert_int_eq(v5_decode(pl[i].p, pl[i].len, &h, r), V5_OK);
		ck_assert_uint_eq(h.version, 5);
		ck_assert_uint_eq(h.count, 8);
		ck_assert_uint_eq(h.sys_uptime, 6001);
		ck_assert_uint_eq(h.unix_secs, 1705320006);
		ck_assert_uint_eq(h.unix_nsecs, 1000000);
		ck_assert_uint_eq(h.flow_sequence, 0);
		ck_assert_uint_eq(h.engine_type, 0);
		ck_assert_uint_eq(h.engine_id, 0);
		ck_assert_uint_eq(h.sampling, 0);

		/* 10.0.0.1:40000 -> 192.168.1.10:22, a SYN with tos 0x10. */
		ck_assert_uint_eq(r[0].srcaddr, 0x0a000001);
		ck_assert_uint_eq(r[0].dstaddr, 0xc0a8010a);
		ck_assert_uint_eq(r[0].nexthop, 0);
		ck_assert_uint_eq(r[0].input, 0);
		ck_assert_uint_eq(r[0].output, 0);
		ck_assert_uint_eq(r[0].packets, 1);
		ck_assert_uint_eq(r[0].octets, 40);
		ck_assert_uint_eq(r[0].first, 6000);
		ck_assert_uint_eq(r[0].last, 6001);
		ck_assert_uint_eq(r[0].srcport, 40000);
		ck_assert_uint_eq(r[0].dstport, 22);
		ck_assert_uint_eq(r[0].tcp_flags, 0x02);
		ck_assert_uint_eq(r[0].proto, 6);
		ck_assert_uint_eq(r[0].tos, 0x10);
		ck_assert_uint_eq(r[0].src_as, 0);
		ck_assert_uint_eq(r[0].dst_mask, 0);

		/* 10.0.0.1:34567 -> 10.0.0.2:80, 5 packets, 218 bytes. */
		ck_assert_uint_eq(r[2].srcaddr, 0x0a000001);
		ck_assert_uint_eq(r[2].dstaddr, 0x0a000002);
		ck_assert_uint_eq(r[2].packets, 5);
		ck_assert_uint_eq(r[2].octets, 218);
		ck_assert_uint_eq(r[2].first, 0);
		ck_assert_uint_eq(r[2].last, 14);
		ck_assert_uint_eq(r[2].srcport, 34567);
		ck_assert_uint_eq(r[2].dstport, 80);
		ck_assert_uint_eq(r[2].tcp_flags, 0x1b);

		/* DNS over UDP. */
		ck_assert_uint_eq(r[4].dstaddr, 0x0a000035);
		ck_assert_uint_eq(r[4].proto, 17);
		ck_assert_uint_eq(r[4].octets, 57);
		ck_assert_uint_eq(r[4].first, 1000);
		ck_assert_uint_eq(r[4].last, 1020);

		/* ICMP echo request: dstport = type 8 * 256 + code 0. */
		ck_assert_uint_eq(r[6].srcaddr, 0x0a000001);
		ck_assert_uint_eq(r[6].dstaddr, 0x0a000003);
		ck_assert_uint_eq(r[6].proto, 1);
		ck_assert_uint_eq(r[6].dstport, 2048);
		ck_assert_uint_eq(r[6].packets, 3);
		ck_assert_uint_eq(r[6].octets, 252);
		ck_assert_uint_eq(r[7].srcaddr, 0x0a000003);
		ck_assert_uint_eq(r[7].dstport, 0);
		ck_assert_uint_eq(r[7].last, 4000);

		/* Absolute times: 2024-01-15 12:00:06.000 and 12:00:00.000. */
		v5_to_flowrec(&h, &r[0], 0x7f000001, &fr);
		ck_assert_int_eq(fr.first_ms, INT64_C(1705320006000));
		ck_assert_int_eq(fr.last_ms, INT64_C(1705320006001));
		v5_to_flowrec(&h, &r[2], 0x7f000001, &fr);
		ck_assert_int_eq(fr.first_ms, INT64_C(1705320000000));
		ck_assert_int_eq(fr.last_ms, INT64_C(1705320000014));

		/* Re-encoding gives back the exporter's bytes exactly. */
		ck_assert_uint_eq(v5_encode(&h, r, again, sizeof(again)),
				  pl[i].len);
		ck_assert_int_eq(memcmp(again, pl[i].p, pl[i].len), 0);
	}
	free(data);
}
END_TEST

/* -s N in the header: mode 01 (packet interval) over a 14-bit rate. */
START_TEST(sampling_field)
{
	ck_assert_uint_eq(v5_sampling_field(0), 0);
	ck_assert_uint_eq(v5_sampling_field(1), 0);
	ck_assert_uint_eq(v5_sampling_field(2), 0x4002);
	ck_assert_uint_eq(v5_sampling_field(100), 0x4064);
	ck_assert_uint_eq(v5_sampling_field(16383), 0x7fff);
	ck_assert_uint_eq(v5_sampling_field(16384), 0x7fff);
}
END_TEST

UNIT_MAIN_TESTS("v5", 0, test_round_trip_1, test_round_trip_30,
		test_encode_limits, test_reject, test_strerror,
		test_flowrec_time, test_flowrec_round_trip, test_uptime_wrap,
		test_real_datagrams, sampling_field)
