/*
 * ftinflate: the reporter's floor -- inflate the record stream of flow-tools
 * files and do nothing else.  Also the harness's independent record counter
 * for collector output (it does not use nfkit's reader).
 *
 * For each file: read the 8 fixed bytes (magic CF 10, byte order, stream
 * version 3, header length H), then inflate everything from H to the end in
 * 1 MiB output blocks (or count raw bytes when the COMPRESS flag is clear:
 * detected by the absence of a zlib header, 0x78).  Prints one line:
 *   ftinflate: files=N records=N bytes_in=N bytes_out=N
 * Usage: ftinflate [-I] [-r reclen] file...   (reclen default 64, fts3rec_v5)
 * -I inflates with Intel ISA-L instead of zlib (built with -DHAVE_ISAL), the
 * faster of the two decoders of the same stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define INCHUNK (1 << 20)
#define OUTCHUNK (1 << 20)

static unsigned long long bytes_in, bytes_out;
static int use_isal;

static int
readall(int fd, uint8_t *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int
one(const char *path, uint8_t *in, uint8_t *out)
{
	uint8_t fixed[8];
	uint32_t h;
	z_stream z;
	ssize_t r;
	int fd, ret = 0, zr = Z_OK, first = 1, raw = 0;

	if ((fd = open(path, O_RDONLY)) == -1 || readall(fd, fixed, 8) == -1 ||
	    fixed[0] != 0xCF || fixed[1] != 0x10 || fixed[3] != 3) {
		fprintf(stderr, "ftinflate: %s: not a flow-tools v3 file\n",
			path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	h = fixed[2] == 1 ? (uint32_t)fixed[4] | fixed[5] << 8 |
				fixed[6] << 16 | (uint32_t)fixed[7] << 24
			  : (uint32_t)fixed[7] | fixed[6] << 8 |
				fixed[5] << 16 | (uint32_t)fixed[4] << 24;
	if (h < 8 || lseek(fd, h, SEEK_SET) == (off_t)-1) {
		fprintf(stderr, "ftinflate: %s: bad header length\n", path);
		close(fd);
		return -1;
	}
#ifdef HAVE_ISAL
	if (use_isal) {
		static struct inflate_state st;
		int ir = ISAL_DECOMP_OK;

		isal_inflate_init(&st);
		st.crc_flag = ISAL_ZLIB;
		while ((r = read(fd, in, INCHUNK)) > 0) {
			bytes_in += (unsigned long long)r;
			st.next_in = in;
			st.avail_in = (uint32_t)r;
			do {
				st.next_out = out;
				st.avail_out = OUTCHUNK;
				ir = isal_inflate(&st);
				if (ir != ISAL_DECOMP_OK) {
					fprintf(
					    stderr,
					    "ftinflate: %s: isal_inflate %d\n",
					    path, ir);
					close(fd);
					return -1;
				}
				bytes_out += OUTCHUNK - st.avail_out;
			} while (st.avail_out == 0 &&
				 st.block_state != ISAL_BLOCK_FINISH);
			if (st.block_state == ISAL_BLOCK_FINISH)
				break;
		}
		close(fd);
		return 0;
	}
#endif
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return -1;
	while ((r = read(fd, in, INCHUNK)) > 0) {
		bytes_in += (unsigned long long)r;
		if (first) {
			raw = in[0] != 0x78;
			first = 0;
		}
		if (raw) {
			bytes_out += (unsigned long long)r;
			continue;
		}
		z.next_in = in;
		z.avail_in = (uInt)r;
		do {
			z.next_out = out;
			z.avail_out = OUTCHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END &&
			    zr != Z_BUF_ERROR) {
				fprintf(stderr, "ftinflate: %s: %s\n", path,
					z.msg ? z.msg : "inflate error");
				ret = -1;
				goto done;
			}
			bytes_out += OUTCHUNK - z.avail_out;
		} while (z.avail_out == 0 && zr != Z_STREAM_END);
		if (zr == Z_STREAM_END)
			break;
	}
	if (!raw && !first && zr != Z_STREAM_END) {
		/* An open tmp- file ends at a sync flush: count what is there.
		 */
		fprintf(stderr, "ftinflate: %s: stream not finished\n", path);
	}
done:
	inflateEnd(&z);
	close(fd);
	return ret;
}

int
main(int argc, char **argv)
{
	uint8_t *in, *out;
	int c, i, bad = 0;
	unsigned reclen = 64;

	while ((c = getopt(argc, argv, "Ir:")) != -1) {
		if (c == 'r')
			reclen = (unsigned)atoi(optarg);
		else if (c == 'I') {
#ifdef HAVE_ISAL
			use_isal = 1;
#else
			fprintf(stderr, "ftinflate: built without ISA-L\n");
			return 2;
#endif
		} else {
			fprintf(stderr,
				"usage: ftinflate [-I] [-r reclen] file ...\n");
			return 2;
		}
	}
	if (reclen == 0)
		return 2;
	in = malloc(INCHUNK);
	out = malloc(OUTCHUNK);
	if (in == NULL || out == NULL)
		return 1;
	for (i = optind; i < argc; i++)
		if (one(argv[i], in, out) == -1)
			bad++;
	printf(
	    "ftinflate: files=%d records=%llu bytes_in=%llu bytes_out=%llu\n",
	    argc - optind, bytes_out / reclen, bytes_in, bytes_out);
	return bad ? 1 : 0;
}
