/*
 * test_sensor_ctlproto: the control protocol's framing (header round trip,
 * every rejection, payloads split at the maximum), the shared command
 * table, and the daemon side: socket mode 0600, refusal of a second daemon,
 * a stale socket replaced, each command answered, garbage dropped.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <pcap/dlt.h>

#include "../../sensor/ctl.h"
#include "../../sensor/ctlproto.h"
#include "../../common/packet.h"
#include "../../sensor/export.h"
#include "../../sensor/flowtable.h"
#include "../../sensor/meter.h"
#include "sensor_pkt.h"
#include "unit.h"

START_TEST(header_round_trip)
{
	struct ctl_msghdr h = {CTL_VERSION, CTL_T_DATA, CTL_F_JSON, 1234};
	struct ctl_msghdr g;
	uint8_t b[CTL_HDRLEN];

	ctlproto_put_header(b, &h);
	ck_assert_int_eq(b[0], CTL_VERSION);
	ck_assert_int_eq(b[1], CTL_T_DATA);
	ck_assert_int_eq(b[7], 1234 & 0xff);
	ck_assert_int_eq(ctlproto_parse_header(b, sizeof(b), &g), 0);
	ck_assert_int_eq(g.type, CTL_T_DATA);
	ck_assert_int_eq(g.flags, CTL_F_JSON);
	ck_assert_uint_eq(g.len, 1234);
}
END_TEST

START_TEST(header_rejections)
{
	struct ctl_msghdr h = {CTL_VERSION, CTL_T_END, 0, 4}, g;
	uint8_t b[CTL_HDRLEN];

	ctlproto_put_header(b, &h);
	ck_assert_int_eq(ctlproto_parse_header(b, 7, &g), -1);
	b[0] = 2;
	ck_assert_int_eq(ctlproto_parse_header(b, sizeof(b), &g), -1);
	b[0] = CTL_VERSION;
	b[1] = 0;
	ck_assert_int_eq(ctlproto_parse_header(b, sizeof(b), &g), -1);
	b[1] = 4;
	ck_assert_int_eq(ctlproto_parse_header(b, sizeof(b), &g), -1);
	h.len = CTL_MAXPAYLOAD + 1;
	ctlproto_put_header(b, &h);
	ck_assert_int_eq(ctlproto_parse_header(b, sizeof(b), &g), -1);
	h.len = CTL_MAXPAYLOAD;
	ctlproto_put_header(b, &h);
	ck_assert_int_eq(ctlproto_parse_header(b, sizeof(b), &g), 0);
}
END_TEST

START_TEST(command_table)
{
	static const char *names[] = {
	    "statistics",  "shutdown",	 "exit",     "expire-all",
	    "delete-all",  "dump-flows", "timeouts", "start-gather",
	    "stop-gather", "debug+",	 "debug-",   "send-template"};
	const struct ctl_command *c;
	size_t i, n;

	ctlproto_commands(&n);
	ck_assert_uint_eq(n, 12);
	for (i = 0; i < 12; i++) {
		c = ctlproto_command(names[i]);
		ck_assert_ptr_nonnull(c);
		ck_assert_ptr_eq(ctlproto_command_by_id(c->id), c);
	}
	ck_assert_ptr_null(ctlproto_command("reload"));
	ck_assert_ptr_null(ctlproto_command_by_id(0));
	ck_assert_ptr_null(ctlproto_command_by_id(200));
}
END_TEST

START_TEST(data_split_and_end)
{
	static uint8_t buf[CTL_MAXPAYLOAD];
	static char big[150000];
	struct ctl_msghdr h;
	size_t total = 0;
	int sv[2], msgs = 0;
	pid_t pid;

	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		ctlproto_send_data(sv[1], 0, big, sizeof(big));
		ctlproto_send_end(sv[1], 7, "done");
		_exit(0);
	}
	close(sv[1]);
	for (;;) {
		ck_assert_int_eq(ctlproto_recv(sv[0], &h, buf, sizeof(buf)), 0);
		if (h.type == CTL_T_END)
			break;
		ck_assert_int_eq(h.type, CTL_T_DATA);
		total += h.len;
		msgs++;
	}
	ck_assert_uint_eq(total, sizeof(big));
	ck_assert_int_eq(msgs, 3);
	ck_assert_uint_eq(h.len, 8);
	ck_assert_int_eq(buf[3], 7);
	ck_assert_int_eq(memcmp(buf + 4, "done", 4), 0);
	/* EOF after the END. */
	ck_assert_int_eq(ctlproto_recv(sv[0], &h, buf, sizeof(buf)), -1);
	close(sv[0]);
}
END_TEST

START_TEST(recv_rejects_before_reading_payload)
{
	uint8_t buf[16];
	struct ctl_msghdr h;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* A payload larger than the caller's buffer is refused. */
	ck_assert_int_eq(
	    ctlproto_send(sv[1], CTL_T_DATA, 0, "0123456789abcdefg", 17), 0);
	ck_assert_int_eq(ctlproto_recv(sv[0], &h, buf, sizeof(buf)), -2);
	ck_assert_int_eq(
	    ctlproto_send(sv[1], CTL_T_DATA, 0, buf, CTL_MAXPAYLOAD + 1), -1);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* The daemon side, on a socket in a temporary directory. */
static char dir[64], path[128];
static struct meter *m;
static struct export *ex;
static struct ctl_env env;

static void
setup(void)
{
	struct meter_config cfg;
	struct pspec s = pkt_udp(4, 1, 2, 0);
	uint8_t b[256];
	struct timeval tv = {1700000000, 0};
	size_t n;

	snprintf(dir, sizeof(dir), "/tmp/nfkit-ctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ctl", dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = 16;
	expiry_defaults(&cfg.to);
	ex = export_new(5);
	m = meter_new(&cfg, ex);
	meter_set_linktype(m, packet_linktype(DLT_EN10MB));
	n = pkt_build(b, &s);
	meter_packet(m, &tv, b, (uint32_t)n);
	memset(&env, 0, sizeof(env));
	env.meter = m;
	env.ex = ex;
	env.gather = 1;
	env.source = "test";
}

static void
teardown(void)
{
	meter_free(m);
	export_free(ex);
	unlink(path);
	rmdir(dir);
}

static int
client(void)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* Run one command; returns the END status, reply text in out. */
static int
ask(struct ctl *c, const char *name, int json, char *out, size_t cap)
{
	static uint8_t buf[CTL_MAXPAYLOAD];
	const struct ctl_command *cmd = ctlproto_command(name);
	struct ctl_msghdr h;
	uint8_t id = (uint8_t)cmd->id;
	size_t len = 0;
	int fd = client();

	ck_assert_int_eq(
	    ctlproto_send(fd, CTL_T_REQUEST, json ? CTL_F_JSON : 0, &id, 1), 0);
	ctl_serve(c, &env, 0);
	for (;;) {
		ck_assert_int_eq(ctlproto_recv(fd, &h, buf, sizeof(buf)), 0);
		if (h.type == CTL_T_END)
			break;
		if (len + h.len < cap) {
			memcpy(out + len, buf, h.len);
			len += h.len;
		}
	}
	out[len] = '\0';
	close(fd);
	return buf[3];
}

START_TEST(server_socket_rules)
{
	char err[256];
	struct ctl *c, *c2;
	struct stat st;
	int fd;

	c = ctl_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* A second daemon on the same socket refuses to start. */
	c2 = ctl_open(path, err, sizeof(err));
	ck_assert_ptr_null(c2);
	ck_assert_ptr_nonnull(strstr(err, "another nfsensord"));
	/* Drain the probe connection the second open made. */
	fd = accept(ctl_fd(c), NULL, NULL);
	if (fd >= 0)
		close(fd);
	ctl_close(c);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* A stale socket file (no one listening) is replaced. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un sun;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strcpy(sun.sun_path, path);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)),
				 0);
	}
	close(fd);
	c = ctl_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(c);
	ctl_close(c);
	/* Too long a path is a clear error. */
	ck_assert_ptr_null(ctl_open(
	    "/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    err, sizeof(err)));
}
END_TEST

/*
 * Finding 3 of issue 11: -c names a path that is not a socket (a regular
 * file, a symlink even to a stale socket): ctl_open() refuses and leaves it
 * alone.  And ctl_close() removes only the socket it made, not a file that
 * took its place.
 */
START_TEST(server_socket_refuses_non_sockets)
{
	char err[256], other[160];
	struct sockaddr_un sun;
	struct stat st;
	struct ctl *c;
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("precious\n", f);
	fclose(f);
	ck_assert_ptr_null(ctl_open(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a socket"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_size == 9);
	ck_assert_int_eq(unlink(path), 0);

	/* A symlink to a stale socket elsewhere: neither is touched. */
	snprintf(other, sizeof(other), "%s/other", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, other);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	ck_assert_int_eq(symlink(other, path), 0);
	ck_assert_ptr_null(ctl_open(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a socket"));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(lstat(other, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(unlink(other), 0);

	/* What replaced our socket while we ran is not ours to remove. */
	ck_assert_ptr_nonnull(c = ctl_open(path, err, sizeof(err)));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fclose(f);
	ctl_close(c);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
}
END_TEST

START_TEST(server_commands)
{
	static char out[65536];
	char err[256];
	struct ctl *c = ctl_open(path, err, sizeof(err));

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(ask(c, "statistics", 0, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "Number of active flows: 1"));
	ck_assert_ptr_nonnull(strstr(out, "Packets processed: 1"));
	ck_assert_int_eq(ask(c, "statistics", 1, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"active_flows\": 1"));
	ck_assert_int_eq(ask(c, "dump-flows", 0, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "10.0.0.1"));
	ck_assert_int_eq(ask(c, "dump-flows", 1, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"src\": \"10.0.0.1\""));
	ck_assert_int_eq(ask(c, "timeouts", 0, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "tcp.rst"));
	ck_assert_int_eq(ask(c, "timeouts", 1, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"maxlife\": 604800"));
	ck_assert_int_eq(ask(c, "stop-gather", 0, out, sizeof(out)), 0);
	ck_assert_int_eq(env.gather, 0);
	ck_assert_int_eq(ask(c, "start-gather", 1, out, sizeof(out)), 0);
	ck_assert_int_eq(env.gather, 1);
	ck_assert_ptr_nonnull(strstr(out, "\"ok\": true"));
	ck_assert_int_eq(ask(c, "debug+", 0, out, sizeof(out)), 0);
	ck_assert_int_eq(ask(c, "debug-", 0, out, sizeof(out)), 0);
	ck_assert_int_eq(ask(c, "expire-all", 0, out, sizeof(out)), 0);
	ck_assert_uint_eq(flowtable_count(meter_flowtable(m)), 0);
	ck_assert_uint_eq(meter_stats(m)->expired[EXR_ALL], 1);
	ck_assert_int_eq(ask(c, "delete-all", 0, out, sizeof(out)), 0);
	ck_assert_int_eq(ask(c, "shutdown", 0, out, sizeof(out)), 0);
	ck_assert_int_eq(env.quit, CTL_SHUTDOWN);
	ck_assert_int_eq(ask(c, "exit", 0, out, sizeof(out)), 0);
	ck_assert_int_eq(env.quit, CTL_EXIT);
	ctl_close(c);
}
END_TEST

START_TEST(server_drops_garbage)
{
	static uint8_t buf[CTL_MAXPAYLOAD];
	char err[256];
	struct ctl *c = ctl_open(path, err, sizeof(err));
	struct ctl_msghdr h;
	uint8_t id = 99;
	int fd;

	/* Not our protocol at all. */
	fd = client();
	ck_assert_int_eq(write(fd, "GET / HTTP/1.0\r\n\r\n", 18), 18);
	ctl_serve(c, &env, 0);
	ck_assert_int_eq(ctlproto_recv(fd, &h, buf, sizeof(buf)), 0);
	ck_assert_int_eq(h.type, CTL_T_END);
	ck_assert_int_ne(buf[3], 0);
	close(fd);
	/* An unknown command id. */
	fd = client();
	ctlproto_send(fd, CTL_T_REQUEST, 0, &id, 1);
	ctl_serve(c, &env, 0);
	ck_assert_int_eq(ctlproto_recv(fd, &h, buf, sizeof(buf)), 0);
	ck_assert_int_eq(h.type, CTL_T_END);
	ck_assert_int_ne(buf[3], 0);
	close(fd);
	/* A client that connects and hangs up. */
	fd = client();
	close(fd);
	ctl_serve(c, &env, 0);
	ck_assert_int_eq(env.quit, CTL_RUN);
	ck_assert_uint_eq(flowtable_count(meter_flowtable(m)), 1);
	ctl_close(c);
}
END_TEST

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 if the daemon closed fd (EOF or reset after an error reply). */
static int
closed_by_peer(int fd)
{
	char b[4096];
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (n == -1 && errno != EAGAIN);
}

/*
 * Idle and dripping clients: ten connections that never send, one that
 * sends half a header.  None of them makes ctl_serve() wait, nfctl's
 * request is still answered at once (the oldest idle ones give up their
 * slots), and each is closed when its deadline passes.
 */
START_TEST(server_idle_clients_do_not_block)
{
	static char out[65536];
	char err[256];
	struct ctl *c = ctl_open(path, err, sizeof(err));
	const struct ctl_counters *n;
	int idle[10], drip, i, closed;
	int64_t t0;

	ck_assert_ptr_nonnull(c);
	ctl_set_timeout(c, 300);
	for (i = 0; i < 10; i++)
		idle[i] = client();
	drip = client();
	ck_assert_int_eq(write(drip, "\x01\x01\x00", 3), 3);
	t0 = now_ms();
	ctl_serve(c, &env, 0);
	ck_assert_int_le(now_ms() - t0, 100);
	ck_assert_int_eq(ctl_nconn(c), CTL_MAXCONN);
	n = ctl_counters(c);
	ck_assert_uint_eq(n->accepted, 11);
	ck_assert_uint_eq(n->evicted, 3);
	/* The first three connected were evicted: closed. */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(closed_by_peer(idle[i]), 1);
	/* nfctl's request gets a slot and its answer in one round. */
	t0 = now_ms();
	ck_assert_int_eq(ask(c, "statistics", 0, out, sizeof(out)), 0);
	ck_assert_int_le(now_ms() - t0, 100);
	ck_assert_ptr_nonnull(strstr(out, "Packets processed: 1"));
	ck_assert_ptr_nonnull(strstr(out, "Control connections: 12 accepted, "
					  "4 evicted"));
	/* One more drip byte, then the deadline: all closed. */
	ck_assert_int_eq(write(drip, "\x00", 1), 1);
	ctl_serve(c, &env, 0);
	while (ctl_nconn(c) > 0 && now_ms() - t0 < 3000)
		ctl_serve(c, &env, 50);
	ck_assert_int_eq(ctl_nconn(c), 0);
	ck_assert_uint_eq(n->timedout, 7);
	/* idle[3] made room for nfctl; the others timed out. */
	for (closed = 0, i = 3; i < 10; i++)
		closed += closed_by_peer(idle[i]);
	ck_assert_int_eq(closed + closed_by_peer(drip), 8);
	for (i = 0; i < 10; i++)
		close(idle[i]);
	close(drip);
	ck_assert_int_eq(env.quit, CTL_RUN);
	ctl_close(c);
}
END_TEST

/*
 * A reply far larger than the socket buffer, to a client that does not
 * read: ctl_serve() returns at once with the rest queued, and the reply
 * arrives whole, in order, as the client reads and the loop turns.
 */
START_TEST(server_large_reply_does_not_block)
{
	static uint8_t buf[CTL_MAXPAYLOAD + CTL_HDRLEN];
	struct meter_config cfg;
	struct meter *big;
	struct export *bex;
	struct ctl_env benv;
	struct pspec s = {
	    .af = 4, .proto = 17, .src = 1, .dst = 2, .dport = 53};
	struct timeval tv = {1700000000, 0};
	char err[256];
	struct ctl *c = ctl_open(path, err, sizeof(err));
	struct ctl_msghdr h;
	uint8_t b[256], id = CTL_CMD_DUMP_FLOWS;
	size_t have = 0, text = 0;
	ssize_t r;
	int64_t t0;
	int fd, i, done = 0;

	ck_assert_ptr_nonnull(c);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = 30000;
	expiry_defaults(&cfg.to);
	bex = export_new(5);
	big = meter_new(&cfg, bex);
	meter_set_linktype(big, packet_linktype(DLT_EN10MB));
	for (i = 0; i < 30000; i++) {
		s.sport = (uint16_t)(1024 + i);
		meter_packet(big, &tv, b, (uint32_t)pkt_build(b, &s));
	}
	memset(&benv, 0, sizeof(benv));
	benv.meter = big;
	benv.ex = bex;
	benv.gather = 1;
	fd = client();
	ck_assert_int_eq(ctlproto_send(fd, CTL_T_REQUEST, 0, &id, 1), 0);
	t0 = now_ms();
	ctl_serve(c, &benv, 0);
	ck_assert_int_le(now_ms() - t0, 1000);
	ck_assert_int_eq(ctl_nconn(c), 1); /* still writing */
	while (!done && now_ms() - t0 < 10000) {
		r = recv(fd, buf + have, sizeof(buf) - have, MSG_DONTWAIT);
		if (r > 0)
			have += (size_t)r;
		else
			ctl_serve(c, &benv, 10);
		/* Consume whole messages from the front of buf. */
		while (have >= CTL_HDRLEN) {
			ck_assert_int_eq(ctlproto_parse_header(buf, have, &h),
					 0);
			if (have < CTL_HDRLEN + h.len)
				break;
			if (h.type == CTL_T_END) {
				ck_assert_int_eq(buf[CTL_HDRLEN + 3], 0);
				done = 1;
			} else
				text += h.len;
			memmove(buf, buf + CTL_HDRLEN + h.len,
				have - CTL_HDRLEN - h.len);
			have -= CTL_HDRLEN + h.len;
		}
	}
	ck_assert_int_eq(done, 1);
	ck_assert_uint_gt(text, 1000000);
	ck_assert_int_eq(closed_by_peer(fd), 1);
	close(fd);
	ctl_close(c);
	meter_free(big);
	export_free(bex);
}
END_TEST

static Suite *
ctlproto_suite(void)
{
	Suite *s = suite_create("ctlproto");
	TCase *server;

	unit_case(s, "framing", 0,
		  UNIT_TESTS(header_round_trip, header_rejections,
			     command_table, data_split_and_end,
			     recv_rejects_before_reading_payload));
	server = unit_case(s, "server", 30,
			   UNIT_TESTS(server_socket_rules,
				      server_socket_refuses_non_sockets,
				      server_commands, server_drops_garbage,
				      server_idle_clients_do_not_block,
				      server_large_reply_does_not_block));
	tcase_add_checked_fixture(server, setup, teardown);
	return s;
}

UNIT_MAIN(ctlproto_suite)
