/*
 * ipfix: the NetFlow v9 and IPFIX encoder.
 *
 * A template is a list of (element, length) pairs built by one function,
 * template_fields(), and the record writer walks the very same list, so a
 * template and the records it describes cannot disagree.  Sizes are
 * computed before anything is written: ipfix_encode() either writes a
 * whole message or returns 0, never a message cut short.
 */
#include <string.h>

#include "ipfix.h"

#define MAXFIELDS 24

struct field {
	uint16_t ie;
	uint16_t len;
};

/* The data template of one family, in record order; returns the count. */
static size_t
template_fields(int version, int vlan, int ether, int af, struct field *f)
{
	size_t n = 0;

#define ADD(i, l)                                                              \
	do {                                                                   \
		f[n].ie = (i);                                                 \
		f[n].len = (l);                                                \
		n++;                                                           \
	} while (0)
	if (af == 6) {
		ADD(IPFIX_IE_SRC6, 16);
		ADD(IPFIX_IE_DST6, 16);
	} else {
		ADD(IPFIX_IE_SRC4, 4);
		ADD(IPFIX_IE_DST4, 4);
	}
	ADD(IPFIX_IE_SPORT, 2);
	ADD(IPFIX_IE_DPORT, 2);
	ADD(IPFIX_IE_PROTO, 1);
	ADD(IPFIX_IE_TOS, 1);
	ADD(IPFIX_IE_TCPFLAGS, 1);
	ADD(IPFIX_IE_IPVERSION, 1);
	ADD(IPFIX_IE_END_REASON, 1);
	ADD(IPFIX_IE_INPUT, 4);
	ADD(IPFIX_IE_OUTPUT, 4);
	ADD(IPFIX_IE_PACKETS, 8);
	ADD(IPFIX_IE_OCTETS, 8);
	if (version == IPFIX_VERSION) {
		ADD(IPFIX_IE_START_MS, 8);
		ADD(IPFIX_IE_END_MS, 8);
	} else {
		ADD(IPFIX_IE_FIRST_UPTIME, 4);
		ADD(IPFIX_IE_LAST_UPTIME, 4);
	}
	if (vlan)
		ADD(IPFIX_IE_VLAN, 2);
	if (ether) {
		ADD(IPFIX_IE_SRC_MAC, 6);
		ADD(IPFIX_IE_DST_MAC, 6);
	}
#undef ADD
	return n;
}

/* The sampling options: scope fields first. */
static size_t
options_fields(int version, struct field *f, size_t *nscope)
{
	*nscope = 1;
	if (version == IPFIX_VERSION) {
		f[0] = (struct field){IPFIX_IE_DOMAIN, 4};
		f[1] = (struct field){IPFIX_IE_SAMPLING_PACKET_INTERVAL, 4};
		f[2] = (struct field){IPFIX_IE_SAMPLING_PACKET_SPACE, 4};
		return 3;
	}
	f[0] = (struct field){NF9_SCOPE_SYSTEM, 4};
	f[1] = (struct field){IPFIX_IE_SAMPLING_INTERVAL, 4};
	f[2] = (struct field){IPFIX_IE_SAMPLING_ALGORITHM, 1};
	return 3;
}

static size_t
sum_len(const struct field *f, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++)
		len += f[i].len;
	return len;
}

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

size_t
ipfix_reclen(int version, int vlan, int ether, int af)
{
	struct field f[MAXFIELDS];
	size_t n = template_fields(version, vlan, ether, af, f);

	return sum_len(f, n);
}

size_t
ipfix_setlen(size_t n, size_t reclen)
{
	return n == 0 ? 0 : pad4(IPFIX_SETHDRLEN + n * reclen);
}

/* One template set with both data templates: 4 + 2 x (4 + 4 x fields). */
static size_t
templates_len(const struct ipfix_msg *m)
{
	struct field f[MAXFIELDS];

	return IPFIX_SETHDRLEN + 4 +
	       4 * template_fields(m->version, m->vlan, m->ether, 4, f) + 4 +
	       4 * template_fields(m->version, m->vlan, m->ether, 6, f);
}

/*
 * The options template set and the options data set: v9's options
 * template has 6 bytes of header (id, scope length, option length),
 * IPFIX's 6 too (id, field count, scope field count).
 */
static size_t
options_len(const struct ipfix_msg *m)
{
	struct field f[4];
	size_t nscope, n = options_fields(m->version, f, &nscope);

	return pad4(IPFIX_SETHDRLEN + 6 + 4 * n) +
	       ipfix_setlen(1, sum_len(f, n));
}

size_t
ipfix_overhead(const struct ipfix_msg *m)
{
	size_t len = m->version == IPFIX_VERSION ? IPFIX_HDRLEN : NF9_HDRLEN;

	if (m->templates)
		len += templates_len(m);
	if (m->templates && m->sampling > 1)
		len += options_len(m);
	return len;
}

/* A bounded writer: the sizes were checked before, so these only store. */
struct put {
	uint8_t *p;
};

static void
put8(struct put *w, uint8_t v)
{
	*w->p++ = v;
}

static void
put16(struct put *w, uint16_t v)
{
	put8(w, (uint8_t)(v >> 8));
	put8(w, (uint8_t)v);
}

static void
put32(struct put *w, uint32_t v)
{
	put16(w, (uint16_t)(v >> 16));
	put16(w, (uint16_t)v);
}

static void
put64(struct put *w, uint64_t v)
{
	put32(w, (uint32_t)(v >> 32));
	put32(w, (uint32_t)v);
}

static void
put_bytes(struct put *w, const uint8_t *b, size_t n)
{
	memcpy(w->p, b, n);
	w->p += n;
}

/* Zeros up to a multiple of 4 from start, then the set's length. */
static void
end_set(struct put *w, uint8_t *start)
{
	size_t len = (size_t)(w->p - start);

	while (len % 4 != 0) {
		put8(w, 0);
		len++;
	}
	start[2] = (uint8_t)(len >> 8);
	start[3] = (uint8_t)len;
}

static uint8_t *
begin_set(struct put *w, uint16_t id)
{
	uint8_t *start = w->p;

	put16(w, id);
	put16(w, 0);
	return start;
}

static void
put_template(struct put *w, uint16_t tid, const struct field *f, size_t n)
{
	size_t i;

	put16(w, tid);
	put16(w, (uint16_t)n);
	for (i = 0; i < n; i++) {
		put16(w, f[i].ie);
		put16(w, f[i].len);
	}
}

static void
put_options(struct put *w, const struct ipfix_msg *m)
{
	struct field f[4];
	size_t nscope, n = options_fields(m->version, f, &nscope), i;
	uint8_t *set;

	if (m->version == IPFIX_VERSION) {
		set = begin_set(w, IPFIX_SET_OPTIONS);
		put16(w, IPFIX_TID_SAMPLING);
		put16(w, (uint16_t)n);
		put16(w, (uint16_t)nscope);
	} else {
		/* v9 gives the scope and option parts' lengths in bytes. */
		set = begin_set(w, NF9_SET_OPTIONS);
		put16(w, IPFIX_TID_SAMPLING);
		put16(w, (uint16_t)(4 * nscope));
		put16(w, (uint16_t)(4 * (n - nscope)));
	}
	for (i = 0; i < n; i++) {
		put16(w, f[i].ie);
		put16(w, f[i].len);
	}
	end_set(w, set);

	set = begin_set(w, IPFIX_TID_SAMPLING);
	put32(w, m->domain);
	if (m->version == IPFIX_VERSION) {
		put32(w, 1);
		put32(w, m->sampling - 1);
	} else {
		put32(w, m->sampling);
		put8(w, 1);
	}
	end_set(w, set);
}

/* ms since boot, mod 2^32, as v9's uptime fields count. */
static uint32_t
uptime(const struct ipfix_msg *m, int64_t t)
{
	return (uint32_t)(uint64_t)(t - m->boot_ms);
}

static void
put_record(struct put *w, const struct ipfix_msg *m, const struct field *f,
	   size_t n, const struct ipfix_rec *r)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (f[i].ie) {
		case IPFIX_IE_SRC4:
		case IPFIX_IE_SRC6:
			put_bytes(w, r->src, f[i].len);
			break;
		case IPFIX_IE_DST4:
		case IPFIX_IE_DST6:
			put_bytes(w, r->dst, f[i].len);
			break;
		case IPFIX_IE_SPORT:
			put16(w, r->sport);
			break;
		case IPFIX_IE_DPORT:
			put16(w, r->dport);
			break;
		case IPFIX_IE_PROTO:
			put8(w, r->proto);
			break;
		case IPFIX_IE_TOS:
			put8(w, r->tos);
			break;
		case IPFIX_IE_TCPFLAGS:
			put8(w, r->tcp_flags);
			break;
		case IPFIX_IE_IPVERSION:
			put8(w, r->af);
			break;
		case IPFIX_IE_END_REASON:
			put8(w, r->end_reason);
			break;
		case IPFIX_IE_INPUT:
			put32(w, r->input);
			break;
		case IPFIX_IE_OUTPUT:
			put32(w, r->output);
			break;
		case IPFIX_IE_PACKETS:
			put64(w, r->packets);
			break;
		case IPFIX_IE_OCTETS:
			put64(w, r->bytes);
			break;
		case IPFIX_IE_START_MS:
			put64(w, (uint64_t)r->first_ms);
			break;
		case IPFIX_IE_END_MS:
			put64(w, (uint64_t)r->last_ms);
			break;
		case IPFIX_IE_FIRST_UPTIME:
			put32(w, uptime(m, r->first_ms));
			break;
		case IPFIX_IE_LAST_UPTIME:
			put32(w, uptime(m, r->last_ms));
			break;
		case IPFIX_IE_VLAN:
			put16(w, r->vlan);
			break;
		case IPFIX_IE_SRC_MAC:
			put_bytes(w, r->src_mac, 6);
			break;
		case IPFIX_IE_DST_MAC:
			put_bytes(w, r->dst_mac, 6);
			break;
		default:
			break;
		}
	}
}

size_t
ipfix_encode(const struct ipfix_msg *m, const struct ipfix_rec *recs, size_t n,
	     uint8_t *out, size_t cap, size_t *nrecords)
{
	struct field f[2][MAXFIELDS];
	size_t nf[2], cnt[2] = {0, 0}, len, i, nrec = 0;
	struct put w = {out};
	uint8_t *set;
	int fam;

	if (m->version != NF9_VERSION && m->version != IPFIX_VERSION)
		return 0;
	for (i = 0; i < n; i++)
		cnt[recs[i].af == 6]++;
	nf[0] = template_fields(m->version, m->vlan, m->ether, 4, f[0]);
	nf[1] = template_fields(m->version, m->vlan, m->ether, 6, f[1]);
	len = ipfix_overhead(m) + ipfix_setlen(cnt[0], sum_len(f[0], nf[0])) +
	      ipfix_setlen(cnt[1], sum_len(f[1], nf[1]));
	if (len > cap || len > UINT16_MAX)
		return 0;

	if (m->version == IPFIX_VERSION) {
		put16(&w, IPFIX_VERSION);
		put16(&w, (uint16_t)len);
		put32(&w, (uint32_t)(m->now_ms / 1000));
		put32(&w, m->sequence);
		put32(&w, m->domain);
	} else {
		put16(&w, NF9_VERSION);
		put16(&w, 0); /* the count, filled in below */
		put32(&w, uptime(m, m->now_ms));
		put32(&w, (uint32_t)(m->now_ms / 1000));
		put32(&w, m->sequence);
		put32(&w, m->domain);
	}
	if (m->templates) {
		set = begin_set(&w, m->version == IPFIX_VERSION
					? IPFIX_SET_TEMPLATE
					: NF9_SET_TEMPLATE);
		put_template(&w, IPFIX_TID_IPV4, f[0], nf[0]);
		put_template(&w, IPFIX_TID_IPV6, f[1], nf[1]);
		end_set(&w, set);
		nrec += 2;
		if (m->sampling > 1) {
			put_options(&w, m);
			nrec += 2;
		}
	}
	for (fam = 0; fam < 2; fam++) {
		if (cnt[fam] == 0)
			continue;
		set = begin_set(&w, fam ? IPFIX_TID_IPV6 : IPFIX_TID_IPV4);
		for (i = 0; i < n; i++)
			if ((recs[i].af == 6) == fam)
				put_record(&w, m, f[fam], nf[fam], &recs[i]);
		end_set(&w, set);
		nrec += cnt[fam];
	}
	if (m->version == NF9_VERSION) {
		out[2] = (uint8_t)(nrec >> 8);
		out[3] = (uint8_t)nrec;
	}
	if (nrecords != NULL)
		*nrecords = nrec;
	return (size_t)(w.p - out);
}
