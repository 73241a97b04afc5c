/*
 * export: the table of export versions, the record queue and the UDP
 * destinations.
 *
 * Time in the datagram header follows the sensor clock, which is the
 * packet clock: sys_uptime is ms since the first packet, unix_secs/nsecs
 * the packet time of the export, and First/Last are relative to that
 * uptime.  An offline run therefore exports the capture's own times.
 * flow_sequence counts the flows sent before this datagram.
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
#include "parse.h"
#include "v5.h"

struct export;

/* How far from the header's uptime a First/Last stamp may lie, in ms. */
#define UPTIME_REACH_MS	INT64_C(0x7fffffff)

/* One export format: how many records fit, how to encode them. */
struct export_version {
	int	 version;
	size_t	 maxrecs;
	int	 (*accepts)(int af);
	size_t	 (*encode)(struct export *, uint8_t *out, size_t cap,
		     int64_t now_ms, int64_t boot_ms);
};

struct export {
	const struct export_version *ver;
	struct export_dest	 dests[EXPORT_MAXDEST];
	size_t			 ndests;
	struct flowrec		 queue[V5_MAXRECS];
	size_t			 nqueued;
	int64_t			 oldest_ms;	/* min first_ms queued */
	int64_t			 newest_ms;	/* max last_ms queued */
	uint32_t		 sequence;	/* flows sent so far, mod 2^32 */
	uint8_t			 engine_type, engine_id;
	uint16_t		 sampling;
	export_sink		 sink;
	void			*sink_arg;
	struct export_stats	 st;
};

static int
v5_accepts(int af)
{
	return af == 4;
}

static size_t
v5_build(struct export *ex, uint8_t *out, size_t cap, int64_t now_ms,
    int64_t boot_ms)
{
	struct v5_header h;
	struct v5_record recs[V5_MAXRECS];
	size_t i;

	memset(&h, 0, sizeof(h));
	h.version = 5;
	h.count = (uint16_t)ex->nqueued;
	h.sys_uptime = (uint32_t)(uint64_t)(now_ms - boot_ms);
	h.unix_secs = (uint32_t)(now_ms / 1000);
	h.unix_nsecs = (uint32_t)(now_ms % 1000) * 1000000;
	h.flow_sequence = ex->sequence;
	h.engine_type = ex->engine_type;
	h.engine_id = ex->engine_id;
	h.sampling = ex->sampling;
	for (i = 0; i < ex->nqueued; i++)
		v5_from_flowrec(&ex->queue[i], &h, &recs[i]);
	return v5_encode(&h, recs, out, cap);
}

static const struct export_version versions[] = {
	{ 5, V5_MAXRECS, v5_accepts, v5_build },
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
	return "5";
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
export_set_sampling(struct export *ex, uint16_t field)
{
	ex->sampling = field;
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
	uint8_t dgram[V5_MAXLEN];
	size_t len, i;
	struct export_dest *d;

	if (ex->nqueued == 0)
		return;
	if (now_ms - ex->oldest_ms > UPTIME_REACH_MS)
		now_ms = ex->newest_ms;
	len = ex->ver->encode(ex, dgram, sizeof(dgram), now_ms, boot_ms);
	if (len > 0) {
		ex->st.datagrams++;
		ex->st.flows += ex->nqueued;
		if (ex->sink != NULL)
			ex->sink(ex->sink_arg, dgram, len);
		for (i = 0; i < ex->ndests; i++) {
			d = &ex->dests[i];
			if (send(d->fd, dgram, len, 0) == (ssize_t)len) {
				d->datagrams++;
				d->flows += ex->nqueued;
			} else {
				d->failures++;
				ex->st.failures++;
			}
		}
	}
	ex->sequence += (uint32_t)ex->nqueued;
	ex->nqueued = 0;
}

int
export_flow(struct export *ex, const struct flowrec *r, int af,
    int64_t now_ms, int64_t boot_ms)
{
	if (!ex->ver->accepts(af)) {
		ex->st.unexportable++;
		return -1;
	}
	/* Flows too far apart for one header's uptime go out separately. */
	if (ex->nqueued > 0 &&
	    (r->last_ms - ex->oldest_ms > UPTIME_REACH_MS ||
	     ex->newest_ms - r->first_ms > UPTIME_REACH_MS))
		export_flush(ex, now_ms, boot_ms);
	if (ex->nqueued == 0 || r->first_ms < ex->oldest_ms)
		ex->oldest_ms = r->first_ms;
	if (ex->nqueued == 0 || r->last_ms > ex->newest_ms)
		ex->newest_ms = r->last_ms;
	ex->queue[ex->nqueued++] = *r;
	if (ex->nqueued == ex->ver->maxrecs)
		export_flush(ex, now_ms, boot_ms);
	return 0;
}

const struct export_stats *
export_stats(const struct export *ex)
{
	return &ex->st;
}
