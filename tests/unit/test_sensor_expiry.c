/*
 * test_sensor_expiry: flow semantics through the meter with synthetic
 * packets: each timeout by name, maxlife, expint, max_flows LRU eviction,
 * the counter-overflow expiry, "the same packet N times is one flow", the
 * -T key levels, expire-all/delete-all, the clock that never runs
 * backwards, and the exported times.  The export is observed with a datagram
 * sink and decoded with common/v5.c, so what is checked is what goes on the
 * wire.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "../../common/packet.h"
#include "../../sensor/export.h"
#include "../../sensor/flowtable.h"
#include "../../sensor/meter.h"
#include "../../sensor/outbuf.h"
#include "sensor_pkt.h"
#include "v5.h"
#include "unit.h"

#define T0 1700000000000LL /* ms */
#define MAXREC 200000

static struct flowrec got[MAXREC];
static size_t ngot, ndgrams;
static struct v5_header lasth;

static void
sink(void *arg, const uint8_t *d, size_t len)
{
	struct v5_record recs[V5_MAXRECS];
	int i;

	(void)arg;
	ck_assert_int_eq(v5_decode(d, len, &lasth, recs), V5_OK);
	ndgrams++;
	for (i = 0; i < lasth.count && ngot < MAXREC; i++)
		v5_to_flowrec(&lasth, &recs[i], 0, &got[ngot++]);
}

static struct export *ex;

static struct meter *
mk(uint32_t max_flows, const char *const *touts)
{
	struct meter_config cfg;
	struct meter *m;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = max_flows;
	cfg.key = KEY_FULL;
	cfg.sample = 1;
	cfg.ifindex = 3;
	expiry_defaults(&cfg.to);
	for (; touts != NULL && *touts != NULL; touts++)
		ck_assert_int_eq(expiry_parse_timeout(&cfg.to, *touts), 0);
	ex = export_new(5);
	export_set_sink(ex, sink, NULL);
	m = meter_new(&cfg, ex);
	ck_assert_ptr_nonnull(m);
	meter_set_linktype(m, packet_linktype(DLT_EN10MB));
	ngot = ndgrams = 0;
	return m;
}

static void
done(struct meter *m)
{
	meter_free(m);
	export_free(ex);
}

/* One packet at T0 + ms. */
static void
pkt(struct meter *m, int64_t ms, uint8_t proto, uint8_t src, uint16_t sport,
    uint8_t flags, uint16_t payload)
{
	struct pspec s = {.af = 4,
			  .proto = proto,
			  .src = src,
			  .dst = 200,
			  .sport = sport,
			  .dport = 80,
			  .tcp_flags = flags,
			  .payload = payload};
	uint8_t b[2048];
	struct timeval tv;
	size_t n = pkt_build(b, &s);
	int64_t t = T0 + ms;

	tv.tv_sec = t / 1000;
	tv.tv_usec = (t % 1000) * 1000;
	meter_packet(m, &tv, b, (uint32_t)n);
}

static uint32_t
active(struct meter *m)
{
	return flowtable_count(meter_flowtable(m));
}

START_TEST(same_packet_is_one_flow)
{
	struct meter *m = mk(100, NULL);
	int i;

	for (i = 0; i < 1000; i++)
		pkt(m, i, 17, 1, 5000, 0, 100);
	ck_assert_uint_eq(active(m), 1);
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].packets, 1000);
	ck_assert_uint_eq(got[0].bytes, 1000 * (20 + 8 + 100));
	ck_assert_int_eq(got[0].first_ms, T0);
	ck_assert_int_eq(got[0].last_ms, T0 + 999);
	ck_assert_uint_eq(got[0].input, 3);
	ck_assert_uint_eq(got[0].srcport, 5000);
	ck_assert_uint_eq(got[0].srcaddr, 0x0a000001);
	/* Header: uptime from the first packet, unix time = packet clock. */
	ck_assert_uint_eq(lasth.sys_uptime, 999);
	ck_assert_uint_eq(lasth.unix_secs, (T0 + 999) / 1000);
	ck_assert_uint_eq(lasth.flow_sequence, 0);
	done(m);
}
END_TEST

/*
 * Each idle timeout: a flow of the class, then a packet of an unrelated
 * flow just before and at the timeout (expint=0: expiry every packet).
 */
static void
idle_case(const char *tout, uint8_t proto, uint8_t flags, int64_t secs,
	  enum expiry_reason why)
{
	const char *t[] = {"expint=0", tout, NULL};
	struct meter *m = mk(100, t);

	pkt(m, 0, proto, 1, 1000, flags, 10);
	pkt(m, secs * 1000 - 1, 17, 99, 9, 0, 10);
	ck_assert_uint_eq(ngot, 0);
	ck_assert_uint_eq(active(m), 2);
	pkt(m, secs * 1000, 17, 99, 9, 0, 10);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].proto, proto);
	ck_assert_uint_eq(meter_stats(m)->expired[why], 1);
	done(m);
}

START_TEST(timeout_udp)
{
	idle_case("udp=300", 17, 0, 300, EXR_UDP);
	idle_case("udp=10s", 17, 0, 10, EXR_UDP);
}
END_TEST

START_TEST(timeout_tcp)
{
	idle_case("tcp=100", 6, 0x10, 100, EXR_TCP);
}
END_TEST

START_TEST(timeout_tcp_rst)
{
	idle_case("tcp.rst=2m", 6, 0x14, 120, EXR_TCP_RST);
}
END_TEST

START_TEST(timeout_tcp_fin)
{
	idle_case("tcp.fin=30", 6, 0x11, 30, EXR_TCP_FIN);
}
END_TEST

START_TEST(timeout_icmp)
{
	idle_case("icmp=45", 1, 0, 45, EXR_ICMP);
}
END_TEST

START_TEST(timeout_general)
{
	idle_case("general=1h", 89, 0, 3600, EXR_GENERAL);
}
END_TEST

START_TEST(rst_moves_flow_to_shorter_timeout)
{
	const char *t[] = {"expint=0", NULL};
	struct meter *m = mk(100, t);

	pkt(m, 0, 6, 1, 1000, 0x02, 0);	   /* SYN: tcp, 3600 s */
	pkt(m, 1000, 6, 1, 1000, 0x04, 0); /* RST: tcp.rst, 120 s */
	pkt(m, 1000 + 120000, 17, 99, 9, 0, 0);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].packets, 2);
	ck_assert_uint_eq(got[0].tcp_flags, 0x06);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_TCP_RST], 1);
	done(m);
}
END_TEST

START_TEST(maxlife_expires_busy_flow)
{
	const char *t[] = {"expint=0", "maxlife=60", NULL};
	struct meter *m = mk(100, t);
	int i;

	for (i = 0; i <= 6; i++)
		pkt(m, i * 10000, 17, 1, 1000, 0, 10);
	/* The 7th packet (t = 60 s) found the flow at its maximum life. */
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(got[0].packets, 6);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_MAXLIFE], 1);
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(got[1].packets, 1);
	done(m);
}
END_TEST

START_TEST(expint_delays_expiry)
{
	const char *t[] = {"expint=60", "udp=10", NULL};
	struct meter *m = mk(100, t);

	pkt(m, 0, 17, 1, 1000, 0, 10);
	pkt(m, 30000, 17, 2, 1000, 0, 10); /* flow 1 idle, no run yet */
	ck_assert_uint_eq(ngot, 0);
	pkt(m, 60000, 17, 3, 1000, 0, 10); /* run: both idle >= 10 s */
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(ndgrams, 1); /* one datagram per run */
	done(m);
}
END_TEST

START_TEST(max_flows_evicts_lru)
{
	/* -m 2 conversations: room for four one-way flows. */
	struct meter *m = mk(2, NULL);
	int i;

	for (i = 1; i <= 4; i++)
		pkt(m, i, 17, (uint8_t)i, 1000, 0, 10);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_FORCED], 0);
	pkt(m, 10, 17, 1, 1000, 0, 10); /* flow 1 is recent again */
	pkt(m, 11, 17, 5, 1000, 0, 10); /* evicts flow 2 */
	ck_assert_uint_eq(active(m), 4);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_FORCED], 1);
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 5);
	/* The forced one was queued first. */
	ck_assert_uint_eq(got[0].srcaddr, 0x0a000002);
	done(m);
}
END_TEST

/*
 * -m counts conversations, as softflowd's does: softflowd -m 2 holds two
 * bidirectional TCP conversations without a forced expiry and exports
 * them as four records, and so must we.
 */
START_TEST(max_flows_counts_conversations)
{
	struct meter *m = mk(2, NULL);
	struct pspec s = {.af = 4, .proto = 6, .tcp_flags = 0x10};
	uint8_t b[128];
	struct timeval tv;
	int r, c, dir;

	ck_assert_uint_eq(meter_max_flows(m), 2);
	ck_assert_uint_eq(flowtable_max(meter_flowtable(m)), 4);
	for (r = 0; r < 5; r++)
		for (c = 0; c < 2; c++)
			for (dir = 0; dir < 2; dir++) {
				s.src =
				    (uint8_t)(dir ? 2 + 10 * c : 1 + 10 * c);
				s.dst =
				    (uint8_t)(dir ? 1 + 10 * c : 2 + 10 * c);
				s.sport = (uint16_t)(dir ? 80 : 1024 + c);
				s.dport = (uint16_t)(dir ? 1024 + c : 80);
				tv.tv_sec = T0 / 1000 + r;
				tv.tv_usec = 0;
				meter_packet(m, &tv, b,
					     (uint32_t)pkt_build(b, &s));
			}
	ck_assert_uint_eq(active(m), 4);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_FORCED], 0);
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 4);
	for (c = 0; c < 4; c++)
		ck_assert_uint_eq(got[c].packets, 5);
	done(m);
}
END_TEST

START_TEST(eviction_loses_nothing)
{
	struct meter *m = mk(100, NULL);
	uint64_t p = 0;
	size_t i;
	int n;

	/* 10,000 flows through a 100-flow table: every packet exported. */
	for (n = 0; n < 10000; n++)
		pkt(m, n, 17, (uint8_t)(n % 250), (uint16_t)(1000 + n / 250), 0,
		    1);
	meter_expire_all(m);
	for (i = 0; i < ngot; i++)
		p += got[i].packets;
	ck_assert_uint_eq(p, 10000);
	/* -m 100 holds 200 one-way flows. */
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_FORCED], 10000 - 200);
	done(m);
}
END_TEST

START_TEST(byte_counter_overflow)
{
	struct meter *m = mk(10, NULL);
	uint64_t bytes = 0, pk = 0;
	size_t i;
	int n;

	/* 66,000 packets of 65,535 bytes exceed 2^32 - 1 bytes. */
	for (n = 0; n < 66000; n++) {
		struct pspec s = pkt_udp(4, 1, 2, 0);
		uint8_t b[64];
		struct timeval tv = {T0 / 1000 + n / 1000, 0};
		size_t len = pkt_build(b, &s);

		pkt_put16(b + 14 + 2, 65535); /* total length */
		meter_packet(m, &tv, b, (uint32_t)len);
	}
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 2);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_OVERFLOW], 1);
	for (i = 0; i < ngot; i++) {
		ck_assert_uint_le(got[i].bytes, UINT32_MAX);
		bytes += got[i].bytes;
		pk += got[i].packets;
	}
	ck_assert_uint_eq(pk, 66000);
	ck_assert_uint_eq(bytes, 66000ULL * 65535);
	done(m);
}
END_TEST

START_TEST(key_levels)
{
	struct meter_config cfg;
	struct meter *m;
	enum meter_key k;

	ck_assert_int_eq(meter_parse_key("proto", &k), 0);
	ck_assert_int_eq(k, KEY_PROTO);
	ck_assert_int_eq(meter_parse_key("vlan", &k), 0);
	ck_assert_int_eq(meter_parse_key("nope", &k), -1);
	/* proto: ports fold into one flow per address pair and protocol. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = 10;
	cfg.key = KEY_PROTO;
	expiry_defaults(&cfg.to);
	ex = export_new(5);
	export_set_sink(ex, sink, NULL);
	m = meter_new(&cfg, ex);
	meter_set_linktype(m, packet_linktype(DLT_EN10MB));
	ngot = 0;
	pkt(m, 0, 17, 1, 1000, 0, 0);
	pkt(m, 1, 17, 1, 1001, 0, 0);
	pkt(m, 2, 6, 1, 1001, 0, 0);
	ck_assert_uint_eq(active(m), 2);
	meter_expire_all(m);
	ck_assert_uint_eq(got[0].srcport, 0);
	done(m);
}
END_TEST

/* Send the same 4-tuple packet with source MAC byte smac. */
static void
pkt_mac(struct meter *m, int af, uint8_t smac)
{
	struct pspec s = pkt_udp(af, 1000, 53, 0);
	uint8_t b[256];
	struct timeval tv = {.tv_sec = T0 / 1000};
	size_t n = pkt_build(b, &s);

	b[11] = smac; /* the last byte of the source MAC */
	meter_packet(m, &tv, b, (uint32_t)n);
}

/* nfctl dump-flows shows the MACs (text and JSON) only with -T ether. */
static void
dump_macs(struct meter *m, int ether)
{
	struct outbuf o;

	outbuf_init(&o);
	meter_dump_flows(m, &o, 0);
	ck_assert_ptr_nonnull(o.p);
	ck_assert_int_eq(strstr(o.p, " src_mac ") != NULL, ether);
	ck_assert_int_eq(
	    strstr(o.p, " 02:00:00:00:00:07 02:00:00:00:00:00\n") != NULL,
	    ether);
	outbuf_free(&o);
	outbuf_init(&o);
	meter_dump_flows(m, &o, 1);
	ck_assert_int_eq(strstr(o.p,
				"\"src_mac\": \"02:00:00:00:00:01\", "
				"\"dst_mac\": \"02:00:00:00:00:00\"}") != NULL,
			 ether);
	/* IPv6 flows, keyed without MACs, show zeros. */
	ck_assert_int_eq(
	    strstr(o.p, "\"src_mac\": \"00:00:00:00:00:00\"") != NULL, ether);
	outbuf_free(&o);
}

/*
 * -T ether: one IPv4 4-tuple seen from two MAC pairs is two flows, whose
 * keys hold the MACs after the IPv4 address (src[8..13], dst[8..13]);
 * IPv6 has no room for them and stays one flow; -T full ignores MACs.
 */
START_TEST(ether_keys)
{
	static const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0};
	static const uint8_t smac1[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t smac2[6] = {0x02, 0, 0, 0, 0, 0x07};
	struct meter_config cfg;
	struct meter *m;
	struct flow *f;
	enum meter_key k;
	int level;

	ck_assert_int_eq(meter_parse_key("ether", &k), 0);
	ck_assert_int_eq(k, KEY_ETHER);
	for (level = 0; level < 2; level++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.max_flows = 10;
		cfg.key = level == 0 ? KEY_ETHER : KEY_FULL;
		expiry_defaults(&cfg.to);
		ex = export_new(5);
		export_set_sink(ex, sink, NULL);
		m = meter_new(&cfg, ex);
		meter_set_linktype(m, packet_linktype(DLT_EN10MB));
		pkt_mac(m, 4, 0x01);
		pkt_mac(m, 4, 0x07);
		pkt_mac(m, 4, 0x01);
		ck_assert_uint_eq(active(m), level == 0 ? 2 : 1);
		f = flowtable_oldest(meter_flowtable(m));
		ck_assert_uint_eq(f->packets, level == 0 ? 2 : 3);
		if (level == 0) {
			ck_assert_mem_eq(f->key.src + 8, smac1, 6);
			ck_assert_mem_eq(f->key.dst + 8, dmac, 6);
			f = flowtable_younger(meter_flowtable(m), f);
			ck_assert_mem_eq(f->key.src + 8, smac2, 6);
		} else {
			ck_assert_mem_eq(f->key.src + 4, "\0\0\0\0\0\0", 6);
			ck_assert_mem_eq(f->key.src + 8, "\0\0\0\0\0\0", 6);
		}
		pkt_mac(m, 6, 0x01);
		pkt_mac(m, 6, 0x07);
		ck_assert_uint_eq(active(m), level == 0 ? 3 : 2);
		dump_macs(m, level == 0);
		done(m);
	}
}
END_TEST

START_TEST(expire_all_and_delete_all)
{
	struct meter *m = mk(100, NULL);

	pkt(m, 0, 17, 1, 1, 0, 0);
	pkt(m, 0, 17, 2, 1, 0, 0);
	meter_delete_all(m);
	ck_assert_uint_eq(active(m), 0);
	ck_assert_uint_eq(ngot, 0);
	pkt(m, 5, 17, 3, 1, 0, 0);
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 1);
	ck_assert_uint_eq(active(m), 0);
	done(m);
}
END_TEST

START_TEST(clock_never_backwards)
{
	struct meter *m = mk(100, NULL);

	pkt(m, 5000, 17, 1, 1, 0, 0);
	pkt(m, 1000, 17, 1, 1, 0, 0); /* earlier stamp */
	ck_assert_uint_eq(meter_stats(m)->clock_backwards, 1);
	meter_expire_all(m);
	ck_assert_int_eq(got[0].first_ms, T0 + 5000);
	ck_assert_int_eq(got[0].last_ms, T0 + 5000);
	ck_assert_int_le(got[0].first_ms, got[0].last_ms);
	done(m);
}
END_TEST

/*
 * A capture longer than the 49.7 days a flow's 32-bit last time holds:
 * the table's epoch moves forward, a flow kept busy all along keeps its
 * exact first and last times, and a flow idle for 49.7 days under a
 * 60-day timeout is expired (as udp) when the epoch moves past it.
 */
START_TEST(capture_longer_than_49_days)
{
	static const char *const t[] = {"udp=5184000", "maxlife=0", NULL};
	const int64_t hour = 3600 * 1000, days60 = 60 * 24 * hour;
	struct meter *m = mk(100, t);
	struct flowtable *ft = meter_flowtable(m);
	struct flow *f;
	int64_t ms;

	pkt(m, 0, 17, 1, 1, 0, 0); /* then idle */
	for (ms = 0; ms <= days60; ms += hour) {
		pkt(m, ms, 17, 2, 1, 0, 0);
		if (ms == 40 * 24 * hour) /* 60-day timeout honoured */
			ck_assert_uint_eq(active(m), 2);
	}
	ck_assert_int_gt(flowtable_epoch(ft), T0);
	ck_assert_uint_eq(active(m), 1);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_UDP], 1);
	f = flowtable_oldest(ft);
	ck_assert_uint_eq(f->key.src[3], 2);
	ck_assert_uint_eq(f->packets, 60 * 24 + 1);
	ck_assert_int_eq(flowtable_first_ms(ft, f), T0);
	ck_assert_int_eq(flowtable_last_ms(ft, f), T0 + days60);
	done(m);
}
END_TEST

START_TEST(ipv6_counted_not_exported)
{
	struct meter *m = mk(100, NULL);
	struct pspec s = {.af = 6, .proto = 17, .sport = 1, .dport = 2};
	uint8_t b[256];
	struct timeval tv = {T0 / 1000, 0};
	size_t n = pkt_build(b, &s);

	meter_packet(m, &tv, b, (uint32_t)n);
	meter_expire_all(m);
	ck_assert_uint_eq(ngot, 0);
	ck_assert_uint_eq(meter_stats(m)->v6_flows, 1);
	ck_assert_uint_eq(meter_stats(m)->v6_packets, 1);
	ck_assert_uint_eq(export_stats(ex)->unexportable, 1);
	done(m);
}
END_TEST

START_TEST(timeout_names)
{
	struct timeouts t;

	expiry_defaults(&t);
	ck_assert_uint_eq(t.secs[EXT_GENERAL], 3600);
	ck_assert_uint_eq(t.secs[EXT_TCP], 3600);
	ck_assert_uint_eq(t.secs[EXT_TCP_RST], 120);
	ck_assert_uint_eq(t.secs[EXT_TCP_FIN], 300);
	ck_assert_uint_eq(t.secs[EXT_UDP], 300);
	ck_assert_uint_eq(t.secs[EXT_ICMP], 300);
	ck_assert_uint_eq(t.secs[EXT_MAXLIFE], 604800);
	ck_assert_uint_eq(t.secs[EXT_EXPINT], 60);
	ck_assert_str_eq(
	    expiry_timeout_names(),
	    "general, tcp, tcp.rst, tcp.fin, udp, icmp, maxlife, expint");
	ck_assert_int_eq(expiry_parse_timeout(&t, "maxlife=1d"), 0);
	ck_assert_uint_eq(t.secs[EXT_MAXLIFE], 86400);
	ck_assert_int_eq(expiry_parse_timeout(&t, "tcp.rst"), -1);
	ck_assert_int_eq(expiry_parse_timeout(&t, "tcp.rs=1"), -1);
	ck_assert_int_eq(expiry_parse_timeout(&t, "udp="), -1);
	ck_assert_int_eq(expiry_parse_timeout(&t, "udp=x"), -1);
	ck_assert_int_eq(expiry_parse_timeout(&t, "=5"), -1);
	ck_assert_str_eq(expiry_timeout_name(EXT_TCP_FIN), "tcp.fin");
	ck_assert_str_eq(expiry_reason_name(EXR_FORCED), "forced");
	ck_assert_int_eq(expiry_class_of(6, 0x14), EXC_TCP_RST);
	ck_assert_int_eq(expiry_class_of(6, 0x11), EXC_TCP_FIN);
	ck_assert_int_eq(expiry_class_of(58, 0), EXC_ICMP);
	ck_assert_int_eq(expiry_class_of(47, 0), EXC_GENERAL);
}
END_TEST

UNIT_MAIN_TESTS("expiry", 120, same_packet_is_one_flow, timeout_udp,
		timeout_tcp, timeout_tcp_rst, timeout_tcp_fin, timeout_icmp,
		timeout_general, rst_moves_flow_to_shorter_timeout,
		maxlife_expires_busy_flow, expint_delays_expiry,
		max_flows_evicts_lru, max_flows_counts_conversations,
		eviction_loses_nothing, byte_counter_overflow, key_levels,
		ether_keys, expire_all_and_delete_all, clock_never_backwards,
		capture_longer_than_49_days, ipv6_counted_not_exported,
		timeout_names)
