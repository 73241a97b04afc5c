/*
 * zstream: zlib streams compressed and inflated by zlib or Intel ISA-L,
 * behind one table of functions per engine (see zstream.h for when each
 * is used and why).
 *
 * The zlib engines are thin: a z_stream, deflate() or inflate(), and the
 * usual reading of its return codes.  Called with the same input cut the
 * same way, the zlib compressor makes exactly the bytes the writer made
 * before this module existed, which is what keeps "-z 6" files identical
 * to flow-capture's.
 *
 * The ISA-L compressor is igzip at level 1 making raw deflate blocks,
 * inside a zlib header and Adler-32 trailer written here, so that it can
 * step down to igzip level 0 or to stored blocks when the writer falls
 * behind (isal_def_speed()).  igzip does not say "done" the way zlib
 * does, so the state it leaves behind is read instead (see isal_igzip()
 * for what each mode waits for, and why a call without flush must not
 * wait for igzip's internal output buffer to empty).  The ISA-L decompressor
 * checks the zlib header and the Adler-32 trailer (ISAL_ZLIB) and gives
 * back, as unused input, whatever follows the trailer.
 */
#define ZLIB_CONST
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "zstream.h"

/* The modes of one compressor call. */
enum zmode { ZM_NONE, ZM_SYNC, ZM_FINISH };

/* ---- zlib ---- */

static void *
zl_def_init(int zlevel)
{
	z_stream *zs;

	if ((zs = calloc(1, sizeof(*zs))) == NULL)
		return NULL;
	if (deflateInit(zs, zlevel < 0 ? Z_DEFAULT_COMPRESSION : zlevel) !=
	    Z_OK) {
		free(zs);
		return NULL;
	}
	return zs;
}

/*
 * One deflate() call.  zlib's counts are 32 bits wide, so a longer buffer
 * is taken in slices; a call that stops with input left asks to be called
 * again.
 */
static int
zl_def_run(void *p, struct zio *io, int flush)
{
	z_stream *zs = p;
	size_t in = io->in_len > UINT_MAX ? UINT_MAX : io->in_len;
	size_t out = io->out_len > UINT_MAX ? UINT_MAX : io->out_len;
	int ret;

	zs->next_in = io->in;
	zs->avail_in = (uInt)in;
	zs->next_out = io->out;
	zs->avail_out = (uInt)out;
	ret = deflate(zs, flush);
	io->in += in - zs->avail_in;
	io->in_len -= in - zs->avail_in;
	io->out += out - zs->avail_out;
	io->out_len -= out - zs->avail_out;
	if (ret == Z_STREAM_ERROR)
		return -1;
	if (flush == Z_FINISH && ret == Z_STREAM_END)
		return 1;
	/*
	 * A full output buffer may hide more output; otherwise deflate
	 * took all it was given and, when flushing, finished the flush.
	 * Z_FINISH must then have ended the stream.
	 */
	if (io->out_len == 0 || io->in_len > 0)
		return 0;
	return flush == Z_FINISH ? -1 : 1;
}

static int
zl_def_deflate(void *p, struct zio *io)
{
	return zl_def_run(p, io, Z_NO_FLUSH);
}

static int
zl_def_flush(void *p, struct zio *io)
{
	return zl_def_run(p, io, Z_SYNC_FLUSH);
}

static int
zl_def_finish(void *p, struct zio *io)
{
	return zl_def_run(p, io, Z_FINISH);
}

static void
zl_def_end(void *p)
{
	if (p != NULL)
		deflateEnd(p);
	free(p);
}

const struct zstream_deflate_ops zstream_deflate_zlib = {
    .name = "zlib",
    .init = zl_def_init,
    .deflate = zl_def_deflate,
    .flush = zl_def_flush,
    .finish = zl_def_finish,
    .end = zl_def_end,
};

static void *
zl_inf_init(void)
{
	z_stream *zs;

	if ((zs = calloc(1, sizeof(*zs))) == NULL)
		return NULL;
	if (inflateInit(zs) != Z_OK) {
		free(zs);
		return NULL;
	}
	return zs;
}

static int
zl_inf_inflate(void *p, struct zio *io, const char **why)
{
	z_stream *zs = p;
	size_t in = io->in_len > UINT_MAX ? UINT_MAX : io->in_len;
	size_t out = io->out_len > UINT_MAX ? UINT_MAX : io->out_len;
	int ret;

	zs->next_in = io->in;
	zs->avail_in = (uInt)in;
	zs->next_out = io->out;
	zs->avail_out = (uInt)out;
	ret = inflate(zs, Z_NO_FLUSH);
	io->in += in - zs->avail_in;
	io->in_len -= in - zs->avail_in;
	io->out += out - zs->avail_out;
	io->out_len -= out - zs->avail_out;
	if (ret == Z_STREAM_END)
		return ZINF_END;
	/* Z_BUF_ERROR only means there was nothing to do. */
	if (ret == Z_OK || ret == Z_BUF_ERROR)
		return ZINF_OK;
	*why = zs->msg != NULL ? zs->msg : zError(ret);
	return ZINF_ERROR;
}

static void
zl_inf_end(void *p)
{
	if (p != NULL)
		inflateEnd(p);
	free(p);
}

const struct zstream_inflate_ops zstream_inflate_zlib = {
    .name = "zlib",
    .init = zl_inf_init,
    .inflate = zl_inf_inflate,
    .end = zl_inf_end,
};

/* ---- ISA-L ---- */

#ifdef HAVE_ISAL

/*
 * The ISA-L compressor writes the zlib wrapper itself: igzip makes raw
 * deflate blocks (IGZIP_DEFLATE), this code the 2-byte header before them
 * and the Adler-32 of every input byte after them.  That is what lets the
 * stream go on in stored blocks (ZSTREAM_SPEED_STORED), which igzip cannot
 * make: the checksum is over all input, whichever way it went out.
 *
 * Changing speed: igzip is first taken to the end of a block with a full
 * flush (byte-aligned, and no later match may reach back before it, so
 * nothing igzip writes afterwards refers to bytes that went out stored),
 * then the level is set or the stored blocks begin.  Stored blocks are
 * written whole (header, then exactly that many input bytes), so they end
 * byte-aligned and igzip can start a new block after them.
 */
#define ISAL_STORED_MAX 65535 /* bytes in one stored block */

struct isal_def {
	struct isal_zstream s;
	int speed;	    /* ZSTREAM_SPEED_* in effect */
	int flushing;	    /* a full flush before a speed change is on */
	int started;	    /* the zlib header is queued */
	int ended;	    /* the final block and trailer are queued */
	uint32_t adler;	    /* Adler-32 of the input taken so far */
	size_t stored_left; /* bytes still due in the open stored block */
	uint8_t pend[16];   /* header/trailer bytes not yet written */
	size_t pend_at, pend_n;
	uint8_t level_buf[ISAL_DEF_LVL1_DEFAULT];
};

/*
 * Output room below which igzip may legitimately make nothing in a call:
 * it writes its bit buffer 8 bytes at a time and a block header only
 * where ISAL_DEF_MAX_HDR_SIZE bytes fit (otherwise into its 16-byte
 * tmp_out_buff first).  With this much room, a call that is not done
 * must take input or make output.
 */
#define ISAL_ROOM (ISAL_DEF_MAX_HDR_SIZE + 64)

/* igzip's level at each compressing speed. */
static const uint32_t isal_level[] = {1, 0};

static void *
isal_def_init(int zlevel)
{
	struct isal_def *d;

	(void)zlevel; /* only the default level comes here */
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	isal_deflate_init(&d->s);
	d->s.level = isal_level[0];
	d->s.level_buf = d->level_buf;
	d->s.level_buf_size = sizeof(d->level_buf);
	d->s.gzip_flag = IGZIP_DEFLATE;
	d->adler = 1;
	return d;
}

static void
isal_queue(struct isal_def *d, const uint8_t *p, size_t n)
{
	memcpy(d->pend + d->pend_n, p, n);
	d->pend_n += n;
}

/* Write queued header/trailer bytes; 1 when none are left. */
static int
isal_pend_out(struct isal_def *d, struct zio *io)
{
	size_t k = d->pend_n - d->pend_at;

	if (k > io->out_len)
		k = io->out_len;
	memcpy(io->out, d->pend + d->pend_at, k);
	io->out += k;
	io->out_len -= k;
	d->pend_at += k;
	if (d->pend_at < d->pend_n)
		return 0;
	d->pend_at = d->pend_n = 0;
	return 1;
}

/* The zlib header (deflate, 32 KiB window, fastest), once, first. */
static void
isal_start(struct isal_def *d)
{
	static const uint8_t zhdr[2] = {0x78, 0x01};

	if (!d->started)
		isal_queue(d, zhdr, sizeof(zhdr));
	d->started = 1;
}

static void
isal_queue_be32(struct isal_def *d, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			(uint8_t)(v >> 8), (uint8_t)v};

	isal_queue(d, b, 4);
}

/*
 * Stored blocks: a block header for up to 64 KiB of input, then that
 * input copied as it is.  Returns 1 when all input is out.
 */
static int
isal_stored(struct isal_def *d, struct zio *io)
{
	size_t k;
	uint8_t h[5];

	for (;;) {
		if (!isal_pend_out(d, io))
			return 0;
		if (d->stored_left == 0) {
			if (io->in_len == 0)
				return 1;
			k = io->in_len > ISAL_STORED_MAX ? ISAL_STORED_MAX
							 : io->in_len;
			h[0] = 0; /* not final, stored */
			h[1] = (uint8_t)k;
			h[2] = (uint8_t)(k >> 8);
			h[3] = (uint8_t)~k;
			h[4] = (uint8_t)(~k >> 8);
			isal_queue(d, h, sizeof(h));
			d->stored_left = k;
			continue;
		}
		k = d->stored_left;
		if (k > io->in_len)
			k = io->in_len;
		if (k > io->out_len)
			k = io->out_len;
		if (k == 0)
			return 0;
		memcpy(io->out, io->in, k);
		d->adler = isal_adler32(d->adler, io->in, k);
		io->in += k;
		io->in_len -= k;
		io->out += k;
		io->out_len -= k;
		d->stored_left -= k;
	}
}

/*
 * One isal_deflate() call in the given flush mode, and whether igzip is
 * done: all input taken and, for a flush, at a new block with nothing
 * left in tmp_out_buff (igzip_lib.h: ZSTATE_NEW_HDR guarantees all input
 * has been flushed); for the end, at ZSTATE_END.
 *
 * Without flush, done means all input taken, and nothing more: igzip may
 * keep compressed bytes inside (its bit buffer, a block not yet written,
 * up to 16 bytes in tmp_out_buff when the output ran out with fewer than
 * 8 bytes of room) and writes them on a later call, as zlib keeps its
 * pending output.  Waiting for tmp_out_buff to empty here was the cause
 * of the compressor fault seen at 3.2M flows/s: when the output room ran
 * out in the last few bytes of a block igzip was writing, the block's
 * tail went to tmp_out_buff, the body then took the rest of the input,
 * and the next call, given no new input and no flush, found at most 32
 * KiB buffered and returned at once without compressing -- and without
 * moving tmp_out_buff either (isal_deflate() skips isal_deflate_int(),
 * the only place that copies it out, until more input or a flush comes).
 * Every later call did the same, so the writer saw "need room" forever.
 *
 * A flush or the end always runs the compressor, so each call with room
 * makes progress until done.  A call that had ISAL_ROOM of room, took
 * nothing, made nothing and is not done breaks igzip's contract (it
 * returns when the input is used up or the output is full); it is
 * reported as a fault (-1) rather than looped on.
 */
static int
isal_igzip(struct isal_def *d, struct zio *io, enum zmode mode, int full)
{
	struct isal_zstream *s = &d->s;
	const struct isal_zstate *st = &s->internal_state;
	size_t in = io->in_len > UINT32_MAX ? UINT32_MAX : io->in_len;
	size_t out = io->out_len > UINT32_MAX ? UINT32_MAX : io->out_len;
	size_t took, made;
	int done;

	s->next_in = (uint8_t *)io->in; /* igzip only reads it */
	s->avail_in = (uint32_t)in;
	s->next_out = io->out;
	s->avail_out = (uint32_t)out;
	s->flush = full ? FULL_FLUSH : mode == ZM_SYNC ? SYNC_FLUSH : NO_FLUSH;
	s->end_of_stream = mode == ZM_FINISH;
	if (isal_deflate(s) != COMP_OK)
		return -1;
	took = in - s->avail_in;
	made = out - s->avail_out;
	d->adler = isal_adler32(d->adler, io->in, took);
	io->in += took;
	io->in_len -= took;
	io->out += made;
	io->out_len -= made;

	done = io->in_len == 0;
	if (done && (mode != ZM_NONE || full))
		done = st->tmp_out_start == st->tmp_out_end &&
		       st->state ==
			   (mode == ZM_FINISH ? ZSTATE_END : ZSTATE_NEW_HDR);
	if (done)
		return 1;
	if (took == 0 && made == 0 && out >= ISAL_ROOM)
		return -1;
	return 0;
}

/*
 * One compressor call in a mode, and whether the mode's work is done: the
 * zlib header first, then the input by igzip or in stored blocks, then
 * for the end the final block (igzip's, or an empty stored one) and the
 * Adler-32.
 */
static int
isal_def_run(void *p, struct zio *io, enum zmode mode)
{
	static const uint8_t last[5] = {1, 0, 0, 0xff, 0xff}; /* final */
	struct isal_def *d = p;
	int ret;

	isal_start(d);
	if (!isal_pend_out(d, io))
		return 0;
	if (!d->ended) {
		if (d->speed == ZSTREAM_SPEED_STORED) {
			if ((ret = isal_stored(d, io)) != 1)
				return ret;
			if (mode == ZM_FINISH)
				isal_queue(d, last, sizeof(last));
		} else if ((ret = isal_igzip(d, io, mode, 0)) != 1)
			return ret;
		if (mode == ZM_FINISH) {
			isal_queue_be32(d, d->adler);
			d->ended = 1;
		}
	}
	return isal_pend_out(d, io);
}

static int
isal_def_deflate(void *p, struct zio *io)
{
	return isal_def_run(p, io, ZM_NONE);
}

static int
isal_def_flush(void *p, struct zio *io)
{
	return isal_def_run(p, io, ZM_SYNC);
}

static int
isal_def_finish(void *p, struct zio *io)
{
	return isal_def_run(p, io, ZM_FINISH);
}

/*
 * Change speed: from igzip, after a full flush of what it holds (which
 * may need output room: 0, call again); stored blocks are always whole
 * between calls.
 */
static int
isal_def_speed(void *p, int speed, struct zio *io)
{
	struct isal_def *d = p;
	struct zio none = *io;
	int ret;

	if (speed < 0 || speed >= ZSTREAM_NSPEEDS || d->ended)
		return -1;
	if (speed == d->speed)
		return 1;
	if (d->speed != ZSTREAM_SPEED_STORED) {
		isal_start(d);
		if (!isal_pend_out(d, io))
			return 0;
		none.in_len = 0; /* the records taken so far, nothing new */
		none.out = io->out;
		none.out_len = io->out_len;
		ret = isal_igzip(d, &none, ZM_NONE, 1);
		io->out = none.out;
		io->out_len = none.out_len;
		if (ret != 1)
			return ret;
	}
	d->speed = speed;
	if (speed != ZSTREAM_SPEED_STORED)
		d->s.level = isal_level[speed];
	return 1;
}

static void
isal_def_end(void *p)
{
	free(p);
}

const struct zstream_deflate_ops zstream_deflate_isal = {
    .name = "isa-l",
    .init = isal_def_init,
    .deflate = isal_def_deflate,
    .flush = isal_def_flush,
    .finish = isal_def_finish,
    .speed = isal_def_speed,
    .end = isal_def_end,
};

static void *
isal_inf_init(void)
{
	struct inflate_state *st;

	if ((st = malloc(sizeof(*st))) == NULL)
		return NULL;
	isal_inflate_init(st);
	st->crc_flag = ISAL_ZLIB; /* check the zlib header and Adler-32 */
	return st;
}

/* ISA-L's error codes in the words zlib uses for the same faults. */
static const char *
isal_why(int ret)
{
	switch (ret) {
	case ISAL_INVALID_BLOCK:
		return "invalid block type or lengths";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER:
		return "incorrect header check";
	case ISAL_UNSUPPORTED_METHOD:
		return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "incorrect data check";
	case ISAL_NEED_DICT:
		return "needs a preset dictionary";
	default:
		return "inflate failed";
	}
}

static int
isal_inf_inflate(void *p, struct zio *io, const char **why)
{
	struct inflate_state *st = p;
	size_t in = io->in_len > UINT32_MAX ? UINT32_MAX : io->in_len;
	size_t out = io->out_len > UINT32_MAX ? UINT32_MAX : io->out_len;
	size_t took, ahead;
	int ret;

	st->next_in = (uint8_t *)io->in; /* only read */
	st->avail_in = (uint32_t)in;
	st->next_out = io->out;
	st->avail_out = (uint32_t)out;
	ret = isal_inflate(st);
	/*
	 * On some corrupt streams isal_inflate() fails with avail_in wound
	 * past what it was given; the stream is dead then, so report the
	 * error before moving any pointer by that amount.
	 */
	if (st->avail_in > in || st->avail_out > out) {
		*why = ret != ISAL_DECOMP_OK ? isal_why(ret) : "inflate state";
		return ZINF_ERROR;
	}
	took = in - st->avail_in;
	io->in += took;
	io->in_len -= took;
	io->out += out - st->avail_out;
	io->out_len -= out - st->avail_out;
	/* Stateful inflate reports only DECOMP_OK, NEED_DICT or an error. */
	if (ret != ISAL_DECOMP_OK) {
		*why = isal_why(ret);
		return ZINF_ERROR;
	}
	if (st->block_state != ISAL_BLOCK_FINISH)
		return ZINF_OK;
	/*
	 * igzip loads input 8 bytes at a time, so it may have taken bytes
	 * beyond the trailer into its bit buffer; they are given back so
	 * the caller sees what follows the stream.  They can only come from
	 * this call's input, which held the end of the trailer.
	 */
	ahead = (size_t)st->read_in_length / 8;
	if (ahead > took) {
		*why = "input after the end of the stream";
		return ZINF_ERROR;
	}
	io->in -= ahead;
	io->in_len += ahead;
	st->read_in_length = 0;
	st->read_in = 0;
	return ZINF_END;
}

static void
isal_inf_end(void *p)
{
	free(p);
}

const struct zstream_inflate_ops zstream_inflate_isal = {
    .name = "isa-l",
    .init = isal_inf_init,
    .inflate = isal_inf_inflate,
    .end = isal_inf_end,
};

#endif /* HAVE_ISAL */

const char *
zstream_speed_name(int speed)
{
	static const char *const names[ZSTREAM_NSPEEDS] = {"igzip-1", "igzip-0",
							   "stored"};

	return speed >= 0 && speed < ZSTREAM_NSPEEDS ? names[speed] : "?";
}

const struct zstream_deflate_ops *
zstream_deflate_choose(int zlevel)
{
#ifdef HAVE_ISAL
	if (zlevel < 0)
		return &zstream_deflate_isal;
#else
	(void)zlevel;
#endif
	return &zstream_deflate_zlib;
}

const struct zstream_inflate_ops *
zstream_inflate_choose(void)
{
#ifdef HAVE_ISAL
	return &zstream_inflate_isal;
#else
	return &zstream_inflate_zlib;
#endif
}
