/*
 * ctl: control socket server and the command handlers.
 *
 * A handler writes its reply into an outbuf, as text or as JSON when the
 * request carries CTL_F_JSON, and returns a status; the reply is framed
 * as DATA messages and one END into the connection's reply buffer, which
 * is written as far as the socket takes it and finished on POLLOUT.
 * Commands that end the daemon only set env->quit: the main loop does the
 * work after the dispatch round, by which time a reply that small has
 * been written.
 *
 * A request is exactly CTL_HDRLEN + 1 bytes, so a connection reads into
 * a buffer of that size and never more: a peer cannot make the daemon
 * read or keep more than that, whatever it sends.
 */
#include <sys/socket.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "ctl.h"
#include "ctlproto.h"
#include "daemon.h"
#include "export.h"
#include "flowtable.h"
#include "log.h"
#include "meter.h"
#include "outbuf.h"
#include "parse.h"
#include "stats.h"

/* Tests only: ms to sleep between bind() and listen() (sensor_ctl_race.sh). */
#define CTL_TESTENV_LISTEN_DELAY "NFSENSORD_TEST_LISTEN_DELAY_MS"

/* One client connection: reading its request, then writing its reply. */
struct conn {
	int fd;		  /* -1: the slot is free */
	int64_t deadline; /* monotonic ms */
	uint64_t seq;	  /* order of acceptance */
	uint8_t req[CTL_HDRLEN + 1];
	size_t reqlen;	/* bytes of req read so far */
	uint8_t *reply; /* framed reply; NULL while reading */
	size_t replen;	/* bytes in reply */
	size_t repoff;	/* bytes of reply written */
};

struct ctl {
	int fd;
	int lockfd;	/* flock on path.lock for the life of the socket */
	char *lockpath; /* path.lock */
	char *path;
	dev_t dev; /* the socket file we made, so that */
	ino_t ino; /* ctl_close() removes only that */
	int timeout_ms;
	int64_t refused_logged; /* monotonic ms */
	struct ctl_counters n;
	struct conn conn[CTL_MAXCONN];
};

typedef int (*ctl_handler)(struct ctl_env *, struct outbuf *, int json);

void
ctl_render_stats(const struct ctl_env *env, struct outbuf *o, int json)
{
	struct stats_view v;
	struct flowtable *ft = meter_flowtable(env->meter);

	memset(&v, 0, sizeof(v));
	v.st = meter_stats(env->meter);
	v.ex = env->ex;
	v.active_flows = flowtable_count(ft);
	v.max_flows = meter_max_flows(env->meter);
	v.max_oneway = flowtable_max(ft);
	v.memory = flowtable_memory(ft);
	v.have_pcap = env->cap != NULL &&
		      capture_stats(env->cap, &v.pcap_recv, &v.pcap_drop,
				    &v.pcap_ifdrop) == 0;
	v.boot_ms = meter_boot(env->meter);
	v.now_ms = meter_clock(env->meter);
	v.source = env->source;
	if (env->ctl != NULL) {
		const struct ctl_counters *n = ctl_counters(env->ctl);

		v.have_ctl = 1;
		v.ctl_accepted = n->accepted;
		v.ctl_refused = n->refused;
		v.ctl_evicted = n->evicted;
		v.ctl_timedout = n->timedout;
		v.ctl_malformed = n->malformed;
	}
	stats_render(o, &v, json);
}

/* A one-line answer, as text or {"ok": ..., "message": ...}. */
static void
reply_line(struct outbuf *o, int json, int ok, const char *msg)
{
	if (json) {
		outbuf_printf(
		    o, "{\"ok\": %s, \"message\": ", ok ? "true" : "false");
		outbuf_json_string(o, msg);
		outbuf_printf(o, "}\n");
	} else
		outbuf_printf(o, "%s\n", msg);
}

static int
h_statistics(struct ctl_env *env, struct outbuf *o, int json)
{
	ctl_render_stats(env, o, json);
	return 0;
}

static int
h_shutdown(struct ctl_env *env, struct outbuf *o, int json)
{
	char msg[128];

	env->quit = CTL_SHUTDOWN;
	snprintf(msg, sizeof(msg), "shutting down: exporting %u flows",
		 flowtable_count(meter_flowtable(env->meter)));
	reply_line(o, json, 1, msg);
	return 0;
}

static int
h_exit(struct ctl_env *env, struct outbuf *o, int json)
{
	env->quit = CTL_EXIT;
	reply_line(o, json, 1, "exiting now, no flows exported");
	return 0;
}

/* Applies fn to every flow and says how many there were and what befell them.
 */
static int
all_flows(struct ctl_env *env, struct outbuf *o, int json,
	  void (*fn)(struct meter *), const char *what)
{
	char msg[128];
	uint32_t n = flowtable_count(meter_flowtable(env->meter));

	fn(env->meter);
	snprintf(msg, sizeof(msg), "%u flows %s", n, what);
	reply_line(o, json, 1, msg);
	return 0;
}

static int
h_expire_all(struct ctl_env *env, struct outbuf *o, int json)
{
	return all_flows(env, o, json, meter_expire_all,
			 "expired and exported");
}

static int
h_delete_all(struct ctl_env *env, struct outbuf *o, int json)
{
	return all_flows(env, o, json, meter_delete_all,
			 "deleted, none exported");
}

static int
h_dump_flows(struct ctl_env *env, struct outbuf *o, int json)
{
	meter_dump_flows(env->meter, o, json);
	return 0;
}

static int
h_timeouts(struct ctl_env *env, struct outbuf *o, int json)
{
	const struct timeouts *t = meter_timeouts(env->meter);
	int i;

	if (json)
		outbuf_printf(o, "{");
	for (i = 0; i < EXT_N; i++) {
		if (json)
			outbuf_printf(
			    o, "%s\"%s\": %u", i ? ", " : "",
			    expiry_timeout_name((enum expiry_timeout)i),
			    t->secs[i]);
		else
			outbuf_printf(
			    o, "%-8s %10u s\n",
			    expiry_timeout_name((enum expiry_timeout)i),
			    t->secs[i]);
	}
	if (json)
		outbuf_printf(o, "}\n");
	return 0;
}

static int
h_start_gather(struct ctl_env *env, struct outbuf *o, int json)
{
	env->gather = 1;
	reply_line(o, json, 1, "packet capture resumed");
	return 0;
}

static int
h_stop_gather(struct ctl_env *env, struct outbuf *o, int json)
{
	env->gather = 0;
	reply_line(o, json, 1,
		   "packet capture paused: packets are read "
		   "and discarded");
	return 0;
}

static int
h_debug(struct outbuf *o, int json, int delta)
{
	char msg[64];
	int level = log_getdebug() + delta;

	if (level < 0)
		level = 0;
	log_setdebug(level);
	snprintf(msg, sizeof(msg), "debug level %d", level);
	reply_line(o, json, 1, msg);
	return 0;
}

static int
h_debug_more(struct ctl_env *env, struct outbuf *o, int json)
{
	(void)env;
	return h_debug(o, json, 1);
}

static int
h_debug_less(struct ctl_env *env, struct outbuf *o, int json)
{
	(void)env;
	return h_debug(o, json, -1);
}

/*
 * Templates now, with whatever flows are queued: a collector started
 * after the sensor can decode at once instead of waiting for the refresh.
 */
static int
h_send_template(struct ctl_env *env, struct outbuf *o, int json)
{
	int64_t boot = meter_boot(env->meter);

	if (env->ex == NULL || boot < 0 ||
	    export_send_templates(env->ex, meter_clock(env->meter), boot) ==
		-1) {
		reply_line(
		    o, json, 0,
		    env->ex != NULL && boot < 0
			? "no packet seen yet: templates go out with the first "
			  "export"
			: "this export version has no templates");
		return 1;
	}
	reply_line(o, json, 1, "templates sent");
	return 0;
}

static const ctl_handler handlers[CTL_CMD_MAX] = {
    [CTL_CMD_STATISTICS] = h_statistics,
    [CTL_CMD_SHUTDOWN] = h_shutdown,
    [CTL_CMD_EXIT] = h_exit,
    [CTL_CMD_EXPIRE_ALL] = h_expire_all,
    [CTL_CMD_DELETE_ALL] = h_delete_all,
    [CTL_CMD_DUMP_FLOWS] = h_dump_flows,
    [CTL_CMD_TIMEOUTS] = h_timeouts,
    [CTL_CMD_START_GATHER] = h_start_gather,
    [CTL_CMD_STOP_GATHER] = h_stop_gather,
    [CTL_CMD_DEBUG_MORE] = h_debug_more,
    [CTL_CMD_DEBUG_LESS] = h_debug_less,
    [CTL_CMD_SEND_TEMPLATE] = h_send_template,
};

static int
sun_path(struct sockaddr_un *sun, const char *path, char *err, size_t errlen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "-c %s: path longer than %zu bytes", path,
			 sizeof(sun->sun_path) - 1);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/*
 * Every command of the protocol table has a handler here; a command added
 * to ctlproto.c alone is a programming error, caught at start-up rather
 * than when a client first sends it.
 */
static int
check_handlers(char *err, size_t errlen)
{
	const struct ctl_command *cmds;
	size_t i, n;

	cmds = ctlproto_commands(&n);
	for (i = 0; i < n; i++)
		if ((unsigned)cmds[i].id >= CTL_CMD_MAX ||
		    handlers[cmds[i].id] == NULL) {
			snprintf(err, errlen,
				 "control command %s has no "
				 "handler",
				 cmds[i].name);
			return -1;
		}
	return 0;
}

/*
 * Clear the way for our socket at path.  Only a socket is ever removed: a
 * live one means another daemon, a dead one is a leftover of ours.  Any
 * other file (a symlink among them: lstat does not follow it) may belong to
 * someone else, and a daemon started as root must not delete it for them.
 */
static int
clear_stale(const char *path, const struct sockaddr_un *sun, char *err,
	    size_t errlen)
{
	struct stat st;
	int probe, live;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "-c %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen,
			 "-c %s exists and is not a socket; "
			 "refusing to remove it",
			 path);
		return -1;
	}
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	live = connect(probe, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(probe);
	if (live) {
		snprintf(err, errlen,
			 "control socket %s is in use: another "
			 "nfsensord is running",
			 path);
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static void
test_delay(void)
{
	const char *e = getenv(CTL_TESTENV_LISTEN_DELAY);
	uint64_t ms;

	if (e != NULL && parse_u64(e, 1, 10000, &ms) == 0)
		usleep((useconds_t)(ms * 1000));
}

/*
 * Take path.lock before touching the socket: the kernel's lock, held until
 * the process ends, is what says "another daemon runs".  A probe by
 * connect() alone could not: between bind() and listen() a starting
 * daemon's socket refuses connections like a dead one, and a second
 * daemon starting then removed it as stale, and both ran.
 */
static int
take_lock(struct ctl *c, const char *path, char *err, size_t errlen)
{
	size_t n = strlen(path) + sizeof(".lock");

	if ((c->lockpath = malloc(n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(c->lockpath, n, "%s.lock", path);
	if ((c->lockfd = daemon_lock(c->lockpath, 0600)) != -1)
		return 0;
	if (errno == EEXIST)
		snprintf(err, errlen,
			 "control socket %s is in use: another "
			 "nfsensord is running (it holds %s)",
			 path, c->lockpath);
	else
		snprintf(err, errlen, "-c %s: lock file %s: %s", path,
			 c->lockpath, strerror(errno));
	return -1;
}

/* Undo a ctl_open() that failed after take_lock(). */
static struct ctl *
open_fail(struct ctl *c, int fd, int unlink_path)
{
	if (fd != -1)
		close(fd);
	if (unlink_path)
		unlink(c->path);
	daemon_unlock(c->lockfd, c->lockpath);
	free(c->lockpath);
	free(c->path);
	free(c);
	return NULL;
}

struct ctl *
ctl_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	struct ctl *c;
	mode_t old;
	int fd, i;

	if (check_handlers(err, errlen) == -1 ||
	    sun_path(&sun, path, err, errlen) == -1)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->lockfd = -1;
	if (take_lock(c, path, err, errlen) == -1 ||
	    clear_stale(path, &sun, err, errlen) == -1)
		return open_fail(c, -1, 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return open_fail(c, -1, 0);
	}
	/*
	 * bind() creates the file with the umask applied, so the mode is
	 * 0600 from the start; a chmod() afterwards would follow a symlink
	 * that someone put there in between.
	 */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		return open_fail(c, fd, 0);
	}
	umask(old);
	test_delay();
	if (lstat(path, &st) == -1 || listen(fd, 16) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return open_fail(c, fd, 1);
	}
	c->fd = fd;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->timeout_ms = CTL_TIMEOUT_MS;
	c->refused_logged = -1;
	for (i = 0; i < CTL_MAXCONN; i++)
		c->conn[i].fd = -1;
	return c;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
conn_close(struct conn *k)
{
	close(k->fd);
	free(k->reply);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

/* Write what the socket takes now; close when done or on error. */
static void
conn_write(struct ctl *c, struct conn *k)
{
	ssize_t n;

	while (k->repoff < k->replen) {
		n = send(k->fd, k->reply + k->repoff, k->replen - k->repoff,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1) {
			log_debug("control: reply abandoned: %s",
				  strerror(errno));
			conn_close(k);
			return;
		}
		k->repoff += (size_t)n;
		/* A reader that keeps taking bytes keeps its connection. */
		k->deadline = mono_ms() + c->timeout_ms;
	}
	conn_close(k);
}

/* Frame a reply into the connection and start writing it. */
static void
conn_reply(struct ctl *c, struct conn *k, uint16_t flags, const char *text,
	   size_t len, uint32_t status, const char *msg)
{
	k->reply =
	    ctlproto_frame_reply(flags, text, len, status, msg, &k->replen);
	if (k->reply == NULL) {
		log_warnx("control: out of memory for a %zu-byte reply", len);
		conn_close(k);
		return;
	}
	k->repoff = 0;
	k->deadline = mono_ms() + c->timeout_ms;
	conn_write(c, k);
}

/* A complete request is in k->req: run its command. */
static void
conn_command(struct ctl *c, struct conn *k, struct ctl_env *env,
	     const struct ctl_msghdr *h)
{
	const struct ctl_command *cmd;
	struct outbuf o;
	int json, rc;

	if ((cmd = ctlproto_command_by_id(k->req[CTL_HDRLEN])) == NULL ||
	    handlers[cmd->id] == NULL) {
		c->n.malformed++;
		conn_reply(c, k, 0, NULL, 0, 1, "unknown command");
		return;
	}
	json = (h->flags & CTL_F_JSON) != 0;
	log_debug("control: %s%s", cmd->name, json ? " (json)" : "");
	outbuf_init(&o);
	rc = handlers[cmd->id](env, &o, json);
	if (o.failed)
		conn_reply(c, k, 0, NULL, 0, 1, "out of memory");
	else
		conn_reply(c, k, json ? CTL_F_JSON : 0, o.p, o.len,
			   (uint32_t)rc, NULL);
	outbuf_free(&o);
}

/*
 * Read what has arrived of the request, never past its fixed size; judge
 * the header as soon as it is complete, so garbage is answered at once.
 */
static void
conn_read(struct ctl *c, struct conn *k, struct ctl_env *env)
{
	struct ctl_msghdr h;
	ssize_t n;

	for (;;) {
		n = read(k->fd, k->req + k->reqlen, sizeof(k->req) - k->reqlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* A hang-up before a whole request. */
			if (k->reqlen > 0)
				c->n.malformed++;
			conn_close(k);
			return;
		}
		k->reqlen += (size_t)n;
		if (k->reqlen < CTL_HDRLEN)
			continue;
		if (ctlproto_parse_header(k->req, CTL_HDRLEN, &h) == -1 ||
		    h.type != CTL_T_REQUEST || h.len != 1) {
			log_debug("control: malformed request dropped");
			c->n.malformed++;
			conn_reply(c, k, 0, NULL, 0, 1, "malformed request");
			return;
		}
		if (k->reqlen == sizeof(k->req)) {
			conn_command(c, k, env, &h);
			return;
		}
	}
}

/*
 * A free slot for a new connection.  When all are taken, the oldest
 * connection still waiting for its request gives up its slot: a client
 * like nfctl sends its request at once and is answered in the round that
 * accepts it, so only idle or dripping peers are ever evicted, and they
 * cannot lock nfctl out.  NULL if every slot is busy writing a reply.
 */
static struct conn *
free_slot(struct ctl *c)
{
	struct conn *k, *old = NULL;
	int i;

	for (i = 0; i < CTL_MAXCONN; i++) {
		k = &c->conn[i];
		if (k->fd == -1)
			return k;
		if (k->reply == NULL && (old == NULL || k->seq < old->seq))
			old = k;
	}
	if (old != NULL) {
		c->n.evicted++;
		conn_close(old);
	}
	return old;
}

/* Take every pending connection into a slot, or refuse it. */
static void
accept_all(struct ctl *c, struct ctl_env *env)
{
	struct conn *k;
	int64_t now;
	int fd;

	while ((fd = accept4(c->fd, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK)) != -1) {
		now = mono_ms();
		if ((k = free_slot(c)) == NULL)
			c->n.refused++;
		/* Logged at most once a minute: a flood stays quiet. */
		if (k == NULL || c->n.evicted > 0) {
			if (c->refused_logged < 0 ||
			    now - c->refused_logged >= 60000) {
				log_warnx(
				    "control: more than %d connections: "
				    "%llu idle ones evicted, %llu refused so "
				    "far",
				    CTL_MAXCONN,
				    (unsigned long long)c->n.evicted,
				    (unsigned long long)c->n.refused);
				c->refused_logged = now;
			}
		}
		if (k == NULL) {
			close(fd);
			continue;
		}
		k->fd = fd;
		k->deadline = now + c->timeout_ms;
		k->seq = ++c->n.accepted;
		/* The request is often there already: answer it now. */
		conn_read(c, k, env);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED)
		log_warn("control socket accept");
}

void
ctl_close(struct ctl *c)
{
	struct stat st;
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < CTL_MAXCONN; i++)
		if (c->conn[i].fd != -1)
			conn_close(&c->conn[i]);
	close(c->fd);
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev &&
	    st.st_ino == c->ino)
		unlink(c->path);
	/* The lock last: until the socket is gone, no newcomer starts. */
	daemon_unlock(c->lockfd, c->lockpath);
	free(c->lockpath);
	free(c->path);
	free(c);
}

int
ctl_fd(const struct ctl *c)
{
	return c->fd;
}

void
ctl_set_timeout(struct ctl *c, int ms)
{
	c->timeout_ms = ms;
}

int
ctl_pollfds(struct ctl *c, struct pollfd *pfd, int *wait_ms)
{
	int64_t now = mono_ms(), left;
	struct conn *k;
	int i, n = 0;

	pfd[n].fd = c->fd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	for (i = 0; i < CTL_MAXCONN; i++) {
		k = &c->conn[i];
		if (k->fd == -1)
			continue;
		pfd[n].fd = k->fd;
		pfd[n].events = k->reply != NULL ? POLLOUT : POLLIN;
		pfd[n++].revents = 0;
		left = k->deadline > now ? k->deadline - now : 0;
		if (*wait_ms < 0 || left < *wait_ms)
			*wait_ms = (int)left;
	}
	return n;
}

void
ctl_dispatch(struct ctl *c, struct ctl_env *env, const struct pollfd *pfd,
	     int n)
{
	struct conn *k;
	int64_t now;
	int i, j;

	env->ctl = c;
	for (j = 0; j < n; j++) {
		if (pfd[j].fd == c->fd || pfd[j].revents == 0)
			continue;
		for (i = 0; i < CTL_MAXCONN && c->conn[i].fd != pfd[j].fd; i++)
			;
		if (i == CTL_MAXCONN)
			continue;
		k = &c->conn[i];
		if (k->reply == NULL)
			conn_read(c, k, env);
		else
			conn_write(c, k);
	}
	/* Deadlines are total for a request, per stall for a reply. */
	now = mono_ms();
	for (i = 0; i < CTL_MAXCONN; i++) {
		k = &c->conn[i];
		if (k->fd != -1 && now >= k->deadline) {
			log_debug("control: %s timed out, closed",
				  k->reply == NULL ? "request" : "reply");
			c->n.timedout++;
			conn_close(k);
		}
	}
	/* The listener last, so a slot freed above can be reused. */
	if (n > 0 && pfd[0].fd == c->fd && (pfd[0].revents & POLLIN))
		accept_all(c, env);
}

void
ctl_serve(struct ctl *c, struct ctl_env *env, int timeout_ms)
{
	struct pollfd pfd[CTL_NPOLL];
	int n, wait = timeout_ms;

	n = ctl_pollfds(c, pfd, &wait);
	if (timeout_ms >= 0 && (wait < 0 || wait > timeout_ms))
		wait = timeout_ms;
	if (poll(pfd, (nfds_t)n, wait) == -1)
		return;
	ctl_dispatch(c, env, pfd, n);
}

int
ctl_nconn(const struct ctl *c)
{
	int i, n = 0;

	for (i = 0; i < CTL_MAXCONN; i++)
		n += c->conn[i].fd != -1;
	return n;
}

const struct ctl_counters *
ctl_counters(const struct ctl *c)
{
	return &c->n;
}
