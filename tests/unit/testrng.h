/*
 * testrng.h: the pseudo-random generators of the tests, their tools and the
 * benchmark generators: the same numbers on every machine for a given seed,
 * fast, good enough for test data and junk, and not for anything secret.
 * xorshift64* (state must not be 0) and splitmix64 (any state), Vigna.
 */
#ifndef NFKIT_TEST_TESTRNG_H
#define NFKIT_TEST_TESTRNG_H

#include <stdint.h>

/* The next 64-bit number from *s, which it advances. */
static inline uint64_t
xorshift64(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* The next 32-bit number: the high half, the better mixed one. */
static inline uint32_t
xorshift32(uint64_t *s)
{
	return (uint32_t)(xorshift64(s) >> 32);
}

/*
 * One xorshift stream for a test program that needs no other: rnd_seed()
 * starts it (seed not 0), rnd32() draws its next 32-bit number.
 */
static inline uint64_t *
rnd_state(void)
{
	static uint64_t state;

	return &state;
}

static inline void
rnd_seed(uint64_t seed)
{
	*rnd_state() = seed;
}

static inline uint32_t
rnd32(void)
{
	return xorshift32(rnd_state());
}

/* The next number of the splitmix64 sequence, advancing *s by its step. */
static inline uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

#endif
