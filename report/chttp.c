/*
 * chttp: ClickHouse's HTTP interface through libcurl.
 *
 * One curl easy handle per struct chttp, reused so that keep-alive saves a
 * connection per query.  Response bodies go to the caller's sink while the
 * status is 200; otherwise they are collected as the error text.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chttp.h"

struct chttp {
	CURL *curl;
	char *url;    /* base, without query string */
	char *params; /* "user=..&..." or "" */
	long timeout;
	char err[512];
	/* Per request: */
	chttp_sink sink;
	void *ctx;
	struct chbuf errbody;
	int sink_failed;
};

int
chttp_buf_put(struct chbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *q;

		while (cap < b->len + n)
			cap *= 2;
		if ((q = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

void
chttp_buf_free(struct chbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int curl_ready;

struct chttp *
chttp_open(const char *url)
{
	struct chttp *c;
	const char *q;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return NULL;
		curl_ready = 1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	q = strchr(url, '?');
	c->url = q ? strndup(url, (size_t)(q - url)) : strdup(url);
	c->params = strdup(q ? q + 1 : "");
	if (c->url == NULL || c->params == NULL ||
	    (c->curl = curl_easy_init()) == NULL) {
		chttp_close(c);
		return NULL;
	}
	return c;
}

void
chttp_close(struct chttp *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->url);
	free(c->params);
	chttp_buf_free(&c->errbody);
	free(c);
}

void
chttp_timeout(struct chttp *c, long seconds)
{
	c->timeout = seconds;
}

const char *
chttp_error(const struct chttp *c)
{
	return c->err;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct chttp *c = arg;
	long status = 0;

	n *= size;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		/* Keep the start of the exception text; it says it all. */
		if (c->errbody.len < 4096 && chttp_buf_put(&c->errbody, p, n))
			return 0;
		return n;
	}
	if (c->sink != NULL && c->sink(c->ctx, (const uint8_t *)p, n) != 0) {
		c->sink_failed = 1;
		return 0;
	}
	return n;
}

/* One request: body is the query (sql given, data NULL) or the data. */
static int
request(struct chttp *c, const char *sql, const char *query_id,
	const void *data, size_t len, chttp_sink fn, void *ctx)
{
	char *url, *esc = NULL, *qid = NULL;
	struct curl_slist *hdr;
	long status = 0;
	CURLcode rc;
	size_t n;
	int ret = -1;

	if (data != NULL && (esc = curl_easy_escape(c->curl, sql, 0)) == NULL)
		goto nomem;
	if (query_id != NULL &&
	    (qid = curl_easy_escape(c->curl, query_id, 0)) == NULL)
		goto nomem;
	n = strlen(c->url) + strlen(c->params) + (esc ? strlen(esc) : 0) +
	    (qid ? strlen(qid) : 0) + 64;
	if ((url = malloc(n)) == NULL)
		goto nomem;
	snprintf(url, n, "%s?%s%s%s%s%s%s", c->url, c->params,
		 c->params[0] ? "&" : "", esc ? "query=" : "", esc ? esc : "",
		 qid ? (esc ? "&query_id=" : "query_id=") : "", qid ? qid : "");
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
	if (data != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)len);
	} else {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, sql);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)strlen(sql));
	}
	/* No "Expect: 100-continue" round trip before large bodies. */
	hdr = curl_slist_append(NULL, "Expect:");
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, c->timeout);
	c->sink = fn;
	c->ctx = ctx;
	c->sink_failed = 0;
	c->errbody.len = 0;
	rc = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	free(url);
	if (c->sink_failed)
		snprintf(c->err, sizeof(c->err),
			 "bad or unexpected response "
			 "data");
	else if (status != 200 && status != 0) {
		n = c->errbody.len < sizeof(c->err) - 1 ? c->errbody.len
							: sizeof(c->err) - 1;
		memcpy(c->err, c->errbody.p ? (char *)c->errbody.p : "", n);
		while (n > 0 && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
			n--;
		c->err[n] = '\0';
		if (n == 0)
			snprintf(c->err, sizeof(c->err), "HTTP status %ld",
				 status);
	} else if (rc != CURLE_OK)
		snprintf(c->err, sizeof(c->err), "%s", curl_easy_strerror(rc));
	else
		ret = 0;
	curl_free(esc);
	curl_free(qid);
	return ret;
nomem:
	curl_free(esc);
	snprintf(c->err, sizeof(c->err), "out of memory");
	return -1;
}

static int
to_buf(void *ctx, const uint8_t *p, size_t n)
{
	return chttp_buf_put(ctx, p, n);
}

int
chttp_query(struct chttp *c, const char *sql, struct chbuf *out)
{
	return request(c, sql, NULL, NULL, 0, out ? to_buf : NULL, out);
}

int
chttp_query_stream(struct chttp *c, const char *sql, chttp_sink fn, void *ctx)
{
	return request(c, sql, NULL, NULL, 0, fn, ctx);
}

int
chttp_insert(struct chttp *c, const char *sql, const char *query_id,
	     const void *data, size_t len)
{
	/* libcurl sends a NULL body as the query; an empty one must not be. */
	return request(c, sql, query_id, len ? data : "", len, NULL, NULL);
}

int
chttp_query_u64(struct chttp *c, const char *sql, uint64_t *v)
{
	struct chbuf b = {0};
	char *end;
	int rc = -1;

	if (chttp_query(c, sql, &b) == 0 && chttp_buf_put(&b, "", 1) == 0) {
		*v = strtoull((char *)b.p, &end, 10);
		if (end != (char *)b.p)
			rc = 0;
		else
			snprintf(c->err, sizeof(c->err), "not a number: %.60s",
				 (char *)b.p);
	}
	chttp_buf_free(&b);
	return rc;
}
