/*
 * test_sensor_pcapmap: the mapped reader of classic pcap files, on files
 * the test writes itself: both byte orders with micro- and nanosecond
 * magic, cut file and record headers, cut record bodies, caplen above the
 * snaplen and above the largest caplen, empty files and headers it leaves
 * to libpcap.  Every buffer is copied to a block of exactly its size, so the
 * sanitizer build catches any read past the end, and every file is also
 * read by libpcap: the packets and the error message must be the same.
 */
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../sensor/pcapmap.h"
#include "unit.h"

#define MAXFILE (1 << 20)

/* A pcap file under construction, in either byte order. */
struct wfile {
	uint8_t *b;
	size_t len;
	int big; /* write big-endian */
};

static void
put32(struct wfile *w, uint32_t v)
{
	int i;

	ck_assert_uint_le(w->len + 4, MAXFILE);
	for (i = 0; i < 4; i++)
		w->b[w->len++] =
		    (uint8_t)(w->big ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void
put16(struct wfile *w, uint16_t v)
{
	w->b[w->len++] = (uint8_t)(w->big ? v >> 8 : v);
	w->b[w->len++] = (uint8_t)(w->big ? v : v >> 8);
}

static void
wopen(struct wfile *w, int big, uint32_t magic, uint16_t major, uint16_t minor,
      uint32_t snaplen, uint32_t linktype)
{
	w->b = calloc(1, MAXFILE);
	ck_assert_ptr_nonnull(w->b);
	w->len = 0;
	w->big = big;
	put32(w, magic);
	put16(w, major);
	put16(w, minor);
	put32(w, 0);
	put32(w, 0);
	put32(w, snaplen);
	put32(w, linktype);
}

/* A record whose body is caplen bytes counting up from fill. */
static void
wrec(struct wfile *w, uint32_t sec, uint32_t frac, uint32_t caplen,
     uint32_t len, uint8_t fill)
{
	uint32_t i;

	put32(w, sec);
	put32(w, frac);
	put32(w, caplen);
	put32(w, len);
	ck_assert_uint_le(w->len + caplen, MAXFILE);
	for (i = 0; i < caplen; i++)
		w->b[w->len++] = (uint8_t)(fill + i);
}

/* The bytes in a block of exactly their size (1 byte for none). */
static uint8_t *
exact(const struct wfile *w, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, w->b, len);
	return p;
}

/*
 * Reads the first len bytes of w with pcapbuf and, from a file, with
 * libpcap; both must give the same packets, then the same end (a clean
 * end, or an error with the same message).  Returns what pcapmap_buf_next()
 * returned last, and the packet count in *npkts.
 */
static int
read_both(const struct wfile *w, size_t len, int *npkts)
{
	char path[] = "/tmp/test_sensor_pcapmap.XXXXXX", ebuf[PCAP_ERRBUF_SIZE];
	struct pcapmap_pkt pkt;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct pcapbuf b;
	uint8_t *copy = exact(w, len);
	pcap_t *p;
	FILE *f;
	int fd, rc, prc, n = 0;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(w->b, 1, len, f), len);
	fclose(f);
	p = pcap_open_offline_with_tstamp_precision(
	    path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	unlink(path);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pcapmap_buf_init(&b, copy, len), 0);
	ck_assert_int_eq((int)b.snaplen, pcap_snapshot(p));
	ck_assert_int_eq(b.swapped, pcap_is_swapped(p));
	while ((rc = pcapmap_buf_next(&b, &pkt)) == 1) {
		prc = pcap_next_ex(p, &h, &data);
		ck_assert_int_eq(prc, 1);
		ck_assert_int_eq(pkt.ts.tv_sec, h->ts.tv_sec);
		ck_assert_int_eq(pkt.ts.tv_usec, h->ts.tv_usec);
		ck_assert_uint_eq(pkt.caplen, h->caplen);
		ck_assert_uint_eq(pkt.len, h->len);
		ck_assert_mem_eq(pkt.data, data, pkt.caplen);
		n++;
	}
	prc = pcap_next_ex(p, &h, &data);
	if (rc == 0)
		ck_assert_int_eq(prc, PCAP_ERROR_BREAK);
	else {
		ck_assert_int_eq(prc, PCAP_ERROR);
		ck_assert_str_eq(b.err, pcap_geterr(p));
		/* Stopped for good. */
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), -1);
	}
	pcap_close(p);
	free(copy);
	*npkts = n;
	return rc;
}

/* Three packets in each byte order, with each timestamp precision. */
START_TEST(byte_orders_and_precisions)
{
	static const struct {
		int big;
		uint32_t magic;
		uint32_t frac; /* as written */
		long usec;     /* as read */
	} t[] = {
	    {0, 0xa1b2c3d4, 654321, 654321},
	    {1, 0xa1b2c3d4, 654321, 654321},
	    {0, 0xa1b23c4d, 987654321, 987654},
	    {1, 0xa1b23c4d, 987654321, 987654},
	};
	struct pcapmap_pkt pkt;
	struct pcapbuf b;
	struct wfile w;
	uint8_t *copy;
	size_t i;
	int n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		wopen(&w, t[i].big, t[i].magic, 2, 4, 65535, 1);
		wrec(&w, 1700000000, t[i].frac, 60, 60, 1);
		wrec(&w, 1700000001, 0, 0, 0, 0);
		wrec(&w, 1700000002, t[i].frac, 1514, 1514, 7);
		copy = exact(&w, w.len);
		ck_assert_int_eq(pcapmap_buf_init(&b, copy, w.len), 0);
		ck_assert_int_eq(b.swapped, t[i].big != (__BYTE_ORDER__ ==
							 __ORDER_BIG_ENDIAN__));
		ck_assert_int_eq(b.nsec, t[i].magic == 0xa1b23c4d);
		ck_assert_uint_eq(b.snaplen, 65535);
		ck_assert_uint_eq(b.linktype, 1);
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 1);
		ck_assert_int_eq(pkt.ts.tv_sec, 1700000000);
		ck_assert_int_eq(pkt.ts.tv_usec, t[i].usec);
		ck_assert_uint_eq(pkt.caplen, 60);
		ck_assert_uint_eq(pkt.len, 60);
		ck_assert_uint_eq(pkt.data[0], 1);
		ck_assert_uint_eq(pkt.data[59], 60);
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 1);
		ck_assert_uint_eq(pkt.caplen, 0);
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 1);
		ck_assert_uint_eq(pkt.caplen, 1514);
		ck_assert_uint_eq(pkt.data[1513], (uint8_t)(7 + 1513));
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 0);
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 0);
		free(copy);
		ck_assert_int_eq(read_both(&w, w.len, &n), 0);
		ck_assert_int_eq(n, 3);
		free(w.b);
	}
}
END_TEST

/*
 * Out-of-range timestamp fields (found by fuzz_pcapmap, comparing with
 * libpcap): pcapmap reads both unsigned in either byte order, so a capture
 * from after 2038 keeps its times.  libpcap 1.10 reads them signed in a
 * file of its own byte order and unsigned in a swapped one; the fuzzer
 * compares times only below 2^31.
 */
START_TEST(timestamp_fields_unsigned)
{
	struct pcapmap_pkt pkt;
	struct pcapbuf b;
	struct wfile w;
	uint8_t *copy;
	int big;

	for (big = 0; big < 2; big++) {
		wopen(&w, big, 0xa1b2c3d4, 2, 4, 65535, 1);
		wrec(&w, 0x80000000, 0xab000000, 4, 4, 1);
		copy = exact(&w, w.len);
		ck_assert_int_eq(pcapmap_buf_init(&b, copy, w.len), 0);
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 1);
		ck_assert_int_eq(pkt.ts.tv_sec, 2147483648LL);
		ck_assert_int_eq(pkt.ts.tv_usec, 2868903936LL);
		ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 0);
		free(copy);
		free(w.b);
	}
}
END_TEST

/* A file cut at every byte of its last record: header, then body. */
START_TEST(truncated_last_record)
{
	struct wfile w;
	size_t full, cut;
	int n;

	wopen(&w, 0, 0xa1b2c3d4, 2, 4, 65535, 1);
	wrec(&w, 1700000000, 1, 40, 40, 1);
	full = w.len;
	wrec(&w, 1700000000, 2, 40, 40, 2);
	for (cut = full; cut <= w.len; cut++) {
		ck_assert_int_eq(read_both(&w, cut, &n),
				 cut == full || cut == w.len ? 0 : -1);
		ck_assert_int_eq(n, 1 + (cut == w.len));
	}
	free(w.b);
}
END_TEST

/*
 * caplen above the snaplen: the head, the rest skipped; above the largest
 * caplen: an error, named after the snaplen or the maximum as libpcap
 * does; a header snaplen of 0 means the maximum.
 */
START_TEST(caplen_above_snaplen)
{
	struct pcapmap_pkt pkt;
	struct pcapbuf b;
	struct wfile w;
	int n;

	wopen(&w, 0, 0xa1b2c3d4, 2, 4, 64, 1);
	wrec(&w, 1, 0, 100, 100, 1);
	wrec(&w, 2, 0, 10, 10, 2);
	ck_assert_int_eq(pcapmap_buf_init(&b, w.b, w.len), 0);
	ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 1);
	ck_assert_uint_eq(pkt.caplen, 64);
	ck_assert_uint_eq(pkt.len, 100);
	ck_assert_int_eq(pcapmap_buf_next(&b, &pkt), 1);
	ck_assert_uint_eq(pkt.caplen, 10);
	ck_assert_uint_eq(pkt.data[0], 2);
	ck_assert_int_eq(read_both(&w, w.len, &n), 0);
	ck_assert_int_eq(n, 2);
	/* Cut inside the head, and inside the skipped part. */
	ck_assert_int_eq(read_both(&w, 24 + 16 + 50, &n), -1);
	ck_assert_int_eq(read_both(&w, 24 + 16 + 80, &n), -1);
	free(w.b);

	wopen(&w, 0, 0xa1b2c3d4, 2, 4, 64, 1);
	wrec(&w, 1, 0, 10, 10, 1);
	wrec(&w, 2, 0, PCAPMAP_MAXCAPLEN + 1, PCAPMAP_MAXCAPLEN + 1, 2);
	ck_assert_int_eq(read_both(&w, w.len, &n), -1);
	ck_assert_int_eq(n, 1);
	free(w.b);

	wopen(&w, 1, 0xa1b2c3d4, 2, 4, 1000000, 1);
	wrec(&w, 1, 0, PCAPMAP_MAXCAPLEN + 1, PCAPMAP_MAXCAPLEN + 1, 2);
	ck_assert_int_eq(read_both(&w, w.len, &n), -1);
	ck_assert_int_eq(n, 0);
	free(w.b);

	wopen(&w, 0, 0xa1b2c3d4, 2, 4, 0, 1);
	wrec(&w, 1, 0, 70000, 70000, 3);
	ck_assert_int_eq(pcapmap_buf_init(&b, w.b, w.len), 0);
	ck_assert_uint_eq(b.snaplen, PCAPMAP_MAXCAPLEN);
	ck_assert_int_eq(read_both(&w, w.len, &n), 0);
	ck_assert_int_eq(n, 1);
	free(w.b);
}
END_TEST

/*
 * What pcapmap_buf_init() leaves to libpcap: an empty or cut file header,
 * another magic (pcapng, garbage), another version.
 */
START_TEST(headers_left_to_libpcap)
{
	static const uint8_t pcapng[24] = {0x0a, 0x0d, 0x0d, 0x0a};
	struct pcapbuf b;
	struct wfile w;
	uint8_t *copy;
	size_t cut;

	wopen(&w, 0, 0xa1b2c3d4, 2, 4, 65535, 1);
	for (cut = 0; cut < 24; cut++) {
		copy = exact(&w, cut);
		ck_assert_int_eq(pcapmap_buf_init(&b, copy, cut), -1);
		ck_assert_str_ne(b.err, "");
		free(copy);
	}
	copy = exact(&w, 24);
	ck_assert_int_eq(pcapmap_buf_init(&b, copy, 24), 0);
	free(copy);
	free(w.b);
	ck_assert_int_eq(pcapmap_buf_init(&b, pcapng, sizeof(pcapng)), -1);
	wopen(&w, 1, 0xa1b2c3d4, 2, 3, 65535, 1);
	ck_assert_int_eq(pcapmap_buf_init(&b, w.b, w.len), -1);
	free(w.b);
}
END_TEST

/* A zero-length file and a non-file are not mapped; a good file is. */
START_TEST(open_files)
{
	char path[] = "/tmp/test_sensor_pcapmap.XXXXXX", err[256];
	struct pcapmap_pkt pkt;
	struct pcapmap *m;
	struct wfile w;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	m = pcapmap_open(path, err, sizeof(err));
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err, "");
	m = pcapmap_open("/tmp", err, sizeof(err));
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err, "");
	m = pcapmap_open("/nonexistent/x.pcap", err, sizeof(err));
	ck_assert_ptr_null(m);
	ck_assert_str_ne(err, "");

	wopen(&w, 0, 0xa1b23c4d, 2, 4, 65535, 101);
	wrec(&w, 5, 1500, 20, 20, 9);
	ck_assert_int_eq(write(fd, w.b, w.len), (ssize_t)w.len);
	close(fd);
	m = pcapmap_open(path, err, sizeof(err));
	unlink(path);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(pcapmap_buf(m)->linktype, 101);
	ck_assert_int_eq(pcapmap_buf_next(pcapmap_buf(m), &pkt), 1);
	ck_assert_int_eq(pkt.ts.tv_usec, 1);
	ck_assert_uint_eq(pkt.data[19], 9 + 19);
	ck_assert_int_eq(pcapmap_buf_next(pcapmap_buf(m), &pkt), 0);
	pcapmap_close(m);
	free(w.b);
}
END_TEST

/* Random record headers after a good file header: never past the end. */
START_TEST(random_records_stay_inside)
{
	struct pcapmap_pkt pkt;
	struct pcapbuf b;
	struct wfile w;
	uint8_t *copy;
	size_t i, len;
	int round, rc, steps;

	srandom(7);
	for (round = 0; round < 2000; round++) {
		wopen(&w, round & 1, 0xa1b2c3d4, 2, 4, (uint32_t)random() % 300,
		      1);
		len = 24 + (size_t)random() % 400;
		for (i = 24; i < len; i++)
			w.b[i] = (uint8_t)(random() % 4 == 0 ? random() : 0);
		copy = exact(&w, len);
		ck_assert_int_eq(pcapmap_buf_init(&b, copy, len), 0);
		steps = 0;
		while ((rc = pcapmap_buf_next(&b, &pkt)) == 1) {
			ck_assert(pkt.data >= copy + 40);
			ck_assert(pkt.data + pkt.caplen <= copy + len);
			ck_assert_uint_le(pkt.caplen, b.snaplen);
			ck_assert_int_le(++steps, 400 / 16 + 1);
		}
		ck_assert_int_le(rc, 0);
		free(copy);
		free(w.b);
	}
}
END_TEST

UNIT_MAIN_TESTS("pcapmap", 60, byte_orders_and_precisions,
		truncated_last_record, caplen_above_snaplen,
		headers_left_to_libpcap, timestamp_fields_unsigned, open_files,
		random_records_stay_inside)
