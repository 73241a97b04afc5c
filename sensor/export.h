/*
 * export: expired flows out to collectors as NetFlow datagrams.
 *
 * Export formats are a table of versions ({version, encoder, ...}): v5,
 * NetFlow v9 and IPFIX.  Records queue until a datagram is full or
 * export_flush() is called at the end of an expiry run; the same datagram
 * goes to every destination, each with its own counters.
 *
 * v9 and IPFIX messages never exceed the datagram size (export_set_mtu(),
 * EXPORT_DEFAULT_MTU by default: a 1500-byte MTU less IPv6 and UDP
 * headers).  Their templates go out in the first message, then again in
 * the next message after every `packets` messages or `secs` seconds of
 * the sensor clock (export_set_refresh(); EXPORT_DEFAULT_TPL_PACKETS and
 * EXPORT_DEFAULT_TPL_SECS), and at once on export_send_templates().
 */
#ifndef NFKIT_EXPORT_H
#define NFKIT_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ipfix.h"

#define EXPORT_MAXDEST 16
#define EXPORT_DEFAULT_MTU 1452 /* 1500 - 40 (IPv6) - 8 (UDP) */
#define EXPORT_MIN_MTU 512
#define EXPORT_MAX_MTU 65507 /* the largest UDP payload over IPv4 */
#define EXPORT_DEFAULT_TPL_PACKETS 20
#define EXPORT_DEFAULT_TPL_SECS 60

struct export_dest {
	char name[256];	       /* as given: host:port */
	uint64_t datagrams;    /* sent without error */
	uint64_t flows;	       /* records in those datagrams */
	uint64_t failures;     /* send errors */
	uint64_t templates_v4; /* IPv4 templates in those datagrams */
	uint64_t templates_v6; /* IPv6 templates in those datagrams */
	int fd;
};

struct export_stats {
	uint64_t flows;		/* flows handed to the network */
	uint64_t records;	/* flow records that reached a socket,
				   summed over destinations */
	uint64_t datagrams;	/* datagrams built */
	uint64_t failures;	/* sends that failed, all destinations */
	uint64_t unexportable;	/* flows this version cannot carry */
	uint64_t template_msgs; /* datagrams that carried templates */
};

struct export;

/*
 * A datagram observer, called with every datagram built (before sending);
 * tests use it to see the export without a network.
 */
typedef void (*export_sink)(void *arg, const uint8_t *dgram, size_t len);

/* NULL if the version is not in the table. */
struct export *export_new(int version);
void export_free(struct export *);
int export_version_supported(int version);
const char *export_versions(void); /* "5, 9, 10", for messages */
/* "5", "9", "10" or "ipfix" (10); -1 if none of those. */
int export_version_parse(const char *, int *version);
int export_version(const struct export *);

/*
 * Engine type/id of the v5 header.  The id is also the v9 source id and
 * the IPFIX observation domain unless export_set_domain() set one.
 */
void export_set_engine(struct export *, uint8_t type, uint8_t id);
void export_set_domain(struct export *, uint32_t domain);
/*
 * -s: 1 in rate packets.  v5 writes it in the header's sampling field,
 * v9 and IPFIX in an options record sent with the templates.
 */
void export_set_sampling(struct export *, uint32_t rate);
/*
 * Templates carry the VLAN id (-T vlan, -T ether) and the MAC addresses
 * (-T ether); v5 has no field for either and ignores both.
 */
void export_set_keys(struct export *, int vlan, int ether);
/* -1 unless EXPORT_MIN_MTU <= bytes <= EXPORT_MAX_MTU. */
int export_set_mtu(struct export *, size_t bytes);
/* 0 turns that trigger off; templates still go out first. */
void export_set_refresh(struct export *, uint32_t packets, uint32_t secs);
void export_set_sink(struct export *, export_sink, void *);
/*
 * Add destinations: "host:port", "[v6]:port", or several separated by
 * commas.  -1 (errno or a malformed value) names the offending part in
 * *bad when bad is not NULL.
 */
int export_parse_dests(struct export *, const char *spec, const char **bad);
size_t export_ndests(const struct export *);
const struct export_dest *export_dest(const struct export *, size_t);

/*
 * Queue one expired flow; sends a datagram when it is full.  now_ms is
 * the sensor clock (unix ms), boot_ms the sensor's start (sys_uptime 0).
 * Returns 0, or -1 if this version cannot carry the flow (IPv6 in v5).
 */
int export_flow(struct export *, const struct ipfix_rec *, int64_t now_ms,
		int64_t boot_ms);
void export_flush(struct export *, int64_t now_ms, int64_t boot_ms);
/*
 * Send what is queued with the templates now (nfctl send-template); -1
 * if this version has no templates (v5).
 */
int export_send_templates(struct export *, int64_t now_ms, int64_t boot_ms);
const struct export_stats *export_stats(const struct export *);

#endif
