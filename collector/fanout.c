/*
 * fanout: per-target rings, the forward thread and source spoofing.
 *
 * Each target has a single-producer single-consumer ring: the receive
 * thread advances head after copying a datagram in, the forward thread
 * advances tail after the kernel took it, both with release stores, so no
 * lock is ever taken on the receive path.  The receive thread wakes the
 * forward thread through an eventfd at most once per receive batch, not
 * once per datagram.  When a target's socket cannot take more (EAGAIN) the
 * thread waits for it to become writable and serves the others meanwhile;
 * its ring fills and the receive thread counts drops for it alone.
 *
 * Spoofing: with IP_HDRINCL (implied by IPPROTO_RAW) the kernel sends our
 * IPv4 header as it is, filling in only the total length, the header
 * checksum and an IP id of 0.  We set the exporter's address and UDP source
 * port, so the receiving collector sees the datagram as if it came from
 * the exporter itself.  The kernel does not fragment such packets: one
 * longer than the path MTU is refused (EMSGSIZE) and counted as a send
 * error, which NetFlow datagrams (at most 1464 bytes of v5) never are on
 * an Ethernet path.  IPv6 has no such header option; there an
 * IPV6_TRANSPARENT socket names the exporter as the source of each
 * datagram (IPV6_PKTINFO), and only the source port is ours.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "fanout.h"
#include "log.h"

#define FANOUT_VLEN 64	 /* datagrams per sendmmsg() */
#define FANOUT_HDRLEN 28 /* IPv4 header + UDP header */
#define FANOUT_TTL 64
/*
 * At stop, what is still queued for a target whose socket is full keeps
 * going out as the socket drains, for at most this long; the rest is
 * counted as queue drops.  Without it a burst queued just before the stop
 * was dropped whenever the last pass met a full socket buffer.
 */
#define FANOUT_EXIT_MS 2000

struct fslot {
	struct exp_addr src;
	uint16_t sport; /* host order */
	uint16_t len;
	uint8_t data[FANOUT_MAXLEN];
};

struct ftarget {
	char name[INET6_ADDRSTRLEN + 8];
	struct sockaddr_storage sa;
	int fd;	     /* UDP, connected: sends from our own address */
	int rawfd;   /* raw IPv4 for spoofing, or -1 */
	int spoof6;  /* fd may send from any IPv6 address (IPV6_TRANSPARENT) */
	int blocked; /* the fd that said EAGAIN, -1 if none */
	uint32_t daddr; /* network order, IPv4 targets */
	uint16_t dport; /* network order */
	struct fslot *ring;
	_Atomic size_t head; /* written by the receive thread */
	_Atomic size_t tail; /* written by the forward thread */
	_Atomic uint64_t offered, sent, queue_drops, send_errors;
};

struct fanout {
	struct ftarget t[FANOUT_MAXTARGETS];
	size_t n;
	enum fanout_mode mode;
	int evfd;
	int pushed; /* receive thread: queued since the last kick */
	int started;
	atomic_int stop;
	pthread_t thread;
	/* The forward thread's send vector. */
	struct mmsghdr vec[FANOUT_VLEN];
	struct iovec iov[FANOUT_VLEN][2];
	uint8_t hdr[FANOUT_VLEN][FANOUT_HDRLEN];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cmsg[FANOUT_VLEN];
};

int
fanout_parse_mode(const char *s, enum fanout_mode *m)
{
	if (strcmp(s, "mirror") == 0)
		*m = FANOUT_MIRROR;
	else if (strcmp(s, "shard") == 0)
		*m = FANOUT_SHARD;
	else
		return -1;
	return 0;
}

/*
 * FNV-1a over the address bytes: unseeded on purpose, so the same exporter
 * maps to the same target across restarts and across fan-out collectors
 * that share a target list.  An exporter that aims for a collision only
 * moves its own load.
 */
size_t
fanout_shard(const struct exp_addr *a, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(a->a); i++) {
		h ^= a->a[i];
		h *= 16777619u;
	}
	return n == 0 ? 0 : h % n;
}

static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

size_t
fanout_ip4udp(uint8_t *out, uint32_t src, uint16_t sport, uint32_t dst,
	      uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t *ip = out, *udp = out + 20;
	uint16_t ulen = (uint16_t)(8 + len), ck;
	uint32_t sum;

	memset(out, 0, FANOUT_HDRLEN);
	ip[0] = 0x45; /* version 4, 5 words */
	put16(ip + 2, (uint16_t)(FANOUT_HDRLEN + len));
	ip[8] = FANOUT_TTL;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, fold(sum16(0, ip, 20)));
	memcpy(udp, &sport, 2);
	memcpy(udp + 2, &dport, 2);
	put16(udp + 4, ulen);
	/* Pseudo-header: addresses, protocol, UDP length. */
	sum = sum16(0, ip + 12, 8) + IPPROTO_UDP + ulen;
	sum = sum16(sum, udp, 8);
	sum = sum16(sum, payload, len);
	ck = fold(sum);
	put16(udp + 6, ck == 0 ? 0xffff : ck);
	return FANOUT_HDRLEN;
}

static void
target_name(struct ftarget *t)
{
	char host[INET6_ADDRSTRLEN];

	if (t->sa.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t->sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(t->name, sizeof(t->name), "%s:%u", host,
			 ntohs(sin->sin_port));
		t->daddr = sin->sin_addr.s_addr;
		t->dport = sin->sin_port;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(t->name, sizeof(t->name), "[%s]:%u", host,
			 ntohs(sin6->sin6_port));
		t->dport = sin6->sin6_port;
	}
}

/* Sockets for one target; may_spoof is cleared when raw is refused. */
static int
target_open(struct ftarget *t, const struct fanout_target *ft, int *may_spoof)
{
	int fam = ft->sa.ss_family, on = 1;

	t->sa = ft->sa;
	t->rawfd = -1;
	target_name(t);
	if ((t->ring = calloc(FANOUT_SLOTS, sizeof(*t->ring))) == NULL) {
		log_warn("fanout: ring for %s", t->name);
		return -1;
	}
	t->fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (t->fd == -1 ||
	    connect(t->fd, (const struct sockaddr *)&ft->sa, ft->salen) == -1) {
		log_warn("fanout: socket for %s", t->name);
		return -1;
	}
	/*
	 * IPv6 has no IP_HDRINCL; a transparent socket may instead name any
	 * source address per datagram (IPV6_PKTINFO), though the source port
	 * stays ours.
	 */
	if (fam == AF_INET6 && *may_spoof)
		t->spoof6 = setsockopt(t->fd, SOL_IPV6, IPV6_TRANSPARENT, &on,
				       sizeof(on)) == 0;
	if (fam == AF_INET && *may_spoof) {
		t->rawfd =
		    socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			   IPPROTO_RAW);
		if (t->rawfd == -1 && (errno == EPERM || errno == EACCES)) {
			*may_spoof = 0;
			log_warnx("fanout: no raw socket (not root, no "
				  "CAP_NET_RAW): datagrams leave from our own "
				  "address and targets see this collector, not "
				  "the exporter, as their source");
		} else if (t->rawfd == -1) {
			log_warn("fanout: raw socket for %s", t->name);
			return -1;
		} else if (connect(t->rawfd, (const struct sockaddr *)&ft->sa,
				   ft->salen) == -1) {
			log_warn("fanout: connect raw socket to %s", t->name);
			return -1;
		}
	}
	if (t->rawfd != -1 || t->spoof6)
		log_info("fanout: forwarding to %s from each %s exporter's own "
			 "address%s",
			 t->name, t->spoof6 ? "IPv6" : "IPv4",
			 t->spoof6 ? " (the source port is ours)" : "");
	else
		log_warnx("fanout: forwarding to %s from our own address: it "
			  "sees this collector, not the exporter",
			  t->name);
	return 0;
}

struct fanout *
fanout_open(const struct fanout_target *targets, size_t n,
	    enum fanout_mode mode)
{
	struct fanout *f;
	size_t i;
	int may_spoof = 1;

	if (n == 0 || n > FANOUT_MAXTARGETS) {
		log_warnx("fanout: 1 to %d targets", FANOUT_MAXTARGETS);
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("fanout");
		return NULL;
	}
	f->mode = mode;
	f->evfd = -1;
	for (i = 0; i < n; i++) {
		f->t[i].fd = f->t[i].rawfd = f->t[i].blocked = -1;
		f->n = i + 1;
		if (target_open(&f->t[i], &targets[i], &may_spoof) == -1)
			goto fail;
	}
	if ((f->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		log_warn("fanout: eventfd");
		goto fail;
	}
	log_info("fanout: %s over %zu target%s, %d datagrams queued at most "
		 "per target",
		 mode == FANOUT_SHARD ? "sharded by exporter" : "mirrored", n,
		 n == 1 ? "" : "s", FANOUT_SLOTS);
	return f;
fail:
	fanout_close(f);
	return NULL;
}

static void
target_push(struct ftarget *t, const struct exp_addr *src, uint16_t sport,
	    const uint8_t *data, size_t len)
{
	size_t h = atomic_load_explicit(&t->head, memory_order_relaxed);
	size_t tl = atomic_load_explicit(&t->tail, memory_order_acquire);
	struct fslot *s;

	atomic_fetch_add_explicit(&t->offered, 1, memory_order_relaxed);
	if (h - tl >= FANOUT_SLOTS) {
		atomic_fetch_add_explicit(&t->queue_drops, 1,
					  memory_order_relaxed);
		return;
	}
	s = &t->ring[h % FANOUT_SLOTS];
	s->src = *src;
	s->sport = sport;
	s->len = (uint16_t)len;
	memcpy(s->data, data, len);
	atomic_store_explicit(&t->head, h + 1, memory_order_release);
}

void
fanout_push(struct fanout *f, const struct exp_addr *src, uint16_t sport,
	    const uint8_t *data, size_t len)
{
	size_t i;

	if (len > FANOUT_MAXLEN)
		return; /* cannot happen: the listener truncates first */
	if (f->mode == FANOUT_SHARD)
		target_push(&f->t[fanout_shard(src, f->n)], src, sport, data,
			    len);
	else
		for (i = 0; i < f->n; i++)
			target_push(&f->t[i], src, sport, data, len);
	f->pushed = 1;
}

void
fanout_kick(struct fanout *f)
{
	uint64_t one = 1;

	if (!f->pushed)
		return;
	f->pushed = 0;
	/* A full counter (EAGAIN) still leaves the thread woken. */
	if (write(f->evfd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("fanout: eventfd write");
}

/* Set up message k for slot s; returns the socket it must go out on. */
static int
prepare(struct fanout *f, struct ftarget *t, struct fslot *s, int k)
{
	struct msghdr *mh = &f->vec[k].msg_hdr;
	uint32_t v4 = exp_addr_v4(&s->src);
	int raw = t->rawfd != -1 && v4 != 0;

	memset(mh, 0, sizeof(*mh));
	mh->msg_iov = f->iov[k] + (raw ? 0 : 1);
	mh->msg_iovlen = raw ? 2 : 1;
	f->iov[k][1].iov_base = s->data;
	f->iov[k][1].iov_len = s->len;
	if (t->spoof6 && v4 == 0) {
		struct in6_pktinfo pi;
		struct cmsghdr *cm;

		memset(&pi, 0, sizeof(pi));
		memcpy(&pi.ipi6_addr, s->src.a, sizeof(pi.ipi6_addr));
		mh->msg_control = f->cmsg[k].buf;
		mh->msg_controllen = sizeof(f->cmsg[k].buf);
		cm = CMSG_FIRSTHDR(mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (!raw)
		return t->fd;
	fanout_ip4udp(f->hdr[k], htonl(v4), htons(s->sport), t->daddr, t->dport,
		      s->data, s->len);
	f->iov[k][0].iov_base = f->hdr[k];
	f->iov[k][0].iov_len = FANOUT_HDRLEN;
	return t->rawfd;
}

static void
send_error(struct ftarget *t, int err)
{
	uint64_t n = atomic_fetch_add_explicit(&t->send_errors, 1,
					       memory_order_relaxed) +
		     1;

	/* Logged at 1, 2, 4, 8 ... errors: bounded, yet never silent. */
	if ((n & (n - 1)) == 0)
		log_warnx("fanout: sending to %s: %s (%" PRIu64
			  " send errors so far)",
			  t->name, strerror(err), n);
}

/* Send what is queued for t until it is empty or its socket is full. */
static void
target_drain(struct fanout *f, struct ftarget *t)
{
	size_t tl = atomic_load_explicit(&t->tail, memory_order_relaxed);
	size_t h = atomic_load_explicit(&t->head, memory_order_acquire);
	int k, fd, sfd, r;

	while (tl != h && t->blocked == -1) {
		fd = -1;
		for (k = 0; tl + (size_t)k != h && k < FANOUT_VLEN; k++) {
			sfd =
			    prepare(f, t, &t->ring[(tl + k) % FANOUT_SLOTS], k);
			if (fd == -1)
				fd = sfd;
			else if (sfd != fd)
				break;
		}
		r = sendmmsg(fd, f->vec, (unsigned)k, MSG_DONTWAIT);
		if (r > 0) {
			atomic_fetch_add_explicit(&t->sent, (uint64_t)r,
						  memory_order_relaxed);
			tl += (size_t)r;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK)
			t->blocked = fd;
		else if (errno != EINTR) {
			/* Refused (ECONNREFUSED from an earlier ICMP, no
			 * route, too long): drop this one, go on. */
			send_error(t, errno);
			tl++;
		}
		atomic_store_explicit(&t->tail, tl, memory_order_release);
	}
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 if some target still has datagrams queued. */
static int
queued(struct fanout *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (atomic_load(&f->t[i].head) != atomic_load(&f->t[i].tail))
			return 1;
	return 0;
}

static void *
fanout_thread(void *arg)
{
	struct fanout *f = arg;
	struct pollfd pfd[1 + FANOUT_MAXTARGETS];
	size_t i, np, idx[FANOUT_MAXTARGETS];
	int64_t deadline = -1, now;
	int wait_ms = 1000;
	uint64_t v;

	for (;;) {
		for (i = 0; i < f->n; i++)
			target_drain(f, &f->t[i]);
		if (atomic_load(&f->stop)) {
			/* After a drain, a target with a queue is blocked. */
			now = mono_ms();
			if (deadline == -1)
				deadline = now + FANOUT_EXIT_MS;
			if (!queued(f) || now >= deadline)
				break;
			wait_ms = (int)(deadline - now);
		}
		pfd[0].fd = f->evfd;
		pfd[0].events = POLLIN;
		for (np = 0, i = 0; i < f->n; i++) {
			if (f->t[i].blocked == -1)
				continue;
			idx[np] = i;
			pfd[1 + np].fd = f->t[i].blocked;
			pfd[1 + np].events = POLLOUT;
			np++;
		}
		if (poll(pfd, 1 + np, wait_ms) == -1) {
			if (errno != EINTR)
				log_warn("fanout: poll");
			continue;
		}
		/* Nonblocking: at worst EAGAIN, and the drain comes anyway. */
		if ((pfd[0].revents & POLLIN) &&
		    read(f->evfd, &v, sizeof(v)) == -1 && errno != EAGAIN)
			log_warn("fanout: eventfd read");
		for (i = 0; i < np; i++)
			if (pfd[1 + i].revents & (POLLOUT | POLLERR))
				f->t[idx[i]].blocked = -1;
	}
	return NULL;
}

int
fanout_start(struct fanout *f)
{
	sigset_t all, old;
	int e;

	/* Signals are for the receive thread: block them in ours. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&f->thread, NULL, fanout_thread, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		errno = e;
		log_warn("fanout: thread");
		return -1;
	}
	f->started = 1;
	return 0;
}

void
fanout_counts(struct fanout *f, size_t i, struct fanout_counts *c)
{
	struct ftarget *t = &f->t[i];

	c->offered = atomic_load_explicit(&t->offered, memory_order_relaxed);
	c->sent = atomic_load_explicit(&t->sent, memory_order_relaxed);
	c->queue_drops =
	    atomic_load_explicit(&t->queue_drops, memory_order_relaxed);
	c->send_errors =
	    atomic_load_explicit(&t->send_errors, memory_order_relaxed);
}

static void
log_target(struct fanout *f, size_t i, const char *what, time_t now)
{
	struct fanout_counts c;

	fanout_counts(f, i, &c);
	log_info("%s now=%lld target=%s offered=%" PRIu64 " sent=%" PRIu64
		 " queue_drops=%" PRIu64 " send_errors=%" PRIu64,
		 what, (long long)now, f->t[i].name, c.offered, c.sent,
		 c.queue_drops, c.send_errors);
}

void
fanout_statlog(struct fanout *f, time_t now)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		log_target(f, i, "FANOUT:", now);
}

void
fanout_close(struct fanout *f)
{
	struct ftarget *t;
	size_t i, left;
	uint64_t one = 1;

	if (f == NULL)
		return;
	if (f->started) {
		atomic_store(&f->stop, 1);
		if (write(f->evfd, &one, sizeof(one)) == -1 && errno != EAGAIN)
			log_warn("fanout: eventfd write");
		pthread_join(f->thread, NULL);
	}
	for (i = 0; i < f->n; i++) {
		t = &f->t[i];
		/* What the stop could not send in time is dropped: count it. */
		left = atomic_load(&t->head) - atomic_load(&t->tail);
		atomic_fetch_add(&t->queue_drops, (uint64_t)left);
		if (f->started)
			log_target(f, i, "fanout: at exit:", time(NULL));
		if (t->fd != -1)
			close(t->fd);
		if (t->rawfd != -1)
			close(t->rawfd);
		free(t->ring);
	}
	if (f->evfd != -1)
		close(f->evfd);
	free(f);
}
