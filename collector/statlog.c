/*
 * statlog: STAT lines, reject summaries and the warning rate limit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "exporter.h"
#include "log.h"
#include "statlog.h"
#include "writer.h"

struct stat_ctx {
	time_t now;
	time_t startup;
};

static void
stat_one(struct exporter *e, void *arg)
{
	const struct stat_ctx *c = arg;
	char src[64], dst[64];

	log_info("STAT: now=%lld startup=%lld src_ip=%s dst_ip=%s d_ver=%u "
		 "pkts=%" PRIu64 " flows=%" PRIu64 " lost=%" PRIu64
		 " reset=%" PRIu64 " filter_drops=0",
		 (long long)c->now, (long long)c->startup,
		 exp_addr_str(&e->src, src, sizeof(src)),
		 exp_addr_str(&e->dst, dst, sizeof(dst)), e->last_version,
		 e->pkts, e->flows, e->lost, e->resets);
}

void
statlog_write(struct exporter_table *t, const struct statlog_totals *tot,
	 const struct writer_stats *ws, time_t now)
{
	struct stat_ctx c = {now, tot->startup};
	uint64_t rejected = 0;
	int i;

	exporter_foreach(t, stat_one, &c);
	for (i = 1; i < DATAGRAM_NSTATUS; i++)
		rejected += tot->rejects[i];
	log_info("totals: now=%lld exporters=%zu rejected=%" PRIu64
		 " refused_exporters=%" PRIu64 " kernel_drops=%" PRIu64
		 " written=%" PRIu64 " write_dropped=%" PRIu64
		 " write_errors=%" PRIu64 " queue_waits=%" PRIu64
		 " files=%" PRIu64,
		 (long long)now, exporter_count(t), rejected, tot->refused,
		 tot->kernel_drops, ws->written, ws->dropped, ws->errors,
		 ws->waits, ws->files);
}

void
statlog_rejects(struct statlog_totals *tot)
{
	char line[512];
	size_t off = 0;
	uint64_t d;
	int i, k;

	line[0] = '\0';
	for (i = 1; i < DATAGRAM_NSTATUS; i++) {
		d = tot->rejects[i] - tot->logged[i];
		tot->logged[i] = tot->rejects[i];
		if (d == 0)
			continue;
		k = snprintf(line + off, sizeof(line) - off, " %s=%" PRIu64,
			     datagram_statname(i), d);
		if (k > 0 && (size_t)k < sizeof(line) - off)
			off += (size_t)k;
	}
	if (off > 0)
		log_warnx("rejected datagrams since the last report:%s", line);
}

int
statlog_may_warn(time_t now)
{
	static time_t window;
	static unsigned n, suppressed;

	if (now / 60 != window) {
		if (suppressed > 0)
			log_warnx("%u more warnings suppressed", suppressed);
		window = now / 60;
		n = suppressed = 0;
	}
	if (n < STATLOG_BURST) {
		n++;
		return 1;
	}
	suppressed++;
	return 0;
}
