/*
 * ctl: control socket server and the command handlers.
 *
 * A handler writes its reply into an outbuf, as text or as JSON when the
 * request carries CTL_F_JSON, and returns a status; ctl_serve() frames the
 * reply as DATA messages and one END.  Commands that end the daemon only
 * set env->quit: the main loop does the work after the reply is sent.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "ctl.h"
#include "ctlproto.h"
#include "export.h"
#include "flowtable.h"
#include "log.h"
#include "meter.h"
#include "outbuf.h"
#include "stats.h"

#define CLIENT_TIMEOUT_MS	2000

struct ctl {
	int	 fd;
	char	*path;
};

typedef int	(*ctl_handler)(struct ctl_env *, struct outbuf *, int json);

void
ctl_render_stats(const struct ctl_env *env, struct outbuf *o, int json)
{
	struct stats_view v;
	struct flowtable *ft = meter_flowtable(env->meter);

	memset(&v, 0, sizeof(v));
	v.st = meter_stats(env->meter);
	v.ex = env->ex;
	v.active_flows = flowtable_count(ft);
	v.max_flows = flowtable_max(ft);
	v.memory = flowtable_memory(ft);
	v.have_pcap = env->cap != NULL && capture_stats(env->cap, &v.pcap_recv,
	    &v.pcap_drop, &v.pcap_ifdrop) == 0;
	v.boot_ms = meter_boot(env->meter);
	v.now_ms = meter_clock(env->meter);
	v.source = env->source;
	stats_render(o, &v, json);
}

/* A one-line answer, as text or {"ok": ..., "message": ...}. */
static void
reply_line(struct outbuf *o, int json, int ok, const char *msg)
{
	if (json) {
		outbuf_printf(o, "{\"ok\": %s, \"message\": ",
		    ok ? "true" : "false");
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

static int
h_expire_all(struct ctl_env *env, struct outbuf *o, int json)
{
	char msg[128];
	uint32_t n = flowtable_count(meter_flowtable(env->meter));

	meter_expire_all(env->meter);
	snprintf(msg, sizeof(msg), "%u flows expired and exported", n);
	reply_line(o, json, 1, msg);
	return 0;
}

static int
h_delete_all(struct ctl_env *env, struct outbuf *o, int json)
{
	char msg[128];
	uint32_t n = flowtable_count(meter_flowtable(env->meter));

	meter_delete_all(env->meter);
	snprintf(msg, sizeof(msg), "%u flows deleted, none exported", n);
	reply_line(o, json, 1, msg);
	return 0;
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
			outbuf_printf(o, "%s\"%s\": %u", i ? ", " : "",
			    expiry_timeout_name((enum expiry_timeout)i),
			    t->secs[i]);
		else
			outbuf_printf(o, "%-8s %10u s\n",
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
	reply_line(o, json, 1, "packet capture paused: packets are read "
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

struct ctl *
ctl_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct ctl *c;
	mode_t old;
	int fd, probe;

	if (sun_path(&sun, path, err, errlen) == -1)
		return NULL;
	/* Someone answering on the path is a live daemon: refuse. */
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(probe);
		snprintf(err, errlen, "control socket %s is in use: another "
		    "nfsensord is running", path);
		return NULL;
	}
	close(probe);
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	umask(old);
	if (chmod(path, 0600) == -1 || listen(fd, 8) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		free(c);
		close(fd);
		unlink(path);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = fd;
	return c;
}

void
ctl_close(struct ctl *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	unlink(c->path);
	free(c->path);
	free(c);
}

int
ctl_fd(const struct ctl *c)
{
	return c->fd;
}

void
ctl_serve(struct ctl *c, struct ctl_env *env)
{
	struct timeval tv = { CLIENT_TIMEOUT_MS / 1000,
		(CLIENT_TIMEOUT_MS % 1000) * 1000 };
	static uint8_t payload[CTL_MAXPAYLOAD];
	const struct ctl_command *cmd;
	struct ctl_msghdr h;
	struct outbuf o;
	int fd, json, rc;

	if ((fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control socket accept");
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	rc = ctlproto_recv(fd, &h, payload, sizeof(payload));
	if (rc != 0 || h.type != CTL_T_REQUEST || h.len != 1) {
		log_debug("control: malformed request dropped");
		if (rc != -1)
			ctlproto_send_end(fd, 1, "malformed request");
		close(fd);
		return;
	}
	if ((cmd = ctlproto_command_by_id(payload[0])) == NULL ||
	    handlers[cmd->id] == NULL) {
		ctlproto_send_end(fd, 1, "unknown command");
		close(fd);
		return;
	}
	json = (h.flags & CTL_F_JSON) != 0;
	log_debug("control: %s%s", cmd->name, json ? " (json)" : "");
	outbuf_init(&o);
	rc = handlers[cmd->id](env, &o, json);
	if (o.failed)
		ctlproto_send_end(fd, 1, "out of memory");
	else if (ctlproto_send_data(fd, json ? CTL_F_JSON : 0, o.p, o.len) ==
	    0)
		ctlproto_send_end(fd, (uint32_t)rc, NULL);
	outbuf_free(&o);
	close(fd);
}
