/*
 * siphash: SipHash-1-3 after Aumasson and Bernstein's specification
 * ("SipHash: a fast short-input PRF", 2012), with c = 1 and d = 3.
 * Message words are read little-endian byte by byte, so the result does not
 * depend on the host's byte order or on the alignment of the input.
 */
#include "siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3)                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = ROTL(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = ROTL(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = ROTL(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = ROTL(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = ROTL(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = ROTL(v2, 32);                                             \
	} while (0)

static inline uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	       (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

uint64_t
siphash_13(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	/* The last 0..7 bytes, with the length in the top byte. */
	switch (tail) {
	case 7:
		b |= (uint64_t)in[i + 6] << 48; /* FALLTHROUGH */
	case 6:
		b |= (uint64_t)in[i + 5] << 40; /* FALLTHROUGH */
	case 5:
		b |= (uint64_t)in[i + 4] << 32; /* FALLTHROUGH */
	case 4:
		b |= (uint64_t)in[i + 3] << 24; /* FALLTHROUGH */
	case 3:
		b |= (uint64_t)in[i + 2] << 16; /* FALLTHROUGH */
	case 2:
		b |= (uint64_t)in[i + 1] << 8; /* FALLTHROUGH */
	case 1:
		b |= (uint64_t)in[i]; /* FALLTHROUGH */
	default:
		break;
	}
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
