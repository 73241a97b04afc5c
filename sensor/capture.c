/*
 * capture: libpcap wrapper.
 *
 * Live captures use pcap_create()/pcap_activate() so that promiscuous
 * mode, snap length and buffer size can be set, and are switched to
 * non-blocking so the main loop can poll() the capture descriptor beside
 * the control socket.  They are not in immediate mode: on Linux libpcap
 * then uses a TPACKET_V3 ring, which wakes the reader once per block of
 * packets (full, or CAPTURE_BLOCK_MS after its first packet) instead of
 * once per packet or few; see docs/PERFORMANCE.md, "Live capture".  The
 * header's snaplen is never trusted: the decoder only ever sees caplen.
 *
 * A classic pcap file (-r, not stdin) is opened by libpcap, which checks
 * the file header, maps its link type and compiles the filter, and then
 * read in place through pcapmap: no stdio copies, no call per record.
 * The filter runs on each packet with pcap_offline_filter(), so the same
 * packets reach the meter whichever reader runs.  pcapng, stdin and live
 * capture are read by libpcap itself.
 *
 * A mapped file that another process cuts shorter while it is read makes
 * the next access to a lost page fault with SIGBUS.  While packets are read
 * from the mapping a handler turns that fault into a jump back to
 * read_map(), which reports the file as damaged like any other truncated
 * capture: the packets before it still count and are exported.  The fault
 * can only happen while the decoder or the filter reads packet bytes,
 * before the meter touches its flow table, so nothing is left half done.
 */
#include <pcap/pcap.h>

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "packet.h"
#include "pcapmap.h"

struct capture {
	pcap_t *p;
	const struct linktype *lt;
	int live;
	char name[256];
	capture_fn fn;
	void *arg;
	struct pcapmap *map;	 /* NULL: libpcap reads */
	struct bpf_program prog; /* the filter, with map */
	int have_prog;
	int map_error; /* err says what, with map */
	char err[PCAP_ERRBUF_SIZE];
};

static sigjmp_buf map_fault;
static volatile sig_atomic_t map_reading;

static void
on_sigbus(int sig)
{
	struct sigaction sa;

	if (map_reading)
		siglongjmp(map_fault, 1);
	/* Not ours: die of it as if there were no handler. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	raise(sig);
}

static void
catch_sigbus(void)
{
	static int done;
	struct sigaction sa;

	if (done)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) == 0)
		done = 1;
}

static int
set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (expr == NULL || *expr == '\0')
		return 0;
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "bad filter expression \"%s\": %s", expr,
			 pcap_geterr(c->p));
		return -1;
	}
	if (c->map != NULL) {
		/* Kept, and run per packet by read_map(). */
		c->prog = prog;
		c->have_prog = 1;
		return 0;
	}
	if (pcap_setfilter(c->p, &prog) == -1) {
		snprintf(err, errlen, "cannot set filter: %s",
			 pcap_geterr(c->p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static int
open_live(struct capture *c, const struct capture_config *cfg, char *err,
	  size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	int rc;

	if ((c->p = pcap_create(cfg->iface, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", cfg->iface, ebuf);
		return -1;
	}
	pcap_set_promisc(c->p, cfg->promisc);
	if (cfg->snaplen > 0)
		pcap_set_snaplen(c->p, cfg->snaplen);
	if (cfg->bufsize > 0)
		pcap_set_buffer_size(c->p, cfg->bufsize);
	/* Not immediate mode: the timeout is the ring block's retire timer. */
	pcap_set_timeout(c->p, CAPTURE_BLOCK_MS);
	if ((rc = pcap_activate(c->p)) < 0) {
		snprintf(err, errlen, "%s: %s", cfg->iface,
			 rc == PCAP_ERROR ? pcap_geterr(c->p)
					  : pcap_statustostr(rc));
		return -1;
	}
	if (pcap_setnonblock(c->p, 1, ebuf) == -1) {
		snprintf(err, errlen, "%s: %s", cfg->iface, ebuf);
		return -1;
	}
	c->live = 1;
	return 0;
}

/*
 * Map a classic pcap file that libpcap has opened.  Anything pcapmap does
 * not take, or reads differently from libpcap's header (byte order,
 * snaplen), stays with libpcap; so does a failed mapping.
 */
static void
open_map(struct capture *c, const char *file)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcapbuf *b;

	if (strcmp(file, "-") == 0)
		return;
	if ((c->map = pcapmap_open(file, ebuf, sizeof(ebuf))) == NULL)
		return;
	catch_sigbus();
	b = pcapmap_buf(c->map);
	if (b->swapped != pcap_is_swapped(c->p) ||
	    (int)b->snaplen != pcap_snapshot(c->p) ||
	    pcap_major_version(c->p) != 2 || pcap_minor_version(c->p) != 4) {
		pcapmap_close(c->map);
		c->map = NULL;
	}
}

struct capture *
capture_open(const struct capture_config *cfg, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	int dlt;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cfg->iface != NULL) {
		snprintf(c->name, sizeof(c->name), "%s", cfg->iface);
		if (open_live(c, cfg, err, errlen) == -1)
			goto fail;
	} else {
		snprintf(c->name, sizeof(c->name), "%s", cfg->file);
		c->p = pcap_open_offline_with_tstamp_precision(
		    cfg->file, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
		if (c->p == NULL) {
			/* libpcap names the file in some messages only. */
			if (strstr(ebuf, cfg->file) != NULL)
				snprintf(err, errlen, "%s", ebuf);
			else
				snprintf(err, errlen, "%s: %s", cfg->file,
					 ebuf);
			goto fail;
		}
	}
	if (cfg->file != NULL)
		open_map(c, cfg->file);
	dlt = pcap_datalink(c->p);
	if ((c->lt = packet_linktype(dlt)) == NULL) {
		snprintf(err, errlen,
			 "%s: unsupported link type %d (%s); "
			 "supported: %s",
			 c->name, dlt,
			 pcap_datalink_val_to_name(dlt)
			     ? pcap_datalink_val_to_name(dlt)
			     : "unknown",
			 packet_linktype_names());
		goto fail;
	}
	if (set_filter(c, cfg->filter, err, errlen) == -1)
		goto fail;
	return c;
fail:
	capture_close(c);
	return NULL;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	if (c->have_prog)
		pcap_freecode(&c->prog);
	pcapmap_close(c->map);
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
}

const struct linktype *
capture_linktype(const struct capture *c)
{
	return c->lt;
}

const char *
capture_name(const struct capture *c)
{
	return c->name;
}

int
capture_fd(const struct capture *c)
{
	return c->live ? pcap_get_selectable_fd(c->p) : -1;
}

static void
handler(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)arg;

	c->fn(c->arg, &h->ts, bytes, h->caplen);
}

/*
 * Up to max packets from the mapping (all if max < 0), filtered as
 * libpcap would.  Same returns as capture_read().
 */
static int
read_map(struct capture *c, int max, capture_fn fn, void *arg)
{
	struct pcapbuf *b = pcapmap_buf(c->map);
	struct pcap_pkthdr h;
	struct pcapmap_pkt pkt;
	int n = 0, seen = 0, rc = 0;

	if (sigsetjmp(map_fault, 1) != 0) {
		map_reading = 0;
		snprintf(c->err, sizeof(c->err),
			 "%.128s: the file was cut "
			 "short by another process while it was read",
			 c->name);
		c->map_error = 1;
		return -2;
	}
	map_reading = 1;
	while (max < 0 || n < max) {
		pcapmap_release(c->map);
		if ((rc = pcapmap_buf_next(b, &pkt)) <= 0)
			break;
		seen++;
		if (c->have_prog) {
			h.ts = pkt.ts;
			h.caplen = pkt.caplen;
			h.len = pkt.len;
			if (pcap_offline_filter(&c->prog, &h, pkt.data) == 0)
				continue;
		}
		fn(arg, &pkt.ts, pkt.data, pkt.caplen);
		n++;
	}
	map_reading = 0;
	if (rc < 0) {
		snprintf(c->err, sizeof(c->err), "%s", b->err);
		c->map_error = 1;
		return -2;
	}
	return seen == 0 ? -1 : n;
}

int
capture_read(struct capture *c, int max, capture_fn fn, void *arg)
{
	int n;

	if (c->map != NULL)
		return read_map(c, max, fn, arg);

	c->fn = fn;
	c->arg = arg;
	n = pcap_dispatch(c->p, max, handler, (u_char *)c);
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n < 0)
		return -2;
	if (n == 0 && !c->live)
		return -1;
	return n;
}

const char *
capture_error(const struct capture *c)
{
	if (c->map_error)
		return c->err;
	return pcap_geterr(c->p);
}

int
capture_stats(struct capture *c, uint64_t *recv, uint64_t *drop,
	      uint64_t *ifdrop)
{
	struct pcap_stat ps;

	if (!c->live || pcap_stats(c->p, &ps) == -1)
		return -1;
	*recv = ps.ps_recv;
	*drop = ps.ps_drop;
	*ifdrop = ps.ps_ifdrop;
	return 0;
}
