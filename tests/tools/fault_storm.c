/*
 * fault_storm: a malformed-datagram storm with valid NetFlow v5 mixed in.
 *
 *   fault_storm -p port [-h host] [-b bindaddr] [-n valid] [-x ratio]
 *               [-s seed] [-e engine_id] [-P pace]
 *
 * Sends `valid` correct NetFlow v5 datagrams of 30 records each (a
 * legitimate exporter: flow_sequence counts up with no gap, every record a
 * distinct flow of 1 packet and 100 bytes), and after each one `ratio`
 * invalid datagrams, chosen at random (seeded) among: random bytes whose
 * version field is never 1, 5 or 7; a v5-shaped datagram with a bad
 * version; count 0; count above the limit; length one to 47 bytes off;
 * a cut header; v1 and v7 over their record limits; a datagram larger than
 * any NetFlow datagram (9000 bytes).  Every invalid datagram is invalid
 * under strict validation, so a collector's corrupt counter must equal the
 * number sent.  With -P N it sleeps 1 ms after every N datagrams (0 = full
 * speed, the default).  Prints one line:
 *   "valid_datagrams=V valid_flows=F invalid=I kind0=..kind9="
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "v5.h"
#include "../unit/testrng.h"

#define NKINDS 10
#define BIGLEN 9000

static uint64_t rng;

static uint32_t
rnd(void)
{
	return xorshift32(&rng);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* A version number that no NetFlow decoder of ours accepts. */
static uint16_t
bad_version(void)
{
	uint16_t v;

	do
		v = (uint16_t)rnd();
	while (v == 1 || v == 5 || v == 7);
	return v;
}

static size_t
valid_v5(uint8_t *out, uint32_t seq, uint32_t base, uint8_t engine)
{
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	int i;

	memset(&h, 0, sizeof(h));
	memset(r, 0, sizeof(r));
	h.version = 5;
	h.count = V5_MAXRECS;
	h.sys_uptime = 100000;
	h.unix_secs = 1795003200; /* 2026-11-26 12:00:00 UTC */
	h.flow_sequence = seq;
	h.engine_id = engine;
	for (i = 0; i < V5_MAXRECS; i++) {
		r[i].srcaddr = 0x0a000000u + base + (uint32_t)i;
		r[i].dstaddr = 0xc0000201u;
		r[i].packets = 1;
		r[i].octets = 100;
		r[i].first = r[i].last = 99000;
		r[i].srcport = 1024;
		r[i].dstport = 53;
		r[i].proto = IPPROTO_UDP;
	}
	return v5_encode(&h, r, out, V5_MAXLEN);
}

static size_t
invalid(uint8_t *out, int kind)
{
	size_t n, i;
	uint16_t c;

	switch (kind) {
	case 0: /* random bytes, 0..2000 of them */
		n = rnd() % 2001;
		for (i = 0; i < n; i++)
			out[i] = (uint8_t)rnd();
		if (n >= 2)
			put16(out, bad_version());
		else if (n == 1)
			out[0] = 0x80;
		return n;
	case 1: /* v5 layout, wrong version */
		n = valid_v5(out, 0, 0, 0);
		put16(out, bad_version());
		return n;
	case 2: /* count 0 */
		n = valid_v5(out, 0, 0, 0);
		put16(out + 2, 0);
		return V5_HDRLEN;
	case 3: /* count over 30, length to match it (capped) */
		c = (uint16_t)(31 + rnd() % 200);
		valid_v5(out, 0, 0, 0);
		put16(out + 2, c);
		n = V5_HDRLEN + (size_t)c * V5_RECLEN;
		if (n > BIGLEN - 1)
			n = BIGLEN - 1;
		memset(out + V5_MAXLEN, 0, n > V5_MAXLEN ? n - V5_MAXLEN : 0);
		return n;
	case 4: /* 1..47 bytes too long */
		n = valid_v5(out, 0, 0, 0);
		memset(out + n, 0, V5_RECLEN);
		return n + 1 + rnd() % 47;
	case 5: /* 1..47 bytes too short */
		n = valid_v5(out, 0, 0, 0);
		return n - 1 - rnd() % 47;
	case 6: /* header cut: 0..23 bytes of a v5 header */
		valid_v5(out, 0, 0, 0);
		return rnd() % V5_HDRLEN;
	case 7: /* v1 with 25 records (limit 24), exact length */
		memset(out, 0, 16 + 25 * 48);
		put16(out, 1);
		put16(out + 2, 25);
		return 16 + 25 * 48;
	case 8: /* v7 with 28 records (limit 27), exact length */
		memset(out, 0, 24 + 28 * 52);
		put16(out, 7);
		put16(out + 2, 28);
		return 24 + 28 * 52;
	default: /* larger than any NetFlow datagram */
		valid_v5(out, 0, 0, 0);
		memset(out + V5_MAXLEN, 0xee, BIGLEN - V5_MAXLEN);
		return BIGLEN;
	}
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: fault_storm -p port [-h host] [-b bindaddr] "
		"[-n valid] [-x ratio] [-s seed] [-e engine_id] [-P pace]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	static uint8_t buf[BIGLEN + 64];
	struct sockaddr_in to, from;
	unsigned long nvalid = 1000, ratio = 20, pace = 0, sent = 0, i, j;
	unsigned long kinds[NKINDS] = {0}, nbad = 0;
	const char *host = "127.0.0.1", *bind_addr = NULL;
	struct timespec ms = {0, 1000000};
	unsigned engine = 0;
	int ch, s, port = 0, kind;
	size_t n;

	rng = 88172645463325252ULL;
	while ((ch = getopt(argc, argv, "b:e:h:n:p:P:s:x:")) != -1) {
		switch (ch) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'e':
			engine = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'h':
			host = optarg;
			break;
		case 'n':
			nvalid = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'P':
			pace = strtoul(optarg, NULL, 10);
			break;
		case 's':
			rng ^=
			    strtoull(optarg, NULL, 10) * 0x9E3779B97F4A7C15ULL;
			break;
		case 'x':
			ratio = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (port <= 0 || port > 65535 || rng == 0)
		usage();
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("socket");
		return 1;
	}
	if (bind_addr != NULL) {
		memset(&from, 0, sizeof(from));
		from.sin_family = AF_INET;
		if (inet_pton(AF_INET, bind_addr, &from.sin_addr) != 1 ||
		    bind(s, (struct sockaddr *)&from, sizeof(from)) == -1) {
			perror(bind_addr);
			return 1;
		}
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1)
		usage();

	for (i = 0; i < nvalid; i++) {
		n = valid_v5(buf, (uint32_t)(i * V5_MAXRECS),
			     (uint32_t)(i * V5_MAXRECS), (uint8_t)engine);
		if (sendto(s, buf, n, 0, (struct sockaddr *)&to, sizeof(to)) !=
		    (ssize_t)n)
			perror("sendto valid");
		if (pace && ++sent % pace == 0)
			nanosleep(&ms, NULL);
		for (j = 0; j < ratio; j++) {
			kind = (int)(rnd() % NKINDS);
			n = invalid(buf, kind);
			if (sendto(s, buf, n, 0, (struct sockaddr *)&to,
				   sizeof(to)) != (ssize_t)n) {
				perror("sendto invalid");
				continue;
			}
			kinds[kind]++;
			nbad++;
			if (pace && ++sent % pace == 0)
				nanosleep(&ms, NULL);
		}
	}
	printf("valid_datagrams=%lu valid_flows=%lu invalid=%lu", nvalid,
	       nvalid * V5_MAXRECS, nbad);
	for (i = 0; i < NKINDS; i++)
		printf(" kind%lu=%lu", i, kinds[i]);
	printf("\n");
	close(s);
	return 0;
}
