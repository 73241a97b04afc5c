/*
 * ftfile: write flow-tools files (stream version 3, v5 records).
 *
 * The file is the header flow-capture writes, then one zlib stream of
 * 64-byte fts3rec_v5 records (or the raw records with zlevel 0), in the
 * file's byte order.  Records are encoded into a 64 KiB block and the block
 * goes through deflate in one call; compressed output collects in a 256 KiB
 * buffer that is written when full.  So a record costs an encode and a
 * share of one deflate call, with no allocation and no system call of its
 * own.
 *
 * Deflate with Z_NO_FLUSH produces the same bytes however the input is cut
 * into calls, so a file written here from the same records and header
 * values is byte for byte the file flow-capture writes, which deflates one
 * record per call.
 *
 * ftw_flush() pushes everything out with Z_SYNC_FLUSH, so a reader of the
 * still-open file can inflate every record written so far.  ftw_close()
 * finishes the stream and rewrites the header in place with the final
 * counters and the DONE flag; the rewrite always has the same length,
 * because every TLV is always present and only values change.
 *
 * A write error is sticky: the call that hit it and every later one return
 * -1 with the errno of the failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "ftfile.h"

#define RBUF_RECS 1024			    /* records per deflate call */
#define RBUF_LEN (RBUF_RECS * FT_V5_RECLEN) /* 64 KiB */
#define OBUF_LEN (256 * 1024)		    /* compressed output */

struct ft_writer {
	int fd;
	int be; /* file is big-endian */
	int compress;
	int zinit; /* zs needs deflateEnd() */
	int error; /* errno of the first failure, or 0 */
	z_stream zs;
	struct ft_header hdr; /* as written at open */
	size_t hdr_len;
	uint64_t count; /* records accepted */
	size_t rlen;	/* bytes encoded in rbuf */
	uint8_t rbuf[RBUF_LEN];
	uint8_t *obuf; /* OBUF_LEN bytes, compressing only */
};

/* Write all of p, retrying short writes and EINTR.  0 or -1 with errno. */
static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
pwrite_all(int fd, const uint8_t *p, size_t n, off_t off)
{
	ssize_t k;

	while (n > 0) {
		k = pwrite(fd, p, n, off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

static int
fail(struct ft_writer *w, int e)
{
	if (w->error == 0)
		w->error = e;
	errno = w->error;
	return -1;
}

/* Encode one record as fts3rec_v5 (docs/flow-tools-format.md 2.2). */
static void
encode_v5(const struct flowrec *r, int be, uint8_t *out)
{
	struct wcursor c;

	wcur_init(&c, out, FT_V5_RECLEN);
	wcur_put_u32(&c, be, r->unix_secs);
	wcur_put_u32(&c, be, r->unix_nsecs);
	wcur_put_u32(&c, be, r->sys_uptime);
	wcur_put_u32(&c, be, r->exaddr);
	wcur_put_u32(&c, be, r->srcaddr);
	wcur_put_u32(&c, be, r->dstaddr);
	wcur_put_u32(&c, be, r->nexthop);
	wcur_put_u16(&c, be, r->input);
	wcur_put_u16(&c, be, r->output);
	/* The file holds 32-bit counters; larger ones are clamped, not cut. */
	wcur_put_u32(&c, be,
		     r->packets > UINT32_MAX ? UINT32_MAX
					     : (uint32_t)r->packets);
	wcur_put_u32(&c, be,
		     r->bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)r->bytes);
	wcur_put_u32(&c, be, flowrec_rel_ms(r, r->first_ms));
	wcur_put_u32(&c, be, flowrec_rel_ms(r, r->last_ms));
	wcur_put_u16(&c, be, r->srcport);
	wcur_put_u16(&c, be, r->dstport);
	wcur_put_u8(&c, r->proto);
	wcur_put_u8(&c, r->tos);
	wcur_put_u8(&c, r->tcp_flags);
	wcur_put_u8(&c, 0);
	wcur_put_u8(&c, r->engine_type);
	wcur_put_u8(&c, r->engine_id);
	wcur_put_u8(&c, r->src_mask);
	wcur_put_u8(&c, r->dst_mask);
	wcur_put_u16(&c, be, r->src_as);
	wcur_put_u16(&c, be, r->dst_as);
}

/* Write out the compressed bytes collected in obuf. */
static int
drain(struct ft_writer *w)
{
	size_t n = OBUF_LEN - w->zs.avail_out;

	if (n > 0 && write_all(w->fd, w->obuf, n) == -1)
		return fail(w, errno);
	w->zs.next_out = w->obuf;
	w->zs.avail_out = OBUF_LEN;
	return 0;
}

/*
 * Feed rbuf to deflate with the given flush mode and write out whatever
 * fills obuf.  With Z_NO_FLUSH small output stays in obuf for later; with
 * Z_SYNC_FLUSH or Z_FINISH everything is written.
 */
static int
deflate_block(struct ft_writer *w, int flush)
{
	int ret;

	w->zs.next_in = w->rbuf;
	w->zs.avail_in = (uInt)w->rlen;
	for (;;) {
		ret = deflate(&w->zs, flush);
		if (ret == Z_STREAM_ERROR)
			return fail(w, EINVAL);
		if (w->zs.avail_out == 0) {
			if (drain(w) == -1)
				return -1;
			continue;
		}
		/*
		 * Output space left over means deflate took all the input
		 * and, when flushing, finished the flush; Z_FINISH must
		 * then have ended the stream.
		 */
		if (flush == Z_FINISH && ret != Z_STREAM_END)
			return fail(w, EIO);
		break;
	}
	w->rlen = 0;
	if (flush != Z_NO_FLUSH)
		return drain(w);
	return 0;
}

/* Send the encoded records in rbuf on their way. */
static int
push(struct ft_writer *w, int flush)
{
	if (w->compress)
		return deflate_block(w, flush);
	if (w->rlen > 0 && write_all(w->fd, w->rbuf, w->rlen) == -1)
		return fail(w, errno);
	w->rlen = 0;
	return 0;
}

struct ft_writer *
ftw_open(int fd, const struct ft_wopts *o)
{
	struct ft_writer *w;
	uint8_t hbuf[FT_MAXHEADER];
	int e, level;

	if (o->zlevel < -1 || o->zlevel > 9 ||
	    (o->byte_order != 0 && o->byte_order != FT_LITTLE &&
	     o->byte_order != FT_BIG)) {
		errno = EINVAL;
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->fd = fd;
	w->hdr.byte_order = (uint8_t)o->byte_order;
	if (w->hdr.byte_order == 0) {
		uint16_t one = 1;

		w->hdr.byte_order = *(uint8_t *)&one ? FT_LITTLE : FT_BIG;
	}
	w->be = w->hdr.byte_order == FT_BIG;
	w->hdr.stream_version = 3;
	w->hdr.d_version = 5;
	w->hdr.cap_start = o->cap_start;
	w->compress = o->zlevel != 0;
	if (w->compress)
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
	w->hdr_len = ft_header_encode(&w->hdr, hbuf, sizeof(hbuf));
	if (w->hdr_len == 0) {
		free(w);
		errno = EINVAL;
		return NULL;
	}
	w->hdr.hdr_len = (uint32_t)w->hdr_len;

	if (w->compress) {
		level = o->zlevel < 0 ? Z_DEFAULT_COMPRESSION : o->zlevel;
		if ((w->obuf = malloc(OBUF_LEN)) == NULL ||
		    deflateInit(&w->zs, level) != Z_OK) {
			free(w->obuf);
			free(w);
			errno = ENOMEM;
			return NULL;
		}
		w->zinit = 1;
		w->zs.next_out = w->obuf;
		w->zs.avail_out = OBUF_LEN;
	}
	if (write_all(fd, hbuf, w->hdr_len) == -1) {
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

	if (w->error != 0)
		return fail(w, w->error);
	for (i = 0; i < n; i++) {
		encode_v5(&r[i], w->be, w->rbuf + w->rlen);
		w->rlen += FT_V5_RECLEN;
		w->count++;
		if (w->rlen == RBUF_LEN && push(w, Z_NO_FLUSH) == -1)
			return -1;
	}
	return 0;
}

int
ftw_flush(struct ft_writer *w)
{
	if (w->error != 0)
		return fail(w, w->error);
	return push(w, Z_SYNC_FLUSH);
}

int
ftw_close(struct ft_writer *w, const struct ft_counts *cnt)
{
	uint8_t hbuf[FT_MAXHEADER];
	struct ft_header h;
	int ret = 0, e = 0;

	if (w->error != 0 || push(w, Z_FINISH) == -1) {
		e = w->error;
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
		if (ft_header_encode(&h, hbuf, sizeof(hbuf)) != w->hdr_len) {
			e = EINVAL;
			ret = -1;
		} else if (pwrite_all(w->fd, hbuf, w->hdr_len, 0) == -1) {
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
	if (w->zinit)
		deflateEnd(&w->zs);
	free(w->obuf);
	free(w);
}
