/*
 * decode: NetFlow export datagrams (v1, v5, v7) into flow records.
 *
 * The collector stores every flow as a flow-tools v5 record, so v1 and v7
 * datagrams are translated the way flow-capture does it: fields v5 has are
 * copied, fields v5 lacks are zero (v1 has no sequence number, engine, AS
 * numbers or masks; v7's Catalyst extras are dropped).  Decoding is strict:
 * the version must be known, the count within that version's limit and the
 * datagram exactly as long as the count implies.  A datagram that fails is
 * rejected as a whole with a reason, so nothing of it is stored.
 */
#ifndef NFKIT_COLLECTOR_DECODE_H
#define NFKIT_COLLECTOR_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define DECODE_MAXRECS 30 /* the most records any known version holds */

enum decode_status {
	DECODE_OK = 0,
	DECODE_ESHORT,	 /* shorter than its version's header */
	DECODE_EVERSION, /* unknown or unsupported version */
	DECODE_ECOUNT,	 /* count is 0 or above the version's limit */
	DECODE_ELENGTH,	 /* length is not header + count * record */
	DECODE_ETRUNC,	 /* larger than our receive buffer */
	DECODE_EFILTER,	 /* from a source the remote filter refuses */
	DECODE_NSTATUS
};

/* What the datagram header said, besides the records. */
struct decode_info {
	uint16_t version; /* 1, 5 or 7 */
	uint16_t count;	  /* records decoded */
	int has_seq;	  /* the version carries flow_sequence */
	uint32_t flow_sequence;
	uint8_t engine_type;
	uint8_t engine_id;
};

/*
 * Decode buf[0..len) into *info and recs[0..info->count), with exaddr (host
 * order) as the exporter address of every record.  recs must hold
 * DECODE_MAXRECS entries.  Returns DECODE_OK or the rejection reason.
 */
enum decode_status decode_datagram(const void *buf, size_t len, uint32_t exaddr,
				   struct decode_info *info,
				   struct flowrec *recs);
const char *decode_strerror(enum decode_status);
/* Short name of a status for counters and STAT lines ("short", ...). */
const char *decode_statname(enum decode_status);

#endif
