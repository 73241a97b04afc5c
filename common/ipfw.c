/*
 * ipfw: write nfkit's IPFIX files (RFC 5655; layout in ipfixfile.h
 * and nfkit-files(5)).
 *
 * Records are encoded at fixed offsets straight into a message buffer of
 * 64 KiB, one data set per run of records of the same template, and a
 * full message goes through the file's zlib stream in one call (zsink.c),
 * so a record costs an encode and a share of one deflate call, as in the
 * flow-tools writer.  ipfw_flush() ends the current message and pushes a
 * sync flush, so a reader of the open file sees every record so far.
 *
 * The message header's sequence number counts the data records of the
 * earlier messages (RFC 7011 3.1), its export time is the latest flow end
 * in the message, in seconds, so that a file's bytes depend only on its
 * records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ipfix.h"
#include "ipfixfile.h"
#include "zsink.h"

#define STATS_RECLEN 56

struct ipfix_writer {
	struct zsink sink;
	uint32_t domain;
	uint32_t cap_start;
	uint64_t count;	   /* flow records accepted */
	uint64_t seq;	   /* data records in the messages already sent */
	uint32_t nrec;	   /* data records in the current message */
	size_t mlen;	   /* bytes in msg; 0: no message started */
	size_t setoff;	   /* offset of the open data set's header */
	int settid;	   /* its template id, or -1 */
	int64_t export_ms; /* latest flow end in the current message */
	uint8_t msg[IPFW_MAXMSG];
};

/* The fields every data template starts with (the first 70 bytes). */
static const uint16_t fixed_fields[][2] = {
    {IPFIX_IE_START_MS, 8},   {IPFIX_IE_END_MS, 8},
    {IPFIX_IE_PACKETS, 8},    {IPFIX_IE_OCTETS, 8},
    {IPFIX_IE_INPUT, 4},      {IPFIX_IE_OUTPUT, 4},
    {IPFIX_IE_SRC_AS, 4},     {IPFIX_IE_DST_AS, 4},
    {IPFIX_IE_DOMAIN, 4},     {IPFIX_IE_SAMPLING_INTERVAL, 4},
    {IPFIX_IE_SPORT, 2},      {IPFIX_IE_DPORT, 2},
    {IPFIX_IE_VLAN, 2},	      {IPFIX_IE_PROTO, 1},
    {IPFIX_IE_TOS, 1},	      {IPFIX_IE_TCPFLAGS, 1},
    {0, 1} /* source mask */, {0, 1} /* destination mask */,
    {IPFIX_IE_END_REASON, 1}, {IPFIX_IE_ENGINE_TYPE, 1},
    {IPFIX_IE_ENGINE_ID, 1},
};
#define NFIXED (sizeof(fixed_fields) / sizeof(fixed_fields[0]))

/* The statistics options record; the first field is its scope. */
static const uint16_t stats_fields[][2] = {
    {IPFIX_IE_DOMAIN, 4},	 {IPFIX_IE_START_SECS, 4},
    {IPFIX_IE_END_SECS, 4},	 {IPFIX_IE_FLOW_TOTAL, 8},
    {IPFIX_IE_NOTSENT_FLOWS, 8}, {IPFIX_IE_IGNORED_PACKETS, 8},
    {IPFIX_IE_EXPORTER4, 4},	 {IPFIX_IE_EXPORTER6, 16},
};
#define NSTATS (sizeof(stats_fields) / sizeof(stats_fields[0]))

size_t
ipfw_reclen(unsigned i)
{
	size_t a = (i & 1) ? 16 : 4, e = (i & 2) ? 16 : 4;

	return IPFW_FIXLEN + 3 * a + e;
}

static uint8_t *
put_field(uint8_t *p, uint16_t ie, uint16_t len)
{
	buf_store_be16(p, ie);
	buf_store_be16(p + 2, len);
	return p + 4;
}

size_t
ipfw_template_sets(uint8_t *out, size_t cap)
{
	size_t tlen = 4 + IPFW_NTEMPLATES * (4 + 4 * (NFIXED + 4));
	size_t olen = 4 + 6 + 4 * NSTATS;
	uint8_t *p = out;
	unsigned i, k;
	int v6, ex6;

	if (cap < tlen + olen)
		return 0;
	buf_store_be16(p, IPFIX_SET_TEMPLATE);
	buf_store_be16(p + 2, (uint16_t)tlen);
	p += 4;
	for (i = 0; i < IPFW_NTEMPLATES; i++) {
		v6 = (i & 1) != 0;
		ex6 = (i & 2) != 0;
		buf_store_be16(p, (uint16_t)(IPFW_TID_BASE + i));
		buf_store_be16(p + 2, (uint16_t)(NFIXED + 4));
		p += 4;
		for (k = 0; k < NFIXED; k++) {
			uint16_t ie = fixed_fields[k][0];

			if (k == 16)
				ie = v6 ? IPFIX_IE_SRC6_MASK
					: IPFIX_IE_SRC4_MASK;
			else if (k == 17)
				ie = v6 ? IPFIX_IE_DST6_MASK
					: IPFIX_IE_DST4_MASK;
			p = put_field(p, ie, fixed_fields[k][1]);
		}
		p = put_field(p, v6 ? IPFIX_IE_SRC6 : IPFIX_IE_SRC4,
			      v6 ? 16 : 4);
		p = put_field(p, v6 ? IPFIX_IE_DST6 : IPFIX_IE_DST4,
			      v6 ? 16 : 4);
		p = put_field(p, v6 ? IPFIX_IE_NEXTHOP6 : IPFIX_IE_NEXTHOP4,
			      v6 ? 16 : 4);
		p = put_field(p, ex6 ? IPFIX_IE_EXPORTER6 : IPFIX_IE_EXPORTER4,
			      ex6 ? 16 : 4);
	}
	buf_store_be16(p, IPFIX_SET_OPTIONS);
	buf_store_be16(p + 2, (uint16_t)olen);
	buf_store_be16(p + 4, IPFW_TID_STATS);
	buf_store_be16(p + 6, (uint16_t)NSTATS);
	buf_store_be16(p + 8, 1); /* scope fields */
	p += 10;
	for (k = 0; k < NSTATS; k++)
		p = put_field(p, stats_fields[k][0], stats_fields[k][1]);
	return (size_t)(p - out);
}

/* Encode one record of template index t (see ipfixfile.h). */
static void
encode(const struct flowrec *r, unsigned t, uint8_t *p)
{
	uint8_t *a = p + IPFW_FIXLEN;

	buf_store_be64(p + 0, (uint64_t)r->first_ms);
	buf_store_be64(p + 8, (uint64_t)r->last_ms);
	buf_store_be64(p + 16, r->packets);
	buf_store_be64(p + 24, r->bytes);
	buf_store_be32(p + 32, r->input);
	buf_store_be32(p + 36, r->output);
	buf_store_be32(p + 40, r->src_as);
	buf_store_be32(p + 44, r->dst_as);
	buf_store_be32(p + 48, r->obs_domain);
	buf_store_be32(p + 52, r->sampling);
	buf_store_be16(p + 56, r->srcport);
	buf_store_be16(p + 58, r->dstport);
	buf_store_be16(p + 60, r->vlan);
	p[62] = r->proto;
	p[63] = r->tos;
	p[64] = r->tcp_flags;
	p[65] = r->src_mask;
	p[66] = r->dst_mask;
	p[67] = r->end_reason;
	p[68] = r->engine_type;
	p[69] = r->engine_id;
	if (t & 1) {
		memcpy(a, r->src6, 16);
		memcpy(a + 16, r->dst6, 16);
		memcpy(a + 32, r->nexthop6, 16);
		a += 48;
	} else {
		buf_store_be32(a, r->srcaddr);
		buf_store_be32(a + 4, r->dstaddr);
		buf_store_be32(a + 8, r->nexthop);
		a += 12;
	}
	if (t & 2)
		memcpy(a, r->exaddr6, 16);
	else
		buf_store_be32(a, r->exaddr);
}

/* Close the open data set, if any, by writing its length. */
static void
end_set(struct ipfix_writer *w)
{
	if (w->settid >= 0)
		buf_store_be16(w->msg + w->setoff + 2,
			       (uint16_t)(w->mlen - w->setoff));
	w->settid = -1;
}

/* Finish the message in msg and hand it to the stream. */
static int
send_msg(struct ipfix_writer *w, enum zsink_push how, uint32_t export_secs)
{
	size_t n = w->mlen;

	if (n == 0)
		return zsink_write(&w->sink, w->msg, 0, how);
	end_set(w);
	buf_store_be16(w->msg, IPFIX_VERSION);
	buf_store_be16(w->msg + 2, (uint16_t)n);
	buf_store_be32(w->msg + 4, export_secs);
	buf_store_be32(w->msg + 8, (uint32_t)w->seq);
	buf_store_be32(w->msg + 12, w->domain);
	w->seq += w->nrec;
	w->nrec = 0;
	w->mlen = 0;
	w->export_ms = 0;
	return zsink_write(&w->sink, w->msg, n, how);
}

static uint32_t
msg_secs(const struct ipfix_writer *w)
{
	return w->export_ms > 0 ? (uint32_t)(w->export_ms / 1000)
				: w->cap_start;
}

struct ipfix_writer *
ipfw_new(int fd, const struct ipfw_opts *o)
{
	struct ipfix_writer *w;
	int e;

	if (o->zlevel < -1 || o->zlevel > 9) {
		errno = EINVAL;
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->domain = o->domain;
	w->cap_start = o->cap_start;
	w->settid = -1;
	if (zsink_init(&w->sink, fd, o->zlevel) == -1) {
		free(w);
		return NULL;
	}
	w->mlen =
	    IPFIX_HDRLEN + ipfw_template_sets(w->msg + IPFIX_HDRLEN,
					      sizeof(w->msg) - IPFIX_HDRLEN);
	if (send_msg(w, ZSINK_NONE, o->cap_start) == -1) {
		e = errno;
		ipfw_abort(w);
		errno = e;
		return NULL;
	}
	return w;
}

/* Room for a record of length len, in a data set of template tid. */
static int
make_room(struct ipfix_writer *w, int tid, size_t len)
{
	size_t need = len + (w->settid == tid ? 0 : IPFIX_SETHDRLEN);

	if (w->mlen != 0 && w->mlen + need > IPFW_MAXMSG &&
	    send_msg(w, ZSINK_NONE, msg_secs(w)) == -1)
		return -1;
	if (w->mlen == 0)
		w->mlen = IPFIX_HDRLEN;
	if (w->settid != tid) {
		end_set(w);
		w->setoff = w->mlen;
		buf_store_be16(w->msg + w->mlen, (uint16_t)tid);
		w->mlen += IPFIX_SETHDRLEN;
		w->settid = tid;
	}
	return 0;
}

int
ipfw_write(struct ipfix_writer *w, const struct flowrec *r, size_t n)
{
	unsigned t;
	size_t i, len;

	if (w->sink.error != 0)
		return zsink_fail(&w->sink, w->sink.error);
	for (i = 0; i < n; i++, r++) {
		t = (unsigned)flowrec_is_v6(r) |
		    (r->exaf == FLOWREC_AF_INET6 ? 2u : 0u);
		len = ipfw_reclen(t);
		if (make_room(w, IPFW_TID_BASE + (int)t, len) == -1)
			return -1;
		encode(r, t, w->msg + w->mlen);
		w->mlen += len;
		w->nrec++;
		w->count++;
		if (r->last_ms > w->export_ms)
			w->export_ms = r->last_ms;
	}
	return 0;
}

int
ipfw_flush(struct ipfix_writer *w)
{
	return send_msg(w, ZSINK_SYNC, msg_secs(w));
}

int
ipfw_close(struct ipfix_writer *w, const struct ipfw_counts *c)
{
	struct ipfw_counts zero;
	uint8_t *p;
	int ret, e;

	if (c == NULL) {
		memset(&zero, 0, sizeof(zero));
		c = &zero;
	}
	ret = send_msg(w, ZSINK_NONE, msg_secs(w));
	if (ret == 0 && make_room(w, IPFW_TID_STATS, STATS_RECLEN) == 0) {
		p = w->msg + w->mlen;
		buf_store_be32(p, w->domain);
		buf_store_be32(p + 4, w->cap_start);
		buf_store_be32(p + 8, c->cap_end);
		buf_store_be64(p + 12, w->count);
		buf_store_be64(p + 20, c->lost);
		buf_store_be64(p + 28, c->corrupt);
		buf_store_be32(p + 36,
			       c->exaf == FLOWREC_AF_INET6 ? 0 : c->exaddr);
		if (c->exaf == FLOWREC_AF_INET6)
			memcpy(p + 40, c->exaddr6, 16);
		else
			memset(p + 40, 0, 16);
		w->mlen += STATS_RECLEN;
		w->nrec++;
		ret = send_msg(w, ZSINK_FINISH, c->cap_end);
	} else {
		ret = -1;
	}
	e = errno;
	ipfw_abort(w);
	errno = e;
	return ret;
}

uint64_t
ipfw_count(const struct ipfix_writer *w)
{
	return w->count;
}

void
ipfw_abort(struct ipfix_writer *w)
{
	if (w == NULL)
		return;
	zsink_free(&w->sink);
	free(w);
}
