/*
 * tm: run a command and report its wall time, CPU time and peak resident
 * memory, for the benchmark harness (tests/bench/run.sh).
 *
 * Usage: tm OUTFILE command [args...]
 * Writes one line to OUTFILE: "wall_s user_s sys_s maxrss_kb status", where
 * wall_s comes from CLOCK_MONOTONIC (ns resolution, unlike time(1)'s 10 ms)
 * and maxrss_kb is the child's ru_maxrss from wait4(2), i.e. its VmHWM.
 * The command's stdin, stdout and stderr are inherited; tm exits with the
 * command's exit status (128 + signal if it was killed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchtime.h"

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	FILE *out;
	pid_t pid;
	int st, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: tm outfile command [args ...]\n");
		return 2;
	}
	t0 = bench_now();
	if ((pid = fork()) == -1) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) == -1) {
		perror("wait4");
		return 2;
	}
	t1 = bench_now();
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	fprintf(out, "%.6f %.6f %.6f %ld %d\n", t1 - t0,
		ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6, ru.ru_maxrss,
		rc);
	fclose(out);
	return rc;
}
