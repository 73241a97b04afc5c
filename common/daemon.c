/*
 * daemon: detach from the terminal, hold a pidfile, drop privileges.
 *
 * The pidfile is locked with flock(2) and the descriptor stays open for
 * the life of the process, so "is another daemon running?" is answered by
 * the kernel rather than by reading a pid that may be stale: a pidfile left
 * behind by a crash is simply taken over.  Call daemon_pidfile_create() after
 * daemon_detach(), so the pid written is the one that keeps running.
 *
 * daemon_lock() is that lock alone, for any file: nfsensord holds one on
 * its control socket's path.lock, so that two daemons starting at once
 * cannot both take the socket.
 *
 * A daemon started as root must not be turned against other files through
 * its -p path: the pidfile is opened without following a symlink and
 * without blocking on a FIFO, and it is used only if it is a regular file
 * with one link, owned by the user we run as.  Anything else is refused.
 *
 * daemon_privdrop() looks the user up before any chroot (the password
 * database is outside it), sets groups, then gid, then uid, and finally
 * checks that root cannot be regained.  After either, the pidfile's
 * directory may be out of reach (not writable by the new user, or outside
 * the jail, where the same path names some other file), so
 * daemon_pidfile_remove() no longer unlinks: it empties the file through
 * the descriptor it holds.  The lock still tells whether a daemon runs; an
 * empty file is simply taken over.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "parse.h"

static char *pidfile_path;
static int pidfile_fd = -1;
static pid_t pidfile_owner;	/* the process that created it */
static int pidfile_unreachable; /* daemon_privdrop() changed user or root */

/*
 * A child forked after daemon_pidfile_create() inherits these variables
 * but does not own the pidfile: forget them there, so that the child
 * neither unlinks its parent's file on exit nor thinks it already holds
 * one.  Closing the
 * inherited descriptor does not release the parent's lock.
 */
static void
pidfile_forget_inherited(void)
{
	if (pidfile_fd == -1 || pidfile_owner == getpid())
		return;
	close(pidfile_fd);
	pidfile_fd = -1;
	free(pidfile_path);
	pidfile_path = NULL;
}

int
daemon_detach(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		return -1;
	/* A second fork: no longer a session leader, no controlling tty. */
	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (chdir("/") == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		if (fd > STDERR_FILENO)
			close(fd);
		return -1;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* Says why st is not a lock file we may use, or 0 if it is one. */
static int
lock_refuse(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		log_warnx("%s is not a regular file; refusing to use it", path);
	else if (st->st_uid != geteuid())
		log_warnx("%s belongs to uid %lu, not to us (uid %lu); "
			  "refusing to use it",
			  path, (unsigned long)st->st_uid,
			  (unsigned long)geteuid());
	else if (st->st_nlink != 1)
		log_warnx("%s has %lu hard links; refusing to use it", path,
			  (unsigned long)st->st_nlink);
	else
		return 0;
	return 1;
}

int
daemon_lock(const char *path, mode_t mode)
{
	struct stat st, now;
	int fd, saved;

	for (;;) {
		fd =
		    open(path,
			 O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
			 mode);
		if (fd == -1) {
			if (errno == ELOOP)
				log_warnx("%s is a symbolic link; refusing to "
					  "follow it",
					  path);
			return -1;
		}
		if (fstat(fd, &st) == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (lock_refuse(path, &st)) {
			close(fd);
			errno = S_ISREG(st.st_mode) ? EPERM : EINVAL;
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			saved = errno == EWOULDBLOCK ? EEXIST : errno;
			close(fd);
			errno = saved;
			return -1;
		}
		/*
		 * The holder before us unlinks the file while still holding
		 * it, and may have done so between our open() and our
		 * flock(): then our lock is on a file no newcomer opens.  Each
		 * pass here means another process removed the file.
		 */
		if (lstat(path, &now) == 0 && now.st_dev == st.st_dev &&
		    now.st_ino == st.st_ino)
			return fd;
		close(fd);
	}
}

int
daemon_unlock(int fd, const char *path)
{
	struct stat st, now;

	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == 0 && lstat(path, &now) == 0 &&
	    now.st_dev == st.st_dev && now.st_ino == st.st_ino)
		unlink(path);
	return close(fd);
}

int
daemon_pidfile_create(const char *path)
{
	char buf[32];
	int fd, n, saved;

	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	pidfile_forget_inherited();
	if (pidfile_fd != -1) {
		errno = EBUSY; /* one pidfile per process */
		return -1;
	}
	if ((fd = daemon_lock(path, 0644)) == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || write(fd, buf, (size_t)n) != n)
		goto fail;
	if ((pidfile_path = strdup(path)) == NULL)
		goto fail;
	pidfile_fd = fd;
	pidfile_owner = getpid();
	return 0;
fail:
	saved = errno != 0 ? errno : EIO;
	close(fd);
	errno = saved;
	return -1;
}

void
daemon_pidfile_remove(void)
{
	int saved = errno;

	pidfile_forget_inherited();
	if (pidfile_fd == -1)
		return;
	/*
	 * Unlink while still locked: a newcomer that opened the old file
	 * before and locks it after sees it is gone (daemon_lock) and takes
	 * the path anew.  After daemon_privdrop() the path may be out of
	 * reach or name another file, so only empty the file we hold.
	 */
	if (pidfile_unreachable) {
		if (ftruncate(pidfile_fd, 0) == -1)
			log_warn("pidfile %s: cannot empty it", pidfile_path);
	} else if (pidfile_path != NULL)
		unlink(pidfile_path);
	close(pidfile_fd);
	pidfile_fd = -1;
	free(pidfile_path);
	pidfile_path = NULL;
	errno = saved;
}

/*
 * Finds the target user: a name from the password database, or a number,
 * which is looked up too and, if unknown, used with the same group id.
 */
static int
lookup_user(const char *user, uid_t *uid, gid_t *gid, char *name, size_t cap)
{
	struct passwd *pw;
	uint64_t n;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL &&
	    parse_u64(user, 0, (uid_t)-2, &n) == 0) {
		pw = getpwuid((uid_t)n);
		if (pw == NULL) {
			*uid = (uid_t)n;
			*gid = (gid_t)n;
			name[0] = '\0';
			return 0;
		}
	}
	if (pw == NULL) {
		if (errno == 0)
			errno = ENOENT;
		return -1;
	}
	if (strlen(pw->pw_name) >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	strcpy(name, pw->pw_name);
	return 0;
}

int
daemon_privdrop(const char *user, const char *chroot_dir)
{
	char name[256];
	uid_t uid = 0;
	gid_t gid = 0;

	if (user != NULL &&
	    lookup_user(user, &uid, &gid, name, sizeof(name)) == -1)
		return -1;
	if (chroot_dir != NULL) {
		if (chroot(chroot_dir) == -1 || chdir("/") == -1)
			return -1;
		pidfile_unreachable = 1;
	}
	if (user == NULL)
		return 0;
	pidfile_unreachable = 1;
	if (getuid() == uid && geteuid() == uid && getgid() == gid &&
	    getegid() == gid && uid != 0)
		return 0; /* already that user; setgroups would fail */
	if (name[0] != '\0') {
		if (initgroups(name, gid) == -1)
			return -1;
	} else if (setgroups(1, &gid) == -1)
		return -1;
	if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1)
		return -1;
	/* Dropping to a non-root user must be final. */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
