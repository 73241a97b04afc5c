/*
 * daemon: what both daemons do to become one: detach, pidfile, drop
 * privileges.
 */
#ifndef NFKIT_DAEMON_H
#define NFKIT_DAEMON_H

/* fork, setsid, chdir /, stdio to /dev/null.  -1 on failure. */
int daemon_detach(void);
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
