/*
 * ftfile: flow-tools flow files (stream version 3 written, 1 and 3 read).
 *
 * Layout, per docs/flow-tools-format.md: 8 fixed bytes (magic CF 10, byte
 * order, stream version, header length), TLVs up to the header length, then
 * either one zlib stream of fixed-size records or the raw records.
 *
 * The writer produces exactly the header flow-capture writes (the nine TLVs
 * 0x02 0x06 0x07 0x08 0x0A 0x0B 0x0D 0x0E 0x0F, plus 0x10 with a comment),
 * streams records through deflate in large blocks, can flush the stream so
 * an open file is readable up to that point, and at close rewrites the
 * header in place with the same length (end time, counters, DONE).
 *
 * The reader accepts both byte orders, compressed or raw records, record
 * types v1/v5/v6/v7/v1005 (converted to struct flowrec), skips unknown
 * TLVs, ignores padding, and never trusts a count from the file.
 */
#ifndef NFKIT_FTFILE_H
#define NFKIT_FTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define FT_MAGIC1 0xCF
#define FT_MAGIC2 0x10
#define FT_LITTLE 1
#define FT_BIG 2
#define FT_MAXHEADER 16384

/* Header flags (TLV 0x08). */
#define FT_FLAG_DONE 0x01
#define FT_FLAG_COMPRESS 0x02
#define FT_FLAG_MULT_PDU 0x04
#define FT_FLAG_STREAMING 0x08
#define FT_FLAG_XLATE 0x10
#define FT_FLAG_PRELOADED 0x20

#define FT_V5_RECLEN 64

struct ft_header {
	uint8_t byte_order;	/* FT_LITTLE or FT_BIG */
	uint8_t stream_version; /* 1 or 3 */
	uint32_t hdr_len;	/* offset of the first record byte */
	uint16_t d_version;	/* export version: 1, 5, 6, 7, 1005 */
	uint8_t agg_version, agg_method;
	uint8_t vendor;
	uint32_t exporter_ip; /* host order */
	uint32_t cap_start;   /* unix seconds */
	uint32_t cap_end;     /* unix seconds, 0 while open */
	uint32_t flags;	      /* FT_FLAG_* */
	uint32_t rotation;
	uint32_t flows; /* records in the file (0 while open) */
	uint32_t lost;	/* flows lost (sequence gaps) */
	uint32_t misordered;
	uint32_t corrupt;   /* datagrams rejected */
	uint32_t resets;    /* sequence resets */
	char hostname[256]; /* empty if absent */
	char comment[256];  /* empty if absent */
	uint32_t tlv_seen;  /* bit n set: TLV n was present (n < 32) */
};

/* ---- writer ---- */

struct ft_wopts {
	int byte_order; /* FT_LITTLE / FT_BIG; 0 = host order */
	/*
	 * 0 = raw records; 1..9 = zlib at that level; -1 = the default:
	 * ISA-L igzip level 1 when built with ISA-L, else zlib level 6
	 * (zstream.h).  Every level writes one zlib stream.
	 */
	int zlevel;
	int streaming;	      /* stream to a pipe: no header rewrite */
	uint32_t cap_start;   /* unix seconds */
	const char *hostname; /* NULL = gethostname() */
	const char *comment;  /* NULL = no comment TLV */
};

struct ft_writer;

/* Write the header to fd (positioned at 0 unless streaming). NULL + errno. */
struct ft_writer *ftw_open(int fd, const struct ft_wopts *);
/*
 * Queue n records.  Returns 0, or -1 with errno on a write error (EPROTO:
 * the compressor failed, not the disk).
 */
int ftw_write(struct ft_writer *, const struct flowrec *, size_t n);
/*
 * Push everything queued to the file (a sync flush when compressing, so
 * zlib's Z_SYNC_FLUSH reads it too) so a reader sees every record written
 * so far.  0 or -1.
 */
int ftw_flush(struct ft_writer *);
/*
 * Compress the records that follow at speed (ZSTREAM_SPEED_*, zstream.h):
 * 1 done, 0 when the file's compressor has one speed (raw, or an explicit
 * zlib level), -1 + errno on a failure (sticky, as a write's).
 */
int ftw_speed(struct ft_writer *, int speed);
/* Counters written into the header at close. */
struct ft_counts {
	uint32_t cap_end;
	uint32_t lost, corrupt, resets;
};
/*
 * Finish the stream, rewrite the header (not when streaming) and free the
 * writer.  Does not close fd.  0 or -1 (the writer is freed either way).
 * A NULL ft_counts writes zeros.  The rewrite uses pwrite() at offset 0.
 */
int ftw_close(struct ft_writer *, const struct ft_counts *);
/* Records written so far. */
uint64_t ftw_count(const struct ft_writer *);
/* Free without finishing (after a fatal write error). */
void ftw_abort(struct ft_writer *);

/* Encode/decode one header into/from a buffer (also used by tests). */
size_t fthdr_encode(const struct ft_header *, uint8_t *, size_t cap);
/* Returns 0, or -1 and an explanation in err. */
int fthdr_decode(const uint8_t *, size_t, struct ft_header *, char *err,
		 size_t errlen);
/*
 * Check the 8 fixed bytes (magic, byte order, stream version, H) and set
 * byte_order, stream_version and hdr_len (360 for stream version 1), so a
 * caller knows how many bytes the whole header takes.  0, or -1 with err.
 */
int fthdr_peek(const uint8_t *, size_t, struct ft_header *, char *err,
	       size_t errlen);

/*
 * For the ftfile modules (fthdr.c, ftread.c): format a message into err
 * unless err is NULL or errlen 0.
 */
void fthdr_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- reader ---- */

struct ft_reader;

/*
 * Read the header from fd (name is used in messages).  NULL on failure
 * with the reason in err.
 */
struct ft_reader *ftr_open(int fd, const char *name, char *err, size_t errlen);
/* The same, when the first nhead (<= 8) bytes were read already. */
struct ft_reader *ftr_open_head(int fd, const char *name, const uint8_t *head,
				size_t nhead, char *err, size_t errlen);
const struct ft_header *ftr_header(const struct ft_reader *);
/* Bytes of one stored record (64 for v5). */
size_t ftr_reclen(const struct ft_reader *);
/*
 * Read up to max records.  Returns the number read (> 0), 0 at a clean end,
 * or -1 on damage (corrupt zlib stream, partial record, read error): the
 * records returned before it are good; ftr_error() says what went wrong,
 * naming the file and the number of good records.  A file still being
 * written (neither DONE nor STREAMING) whose stream just stops ends with 0.
 */
long ftr_read(struct ft_reader *, struct flowrec *, size_t max);
const char *ftr_error(const struct ft_reader *);
/* Records returned so far. */
uint64_t ftr_count(const struct ft_reader *);
/*
 * The most records a finished file with header h may hold: its flow
 * count, which is exact, except that a count of 2^32 - 1 is saturated (the
 * writer clamps bigger ones) and only a lower bound: then UINT64_MAX.
 */
uint64_t ftr_count_max(const struct ft_header *h);
void ftr_close(struct ft_reader *); /* does not close fd */

#endif
