/*
 * rotate: when files are rotated.
 *
 * flow-capture's -n N means N + 1 files a day: boundaries at local midnight
 * plus k * 86400 / (N + 1) seconds.  N ranges over 0..1439 (one file a day
 * to one a minute).  For tests only, the environment variable
 * NFCOLLECTD_TEST_ROTATE_SECONDS replaces the interval by that many seconds
 * (1..86400), still counted from local midnight, so a rotation test need
 * not wait for minutes.
 */
#ifndef NFKIT_COLLECTOR_ROTATE_H
#define NFKIT_COLLECTOR_ROTATE_H

#include <time.h>

#define ROTATE_MAXN 1439
#define ROTATE_TESTENV "NFCOLLECTD_TEST_ROTATE_SECONDS"

/* Seconds between rotations for -n n, honouring the test variable. */
long rotate_interval(unsigned n);
/* The first boundary strictly after t (local time). */
time_t rotate_next(time_t t, long interval);

#endif
