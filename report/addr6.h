/*
 * addr6: IPv6 addresses interned as 32-bit numbers, so that the aggregator
 * can key on an IPv6 address with one word as it keys on an IPv4 address.
 * Each aggregation table has its own; ids count from 0 in order of first
 * appearance.
 */
#ifndef NFKIT_REPORT_ADDR6_H
#define NFKIT_REPORT_ADDR6_H

#include <stdint.h>

struct addr6tab;

/*
 * seed: mixed into the hash, so that whoever writes the flows cannot pick
 * addresses that share a probe chain (the aggregator's random seed).
 */
struct addr6tab *addr6_new(uint64_t seed);
void addr6_free(struct addr6tab *);
/* The id of the 16 bytes at a, added if new; UINT32_MAX when out of memory. */
uint32_t addr6_intern(struct addr6tab *, const uint8_t *a);
/* The address of an id addr6_intern() returned. */
const uint8_t *addr6_get(const struct addr6tab *, uint32_t id);

#endif
