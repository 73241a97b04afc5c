/*
 * ftgen: deterministic flows for the reporter benchmark, written as a
 * directory of five-minute flow-tools files with nfkit's own writer, or sent
 * as the very same NetFlow v5 datagrams to a collector on loopback (so the
 * peer, nfcapd, stores exactly the flows nfreport reads).
 *
 * The flows look like nfv5blast's (../shared/tools/nfv5blast.c): skewed
 * sources in 10.0.0.0/16 so top talkers exist, destinations in
 * 198.51.0.0/16, 70% TCP (25% to port 80, 40% to 443), 25% UDP, 5% ICMP.
 * They are spread evenly over FILES five-minute intervals starting at
 * 2023-11-14 22:10 UTC; every 30 flows share one datagram header.
 *
 * Usage: ftgen -n flows [-f files] [-s seed] -o dir         write files
 *        ftgen -n flows [-f files] [-s seed] -p port [-r flows/s]   send
 * Same -n -f -s: the same flows either way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowrec.h"
#include "ftfile.h"
#include "v5.h"
#include "../unit/testrng.h"
#include "benchtime.h"

#define T0 1699999800u	   /* 2023-11-14 22:10:00 UTC, a 5-minute boundary */
#define EXADDR 0x7f000001u /* 127.0.0.1, what a collector on lo records */

static uint64_t rs;

static inline uint64_t
rnd(void) /* splitmix64, as nfv5blast */
{
	return splitmix64(&rs);
}

static inline double
urand(void)
{
	return (rnd() >> 11) * (1.0 / 9007199254740992.0);
}

/* One datagram's worth of flows: header at time t (unix s), n records. */
static void
gen(struct v5_header *h, struct v5_record *r, int n, uint32_t t, uint32_t *seq)
{
	int i;

	memset(h, 0, sizeof *h);
	h->version = 5;
	h->count = (uint16_t)n;
	h->sys_uptime = 3600000u + (t - T0) * 1000u;
	h->unix_secs = t;
	h->unix_nsecs = 0;
	h->flow_sequence = *seq;
	h->engine_id = 1;
	*seq += (uint32_t)n;
	for (i = 0; i < n; i++) {
		struct v5_record *v = &r[i];
		double u = urand(), pu, du;
		uint32_t pk;

		memset(v, 0, sizeof *v);
		v->srcaddr = (10u << 24) | (uint32_t)(u * u * u * 65536.0);
		v->dstaddr =
		    (198u << 24) | (51u << 16) | (uint32_t)(rnd() & 0xffff);
		v->nexthop = (192u << 24) | (2u << 8) | 1u;
		pu = urand();
		v->proto = pu < 0.70 ? IPPROTO_TCP
				     : (pu < 0.95 ? IPPROTO_UDP : IPPROTO_ICMP);
		v->srcport = (uint16_t)(32768 + rnd() % 28000);
		du = urand();
		if (v->proto == IPPROTO_TCP)
			v->dstport =
			    du < 0.25
				? 80
				: (du < 0.65 ? 443
					     : (uint16_t)(1 + rnd() % 65535));
		else if (v->proto == IPPROTO_UDP)
			v->dstport =
			    du < 0.5 ? 53 : (uint16_t)(1 + rnd() % 65535);
		else {
			v->srcport = 0;
			v->dstport = 8 << 8;
		}
		v->input = (uint16_t)(1 + rnd() % 8);
		v->output = (uint16_t)(1 + rnd() % 8);
		pk = 1 + (uint32_t)(urand() * urand() * 2000);
		v->packets = pk;
		v->octets = pk * (40 + (uint32_t)(rnd() % 1460));
		v->last = h->sys_uptime - (uint32_t)(rnd() % 1000);
		v->first = v->last - (uint32_t)(rnd() % 120000);
		v->tcp_flags = v->proto == IPPROTO_TCP
				   ? (uint8_t)(TH_ACK | (rnd() & 0x1f))
				   : 0;
		v->tos = (uint8_t)((rnd() & 7) << 5);
		v->src_as = (uint16_t)(rnd() % 65000);
		v->dst_as = (uint16_t)(rnd() % 65000);
		v->src_mask = 16;
		v->dst_mask = 24;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: ftgen -n flows [-f files] [-s seed] "
			"(-o dir | -p port [-r flows/s])\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	struct flowrec fr[V5_MAXRECS];
	uint8_t pkt[V5_MAXLEN];
	struct sockaddr_in sin;
	const char *dir = NULL;
	uint64_t total = 0, seed = 1, k, sent = 0;
	unsigned files = 12, f;
	double rate = 0, t0;
	uint32_t seq = 0;
	int c, i, port = 0, sock = -1, sb = 4 << 20;

	while ((c = getopt(argc, argv, "n:f:s:o:p:r:")) != -1) {
		switch (c) {
		case 'n':
			total = strtoull(optarg, NULL, 10);
			break;
		case 'f':
			files = (unsigned)atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			dir = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (total == 0 || files == 0 || (dir == NULL) == (port == 0))
		usage();
	rs = seed * 0x9E3779B97F4A7C15ULL + 7;
	if (port != 0) {
		if ((sock = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
			perror("socket");
			return 1;
		}
		setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	t0 = bench_now();
	for (f = 0; f < files; f++) {
		uint64_t lo = total * f / files, hi = total * (f + 1) / files;
		uint32_t start = T0 + 300u * f;
		struct ft_writer *w = NULL;
		char path[4096], tmp[4096], name[64];
		int fd = -1;

		if (dir != NULL) {
			time_t ts = start;
			struct tm tm;

			gmtime_r(&ts, &tm);
			strftime(name, sizeof name,
				 "ft-v05.%Y-%m-%d.%H%M%S+0000", &tm);
			snprintf(path, sizeof path, "%s/%s", dir, name);
			snprintf(tmp, sizeof tmp, "%s/tmp-%s", dir, name + 3);
			fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd == -1) {
				perror(tmp);
				return 1;
			}
			struct ft_wopts o = {.byte_order = 0,
					     .zlevel = -1,
					     .cap_start = start,
					     .hostname = "nfkit-bench",
					     .comment = "tests/bench/ftgen"};
			if ((w = ftw_open(fd, &o)) == NULL) {
				perror("ftw_open");
				return 1;
			}
		}
		for (k = lo; k < hi; k += (uint64_t)i) {
			int n =
			    hi - k < V5_MAXRECS ? (int)(hi - k) : V5_MAXRECS;
			/* Datagram time: evenly through the five minutes. */
			uint32_t t =
			    start + (uint32_t)((k - lo) * 300 / (hi - lo));
			size_t len;

			gen(&h, r, n, t, &seq);
			i = n;
			if (w != NULL) {
				for (int j = 0; j < n; j++)
					v5_to_flowrec(&h, &r[j], EXADDR,
						      &fr[j]);
				if (ftw_write(w, fr, (size_t)n) == -1) {
					perror("ftw_write");
					return 1;
				}
				continue;
			}
			if (rate > 0) {
				double due = t0 + (double)sent / rate, d;

				while ((d = due - bench_now()) > 0.0002) {
					struct timespec sl = {0,
							      (long)(d * 1e9)};
					if (d >= 1)
						sl.tv_sec = (time_t)d,
						sl.tv_nsec = 0;
					nanosleep(&sl, NULL);
				}
				while (bench_now() < due)
					;
			}
			len = v5_encode(&h, r, pkt, sizeof pkt);
			while (sendto(sock, pkt, len, 0,
				      (struct sockaddr *)&sin,
				      sizeof sin) == -1) {
				if (errno != ENOBUFS && errno != EAGAIN) {
					perror("sendto");
					return 1;
				}
				usleep(100);
			}
			sent += (uint64_t)n;
		}
		if (w != NULL) {
			struct ft_counts cnt = {.cap_end = start + 300};

			if (ftw_close(w, &cnt) == -1 || close(fd) == -1 ||
			    rename(tmp, path) == -1) {
				perror(path);
				return 1;
			}
		}
	}
	printf("ftgen: flows=%llu files=%u seconds=%.3f\n",
	       (unsigned long long)total, files, bench_now() - t0);
	return 0;
}
