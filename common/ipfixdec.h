/*
 * ipfixdec: NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) messages from any
 * exporter into flow records.
 *
 * Both protocols describe their data records by templates sent earlier in
 * the same stream, so the decoder keeps state: templates and options
 * templates per (exporter, version, observation domain / source id,
 * template id), the sampling interval and system init time each domain's
 * options data announced, sequence numbers, and data sets that came
 * before their template.  The collector feeds it datagrams; nfreport
 * feeds it the messages of an RFC 5655 file with one exporter identity.
 *
 * Everything from the wire is hostile.  A message is walked set by set by
 * the sets' own lengths (a v9 header count is not trusted); a set whose
 * length is below 4 or beyond the message ends the message, a bad
 * template or record is counted and skipped, and the sets after it are
 * still read.  Memory is bounded: at most max_exporters exporters, each
 * with at most max_templates templates and domains and a small buffer of
 * early data; a template flood replaces or is refused, never grows.
 */
#ifndef NFKIT_IPFIXDEC_H
#define NFKIT_IPFIXDEC_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

/* Why something was refused or not stored; counted per exporter. */
enum ipfixdec_reason {
	IPFIXDEC_SHORT,	     /* message shorter than its header */
	IPFIXDEC_VERSION,    /* not 9 or 10 */
	IPFIXDEC_MSGLEN,     /* IPFIX header length is not the datagram's */
	IPFIXDEC_SETLEN,     /* set length < 4 or beyond the message */
	IPFIXDEC_SETID,	     /* reserved set id (v9 2..255, IPFIX 0,1,4..255) */
	IPFIXDEC_TPLSHORT,   /* template record cut off by its set */
	IPFIXDEC_TPLID,	     /* template id below 256 */
	IPFIXDEC_TPLZERO,    /* zero fields (v9) or only scope/none */
	IPFIXDEC_TPLFIELDS,  /* more fields than IPFIXDEC_MAXFIELDS */
	IPFIXDEC_FIELDLEN,   /* a field's length is 0 or wrong for its IE */
	IPFIXDEC_RECLEN,     /* record longer than a set can be */
	IPFIXDEC_TPLLIMIT,   /* max_templates reached for the exporter */
	IPFIXDEC_EXPLIMIT,   /* max_exporters reached */
	IPFIXDEC_NOTEMPLATE, /* data set before its template (kept) */
	IPFIXDEC_PENDDROP,   /* such data dropped: buffer full or too old */
	IPFIXDEC_RECTRUNC,   /* variable-length field beyond its record */
	IPFIXDEC_NOTIME,     /* uptime-relative time but no system init time */
	IPFIXDEC_FRAME,	     /* IE 315 frame the packet decoder refused */
	IPFIXDEC_NREASON
};

#define IPFIXDEC_MAXFIELDS 128 /* per template */

/* Default bounds (the collector's -X sets max_exporters). */
#define IPFIXDEC_MAX_EXPORTERS 256
#define IPFIXDEC_MAX_TEMPLATES 64    /* per exporter; domains likewise */
#define IPFIXDEC_PENDING_SETS 8	     /* early data sets kept per exporter */
#define IPFIXDEC_PENDING_BYTES 16384 /* their bytes per exporter */
#define IPFIXDEC_PENDING_MS 60000    /* kept this long at most */

/* Who sent a message: the exporter's address (network order). */
struct ipfixdec_source {
	uint8_t af;	  /* 4 or 6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
};

/*
 * One decoded flow: the record as every nfkit program reads it (IPv4 or
 * IPv6, exporter, observation domain, sampling interval, end reason and
 * VLAN included) and what the decoder knows about where it came from.
 */
struct ipfixdec_flow {
	struct flowrec rec;
	uint8_t version; /* 9 or 10 */
	uint8_t frame;	 /* 1: from a dataLinkFrameSection */
	uint8_t late;	 /* 1: data that waited for its template */
};

/* What one exporter has seen, for the STAT lines. */
struct ipfixdec_stats {
	uint64_t messages;  /* messages decoded (header accepted) */
	uint64_t flows;	    /* flows emitted */
	uint64_t templates; /* template records learnt or replaced */
	uint64_t withdrawn; /* templates withdrawn (IPFIX) */
	uint64_t lost;	    /* flows (IPFIX) or packets (v9) missed */
	uint64_t late;	    /* flows stored after their template came */
	uint64_t reason[IPFIXDEC_NREASON];
};

struct ipfixdec_limits {
	size_t max_exporters; /* 0 = IPFIXDEC_MAX_EXPORTERS */
	size_t max_templates; /* 0 = IPFIXDEC_MAX_TEMPLATES */
};

struct ipfixdec;

typedef void ipfixdec_emit_fn(void *arg, const struct ipfixdec_flow *);
typedef void ipfixdec_stats_fn(void *arg, const struct ipfixdec_source *,
			       const struct ipfixdec_stats *);

struct ipfixdec *ipfixdec_new(const struct ipfixdec_limits *);
void ipfixdec_free(struct ipfixdec *);

/*
 * Decode one message from src, received at now_ms (unix ms, to age the
 * early-data buffer), calling emit for every flow, those of earlier data
 * whose template this message brought included.  Returns 0, or -1 when the
 * message was refused as a whole (short, version, length, exporter limit;
 * counted).  Problems inside the message are counted and skipped.
 */
int ipfixdec_message(struct ipfixdec *, const struct ipfixdec_source *src,
		     int64_t now_ms, const void *buf, size_t len,
		     ipfixdec_emit_fn *emit, void *arg);

/* What the latest ipfixdec_message() call found. */
struct ipfixdec_last {
	int version;	/* 9, 10; 0 if the header was refused */
	uint64_t lost;	/* its sequence gap (see stats.lost) */
	uint64_t flows; /* flows emitted, early data included */
};
void ipfixdec_last(const struct ipfixdec *, struct ipfixdec_last *);

/* Counters of every exporter seen, and the totals over all of them. */
void ipfixdec_foreach(const struct ipfixdec *, ipfixdec_stats_fn *, void *);
void ipfixdec_total(const struct ipfixdec *, struct ipfixdec_stats *);
const char *ipfixdec_reason_name(enum ipfixdec_reason);
/* Bytes the decoder holds now (templates, domains, buffers). */
size_t ipfixdec_memory(const struct ipfixdec *);

/*
 * Templates for persistence: ipfixdec_save() writes every template of
 * every exporter into a malloc'ed buffer (*len bytes; NULL on memory
 * failure); ipfixdec_load() reads such a buffer back, checking it as it
 * checks the wire, and returns the number of templates learnt or -1 if the
 * buffer is not one ipfixdec_save() could have written.
 */
uint8_t *ipfixdec_save(const struct ipfixdec *, size_t *len);
int ipfixdec_load(struct ipfixdec *, const void *buf, size_t len);

#endif
