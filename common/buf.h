/*
 * buf: bounds-checked byte reading and writing, the one way nfkit decodes
 * integers in big- or little-endian order.
 *
 * Every decoder in nfkit reads wire and file bytes through this header, in
 * one of three ways, from the safest to the fastest:
 *
 *  - a struct cursor (buf_get_*): a read that would go past the end fails
 *    (returns -1), leaves the output untouched and marks the cursor as
 *    failed, so a parser may check once at the end of a sequence of reads
 *    instead of after each one.  For headers and records read in order
 *    (NetFlow datagrams, file headers, the control protocol).
 *  - buf_peek_* at an offset into a span: the same check, inlined, for
 *    parsers that jump around inside a packet (common/packet.c, run for
 *    every captured packet).
 *  - buf_load_*: NO check at all.  Only for code that has already checked
 *    that the whole structure it reads is present, once, just before (a
 *    record header, a block of fixed-size records); say so where it is
 *    used.
 *
 * Integers are assembled byte by byte, which keeps the code independent of
 * host byte order and alignment; compilers turn the patterns into single
 * loads and byte swaps.  Writers use a struct wcursor the way readers use a
 * cursor.
 */
#ifndef NFKIT_BUF_H
#define NFKIT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p; /* start of the buffer */
	size_t len;	  /* bytes in the buffer */
	size_t off;	  /* next byte to read */
	int failed;	  /* a read ran past the end */
};

struct wcursor {
	uint8_t *p;
	size_t cap;
	size_t off;
	int failed; /* a write would have run past cap */
};

void buf_cur_init(struct cursor *, const void *, size_t);
size_t buf_left(const struct cursor *);
int buf_skip(struct cursor *, size_t);
int buf_get_bytes(struct cursor *, void *, size_t);
int buf_get_u8(struct cursor *, uint8_t *);
int buf_get_u16be(struct cursor *, uint16_t *);
int buf_get_u32be(struct cursor *, uint32_t *);
int buf_get_u16le(struct cursor *, uint16_t *);
int buf_get_u32le(struct cursor *, uint32_t *);
/* Byte order chosen at run time: bigendian != 0 means big-endian. */
int buf_get_u16(struct cursor *, int bigendian, uint16_t *);
int buf_get_u32(struct cursor *, int bigendian, uint32_t *);

/*
 * Unchecked loads: the caller has already checked that the bytes at p are
 * there.
 */
static inline uint16_t
buf_load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
buf_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
buf_load_le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
buf_load_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t
buf_load_le64(const uint8_t *p)
{
	return (uint64_t)buf_load_le32(p + 4) << 32 | buf_load_le32(p);
}

static inline uint64_t
buf_load_be64(const uint8_t *p)
{
	return (uint64_t)buf_load_be32(p) << 32 | buf_load_be32(p + 4);
}

/* Unchecked stores in network byte order, for fixed-layout encoders. */
static inline void
buf_store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
buf_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
buf_store_be64(uint8_t *p, uint64_t v)
{
	buf_store_be32(p, (uint32_t)(v >> 32));
	buf_store_be32(p + 4, (uint32_t)v);
}

static inline void
buf_store_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
buf_store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Unchecked store, byte order chosen at run time (bigendian != 0). */
static inline void
buf_store16(uint8_t *p, uint16_t v, int bigendian)
{
	if (bigendian)
		buf_store_be16(p, v);
	else
		buf_store_le16(p, v);
}

static inline void
buf_store32(uint8_t *p, uint32_t v, int bigendian)
{
	if (bigendian)
		buf_store_be32(p, v);
	else
		buf_store_le32(p, v);
}

/* Byte order chosen at run time: bigendian != 0 means big-endian. */
static inline uint16_t
buf_load16(const uint8_t *p, int bigendian)
{
	return bigendian ? buf_load_be16(p) : buf_load_le16(p);
}

static inline uint32_t
buf_load32(const uint8_t *p, int bigendian)
{
	return bigendian ? buf_load_be32(p) : buf_load_le32(p);
}

/*
 * Checked reads at offset off of the len bytes at p, in network byte
 * order: 0, or -1 (and *v untouched) when the bytes are not all there.
 * Written so that off + n cannot overflow.
 */
static inline int
buf_peek_u8(const uint8_t *p, size_t len, size_t off, uint8_t *v)
{
	if (off >= len)
		return -1;
	*v = p[off];
	return 0;
}

static inline int
buf_peek_be16(const uint8_t *p, size_t len, size_t off, uint16_t *v)
{
	if (len < 2 || off > len - 2)
		return -1;
	*v = buf_load_be16(p + off);
	return 0;
}

static inline int
buf_peek_be32(const uint8_t *p, size_t len, size_t off, uint32_t *v)
{
	if (len < 4 || off > len - 4)
		return -1;
	*v = buf_load_be32(p + off);
	return 0;
}

void buf_wcur_init(struct wcursor *, void *, size_t);
int buf_put_bytes(struct wcursor *, const void *, size_t);
int buf_put_u8(struct wcursor *, uint8_t);
int buf_put_u16be(struct wcursor *, uint16_t);
int buf_put_u32be(struct wcursor *, uint32_t);
int buf_put_u16le(struct wcursor *, uint16_t);
int buf_put_u32le(struct wcursor *, uint32_t);
int buf_put_u16(struct wcursor *, int bigendian, uint16_t);
int buf_put_u32(struct wcursor *, int bigendian, uint32_t);

#endif
