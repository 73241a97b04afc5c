/*
 * fthdr: encode and decode the header of a flow-tools file.
 *
 * Stream version 3 (what flow-capture writes today) is 8 fixed bytes (magic
 * CF 10, byte order, stream version, header length H) followed by TLVs up to
 * H.  Type, length and numeric values are in the file's byte order.  We
 * write the same nine TLVs, in the same ascending order, as flow-capture,
 * plus a comment TLV when there is one, so that a header written by us is
 * byte for byte the one flow-capture writes and keeps its length when it is
 * rewritten at close with the final counters.
 *
 * Stream version 1 is the legacy fixed 360-byte header; it is only decoded,
 * never written.
 *
 * Everything read from the file goes through a bounds-checked cursor, and
 * nothing in the header is trusted to size anything: H is checked against
 * FT_MAXHEADER and against the bytes actually present, every TLV length
 * against H.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ftfile.h"

/* TLV tags (docs/flow-tools-format.md 1.2). */
enum {
	TLV_VENDOR = 0x01,
	TLV_EX_VER = 0x02,
	TLV_AGG_VER = 0x03,
	TLV_AGG_METHOD = 0x04,
	TLV_EXPORTER_IP = 0x05,
	TLV_CAP_START = 0x06,
	TLV_CAP_END = 0x07,
	TLV_HEADER_FLAGS = 0x08,
	TLV_ROT_SCHEDULE = 0x09,
	TLV_FLOW_COUNT = 0x0A,
	TLV_FLOW_LOST = 0x0B,
	TLV_FLOW_MISORDERED = 0x0C,
	TLV_PKT_CORRUPT = 0x0D,
	TLV_SEQ_RESET = 0x0E,
	TLV_CAP_HOSTNAME = 0x0F,
	TLV_COMMENTS = 0x10,
};

/* The legacy stream version 1 header: fixed layout, 360 bytes. */
#define FT_V1_HDRLEN 360
#define FT_V1_HOSTLEN 68
#define FT_V1_COMMLEN 256

void
fthdr_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
put_tlv_u16(struct wcursor *w, int be, uint16_t tag, uint16_t v)
{
	buf_put_u16(w, be, tag);
	buf_put_u16(w, be, 2);
	buf_put_u16(w, be, v);
}

static void
put_tlv_u32(struct wcursor *w, int be, uint16_t tag, uint32_t v)
{
	buf_put_u16(w, be, tag);
	buf_put_u16(w, be, 4);
	buf_put_u32(w, be, v);
}

/* A string TLV: the length counts the terminating NUL, which is written. */
static void
put_tlv_str(struct wcursor *w, int be, uint16_t tag, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);

	buf_put_u16(w, be, tag);
	buf_put_u16(w, be, (uint16_t)(n + 1));
	buf_put_bytes(w, s, n);
	buf_put_u8(w, 0);
}

size_t
fthdr_encode(const struct ft_header *h, uint8_t *out, size_t cap)
{
	struct wcursor w;
	size_t len;
	int be;

	if (h->byte_order != FT_LITTLE && h->byte_order != FT_BIG)
		return 0;
	be = h->byte_order == FT_BIG;
	buf_wcur_init(&w, out, cap);
	buf_put_u8(&w, FT_MAGIC1);
	buf_put_u8(&w, FT_MAGIC2);
	buf_put_u8(&w, h->byte_order);
	buf_put_u8(&w, 3);
	buf_put_u32(&w, be, 0); /* H, filled in below */

	put_tlv_u16(&w, be, TLV_EX_VER, h->d_version);
	put_tlv_u32(&w, be, TLV_CAP_START, h->cap_start);
	put_tlv_u32(&w, be, TLV_CAP_END, h->cap_end);
	put_tlv_u32(&w, be, TLV_HEADER_FLAGS, h->flags);
	put_tlv_u32(&w, be, TLV_FLOW_COUNT, h->flows);
	put_tlv_u32(&w, be, TLV_FLOW_LOST, h->lost);
	put_tlv_u32(&w, be, TLV_PKT_CORRUPT, h->corrupt);
	put_tlv_u32(&w, be, TLV_SEQ_RESET, h->resets);
	put_tlv_str(&w, be, TLV_CAP_HOSTNAME, h->hostname, sizeof(h->hostname));
	if (h->comment[0] != '\0')
		put_tlv_str(&w, be, TLV_COMMENTS, h->comment,
			    sizeof(h->comment));
	/* flow-tools pads the header to a multiple of 4 with zero bytes. */
	while (!w.failed && w.off % 4 != 0)
		buf_put_u8(&w, 0);
	if (w.failed || w.off > FT_MAXHEADER)
		return 0;
	len = w.off;
	/* Patch H in at offset 4. */
	buf_wcur_init(&w, out + 4, 4);
	buf_put_u32(&w, be, (uint32_t)len);
	return len;
}

int
fthdr_peek(const uint8_t *p, size_t len, struct ft_header *h, char *err,
	   size_t errlen)
{
	struct cursor c;
	uint8_t m1, m2, bo, sv;
	uint32_t hlen;

	memset(h, 0, sizeof(*h));
	buf_cur_init(&c, p, len);
	buf_get_u8(&c, &m1);
	buf_get_u8(&c, &m2);
	buf_get_u8(&c, &bo);
	buf_get_u8(&c, &sv);
	if (c.failed) {
		fthdr_seterr(err, errlen, "truncated header: %zu of 8 bytes",
			     len);
		return -1;
	}
	if (m1 != FT_MAGIC1 || m2 != FT_MAGIC2) {
		fthdr_seterr(err, errlen,
			     "bad magic %02x %02x (not a flow-tools file)", m1,
			     m2);
		return -1;
	}
	if (bo != FT_LITTLE && bo != FT_BIG) {
		fthdr_seterr(err, errlen, "bad byte order byte %u", bo);
		return -1;
	}
	h->byte_order = bo;
	h->stream_version = sv;
	if (sv == 1) {
		/* The legacy header has a fixed size and no length field. */
		h->hdr_len = FT_V1_HDRLEN;
		return 0;
	}
	if (sv != 3) {
		fthdr_seterr(err, errlen, "unsupported stream version %u", sv);
		return -1;
	}
	if (buf_get_u32(&c, bo == FT_BIG, &hlen) == -1) {
		fthdr_seterr(err, errlen, "truncated header: %zu of 8 bytes",
			     len);
		return -1;
	}
	if (hlen < 8 || hlen > FT_MAXHEADER) {
		fthdr_seterr(err, errlen,
			     "bad header length %u (must be 8..%u)", hlen,
			     FT_MAXHEADER);
		return -1;
	}
	h->hdr_len = hlen;
	return 0;
}

/* Copy a string value that may lack its NUL; the result is terminated. */
static void
get_str(struct cursor *c, size_t n, char *dst, size_t dstlen)
{
	size_t take = n < dstlen - 1 ? n : dstlen - 1;

	memset(dst, 0, dstlen);
	buf_get_bytes(c, dst, take);
	buf_skip(c, n - take);
}

/*
 * Numeric TLVs, by table: tag, width of the value in bytes, and where it
 * goes in struct ft_header.  A value must be at least as long as its width;
 * extra bytes are ignored, because the flow-tools reader itself reads 2
 * bytes for the 1-byte vendor TLV and a slightly odd length must not make
 * us reject a file.
 */
static const struct tlv_num {
	uint16_t tag;
	uint8_t size;
	size_t off;
} tlv_nums[] = {
    {TLV_VENDOR, 1, offsetof(struct ft_header, vendor)},
    {TLV_EX_VER, 2, offsetof(struct ft_header, d_version)},
    {TLV_AGG_VER, 1, offsetof(struct ft_header, agg_version)},
    {TLV_AGG_METHOD, 1, offsetof(struct ft_header, agg_method)},
    {TLV_EXPORTER_IP, 4, offsetof(struct ft_header, exporter_ip)},
    {TLV_CAP_START, 4, offsetof(struct ft_header, cap_start)},
    {TLV_CAP_END, 4, offsetof(struct ft_header, cap_end)},
    {TLV_HEADER_FLAGS, 4, offsetof(struct ft_header, flags)},
    {TLV_ROT_SCHEDULE, 4, offsetof(struct ft_header, rotation)},
    {TLV_FLOW_COUNT, 4, offsetof(struct ft_header, flows)},
    {TLV_FLOW_LOST, 4, offsetof(struct ft_header, lost)},
    {TLV_FLOW_MISORDERED, 4, offsetof(struct ft_header, misordered)},
    {TLV_PKT_CORRUPT, 4, offsetof(struct ft_header, corrupt)},
    {TLV_SEQ_RESET, 4, offsetof(struct ft_header, resets)},
};

static const struct tlv_num *
tlv_num_find(uint16_t tag)
{
	size_t i;

	for (i = 0; i < sizeof(tlv_nums) / sizeof(tlv_nums[0]); i++)
		if (tlv_nums[i].tag == tag)
			return &tlv_nums[i];
	return NULL;
}

/* Store one numeric TLV value (the cursor spans exactly the value). */
static int
tlv_num_get(const struct tlv_num *t, struct cursor *v, int be,
	    struct ft_header *h)
{
	uint8_t *dst = (uint8_t *)h + t->off;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	switch (t->size) {
	case 1:
		if (buf_get_u8(v, &u8) == -1)
			return -1;
		*dst = u8;
		break;
	case 2:
		if (buf_get_u16(v, be, &u16) == -1)
			return -1;
		memcpy(dst, &u16, sizeof(u16));
		break;
	default:
		if (buf_get_u32(v, be, &u32) == -1)
			return -1;
		memcpy(dst, &u32, sizeof(u32));
		break;
	}
	return 0;
}

static int
decode_v3(struct cursor *c, struct ft_header *h, char *err, size_t errlen)
{
	int be = h->byte_order == FT_BIG;
	const struct tlv_num *t;
	struct cursor v;
	uint16_t tag, tlen;
	size_t at;

	/* Fewer than 4 bytes before H can only be padding. */
	while (buf_left(c) >= 4) {
		at = c->off;
		buf_get_u16(c, be, &tag);
		buf_get_u16(c, be, &tlen);
		if (tlen > buf_left(c)) {
			fthdr_seterr(err, errlen,
				     "header TLV 0x%02x at offset %zu: "
				     "length %u runs past the header end (%zu)",
				     tag, at, tlen, c->len);
			return -1;
		}
		/* The value gets a cursor of its own, exactly its length. */
		buf_cur_init(&v, c->p + c->off, tlen);
		buf_skip(c, tlen);
		if (tag < 32)
			h->tlv_seen |= 1u << tag;
		if (tag == TLV_CAP_HOSTNAME) {
			get_str(&v, tlen, h->hostname, sizeof(h->hostname));
		} else if (tag == TLV_COMMENTS) {
			get_str(&v, tlen, h->comment, sizeof(h->comment));
		} else if ((t = tlv_num_find(tag)) != NULL &&
			   tlv_num_get(t, &v, be, h) == -1) {
			fthdr_seterr(err, errlen,
				     "header TLV 0x%02x at offset %zu: "
				     "length %u, the value needs %u",
				     tag, at, tlen, t->size);
			return -1;
		}
		/* Anything else (0x11, 0x12, 0x13, unknown tags) is skipped. */
	}
	return 0;
}

static int
decode_v1(struct cursor *c, struct ft_header *h)
{
	int be = h->byte_order == FT_BIG;
	uint16_t dver;

	buf_skip(c, 4);
	buf_get_u16(c, be, &dver);
	buf_skip(c, 2);
	buf_get_u32(c, be, &h->cap_start);
	buf_get_u32(c, be, &h->cap_end);
	buf_get_u32(c, be, &h->flags);
	buf_get_u32(c, be, &h->rotation);
	buf_get_u32(c, be, &h->flows);
	buf_get_u32(c, be, &h->lost);
	buf_get_u32(c, be, &h->misordered);
	get_str(c, FT_V1_HOSTLEN, h->hostname, sizeof(h->hostname));
	get_str(c, FT_V1_COMMLEN, h->comment, sizeof(h->comment));
	/* Old writers put 65535 where they meant version 1. */
	h->d_version = dver == 65535 ? 1 : dver;
	/* Its records are converted as they are read, as flow-tools does. */
	h->flags |= FT_FLAG_XLATE;
	return c->failed ? -1 : 0;
}

int
fthdr_decode(const uint8_t *p, size_t len, struct ft_header *h, char *err,
	     size_t errlen)
{
	struct cursor c;

	if (fthdr_peek(p, len, h, err, errlen) == -1)
		return -1;
	if (len < h->hdr_len) {
		fthdr_seterr(err, errlen, "truncated header: %zu of %u bytes",
			     len, h->hdr_len);
		return -1;
	}
	buf_cur_init(&c, p, h->hdr_len);
	if (h->stream_version == 1) {
		if (decode_v1(&c, h) == -1) {
			fthdr_seterr(err, errlen,
				     "bad stream version 1 header");
			return -1;
		}
		return 0;
	}
	buf_skip(&c, 8);
	return decode_v3(&c, h, err, errlen);
}
