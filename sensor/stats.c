/*
 * stats: rendering the sensor's counters.
 *
 * The text form keeps softflowctl's wording for the lines its users grep
 * ("Number of active flows", "Packets processed", "Flows exported: N (N
 * records) in M packets (F failures)": N flows expired and exported, N
 * records that reached a destination's socket, counted once per
 * destination) and adds what softflowd hides: bad
 * headers and MPLS apart from non-IP, IPv6 that v5 cannot carry, per
 * destination send counters.  The JSON form has the same numbers under
 * stable keys.
 */
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "outbuf.h"
#include "proto.h"
#include "stats.h"

uint64_t
stats_expired_total(const struct sensor_stats *st)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < EXR_N; i++)
		n += st->expired[i];
	return n;
}

/* A scalar line: text label, JSON key, value. */
struct field {
	const char *label;
	const char *key;
	uint64_t (*get)(const struct stats_view *);
};

#define GETTER(name, expr)                                                     \
	static uint64_t name(const struct stats_view *v)                       \
	{                                                                      \
		(void)v;                                                       \
		return (uint64_t)(expr);                                       \
	}

GETTER(g_active, v->active_flows)
GETTER(g_maxflows, v->max_flows)
GETTER(g_maxoneway, v->max_oneway)
GETTER(g_memory, v->memory)
GETTER(g_packets, v->st->packets)
GETTER(g_sampled, v->st->sampled_out)
GETTER(g_paused, v->st->not_gathered)
GETTER(g_frag, v->st->fragments)
GETTER(g_nonip, v->st->decoded[PACKET_NONIP])
GETTER(g_mpls, v->st->decoded[PACKET_MPLS])
GETTER(g_short, v->st->decoded[PACKET_SHORT])
GETTER(g_badhdr, v->st->decoded[PACKET_BADHDR])
GETTER(g_l4cut, v->st->l4cut)
GETTER(g_back, v->st->clock_backwards)
GETTER(g_v4p, v->st->v4_packets)
GETTER(g_v4b, v->st->v4_bytes)
GETTER(g_v6p, v->st->v6_packets)
GETTER(g_v6b, v->st->v6_bytes)
GETTER(g_v6f, v->st->v6_flows)
GETTER(g_mplsip, v->st->mpls_ip)
GETTER(g_created, v->st->flows_created)
GETTER(g_expired, stats_expired_total(v->st))
GETTER(g_forced, v->st->expired[EXR_FORCED])
GETTER(g_exflows, v->ex ? export_stats(v->ex)->flows : 0)
GETTER(g_exdgrams, v->ex ? export_stats(v->ex)->datagrams : 0)
GETTER(g_exfail, v->ex ? export_stats(v->ex)->failures : 0)
GETTER(g_unexp, v->ex ? export_stats(v->ex)->unexportable : 0)
GETTER(g_exver, v->ex ? export_version(v->ex) : 0)
GETTER(g_extpl, v->ex ? export_stats(v->ex)->template_msgs : 0)

static const struct field fields[] = {
    {"Number of active flows", "active_flows", g_active},
    {"Maximum flows (-m, conversations)", "max_flows", g_maxflows},
    {"Maximum one-way flows (2 x -m)", "max_oneway_flows", g_maxoneway},
    {"Flow table memory (bytes)", "flow_table_bytes", g_memory},
    {"Packets processed", "packets", g_packets},
    {"Packets skipped by sampling", "sampled_out", g_sampled},
    {"Packets discarded (stop-gather)", "not_gathered", g_paused},
    {"Fragments", "fragments", g_frag},
    {"Ignored packets: non-IP", "ignored_nonip", g_nonip},
    {"Ignored packets: MPLS, not IP", "ignored_mpls", g_mpls},
    {"Ignored packets: too short", "ignored_short", g_short},
    {"Ignored packets: bad IP header", "ignored_bad_header", g_badhdr},
    {"Transport header cut off (counted)", "transport_cut", g_l4cut},
    {"Timestamps before the clock", "clock_backwards", g_back},
    {"IPv4 packets counted", "ipv4_packets", g_v4p},
    {"IPv4 bytes counted", "ipv4_bytes", g_v4b},
    {"IPv6 packets counted", "ipv6_packets", g_v6p},
    {"IPv6 bytes counted", "ipv6_bytes", g_v6b},
    {"IP packets under MPLS (counted)", "mpls_ip_packets", g_mplsip},
    {"IPv6 flows expired", "ipv6_flows", g_v6f},
    {"IPv6 flows not exportable in v5", "unexportable_flows", g_unexp},
    {"Flows created", "flows_created", g_created},
    {"Flows expired", "flows_expired", g_expired},
    {"Flows expired (forced, table full)", "flows_forced", g_forced},
    {"Flows exported", "flows_exported", g_exflows},
    {"Export datagrams", "export_datagrams", g_exdgrams},
    {"Export failures", "export_failures", g_exfail},
    {"Export version", "export_version", g_exver},
    {"Export datagrams with templates", "export_template_datagrams", g_extpl},
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static void
render_text(struct outbuf *o, const struct stats_view *v)
{
	const struct sensor_stats *st = v->st;
	const struct export_stats *es = v->ex ? export_stats(v->ex) : NULL;
	const struct export_dest *d;
	char name[32];
	size_t i;
	int p;

	outbuf_printf(o, "nfsensord statistics (%s):\n",
		      v->source ? v->source : "-");
	outbuf_printf(o, "Number of active flows: %u\n", v->active_flows);
	outbuf_printf(o, "Maximum flows: %u conversations (%u one-way flows)\n",
		      v->max_flows, v->max_oneway);
	outbuf_printf(o, "Packets processed: %llu\n",
		      (unsigned long long)st->packets);
	outbuf_printf(o, "Fragments: %llu\n",
		      (unsigned long long)st->fragments);
	outbuf_printf(o,
		      "Ignored packets: %llu (%llu non-IP, %llu too short, "
		      "%llu bad header, %llu MPLS not IP)\n",
		      (unsigned long long)(st->decoded[PACKET_NONIP] +
					   st->decoded[PACKET_SHORT] +
					   st->decoded[PACKET_BADHDR] +
					   st->decoded[PACKET_MPLS]),
		      (unsigned long long)st->decoded[PACKET_NONIP],
		      (unsigned long long)st->decoded[PACKET_SHORT],
		      (unsigned long long)st->decoded[PACKET_BADHDR],
		      (unsigned long long)st->decoded[PACKET_MPLS]);
	outbuf_printf(o, "Flows expired: %llu (%llu forced)\n",
		      (unsigned long long)stats_expired_total(st),
		      (unsigned long long)st->expired[EXR_FORCED]);
	outbuf_printf(o,
		      "Flows exported: %llu (%llu records) in %llu packets "
		      "(%llu failures)\n",
		      (unsigned long long)(es ? es->flows : 0),
		      (unsigned long long)(es ? es->records : 0),
		      (unsigned long long)(es ? es->datagrams : 0),
		      (unsigned long long)(es ? es->failures : 0));
	if (v->have_pcap) {
		outbuf_printf(o, "Packets received by libpcap: %llu\n",
			      (unsigned long long)v->pcap_recv);
		outbuf_printf(o, "Packets dropped by libpcap: %llu\n",
			      (unsigned long long)v->pcap_drop);
		outbuf_printf(o, "Packets dropped by interface: %llu\n",
			      (unsigned long long)v->pcap_ifdrop);
	}
	if (v->have_ctl)
		outbuf_printf(
		    o,
		    "Control connections: %llu accepted, %llu "
		    "evicted, %llu refused, %llu timed out, %llu malformed\n",
		    (unsigned long long)v->ctl_accepted,
		    (unsigned long long)v->ctl_evicted,
		    (unsigned long long)v->ctl_refused,
		    (unsigned long long)v->ctl_timedout,
		    (unsigned long long)v->ctl_malformed);
	outbuf_printf(o, "\n");
	for (i = 0; i < NFIELDS; i++)
		outbuf_printf(o, "%-40s %llu\n", fields[i].label,
			      (unsigned long long)fields[i].get(v));

	outbuf_printf(o, "\nExpired flow reasons:\n");
	for (i = 0; i < EXR_N; i++)
		outbuf_printf(o, "  %-12s %llu\n",
			      expiry_reason_name((enum expiry_reason)i),
			      (unsigned long long)st->expired[i]);

	if (v->ex != NULL && export_ndests(v->ex) > 0) {
		outbuf_printf(o, "\nExport destinations:\n");
		for (i = 0; (d = export_dest(v->ex, i)) != NULL; i++) {
			outbuf_printf(o,
				      "  %s: %llu datagrams, %llu flows, "
				      "%llu failures",
				      d->name, (unsigned long long)d->datagrams,
				      (unsigned long long)d->flows,
				      (unsigned long long)d->failures);
			/* v5 has no templates: say nothing of them. */
			if (export_version(v->ex) != 5)
				outbuf_printf(
				    o,
				    ", templates sent: %llu "
				    "IPv4, %llu IPv6",
				    (unsigned long long)d->templates_v4,
				    (unsigned long long)d->templates_v6);
			outbuf_printf(o, "\n");
		}
	}

	outbuf_printf(o, "\nPer-protocol statistics (expired flows):\n");
	outbuf_printf(o, "  %-16s %12s %14s %16s\n", "protocol", "flows",
		      "packets", "bytes");
	for (p = 0; p < 256; p++) {
		if (st->proto_flows[p] == 0)
			continue;
		outbuf_printf(o, "  %-16s %12llu %14llu %16llu\n",
			      proto_stats_name((uint8_t)p, name, sizeof(name)),
			      (unsigned long long)st->proto_flows[p],
			      (unsigned long long)st->proto_packets[p],
			      (unsigned long long)st->proto_bytes[p]);
	}
}

static void
render_json(struct outbuf *o, const struct stats_view *v)
{
	const struct sensor_stats *st = v->st;
	const struct export_dest *d;
	size_t i;
	int p, first;

	outbuf_printf(o, "{\n  \"source\": ");
	outbuf_json_string(o, v->source ? v->source : "");
	outbuf_printf(o, ",\n  \"boot_ms\": %lld,\n  \"clock_ms\": %lld",
		      (long long)v->boot_ms, (long long)v->now_ms);
	for (i = 0; i < NFIELDS; i++)
		outbuf_printf(o, ",\n  \"%s\": %llu", fields[i].key,
			      (unsigned long long)fields[i].get(v));
	if (v->have_pcap)
		outbuf_printf(
		    o,
		    ",\n  \"pcap_received\": %llu,\n"
		    "  \"pcap_dropped\": %llu,\n  \"pcap_ifdropped\": %llu",
		    (unsigned long long)v->pcap_recv,
		    (unsigned long long)v->pcap_drop,
		    (unsigned long long)v->pcap_ifdrop);
	if (v->have_ctl)
		outbuf_printf(
		    o,
		    ",\n  \"ctl_accepted\": %llu,\n"
		    "  \"ctl_evicted\": %llu,\n  \"ctl_refused\": %llu,\n"
		    "  \"ctl_timedout\": %llu,\n  \"ctl_malformed\": %llu",
		    (unsigned long long)v->ctl_accepted,
		    (unsigned long long)v->ctl_evicted,
		    (unsigned long long)v->ctl_refused,
		    (unsigned long long)v->ctl_timedout,
		    (unsigned long long)v->ctl_malformed);
	outbuf_printf(o, ",\n  \"expired\": {");
	for (i = 0; i < EXR_N; i++)
		outbuf_printf(o, "%s\"%s\": %llu", i ? ", " : "",
			      expiry_reason_name((enum expiry_reason)i),
			      (unsigned long long)st->expired[i]);
	outbuf_printf(o, "},\n  \"destinations\": [");
	for (i = 0; v->ex != NULL && (d = export_dest(v->ex, i)) != NULL; i++) {
		outbuf_printf(o, "%s{\"name\": ", i ? ", " : "");
		outbuf_json_string(o, d->name);
		outbuf_printf(o,
			      ", \"datagrams\": %llu, \"flows\": %llu, "
			      "\"failures\": %llu, \"templates_v4\": %llu, "
			      "\"templates_v6\": %llu}",
			      (unsigned long long)d->datagrams,
			      (unsigned long long)d->flows,
			      (unsigned long long)d->failures,
			      (unsigned long long)d->templates_v4,
			      (unsigned long long)d->templates_v6);
	}
	outbuf_printf(o, "],\n  \"protocols\": {");
	for (p = 0, first = 1; p < 256; p++) {
		if (st->proto_flows[p] == 0)
			continue;
		outbuf_printf(o,
			      "%s\"%d\": {\"flows\": %llu, \"packets\": "
			      "%llu, \"bytes\": %llu}",
			      first ? "" : ", ", p,
			      (unsigned long long)st->proto_flows[p],
			      (unsigned long long)st->proto_packets[p],
			      (unsigned long long)st->proto_bytes[p]);
		first = 0;
	}
	outbuf_printf(o, "}\n}\n");
}

void
stats_render(struct outbuf *o, const struct stats_view *v, int json)
{
	if (json)
		render_json(o, v);
	else
		render_text(o, v);
}
