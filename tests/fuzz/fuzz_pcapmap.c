/*
 * fuzz_pcapmap: libFuzzer harness for the sensor's in-place pcap reader
 * (sensor/pcapmap.c, the pcapbuf cursor), which -r runs over whole files
 * copied from anywhere.
 *
 * The input is a whole classic pcap file.  libFuzzer's buffer ends
 * exactly at its length, so ASan sees any read past it.  Besides not
 * crashing, the cursor must keep its promises: every packet lies inside
 * the buffer after the file header, caplen is at most the snaplen and
 * PCAPMAP_MAXCAPLEN, each record moves the cursor forward (so the loop
 * ends), an error leaves a message and sticks.  And it must agree with
 * libpcap, which reads the same bytes from memory through
 * pcap_fopen_offline(): the same packets (times, lengths, bytes) and the
 * same end, clean or damaged, for the link types the sensor decodes.
 * Times are compared only below 2^31: libpcap 1.10 reads the two
 * timestamp fields signed in a file of its own byte order and unsigned in
 * a swapped one, pcapmap always unsigned (test_sensor_pcapmap shows it).
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * LINKTYPE_ values whose largest snap length in libpcap is the 262144
 * pcapmap assumes; for others (D-Bus, USB ...) libpcap allows more, and
 * the readers may differ on purpose.
 */
static int
same_limits(uint32_t linktype)
{
	static const uint32_t lt[] = {0,   1,	9,   50,  101,
				      108, 113, 228, 229, 276};
	size_t i;

	for (i = 0; i < sizeof(lt) / sizeof(lt[0]); i++)
		if ((linktype & 0xffff) == lt[i])
			return 1;
	return 0;
}

/* Both timestamp fields below 2^31 (nanoseconds: before scaling). */
static int
sane_time(const struct timeval *tv)
{
	return tv->tv_sec < 0x80000000LL && tv->tv_usec < 0x80000000LL / 1000;
}

/* libpcap over the same bytes; NULL if it refuses the header. */
static pcap_t *
open_libpcap(const uint8_t *data, size_t len, FILE **fp)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if ((*fp = fmemopen((void *)(uintptr_t)data, len, "r")) == NULL)
		return NULL;
	p = pcap_fopen_offline_with_tstamp_precision(
	    *fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (p == NULL) {
		fclose(*fp);
		*fp = NULL;
	}
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pcap_pkthdr *ph;
	const u_char *pd;
	struct pcapbuf b;
	struct pcapmap_pkt pkt;
	pcap_t *p = NULL;
	FILE *fp = NULL;
	volatile uint8_t sum = 0;
	size_t prev, n = 0, i;
	int rc, lrc = 1;

	if (pcapmap_buf_init(&b, data, len) == -1) {
		if (b.err[0] == '\0' ||
		    memchr(b.err, '\0', sizeof(b.err)) == NULL)
			abort();
		return 0;
	}
	if (b.snaplen == 0 || b.off != 24 || b.len != len)
		abort();
	if (same_limits(b.linktype))
		p = open_libpcap(data, len, &fp);
	prev = b.off;
	while ((rc = pcapmap_buf_next(&b, &pkt)) == 1) {
		if (pkt.data < data + 24 + 16 || pkt.caplen > len ||
		    pkt.data + pkt.caplen > data + len)
			abort();
		if (pkt.caplen > b.snaplen || pkt.caplen > PCAPMAP_MAXCAPLEN)
			abort();
		/* Progress: at least a record header per packet. */
		if (b.off < prev + 16 || b.off > len)
			abort();
		prev = b.off;
		if (++n > len / 16)
			abort();
		for (i = 0; i < pkt.caplen; i++)
			sum ^= pkt.data[i];
		if (p == NULL)
			continue;
		lrc = pcap_next_ex(p, &ph, &pd);
		if (lrc != 1 || ph->caplen != pkt.caplen ||
		    ph->len != pkt.len ||
		    (sane_time(&pkt.ts) &&
		     (ph->ts.tv_sec != pkt.ts.tv_sec ||
		      ph->ts.tv_usec != pkt.ts.tv_usec)) ||
		    memcmp(pd, pkt.data, pkt.caplen) != 0) {
			fprintf(stderr,
				"packet %zu differs from libpcap "
				"(rc %d)\n",
				n, lrc);
			abort();
		}
	}
	if (rc == -1 && b.err[0] == '\0')
		abort();
	if (rc == 0 && b.off != len)
		abort();
	/* The end sticks. */
	if (pcapmap_buf_next(&b, &pkt) != rc)
		abort();
	if (p != NULL) {
		lrc = pcap_next_ex(p, &ph, &pd);
		if ((rc == 0 && lrc != PCAP_ERROR_BREAK) ||
		    (rc == -1 && lrc != PCAP_ERROR)) {
			fprintf(stderr,
				"end differs: pcapmap %d (%s), "
				"libpcap %d (%s)\n",
				rc, b.err, lrc,
				lrc == PCAP_ERROR ? pcap_geterr(p) : "");
			abort();
		}
		pcap_close(p);
	}
	(void)sum;
	return 0;
}
