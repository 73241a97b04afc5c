/*
 * nfcollectd: receive NetFlow over UDP and store it in flow-tools files,
 * with flow-capture's flags, names and file format; NetFlow v9 and IPFIX
 * flows in IPFIX files (or, with -V 5, their IPv4 flows in flow-tools
 * files too).
 *
 * This file only reads the command line, sets up the signals and wires the
 * modules together: listen (sockets) -> receive (receive thread: decode,
 * exporters, rotation clock) -> writer (thread: queue, flush) -> spool
 * (files) -> retention.  Flag errors go to stderr with err(3) before the
 * daemon detaches; after it, the log module (log.h) reports.
 */
#include <sys/stat.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "receive.h"
#include "daemon.h"
#include "exporter.h"
#include "fanout.h"
#include "filefmt.h"
#include "ipfixdec.h"
#include "retention.h"
#include "ftfile.h"
#include "listen.h"
#include "log.h"
#include "parse.h"
#include "rotate.h"
#include "spool.h"
#include "tplstore.h"
#include "writer.h"

#define DEFAULT_PIDFILE "/var/run/nfcollectd.pid"
/*
 * Linux grants twice this (32 MiB as root, whatever net.core.rmem_max):
 * 14,500 datagrams of 30 v5 records, 0.15 s at 3M flows/s, taken only
 * while datagrams wait (docs/PERFORMANCE.md, "Collector headroom").
 */
#define DEFAULT_RCVBUF (16 * 1024 * 1024)
#define DEFAULT_ROTATIONS 287 /* every five minutes */
#define DEFAULT_FLUSH 10
#define DEFAULT_EXPORTERS 1024
#define MAX_SPECS 16

struct options {
	const char *workdir;
	const char *pidfile;
	const char *user;
	const char *jail; /* -j: chroot here after binding */
	const char *comment;
	const char *hook;
	unsigned rotations;
	int nest;
	int zlevel;
	int byte_order;
	int foreground;
	int debug;
	int rcvbuf;
	int flush;
	int stat_minutes;
	uint64_t expire_size;
	uint64_t expire_count;
	uint64_t max_exporters;
	struct capspec specs[MAX_SPECS];
	size_t nspecs;
	struct fanout_target targets[FANOUT_MAXTARGETS]; /* -f */
	size_t ntargets;
	enum fanout_mode fanout_mode; /* -M */
	int fanout_mode_given;
	enum filefmt_id fmt_v5, fmt_v9; /* -V */
};

static volatile sig_atomic_t sig_quit, sig_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		sig_hup = 1;
	else
		sig_quit = sig;
}

/*
 * Handlers for SIGTERM, SIGINT, SIGQUIT (stop) and SIGHUP (rotate) that
 * only set flags for the receive loop; those signals are blocked outside
 * its wait, and *wait_mask is the mask to wait with.  Called before the
 * writer thread starts, so that it inherits the blocked set.
 */
static void
signals_init(sigset_t *wait_mask)
{
	static const int stop[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP};
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
		sigaction(stop[i], &sa, NULL);
		sigaddset(&block, stop[i]);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* SIGCHLD for the -R children is spool_new()'s, before recovery. */

	sigprocmask(SIG_BLOCK, &block, wait_mask);
	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		sigdelset(wait_mask, stop[i]);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: nfcollectd [-D] [-b big | little] [-B bytes] "
		"[-C comment] [-d level]\n"
		"                  [-E size] [-e count] [-F seconds] "
		"[-N nesting] [-n rotations]\n"
		"                  [-j chroot] [-p pidfile] [-R program] "
		"[-S minutes] [-u user]\n"
		"                  [-f host:port] [-M mirror | shard] "
		"[-V 5 | ipfix]\n"
		"                  [-X exporters] [-z level] -w dir "
		"localip/remoteip/port ...\n");
	exit(1);
}

/* One bad flag: say which and what it takes, and stop before starting. */
static void __attribute__((noreturn))
badflag(char flag, const char *value, const char *form)
{
	errx(1, "-%c %s: expected %s", flag, value, form);
}

static uint64_t
numflag(char flag, const char *s, uint64_t min, uint64_t max, const char *form)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v) == -1)
		badflag(flag, s, form);
	return v;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->pidfile = DEFAULT_PIDFILE;
	o->rotations = DEFAULT_ROTATIONS;
	o->zlevel = -1;
	o->rcvbuf = DEFAULT_RCVBUF;
	o->flush = DEFAULT_FLUSH;
	o->max_exporters = DEFAULT_EXPORTERS;
	o->fmt_v5 = FILEFMT_FT;
	o->fmt_v9 = FILEFMT_IPFIX;

	while ((ch = getopt(argc, argv,
			    "B:b:C:Dd:E:e:F:f:hj:M:N:n:p:R:S:u:V:w:X:z:")) !=
	       -1) {
		switch (ch) {
		case 'B':
			o->rcvbuf = (int)numflag(
			    'B', optarg, 4096, INT_MAX / 2,
			    "a buffer size in bytes (4096..1073741823)");
			break;
		case 'b':
			if (strcmp(optarg, "big") == 0)
				o->byte_order = FT_BIG;
			else if (strcmp(optarg, "little") == 0)
				o->byte_order = FT_LITTLE;
			else
				badflag('b', optarg, "big or little");
			break;
		case 'C':
			if (strlen(optarg) > 200)
				badflag('C', "...",
					"a comment of at most "
					"200 characters");
			o->comment = optarg;
			break;
		case 'D':
			o->foreground = 1;
			break;
		case 'd':
			o->debug = (int)numflag('d', optarg, 0, 100,
						"a debug level (0..100)");
			break;
		case 'E':
			if (parse_size(optarg, &o->expire_size) == -1 ||
			    o->expire_size == 0)
				badflag('E', optarg,
					"a size: bytes, or a "
					"number with b (512-byte blocks), K, M "
					"or G");
			break;
		case 'e':
			o->expire_count =
			    numflag('e', optarg, 1, UINT32_MAX,
				    "a number of files (1..4294967295)");
			break;
		case 'F':
			o->flush = (int)numflag(
			    'F', optarg, 0, 3600,
			    "seconds between flushes (0..3600, 0 = off)");
			break;
		case 'f':
			if (o->ntargets == FANOUT_MAXTARGETS)
				badflag('f', optarg,
					"at most 8 targets in all");
			if (parse_hostport(optarg, &o->targets[o->ntargets].sa,
					   &o->targets[o->ntargets].salen) ==
			    -1)
				badflag('f', optarg,
					"host:port or [v6addr]:port");
			o->ntargets++;
			break;
		case 'M':
			if (fanout_parse_mode(optarg, &o->fanout_mode) == -1)
				badflag('M', optarg, "mirror or shard");
			o->fanout_mode_given = 1;
			break;
		case 'j':
			o->jail = optarg;
			break;
		case 'N':
			if (strcmp(optarg, "-1") == 0 ||
			    strcmp(optarg, "-2") == 0 ||
			    strcmp(optarg, "-3") == 0)
				o->nest = -(optarg[1] - '0');
			else
				o->nest =
				    (int)numflag('N', optarg, 0, 3,
						 "a nesting level (-3..3)");
			break;
		case 'n':
			o->rotations =
			    (unsigned)numflag('n', optarg, 0, ROTATE_MAXN,
					      "rotations per day (0..1439)");
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'R':
			o->hook = optarg;
			break;
		case 'S':
			o->stat_minutes =
			    (int)numflag('S', optarg, 0, 60,
					 "minutes between STAT lines (0..60)");
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'V':
			/* flow-capture's -V: the version of the files. */
			if (strcmp(optarg, "5") == 0)
				o->fmt_v5 = o->fmt_v9 = FILEFMT_FT;
			else if (strcmp(optarg, "ipfix") == 0)
				o->fmt_v5 = o->fmt_v9 = FILEFMT_IPFIX;
			else
				badflag('V', optarg, "5 or ipfix");
			break;
		case 'w':
			o->workdir = optarg;
			break;
		case 'X':
			o->max_exporters =
			    numflag('X', optarg, 1, 1000000,
				    "a number of exporters (1..1000000)");
			break;
		case 'z':
			o->zlevel = (int)numflag('z', optarg, 0, 9,
						 "a compression level (0..9)");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o->workdir == NULL) {
		warnx("-w dir is required");
		usage();
	}
	if (o->fanout_mode_given && o->ntargets == 0) {
		warnx("-M needs at least one -f target");
		usage();
	}
	if (argc == 0) {
		warnx("no localip/remoteip/port given");
		usage();
	}
	for (; argc > 0; argc--, argv++) {
		if (o->nspecs == MAX_SPECS)
			errx(1, "at most %d listening specs", MAX_SPECS);
		if (parse_capspec(argv[0], &o->specs[o->nspecs]) == -1)
			errx(1,
			     "%s: expected localip/remoteip/port, e.g. "
			     "0/0/9991",
			     argv[0]);
		o->nspecs++;
	}
}

/*
 * With -j the process is chrooted into the jail after binding, so the work
 * directory must lie inside it; rewrite it as seen from inside.
 */
static void
jail_workdir(const char *jail, char *workdir)
{
	char root[PATH_MAX];
	size_t n;

	if (realpath(jail, root) == NULL)
		err(1, "-j %s", jail);
	n = strlen(root);
	if (strcmp(root, "/") == 0)
		return;
	if (strncmp(workdir, root, n) != 0 ||
	    (workdir[n] != '/' && workdir[n] != '\0'))
		errx(1, "-w %s is not inside the -j directory %s", workdir,
		     root);
	if (workdir[n] == '\0')
		strcpy(workdir, "/");
	else
		memmove(workdir, workdir + n, strlen(workdir + n) + 1);
}

/*
 * One collector per spool directory: two would finish ("recover") each
 * other's open tmp- files and write files of the same names.  Pidfiles
 * cannot tell (-p -, or one each), so the spool holds a lock of its own,
 * taken as the user that writes there, before anything in it is touched.
 * A dot file: the spool's scans and nfreport pass it by.
 */
static int
lock_spool(const char *workdir, char *path, size_t cap)
{
	int fd;

	if ((size_t)snprintf(path, cap, "%s/.nfcollectd.lock", workdir) >= cap)
		log_fatalx("-w %s: path too long", workdir);
	if ((fd = daemon_lock(path, 0600)) != -1)
		return fd;
	if (errno == EEXIST)
		log_fatalx("-w %s: another nfcollectd writes there (it holds "
			   "%s)",
			   workdir, path);
	log_fatal("-w %s: lock file %s", workdir, path);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct spool_config sc;
	struct receive_config cc;
	struct retention *retention = NULL;
	struct exporter_table *exporters;
	struct listener *listener;
	struct spool *spool, *ipfix_spool;
	struct writer *writer;
	struct fanout *fanout = NULL;
	struct ipfixdec_limits lim;
	struct ipfixdec *ipfix;
	char workdir[PATH_MAX], lockpath[PATH_MAX];
	sigset_t wait_mask;
	int n, spool_lock;

	parse_args(argc, argv, &o);
	log_init("nfcollectd", o.debug, LOG_LOCAL6);
	if (realpath(o.workdir, workdir) == NULL)
		err(1, "-w %s", o.workdir);
	if (o.jail != NULL)
		jail_workdir(o.jail, workdir);

	/*
	 * Stop signals are served by the receive loop from here on, so one
	 * that comes during the start-up work (expiry, recovery of leftover
	 * tmp- files: seconds for a big file) waits for it to end instead of
	 * killing the process in the middle, which left a half-written rec-
	 * file behind or the recovered tmp- original beside its ft- file.
	 */
	signals_init(&wait_mask);

	/* Privileged things first: sockets, pidfile; then drop. */
	if ((listener = listen_open(o.specs, o.nspecs, o.rcvbuf)) == NULL)
		exit(1);
	if (o.ntargets > 0 && (fanout = fanout_open(o.targets, o.ntargets,
						    o.fanout_mode)) == NULL)
		exit(1);
	if (!o.foreground) {
		if (daemon_detach() == -1)
			err(1, "daemon");
		log_detach();
	} else
		umask(022);
	if (daemon_pidfile_create(o.pidfile) == -1)
		log_fatal("pidfile %s%s", o.pidfile,
			  errno == EEXIST ? " (is another nfcollectd running?)"
					  : "");
	if ((o.user != NULL || o.jail != NULL) &&
	    daemon_privdrop(o.user, o.jail) == -1)
		log_fatal("dropping privileges (-u %s, -j %s)",
			  o.user ? o.user : "-", o.jail ? o.jail : "-");
	spool_lock = lock_spool(workdir, lockpath, sizeof(lockpath));

	if (o.expire_size != 0 || o.expire_count != 0) {
		if ((retention =
			 retention_new(o.expire_size, o.expire_count)) == NULL)
			log_fatal("expire");
		retention_scan(retention, workdir);
	}
	memset(&sc, 0, sizeof(sc));
	sc.dir = workdir;
	sc.nest = o.nest;
	sc.zlevel = o.zlevel;
	sc.byte_order = o.byte_order;
	sc.comment = o.comment;
	sc.hook = o.hook;
	sc.retention = retention;
	if ((spool = spool_new(&sc)) == NULL)
		log_fatal("spool");
	sc.fmt = FILEFMT_IPFIX;
	if ((ipfix_spool = spool_new(&sc)) == NULL)
		log_fatal("spool");
	if ((n = spool_recover_all(spool)) > 0)
		log_info("finished %d leftover tmp- file%s", n,
			 n == 1 ? "" : "s");
	if (retention != NULL)
		retention_run(retention, 0);
	if ((exporters = exporter_table_new(o.max_exporters)) == NULL)
		log_fatal("exporter table");
	/* -X bounds the template decoder's exporters as well. */
	memset(&lim, 0, sizeof(lim));
	lim.max_exporters = o.max_exporters;
	if ((ipfix = ipfixdec_new(&lim)) == NULL)
		log_fatal("v9/IPFIX decoder");
	tplstore_load(ipfix, workdir);

	if ((writer = writer_new(spool, retention, o.flush)) == NULL)
		log_fatal("writer thread");
	writer_set_spool(writer, FILEFMT_IPFIX, ipfix_spool);
	if (fanout != NULL && fanout_start(fanout) == -1)
		log_fatal("fanout thread");
	memset(&cc, 0, sizeof(cc));
	cc.listener = listener;
	cc.writer = writer;
	cc.exporters = exporters;
	cc.fanout = fanout;
	cc.ipfix = ipfix;
	cc.tpldir = workdir;
	cc.fmt_v5 = o.fmt_v5;
	cc.fmt_v9 = o.fmt_v9;
	cc.rotate_secs = rotate_interval(o.rotations);
	cc.stat_minutes = o.stat_minutes;
	cc.quit = &sig_quit;
	cc.hup = &sig_hup;
	cc.wait_mask = &wait_mask;
	log_info("started: -w %s, rotation every %ld s, flush every %d s, "
		 "v1/v5/v7 flows to %s files, v9/IPFIX flows to %s files",
		 workdir, cc.rotate_secs, o.flush, filefmt_get(o.fmt_v5)->name,
		 filefmt_get(o.fmt_v9)->name);

	receive_run(&cc);

	fanout_close(fanout);
	writer_free(writer);
	spool_free(spool);
	spool_free(ipfix_spool);
	ipfixdec_free(ipfix);
	exporter_table_free(exporters);
	retention_free(retention);
	listen_close(listener);
	daemon_unlock(spool_lock, lockpath);
	daemon_pidfile_remove();
	log_info("exiting");
	return 0;
}
