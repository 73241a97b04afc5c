/*
 * Unit tests for the flow-tools file reader (common/ftread.c) and header
 * decoder (common/fthdr.c) on good files.
 *
 * Every file in ../shared/testdata/flow-tools (written by the real
 * flow-capture and flow-cat) is read and compared with what the real
 * flow-print and flowdumper printed for it: header fields from the
 * "flow-print -p" block, records from its format-3 lines, and for the seed
 * file also times, interfaces, ToS, TCP flags, exporter, next hop, AS and
 * engine from formats 5 and 1 and flowdumper's long output.  The expected
 * texts are parsed here, line by line.
 *
 * Then files made here: read through a pipe a few bytes at a time, the
 * record types other than v5 (v1, v6, v7, v1005) and the legacy stream
 * version 1 with its 60-byte records.  Damaged files are in
 * test_ftdamage.c.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "ftfile.h"
#include "fttest.h"
#include "unit.h"

#define TESTDATA "../shared/testdata/flow-tools"
#define EXPECTED TESTDATA "/expected/"
#define SEED "seed-utc/ft-v05.2026-11-26.180515+0000"
#define SEEDX EXPECTED "seed-utc_ft-v05.2026-11-26.180515+0000"

static void
read_path(const char *path, struct flowrec *out, size_t max, struct result *res)
{
	int fd = open(path, O_RDONLY);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	read_fd(fd, out, max, 3, res);
	close(fd);
}

/* ---- the expected outputs of flow-print and flowdumper ---- */

struct exp_rec {
	char src[32], dst[32];
	unsigned prot, sport, dport;
	unsigned long long octets, pkts;
};

struct expect {
	int nkeys;
	char key[24][48];
	char val[24][128];
	int nrec;
	struct exp_rec rec[32];
};

/* Copy what fits, always terminated. */
static void
scopy(char *d, size_t len, const char *s)
{
	size_t n = strnlen(s, len - 1);

	memcpy(d, s, n);
	d[n] = '\0';
}

static void
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* "flow-print -p": "# key: value" lines, then the format-3 table. */
static void
parse_print_p(const char *path, struct expect *e)
{
	char line[512], *colon, *v;
	int table = 0;
	FILE *f;

	memset(e, 0, sizeof(*e));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		trim(line);
		if (line[0] == '#') {
			if (line[1] == '\0')
				continue;
			ck_assert_int_lt(e->nkeys, 24);
			if ((colon = strchr(line, ':')) != NULL) {
				*colon = '\0';
				for (v = colon + 1; *v == ' '; v++)
					;
				scopy(e->val[e->nkeys], 128, v);
			}
			scopy(e->key[e->nkeys++], 48, line + 2);
		} else if (strncmp(line, "srcIP", 5) == 0) {
			table = 1;
		} else if (table && line[0] != '\0') {
			struct exp_rec *r = &e->rec[e->nrec];

			ck_assert_int_lt(e->nrec, 32);
			ck_assert_int_eq(sscanf(line,
						"%31s %31s %u %u %u %llu "
						"%llu",
						r->src, r->dst, &r->prot,
						&r->sport, &r->dport,
						&r->octets, &r->pkts),
					 7);
			e->nrec++;
		}
	}
	fclose(f);
}

static void
ip_str(uint32_t a, char *buf)
{
	struct in_addr in = {htonl(a)};

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* flow-print's header times: RFC 822, UTC (the expected run used TZ=UTC). */
static void
rfc_time(uint32_t t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* What our header says for one line of flow-print -p's header block. */
static int
header_line(const struct ft_header *h, const char *key, char *b, size_t len)
{
	if (strcmp(key, "mode") == 0)
		snprintf(b, len, "%s",
			 h->flags & FT_FLAG_STREAMING ? "streaming" : "normal");
	else if (strcmp(key, "capture hostname") == 0)
		snprintf(b, len, "%s", h->hostname);
	else if (strcmp(key, "capture start") == 0)
		rfc_time(h->cap_start, b, len);
	else if (strcmp(key, "capture end") == 0)
		rfc_time(h->cap_end, b, len);
	else if (strcmp(key, "capture period") == 0)
		snprintf(b, len, "%u seconds", h->cap_end - h->cap_start);
	else if (strcmp(key, "compress") == 0)
		snprintf(b, len, "%s",
			 h->flags & FT_FLAG_COMPRESS ? "on" : "off");
	else if (strcmp(key, "byte order") == 0)
		snprintf(b, len, "%s",
			 h->byte_order == FT_BIG ? "big" : "little");
	else if (strcmp(key, "stream version") == 0)
		snprintf(b, len, "%u", h->stream_version);
	else if (strcmp(key, "export version") == 0)
		snprintf(b, len, "%u", h->d_version);
	else if (strcmp(key, "lost flows") == 0)
		snprintf(b, len, "%u", h->lost);
	else if (strcmp(key, "corrupt packets") == 0)
		snprintf(b, len, "%u", h->corrupt);
	else if (strcmp(key, "sequencer resets") == 0)
		snprintf(b, len, "%u", h->resets);
	else if (strcmp(key, "capture flows") == 0)
		snprintf(b, len, "%u", h->flows);
	else if (strcmp(key, "comments") == 0)
		snprintf(b, len, "%s", h->comment);
	else if (strcmp(key, "note, incomplete flow file") == 0)
		snprintf(b, len, "%s",
			 h->flags & (FT_FLAG_DONE | FT_FLAG_STREAMING)
			     ? "complete"
			     : "");
	else
		return -1;
	return 0;
}

static size_t nfiles_checked;

static int
check_one_file(const char *path, const struct stat *st, int type,
	       struct FTW *ftw)
{
	char exp[512], mine[300], a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	const char *rel = path + strlen(TESTDATA) + 1;
	struct flowrec recs[64];
	struct result res;
	struct expect e;
	size_t i, k;

	(void)st;
	(void)ftw;
	if (type != FTW_F || strncmp(rel, "expected/", 9) == 0 ||
	    strncmp(rel, "input/", 6) == 0 || strncmp(rel, "logs/", 5) == 0 ||
	    strchr(rel, '/') == NULL)
		return 0;
	snprintf(exp, sizeof(exp), EXPECTED "%s.flow-print-p.txt", rel);
	for (k = strlen(EXPECTED); exp[k] != '\0'; k++)
		if (exp[k] == '/')
			exp[k] = '_';
	parse_print_p(exp, &e);
	read_path(path, recs, 64, &res);
	ck_assert_msg(res.opened, "%s: %s", path, res.err);
	ck_assert_msg(res.end == 0, "%s: %s", path, res.err);
	for (i = 0; i < (size_t)e.nkeys; i++) {
		ck_assert_msg(
		    header_line(&res.hdr, e.key[i], mine, sizeof(mine)) == 0,
		    "%s: unknown key \"%s\"", exp, e.key[i]);
		ck_assert_msg(strcmp(mine, e.val[i]) == 0,
			      "%s: %s: \"%s\", expected \"%s\"", rel, e.key[i],
			      mine, e.val[i]);
	}
	ck_assert_msg(res.n == (size_t)e.nrec, "%s: %zu records, expected %d",
		      rel, res.n, e.nrec);
	for (i = 0; i < res.n; i++) {
		ip_str(recs[i].srcaddr, a);
		ip_str(recs[i].dstaddr, b);
		ck_assert_str_eq(a, e.rec[i].src);
		ck_assert_str_eq(b, e.rec[i].dst);
		ck_assert_uint_eq(recs[i].proto, e.rec[i].prot);
		ck_assert_uint_eq(recs[i].srcport, e.rec[i].sport);
		ck_assert_uint_eq(recs[i].dstport, e.rec[i].dport);
		ck_assert_uint_eq(recs[i].bytes, e.rec[i].octets);
		ck_assert_uint_eq(recs[i].packets, e.rec[i].pkts);
	}
	nfiles_checked++;
	return 0;
}

START_TEST(test_real_files)
{
	if (!unit_have_shared(TESTDATA))
		return;
	ck_assert_int_eq(nftw(TESTDATA, check_one_file, 16, FTW_PHYS), 0);
	/* seed-utc 2, nested-berlin 3, variants 5. */
	ck_assert_uint_eq(nfiles_checked, 10);
}
END_TEST

/* flow-print's MMDD.HH:MM:SS.mmm, in UTC. */
static void
fp_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[16];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%m%d.%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03d", s, (int)(ms % 1000));
}

/* Format 5: times, interfaces, ports, protocol, flags & 7, counters. */
START_TEST(test_seed_format5)
{
	char line[512], s0[32], s1[32], sa[32], da[32], t[32], ip[16];
	unsigned sif, sp, dif, dp, p, fl;
	unsigned long long pk, oc;
	struct flowrec recs[16];
	struct result res;
	size_t n = 0;
	FILE *f;

	if (!unit_have_shared(TESTDATA))
		return;
	read_path(TESTDATA "/" SEED, recs, 16, &res);
	ck_assert_uint_eq(res.n, 8);
	ck_assert_ptr_nonnull(f = fopen(SEEDX ".flow-print-f5.txt", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line,
			   "%31s %31s %u %31s %u %u %31s %u %u %u %llu "
			   "%llu",
			   s0, s1, &sif, sa, &sp, &dif, da, &dp, &p, &fl, &pk,
			   &oc) != 12)
			continue;
		ck_assert_uint_lt(n, 8);
		fp_time(recs[n].first_ms, t, sizeof(t));
		ck_assert_str_eq(t, s0);
		fp_time(recs[n].last_ms, t, sizeof(t));
		ck_assert_str_eq(t, s1);
		ck_assert_uint_eq(recs[n].input, sif);
		ck_assert_uint_eq(recs[n].output, dif);
		ip_str(recs[n].srcaddr, ip);
		ck_assert_str_eq(ip, sa);
		ip_str(recs[n].dstaddr, ip);
		ck_assert_str_eq(ip, da);
		ck_assert_uint_eq(recs[n].srcport, sp);
		ck_assert_uint_eq(recs[n].dstport, dp);
		ck_assert_uint_eq(recs[n].proto, p);
		ck_assert_uint_eq(recs[n].tcp_flags & 7, fl);
		ck_assert_uint_eq(recs[n].packets, pk);
		ck_assert_uint_eq(recs[n].bytes, oc);
		n++;
	}
	fclose(f);
	ck_assert_uint_eq(n, 8);
}
END_TEST

/* Format 1: hex interfaces, protocol and ports; ToS and all TCP flags. */
START_TEST(test_seed_format1)
{
	char line[512], sa[32], da[32], s0[32], s1[32], act[32], bpk[32];
	char t[32], ip[16];
	unsigned sif, dif, p, sp, dp, tos, fl;
	unsigned long long pk, oc;
	struct flowrec recs[16];
	struct result res;
	size_t n = 0;
	FILE *f;

	if (!unit_have_shared(TESTDATA))
		return;
	read_path(TESTDATA "/" SEED, recs, 16, &res);
	ck_assert_ptr_nonnull(f = fopen(SEEDX ".flow-print-f1.txt", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%x %31s %x %31s %x %x %x %llu %llu", &sif, sa,
			   &dif, da, &p, &sp, &dp, &pk, &oc) != 9)
			continue;
		ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
		ck_assert_int_eq(sscanf(line, "%31s %31s %31s %31s %x %x", s0,
					s1, act, bpk, &tos, &fl),
				 6);
		ck_assert_uint_lt(n, 8);
		ck_assert_uint_eq(recs[n].input, sif);
		ck_assert_uint_eq(recs[n].output, dif);
		ip_str(recs[n].srcaddr, ip);
		ck_assert_str_eq(ip, sa);
		ip_str(recs[n].dstaddr, ip);
		ck_assert_str_eq(ip, da);
		ck_assert_uint_eq(recs[n].proto, p);
		ck_assert_uint_eq(recs[n].srcport, sp);
		ck_assert_uint_eq(recs[n].dstport, dp);
		ck_assert_uint_eq(recs[n].packets, pk);
		ck_assert_uint_eq(recs[n].bytes, oc);
		fp_time(recs[n].first_ms, t, sizeof(t));
		ck_assert_str_eq(t, s0);
		fp_time(recs[n].last_ms, t, sizeof(t));
		ck_assert_str_eq(t, s1);
		ck_assert_uint_eq(recs[n].tos, tos);
		ck_assert_uint_eq(recs[n].tcp_flags, fl);
		n++;
	}
	fclose(f);
	ck_assert_uint_eq(n, 8);
}
END_TEST

/* flowdumper's long form: exporter, next hop, AS, masks, engine, times. */
START_TEST(test_seed_flowdumper)
{
	char line[256], key[64], val[128], want[128];
	struct flowrec recs[16], *r = NULL;
	struct result res;
	size_t n = 0, nvals = 0;
	struct tm tm;
	time_t t;
	FILE *f;

	if (!unit_have_shared(TESTDATA))
		return;
	read_path(TESTDATA "/" SEED, recs, 16, &res);
	ck_assert_ptr_nonnull(f = fopen(SEEDX ".flowdumper-long.txt", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		trim(line);
		if (strcmp(line, "FLOW") == 0) {
			ck_assert_uint_lt(n, 8);
			r = &recs[n++];
			continue;
		}
		if (r == NULL ||
		    sscanf(line, " %63[^:]: %127[^\n]", key, val) != 2)
			continue;
		want[0] = '\0';
		if (strcmp(key, "router") == 0)
			ip_str(r->exaddr, want);
		else if (strcmp(key, "IP nexthop") == 0)
			ip_str(r->nexthop, want);
		else if (strcmp(key, "src AS") == 0)
			snprintf(want, sizeof(want), "%u", r->src_as);
		else if (strcmp(key, "dst AS") == 0)
			snprintf(want, sizeof(want), "%u", r->dst_as);
		else if (strcmp(key, "src masklen") == 0)
			snprintf(want, sizeof(want), "%u", r->src_mask);
		else if (strcmp(key, "dst masklen") == 0)
			snprintf(want, sizeof(want), "%u", r->dst_mask);
		else if (strcmp(key, "engine type") == 0)
			snprintf(want, sizeof(want), "%u", r->engine_type);
		else if (strcmp(key, "engine id") == 0)
			snprintf(want, sizeof(want), "%u", r->engine_id);
		else if (strcmp(key, "tos") == 0)
			snprintf(want, sizeof(want), "0x%x", r->tos);
		else if (strcmp(key, "start time") == 0 ||
			 strcmp(key, "end time") == 0) {
			t = (time_t)((key[0] == 's' ? r->first_ms
						    : r->last_ms) /
				     1000);
			gmtime_r(&t, &tm);
			strftime(want, sizeof(want), "%a %b %e %H:%M:%S %Y",
				 &tm);
		} else
			continue;
		ck_assert_msg(strcmp(want, val) == 0,
			      "flow %zu %s: \"%s\", "
			      "expected \"%s\"",
			      n, key, want, val);
		nvals++;
	}
	fclose(f);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(nvals, 8 * 11);
}
END_TEST

/* A file whose bytes arrive through a pipe a few at a time. */
START_TEST(test_pipe_dribble)
{
	struct flowrec recs[50], out[51];
	struct result res;
	size_t len, off;
	int p[2], status;
	uint8_t *f;
	pid_t pid;

	f = make_file(50, _i ? 6 : 0, 1, &len, recs);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		for (off = 0; off < len; off += 7) {
			if (write(p[1], f + off,
				  len - off < 7 ? len - off : 7) < 0)
				_exit(1);
			usleep(20);
		}
		free(f);
		_exit(0);
	}
	close(p[1]);
	read_fd(p[0], out, 51, 5, &res);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(res.end == 0, "%s", res.err);
	ck_assert_uint_eq(res.n, 50);
	check_prefix(recs, out, 50);
	free(f);
}
END_TEST

/* ---- other record types and the legacy stream version 1 ---- */

/*
 * One stored record with the v5 layout up to its reclen; bytes past 55
 * that v1 and v7 use otherwise, and everything past 63, are junk that must
 * be ignored.
 */
static void
put_rec(struct wcursor *w, int be, unsigned dver, size_t reclen, uint32_t i)
{
	size_t start = w->off;

	buf_put_u32(w, be, 1705320006);	    /* unix_secs */
	buf_put_u32(w, be, 1000000);	    /* unix_nsecs */
	buf_put_u32(w, be, 6001);	    /* sysUpTime */
	buf_put_u32(w, be, 0x7f000001);	    /* exaddr */
	buf_put_u32(w, be, 0x0a000000 + i); /* srcaddr */
	buf_put_u32(w, be, 0xc0a80101);	    /* dstaddr */
	buf_put_u32(w, be, 0x0a0000fe);	    /* nexthop */
	buf_put_u16(w, be, 3);		    /* input */
	buf_put_u16(w, be, 4);		    /* output */
	buf_put_u32(w, be, 10 + i);	    /* dPkts */
	buf_put_u32(w, be, 1000 + i);	    /* dOctets */
	buf_put_u32(w, be, 6000);	    /* First */
	buf_put_u32(w, be, 6001 + i);	    /* Last */
	buf_put_u16(w, be, 40000);	    /* srcport */
	buf_put_u16(w, be, 22);		    /* dstport */
	buf_put_u8(w, 6);		    /* prot */
	buf_put_u8(w, 0x10);		    /* tos */
	buf_put_u8(w, 0x12);		    /* tcp_flags */
	buf_put_u8(w, 0xee);		    /* pad / v7 flags */
	if (dver == 1) {
		buf_put_u32(w, be, 0xeeeeeeee); /* reserved */
	} else {
		buf_put_u8(w, 1);	   /* engine_type */
		buf_put_u8(w, 2);	   /* engine_id */
		buf_put_u8(w, 24);	   /* src_mask */
		buf_put_u8(w, 16);	   /* dst_mask */
		buf_put_u16(w, be, 65001); /* src_as */
		buf_put_u16(w, be, 65002); /* dst_as */
	}
	while (w->off - start < reclen)
		buf_put_u8(w, 0xee);
}

static const struct {
	unsigned dver;
	size_t reclen;
} rtypes[] = {{1, 60}, {5, 64}, {6, 72}, {7, 68}, {1005, 72}};

START_TEST(test_record_types)
{
	struct ft_header h = {.byte_order = _i % 2 ? FT_BIG : FT_LITTLE,
			      .flags = FT_FLAG_DONE,
			      .flows = 3};
	unsigned dver = rtypes[_i].dver;
	struct flowrec out[4];
	struct result res;
	struct wcursor w;
	uint8_t buf[1024];
	size_t hlen;
	uint32_t i;

	memset(buf, 0xee, sizeof(buf));
	h.d_version = (uint16_t)dver;
	hlen = fthdr_encode(&h, buf, sizeof(buf));
	buf_wcur_init(&w, buf, sizeof(buf));
	w.off = hlen;
	for (i = 0; i < 3; i++)
		put_rec(&w, h.byte_order == FT_BIG, dver, rtypes[_i].reclen, i);
	ck_assert(!w.failed);
	read_mem(buf, w.off, out, 4, &res);
	ck_assert_msg(res.end == 0, "%s", res.err);
	ck_assert_uint_eq(res.n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(out[i].srcaddr, 0x0a000000 + i);
		ck_assert_uint_eq(out[i].exaddr, 0x7f000001);
		ck_assert_uint_eq(out[i].nexthop, 0x0a0000fe);
		ck_assert_uint_eq(out[i].output, 4);
		ck_assert_uint_eq(out[i].packets, 10 + i);
		ck_assert_uint_eq(out[i].bytes, 1000 + i);
		ck_assert_int_eq(out[i].first_ms, 1705320006000LL);
		ck_assert_int_eq(out[i].last_ms, 1705320006001LL + i);
		ck_assert_uint_eq(out[i].tcp_flags, 0x12);
		ck_assert_uint_eq(out[i].tos, 0x10);
		ck_assert_uint_eq(out[i].src_as, dver == 1 ? 0 : 65001);
		ck_assert_uint_eq(out[i].dst_as, dver == 1 ? 0 : 65002);
		ck_assert_uint_eq(out[i].dst_mask, dver == 1 ? 0 : 16);
		ck_assert_uint_eq(out[i].engine_id, dver == 1 ? 0 : 2);
	}
	/* Half a record more is damage. */
	read_mem(buf, w.off + rtypes[_i].reclen / 2, out, 4, &res);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_int_eq(res.end, -1);
	assert_err(&res, "partial record");
}
END_TEST

/* A stream version 1 file: 360-byte header, 60-byte fts1rec_compat. */
START_TEST(test_legacy_v1)
{
	int be = _i, dver = _i ? 65535 : 5;
	uint8_t buf[2048], z[2048], host[68] = "oldhost", com[256] = "old";
	struct flowrec out[4];
	struct result res;
	struct wcursor w;
	uLongf zlen = sizeof(z);
	uint32_t i;

	buf_wcur_init(&w, buf, sizeof(buf));
	buf_put_u8(&w, 0xcf);
	buf_put_u8(&w, 0x10);
	buf_put_u8(&w, be ? FT_BIG : FT_LITTLE);
	buf_put_u8(&w, 1);
	buf_put_u16(&w, be, (uint16_t)dver);
	buf_put_u16(&w, be, 0);
	buf_put_u32(&w, be, 946684800); /* start */
	buf_put_u32(&w, be, 946685100); /* end */
	buf_put_u32(&w, be,
		    be ? FT_FLAG_DONE | FT_FLAG_COMPRESS : FT_FLAG_DONE);
	buf_put_u32(&w, be, 0); /* rotation */
	buf_put_u32(&w, be, 3); /* flows */
	buf_put_u32(&w, be, 7); /* drops */
	buf_put_u32(&w, be, 8); /* misordered */
	buf_put_bytes(&w, host, sizeof(host));
	buf_put_bytes(&w, com, sizeof(com));
	ck_assert_uint_eq(w.off, 360);
	for (i = 0; i < 3; i++) {
		buf_put_u32(&w, be, 946684900 + i); /* unix_secs */
		buf_put_u32(&w, be, 250);	    /* unix_msecs */
		buf_put_u32(&w, be, 0x0a000001);
		buf_put_u32(&w, be, 0x0a000002);
		buf_put_u32(&w, be, 0x0a0000fe);
		buf_put_u16(&w, be, 1);
		buf_put_u16(&w, be, 2);
		buf_put_u32(&w, be, 5);	  /* dPkts */
		buf_put_u32(&w, be, 500); /* dOctets */
		buf_put_u32(&w, be, 100); /* First */
		buf_put_u32(&w, be, 200); /* Last */
		buf_put_u16(&w, be, 1024 + (uint16_t)i);
		buf_put_u16(&w, be, 80);
		buf_put_u16(&w, be, 0); /* pad */
		buf_put_u8(&w, 6);
		buf_put_u8(&w, 0x08);		      /* tos */
		buf_put_u8(&w, 0x1b);		      /* flags */
		buf_put_bytes(&w, "\x01\x02\x03", 3); /* tcp retx etc. */
		buf_put_u16(&w, be, 701);
		buf_put_u16(&w, be, 702);
		buf_put_u8(&w, 8);
		buf_put_u8(&w, 24);
		buf_put_u16(&w, be, 0); /* drops */
	}
	ck_assert_uint_eq(w.off, 360 + 3 * 60);
	if (be) {
		/* Compressed: one zlib stream after the header. */
		ck_assert_int_eq(compress(z, &zlen, buf + 360, 180), Z_OK);
		memcpy(buf + 360, z, zlen);
		w.off = 360 + zlen;
	}
	read_mem(buf, w.off, out, 4, &res);
	ck_assert_msg(res.end == 0, "%s", res.err);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_uint_eq(res.hdr.stream_version, 1);
	ck_assert_uint_eq(res.hdr.hdr_len, 360);
	ck_assert_uint_eq(res.hdr.d_version, be ? 1 : 5);
	ck_assert_uint_eq(res.hdr.cap_start, 946684800);
	ck_assert_uint_eq(res.hdr.cap_end, 946685100);
	ck_assert_uint_eq(res.hdr.lost, 7);
	ck_assert_uint_eq(res.hdr.misordered, 8);
	ck_assert_uint_ne(res.hdr.flags & FT_FLAG_XLATE, 0);
	ck_assert_str_eq(res.hdr.hostname, "oldhost");
	ck_assert_str_eq(res.hdr.comment, "old");
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(out[i].unix_secs, 946684900 + i);
		ck_assert_uint_eq(out[i].unix_nsecs, 250000000);
		ck_assert_uint_eq(out[i].sys_uptime, 0);
		ck_assert_int_eq(out[i].first_ms,
				 (946684900LL + i) * 1000 + 250 + 100);
		ck_assert_int_eq(out[i].last_ms,
				 (946684900LL + i) * 1000 + 250 + 200);
		ck_assert_uint_eq(out[i].srcport, 1024 + i);
		ck_assert_uint_eq(out[i].nexthop, 0x0a0000fe);
		ck_assert_uint_eq(out[i].input, 1);
		ck_assert_uint_eq(out[i].tos, 0x08);
		ck_assert_uint_eq(out[i].tcp_flags, 0x1b);
		ck_assert_uint_eq(out[i].bytes, 500);
		/* Only the v5 conversion carries AS numbers and masks. */
		ck_assert_uint_eq(out[i].src_as, be ? 0 : 701);
		ck_assert_uint_eq(out[i].dst_mask, be ? 0 : 24);
	}
}
END_TEST

/*
 * Finding 9 of issue 11: the header holds the record count in 32 bits and
 * the writer saturates it at 2^32 - 1 (a -n 0 daily file at ~50k flows/s
 * gets there).  A saturated count is a lower bound: up to any number of
 * records agrees with it; any other count is exact.
 */
START_TEST(test_count_saturated)
{
	struct ft_header h;

	memset(&h, 0, sizeof(h));
	h.flows = 10;
	ck_assert_uint_eq(ftr_count_max(&h), 10);
	h.flows = UINT32_MAX - 1;
	ck_assert_uint_eq(ftr_count_max(&h), UINT32_MAX - 1);
	h.flows = UINT32_MAX;
	ck_assert_uint_eq(ftr_count_max(&h), UINT64_MAX);
}
END_TEST

static Suite *
ftread_suite(void)
{
	Suite *s = suite_create("ftread");
	TCase *tc = unit_case(
	    s, "core", 300,
	    UNIT_TESTS(test_real_files, test_seed_format5, test_seed_format1,
		       test_seed_flowdumper, test_count_saturated));

	tcase_add_loop_test(tc, test_pipe_dribble, 0, 2);
	tcase_add_loop_test(tc, test_record_types, 0,
			    (int)(sizeof(rtypes) / sizeof(rtypes[0])));
	tcase_add_loop_test(tc, test_legacy_v1, 0, 2);
	return s;
}

UNIT_MAIN(ftread_suite)
