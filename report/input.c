/*
 * input: finding flow files and streaming their records.
 *
 * Directory walks collect names first and sort them, so the output order
 * does not depend on readdir().  Reading is one ft_reader per file, in
 * INPUT_BLOCK-record blocks; the reader never trusts the header's count,
 * and neither do we: a finished file whose stream holds more records than
 * its header says is cut off at the header's count (so a zlib bomb costs
 * nothing), and one that holds fewer is reported.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowfile.h"
#include "ftfile.h"
#include "ftname.h"
#include "input.h"

static int
push(struct inlist *l, const char *path, int64_t start, int is_tmp)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct infile *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n].path = strdup(path)) == NULL)
		return -1;
	l->v[l->n].start_ms = start;
	l->v[l->n++].is_tmp = is_tmp;
	return 0;
}

static int
by_time(const void *a, const void *b)
{
	const struct infile *x = a, *y = b;

	if (x->start_ms != y->start_ms)
		return x->start_ms < y->start_ms ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Start time of a flow-capture name, or INT64_MIN. */
static int64_t
name_start(const char *path, int *is_tmp)
{
	const char *base = strrchr(path, '/');
	time_t t;

	*is_tmp = 0;
	base = base ? base + 1 : path;
	if (ftname_parse(base, &t, is_tmp) == -1)
		return INT64_MIN;
	return (int64_t)t * 1000;
}

/* The directories a walk has read, by device and inode. */
struct seen {
	struct {
		dev_t dev;
		ino_t ino;
	} * v;
	size_t n, cap;
};

/* 1 if (dev, ino) was seen already, else remember it: 0, or -1. */
static int
seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	size_t i;
	void *p;

	for (i = 0; i < s->n; i++)
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		if ((p = realloc(s->v, s->cap * sizeof(*s->v))) == NULL)
			return -1;
		s->v = p;
	}
	s->v[s->n].dev = dev;
	s->v[s->n].ino = ino;
	s->n++;
	return 0;
}

/*
 * A name a directory walk reads.  Only regular files under such names are
 * read: a FIFO or a device named ft- would block the read or never end.
 */
static int
is_flow_name(const char *name, int with_tmp)
{
	return strncmp(name, "ft-", 3) == 0 ||
	       strncmp(name, "ipfix-", 6) == 0 ||
	       (with_tmp && strncmp(name, "tmp-", 4) == 0);
}

static int
walk(struct inlist *l, const char *dir, int with_tmp, int depth,
     struct seen *seen)
{
	struct dirent *de;
	struct stat st;
	char *path;
	DIR *d;
	int is_tmp, ok, rc = 0;
	int64_t start;

	if (depth > 32)
		return 0;
	/*
	 * Symbolic links may make a directory reachable twice, or in a
	 * loop: read each directory once.
	 */
	if (stat(dir, &st) == 0) {
		switch (seen_add(seen, st.st_dev, st.st_ino)) {
		case 1:
			return 0;
		case -1:
			return -1;
		}
	}
	if ((d = opendir(dir)) == NULL) {
		warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) == -1) {
			rc = -1;
			break;
		}
		ok = stat(path, &st) == 0;
		if (ok && S_ISDIR(st.st_mode)) {
			if (walk(l, path, with_tmp, depth + 1, seen) == -1)
				rc = -1;
		} else if (ok && !S_ISREG(st.st_mode) &&
			   is_flow_name(de->d_name, with_tmp)) {
			warnx("%s: not a regular file; skipped", path);
		} else if (is_flow_name(de->d_name, with_tmp)) {
			start = name_start(de->d_name, &is_tmp);
			if (push(l, path, start, is_tmp) == -1)
				rc = -1;
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int
input_add(struct inlist *l, const char *path, int with_tmp)
{
	struct stat st;
	struct seen seen = {NULL, 0, 0};
	size_t first = l->n;
	int64_t start;
	int is_tmp, rc;

	if (strcmp(path, "-") == 0)
		return push(l, path, INT64_MIN, 0);
	if (stat(path, &st) == -1) {
		warn("%s", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		start = name_start(path, &is_tmp);
		return push(l, path, start, is_tmp);
	}
	rc = walk(l, path, with_tmp, 0, &seen);
	free(seen.v);
	if (rc == -1)
		return -1;
	/* An empty directory adds nothing (and l->v may still be NULL). */
	if (l->n > first)
		qsort(l->v + first, l->n - first, sizeof(*l->v), by_time);
	return 0;
}

void
input_free(struct inlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Keep the records whose end time is in the window. */
static size_t
in_window(const struct window *w, struct flowrec *r, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (r[i].last_ms >= w->start && r[i].last_ms < w->end) {
			if (k != i)
				r[k] = r[i];
			k++;
		}
	return k;
}

static int
window_open(const struct window *w)
{
	return w->start == INT64_MIN && w->end == INT64_MAX;
}

static int
sub_slack_lt(int64_t t, int64_t limit)
{
	return limit != INT64_MIN && t < limit - INPUT_SLACK_MS;
}

static int
add_slack_gt(int64_t t, int64_t limit)
{
	return limit != INT64_MAX && t > limit + INPUT_SLACK_MS;
}

int
input_overlaps(const struct input_span *s, const struct window *w)
{
	if (s->name_ms != INT64_MIN && add_slack_gt(s->name_ms, w->end))
		return 0;
	if (s->end_ms != 0 && sub_slack_lt(s->end_ms, w->start))
		return 0;
	return s->start_ms == 0 || !add_slack_gt(s->start_ms, w->end);
}

/*
 * A closed capture file cannot hold flows that ended after it closed, nor
 * (give or take the slack) before it opened.  A streamed file's times are
 * those of the copy, so they prove nothing.  h is NULL for IPFIX.
 */
static void
header_span(const struct ft_header *h, int64_t name_ms, struct input_span *s)
{
	s->name_ms = name_ms;
	s->start_ms = s->end_ms = 0;
	if (h == NULL || (h->flags & FT_FLAG_STREAMING))
		return;
	if ((h->flags & FT_FLAG_DONE) && h->cap_end != 0)
		s->end_ms = (int64_t)h->cap_end * 1000;
	s->start_ms = (int64_t)h->cap_start * 1000;
}

/*
 * Open a tmp- file that is gone: nfcollectd finishes a file by renaming it
 * to ft- or ipfix- in the same directory, and may have done so between the
 * walk and now.  The finished file holds every flow of the open one.
 */
static int
open_finished(const char *path, char *done, size_t cap)
{
	static const char *const prefix[] = {"ipfix-", "ft-"};
	const char *base = strrchr(path, '/');
	size_t i;
	int fd, dirlen, k;

	base = base != NULL ? base + 1 : path;
	dirlen = (int)(base - path);
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		k = snprintf(done, cap, "%.*s%s%s", dirlen, path, prefix[i],
			     base + 4);
		if (k > 0 && (size_t)k < cap &&
		    (fd = open(done, O_RDONLY)) != -1)
			return fd;
	}
	errno = ENOENT;
	return -1;
}

enum input_result
input_read(const struct infile *f, const struct window *w, struct flowrec *buf,
	   input_fn fn, void *ctx, struct input_span *sp)
{
	const char *name = strcmp(f->path, "-") == 0 ? "(stdin)" : f->path;
	char done[PATH_MAX];
	const struct ft_header *h;
	const struct ipfr_stats *ist;
	struct input_span own = {0, 0, 0}, *span = sp != NULL ? sp : &own;
	enum input_result res = IN_OK;
	struct stat st;
	struct flowfile *r;
	char err[512];
	uint64_t limit = UINT64_MAX, got = 0;
	int fd, trusted = 0;
	long n;

	span->name_ms = f->start_ms;
	span->start_ms = span->end_ms = 0;
	if (!input_overlaps(span, w))
		return IN_SKIPPED;
	fd = strcmp(f->path, "-") == 0 ? 0 : open(f->path, O_RDONLY);
	if (fd == -1 && errno == ENOENT && f->is_tmp) {
		if ((fd = open_finished(f->path, done, sizeof(done))) != -1)
			name = done;
	}
	if (fd == -1) {
		warn("%s", name);
		return IN_DAMAGED;
	}
	/*
	 * An open tmp- file is read up to its last flush.  nfcollectd creates
	 * it at rotation and writes nothing until its first flush (-F, 10 s):
	 * an empty one holds no flows yet, which is not damage.
	 */
	if (f->is_tmp && fd != 0 && fstat(fd, &st) == 0 && st.st_size == 0) {
		close(fd);
		return IN_OK;
	}
	if ((r = flowfile_open(fd, name, err, sizeof(err))) == NULL) {
		warnx("%s", err);
		if (fd != 0)
			close(fd);
		return IN_DAMAGED;
	}
	h = flowfile_ft_header(r);
	header_span(h, f->start_ms, span);
	if (!input_overlaps(span, w))
		res = IN_SKIPPED;
	/* Only a finished, non-streamed file's flow count means anything. */
	if (h != NULL)
		trusted = h->stream_version == 3 && (h->flags & FT_FLAG_DONE) &&
			  !(h->flags & FT_FLAG_STREAMING) &&
			  (h->tlv_seen & (1u << 0x0A));
	if (trusted)
		limit = ftr_count_max(h);
	while (res == IN_OK && (n = flowfile_read(r, buf, INPUT_BLOCK)) != 0) {
		size_t k;

		if (n < 0) {
			warnx("%s", flowfile_error(r));
			res = IN_DAMAGED;
			break;
		}
		/* Only a trusted (flow-tools) header sets a limit. */
		if (h != NULL && (uint64_t)n > limit - got) {
			warnx("%s: the stream holds more records than the "
			      "header's %lu; using the first %lu",
			      name, (unsigned long)h->flows,
			      (unsigned long)h->flows);
			n = (long)(limit - got);
			res = IN_DAMAGED;
		}
		got += (uint64_t)n;
		k = window_open(w) ? (size_t)n : in_window(w, buf, (size_t)n);
		if (k > 0 && fn(ctx, buf, k) != 0 && res == IN_OK)
			res = IN_STOPPED;
	}
	/* The loop never passes limit; fewer than the header says is damage. */
	if (res == IN_OK && trusted && got < h->flows) {
		warnx("%s: the header says %lu flows but the stream holds "
		      "%llu",
		      name, (unsigned long)h->flows, (unsigned long long)got);
		res = IN_DAMAGED;
	}
	ist = flowfile_ipfix_stats(r);
	if (res == IN_OK && ist != NULL && ist->present && ist->flows != got) {
		warnx("%s: the statistics record says %llu flows but the "
		      "file holds %llu",
		      name, (unsigned long long)ist->flows,
		      (unsigned long long)got);
		res = IN_DAMAGED;
	}
	flowfile_close(r);
	if (fd != 0)
		close(fd);
	return res;
}

int
input_marker(const char *path, int64_t name_ms, char *out, size_t cap,
	     struct input_span *span)
{
	struct ft_reader *r;
	char err[256];
	int fd;

	out[0] = '\0';
	header_span(NULL, name_ms, span);
	if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY)) == -1)
		return -1;
	if ((r = ftr_open(fd, path, err, sizeof(err))) != NULL) {
		const struct ft_header *h = ftr_header(r);

		snprintf(out, cap, "%s%s%s", h->hostname,
			 h->comment[0] ? ": " : "", h->comment);
		header_span(h, name_ms, span);
		ftr_close(r);
	}
	close(fd);
	return r != NULL ? 0 : -1;
}

int
input_capture(const char *path, char *out, size_t cap)
{
	struct input_span span;

	return input_marker(path, INT64_MIN, out, cap, &span);
}
