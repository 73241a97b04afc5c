/*
 * retention: a list of finished files, oldest first, trimmed to the limits.
 *
 * Files normally arrive in time order, so retention_add() appends and only
 * sorts when an older file shows up (recovered leftovers); the scan at start
 * sorts once.  Removal takes from the front; the array is compacted then.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "retention.h"
#include "ftfile.h"
#include "ftname.h"
#include "log.h"

struct efile {
	char *path;
	time_t start;
	uint64_t size;
};

struct retention {
	uint64_t maxbytes, maxfiles;
	struct efile *files;
	size_t n, cap;
	uint64_t bytes; /* sum of sizes */
};

struct retention *
retention_new(uint64_t maxbytes, uint64_t maxfiles)
{
	struct retention *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->maxbytes = maxbytes;
	e->maxfiles = maxfiles;
	return e;
}

void
retention_free(struct retention *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		free(e->files[i].path);
	free(e->files);
	free(e);
}

static int
cmp_start(const void *a, const void *b)
{
	const struct efile *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->path, y->path);
}

void
retention_add(struct retention *e, const char *path, time_t start,
	      uint64_t size)
{
	struct efile *f;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 256;

		if ((f = reallocarray(e->files, cap, sizeof(*f))) == NULL) {
			log_warn("expire: %s not tracked", path);
			return;
		}
		e->files = f;
		e->cap = cap;
	}
	f = &e->files[e->n];
	if ((f->path = strdup(path)) == NULL)
		return;
	f->start = start;
	f->size = size;
	e->n++;
	e->bytes += size;
	if (e->n > 1 && cmp_start(&e->files[e->n - 2], f) > 0)
		qsort(e->files, e->n, sizeof(*f), cmp_start);
}

/*
 * The start time named by a finished file's base name, allowing the ".N"
 * suffix the collector adds to avoid clobbering.  -1 if it is not one.
 */
static int
finished_start(const char *base, time_t *start)
{
	char buf[NAME_MAX + 1];
	char *dot;
	int is_tmp;

	if (strncmp(base, "ft-v", 4) != 0 && strncmp(base, "ipfix-v", 7) != 0)
		return -1;
	snprintf(buf, sizeof(buf), "%s", base);
	if (ftname_parse(buf, start, &is_tmp) == 0)
		return 0;
	if ((dot = strrchr(buf, '.')) == NULL || dot[1] == '\0' ||
	    strspn(dot + 1, "0123456789") != strlen(dot + 1))
		return -1;
	*dot = '\0';
	return ftname_parse(buf, start, &is_tmp);
}

static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/*
 * The flow-tools magic at the start of the file, or for an ipfix- file
 * the start of a zlib stream or of an uncompressed IPFIX message (version
 * 10): retention removes only what looks like the collector's own file.
 */
static int
has_magic(const char *path)
{
	unsigned char m[2];
	int fd, ok;

	/* scan_one() saw a regular file; it may have been swapped since. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1)
		return 0;
	ok = read(fd, m, 2) == 2 &&
	     ((m[0] == FT_MAGIC1 && m[1] == FT_MAGIC2) ||
	      (strncmp(base_of(path), "ipfix-v", 7) == 0 &&
	       (m[0] == 0x78 || (m[0] == 0 && m[1] == 10))));
	close(fd);
	return ok;
}

static size_t
walk(const char *dir, int depth, retention_visit *fn, void *arg)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	DIR *d;

	if (depth > 4 || (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
			(int)sizeof(path) ||
		    lstat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			n += walk(path, depth + 1, fn, arg);
		else
			n += (size_t)fn(path, de->d_name, &st, arg);
	}
	closedir(d);
	return n;
}

size_t
retention_walk(const char *dir, retention_visit *fn, void *arg)
{
	return walk(dir, 0, fn, arg);
}

/* A finished file of ours goes on the list. */
static int
scan_one(const char *path, const char *name, const struct stat *st, void *arg)
{
	time_t start;

	if (!S_ISREG(st->st_mode) || finished_start(name, &start) != 0 ||
	    !has_magic(path))
		return 0;
	retention_add(arg, path, start, (uint64_t)st->st_size);
	return 1;
}

size_t
retention_scan(struct retention *e, const char *dir)
{
	return retention_walk(dir, scan_one, e);
}

/* Are the limits exceeded with the first k files already removed? */
static int
over(const struct retention *e, size_t k, uint64_t extra)
{
	if (e->maxbytes != 0 && e->bytes + extra > e->maxbytes)
		return 1;
	return e->maxfiles != 0 && e->n - k > e->maxfiles;
}

size_t
retention_run(struct retention *e, uint64_t extra)
{
	size_t k = 0;

	while (k < e->n && over(e, k, extra)) {
		struct efile *f = &e->files[k];

		if (unlink(f->path) == -1 && errno != ENOENT)
			log_warn("expire: unlink %s", f->path);
		else
			log_info("expired %s (%llu bytes)", f->path,
				 (unsigned long long)f->size);
		e->bytes -= f->size;
		free(f->path);
		k++;
	}
	if (k > 0) {
		memmove(e->files, e->files + k, (e->n - k) * sizeof(*e->files));
		e->n -= k;
	}
	return k;
}

size_t
retention_files(const struct retention *e)
{
	return e->n;
}

uint64_t
retention_bytes(const struct retention *e)
{
	return e->bytes;
}
