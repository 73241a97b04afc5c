/*
 * spool: open, flush, finish and recover flow files.
 *
 * Durability order at close: the header rewrite and the end of the zlib
 * stream reach the file, the file is fsync()ed, and only then is it renamed
 * to ft- and the directory fsync()ed.  So an ft- file is always complete,
 * and a crash at any point leaves either a tmp- file (finished by recovery
 * at the next start) or a finished ft- file, never a half-finished ft-.
 *
 * The rename uses RENAME_NOREPLACE: even if someone created the ft- name
 * meanwhile, it is not replaced; the file gets a ".N" suffix instead.
 * Filesystems without that flag fall back to link() + unlink(), which also
 * refuses to replace.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filefmt.h"
#include "ipfixfile.h"
#include "retention.h"
#include "ftname.h"
#include "log.h"
#include "spool.h"
#include "zstream.h"

#define SPOOL_MAXPENDING 64 /* abandoned files remembered for retry */
#define SPOOL_MAXSUFFIX 1000
#define RECOVER_RECS 1024

struct spool {
	struct spool_config cfg;
	const struct filefmt *ff; /* what the files are */
	int fd;			  /* open file, or -1 */
	void *w;		  /* ff's writer of the open file */
	time_t start;
	int speed; /* compression speed for the open and next files */
	char dirpath[PATH_MAX]; /* directory of the open file */
	char tmppath[PATH_MAX];
	char ftpath[PATH_MAX]; /* its name once finished */
	char *pending[SPOOL_MAXPENDING];
	size_t npending;
};

struct spool *
spool_new(const struct spool_config *cfg)
{
	struct spool *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *cfg;
	s->ff = filefmt_get(cfg->fmt);
	s->fd = -1;
	/*
	 * Children of -R are not waited for: let the kernel reap them.  Set
	 * here, before spool_recover_all() can start the first of them, or
	 * the hooks run on start-up leftovers would stay zombies for good.
	 */
	if (cfg->hook != NULL) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_NOCLDWAIT;
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
	}
	return s;
}

void
spool_free(struct spool *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->w != NULL)
		s->ff->abort(s->w);
	if (s->fd != -1)
		close(s->fd);
	for (i = 0; i < s->npending; i++)
		free(s->pending[i]);
	free(s);
}

int
spool_isopen(const struct spool *s)
{
	return s->w != NULL;
}

uint64_t
spool_count(const struct spool *s)
{
	return s->w != NULL ? s->ff->count(s->w) : 0;
}

/*
 * mkdir, mode 0755, unless buf is already a directory of its own: a
 * symlink there (planted by someone who can write the spool) would send
 * our files elsewhere, so it is refused.
 */
static int
mkdir_real(const char *buf)
{
	struct stat st;

	if (mkdir(buf, 0755) == 0)
		return 0;
	if (errno != EEXIST || lstat(buf, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* mkdir -p for the nesting directories below the work directory dir. */
static int
mkdirs(const char *dir, const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + strlen(dir) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_real(buf) == -1)
			return -1;
		*p = '/';
	}
	return mkdir_real(buf);
}

/* fsync a directory so a rename in it is durable. */
static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if (fsync(fd) == -1 && errno != EINVAL)
		log_warn("fsync %s", dir);
	close(fd);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

/*
 * The path dir/prefix<rest><suffix>, where rest is a base name without its
 * "tmp-" or "ft-" prefix and suffix is ".n" for n > 0.
 */
static int
make_path(char *out, size_t len, const char *dir, const char *prefix,
	  const char *rest, unsigned n)
{
	int k;

	if (n == 0)
		k = snprintf(out, len, "%s/%s%s", dir, prefix, rest);
	else
		k = snprintf(out, len, "%s/%s%s.%u", dir, prefix, rest, n);
	return k < 0 || (size_t)k >= len ? -1 : 0;
}

/* The part of a base name after "tmp-" / "ft-" / "rec-". */
static const char *
name_rest(const char *base)
{
	const char *d = strchr(base, '-');

	return d != NULL ? d + 1 : base;
}

/*
 * Rename from to dir/<done><rest>[.n] (done: "ft-", "ipfix-") without
 * replacing anything.  The finished path is left in out.
 */
static int
rename_noreplace(const char *from, const char *dir, const char *done,
		 const char *rest, char *out, size_t len)
{
	unsigned n;

	for (n = 0; n < SPOOL_MAXSUFFIX; n++) {
		if (make_path(out, len, dir, done, rest, n) == -1) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (renameat2(AT_FDCWD, from, AT_FDCWD, out,
			      RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EEXIST)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* No RENAME_NOREPLACE here: link() refuses to replace too. */
		if (link(from, out) == 0)
			return unlink(from);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Run the -R program on a finished file, without waiting for it. */
static void
run_hook(const char *hook, const char *path)
{
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *argv[3];
	pid_t pid;
	int e;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGCHLD);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_init(&attr);
	/* The writer thread blocks every signal; the program must not. */
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	argv[0] = (char *)hook;
	argv[1] = (char *)path;
	argv[2] = NULL;
	if ((e = posix_spawnp(&pid, hook, NULL, &attr, argv, environ)) != 0) {
		errno = e;
		log_warn("-R %s %s", hook, path);
	} else
		log_debug("-R %s %s: pid %ld", hook, path, (long)pid);
	posix_spawnattr_destroy(&attr);
}

/* Remember an abandoned tmp- file for spool_retry(). */
static void
add_pending(struct spool *s, const char *path)
{
	char *p;

	if (s->npending == SPOOL_MAXPENDING || (p = strdup(path)) == NULL) {
		log_warnx("%s: left for recovery at the next start", path);
		return;
	}
	s->pending[s->npending++] = p;
}

/* Give up on the open file after a write error; it stays a tmp- file. */
static void
abandon(struct spool *s, const char *what)
{
	log_warn("%s %s; file abandoned, finished when space returns", what,
		 s->tmppath);
	s->ff->abort(s->w);
	s->w = NULL;
	close(s->fd);
	s->fd = -1;
	add_pending(s, s->tmppath);
}

int
spool_open(struct spool *s, time_t t)
{
	struct filefmt_opts o;
	char base[128], sub[64];
	unsigned n;
	int fd = -1;

	if (s->w != NULL)
		return 0;
	if (ftname_format(base, sizeof(base), "tmp", s->ff->d_version, t) ==
		-1 ||
	    ftname_nestdir(sub, sizeof(sub), s->cfg.nest, t) == -1) {
		log_warnx("cannot make a file name for time %lld",
			  (long long)t);
		return -1;
	}
	if (snprintf(s->dirpath, sizeof(s->dirpath), "%s%s%s", s->cfg.dir,
		     sub[0] != '\0' ? "/" : "",
		     sub) >= (int)sizeof(s->dirpath)) {
		log_warnx("%s/%s: path too long", s->cfg.dir, sub);
		return -1;
	}
	if (sub[0] != '\0' && mkdirs(s->cfg.dir, s->dirpath) == -1) {
		log_warn("mkdir %s (a nesting directory must be a real one)",
			 s->dirpath);
		return -1;
	}
	for (n = 0; n < SPOOL_MAXSUFFIX; n++) {
		if (make_path(s->tmppath, sizeof(s->tmppath), s->dirpath,
			      "tmp-", name_rest(base), n) == -1 ||
		    make_path(s->ftpath, sizeof(s->ftpath), s->dirpath,
			      s->ff->done, name_rest(base), n) == -1) {
			log_warnx("%s: path too long", s->dirpath);
			return -1;
		}
		if (exists(s->ftpath))
			continue;
		fd = open(s->tmppath,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0644);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		log_warn("open %s", s->tmppath);
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.byte_order = s->cfg.byte_order;
	o.zlevel = s->cfg.zlevel;
	o.cap_start = (uint32_t)t;
	o.comment = s->cfg.comment;
	if ((s->w = s->ff->open(fd, &o)) == NULL) {
		log_warn("writing header of %s", s->tmppath);
		close(fd);
		/* Nothing useful in it: a header that did not fit. */
		unlink(s->tmppath);
		return -1;
	}
	s->fd = fd;
	s->start = t;
	log_debug("opened %s", s->tmppath);
	if (s->speed != 0 && spool_speed(s, s->speed) == -1)
		return -1;
	return 0;
}

int
spool_write(struct spool *s, const struct flowrec *r, size_t n)
{
	if (s->w == NULL)
		return -1;
	if (s->ff->write(s->w, r, n) == -1) {
		int e = errno;

		abandon(s, "write");
		errno = e;
		return -1;
	}
	return 0;
}

int
spool_adaptive(const struct spool *s)
{
	return s->cfg.zlevel < 0 && s->ff->speed != NULL &&
	       zstream_deflate_choose(-1)->speed != NULL;
}

int
spool_speed(struct spool *s, int speed)
{
	s->speed = speed;
	if (s->w == NULL || s->ff->speed == NULL)
		return 0;
	if (s->ff->speed(s->w, speed) == -1) {
		int e = errno;

		abandon(s, "change of compression speed");
		errno = e;
		return -1;
	}
	return 0;
}

int
spool_flush(struct spool *s)
{
	if (s->w == NULL)
		return 0;
	if (s->ff->flush(s->w) == -1) {
		abandon(s, "flush");
		return -1;
	}
	if (fdatasync(s->fd) == -1 && errno != EINVAL)
		log_warn("fdatasync %s", s->tmppath);
	return 0;
}

/* A finished file: to expiry, and to the -R program. */
static void
finished(struct spool *s, const char *path, time_t start)
{
	struct stat st;

	if (s->cfg.retention != NULL && stat(path, &st) == 0)
		retention_add(s->cfg.retention, path, start,
			      (uint64_t)st.st_size);
	if (s->cfg.hook != NULL)
		run_hook(s->cfg.hook, path);
}

int
spool_close(struct spool *s, const struct ft_counts *cnt)
{
	char done[PATH_MAX];
	const char *base;
	uint64_t flows;

	if (s->w == NULL)
		return 0;
	flows = s->ff->count(s->w);
	if (s->ff->close(s->w, cnt) == -1) {
		s->w = NULL;
		log_warn("finishing %s", s->tmppath);
		close(s->fd);
		s->fd = -1;
		add_pending(s, s->tmppath);
		return -1;
	}
	s->w = NULL;
	if (fsync(s->fd) == -1 && errno != EINVAL) {
		log_warn("fsync %s", s->tmppath);
		close(s->fd);
		s->fd = -1;
		add_pending(s, s->tmppath);
		return -1;
	}
	close(s->fd);
	s->fd = -1;
	base = strrchr(s->tmppath, '/');
	base = base != NULL ? base + 1 : s->tmppath;
	if (rename_noreplace(s->tmppath, s->dirpath, s->ff->done,
			     name_rest(base), done, sizeof(done)) == -1) {
		log_warn("rename %s", s->tmppath);
		add_pending(s, s->tmppath);
		return -1;
	}
	sync_dir(s->dirpath);
	log_info("finished %s: %llu flows, %u lost, %u corrupt, %u resets",
		 done, (unsigned long long)flows, cnt->lost, cnt->corrupt,
		 cnt->resets);
	finished(s, done, s->start);
	return 0;
}

size_t
spool_retry(struct spool *s)
{
	size_t i = 0;

	while (i < s->npending) {
		if (spool_recover(s, s->pending[i]) == 0 ||
		    !exists(s->pending[i])) {
			free(s->pending[i]);
			s->pending[i] = s->pending[--s->npending];
		} else
			i++;
	}
	return s->npending;
}

/* Copy every readable record of in into the writer w; -1 on write error. */
static int
copy_records(struct ft_reader *in, struct ft_writer *w)
{
	struct flowrec *buf;
	long n;
	int ret = 0;

	if ((buf = malloc(RECOVER_RECS * sizeof(*buf))) == NULL)
		return -1;
	while ((n = ftr_read(in, buf, RECOVER_RECS)) > 0)
		if (ftw_write(w, buf, (size_t)n) == -1) {
			ret = -1;
			break;
		}
	if (n < 0)
		log_warnx("%s; keeping the %llu records before it",
			  ftr_error(in), (unsigned long long)ftr_count(in));
	free(buf);
	return ret;
}

/*
 * Create dir/rec-<rest of base>, the copy a recovery writes.  A rec- file
 * is always ours to replace (a copy cut short by a crash), but never to
 * write through: it may be a link someone planted.  So the name is
 * removed and a new file made that cannot be anything else.  The fd, or -1.
 */
static int
rec_create(const char *dir, const char *base, char *rec, size_t len)
{
	int fd;

	if (make_path(rec, len, dir, "rec-", name_rest(base), 0) == -1)
		return -1;
	if (unlink(rec) == -1 && errno != ENOENT) {
		log_warn("recover: removing stale %s", rec);
		return -1;
	}
	fd = open(rec, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd == -1)
		log_warn("recover: open %s", rec);
	return fd;
}

/*
 * The copy rec (written through ofd, which this closes) is complete:
 * make it durable, give it its finished name (prefix done), remove the
 * tmp- file path and hand the result on.  0, or -1 with rec removed.
 */
static int
rec_commit(struct spool *s, int ofd, const char *rec, const char *dir,
	   const char *done_prefix, const char *path, uint64_t flows,
	   time_t start)
{
	char done[PATH_MAX];
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (fsync(ofd) == -1 && errno != EINVAL) {
		log_warn("recover: fsync %s", rec);
		close(ofd);
		unlink(rec);
		return -1;
	}
	close(ofd);
	if (rename_noreplace(rec, dir, done_prefix, name_rest(base), done,
			     sizeof(done)) == -1) {
		log_warn("recover: rename %s", rec);
		unlink(rec);
		return -1;
	}
	unlink(path);
	sync_dir(dir);
	log_info("recovered %s as %s: %llu flows", path, done,
		 (unsigned long long)flows);
	finished(s, done, start);
	return 0;
}

/* Copy the readable records of the IPFIX file in ifd into ofd, finished. */
static int
recover_ipfix(struct spool *s, int ifd, int ofd, const char *path,
	      const struct stat *st, time_t start, uint64_t *flows)
{
	struct ipfix_reader *in;
	struct filefmt_opts o;
	struct ft_counts cnt;
	const struct filefmt *ff = filefmt_get(FILEFMT_IPFIX);
	const struct ipfr_stats *ps;
	struct flowrec *buf;
	void *w;
	char err[256];
	long n;
	int ret = 0;

	if ((in = ipfr_open(ifd, path, err, sizeof(err))) == NULL) {
		log_warnx("recover: %s: %s; left as it is", path, err);
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.zlevel = s->cfg.zlevel;
	o.cap_start = (uint32_t)start;
	buf = malloc(RECOVER_RECS * sizeof(*buf));
	if (buf == NULL || (w = ff->open(ofd, &o)) == NULL) {
		free(buf);
		ipfr_close(in);
		return -1;
	}
	while ((n = ipfr_read(in, buf, RECOVER_RECS)) > 0)
		if (ff->write(w, buf, (size_t)n) == -1) {
			ret = -1;
			break;
		}
	if (n < 0)
		log_warnx("%s; keeping the %llu records before it",
			  ipfr_error(in), (unsigned long long)ipfr_count(in));
	memset(&cnt, 0, sizeof(cnt));
	cnt.cap_end = (uint32_t)st->st_mtime;
	if ((ps = ipfr_stats(in)) != NULL && ps->present) {
		cnt.lost = (uint32_t)ps->lost;
		cnt.corrupt = (uint32_t)ps->corrupt;
	}
	*flows = ipfr_count(in);
	if (ret == -1)
		ff->abort(w);
	else if (ff->close(w, &cnt) == -1)
		ret = -1;
	free(buf);
	ipfr_close(in);
	return ret;
}

int
spool_recover(struct spool *s, const char *path)
{
	const struct ft_header *h;
	struct ft_reader *in = NULL;
	struct ft_writer *w = NULL;
	struct ft_wopts o;
	struct ft_counts cnt;
	struct stat st;
	char dir[PATH_MAX], rec[PATH_MAX], err[256];
	const char *base, *slash;
	uint64_t flows = 0;
	time_t start = 0;
	int ifd, ofd = -1, is_tmp;

	/*
	 * Whoever can write the spool directory can put anything under a
	 * tmp- name: a FIFO would block a plain open(), a symlink would make
	 * us copy some other file into the archive.  Only a regular file is
	 * recovered; anything else is named in the log and left alone.
	 */
	ifd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (ifd == -1) {
		if (errno == ELOOP)
			log_warnx("recover: %s is a symbolic link; skipped",
				  path);
		else
			log_warn("recover: open %s", path);
		return -1;
	}
	if (fstat(ifd, &st) == -1) {
		log_warn("recover: %s", path);
		close(ifd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("recover: %s is not a regular file; skipped", path);
		close(ifd);
		return -1;
	}
	if (st.st_size == 0) {
		/* Created but never written: nothing to save. */
		close(ifd);
		log_info("recover: %s is empty, removed", path);
		return unlink(path);
	}
	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	snprintf(dir, sizeof(dir), "%.*s",
		 slash != NULL ? (int)(slash - path) : 1,
		 slash != NULL ? path : ".");
	if (ftname_parse(base, &start, &is_tmp) == -1)
		start = 0;
	if (strncmp(base, "tmp-v10", 7) == 0) {
		/* An IPFIX file (filefmt.h). */
		if ((ofd = rec_create(dir, base, rec, sizeof(rec))) == -1) {
			close(ifd);
			return -1;
		}
		if (recover_ipfix(s, ifd, ofd, path, &st, start, &flows) ==
		    -1) {
			close(ofd);
			unlink(rec);
			close(ifd);
			return -1;
		}
		close(ifd);
		return rec_commit(s, ofd, rec, dir,
				  filefmt_get(FILEFMT_IPFIX)->done, path, flows,
				  start);
	}
	if ((in = ftr_open(ifd, path, err, sizeof(err))) == NULL) {
		log_warnx("recover: %s: %s; left as it is", path, err);
		close(ifd);
		return -1;
	}
	h = ftr_header(in);
	if ((ofd = rec_create(dir, base, rec, sizeof(rec))) == -1)
		goto fail;
	memset(&o, 0, sizeof(o));
	o.byte_order = h->byte_order;
	o.zlevel = (h->flags & FT_FLAG_COMPRESS)
		       ? (s->cfg.zlevel > 0 ? s->cfg.zlevel : -1)
		       : 0;
	o.cap_start = h->cap_start != 0 ? h->cap_start : (uint32_t)start;
	o.hostname = h->hostname;
	o.comment = h->comment[0] != '\0' ? h->comment : NULL;
	if ((w = ftw_open(ofd, &o)) == NULL) {
		log_warn("recover: header of %s", rec);
		goto fail;
	}
	if (copy_records(in, w) == -1) {
		log_warn("recover: write %s", rec);
		goto fail;
	}
	memset(&cnt, 0, sizeof(cnt));
	cnt.cap_end = (uint32_t)st.st_mtime;
	cnt.lost = h->lost;
	cnt.corrupt = h->corrupt;
	cnt.resets = h->resets;
	if (ftw_close(w, &cnt) == -1) {
		w = NULL;
		log_warn("recover: finishing %s", rec);
		goto fail;
	}
	flows = ftr_count(in);
	ftr_close(in);
	close(ifd);
	return rec_commit(s, ofd, rec, dir, "ft-", path, flows,
			  (time_t)o.cap_start);
fail:
	if (w != NULL)
		ftw_abort(w);
	if (ofd != -1) {
		close(ofd);
		unlink(rec);
	}
	ftr_close(in);
	close(ifd);
	return -1;
}

/* One entry of the recovery walk: a tmp- file recovered, a stale rec- gone. */
static int
recover_one(const char *path, const char *name, const struct stat *st,
	    void *arg)
{
	(void)st;
	if (strncmp(name, "rec-v", 5) == 0) {
		/* A copy interrupted by a crash; its tmp- is intact. */
		unlink(path);
		return 0;
	}
	return strncmp(name, "tmp-v", 5) == 0 && spool_recover(arg, path) == 0;
}

int
spool_recover_all(struct spool *s)
{
	return (int)retention_walk(s->cfg.dir, recover_one, s);
}
