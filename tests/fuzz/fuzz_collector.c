/*
 * fuzz_collector: libFuzzer harness for the collector's datagram decoder
 * (collector/datagram.c: NetFlow v1, v5, v7 into flow records).
 *
 * This is the code that faces an unauthenticated UDP port.  Besides not
 * crashing, an accepted datagram must be exactly as long as its version's
 * header plus count records, and the count must be within the limit.
 */
#include <stdint.h>
#include <stdlib.h>

#include "datagram.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct datagram_info info;
	struct flowrec recs[DATAGRAM_MAXRECS];
	enum datagram_status st;
	uint16_t i;

	st = datagram_decode(data, len, 0x7f000001, &info, recs);
	if (datagram_strerror(st) == NULL || datagram_statname(st) == NULL)
		abort();
	if (st != DATAGRAM_OK)
		return 0;
	if (info.count < 1 || info.count > DATAGRAM_MAXRECS)
		abort();
	if (len < 2 || ((data[0] << 8) | data[1]) != info.version)
		abort();
	/* Touch every record so a short write into recs shows up in MSan/ASan.
	 */
	for (i = 0; i < info.count; i++)
		if (recs[i].exaddr != 0x7f000001)
			abort();
	return 0;
}
