/*
 * export: the table of export versions, the record queue and the UDP
 * destinations.
 *
 * Time in the datagram header follows the sensor clock, which is the
 * packet clock: sys_uptime is ms since the first packet, unix_secs/nsecs
 * the packet time of the export, and First/Last are relative to that
 * uptime.  An offline run therefore exports the capture's own times.
 *
 * Sequence numbers, each as its RFC says: v5's flow_sequence counts the
 * flows sent before this datagram; v9's counts the export packets sent
 * before it (RFC 3954 5.1); IPFIX's the data records sent before it
 * (RFC 7011 3.1): flow records and the sampling options record, not
 * template records.
 *
 * A v9 or IPFIX record is queued only if the message would still fit the
 * datagram size with it; otherwise the queue goes out first.  When the
 * templates are due but do not fit beside the queued records, they go in
 * a message of their own just before.
 *
 * A collector reads First/Last modulo 2^32 and takes them to lie less than
 * 2^31 ms (24.8 days) from the header's uptime (common/flowrec.h), which is
 * what undoes the uptime wrap.  A capture with a gap of months expires its
 * old flows only at the next packet, far later: such flows are sent in a
 * datagram of their own, dated at their own last packet instead of "now".
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "log.h"
#include "parse.h"
#include "v5.h"

/* The most records one datagram of EXPORT_MAX_MTU bytes can hold. */
#define MAXQUEUE ((EXPORT_MAX_MTU - NF9_HDRLEN) / 49 + 1)

/* How far from the header's uptime a First/Last stamp may lie, in ms. */
#define UPTIME_REACH_MS INT64_C(0x7fffffff)

/* One export format: how many records fit, how to send them. */
struct export_version {
	int version;
	size_t maxrecs; /* queue bound; v9/IPFIX also check bytes */
	int (*accepts)(int af);
	void (*flush)(struct export *, int64_t now_ms, int64_t boot_ms,
		      int templates);
};

struct export
{
	const struct export_version *ver;
	struct export_dest dests[EXPORT_MAXDEST];
	size_t ndests;
	struct ipfix_rec queue[MAXQUEUE];
	size_t nqueued;
	size_t nq[2];	   /* queued IPv4, IPv6 */
	int64_t oldest_ms; /* min first_ms queued */
	int64_t newest_ms; /* max last_ms queued */
	uint32_t sequence; /* per version: see above */
	uint8_t engine_type, engine_id;
	uint32_t domain;
	int domain_set;
	uint32_t sampling; /* -s rate */
	int vlan, ether;
	size_t reclen[2]; /* v9/IPFIX IPv4, IPv6 record */
	size_t mtu;
	uint32_t tpl_packets, tpl_secs;
	uint32_t since_tpl; /* messages since templates */
	int64_t tpl_ms;	    /* when templates last went */
	int tpl_sent;	    /* ever */
	int v6_logged;
	export_sink sink;
	void *sink_arg;
	struct export_stats st;
	uint8_t dgram[EXPORT_MAX_MTU];
};

/* One datagram to every destination, counted. */
static void
send_all(struct export *ex, const uint8_t *d, size_t len, size_t nflows,
	 int templates)
{
	struct export_dest *dst;
	size_t i;

	ex->st.datagrams++;
	ex->st.flows += nflows;
	ex->st.template_msgs += templates != 0;
	if (ex->sink != NULL)
		ex->sink(ex->sink_arg, d, len);
	for (i = 0; i < ex->ndests; i++) {
		dst = &ex->dests[i];
		if (send(dst->fd, d, len, 0) == (ssize_t)len) {
			dst->datagrams++;
			dst->flows += nflows;
			ex->st.records += nflows;
			dst->templates_v4 += templates != 0;
			dst->templates_v6 += templates != 0;
		} else {
			dst->failures++;
			ex->st.failures++;
		}
	}
}

static int
v5_accepts(int af)
{
	return af == 4;
}

static uint32_t
addr4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	       (uint32_t)a[2] << 8 | a[3];
}

static void
v5_flush(struct export *ex, int64_t now_ms, int64_t boot_ms, int templates)
{
	struct v5_header h;
	struct v5_record recs[V5_MAXRECS];
	struct flowrec r;
	const struct ipfix_rec *q;
	size_t i, len;

	(void)templates;
	memset(&h, 0, sizeof(h));
	h.version = 5;
	h.count = (uint16_t)ex->nqueued;
	h.sys_uptime = (uint32_t)(uint64_t)(now_ms - boot_ms);
	h.unix_secs = (uint32_t)(now_ms / 1000);
	h.unix_nsecs = (uint32_t)(now_ms % 1000) * 1000000;
	h.flow_sequence = ex->sequence;
	h.engine_type = ex->engine_type;
	h.engine_id = ex->engine_id;
	h.sampling = v5_sampling_field(ex->sampling);
	for (i = 0; i < ex->nqueued; i++) {
		q = &ex->queue[i];
		memset(&r, 0, sizeof(r));
		r.packets = q->packets;
		r.bytes = q->bytes;
		r.first_ms = q->first_ms;
		r.last_ms = q->last_ms;
		r.srcaddr = addr4(q->src);
		r.dstaddr = addr4(q->dst);
		r.srcport = q->sport;
		r.dstport = q->dport;
		r.input = (uint16_t)q->input;
		r.output = (uint16_t)q->output;
		r.proto = q->proto;
		r.tos = q->tos;
		r.tcp_flags = q->tcp_flags;
		v5_from_flowrec(&r, &h, &recs[i]);
	}
	if ((len = v5_encode(&h, recs, ex->dgram, sizeof(ex->dgram))) > 0)
		send_all(ex, ex->dgram, len, ex->nqueued, 0);
	ex->sequence += (uint32_t)ex->nqueued;
}

static int
any_accepts(int af)
{
	return af == 4 || af == 6;
}

static void
msg_init(const struct export *ex, struct ipfix_msg *m, int64_t now_ms,
	 int64_t boot_ms, int templates)
{
	memset(m, 0, sizeof(*m));
	m->version = ex->ver->version;
	m->vlan = ex->vlan;
	m->ether = ex->ether;
	m->templates = templates;
	m->sampling = ex->sampling;
	m->now_ms = now_ms;
	m->boot_ms = boot_ms;
	m->sequence = ex->sequence;
	m->domain = ex->domain_set ? ex->domain : ex->engine_id;
}

/* One v9/IPFIX message of the first n queued records. */
static void
tpl_send(struct export *ex, size_t n, int64_t now_ms, int64_t boot_ms,
	 int templates)
{
	struct ipfix_msg m;
	size_t len;

	msg_init(ex, &m, now_ms, boot_ms, templates);
	len = ipfix_encode(&m, ex->queue, n, ex->dgram, ex->mtu, NULL);
	if (len == 0) {
		/* Cannot happen: every record was queued only if it fit. */
		log_warnx("export: a v%d message of %zu records does not fit "
			  "%zu bytes; dropped",
			  m.version, n, ex->mtu);
		return;
	}
	send_all(ex, ex->dgram, len, n, templates);
	if (templates) {
		ex->tpl_sent = 1;
		ex->tpl_ms = now_ms;
		ex->since_tpl = 0;
	} else
		ex->since_tpl++;
	/* The sampling options record is an IPFIX data record too. */
	ex->sequence += m.version == NF9_VERSION
			    ? 1
			    : (uint32_t)n + (templates && m.sampling > 1);
}

static int
templates_due(const struct export *ex, int64_t now_ms)
{
	return !ex->tpl_sent ||
	       (ex->tpl_packets > 0 && ex->since_tpl >= ex->tpl_packets) ||
	       (ex->tpl_secs > 0 &&
		now_ms - ex->tpl_ms >= (int64_t)ex->tpl_secs * 1000);
}

/* Bytes of a message with the queued records (and n4/n6 more). */
static size_t
tpl_size(const struct export *ex, int templates, size_t n4, size_t n6)
{
	struct ipfix_msg m;

	msg_init(ex, &m, 0, 0, templates);
	return ipfix_overhead(&m) +
	       ipfix_setlen(ex->nq[0] + n4, ex->reclen[0]) +
	       ipfix_setlen(ex->nq[1] + n6, ex->reclen[1]);
}

static void
tpl_flush(struct export *ex, int64_t now_ms, int64_t boot_ms, int templates)
{
	templates = templates || templates_due(ex, now_ms);
	if (templates && tpl_size(ex, 1, 0, 0) > ex->mtu) {
		tpl_send(ex, 0, now_ms, boot_ms, 1);
		templates = 0;
	}
	if (ex->nqueued > 0 || templates)
		tpl_send(ex, ex->nqueued, now_ms, boot_ms, templates);
}

static const struct export_version versions[] = {
    {5, V5_MAXRECS, v5_accepts, v5_flush},
    {NF9_VERSION, MAXQUEUE, any_accepts, tpl_flush},
    {IPFIX_VERSION, MAXQUEUE, any_accepts, tpl_flush},
};

static const struct export_version *
find_version(int version)
{
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (versions[i].version == version)
			return &versions[i];
	return NULL;
}

int
export_version_supported(int version)
{
	return find_version(version) != NULL;
}

const char *
export_versions(void)
{
	return "5, 9, 10 (or ipfix)";
}

int
export_version_parse(const char *s, int *version)
{
	uint64_t v;

	if (strcmp(s, "ipfix") == 0) {
		*version = IPFIX_VERSION;
		return 0;
	}
	if (parse_u64(s, 1, 65535, &v) == -1 ||
	    !export_version_supported((int)v))
		return -1;
	*version = (int)v;
	return 0;
}

int
export_version(const struct export *ex)
{
	return ex->ver->version;
}

struct export *
export_new(int version)
{
	const struct export_version *v;
	struct export *ex;

	if ((v = find_version(version)) == NULL)
		return NULL;
	if ((ex = calloc(1, sizeof(*ex))) == NULL)
		return NULL;
	ex->ver = v;
	export_set_keys(ex, 0, 0);
	ex->mtu = EXPORT_DEFAULT_MTU;
	ex->tpl_packets = EXPORT_DEFAULT_TPL_PACKETS;
	ex->tpl_secs = EXPORT_DEFAULT_TPL_SECS;
	return ex;
}

void
export_free(struct export *ex)
{
	size_t i;

	if (ex == NULL)
		return;
	for (i = 0; i < ex->ndests; i++)
		close(ex->dests[i].fd);
	free(ex);
}

void
export_set_engine(struct export *ex, uint8_t type, uint8_t id)
{
	ex->engine_type = type;
	ex->engine_id = id;
}

void
export_set_domain(struct export *ex, uint32_t domain)
{
	ex->domain = domain;
	ex->domain_set = 1;
}

void
export_set_sampling(struct export *ex, uint32_t rate)
{
	ex->sampling = rate;
}

/* The record lengths are kept: export_flow() sizes the message per flow. */
void
export_set_keys(struct export *ex, int vlan, int ether)
{
	ex->vlan = vlan != 0;
	ex->ether = ether != 0;
	ex->reclen[0] = ipfix_reclen(ex->ver->version, ex->vlan, ex->ether, 4);
	ex->reclen[1] = ipfix_reclen(ex->ver->version, ex->vlan, ex->ether, 6);
}

int
export_set_mtu(struct export *ex, size_t bytes)
{
	if (bytes < EXPORT_MIN_MTU || bytes > EXPORT_MAX_MTU)
		return -1;
	ex->mtu = bytes;
	return 0;
}

void
export_set_refresh(struct export *ex, uint32_t packets, uint32_t secs)
{
	ex->tpl_packets = packets;
	ex->tpl_secs = secs;
}

void
export_set_sink(struct export *ex, export_sink fn, void *arg)
{
	ex->sink = fn;
	ex->sink_arg = arg;
}

static int
add_dest(struct export *ex, const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct export_dest *d;
	int fd;

	if (ex->ndests == EXPORT_MAXDEST) {
		errno = ENOSPC;
		return -1;
	}
	if (parse_hostport(spec, &ss, &sslen) == -1) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* Connected, so the kernel picks the source address once. */
	if (connect(fd, (struct sockaddr *)&ss, sslen) == -1) {
		close(fd);
		return -1;
	}
	d = &ex->dests[ex->ndests++];
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	snprintf(d->name, sizeof(d->name), "%s", spec);
	return 0;
}

int
export_parse_dests(struct export *ex, const char *spec, const char **bad)
{
	char part[256];
	const char *p = spec, *comma;
	size_t n;

	while (*p != '\0') {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(part)) {
			errno = EINVAL;
			if (bad != NULL)
				*bad = p;
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		if (add_dest(ex, part) == -1) {
			if (bad != NULL)
				*bad = p;
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

size_t
export_ndests(const struct export *ex)
{
	return ex->ndests;
}

const struct export_dest *
export_dest(const struct export *ex, size_t i)
{
	return i < ex->ndests ? &ex->dests[i] : NULL;
}

void
export_flush(struct export *ex, int64_t now_ms, int64_t boot_ms)
{
	if (ex->nqueued == 0)
		return;
	if (now_ms - ex->oldest_ms > UPTIME_REACH_MS)
		now_ms = ex->newest_ms;
	ex->ver->flush(ex, now_ms, boot_ms, 0);
	ex->nqueued = ex->nq[0] = ex->nq[1] = 0;
}

int
export_send_templates(struct export *ex, int64_t now_ms, int64_t boot_ms)
{
	if (ex->ver->flush == v5_flush)
		return -1;
	ex->ver->flush(ex, now_ms, boot_ms, 1);
	ex->nqueued = ex->nq[0] = ex->nq[1] = 0;
	return 0;
}

int
export_flow(struct export *ex, const struct ipfix_rec *r, int64_t now_ms,
	    int64_t boot_ms)
{
	int v6 = r->af == 6;

	if (!ex->ver->accepts(r->af)) {
		ex->st.unexportable++;
		if (!ex->v6_logged) {
			log_info(
			    "IPv6 flows cannot be exported in NetFlow "
			    "v%d: they are counted as not exportable; -v 10 "
			    "(IPFIX) or -v 9 exports them",
			    ex->ver->version);
			ex->v6_logged = 1;
		}
		return -1;
	}
	/* v9/IPFIX: the record must fit beside the queue (templates aside). */
	if (ex->ver->flush == tpl_flush && ex->nqueued > 0 &&
	    tpl_size(ex, 0, !v6, v6) > ex->mtu)
		export_flush(ex, now_ms, boot_ms);
	/* Flows too far apart for one header's uptime go out separately. */
	if (ex->nqueued > 0 && (r->last_ms - ex->oldest_ms > UPTIME_REACH_MS ||
				ex->newest_ms - r->first_ms > UPTIME_REACH_MS))
		export_flush(ex, now_ms, boot_ms);
	if (ex->nqueued == 0 || r->first_ms < ex->oldest_ms)
		ex->oldest_ms = r->first_ms;
	if (ex->nqueued == 0 || r->last_ms > ex->newest_ms)
		ex->newest_ms = r->last_ms;
	ex->queue[ex->nqueued++] = *r;
	ex->nq[v6]++;
	if (ex->nqueued == ex->ver->maxrecs)
		export_flush(ex, now_ms, boot_ms);
	return 0;
}

const struct export_stats *
export_stats(const struct export *ex)
{
	return &ex->st;
}
