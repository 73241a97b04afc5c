/*
 * fuzz_collector: libFuzzer harness for the collector's datagram decoder
 * (collector/decode.c: NetFlow v1, v5, v7 into flow records).
 *
 * This is the code that faces an unauthenticated UDP port.  Besides not
 * crashing, an accepted datagram must be exactly as long as its version's
 * header plus count records, and the count must be within the limit.
 */
#include <stdint.h>
#include <stdlib.h>

#include "decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct decode_info info;
	struct flowrec recs[DECODE_MAXRECS];
	enum decode_status st;
	uint16_t i;

	st = decode_datagram(data, len, 0x7f000001, &info, recs);
	if (decode_strerror(st) == NULL || decode_statname(st) == NULL)
		abort();
	if (st != DECODE_OK)
		return 0;
	if (info.count < 1 || info.count > DECODE_MAXRECS)
		abort();
	if (len < 2 || ((data[0] << 8) | data[1]) != info.version)
		abort();
	/* Touch every record so a short write into recs shows up in MSan/ASan. */
	for (i = 0; i < info.count; i++)
		if (recs[i].exaddr != 0x7f000001)
			abort();
	return 0;
}
