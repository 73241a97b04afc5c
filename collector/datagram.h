/*
 * datagram: NetFlow export datagrams (v1, v5, v7) into flow records; v9
 * and IPFIX recognised (DATAGRAM_TEMPLATED) for the template decoder.
 *
 * The collector stores every flow as a flow-tools v5 record, so v1 and v7
 * datagrams are translated the way flow-capture does it: fields v5 has are
 * copied, fields v5 lacks are zero (v1 has no sequence number, engine, AS
 * numbers or masks; v7's Catalyst extras are dropped).  Decoding is strict:
 * the version must be known, the count within that version's limit and the
 * datagram exactly as long as the count implies.  A datagram that fails is
 * rejected as a whole with a reason, so nothing of it is stored.
 */
#ifndef NFKIT_COLLECTOR_DATAGRAM_H
#define NFKIT_COLLECTOR_DATAGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define DATAGRAM_MAXRECS 30 /* the most records any known version holds */

enum datagram_status {
	DATAGRAM_OK = 0,
	DATAGRAM_ESHORT,    /* shorter than its version's header */
	DATAGRAM_EVERSION,  /* unknown or unsupported version */
	DATAGRAM_ECOUNT,    /* count is 0 or above the version's limit */
	DATAGRAM_ELENGTH,   /* length is not header + count * record */
	DATAGRAM_ETRUNC,    /* larger than our receive buffer */
	DATAGRAM_EFILTER,   /* from a source the remote filter refuses */
	DATAGRAM_TEMPLATED, /* v9/IPFIX: not an error, for ipfixdec */
	DATAGRAM_EMESSAGE,  /* v9/IPFIX message refused by ipfixdec */
	DATAGRAM_NSTATUS
};

/* What the datagram header said, besides the records. */
struct datagram_info {
	uint16_t version; /* 1, 5, 7 (or 9, 10: DATAGRAM_TEMPLATED) */
	uint16_t count;	  /* records decoded */
	int has_seq;	  /* the version carries flow_sequence */
	uint32_t flow_sequence;
	uint8_t engine_type;
	uint8_t engine_id;
};

/*
 * Decode buf[0..len) into *info and recs[0..info->count), with exaddr (host
 * order) as the exporter address of every record.  recs must hold
 * DATAGRAM_MAXRECS entries.  Returns DATAGRAM_OK or the rejection reason.
 */
enum datagram_status datagram_decode(const void *buf, size_t len,
				     uint32_t exaddr,
				     struct datagram_info *info,
				     struct flowrec *recs);
const char *datagram_strerror(enum datagram_status);
/* Short name of a status for counters and STAT lines ("short", ...). */
const char *datagram_statname(enum datagram_status);

#endif
