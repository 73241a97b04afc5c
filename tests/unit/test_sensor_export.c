/*
 * test_sensor_export: the exporter: the version table, 30 records per datagram,
 * flush, flow_sequence, header fields (engine, sampling, time base),
 * IPv6 refused by v5, destinations parsed and sent to on 127.0.0.1 (two
 * at once, same datagram), and send failures counted; for v9 and IPFIX
 * the datagram size bound, sequence numbers, header counts and when
 * templates go out.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../../sensor/export.h"
#include "v5.h"
#include "unit.h"

#define T0 1700000000000LL

static struct v5_header hs[64];
static struct v5_record rs[64][V5_MAXRECS];
static size_t nd;

static void
sink(void *arg, const uint8_t *d, size_t len)
{
	(void)arg;
	ck_assert_int_lt(nd, 64);
	ck_assert_int_eq(v5_decode(d, len, &hs[nd], rs[nd]), V5_OK);
	nd++;
}

static struct ipfix_rec
rec(uint32_t n)
{
	struct ipfix_rec r;

	memset(&r, 0, sizeof(r));
	r.af = 4;
	r.src[0] = 10;
	r.src[3] = (uint8_t)n;
	r.dst[0] = 192;
	r.dst[1] = 168;
	r.dst[3] = 1;
	r.packets = n + 1;
	r.bytes = 100 * (n + 1);
	r.first_ms = T0 + 1000;
	r.last_ms = T0 + 2500;
	r.proto = 17;
	r.sport = (uint16_t)n;
	return r;
}

START_TEST(versions)
{
	ck_assert_int_eq(export_version_supported(5), 1);
	ck_assert_int_eq(export_version_supported(9), 1);
	ck_assert_int_eq(export_version_supported(10), 1);
	ck_assert_int_eq(export_version_supported(7), 0);
	ck_assert_ptr_null(export_new(1));
}
END_TEST

START_TEST(batches_of_30_and_sequence)
{
	struct export *ex = export_new(5);
	struct ipfix_rec r;
	uint32_t i;

	nd = 0;
	export_set_sink(ex, sink, NULL);
	export_set_engine(ex, 7, 9);
	export_set_sampling(ex, 10);
	for (i = 0; i < 31; i++) {
		r = rec(i);
		ck_assert_int_eq(export_flow(ex, &r, T0 + 5000, T0), 0);
	}
	ck_assert_uint_eq(nd, 1); /* 30 ready: sent at once */
	export_flush(ex, T0 + 6000, T0);
	ck_assert_uint_eq(nd, 2);
	export_flush(ex, T0 + 7000, T0); /* nothing queued */
	ck_assert_uint_eq(nd, 2);
	ck_assert_uint_eq(hs[0].count, 30);
	ck_assert_uint_eq(hs[1].count, 1);
	ck_assert_uint_eq(hs[0].flow_sequence, 0);
	ck_assert_uint_eq(hs[1].flow_sequence, 30);
	ck_assert_uint_eq(hs[0].engine_type, 7);
	ck_assert_uint_eq(hs[0].engine_id, 9);
	ck_assert_uint_eq(hs[0].sampling, 0x4000 | 10);
	/* Time base: uptime since boot, unix time of the export. */
	ck_assert_uint_eq(hs[0].sys_uptime, 5000);
	ck_assert_uint_eq(hs[0].unix_secs, (T0 + 5000) / 1000);
	ck_assert_uint_eq(hs[1].sys_uptime, 6000);
	ck_assert_uint_eq(rs[0][0].first, 1000);
	ck_assert_uint_eq(rs[0][0].last, 2500);
	ck_assert_uint_eq(rs[0][29].srcport, 29);
	ck_assert_uint_eq(rs[0][29].octets, 3000);
	ck_assert_uint_eq(rs[1][0].srcaddr, 0x0a00001e);
	ck_assert_uint_eq(export_stats(ex)->flows, 31);
	ck_assert_uint_eq(export_stats(ex)->datagrams, 2);
	export_free(ex);
}
END_TEST

START_TEST(ipv6_refused_by_v5)
{
	struct export *ex = export_new(5);
	struct ipfix_rec r = rec(1);

	nd = 0;
	export_set_sink(ex, sink, NULL);
	r.af = 6;
	ck_assert_int_eq(export_flow(ex, &r, T0, T0), -1);
	export_flush(ex, T0, T0);
	ck_assert_uint_eq(nd, 0);
	ck_assert_uint_eq(export_stats(ex)->unexportable, 1);
	export_free(ex);
}
END_TEST

static int
udp_listener(uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct timeval tv = {2, 0};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*port = ntohs(sin.sin_port);
	return fd;
}

START_TEST(two_destinations_same_datagram)
{
	struct export *ex = export_new(5);
	struct ipfix_rec r = rec(3);
	uint8_t a[2000], b[2000];
	struct v5_header h;
	struct v5_record vr[V5_MAXRECS];
	uint16_t pa, pb;
	char spec[64];
	int fa = udp_listener(&pa), fb = udp_listener(&pb);
	ssize_t na, nb;

	snprintf(spec, sizeof(spec), "127.0.0.1:%u,127.0.0.1:%u", pa, pb);
	ck_assert_int_eq(export_parse_dests(ex, spec, NULL), 0);
	ck_assert_uint_eq(export_ndests(ex), 2);
	export_flow(ex, &r, T0 + 10, T0);
	export_flush(ex, T0 + 10, T0);
	na = recv(fa, a, sizeof(a), 0);
	nb = recv(fb, b, sizeof(b), 0);
	ck_assert_int_eq(na, V5_HDRLEN + V5_RECLEN);
	ck_assert_int_eq(nb, na);
	ck_assert_int_eq(memcmp(a, b, (size_t)na), 0);
	ck_assert_int_eq(v5_decode(a, (size_t)na, &h, vr), V5_OK);
	ck_assert_uint_eq(vr[0].packets, 4);
	ck_assert_uint_eq(export_dest(ex, 0)->datagrams, 1);
	ck_assert_uint_eq(export_dest(ex, 1)->flows, 1);
	ck_assert_ptr_null(export_dest(ex, 2));
	/* One flow, two copies delivered: "Flows exported: 1 (2 records)". */
	ck_assert_uint_eq(export_stats(ex)->flows, 1);
	ck_assert_uint_eq(export_stats(ex)->records, 2);
	close(fa);
	close(fb);
	export_free(ex);
}
END_TEST

START_TEST(bad_destinations)
{
	struct export *ex = export_new(5);
	const char *bad = NULL;

	ck_assert_int_eq(export_parse_dests(ex, "127.0.0.1", &bad), -1);
	ck_assert_ptr_nonnull(bad);
	ck_assert_int_eq(export_parse_dests(ex, "127.0.0.1:0", NULL), -1);
	ck_assert_int_eq(export_parse_dests(ex, "127.0.0.1:99999", NULL), -1);
	ck_assert_int_eq(export_parse_dests(ex, "127.0.0.1:9,", NULL), 0);
	ck_assert_int_eq(export_parse_dests(ex, ",127.0.0.1:9", NULL), -1);
	ck_assert_int_eq(export_parse_dests(ex, "[::1]:9", NULL), 0);
	ck_assert_uint_eq(export_ndests(ex), 2);
	export_free(ex);
}
END_TEST

START_TEST(send_failures_counted)
{
	struct export *ex = export_new(5);
	struct ipfix_rec r = rec(1);
	uint16_t port;
	char spec[64];
	int fd = udp_listener(&port), i;

	/* A port nobody listens on: ICMP port unreachable comes back. */
	close(fd);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
	ck_assert_int_eq(export_parse_dests(ex, spec, NULL), 0);
	for (i = 0; i < 5; i++) {
		export_flow(ex, &r, T0, T0);
		export_flush(ex, T0, T0);
		usleep(10000);
	}
	ck_assert_uint_ge(export_stats(ex)->failures, 1);
	ck_assert_uint_eq(
	    export_dest(ex, 0)->failures + export_dest(ex, 0)->datagrams, 5);
	ck_assert_uint_eq(export_stats(ex)->datagrams, 5);
	/* Only what reached the socket counts as a record sent. */
	ck_assert_uint_eq(export_stats(ex)->records,
			  export_dest(ex, 0)->datagrams);
	export_free(ex);
}
END_TEST

/* v9/IPFIX datagrams seen by the sink, raw. */
static uint8_t raw[64][EXPORT_MAX_MTU];
static size_t rawlen[64];

static void
rawsink(void *arg, const uint8_t *d, size_t len)
{
	(void)arg;
	ck_assert_int_lt(nd, 64);
	memcpy(raw[nd], d, len);
	rawlen[nd++] = len;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Data records in a message: walk its sets, count by template. */
static size_t
data_records(const uint8_t *d, size_t len, size_t hdr, int *templates)
{
	size_t off = hdr, n = 0, slen;
	uint16_t id;

	*templates = 0;
	while (off + 4 <= len) {
		id = be16(d + off);
		slen = be16(d + off + 2);
		ck_assert_uint_ge(slen, 4);
		ck_assert_uint_eq(slen % 4, 0);
		ck_assert_uint_le(off + slen, len);
		if (id == IPFIX_TID_IPV4)
			n += (slen - 4) / ipfix_reclen(be16(d), 0, 0, 4);
		else if (id == IPFIX_TID_IPV6)
			n += (slen - 4) / ipfix_reclen(be16(d), 0, 0, 6);
		else if (id == NF9_SET_TEMPLATE || id == IPFIX_SET_TEMPLATE)
			*templates = 1;
		off += slen;
	}
	ck_assert_uint_eq(off, len);
	return n;
}

/*
 * 100 flows, both families, into 512-byte datagrams: none is larger, the
 * records all arrive, IPFIX sequence numbers count the data records sent
 * before each message (the sampling options record included), the
 * templates go first and again after every 3 messages
 * (-o template-packets=3).
 */
START_TEST(ipfix_size_bound_and_sequence)
{
	struct export *ex = export_new(IPFIX_VERSION);
	struct ipfix_rec r;
	size_t i, total = 0, flows = 0, n;
	int tpl;

	nd = 0;
	export_set_sink(ex, rawsink, NULL);
	export_set_engine(ex, 0, 5);
	ck_assert_int_eq(export_set_mtu(ex, 511), -1);
	ck_assert_int_eq(export_set_mtu(ex, 512), 0);
	export_set_refresh(ex, 3, 0);
	export_set_sampling(ex, 10);
	for (i = 0; i < 100; i++) {
		r = rec((uint32_t)i);
		r.af = i % 3 == 0 ? 6 : 4;
		ck_assert_int_eq(export_flow(ex, &r, T0 + 5000, T0), 0);
	}
	export_flush(ex, T0 + 5000, T0);
	ck_assert_uint_ge(nd, 10);
	for (i = 0; i < nd; i++) {
		ck_assert_uint_le(rawlen[i], 512);
		ck_assert_uint_eq(be16(raw[i]), IPFIX_VERSION);
		ck_assert_uint_eq(be16(raw[i] + 2), rawlen[i]);
		ck_assert_uint_eq(be32(raw[i] + 8), total); /* sequence */
		ck_assert_uint_eq(be32(raw[i] + 12), 5);    /* engine id */
		n = data_records(raw[i], rawlen[i], IPFIX_HDRLEN, &tpl);
		ck_assert_int_eq(tpl, i % 4 == 0);
		total += n + tpl; /* the sampling options record */
		flows += n;
	}
	ck_assert_uint_eq(flows, 100);
	ck_assert_uint_eq(export_stats(ex)->flows, 100);
	ck_assert_uint_eq(export_stats(ex)->template_msgs, (nd + 3) / 4);
	export_free(ex);
}
END_TEST

/*
 * v9: the sequence counts export packets; the header count is every
 * record; templates go out on the timer and on demand, alone if nothing
 * is queued; the source id is the engine id unless set.
 */
START_TEST(v9_sequence_timer_and_send_template)
{
	struct export *ex = export_new(NF9_VERSION);
	struct ipfix_rec r = rec(1);
	int tpl;
	size_t i, n;

	nd = 0;
	export_set_sink(ex, rawsink, NULL);
	export_set_engine(ex, 0, 5);
	export_set_domain(ex, 77);
	export_set_refresh(ex, 0, 60);
	for (i = 0; i < 4; i++) {
		export_flow(ex, &r, T0 + (int64_t)i * 40000, T0);
		export_flush(ex, T0 + (int64_t)i * 40000, T0);
	}
	ck_assert_int_eq(export_send_templates(ex, T0 + 130000, T0), 0);
	ck_assert_uint_eq(nd, 5);
	for (i = 0; i < nd; i++) {
		ck_assert_uint_eq(be16(raw[i]), NF9_VERSION);
		ck_assert_uint_eq(be32(raw[i] + 12), i); /* sequence */
		ck_assert_uint_eq(be32(raw[i] + 16), 77);
		n = data_records(raw[i], rawlen[i], NF9_HDRLEN, &tpl);
		ck_assert_uint_eq(be16(raw[i] + 2), n + (tpl ? 2 : 0));
		/* At 0 s (first), 80 s (60 s after), and on demand. */
		ck_assert_int_eq(tpl, i == 0 || i == 2 || i == 4);
		ck_assert_uint_eq(n, i < 4);
	}
	ck_assert_uint_eq(export_dest(ex, 0) == NULL, 1);
	export_free(ex);
	ex = export_new(5);
	ck_assert_int_eq(export_send_templates(ex, T0, T0), -1);
	export_free(ex);
}
END_TEST

START_TEST(version_names)
{
	int v;

	ck_assert_int_eq(export_version_parse("ipfix", &v), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(export_version_parse("9", &v), 0);
	ck_assert_int_eq(v, 9);
	ck_assert_int_eq(export_version_parse("5", &v), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(export_version_parse("7", &v), -1);
	ck_assert_int_eq(export_version_parse("IPFIX", &v), -1);
	ck_assert_int_eq(export_version_parse("", &v), -1);
}
END_TEST

UNIT_MAIN_TESTS("export", 0, versions, batches_of_30_and_sequence,
		ipv6_refused_by_v5, two_destinations_same_datagram,
		bad_destinations, send_failures_counted,
		ipfix_size_bound_and_sequence,
		v9_sequence_timer_and_send_template, version_names)
