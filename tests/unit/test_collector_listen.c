/*
 * Unit tests for collector/listen.c: how full a socket's receive buffer
 * is (listen_fill(), the writer's second measure of pressure), on a
 * socket bound to 127.0.0.1.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../collector/listen.h"
#include "unit.h"

#define DGRAM 1464 /* a v5 datagram of 30 records */

/* A listener on 127.0.0.1 at a free port, with rcvbuf bytes asked. */
static struct listener *
open_local(int rcvbuf, struct sockaddr_in *to)
{
	struct capspec cs;
	struct listener *l = NULL;
	struct pollfd pfd;
	socklen_t len = sizeof(*to);
	char spec[64];
	int i;

	for (i = 0; i < 50 && l == NULL; i++) {
		snprintf(spec, sizeof(spec), "127.0.0.1/0/%d",
			 20000 + (int)((getpid() * 7 + i * 131) % 30000));
		ck_assert_int_eq(parse_capspec(spec, &cs), 0);
		l = listen_open(&cs, 1, rcvbuf);
	}
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(listen_pollfds(l, &pfd, 1), 1);
	ck_assert_int_eq(getsockname(pfd.fd, (struct sockaddr *)to, &len), 0);
	return l;
}

/*
 * Empty: 0.  After 400 datagrams (about 900 KiB of the kernel's memory
 * against a buffer granted as 2 MiB or more): more than 0, less than all,
 * and more after 400 more.  Read empty again: 0.  A socket that does not
 * exist: 0.
 */
START_TEST(test_fill)
{
	struct sockaddr_in to;
	struct listener *l = open_local(1 << 20, &to);
	struct listen_msg *msgs;
	uint8_t d[DGRAM];
	unsigned f1, f2;
	int s, i, n, got = 0;

	ck_assert_uint_eq(listen_fill(l, 0, 256), 0);
	ck_assert_int_ge(s = socket(AF_INET, SOCK_DGRAM, 0), 0);
	memset(d, 0x5a, sizeof(d));
	for (i = 0; i < 400; i++)
		ck_assert_int_eq(sendto(s, d, sizeof(d), 0,
					(struct sockaddr *)&to, sizeof(to)),
				 DGRAM);
	f1 = listen_fill(l, 0, 256);
	ck_assert_uint_gt(f1, 0);
	ck_assert_uint_lt(f1, 256);
	for (i = 0; i < 400; i++)
		ck_assert_int_eq(sendto(s, d, sizeof(d), 0,
					(struct sockaddr *)&to, sizeof(to)),
				 DGRAM);
	f2 = listen_fill(l, 0, 256);
	ck_assert_uint_gt(f2, f1);
	while ((n = listen_recv(l, 0, &msgs)) > 0)
		got += n;
	ck_assert_int_eq(got, 800);
	ck_assert_uint_eq(listen_fill(l, 0, 256), 0);
	ck_assert_uint_eq(listen_fill(l, 1, 256), 0);
	close(s);
	listen_close(l);
}
END_TEST

UNIT_MAIN_TESTS("collector_listen", 0, test_fill)
