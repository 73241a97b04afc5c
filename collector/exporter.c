/*
 * exporter: a fixed-size open-addressing hash table of exporters.
 *
 * The table has twice as many slots as exporters allowed, so probes stay
 * short even when it is full; it is allocated once and never resized.  The
 * hash mixes the 32 address bytes with a 64-bit key from getrandom(), so
 * which sources collide is not predictable from outside.  Entries are never
 * removed: a collector's exporters are few and long-lived, and the bound
 * protects memory.  The table is used by the receive thread only.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "buf.h"
#include "exporter.h"

struct exporter_table {
	struct exporter *slots;
	size_t nslots; /* power of two */
	size_t max;    /* exporters allowed */
	size_t count;
	uint64_t refused;      /* datagrams from sources not admitted */
	uint64_t key;	       /* hash key */
	struct exporter *last; /* one-entry cache: consecutive datagrams
				  usually come from the same exporter */
};

struct exporter_table *
exporter_table_new(size_t max)
{
	struct exporter_table *t;
	size_t n = 16;

	if (max == 0)
		max = 1;
	while (n < max * 2)
		n *= 2;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->slots = calloc(n, sizeof(*t->slots))) == NULL) {
		free(t);
		return NULL;
	}
	t->nslots = n;
	t->max = max;
	if (getrandom(&t->key, sizeof(t->key), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(t->key))
		t->key = (uint64_t)(uintptr_t)t ^ (uint64_t)time(NULL);
	return t;
}

void
exporter_table_free(struct exporter_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

void
exp_addr_set(struct exp_addr *a, int af, const void *addr)
{
	memset(a, 0, sizeof(*a));
	if (af == AF_INET) {
		a->a[10] = a->a[11] = 0xff;
		memcpy(&a->a[12], addr, 4);
	} else if (af == AF_INET6) {
		memcpy(a->a, addr, 16);
	}
}

void
exp_addr_from_sa(struct exp_addr *a, const struct sockaddr *sa)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	exp_addr_set(a, sa->sa_family,
		     sa->sa_family == AF_INET ? (const void *)&sin->sin_addr
					      : (const void *)&s6->sin6_addr);
}

static int
exp_addr_is_v4(const struct exp_addr *a)
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a->a, prefix, sizeof(prefix)) == 0;
}

uint32_t
exp_addr_v4(const struct exp_addr *a)
{
	if (!exp_addr_is_v4(a))
		return 0;
	return buf_load_be32(a->a + 12);
}

const char *
exp_addr_str(const struct exp_addr *a, char *s, size_t len)
{
	if (exp_addr_is_v4(a))
		inet_ntop(AF_INET, &a->a[12], s, len);
	else
		inet_ntop(AF_INET6, a->a, s, len);
	return s;
}

/* A keyed mix of both addresses (a multiply-xorshift over 64-bit words). */
static size_t
exp_hash(const struct exporter_table *t, const struct exp_addr *src,
	 const struct exp_addr *dst)
{
	uint64_t w[4], h = t->key;
	int i;

	memcpy(&w[0], src->a, 16);
	memcpy(&w[2], dst->a, 16);
	for (i = 0; i < 4; i++) {
		h ^= w[i];
		h *= 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 32;
	return (size_t)h & (t->nslots - 1);
}

struct exporter *
exporter_get(struct exporter_table *t, const struct exp_addr *src,
	     const struct exp_addr *dst, time_t now, int *isnew)
{
	struct exporter *e = t->last;
	size_t i;

	*isnew = 0;
	if (e != NULL && memcmp(&e->src, src, sizeof(*src)) == 0 &&
	    memcmp(&e->dst, dst, sizeof(*dst)) == 0)
		return e;
	for (i = exp_hash(t, src, dst);; i = (i + 1) & (t->nslots - 1)) {
		e = &t->slots[i];
		if (!e->used)
			break;
		if (memcmp(&e->src, src, sizeof(*src)) == 0 &&
		    memcmp(&e->dst, dst, sizeof(*dst)) == 0) {
			t->last = e;
			return e;
		}
	}
	if (t->count >= t->max) {
		t->refused++;
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->src = *src;
	e->dst = *dst;
	e->first_seen = now;
	t->count++;
	t->last = e;
	*isnew = 1;
	return e;
}

enum exp_seq
exporter_seq(struct exporter *e, uint16_t version, uint8_t engine_type,
	     uint8_t engine_id, uint32_t seq, uint16_t count,
	     uint32_t *expected, uint32_t *gap)
{
	struct exp_stream *s = NULL;
	unsigned i;

	*expected = seq;
	*gap = 0;
	for (i = 0; i < e->nstreams; i++) {
		s = &e->streams[i];
		if (s->version == version && s->engine_type == engine_type &&
		    s->engine_id == engine_id)
			break;
	}
	if (i == e->nstreams) {
		/* A new stream: nothing to compare with yet. */
		if (e->nstreams < EXPORTER_STREAMS)
			s = &e->streams[e->nstreams++];
		else {
			s = &e->streams[e->next_victim];
			e->next_victim =
			    (e->next_victim + 1) % EXPORTER_STREAMS;
		}
		s->version = version;
		s->engine_type = engine_type;
		s->engine_id = engine_id;
		s->next_seq = seq + count;
		return EXP_SEQ_OK;
	}
	*expected = s->next_seq;
	s->next_seq = seq + count;
	if (seq == *expected)
		return EXP_SEQ_OK;
	*gap = seq - *expected; /* mod 2^32 */
	if (*gap < EXPORTER_MAXGAP) {
		e->lost += *gap;
		return EXP_SEQ_LOST;
	}
	e->resets++;
	return EXP_SEQ_RESET;
}

void
exporter_foreach(struct exporter_table *t,
		 void (*fn)(struct exporter *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < t->nslots; i++)
		if (t->slots[i].used)
			fn(&t->slots[i], arg);
}

size_t
exporter_count(const struct exporter_table *t)
{
	return t->count;
}

uint64_t
exporter_refused(const struct exporter_table *t)
{
	return t->refused;
}
