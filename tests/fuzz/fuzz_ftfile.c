/*
 * fuzz_ftfile: libFuzzer harness for the flow-tools file reader
 * (common/fthdr.c header codec, common/ftread.c record reader).
 *
 * The input is a whole file.  The header is decoded from memory; when it
 * is accepted, encoding it again and decoding that must give the same
 * values (the writer rewrites headers it read, so this matters).  Then the
 * same bytes are put in a memfd and read through ftr_open()/ftr_read() to
 * the end, as nfreport does with a file copied from anywhere: zlib streams,
 * both byte orders, every record type.  The reader must end (clean end or
 * an error with a message) and count exactly the records it returned.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ftfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
header_roundtrip(const uint8_t *data, size_t len)
{
	static uint8_t buf[FT_MAXHEADER];
	struct ft_header h, h2;
	char err[256];
	size_t n;

	if (fthdr_peek(data, len, &h, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			abort(); /* a rejection must say why */
		return;
	}
	if (fthdr_decode(data, len, &h, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (h.hdr_len > len || h.hostname[sizeof(h.hostname) - 1] != '\0' ||
	    h.comment[sizeof(h.comment) - 1] != '\0')
		abort();
	if ((n = fthdr_encode(&h, buf, sizeof(buf))) == 0)
		return;
	if (fthdr_decode(buf, n, &h2, err, sizeof(err)) == -1)
		abort(); /* we cannot read what we wrote */
	if (h2.d_version != h.d_version || h2.cap_start != h.cap_start ||
	    h2.cap_end != h.cap_end || h2.flags != h.flags ||
	    h2.flows != h.flows || h2.lost != h.lost ||
	    h2.corrupt != h.corrupt || h2.resets != h.resets ||
	    strcmp(h2.hostname, h.hostname) != 0 ||
	    strcmp(h2.comment, h.comment) != 0)
		abort();
}

static int memfd = -1;

static void
reader(const uint8_t *data, size_t len)
{
	static struct flowrec recs[256];
	struct ft_reader *r;
	char err[256];
	uint64_t total = 0;
	long n;

	if (memfd == -1 && (memfd = memfd_create("fuzz_ftfile", 0)) == -1)
		abort();
	if (ftruncate(memfd, 0) == -1 ||
	    pwrite(memfd, data, len, 0) != (ssize_t)len ||
	    lseek(memfd, 0, SEEK_SET) != 0)
		abort();
	err[0] = '\0';
	if ((r = ftr_open(memfd, "fuzz", err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (ftr_header(r) == NULL || ftr_reclen(r) == 0)
		abort();
	/* Alternate small and large reads to cross block boundaries. */
	while ((n = ftr_read(r, recs, total & 1 ? 1 : 256)) > 0) {
		if ((size_t)n > 256)
			abort();
		total += (uint64_t)n;
	}
	if (n == -1 && ftr_error(r) == NULL)
		abort();
	if (ftr_count(r) != total)
		abort();
	ftr_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	header_roundtrip(data, len);
	reader(data, len);
	return 0;
}
