/*
 * buf: bounds-checked byte cursors.
 *
 * Every read first checks that the requested bytes are present.  If they are
 * not, the read returns -1, leaves the output untouched and sets the cursor's
 * failed flag, which stays set, so a decoder can do a run of reads and check
 * once at the end.  Integers are assembled byte by byte, which keeps the code
 * independent of host byte order and alignment.
 */
#include <string.h>

#include "buf.h"

void
buf_cur_init(struct cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->failed = 0;
}

size_t
buf_left(const struct cursor *c)
{
	return c->off <= c->len ? c->len - c->off : 0;
}

/*
 * Points *q at n readable bytes and advances past them; -1 if they are not
 * there.  Kept separate from the pointer so that an empty read of an empty
 * (even NULL) buffer is a success.
 */
static int
rtake(struct cursor *c, size_t n, const uint8_t **q)
{
	if (n > buf_left(c)) {
		c->failed = 1;
		return -1;
	}
	*q = n > 0 ? c->p + c->off : c->p;
	c->off += n;
	return 0;
}

int
buf_skip(struct cursor *c, size_t n)
{
	const uint8_t *q;

	return rtake(c, n, &q);
}

int
buf_get_bytes(struct cursor *c, void *out, size_t n)
{
	const uint8_t *q;

	if (rtake(c, n, &q) == -1)
		return -1;
	if (n > 0)
		memcpy(out, q, n);
	return 0;
}

int
buf_get_u8(struct cursor *c, uint8_t *v)
{
	const uint8_t *q;

	if (rtake(c, 1, &q) == -1)
		return -1;
	*v = q[0];
	return 0;
}

int
buf_get_u16be(struct cursor *c, uint16_t *v)
{
	const uint8_t *q;

	if (rtake(c, 2, &q) == -1)
		return -1;
	*v = buf_load_be16(q);
	return 0;
}

int
buf_get_u32be(struct cursor *c, uint32_t *v)
{
	const uint8_t *q;

	if (rtake(c, 4, &q) == -1)
		return -1;
	*v = buf_load_be32(q);
	return 0;
}

int
buf_get_u16le(struct cursor *c, uint16_t *v)
{
	const uint8_t *q;

	if (rtake(c, 2, &q) == -1)
		return -1;
	*v = buf_load_le16(q);
	return 0;
}

int
buf_get_u32le(struct cursor *c, uint32_t *v)
{
	const uint8_t *q;

	if (rtake(c, 4, &q) == -1)
		return -1;
	*v = buf_load_le32(q);
	return 0;
}

int
buf_get_u16(struct cursor *c, int bigendian, uint16_t *v)
{
	return bigendian ? buf_get_u16be(c, v) : buf_get_u16le(c, v);
}

int
buf_get_u32(struct cursor *c, int bigendian, uint32_t *v)
{
	return bigendian ? buf_get_u32be(c, v) : buf_get_u32le(c, v);
}

void
buf_wcur_init(struct wcursor *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->failed = 0;
}

/* Points *q at n writable bytes and advances past them; -1 if no room. */
static int
wtake(struct wcursor *w, size_t n, uint8_t **q)
{
	if (w->off > w->cap || n > w->cap - w->off) {
		w->failed = 1;
		return -1;
	}
	*q = n > 0 ? w->p + w->off : w->p;
	w->off += n;
	return 0;
}

int
buf_put_bytes(struct wcursor *w, const void *src, size_t n)
{
	uint8_t *q;

	if (wtake(w, n, &q) == -1)
		return -1;
	if (n > 0)
		memcpy(q, src, n);
	return 0;
}

int
buf_put_u8(struct wcursor *w, uint8_t v)
{
	uint8_t *q;

	if (wtake(w, 1, &q) == -1)
		return -1;
	q[0] = v;
	return 0;
}

int
buf_put_u16be(struct wcursor *w, uint16_t v)
{
	uint8_t *q;

	if (wtake(w, 2, &q) == -1)
		return -1;
	q[0] = (uint8_t)(v >> 8);
	q[1] = (uint8_t)v;
	return 0;
}

int
buf_put_u32be(struct wcursor *w, uint32_t v)
{
	uint8_t *q;

	if (wtake(w, 4, &q) == -1)
		return -1;
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
	return 0;
}

int
buf_put_u16le(struct wcursor *w, uint16_t v)
{
	uint8_t *q;

	if (wtake(w, 2, &q) == -1)
		return -1;
	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
	return 0;
}

int
buf_put_u32le(struct wcursor *w, uint32_t v)
{
	uint8_t *q;

	if (wtake(w, 4, &q) == -1)
		return -1;
	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
	q[2] = (uint8_t)(v >> 16);
	q[3] = (uint8_t)(v >> 24);
	return 0;
}

int
buf_put_u16(struct wcursor *w, int bigendian, uint16_t v)
{
	return bigendian ? buf_put_u16be(w, v) : buf_put_u16le(w, v);
}

int
buf_put_u32(struct wcursor *w, int bigendian, uint32_t v)
{
	return bigendian ? buf_put_u32be(w, v) : buf_put_u32le(w, v);
}
