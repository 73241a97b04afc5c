/*
 * ctl: the daemon's side of the control socket.
 *
 * A Unix stream socket, mode 0600.  Opening refuses if another daemon
 * answers on the same path, and replaces a stale socket file otherwise.
 * Commands come from the table in ctlproto; each handler acts on the
 * struct ctl_env the main loop shares with it.
 *
 * Every connection is non-blocking and lives inside the daemon's one
 * poll() loop with its own request buffer, reply buffer and deadline, so
 * no client can make the loop (and with it capture) wait.  A client has
 * CTL_TIMEOUT_MS from connecting to send one complete request, and a
 * reply that makes no progress for CTL_TIMEOUT_MS is abandoned; garbage
 * is answered with an error and closed; at most CTL_MAXCONN connections
 * are open at once: a newcomer takes the slot of the oldest connection
 * still waiting for its request, and is closed at once if every slot is
 * busy writing a reply.
 */
#ifndef NFKIT_CTL_H
#define NFKIT_CTL_H

#include <stddef.h>
#include <stdint.h>

struct capture;
struct export;
struct meter;
struct outbuf;
struct pollfd;

#define CTL_MAXCONN 8
#define CTL_TIMEOUT_MS 2000
/* Poll entries ctl_pollfds() may fill: the listener and each connection. */
#define CTL_NPOLL (1 + CTL_MAXCONN)

/* What the loop should do next. */
enum ctl_quit {
	CTL_RUN = 0,
	CTL_SHUTDOWN, /* export every flow, then exit */
	CTL_EXIT,     /* exit now */
};

struct ctl;

/* The state control commands act on, owned by main. */
struct ctl_env {
	struct meter *meter;
	struct export *ex;
	struct capture *cap;
	const struct ctl *ctl; /* set by ctl_dispatch(); may be NULL */
	const char *source;    /* interface or file name */
	int gather;	       /* 0 after stop-gather */
	enum ctl_quit quit;
};

/* Connection counters, shown by statistics. */
struct ctl_counters {
	uint64_t accepted;  /* connections taken into a slot */
	uint64_t evicted;   /* idle, closed to make room */
	uint64_t refused;   /* closed at once: all slots replying */
	uint64_t timedout;  /* closed at their deadline */
	uint64_t malformed; /* closed after a bad or partial request */
};

/* NULL with a message in err. */
struct ctl *ctl_open(const char *path, char *err, size_t errlen);
/* Close every connection, close and unlink the socket; NULL is fine. */
void ctl_close(struct ctl *);
int ctl_fd(const struct ctl *);
/* The deadline for requests and stalled replies, in ms (tests shorten it). */
void ctl_set_timeout(struct ctl *, int ms);
/*
 * Fill pfd (room for CTL_NPOLL entries) with what the listener and each
 * connection wait for; return how many were filled, and lower *wait_ms
 * (if it is -1 or later) to the nearest connection deadline.
 */
int ctl_pollfds(struct ctl *, struct pollfd *pfd, int *wait_ms);
/*
 * Act on what poll() reported for the n entries ctl_pollfds() filled:
 * accept, read, answer, write, and close connections past their deadline.
 * Never blocks.
 */
void ctl_dispatch(struct ctl *, struct ctl_env *, const struct pollfd *pfd,
		  int n);
/* ctl_pollfds(), poll() for at most timeout_ms, ctl_dispatch(). */
void ctl_serve(struct ctl *, struct ctl_env *, int timeout_ms);
/* Open connections right now. */
int ctl_nconn(const struct ctl *);
const struct ctl_counters *ctl_counters(const struct ctl *);
/* The statistics report, as the statistics command and -r show it. */
void ctl_render_stats(const struct ctl_env *, struct outbuf *, int json);

#endif
