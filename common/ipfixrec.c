/*
 * ipfixrec: template checks and data records (see ipfixrec.h).
 *
 * What an Information Element may be is a small table of kinds indexed by
 * IE number: unsigned integers (1 to 8 bytes: RFC 7011's reduced-size
 * encoding), addresses (exactly 4 or 16), times (seconds 4 bytes, ms 8,
 * NTP-format micro- and nanoseconds 8), and the frame section (any
 * length).  An IE not in the table, or an enterprise-specific one, is
 * skipped by its length whatever it is.
 *
 * Times come in many encodings and the flow needs two unix-ms stamps:
 * absolute ones are converted, uptime-relative ones (21/22) go through
 * flowrec_abs_ms() for v9 (the header's sysUptime) and through the
 * domain's system init time (IE 160 in options data) for IPFIX, a
 * duration (161/162) fills in a missing end or start, and a flow with no
 * time at all gets the export time.
 */
#include <string.h>

#include <pcap/dlt.h>

#include "buf.h"
#include "flowrec.h"
#include "ipfix.h"
#include "ipfixrec.h"
#include "packet.h"

enum kind {
	K_ANY = 0, /* unknown to us: skipped by length */
	K_UINT,	   /* unsigned, 1..8 bytes */
	K_ADDR4,
	K_ADDR6,
	K_SEC,	 /* dateTimeSeconds */
	K_MS,	 /* dateTimeMilliseconds */
	K_NTP,	 /* dateTimeMicro/Nanoseconds */
	K_FRAME, /* dataLinkFrameSection */
	K_IGNORE /* a known field we do not read, any length */
};

static const uint8_t kinds[] = {
    [IPFIX_IE_OCTETS] = K_UINT,
    [IPFIX_IE_PACKETS] = K_UINT,
    [IPFIX_IE_PROTO] = K_UINT,
    [IPFIX_IE_TOS] = K_UINT,
    [IPFIX_IE_TCPFLAGS] = K_UINT,
    [IPFIX_IE_SPORT] = K_UINT,
    [IPFIX_IE_SRC4] = K_ADDR4,
    [IPFIX_IE_SRC4_MASK] = K_UINT,
    [IPFIX_IE_INPUT] = K_UINT,
    [IPFIX_IE_DPORT] = K_UINT,
    [IPFIX_IE_DST4] = K_ADDR4,
    [IPFIX_IE_DST4_MASK] = K_UINT,
    [IPFIX_IE_OUTPUT] = K_UINT,
    [IPFIX_IE_NEXTHOP4] = K_ADDR4,
    [IPFIX_IE_SRC_AS] = K_UINT,
    [IPFIX_IE_DST_AS] = K_UINT,
    [IPFIX_IE_BGP_NEXTHOP4] = K_ADDR4,
    [IPFIX_IE_LAST_UPTIME] = K_UINT,
    [IPFIX_IE_FIRST_UPTIME] = K_UINT,
    [IPFIX_IE_SRC6] = K_ADDR6,
    [IPFIX_IE_DST6] = K_ADDR6,
    [IPFIX_IE_SRC6_MASK] = K_UINT,
    [IPFIX_IE_DST6_MASK] = K_UINT,
    [IPFIX_IE_ICMP4] = K_UINT,
    [IPFIX_IE_SAMPLING_INTERVAL] = K_UINT,
    [IPFIX_IE_SAMPLING_ALGORITHM] = K_UINT,
    [IPFIX_IE_SAMPLER_ID] = K_UINT,
    [IPFIX_IE_SAMPLER_MODE] = K_UINT,
    [IPFIX_IE_SAMPLER_INTERVAL] = K_UINT,
    [IPFIX_IE_VLAN] = K_UINT,
    [IPFIX_IE_IPVERSION] = K_UINT,
    [IPFIX_IE_NEXTHOP6] = K_ADDR6,
    [IPFIX_IE_OCTETS_TOTAL] = K_UINT,
    [IPFIX_IE_PACKETS_TOTAL] = K_UINT,
    [IPFIX_IE_END_REASON] = K_UINT,
    [IPFIX_IE_ICMP6] = K_UINT,
    [IPFIX_IE_DOMAIN] = K_UINT,
    [IPFIX_IE_START_SECS] = K_SEC,
    [IPFIX_IE_END_SECS] = K_SEC,
    [IPFIX_IE_START_MS] = K_MS,
    [IPFIX_IE_END_MS] = K_MS,
    [IPFIX_IE_START_US] = K_NTP,
    [IPFIX_IE_END_US] = K_NTP,
    [IPFIX_IE_START_NS] = K_NTP,
    [IPFIX_IE_END_NS] = K_NTP,
    [IPFIX_IE_START_DELTA_US] = K_UINT,
    [IPFIX_IE_END_DELTA_US] = K_UINT,
    [IPFIX_IE_SYSINIT_MS] = K_MS,
    [IPFIX_IE_DURATION_MS] = K_UINT,
    [IPFIX_IE_DURATION_US] = K_UINT,
    [IPFIX_IE_VLAN_DOT1Q] = K_UINT,
    [IPFIX_IE_SELECTOR_ID] = K_UINT,
    [IPFIX_IE_SELECTOR_ALGORITHM] = K_UINT,
    [IPFIX_IE_SAMPLING_PACKET_INTERVAL] = K_UINT,
    [IPFIX_IE_SAMPLING_PACKET_SPACE] = K_UINT,
    [IPFIX_IE_FRAME_SECTION] = K_FRAME,
};

/* The largest record a set can hold: 65535 minus message and set headers. */
#define MAXRECLEN (65535 - IPFIX_HDRLEN - IPFIX_SETHDRLEN)

/* Seconds between the NTP era (1900) and the unix epoch. */
#define NTP_UNIX_OFFSET INT64_C(2208988800)

static enum kind
kind_of(const struct ipfixrec_tpl *t, const struct ipfixrec_field *f)
{
	/* v9 scope fields are scope types, not Information Elements. */
	if (f->pen != 0 || (f->scope && t->version == NF9_VERSION))
		return K_IGNORE;
	return f->ie < sizeof(kinds) ? (enum kind)kinds[f->ie] : K_ANY;
}

enum ipfixdec_reason
ipfixrec_tpl_check(struct ipfixrec_tpl *t)
{
	size_t i, min = 0;

	if (t->tid < IPFIX_SET_MINDATA)
		return IPFIXDEC_TPLID;
	if (t->nfields == 0 || t->nscope > t->nfields ||
	    (t->options && t->version == IPFIX_VERSION && t->nscope == 0))
		return IPFIXDEC_TPLZERO;
	if (t->nfields > IPFIXDEC_MAXFIELDS)
		return IPFIXDEC_TPLFIELDS;
	for (i = 0; i < t->nfields; i++) {
		const struct ipfixrec_field *f = &t->f[i];
		enum kind k = kind_of(t, f);
		int var = f->len == IPFIX_VARLEN && t->version == IPFIX_VERSION;

		if (f->len == 0)
			return IPFIXDEC_FIELDLEN;
		switch (k) {
		case K_UINT:
			if (f->len > 8)
				return IPFIXDEC_FIELDLEN;
			break;
		case K_ADDR4:
		case K_SEC:
			if (f->len != 4)
				return IPFIXDEC_FIELDLEN;
			break;
		case K_ADDR6:
			if (f->len != 16)
				return IPFIXDEC_FIELDLEN;
			break;
		case K_MS:
		case K_NTP:
			if (f->len != 8)
				return IPFIXDEC_FIELDLEN;
			break;
		default:
			break;
		}
		min += var ? 1 : f->len;
	}
	if (min > MAXRECLEN)
		return IPFIXDEC_RECLEN;
	t->minlen = (uint16_t)min;
	return IPFIXDEC_NREASON;
}

static uint64_t
getu(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

static int64_t
ntp_ms(const uint8_t *p)
{
	int64_t s = (int64_t)buf_load_be32(p) - NTP_UNIX_OFFSET;
	uint64_t frac = buf_load_be32(p + 4);

	return s * 1000 + (int64_t)((frac * 1000) >> 32);
}

/* What a record said, before the times and sampling are resolved. */
struct acc {
	struct ipfixdec_flow fl;
	int64_t start, end; /* unix ms */
	uint64_t dur;	    /* ms */
	uint32_t up_start, up_end;
	uint32_t sampler, interval, space, pinterval;
	const uint8_t *frame;
	size_t framelen;
	uint8_t has_start, has_end, has_dur, has_upstart, has_upend;
	uint8_t has_sampler, has_init;
	int64_t init;
	uint8_t ipversion;
	uint8_t af; /* from the address fields; 0 = none */
};

static void
field(struct acc *a, const struct ipfixrec_ctx *ctx, uint16_t ie, enum kind k,
      const uint8_t *p, size_t n)
{
	uint64_t v = k == K_UINT ? getu(p, n) : 0;
	struct ipfixdec_flow *f = &a->fl;

	switch (ie) {
	case IPFIX_IE_OCTETS:
	case IPFIX_IE_OCTETS_TOTAL:
		f->rec.bytes = v;
		break;
	case IPFIX_IE_PACKETS:
	case IPFIX_IE_PACKETS_TOTAL:
		f->rec.packets = v;
		break;
	case IPFIX_IE_PROTO:
		f->rec.proto = (uint8_t)v;
		break;
	case IPFIX_IE_TOS:
		f->rec.tos = (uint8_t)v;
		break;
	case IPFIX_IE_TCPFLAGS:
		f->rec.tcp_flags = (uint8_t)v;
		break;
	case IPFIX_IE_SPORT:
		f->rec.srcport = (uint16_t)v;
		break;
	/* ICMP type * 256 + code goes where v5 puts it: the dport. */
	case IPFIX_IE_DPORT:
	case IPFIX_IE_ICMP4:
	case IPFIX_IE_ICMP6:
		f->rec.dstport = (uint16_t)v;
		break;
	case IPFIX_IE_SRC4_MASK:
	case IPFIX_IE_SRC6_MASK:
		f->rec.src_mask = (uint8_t)v;
		break;
	case IPFIX_IE_DST4_MASK:
	case IPFIX_IE_DST6_MASK:
		f->rec.dst_mask = (uint8_t)v;
		break;
	case IPFIX_IE_INPUT:
		f->rec.input = (uint32_t)v;
		break;
	case IPFIX_IE_OUTPUT:
		f->rec.output = (uint32_t)v;
		break;
	case IPFIX_IE_SRC_AS:
		f->rec.src_as = (uint32_t)v;
		break;
	case IPFIX_IE_DST_AS:
		f->rec.dst_as = (uint32_t)v;
		break;
	case IPFIX_IE_SRC4:
		f->rec.srcaddr = buf_load_be32(p);
		a->af = 4;
		break;
	case IPFIX_IE_DST4:
		f->rec.dstaddr = buf_load_be32(p);
		a->af = 4;
		break;
	case IPFIX_IE_SRC6:
		memcpy(f->rec.src6, p, 16);
		a->af = 6;
		break;
	case IPFIX_IE_DST6:
		memcpy(f->rec.dst6, p, 16);
		a->af = 6;
		break;
	case IPFIX_IE_NEXTHOP4:
		f->rec.nexthop = buf_load_be32(p);
		break;
	case IPFIX_IE_NEXTHOP6:
		memcpy(f->rec.nexthop6, p, 16);
		break;
	case IPFIX_IE_VLAN:
	case IPFIX_IE_VLAN_DOT1Q:
		f->rec.vlan = (uint16_t)v;
		break;
	case IPFIX_IE_IPVERSION:
		a->ipversion = (uint8_t)v;
		break;
	case IPFIX_IE_END_REASON:
		f->rec.end_reason = (uint8_t)v;
		break;
	case IPFIX_IE_FIRST_UPTIME:
		a->up_start = (uint32_t)v;
		a->has_upstart = 1;
		break;
	case IPFIX_IE_LAST_UPTIME:
		a->up_end = (uint32_t)v;
		a->has_upend = 1;
		break;
	case IPFIX_IE_START_SECS:
		a->start = (int64_t)buf_load_be32(p) * 1000;
		a->has_start = 1;
		break;
	case IPFIX_IE_END_SECS:
		a->end = (int64_t)buf_load_be32(p) * 1000;
		a->has_end = 1;
		break;
	case IPFIX_IE_START_MS:
		a->start = (int64_t)getu(p, 8);
		a->has_start = 1;
		break;
	case IPFIX_IE_END_MS:
		a->end = (int64_t)getu(p, 8);
		a->has_end = 1;
		break;
	case IPFIX_IE_START_US:
	case IPFIX_IE_START_NS:
		a->start = ntp_ms(p);
		a->has_start = 1;
		break;
	case IPFIX_IE_END_US:
	case IPFIX_IE_END_NS:
		a->end = ntp_ms(p);
		a->has_end = 1;
		break;
	case IPFIX_IE_START_DELTA_US:
		a->start =
		    (int64_t)ctx->export_secs * 1000 - (int64_t)(v / 1000);
		a->has_start = 1;
		break;
	case IPFIX_IE_END_DELTA_US:
		a->end = (int64_t)ctx->export_secs * 1000 - (int64_t)(v / 1000);
		a->has_end = 1;
		break;
	case IPFIX_IE_DURATION_MS:
		a->dur = v;
		a->has_dur = 1;
		break;
	case IPFIX_IE_DURATION_US:
		a->dur = v / 1000;
		a->has_dur = 1;
		break;
	case IPFIX_IE_SYSINIT_MS:
		a->init = (int64_t)getu(p, 8);
		a->has_init = 1;
		break;
	case IPFIX_IE_SAMPLER_ID:
	case IPFIX_IE_SELECTOR_ID:
		a->sampler = (uint32_t)v;
		a->has_sampler = 1;
		break;
	case IPFIX_IE_SAMPLING_INTERVAL:
	case IPFIX_IE_SAMPLER_INTERVAL:
		a->interval = (uint32_t)v;
		break;
	case IPFIX_IE_SAMPLING_PACKET_INTERVAL:
		a->pinterval = (uint32_t)v;
		break;
	case IPFIX_IE_SAMPLING_PACKET_SPACE:
		a->space = (uint32_t)v;
		break;
	case IPFIX_IE_FRAME_SECTION:
		a->frame = p;
		a->framelen = n;
		break;
	default:
		break;
	}
}

/* The interval a record's sampling fields state, or 0 if none. */
static uint32_t
interval_of(const struct acc *a)
{
	uint64_t n;

	if (a->interval > 0)
		return a->interval;
	if (a->pinterval > 0) {
		/* interval packets taken, space skipped: 1 in (i + s) / i. */
		n = ((uint64_t)a->pinterval + a->space) / a->pinterval;
		return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	return 0;
}

static void
options_record(struct ipfixrec_ctx *ctx, const struct acc *a)
{
	struct ipfixrec_domain *dm = ctx->dom;
	uint32_t n = interval_of(a);
	size_t i;

	ctx->options_records++;
	if (a->has_init) {
		dm->init_ms = a->init;
		dm->has_init = 1;
	}
	if (n == 0)
		return;
	if (!a->has_sampler) {
		dm->sampling = n;
		return;
	}
	for (i = 0; i < dm->nsamplers; i++)
		if (dm->sampler_id[i] == a->sampler)
			break;
	if (i == IPFIXREC_SAMPLERS)
		i = a->sampler % IPFIXREC_SAMPLERS; /* full: overwrite one */
	else if (i == dm->nsamplers)
		dm->nsamplers++;
	dm->sampler_id[i] = a->sampler;
	dm->sampler_n[i] = n;
}

static uint32_t
sampling_of(const struct ipfixrec_domain *dm, const struct acc *a)
{
	uint32_t n = interval_of(a);
	size_t i;

	if (n > 0)
		return n;
	if (a->has_sampler)
		for (i = 0; i < dm->nsamplers; i++)
			if (dm->sampler_id[i] == a->sampler)
				return dm->sampler_n[i];
	return dm->sampling ? dm->sampling : 1;
}

/* A sampled frame becomes a one-packet flow; 0 if it is not IP. */
static int
frame_flow(struct acc *a)
{
	const struct linktype *lt = packet_linktype(DLT_EN10MB);
	struct packet_info pi;

	enum packet_status st;

	if (lt == NULL)
		return 0;
	st = packet_decode(lt, a->frame, a->framelen, &pi);
	if (st != PACKET_IPV4 && st != PACKET_IPV6)
		return 0;
	a->af = pi.af;
	if (pi.af == 6) {
		memcpy(a->fl.rec.src6, pi.src, 16);
		memcpy(a->fl.rec.dst6, pi.dst, 16);
	} else {
		a->fl.rec.srcaddr = buf_load_be32(pi.src);
		a->fl.rec.dstaddr = buf_load_be32(pi.dst);
	}
	a->fl.rec.srcport = pi.sport;
	a->fl.rec.dstport = pi.dport;
	a->fl.rec.proto = pi.proto;
	a->fl.rec.tos = pi.tos;
	a->fl.rec.tcp_flags = pi.tcp_flags;
	a->fl.rec.vlan = pi.vlan;
	a->fl.rec.packets = 1;
	a->fl.rec.bytes = pi.bytes;
	a->fl.frame = 1;
	return 1;
}

/*
 * a + b for times in ms, saturating: a hostile record may carry any 64-bit
 * time (or domain start), and the sum must not overflow.
 */
static int64_t
ms_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static void
times(struct acc *a, struct ipfixrec_ctx *ctx)
{
	int64_t exp_ms = (int64_t)ctx->export_secs * 1000;

	if (ctx->version == NF9_VERSION) {
		if (a->has_upstart) {
			a->start = flowrec_abs_ms(ctx->export_secs, 0,
						  ctx->sys_uptime, a->up_start);
			a->has_start = 1;
		}
		if (a->has_upend) {
			a->end = flowrec_abs_ms(ctx->export_secs, 0,
						ctx->sys_uptime, a->up_end);
			a->has_end = 1;
		}
	} else if (a->has_upstart || a->has_upend) {
		if (ctx->dom->has_init) {
			if (a->has_upstart && !a->has_start) {
				a->start =
				    ms_add(ctx->dom->init_ms, a->up_start);
				a->has_start = 1;
			}
			if (a->has_upend && !a->has_end) {
				a->end = ms_add(ctx->dom->init_ms, a->up_end);
				a->has_end = 1;
			}
		} else
			ctx->st->reason[IPFIXDEC_NOTIME]++;
	}
	if (a->has_dur && a->has_start && !a->has_end) {
		a->end = ms_add(a->start, (int64_t)(a->dur & INT32_MAX));
		a->has_end = 1;
	} else if (a->has_dur && a->has_end && !a->has_start) {
		a->start = ms_add(a->end, -(int64_t)(a->dur & INT32_MAX));
		a->has_start = 1;
	}
	if (!a->has_start)
		a->start = a->has_end ? a->end : exp_ms;
	if (!a->has_end)
		a->end = a->start;
	a->fl.rec.first_ms = a->start;
	a->fl.rec.last_ms = a->end;
}

static void
flow_record(struct ipfixrec_ctx *ctx, struct acc *a, ipfixdec_emit_fn *emit,
	    void *arg)
{
	struct flowrec *r = &a->fl.rec;

	if (a->frame != NULL && a->af == 0 && !frame_flow(a)) {
		ctx->st->reason[IPFIXDEC_FRAME]++;
		return;
	}
	if (a->af == 0)
		a->af = a->ipversion == 6 ? 6 : 4;
	r->af = a->af;
	times(a, ctx);
	a->fl.version = (uint8_t)ctx->version;
	a->fl.late = (uint8_t)ctx->late;
	r->obs_domain = ctx->domain;
	r->sampling = sampling_of(ctx->dom, a);
	r->unix_secs = ctx->export_secs;
	r->sys_uptime = ctx->version == NF9_VERSION ? ctx->sys_uptime : 0;
	if (ctx->src->af == 6) {
		r->exaf = FLOWREC_AF_INET6;
		memcpy(r->exaddr6, ctx->src->addr, 16);
	} else
		r->exaddr = buf_load_be32(ctx->src->addr);
	ctx->st->flows++;
	if (ctx->late)
		ctx->st->late++;
	emit(arg, &a->fl);
}

void
ipfixrec_data_set(struct ipfixrec_ctx *ctx, const struct ipfixrec_tpl *t,
		  const uint8_t *p, size_t len, ipfixdec_emit_fn *emit,
		  void *arg)
{
	size_t off = 0;

	/* minlen >= 1 (no field has length 0), so every record advances. */
	while (t->minlen > 0 && len - off >= t->minlen) {
		struct acc a;
		size_t i;

		memset(&a, 0, sizeof(a));
		for (i = 0; i < t->nfields; i++) {
			const struct ipfixrec_field *fd = &t->f[i];
			size_t n = fd->len;

			if (n == IPFIX_VARLEN && t->version == IPFIX_VERSION) {
				if (off >= len)
					goto cut;
				n = p[off++];
				if (n == 255) {
					if (len - off < 2)
						goto cut;
					n = buf_load_be16(p + off);
					off += 2;
				}
			}
			if (len - off < n)
				goto cut;
			if (kind_of(t, fd) != K_IGNORE)
				field(&a, ctx, fd->ie, kind_of(t, fd), p + off,
				      n);
			off += n;
		}
		if (t->options)
			options_record(ctx, &a);
		else
			flow_record(ctx, &a, emit, arg);
	}
	return;
cut:
	ctx->st->reason[IPFIXDEC_RECTRUNC]++;
}
