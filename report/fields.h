/*
 * fields: the one table of flow fields every part of nfreport shares.
 *
 * A field has a name (used on the command line by -A and in csv headers and
 * json keys), a kind that says how it is printed, and a unit.  The filter
 * compares field values, the aggregator keys on them, and the csv and json
 * formats print them, all through field_get(), so a field means the same
 * thing everywhere.  Derived fields (duration, bps, pps, bpp) are computed
 * from the record; "flows" exists only on aggregated rows.
 */
#ifndef NFKIT_REPORT_FIELDS_H
#define NFKIT_REPORT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

enum field_id {
	F_FIRST,    /* unix ms of the first packet */
	F_LAST,	    /* unix ms of the last packet */
	F_DURATION, /* last - first, ms (0 if negative) */
	F_SRCIP,
	F_SRCPORT,
	F_DSTIP,
	F_DSTPORT,
	F_PROTO,
	F_FLAGS, /* OR of TCP flags */
	F_TOS,
	F_PACKETS,
	F_BYTES,
	F_EXPORTER,
	F_INIF,
	F_OUTIF,
	F_NEXTHOP,
	F_SRCAS,
	F_DSTAS,
	F_SRCMASK,
	F_DSTMASK,
	F_ENGINE_TYPE,
	F_ENGINE_ID,
	F_IPVERSION, /* 4 or 6 */
	F_BPS,	     /* bits per second over the duration; 0 if none */
	F_PPS,	     /* packets per second over the duration */
	F_BPP,	     /* bytes per packet */
	F_FLOWS,     /* aggregated rows only: flows folded in */
	F_NFIELDS
};

enum field_kind {
	FK_TIME, /* unix ms; csv/json print the number */
	FK_IP,	 /* IPv4 dotted, or IPv6 (RFC 5952) by the record */
	FK_UINT, /* plain unsigned number */
};

struct field {
	const char *name; /* csv header, json key, -A name */
	enum field_kind kind;
	const char *unit; /* for the man page and --fields */
	int keyable;	  /* may be an -A aggregation key */
	const char *desc;
};

extern const struct field fields[F_NFIELDS];

/* Field by name (also accepts a few aliases: "ip" is not one).  -1. */
int field_lookup(const char *name);

/* Value of a field; flows is only used for F_FLOWS. */
static inline uint64_t
field_get(int id, const struct flowrec *r, uint64_t flows)
{
	uint64_t d;

	switch (id) {
	case F_FIRST:
		return (uint64_t)r->first_ms;
	case F_LAST:
		return (uint64_t)r->last_ms;
	case F_DURATION:
		/* Unsigned, so even absurd times cannot overflow. */
		return r->last_ms > r->first_ms
			   ? (uint64_t)r->last_ms - (uint64_t)r->first_ms
			   : 0;
	case F_SRCIP:
		return r->srcaddr;
	case F_SRCPORT:
		return r->srcport;
	case F_DSTIP:
		return r->dstaddr;
	case F_DSTPORT:
		return r->dstport;
	case F_PROTO:
		return r->proto;
	case F_FLAGS:
		return r->tcp_flags;
	case F_TOS:
		return r->tos;
	case F_PACKETS:
		return r->packets;
	case F_BYTES:
		return r->bytes;
	case F_EXPORTER:
		return r->exaddr;
	case F_INIF:
		return r->input;
	case F_OUTIF:
		return r->output;
	case F_NEXTHOP:
		return r->nexthop;
	case F_SRCAS:
		return r->src_as;
	case F_DSTAS:
		return r->dst_as;
	case F_SRCMASK:
		return r->src_mask;
	case F_DSTMASK:
		return r->dst_mask;
	case F_ENGINE_TYPE:
		return r->engine_type;
	case F_ENGINE_ID:
		return r->engine_id;
	case F_IPVERSION:
		return flowrec_is_v6(r) ? 6 : 4;
	case F_BPS:
		d = field_get(F_DURATION, r, flows);
		return d ? (uint64_t)((unsigned __int128)r->bytes * 8000 / d)
			 : 0;
	case F_PPS:
		d = field_get(F_DURATION, r, flows);
		return d ? (uint64_t)((unsigned __int128)r->packets * 1000 / d)
			 : 0;
	case F_BPP:
		return r->packets ? r->bytes / r->packets : 0;
	case F_FLOWS:
		return flows;
	}
	return 0;
}

/* Store a key field's value into a record (the inverse of field_get). */
void field_set(int id, struct flowrec *, uint64_t v);
/* Store an IPv6 address into an address field (and mark the family). */
void field_set6(int id, struct flowrec *, const uint8_t *addr);

/* Text of a field for csv/json: dotted IPs, decimal numbers.  Returns len. */
size_t field_text(int id, const struct flowrec *, uint64_t flows, char *out);

/* Fast helpers shared with the output formats. */
size_t field_fmt_ip(uint32_t addr, char *out); /* dotted quad, no NUL */
/* IPv6 in RFC 5952 text (at most 45 bytes), no NUL. */
size_t field_fmt_ip6(const uint8_t *addr, char *out);
/* The 16 bytes of an address field when the record holds IPv6, or NULL. */
const uint8_t *field_addr6(int id, const struct flowrec *);
/* An address field of either family, no NUL. */
size_t field_fmt_addr(int id, const struct flowrec *, char *out);
size_t field_fmt_u64(uint64_t v, char *out); /* decimal, no NUL */

#endif
