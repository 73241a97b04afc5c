/*
 * benchtime.h: the one clock of the benchmark programs: seconds on
 * CLOCK_MONOTONIC (not stepped by NTP, nanosecond resolution).
 */
#ifndef NFKIT_BENCH_BENCHTIME_H
#define NFKIT_BENCH_BENCHTIME_H

#include <time.h>

static inline double
bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

#endif
