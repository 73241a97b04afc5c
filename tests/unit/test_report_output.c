/*
 * Unit tests for the output formats (report/output.c, outtext.c,
 * outdata.c, outft.c) and the time formats they use (report/timefmt.c), on
 * in-memory records captured with open_memstream().
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../report/fields.h"
#include "../../report/obuf.h"
#include "../../report/output.h"
#include "../../report/timefmt.h"
#include "unit.h"

static struct flowrec
rec(uint8_t proto, uint16_t dstport, uint8_t flags)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.srcaddr = 0x0a000001;
	r.dstaddr = 0xc0a8010a;
	r.srcport = 40000;
	r.dstport = dstport;
	r.proto = proto;
	r.tcp_flags = flags;
	r.packets = 3;
	r.bytes = 252;
	r.first_ms = 1705320002000;
	r.last_ms = 1705320004000;
	r.exaddr = 0x7f000001;
	return r;
}

/* Print rows in a format and return the text (free it). */
static char *
render(const char *fmt, const struct flowrec *r, size_t n, int summary)
{
	struct summary s;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct output *o = output_new(fmt, f);

	ck_assert_ptr_nonnull(o);
	output_begin(o);
	output_rows(o, r, n);
	output_end(o);
	if (summary) {
		agg_summary_init(&s);
		agg_summary_add(&s, r, n);
		output_summary(o, &s);
	}
	ck_assert_int_eq(output_free(o), 0);
	fclose(f);
	return text;
}

static const struct {
	uint8_t proto;
	uint16_t dstport;
	uint8_t flags;
	const char *line;
} shorts[] = {
    {1, 0x0800, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_ECHO 3 252\n"},
    {1, 0x0000, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_ECHOREPLY 3 252\n"},
    {1, 0x0303, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_PORT_UNREACH 3 252\n"},
    {1, 0x030d, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_PKT_FILTERED_UNREACH 3 252\n"},
    {1, 0x0310, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_UNREACH 3 252\n"},
    {1, 0x0501, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_HOST_REDIRECT 3 252\n"},
    {1, 0x0b01, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_REASS_TIME_EXCEEDED 3 252\n"},
    {1, 0x6300, 0,
     "2024/01/15 12:00:04 10.0.0.1 -> 192.168.1.10 "
     "ICMP_ 3 252\n"},
    {6, 22, 0,
     "2024/01/15 12:00:04 10.0.0.1.40000 -> 192.168.1.10.22 "
     "6 3 252\n"},
    {6, 22, 0x3f,
     "2024/01/15 12:00:04 10.0.0.1.40000 -> "
     "192.168.1.10.22 6(FIN|SYN|RST|PUSH|ACK|URG) 3 252\n"},
    {6, 22, 0xc2,
     "2024/01/15 12:00:04 10.0.0.1.40000 -> "
     "192.168.1.10.22 6(SYN) 3 252\n"},
    {6, 22, 0xc0,
     "2024/01/15 12:00:04 10.0.0.1.40000 -> "
     "192.168.1.10.22 6 3 252\n"},
    {17, 53, 0x02,
     "2024/01/15 12:00:04 10.0.0.1.40000 -> "
     "192.168.1.10.53 17 3 252\n"},
};

START_TEST(test_short)
{
	size_t i;
	char *t;

	timefmt_utc(1);
	for (i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		struct flowrec r =
		    rec(shorts[i].proto, shorts[i].dstport, shorts[i].flags);

		t = render("short", &r, 1, 0);
		ck_assert_str_eq(t, shorts[i].line);
		free(t);
	}
}
END_TEST

START_TEST(test_short_summary)
{
	struct flowrec r[2] = {rec(6, 80, 2), rec(6, 80, 2)};
	char *t;

	timefmt_utc(1);
	t = render("short", r, 2, 1);
	ck_assert_msg(
	    strstr(
		t,
		"Summary: flows 2, packets 6, bytes 504, "
		"first 2024-01-15 12:00:02.000, last 2024-01-15 12:00:04.000, "
		"span 2.000 s, 2016 bps, 3 pps\n") != NULL,
	    "%s", t);
	free(t);
}
END_TEST

/*
 * Finding 8 of issue 11: a summary whose last flow ends before its first
 * flow starts (a record with Last before First, as a damaged file can
 * hold) has a negative span: csv and json print duration 0, not 2^64 - n.
 */
START_TEST(test_summary_negative_span)
{
	struct flowrec r = rec(6, 80, 2);
	char *t;

	r.last_ms = r.first_ms - 2000;
	t = render("csv", &r, 1, 1);
	ck_assert_msg(strstr(t, "1844674407") == NULL, "%s", t);
	ck_assert_msg(strstr(t, ",0,0,0\n") != NULL, "%s", t);
	free(t);
	t = render("json", &r, 1, 1);
	ck_assert_msg(strstr(t, "1844674407") == NULL, "%s", t);
	ck_assert_msg(strstr(t, "\"duration\":0") != NULL ||
			  strstr(t, "\"duration\": 0") != NULL,
		      "%s", t);
	free(t);
}
END_TEST

START_TEST(test_line_long)
{
	struct flowrec r = rec(6, 80, 0x1b);
	char *t, *nl;

	timefmt_utc(1);
	t = render("line", &r, 1, 0);
	nl = strchr(t, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert(strncmp(t, "Date first seen", 15) == 0);
	ck_assert_msg(strstr(nl, "2024-01-15 12:00:02.000     2.000 TCP") ==
			  nl + 1,
		      "%s", t);
	ck_assert(strstr(nl, "10.0.0.1:40000 -> 192.168.1.10:80") != NULL);
	ck_assert(strstr(nl, ".AP.SF") != NULL);
	free(t);
	t = render("long", &r, 1, 0);
	ck_assert(strstr(t, "Exporter") != NULL);
	ck_assert(strstr(t, "127.0.0.1") != NULL);
	free(t);
}
END_TEST

START_TEST(test_csv_json)
{
	struct flowrec r = rec(17, 53, 0);
	char *t;
	int id;

	t = render("csv", &r, 1, 0);
	/* Header row = field table names, in order. */
	ck_assert(strncmp(t, "first,last,duration,srcip,srcport,dstip,", 40) ==
		  0);
	for (id = F_FIRST; id <= F_ENGINE_ID; id++)
		ck_assert(strstr(t, fields[id].name) != NULL);
	ck_assert(strstr(t, "\n1705320002000,1705320004000,2000,10.0.0.1,"
			    "40000,192.168.1.10,53,17,0,0,3,252,127.0.0.1,") !=
		  NULL);
	free(t);
	t = render("json", &r, 1, 0);
	ck_assert_msg(strncmp(t,
			      "{\"type\":\"flow\",\"first\":1705320002000,"
			      "\"last\":1705320004000,\"duration\":2000,"
			      "\"srcip\":\"10.0.0.1\","
			      "\"srcport\":40000,",
			      100) == 0,
		      "%s", t);
	ck_assert(t[strlen(t) - 2] == '}');
	free(t);
}
END_TEST

START_TEST(test_many_rows_flush)
{
	enum { N = 20000 };
	struct flowrec *r = calloc(N, sizeof(*r));
	char *t, *p;
	size_t i, lines = 0;

	for (i = 0; i < N; i++)
		r[i] = rec(6, (uint16_t)i, 2);
	t = render("json", r, N, 0);
	for (p = t; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, N);
	free(t);
	free(r);
}
END_TEST

START_TEST(test_timefmt)
{
	struct tcache c;
	char b[32];
	int64_t ms;

	timefmt_utc(1);
	timefmt_cache_init(&c);
	ck_assert_uint_eq(timefmt_dumper(&c, 1705320006001, b), 19);
	ck_assert(memcmp(b, "2024/01/15 12:00:06", 19) == 0);
	ck_assert_uint_eq(timefmt_ms(&c, 1705320006001, b), 23);
	ck_assert(memcmp(b, "2024-01-15 12:00:06.001", 23) == 0);
	ck_assert_uint_eq(timefmt_ms(&c, -1, b), 23);
	ck_assert(memcmp(b, "1969-12-31 23:59:59.999", 23) == 0);
	timefmt_ctime(1705320006001, b);
	ck_assert(memcmp(b, "Mon Jan 15 12:00:06 2024", 24) == 0);

	ck_assert_int_eq(timefmt_parse("2024-01-15T12:00", 0, &ms), 0);
	ck_assert_int_eq(ms, 1705320000000);
	ck_assert_int_eq(timefmt_parse("2024/01/15.12:00:06", 0, &ms), 0);
	ck_assert_int_eq(ms, 1705320006000);
	ck_assert_int_eq(timefmt_parse("2024-01-15", 0, &ms), 0);
	ck_assert_int_eq(ms, 1705276800000);
	ck_assert_int_eq(timefmt_parse("@1705320000", 0, &ms), 0);
	ck_assert_int_eq(ms, 1705320000000);
	ck_assert_int_eq(timefmt_parse("-1h", 1705320000, &ms), 0);
	ck_assert_int_eq(ms, 1705316400000);
	ck_assert_int_eq(timefmt_parse("-1h30m", 1705320000, &ms), 0);
	ck_assert_int_eq(ms, 1705314600000);
	ck_assert_int_eq(timefmt_parse("2024-13-01", 0, &ms), -1);
	ck_assert_int_eq(timefmt_parse("2024-01-15T25:00", 0, &ms), -1);
	ck_assert_int_eq(timefmt_parse("yesterday", 0, &ms), -1);
	ck_assert_int_eq(timefmt_parse("2024-01-15T12:00x", 0, &ms), -1);
	ck_assert_int_eq(timefmt_parse("-", 0, &ms), -1);
}
END_TEST

/*
 * field_fmt_u64 counts digits from the bit length: check it against snprintf
 * around every power of two and of ten, where a wrong count would show.
 */
START_TEST(test_fmt_u64)
{
	char a[32], b[32];
	uint64_t v, p;
	int s, d;
	size_t n;

	for (s = 0; s < 64; s++)
		for (d = -2; d <= 2; d++) {
			v = ((uint64_t)1 << s) + (uint64_t)(int64_t)d;
			n = field_fmt_u64(v, a);
			a[n] = '\0';
			snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
			ck_assert_str_eq(a, b);
		}
	for (p = 1;; p *= 10) {
		for (d = -1; d <= 1; d++) {
			v = p + (uint64_t)(int64_t)d;
			n = field_fmt_u64(v, a);
			a[n] = '\0';
			snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
			ck_assert_str_eq(a, b);
		}
		if (p > UINT64_MAX / 10)
			break;
	}
	n = field_fmt_u64(UINT64_MAX, a);
	a[n] = '\0';
	ck_assert_str_eq(a, "18446744073709551615");
}
END_TEST

START_TEST(test_unknown_format)
{
	ck_assert_ptr_null(output_new("nosuch", stdout));
	ck_assert(strstr(output_names(), "json") != NULL);
}
END_TEST

/* The first failure is the one kept; obuf_fd() hands over a flushed file. */
START_TEST(test_obuf_errors)
{
	struct obuf b;
	FILE *f = fopen("/dev/full", "w");
	char *p;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(obuf_init(&b, f), 0);
	p = obuf_room(&b);
	obuf_puts(&p, "x");
	obuf_done(&b, p);
	/* 1 byte fits stdio's buffer: only the fflush reaches /dev/full. */
	ck_assert_int_eq(obuf_fd(&b), -1);
	ck_assert_int_eq(b.err, 0);
	errno = EPIPE;
	obuf_fail(&b);
	ck_assert_int_eq(b.err, EPIPE);
	errno = 0;
	obuf_fail(&b);
	ck_assert_int_eq(b.err, EPIPE);
	ck_assert_int_eq(obuf_fini(&b), EPIPE);
	fclose(f);

	ck_assert_ptr_nonnull(f = tmpfile());
	ck_assert_int_eq(obuf_init(&b, f), 0);
	errno = 0;
	obuf_fail(&b);
	ck_assert_int_eq(b.err, EIO);
	b.err = 0;
	p = obuf_room(&b);
	obuf_puts(&p, "abc");
	obuf_done(&b, p);
	ck_assert_int_eq(obuf_fd(&b), fileno(f));
	ck_assert_int_eq(lseek(fileno(f), 0, SEEK_END), 3);
	ck_assert_int_eq(obuf_fini(&b), 0);
	fclose(f);
}
END_TEST

UNIT_MAIN_TESTS("report_output", 0, test_short, test_short_summary,
		test_summary_negative_span, test_line_long, test_csv_json,
		test_many_rows_flush, test_timefmt, test_fmt_u64,
		test_unknown_format, test_obuf_errors)
