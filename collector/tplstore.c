/*
 * tplstore: save and load the template cache (see tplstore.h).
 *
 * Saving writes <name>.new with O_CREAT|O_EXCL|O_NOFOLLOW after removing
 * a stale one (ours: a save cut short), fsyncs it and renames it over
 * <name>; rename() replaces a symlink planted under <name> rather than
 * writing through it.  Loading reads at most TPLSTORE_MAX bytes of a
 * regular file and hands them to ipfixdec_load(), which checks every
 * template as if it came from the wire.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipfixdec.h"
#include "log.h"
#include "tplstore.h"

int
tplstore_load(struct ipfixdec *dec, const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	uint8_t *buf;
	ssize_t k;
	size_t off = 0;
	int fd, n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, TPLSTORE_NAME) >=
	    (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("templates: %s (not loaded)", path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TPLSTORE_MAX) {
		log_warnx("templates: %s is not a regular file of at most %d "
			  "bytes; not loaded",
			  path, TPLSTORE_MAX);
		close(fd);
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (off < (size_t)st.st_size &&
	       (k = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)k;
	close(fd);
	n = ipfixdec_load(dec, buf, off);
	free(buf);
	if (n < 0)
		log_warnx("templates: %s is damaged; templates will be learnt "
			  "from the exporters again",
			  path);
	else
		log_info("templates: %d loaded from %s", n, path);
	return n;
}

int
tplstore_save(const struct ipfixdec *dec, const char *dir)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	uint8_t *buf;
	size_t len, off = 0;
	ssize_t k;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, TPLSTORE_NAME) >=
		(int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return -1;
	if ((buf = ipfixdec_save(dec, &len)) == NULL) {
		log_warnx("templates: out of memory; not saved");
		return -1;
	}
	if (unlink(tmp) == -1 && errno != ENOENT)
		log_warn("templates: removing stale %s", tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd == -1) {
		log_warn("templates: %s", tmp);
		free(buf);
		return -1;
	}
	while (off < len && (k = write(fd, buf + off, len - off)) > 0)
		off += (size_t)k;
	free(buf);
	if (off != len || fsync(fd) == -1) {
		log_warn("templates: writing %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		log_warn("templates: rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
}
