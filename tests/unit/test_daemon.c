/*
 * Unit tests for common/daemon.c: the pidfile lock (a second holder is
 * refused with EEXIST, a stale file is taken over, removal unlinks), the
 * lock file under it (daemon_lock, daemon_unlock) and
 * privdrop's checks.  The privilege drop itself is only exercised when the
 * test runs as root, in a child so the test process keeps its rights.
 * The temporary directory is made once per run, outside the test children.
 */
#include <check.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "textfile.h"
#include "unit.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nfkit-test-daemon.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/test.pid", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

/* Runs daemon_pidfile_create(path) in a child; returns its errno, or 0. */
static int
create_in_child(void)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		if (daemon_pidfile_create(path) == 0)
			_exit(0);
		_exit(errno > 0 && errno < 256 ? errno : 255);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_pidfile_lock)
{
	char buf[64];
	FILE *f;
	long pid = 0;

	ck_assert_int_eq(daemon_pidfile_create(path), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	pid = strtol(buf, NULL, 10);
	ck_assert_int_eq(pid, (long)getpid());

	ck_assert_int_eq(create_in_child(), EEXIST);
	/* The refused attempt must not have damaged the file. */
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	ck_assert_int_eq(strtol(buf, NULL, 10), (long)getpid());

	/* A second pidfile in the same process is refused. */
	ck_assert_int_eq(daemon_pidfile_create(path), -1);

	daemon_pidfile_remove();
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(create_in_child(), 0);
	daemon_pidfile_remove(); /* harmless when none is held */

	/* A forked child neither owns nor removes its parent's pidfile. */
	ck_assert_int_eq(daemon_pidfile_create(path), 0);
	if (fork() == 0) {
		daemon_pidfile_remove();
		_exit(0);
	}
	wait(NULL);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(create_in_child(), EEXIST);
	daemon_pidfile_remove();
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(test_pidfile_stale)
{
	FILE *f;
	char buf[64];

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("99999999 stale garbage that is longer than a pid\n", f);
	fclose(f);
	ck_assert_int_eq(daemon_pidfile_create(path), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert(fgets(buf, sizeof(buf), f) != NULL);
	ck_assert(fgets(buf + strlen(buf), 8, f) == NULL); /* one line */
	fclose(f);
	ck_assert_int_eq(strtol(buf, NULL, 10), (long)getpid());
	daemon_pidfile_remove();
}
END_TEST

/* Runs daemon_lock(path) in a child; returns its errno, or 0. */
static int
lock_in_child(void)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0)
		_exit(daemon_lock(path, 0600) != -1 ? 0
		      : errno > 0 && errno < 256    ? errno
						    : 255);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * The lock nfsensord takes on its control socket's path.lock: held, a
 * second taker gets EEXIST; daemon_unlock() removes the file only while it
 * is still the one locked, never a file put there since.
 */
START_TEST(test_lock_file)
{
	struct stat st;
	FILE *f;
	int fd;

	ck_assert_int_ge(fd = daemon_lock(path, 0600), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(lock_in_child(), EEXIST);
	ck_assert_int_eq(daemon_unlock(fd, path), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(lock_in_child(), 0);

	ck_assert_int_ge(fd = daemon_lock(path, 0600), 0);
	unlink(path);
	ck_assert_ptr_nonnull(f = fopen(path, "w")); /* someone else's now */
	fclose(f);
	ck_assert_int_eq(lock_in_child(), 0);
	ck_assert_int_eq(daemon_unlock(fd, path), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	unlink(path);
	ck_assert_int_eq(daemon_unlock(-1, path), 0);
}
END_TEST

/*
 * Finding 2 of issue 11: a pidfile path that is a symlink (to a file, or
 * dangling), a FIFO, a hard link or a file of another user is refused, and
 * the file it names is left exactly as it was.
 */
START_TEST(test_pidfile_refuses)
{
	char victim[160], fresh[160];
	struct stat st;

	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(fresh, sizeof(fresh), "%s/fresh", dir);
	write_file(victim, "precious\n");

	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(daemon_pidfile_create(path), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_str_eq(slurp(victim), "precious\n");
	ck_assert_int_eq(unlink(path), 0);

	/* A dangling link must not create the file it names. */
	ck_assert_int_eq(symlink(fresh, path), 0);
	ck_assert_int_eq(daemon_pidfile_create(path), -1);
	ck_assert_int_eq(lstat(fresh, &st), -1);
	ck_assert_int_eq(unlink(path), 0);

	/* A hard link to another file would let us truncate that file. */
	ck_assert_int_eq(link(victim, path), 0);
	ck_assert_int_eq(daemon_pidfile_create(path), -1);
	ck_assert_str_eq(slurp(victim), "precious\n");
	ck_assert_int_eq(unlink(path), 0);

	/* A FIFO is refused at once, without blocking. */
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	alarm(10);
	ck_assert_int_eq(daemon_pidfile_create(path), -1);
	alarm(0);
	ck_assert_int_eq(unlink(path), 0);

	/* A file that belongs to someone else is not ours to rewrite. */
	write_file(path, "4242\n");
	ck_assert_int_eq(chown(path, geteuid() + 1, getegid()), 0);
	ck_assert_int_eq(daemon_pidfile_create(path), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_str_eq(slurp(path), "4242\n");
	ck_assert_int_eq(unlink(path), 0);
	unlink(victim);
}
END_TEST

/* In a child: create the pidfile, drop to user and/or jail, remove it. */
static void
create_drop_remove(const char *user, const char *jail)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		if (daemon_pidfile_create(path) == -1 ||
		    daemon_privdrop(user, jail) == -1)
			_exit(1);
		daemon_pidfile_remove();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Finding 10 of issue 11: after a privilege drop (-u) or a chroot (-j) the
 * daemon can no longer unlink its pidfile, and inside a jail the path names
 * another file.  daemon_pidfile_remove() then empties the file through the
 * descriptor it still holds, and unlinks nothing.
 */
START_TEST(test_pidfile_after_privdrop)
{
	char jail[160], decoy[320], cmd[320];

	if (getuid() != 0)
		return; /* needs root to chroot and drop */
	/* The jail holds a file at the pidfile's own path. */
	snprintf(jail, sizeof(jail), "%s/jail", dir);
	snprintf(decoy, sizeof(decoy), "%s%s", jail, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s%s", jail, dir);
	ck_assert_int_eq(system(cmd), 0);
	write_file(decoy, "not the pidfile\n");
	create_drop_remove(NULL, jail);
	ck_assert_str_eq(slurp(decoy), "not the pidfile\n");
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_str_eq(slurp(path), "");
	unlink(path);

	if (getpwnam("nobody") != NULL) {
		create_drop_remove("nobody", NULL);
		ck_assert_str_eq(slurp(path), "");
		unlink(path);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", jail);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_pidfile_none)
{
	ck_assert_int_eq(daemon_pidfile_create(NULL), 0);
	ck_assert_int_eq(daemon_pidfile_create("-"), 0);
	daemon_pidfile_remove();
	ck_assert_int_eq(daemon_pidfile_create("/nonexistent-dir/x.pid"), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_privdrop_noop)
{
	char me[32];

	ck_assert_int_eq(daemon_privdrop(NULL, NULL), 0);
	ck_assert_int_eq(daemon_privdrop("no-such-user-nfkit", NULL), -1);
	if (getuid() != 0) {
		snprintf(me, sizeof(me), "%u", (unsigned)getuid());
		ck_assert_int_eq(daemon_privdrop(me, NULL), 0);
	}
}
END_TEST

START_TEST(test_privdrop_root)
{
	struct passwd *pw;
	pid_t pid;
	int status, step;

	if (getuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		printf("skipped: not root or no user nobody\n");
		return;
	}
	/*
	 * The drop happens in a child that leaves with _exit(): after the
	 * chroot there is no /proc, which LeakSanitizer's exit check needs.
	 * The exit code names the first step that went wrong.
	 */
	if ((pid = fork()) == 0) {
		step = 1;
		if (daemon_privdrop("nobody", dir) != 0)
			_exit(step);
		step++;
		if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid)
			_exit(step);
		step++;
		if (getgid() != pw->pw_gid || getegid() != pw->pw_gid)
			_exit(step);
		step++;
		if (setuid(0) != -1 || seteuid(0) != -1)
			_exit(step);
		step++;
		/* Inside the (empty) chroot there is no /etc/passwd. */
		if (access("/etc/passwd", F_OK) != -1)
			_exit(step);
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/*
 * The detached grandchild reports, through a file, whether it left the
 * session, moved to / and has /dev/null as stdin/stdout.
 */
START_TEST(test_detach)
{
	char report[160], part[170], buf[160];
	struct stat st0, st1, stn;
	pid_t pid;
	FILE *f;
	int i, status;

	snprintf(report, sizeof(report), "%s/detach.txt", dir);
	snprintf(part, sizeof(part), "%s.part", report);
	if ((pid = fork()) == 0) {
		pid_t oldsid = getsid(0);

		if (daemon_detach() == -1)
			_exit(1);
		f = fopen(part, "w");
		if (f == NULL)
			_exit(1);
		fstat(0, &st0);
		fstat(1, &st1);
		stat("/dev/null", &stn);
		if (getcwd(buf, sizeof(buf)) == NULL)
			strcpy(buf, "?");
		fprintf(f, "%d %d %d %d %s\n", getsid(0) != oldsid,
			getsid(0) != getpid(),
			st0.st_rdev == stn.st_rdev && S_ISCHR(st0.st_mode),
			st1.st_rdev == stn.st_rdev, buf);
		fclose(f);
		rename(part, report); /* appears complete or not at all */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (i = 0; i < 200 && access(report, F_OK) == -1; i++)
		usleep(10000);
	ck_assert_ptr_nonnull(f = fopen(report, "r"));
	ck_assert(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	unlink(report);
	ck_assert_str_eq(buf, "1 1 1 1 /\n");
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = unit_case(
	    s, "core", 0,
	    UNIT_TESTS(test_pidfile_lock, test_lock_file, test_pidfile_stale,
		       test_pidfile_none, test_pidfile_refuses,
		       test_pidfile_after_privdrop, test_privdrop_noop,
		       test_detach, test_privdrop_root));

	tcase_add_unchecked_fixture(tc, setup, teardown);
	return s;
}

UNIT_MAIN(daemon_suite)
