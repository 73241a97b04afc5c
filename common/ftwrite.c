/*
 * ftwrite: write flow-tools files (stream version 3, v5 records).
 *
 * The file is the header flow-capture writes, then one zlib stream of
 * 64-byte fts3rec_v5 records (or the raw records with zlevel 0), in the
 * file's byte order.  Records are encoded into a 256 KiB block and the block
 * goes through deflate in one call; compressed output collects in a 256 KiB
 * buffer that is written when full.  So a record costs an encode and a
 * share of one deflate call, with no allocation and no system call of its
 * own.
 *
 * zlib's deflate with Z_NO_FLUSH produces the same bytes however the input
 * is cut into calls, so a file written here at a given zlib level from the
 * same records and header values is byte for byte the file flow-capture
 * writes at that level, although flow-capture deflates one record per call.
 *
 * ftw_flush() pushes everything out with a sync flush, so a reader of the
 * still-open file can inflate every record written so far.  ftw_close()
 * finishes the stream and rewrites the header in place with the final
 * counters and the DONE flag; the rewrite always has the same length,
 * because every TLV is always present and only values change.
 *
 * Which compressor does the work is zstream.c's business: an explicit
 * level 1..9 is zlib at that level (so "-z 6" stays byte-identical to
 * flow-capture), the default level is ISA-L's igzip when nfkit is built
 * with it, 20 times faster than zlib level 6 for files about 5% larger.
 * Either way the file holds one zlib stream.
 *
 * A write error is sticky: the call that hit it and every later one return
 * -1 with the errno of the failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ftfile.h"
#include "zsink.h"

/*
 * Records per deflate call.  igzip copies the first 32 KiB of each call
 * into its history buffer and moves the last 32 KiB there at its end, so
 * a bigger block costs fewer copies per record (4096: 2 copies per 256
 * KiB instead of per 64 KiB, 7% of igzip's instructions).
 */
#define RBUF_RECS 4096
#define RBUF_LEN (RBUF_RECS * FT_V5_RECLEN) /* 256 KiB */

struct ft_writer {
	struct zsink sink;    /* the record stream after the header */
	int be;		      /* file is big-endian */
	struct ft_header hdr; /* as written at open */
	size_t hdr_len;
	uint64_t count; /* records accepted */
	size_t rlen;	/* bytes encoded in rbuf */
	uint8_t rbuf[RBUF_LEN];
};

/*
 * Encode one record as fts3rec_v5 (docs/flow-tools-format.md 2.2) with
 * stores at fixed offsets: every byte of the 64 is written, no cursor.
 */
static void
encode_v5(const struct flowrec *r, int be, uint8_t *out)
{
	/* The export header's time base, for the uptime-relative times. */
	int64_t base = flowrec_base_ms(r->unix_secs, r->unix_nsecs);

	buf_store32(out + 0, r->unix_secs, be);
	buf_store32(out + 4, r->unix_nsecs, be);
	buf_store32(out + 8, r->sys_uptime, be);
	buf_store32(out + 12, r->exaddr, be);
	buf_store32(out + 16, r->srcaddr, be);
	buf_store32(out + 20, r->dstaddr, be);
	buf_store32(out + 24, r->nexthop, be);
	/* 32-bit ifIndex and AS numbers saturate to v5's 16 bits. */
	buf_store16(out + 28, flowrec_sat16(r->input), be);
	buf_store16(out + 30, flowrec_sat16(r->output), be);
	/* The file holds 32-bit counters; larger ones are clamped, not cut. */
	buf_store32(out + 32,
		    r->packets > UINT32_MAX ? UINT32_MAX : (uint32_t)r->packets,
		    be);
	buf_store32(out + 36,
		    r->bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)r->bytes,
		    be);
	/* flowrec_rel_ms() with the base computed once: modulo 2^32. */
	buf_store32(out + 40,
		    (uint32_t)((uint64_t)r->sys_uptime +
			       (uint64_t)(r->first_ms - base)),
		    be);
	buf_store32(
	    out + 44,
	    (uint32_t)((uint64_t)r->sys_uptime + (uint64_t)(r->last_ms - base)),
	    be);
	buf_store16(out + 48, r->srcport, be);
	buf_store16(out + 50, r->dstport, be);
	out[52] = r->proto;
	out[53] = r->tos;
	out[54] = r->tcp_flags;
	out[55] = 0;
	out[56] = r->engine_type;
	out[57] = r->engine_id;
	out[58] = r->src_mask;
	out[59] = r->dst_mask;
	buf_store16(out + 60, flowrec_sat16(r->src_as), be);
	buf_store16(out + 62, flowrec_sat16(r->dst_as), be);
}

/* Send the encoded records in rbuf on their way. */
static int
push(struct ft_writer *w, enum zsink_push how)
{
	size_t n = w->rlen;

	w->rlen = 0;
	return zsink_write(&w->sink, w->rbuf, n, how);
}

struct ft_writer *
ftw_open(int fd, const struct ft_wopts *o)
{
	struct ft_writer *w;
	uint8_t hbuf[FT_MAXHEADER];
	int e;

	if (o->zlevel < -1 || o->zlevel > 9 ||
	    (o->byte_order != 0 && o->byte_order != FT_LITTLE &&
	     o->byte_order != FT_BIG)) {
		errno = EINVAL;
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->hdr.byte_order = (uint8_t)o->byte_order;
	if (w->hdr.byte_order == 0) {
		uint16_t one = 1;

		w->hdr.byte_order = *(uint8_t *)&one ? FT_LITTLE : FT_BIG;
	}
	w->be = w->hdr.byte_order == FT_BIG;
	w->hdr.stream_version = 3;
	w->hdr.d_version = 5;
	w->hdr.cap_start = o->cap_start;
	if (o->zlevel != 0)
		w->hdr.flags |= FT_FLAG_COMPRESS;
	if (o->streaming)
		w->hdr.flags |= FT_FLAG_STREAMING;
	if (o->hostname != NULL) {
		strncpy(w->hdr.hostname, o->hostname,
			sizeof(w->hdr.hostname) - 1);
	} else if (gethostname(w->hdr.hostname, sizeof(w->hdr.hostname) - 1) ==
		   -1) {
		w->hdr.hostname[0] = '\0';
	}
	if (o->comment != NULL)
		strncpy(w->hdr.comment, o->comment, sizeof(w->hdr.comment) - 1);
	w->hdr_len = fthdr_encode(&w->hdr, hbuf, sizeof(hbuf));
	if (w->hdr_len == 0) {
		free(w);
		errno = EINVAL;
		return NULL;
	}
	w->hdr.hdr_len = (uint32_t)w->hdr_len;

	if (zsink_init(&w->sink, fd, o->zlevel) == -1) {
		free(w);
		return NULL;
	}
	if (zsink_write_all(fd, hbuf, w->hdr_len, -1) == -1) {
		e = errno;
		ftw_abort(w);
		errno = e;
		return NULL;
	}
	return w;
}

int
ftw_write(struct ft_writer *w, const struct flowrec *r, size_t n)
{
	size_t i;

	if (w->sink.error != 0)
		return zsink_fail(&w->sink, w->sink.error);
	for (i = 0; i < n; i++) {
		encode_v5(&r[i], w->be, w->rbuf + w->rlen);
		w->rlen += FT_V5_RECLEN;
		w->count++;
		if (w->rlen == RBUF_LEN && push(w, ZSINK_NONE) == -1)
			return -1;
	}
	return 0;
}

int
ftw_flush(struct ft_writer *w)
{
	return push(w, ZSINK_SYNC);
}

int
ftw_speed(struct ft_writer *w, int speed)
{
	return zsink_speed(&w->sink, speed);
}

int
ftw_close(struct ft_writer *w, const struct ft_counts *cnt)
{
	uint8_t hbuf[FT_MAXHEADER];
	struct ft_header h;
	int ret = 0, e = 0;

	if (push(w, ZSINK_FINISH) == -1) {
		e = w->sink.error;
		ret = -1;
	}
	if (ret == 0 && !(w->hdr.flags & FT_FLAG_STREAMING)) {
		h = w->hdr;
		h.flags |= FT_FLAG_DONE;
		/* The header holds 32 bits; a bigger count is clamped. */
		h.flows =
		    w->count > UINT32_MAX ? UINT32_MAX : (uint32_t)w->count;
		if (cnt != NULL) {
			h.cap_end = cnt->cap_end;
			h.lost = cnt->lost;
			h.corrupt = cnt->corrupt;
			h.resets = cnt->resets;
		}
		if (fthdr_encode(&h, hbuf, sizeof(hbuf)) != w->hdr_len) {
			e = EINVAL;
			ret = -1;
		} else if (zsink_write_all(w->sink.fd, hbuf, w->hdr_len, 0) ==
			   -1) {
			e = errno;
			ret = -1;
		}
	}
	ftw_abort(w);
	if (ret == -1)
		errno = e;
	return ret;
}

uint64_t
ftw_count(const struct ft_writer *w)
{
	return w->count;
}

void
ftw_abort(struct ft_writer *w)
{
	if (w == NULL)
		return;
	zsink_free(&w->sink);
	free(w);
}
