/*
 * ipfixdec: NetFlow v9 and IPFIX messages into flows (see ipfixdec.h).
 *
 * The state is a flat, bounded set of arrays: exporters (at most
 * max_exporters), each with its templates and domains (at most
 * max_templates of each) and a few early data sets.  Lookups are linear:
 * a few dozen comparisons per set cost less than a hash table's upkeep at
 * these sizes, and a flood of template ids or exporters hits a limit
 * (counted) instead of growing a table.
 *
 * Templates are checked once, when they arrive: every field length must
 * be possible for its Information Element (an address is 4 or 16 bytes,
 * a counter 1 to 8), no field has length 0, and a record fits in a set.
 * pmacct's stack overflow (#934) came from copying fields of unchecked
 * length into fixed buffers; here a data record is read in place, field
 * by field, through lengths already checked, and every record consumes at
 * least one byte, so the walk always ends (goflow2 looped forever on a
 * template of zero fields).  A bad set is skipped by its length, and the
 * sets after it are read (nfcapd gave up on the whole datagram).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "flowrec.h"
#include "ipfix.h"
#include "ipfixdec.h"
#include "ipfixrec.h"

struct pending {
	struct ipfixrec_ctx ctx; /* the message header it came with */
	uint16_t tid;
	int64_t at_ms; /* when it arrived */
	size_t len;
	uint8_t *data; /* the set's records */
};

struct exporter {
	struct ipfixdec_source src;
	struct ipfixdec_stats st;
	struct ipfixrec_tpl *tpl; /* max_templates entries */
	size_t ntpl;
	struct ipfixrec_domain *dom; /* max_templates entries */
	size_t ndom;
	struct pending pend[IPFIXDEC_PENDING_SETS];
	size_t npend;
	size_t pendbytes;
};

struct ipfixdec {
	size_t max_exporters;
	size_t max_templates;
	struct exporter *exp; /* grows by doubling to max_exporters */
	size_t nexp, capexp;
	size_t mem; /* bytes allocated for fields and sets */
	uint64_t refused[IPFIXDEC_NREASON]; /* no exporter slot */
	struct ipfixdec_last last;
};

static const char *const reason_names[IPFIXDEC_NREASON] = {
    [IPFIXDEC_SHORT] = "short",
    [IPFIXDEC_VERSION] = "not-v9-ipfix",
    [IPFIXDEC_MSGLEN] = "msg-length",
    [IPFIXDEC_SETLEN] = "set-length",
    [IPFIXDEC_SETID] = "set-id",
    [IPFIXDEC_TPLSHORT] = "template-cut",
    [IPFIXDEC_TPLID] = "template-id",
    [IPFIXDEC_TPLZERO] = "template-empty",
    [IPFIXDEC_TPLFIELDS] = "template-fields",
    [IPFIXDEC_FIELDLEN] = "field-length",
    [IPFIXDEC_RECLEN] = "record-length",
    [IPFIXDEC_TPLLIMIT] = "template-limit",
    [IPFIXDEC_EXPLIMIT] = "exporter-limit",
    [IPFIXDEC_NOTEMPLATE] = "no-template",
    [IPFIXDEC_PENDDROP] = "no-template-dropped",
    [IPFIXDEC_RECTRUNC] = "record-cut",
    [IPFIXDEC_NOTIME] = "no-init-time",
    [IPFIXDEC_FRAME] = "frame",
};

const char *
ipfixdec_reason_name(enum ipfixdec_reason r)
{
	return (unsigned)r < IPFIXDEC_NREASON ? reason_names[r] : "?";
}

struct ipfixdec *
ipfixdec_new(const struct ipfixdec_limits *lim)
{
	struct ipfixdec *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->max_exporters = lim && lim->max_exporters ? lim->max_exporters
						     : IPFIXDEC_MAX_EXPORTERS;
	d->max_templates = lim && lim->max_templates ? lim->max_templates
						     : IPFIXDEC_MAX_TEMPLATES;
	return d;
}

static void
pending_drop(struct ipfixdec *d, struct exporter *e, size_t i)
{
	d->mem -= e->pend[i].len;
	e->pendbytes -= e->pend[i].len;
	free(e->pend[i].data);
	e->pend[i] = e->pend[--e->npend];
}

void
ipfixdec_free(struct ipfixdec *d)
{
	size_t i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->nexp; i++) {
		struct exporter *e = &d->exp[i];

		for (j = 0; j < e->ntpl; j++)
			free(e->tpl[j].f);
		while (e->npend > 0)
			pending_drop(d, e, 0);
		free(e->tpl);
		free(e->dom);
	}
	free(d->exp);
	free(d);
}

static struct exporter *
exporter_get(struct ipfixdec *d, const struct ipfixdec_source *src)
{
	struct exporter *e;
	size_t i;

	for (i = 0; i < d->nexp; i++)
		if (d->exp[i].src.af == src->af &&
		    memcmp(d->exp[i].src.addr, src->addr, 16) == 0)
			return &d->exp[i];
	if (d->nexp == d->max_exporters)
		return NULL;
	if (d->nexp == d->capexp) {
		size_t cap = d->capexp ? d->capexp * 2 : 8;

		if (cap > d->max_exporters)
			cap = d->max_exporters;
		/* max_exporters >= 1 (ipfixdec_new), so cap is too. */
		if (cap == 0 || (e = realloc(d->exp, cap * sizeof(*e))) == NULL)
			return NULL;
		d->exp = e;
		d->capexp = cap;
	}
	e = &d->exp[d->nexp];
	memset(e, 0, sizeof(*e));
	e->tpl = calloc(d->max_templates, sizeof(*e->tpl));
	e->dom = calloc(d->max_templates, sizeof(*e->dom));
	if (e->tpl == NULL || e->dom == NULL) {
		free(e->tpl);
		free(e->dom);
		return NULL;
	}
	e->src = *src;
	d->nexp++;
	d->mem += d->max_templates * (sizeof(*e->tpl) + sizeof(*e->dom));
	return e;
}

static struct ipfixrec_tpl *
tpl_find(struct exporter *e, int version, uint32_t domain, uint16_t tid)
{
	size_t i;

	for (i = 0; i < e->ntpl; i++)
		if (e->tpl[i].tid == tid && e->tpl[i].domain == domain &&
		    e->tpl[i].version == version)
			return &e->tpl[i];
	return NULL;
}

static struct ipfixrec_domain *
domain_get(const struct ipfixdec *d, struct exporter *e, int version,
	   uint32_t id)
{
	struct ipfixrec_domain *dm;
	size_t i;

	for (i = 0; i < e->ndom; i++)
		if (e->dom[i].id == id && e->dom[i].version == version)
			return &e->dom[i];
	if (e->ndom == d->max_templates)
		return NULL;
	dm = &e->dom[e->ndom++];
	memset(dm, 0, sizeof(*dm));
	dm->version = (uint8_t)version;
	dm->id = id;
	dm->sampling = 1;
	return dm;
}

/*
 * Learn (or replace) template t, whose fields the caller allocated; takes
 * them over in any case.  Returns 0, or -1 if the exporter is full.
 */
static int
tpl_learn(struct ipfixdec *d, struct exporter *e, struct ipfixrec_tpl *t)
{
	struct ipfixrec_tpl *old;

	old = tpl_find(e, t->version, t->domain, t->tid);
	if (old == NULL) {
		if (e->ntpl == d->max_templates) {
			free(t->f);
			e->st.reason[IPFIXDEC_TPLLIMIT]++;
			return -1;
		}
		old = &e->tpl[e->ntpl++];
	} else {
		d->mem -= old->nfields * sizeof(*old->f);
		free(old->f);
	}
	*old = *t;
	d->mem += t->nfields * sizeof(*t->f);
	e->st.templates++;
	return 0;
}

static void
tpl_withdraw(struct ipfixdec *d, struct exporter *e, int version,
	     uint32_t domain, uint16_t tid, int all, int options)
{
	size_t i = 0;

	while (i < e->ntpl) {
		struct ipfixrec_tpl *t = &e->tpl[i];

		if (t->version == version && t->domain == domain &&
		    (all ? t->options == options : t->tid == tid)) {
			d->mem -= t->nfields * sizeof(*t->f);
			free(t->f);
			*t = e->tpl[--e->ntpl];
			e->st.withdrawn++;
			continue;
		}
		i++;
	}
}

/* True if the rest of a set is zero padding. */
static int
all_zero(const uint8_t *p, size_t n)
{
	while (n > 0)
		if (p[--n] != 0)
			return 0;
	return 1;
}

/*
 * One template or options template set.  Each record is parsed into a
 * struct ipfixrec_tpl and checked by ipfixrec_tpl_check(); a bad record
 * is counted and ends the set, since its length is then unknown.
 */
static void
template_set(struct ipfixdec *d, struct exporter *e,
	     const struct ipfixrec_ctx *ctx, int options, const uint8_t *p,
	     size_t len)
{
	struct cursor c;
	int v9 = ctx->version == NF9_VERSION;

	buf_cur_init(&c, p, len);
	while (buf_left(&c) >= 4) {
		struct ipfixrec_tpl t;
		uint16_t tid, a, b = 0, i, n, ie, flen;
		uint32_t pen;
		enum ipfixdec_reason why;

		if (all_zero(p + c.off, buf_left(&c)))
			return;
		memset(&t, 0, sizeof(t));
		buf_get_u16be(&c, &tid);
		buf_get_u16be(&c, &a);
		/* An IPFIX withdrawal is 4 bytes, options or not. */
		if (options && (v9 || a != 0) && buf_get_u16be(&c, &b) < 0) {
			e->st.reason[IPFIXDEC_TPLSHORT]++;
			return;
		}
		if (!v9 && a == 0) {
			/* IPFIX withdrawal: one id, or all of a kind. */
			if (tid == IPFIX_SET_TEMPLATE ||
			    tid == IPFIX_SET_OPTIONS)
				tpl_withdraw(d, e, ctx->version, ctx->domain, 0,
					     1, tid == IPFIX_SET_OPTIONS);
			else if (tid >= IPFIX_SET_MINDATA)
				tpl_withdraw(d, e, ctx->version, ctx->domain,
					     tid, 0, 0);
			else {
				e->st.reason[IPFIXDEC_TPLID]++;
				return;
			}
			continue;
		}
		t.version = (uint8_t)ctx->version;
		t.domain = ctx->domain;
		t.tid = tid;
		t.options = (uint8_t)options;
		if (v9 && options) {
			/* Byte lengths of the scope and option field lists. */
			if (a % 4 != 0 || b % 4 != 0) {
				e->st.reason[IPFIXDEC_TPLSHORT]++;
				return;
			}
			t.nscope = a / 4;
			n = (uint16_t)(a / 4 + b / 4);
		} else {
			n = a;
			t.nscope = options ? b : 0;
		}
		if (n > IPFIXDEC_MAXFIELDS) {
			e->st.reason[IPFIXDEC_TPLFIELDS]++;
			return;
		}
		t.nfields = n;
		if (n > 0 && (t.f = calloc(n, sizeof(*t.f))) == NULL)
			return;
		for (i = 0; i < n; i++) {
			pen = 0;
			buf_get_u16be(&c, &ie);
			buf_get_u16be(&c, &flen);
			if (!v9 && (ie & IPFIX_ENTERPRISE_BIT)) {
				buf_get_u32be(&c, &pen);
				ie &= (uint16_t)~IPFIX_ENTERPRISE_BIT;
			}
			t.f[i].ie = ie;
			t.f[i].len = flen;
			t.f[i].pen = pen;
			t.f[i].scope = i < t.nscope;
		}
		if (c.failed) {
			free(t.f);
			e->st.reason[IPFIXDEC_TPLSHORT]++;
			return;
		}
		if ((why = ipfixrec_tpl_check(&t)) != IPFIXDEC_NREASON) {
			free(t.f);
			e->st.reason[why]++;
			/* A zero count still has a known length: go on. */
			if (why == IPFIXDEC_TPLZERO || why == IPFIXDEC_TPLID ||
			    why == IPFIXDEC_FIELDLEN || why == IPFIXDEC_RECLEN)
				continue;
			return;
		}
		tpl_learn(d, e, &t);
	}
}

static void
pending_keep(struct ipfixdec *d, struct exporter *e,
	     const struct ipfixrec_ctx *ctx, uint16_t tid, const uint8_t *p,
	     size_t len)
{
	struct pending *pd;

	e->st.reason[IPFIXDEC_NOTEMPLATE]++;
	if (e->npend == IPFIXDEC_PENDING_SETS ||
	    e->pendbytes + len > IPFIXDEC_PENDING_BYTES || len == 0) {
		e->st.reason[IPFIXDEC_PENDDROP]++;
		return;
	}
	pd = &e->pend[e->npend];
	if ((pd->data = malloc(len)) == NULL) {
		e->st.reason[IPFIXDEC_PENDDROP]++;
		return;
	}
	memcpy(pd->data, p, len);
	pd->len = len;
	/* Only the header's values are kept; pending_run() sets pointers. */
	pd->ctx = *ctx;
	pd->ctx.src = NULL;
	pd->ctx.st = NULL;
	pd->ctx.dom = NULL;
	pd->ctx.late = 1;
	pd->tid = tid;
	pd->at_ms = ctx->now_ms;
	e->npend++;
	e->pendbytes += len;
	d->mem += len;
}

/* Early data whose template is now known is decoded; old data dropped. */
static void
pending_run(struct ipfixdec *d, struct exporter *e, int64_t now_ms,
	    ipfixdec_emit_fn *emit, void *arg)
{
	size_t i = 0;

	while (i < e->npend) {
		struct pending *pd = &e->pend[i];
		struct ipfixrec_tpl *t;

		t = tpl_find(e, pd->ctx.version, pd->ctx.domain, pd->tid);
		if (t != NULL) {
			/* Its message's pointers are stale: take them anew. */
			pd->ctx.src = &e->src;
			pd->ctx.st = &e->st;
			pd->ctx.dom =
			    domain_get(d, e, pd->ctx.version, pd->ctx.domain);
			if (pd->ctx.dom != NULL)
				ipfixrec_data_set(&pd->ctx, t, pd->data,
						  pd->len, emit, arg);
		} else if (now_ms - pd->at_ms <= IPFIXDEC_PENDING_MS &&
			   now_ms >= pd->at_ms) {
			i++;
			continue;
		} else
			e->st.reason[IPFIXDEC_PENDDROP]++;
		pending_drop(d, e, i);
	}
}

/* Sequence accounting: IPFIX counts data records, v9 export packets. */
static uint32_t
sequence(struct ipfixrec_domain *dm, int version, uint32_t seq,
	 struct ipfixdec_stats *st)
{
	uint32_t gap = 0;

	if (dm->seq_known) {
		gap = seq - dm->next_seq;
		/* Behind or far ahead is a reordering or a restart: no loss. */
		if (gap >= UINT32_C(0x80000000))
			gap = 0;
		st->lost += gap;
	}
	dm->seq_known = 1;
	dm->next_seq = version == NF9_VERSION ? seq + 1 : seq;
	return gap;
}

int
ipfixdec_message(struct ipfixdec *d, const struct ipfixdec_source *src,
		 int64_t now_ms, const void *buf, size_t len,
		 ipfixdec_emit_fn *emit, void *arg)
{
	const uint8_t *p = buf;
	struct ipfixrec_ctx ctx;
	struct exporter *e;
	struct cursor c;
	uint16_t version, w16, sid, slen;
	uint32_t seq;
	size_t hdr;
	int undecoded = 0;
	uint64_t before;

	memset(&d->last, 0, sizeof(d->last));
	if ((e = exporter_get(d, src)) == NULL) {
		d->refused[IPFIXDEC_EXPLIMIT]++;
		return -1;
	}
	memset(&ctx, 0, sizeof(ctx));
	buf_cur_init(&c, p, len);
	if (buf_get_u16be(&c, &version) < 0) {
		e->st.reason[IPFIXDEC_SHORT]++;
		return -1;
	}
	if (version != NF9_VERSION && version != IPFIX_VERSION) {
		e->st.reason[IPFIXDEC_VERSION]++;
		return -1;
	}
	hdr = version == NF9_VERSION ? NF9_HDRLEN : IPFIX_HDRLEN;
	if (len < hdr) {
		e->st.reason[IPFIXDEC_SHORT]++;
		return -1;
	}
	ctx.version = version;
	buf_get_u16be(&c, &w16); /* v9 count (not trusted), IPFIX length */
	if (version == NF9_VERSION)
		buf_get_u32be(&c, &ctx.sys_uptime);
	else if (w16 != len) {
		e->st.reason[IPFIXDEC_MSGLEN]++;
		return -1;
	}
	buf_get_u32be(&c, &ctx.export_secs);
	buf_get_u32be(&c, &seq);
	buf_get_u32be(&c, &ctx.domain);
	ctx.now_ms = now_ms;
	ctx.src = src;
	ctx.st = &e->st;
	if ((ctx.dom = domain_get(d, e, version, ctx.domain)) == NULL) {
		e->st.reason[IPFIXDEC_TPLLIMIT]++;
		return -1;
	}
	e->st.messages++;
	d->last.version = version;
	d->last.lost = sequence(ctx.dom, version, seq, &e->st);
	before = e->st.flows;

	while (buf_left(&c) >= IPFIX_SETHDRLEN) {
		const uint8_t *body;

		buf_get_u16be(&c, &sid);
		buf_get_u16be(&c, &slen);
		if (slen < IPFIX_SETHDRLEN ||
		    (size_t)slen - IPFIX_SETHDRLEN > buf_left(&c)) {
			e->st.reason[IPFIXDEC_SETLEN]++;
			undecoded = 1;
			break;
		}
		body = p + c.off;
		buf_skip(&c, slen - IPFIX_SETHDRLEN);
		slen -= IPFIX_SETHDRLEN;
		if (sid >= IPFIX_SET_MINDATA) {
			struct ipfixrec_tpl *t;

			t = tpl_find(e, version, ctx.domain, sid);
			if (t != NULL)
				ipfixrec_data_set(&ctx, t, body, slen, emit,
						  arg);
			else {
				pending_keep(d, e, &ctx, sid, body, slen);
				undecoded = 1;
			}
		} else if (sid == (version == NF9_VERSION ? NF9_SET_TEMPLATE
							  : IPFIX_SET_TEMPLATE))
			template_set(d, e, &ctx, 0, body, slen);
		else if (sid == (version == NF9_VERSION ? NF9_SET_OPTIONS
							: IPFIX_SET_OPTIONS))
			template_set(d, e, &ctx, 1, body, slen);
		else
			e->st.reason[IPFIXDEC_SETID]++;
	}
	if (version == IPFIX_VERSION) {
		/* The next message's sequence: this one's plus its records. */
		ctx.dom->next_seq +=
		    (uint32_t)(e->st.flows - before + ctx.options_records);
		if (undecoded)
			ctx.dom->seq_known = 0;
	}
	if (e->npend > 0)
		pending_run(d, e, now_ms, emit, arg);
	d->last.flows = e->st.flows - before;
	return 0;
}

void
ipfixdec_last(const struct ipfixdec *d, struct ipfixdec_last *l)
{
	*l = d->last;
}

void
ipfixdec_foreach(const struct ipfixdec *d, ipfixdec_stats_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < d->nexp; i++)
		fn(arg, &d->exp[i].src, &d->exp[i].st);
}

void
ipfixdec_total(const struct ipfixdec *d, struct ipfixdec_stats *t)
{
	size_t i, r;

	memset(t, 0, sizeof(*t));
	for (r = 0; r < IPFIXDEC_NREASON; r++)
		t->reason[r] = d->refused[r];
	for (i = 0; i < d->nexp; i++) {
		const struct ipfixdec_stats *s = &d->exp[i].st;

		t->messages += s->messages;
		t->flows += s->flows;
		t->templates += s->templates;
		t->withdrawn += s->withdrawn;
		t->lost += s->lost;
		t->late += s->late;
		for (r = 0; r < IPFIXDEC_NREASON; r++)
			t->reason[r] += s->reason[r];
	}
}

size_t
ipfixdec_memory(const struct ipfixdec *d)
{
	return sizeof(*d) + d->capexp * sizeof(*d->exp) + d->mem;
}

/*
 * The saved form: "NFKITPL1", then per template: af(1) addr(16)
 * version(1) options(1) domain(4) tid(2) nscope(2) nfields(2), and per
 * field ie(2) len(2) pen(4); big-endian.  Loading checks each template as
 * one from the wire.
 */
#define SAVE_MAGIC "NFKITPL1"
#define SAVE_TPLHDR 31
#define SAVE_FIELD 8

uint8_t *
ipfixdec_save(const struct ipfixdec *d, size_t *lenp)
{
	struct wcursor w;
	size_t i, j, k, need = sizeof(SAVE_MAGIC) - 1;
	uint8_t *out;

	for (i = 0; i < d->nexp; i++)
		for (j = 0; j < d->exp[i].ntpl; j++)
			need +=
			    SAVE_TPLHDR + SAVE_FIELD * d->exp[i].tpl[j].nfields;
	if ((out = malloc(need)) == NULL)
		return NULL;
	buf_wcur_init(&w, out, need);
	buf_put_bytes(&w, SAVE_MAGIC, sizeof(SAVE_MAGIC) - 1);
	for (i = 0; i < d->nexp; i++) {
		const struct exporter *e = &d->exp[i];

		for (j = 0; j < e->ntpl; j++) {
			const struct ipfixrec_tpl *t = &e->tpl[j];

			buf_put_u8(&w, e->src.af);
			buf_put_bytes(&w, e->src.addr, 16);
			buf_put_u8(&w, t->version);
			buf_put_u8(&w, t->options);
			buf_put_u32be(&w, t->domain);
			buf_put_u16be(&w, t->tid);
			buf_put_u16be(&w, t->nscope);
			buf_put_u16be(&w, t->nfields);
			for (k = 0; k < t->nfields; k++) {
				buf_put_u16be(&w, t->f[k].ie);
				buf_put_u16be(&w, t->f[k].len);
				buf_put_u32be(&w, t->f[k].pen);
			}
		}
	}
	*lenp = w.off;
	return out;
}

int
ipfixdec_load(struct ipfixdec *d, const void *buf, size_t len)
{
	struct cursor c;
	uint8_t magic[8];
	int n = 0;

	buf_cur_init(&c, buf, len);
	if (buf_get_bytes(&c, magic, sizeof(magic)) < 0 ||
	    memcmp(magic, SAVE_MAGIC, sizeof(magic)) != 0)
		return -1;
	while (buf_left(&c) > 0) {
		struct ipfixdec_source src;
		struct ipfixrec_tpl t;
		struct exporter *e;
		uint8_t v, o;
		uint16_t i;

		memset(&t, 0, sizeof(t));
		memset(&src, 0, sizeof(src));
		buf_get_u8(&c, &src.af);
		buf_get_bytes(&c, src.addr, 16);
		buf_get_u8(&c, &v);
		buf_get_u8(&c, &o);
		buf_get_u32be(&c, &t.domain);
		buf_get_u16be(&c, &t.tid);
		buf_get_u16be(&c, &t.nscope);
		buf_get_u16be(&c, &t.nfields);
		t.version = v;
		t.options = o;
		if (c.failed || (v != NF9_VERSION && v != IPFIX_VERSION) ||
		    o > 1 || (src.af != 4 && src.af != 6) || t.nfields == 0 ||
		    t.nfields > IPFIXDEC_MAXFIELDS ||
		    buf_left(&c) < (size_t)t.nfields * SAVE_FIELD)
			return -1;
		if ((t.f = calloc(t.nfields, sizeof(*t.f))) == NULL)
			return -1;
		for (i = 0; i < t.nfields; i++) {
			buf_get_u16be(&c, &t.f[i].ie);
			buf_get_u16be(&c, &t.f[i].len);
			buf_get_u32be(&c, &t.f[i].pen);
			t.f[i].scope = i < t.nscope;
		}
		if (ipfixrec_tpl_check(&t) != IPFIXDEC_NREASON ||
		    (e = exporter_get(d, &src)) == NULL) {
			free(t.f);
			return -1;
		}
		if (tpl_learn(d, e, &t) == 0)
			n++;
	}
	return n;
}
