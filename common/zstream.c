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
 * The ISA-L compressor is igzip at level 1 with the zlib wrapper
 * (IGZIP_ZLIB: igzip writes the 2-byte header and the Adler-32 trailer
 * itself).  igzip does not say "done" the way zlib does, so the state it
 * leaves behind is read instead (see isal_def_run() for what each mode
 * waits for, and why a call without flush must not wait for igzip's
 * internal output buffer to empty).  The ISA-L decompressor
 * checks the zlib header and the Adler-32 trailer (ISAL_ZLIB) and gives
 * back, as unused input, whatever follows the trailer.
 */
#define ZLIB_CONST
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
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

/* igzip level 1 needs a work buffer of its own; the default size. */
struct isal_def {
	struct isal_zstream s;
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

static void *
isal_def_init(int zlevel)
{
	struct isal_def *d;

	(void)zlevel; /* only the default level comes here */
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	isal_deflate_init(&d->s);
	d->s.level = 1;
	d->s.level_buf = d->level_buf;
	d->s.level_buf_size = sizeof(d->level_buf);
	d->s.gzip_flag = IGZIP_ZLIB;
	return d;
}

/*
 * One isal_deflate() call, and whether the mode's work is done.
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
 * A sync flush is done when igzip is back at a new block header with
 * nothing left in tmp_out_buff (igzip_lib.h: ZSTATE_NEW_HDR guarantees
 * all input has been flushed); finishing, at ZSTATE_END likewise.  A
 * flush or finish always runs the compressor, so each call with room
 * makes progress until then.  A call that had ISAL_ROOM of room, took
 * nothing, made nothing and is not done breaks igzip's contract (it
 * returns when the input is used up or the output is full); it is
 * reported as a fault (-1) rather than looped on.
 */
static int
isal_def_run(void *p, struct zio *io, enum zmode mode)
{
	struct isal_def *d = p;
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
	s->flush = mode == ZM_SYNC ? SYNC_FLUSH : NO_FLUSH;
	s->end_of_stream = mode == ZM_FINISH;
	if (isal_deflate(s) != COMP_OK)
		return -1;
	took = in - s->avail_in;
	made = out - s->avail_out;
	io->in += took;
	io->in_len -= took;
	io->out += made;
	io->out_len -= made;

	done = io->in_len == 0;
	if (done && mode != ZM_NONE)
		done = st->tmp_out_start == st->tmp_out_end &&
		       st->state ==
			   (mode == ZM_SYNC ? ZSTATE_NEW_HDR : ZSTATE_END);
	if (done)
		return 1;
	if (took == 0 && made == 0 && out >= ISAL_ROOM)
		return -1;
	return 0;
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
