/*
 * ftread: read flow-tools files into struct flowrec.
 *
 * The header is read with plain read() calls (no seeking, so a pipe works)
 * and decoded by fthdr.c.  The record stream is then read in 256 KiB blocks
 * and, when compressed, inflated (by ISA-L when nfkit is built with it, by
 * zlib otherwise: zstream.c) into an output buffer of 4096 records, from
 * which records are converted in bulk.  Memory is fixed at open time:
 * nothing in the file (neither the header's flow count nor what the stream
 * inflates to) sizes an allocation, so a small file that inflates to
 * gigabytes only costs time, never memory.
 *
 * v5 records, nearly every file there is, are converted a block at a time
 * by a loop of loads at fixed offsets, one loop per byte order, instead of
 * a cursor call per field (the reporter spent about 12% of its time in
 * those calls).  The loop only ever covers whole records inside the
 * buffer, so it needs no bounds check of its own; the other record types
 * keep the cursor.
 *
 * How a stream ends decides what the caller hears.  A clean end is 0.  A
 * stream that is damaged (corrupt zlib data, a zlib stream without its end
 * marker, bytes after the end marker, a partial record, a read error)
 * first yields every good record before the damage and then -1, with
 * ftr_error() saying what happened and after how many records.  One case
 * is not damage: a file that is still being written (neither DONE nor
 * STREAMING in the header, like flow-capture's tmp- files) normally stops
 * in mid-stream; its records up to the last flush are returned and then 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ftfile.h"
#include "zsource.h"

#define OUT_RECS 4096 /* records inflated per round */

/* The stream version 1 record (fts1rec_compat) and the header before it. */
#define FT_V1_RECLEN 60

typedef void (*rec_decoder)(const uint8_t *, int be, struct flowrec *);
/* Convert n whole records starting at p. */
typedef void (*block_decoder)(const uint8_t *p, size_t n, struct flowrec *);

struct ft_reader {
	int fd;
	char *name;
	struct ft_header hdr;
	size_t reclen;
	rec_decoder decode;
	block_decoder decode_block; /* NULL: decode one by one */
	int be;			    /* file is big-endian */
	struct zsource src;	    /* the record bytes */
	int pending;		    /* an error follows the buffered records */
	int failed;		    /* the error has been returned */
	uint64_t count;		    /* records returned */
	char err[256];
};

/*
 * Mark the stream as damaged.  The message is prefixed with the file name
 * and ends with the number of good records before the damage, counting
 * those still waiting in the buffer.
 */
static void
damage(struct ft_reader *r, const char *what, const char *detail)
{
	uint64_t good = r->count + (r->src.oend - r->src.ostart) / r->reclen;

	fthdr_seterr(r->err, sizeof(r->err), "%s: %s after %llu records%s%s",
		     r->name, what, (unsigned long long)good,
		     detail != NULL ? ": " : "", detail != NULL ? detail : "");
	r->pending = 1;
	r->src.ended = 1;
}

/* A file still being written: its stream may stop anywhere. */
static int
is_open_file(const struct ft_reader *r)
{
	return !(r->hdr.flags & (FT_FLAG_DONE | FT_FLAG_STREAMING));
}

/* Read until n bytes or EOF; the count read, or -1. */
static ssize_t
read_full(int fd, uint8_t *p, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = zsource_read_some(fd, p + got, n - got);
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/*
 * Records.  All stored record types share the layout of their first 55
 * bytes (docs/flow-tools-format.md 2.2 and 2.3); v5, v6, v7 and v1005 also
 * share bytes 56..63.  What follows (v6 encapsulation, v7 router_sc, v1005
 * tags) has no place in struct flowrec and is skipped.
 */
static void
decode_common(struct cursor *c, int be, struct flowrec *f)
{
	uint32_t pkts, octets, first, last;
	uint16_t in, out;

	memset(f, 0, sizeof(*f));
	buf_get_u32(c, be, &f->unix_secs);
	buf_get_u32(c, be, &f->unix_nsecs);
	buf_get_u32(c, be, &f->sys_uptime);
	buf_get_u32(c, be, &f->exaddr);
	buf_get_u32(c, be, &f->srcaddr);
	buf_get_u32(c, be, &f->dstaddr);
	buf_get_u32(c, be, &f->nexthop);
	buf_get_u16(c, be, &in);
	buf_get_u16(c, be, &out);
	f->input = in;
	f->output = out;
	buf_get_u32(c, be, &pkts);
	buf_get_u32(c, be, &octets);
	buf_get_u32(c, be, &first);
	buf_get_u32(c, be, &last);
	buf_get_u16(c, be, &f->srcport);
	buf_get_u16(c, be, &f->dstport);
	buf_get_u8(c, &f->proto);
	buf_get_u8(c, &f->tos);
	buf_get_u8(c, &f->tcp_flags);
	f->packets = pkts;
	f->bytes = octets;
	f->first_ms =
	    flowrec_abs_ms(f->unix_secs, f->unix_nsecs, f->sys_uptime, first);
	f->last_ms =
	    flowrec_abs_ms(f->unix_secs, f->unix_nsecs, f->sys_uptime, last);
}

static void
decode_v1(const uint8_t *p, int be, struct flowrec *f)
{
	struct cursor c;

	buf_cur_init(&c, p, 60);
	decode_common(&c, be, f);
}

/* v5 and everything built on it (v6, v7, v1005). */
static void
decode_v5(const uint8_t *p, int be, struct flowrec *f)
{
	struct cursor c;
	uint16_t sas, das;

	buf_cur_init(&c, p, FT_V5_RECLEN);
	decode_common(&c, be, f);
	buf_skip(&c, 1); /* pad; the v7 discard flags */
	buf_get_u8(&c, &f->engine_type);
	buf_get_u8(&c, &f->engine_id);
	buf_get_u8(&c, &f->src_mask);
	buf_get_u8(&c, &f->dst_mask);
	buf_get_u16(&c, be, &sas);
	buf_get_u16(&c, be, &das);
	f->src_as = sas;
	f->dst_as = das;
}

/*
 * v5 records a block at a time.  The loads below are at fixed offsets
 * inside one 64-byte record, and the loop runs over n whole records that
 * the caller has in its buffer, so every load is in bounds without a
 * check: they are buf.h's unchecked buf_load16/32.  The field layout and
 * the time arithmetic are those of decode_common() and decode_v5() (and
 * flowrec_abs_ms()); the unit tests compare both paths on the same files.
 */
static inline __attribute__((always_inline)) void
v5_block(const uint8_t *p, size_t n, struct flowrec *f, int be)
{
	int64_t base;
	size_t i;

	for (i = 0; i < n; i++, p += FT_V5_RECLEN, f++) {
		memset(f, 0, sizeof(*f));
		f->unix_secs = buf_load32(p + 0, be);
		f->unix_nsecs = buf_load32(p + 4, be);
		f->sys_uptime = buf_load32(p + 8, be);
		f->exaddr = buf_load32(p + 12, be);
		f->srcaddr = buf_load32(p + 16, be);
		f->dstaddr = buf_load32(p + 20, be);
		f->nexthop = buf_load32(p + 24, be);
		f->input = buf_load16(p + 28, be);
		f->output = buf_load16(p + 30, be);
		f->packets = buf_load32(p + 32, be);
		f->bytes = buf_load32(p + 36, be);
		base = (int64_t)f->unix_secs * 1000 +
		       (int64_t)(f->unix_nsecs / 1000000);
		f->first_ms = base - flowrec_uptime_back(
					 f->sys_uptime, buf_load32(p + 40, be));
		f->last_ms = base - flowrec_uptime_back(f->sys_uptime,
							buf_load32(p + 44, be));
		f->srcport = buf_load16(p + 48, be);
		f->dstport = buf_load16(p + 50, be);
		f->proto = p[52];
		f->tos = p[53];
		f->tcp_flags = p[54];
		/* p[55]: pad, the v7 discard flags */
		f->engine_type = p[56];
		f->engine_id = p[57];
		f->src_mask = p[58];
		f->dst_mask = p[59];
		f->src_as = buf_load16(p + 60, be);
		f->dst_as = buf_load16(p + 62, be);
	}
}

static void
decode_v5_le(const uint8_t *p, size_t n, struct flowrec *f)
{
	v5_block(p, n, f, 0);
}

static void
decode_v5_be(const uint8_t *p, size_t n, struct flowrec *f)
{
	v5_block(p, n, f, 1);
}

/*
 * Stream version 1 records (fts1rec_compat, 60 bytes) have their own
 * layout: a millisecond time base, no uptime, no exporter, the flags byte
 * where tcp_flags would be.  They are converted as flow-tools does:
 * no sysUptime, nsecs = msecs * 10^6, AS numbers and masks only for v5.
 */
static void
decode_compat(const uint8_t *p, int be, struct flowrec *f, int v5)
{
	struct cursor c;
	uint32_t msecs, pkts, octets, first, last;
	uint16_t in, out, sas, das;

	memset(f, 0, sizeof(*f));
	buf_cur_init(&c, p, FT_V1_RECLEN);
	buf_get_u32(&c, be, &f->unix_secs);
	buf_get_u32(&c, be, &msecs);
	buf_get_u32(&c, be, &f->srcaddr);
	buf_get_u32(&c, be, &f->dstaddr);
	buf_get_u32(&c, be, &f->nexthop);
	buf_get_u16(&c, be, &in);
	buf_get_u16(&c, be, &out);
	f->input = in;
	f->output = out;
	buf_get_u32(&c, be, &pkts);
	buf_get_u32(&c, be, &octets);
	buf_get_u32(&c, be, &first);
	buf_get_u32(&c, be, &last);
	buf_get_u16(&c, be, &f->srcport);
	buf_get_u16(&c, be, &f->dstport);
	buf_skip(&c, 2);
	buf_get_u8(&c, &f->proto);
	buf_get_u8(&c, &f->tos);
	buf_get_u8(&c, &f->tcp_flags);
	buf_skip(&c, 3); /* retransmission and misorder counters */
	if (v5) {
		buf_get_u16(&c, be, &sas);
		buf_get_u16(&c, be, &das);
		f->src_as = sas;
		f->dst_as = das;
		buf_get_u8(&c, &f->src_mask);
		buf_get_u8(&c, &f->dst_mask);
	}
	f->unix_nsecs = msecs * 1000000u;
	f->packets = pkts;
	f->bytes = octets;
	/*
	 * With no uptime in the record there is no wrap to undo: flow-tools
	 * adds the stamps to the time base as they are, and so do we.
	 */
	f->first_ms = flowrec_base_ms(f->unix_secs, f->unix_nsecs) + first;
	f->last_ms = flowrec_base_ms(f->unix_secs, f->unix_nsecs) + last;
}

static void
decode_compat_v1(const uint8_t *p, int be, struct flowrec *f)
{
	decode_compat(p, be, f, 0);
}

static void
decode_compat_v5(const uint8_t *p, int be, struct flowrec *f)
{
	decode_compat(p, be, f, 1);
}

/* Stream version 3 record types by export version. */
static const struct rec_type {
	uint16_t d_version;
	size_t reclen;
	rec_decoder decode;
} rec_types[] = {
    {1, 60, decode_v1}, {5, 64, decode_v5},    {6, 72, decode_v5},
    {7, 68, decode_v5}, {1005, 72, decode_v5},
};

static int
pick_decoder(struct ft_reader *r, char *err, size_t errlen)
{
	size_t i;

	if (r->hdr.stream_version == 1) {
		r->reclen = FT_V1_RECLEN;
		if (r->hdr.d_version == 1)
			r->decode = decode_compat_v1;
		else if (r->hdr.d_version == 5)
			r->decode = decode_compat_v5;
		else
			goto unsupported;
		return 0;
	}
	for (i = 0; i < sizeof(rec_types) / sizeof(rec_types[0]); i++) {
		if (rec_types[i].d_version == r->hdr.d_version) {
			r->reclen = rec_types[i].reclen;
			r->decode = rec_types[i].decode;
			return 0;
		}
	}
unsupported:
	fthdr_seterr(err, errlen,
		     "%s: export version %u (stream version %u) is "
		     "not supported",
		     r->name, r->hdr.d_version, r->hdr.stream_version);
	return -1;
}

struct ft_reader *
ftr_open(int fd, const char *name, char *err, size_t errlen)
{
	return ftr_open_head(fd, name, NULL, 0, err, errlen);
}

struct ft_reader *
ftr_open_head(int fd, const char *name, const uint8_t *head, size_t nhead,
	      char *err, size_t errlen)
{
	struct ft_reader *r;
	uint8_t hbuf[FT_MAXHEADER];
	char why[200];
	ssize_t k;
	size_t got;

	if (name == NULL)
		name = "(flow file)";
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->name = strdup(name)) == NULL) {
		fthdr_seterr(err, errlen, "%s: out of memory", name);
		free(r);
		return NULL;
	}
	r->fd = fd;
	if (nhead > 0)
		memcpy(hbuf, head, nhead);
	if ((k = read_full(fd, hbuf + nhead, 8 - nhead)) < 0) {
		fthdr_seterr(err, errlen, "%s: read: %s", name,
			     strerror(errno));
		goto fail;
	}
	got = nhead + (size_t)k;
	if (fthdr_peek(hbuf, got, &r->hdr, why, sizeof(why)) == -1)
		goto bad;
	/* hdr_len is at most FT_MAXHEADER (checked by the peek). */
	if ((k = read_full(fd, hbuf + got, r->hdr.hdr_len - got)) < 0) {
		fthdr_seterr(err, errlen, "%s: read: %s", name,
			     strerror(errno));
		goto fail;
	}
	got += (size_t)k;
	if (fthdr_decode(hbuf, got, &r->hdr, why, sizeof(why)) == -1)
		goto bad;
	if (pick_decoder(r, err, errlen) == -1)
		goto fail;
	r->be = r->hdr.byte_order == FT_BIG;
	if (r->decode == decode_v5 && r->reclen == FT_V5_RECLEN)
		r->decode_block = r->be ? decode_v5_be : decode_v5_le;
	if (zsource_init(&r->src, fd, (r->hdr.flags & FT_FLAG_COMPRESS) != 0,
			 r->reclen * OUT_RECS) == -1)
		goto nomem;
	r->src.may_stop = is_open_file(r);
	r->src.unit = r->reclen;
	return r;
nomem:
	fthdr_seterr(err, errlen, "%s: out of memory", name);
	goto fail;
bad:
	fthdr_seterr(err, errlen, "%s: %s", name, why);
fail:
	ftr_close(r);
	return NULL;
}

/*
 * The stream has ended and every whole record has been returned: report a
 * record cut short or the pending error (-1), or a clean end (0).
 */
static int
finish(struct ft_reader *r)
{
	size_t left = r->src.oend - r->src.ostart;
	char detail[64];

	/*
	 * A record cut short is damage, unless the file is still being
	 * written and its stream simply has not got further yet.
	 */
	if (left > 0 && !r->pending && (!is_open_file(r) || r->src.zend)) {
		snprintf(detail, sizeof(detail),
			 "%zu bytes of a %zu-byte record", left, r->reclen);
		damage(r, "partial record at the end", detail);
	}
	r->src.ostart = r->src.oend;
	if (r->pending) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

long
ftr_read(struct ft_reader *r, struct flowrec *recs, size_t max)
{
	size_t n = 0, k, avail;

	if (r->failed)
		return -1;
	while (n < max) {
		avail = (r->src.oend - r->src.ostart) / r->reclen;
		if (avail > 0) {
			k = avail < max - n ? avail : max - n;
			if (r->decode_block != NULL) {
				r->decode_block(r->src.out + r->src.ostart, k,
						&recs[n]);
				n += k;
				r->src.ostart += k * r->reclen;
				r->count += k;
				continue;
			}
			while (k-- > 0) {
				r->decode(r->src.out + r->src.ostart, r->be,
					  &recs[n++]);
				r->src.ostart += r->reclen;
				r->count++;
			}
			continue;
		}
		if (r->src.ended)
			break;
		zsource_fill(&r->src);
		if (r->src.what != NULL && !r->pending)
			damage(r, r->src.what, r->src.detail);
	}
	if (n > 0 || max == 0)
		return (long)n;
	return finish(r);
}

const struct ft_header *
ftr_header(const struct ft_reader *r)
{
	return &r->hdr;
}

size_t
ftr_reclen(const struct ft_reader *r)
{
	return r->reclen;
}

const char *
ftr_error(const struct ft_reader *r)
{
	return r->err[0] != '\0' ? r->err : "no error";
}

uint64_t
ftr_count(const struct ft_reader *r)
{
	return r->count;
}

uint64_t
ftr_count_max(const struct ft_header *h)
{
	return h->flows == UINT32_MAX ? UINT64_MAX : h->flows;
}

void
ftr_close(struct ft_reader *r)
{
	if (r == NULL)
		return;
	zsource_free(&r->src);
	free(r->name);
	free(r);
}
