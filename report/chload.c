/*
 * chload: the exactly-once file loader (the protocol is in chload.h).
 *
 * A file is read whole through the reporter's own reader (input.c), the
 * one entry point for every flow file format, and encoded into RowBinary
 * in memory before anything is sent: the flow count must be known before
 * step 3 can tell a complete load from a partial one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chload.h"
#include "input.h"
#include "log.h"
#include "rowbin.h"

#define INSERT_COLS "day, " ROWBIN_FLOW_COLS ", sampling, file_ms, file, seq"
#define WAIT_TRIES 300 /* 0.2 s each: a minute */

static const char *const schema[] = {
    "CREATE DATABASE IF NOT EXISTS %s",
    "CREATE TABLE IF NOT EXISTS %s.flows_local ("
    " day Date, first_ms Int64, last_ms Int64,"
    " srcaddr FixedString(16), dstaddr FixedString(16),"
    " nexthop FixedString(16), exporter FixedString(16),"
    " srcport UInt16, dstport UInt16, input UInt32, output UInt32,"
    " src_as UInt32, dst_as UInt32, proto UInt8, tos UInt8,"
    " tcp_flags UInt8, src_mask UInt8, dst_mask UInt8,"
    " engine_type UInt8, engine_id UInt8, packets UInt64, bytes UInt64,"
    " unix_secs UInt32, unix_nsecs UInt32, sys_uptime UInt32,"
    " sampling UInt32, file_ms Int64, file String, seq UInt32"
    ") ENGINE = MergeTree() PARTITION BY day ORDER BY (last_ms, exporter)",
    "CREATE TABLE IF NOT EXISTS %s.loaded (file String, rows UInt64,"
    " damaged UInt8, loaded DateTime DEFAULT now(),"
    " file_ms Int64 DEFAULT 0, capture String DEFAULT '',"
    " cap_start_ms Int64 DEFAULT 0, cap_end_ms Int64 DEFAULT 0,"
    " span UInt8 DEFAULT 0) ENGINE = MergeTree() ORDER BY file",
};

/*
 * Columns that loaded gained after its first release: added to a table
 * made without them (18.16 has no ADD COLUMN IF NOT EXISTS).
 */
static const char *const loaded_added[][2] = {
    {"file_ms", "Int64 DEFAULT 0"},	 {"capture", "String DEFAULT ''"},
    {"cap_start_ms", "Int64 DEFAULT 0"}, {"cap_end_ms", "Int64 DEFAULT 0"},
    {"span", "UInt8 DEFAULT 0"},
};

int
chload_quote(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	if (cap < 3)
		return -1;
	out[n++] = '\'';
	for (; *s != '\0'; s++) {
		if (n + 4 > cap)
			return -1;
		if (*s == '\'' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n++] = '\'';
	out[n] = '\0';
	return 0;
}

static int
run(struct chload *l, const char *what, const char *sql)
{
	if (chttp_query(l->ch, sql, NULL) == 0)
		return 0;
	log_warnx("%s: %s", what, chttp_error(l->ch));
	return CHLOAD_RETRY;
}

int
chload_schema(struct chload *l, const char *cluster)
{
	char sql[2048];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(schema) / sizeof(schema[0]); i++) {
		snprintf(sql, sizeof(sql), schema[i], l->db);
		if (run(l, "create schema", sql) != 0)
			return CHLOAD_RETRY;
	}
	for (i = 0; i < sizeof(loaded_added) / sizeof(loaded_added[0]); i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count() FROM system.columns WHERE "
			 "database = '%s' AND table = 'loaded' AND name = '%s'",
			 l->db, loaded_added[i][0]);
		if (chttp_query_u64(l->ch, sql, &v) == -1) {
			log_warnx("create schema: %s", chttp_error(l->ch));
			return CHLOAD_RETRY;
		}
		snprintf(sql, sizeof(sql),
			 "ALTER TABLE %s.loaded ADD COLUMN %s %s", l->db,
			 loaded_added[i][0], loaded_added[i][1]);
		if (v == 0 && run(l, "add a column to loaded", sql) != 0)
			return CHLOAD_RETRY;
	}
	if (cluster == NULL)
		return 0;
	/* The markers over every shard too: nfreport --db's web pages. */
	for (i = 0; i < 2; i++) {
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE IF NOT EXISTS %s.%s AS %s.%s "
			 "ENGINE = Distributed(%s, %s, %s)",
			 l->db, i ? "loaded_all" : "flows", l->db,
			 i ? "loaded" : "flows_local", cluster, l->db,
			 i ? "loaded" : "flows_local");
		if (run(l, "create distributed table", sql) != 0)
			return CHLOAD_RETRY;
	}
	return 0;
}

/* Poll a count() until it is 0; CHLOAD_RETRY if it stays above. */
static int
wait_zero(struct chload *l, const char *what, const char *sql)
{
	struct timespec ts = {0, 200 * 1000 * 1000};
	uint64_t v;
	int i;

	for (i = 0; i < WAIT_TRIES; i++) {
		if (chttp_query_u64(l->ch, sql, &v) == -1) {
			log_warnx("%s: %s", what, chttp_error(l->ch));
			return CHLOAD_RETRY;
		}
		if (v == 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	log_warnx("%s: still not done after %d s", what, WAIT_TRIES / 5);
	return CHLOAD_RETRY;
}

struct fileread {
	struct chbuf rb;
	const char *path;
	size_t pathlen;
	int64_t start_ms;
	uint32_t seq;
	int nomem;
};

static int
encode(void *ctx, struct flowrec *r, size_t n)
{
	struct fileread *f = ctx;
	uint8_t row[ROWBIN_FLOW_LEN + 64], *p;
	int64_t day;
	size_t i;

	for (i = 0; i < n; i++) {
		/* The day a flow ended, UTC: the partition it goes to. */
		day = r[i].last_ms / 86400000;
		if (day < 0 || day > 65535)
			day = 0;
		p = row;
		p += rowbin_put_u16(p, (uint16_t)day);
		p += rowbin_flow_put(p, &r[i]);
		/* 0: unknown (flow-tools v5 records do not carry it). */
		p += rowbin_put_u32(p, r[i].sampling);
		p += rowbin_put_u64(p, (uint64_t)f->start_ms);
		p += rowbin_put_varint(p, f->pathlen);
		if (chttp_buf_put(&f->rb, row, (size_t)(p - row)) ||
		    chttp_buf_put(&f->rb, f->path, f->pathlen)) {
			f->nomem = 1;
			return 1;
		}
		p = row;
		p += rowbin_put_u32(p, f->seq++);
		if (chttp_buf_put(&f->rb, row, (size_t)(p - row))) {
			f->nomem = 1;
			return 1;
		}
	}
	return 0;
}

/* Row boundaries are needed to cut blocks: every row is this long. */
static size_t
row_len(const struct fileread *f)
{
	uint8_t tmp[16];

	return 2 + ROWBIN_FLOW_LEN + 4 + 8 +
	       rowbin_put_varint(tmp, f->pathlen) + f->pathlen + 4;
}

static uint64_t
fnv1a(const char *a, const char *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *a; a++)
		h = (h ^ (uint8_t)*a) * 0x100000001b3ULL;
	h = (h ^ '.') * 0x100000001b3ULL;
	for (; *b; b++)
		h = (h ^ (uint8_t)*b) * 0x100000001b3ULL;
	return h;
}

/* Read the whole file; CHLOAD_BADFILE if it cannot be read at all. */
static int
read_file(struct fileread *f, const char *path, int64_t start_ms, int *damaged)
{
	struct window all = {INT64_MIN, INT64_MAX};
	struct infile in = {(char *)path, start_ms, 0};
	struct flowrec *buf;
	enum input_result ir;
	int fd;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->pathlen = strlen(path);
	f->start_ms = start_ms;
	/* input_read() would report an unreadable file as an empty one. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1) {
		log_warn("%s", path);
		return CHLOAD_BADFILE;
	}
	close(fd);
	if ((buf = malloc(INPUT_BLOCK * sizeof(*buf))) == NULL) {
		log_warnx("%s: out of memory", path);
		return CHLOAD_RETRY;
	}
	ir = input_read(&in, &all, buf, encode, f, NULL);
	free(buf);
	if (f->nomem) {
		log_warnx("%s: out of memory", path);
		chttp_buf_free(&f->rb);
		return CHLOAD_RETRY;
	}
	*damaged = ir == IN_DAMAGED;
	if (*damaged && f->seq == 0) {
		chttp_buf_free(&f->rb);
		return CHLOAD_BADFILE;
	}
	return 0;
}

static int
insert(struct chload *l, const struct fileread *f, const char *qid)
{
	char sql[1024];
	size_t rl = row_len(f), off = 0, n;
	size_t rows = l->block ? l->block : CHLOAD_BLOCK;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s.flows_local (%s) FORMAT "
		 "RowBinary",
		 l->db, INSERT_COLS);
	while (off < f->rb.len) {
		n = f->rb.len - off;
		if (n > rows * rl)
			n = rows * rl;
		if (chttp_insert(l->ch, sql, qid, f->rb.p + off, n) == -1) {
			log_warnx("%s: insert: %s", f->path,
				  chttp_error(l->ch));
			return CHLOAD_RETRY;
		}
		off += n;
	}
	return 0;
}

/*
 * The marker that says the file is in (q: its quoted path), with its start
 * time and capture line, and the span of its header (input_overlaps(): it
 * decides nfreport --db's "files read"), when the table has those columns
 * (nfchload -I adds them to a table made by an older nfchload).
 */
static int
marker(struct chload *l, const char *path, const char *q, uint32_t rows,
       int64_t start_ms, int damaged)
{
	char sql[6000], cap[520], qc[1100];
	struct input_span sp;
	uint64_t v;
	int n;

	if (l->markcols == 0) {
		snprintf(sql, sizeof(sql),
			 "SELECT count() FROM system.columns WHERE "
			 "database = '%s' AND table = 'loaded' AND "
			 "name IN ('capture', 'span')",
			 l->db);
		if (chttp_query_u64(l->ch, sql, &v) == -1) {
			log_warnx("%s: %s", path, chttp_error(l->ch));
			return CHLOAD_RETRY;
		}
		l->markcols = v > 0 ? (int)v : -1;
	}
	input_marker(path, start_ms, cap, sizeof(cap), &sp);
	if (l->markcols < 0 || chload_quote(cap, qc, sizeof(qc)) == -1) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO %s.loaded (file, rows, damaged)"
			 " VALUES (%s, %u, %d)",
			 l->db, q, rows, damaged);
		return run(l, path, sql);
	}
	n = snprintf(sql, sizeof(sql),
		     "INSERT INTO %s.loaded (file, rows, damaged, file_ms, "
		     "capture%s) VALUES (%s, %u, %d, %lld, %s",
		     l->db,
		     l->markcols > 1 ? ", cap_start_ms, cap_end_ms, span" : "",
		     q, rows, damaged, (long long)start_ms, qc);
	if (n < 0 || (size_t)n + 64 > sizeof(sql)) {
		log_warnx("%s: path too long", path);
		return CHLOAD_BADFILE;
	}
	if (l->markcols > 1)
		snprintf(sql + n, sizeof(sql) - (size_t)n, ", %lld, %lld, 1)",
			 (long long)sp.start_ms, (long long)sp.end_ms);
	else
		snprintf(sql + n, sizeof(sql) - (size_t)n, ")");
	return run(l, path, sql);
}

int
chload_file(struct chload *l, const char *path, int64_t start_ms)
{
	char q[4200], sql[4600], qid[64];
	struct fileread f;
	uint64_t v;
	int damaged = 0, rc;

	if (chload_quote(path, q, sizeof(q)) == -1) {
		log_warnx("%s: path too long", path);
		return CHLOAD_BADFILE;
	}
	snprintf(sql, sizeof(sql),
		 "SELECT count() FROM %s.loaded WHERE "
		 "file = %s",
		 l->db, q);
	if (chttp_query_u64(l->ch, sql, &v) == -1) {
		log_warnx("%s: %s", path, chttp_error(l->ch));
		return CHLOAD_RETRY;
	}
	if (v > 0) {
		l->skipped++;
		return CHLOAD_OK;
	}
	snprintf(qid, sizeof(qid), "nfchload-%016llx",
		 (unsigned long long)fnv1a(l->db, path));
	snprintf(sql, sizeof(sql),
		 "SELECT count() FROM system.processes "
		 "WHERE query_id = '%s'",
		 qid);
	if ((rc = wait_zero(l, path, sql)) != 0)
		return rc;
	if ((rc = read_file(&f, path, start_ms, &damaged)) != 0)
		return rc;
	snprintf(sql, sizeof(sql),
		 "SELECT count() FROM %s.flows_local WHERE "
		 "file = %s",
		 l->db, q);
	if (chttp_query_u64(l->ch, sql, &v) == -1) {
		log_warnx("%s: %s", path, chttp_error(l->ch));
		rc = CHLOAD_RETRY;
		goto out;
	}
	if (v > 0 && v != f.seq) {
		/* A partial load: take it out, then load the file again. */
		log_info("%s: removing a partial load (%llu of %u flows)", path,
			 (unsigned long long)v, f.seq);
		snprintf(sql, sizeof(sql),
			 "ALTER TABLE %s.flows_local DELETE "
			 "WHERE file = %s",
			 l->db, q);
		if ((rc = run(l, path, sql)) != 0)
			goto out;
		snprintf(sql, sizeof(sql),
			 "SELECT count() FROM "
			 "system.mutations WHERE database = '%s' AND "
			 "table = 'flows_local' AND is_done = 0",
			 l->db);
		if ((rc = wait_zero(l, path, sql)) != 0)
			goto out;
		snprintf(sql, sizeof(sql),
			 "SELECT count() FROM %s.flows_local "
			 "WHERE file = %s",
			 l->db, q);
		if ((rc = wait_zero(l, path, sql)) != 0)
			goto out;
		l->repaired++;
		v = 0;
	}
	if (v == 0 && f.seq > 0 && (rc = insert(l, &f, qid)) != 0)
		goto out;
	if ((rc = marker(l, path, q, f.seq, start_ms, damaged)) != 0)
		goto out;
	l->files++;
	l->rows += f.seq;
	l->damaged += damaged;
	log_debug("%s: %u flows loaded", path, f.seq);
out:
	chttp_buf_free(&f.rb);
	return rc;
}

int
chload_expire(struct chload *l, int days)
{
	char sql[512], *p, *nl;
	struct chbuf b = {0};
	int rc = 0;

	snprintf(
	    sql, sizeof(sql),
	    "SELECT DISTINCT toString(min_date) FROM "
	    "system.parts WHERE database = '%s' AND table = 'flows_local' AND"
	    " active AND max_date < toDate(now(), 'UTC') - %d",
	    l->db, days);
	if (chttp_query(l->ch, sql, &b) == -1 ||
	    chttp_buf_put(&b, "", 1) == -1) {
		log_warnx("expire: %s", chttp_error(l->ch));
		chttp_buf_free(&b);
		return CHLOAD_RETRY;
	}
	for (p = (char *)b.p; rc == 0 && (nl = strchr(p, '\n')) != NULL;
	     p = nl + 1) {
		*nl = '\0';
		/* Only dates come back; anything else is not ours to drop. */
		if (strlen(p) != 10 || strspn(p, "0123456789-") != 10)
			continue;
		snprintf(sql, sizeof(sql),
			 "ALTER TABLE %s.flows_local DROP "
			 "PARTITION '%s'",
			 l->db, p);
		if ((rc = run(l, "expire", sql)) == 0)
			log_info("expired the flows of %s", p);
	}
	chttp_buf_free(&b);
	return rc;
}
