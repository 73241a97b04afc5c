/*
 * meter: per-packet flow accounting.
 *
 * For each packet: decode, build the key for the -T level, find or create
 * the flow, add the packet, and move the flow to the tail of its class
 * list.  The table holds two one-way flows per -m conversation, the
 * softflowd user's meaning of -m.  Creating a flow in a full table first
 * evicts the least recently used flow (exported, counted as forced); adding to
 * a flow whose 32-bit v5 packet or byte counter would overflow first expires it
 * (counted as overbytes).  Nothing is allocated and no other flow is looked at,
 * so the cost per packet is constant.  Expiry runs every expint seconds of
 * packet clock and ends with a flush, so a datagram goes out when 30 records
 * are ready or when the run ends.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "ipfix.h"
#include "flowtable.h"
#include "meter.h"
#include "outbuf.h"

/*
 * Packets are looked up in batches of METER_BATCH: a packet is decoded,
 * counted and hashed as it arrives (libpcap lends its bytes only for the
 * callback), and what the flow table needs from it is queued here while
 * its index slot loads; meter_flush() then starts loading the flow of
 * every queued packet, and only then accounts for them one by one, in
 * order.  A lookup's two dependent cache misses (slot, then flow) thus
 * overlap those of the other packets of the batch instead of stalling
 * each packet in turn.  LINKS_AHEAD packets before its turn, a flow's
 * class-list neighbours (written when it moves to the tail) start loading
 * too.  Live, 64 cost the least CPU per packet of 8 to 128
 * (docs/PERFORMANCE.md); the batch is 3.6 KiB.
 */
#define METER_BATCH 64
#define LINKS_AHEAD 4

struct pending {
	struct flowkey k;
	int64_t t; /* packet time, on the clock */
	uint32_t bytes;
	uint8_t tcp_flags;
};

struct meter {
	struct pending q[METER_BATCH];
	uint32_t qh[METER_BATCH]; /* their hashes */
	unsigned nq;
	struct meter_config cfg;
	struct flowtable *ft;
	struct export *ex;
	const struct linktype *lt;
	struct sensor_stats st;
	int64_t clock_ms; /* sensor clock, unix ms */
	int64_t boot_ms;  /* first packet; -1 before */
	int64_t next_expiry_ms;
	int64_t epoch_ms;    /* the flow table's epoch, for flow.last */
	int64_t next_due_ms; /* expiry or an epoch move, the sooner */
	uint64_t sample_count;
};

static const char *const key_names[KEY_N] = {
    [KEY_FULL] = "full", [KEY_PROTO] = "proto", [KEY_IP] = "ip",
    [KEY_VLAN] = "vlan", [KEY_ETHER] = "ether",
};

int
meter_parse_key(const char *s, enum meter_key *k)
{
	int i;

	for (i = 0; i < KEY_N; i++) {
		if (strcmp(s, key_names[i]) == 0) {
			*k = (enum meter_key)i;
			return 0;
		}
	}
	return -1;
}

const char *
meter_key_names(void)
{
	return "full, proto, ip, vlan, ether";
}

struct meter *
meter_new(const struct meter_config *cfg, struct export *ex)
{
	struct meter *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->cfg = *cfg;
	m->ex = ex;
	m->boot_ms = -1;
	if (cfg->max_flows == 0 || cfg->max_flows > METER_MAX_FLOWS ||
	    (m->ft = flowtable_new(METER_ONEWAY_PER_FLOW * cfg->max_flows,
				   cfg->seed)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
meter_free(struct meter *m)
{
	if (m == NULL)
		return;
	flowtable_free(m->ft);
	free(m);
}

void
meter_set_linktype(struct meter *m, const struct linktype *lt)
{
	m->lt = lt;
}

/* flowEndReason (IPFIX IE 136) of each expiry reason. */
static const uint8_t end_reason[EXR_N] = {
    [EXR_GENERAL] = IPFIX_END_IDLE,
    [EXR_TCP] = IPFIX_END_IDLE,
    [EXR_TCP_RST] = IPFIX_END_EOF, /* idle after the end was seen */
    [EXR_TCP_FIN] = IPFIX_END_EOF,
    [EXR_UDP] = IPFIX_END_IDLE,
    [EXR_ICMP] = IPFIX_END_IDLE,
    [EXR_MAXLIFE] = IPFIX_END_ACTIVE,
    [EXR_OVERFLOW] = IPFIX_END_FORCED,
    [EXR_FORCED] = IPFIX_END_RESOURCES, /* table full */
    [EXR_ALL] = IPFIX_END_FORCED,
};

/* The expiry callback: count the flow and hand it to the exporter. */
static void
expire_one(void *arg, struct flow *f, enum expiry_reason why)
{
	struct meter *m = arg;
	struct ipfix_rec r;

	m->st.expired[why]++;
	m->st.proto_flows[f->key.proto]++;
	m->st.proto_packets[f->key.proto] += f->packets;
	m->st.proto_bytes[f->key.proto] += f->bytes;
	if (f->key.af == 6)
		m->st.v6_flows++;
	if (m->ex == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.packets = f->packets;
	r.bytes = f->bytes;
	r.first_ms = flowtable_first_ms(m->ft, f);
	r.last_ms = m->epoch_ms + f->last;
	memcpy(r.src, f->key.src, sizeof(r.src));
	memcpy(r.dst, f->key.dst, sizeof(r.dst));
	r.af = f->key.af;
	r.sport = f->key.sport;
	r.dport = f->key.dport;
	r.input = m->cfg.ifindex;
	r.proto = f->key.proto;
	r.tos = f->key.tos;
	r.tcp_flags = f->tcp_flags;
	r.vlan = f->key.vlan;
	if (m->cfg.key == KEY_ETHER && f->key.af == 4) {
		memcpy(r.src_mac, f->key.src + 8, 6);
		memcpy(r.dst_mac, f->key.dst + 8, 6);
	}
	r.end_reason = end_reason[why];
	export_flow(m->ex, &r, m->clock_ms, m->boot_ms);
}

static void
flush(struct meter *m)
{
	if (m->ex != NULL && m->boot_ms >= 0)
		export_flush(m->ex, m->clock_ms, m->boot_ms);
}

static void
run_expiry(struct meter *m)
{
	expiry_run(m->ft, &m->cfg.to, m->clock_ms, expire_one, m);
	flush(m);
	m->next_expiry_ms =
	    m->clock_ms + (int64_t)m->cfg.to.secs[EXT_EXPINT] * 1000;
}

/*
 * Expiry when it is due, and an epoch move when the clock is about to
 * leave what a flow's 32-bit last time can hold (about once per 25 to 50
 * days of clock); then the time of the next of either, so that a packet
 * checks one deadline.
 */
static void
due(struct meter *m)
{
	int64_t rebase_ms;

	if (m->clock_ms >= m->next_expiry_ms)
		run_expiry(m);
	if (m->clock_ms - m->epoch_ms > FT_SPAN_MS) {
		if (expiry_rebase(m->ft, m->clock_ms, expire_one, m) > 0)
			flush(m);
		m->epoch_ms = flowtable_epoch(m->ft);
	}
	rebase_ms = m->epoch_ms + FT_SPAN_MS + 1;
	m->next_due_ms =
	    m->next_expiry_ms < rebase_ms ? m->next_expiry_ms : rebase_ms;
}

/* Advance the clock to t (never backwards); run expiry when it is due. */
static inline int64_t
advance(struct meter *m, int64_t t)
{
	if (m->boot_ms < 0) {
		m->boot_ms = m->clock_ms = t;
		m->next_expiry_ms =
		    t + (int64_t)m->cfg.to.secs[EXT_EXPINT] * 1000;
	} else if (t < m->clock_ms) {
		m->st.clock_backwards++;
		t = m->clock_ms;
	} else
		m->clock_ms = t;
	if (m->clock_ms >= m->next_due_ms)
		due(m);
	return t;
}

/* Four address bytes as the first half of a key word, zeros after. */
static inline uint64_t
addr4_word(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return v;
#else
	return (uint64_t)v << 32;
#endif
}

static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Six MAC bytes as a key word, zeros after. */
static inline uint64_t
mac_word(const uint8_t *a)
{
	uint64_t v = 0;

	memcpy(&v, a, 6);
	return v;
}

/*
 * The key is built in registers and written with five 8-byte stores, so
 * that the hash and the compare, which read it back as 8-byte words, get
 * their data forwarded from those stores: narrow stores followed by a
 * wide load would cost a store-forwarding stall on every packet.  smac
 * and dmac fill the words an IPv4 address leaves unused (0 but with
 * -T ether).
 */
static inline void
key_store(const struct packet_info *d, uint64_t tail, uint64_t smac,
	  uint64_t dmac, struct flowkey *k)
{
	uint64_t w[5];

	w[4] = tail;
	if (d->af == 4) {
		w[0] = addr4_word(d->src);
		w[1] = smac;
		w[2] = addr4_word(d->dst);
		w[3] = dmac;
	} else {
		w[0] = load64(d->src);
		w[1] = load64(d->src + 8);
		w[2] = load64(d->dst);
		w[3] = load64(d->dst + 8);
	}
	memcpy(k, w, sizeof(w));
}

/*
 * -T ether: the -T vlan key, and for IPv4 the MACs in the key bytes an
 * IPv4 address leaves unused (src[8..13], dst[8..13]), so that the flow
 * entry keeps its 64 bytes and the other levels pay nothing (make_key()
 * builds theirs without this function).  An IPv6 key has no spare bytes:
 * IPv6 flows are keyed as with -T vlan and exported with zero MACs, as
 * are flows of link types without MACs.
 */
static void
make_key_ether(const struct packet_info *d, struct flowkey *k)
{
	uint64_t smac = 0, dmac = 0;

	if (d->ether != NULL) {
		smac = mac_word(d->ether + 6);
		dmac = mac_word(d->ether);
	}
	key_store(d,
		  flowkey_tail(d->sport, d->dport, d->vlan & 0xfff, d->af,
			       d->proto, d->tos),
		  smac, dmac, k);
}

static inline void
make_key(const struct meter *m, const struct packet_info *d, struct flowkey *k)
{
	uint16_t sport = 0, dport = 0, vlan = 0;
	uint8_t proto = 0, tos = 0;

	switch (m->cfg.key) {
	case KEY_ETHER:
		make_key_ether(d, k);
		return;
	case KEY_VLAN:
		vlan = d->vlan & 0xfff;
		/* FALLTHROUGH */
	case KEY_FULL:
		sport = d->sport;
		dport = d->dport;
		tos = d->tos;
		/* FALLTHROUGH */
	case KEY_PROTO:
		proto = d->proto;
		break;
	default:
		break;
	}
	key_store(d, flowkey_tail(sport, dport, vlan, d->af, proto, tos), 0, 0,
		  k);
}

/* The flow table's part of one packet: find or create, then add. */
/* Inlined in both paths: a call here costs the file reader 10%. */
static inline __attribute__((always_inline)) void
account(struct meter *m, const struct pending *p, uint32_t h)
{
	struct flow *f;

	f = flowtable_find(m->ft, &p->k, h);
	if (f != NULL && (f->packets >= UINT32_MAX ||
			  (uint64_t)f->bytes + p->bytes > UINT32_MAX)) {
		expire_one(m, f, EXR_OVERFLOW);
		flowtable_remove(m->ft, f);
		f = NULL;
	}
	if (f == NULL) {
		if (flowtable_full(m->ft)) {
			f = flowtable_lru(m->ft);
			expire_one(m, f, EXR_FORCED);
			flowtable_remove(m->ft, f);
		}
		f = flowtable_insert(m->ft, &p->k, h,
				     expiry_class_of(p->k.proto, p->tcp_flags));
		flowtable_set_first(m->ft, f, p->t);
		m->st.flows_created++;
	}
	f->packets++;
	f->bytes += p->bytes;
	f->last = (uint32_t)(p->t - m->epoch_ms);
	f->tcp_flags |= p->tcp_flags;
	flowtable_touch(m->ft, f, expiry_class_of(p->k.proto, f->tcp_flags));
}

void
meter_flush(struct meter *m)
{
	unsigned i, n = m->nq;
	int64_t clock = m->clock_ms;
	uint32_t found[METER_BATCH];

	flowtable_prefetch(m->ft, m->qh, n, found);
	/*
	 * A flow evicted or expired on overflow is exported at the clock of
	 * the packet that did it, as without the batch.
	 */
	for (i = 0; i < n; i++) {
		if (i + LINKS_AHEAD < n)
			flowtable_prefetch_links(m->ft, found[i + LINKS_AHEAD]);
		m->clock_ms = m->q[i].t;
		account(m, &m->q[i], m->qh[i]);
	}
	m->clock_ms = clock;
	m->nq = 0;
}

/*
 * What every packet gets on arrival: the clock, sampling, decoding and
 * the counters; for an IP packet, what the flow table needs in *p and
 * the key's hash (with batch, its index slot starts loading).  0 if
 * there is no flow to account.
 */
static inline __attribute__((always_inline)) int
take(struct meter *m, int64_t ms, const uint8_t *bytes, uint32_t caplen,
     struct pending *p, uint32_t *h, int batch)
{
	struct packet_info d;
	enum packet_status s;

	m->st.packets++;
	ms = advance(m, ms);
	if (m->cfg.sample > 1 && m->sample_count++ % m->cfg.sample != 0) {
		m->st.sampled_out++;
		return 0;
	}
	s = packet_decode(m->lt, bytes, caplen, &d);
	m->st.decoded[s]++;
	if (s != PACKET_IPV4 && s != PACKET_IPV6)
		return 0;
	m->st.fragments += d.frag;
	m->st.l4cut += d.l4cut;
	m->st.mpls_ip += d.mpls;
	if (s == PACKET_IPV4) {
		m->st.v4_packets++;
		m->st.v4_bytes += d.bytes;
	} else {
		m->st.v6_packets++;
		m->st.v6_bytes += d.bytes;
	}
	make_key(m, &d, &p->k);
	*h = batch ? flowtable_hash_prefetch(m->ft, &p->k)
		   : flowtable_hash(m->ft, &p->k);
	p->t = ms;
	p->bytes = d.bytes;
	p->tcp_flags = d.tcp_flags;
	return 1;
}

static inline int64_t
ts_ms(const struct timeval *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_usec / 1000;
}

void
meter_queue(struct meter *m, const struct timeval *ts, const uint8_t *bytes,
	    uint32_t caplen)
{
	int64_t ms = ts_ms(ts);

	/*
	 * Expiry (or an epoch move) is due at this packet: the packets
	 * queued before it go into the table first, as they would one at
	 * a time.
	 */
	if (m->nq > 0 && ms >= m->next_due_ms)
		meter_flush(m);
	if (take(m, ms, bytes, caplen, &m->q[m->nq], &m->qh[m->nq], 1) &&
	    ++m->nq == METER_BATCH)
		meter_flush(m);
}

void
meter_packet(struct meter *m, const struct timeval *ts, const uint8_t *bytes,
	     uint32_t caplen)
{
	struct pending p;
	uint32_t h;

	if (m->nq > 0)
		meter_flush(m);
	if (take(m, ts_ms(ts), bytes, caplen, &p, &h, 0))
		account(m, &p, h);
}

void
meter_discard(struct meter *m)
{
	m->st.not_gathered++;
}

void
meter_tick(struct meter *m, int64_t now_ms)
{
	meter_flush(m);
	if (m->boot_ms >= 0)
		advance(m, now_ms);
}

void
meter_expire_all(struct meter *m)
{
	meter_flush(m);
	expiry_all(m->ft, EXR_ALL, expire_one, m);
	flush(m);
}

static void
forget(void *arg, struct flow *f, enum expiry_reason why)
{
	(void)arg;
	(void)f;
	(void)why;
}

void
meter_delete_all(struct meter *m)
{
	meter_flush(m);
	expiry_all(m->ft, EXR_ALL, forget, NULL);
}

static void
addr_text(const struct flow *f, const uint8_t *a, char *out, size_t cap)
{
	inet_ntop(f->key.af == 4 ? AF_INET : AF_INET6, a, out, (socklen_t)cap);
}

/*
 * With -T ether, the MACs of an IPv4 flow's key (see make_key()) as extra
 * text columns or JSON members; nothing at other levels, so that their
 * output stays as it was.
 */
static void
mac_text(const struct meter *m, const struct flow *f, int json, char *out,
	 size_t cap)
{
	static const uint8_t none[6];
	const uint8_t *s = none, *d = none;

	*out = '\0';
	if (m->cfg.key != KEY_ETHER)
		return;
	if (f->key.af == 4) {
		s = f->key.src + 8;
		d = f->key.dst + 8;
	}
	snprintf(out, cap,
		 json ? ", \"src_mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\", "
			"\"dst_mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\""
		      : " %02x:%02x:%02x:%02x:%02x:%02x"
			" %02x:%02x:%02x:%02x:%02x:%02x",
		 s[0], s[1], s[2], s[3], s[4], s[5], d[0], d[1], d[2], d[3],
		 d[4], d[5]);
}

void
meter_dump_flows(struct meter *m, struct outbuf *o, int json)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], macs[96];
	struct flow *f;
	int first = 1;

	meter_flush(m);
	if (json)
		outbuf_printf(o, "[");
	else
		outbuf_printf(
		    o,
		    "%-6s %-39s %5s %-39s %5s %4s %3s %5s %10s "
		    "%12s %8s %8s %s%s\n",
		    "proto", "src", "sport", "dst", "dport", "tos", "flg",
		    "vlan", "packets", "bytes", "age_s", "idle_s", "expiry",
		    m->cfg.key == KEY_ETHER ? " src_mac           dst_mac"
					    : "");
	for (f = flowtable_oldest(m->ft); f != NULL;
	     f = flowtable_younger(m->ft, f)) {
		addr_text(f, f->key.src, src, sizeof(src));
		addr_text(f, f->key.dst, dst, sizeof(dst));
		mac_text(m, f, json, macs, sizeof(macs));
		if (json) {
			outbuf_printf(
			    o,
			    "%s\n {\"proto\": %u, \"src\": \"%s\", "
			    "\"sport\": %u, \"dst\": \"%s\", \"dport\": %u, "
			    "\"tos\": %u, \"tcp_flags\": %u, \"vlan\": %u, "
			    "\"packets\": %llu, \"bytes\": %llu, "
			    "\"first_ms\": %lld, \"last_ms\": %lld, "
			    "\"class\": \"%s\"%s}",
			    first ? "" : ",", f->key.proto, src, f->key.sport,
			    dst, f->key.dport, f->key.tos, f->tcp_flags,
			    f->key.vlan, (unsigned long long)f->packets,
			    (unsigned long long)f->bytes,
			    (long long)flowtable_first_ms(m->ft, f),
			    (long long)m->epoch_ms + f->last,
			    expiry_timeout_name(f->cls), macs);
		} else {
			outbuf_printf(
			    o,
			    "%-6u %-39s %5u %-39s %5u %4u %3x %5u "
			    "%10llu %12llu %8.3f %8.3f %s%s\n",
			    f->key.proto, src, f->key.sport, dst, f->key.dport,
			    f->key.tos, f->tcp_flags, f->key.vlan,
			    (unsigned long long)f->packets,
			    (unsigned long long)f->bytes,
			    (double)(m->clock_ms -
				     flowtable_first_ms(m->ft, f)) /
				1000,
			    (double)(m->clock_ms - m->epoch_ms - f->last) /
				1000,
			    expiry_timeout_name(f->cls), macs);
		}
		first = 0;
	}
	if (json)
		outbuf_printf(o, "%s]\n", first ? "" : "\n");
}

const struct sensor_stats *
meter_stats(const struct meter *m)
{
	return &m->st;
}

struct timeouts *
meter_timeouts(struct meter *m)
{
	return &m->cfg.to;
}

struct flowtable *
meter_flowtable(const struct meter *m)
{
	return m->ft;
}

uint32_t
meter_max_flows(const struct meter *m)
{
	return m->cfg.max_flows;
}

int64_t
meter_clock(const struct meter *m)
{
	return m->clock_ms;
}

int64_t
meter_boot(const struct meter *m)
{
	return m->boot_ms;
}

int64_t
meter_next_expiry(const struct meter *m)
{
	if (m->boot_ms < 0)
		return -1;
	return m->next_expiry_ms > m->clock_ms ? m->next_expiry_ms - m->clock_ms
					       : 0;
}
