/*
 * dirwatch: inotify on the loader's directories (see dirwatch.h).
 *
 * Each watched directory keeps its path (by watch descriptor) so that a
 * subdirectory created in it can be watched in turn.  Events are only a
 * reason to scan: which files are new is decided by the scan, so a lost
 * or extra event costs at most one scan, never a file.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "dirwatch.h"
#include "log.h"

#define MAXDEPTH 32 /* as deep as input.c's walk goes */
#define SLICE_MS 100

struct watched {
	int wd;
	char *path;
};

struct dirwatch {
	int fd; /* inotify; -1: only sleep */
	struct watched *w;
	size_t n, cap;
	int refused; /* a watch was refused (said once) */
};

#ifdef __linux__
#define MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR)

static void
remember(struct dirwatch *dw, int wd, const char *path)
{
	struct watched *w;
	size_t i;

	for (i = 0; i < dw->n; i++)
		if (dw->w[i].wd == wd)
			return; /* the same directory again */
	if (dw->n == dw->cap) {
		dw->cap = dw->cap ? dw->cap * 2 : 16;
		if ((w = realloc(dw->w, dw->cap * sizeof(*w))) == NULL)
			log_fatalx("out of memory");
		dw->w = w;
	}
	if ((dw->w[dw->n].path = strdup(path)) == NULL)
		log_fatalx("out of memory");
	dw->w[dw->n++].wd = wd;
}

/* Watch dir and the directories below it. */
static void
add_tree(struct dirwatch *dw, const char *dir, int depth)
{
	char path[4096];
	struct dirent *e;
	DIR *d;
	int wd;

	if (depth > MAXDEPTH)
		return;
	if ((wd = inotify_add_watch(dw->fd, dir, MASK)) == -1) {
		/* A file given as a path is not watched, nor needs to be. */
		if (errno != ENOTDIR && errno != ENOENT && !dw->refused) {
			log_warn("cannot watch %s (scanned every -i seconds)",
				 dir);
			dw->refused = 1;
		}
		return;
	}
	remember(dw, wd, dir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) < sizeof(path))
			add_tree(dw, path, depth + 1);
	}
	closedir(d);
}

static const char *
path_of(const struct dirwatch *dw, int wd)
{
	size_t i;

	for (i = 0; i < dw->n; i++)
		if (dw->w[i].wd == wd)
			return dw->w[i].path;
	return NULL;
}

static void
forget(struct dirwatch *dw, int wd)
{
	size_t i;

	for (i = 0; i < dw->n; i++)
		if (dw->w[i].wd == wd) {
			free(dw->w[i].path);
			dw->w[i] = dw->w[--dw->n];
			return;
		}
}

/* Read the queued events; 1 if one of them may be a finished file. */
static int
drain(struct dirwatch *dw)
{
	char buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[4096];
	const struct inotify_event *ev;
	const char *dir;
	ssize_t len;
	size_t off;
	int wake = 0;

	while ((len = read(dw->fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off + sizeof(*ev) <= (size_t)len;
		     off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)(buf + off);
			if (ev->mask & IN_Q_OVERFLOW) {
				wake = 1;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				forget(dw, ev->wd);
				continue;
			}
			if (ev->mask & IN_ISDIR) {
				/* New below us: watch it, scan what it has. */
				if ((dir = path_of(dw, ev->wd)) != NULL &&
				    ev->len > 0 &&
				    (size_t)snprintf(path, sizeof(path),
						     "%s/%s", dir,
						     ev->name) < sizeof(path))
					add_tree(dw, path, 1);
				wake = 1;
				continue;
			}
			/* Files being written (tmp-*) or created: not yet. */
			if ((ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) &&
			    !(ev->len > 0 && strncmp(ev->name, "tmp-", 4) == 0))
				wake = 1;
		}
	}
	return wake;
}
#endif

struct dirwatch *
dirwatch_new(char *const *paths, int n)
{
	struct dirwatch *dw = calloc(1, sizeof(*dw));
	int i;

	if (dw == NULL)
		return NULL;
	dw->fd = -1;
#ifdef __linux__
	if ((dw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("inotify (scanning every -i seconds only)");
		return dw;
	}
	for (i = 0; i < n; i++)
		add_tree(dw, paths[i], 0);
#else
	(void)paths;
	(void)n;
	(void)i;
#endif
	return dw;
}

void
dirwatch_free(struct dirwatch *dw)
{
	size_t i;

	if (dw == NULL)
		return;
	if (dw->fd != -1)
		close(dw->fd);
	for (i = 0; i < dw->n; i++)
		free(dw->w[i].path);
	free(dw->w);
	free(dw);
}

int
dirwatch_active(const struct dirwatch *dw)
{
	return dw->fd != -1 && dw->n > 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
dirwatch_wait(struct dirwatch *dw, unsigned secs,
	      const volatile sig_atomic_t *quit)
{
	int64_t end = now_ms() + (int64_t)secs * 1000, left;
	struct timespec ts = {0, SLICE_MS * 1000000L};
	struct pollfd p;

	while (!*quit && (left = end - now_ms()) > 0) {
		if (dw->fd == -1) {
			nanosleep(&ts, NULL);
			continue;
		}
		p.fd = dw->fd;
		p.events = POLLIN;
		p.revents = 0;
#ifdef __linux__
		if (poll(&p, 1, left < SLICE_MS ? (int)left : SLICE_MS) > 0 &&
		    drain(dw))
			return 1;
#endif
	}
	return 0;
}
