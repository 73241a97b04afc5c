/*
 * collector_ftdump: print a flow file for the collector's tests.
 *
 *   collector_ftdump [-h] [-r] [-s] FILE...
 *
 * -h prints the header as "key=value" lines (version, byte_order, hdr_len,
 * flags, start, end, flows, lost, corrupt, resets, hostname, comment, tlvs
 * in order of appearance is not kept by the reader, so only presence).
 * -r prints one line per record: exporter, addresses, ports, protocol,
 * packets, bytes, first/last ms, engine.  -s prints one summary line per
 * file: "FILE records=N packets=N bytes=N status=ok|damaged".
 * Exit status 1 if any file could not be opened or is damaged.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftfile.h"

static const char *
ip(uint32_t a, char *buf)
{
	uint32_t n = htonl(a);

	return inet_ntop(AF_INET, &n, buf, 16);
}

static void
header(const struct ft_header *h)
{
	printf("stream_version=%u\nbyte_order=%u\nhdr_len=%u\nd_version=%u\n"
	       "flags=0x%x\nstart=%u\nend=%u\nflows=%u\nlost=%u\ncorrupt=%u\n"
	       "resets=%u\nhostname=%s\ncomment=%s\ntlv_seen=0x%x\n",
	       h->stream_version, h->byte_order, h->hdr_len, h->d_version,
	       h->flags, h->cap_start, h->cap_end, h->flows, h->lost,
	       h->corrupt, h->resets, h->hostname, h->comment, h->tlv_seen);
}

int
main(int argc, char **argv)
{
	static struct flowrec recs[1024];
	int ch, hflag = 0, rflag = 0, sflag = 0, ret = 0;
	char err[256], a[16], b[16], x[16];

	while ((ch = getopt(argc, argv, "hrs")) != -1) {
		switch (ch) {
		case 'h':
			hflag = 1;
			break;
		case 'r':
			rflag = 1;
			break;
		case 's':
			sflag = 1;
			break;
		default:
			fprintf(stderr, "usage: collector_ftdump [-hrs] "
					"file...\n");
			return 2;
		}
	}
	for (; optind < argc; optind++) {
		const char *path = argv[optind];
		struct ft_reader *r;
		uint64_t pk = 0, by = 0;
		long n, i;
		int fd;

		if ((fd = open(path, O_RDONLY)) == -1) {
			perror(path);
			ret = 1;
			continue;
		}
		if ((r = ftr_open(fd, path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "%s: %s\n", path, err);
			close(fd);
			ret = 1;
			continue;
		}
		if (hflag)
			header(ftr_header(r));
		while ((n = ftr_read(r, recs, 1024)) > 0) {
			for (i = 0; i < n; i++) {
				const struct flowrec *f = &recs[i];

				pk += f->packets;
				by += f->bytes;
				if (!rflag)
					continue;
				printf("%s %s:%u %s:%u p%u pk=%" PRIu64
				       " by=%" PRIu64 " first=%" PRId64
				       " last=%" PRId64 " fl=0x%02x tos=0x%02x"
				       " eng=%u/%u\n",
				       ip(f->exaddr, x), ip(f->srcaddr, a),
				       f->srcport, ip(f->dstaddr, b),
				       f->dstport, f->proto, f->packets,
				       f->bytes, f->first_ms, f->last_ms,
				       f->tcp_flags, f->tos, f->engine_type,
				       f->engine_id);
			}
		}
		if (n < 0) {
			fprintf(stderr, "%s: %s\n", path, ftr_error(r));
			ret = 1;
		}
		if (sflag)
			printf("%s records=%" PRIu64 " packets=%" PRIu64
			       " bytes=%" PRIu64 " status=%s\n",
			       path, ftr_count(r), pk, by,
			       n < 0 ? "damaged" : "ok");
		ftr_close(r);
		close(fd);
	}
	return ret;
}
