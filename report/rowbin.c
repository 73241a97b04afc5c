/*
 * rowbin: RowBinary encoding of flow rows.
 *
 * Written byte by byte rather than by memcpy of host integers, so the
 * format stays little-endian whatever the host is.
 */
#include <string.h>

#include "buf.h"
#include "rowbin.h"

size_t
rowbin_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return 2;
}

size_t
rowbin_put_u32(uint8_t *p, uint32_t v)
{
	rowbin_put_u16(p, (uint16_t)v);
	rowbin_put_u16(p + 2, (uint16_t)(v >> 16));
	return 4;
}

size_t
rowbin_put_u64(uint8_t *p, uint64_t v)
{
	rowbin_put_u32(p, (uint32_t)v);
	rowbin_put_u32(p + 4, (uint32_t)(v >> 32));
	return 8;
}

size_t
rowbin_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

size_t
rowbin_put_string(uint8_t *p, const char *s, size_t len)
{
	size_t n = rowbin_put_varint(p, len);

	memcpy(p + n, s, len);
	return n + len;
}

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void
rowbin_addr_put(uint8_t *p, uint32_t v4)
{
	memcpy(p, v4mapped, sizeof(v4mapped));
	p[12] = (uint8_t)(v4 >> 24);
	p[13] = (uint8_t)(v4 >> 16);
	p[14] = (uint8_t)(v4 >> 8);
	p[15] = (uint8_t)v4;
}

int
rowbin_addr_get(const uint8_t *p, uint32_t *v4)
{
	if (memcmp(p, v4mapped, sizeof(v4mapped)) != 0)
		return -1;
	*v4 = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
	      (uint32_t)p[14] << 8 | p[15];
	return 0;
}

size_t
rowbin_flow_put(uint8_t *p, const struct flowrec *r)
{
	uint8_t *q = p;

	q += rowbin_put_u64(q, (uint64_t)r->first_ms);
	q += rowbin_put_u64(q, (uint64_t)r->last_ms);
	/* IPv4 as IPv4-mapped IPv6, IPv6 as itself (FixedString(16)). */
	if (r->af == FLOWREC_AF_INET6) {
		memcpy(q, r->src6, 16);
		memcpy(q + 16, r->dst6, 16);
		memcpy(q + 32, r->nexthop6, 16);
	} else {
		rowbin_addr_put(q, r->srcaddr);
		rowbin_addr_put(q + 16, r->dstaddr);
		rowbin_addr_put(q + 32, r->nexthop);
	}
	if (r->exaf == FLOWREC_AF_INET6)
		memcpy(q + 48, r->exaddr6, 16);
	else
		rowbin_addr_put(q + 48, r->exaddr);
	q += 64;
	q += rowbin_put_u16(q, r->srcport);
	q += rowbin_put_u16(q, r->dstport);
	/* 32-bit ifIndex and AS columns: IPFIX and v9 carry that many. */
	q += rowbin_put_u32(q, r->input);
	q += rowbin_put_u32(q, r->output);
	q += rowbin_put_u32(q, r->src_as);
	q += rowbin_put_u32(q, r->dst_as);
	*q++ = r->proto;
	*q++ = r->tos;
	*q++ = r->tcp_flags;
	*q++ = r->src_mask;
	*q++ = r->dst_mask;
	*q++ = r->engine_type;
	*q++ = r->engine_id;
	q += rowbin_put_u64(q, r->packets);
	q += rowbin_put_u64(q, r->bytes);
	q += rowbin_put_u32(q, r->unix_secs);
	q += rowbin_put_u32(q, r->unix_nsecs);
	q += rowbin_put_u32(q, r->sys_uptime);
	return (size_t)(q - p);
}

void
rowbin_flow_get(const uint8_t *p, struct flowrec *r)
{
	memset(r, 0, sizeof(*r));
	r->first_ms = (int64_t)buf_load_le64(p);
	r->last_ms = (int64_t)buf_load_le64(p + 8);
	p += 16;
	/* The family rule of dbsql.h's DBSQL_V4FLOW. */
	if (rowbin_addr_get(p, &r->srcaddr) == -1 ||
	    rowbin_addr_get(p + 16, &r->dstaddr) == -1 ||
	    rowbin_addr_get(p + 32, &r->nexthop) == -1) {
		r->srcaddr = r->dstaddr = r->nexthop = 0;
		r->af = FLOWREC_AF_INET6;
		memcpy(r->src6, p, 16);
		memcpy(r->dst6, p + 16, 16);
		memcpy(r->nexthop6, p + 32, 16);
	}
	if (rowbin_addr_get(p + 48, &r->exaddr) == -1) {
		r->exaddr = 0;
		r->exaf = FLOWREC_AF_INET6;
		memcpy(r->exaddr6, p + 48, 16);
	}
	p += 64;
	r->srcport = buf_load_le16(p);
	r->dstport = buf_load_le16(p + 2);
	r->input = buf_load_le32(p + 4);
	r->output = buf_load_le32(p + 8);
	r->src_as = buf_load_le32(p + 12);
	r->dst_as = buf_load_le32(p + 16);
	p += 20;
	r->proto = p[0];
	r->tos = p[1];
	r->tcp_flags = p[2];
	r->src_mask = p[3];
	r->dst_mask = p[4];
	r->engine_type = p[5];
	r->engine_id = p[6];
	p += 7;
	r->packets = buf_load_le64(p);
	r->bytes = buf_load_le64(p + 8);
	r->unix_secs = buf_load_le32(p + 16);
	r->unix_nsecs = buf_load_le32(p + 20);
	r->sys_uptime = buf_load_le32(p + 24);
}
