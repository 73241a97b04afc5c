/*
 * flowtable: the sensor's live flows, in bounded memory.
 *
 * All flows live in one array allocated at start (max_flows entries of
 * one cache line, their pages touched only as flows appear, beside a
 * parallel array of their cold fields); an open-addressing index with
 * linear probing, keyed by a hash seeded at startup, finds them.  The
 * index grows with the live flows, doubling up to a bound set by
 * max_flows, so it is allocated a few times in a table's life and never
 * per packet.  Every flow is also on two
 * intrusive lists, so that expiry and eviction look only at list heads:
 *
 *  - one of FT_NLISTS "class" lists (the expiry module decides what a class
 *    means: tcp, udp, after-RST ...).  flowtable_touch() moves a flow to the
 *    tail, so each list is ordered by last packet, oldest first, and all
 *    flows on it share one idle timeout;
 *  - the age list, ordered by creation, for the maximum lifetime.
 */
#ifndef NFKIT_FLOWTABLE_H
#define NFKIT_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FT_NLISTS 8
#define FT_NIL UINT32_MAX

/*
 * The key is hashed and compared as five 64-bit words, so it is exactly
 * 40 bytes, 8-byte aligned, and every byte not set must be zero (clear it
 * with memset before filling it in).  The VLAN id has 12 bits, which
 * leaves room for the address family in the same 16 bits.  With -T ether
 * an IPv4 key holds the MACs in bytes 8..13 of src and dst, which an IPv4
 * address leaves unused (see sensor/meter.c make_key_ether()).
 */
struct flowkey {
	uint8_t src[16]; /* network order; IPv4 in first 4 */
	uint8_t dst[16];
	uint16_t sport;	    /* host order */
	uint16_t dport;	    /* host order; ICMP type * 256 + code */
	uint16_t vlan : 12; /* only with -T vlan, else 0 */
	uint16_t af : 4;    /* 4 or 6 */
	uint8_t proto;
	uint8_t tos;
} __attribute__((aligned(8)));

/*
 * The last word of a key (ports, VLAN, family, protocol, ToS), computed
 * in a register: the meter builds keys this way so that nothing is read
 * back from narrow stores.  The little-endian formula follows the ABI's
 * bit-field order (first field in the low bits); other hosts go through
 * the structure.
 */
static inline uint64_t
flowkey_tail(uint16_t sport, uint16_t dport, uint16_t vlan, uint8_t af,
	     uint8_t proto, uint8_t tos)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint64_t)sport | (uint64_t)dport << 16 |
	       (uint64_t)((vlan & 0xfff) | (af & 0xf) << 12) << 32 |
	       (uint64_t)proto << 48 | (uint64_t)tos << 56;
#else
	struct flowkey k;
	uint64_t w;

	memset(&k, 0, sizeof(k));
	k.sport = sport;
	k.dport = dport;
	k.vlan = vlan & 0xfff;
	k.af = af & 0xf;
	k.proto = proto;
	k.tos = tos;
	memcpy(&w, (const uint8_t *)&k + 32, sizeof(w));
	return w;
#endif
}

/*
 * A 32-bit time: milliseconds after the table's epoch (see
 * flowtable_rebase()), so up to FT_SPAN_MS = 49.7 days.
 */
#define FT_SPAN_MS ((int64_t)UINT32_MAX)

/*
 * One cache line, 64 bytes: everything a packet reads or writes (the key
 * compared, the counters, the last time, the class list links and flags).
 * What only creation, expiry and export use lives in a parallel array
 * (first packet time, age list) behind the flowtable_*() accessors.  The
 * counters are 32 bits wide because the meter expires a flow before either
 * would pass the 32-bit fields of a v5 record.
 */
struct flow {
	struct flowkey key;
	uint32_t packets;
	uint32_t bytes;	     /* IP bytes */
	uint32_t last;	     /* last packet: ms after the table's epoch */
	uint32_t prev, next; /* class list; next = free list link */
	uint8_t tcp_flags;   /* OR of all TCP flags seen */
	uint8_t cls;	     /* class list the flow is on */
	uint8_t in_use;
} __attribute__((aligned(64)));

struct flowtable;

/* NULL if max_flows is 0 or memory is short. */
struct flowtable *flowtable_new(uint32_t max_flows, const uint8_t seed[16]);
void flowtable_free(struct flowtable *);

uint32_t flowtable_hash(const struct flowtable *, const struct flowkey *);
/* The same, and starts loading the key's index slot. */
uint32_t flowtable_hash_prefetch(const struct flowtable *,
				 const struct flowkey *);
struct flow *flowtable_find(struct flowtable *, const struct flowkey *,
			    uint32_t hash);
/*
 * For a caller that looks up a batch of keys (sensor/meter.c): start
 * loading the flows that the probe runs of these n hashes name, once
 * their index slots have arrived (flowtable_hash_prefetch() started
 * loading those), and set found[i] to that flow's index (FT_NIL: none).
 * Later, with that flow's line in the cache, flowtable_prefetch_links()
 * starts loading its two class-list neighbours, which flowtable_touch()
 * writes (an index out of range is ignored).  Hints only: they change
 * nothing, and the table may change before the lookups (the found flow
 * may then be another); flowtable_find() is still the answer.
 */
void flowtable_prefetch(const struct flowtable *, const uint32_t *hash,
			unsigned n, uint32_t *found);
void flowtable_prefetch_links(const struct flowtable *, uint32_t idx);
/*
 * A new zeroed flow with this key, at the tail of list cls and of the age
 * list; NULL if the table is full (the caller evicts first).
 */
struct flow *flowtable_insert(struct flowtable *, const struct flowkey *,
			      uint32_t hash, unsigned cls);
void flowtable_remove(struct flowtable *, struct flow *);
/* Move to the tail of list cls (after a packet, or a class change). */
void flowtable_touch(struct flowtable *, struct flow *, unsigned cls);

struct flow *flowtable_head(struct flowtable *, unsigned cls);
struct flow *flowtable_oldest(struct flowtable *); /* age list head */
struct flow *flowtable_younger(struct flowtable *, const struct flow *);
/* The least recently used flow over all lists, NULL if empty. */
struct flow *flowtable_lru(struct flowtable *);

/*
 * Times.  A flow's last packet time is a 32-bit offset from the table's
 * epoch (0 in a new table), its first packet time a full unix ms value
 * kept with the cold fields.  flowtable_set_last() takes any time in
 * [epoch, epoch + FT_SPAN_MS].
 */
int64_t flowtable_epoch(const struct flowtable *);
int64_t flowtable_last_ms(const struct flowtable *, const struct flow *);
void flowtable_set_last(const struct flowtable *, struct flow *, int64_t ms);
int64_t flowtable_first_ms(const struct flowtable *, const struct flow *);
void flowtable_set_first(struct flowtable *, const struct flow *, int64_t ms);
/*
 * Move the epoch forward to the oldest last packet time of the table (or
 * to now_ms if it is empty) and every flow's offset with it, so that times
 * up to that plus FT_SPAN_MS fit.  Costs one pass over the live flows; the
 * caller first expires every flow idle longer than FT_SPAN_MS / 2 (see
 * expiry_rebase()), so that a rebase is needed at most once per 24.8 days
 * of clock.
 */
void flowtable_rebase(struct flowtable *, int64_t now_ms);

uint32_t flowtable_count(const struct flowtable *);
uint32_t flowtable_max(const struct flowtable *);
/* Full at max_flows, or earlier if the index could not grow. */
int flowtable_full(const struct flowtable *);
/* Bytes in use: the flows touched so far and the index as it is now. */
size_t flowtable_memory(const struct flowtable *);
size_t flowtable_index_slots(const struct flowtable *);

#endif
