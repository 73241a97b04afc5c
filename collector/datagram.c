/*
 * datagram: NetFlow v1, v5 and v7 datagrams into struct flowrec; v9 and
 * IPFIX recognised and handed to the template decoder.
 *
 * One table row per export version says how long its header and records
 * are, how many records a datagram may hold (flow-tools' limits: 24, 30,
 * 27) and which function reads it.  The checks common to all versions
 * (enough bytes for a header, count in range, exact length) are made here,
 * once, before a version's reader looks at any record; the readers then go
 * through a bounds-checked cursor anyway.  v5 is read by common/v5.c, the
 * codec the sensor uses to write it.
 *
 * v9 and IPFIX messages cannot be read on their own: their records need
 * the templates the exporter sent earlier.  Their rows have no reader, and
 * datagram_decode() answers DATAGRAM_TEMPLATED for them, so the receive
 * loop passes them on to common/ipfixdec.c, which keeps the templates.
 */
#include <string.h>

#include "buf.h"
#include "datagram.h"
#include "v5.h"

struct version {
	uint16_t version;
	size_t hdrlen;
	size_t reclen;
	uint16_t maxrecs;
	int (*read)(const void *, size_t, uint32_t, struct datagram_info *,
		    struct flowrec *);
};

static int read_v1(const void *, size_t, uint32_t, struct datagram_info *,
		   struct flowrec *);
static int read_v5(const void *, size_t, uint32_t, struct datagram_info *,
		   struct flowrec *);
static int read_v7(const void *, size_t, uint32_t, struct datagram_info *,
		   struct flowrec *);

static const struct version versions[] = {
    {1, 16, 48, 24, read_v1},
    {5, V5_HDRLEN, V5_RECLEN, V5_MAXRECS, read_v5},
    {7, 24, 52, 27, read_v7},
    {9, 20, 0, 0, NULL},  /* RFC 3954: templates, see ipfixdec */
    {10, 16, 0, 0, NULL}, /* RFC 7011 */
};

static const struct {
	const char *name;
	const char *text;
} statuses[DATAGRAM_NSTATUS] = {
    [DATAGRAM_OK] = {"ok", "ok"},
    [DATAGRAM_ESHORT] = {"short", "datagram shorter than its header"},
    [DATAGRAM_EVERSION] = {"unknown-version",
			   "export version other than 1, 5, 7, 9, 10"},
    [DATAGRAM_ECOUNT] = {"count", "record count is 0 or above the limit"},
    [DATAGRAM_ELENGTH] = {"length", "length does not match record count"},
    [DATAGRAM_ETRUNC] = {"oversize", "datagram larger than any valid one"},
    [DATAGRAM_EFILTER] = {"filtered", "source refused by the remote filter"},
    [DATAGRAM_TEMPLATED] = {"templated",
			    "v9 or IPFIX: for the template decoder"},
    [DATAGRAM_EMESSAGE] = {"v9-ipfix-header",
			   "v9/IPFIX header refused (short, IPFIX length, "
			   "exporter or domain limit)"},
};

const char *
datagram_strerror(enum datagram_status s)
{
	return (unsigned)s < DATAGRAM_NSTATUS ? statuses[s].text : "unknown";
}

const char *
datagram_statname(enum datagram_status s)
{
	return (unsigned)s < DATAGRAM_NSTATUS ? statuses[s].name : "unknown";
}

enum datagram_status
datagram_decode(const void *buf, size_t len, uint32_t exaddr,
		struct datagram_info *info, struct flowrec *recs)
{
	const struct version *v = NULL;
	struct cursor c;
	uint16_t version, count;
	size_t i;

	buf_cur_init(&c, buf, len);
	if (buf_get_u16be(&c, &version) == -1 ||
	    buf_get_u16be(&c, &count) == -1)
		return DATAGRAM_ESHORT;
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (versions[i].version == version)
			v = &versions[i];
	if (v == NULL)
		return DATAGRAM_EVERSION;
	if (len < v->hdrlen)
		return DATAGRAM_ESHORT;
	if (v->read == NULL) {
		memset(info, 0, sizeof(*info));
		info->version = version;
		return DATAGRAM_TEMPLATED;
	}
	if (count == 0 || count > v->maxrecs)
		return DATAGRAM_ECOUNT;
	if (len != v->hdrlen + v->reclen * count)
		return DATAGRAM_ELENGTH;
	memset(info, 0, sizeof(*info));
	info->version = version;
	if (v->read(buf, len, exaddr, info, recs) == -1)
		return DATAGRAM_ELENGTH;
	info->count = count;
	return DATAGRAM_OK;
}

/*
 * v5, the common case, read at fixed offsets straight into the records:
 * datagram_decode() has checked that the datagram is exactly header +
 * count * 48 bytes, so every load below is inside it.  The fields and the
 * time arithmetic are v5_decode() + v5_to_flowrec()'s (common/v5.c), which
 * the unit tests compare this against; the export header's time base is
 * computed once per datagram instead of twice per record.
 */
static int
read_v5(const void *buf, size_t len, uint32_t exaddr,
	struct datagram_info *info, struct flowrec *recs)
{
	const uint8_t *p = buf, *q;
	uint16_t count = buf_load_be16(p + 2), i;
	uint32_t uptime = buf_load_be32(p + 4);
	uint32_t secs = buf_load_be32(p + 8);
	uint32_t nsecs = buf_load_be32(p + 12);
	int64_t base = flowrec_base_ms(secs, nsecs);
	struct flowrec *r;

	(void)len;
	info->has_seq = 1;
	info->flow_sequence = buf_load_be32(p + 16);
	info->engine_type = p[20];
	info->engine_id = p[21];
	for (i = 0; i < count; i++) {
		q = p + V5_HDRLEN + (size_t)i * V5_RECLEN;
		r = &recs[i];
		memset(r, 0, sizeof(*r));
		r->packets = buf_load_be32(q + 16);
		r->bytes = buf_load_be32(q + 20);
		r->first_ms =
		    base - flowrec_uptime_back(uptime, buf_load_be32(q + 24));
		r->last_ms =
		    base - flowrec_uptime_back(uptime, buf_load_be32(q + 28));
		r->srcaddr = buf_load_be32(q);
		r->dstaddr = buf_load_be32(q + 4);
		r->nexthop = buf_load_be32(q + 8);
		r->exaddr = exaddr;
		r->unix_secs = secs;
		r->unix_nsecs = nsecs;
		r->sys_uptime = uptime;
		r->input = buf_load_be16(q + 12);
		r->output = buf_load_be16(q + 14);
		r->srcport = buf_load_be16(q + 32);
		r->dstport = buf_load_be16(q + 34);
		r->tcp_flags = q[37];
		r->proto = q[38];
		r->tos = q[39];
		r->src_as = buf_load_be16(q + 40);
		r->dst_as = buf_load_be16(q + 42);
		r->src_mask = q[44];
		r->dst_mask = q[45];
		r->engine_type = p[20];
		r->engine_id = p[21];
	}
	return 0;
}

/*
 * The part of a v1 or v7 record that is laid out as in v5: addresses,
 * interfaces, counters, times and ports (36 bytes).
 */
static void
read_common(struct cursor *c, const struct v5_header *h, uint32_t exaddr,
	    struct flowrec *r)
{
	struct v5_record w;

	memset(&w, 0, sizeof(w));
	buf_get_u32be(c, &w.srcaddr);
	buf_get_u32be(c, &w.dstaddr);
	buf_get_u32be(c, &w.nexthop);
	buf_get_u16be(c, &w.input);
	buf_get_u16be(c, &w.output);
	buf_get_u32be(c, &w.packets);
	buf_get_u32be(c, &w.octets);
	buf_get_u32be(c, &w.first);
	buf_get_u32be(c, &w.last);
	buf_get_u16be(c, &w.srcport);
	buf_get_u16be(c, &w.dstport);
	v5_to_flowrec(h, &w, exaddr, r);
}

/*
 * v1: 16-byte header (no sequence, no engine); records end with pad(2),
 * prot, tos, tcp_flags, pad(3), reserved(4).
 */
/* The first 16 bytes, the same in v1, v5 and v7 headers. */
static void
read_header_start(struct cursor *c, struct v5_header *h, const void *buf,
		  size_t len)
{
	memset(h, 0, sizeof(*h));
	buf_cur_init(c, buf, len);
	buf_get_u16be(c, &h->version);
	buf_get_u16be(c, &h->count);
	buf_get_u32be(c, &h->sys_uptime);
	buf_get_u32be(c, &h->unix_secs);
	buf_get_u32be(c, &h->unix_nsecs);
}

static int
read_v1(const void *buf, size_t len, uint32_t exaddr,
	struct datagram_info *info, struct flowrec *recs)
{
	struct cursor c;
	struct v5_header h;
	uint16_t i;

	(void)info;
	read_header_start(&c, &h, buf, len);
	for (i = 0; i < h.count; i++) {
		struct flowrec *r = &recs[i];

		read_common(&c, &h, exaddr, r);
		buf_skip(&c, 2);
		buf_get_u8(&c, &r->proto);
		buf_get_u8(&c, &r->tos);
		buf_get_u8(&c, &r->tcp_flags);
		buf_skip(&c, 3 + 4);
	}
	return c.failed ? -1 : 0;
}

/*
 * v7 (Catalyst): the v5 header with a reserved word where engine and
 * sampling would be; records as v5 with a flags byte in pad1, a flags word
 * in pad2 and the shortcut router address (router_sc) appended.
 */
static int
read_v7(const void *buf, size_t len, uint32_t exaddr,
	struct datagram_info *info, struct flowrec *recs)
{
	struct cursor c;
	struct v5_header h;
	uint16_t sas, das;
	uint16_t i;

	read_header_start(&c, &h, buf, len);
	buf_get_u32be(&c, &h.flow_sequence);
	buf_skip(&c, 4);
	info->has_seq = 1;
	info->flow_sequence = h.flow_sequence;
	for (i = 0; i < h.count; i++) {
		struct flowrec *r = &recs[i];

		read_common(&c, &h, exaddr, r);
		buf_skip(&c, 1);
		buf_get_u8(&c, &r->tcp_flags);
		buf_get_u8(&c, &r->proto);
		buf_get_u8(&c, &r->tos);
		buf_get_u16be(&c, &sas);
		buf_get_u16be(&c, &das);
		r->src_as = sas;
		r->dst_as = das;
		buf_get_u8(&c, &r->src_mask);
		buf_get_u8(&c, &r->dst_mask);
		buf_skip(&c, 2 + 4);
	}
	return c.failed ? -1 : 0;
}
