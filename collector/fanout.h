/*
 * fanout: forward every valid datagram to other collectors (-f, -M).
 *
 * The receive thread hands each datagram its decoder accepted (whatever
 * the version: the hook sits after the decode, so a version the decoder
 * learns later is forwarded too) to fanout_push(), which copies it into
 * one bounded ring per target: every target in mirror mode, the target
 * chosen by a stable hash of the exporter address in shard mode, so that
 * one exporter's datagrams (and v9/IPFIX templates with their data) always
 * reach the same collector.  A forward thread empties the rings with
 * non-blocking sendmmsg(); a ring that is full drops the datagram and
 * counts it on that target only, so a dead or slow target never slows or
 * blocks storing.
 *
 * The exporter's identity survives the hop when we are privileged (root,
 * or CAP_NET_RAW and CAP_NET_ADMIN): datagrams from IPv4 exporters to IPv4
 * targets are sent through a raw socket with an IPv4 and UDP header of our
 * own that carries the exporter's address and port as the source, as
 * samplicator does; datagrams from IPv6 exporters to IPv6 targets through
 * a transparent socket that names the exporter's address as the source
 * (the port is ours).  Otherwise, and across address families, they leave
 * from this collector's own address and the target sees us as the
 * exporter; fanout_open() logs which applies to each target.
 */
#ifndef NFKIT_COLLECTOR_FANOUT_H
#define NFKIT_COLLECTOR_FANOUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "exporter.h"

#define FANOUT_MAXTARGETS 8
#define FANOUT_SLOTS 4096  /* datagrams queued per target: about 8 MiB */
#define FANOUT_MAXLEN 2048 /* longest datagram forwarded */

enum fanout_mode { FANOUT_MIRROR, FANOUT_SHARD };

struct fanout_target {
	struct sockaddr_storage sa;
	socklen_t salen;
};

/* What happened to the datagrams offered to one target, so far. */
struct fanout_counts {
	uint64_t offered;     /* handed to this target by fanout_push */
	uint64_t sent;	      /* accepted by the kernel */
	uint64_t queue_drops; /* ring full, or still queued at exit */
	uint64_t send_errors; /* refused by the kernel, dropped */
};

struct fanout;

/* "mirror" or "shard"; -1 for anything else. */
int fanout_parse_mode(const char *, enum fanout_mode *);
/*
 * Open one socket per target (a raw one too when we may spoof) and the
 * rings.  Call while still privileged.  NULL on failure, after logging.
 */
struct fanout *fanout_open(const struct fanout_target *, size_t n,
			   enum fanout_mode);
/* Start the forward thread (after daemonising).  -1 on failure. */
int fanout_start(struct fanout *);
/*
 * Queue one datagram from exporter src (UDP source port sport).  Never
 * waits.  Call from one thread only.
 */
void fanout_push(struct fanout *, const struct exp_addr *src, uint16_t sport,
		 const uint8_t *data, size_t len);
/* Wake the forward thread if anything was queued since the last kick. */
void fanout_kick(struct fanout *);
/* One "FANOUT:" line per target with its counters. */
void fanout_statlog(struct fanout *, time_t now);
void fanout_counts(struct fanout *, size_t target, struct fanout_counts *);
/* Stop the thread after one last send of what is queued; log; free. */
void fanout_close(struct fanout *);

/* The target index (0..n-1) for an exporter in shard mode. */
size_t fanout_shard(const struct exp_addr *, size_t n);
/*
 * Write an IPv4 header and a UDP header (checksummed) for a payload of len
 * bytes into out (at least 28 bytes); addresses in network order.  Returns
 * the header length, 28.
 */
size_t fanout_ip4udp(uint8_t *out, uint32_t src, uint16_t sport, uint32_t dst,
		     uint16_t dport, const uint8_t *payload, size_t len);

#endif
