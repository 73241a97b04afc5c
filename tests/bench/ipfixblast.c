/*
 * ipfixblast: NetFlow v9 / IPFIX load generator for the collector bench
 * (loopback only), the counterpart of ../shared/tools/nfv5blast for
 * templated exports.
 *
 * Messages are made by the sensor's encoder (common/ipfix.c): as many
 * flows as fit in 1400 bytes, IPv4 and IPv6 mixed 3:1, templates in every
 * 16th message and in the first, sequence numbers as each RFC counts
 * them.  Optional pacing to a target flows/s, as nfv5blast.
 *
 * usage: ipfixblast [-v 9|10] [-p port] [-n flows] [-r flows_per_s]
 * Prints one line in nfv5blast's format: packets, flows, seconds,
 * achieved flows/s, send errors.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipfix.h"
#include "../unit/testrng.h"
#include "benchtime.h"

#define MTU 1400

static uint64_t rs = 1;

static uint64_t
rnd(void)
{
	return splitmix64(&rs);
}

static void
flow(struct ipfix_rec *r, int64_t ms)
{
	memset(r, 0, sizeof(*r));
	r->af = rnd() % 4 == 0 ? 6 : 4;
	if (r->af == 4) {
		uint32_t s = htonl(0x0a000000 | (uint32_t)(rnd() & 0xffff));
		uint32_t d = htonl(0xc6330000 | (uint32_t)(rnd() & 0xffff));

		memcpy(r->src, &s, 4);
		memcpy(r->dst, &d, 4);
	} else {
		r->src[0] = 0x20;
		r->src[1] = 0x01;
		r->src[2] = 0x0d;
		r->src[3] = 0xb8;
		r->src[14] = (uint8_t)rnd();
		r->src[15] = 1;
		r->dst[0] = 0x20;
		r->dst[1] = 0x01;
		r->dst[2] = 0x0d;
		r->dst[3] = 0xb8;
		r->dst[15] = (uint8_t)rnd();
	}
	r->proto = rnd() % 10 < 7 ? 6 : 17;
	r->sport = (uint16_t)(32768 + rnd() % 28000);
	r->dport = rnd() % 2 ? 443 : 53;
	r->packets = 1 + rnd() % 2000;
	r->bytes = r->packets * (40 + rnd() % 1460);
	r->last_ms = ms - (int64_t)(rnd() % 1000);
	r->first_ms = r->last_ms - (int64_t)(rnd() % 120000);
	r->input = 1;
	r->output = 2;
	r->end_reason = IPFIX_END_IDLE;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct ipfix_rec recs[64];
	struct ipfix_msg m;
	struct timespec rt;
	uint8_t pkt[2048];
	uint64_t total = 300000, sent = 0, pkts = 0, errs = 0, records = 0;
	double rate = 0, t0;
	size_t n, len, per, reclen;
	int c, fd, version = 10, port = 19995;

	while ((c = getopt(argc, argv, "v:p:n:r:")) != -1) {
		switch (c) {
		case 'v':
			version = atoi(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			total = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: ipfixblast [-v 9|10] [-p port] "
					"[-n flows] [-r flows/s]\n");
			return 2;
		}
	}
	if (version != 9 && version != 10)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("socket");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	m.version = version;
	/* The largest record (IPv6) decides how many fit with templates. */
	reclen = ipfix_reclen(version, 0, 0, 6);
	m.templates = 1;
	per = (MTU - ipfix_overhead(&m) - 8) / reclen;
	if (per > sizeof(recs) / sizeof(recs[0]))
		per = sizeof(recs) / sizeof(recs[0]);
	t0 = bench_now();
	while (sent < total) {
		size_t i;

		n = total - sent < per ? (size_t)(total - sent) : per;
		if (rate > 0) { /* pace: datagram k is due at t0 + sent/rate */
			double due = t0 + (double)sent / rate,
			       d = due - bench_now();

			if (d > 0.0002) {
				struct timespec ts = {
				    (time_t)d, (long)((d - (time_t)d) * 1e9)};
				nanosleep(&ts, NULL);
			}
			while (bench_now() < due)
				;
		}
		clock_gettime(CLOCK_REALTIME, &rt);
		m.now_ms = (int64_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000;
		m.boot_ms = m.now_ms - 3600000;
		m.templates = pkts % 16 == 0;
		m.sequence = version == 9 ? (uint32_t)pkts : (uint32_t)records;
		for (i = 0; i < n; i++)
			flow(&recs[i], m.now_ms);
		len = ipfix_encode(&m, recs, n, pkt, sizeof(pkt), NULL);
		if (len == 0) {
			fprintf(stderr, "ipfixblast: message does not fit\n");
			return 1;
		}
		if (send(fd, pkt, len, 0) < 0) {
			errs++;
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != ECONNREFUSED) {
				perror("send");
				return 1;
			}
		}
		sent += n;
		records += n;
		pkts++;
	}
	t0 = bench_now() - t0;
	printf("ipfixblast: packets=%llu flows=%llu seconds=%.3f "
	       "flows_per_s=%.0f send_errors=%llu target_rate=%.0f\n",
	       (unsigned long long)pkts, (unsigned long long)sent, t0,
	       t0 > 0 ? sent / t0 : 0.0, (unsigned long long)errs, rate);
	return 0;
}
