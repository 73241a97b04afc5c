/*
 * statlog: STAT lines, reject summaries and the warning rate limit.
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "exporter.h"
#include "log.h"
#include "statlog.h"
#include "writer.h"
#include "zstream.h"

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

/* Append " name=v" to line at *off if v is not zero. */
static void
add_count(char *line, size_t len, size_t *off, const char *name, uint64_t v)
{
	int k;

	if (v == 0)
		return;
	k = snprintf(line + *off, len - *off, " %s=%" PRIu64, name, v);
	if (k > 0 && (size_t)k < len - *off)
		*off += (size_t)k;
}

static void
stat_ipfix(void *arg, const struct ipfixdec_source *src,
	   const struct ipfixdec_stats *st)
{
	const struct stat_ctx *c = arg;
	char addr[64], line[768];
	size_t off = 0;
	int i;

	line[0] = '\0';
	for (i = 0; i < IPFIXDEC_NREASON; i++)
		add_count(line, sizeof(line), &off, ipfixdec_reason_name(i),
			  st->reason[i]);
	if (inet_ntop(src->af == 6 ? AF_INET6 : AF_INET, src->addr, addr,
		      sizeof(addr)) == NULL)
		snprintf(addr, sizeof(addr), "?");
	log_info("STAT-V9-IPFIX: now=%lld src_ip=%s messages=%" PRIu64
		 " flows=%" PRIu64 " templates=%" PRIu64 " withdrawn=%" PRIu64
		 " lost=%" PRIu64 " late=%" PRIu64 "%s",
		 (long long)c->now, addr, st->messages, st->flows,
		 st->templates, st->withdrawn, st->lost, st->late, line);
}

void
statlog_write(struct exporter_table *t, const struct ipfixdec *dec,
	      const struct statlog_totals *tot, const struct writer_stats *ws,
	      time_t now)
{
	struct stat_ctx c = {now, tot->startup};
	uint64_t rejected = 0;
	int i;

	exporter_foreach(t, stat_one, &c);
	if (dec != NULL)
		ipfixdec_foreach(dec, stat_ipfix, &c);
	for (i = 1; i < DATAGRAM_NSTATUS; i++)
		rejected += tot->rejects[i];
	log_info("totals: now=%lld exporters=%zu rejected=%" PRIu64
		 " refused_exporters=%" PRIu64 " not_storable_v5=%" PRIu64
		 " kernel_drops=%" PRIu64 " written=%" PRIu64
		 " write_dropped=%" PRIu64 " write_errors=%" PRIu64
		 " queue_waits=%" PRIu64 " files=%" PRIu64
		 " compression=%s compression_slower=%" PRIu64
		 " compression_faster=%" PRIu64 " compression_stored=%" PRIu64,
		 (long long)now, exporter_count(t), rejected, tot->refused,
		 tot->not_v5, tot->kernel_drops, ws->written, ws->dropped,
		 ws->errors, ws->waits, ws->files,
		 ws->speed < 0 ? "fixed" : zstream_speed_name(ws->speed),
		 ws->slower, ws->faster, ws->stored);
}

/*
 * The wording says what was counted: "unknown-version=5" is five
 * datagrams of a version we do not know, not NetFlow v5 refused (which is
 * how "version=5" read).
 */
void
statlog_rejects(struct statlog_totals *tot, const struct ipfixdec *dec)
{
	struct ipfixdec_stats st;
	char line[768];
	size_t off = 0;
	int i;

	line[0] = '\0';
	for (i = 1; i < DATAGRAM_NSTATUS; i++) {
		add_count(line, sizeof(line), &off, datagram_statname(i),
			  tot->rejects[i] - tot->logged[i]);
		tot->logged[i] = tot->rejects[i];
	}
	if (off > 0)
		log_warnx("datagrams rejected since the last report, number "
			  "by reason:%s",
			  line);
	if (dec != NULL) {
		ipfixdec_total(dec, &st);
		off = 0;
		line[0] = '\0';
		for (i = 0; i < IPFIXDEC_NREASON; i++) {
			add_count(line, sizeof(line), &off,
				  ipfixdec_reason_name(i),
				  st.reason[i] - tot->ipfix_logged[i]);
			tot->ipfix_logged[i] = st.reason[i];
		}
		if (off > 0)
			log_warnx("v9/IPFIX problems since the last report, "
				  "number by reason:%s",
				  line);
	}
	if (tot->not_v5 > tot->not_v5_logged) {
		log_warnx(
		    "IPv6 flows not storable in v5 files (-V 5) since the "
		    "last report: %" PRIu64 " (counted, not stored)",
		    tot->not_v5 - tot->not_v5_logged);
		tot->not_v5_logged = tot->not_v5;
	}
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
