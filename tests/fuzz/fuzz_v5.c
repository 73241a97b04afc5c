/*
 * fuzz_v5: libFuzzer harness for the NetFlow v5 codec (common/v5.c).
 *
 * Any byte string goes to v5_decode().  When it is accepted, the decoded
 * datagram must survive a round trip: encoding it again gives exactly the
 * input length and, pad bytes aside, the same bytes, and decoding that
 * gives the same header and records.  The flowrec conversions run on every
 * accepted record so their arithmetic is exercised under UBSan too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowrec.h"
#include "v5.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
v5_times_sane(const struct v5_header *h, const struct v5_record *v,
	      const struct flowrec *fr, const struct v5_record *back)
{
	int64_t base = flowrec_base_ms(h->unix_secs, h->unix_nsecs);

	return fr->first_ms > base - INT64_C(0x80000001) &&
	       fr->first_ms < base + INT64_C(0x80000000) &&
	       fr->last_ms > base - INT64_C(0x80000001) &&
	       fr->last_ms < base + INT64_C(0x80000000) &&
	       back->first == v->first && back->last == v->last;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct v5_header h, h2;
	struct v5_record recs[V5_MAXRECS], recs2[V5_MAXRECS];
	uint8_t out[V5_MAXLEN];
	struct flowrec fr;
	struct v5_record back;
	enum v5_status st;
	size_t n, i;

	st = v5_decode(data, len, &h, recs);
	if (v5_strerror(st) == NULL)
		abort();
	if (st != V5_OK)
		return 0;
	if (h.version != 5 || h.count < 1 || h.count > V5_MAXRECS ||
	    len != (size_t)V5_HDRLEN + (size_t)h.count * V5_RECLEN)
		abort();

	n = v5_encode(&h, recs, out, sizeof(out));
	if (n != len)
		abort();
	/* Same bytes except the pads (record offsets 36 and 46..47). */
	for (i = 0; i < n; i++) {
		size_t r = i < V5_HDRLEN ? 0 : (i - V5_HDRLEN) % V5_RECLEN;
		if (i >= V5_HDRLEN && (r == 36 || r == 46 || r == 47))
			continue;
		if (out[i] != data[i])
			abort();
	}
	memset(&h2, 0, sizeof(h2));
	if (v5_decode(out, n, &h2, recs2) != V5_OK ||
	    memcmp(&h, &h2, sizeof(h)) != 0 ||
	    memcmp(recs, recs2, h.count * sizeof(recs[0])) != 0)
		abort();

	for (i = 0; i < h.count; i++) {
		v5_to_flowrec(&h, &recs[i], 0x7f000001, &fr);
		v5_from_flowrec(&fr, &h, &back);
		/*
		 * Whatever the stamps, an uptime wrap included, a flow lies
		 * within 2^31 ms of its header and round-trips exactly.
		 */
		if (!v5_times_sane(&h, &recs[i], &fr, &back))
			abort();
	}
	return 0;
}
