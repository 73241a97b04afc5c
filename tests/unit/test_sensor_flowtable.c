/*
 * test_sensor_flowtable: the open-addressing flow index and its lists:
 * insert, find, remove with backward shift (checked against a plain array
 * over a long random churn), fullness, list order and LRU choice, seeding,
 * the index's growth by rehashing, and the memory cost per flow.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../sensor/flowtable.h"
#include "../../sensor/siphash.h"
#include "unit.h"

static const uint8_t seed[16] = {1, 2,	3,  4,	5,  6,	7,  8,
				 9, 10, 11, 12, 13, 14, 15, 16};

static void
key(struct flowkey *k, uint32_t n)
{
	memset(k, 0, sizeof(*k));
	k->af = 4;
	k->src[0] = 10;
	k->src[1] = (uint8_t)(n >> 16);
	k->src[2] = (uint8_t)(n >> 8);
	k->src[3] = (uint8_t)n;
	k->dst[0] = 192;
	k->sport = (uint16_t)(n * 7);
	k->dport = 80;
	k->proto = 6;
}

static struct flow *
add(struct flowtable *ft, uint32_t n, unsigned cls)
{
	struct flowkey k;

	key(&k, n);
	return flowtable_insert(ft, &k, flowtable_hash(ft, &k), cls);
}

static struct flow *
find(struct flowtable *ft, uint32_t n)
{
	struct flowkey k;

	key(&k, n);
	return flowtable_find(ft, &k, flowtable_hash(ft, &k));
}

START_TEST(insert_find_remove)
{
	struct flowtable *ft = flowtable_new(100, seed);
	struct flow *f;

	ck_assert_ptr_nonnull(ft);
	ck_assert_ptr_null(find(ft, 1));
	f = add(ft, 1, 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_eq(find(ft, 1), f);
	ck_assert_ptr_null(find(ft, 2));
	ck_assert_uint_eq(flowtable_count(ft), 1);
	ck_assert_int_eq(f->in_use, 1);
	ck_assert_uint_eq(f->packets, 0);
	flowtable_remove(ft, f);
	ck_assert_ptr_null(find(ft, 1));
	ck_assert_uint_eq(flowtable_count(ft), 0);
	ck_assert_ptr_null(flowtable_oldest(ft));
	ck_assert_ptr_null(flowtable_lru(ft));
	flowtable_free(ft);
}
END_TEST

START_TEST(full_table)
{
	struct flowtable *ft = flowtable_new(8, seed);
	uint32_t i;

	for (i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(add(ft, i, 0));
	ck_assert_int_eq(flowtable_full(ft), 1);
	ck_assert_ptr_null(add(ft, 99, 0));
	for (i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(find(ft, i));
	flowtable_remove(ft, find(ft, 3));
	ck_assert_int_eq(flowtable_full(ft), 0);
	ck_assert_ptr_nonnull(add(ft, 99, 0));
	ck_assert_ptr_null(flowtable_new(0, seed));
	flowtable_free(ft);
}
END_TEST

/* Random inserts and removes; a plain array says what must be found. */
START_TEST(churn_matches_reference)
{
	enum { MAX = 1000, RANGE = 3000, OPS = 300000 };
	struct flowtable *ft = flowtable_new(MAX, seed);
	static char present[RANGE];
	unsigned rs = 7;
	uint32_t n, count = 0;
	int i;
	struct flow *f;

	memset(present, 0, sizeof(present));
	for (i = 0; i < OPS; i++) {
		n = (uint32_t)rand_r(&rs) % RANGE;
		f = find(ft, n);
		ck_assert_int_eq(f != NULL, present[n]);
		if (f != NULL) {
			flowtable_remove(ft, f);
			present[n] = 0;
			count--;
		} else if (count < MAX) {
			ck_assert_ptr_nonnull(
			    add(ft, n, (unsigned)n % FT_NLISTS));
			present[n] = 1;
			count++;
		}
		ck_assert_uint_eq(flowtable_count(ft), count);
	}
	for (n = 0; n < RANGE; n++)
		ck_assert_int_eq(find(ft, n) != NULL, present[n]);
	flowtable_free(ft);
}
END_TEST

START_TEST(lists_and_lru)
{
	struct flowtable *ft = flowtable_new(10, seed);
	struct flow *a, *b, *c;

	a = add(ft, 1, 0);
	flowtable_set_last(ft, a, 100);
	b = add(ft, 2, 1);
	flowtable_set_last(ft, b, 200);
	c = add(ft, 3, 0);
	flowtable_set_last(ft, c, 300);
	ck_assert_ptr_eq(flowtable_head(ft, 0), a);
	ck_assert_ptr_eq(flowtable_head(ft, 1), b);
	ck_assert_ptr_eq(flowtable_lru(ft), a);
	/* A packet for a: tail of its list; b is now least recent. */
	flowtable_set_last(ft, a, 400);
	flowtable_touch(ft, a, 0);
	ck_assert_ptr_eq(flowtable_head(ft, 0), c);
	ck_assert_ptr_eq(flowtable_lru(ft), b);
	/* Class change moves a flow between lists. */
	flowtable_touch(ft, c, 2);
	ck_assert_ptr_eq(flowtable_head(ft, 2), c);
	ck_assert_ptr_eq(flowtable_head(ft, 0), a);
	ck_assert_int_eq(c->cls, 2);
	/* The age list keeps creation order whatever the touches. */
	ck_assert_ptr_eq(flowtable_oldest(ft), a);
	ck_assert_ptr_eq(flowtable_younger(ft, a), b);
	ck_assert_ptr_eq(flowtable_younger(ft, b), c);
	ck_assert_ptr_null(flowtable_younger(ft, c));
	flowtable_remove(ft, b);
	ck_assert_ptr_eq(flowtable_younger(ft, a), c);
	ck_assert_ptr_null(flowtable_head(ft, 1));
	ck_assert_ptr_null(flowtable_head(ft, FT_NLISTS));
	flowtable_free(ft);
}
END_TEST

/*
 * The last packet time is a 32-bit offset from the table's epoch: a
 * rebase moves the epoch to the oldest last time and keeps every flow's
 * time exact, after which times up to FT_SPAN_MS past it fit; it never
 * moves the epoch back, and an empty table takes the time given.
 */
START_TEST(epoch_advance)
{
	struct flowtable *ft = flowtable_new(10, seed);
	const int64_t t0 = 1700000000000LL;
	struct flow *a, *b;

	ck_assert_int_eq(flowtable_epoch(ft), 0);
	flowtable_rebase(ft, t0);
	ck_assert_int_eq(flowtable_epoch(ft), t0);
	a = add(ft, 1, 0);
	b = add(ft, 2, 1);
	flowtable_set_first(ft, a, t0 + 1000);
	flowtable_set_last(ft, a, t0 + 1000);
	flowtable_set_first(ft, b, t0);
	flowtable_set_last(ft, b, t0 + FT_SPAN_MS);
	ck_assert_int_eq(flowtable_last_ms(ft, b), t0 + FT_SPAN_MS);
	ck_assert_ptr_eq(flowtable_lru(ft), a);
	flowtable_rebase(ft, t0 + FT_SPAN_MS + 5000);
	ck_assert_int_eq(flowtable_epoch(ft), t0 + 1000);
	ck_assert_int_eq(flowtable_last_ms(ft, a), t0 + 1000);
	ck_assert_int_eq(flowtable_last_ms(ft, b), t0 + FT_SPAN_MS);
	ck_assert_int_eq(flowtable_first_ms(ft, a), t0 + 1000);
	ck_assert_int_eq(flowtable_first_ms(ft, b), t0);
	ck_assert_ptr_eq(flowtable_lru(ft), a);
	/* Now 1000 ms more fit than before. */
	flowtable_set_last(ft, a, t0 + 1000 + FT_SPAN_MS);
	ck_assert_int_eq(flowtable_last_ms(ft, a), t0 + 1000 + FT_SPAN_MS);
	ck_assert_ptr_eq(flowtable_lru(ft), b);
	flowtable_rebase(ft, t0);
	ck_assert_int_eq(flowtable_epoch(ft), t0 + FT_SPAN_MS);
	ck_assert_int_eq(flowtable_last_ms(ft, a), t0 + 1000 + FT_SPAN_MS);
	ck_assert_int_eq(flowtable_last_ms(ft, b), t0 + FT_SPAN_MS);
	flowtable_remove(ft, a);
	flowtable_remove(ft, b);
	flowtable_rebase(ft, t0 + 3 * FT_SPAN_MS);
	ck_assert_int_eq(flowtable_epoch(ft), t0 + 3 * FT_SPAN_MS);
	flowtable_free(ft);
}
END_TEST

START_TEST(hash_is_seeded)
{
	uint8_t other[16] = {0};
	struct flowtable *a = flowtable_new(4, seed);
	struct flowtable *b = flowtable_new(4, other);
	struct flowkey k;
	int differ = 0;
	uint32_t i;

	for (i = 0; i < 16; i++) {
		key(&k, i);
		ck_assert_uint_eq(flowtable_hash(a, &k), flowtable_hash(a, &k));
		differ += flowtable_hash(a, &k) != flowtable_hash(b, &k);
	}
	ck_assert_int_ge(differ, 15);
	/* SipHash itself: the length enters the result. */
	ck_assert_uint_ne(siphash_13(seed, "", 0), siphash_13(seed, "\0", 1));
	flowtable_free(a);
	flowtable_free(b);
}
END_TEST

/* The meter's register-built last key word is the structure's layout. */
START_TEST(key_tail_matches_struct)
{
	struct flowkey k;
	uint64_t w;

	memset(&k, 0, sizeof(k));
	k.sport = 0x1234;
	k.dport = 0xabcd;
	k.vlan = 0xfed;
	k.af = 6;
	k.proto = 17;
	k.tos = 0xb8;
	memcpy(&w, (const uint8_t *)&k + 32, sizeof(w));
	ck_assert_uint_eq(flowkey_tail(0x1234, 0xabcd, 0xfed, 6, 17, 0xb8), w);
	ck_assert_uint_eq(sizeof(struct flowkey), 40);
	ck_assert_uint_le(sizeof(struct flow), 88);
}
END_TEST

START_TEST(memory_per_flow)
{
	struct flowtable *ft = flowtable_new(1000000, seed);
	uint32_t i;

	ck_assert_ptr_nonnull(ft);
	/* An empty table costs its small first index, whatever max_flows. */
	ck_assert_uint_le(flowtable_memory(ft), 4096);
	for (i = 0; i < 1000000; i++)
		ck_assert_ptr_nonnull(add(ft, i, 0));
	ck_assert_int_eq(flowtable_full(ft), 1);
	/* Issue 7's budget: at most 128 bytes per tracked flow. */
	ck_assert_uint_le(flowtable_memory(ft) / 1000000, 128);
	flowtable_free(ft);
}
END_TEST

/*
 * The index doubles as flows arrive, never above half load and never
 * past its bound (twice max_flows, rounded up to a power of two), and
 * every flow is found after each rehash; removals do not shrink it.
 */
START_TEST(index_grows_with_flows)
{
	enum { MAX = 5000 };
	struct flowtable *ft = flowtable_new(MAX, seed);
	size_t slots, prev;
	uint32_t i, j;

	ck_assert_ptr_nonnull(ft);
	prev = flowtable_index_slots(ft);
	ck_assert_uint_le(prev, 256);
	for (i = 0; i < MAX; i++) {
		ck_assert_ptr_nonnull(add(ft, i, i % FT_NLISTS));
		slots = flowtable_index_slots(ft);
		ck_assert_uint_le(2 * (size_t)(i + 1), slots);
		if (slots != prev) {
			ck_assert_uint_eq(slots, 2 * prev);
			for (j = 0; j <= i; j++)
				ck_assert_ptr_nonnull(find(ft, j));
			ck_assert_ptr_null(find(ft, MAX + i));
			prev = slots;
		}
	}
	ck_assert_uint_eq(flowtable_index_slots(ft), 16384);
	ck_assert_int_eq(flowtable_full(ft), 1);
	for (i = 0; i < MAX; i += 2)
		flowtable_remove(ft, find(ft, i));
	ck_assert_uint_eq(flowtable_index_slots(ft), 16384);
	for (i = 0; i < MAX; i++)
		ck_assert_int_eq(find(ft, i) != NULL, (int)(i & 1));
	/* A small bound is the first size. */
	flowtable_free(ft);
	ft = flowtable_new(8, seed);
	ck_assert_uint_eq(flowtable_index_slots(ft), 16);
	flowtable_free(ft);
}
END_TEST

/*
 * The batch hints: flowtable_prefetch() names, for each hash, the flow
 * flowtable_find() returns (or FT_NIL), also after removals have shifted
 * probe runs; flowtable_hash_prefetch() is flowtable_hash().  The flows
 * are taken in order, so the first inserted has index 0.
 */
START_TEST(prefetch_names_the_flow)
{
	struct flowtable *ft = flowtable_new(2000, seed);
	uint32_t h[50], found[50], n, k;
	struct flowkey key_n;
	struct flow *f0, *f;

	ck_assert_ptr_nonnull(ft);
	for (n = 0; n < 1500; n++)
		ck_assert_ptr_nonnull(add(ft, n, 0));
	for (n = 1; n < 1500; n += 3)
		flowtable_remove(ft, find(ft, n));
	f0 = find(ft, 0);
	for (n = 0; n < 2000; n += 50) {
		for (k = 0; k < 50; k++) {
			key(&key_n, n + k);
			h[k] = flowtable_hash_prefetch(ft, &key_n);
			ck_assert_uint_eq(h[k], flowtable_hash(ft, &key_n));
		}
		flowtable_prefetch(ft, h, 50, found);
		for (k = 0; k < 50; k++) {
			f = find(ft, n + k);
			if (f == NULL)
				ck_assert_uint_eq(found[k], FT_NIL);
			else
				ck_assert_uint_eq(found[k], (uint32_t)(f - f0));
			flowtable_prefetch_links(ft, found[k]);
		}
	}
	flowtable_prefetch_links(ft, 5000); /* out of range: ignored */
	flowtable_free(ft);
}
END_TEST

UNIT_MAIN_TESTS("flowtable", 60, insert_find_remove, full_table,
		churn_matches_reference, lists_and_lru, epoch_advance,
		hash_is_seeded, key_tail_matches_struct, memory_per_flow,
		index_grows_with_flows, prefetch_names_the_flow)
