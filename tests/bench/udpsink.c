/*
 * udpsink: a NetFlow v5 discard collector for the sensor benchmark.
 *
 * Binds 127.0.0.1:PORT (loopback only) with a large receive buffer, receives
 * in batches with recvmmsg(2) and counts datagrams and the v5 records they
 * announce (the count field of a well-formed v5 header; v9's count, which
 * includes templates; IPFIX datagrams are counted, not their records).  It
 * stores nothing, so the sensor under test never waits for a collector.  On
 * SIGTERM or SIGINT it drains the socket and prints one line: udpsink:
 * datagrams=N records=N bytes=N bad=N Usage: udpsink [-p port] [-f readyfile]
 * Port 0 (the default) lets the kernel choose; the bound port number is
 * written to the ready file once the socket is bound.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define DGMAX 65536

static volatile sig_atomic_t stop;

static void
onsig(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	static uint8_t bufs[BATCH][DGMAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sin;
	struct sigaction sa;
	unsigned long long dg = 0, recs = 0, bytes = 0, bad = 0;
	const char *ready = NULL;
	int fd, c, i, n, port = 0, rb = 32 << 20;

	while ((c = getopt(argc, argv, "p:f:")) != -1) {
		switch (c) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'f':
			ready = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: udpsink [-p port] [-f readyfile]\n");
			return 2;
		}
	}
	if (port < 0 || port > 65535) {
		fprintf(stderr, "udpsink: bad port\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onsig; /* no SA_RESTART: recvmmsg returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof rb) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		perror("bind");
		return 1;
	}
	if (ready != NULL) {
		socklen_t sl = sizeof sin;
		FILE *f;

		getsockname(fd, (struct sockaddr *)&sin, &sl);
		if ((f = fopen(ready, "w")) != NULL) {
			fprintf(f, "%u\n", ntohs(sin.sin_port));
			fclose(f);
		}
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = DGMAX;
		memset(&msgs[i], 0, sizeof msgs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		/*
		 * Poll with a timeout rather than block in recvmmsg, so a stop
		 * request is seen whatever the kernel does with the
		 * interrupted call; after it, drain without blocking.
		 */
		if (!stop) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};

			if (poll(&pfd, 1, 100) <= 0)
				continue;
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (stop)
					break;
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("recvmmsg");
			return 1;
		}
		for (i = 0; i < n; i++) {
			const uint8_t *p = bufs[i];
			unsigned len = msgs[i].msg_len, cnt, ver;

			dg++;
			bytes += len;
			ver = len >= 4 ? (unsigned)(p[0] << 8 | p[1]) : 0;
			cnt = len >= 4 ? (unsigned)(p[2] << 8 | p[3]) : 0;
			if (ver == 5 && len >= 24 && len == 24 + 48 * cnt)
				recs += cnt;
			else if (ver == 9 && len >= 20)
				recs += cnt; /* every record, templates too */
			else if (ver == 10 && len >= 16 && len == cnt)
				; /* IPFIX has no record count */
			else
				bad++;
		}
	}
	printf("udpsink: datagrams=%llu records=%llu bytes=%llu bad=%llu\n", dg,
	       recs, bytes, bad);
	return 0;
}
