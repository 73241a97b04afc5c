/*
 * fuzz_packet: libFuzzer harness for the sensor's packet decoder
 * (common/packet.c: link layer, IPv4, IPv6 with extension headers).
 *
 * The first input byte chooses the link type, the rest is the captured
 * packet with caplen = its length; libFuzzer's buffer ends exactly there,
 * so ASan sees any read past caplen.  Besides not crashing, the decoder is
 * a pure function: the same bytes decode to the same result twice, and an
 * IP result is self-consistent (af matches the status, bytes at least an
 * IP header).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * pcap_datalink() values the decoder claims to support, plus two it must
 * refuse.  Keep in step with the seed generator in run.sh (it writes the
 * index of the capture's link type here as the first byte).
 */
static const int dlts[] = {
    1,	 /* EN10MB */
    113, /* LINUX_SLL */
    276, /* LINUX_SLL2 */
    0,	 /* NULL */
    108, /* LOOP */
    12,	 /* RAW */
    14,	 /* RAW (OpenBSD) */
    101, /* LINKTYPE_RAW */
    228, /* IPV4 */
    229, /* IPV6 */
    9,	 /* PPP */
    50,	 /* PPP_SERIAL */
    105, /* IEEE802_11: unsupported */
    147, /* USER0: unsupported */
};
#define NDLTS (sizeof(dlts) / sizeof(dlts[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct linktype *lt;
	struct packet_info d1, d2;
	enum packet_status s1, s2;

	if (len < 1)
		return 0;
	lt = packet_linktype(dlts[data[0] % NDLTS]);
	if (packet_linktype_names() == NULL)
		abort();
	if (lt == NULL)
		return 0;
	if (packet_linktype_name(lt) == NULL)
		abort();

	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0xa5, sizeof(d2));
	s1 = packet_decode(lt, data + 1, len - 1, &d1);
	s2 = packet_decode(lt, data + 1, len - 1, &d2);
	if (s1 != s2 || (unsigned)s1 >= PACKET_NSTATUS ||
	    packet_status_name(s1) == NULL)
		abort();
	if (s1 == PACKET_IPV4 || s1 == PACKET_IPV6) {
		if (memcmp(&d1, &d2, sizeof(d1)) != 0)
			abort(); /* depends on what *out held before */
		if ((s1 == PACKET_IPV4 && d1.af != 4) ||
		    (s1 == PACKET_IPV6 && d1.af != 6))
			abort();
		if (d1.bytes < 20)
			abort();
	}
	return 0;
}
