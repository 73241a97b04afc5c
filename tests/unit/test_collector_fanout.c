/*
 * Unit tests for collector/fanout.c: the mode names, the shard hash (its
 * values are computed independently, with FNV-1a as published), the IPv4
 * and UDP headers we build for spoofing (checked by the one's-complement
 * rule a receiver applies), the bounded rings and their counters, and a
 * real forward over loopback to a socket of our own.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../collector/fanout.h"
#include "unit.h"

static struct exp_addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct exp_addr e;

	memset(&e, 0, sizeof(e));
	e.a[10] = e.a[11] = 0xff;
	e.a[12] = a;
	e.a[13] = b;
	e.a[14] = c;
	e.a[15] = d;
	return e;
}

/* A receiver on 127.0.0.1, port chosen by the kernel. */
static int
receiver(struct fanout_target *t)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&t->sa;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 1 << 20;

	ck_assert_int_ge(fd, 0);
	/* Room for every datagram a test sends before reading any. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	memset(t, 0, sizeof(*t));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t->salen = sizeof(*sin);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sin, t->salen), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sin, &t->salen), 0);
	return fd;
}

START_TEST(test_modes)
{
	enum fanout_mode m = FANOUT_MIRROR;

	ck_assert_int_eq(fanout_parse_mode("shard", &m), 0);
	ck_assert_int_eq(m, FANOUT_SHARD);
	ck_assert_int_eq(fanout_parse_mode("mirror", &m), 0);
	ck_assert_int_eq(m, FANOUT_MIRROR);
	ck_assert_int_eq(fanout_parse_mode("Mirror", &m), -1);
	ck_assert_int_eq(fanout_parse_mode("", &m), -1);
}
END_TEST

START_TEST(test_shard_stable_and_spread)
{
	struct exp_addr a = v4(127, 0, 0, 2), six;
	size_t count[3] = {0, 0, 0}, i;

	/* FNV-1a of ::ffff:127.0.0.2 is 0x06f0525a; of ::1, 0x68691772. */
	ck_assert_uint_eq(fanout_shard(&a, 2), 0x06f0525au % 2);
	ck_assert_uint_eq(fanout_shard(&a, 3), 0x06f0525au % 3);
	memset(&six, 0, sizeof(six));
	six.a[15] = 1;
	ck_assert_uint_eq(fanout_shard(&six, 3), 0x68691772u % 3);
	ck_assert_uint_eq(fanout_shard(&a, 1), 0);
	/* 3000 exporters over three targets: none gets less than a quarter. */
	for (i = 0; i < 3000; i++) {
		a = v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
		count[fanout_shard(&a, 3)]++;
	}
	for (i = 0; i < 3; i++)
		ck_assert_uint_gt(count[i], 750);
}
END_TEST

static uint32_t
words(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
folded(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

START_TEST(test_headers)
{
	uint8_t hdr[28], pay[101], pseudo[12];
	uint32_t src = htonl(0xc0000201), dst = htonl(0x7f000001);
	size_t i;

	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 7 + 3);
	ck_assert_uint_eq(fanout_ip4udp(hdr, src, htons(2055), dst, htons(9995),
					pay, sizeof(pay)),
			  28);
	ck_assert_uint_eq(hdr[0], 0x45);
	ck_assert_uint_eq(hdr[2] << 8 | hdr[3], 28 + sizeof(pay));
	ck_assert_uint_eq(hdr[9], 17);
	ck_assert_mem_eq(hdr + 12, &src, 4);
	ck_assert_mem_eq(hdr + 16, &dst, 4);
	/* A receiver's checks: each sum, checksum included, is all ones. */
	ck_assert_uint_eq(folded(words(hdr, 20, 0)), 0xffff);
	ck_assert_uint_eq(hdr[20] << 8 | hdr[21], 2055);
	ck_assert_uint_eq(hdr[22] << 8 | hdr[23], 9995);
	ck_assert_uint_eq(hdr[24] << 8 | hdr[25], 8 + sizeof(pay));
	memcpy(pseudo, hdr + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = 0;
	pseudo[11] = 8 + sizeof(pay);
	ck_assert_uint_eq(
	    folded(words(pay, sizeof(pay),
			 words(hdr + 20, 8, words(pseudo, 12, 0)))),
	    0xffff);
}
END_TEST

START_TEST(test_ring_bound)
{
	struct fanout_target t[2];
	struct fanout_counts c;
	struct fanout *f;
	struct exp_addr a = v4(127, 0, 0, 2), b = v4(127, 0, 0, 3);
	uint8_t d[64] = {0, 5};
	int fd0 = receiver(&t[0]), fd1 = receiver(&t[1]);
	size_t i, n = FANOUT_SLOTS + 10;

	/* Not started: nothing drains, so the ring must stop at its bound. */
	f = fanout_open(t, 2, FANOUT_MIRROR);
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n; i++)
		fanout_push(f, &a, 2055, d, sizeof(d));
	for (i = 0; i < 2; i++) {
		fanout_counts(f, i, &c);
		ck_assert_uint_eq(c.offered, n);
		ck_assert_uint_eq(c.queue_drops, 10);
		ck_assert_uint_eq(c.sent, 0);
	}
	fanout_close(f);

	/* Shard: each exporter to its own target, and only there. */
	f = fanout_open(t, 2, FANOUT_SHARD);
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 7; i++)
		fanout_push(f, &a, 2055, d, sizeof(d));
	for (i = 0; i < 5; i++)
		fanout_push(f, &b, 2055, d, sizeof(d));
	fanout_counts(f, fanout_shard(&a, 2), &c);
	ck_assert_uint_eq(c.offered,
			  fanout_shard(&a, 2) == fanout_shard(&b, 2) ? 12 : 7);
	fanout_counts(f, 1 - fanout_shard(&a, 2), &c);
	ck_assert_uint_eq(c.offered,
			  fanout_shard(&a, 2) == fanout_shard(&b, 2) ? 0 : 5);
	fanout_close(f);
	close(fd0);
	close(fd1);
}
END_TEST

START_TEST(test_forward)
{
	struct fanout_target t;
	struct fanout_counts c;
	struct sockaddr_in from;
	socklen_t fl;
	struct fanout *f;
	struct exp_addr a = v4(127, 0, 0, 2);
	uint8_t d[1464], got[2048];
	int fd = receiver(&t), i, k;
	ssize_t r;

	for (i = 0; i < (int)sizeof(d); i++)
		d[i] = (uint8_t)i;
	f = fanout_open(&t, 1, FANOUT_MIRROR);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fanout_start(f), 0);
	for (i = 0; i < 100; i++) {
		d[0] = (uint8_t)i;
		fanout_push(f, &a, 40000, d, (size_t)(i % 2 ? 1464 : 24 + i));
		fanout_kick(f);
	}
	fanout_counts(f, 0, &c);
	ck_assert_uint_eq(c.offered, 100);
	fanout_close(f); /* the last pass sends all that is queued */
	for (i = 0; i < 100; i++) {
		struct pollfd p = {fd, POLLIN, 0};

		ck_assert_int_eq(poll(&p, 1, 2000), 1);
		fl = sizeof(from);
		r = recvfrom(fd, got, sizeof(got), 0, (struct sockaddr *)&from,
			     &fl);
		k = i % 2 ? 1464 : 24 + i;
		ck_assert_int_eq(r, k);
		ck_assert_uint_eq(got[0], (uint8_t)i);
		ck_assert_mem_eq(got + 1, d + 1, (size_t)k - 1);
		/* As root the exporter's address and port come through. */
		if (geteuid() == 0) {
			ck_assert_uint_eq(ntohl(from.sin_addr.s_addr),
					  0x7f000002);
			ck_assert_uint_eq(ntohs(from.sin_port), 40000);
		}
	}
	close(fd);
}
END_TEST

UNIT_MAIN_TESTS("collector_fanout", 0, test_modes, test_shard_stable_and_spread,
		test_headers, test_ring_bound, test_forward)
