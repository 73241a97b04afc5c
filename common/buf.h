/*
 * buf: bounds-checked byte cursors for reading and writing integers in
 * big- or little-endian order.
 *
 * Every decoder in nfkit reads wire and file bytes through a struct cursor.
 * A read that would go past the end fails (returns -1), leaves the output
 * untouched and marks the cursor as failed, so a parser may check once at
 * the end of a sequence of reads instead of after each one.  Writers use a
 * struct wcursor the same way.
 */
#ifndef NFKIT_BUF_H
#define NFKIT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t	*p;	/* start of the buffer */
	size_t		 len;	/* bytes in the buffer */
	size_t		 off;	/* next byte to read */
	int		 failed; /* a read ran past the end */
};

struct wcursor {
	uint8_t		*p;
	size_t		 cap;
	size_t		 off;
	int		 failed; /* a write would have run past cap */
};

void	cur_init(struct cursor *, const void *, size_t);
size_t	cur_left(const struct cursor *);
int	cur_skip(struct cursor *, size_t);
int	cur_get_bytes(struct cursor *, void *, size_t);
int	cur_get_u8(struct cursor *, uint8_t *);
int	cur_get_u16be(struct cursor *, uint16_t *);
int	cur_get_u32be(struct cursor *, uint32_t *);
int	cur_get_u16le(struct cursor *, uint16_t *);
int	cur_get_u32le(struct cursor *, uint32_t *);
/* Byte order chosen at run time: bigendian != 0 means big-endian. */
int	cur_get_u16(struct cursor *, int bigendian, uint16_t *);
int	cur_get_u32(struct cursor *, int bigendian, uint32_t *);

void	wcur_init(struct wcursor *, void *, size_t);
int	wcur_put_bytes(struct wcursor *, const void *, size_t);
int	wcur_put_u8(struct wcursor *, uint8_t);
int	wcur_put_u16be(struct wcursor *, uint16_t);
int	wcur_put_u32be(struct wcursor *, uint32_t);
int	wcur_put_u16le(struct wcursor *, uint16_t);
int	wcur_put_u32le(struct wcursor *, uint32_t);
int	wcur_put_u16(struct wcursor *, int bigendian, uint16_t);
int	wcur_put_u32(struct wcursor *, int bigendian, uint32_t);

#endif
