/*
 * daemon: what both daemons do to become one: detach, pidfile, drop
 * privileges.
 */
#ifndef NFKIT_DAEMON_H
#define NFKIT_DAEMON_H

#include <sys/types.h>

/* fork, setsid, chdir /, stdio to /dev/null.  -1 on failure. */
int daemon_detach(void);
/*
 * Open (creating it with mode) and flock the regular file path, owned by
 * us, with one link, not through a symlink: the descriptor, held for as
 * long as the lock is wanted, or -1 with errno (EEXIST: another process
 * holds it).  It is the file path names once locked: a holder that
 * unlinked it in between does not leave us a lock no one else sees.
 */
int daemon_lock(const char *path, mode_t mode);
/* Unlink path if it is still fd's file, then close fd.  fd -1: nothing. */
int daemon_unlock(int fd, const char *path);
/*
 * Create and lock path, write our pid.  Fails (-1, errno EEXIST/EAGAIN)
 * if another live process holds it.  NULL or "-" = no pidfile (returns 0).
 */
int daemon_pidfile_create(const char *path);
void daemon_pidfile_remove(void);
/*
 * Drop to user (name or uid) and its primary group, after an optional
 * chroot.  Either may be NULL.  -1 with errno on failure.
 */
int daemon_privdrop(const char *user, const char *chroot_dir);

#endif
