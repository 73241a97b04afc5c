/*
 * listen: UDP sockets, socket buffers and recvmmsg().
 *
 * A large receive buffer is what keeps a burst (softflowd's final export
 * of a whole capture arrives in one go) from being dropped by the kernel
 * while the receive thread is busy, so we ask for it with SO_RCVBUFFORCE
 * first (it ignores net.core.rmem_max, but needs CAP_NET_ADMIN) and fall
 * back to SO_RCVBUF.  Linux reports twice the usable size; we log the
 * figure it reports, as it is what the kernel charges against.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sock_diag.h>
#endif

#include "listen.h"
#include "log.h"

/* Room for IP(V6)_PKTINFO and SO_RXQ_OVFL control messages. */
#define LISTEN_CMSGSZ 128

struct lsock {
	int fd;
	int family;
	struct sockaddr_storage remote; /* AF_UNSPEC: accept everyone */
	uint32_t drops;			/* latest SO_RXQ_OVFL value */
};

struct listener {
	struct lsock socks[LISTEN_MAXSOCK];
	size_t nsocks;
	struct mmsghdr hdrs[LISTEN_VLEN];
	struct iovec iovs[LISTEN_VLEN];
	struct sockaddr_storage names[LISTEN_VLEN];
	uint8_t cbufs[LISTEN_VLEN][LISTEN_CMSGSZ];
	uint8_t bufs[LISTEN_VLEN][LISTEN_BUFSZ];
	struct listen_msg msgs[LISTEN_VLEN];
};

static void
listen_rcvbuf(int fd, int want, const char *what)
{
	int got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) ==
		-1 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) == -1)
		log_warn("setsockopt(SO_RCVBUF, %d) on %s", want, what);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0)
		log_info("%s: receive buffer asked %d bytes, kernel granted %d",
			 what, want, got);
	if (got < want)
		log_warnx("%s: receive buffer smaller than asked; raise "
			  "net.core.rmem_max or run as root",
			  what);
}

/* Open one socket of family fam bound to local (or the wildcard). */
static int
listen_one(struct listener *l, const struct capspec *cs, int fam, int rcvbuf)
{
	struct sockaddr_storage ss;
	struct lsock *s;
	socklen_t sslen;
	char what[INET6_ADDRSTRLEN + 16], host[INET6_ADDRSTRLEN];
	int fd, on = 1;

	if (l->nsocks == LISTEN_MAXSOCK) {
		log_warnx("too many listening sockets (at most %d)",
			  LISTEN_MAXSOCK);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (cs->local.ss_family != AF_UNSPEC)
		memcpy(&ss, &cs->local, sizeof(ss));
	ss.ss_family = fam;
	if (fam == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = htons(cs->port);
		sslen = sizeof(struct sockaddr_in);
		inet_ntop(fam, &((struct sockaddr_in *)&ss)->sin_addr, host,
			  sizeof(host));
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(cs->port);
		sslen = sizeof(struct sockaddr_in6);
		inet_ntop(fam, &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
			  sizeof(host));
	}
	snprintf(what, sizeof(what), fam == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 host, cs->port);
	if ((fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) ==
	    -1) {
		log_warn("socket for %s", what);
		return -1;
	}
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		log_warn("bind %s", what);
		close(fd);
		return -1;
	}
	if (fam == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
	listen_rcvbuf(fd, rcvbuf, what);
	s = &l->socks[l->nsocks++];
	s->fd = fd;
	s->family = fam;
	s->remote = cs->remote;
	log_info("listening on %s", what);
	return 0;
}

struct listener *
listen_open(const struct capspec *specs, size_t n, int rcvbuf)
{
	struct listener *l;
	size_t i;
	int fam;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		log_warn("listen_open");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const struct capspec *cs = &specs[i];

		fam = cs->local.ss_family;
		if (fam == AF_UNSPEC)
			fam = cs->remote.ss_family;
		if (fam != AF_UNSPEC) {
			if (listen_one(l, cs, fam, rcvbuf) == -1)
				goto fail;
			continue;
		}
		/* Wildcard on both sides: IPv4, and IPv6 if the host has it. */
		if (listen_one(l, cs, AF_INET, rcvbuf) == -1)
			goto fail;
		if (listen_one(l, cs, AF_INET6, rcvbuf) == -1)
			log_info("no IPv6 socket for port %u; IPv4 only",
				 cs->port);
	}
	for (i = 0; i < LISTEN_VLEN; i++) {
		l->iovs[i].iov_base = l->bufs[i];
		l->iovs[i].iov_len = LISTEN_BUFSZ;
	}
	return l;
fail:
	listen_close(l);
	return NULL;
}

void
listen_close(struct listener *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nsocks; i++)
		close(l->socks[i].fd);
	free(l);
}

size_t
listen_pollfds(struct listener *l, struct pollfd *pfd, size_t max)
{
	size_t i;

	for (i = 0; i < l->nsocks && i < max; i++) {
		pfd[i].fd = l->socks[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return i;
}

/* Does the socket's remote filter accept this source? */
static int
listen_accepts(const struct lsock *s, const struct sockaddr_storage *src)
{
	struct exp_addr want, got;

	if (s->remote.ss_family == AF_UNSPEC)
		return 1;
	exp_addr_from_sa(&want, (const struct sockaddr *)&s->remote);
	exp_addr_from_sa(&got, (const struct sockaddr *)src);
	return memcmp(&want, &got, sizeof(want)) == 0;
}

/* Pick the local address and the drop counter out of the control data. */
static void
listen_cmsgs(struct lsock *s, struct msghdr *mh, struct exp_addr *dst)
{
	struct cmsghdr *cm;

	memset(dst, 0, sizeof(*dst));
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			exp_addr_set(dst, AF_INET, &pi.ipi_addr);
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi6;

			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			exp_addr_set(dst, AF_INET6, &pi6.ipi6_addr);
		} else if (cm->cmsg_level == SOL_SOCKET &&
			   cm->cmsg_type == SO_RXQ_OVFL)
			memcpy(&s->drops, CMSG_DATA(cm), sizeof(s->drops));
	}
}

int
listen_recv(struct listener *l, size_t i, struct listen_msg **msgs)
{
	struct lsock *s;
	int n, k;

	if (i >= l->nsocks)
		return -1;
	s = &l->socks[i];
	for (k = 0; k < LISTEN_VLEN; k++) {
		struct msghdr *mh = &l->hdrs[k].msg_hdr;

		mh->msg_name = &l->names[k];
		mh->msg_namelen = sizeof(l->names[k]);
		mh->msg_iov = &l->iovs[k];
		mh->msg_iovlen = 1;
		mh->msg_control = l->cbufs[k];
		mh->msg_controllen = LISTEN_CMSGSZ;
		mh->msg_flags = 0;
	}
	n = recvmmsg(s->fd, l->hdrs, LISTEN_VLEN, MSG_DONTWAIT, NULL);
	if (n == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK ||
			errno == EINTR)
			   ? 0
			   : -1;
	for (k = 0; k < n; k++) {
		struct listen_msg *m = &l->msgs[k];
		struct msghdr *mh = &l->hdrs[k].msg_hdr;

		m->data = l->bufs[k];
		m->len = l->hdrs[k].msg_len;
		m->truncated = (mh->msg_flags & MSG_TRUNC) != 0;
		if (m->len > LISTEN_BUFSZ)
			m->len = LISTEN_BUFSZ;
		m->filtered = !listen_accepts(s, &l->names[k]);
		exp_addr_from_sa(&m->src, (struct sockaddr *)&l->names[k]);
		m->sport =
		    l->names[k].ss_family == AF_INET6
			? ntohs(
			      ((struct sockaddr_in6 *)&l->names[k])->sin6_port)
			: ntohs(((struct sockaddr_in *)&l->names[k])->sin_port);
		listen_cmsgs(s, mh, &m->dst);
	}
	*msgs = l->msgs;
	return n;
}

unsigned
listen_fill(const struct listener *l, size_t i, unsigned scale)
{
#if defined(__linux__) && defined(SO_MEMINFO)
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (i >= l->nsocks ||
	    getsockopt(l->socks[i].fd, SOL_SOCKET, SO_MEMINFO, mi, &len) ==
		-1 ||
	    len < sizeof(mi) || mi[SK_MEMINFO_RCVBUF] == 0)
		return 0;
	return (unsigned)((uint64_t)mi[SK_MEMINFO_RMEM_ALLOC] * scale /
			  mi[SK_MEMINFO_RCVBUF]);
#else
	(void)l, (void)i, (void)scale;
	return 0;
#endif
}

uint64_t
listen_kernel_drops(const struct listener *l)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < l->nsocks; i++)
		total += l->socks[i].drops;
	return total;
}
