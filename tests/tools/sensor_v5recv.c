/*
 * sensor_v5recv: a minimal NetFlow v5 receiver for the sensor's tests.
 *
 * Binds a UDP port on 127.0.0.1 (or ::1 with -6), decodes every datagram
 * with common/v5.c and prints one line per record, then a totals line.  It
 * lets the sensor's tests check the export without the collector.
 *
 *   sensor_v5recv [-6] [-p port] [-w portfile] [-i idle_ms] [-t total_ms]
 *                 [-q]
 *
 * With -p 0 (the default) the kernel picks the port, which is written to
 * portfile.  It stops after idle_ms without a datagram once one has come
 * (default 1000), after total_ms in all (default 20000), or on SIGTERM,
 * after reading every datagram already queued: a test can stop it as soon
 * as the sender has exited, since loopback delivers at send time.
 * Record lines are "proto src:sport > dst:dport tos flags packets bytes
 * first_ms last_ms input output" with absolute unix ms times; the totals
 * line is "TOTAL datagrams D flows F packets P bytes B malformed M
 * seqerr S".
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flowrec.h"
#include "v5.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
ip4(uint32_t a, char *out, size_t cap)
{
	struct in_addr in;

	in.s_addr = htonl(a);
	inet_ntop(AF_INET, &in, out, (socklen_t)cap);
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sslen;
	struct v5_header h;
	struct v5_record recs[V5_MAXRECS];
	struct flowrec r;
	uint8_t buf[65536];
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	const char *portfile = NULL;
	unsigned long long dgrams = 0, flows = 0, pkts = 0, bytes = 0;
	unsigned long long bad = 0, seqerr = 0;
	long long idle = 1000, total = 20000, start, last = 0;
	uint32_t expect_seq = 0;
	int ch, fd, v6 = 0, quiet = 0, port = 0, rcv = 8 << 20, i;
	struct pollfd pfd;
	struct sigaction sa;
	ssize_t n;
	FILE *fp;

	while ((ch = getopt(argc, argv, "6i:p:qt:w:")) != -1) {
		switch (ch) {
		case '6':
			v6 = 1;
			break;
		case 'i':
			idle = atoll(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			total = atoll(optarg);
			break;
		case 'w':
			portfile = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: sensor_v5recv [-6q] [-p port] "
				"[-w portfile] [-i idle_ms] [-t total_ms]\n");
			return 2;
		}
	}
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons((uint16_t)port);
		sslen = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons((uint16_t)port);
		sslen = sizeof(*sin);
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		perror("sensor_v5recv: socket");
		return 2;
	}
	/* Before the port is announced, so an early SIGTERM is handled. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (portfile != NULL) {
		if ((fp = fopen(portfile, "w")) == NULL) {
			perror(portfile);
			return 2;
		}
		fprintf(fp, "%u\n",
			ntohs(v6 ? sin6->sin6_port : sin->sin_port));
		fclose(fp);
	}
	start = now_ms();
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (now_ms() - start > total)
			break;
		if (dgrams > 0 && now_ms() - last > idle)
			break;
		/* After SIGTERM, drain what the kernel holds, then stop. */
		if (!stop && poll(&pfd, 1, 50) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) < 0) {
			if (stop)
				break;
			continue;
		}
		last = now_ms();
		dgrams++;
		if (v5_decode(buf, (size_t)n, &h, recs) != V5_OK) {
			bad++;
			continue;
		}
		if (h.flow_sequence != expect_seq)
			seqerr++;
		expect_seq = h.flow_sequence + h.count;
		for (i = 0; i < h.count; i++) {
			v5_to_flowrec(&h, &recs[i], 0, &r);
			flows++;
			pkts += r.packets;
			bytes += r.bytes;
			if (quiet)
				continue;
			ip4(r.srcaddr, src, sizeof(src));
			ip4(r.dstaddr, dst, sizeof(dst));
			printf("%u %s:%u > %s:%u %u %u %llu %llu %lld %lld %u "
			       "%u\n",
			       r.proto, src, r.srcport, dst, r.dstport, r.tos,
			       r.tcp_flags, (unsigned long long)r.packets,
			       (unsigned long long)r.bytes,
			       (long long)r.first_ms, (long long)r.last_ms,
			       r.input, r.output);
		}
	}
	printf("TOTAL datagrams %llu flows %llu packets %llu bytes %llu "
	       "malformed %llu seqerr %llu\n",
	       dgrams, flows, pkts, bytes, bad, seqerr);
	return 0;
}
