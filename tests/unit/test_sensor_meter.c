/*
 * test_sensor_meter: the meter's batched lookups (meter_queue() and
 * meter_flush()) against one packet at a time (meter_packet()).  A random
 * stream with a small table and short timeouts makes evictions, expiry
 * runs that fall inside a batch, class changes on FIN and RST, repeated
 * flows within a batch, clock steps backwards, undecodable packets and
 * idle ticks; both meters must put the same datagrams on the wire, byte
 * for byte, and end with the same statistics.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "../../common/packet.h"
#include "../../sensor/export.h"
#include "../../sensor/flowtable.h"
#include "../../sensor/meter.h"
#include "sensor_pkt.h"
#include "testrng.h"
#include "unit.h"

#define T0 1700000000000LL /* ms */

/* Every datagram an exporter sent, end to end. */
struct wire {
	uint8_t *p;
	size_t n, cap;
};

static void
to_wire(void *arg, const uint8_t *d, size_t len)
{
	struct wire *w = arg;

	if (w->n + len > w->cap) {
		w->cap = 2 * (w->n + len);
		w->p = realloc(w->p, w->cap);
		ck_assert_ptr_nonnull(w->p);
	}
	memcpy(w->p + w->n, d, len);
	w->n += len;
}

struct rig {
	struct export *ex;
	struct meter *m;
	struct wire w;
};

static const char *const touts[] = {
    "udp=2",  "tcp=5",	   "tcp.rst=1", "tcp.fin=1",
    "icmp=2", "general=3", "maxlife=7", "expint=1",
};

static void
rig_new(struct rig *r, uint32_t max_flows, uint32_t sample)
{
	struct meter_config cfg;
	size_t i;

	memset(r, 0, sizeof(*r));
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = max_flows;
	cfg.key = KEY_FULL;
	cfg.sample = sample;
	cfg.ifindex = 3;
	expiry_defaults(&cfg.to);
	for (i = 0; i < sizeof(touts) / sizeof(touts[0]); i++)
		ck_assert_int_eq(expiry_parse_timeout(&cfg.to, touts[i]), 0);
	r->ex = export_new(10);
	ck_assert_ptr_nonnull(r->ex);
	export_set_sink(r->ex, to_wire, &r->w);
	r->m = meter_new(&cfg, r->ex);
	ck_assert_ptr_nonnull(r->m);
	meter_set_linktype(r->m, packet_linktype(DLT_EN10MB));
}

static void
rig_free(struct rig *r)
{
	meter_free(r->m);
	export_free(r->ex);
	free(r->w.p);
}

static const uint8_t flag_mix[] = {0x10, 0x18, 0x02, 0x12, 0x11, 0x04, 0x10};

/*
 * n random packets into one meter at a time (a) and queued (b); b is
 * flushed only when its batch fills, when expiry is due, and on the
 * ticks both get.
 */
static void
same_stream(uint32_t max_flows, uint32_t sample, int n, uint64_t seed)
{
	struct rig a, b;
	struct pspec s;
	struct timeval tv;
	uint8_t pkt[2048];
	int64_t t = T0;
	size_t len;
	uint32_t r;
	int i;

	rig_new(&a, max_flows, sample);
	rig_new(&b, max_flows, sample);
	rnd_seed(seed);
	for (i = 0; i < n; i++) {
		r = rnd32();
		if (r % 500 == 0)
			t += 1500 + rnd32() % 3000; /* a quiet spell */
		else if (r % 97 == 0)
			t -= rnd32() % 20; /* stamped before the clock */
		else
			t += rnd32() % 4;
		memset(&s, 0, sizeof(s));
		s.af = rnd32() % 10 == 0 ? 6 : 4;
		s.proto = (uint8_t[]){6, 6, 17, 17, 1}[rnd32() % 5];
		s.src = (uint8_t)(1 + rnd32() % 40);
		s.dst = 200;
		s.sport = (uint16_t)(1000 + rnd32() % 3);
		s.dport = 80;
		if (s.proto == 6)
			s.tcp_flags = flag_mix[rnd32() % sizeof(flag_mix)];
		s.payload = (uint16_t)(rnd32() % 200);
		len = pkt_build(pkt, &s);
		if (rnd32() % 50 == 0)
			len = 10; /* not decodable */
		tv.tv_sec = t / 1000;
		tv.tv_usec = (t % 1000) * 1000;
		meter_packet(a.m, &tv, pkt, (uint32_t)len);
		meter_queue(b.m, &tv, pkt, (uint32_t)len);
		if (i % 1000 == 999) {
			meter_tick(a.m, t + 500);
			meter_tick(b.m, t + 500);
		}
	}
	meter_expire_all(a.m);
	meter_expire_all(b.m);

	/* The stream did what it is meant to. */
	ck_assert_uint_gt(meter_stats(a.m)->expired[EXR_FORCED], 100);
	ck_assert_uint_gt(meter_stats(a.m)->expired[EXR_UDP], 10);
	ck_assert_uint_gt(meter_stats(a.m)->expired[EXR_TCP_FIN], 10);
	ck_assert_uint_gt(meter_stats(a.m)->expired[EXR_TCP_RST], 10);
	ck_assert_uint_gt(meter_stats(a.m)->clock_backwards, 10);
	ck_assert_uint_gt(a.w.n, 100000);

	ck_assert_uint_eq(a.w.n, b.w.n);
	ck_assert_int_eq(memcmp(a.w.p, b.w.p, a.w.n), 0);
	ck_assert_int_eq(memcmp(meter_stats(a.m), meter_stats(b.m),
				sizeof(struct sensor_stats)),
			 0);
	rig_free(&a);
	rig_free(&b);
}

START_TEST(batch_exports_as_one_at_a_time)
{
	same_stream(8, 1, 200000, 1);
}
END_TEST

START_TEST(batch_with_sampling)
{
	same_stream(4, 3, 200000, 7);
}
END_TEST

/* Queued packets reach the table at the flush, not before. */
START_TEST(queue_then_flush)
{
	struct rig r;
	struct pspec s = pkt_udp(4, 1000, 53, 10);
	struct timeval tv = {T0 / 1000, 0};
	uint8_t pkt[2048];
	int i;

	rig_new(&r, 100, 1);
	for (i = 0; i < 3; i++) {
		s.sport = (uint16_t)(1000 + i);
		meter_queue(r.m, &tv, pkt, (uint32_t)pkt_build(pkt, &s));
	}
	ck_assert_uint_eq(meter_stats(r.m)->packets, 3);
	ck_assert_uint_eq(flowtable_count(meter_flowtable(r.m)), 0);
	meter_flush(r.m);
	ck_assert_uint_eq(flowtable_count(meter_flowtable(r.m)), 3);
	ck_assert_uint_eq(meter_stats(r.m)->flows_created, 3);
	meter_flush(r.m); /* nothing queued: nothing happens */
	ck_assert_uint_eq(meter_stats(r.m)->flows_created, 3);
	rig_free(&r);
}
END_TEST

UNIT_MAIN_TESTS("meter", 60, batch_exports_as_one_at_a_time,
		batch_with_sampling, queue_then_flush)
