/*
 * fault_flows: write a pcap of N packets that are N distinct IPv4/UDP flows.
 *
 *   fault_flows [-c] [-n packets] [-s span_seconds] FILE
 *
 * For the sensor's bounded-memory test: every packet has its own 5-tuple
 * (source address 10.x.y.z counting up, source port varying), so with
 * -m 1000 the sensor must evict and export almost every flow by force.
 * The link type is LINKTYPE_RAW (101) and each packet is exactly a 20-byte
 * IPv4 header plus an 8-byte UDP header, total length 28, so a million
 * flows take 44 MB and are written in well under a second.  Timestamps
 * rise evenly over span seconds (default 10), starting 2026-11-26
 * 12:00:00 UTC, so no idle timeout fires before the end of the capture.
 * Totals to expect: N flows, N packets, 28 * N bytes.
 *
 * -c (collide) makes the hash-flooding capture instead: source and
 * destination address both count up so that src XOR dst, the ports and the
 * protocol are the same for every flow.  Under a fixed, unseeded hash that
 * combines the key fields with XOR or addition (the usual cheap flow hash)
 * every flow lands in one bucket; under the sensor's seeded SipHash they
 * must spread like random keys, so nfsensord -r takes the same time per
 * packet on both captures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINKTYPE_RAW 101
#define PKTLEN 28
#define T0 1795003200u /* 2026-11-26 12:00:00 UTC */

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static uint16_t
cksum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: fault_flows [-c] [-n packets] [-s span_seconds] "
		"FILE\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	uint8_t gh[24], rec[16 + PKTLEN];
	unsigned long n = 1000000, span = 10, i;
	uint64_t us;
	uint32_t src, dst;
	uint16_t sum, sport;
	FILE *f;
	int ch, collide = 0;

	while ((ch = getopt(argc, argv, "cn:s:")) != -1) {
		switch (ch) {
		case 'c':
			collide = 1;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 's':
			span = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || n == 0 || n > 0xffffffUL * 64)
		usage();
	if ((f = fopen(argv[optind], "wb")) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	memset(gh, 0, sizeof(gh));
	put32le(gh, 0xa1b2c3d4);
	gh[4] = 2; /* version 2.4 */
	gh[6] = 4;
	put32le(gh + 16, 65535); /* snaplen */
	put32le(gh + 20, LINKTYPE_RAW);
	fwrite(gh, 1, sizeof(gh), f);

	memset(rec, 0, sizeof(rec));
	put32le(rec + 8, PKTLEN);  /* caplen */
	put32le(rec + 12, PKTLEN); /* wire length */
	for (i = 0; i < n; i++) {
		uint8_t *ip = rec + 16, *udp = ip + 20;

		us = (uint64_t)i * span * 1000000 / n;
		put32le(rec, T0 + (uint32_t)(us / 1000000));
		put32le(rec + 4, (uint32_t)(us % 1000000));
		if (collide) {
			/* src ^ dst constant, one port pair: one bucket. */
			src = 0x0a000000u + (uint32_t)i;
			dst = src ^ 0xca000201u;
			sport = 1024;
		} else {
			/* 10.0.0.0/8 sources, 64 ports each: distinct keys. */
			src = 0x0a000000u + (uint32_t)(i / 64);
			dst = 0xc0000201u; /* 192.0.2.1 */
			sport = (uint16_t)(1024 + i % 64);
		}
		ip[0] = 0x45;
		ip[2] = 0;
		ip[3] = PKTLEN;
		ip[8] = 64;
		ip[9] = 17;
		ip[10] = ip[11] = 0;
		ip[12] = src >> 24;
		ip[13] = (src >> 16) & 0xff;
		ip[14] = (src >> 8) & 0xff;
		ip[15] = src & 0xff;
		ip[16] = dst >> 24;
		ip[17] = (dst >> 16) & 0xff;
		ip[18] = (dst >> 8) & 0xff;
		ip[19] = dst & 0xff;
		sum = cksum(ip, 20);
		ip[10] = sum >> 8;
		ip[11] = sum & 0xff;
		udp[0] = (uint8_t)(sport >> 8);
		udp[1] = (uint8_t)(sport & 0xff);
		udp[2] = 0; /* dport 53 */
		udp[3] = 53;
		udp[4] = 0;
		udp[5] = 8; /* UDP length */
		fwrite(rec, 1, sizeof(rec), f);
	}
	if (fclose(f) != 0) {
		perror(argv[optind]);
		return 1;
	}
	return 0;
}
