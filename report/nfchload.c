/*
 * nfchload: load finished flow files into ClickHouse, each flow exactly
 * once (see chload.h for how), as a daemon watching directories or once
 * for the files given (nfcollectd's -R hook).  See nfchload(8).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <search.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "chload.h"
#include "daemon.h"
#include "dirwatch.h"
#include "input.h"
#include "log.h"
#include "parse.h"

#define BACKOFF_MAX 64	  /* seconds between retries, at most */
#define EXPIRE_EVERY 3600 /* seconds between retention runs */

struct options {
	const char *url, *db, *cluster, *pidfile, *user;
	int init, once, foreground, debug;
	int expire_days;   /* 0 = keep everything */
	unsigned interval; /* seconds between directory scans */
	unsigned maxwait;  /* -o: give up after, seconds */
	unsigned block;	   /* -b: rows per INSERT */
	char **paths;
	int npaths;
};

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: nfchload [-DIo] [-b rows] [-C cluster] [-d level] "
		"[-E days] [-H url]\n"
		"                [-i seconds] [-p pidfile] [-T database] "
		"[-u user]\n"
		"                [-w seconds] path ...\n");
	exit(2);
}

static unsigned
num(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v) == -1)
		errx(2, "-%s: bad number '%s' (%llu-%llu)", opt, s,
		     (unsigned long long)min, (unsigned long long)max);
	return (unsigned)v;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->url = "http://127.0.0.1:8123/";
	o->db = "nfkit";
	o->pidfile = "/var/run/nfchload.pid";
	o->interval = 30;
	o->maxwait = 3600;
	while ((ch = getopt(argc, argv, "b:C:Dd:E:H:Ii:op:T:u:w:")) != -1) {
		switch (ch) {
		case 'b':
			o->block = num("b", optarg, 1, CHLOAD_BLOCK);
			break;
		case 'C':
			o->cluster = optarg;
			break;
		case 'D':
			o->foreground = 1;
			break;
		case 'd':
			o->debug = (int)num("d", optarg, 0, 9);
			break;
		case 'E':
			o->expire_days = (int)num("E", optarg, 1, 36500);
			break;
		case 'H':
			o->url = optarg;
			break;
		case 'I':
			o->init = 1;
			break;
		case 'i':
			o->interval = num("i", optarg, 1, 86400);
			break;
		case 'o':
			o->once = 1;
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'T':
			/* Goes into SQL unquoted: a plain identifier only. */
			if (optarg[0] == '\0' ||
			    strspn(optarg,
				   "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
				strlen(optarg))
				errx(2, "-T: '%s' is not a database name",
				     optarg);
			o->db = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'w':
			o->maxwait = num("w", optarg, 0, 7 * 86400);
			break;
		default:
			usage();
		}
	}
	if (o->cluster != NULL &&
	    (o->cluster[0] == '\0' ||
	     strspn(o->cluster, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
				"QRSTUVWXYZ0123456789_") != strlen(o->cluster)))
		errx(2, "-C: '%s' is not a cluster name", o->cluster);
	o->paths = argv + optind;
	o->npaths = argc - optind;
	if (o->npaths == 0 && !o->init)
		usage();
}

/* Sleep up to secs, waking early when told to quit. */
static void
pause_for(unsigned secs)
{
	struct timespec ts = {0, 100 * 1000 * 1000};
	unsigned i;

	for (i = 0; i < secs * 10 && !quit; i++)
		nanosleep(&ts, NULL);
}

static int
list_files(const struct options *o, struct inlist *in)
{
	int i, bad = 0;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < o->npaths; i++)
		if (input_add(in, o->paths[i], 0) == -1)
			bad = 1;
	return bad;
}

/* -o: every file, retrying a server that is away up to -w seconds. */
static int
run_once(struct chload *l, const struct options *o)
{
	struct inlist in;
	time_t deadline = time(NULL) + o->maxwait;
	uint64_t damaged = l->damaged;
	unsigned backoff = 1;
	int bad = list_files(o, &in), rc;
	size_t i;

	for (i = 0; i < in.n && !quit; i++) {
		while ((rc = chload_file(l, in.v[i].path, in.v[i].start_ms)) ==
			   CHLOAD_RETRY &&
		       !quit && time(NULL) + backoff <= deadline) {
			log_info("retrying in %u s", backoff);
			pause_for(backoff);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX
							    : backoff * 2;
		}
		if (rc != CHLOAD_OK)
			bad = 1;
		else
			backoff = 1;
	}
	/* A damaged file's good flows are in, but say it in the status. */
	if (i < in.n || l->damaged > damaged)
		bad = 1;
	input_free(&in);
	return bad;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The daemon: scan, load what is new, expire, wait for a file to arrive
 * (inotify) or -i seconds; until a signal.
 */
static void
run_daemon(struct chload *l, const struct options *o)
{
	struct dirwatch *dw = dirwatch_new(o->paths, o->npaths);
	void *done = NULL;
	struct inlist in;
	time_t last_expire = 0;
	unsigned backoff = 1;
	char *copy;
	size_t i;
	int rc, failed;

	if (dw == NULL)
		log_fatalx("out of memory");
	log_info("%s", dirwatch_active(dw)
			   ? "loading files as they arrive (inotify), and "
			     "scanning every -i seconds"
			   : "scanning every -i seconds");
	while (!quit) {
		list_files(o, &in);
		failed = 0;
		for (i = 0; i < in.n && !quit && !failed; i++) {
			if (tfind(in.v[i].path, &done, by_name) != NULL)
				continue;
			rc = chload_file(l, in.v[i].path, in.v[i].start_ms);
			if (rc == CHLOAD_RETRY) {
				failed = 1;
				break;
			}
			/* A bad file is reported once, not every scan. */
			if ((copy = strdup(in.v[i].path)) == NULL ||
			    tsearch(copy, &done, by_name) == NULL)
				log_fatalx("out of memory");
		}
		input_free(&in);
		if (!failed && o->expire_days &&
		    time(NULL) - last_expire >= EXPIRE_EVERY) {
			if (chload_expire(l, o->expire_days) == 0)
				last_expire = time(NULL);
			else
				failed = 1;
		}
		if (failed) {
			log_info("server unavailable; retrying in %u s",
				 backoff);
			pause_for(backoff);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX
							    : backoff * 2;
			continue;
		}
		backoff = 1;
		if (dirwatch_wait(dw, o->interval, &quit))
			log_debug("a file arrived");
	}
	dirwatch_free(dw);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct chload l;
	struct sigaction sa;
	int rc = 0;

	parse_args(argc, argv, &o);
	log_init("nfchload", o.debug, LOG_LOCAL6);
	memset(&l, 0, sizeof(l));
	l.db = o.db;
	l.block = o.block;
	if ((l.ch = chttp_open(o.url)) == NULL)
		errx(1, "cannot set up an HTTP client");
	/*
	 * A server that hangs must not stop loading for good: give up and
	 * retry the file after five minutes (an INSERT takes seconds).
	 */
	chttp_timeout(l.ch, 300);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o.init && chload_schema(&l, o.cluster) != 0)
		errx(1, "could not create the schema on %s", o.url);
	if (o.npaths == 0) {
		chttp_close(l.ch);
		return 0;
	}
	if (o.once) {
		rc = run_once(&l, &o);
		if (rc == 0 && o.expire_days &&
		    chload_expire(&l, o.expire_days) != 0)
			rc = 1;
	} else {
		if (!o.foreground) {
			if (daemon_detach() == -1)
				err(1, "daemon");
			log_detach();
		}
		if (daemon_pidfile_create(o.pidfile) == -1)
			log_fatal("pidfile %s (is another nfchload running?)",
				  o.pidfile);
		if (o.user != NULL && daemon_privdrop(o.user, NULL) == -1)
			log_fatal("dropping privileges (-u %s)", o.user);
		log_info("started: loading into %s (database %s)", o.url, o.db);
		run_daemon(&l, &o);
		daemon_pidfile_remove();
	}
	log_info("%llu files with %llu flows loaded, %llu already there, "
		 "%llu partial loads repaired, %llu damaged files",
		 (unsigned long long)l.files, (unsigned long long)l.rows,
		 (unsigned long long)l.skipped, (unsigned long long)l.repaired,
		 (unsigned long long)l.damaged);
	chttp_close(l.ch);
	return rc;
}
