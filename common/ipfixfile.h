/*
 * ipfixfile: nfkit's IPFIX files (RFC 5655), written (ipfw.c, ipfw_*) and
 * read (ipfr.c, ipfr_*).
 *
 * A file is a sequence of IPFIX messages (RFC 7011), through the same
 * zlib stream as flow-tools files (zsink.c, zsource.c; zlevel 0 writes the
 * bare messages).  The first message holds every template the file uses;
 * data messages follow, each of whole records, at most 64 KiB; the last
 * message, written at close, is one options record of per-file statistics
 * (what a flow-tools header says).  nfkit-files(5) documents the layout.
 *
 * Our data templates are fixed-length, one per address family of the flow
 * and of its exporter, and share the layout of their first 70 bytes, so a
 * reader of our own files decodes records at fixed offsets:
 *
 *   off len IE  name
 *     0   8 152 flowStartMilliseconds
 *     8   8 153 flowEndMilliseconds
 *    16   8   2 packetDeltaCount
 *    24   8   1 octetDeltaCount
 *    32   4  10 ingressInterface
 *    36   4  14 egressInterface
 *    40   4  16 bgpSourceAsNumber
 *    44   4  17 bgpDestinationAsNumber
 *    48   4 149 observationDomainId (the exporter's)
 *    52   4  34 samplingInterval (0: unknown)
 *    56   2   7 sourceTransportPort
 *    58   2  11 destinationTransportPort (ICMP: type * 256 + code)
 *    60   2  58 vlanId
 *    62   1   4 protocolIdentifier
 *    63   1   5 ipClassOfService
 *    64   1   6 tcpControlBits
 *    65   1 9/29 source prefix length (IPv4/IPv6)
 *    66   1 13/30 destination prefix length
 *    67   1 136 flowEndReason
 *    68   1  38 engineType
 *    69   1  39 engineId
 *    70 4/16 8/27 source address
 *       4/16 12/28 destination address
 *       4/16 15/62 next hop
 *       4/16 130/131 exporter address
 *
 * Template ids: IPFW_TID_BASE + (flow is IPv6) + 2 * (exporter is IPv6);
 * IPFW_TID_STATS is the options template of the statistics.
 */
#ifndef NFKIT_IPFIXFILE_H
#define NFKIT_IPFIXFILE_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define IPFW_TID_BASE 1024 /* data templates 1024..1027 */
#define IPFW_TID_STATS 1028
#define IPFW_NTEMPLATES 4
#define IPFW_FIXLEN 70	  /* bytes before the addresses */
#define IPFW_MAXMSG 65535 /* an IPFIX message's length is 16 bits */

/* Bytes of a data record of template IPFW_TID_BASE + i. */
size_t ipfw_reclen(unsigned i);

/* ---- writer ---- */

struct ipfw_opts {
	int zlevel;	    /* as ft_wopts.zlevel: 0 raw, -1 default */
	uint32_t domain;    /* message headers' observationDomainId */
	uint32_t cap_start; /* unix seconds; export time of message 1 */
};

/* The statistics written at close (IPFIX counterpart of ft_counts). */
struct ipfw_counts {
	uint32_t cap_end; /* unix seconds */
	uint64_t lost;	  /* flows lost (sequence gaps) */
	uint64_t corrupt; /* datagrams rejected */
	uint8_t exaf;	  /* 0/4: exaddr; 6: exaddr6 */
	uint32_t exaddr;  /* the exporter, IPv4 host order */
	uint8_t exaddr6[16];
};

struct ipfix_writer;

/* Write the templates to fd.  NULL + errno (EINVAL: bad options). */
struct ipfix_writer *ipfw_new(int fd, const struct ipfw_opts *);
/* Queue n records.  0, or -1 with errno (sticky, as ftw_write). */
int ipfw_write(struct ipfix_writer *, const struct flowrec *, size_t n);
/* End the current message and push everything to the file.  0 or -1. */
int ipfw_flush(struct ipfix_writer *);
/*
 * Write the statistics (NULL: zeros), finish the stream and free the
 * writer; fd is not closed.  0 or -1 (freed either way).
 */
int ipfw_close(struct ipfix_writer *, const struct ipfw_counts *);
uint64_t ipfw_count(const struct ipfix_writer *);
/* Free without finishing (after a fatal write error). */
void ipfw_abort(struct ipfix_writer *);
/*
 * The template message's sets (template set, options template set) as
 * the writer puts them in message 1: for the reader, which recognises its
 * own files by them.  Returns the length, or 0 if cap is too small.
 */
size_t ipfw_template_sets(uint8_t *out, size_t cap);

/* ---- reader ---- */

/* What the statistics record of a finished file says. */
struct ipfr_stats {
	int present; /* the file has its statistics record */
	uint32_t cap_start, cap_end;
	uint64_t flows, lost, corrupt;
	uint8_t exaf;
	uint32_t exaddr;
	uint8_t exaddr6[16];
};

struct ipfix_reader;

/*
 * Start reading fd (compressed or not: the first bytes say).  name is used
 * in messages.  NULL with the reason in err.
 */
struct ipfix_reader *ipfr_open(int fd, const char *name, char *err,
			       size_t errlen);
/* The same, when the first nhead (<= 8) bytes were read already. */
struct ipfix_reader *ipfr_open_head(int fd, const char *name,
				    const uint8_t *head, size_t nhead,
				    char *err, size_t errlen);
/*
 * Read up to max records: the count (> 0), 0 at a clean end, or -1 on
 * damage, after every good record before it (ipfr_error() names the file,
 * the damage and the count of good records), as ftr_read().
 */
long ipfr_read(struct ipfix_reader *, struct flowrec *, size_t max);
const char *ipfr_error(const struct ipfix_reader *);
uint64_t ipfr_count(const struct ipfix_reader *);
/* The statistics record, once read (after the last record). */
const struct ipfr_stats *ipfr_stats(const struct ipfix_reader *);
void ipfr_close(struct ipfix_reader *); /* does not close fd */

/* The first bytes of a file: 1 if they start an IPFIX file (any zlevel). */
int ipfr_sniff(const uint8_t *p, size_t n);

#endif
