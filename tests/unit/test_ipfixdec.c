/*
 * Unit tests for common/ipfixdec.c and common/ipfixrec.c: NetFlow v9 and
 * IPFIX messages built here byte by byte, decoded, and the flows compared
 * field by field.  Covers every rejection reason, data before its
 * template (kept, stored once it arrives), withdrawal, replacement with a
 * different layout, two exporters with the same template id, options data
 * changing the sampling rate mid-stream, every time encoding, sequence
 * accounting, IE 315 frames, persisted templates, and a template flood
 * whose memory must stay under a fixed bound.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipfix.h"
#include "ipfixdec.h"
#include "unit.h"

#define T0 1700000000u /* export time of every message, unix s */

/* A message under construction. */
struct mb {
	uint8_t b[70000];
	size_t n;
	size_t set; /* offset of the open set's header */
	int version;
};

static void
put8(struct mb *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void
put16(struct mb *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void
put32(struct mb *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

static void
put64(struct mb *m, uint64_t v)
{
	put32(m, (uint32_t)(v >> 32));
	put32(m, (uint32_t)v);
}

static void
begin(struct mb *m, int version, uint32_t seq, uint32_t domain)
{
	m->n = 0;
	m->version = version;
	put16(m, (uint16_t)version);
	put16(m, 0); /* count / length: in finish() */
	if (version == 9)
		put32(m, 100000); /* sysUptime: 100 s */
	put32(m, T0);
	put32(m, seq);
	put32(m, domain);
}

static void
set_open(struct mb *m, uint16_t sid)
{
	m->set = m->n;
	put16(m, sid);
	put16(m, 0);
}

static void
set_close(struct mb *m)
{
	size_t len = m->n - m->set;

	m->b[m->set + 2] = (uint8_t)(len >> 8);
	m->b[m->set + 3] = (uint8_t)len;
}

static size_t
finish(struct mb *m)
{
	/* A v9 count that lies: the decoder must walk sets by length. */
	uint16_t w = m->version == 10 ? (uint16_t)m->n : 0x7777;

	m->b[2] = (uint8_t)(w >> 8);
	m->b[3] = (uint8_t)w;
	return m->n;
}

/* Template 256: src4, dst4, sport, dport, proto, packets(8), bytes(4), times.
 */
static void
tpl_v4(struct mb *m, uint16_t tid)
{
	set_open(m, m->version == 9 ? NF9_SET_TEMPLATE : IPFIX_SET_TEMPLATE);
	put16(m, tid);
	put16(m, 8);
	put16(m, IPFIX_IE_SRC4);
	put16(m, 4);
	put16(m, IPFIX_IE_DST4);
	put16(m, 4);
	put16(m, IPFIX_IE_SPORT);
	put16(m, 2);
	put16(m, IPFIX_IE_DPORT);
	put16(m, 2);
	put16(m, IPFIX_IE_PROTO);
	put16(m, 1);
	put16(m, IPFIX_IE_PACKETS);
	put16(m, 8);
	put16(m, IPFIX_IE_OCTETS);
	put16(m, 4);
	if (m->version == 9) {
		put16(m, IPFIX_IE_FIRST_UPTIME);
		put16(m, 4);
	} else {
		put16(m, IPFIX_IE_START_MS);
		put16(m, 8);
	}
	set_close(m);
}

static void
data_v4(struct mb *m, uint16_t tid, uint32_t src, uint32_t first)
{
	set_open(m, tid);
	put32(m, src);
	put32(m, 0xc0a80001);
	put16(m, 1234);
	put16(m, 80);
	put8(m, 6);
	put64(m, 10);
	put32(m, 5000);
	if (m->version == 9)
		put32(m, first);
	else
		put64(m, (uint64_t)T0 * 1000 - first);
	set_close(m);
}

#define MAXF 64
static struct ipfixdec_flow got[MAXF];
static size_t ngot;

static void
emit(void *arg, const struct ipfixdec_flow *f)
{
	(void)arg;
	if (ngot < MAXF)
		got[ngot] = *f;
	ngot++;
}

static struct ipfixdec_source
source(uint32_t a)
{
	struct ipfixdec_source s;

	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.addr[0] = (uint8_t)(a >> 24);
	s.addr[1] = (uint8_t)(a >> 16);
	s.addr[2] = (uint8_t)(a >> 8);
	s.addr[3] = (uint8_t)a;
	return s;
}

static struct ipfixdec_source ex1, ex2;
static struct mb m;

static int
feed(struct ipfixdec *d, const struct ipfixdec_source *s, size_t len)
{
	return ipfixdec_message(d, s, (int64_t)T0 * 1000, m.b, len, emit, NULL);
}

static uint64_t
reason(const struct ipfixdec *d, enum ipfixdec_reason r)
{
	struct ipfixdec_stats t;

	ipfixdec_total(d, &t);
	return t.reason[r];
}

static void
setup(void)
{
	ngot = 0;
	memset(got, 0, sizeof(got));
	ex1 = source(0x7f000001);
	ex2 = source(0x7f000002);
}

START_TEST(ipfix_template_and_data)
{
	struct ipfixdec *d = ipfixdec_new(NULL);

	begin(&m, 10, 0, 7);
	tpl_v4(&m, 256);
	data_v4(&m, 256, 0x0a000001, 1500);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].rec.af, 4);
	ck_assert_uint_eq(got[0].rec.srcaddr, 0x0a000001);
	ck_assert_uint_eq(got[0].rec.dstaddr, 0xc0a80001);
	ck_assert_uint_eq(got[0].rec.srcport, 1234);
	ck_assert_uint_eq(got[0].rec.dstport, 80);
	ck_assert_uint_eq(got[0].rec.proto, 6);
	ck_assert_uint_eq(got[0].rec.packets, 10);
	ck_assert_uint_eq(got[0].rec.bytes, 5000);
	ck_assert_int_eq(got[0].rec.first_ms, (int64_t)T0 * 1000 - 1500);
	/* No end stamp: the flow ends where it starts. */
	ck_assert_int_eq(got[0].rec.last_ms, got[0].rec.first_ms);
	ck_assert_uint_eq(got[0].rec.exaddr, 0x7f000001);
	ck_assert_uint_eq(got[0].rec.obs_domain, 7);
	ck_assert_uint_eq(got[0].rec.sampling, 1);
	ck_assert_uint_eq(got[0].late, 0);
	ipfixdec_free(d);
}
END_TEST

START_TEST(v9_uptime_and_lying_count)
{
	struct ipfixdec *d = ipfixdec_new(NULL);

	begin(&m, 9, 0, 1);
	tpl_v4(&m, 300);
	data_v4(&m, 300, 0x0a000002, 40000);  /* 60 s before the header */
	data_v4(&m, 300, 0x0a000003, 100000); /* at the header's uptime */
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_int_eq(got[0].rec.first_ms, (int64_t)T0 * 1000 - 60000);
	ck_assert_int_eq(got[1].rec.first_ms, (int64_t)T0 * 1000);
	ck_assert_uint_eq(got[0].version, 9);
	ck_assert_uint_eq(got[1].rec.sys_uptime, 100000);
	ipfixdec_free(d);
}
END_TEST

START_TEST(data_before_template)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	struct ipfixdec_stats t;

	begin(&m, 10, 0, 0);
	data_v4(&m, 256, 0x0a000001, 0);
	data_v4(&m, 256, 0x0a000002, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_NOTEMPLATE), 2);

	begin(&m, 10, 2, 0);
	tpl_v4(&m, 256);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(got[0].rec.srcaddr, 0x0a000001);
	ck_assert_uint_eq(got[1].rec.srcaddr, 0x0a000002);
	ck_assert_uint_eq(got[0].late, 1);
	ipfixdec_total(d, &t);
	ck_assert_uint_eq(t.late, 2);
	ck_assert_uint_eq(t.reason[IPFIXDEC_PENDDROP], 0);
	ck_assert_uint_eq(ipfixdec_memory(d) < 1 << 20, 1);
	ipfixdec_free(d);
}
END_TEST

START_TEST(early_data_bounded)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	int i;

	/* More sets than the buffer keeps: the rest are counted as dropped. */
	for (i = 0; i < IPFIXDEC_PENDING_SETS + 3; i++) {
		begin(&m, 10, 0, 0);
		data_v4(&m, 256, 0x0a000001, 0);
		ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	}
	ck_assert_uint_eq(reason(d, IPFIXDEC_PENDDROP), 3);
	/* Too old: a message long after drops what is left. */
	begin(&m, 10, 0, 5);
	finish(&m);
	ck_assert_int_eq(
	    ipfixdec_message(d, &ex1,
			     (int64_t)T0 * 1000 + IPFIXDEC_PENDING_MS + 1, m.b,
			     m.n, emit, NULL),
	    0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_PENDDROP),
			  3 + IPFIXDEC_PENDING_SETS);
	ck_assert_uint_eq(ngot, 0);
	ipfixdec_free(d);
}
END_TEST

START_TEST(withdrawal)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	struct ipfixdec_stats t;

	begin(&m, 10, 0, 0);
	tpl_v4(&m, 256);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 0); /* withdraw 256 */
	set_close(&m);
	data_v4(&m, 256, 0x0a000001, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 0);
	ipfixdec_total(d, &t);
	ck_assert_uint_eq(t.withdrawn, 1);
	ck_assert_uint_eq(t.reason[IPFIXDEC_NOTEMPLATE], 1);

	/* Withdraw all: template id 2 with count 0. */
	begin(&m, 10, 0, 0);
	tpl_v4(&m, 256);
	tpl_v4(&m, 257);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 0);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ipfixdec_total(d, &t);
	ck_assert_uint_eq(t.withdrawn, 3);
	ipfixdec_free(d);
}
END_TEST

START_TEST(replacement_new_layout)
{
	struct ipfixdec *d = ipfixdec_new(NULL);

	begin(&m, 10, 0, 0);
	tpl_v4(&m, 256);
	data_v4(&m, 256, 0x0a000001, 0);
	/* 256 again: now just dst4 and bytes(8). */
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 2);
	put16(&m, IPFIX_IE_DST4);
	put16(&m, 4);
	put16(&m, IPFIX_IE_OCTETS);
	put16(&m, 8);
	set_close(&m);
	set_open(&m, 256);
	put32(&m, 0x01020304);
	put64(&m, 0x123456789aULL);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(got[0].rec.srcaddr, 0x0a000001);
	ck_assert_uint_eq(got[1].rec.srcaddr, 0);
	ck_assert_uint_eq(got[1].rec.dstaddr, 0x01020304);
	ck_assert_uint_eq(got[1].rec.bytes, 0x123456789aULL);
	ipfixdec_free(d);
}
END_TEST

START_TEST(two_exporters_same_id)
{
	struct ipfixdec *d = ipfixdec_new(NULL);

	begin(&m, 10, 0, 0);
	tpl_v4(&m, 256);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	begin(&m, 10, 0, 0);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 1);
	put16(&m, IPFIX_IE_SRC6);
	put16(&m, 16);
	set_close(&m);
	set_open(&m, 256);
	put32(&m, 0x20010db8);
	put32(&m, 0);
	put32(&m, 0);
	put32(&m, 1);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex2, finish(&m)), 0);
	begin(&m, 10, 1, 0);
	data_v4(&m, 256, 0x0a000009, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(got[0].rec.af, 6);
	ck_assert_uint_eq(got[0].rec.src6[0], 0x20);
	ck_assert_uint_eq(got[0].rec.src6[15], 1);
	ck_assert_uint_eq(got[0].rec.exaddr, 0x7f000002);
	ck_assert_uint_eq(got[1].rec.af, 4);
	ck_assert_uint_eq(got[1].rec.srcaddr, 0x0a000009);
	ck_assert_uint_eq(got[1].rec.exaddr, 0x7f000001);
	ipfixdec_free(d);
}
END_TEST

/* v9 options template 400: scope System(4), SAMPLING_INTERVAL(4). */
static void
v9_sampling(struct mb *mm, uint32_t n)
{
	set_open(mm, NF9_SET_OPTIONS);
	put16(mm, 400);
	put16(mm, 4);
	put16(mm, 4);
	put16(mm, NF9_SCOPE_SYSTEM);
	put16(mm, 4);
	put16(mm, IPFIX_IE_SAMPLING_INTERVAL);
	put16(mm, 4);
	set_close(mm);
	set_open(mm, 400);
	put32(mm, 0);
	put32(mm, n);
	put16(mm, 0); /* padding */
	set_close(mm);
}

START_TEST(sampling_changes_midstream)
{
	struct ipfixdec *d = ipfixdec_new(NULL);

	begin(&m, 9, 0, 0);
	tpl_v4(&m, 300);
	v9_sampling(&m, 100);
	data_v4(&m, 300, 1, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	begin(&m, 9, 1, 0);
	v9_sampling(&m, 512);
	data_v4(&m, 300, 2, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(got[0].rec.sampling, 100);
	ck_assert_uint_eq(got[1].rec.sampling, 512);

	/* IPFIX: per sampler id, 305/306; a flow names its sampler (48). */
	begin(&m, 10, 0, 3);
	set_open(&m, IPFIX_SET_OPTIONS);
	put16(&m, 500);
	put16(&m, 3);
	put16(&m, 1);
	put16(&m, IPFIX_IE_SAMPLER_ID);
	put16(&m, 2);
	put16(&m, IPFIX_IE_SAMPLING_PACKET_INTERVAL);
	put16(&m, 4);
	put16(&m, IPFIX_IE_SAMPLING_PACKET_SPACE);
	put16(&m, 4);
	set_close(&m);
	set_open(&m, 500);
	put16(&m, 7);
	put32(&m, 1);
	put32(&m, 999);
	put16(&m, 9);
	put32(&m, 2);
	put32(&m, 6);
	set_close(&m);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 2);
	put16(&m, IPFIX_IE_SRC4);
	put16(&m, 4);
	put16(&m, IPFIX_IE_SAMPLER_ID);
	put16(&m, 1);
	set_close(&m);
	set_open(&m, 256);
	put32(&m, 1);
	put8(&m, 7);
	put32(&m, 2);
	put8(&m, 9);
	put32(&m, 3);
	put8(&m, 8); /* unknown sampler: domain default */
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 5);
	ck_assert_uint_eq(got[2].rec.sampling, 1000);
	ck_assert_uint_eq(got[3].rec.sampling, 4);
	ck_assert_uint_eq(got[4].rec.sampling, 1);
	ipfixdec_free(d);
}
END_TEST

START_TEST(time_encodings)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	int64_t base = (int64_t)T0 * 1000;

	begin(&m, 10, 0, 0);
	/* Options: system init time 1000 s before the export. */
	set_open(&m, IPFIX_SET_OPTIONS);
	put16(&m, 600);
	put16(&m, 2);
	put16(&m, 1);
	put16(&m, IPFIX_IE_DOMAIN);
	put16(&m, 4);
	put16(&m, IPFIX_IE_SYSINIT_MS);
	put16(&m, 8);
	set_close(&m);
	set_open(&m, 600);
	put32(&m, 0);
	put64(&m, (uint64_t)(base - 1000000));
	set_close(&m);
	/* 256: seconds + duration ms; 257: NTP us; 258: uptime 22/21. */
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 2);
	put16(&m, IPFIX_IE_START_SECS);
	put16(&m, 4);
	put16(&m, IPFIX_IE_DURATION_MS);
	put16(&m, 4);
	put16(&m, 257);
	put16(&m, 2);
	put16(&m, IPFIX_IE_START_US);
	put16(&m, 8);
	put16(&m, IPFIX_IE_END_NS);
	put16(&m, 8);
	put16(&m, 258);
	put16(&m, 2);
	put16(&m, IPFIX_IE_FIRST_UPTIME);
	put16(&m, 4);
	put16(&m, IPFIX_IE_LAST_UPTIME);
	put16(&m, 4);
	set_close(&m);
	set_open(&m, 256);
	put32(&m, T0 - 10);
	put32(&m, 2500);
	set_close(&m);
	set_open(&m, 257);
	put32(&m, T0 + 2208988800u - 5);
	put32(&m, 0x80000000u);
	put32(&m, T0 + 2208988800u - 4);
	put32(&m, 0x40000000u);
	set_close(&m);
	set_open(&m, 258);
	put32(&m, 10000);
	put32(&m, 20000);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 3);
	ck_assert_int_eq(got[0].rec.first_ms, base - 10000);
	ck_assert_int_eq(got[0].rec.last_ms, base - 7500);
	ck_assert_int_eq(got[1].rec.first_ms, base - 4500);
	ck_assert_int_eq(got[1].rec.last_ms, base - 3750);
	ck_assert_int_eq(got[2].rec.first_ms, base - 990000);
	ck_assert_int_eq(got[2].rec.last_ms, base - 980000);
	ck_assert_uint_eq(reason(d, IPFIXDEC_NOTIME), 0);

	/* The same uptime template from a domain with no init time. */
	begin(&m, 10, 0, 1);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 258);
	put16(&m, 1);
	put16(&m, IPFIX_IE_FIRST_UPTIME);
	put16(&m, 4);
	set_close(&m);
	set_open(&m, 258);
	put32(&m, 10000);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_NOTIME), 1);
	ck_assert_int_eq(got[3].rec.first_ms, base);
	ipfixdec_free(d);
}
END_TEST

START_TEST(varlen_enterprise_unknown)
{
	struct ipfixdec *d = ipfixdec_new(NULL);

	begin(&m, 10, 0, 0);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 4);
	put16(&m, 0x8000 | IPFIX_IE_SRC4);
	put16(&m, 6);
	put32(&m, 9);
	put16(&m, 9999);
	put16(&m, IPFIX_VARLEN); /* unknown, varlen */
	put16(&m, IPFIX_IE_DST4);
	put16(&m, 4);
	put16(&m, 400);
	put16(&m, 3); /* unknown, fixed */
	set_close(&m);
	set_open(&m, 256);
	put32(&m, 0xdeadbeef);
	put16(&m, 0xfeed); /* enterprise: skipped */
	put8(&m, 2);
	put16(&m, 0xaaaa);
	put32(&m, 0x0a0b0c0d);
	put16(&m, 0);
	put8(&m, 0);
	put32(&m, 0xdeadbeef);
	put16(&m, 0xfeed);
	put8(&m, 255);
	put16(&m, 300);
	memset(m.b + m.n, 0x55, 300);
	m.n += 300;
	put32(&m, 0x0a0b0c0e);
	put16(&m, 0);
	put8(&m, 0);
	/* A third record whose length runs past the set. */
	put32(&m, 0xdeadbeef);
	put16(&m, 0xfeed);
	put8(&m, 200);
	put32(&m, 0);
	put32(&m, 0);
	put16(&m, 0);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(got[0].rec.srcaddr, 0);
	ck_assert_uint_eq(got[0].rec.dstaddr, 0x0a0b0c0d);
	ck_assert_uint_eq(got[1].rec.dstaddr, 0x0a0b0c0e);
	ck_assert_uint_eq(reason(d, IPFIXDEC_RECTRUNC), 1);
	ipfixdec_free(d);
}
END_TEST

/* One template set holding one template of the given fields. */
static void
tpl_raw(struct mb *mm, uint16_t tid, int n, const uint16_t *f)
{
	int i;

	set_open(mm, mm->version == 9 ? NF9_SET_TEMPLATE : IPFIX_SET_TEMPLATE);
	put16(mm, tid);
	put16(mm, (uint16_t)n);
	for (i = 0; i < 2 * n; i++)
		put16(mm, f[i]);
	set_close(mm);
}

START_TEST(rejections)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	static uint16_t many[2 * (IPFIXDEC_MAXFIELDS + 1)];
	const uint16_t addr5[] = {IPFIX_IE_SRC4, 5};
	const uint16_t zero[] = {IPFIX_IE_PROTO, 0};
	const uint16_t ok[] = {IPFIX_IE_PROTO, 1};
	const uint16_t huge[] = {500, 40000, 501, 40000};
	const uint16_t cnt9[] = {IPFIX_IE_PACKETS, 9};
	int i;

	/* Short, version, IPFIX length. */
	m.b[0] = 0;
	m.b[1] = 10;
	ck_assert_int_eq(ipfixdec_message(d, &ex1, 0, m.b, 1, emit, NULL), -1);
	ck_assert_int_eq(ipfixdec_message(d, &ex1, 0, m.b, 15, emit, NULL), -1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_SHORT), 2);
	begin(&m, 10, 0, 0);
	m.b[1] = 5;
	ck_assert_int_eq(feed(d, &ex1, 16), -1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_VERSION), 1);
	begin(&m, 10, 0, 0);
	finish(&m);
	ck_assert_int_eq(feed(d, &ex1, 20), -1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_MSGLEN), 1);

	/* Set length 2, then beyond the message: sets before still count. */
	begin(&m, 10, 0, 0);
	tpl_v4(&m, 256);
	data_v4(&m, 256, 1, 0);
	put16(&m, 256);
	put16(&m, 2);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 1);
	begin(&m, 10, 0, 0);
	data_v4(&m, 256, 1, 0);
	put16(&m, 256);
	put16(&m, 400);
	put32(&m, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_SETLEN), 2);
	ck_assert_uint_eq(ngot, 2);

	/* Reserved set id, then a good set after it (nfcapd gave up). */
	begin(&m, 10, 0, 0);
	set_open(&m, 77);
	put32(&m, 1);
	set_close(&m);
	data_v4(&m, 256, 1, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_SETID), 1);
	ck_assert_uint_eq(ngot, 3);

	/* Template faults, each followed by a good template in the set. */
	begin(&m, 10, 0, 0);
	tpl_raw(&m, 300, 1, addr5);
	tpl_raw(&m, 301, 1, zero);
	tpl_raw(&m, 302, 2, huge);
	tpl_raw(&m, 100, 1, ok);
	tpl_raw(&m, 303, 1, cnt9);
	for (i = 0; i <= IPFIXDEC_MAXFIELDS; i++) {
		many[2 * i] = IPFIX_IE_PROTO;
		many[2 * i + 1] = 1;
	}
	tpl_raw(&m, 304, IPFIXDEC_MAXFIELDS + 1, many);
	set_open(&m, IPFIX_SET_TEMPLATE); /* cut off */
	put16(&m, 305);
	put16(&m, 3);
	put16(&m, 8);
	put16(&m, 4);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_FIELDLEN), 3);
	ck_assert_uint_eq(reason(d, IPFIXDEC_RECLEN), 1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_TPLID), 1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_TPLFIELDS), 1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_TPLSHORT), 1);

	/* v9: a template of zero fields (goflow2 looped on it forever). */
	begin(&m, 9, 0, 0);
	tpl_raw(&m, 300, 0, NULL);
	data_v4(&m, 300, 1, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_TPLZERO), 1);
	ck_assert_uint_eq(reason(d, IPFIXDEC_NOTEMPLATE), 1);

	/* IE 315: a frame that is not IP. */
	begin(&m, 10, 0, 0);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 1);
	put16(&m, IPFIX_IE_FRAME_SECTION);
	put16(&m, IPFIX_VARLEN);
	set_close(&m);
	set_open(&m, 256);
	put8(&m, 14);
	for (i = 0; i < 12; i++)
		put8(&m, 0);
	put16(&m, 0x0806); /* ARP */
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(reason(d, IPFIXDEC_FRAME), 1);

	for (i = 0; i < IPFIXDEC_NREASON; i++)
		ck_assert_str_ne(ipfixdec_reason_name(i), "?");
	ipfixdec_free(d);
}
END_TEST

START_TEST(frame_section)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	static const uint8_t frame[] = {
	    0,	1,    2,    3,	  4,	5,    6,    7, 8,  9,	 10,
	    11, 0x08, 0x00, 0x45, 0x10, 0x05, 0xdc, 0, 0,  0x40, 0,
	    64, 17,   0,    0,	  10,	0,    0,    1, 10, 0,	 0,
	    2,	0x30, 0x39, 0x00, 0x35, 0x05, 0xc8, 0, 0,
	};

	begin(&m, 10, 0, 0);
	set_open(&m, IPFIX_SET_OPTIONS);
	put16(&m, 500);
	put16(&m, 2);
	put16(&m, 1);
	put16(&m, IPFIX_IE_DOMAIN);
	put16(&m, 4);
	put16(&m, IPFIX_IE_SAMPLING_INTERVAL);
	put16(&m, 4);
	set_close(&m);
	set_open(&m, 500);
	put32(&m, 0);
	put32(&m, 2000);
	set_close(&m);
	set_open(&m, IPFIX_SET_TEMPLATE);
	put16(&m, 256);
	put16(&m, 1);
	put16(&m, IPFIX_IE_FRAME_SECTION);
	put16(&m, IPFIX_VARLEN);
	set_close(&m);
	set_open(&m, 256);
	put8(&m, sizeof(frame));
	memcpy(m.b + m.n, frame, sizeof(frame));
	m.n += sizeof(frame);
	set_close(&m);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].frame, 1);
	ck_assert_uint_eq(got[0].rec.packets, 1);
	ck_assert_uint_eq(got[0].rec.bytes, 1500);
	ck_assert_uint_eq(got[0].rec.srcaddr, 0x0a000001);
	ck_assert_uint_eq(got[0].rec.dstport, 53);
	ck_assert_uint_eq(got[0].rec.proto, 17);
	ck_assert_uint_eq(got[0].rec.sampling, 2000);
	ipfixdec_free(d);
}
END_TEST

START_TEST(sequence_accounting)
{
	struct ipfixdec *d = ipfixdec_new(NULL);
	struct ipfixdec_stats t;
	struct ipfixdec_last last;

	/* IPFIX counts records: 1 sent, the next says 4, so 3 lost. */
	begin(&m, 10, 0, 0);
	tpl_v4(&m, 256);
	data_v4(&m, 256, 1, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	begin(&m, 10, 1, 0);
	data_v4(&m, 256, 1, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	begin(&m, 10, 5, 0);
	data_v4(&m, 256, 1, 0);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ipfixdec_total(d, &t);
	ck_assert_uint_eq(t.lost, 3);
	/* The collector reads each message's own gap and flows. */
	ipfixdec_last(d, &last);
	ck_assert_int_eq(last.version, 10);
	ck_assert_uint_eq(last.lost, 3);
	ck_assert_uint_eq(last.flows, 1);
	/* v9 counts packets, per source id: 10 then 12 is 1 lost. */
	begin(&m, 9, 10, 4);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	begin(&m, 9, 12, 4);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	begin(&m, 9, 0, 5); /* another source id: its own count */
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	ipfixdec_total(d, &t);
	ck_assert_uint_eq(t.lost, 4);
	ipfixdec_free(d);
}
END_TEST

START_TEST(persisted_templates)
{
	struct ipfixdec *d = ipfixdec_new(NULL), *d2;
	uint8_t *saved;
	size_t len;

	begin(&m, 9, 0, 0);
	tpl_v4(&m, 300);
	v9_sampling(&m, 10);
	ck_assert_int_eq(feed(d, &ex1, finish(&m)), 0);
	saved = ipfixdec_save(d, &len);
	ck_assert_ptr_nonnull(saved);
	ipfixdec_free(d);

	/* Restarted: data at once, no template in the stream. */
	d2 = ipfixdec_new(NULL);
	ck_assert_int_eq(ipfixdec_load(d2, saved, len), 2);
	begin(&m, 9, 1, 0);
	data_v4(&m, 300, 0x0a000005, 0);
	ck_assert_int_eq(feed(d2, &ex1, finish(&m)), 0);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].rec.srcaddr, 0x0a000005);
	/* Damaged or truncated files are refused. */
	ck_assert_int_eq(ipfixdec_load(d2, saved, len - 1), -1);
	saved[0] = 'X';
	ck_assert_int_eq(ipfixdec_load(d2, saved, len), -1);
	free(saved);
	ipfixdec_free(d2);
}
END_TEST

START_TEST(template_flood)
{
	struct ipfixdec_limits lim = {16, 32};
	struct ipfixdec *d = ipfixdec_new(&lim);
	struct ipfixdec_stats t;
	size_t peak = 0, bound;
	uint32_t e, i;

	/*
	 * 64 exporters each send 2000 template ids of 100 fields: the
	 * decoder must refuse what is over its limits and its memory must
	 * stay under what the limits allow.
	 */
	for (e = 0; e < 64; e++) {
		struct ipfixdec_source s = source(0x7f000100 + e);

		for (i = 0; i < 2000; i += 50) {
			uint32_t k;

			begin(&m, 10, 0, 0);
			for (k = i; k < i + 50; k++) {
				uint16_t f[200];
				int j;

				for (j = 0; j < 100; j++) {
					f[2 * j] = (uint16_t)(1000 + j);
					f[2 * j + 1] = 4;
				}
				tpl_raw(&m, (uint16_t)(256 + k), 100, f);
			}
			ipfixdec_message(d, &s, 0, m.b, finish(&m), emit, NULL);
			if (ipfixdec_memory(d) > peak)
				peak = ipfixdec_memory(d);
		}
	}
	ipfixdec_total(d, &t);
	bound = 16 * (32 * (100 * 12 + 64 + 96) + 1024) + 1024 * 1024;
	printf("template flood: peak %zu bytes for %llu templates learnt, "
	       "%llu refused (template limit), %llu messages refused "
	       "(exporter limit)\n",
	       peak, (unsigned long long)t.templates,
	       (unsigned long long)t.reason[IPFIXDEC_TPLLIMIT],
	       (unsigned long long)t.reason[IPFIXDEC_EXPLIMIT]);
	ck_assert_uint_le(peak, bound);
	ck_assert_uint_eq(t.reason[IPFIXDEC_EXPLIMIT], 48 * 40);
	ck_assert_uint_eq(t.templates, 16 * 32);
	ipfixdec_free(d);
}
END_TEST

UNIT_MAIN_FIXTURE("ipfixdec", 0, setup, NULL, ipfix_template_and_data,
		  v9_uptime_and_lying_count, data_before_template,
		  early_data_bounded, withdrawal, replacement_new_layout,
		  two_exporters_same_id, sampling_changes_midstream,
		  time_encodings, varlen_enterprise_unknown, rejections,
		  frame_section, sequence_accounting, persisted_templates,
		  template_flood)
