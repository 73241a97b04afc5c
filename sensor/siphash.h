/*
 * siphash: SipHash-1-3, a keyed hash for the flow table.
 *
 * The key is drawn at startup, so someone who controls the packets cannot
 * choose flow keys that all land in one bucket.  SipHash-1-3 (one
 * compression round, three finalisation rounds) is the variant hash tables
 * use when speed matters more than a MAC's margin.
 */
#ifndef NFKIT_SIPHASH_H
#define NFKIT_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash_13(const uint8_t key[16], const void *data, size_t len);

#endif
