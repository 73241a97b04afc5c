/*
 * v5: NetFlow version 5 encode and decode.
 *
 * The decoder checks the datagram as a whole before it looks at any record:
 * it must hold a header, say version 5, announce 1..30 records and be
 * exactly as long as that count implies.  Anything else is rejected with the
 * reason, so the collector can count each kind of bad input separately.
 * All reads go through a bounds-checked cursor, so even a wrong length check
 * could not make the decoder read past the buffer.
 */
#include <string.h>

#include "buf.h"
#include "v5.h"

static const char *const v5_errstr[V5_NSTATUS] = {
    [V5_OK] = "ok",
    [V5_ESHORT] = "datagram shorter than a v5 header",
    [V5_EVERSION] = "version is not 5",
    [V5_ECOUNT] = "record count is 0 or above 30",
    [V5_ELENGTH] = "length does not match record count",
};

const char *
v5_strerror(enum v5_status s)
{
	if ((unsigned)s >= V5_NSTATUS)
		return "unknown v5 error";
	return v5_errstr[s];
}

static void
v5_get_header(struct cursor *c, struct v5_header *h)
{
	buf_get_u16be(c, &h->version);
	buf_get_u16be(c, &h->count);
	buf_get_u32be(c, &h->sys_uptime);
	buf_get_u32be(c, &h->unix_secs);
	buf_get_u32be(c, &h->unix_nsecs);
	buf_get_u32be(c, &h->flow_sequence);
	buf_get_u8(c, &h->engine_type);
	buf_get_u8(c, &h->engine_id);
	buf_get_u16be(c, &h->sampling);
}

static void
v5_get_record(struct cursor *c, struct v5_record *r)
{
	memset(r, 0, sizeof(*r));
	buf_get_u32be(c, &r->srcaddr);
	buf_get_u32be(c, &r->dstaddr);
	buf_get_u32be(c, &r->nexthop);
	buf_get_u16be(c, &r->input);
	buf_get_u16be(c, &r->output);
	buf_get_u32be(c, &r->packets);
	buf_get_u32be(c, &r->octets);
	buf_get_u32be(c, &r->first);
	buf_get_u32be(c, &r->last);
	buf_get_u16be(c, &r->srcport);
	buf_get_u16be(c, &r->dstport);
	buf_skip(c, 1); /* pad1 */
	buf_get_u8(c, &r->tcp_flags);
	buf_get_u8(c, &r->proto);
	buf_get_u8(c, &r->tos);
	buf_get_u16be(c, &r->src_as);
	buf_get_u16be(c, &r->dst_as);
	buf_get_u8(c, &r->src_mask);
	buf_get_u8(c, &r->dst_mask);
	buf_skip(c, 2); /* pad2 */
}

enum v5_status
v5_decode(const void *buf, size_t len, struct v5_header *h,
	  struct v5_record *recs)
{
	struct cursor c;
	struct v5_header hh;
	uint16_t i;

	if (len < V5_HDRLEN)
		return V5_ESHORT;
	buf_cur_init(&c, buf, len);
	v5_get_header(&c, &hh);
	if (hh.version != 5)
		return V5_EVERSION;
	if (hh.count == 0 || hh.count > V5_MAXRECS)
		return V5_ECOUNT;
	if (len != (size_t)V5_HDRLEN + (size_t)V5_RECLEN * hh.count)
		return V5_ELENGTH;
	for (i = 0; i < hh.count; i++)
		v5_get_record(&c, &recs[i]);
	if (c.failed) /* cannot happen after the length check */
		return V5_ELENGTH;
	*h = hh;
	return V5_OK;
}

size_t
v5_encode(const struct v5_header *h, const struct v5_record *recs, void *out,
	  size_t cap)
{
	struct wcursor w;
	const struct v5_record *r;
	uint16_t i;

	if (h->count == 0 || h->count > V5_MAXRECS)
		return 0;
	if (cap < (size_t)V5_HDRLEN + (size_t)V5_RECLEN * h->count)
		return 0;
	buf_wcur_init(&w, out, cap);
	buf_put_u16be(&w, h->version);
	buf_put_u16be(&w, h->count);
	buf_put_u32be(&w, h->sys_uptime);
	buf_put_u32be(&w, h->unix_secs);
	buf_put_u32be(&w, h->unix_nsecs);
	buf_put_u32be(&w, h->flow_sequence);
	buf_put_u8(&w, h->engine_type);
	buf_put_u8(&w, h->engine_id);
	buf_put_u16be(&w, h->sampling);
	for (i = 0; i < h->count; i++) {
		r = &recs[i];
		buf_put_u32be(&w, r->srcaddr);
		buf_put_u32be(&w, r->dstaddr);
		buf_put_u32be(&w, r->nexthop);
		buf_put_u16be(&w, r->input);
		buf_put_u16be(&w, r->output);
		buf_put_u32be(&w, r->packets);
		buf_put_u32be(&w, r->octets);
		buf_put_u32be(&w, r->first);
		buf_put_u32be(&w, r->last);
		buf_put_u16be(&w, r->srcport);
		buf_put_u16be(&w, r->dstport);
		buf_put_u8(&w, 0); /* pad1 */
		buf_put_u8(&w, r->tcp_flags);
		buf_put_u8(&w, r->proto);
		buf_put_u8(&w, r->tos);
		buf_put_u16be(&w, r->src_as);
		buf_put_u16be(&w, r->dst_as);
		buf_put_u8(&w, r->src_mask);
		buf_put_u8(&w, r->dst_mask);
		buf_put_u16be(&w, 0); /* pad2 */
	}
	return w.failed ? 0 : w.off;
}

void
v5_to_flowrec(const struct v5_header *h, const struct v5_record *v,
	      uint32_t exaddr, struct flowrec *r)
{
	memset(r, 0, sizeof(*r));
	r->packets = v->packets;
	r->bytes = v->octets;
	r->first_ms = flowrec_abs_ms(h->unix_secs, h->unix_nsecs, h->sys_uptime,
				     v->first);
	r->last_ms =
	    flowrec_abs_ms(h->unix_secs, h->unix_nsecs, h->sys_uptime, v->last);
	r->srcaddr = v->srcaddr;
	r->dstaddr = v->dstaddr;
	r->nexthop = v->nexthop;
	r->exaddr = exaddr;
	r->unix_secs = h->unix_secs;
	r->unix_nsecs = h->unix_nsecs;
	r->sys_uptime = h->sys_uptime;
	r->srcport = v->srcport;
	r->dstport = v->dstport;
	r->input = v->input;
	r->output = v->output;
	r->src_as = v->src_as;
	r->dst_as = v->dst_as;
	r->proto = v->proto;
	r->tos = v->tos;
	r->tcp_flags = v->tcp_flags;
	r->src_mask = v->src_mask;
	r->dst_mask = v->dst_mask;
	r->engine_type = h->engine_type;
	r->engine_id = h->engine_id;
}

void
v5_from_flowrec(const struct flowrec *r, const struct v5_header *h,
		struct v5_record *v)
{
	struct flowrec base;

	/* First/Last are relative to this datagram's time base, not r's. */
	base = *r;
	base.unix_secs = h->unix_secs;
	base.unix_nsecs = h->unix_nsecs;
	base.sys_uptime = h->sys_uptime;

	memset(v, 0, sizeof(*v));
	v->srcaddr = r->srcaddr;
	v->dstaddr = r->dstaddr;
	v->nexthop = r->nexthop;
	v->input = flowrec_sat16(r->input);
	v->output = flowrec_sat16(r->output);
	v->packets =
	    r->packets > UINT32_MAX ? UINT32_MAX : (uint32_t)r->packets;
	v->octets = r->bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)r->bytes;
	v->first = flowrec_rel_ms(&base, r->first_ms);
	v->last = flowrec_rel_ms(&base, r->last_ms);
	v->srcport = r->srcport;
	v->dstport = r->dstport;
	v->tcp_flags = r->tcp_flags;
	v->proto = r->proto;
	v->tos = r->tos;
	v->src_as = flowrec_sat16(r->src_as);
	v->dst_as = flowrec_sat16(r->dst_as);
	v->src_mask = r->src_mask;
	v->dst_mask = r->dst_mask;
}

uint16_t
v5_sampling_field(uint32_t rate)
{
	if (rate <= 1)
		return 0;
	return (uint16_t)(1U << 14 | (rate > 0x3fff ? 0x3fff : rate));
}
