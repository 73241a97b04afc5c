/*
 * ipfixrec: templates and data records of NetFlow v9 and IPFIX, the half
 * of the decoder that knows Information Elements (common/ipfixdec.c keeps
 * the state and walks messages and sets).
 *
 * ipfixrec_tpl_check() says whether a template can be used at all: every
 * field's length possible for its IE, no field of length 0, a record that
 * fits in a set.  ipfixrec_data_set() then reads the records of one data
 * set in place through such a template, resolves the times of whatever
 * encoding the exporter chose into unix milliseconds, and applies options
 * data (sampling, system init time) to the domain.
 */
#ifndef NFKIT_IPFIXREC_H
#define NFKIT_IPFIXREC_H

#include <stddef.h>
#include <stdint.h>

#include "ipfixdec.h"

struct ipfixrec_field {
	uint16_t ie;   /* without the enterprise bit */
	uint16_t len;  /* IPFIX_VARLEN: variable */
	uint32_t pen;  /* 0: IANA */
	uint8_t scope; /* an options template's scope field */
};

struct ipfixrec_tpl {
	struct ipfixrec_field *f; /* nfields entries, malloc'ed */
	uint32_t domain;	  /* v9 source id / observation domain */
	uint16_t tid;
	uint16_t nfields;
	uint16_t nscope; /* leading scope fields (options) */
	uint16_t minlen; /* record bytes, variable fields at 1 */
	uint8_t version;
	uint8_t options;
};

#define IPFIXREC_SAMPLERS 8 /* sampler ids remembered per domain */

/* What one (exporter, version, domain) has announced. */
struct ipfixrec_domain {
	uint32_t id;
	uint32_t next_seq; /* the sequence number expected next */
	uint32_t sampling; /* 1 in N, from options data; 1 = none */
	int64_t init_ms;   /* systemInitTimeMilliseconds (IE 160) */
	uint32_t sampler_id[IPFIXREC_SAMPLERS];
	uint32_t sampler_n[IPFIXREC_SAMPLERS];
	uint8_t nsamplers;
	uint8_t has_init;
	uint8_t seq_known;
	uint8_t version;
};

/* The message a set came in. */
struct ipfixrec_ctx {
	const struct ipfixdec_source *src;
	struct ipfixdec_stats *st;
	struct ipfixrec_domain *dom;
	int64_t now_ms;	      /* when it was received */
	uint32_t export_secs; /* header: export time, unix s */
	uint32_t sys_uptime;  /* header (v9): ms since boot */
	uint32_t domain;
	uint32_t options_records; /* options data records read */
	int version;
	int late; /* decoded after its template came */
};

/* IPFIXDEC_NREASON if usable, else why not. */
enum ipfixdec_reason ipfixrec_tpl_check(struct ipfixrec_tpl *);

/* Decode the records of one data set (its body: len bytes at p). */
void ipfixrec_data_set(struct ipfixrec_ctx *, const struct ipfixrec_tpl *,
		       const uint8_t *p, size_t len, ipfixdec_emit_fn *,
		       void *arg);

#endif
