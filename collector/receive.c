/*
 * receive: receive, validate, account, hand over.
 *
 * Per datagram the work is a filter check, a strict decode straight into
 * the writer's batch and one exporter lookup (a one-entry cache makes the
 * usual case a compare).  A batch is handed to the writer when it cannot
 * hold another full datagram, or when its first record is 50 ms old, so
 * that a quiet exporter's flows still reach the file promptly while a busy
 * one pays for the handover only once per thousand records.
 *
 * v9 and IPFIX datagrams go through the template decoder (ipfixdec), whose
 * flows are appended one by one; a batch holds records of one file format
 * only, so the batch is handed over whenever the format changes (v5 and
 * v9 exporters interleaved cost a few more handovers, nothing else).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "receive.h"
#include "datagram.h"
#include "exporter.h"
#include "fanout.h"
#include "ipfixdec.h"
#include "listen.h"
#include "log.h"
#include "parse.h"
#include "rotate.h"
#include "statlog.h"
#include "tplstore.h"
#include "writer.h"

#define BATCH_AGE_MS 50 /* longest a record waits in a batch */
/*
 * Test only: the length in seconds of the "minute" that paces -S lines and
 * reject summaries, so a test need not wait for the wall-clock minute.
 */
#define MINUTE_TESTENV "NFCOLLECTD_TEST_MINUTE_SECONDS"
#define RECV_ROUNDS 8 /* recvmmsg calls per socket per wakeup */
/*
 * At most this many recvmmsg calls per socket to read what the kernel
 * queued before a stop signal (4096 x 64 datagrams, more than the largest
 * socket buffer holds), so that a sender that keeps going cannot hold the
 * exit back.
 */
#define DRAIN_ROUNDS 4096

struct cap {
	const struct receive_config *cfg;
	struct statlog_totals tot;
	int started;		    /* a first file has been opened */
	int fmt_started[FILEFMT_N]; /* per format */
	uint64_t tpl_saved;	    /* template changes at the last save */
	time_t next_rotate;
	time_t next_minute;
	long minute_secs; /* 60, or the test override */
	unsigned backlog; /* for the batch being filled (wbatch.backlog) */
};

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	       (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void
submit(struct cap *c, enum wctl ctl, time_t when)
{
	writer_batch(c->cfg->writer)->backlog = c->backlog;
	c->backlog = 0;
	writer_submit(c->cfg->writer, ctl, when);
}

/*
 * The batch to append records of format fmt to: a batch holds one format,
 * so one holding another is handed over first (an empty one is reused).
 */
static struct wbatch *
batch_for(struct cap *c, enum filefmt_id fmt)
{
	struct wbatch *b = writer_batch(c->cfg->writer);

	if (b->fmt != fmt) {
		if (b->n > 0 || b->lost > 0 || b->corrupt > 0 ||
		    b->resets > 0) {
			submit(c, WCTL_NONE, 0);
			b = writer_batch(c->cfg->writer);
		}
		b->fmt = fmt;
	}
	return b;
}

/* The first records of a format: open its first file before them. */
static struct wbatch *
open_format(struct cap *c, enum filefmt_id fmt, time_t now)
{
	batch_for(c, fmt);
	submit(c, WCTL_OPEN, now);
	c->fmt_started[fmt] = 1;
	if (!c->started) {
		c->started = 1;
		c->next_rotate = rotate_next(now, c->cfg->rotate_secs);
	}
	return batch_for(c, fmt);
}

/* The first valid datagram: open the first file before its records. */
static void
start_file(struct cap *c, struct wbatch **bp, size_t n, time_t now)
{
	struct flowrec tmp[DATAGRAM_MAXRECS];
	struct wbatch *b = *bp;

	memcpy(tmp, b->recs + b->n, n * sizeof(tmp[0]));
	b = open_format(c, b->fmt, now);
	memcpy(b->recs + b->n, tmp, n * sizeof(tmp[0]));
	*bp = b;
}

static void
account_seq(struct cap *c, struct exporter *e, const struct datagram_info *di,
	    struct wbatch *b, time_t now)
{
	uint32_t expected, gap;
	char src[64];

	switch (exporter_seq(e, di->version, di->engine_type, di->engine_id,
			     di->flow_sequence, di->count, &expected, &gap)) {
	case EXP_SEQ_OK:
		return;
	case EXP_SEQ_LOST:
		b->lost += gap;
		break;
	case EXP_SEQ_RESET:
		b->resets++;
		break;
	}
	if (statlog_may_warn(now))
		log_warnx("sequence: src_ip=%s d_version=%u engine=%u/%u "
			  "expecting=%u received=%u lost=%u%s",
			  exp_addr_str(&e->src, src, sizeof(src)), di->version,
			  di->engine_type, di->engine_id, expected,
			  di->flow_sequence, gap,
			  gap >= EXPORTER_MAXGAP ? " (reset)" : "");
	(void)c;
}

/* What a v9/IPFIX datagram's flows need on their way to the batch. */
struct emit_ctx {
	struct cap *c;
	enum filefmt_id fmt;
	time_t now;
};

static void
emit_flow(void *arg, const struct ipfixdec_flow *f)
{
	struct emit_ctx *x = arg;
	struct cap *c = x->c;
	struct wbatch *b;

	if (x->fmt == FILEFMT_FT && flowrec_is_v6(&f->rec)) {
		/* -V 5: counted and logged once a minute, never silent. */
		c->tot.not_v5++;
		return;
	}
	if (!c->fmt_started[x->fmt])
		b = open_format(c, x->fmt, x->now);
	else
		b = batch_for(c, x->fmt);
	if (b->n == WRITER_BATCH) {
		submit(c, WCTL_NONE, 0);
		b = batch_for(c, x->fmt);
	}
	if (b->n == 0)
		clock_gettime(CLOCK_MONOTONIC, &b->born);
	b->recs[b->n++] = f->rec;
}

/* The exporter's identity for the template decoder. */
static void
ipfix_source(const struct exp_addr *a, struct ipfixdec_source *s)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0,    0,
					     0, 0, 0, 0, 0xff, 0xff};

	memset(s, 0, sizeof(*s));
	if (memcmp(a->a, v4mapped, sizeof(v4mapped)) == 0) {
		s->af = 4;
		memcpy(s->addr, a->a + 12, 4);
	} else {
		s->af = 6;
		memcpy(s->addr, a->a, 16);
	}
}

/*
 * A v9 or IPFIX datagram: through the template decoder, which calls
 * emit_flow() for each flow (those of earlier data whose template this
 * datagram brought included).
 */
static void
handle_templated(struct cap *c, const struct listen_msg *m, struct exporter *e,
		 int isnew, time_t now)
{
	struct ipfixdec_source src;
	struct ipfixdec_last last;
	struct emit_ctx x = {c, c->cfg->fmt_v9, now};
	struct wbatch *b;
	char s1[64], s2[64];

	ipfix_source(&m->src, &src);
	if (ipfixdec_message(c->cfg->ipfix, &src, (int64_t)now * 1000, m->data,
			     m->len, emit_flow, &x) == -1) {
		c->tot.rejects[DATAGRAM_EMESSAGE]++;
		writer_batch(c->cfg->writer)->corrupt++;
		if (e != NULL)
			e->corrupt++;
		return;
	}
	ipfixdec_last(c->cfg->ipfix, &last);
	if (c->cfg->fanout != NULL)
		fanout_push(c->cfg->fanout, &m->src, m->sport, m->data, m->len);
	if (isnew)
		log_info("New exporter: time=%lld src_ip=%s dst_ip=%s "
			 "d_version=%d",
			 (long long)now, exp_addr_str(&m->src, s1, sizeof(s1)),
			 exp_addr_str(&m->dst, s2, sizeof(s2)), last.version);
	if (last.lost > 0) {
		/* Lost flows belong in the file the exporter's flows go to. */
		b = batch_for(c, x.fmt);
		b->lost += (uint32_t)last.lost;
	}
	if (e != NULL) {
		e->pkts++;
		e->flows += last.flows;
		e->lost += last.lost;
		e->last_version = (uint16_t)last.version;
	}
}

static void
handle(struct cap *c, const struct listen_msg *m, time_t now)
{
	struct writer *w = c->cfg->writer;
	struct wbatch *b = writer_batch(w);
	struct datagram_info di;
	struct exporter *e;
	enum datagram_status st;
	char src[64], dst[64];
	int isnew;

	if (m->filtered) {
		/* Not entered in the exporter table: anyone may spoof it. */
		c->tot.rejects[DATAGRAM_EFILTER]++;
		b->corrupt++;
		return;
	}
	b = batch_for(c, c->cfg->fmt_v5);
	if (WRITER_BATCH - b->n < DATAGRAM_MAXRECS) {
		submit(c, WCTL_NONE, 0);
		b = batch_for(c, c->cfg->fmt_v5);
	}
	if (m->truncated)
		st = DATAGRAM_ETRUNC;
	else
		st = datagram_decode(m->data, m->len, exp_addr_v4(&m->src), &di,
				     b->recs + b->n);
	e = exporter_get(c->cfg->exporters, &m->src, &m->dst, now, &isnew);
	if (e == NULL)
		c->tot.refused++;
	if (st == DATAGRAM_TEMPLATED) {
		handle_templated(c, m, e, isnew, now);
		return;
	}
	if (st != DATAGRAM_OK) {
		c->tot.rejects[st]++;
		b->corrupt++;
		if (e != NULL)
			e->corrupt++;
		return;
	}
	/* Whatever the decoder accepts is forwarded, in any version. */
	if (c->cfg->fanout != NULL)
		fanout_push(c->cfg->fanout, &m->src, m->sport, m->data, m->len);
	if (isnew)
		log_info("New exporter: time=%lld src_ip=%s dst_ip=%s "
			 "d_version=%u",
			 (long long)now,
			 exp_addr_str(&m->src, src, sizeof(src)),
			 exp_addr_str(&m->dst, dst, sizeof(dst)), di.version);
	if (!c->fmt_started[b->fmt])
		start_file(c, &b, di.count, now);
	if (e != NULL) {
		e->pkts++;
		e->flows += di.count;
		e->last_version = di.version;
		if (di.has_seq)
			account_seq(c, e, &di, b, now);
	}
	if (b->n == 0)
		clock_gettime(CLOCK_MONOTONIC, &b->born);
	b->n += di.count;
}

/* Save the templates if they changed since the last save. */
static void
save_templates(struct cap *c)
{
	struct ipfixdec_stats t;

	if (c->cfg->ipfix == NULL || c->cfg->tpldir == NULL)
		return;
	ipfixdec_total(c->cfg->ipfix, &t);
	if (t.templates + t.withdrawn == c->tpl_saved)
		return;
	if (tplstore_save(c->cfg->ipfix, c->cfg->tpldir) == 0)
		c->tpl_saved = t.templates + t.withdrawn;
}

/* Once a minute: reject summary, and -S lines when the minute is due. */
static void
minute(struct cap *c, time_t now)
{
	struct writer_stats ws;
	struct tm tm;

	long k;

	statlog_rejects(&c->tot, c->cfg->ipfix);
	save_templates(c);
	if (c->cfg->stat_minutes <= 0)
		return;
	if (c->minute_secs == 60) {
		localtime_r(&now, &tm);
		k = tm.tm_min;
	} else
		k = (long)(now / c->minute_secs);
	if (k % c->cfg->stat_minutes != 0)
		return;
	c->tot.kernel_drops = listen_kernel_drops(c->cfg->listener);
	writer_stats(c->cfg->writer, &ws);
	statlog_write(c->cfg->exporters, c->cfg->ipfix, &c->tot, &ws, now);
	if (c->cfg->fanout != NULL)
		fanout_statlog(c->cfg->fanout, now);
}

/* Milliseconds ppoll may sleep before something is due. */
static long
timeout_ms(struct cap *c, time_t now)
{
	struct wbatch *b = writer_batch(c->cfg->writer);
	struct timespec rt;
	long ms = 1000, left;

	(void)now;
	if (c->started) {
		/* Wake exactly at the boundary, not up to a second late. */
		clock_gettime(CLOCK_REALTIME, &rt);
		left = (long)(c->next_rotate - rt.tv_sec) * 1000 -
		       rt.tv_nsec / 1000000;
		if (left < ms)
			ms = left < 0 ? 0 : left;
	}
	if (b->n > 0) {
		left = BATCH_AGE_MS - ms_since(&b->born);

		if (left < ms)
			ms = left < 0 ? 0 : left;
	}
	return ms;
}

/*
 * Read and handle up to rounds batches of datagrams from socket i, until
 * a batch comes back short (the socket is empty for now) or fails.
 */
static void
read_socket(struct cap *c, size_t i, int rounds, time_t now)
{
	struct listen_msg *msgs;
	unsigned fill;
	int round, j, k;

	for (round = 0; round < rounds; round++) {
		k = listen_recv(c->cfg->listener, i, &msgs);
		if (k == -1 && statlog_may_warn(now))
			log_warn("recvmmsg");
		if (k <= 0)
			break;
		for (j = 0; j < k; j++)
			handle(c, &msgs[j], now);
		if (c->cfg->fanout != NULL)
			fanout_kick(c->cfg->fanout);
		if (k < LISTEN_VLEN)
			break;
		/* More is waiting: how much, for the writer (one call). */
		fill = listen_fill(c->cfg->listener, i, WRITER_SLOTS);
		if (fill > c->backlog)
			c->backlog = fill;
	}
}

void
receive_run(const struct receive_config *cfg)
{
	struct pollfd pfd[LISTEN_MAXSOCK];
	struct cap c;
	struct timespec ts;
	struct wbatch *b;
	size_t nfd, i;
	time_t now;
	long ms;
	const char *env;
	uint64_t v;
	int n;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.tot.startup = time(NULL);
	c.minute_secs = 60;
	if ((env = getenv(MINUTE_TESTENV)) != NULL &&
	    parse_u64(env, 1, 60, &v) == 0)
		c.minute_secs = (long)v;
	c.next_minute =
	    c.tot.startup - c.tot.startup % c.minute_secs + c.minute_secs;
	nfd = listen_pollfds(cfg->listener, pfd, LISTEN_MAXSOCK);

	while (!*cfg->quit) {
		now = time(NULL);
		if (*cfg->hup) {
			*cfg->hup = 0;
			log_info("SIGHUP");
			if (c.started)
				submit(&c, WCTL_ROTATE, now);
		}
		if (c.started && now >= c.next_rotate) {
			submit(&c, WCTL_ROTATE, now);
			c.next_rotate = rotate_next(now, cfg->rotate_secs);
		}
		if (now >= c.next_minute) {
			minute(&c, now);
			c.next_minute =
			    now - now % c.minute_secs + c.minute_secs;
		}
		b = writer_batch(cfg->writer);
		if (b->n > 0 && ms_since(&b->born) >= BATCH_AGE_MS)
			submit(&c, WCTL_NONE, 0);

		ms = timeout_ms(&c, now);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000;
		n = ppoll(pfd, nfd, &ts, cfg->wait_mask);
		if (n == -1) {
			if (errno != EINTR)
				log_warn("ppoll");
			continue;
		}
		now = time(NULL);
		for (i = 0; i < nfd; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				read_socket(&c, i, RECV_ROUNDS, now);
	}
	log_info("%s", *cfg->quit == SIGINT    ? "SIGINT"
		       : *cfg->quit == SIGQUIT ? "SIGQUIT"
					       : "SIGTERM");
	/*
	 * Datagrams the kernel queued before the signal were sent to us: they
	 * are stored like the others.  Without this, a stop that came before
	 * the loop had read them (a busy machine, a stopped process) lost
	 * them, and so did tests that stop the collector after sending.
	 */
	now = time(NULL);
	for (i = 0; i < nfd; i++)
		read_socket(&c, i, DRAIN_ROUNDS, now);
	statlog_rejects(&c.tot, cfg->ipfix);
	save_templates(&c);
	submit(&c, WCTL_STOP, time(NULL));
}
