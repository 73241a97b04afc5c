/*
 * flowrec: time conversions between NetFlow's uptime-relative stamps and
 * the absolute milliseconds a struct flowrec carries.
 *
 * An exporter stamps First and Last in ms of its own sysUptime; the export
 * header says which unix time that uptime corresponds to.  The absolute time
 * of a stamp is therefore base - sys_uptime + stamp, computed in 64-bit
 * signed arithmetic so that stamps from before the header's uptime (or from
 * a wrapped uptime counter) come out as plain earlier times.  The inverse
 * works modulo 2^32, so a round trip gives back the exact stamp.
 */
#include "flowrec.h"

int64_t
flowrec_base_ms(uint32_t unix_secs, uint32_t unix_nsecs)
{
	return (int64_t)unix_secs * 1000 + (int64_t)(unix_nsecs / 1000000);
}

int64_t
flowrec_abs_ms(uint32_t unix_secs, uint32_t unix_nsecs, uint32_t sys_uptime,
	       uint32_t stamp)
{
	return flowrec_base_ms(unix_secs, unix_nsecs) - (int64_t)sys_uptime +
	       (int64_t)stamp;
}

uint32_t
flowrec_rel_ms(const struct flowrec *r, int64_t abs_ms)
{
	int64_t delta;

	delta = abs_ms - flowrec_base_ms(r->unix_secs, r->unix_nsecs);
	/* Unsigned arithmetic makes the wrap modulo 2^32 well defined. */
	return (uint32_t)((uint64_t)r->sys_uptime + (uint64_t)delta);
}
