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
};

struct addr6tab *
addr6_new(void)
{
	return calloc(1, sizeof(struct addr6tab));
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

static uint32_t
hash16(const uint8_t *a)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	x = (x ^ (y * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(x ^ x >> 31);
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
		for (j = hash16(t->addrs + (size_t)i * 16) & m; s[j] != 0;
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
	for (j = hash16(a) & t->mask; t->slots[j] != 0; j = (j + 1) & t->mask)
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
