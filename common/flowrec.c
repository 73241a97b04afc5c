/*
 * flowrec: time conversions between NetFlow's uptime-relative stamps and
 * the absolute milliseconds a struct flowrec carries.
 *
 * An exporter stamps First and Last in ms of its own sysUptime; the export
 * header says which unix time that uptime corresponds to.  The uptime is a
 * 32-bit counter that wraps every 49.7 days, so a flow stamped just before
 * the wrap and exported just after it carries a stamp numerically far above
 * the header's uptime.  The distance from the header back to the stamp is
 * therefore taken modulo 2^32 and read as signed: a stamp is at most 2^31 ms
 * (24.8 days) before the header's uptime, or less than that after it.  The
 * inverse works modulo 2^32 too, so a round trip gives back the exact stamp.
 *
 * flowrec_uptime_back() (flowrec.h) with flowrec_abs_ms() is the one place
 * this rule lives: every decoder of uptime-relative times (NetFlow v5/v7,
 * flow-tools files, and the v9 sysUpTime-relative First/LastSwitched when
 * v9 decoding arrives) must call them rather than subtract on its own.
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
	return flowrec_base_ms(unix_secs, unix_nsecs) -
	       flowrec_uptime_back(sys_uptime, stamp);
}

uint32_t
flowrec_rel_ms(const struct flowrec *r, int64_t abs_ms)
{
	int64_t delta;

	delta = abs_ms - flowrec_base_ms(r->unix_secs, r->unix_nsecs);
	/* Unsigned arithmetic makes the wrap modulo 2^32 well defined. */
	return (uint32_t)((uint64_t)r->sys_uptime + (uint64_t)delta);
}
