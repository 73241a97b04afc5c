/*
 * addr6: an open-addressing hash of 16-byte addresses to their index in
 * an array of them, kept at most half full.
 */
#include <stdlib.h>
#include <string.h>

#include "addr6.h"

struct addr6tab {
	uint8_t *addrs; /* n addresses of 16 bytes */
	uint32_t n, cap;
	uint32_t *slots; /* id + 1; 0 = empty */
	uint32_t mask;
	uint64_t seed;
};

struct addr6tab *
addr6_new(uint64_t seed)
{
	struct addr6tab *t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->seed = seed;
	return t;
}

void
addr6_free(struct addr6tab *t)
{
	if (t == NULL)
		return;
	free(t->addrs);
	free(t->slots);
	free(t);
}

/*
 * Every byte must reach the low bits that pick the slot: addresses often
 * differ only in their last bytes (hosts of one prefix) or in bytes 6-7
 * (the /64s of a site), and a hash that let those bytes reach only its
 * high bits put them all in one probe chain (65536 such addresses took
 * 2-3 s to intern instead of milliseconds).
 */
static uint32_t
hash16(const struct addr6tab *t, const uint8_t *a)
{
	uint64_t x, y, h = t->seed;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	h = (h ^ x) * 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	h = (h ^ y) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	h *= 0x94d049bb133111ebULL;
	return (uint32_t)(h ^ h >> 29);
}

/* Double (or create) the slot array and place every address again. */
static int
rehash(struct addr6tab *t)
{
	uint32_t m = t->mask ? t->mask * 2 + 1 : 1023, i, j;
	uint32_t *s = calloc((size_t)m + 1, sizeof(*s));

	if (s == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		for (j = hash16(t, t->addrs + (size_t)i * 16) & m; s[j] != 0;
		     j = (j + 1) & m)
			;
		s[j] = i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->mask = m;
	return 0;
}

uint32_t
addr6_intern(struct addr6tab *t, const uint8_t *a)
{
	uint32_t j, id;
	uint8_t *p;

	if ((t->n + 1) * 2 > t->mask + 1 && rehash(t) == -1)
		return UINT32_MAX;
	for (j = hash16(t, a) & t->mask; t->slots[j] != 0;
	     j = (j + 1) & t->mask)
		if (memcmp(t->addrs + (size_t)(t->slots[j] - 1) * 16, a, 16) ==
		    0)
			return t->slots[j] - 1;
	if (t->n == t->cap) {
		if (t->cap >= UINT32_MAX / 2)
			return UINT32_MAX;
		id = t->cap ? t->cap * 2 : 256;
		if ((p = realloc(t->addrs, (size_t)id * 16)) == NULL)
			return UINT32_MAX;
		t->addrs = p;
		t->cap = id;
	}
	id = t->n++;
	memcpy(t->addrs + (size_t)id * 16, a, 16);
	t->slots[j] = id + 1;
	return id;
}

const uint8_t *
addr6_get(const struct addr6tab *t, uint32_t id)
{
	return t->addrs + (size_t)id * 16;
}
