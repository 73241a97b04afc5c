/*
 * addr6: interning IPv6 addresses.  White-box: the file is included, so
 * that the test can see where the hash puts addresses (the program's
 * libreport.a copy of it is then not linked in).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../report/addr6.c"
#include "unit.h"

#define SEED 0x1234567890abcdefULL

/*
 * How many distinct home slots (hash & mask) n addresses get, when they
 * differ only in bytes lo..lo+nb-1 (big-endian counter i).
 */
static uint32_t
homes(const struct addr6tab *t, int lo, int nb, uint32_t n, uint32_t mask)
{
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			 0,    0,    0,	   0,	 0, 0, 0, 1};
	uint8_t *seen = calloc((size_t)mask + 1, 1);
	uint32_t i, d = 0, h;
	int k;

	ck_assert_ptr_nonnull(seen);
	for (i = 0; i < n; i++) {
		for (k = 0; k < nb; k++)
			a[lo + k] = (uint8_t)(i >> 8 * (nb - 1 - k));
		h = hash16(t, a) & mask;
		d += !seen[h];
		seen[h] = 1;
	}
	free(seen);
	return d;
}

/*
 * Addresses differ where real ones do: hosts of one /64 in their last
 * bytes, the /64s of a site in bytes 6-7.  Their homes must spread as a
 * random hash's would (65536 into 131072 slots: about 51,600 distinct
 * homes); a hash whose low bits missed those bytes put them all in one
 * probe chain, quadratic to intern (65536 such addresses: 2-3 s).
 */
START_TEST(test_spread)
{
	struct addr6tab *t = addr6_new(SEED);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_gt(homes(t, 14, 2, 65536, 0x1ffff), 45000);
	ck_assert_uint_gt(homes(t, 6, 2, 65536, 0x1ffff), 45000);
	ck_assert_uint_gt(homes(t, 13, 3, 1u << 18, 0x7ffff), 180000);
	ck_assert_uint_gt(homes(t, 0, 2, 65536, 0x1ffff), 45000);
	addr6_free(t);
}
END_TEST

/* Each address gets its own id, once, in order of first appearance. */
START_TEST(test_ids)
{
	struct addr6tab *t = addr6_new(SEED);
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
	uint32_t i;

	ck_assert_ptr_nonnull(t);
	for (i = 0; i < 1u << 18; i++) {
		a[13] = (uint8_t)(i >> 16);
		a[14] = (uint8_t)(i >> 8);
		a[15] = (uint8_t)i;
		ck_assert_uint_eq(addr6_intern(t, a), i);
	}
	for (i = 0; i < 1u << 18; i += 4099) {
		a[13] = (uint8_t)(i >> 16);
		a[14] = (uint8_t)(i >> 8);
		a[15] = (uint8_t)i;
		ck_assert_uint_eq(addr6_intern(t, a), i);
		ck_assert_mem_eq(addr6_get(t, i), a, 16);
	}
	a[13] = a[14] = a[15] = 0;
	a[7] = 1;
	ck_assert_uint_eq(addr6_intern(t, a), 1u << 18);
	addr6_free(t);
}
END_TEST

UNIT_MAIN_TESTS("report_addr6", 30, test_spread, test_ids)
