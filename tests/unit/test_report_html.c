/*
 * Unit tests of the web report's modules: HTML escaping (markup, control
 * characters, broken UTF-8, truncation), SI labels, --local prefixes and
 * directions, service ports and names, the one-pass accumulator against
 * brute-force sums (layers, directions, services, merging), whole pages
 * with and without flows, and the --bars blocks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/html.h"
#include "../../report/localnet.h"
#include "../../report/sparkline.h"
#include "../../report/svcname.h"
#include "../../report/svg.h"
#include "../../report/webagg.h"
#include "unit.h"

START_TEST(test_escape)
{
	char out[256];

	html_escape("<script>alert(\"x&y\")</script>'", out, sizeof(out));
	ck_assert_str_eq(out, "&lt;script&gt;alert(&quot;x&amp;y&quot;)"
			      "&lt;/script&gt;&#39;");
	/* Control characters and bytes that are not UTF-8 become U+FFFD. */
	html_escape("a\x01"
		    "b\x7f"
		    "c\xff"
		    "d",
		    out, sizeof(out));
	ck_assert_str_eq(out, "a\xef\xbf\xbd"
			      "b\xef\xbf\xbd"
			      "c\xef\xbf\xbd"
			      "d");
	html_escape("\xc0\xaf|\xed\xa0\x80|\xe2\x82", out, sizeof(out));
	ck_assert_ptr_null(strstr(out, "\xc0"));
	ck_assert_ptr_null(strstr(out, "\xed\xa0"));
	/* Real UTF-8 stays. */
	html_escape("Stra\xc3\x9f"
		    "e \xe2\x82\xac \xf0\x9f\x98\x80",
		    out, sizeof(out));
	ck_assert_str_eq(out, "Stra\xc3\x9f"
			      "e \xe2\x82\xac \xf0\x9f\x98\x80");
	/* Truncation never cuts an entity or a character in half. */
	ck_assert_uint_eq(html_escape("ab<cd", out, 5), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(html_escape("a\xe2\x82\xac", out, 4), 1);
	ck_assert_str_eq(out, "a");
}
END_TEST

/* html_text() in pieces equals html_escape() of the whole. */
START_TEST(test_text_pieces)
{
	char in[1200], want[8000], *got = NULL;
	size_t len = 0, i;
	FILE *f;

	for (i = 0; i + 3 < sizeof(in) - 1; i += 3)
		memcpy(in + i, i % 2 ? "\xe2\x82\xac" : "<&>", 3);
	in[i] = '\0';
	html_escape(in, want, sizeof(want));
	ck_assert_ptr_nonnull(f = open_memstream(&got, &len));
	html_text(f, in);
	fclose(f);
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

START_TEST(test_si)
{
	char t[16];

	svg_si(0, t);
	ck_assert_str_eq(t, "0");
	svg_si(950, t);
	ck_assert_str_eq(t, "950");
	svg_si(1500, t);
	ck_assert_str_eq(t, "1.5 k");
	svg_si(20e6, t);
	ck_assert_str_eq(t, "20 M");
	svg_si(2.5e9, t);
	ck_assert_str_eq(t, "2.5 G");
}
END_TEST

static struct flowrec
flow(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sp, uint16_t dp,
     uint64_t bytes, int64_t last)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.srcaddr = src;
	r.dstaddr = dst;
	r.proto = proto;
	r.srcport = sp;
	r.dstport = dp;
	r.bytes = bytes;
	r.packets = 1 + bytes / 500;
	r.first_ms = last - 1000;
	r.last_ms = last;
	r.exaddr = 0x7f000001;
	return r;
}

START_TEST(test_localnet)
{
	struct localnet n;
	struct flowrec r;
	char err[128];

	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(localnet_parse(&n,
					"10.0.0.0/8,192.0.2.1,"
					"2001:db8::/32",
					err, sizeof(err)),
			 0);
	ck_assert_int_eq(n.n4, 2);
	ck_assert_int_eq(n.n6, 1);
	ck_assert_int_eq(localnet_has_v4(&n, 0x0a010203), 1);
	ck_assert_int_eq(localnet_has_v4(&n, 0xc0000201), 1);
	ck_assert_int_eq(localnet_has_v4(&n, 0xc0000202), 0);
	r = flow(0x0a000001, 0x08080808, 6, 1, 2, 1, 1);
	ck_assert_int_eq(localnet_dir(&n, &r), LOCALNET_OUT);
	r = flow(0x08080808, 0x0a000001, 6, 1, 2, 1, 1);
	ck_assert_int_eq(localnet_dir(&n, &r), LOCALNET_IN);
	r = flow(0x0a000001, 0x0a000002, 6, 1, 2, 1, 1);
	ck_assert_int_eq(localnet_dir(&n, &r), LOCALNET_OTHER);
	r = flow(0x08080808, 0x08080404, 6, 1, 2, 1, 1);
	ck_assert_int_eq(localnet_dir(&n, &r), LOCALNET_OTHER);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(localnet_parse(&n, "10.0.0.0/33", err, sizeof(err)),
			 -1);
	ck_assert_int_eq(localnet_parse(&n, "example.com", err, sizeof(err)),
			 -1);
	ck_assert_int_eq(localnet_parse(&n, ",", err, sizeof(err)), -1);
	ck_assert_int_eq(localnet_parse(&n, "::/129", err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_services)
{
	char t[64];

	ck_assert_uint_eq(svcname_port(6, 50123, 443), 443);
	ck_assert_uint_eq(svcname_port(6, 443, 50123), 443);
	ck_assert_uint_eq(svcname_port(17, 40000, 50000), 40000);
	ck_assert_uint_eq(svcname_port(17, 53, 5353), 5353);
	ck_assert_uint_eq(svcname_port(1, 0, 2048), 0);
	svcname_text(6, 443, t, sizeof(t));
	ck_assert_str_eq(t, "tcp/443 https");
	svcname_text(17, 53, t, sizeof(t));
	ck_assert_str_eq(t, "udp/53 domain");
	svcname_text(1, 0, t, sizeof(t));
	ck_assert_str_eq(t, "icmp");
	svcname_text(99, 0, t, sizeof(t));
	ck_assert_str_eq(t, "proto 99");
	ck_assert_int_eq(svcname_known(6, 22), 1);
	ck_assert_int_eq(svcname_known(17, 22), 0);
	/* The bitmap in front of the search: first, last, neighbours. */
	ck_assert_int_eq(svcname_known(6, 20), 1);
	ck_assert_int_eq(svcname_known(6, 19), 0);
	ck_assert_int_eq(svcname_known(17, 51820), 1);
	ck_assert_int_eq(svcname_known(17, 51819), 0);
	ck_assert_int_eq(svcname_known(17, 51821), 0);
	ck_assert_int_eq(svcname_known(17, 51820 - 64), 0);
	ck_assert_int_eq(svcname_known(17, 9995), 1);
	ck_assert_int_eq(svcname_known(17, 9995 + 32), 0);
	ck_assert_int_eq(svcname_known(6, 65535), 0);
}
END_TEST

#define NF 5000
#define T0 1699999800000LL /* ms, a multiple of 5 minutes */

static struct flowrec flows[NF];

static void
make_flows(void)
{
	static const uint8_t protos[] = {6, 6, 6, 17, 17, 1, 47};
	static const uint16_t ports[] = {443,  80,    22,    53,  8080,
					 3000, 40000, 60001, 123, 25};
	unsigned s = 7;
	size_t i;

	for (i = 0; i < NF; i++) {
		s = s * 1103515245u + 12345u;
		flows[i] = flow(
		    i % 3 ? 0x0a000000 | (s >> 20 & 0xff)
			  : 0xc6336400 | (s >> 12 & 0xff),
		    i % 5 ? 0x08080800 | (s >> 8 & 0xff) : 0x0a000001,
		    protos[s % 7], ports[(s >> 8) % 10], ports[(s >> 16) % 10],
		    40 + (s >> 4) % 100000, T0 + (int64_t)((s >> 3) % 7200000));
	}
}

/* Sum of one metric over every bucket of n layers. */
static uint64_t
layers_sum(const struct weblayer *l, int n, size_t nb, int m)
{
	uint64_t s = 0;
	size_t i;
	int k;

	for (k = 0; k < n; k++)
		for (i = 0; i < nb; i++)
			s += l[k].v[i][m];
	return s;
}

START_TEST(test_webagg_sums)
{
	struct localnet n;
	struct webagg_opts o = {60000, &n};
	struct webagg *a, *b;
	struct webview v;
	struct window win = {INT64_MIN, INT64_MAX};
	struct aggrow *svc;
	const enum order by_bytes = O_BYTES;
	uint64_t want[3] = {0, 0, 0}, got, dir[3][3];
	size_t i, ns;
	int m, d;
	char err[64];

	make_flows();
	memset(&n, 0, sizeof(n));
	memset(dir, 0, sizeof(dir));
	ck_assert_int_eq(localnet_parse(&n, "10.0.0.0/8", err, sizeof(err)), 0);
	for (i = 0; i < NF; i++) {
		d = localnet_dir(&n, &flows[i]);
		dir[d][WV_FLOWS]++;
		dir[d][WV_PACKETS] += flows[i].packets;
		dir[d][WV_BYTES] += flows[i].bytes;
		want[WV_FLOWS]++;
		want[WV_PACKETS] += flows[i].packets;
		want[WV_BYTES] += flows[i].bytes;
	}
	/* Two workers, merged, as run.c does. */
	ck_assert_ptr_nonnull(a = webagg_new(&o));
	ck_assert_ptr_nonnull(b = webagg_new(&o));
	ck_assert_int_eq(webagg_add(a, flows, NF / 2), 0);
	ck_assert_int_eq(webagg_add(b, flows + NF / 2, NF - NF / 2), 0);
	ck_assert_int_eq(webagg_merge(a, b), 0);
	ck_assert_int_eq(webagg_view_build(&v, a, &win), 0);
	ck_assert_int_eq(v.ndir, 2);
	/* Two hours of one-minute buckets: 120 of them (or 121). */
	ck_assert_uint_ge(v.nb, 120);
	ck_assert_uint_le(v.nb, 121);
	ck_assert_int_eq(v.iv_ms, 60000);
	for (m = 0; m < WV_NMETRIC; m++) {
		ck_assert_uint_eq(v.dirtot[LOCALNET_IN][m],
				  dir[LOCALNET_IN][m]);
		ck_assert_uint_eq(v.dirtot[LOCALNET_OUT][m],
				  dir[LOCALNET_OUT][m]);
		ck_assert_uint_eq(v.dirtot[LOCALNET_OTHER][m],
				  dir[LOCALNET_OTHER][m]);
		/* Out is drawn up, in down; the protocols and services of
		 * each side add up to that side's total. */
		got = layers_sum(v.proto[0], 4, v.nb, m);
		ck_assert_uint_eq(got, dir[LOCALNET_OUT][m]);
		ck_assert_uint_eq(layers_sum(v.svc[0], v.nsvc, v.nb, m), got);
		got = layers_sum(v.proto[1], 4, v.nb, m);
		ck_assert_uint_eq(got, dir[LOCALNET_IN][m]);
		ck_assert_uint_eq(layers_sum(v.svc[1], v.nsvc, v.nb, m), got);
	}
	ck_assert_int_eq(v.nsvc, WEBVIEW_NSVC + 1);
	ck_assert_str_eq(v.proto[0][0].name, "TCP");
	webagg_view_free(&v);
	/* The services table holds every flow once. */
	ck_assert_int_eq(webagg_services(a, &by_bytes, 1, NF, &svc, &ns), 0);
	for (got = 0, i = 0; i < ns; i++)
		got += svc[i].r.bytes;
	ck_assert_uint_eq(got, want[WV_BYTES]);
	ck_assert_uint_gt(ns, 1); /* ranked: the largest first */
	ck_assert_uint_ge(svc[0].r.bytes, svc[ns - 1].r.bytes);
	free(svc);
	/* A window wider than the data sets the axis: a day, coarsened. */
	win.start = T0 - 86400000 + 7200000;
	win.end = T0 + 7200000;
	ck_assert_int_eq(webagg_view_build(&v, a, &win), 0);
	ck_assert_int_eq(v.iv_ms, 300000);
	ck_assert_uint_eq(v.nb, 288);
	ck_assert_uint_eq(layers_sum(v.proto[0], 4, v.nb, WV_BYTES),
			  dir[LOCALNET_OUT][WV_BYTES]);
	webagg_view_free(&v);
	webagg_free(a);
	webagg_free(b);
}
END_TEST

static char *
page(const struct webagg *a, const struct summary *s, const char *comment)
{
	struct html_page p;
	struct inlist in;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&in, 0, sizeof(in));
	memset(&p, 0, sizeof(p));
	p.win.start = INT64_MIN;
	p.win.end = INT64_MAX;
	p.in = &in;
	p.total = s;
	p.agg = a;
	p.topn = 5;
	p.title = comment;
	p.filter = comment;
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(html_page(f, &p), 0);
	fclose(f);
	return buf;
}

START_TEST(test_page)
{
	struct webagg_opts o = {300000, NULL};
	struct webagg *a;
	struct summary s;
	const char *evil = "<img src=x onerror=alert(1)>";
	char *p;

	make_flows();
	ck_assert_ptr_nonnull(a = webagg_new(&o));
	agg_summary_init(&s);
	p = page(a, &s, evil);
	ck_assert_ptr_nonnull(strstr(p, "id=\"noflows\""));
	ck_assert_ptr_null(strstr(p, "<svg"));
	ck_assert_ptr_null(strstr(p, evil));
	free(p);
	ck_assert_int_eq(webagg_add(a, flows, NF), 0);
	agg_summary_add(&s, flows, NF);
	p = page(a, &s, evil);
	ck_assert_ptr_null(strstr(p, "noflows"));
	ck_assert_ptr_nonnull(strstr(p, "<svg id=\"proto-bits\""));
	ck_assert_ptr_nonnull(strstr(p, "<svg id=\"services-flows\""));
	ck_assert_ptr_nonnull(strstr(p, "data-stat=\"conversation\" "
					"data-order=\"packets\""));
	ck_assert_ptr_nonnull(strstr(p, "data-stat=\"service\""));
	ck_assert_ptr_nonnull(strstr(p, "&lt;img src=x onerror=alert(1)&gt;"));
	ck_assert_ptr_null(strstr(p, evil));
	ck_assert_ptr_null(strstr(p, "<script"));
	ck_assert_int_eq(strncmp(p, "<!DOCTYPE html>\n", 16), 0);
	ck_assert_str_eq(p + strlen(p) - 8, "</html>\n");
	free(p);
	webagg_free(a);
}
END_TEST

START_TEST(test_bars)
{
	char out[3 * SPARKLINE_WIDTH + 1];
	size_t n;

	ck_assert_uint_eq(sparkline_bar(0, 100, 40, out), 0);
	ck_assert_uint_eq(sparkline_bar(5, 0, 40, out), 0);
	n = sparkline_bar(100, 100, 40, out);
	ck_assert_uint_eq(n, 120);
	ck_assert_int_eq(memcmp(out, "\xe2\x96\x88", 3), 0);
	ck_assert_int_eq(memcmp(out + 117, "\xe2\x96\x88", 3), 0);
	/* Anything at all shows as the thinnest block. */
	ck_assert_uint_eq(sparkline_bar(1, 1000000, 40, out), 3);
	ck_assert_int_eq(memcmp(out, "\xe2\x96\x8f", 3), 0);
	/* Half: 20 full cells. */
	ck_assert_uint_eq(sparkline_bar(50, 100, 40, out), 60);
	ck_assert_uint_eq(sparkline_bar(500, 100, 40, out), 120);
	sparkline_tick(100, 100, out);
	ck_assert_int_eq(memcmp(out, "\xe2\x96\x88", 3), 0);
	sparkline_tick(0, 100, out);
	ck_assert_int_eq(memcmp(out, "\xe2\x96\x81", 3), 0);
}
END_TEST

/*
 * The exporter and interface tables, derived from one (exporter, input,
 * output) table, hold the rows that counting them directly gives: IPv4
 * and IPv6 exporters, two accumulators merged.  Rows are compared by
 * their fields (IPv6 ids differ between tables).
 */
START_TEST(test_webagg_ifs)
{
	enum { NI = 3000 };
	static struct flowrec f[NI];
	struct webagg_opts o = {60000, NULL};
	struct webagg *a, *b;
	struct aggtab *t;
	struct aggrow *got, *want;
	size_t i, ng, nw, bad = 0;
	int s;

	for (i = 0; i < NI; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		if (i % 3 == 0) {
			f[i].exaf = 6;
			f[i].exaddr6[0] = 0x20;
			f[i].exaddr6[15] = (uint8_t)(i % 5);
		} else
			f[i].exaddr = 0x0a000001 + (uint32_t)(i % 4);
		f[i].input = (uint32_t)(i * 7 % 11);
		f[i].output = (uint32_t)(i * 5 % 13);
		f[i].packets = 1 + i % 17;
		f[i].bytes = 40 * (1 + i % 23);
		f[i].first_ms = 1700000000000 + (int64_t)(i * 37 % 1000);
		f[i].last_ms = f[i].first_ms + (int64_t)(i % 9);
	}
	ck_assert_ptr_nonnull(a = webagg_new(&o));
	ck_assert_ptr_nonnull(b = webagg_new(&o));
	ck_assert_int_eq(webagg_add(a, f, NI / 2), 0);
	ck_assert_int_eq(webagg_add(b, f + NI / 2, NI - NI / 2), 0);
	ck_assert_int_eq(webagg_merge(a, b), 0);
	for (s = 3; s < WEBAGG_NSTATS; s++) {
		ck_assert_ptr_nonnull(
		    t = agg_tab_new(&webagg_statdef(s)->spec));
		ck_assert_int_eq(agg_tab_add(t, f, NI), 0);
		ck_assert_ptr_nonnull(webagg_stat(a, s));
		ck_assert_ptr_nonnull(got =
					  agg_tab_rows(webagg_stat(a, s), &ng));
		ck_assert_ptr_nonnull(want = agg_tab_rows(t, &nw));
		ck_assert_uint_eq(ng, nw);
		ck_assert_uint_gt(ng, 1);
		agg_rows_sort(got, ng, O_BYTES);
		agg_rows_sort(want, nw, O_BYTES);
		for (i = 0; i < ng; i++)
			if (got[i].flows != want[i].flows ||
			    memcmp(&got[i].r, &want[i].r, sizeof(got[i].r)))
				bad++;
		ck_assert_uint_eq(bad, 0);
		free(got);
		free(want);
		agg_tab_free(t);
	}
	webagg_free(a);
	webagg_free(b);
}
END_TEST

UNIT_MAIN_TESTS("report_html", 0, test_escape, test_text_pieces, test_si,
		test_localnet, test_services, test_webagg_sums, test_webagg_ifs,
		test_page, test_bars)
