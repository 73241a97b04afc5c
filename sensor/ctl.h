/*
 * ctl: the daemon's side of the control socket.
 *
 * A Unix stream socket, mode 0600.  Opening refuses if another daemon
 * answers on the same path, and replaces a stale socket file otherwise.
 * Commands come from the table in ctlproto; each handler acts on the
 * struct ctl_env the main loop shares with it.  One client is served at a
 * time with short socket timeouts, so a stuck client cannot stall capture
 * for long.
 */
#ifndef NFKIT_CTL_H
#define NFKIT_CTL_H

#include <stddef.h>

struct capture;
struct exporter;
struct meter;
struct outbuf;

/* What the loop should do next. */
enum ctl_quit {
	CTL_RUN = 0,
	CTL_SHUTDOWN,	/* export every flow, then exit */
	CTL_EXIT,	/* exit now */
};

/* The state control commands act on, owned by main. */
struct ctl_env {
	struct meter	*meter;
	struct exporter	*ex;
	struct capture	*cap;
	const char	*source;	/* interface or file name */
	int		 gather;	/* 0 after stop-gather */
	enum ctl_quit	 quit;
};

struct ctl;

/* NULL with a message in err. */
struct ctl	*ctl_open(const char *path, char *err, size_t errlen);
/* Close and unlink the socket; NULL is fine. */
void		 ctl_close(struct ctl *);
int		 ctl_fd(const struct ctl *);
/* Accept one client and answer its request. */
void		 ctl_serve(struct ctl *, struct ctl_env *);
/* The statistics report, as the statistics command and -r show it. */
void		 ctl_render_stats(const struct ctl_env *, struct outbuf *,
		    int json);

#endif
