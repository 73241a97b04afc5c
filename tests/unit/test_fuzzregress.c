/*
 * test_fuzzregress: replay every input the fuzzers have found
 * (tests/fuzz/regress/NAME/FILE, NAME = the harness) through the same
 * entry points and property checks as the harness, so that a crash found
 * once stays fixed in every `make check` (and under ASan/UBSan in the
 * sanitizer pass), even where clang's libFuzzer is not installed.
 *
 * The directory is found relative to the working directory (tests/run.sh
 * runs from the top of the tree) or in $NFKIT_ROOT.
 */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flowrec.h"
#include "ftfile.h"
#include "ipfixfile.h"
#include "parse.h"
#include "v5.h"
#include "../../report/filter.h"
#include "../../sensor/ctlproto.h"
/* Both decoders call their status enum datagram_status: rename one. */
#define decode_status sensor_decode_status
#include "../../common/packet.h"
#undef decode_status
#include "../../collector/datagram.h"
#include "unit.h"

typedef void (*replay_fn)(const uint8_t *, size_t);

static void
r_v5(const uint8_t *d, size_t n)
{
	struct v5_header h;
	struct v5_record r[V5_MAXRECS];
	uint8_t out[V5_MAXLEN];

	struct flowrec fr;
	int64_t base;
	size_t i;

	if (v5_decode(d, n, &h, r) != V5_OK)
		return;
	ck_assert_uint_eq(v5_encode(&h, r, out, sizeof(out)), n);
	/* As the harness: every flow within 2^31 ms of its header. */
	base = flowrec_base_ms(h.unix_secs, h.unix_nsecs);
	for (i = 0; i < h.count; i++) {
		v5_to_flowrec(&h, &r[i], 0x7f000001, &fr);
		ck_assert_int_ge(fr.first_ms, base - INT64_C(0x80000000));
		ck_assert_int_lt(fr.first_ms, base + INT64_C(0x80000000));
		ck_assert_int_ge(fr.last_ms, base - INT64_C(0x80000000));
		ck_assert_int_lt(fr.last_ms, base + INT64_C(0x80000000));
	}
}

static void
r_collector(const uint8_t *d, size_t n)
{
	struct datagram_info info;
	struct flowrec recs[DATAGRAM_MAXRECS];

	if (datagram_decode(d, n, 0x7f000001, &info, recs) == DATAGRAM_OK)
		ck_assert(info.count >= 1 && info.count <= DATAGRAM_MAXRECS);
}

static void
r_packet(const uint8_t *d, size_t n)
{
	static const int dlts[] = {1,	113, 276, 0, 108, 12,  14,
				   101, 228, 229, 9, 50,  105, 147};
	const struct linktype *lt;
	struct packet_info out;

	if (n < 1 || (lt = packet_linktype(dlts[d[0] % 14])) == NULL)
		return;
	ck_assert_int_lt(packet_decode(lt, d + 1, n - 1, &out), PACKET_NSTATUS);
}

static void
r_ftfile(const uint8_t *d, size_t n)
{
	static struct flowrec recs[256];
	struct ft_header h;
	struct ft_reader *r;
	char err[256];
	uint64_t total = 0;
	long k;
	int fd;

	(void)fthdr_decode(d, n, &h, err, sizeof(err));
	ck_assert_int_ne(fd = memfd_create("regress", 0), -1);
	ck_assert_int_eq(write(fd, d, n), (ssize_t)n);
	lseek(fd, 0, SEEK_SET);
	if ((r = ftr_open(fd, "regress", err, sizeof(err))) != NULL) {
		/* As the harness: alternate 256- and 1-record reads. */
		while ((k = ftr_read(r, recs, total & 1 ? 1 : 256)) > 0)
			total += (uint64_t)k;
		ck_assert_uint_eq(ftr_count(r), total);
		ftr_close(r);
	}
	close(fd);
}

/* The IPFIX file reader to the end, as fuzz_ipfixfile's first half. */
static void
r_ipfixfile(const uint8_t *d, size_t n)
{
	static struct flowrec recs[256];
	struct ipfix_reader *r;
	char err[512];
	uint64_t total = 0;
	long k;
	int fd;

	ck_assert_int_ne(fd = memfd_create("regress", 0), -1);
	ck_assert_int_eq(write(fd, d, n), (ssize_t)n);
	lseek(fd, 0, SEEK_SET);
	if ((r = ipfr_open(fd, "regress", err, sizeof(err))) != NULL) {
		while ((k = ipfr_read(r, recs, total & 1 ? 1 : 256)) > 0)
			total += (uint64_t)k;
		ck_assert_uint_eq(ipfr_count(r), total);
		ipfr_close(r);
	}
	close(fd);
}

static void
r_parse(const uint8_t *d, size_t n)
{
	struct capspec cs;
	uint64_t v;
	char *s;

	if (n < 1)
		return;
	ck_assert_ptr_nonnull(s = calloc(1, n));
	memcpy(s, d + 1, n - 1);
	(void)parse_u64(s, 0, UINT64_MAX, &v);
	(void)parse_timespec(s, &v);
	(void)parse_size(s, &v);
	/* Only numeric addresses: no DNS from a unit test. */
	if (strspn(s, "0123456789./:[]") == strlen(s))
		(void)parse_capspec(s, &cs);
	free(s);
}

static void
r_filter(const uint8_t *d, size_t n)
{
	struct filter_error err;
	struct flowrec rec;
	struct filter *f;
	const uint8_t *nul = memchr(d, '\0', n);
	size_t elen = nul != NULL ? (size_t)(nul - d) : n;
	char *expr;

	ck_assert_ptr_nonnull(expr = calloc(1, elen + 1));
	memcpy(expr, d, elen);
	if ((f = filter_compile(expr, &err)) != NULL) {
		memset(&rec, 0, sizeof(rec));
		if (nul != NULL)
			memcpy(&rec, nul + 1,
			       n - elen - 1 < sizeof(rec) ? n - elen - 1
							  : sizeof(rec));
		/* As the harness: times a reader can produce, |t| < 2^43. */
		rec.first_ms %= ((int64_t)1 << 43) + 1;
		rec.last_ms %= ((int64_t)1 << 43) + 1;
		ck_assert_int_eq(filter_match(f, &rec),
				 filter_match_tree(f, &rec));
		filter_free(f);
	}
	free(expr);
}

static void
r_ctl(const uint8_t *d, size_t n)
{
	struct ctl_msghdr h;

	if (ctlproto_parse_header(d, n, &h) == 0)
		ck_assert_uint_le(h.len, CTL_MAXPAYLOAD);
}

static const struct {
	const char *name;
	replay_fn fn;
} targets[] = {
    {"v5", r_v5},	  {"collector", r_collector}, {"packet", r_packet},
    {"ftfile", r_ftfile}, {"parse", r_parse},	      {"filter", r_filter},
    {"ctl", r_ctl},	  {"ipfixfile", r_ipfixfile},
};

START_TEST(test_replay)
{
	const char *root = getenv("NFKIT_ROOT");
	char dir[4096], path[8192];
	struct dirent *de;
	size_t i, n, total = 0;
	uint8_t *buf;
	FILE *fp;
	DIR *dp;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		snprintf(dir, sizeof(dir), "%s%stests/fuzz/regress/%s",
			 root ? root : "", root ? "/" : "", targets[i].name);
		if ((dp = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if ((fp = fopen(path, "rb")) == NULL)
				continue;
			buf = malloc(1 << 20);
			ck_assert_ptr_nonnull(buf);
			n = fread(buf, 1, 1 << 20, fp);
			fclose(fp);
			/* An exact-size copy, so ASan sees any overread. */
			uint8_t *exact = malloc(n ? n : 1);
			memcpy(exact, buf, n);
			free(buf);
			targets[i].fn(exact, n);
			free(exact);
			total++;
		}
		closedir(dp);
	}
	fprintf(stderr, "test_fuzzregress: %zu inputs replayed\n", total);
}
END_TEST

UNIT_MAIN_TESTS("fuzzregress", 0, test_replay)
