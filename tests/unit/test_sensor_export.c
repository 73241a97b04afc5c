/*
 * test_sensor_export: the exporter: the version table, 30 records per
 * datagram, flush, flow_sequence, header fields (engine, sampling, time
 * base), IPv6 refused by v5, destinations parsed and sent to on 127.0.0.1
 * (two at once, same datagram), and send failures counted.
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

#define T0	1700000000000LL

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

static struct flowrec
rec(uint32_t n)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.srcaddr = 0x0a000000 + n;
	r.dstaddr = 0xc0a80001;
	r.packets = n + 1;
	r.bytes = 100 * (n + 1);
	r.first_ms = T0 + 1000;
	r.last_ms = T0 + 2500;
	r.proto = 17;
	r.srcport = (uint16_t)n;
	return r;
}

START_TEST(versions)
{
	ck_assert_int_eq(export_version_supported(5), 1);
	ck_assert_int_eq(export_version_supported(9), 0);
	ck_assert_ptr_null(export_new(1));
	ck_assert_str_eq(export_versions(), "5");
}
END_TEST

START_TEST(batches_of_30_and_sequence)
{
	struct export *ex = export_new(5);
	struct flowrec r;
	uint32_t i;

	nd = 0;
	export_set_sink(ex, sink, NULL);
	export_set_engine(ex, 7, 9);
	export_set_sampling(ex, 1U << 14 | 10);
	for (i = 0; i < 31; i++) {
		r = rec(i);
		ck_assert_int_eq(export_flow(ex, &r, 4, T0 + 5000, T0), 0);
	}
	ck_assert_uint_eq(nd, 1);		/* 30 ready: sent at once */
	export_flush(ex, T0 + 6000, T0);
	ck_assert_uint_eq(nd, 2);
	export_flush(ex, T0 + 7000, T0);	/* nothing queued */
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
	struct flowrec r = rec(1);

	nd = 0;
	export_set_sink(ex, sink, NULL);
	ck_assert_int_eq(export_flow(ex, &r, 6, T0, T0), -1);
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
	struct timeval tv = { 2, 0 };
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
	struct flowrec r = rec(3);
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
	export_flow(ex, &r, 4, T0 + 10, T0);
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
	struct flowrec r = rec(1);
	uint16_t port;
	char spec[64];
	int fd = udp_listener(&port), i;

	/* A port nobody listens on: ICMP port unreachable comes back. */
	close(fd);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
	ck_assert_int_eq(export_parse_dests(ex, spec, NULL), 0);
	for (i = 0; i < 5; i++) {
		export_flow(ex, &r, 4, T0, T0);
		export_flush(ex, T0, T0);
		usleep(10000);
	}
	ck_assert_uint_ge(export_stats(ex)->failures, 1);
	ck_assert_uint_eq(export_dest(ex, 0)->failures +
	    export_dest(ex, 0)->datagrams, 5);
	ck_assert_uint_eq(export_stats(ex)->datagrams, 5);
	export_free(ex);
}
END_TEST

static Suite *
export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_add_test(tc, versions);
	tcase_add_test(tc, batches_of_30_and_sequence);
	tcase_add_test(tc, ipv6_refused_by_v5);
	tcase_add_test(tc, two_destinations_same_datagram);
	tcase_add_test(tc, bad_destinations);
	tcase_add_test(tc, send_failures_counted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(export_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
