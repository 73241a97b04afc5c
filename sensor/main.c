/*
 * nfsensord: NetFlow sensor daemon.
 *
 * Reads packets from an interface (-i) or a capture file (-r), keeps flows
 * in a bounded table, expires them by softflowd's timeouts and exports
 * NetFlow v5, v9 or IPFIX to one or more collectors.  This file only parses
 * flags, wires the modules together in dependency order and runs the loop:
 *
 *   capture (libpcap) -> meter (decode, flow table, expiry) -> export
 *   control socket (ctl) -> commands on the meter and the loop
 */
#include <sys/random.h>
#include <sys/time.h>

#include <err.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "capture.h"
#include "ctl.h"
#include "daemon.h"
#include "export.h"
#include "flowtable.h"
#include "log.h"
#include "meter.h"
#include "outbuf.h"
#include "parse.h"

#define DEFAULT_CTLSOCK "/var/run/nfsensord.ctl"
#define DEFAULT_PIDFILE "/var/run/nfsensord.pid"
#define DEFAULT_MAXFLOWS 8192
/*
 * Flows need headers only: 256 bytes hold Ethernet or SLL2, eight VLAN
 * tags, eight MPLS labels, IPv6 and over 100 bytes of extension headers
 * and a TCP header (bytes are counted from the IP length field, not the
 * capture).  With libpcap's 262144 and its default buffer, the ring in
 * immediate mode holds so few packets that bursts are dropped.
 */
#define DEFAULT_SNAPLEN 256
#define DEFAULT_BUFSIZE (8 << 20) /* -B bytes */
#define READ_BATCH 1024		  /* packets per pcap_dispatch() */

struct options {
	struct capture_config cap;
	struct meter_config meter;
	const char *dests[EXPORT_MAXDEST];
	int ndests;
	const char *ctlsock;
	const char *pidfile;
	const char *user;
	int foreground;
	int debug;
	int version;
	uint8_t engine_type, engine_id;
	size_t mtu;	      /* -o mtu= */
	uint32_t tpl_packets; /* -o template-packets= */
	uint32_t tpl_secs;    /* -o template-secs= */
	uint32_t domain;      /* -o domain= */
	int domain_set;
	char *filter;
};

static volatile sig_atomic_t got_term;

static void
on_signal(int sig)
{
	(void)sig;
	got_term = 1;
}

/* SIGTERM and SIGINT stop the loop; a closed collector is not a signal. */
static void
signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART; /* as signal(2) did before */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(
	    stderr,
	    "usage: nfsensord [-dDhN] [-B bufsize] [-C snaplen] [-c ctlsock] "
	    "[-e type:id]\n"
	    "                 [-i [ifindex:]interface | -r file] "
	    "[-m max_flows] [-n host:port]\n"
	    "                 [-o name=value] [-p pidfile] [-s rate] "
	    "[-T full|proto|ip|vlan|ether]\n"
	    "                 [-t name=time] [-u user] [-v 5|9|10|ipfix] "
	    "[bpf_expression]\n");
	exit(1);
}

/* One line naming the flag and the accepted form, exit 1. */
static void __attribute__((noreturn))
badflag(int ch, const char *val, const char *want)
{
	errx(1, "-%c %s: expected %s", ch, val, want);
}

static uint64_t
numflag(int ch, const char *val, uint64_t min, uint64_t max)
{
	char want[64];
	uint64_t v;

	if (parse_u64(val, min, max, &v) == -1) {
		snprintf(want, sizeof(want), "a number from %llu to %llu",
			 (unsigned long long)min, (unsigned long long)max);
		badflag(ch, val, want);
	}
	return v;
}

/* -i [ifindex:]interface: the ifIndex defaults to if_nametoindex(). */
static void
iface_flag(struct options *o, char *val)
{
	char *colon = strchr(val, ':');

	if (colon != NULL && colon != val &&
	    strspn(val, "0123456789") == (size_t)(colon - val)) {
		*colon = '\0';
		o->meter.ifindex = (uint16_t)numflag('i', val, 0, 65535);
		o->cap.iface = colon + 1;
	} else {
		o->cap.iface = val;
		o->meter.ifindex = (uint16_t)if_nametoindex(val);
	}
}

static void
engine_flag(struct options *o, const char *val)
{
	unsigned t, i;
	char end;

	if (sscanf(val, "%u:%u%c", &t, &i, &end) != 2 || t > 255 || i > 255)
		badflag('e', val, "type:id, each 0..255");
	o->engine_type = (uint8_t)t;
	o->engine_id = (uint8_t)i;
}

/*
 * -o name=value: how v9 and IPFIX are sent.  The names, in a table so
 * that the error message lists them all.
 */
static void
export_option(struct options *o, const char *val)
{
	static const struct {
		const char *name;
		uint64_t min, max;
	} opts[] = {
	    {"mtu", EXPORT_MIN_MTU, EXPORT_MAX_MTU},
	    {"template-packets", 0, UINT32_MAX},
	    {"template-secs", 0, 86400},
	    {"domain", 0, UINT32_MAX},
	};
	const char *eq = strchr(val, '=');
	size_t i;
	uint64_t v;

	for (i = 0; eq != NULL && i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].name) == (size_t)(eq - val) &&
		    strncmp(val, opts[i].name, (size_t)(eq - val)) == 0)
			break;
	if (eq == NULL || i == sizeof(opts) / sizeof(opts[0]))
		badflag('o', val,
			"name=value with name one of mtu, "
			"template-packets, template-secs, domain");
	if (parse_u64(eq + 1, opts[i].min, opts[i].max, &v) == -1)
		errx(1, "-o %s: expected a number from %llu to %llu", val,
		     (unsigned long long)opts[i].min,
		     (unsigned long long)opts[i].max);
	switch (i) {
	case 0:
		o->mtu = (size_t)v;
		break;
	case 1:
		o->tpl_packets = (uint32_t)v;
		break;
	case 2:
		o->tpl_secs = (uint32_t)v;
		break;
	default:
		o->domain = (uint32_t)v;
		o->domain_set = 1;
		break;
	}
}

/* Trailing arguments form the BPF expression, as in tcpdump. */
static char *
join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	if (argc == 0)
		return NULL;
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		err(1, "calloc");
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void
parse_args(struct options *o, int argc, char **argv)
{
	uint64_t v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->cap.promisc = 1;
	o->cap.snaplen = DEFAULT_SNAPLEN;
	o->cap.bufsize = DEFAULT_BUFSIZE;
	o->meter.max_flows = DEFAULT_MAXFLOWS;
	o->meter.key = KEY_FULL;
	o->meter.sample = 1;
	expiry_defaults(&o->meter.to);
	o->ctlsock = DEFAULT_CTLSOCK;
	o->pidfile = DEFAULT_PIDFILE;
	o->version = 5;
	o->mtu = EXPORT_DEFAULT_MTU;
	o->tpl_packets = EXPORT_DEFAULT_TPL_PACKETS;
	o->tpl_secs = EXPORT_DEFAULT_TPL_SECS;

	while ((ch = getopt(argc, argv,
			    "B:C:c:dDe:hi:m:Nn:o:p:r:s:T:t:u:v:")) != -1) {
		switch (ch) {
		case 'B':
			if (parse_size(optarg, &v) == -1 || v > INT32_MAX)
				badflag(ch, optarg, "a size such as 4M");
			o->cap.bufsize = (int)v;
			break;
		case 'C':
			o->cap.snaplen = (int)numflag(ch, optarg, 64, 262144);
			break;
		case 'c':
			o->ctlsock = optarg;
			break;
		case 'd':
			o->foreground = 1;
			break;
		case 'D':
			o->foreground = 1;
			o->debug++;
			break;
		case 'e':
			engine_flag(o, optarg);
			break;
		case 'i':
			iface_flag(o, optarg);
			break;
		case 'm':
			o->meter.max_flows =
			    (uint32_t)numflag(ch, optarg, 1, METER_MAX_FLOWS);
			break;
		case 'N':
			o->cap.promisc = 0;
			break;
		case 'n':
			if (o->ndests == EXPORT_MAXDEST)
				badflag(ch, optarg, "at most 16 destinations");
			o->dests[o->ndests++] = optarg;
			break;
		case 'o':
			export_option(o, optarg);
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'r':
			o->cap.file = optarg;
			break;
		case 's':
			o->meter.sample =
			    (uint32_t)numflag(ch, optarg, 1, 16383);
			break;
		case 'T':
			if (meter_parse_key(optarg, &o->meter.key) == -1)
				badflag(ch, optarg, meter_key_names());
			break;
		case 't':
			if (expiry_parse_timeout(&o->meter.to, optarg) == -1)
				errx(
				    1,
				    "-t %s: expected name=time with name "
				    "one of %s and time such as 300, 5m, 1h30m",
				    optarg, expiry_timeout_names());
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			if (export_version_parse(optarg, &o->version) == -1)
				badflag(ch, optarg, export_versions());
			break;
		case 'h':
		default:
			usage();
		}
	}
	if ((o->cap.iface == NULL) == (o->cap.file == NULL))
		errx(1, "exactly one of -i interface and -r file is required");
	o->filter = join_args(argc - optind, argv + optind);
	o->cap.filter = o->filter;
	if (strcmp(o->ctlsock, "none") == 0 || strcmp(o->ctlsock, "-") == 0)
		o->ctlsock = NULL;
}

static void
on_packet(void *arg, const struct timeval *ts, const uint8_t *bytes,
	  uint32_t caplen)
{
	meter_packet(arg, ts, bytes, caplen);
}

/* Live, lookups go in batches: see meter_queue() and PERFORMANCE.md. */
static void
on_packet_live(void *arg, const struct timeval *ts, const uint8_t *bytes,
	       uint32_t caplen)
{
	meter_queue(arg, ts, bytes, caplen);
}

static void
on_discard(void *arg, const struct timeval *ts, const uint8_t *bytes,
	   uint32_t caplen)
{
	(void)ts;
	(void)bytes;
	(void)caplen;
	meter_discard(arg);
}

static int64_t
wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* -r: the whole file, then every flow expired, exported and summed up. */
static int
run_file(struct ctl_env *env)
{
	struct outbuf o;
	int n;

	while ((n = capture_read(env->cap, -1, on_packet, env->meter)) >= 0)
		if (got_term)
			break;
	if (n == -2)
		log_warnx("%s: %s", capture_name(env->cap),
			  capture_error(env->cap));
	meter_expire_all(env->meter);
	outbuf_init(&o);
	ctl_render_stats(env, &o, 0);
	if (o.p != NULL)
		fputs(o.p, stdout);
	outbuf_free(&o);
	return n == -2 ? 1 : 0;
}

/*
 * -i: poll the capture and the control connections until told to stop.
 * Nothing here waits on a control client: each connection is served a
 * little at a time as poll() reports it ready, and its deadline bounds
 * the poll timeout like the next expiry does.
 */
static void
run_live(struct ctl_env *env, struct ctl *ctl)
{
	struct pollfd pfd[1 + CTL_NPOLL];
	int64_t next;
	int n, nctl, wait;

	while (!got_term && env->quit == CTL_RUN) {
		pfd[0].fd = capture_fd(env->cap);
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		next = meter_next_expiry(env->meter);
		wait = next < 0 || next > 1000 ? 1000 : (int)next;
		nctl = ctl != NULL ? ctl_pollfds(ctl, pfd + 1, &wait) : 0;
		if (poll(pfd, (nfds_t)1 + (nfds_t)nctl, wait) == -1) {
			if (errno != EINTR)
				log_fatal("poll");
			continue;
		}
		/* While paused, packets are still read, and thrown away. */
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			n = capture_read(env->cap, READ_BATCH,
					 env->gather ? on_packet_live
						     : on_discard,
					 env->meter);
			if (n == -2)
				log_fatalx("%s: %s", capture_name(env->cap),
					   capture_error(env->cap));
			/* Nothing below sees a half-done batch. */
			meter_flush(env->meter);
		}
		/*
		 * Idle time moves the packet clock too, but only up to the
		 * oldest time a packet still waiting in an unfinished ring
		 * block can have: it is handed over at most CAPTURE_BLOCK_MS
		 * after it arrived.
		 */
		meter_tick(env->meter, wall_ms() - CAPTURE_BLOCK_MS);
		if (ctl != NULL)
			ctl_dispatch(ctl, env, pfd + 1, nctl);
	}
	if (got_term || env->quit == CTL_SHUTDOWN) {
		log_info("shutting down: exporting %u flows",
			 flowtable_count(meter_flowtable(env->meter)));
		meter_expire_all(env->meter);
	}
}

int
main(int argc, char **argv)
{
	struct options o;
	struct ctl_env env;
	struct ctl *ctl = NULL;
	struct export *ex;
	char errbuf[512];
	const char *bad;
	int i, rc = 0;

	parse_args(&o, argc, argv);
	log_init("nfsensord", o.debug, LOG_DAEMON);
	if (getrandom(o.meter.seed, sizeof(o.meter.seed), 0) !=
	    (ssize_t)sizeof(o.meter.seed))
		err(1, "getrandom");

	/* Privileged resources first: capture handle, sockets. */
	memset(&env, 0, sizeof(env));
	env.gather = 1;
	if ((env.cap = capture_open(&o.cap, errbuf, sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	if ((ex = export_new(o.version)) == NULL)
		errx(1, "-v %d: unsupported export version", o.version);
	export_set_engine(ex, o.engine_type, o.engine_id);
	if (o.domain_set)
		export_set_domain(ex, o.domain);
	export_set_sampling(ex, o.meter.sample);
	export_set_keys(ex, o.meter.key == KEY_VLAN || o.meter.key == KEY_ETHER,
			o.meter.key == KEY_ETHER);
	export_set_refresh(ex, o.tpl_packets, o.tpl_secs);
	if (export_set_mtu(ex, o.mtu) == -1)
		errx(1, "-o mtu=%zu: out of range", o.mtu);
	for (i = 0; i < o.ndests; i++)
		if (export_parse_dests(ex, o.dests[i], &bad) == -1)
			errx(1,
			     "-n %s: expected host:port or [v6addr]:port "
			     "(%s)",
			     bad, strerror(errno));
	env.ex = ex;
	if ((env.meter = meter_new(&o.meter, ex)) == NULL)
		errx(1, "-m %u: cannot allocate the flow table",
		     o.meter.max_flows);
	meter_set_linktype(env.meter, capture_linktype(env.cap));
	env.source = capture_name(env.cap);

	signals_init();

	if (o.cap.file != NULL) {
		/* Offline: no daemon, no control socket, no pidfile. */
		rc = run_file(&env);
	} else {
		if (o.ctlsock != NULL &&
		    (ctl = ctl_open(o.ctlsock, errbuf, sizeof(errbuf))) == NULL)
			errx(1, "%s", errbuf);
		if (!o.foreground) {
			if (daemon_detach() == -1)
				err(1, "daemon");
			log_detach();
		}
		if (daemon_pidfile_create(o.pidfile) == -1)
			log_fatal("pidfile %s", o.pidfile);
		if (o.user != NULL && daemon_privdrop(o.user, NULL) == -1)
			log_fatal("cannot drop privileges to %s", o.user);
		log_info("capturing on %s, exporting to %zu collector(s)",
			 capture_name(env.cap), export_ndests(ex));
		run_live(&env, ctl);
		ctl_close(ctl);
		daemon_pidfile_remove();
	}

	meter_free(env.meter);
	export_free(ex);
	capture_close(env.cap);
	free(o.filter);
	return rc;
}
