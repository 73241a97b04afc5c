/*
 * pcapmap: classic pcap files, mapped and read in place.
 *
 * The cursor keeps to libpcap's reading of damaged files (libpcap 1.10),
 * so that -r gives the same packets and the same messages whichever
 * reader runs:
 *
 *  - a header snaplen of 0 or above INT32_MAX means PCAPMAP_MAXCAPLEN;
 *  - a caplen above PCAPMAP_MAXCAPLEN is an error;
 *  - a caplen above the snaplen is cut to the snaplen, and the rest of the
 *    record is skipped (it must be present all the same);
 *  - a file that ends inside a record header or body is an error, naming
 *    how many bytes were wanted and how many were there;
 *  - caplen may exceed the wire length; both are passed on as they are.
 *
 * The mapping is advised sequential, so the kernel reads ahead in large
 * steps; the pages are the page cache's own, so nothing is copied.  The
 * file's size is taken once at open: a file that grows while it is read
 * is read up to that size, and one cut shorter by another process while
 * it is mapped faults (SIGBUS) on the lost pages, as with any mapped
 * reader; capture.c turns that fault into a damaged-file error.
 *
 * Mapped file pages count in the resident set size; the pages already
 * read are dropped from the mapping every PCAPMAP_WINDOW bytes, so the
 * sensor's RSS stays that of its flow table however large the file.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "pcapmap.h"

#define MAGIC_USEC 0xa1b2c3d4U
#define MAGIC_NSEC 0xa1b23c4dU
#define FILEHDR_LEN 24
#define RECHDR_LEN 16

#define HOST_BE (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

struct pcapmap {
	void *base;
	size_t len;
	size_t released; /* bytes dropped from the start */
	size_t pagesize;
	struct pcapbuf buf;
};

int
pcapmap_buf_init(struct pcapbuf *b, const void *buf, size_t len)
{
	uint32_t magic, snap;
	uint16_t major, minor;

	memset(b, 0, sizeof(*b));
	b->p = buf;
	b->len = len;
	if (len < FILEHDR_LEN) {
		snprintf(b->err, sizeof(b->err),
			 "file header cut off: "
			 "%zu of %d bytes",
			 len, FILEHDR_LEN);
		return -1;
	}
	magic = buf_load_le32(b->p);
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC)
		b->be = 0;
	else if ((magic = buf_load_be32(b->p)) == MAGIC_USEC ||
		 magic == MAGIC_NSEC)
		b->be = 1;
	else {
		/* The magic as the host reads it, as libpcap reports it. */
		snprintf(b->err, sizeof(b->err),
			 "not a classic pcap file "
			 "(magic 0x%08x)",
			 buf_load32(b->p, HOST_BE));
		return -1;
	}
	b->swapped = b->be != HOST_BE;
	b->nsec = magic == MAGIC_NSEC;
	/*
	 * Every load from here on is in the 24 bytes checked above.
	 * Older minor versions may have caplen and len swapped, which
	 * libpcap guesses at; leave those files to it.
	 */
	major = buf_load16(b->p + 4, b->be);
	minor = buf_load16(b->p + 6, b->be);
	if (major != 2 || minor != 4) {
		snprintf(b->err, sizeof(b->err),
			 "pcap version %u.%u, "
			 "not 2.4",
			 major, minor);
		return -1;
	}
	snap = buf_load32(b->p + 16, b->be);
	b->snaplen = snap == 0 || snap > INT32_MAX ? PCAPMAP_MAXCAPLEN : snap;
	b->linktype = buf_load32(b->p + 20, b->be);
	b->off = FILEHDR_LEN;
	return 0;
}

/* Stop the cursor for good: every later call returns rc again. */
static int
stop(struct pcapbuf *b)
{
	b->off = b->len;
	return -1;
}

int
pcapmap_buf_next(struct pcapbuf *b, struct pcapmap_pkt *pkt)
{
	const uint8_t *h;
	size_t left = b->len - b->off, want;
	uint32_t caplen, frac;

	if (b->err[0] != '\0')
		return -1;
	if (left == 0)
		return 0;
	if (left < RECHDR_LEN) {
		snprintf(b->err, sizeof(b->err),
			 "truncated dump file; tried "
			 "to read %d header bytes, only got %zu",
			 RECHDR_LEN, left);
		return stop(b);
	}
	h = b->p + b->off;
	left -= RECHDR_LEN;
	caplen = buf_load32(h + 8, b->be);
	if (caplen > PCAPMAP_MAXCAPLEN) {
		if (caplen > b->snaplen)
			snprintf(b->err, sizeof(b->err),
				 "invalid packet "
				 "capture length %u, bigger than snaplen of %u",
				 caplen, b->snaplen);
		else
			snprintf(b->err, sizeof(b->err),
				 "invalid packet "
				 "capture length %u, bigger than maximum of %u",
				 caplen, PCAPMAP_MAXCAPLEN);
		return stop(b);
	}
	/* A record longer than the snaplen: its head, then skip the rest. */
	want = caplen > b->snaplen ? b->snaplen : caplen;
	if (left < want || left < caplen) {
		snprintf(b->err, sizeof(b->err),
			 "truncated dump file; tried "
			 "to read %zu captured bytes, only got %zu",
			 left < want ? want : (size_t)caplen, left);
		return stop(b);
	}
	pkt->ts.tv_sec = (time_t)buf_load32(h, b->be);
	frac = buf_load32(h + 4, b->be);
	pkt->ts.tv_usec = (suseconds_t)(b->nsec ? frac / 1000 : frac);
	pkt->caplen = (uint32_t)want;
	pkt->len = buf_load32(h + 12, b->be);
	pkt->data = h + RECHDR_LEN;
	b->off += RECHDR_LEN + (size_t)caplen;
	return 1;
}

struct pcapmap *
pcapmap_open(const char *path, char *err, size_t errlen)
{
	struct pcapmap *m;
	struct stat st;
	int fd;

	err[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Empty files and non-files get libpcap's own messages. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < FILEHDR_LEN || (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	m->len = (size_t)st.st_size;
	m->pagesize = (size_t)sysconf(_SC_PAGESIZE);
	m->base = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->base == MAP_FAILED) {
		free(m);
		return NULL;
	}
	(void)madvise(m->base, m->len, MADV_SEQUENTIAL);
	if (pcapmap_buf_init(&m->buf, m->base, m->len) == -1) {
		pcapmap_close(m);
		return NULL;
	}
	return m;
}

void
pcapmap_close(struct pcapmap *m)
{
	if (m == NULL)
		return;
	munmap(m->base, m->len);
	free(m);
}

struct pcapbuf *
pcapmap_buf(struct pcapmap *m)
{
	return &m->buf;
}

void
pcapmap_release(struct pcapmap *m)
{
	size_t upto;

	if (m->buf.off - m->released < PCAPMAP_WINDOW)
		return;
	upto = m->buf.off & ~(m->pagesize - 1);
	(void)madvise((uint8_t *)m->base + m->released, upto - m->released,
		      MADV_DONTNEED);
	m->released = upto;
}
