/*
 * zstream: the compression of a flow file's record stream, by zlib or by
 * Intel ISA-L.
 *
 * A compressed flow-tools file holds one zlib stream (RFC 1950: a 2-byte
 * header, deflate data, an Adler-32 trailer) of fixed-size records.  Any
 * encoder that writes such a stream keeps the file readable by flow-tools,
 * and any decoder that checks the header and the trailer reads it.  zlib
 * at flow-capture's default level 6 deflates about 0.3M records/s on one
 * core, which caps what a collector can store; ISA-L's igzip at level 1
 * does about 6M records/s for files about 5% larger, and its inflate is
 * also faster than zlib's.  So, when nfkit is built with ISA-L (HAVE_ISAL):
 *
 *   - the default level (ft_wopts.zlevel -1) deflates with igzip level 1;
 *   - an explicit level 1..9 deflates with zlib at that level, so that
 *     "-z 6" still writes byte for byte what flow-capture writes;
 *   - every stream is inflated by ISA-L, which checks the zlib header and
 *     the Adler-32 trailer as zlib does.
 *
 * Without ISA-L, zlib does everything and the default level is zlib's
 * Z_DEFAULT_COMPRESSION (6), as flow-capture.
 *
 * Each engine is a table of functions; the caller picks one with
 * zstream_deflate_choose() or zstream_inflate_choose() and keeps the table
 * pointer with the state the engine's init returned.  Buffers are
 * described by a struct zio, whose pointers and lengths the calls advance.
 */
#ifndef NFKIT_ZSTREAM_H
#define NFKIT_ZSTREAM_H

#include <stddef.h>
#include <stdint.h>

struct zio {
	const uint8_t *in; /* next input byte */
	size_t in_len;	   /* input bytes left */
	uint8_t *out;	   /* next output byte */
	size_t out_len;	   /* output room left */
};

/*
 * A compressor.  deflate() takes input, flush() takes input and then
 * makes everything taken so far decodable from the output (a sync flush,
 * which keeps the stream going), finish() takes input and ends the stream
 * (with its trailer).  Each returns 1 when that is done and all input has
 * been taken, 0 when it needs more output room (empty the output, then
 * call the same function again with the same zio), or -1 on an internal
 * error.  init() returns NULL when out of memory; end() frees.
 */
struct zstream_deflate_ops {
	const char *name;
	void *(*init)(int zlevel);
	int (*deflate)(void *, struct zio *);
	int (*flush)(void *, struct zio *);
	int (*finish)(void *, struct zio *);
	/*
	 * Change the speed (ZSTREAM_SPEED_*) for the input that follows,
	 * returning as the calls above do; NULL when the engine has one
	 * speed (zlib: "-z N" stays byte for byte flow-capture's).
	 */
	int (*speed)(void *, int speed, struct zio *);
	void (*end)(void *);
};

/*
 * Speeds of an adaptive compressor, fastest last.  The collector's writer
 * goes from the default to stored blocks when it falls behind and back
 * when it has caught up (collector/writer.c says why not igzip level 0).
 * Each is a valid part of one zlib stream, so a file may hold all three.
 */
#define ZSTREAM_SPEED_DEFAULT 0 /* igzip level 1 */
#define ZSTREAM_SPEED_FAST 1	/* igzip level 0: ~10% faster, ~15% larger */
#define ZSTREAM_SPEED_STORED 2	/* stored blocks: a copy and Adler-32 */
#define ZSTREAM_NSPEEDS 3
/* "igzip-1", "igzip-0", "stored" */
const char *zstream_speed_name(int speed);

/*
 * The compressor for ft_wopts.zlevel: 1..9 is zlib at that level; -1 is
 * ISA-L igzip level 1 when built with ISA-L, zlib level 6 otherwise.
 */
const struct zstream_deflate_ops *zstream_deflate_choose(int zlevel);

/* What zstream_inflate_ops.inflate() found. */
#define ZINF_OK 0	/* progress, or nothing to do; call again */
#define ZINF_END 1	/* the stream ended, its checksum is right */
#define ZINF_ERROR (-1) /* damaged data; *why says what */

/*
 * A decompressor for one zlib stream.  inflate() works until the input is
 * used up, the output is full or the stream ends; after ZINF_END, the
 * input left in the zio is what followed the stream's trailer.
 */
struct zstream_inflate_ops {
	const char *name;
	void *(*init)(void);
	int (*inflate)(void *, struct zio *, const char **why);
	void (*end)(void *);
};

/* ISA-L's inflate when built with it, zlib's otherwise. */
const struct zstream_inflate_ops *zstream_inflate_choose(void);

/* The engines themselves, for tests that want one in particular. */
extern const struct zstream_deflate_ops zstream_deflate_zlib;
extern const struct zstream_inflate_ops zstream_inflate_zlib;
#ifdef HAVE_ISAL
extern const struct zstream_deflate_ops zstream_deflate_isal;
extern const struct zstream_inflate_ops zstream_inflate_isal;
#endif

#endif
