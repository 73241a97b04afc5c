/*
 * rowbin: flows in ClickHouse's RowBinary format, both ways.
 *
 * RowBinary is the column values of a row back to back: integers
 * little-endian, FixedString(N) as N raw bytes, String as a LEB128 length
 * and the bytes, Date as UInt16 days since 1970-01-01.  A flow row is the
 * columns of ROWBIN_FLOW_COLS, all of fixed size, so a stream of them can
 * be cut into rows without parsing.  Addresses are FixedString(16): an
 * IPv4 address is stored IPv4-mapped (::ffff:a.b.c.d) so that IPv6 fits
 * the same column (docs/CLICKHOUSE.md).
 */
#ifndef NFKIT_REPORT_ROWBIN_H
#define NFKIT_REPORT_ROWBIN_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

/* The columns of a flow row, in the order rowbin_flow_put() writes. */
#define ROWBIN_FLOW_COLS                                                       \
	"first_ms, last_ms, srcaddr, dstaddr, nexthop, exporter, "             \
	"srcport, dstport, input, output, src_as, dst_as, proto, tos, "        \
	"tcp_flags, src_mask, dst_mask, engine_type, engine_id, packets, "     \
	"bytes, unix_secs, unix_nsecs, sys_uptime"
#define ROWBIN_FLOW_LEN 135 /* bytes of one flow row */
#define ROWBIN_ADDR_LEN 16

/* Write one flow row (ROWBIN_FLOW_LEN bytes) at p; returns the length. */
size_t rowbin_flow_put(uint8_t *p, const struct flowrec *);
/*
 * Read one flow row: an IPv4 flow when its source, destination and next
 * hop are all IPv4-mapped, else an IPv6 flow (af 6) with the 16 bytes of
 * each; the exporter likewise on its own (exaf).  The columns not in a
 * flow row (sampling, file) stay 0 (dbread.c reads sampling after it).
 */
void rowbin_flow_get(const uint8_t *p, struct flowrec *);
/* An IPv4 address (host order) as 16 IPv4-mapped bytes. */
void rowbin_addr_put(uint8_t *p, uint32_t v4);
/* The IPv4 address of 16 bytes, or -1 if they are not IPv4-mapped. */
int rowbin_addr_get(const uint8_t *p, uint32_t *v4);
/* Little-endian integers and LEB128 lengths; each returns bytes written. */
size_t rowbin_put_u16(uint8_t *, uint16_t);
size_t rowbin_put_u32(uint8_t *, uint32_t);
size_t rowbin_put_u64(uint8_t *, uint64_t);
size_t rowbin_put_varint(uint8_t *, uint64_t);
/* String: LEB128 length then the bytes (at most len + 10 bytes). */
size_t rowbin_put_string(uint8_t *, const char *, size_t len);

#endif
