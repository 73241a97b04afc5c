/*
 * fuzz_ipfixdec: libFuzzer harness for the NetFlow v9 / IPFIX decoder
 * (common/ipfixdec.c, common/ipfixrec.c).
 *
 * The decoder keeps state between messages (templates, early data,
 * sampling), so one input is a sequence of messages, each prefixed by a
 * byte choosing the exporter (four of them, two IPv4 and two IPv6) and a
 * 16-bit big-endian length; they all go to one decoder with small limits,
 * so that the exporter and template limits and the early-data buffer are
 * reached too.  Every flow emitted must be sane (family 4 or 6, sampling
 * at least 1), the memory the decoder reports must stay within what its
 * limits allow, and the templates it saves must load into a fresh decoder
 * and save again to the very same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipfixdec.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
emit(void *arg, const struct ipfixdec_flow *f)
{
	(void)arg;
	if ((f->rec.af != 4 && f->rec.af != 6) || f->rec.sampling < 1 ||
	    (f->version != 9 && f->version != 10))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ipfixdec_limits lim = {3, 8};
	struct ipfixdec *d, *d2;
	struct ipfixdec_source src[4];
	uint8_t *s1, *s2;
	size_t off = 0, n1, n2, i;
	int64_t now = INT64_C(1700000000000);

	memset(src, 0, sizeof(src));
	for (i = 0; i < 4; i++) {
		src[i].af = i < 2 ? 4 : 6;
		src[i].addr[0] = 127;
		src[i].addr[15] = (uint8_t)i;
	}
	if ((d = ipfixdec_new(&lim)) == NULL)
		return 0;
	while (len - off >= 3) {
		uint8_t who = data[off];
		size_t n = (size_t)data[off + 1] << 8 | data[off + 2];

		off += 3;
		if (n > len - off)
			n = len - off;
		/* The top bits of the selector move the clock on. */
		now += (int64_t)(who >> 2) * 1000;
		ipfixdec_message(d, &src[who & 3], now, data + off, n, emit,
				 NULL);
		off += n;
		/* 3 exporters, 8 templates of <= 128 fields, 16 KiB early. */
		if (ipfixdec_memory(d) >
		    3 * (8 * 128 * 16 + 8 * 256 + 16384 + 4096) + 4096)
			abort();
	}
	s1 = ipfixdec_save(d, &n1);
	ipfixdec_free(d);
	if (s1 == NULL)
		return 0;
	if ((d2 = ipfixdec_new(&lim)) == NULL)
		abort();
	if (ipfixdec_load(d2, s1, n1) < 0)
		abort();
	s2 = ipfixdec_save(d2, &n2);
	if (s2 == NULL || n2 != n1 || memcmp(s1, s2, n1) != 0)
		abort();
	free(s1);
	free(s2);
	ipfixdec_free(d2);
	return 0;
}
