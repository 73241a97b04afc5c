/*
 * ipfr: read nfkit's IPFIX files (ipfixfile.h) into struct flowrec.
 *
 * The stream is inflated by zsource.c into a buffer that always holds a
 * whole message (256 KiB for messages of at most 64 KiB), and walked
 * message by message, set by set.  The file must start with exactly the
 * templates ipfw.c writes, compared byte for byte: then every data
 * set is a run of fixed-length records of a layout known here, decoded at
 * fixed offsets a block at a time, without looking a template up per
 * record.  A file with other templates (another exporter's RFC 5655 file,
 * e.g. softflowd's messages one after another) is read message by message
 * through the v9/IPFIX decoder the collector uses (ipfixdec.h), which
 * checks every template and record as it checks the wire.
 *
 * Every length in the file is checked before it is used: a message
 * shorter than its header, a set that does not fit its message or is
 * not whole records, a data set before the templates or of an unknown
 * template are damage.  As with ftread.c, damage first yields every good
 * record before it, then -1 with ipfr_error() naming the file, the damage
 * and the number of good records.  A file still being written ("tmp-"
 * name, no statistics yet) may stop anywhere: that is a clean end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ftfile.h"
#include "ipfix.h"
#include "ipfixdec.h"
#include "ipfixfile.h"
#include "zsource.h"

#define OUTCAP (4 * 65536)
#define TSETS_MAX 1024

struct ipfix_reader {
	char *name;
	struct zsource src;
	uint8_t tsets[TSETS_MAX]; /* our template sets, as written */
	size_t tsetlen;
	size_t msg_left;  /* bytes of the message after this point */
	size_t set_left;  /* record bytes left in the data set */
	size_t reclen;	  /* of the data set's template */
	unsigned tidx;	  /* its index (template id - base) */
	uint64_t count;	  /* records returned */
	const char *what; /* pending damage */
	char detail[128];
	int failed;
	struct ipfr_stats stats;
	char err[512];
	/* A foreign file: the decoder and the flows of its last message. */
	struct ipfixdec *dec;
	struct flowrec *q;
	size_t qlen, qhead, qcap;
};

int
ipfr_sniff(const uint8_t *p, size_t n)
{
	if (n < 2)
		return 0;
	if (p[0] == 0 && p[1] == IPFIX_VERSION)
		return 1;
	/* A zlib header (RFC 1950): deflate, a window of at most 32 KiB. */
	return (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 &&
	       ((unsigned)p[0] << 8 | p[1]) % 31 == 0;
}

static void damage(struct ipfix_reader *r, const char *what, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static void
damage(struct ipfix_reader *r, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (r->what != NULL)
		return;
	r->what = what;
	r->detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
		va_end(ap);
	}
	r->src.ended = 1;
}

static size_t
avail(const struct ipfix_reader *r)
{
	return r->src.oend - r->src.ostart;
}

static const uint8_t *
cur(const struct ipfix_reader *r)
{
	return r->src.out + r->src.ostart;
}

/* Add bytes; a damaged stream becomes pending damage. */
static void
fill(struct ipfix_reader *r)
{
	zsource_fill(&r->src);
	if (r->src.what != NULL)
		damage(r, r->src.what, r->src.detail != NULL ? "%s" : NULL,
		       r->src.detail);
}

/* Decode n records of template index t at p. */
static void
decode(const uint8_t *p, size_t n, size_t reclen, unsigned t, struct flowrec *f)
{
	const uint8_t *a;
	size_t i;

	for (i = 0; i < n; i++, p += reclen, f++) {
		memset(f, 0, sizeof(*f));
		f->first_ms = (int64_t)buf_load_be64(p + 0);
		f->last_ms = (int64_t)buf_load_be64(p + 8);
		f->packets = buf_load_be64(p + 16);
		f->bytes = buf_load_be64(p + 24);
		f->input = buf_load_be32(p + 32);
		f->output = buf_load_be32(p + 36);
		f->src_as = buf_load_be32(p + 40);
		f->dst_as = buf_load_be32(p + 44);
		f->obs_domain = buf_load_be32(p + 48);
		f->sampling = buf_load_be32(p + 52);
		f->srcport = buf_load_be16(p + 56);
		f->dstport = buf_load_be16(p + 58);
		f->vlan = buf_load_be16(p + 60);
		f->proto = p[62];
		f->tos = p[63];
		f->tcp_flags = p[64];
		f->src_mask = p[65];
		f->dst_mask = p[66];
		f->end_reason = p[67];
		f->engine_type = p[68];
		f->engine_id = p[69];
		a = p + IPFW_FIXLEN;
		if (t & 1) {
			f->af = FLOWREC_AF_INET6;
			memcpy(f->src6, a, 16);
			memcpy(f->dst6, a + 16, 16);
			memcpy(f->nexthop6, a + 32, 16);
			a += 48;
		} else {
			f->af = FLOWREC_AF_INET;
			f->srcaddr = buf_load_be32(a);
			f->dstaddr = buf_load_be32(a + 4);
			f->nexthop = buf_load_be32(a + 8);
			a += 12;
		}
		if (t & 2) {
			f->exaf = FLOWREC_AF_INET6;
			memcpy(f->exaddr6, a, 16);
		} else {
			f->exaf = FLOWREC_AF_INET;
			f->exaddr = buf_load_be32(a);
		}
		/*
		 * An export time base that makes First 0 and Last the
		 * duration, so that an ft file written from these records
		 * holds the same absolute times.
		 */
		if (f->first_ms >= 0 && f->last_ms >= f->first_ms &&
		    f->last_ms - f->first_ms <= (int64_t)UINT32_MAX &&
		    f->last_ms / 1000 <= (int64_t)UINT32_MAX) {
			f->unix_secs = (uint32_t)(f->last_ms / 1000);
			f->unix_nsecs =
			    (uint32_t)(f->last_ms % 1000) * 1000000u;
			f->sys_uptime = (uint32_t)(f->last_ms - f->first_ms);
		}
	}
}

static void
read_stats(struct ipfix_reader *r, const uint8_t *p)
{
	struct ipfr_stats *s = &r->stats;
	static const uint8_t zero[16];

	s->present = 1;
	s->cap_start = buf_load_be32(p + 4);
	s->cap_end = buf_load_be32(p + 8);
	s->flows = buf_load_be64(p + 12);
	s->lost = buf_load_be64(p + 20);
	s->corrupt = buf_load_be64(p + 28);
	s->exaddr = buf_load_be32(p + 36);
	memcpy(s->exaddr6, p + 40, 16);
	s->exaf = memcmp(s->exaddr6, zero, 16) != 0 ? FLOWREC_AF_INET6
						    : FLOWREC_AF_INET;
}

/*
 * Take the next message or set header, or a whole statistics set, if the
 * buffer holds it.  0 when something was taken, 1 when more bytes are
 * needed, -1 on damage.
 */
static int
step(struct ipfix_reader *r)
{
	const uint8_t *p = cur(r);
	unsigned id, len;

	if (r->msg_left == 0) {
		if (avail(r) < IPFIX_HDRLEN)
			return 1;
		id = buf_load_be16(p);
		len = buf_load_be16(p + 2);
		if (id != IPFIX_VERSION) {
			damage(r, "not an IPFIX message", "version %u", id);
			return -1;
		}
		if (len < IPFIX_HDRLEN + IPFIX_SETHDRLEN) {
			damage(r, "message too short", "%u bytes", len);
			return -1;
		}
		r->msg_left = len - IPFIX_HDRLEN;
		r->src.ostart += IPFIX_HDRLEN;
		return 0;
	}
	if (avail(r) < IPFIX_SETHDRLEN)
		return 1;
	id = buf_load_be16(p);
	len = buf_load_be16(p + 2);
	if (len < IPFIX_SETHDRLEN || len > r->msg_left) {
		damage(r, "set does not fit its message",
		       "set %u of %u bytes, %zu left", id, len, r->msg_left);
		return -1;
	}
	if (id >= IPFW_TID_BASE && id < IPFW_TID_BASE + IPFW_NTEMPLATES) {
		r->tidx = id - IPFW_TID_BASE;
		r->reclen = ipfw_reclen(r->tidx);
		if ((len - IPFIX_SETHDRLEN) % r->reclen != 0) {
			damage(r, "data set is not whole records",
			       "set %u of %u bytes, records of %zu", id, len,
			       r->reclen);
			return -1;
		}
		r->msg_left -= len;
		r->set_left = len - IPFIX_SETHDRLEN;
		r->src.ostart += IPFIX_SETHDRLEN;
		return 0;
	}
	if (id == IPFW_TID_STATS) {
		if (len != IPFIX_SETHDRLEN + 56) {
			damage(r, "statistics set of a wrong length",
			       "%u bytes", len);
			return -1;
		}
		if (avail(r) < len)
			return 1;
		read_stats(r, p + IPFIX_SETHDRLEN);
		r->msg_left -= len;
		r->src.ostart += len;
		return 0;
	}
	damage(r, "set of an unknown template", "set id %u", id);
	return -1;
}

/*
 * What a read that stopped with n records returns: n if it has any (or
 * wanted none); else nothing more will come: 0 at a clean end, or -1 and
 * the pending damage.
 */
static long
finish(struct ipfix_reader *r, size_t n, size_t max)
{
	if (n > 0 || max == 0)
		return (long)n;
	if (r->what == NULL && !r->src.may_stop &&
	    (avail(r) > 0 || r->msg_left > 0 || r->set_left > 0))
		damage(r, "truncated", "the last message is cut short");
	/* Only a file that was closed has its statistics at the end. */
	if (r->what == NULL && !r->src.may_stop && !r->stats.present &&
	    r->dec == NULL)
		damage(r, "truncated",
		       "the file ends without its statistics record");
	r->src.ostart = r->src.oend;
	if (r->what == NULL)
		return 0;
	snprintf(r->err, sizeof(r->err), "%s: %s after %llu records%s%s",
		 r->name, r->what, (unsigned long long)r->count,
		 r->detail[0] ? ": " : "", r->detail);
	r->failed = 1;
	return -1;
}

static long read_foreign(struct ipfix_reader *, struct flowrec *, size_t);

long
ipfr_read(struct ipfix_reader *r, struct flowrec *recs, size_t max)
{
	size_t n = 0, k, m;
	int st;

	if (r->failed)
		return -1;
	if (r->dec != NULL)
		return read_foreign(r, recs, max);
	while (n < max) {
		if (r->set_left > 0) {
			k = avail(r) / r->reclen;
			m = r->set_left / r->reclen;
			k = k < m ? k : m;
			k = k < max - n ? k : max - n;
			if (k > 0) {
				decode(cur(r), k, r->reclen, r->tidx, recs + n);
				r->src.ostart += k * r->reclen;
				r->set_left -= k * r->reclen;
				r->count += k;
				n += k;
				continue;
			}
		} else if ((st = step(r)) <= 0) {
			if (st < 0)
				break;
			continue;
		}
		if (r->src.ended)
			break;
		fill(r);
	}
	return finish(r, n, max);
}

/*
 * Our files start with exactly our templates: 0, the message taken.  1: a
 * foreign IPFIX file, for the decoder.  -1: not IPFIX, or no message.
 */
static int
check_templates(struct ipfix_reader *r, char *err, size_t errlen)
{
	size_t need = IPFIX_HDRLEN + r->tsetlen;
	const uint8_t *p;

	while (avail(r) < need && !r->src.ended)
		fill(r);
	p = cur(r);
	if (avail(r) < IPFIX_HDRLEN) {
		fthdr_seterr(err, errlen, "%s: %s", r->name,
			     r->what != NULL ? r->what
					     : "truncated: no IPFIX message");
		return -1;
	}
	if (buf_load_be16(p) != IPFIX_VERSION) {
		fthdr_seterr(err, errlen, "%s: not an IPFIX file (version %u)",
			     r->name, buf_load_be16(p));
		return -1;
	}
	if (avail(r) >= need && buf_load_be16(p + 2) == need &&
	    memcmp(p + IPFIX_HDRLEN, r->tsets, r->tsetlen) == 0) {
		r->src.ostart += need;
		return 0;
	}
	return 1;
}

/* The decoder's flows of one message, queued for ipfr_read(). */
static void
queue_flow(void *arg, const struct ipfixdec_flow *fl)
{
	struct ipfix_reader *r = arg;
	struct flowrec *q;
	size_t cap;

	if (r->qlen == r->qcap) {
		cap = r->qcap ? r->qcap * 2 : 1024;
		if ((q = realloc(r->q, cap * sizeof(*q))) == NULL) {
			damage(r, "out of memory", NULL);
			return;
		}
		r->q = q;
		r->qcap = cap;
	}
	r->q[r->qlen++] = fl->rec;
}

/* A foreign file: whole messages through the decoder. */
static long
read_foreign(struct ipfix_reader *r, struct flowrec *recs, size_t max)
{
	static const struct ipfixdec_source src = {4, {0}};
	const uint8_t *p;
	size_t n = 0, k, len;

	while (n < max) {
		if (r->qhead < r->qlen) {
			k = r->qlen - r->qhead;
			k = k < max - n ? k : max - n;
			memcpy(recs + n, r->q + r->qhead, k * sizeof(*recs));
			r->qhead += k;
			r->count += k;
			n += k;
			continue;
		}
		r->qhead = r->qlen = 0;
		if (r->what != NULL)
			break;
		if (avail(r) >= IPFIX_HDRLEN) {
			p = cur(r);
			len = buf_load_be16(p + 2);
			if (buf_load_be16(p) != IPFIX_VERSION ||
			    len < IPFIX_HDRLEN) {
				damage(r, "not an IPFIX message",
				       "version %u, %zu bytes",
				       buf_load_be16(p), len);
				break;
			}
			if (avail(r) >= len) {
				if (ipfixdec_message(
					r->dec, &src,
					(int64_t)buf_load_be32(p + 4) * 1000, p,
					len, queue_flow, r) == -1)
					damage(r,
					       "message refused by the "
					       "IPFIX decoder",
					       NULL);
				r->src.ostart += len;
				continue;
			}
		}
		if (r->src.ended)
			break;
		fill(r);
	}
	return finish(r, n, max);
}

struct ipfix_reader *
ipfr_open_head(int fd, const char *name, const uint8_t *head, size_t nhead,
	       char *err, size_t errlen)
{
	struct ipfix_reader *r;
	const char *base;
	uint8_t first[2];
	ssize_t k;

	if (name == NULL)
		name = "(IPFIX file)";
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->name = strdup(name)) == NULL) {
		fthdr_seterr(err, errlen, "%s: out of memory", name);
		free(r);
		return NULL;
	}
	if (nhead > 0)
		memcpy(first, head, nhead < 2 ? nhead : 2);
	while (nhead < 2) {
		k = zsource_read_some(fd, first + nhead, 2 - nhead);
		if (k <= 0) {
			fthdr_seterr(err, errlen, "%s: %s", name,
				     k < 0 ? strerror(errno)
					   : "empty or truncated");
			goto fail;
		}
		head = first;
		nhead += (size_t)k;
	}
	if (!ipfr_sniff(head, nhead)) {
		fthdr_seterr(err, errlen, "%s: not an IPFIX file", name);
		goto fail;
	}
	if (zsource_init(&r->src, fd, head[0] != 0, OUTCAP) == -1) {
		fthdr_seterr(err, errlen, "%s: out of memory", name);
		goto fail;
	}
	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	r->src.may_stop = strncmp(base, "tmp-", 4) == 0;
	r->src.unit = IPFIX_HDRLEN;
	zsource_prime(&r->src, head, nhead);
	r->tsetlen = ipfw_template_sets(r->tsets, sizeof(r->tsets));
	switch (check_templates(r, err, errlen)) {
	case -1:
		goto fail;
	case 1:
		if ((r->dec = ipfixdec_new(NULL)) == NULL) {
			fthdr_seterr(err, errlen, "%s: out of memory", name);
			goto fail;
		}
		break;
	}
	return r;
fail:
	ipfr_close(r);
	return NULL;
}

struct ipfix_reader *
ipfr_open(int fd, const char *name, char *err, size_t errlen)
{
	return ipfr_open_head(fd, name, NULL, 0, err, errlen);
}

const char *
ipfr_error(const struct ipfix_reader *r)
{
	return r->err[0] != '\0' ? r->err : "no error";
}

uint64_t
ipfr_count(const struct ipfix_reader *r)
{
	return r->count;
}

const struct ipfr_stats *
ipfr_stats(const struct ipfix_reader *r)
{
	return &r->stats;
}

void
ipfr_close(struct ipfix_reader *r)
{
	if (r == NULL)
		return;
	zsource_free(&r->src);
	ipfixdec_free(r->dec);
	free(r->q);
	free(r->name);
	free(r);
}
