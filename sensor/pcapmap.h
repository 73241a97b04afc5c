/*
 * pcapmap: classic pcap files read in place from a memory mapping.
 *
 * libpcap reads a file through stdio: every packet costs a kernel copy
 * into the stdio buffer, a second copy into libpcap's packet buffer and a
 * few calls per record.  For a file that is mapped, the packets can be
 * handed out where they lie.  This module does that for the classic pcap
 * format only (version 2.4, either byte order, micro- or nanosecond
 * timestamps); pcapng, stdin and live capture stay with libpcap.
 *
 * The parser is a cursor over a buffer (pcapbuf_*), so the unit tests and
 * a fuzzer feed it bytes without a file.  Every record header is checked
 * against the bytes present before anything in it is used; a damaged
 * record stops the cursor with a message, the packets before it have
 * been handed out.
 */
#ifndef NFKIT_PCAPMAP_H
#define NFKIT_PCAPMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

/* The largest caplen accepted, as libpcap for the link types we decode. */
#define PCAPMAP_MAXCAPLEN 262144U

/* One packet, pointing into the buffer. */
struct pcapmap_pkt {
	struct timeval ts; /* microseconds (ns files: / 1000) */
	const uint8_t *data;
	uint32_t caplen; /* bytes at data */
	uint32_t len;	 /* length on the wire */
};

/* A cursor over the bytes of a whole classic pcap file. */
struct pcapbuf {
	const uint8_t *p;
	size_t len;
	size_t off;	   /* next record header */
	uint32_t snaplen;  /* caplen beyond this is cut to it */
	uint32_t linktype; /* LINKTYPE_ value from the header */
	int swapped;	   /* file byte order is not ours */
	int be;		   /* the file is big-endian */
	int nsec;	   /* timestamps in nanoseconds */
	char err[128];	   /* why pcapmap_buf_next() failed */
};

/*
 * Reads the 24-byte file header.  0 on success; -1 if the buffer does
 * not start with a classic pcap 2.4 header this module reads (err says
 * why; the caller may hand the file to libpcap instead).  A snaplen of 0
 * or above INT32_MAX means PCAPMAP_MAXCAPLEN, as in libpcap.
 */
int pcapmap_buf_init(struct pcapbuf *, const void *buf, size_t len);
/*
 * The next packet: 1 with *pkt filled in, 0 at the end of the buffer,
 * -1 if the record is damaged (a cut header or body, a caplen above
 * PCAPMAP_MAXCAPLEN; err says which).  A caplen above the snaplen is
 * cut to the snaplen and the record skipped whole, as libpcap does.
 * After -1 or 0 every further call returns the same.
 */
int pcapmap_buf_next(struct pcapbuf *, struct pcapmap_pkt *pkt);

struct pcapmap;

/*
 * Maps a regular file and reads its header.  NULL with err set on a
 * system error; NULL with err empty if the file is not one this module
 * reads (not regular, not classic pcap 2.4): use libpcap.
 */
struct pcapmap *pcapmap_open(const char *path, char *err, size_t errlen);
void pcapmap_close(struct pcapmap *);
struct pcapbuf *pcapmap_buf(struct pcapmap *);
/*
 * Drops the pages before the cursor's next record from this process's
 * resident set once PCAPMAP_WINDOW bytes have been read since the last
 * time (they stay in the page cache), so that reading a large file does
 * not grow the resident memory with it.  Packets handed out before the
 * call must not be used after it.  Costs one madvise() per window.
 */
void pcapmap_release(struct pcapmap *);

#define PCAPMAP_WINDOW (1024 * 1024)

#endif
