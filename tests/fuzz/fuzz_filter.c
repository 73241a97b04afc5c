/*
 * fuzz_filter: libFuzzer harness for nfreport's filter language
 * (report/filter.c: parser, compiler to jump code; report/filtereval.c:
 * evaluation).
 *
 * The input is an expression, a NUL, then bytes that fill flow records.
 * The expression is compiled; a rejection must name a column within the
 * expression (or 0 for allocation failure) and a message.  An accepted
 * filter is evaluated on a few fixed records and on the fuzzed ones, and
 * the compiled program must agree with the recursive reference
 * evaluation of the parse tree on every one: a differential test of the
 * compiler.  filter_block() must keep exactly the records filter_match()
 * accepts.
 *
 * Record times are kept within what a reader can produce: every flowrec
 * time comes from 32-bit seconds and uptimes (flowrec_abs_ms), so
 * |first_ms|, |last_ms| < 2^43.  Outside that, last_ms - first_ms can
 * overflow int64 in report/fields.h field_get(F_DURATION); reported, not
 * reachable from a file or a datagram.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NRECS 8
/* The largest |time| in ms a flowrec can carry (see above). */
#define TIME_MAX ((int64_t)1 << 43)
/* The bytes of a record up to its last member: padding is not compared. */
#define RECBYTES (offsetof(struct flowrec, engine_id) + 1)

static void
fixed_records(struct flowrec *r)
{
	memset(r, 0, 4 * sizeof(*r));
	r[0].srcaddr = 0x0a000001; /* 10.0.0.1 -> 192.168.1.1:80 tcp */
	r[0].dstaddr = 0xc0a80101;
	r[0].srcport = 40000;
	r[0].dstport = 80;
	r[0].proto = 6;
	r[0].tcp_flags = 0x1b;
	r[0].packets = 10;
	r[0].bytes = 4000;
	r[0].first_ms = 1764180315000;
	r[0].last_ms = 1764180316500;
	r[1] = r[0]; /* udp 53, one packet, zero duration */
	r[1].proto = 17;
	r[1].dstport = 53;
	r[1].packets = 1;
	r[1].bytes = 76;
	r[1].last_ms = r[1].first_ms;
	r[2].proto = 1; /* icmp echo, all zero else */
	r[2].dstport = 0x0800;
	r[3].srcaddr = r[3].dstaddr = 0xffffffff; /* extremes */
	r[3].packets = r[3].bytes = UINT64_MAX;
	r[3].first_ms = TIME_MAX;
	r[3].last_ms = 0;
	r[3].srcport = r[3].dstport = 65535;
	r[3].proto = r[3].tos = r[3].tcp_flags = 255;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct flowrec recs[NRECS], blk[NRECS];
	struct filter_error err;
	struct filter *f;
	const uint8_t *nul;
	size_t elen, rest, i, k, kept;
	char *expr;
	int m[NRECS];

	nul = memchr(data, '\0', len);
	elen = nul != NULL ? (size_t)(nul - data) : len;
	if ((expr = malloc(elen + 1)) == NULL)
		return 0;
	memcpy(expr, data, elen);
	expr[elen] = '\0';

	memset(&err, 0, sizeof(err));
	if ((f = filter_compile(expr, &err)) == NULL) {
		if (err.column < 0 || (size_t)err.column > elen + 1 ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    (err.column > 0 && err.msg[0] == '\0'))
			abort();
		free(expr);
		return 0;
	}

	fixed_records(recs);
	memset(&recs[4], 0, (NRECS - 4) * sizeof(recs[0]));
	if (nul != NULL) {
		rest = len - elen - 1;
		if (rest > (NRECS - 4) * sizeof(recs[0]))
			rest = (NRECS - 4) * sizeof(recs[0]);
		memcpy(&recs[4], nul + 1, rest);
	}
	for (i = 4; i < NRECS; i++) {
		recs[i].first_ms %= TIME_MAX + 1;
		recs[i].last_ms %= TIME_MAX + 1;
	}
	for (i = 0; i < NRECS; i++) {
		m[i] = filter_match(f, &recs[i]);
		if (m[i] != filter_match_tree(f, &recs[i])) {
			fprintf(stderr,
				"filter \"%s\": compiled %d, tree %d "
				"on record %zu\n",
				expr, m[i], filter_match_tree(f, &recs[i]), i);
			abort();
		}
		if (filter_is_true(f) && !m[i])
			abort();
	}
	memcpy(blk, recs, sizeof(blk));
	kept = filter_block(f, blk, NRECS);
	for (i = 0, k = 0; i < NRECS; i++)
		if (m[i] &&
		    (k >= kept || memcmp(&blk[k++], &recs[i], RECBYTES) != 0))
			abort();
	if (k != kept)
		abort();
	filter_free(f);
	free(expr);
	return 0;
}
