/*
 * unit.h: what every unit test program shares.
 *
 * UNIT_MAIN(fn) is a test program's main(): it runs the suite fn() builds
 * and exits EXIT_SUCCESS only if every test in it passed.  A test that
 * builds its suite inside main() ends with return unit_run(s).
 * unit_case() adds a test case made from a list of tests.
 */
#ifndef NFKIT_TEST_UNIT_H
#define NFKIT_TEST_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Runs suite s with check's usual output; EXIT_SUCCESS if nothing failed. */
static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The tests named, in order, as the NULL-terminated list unit_case() takes. */
#define UNIT_TESTS(...) ((const TTest *const[]){__VA_ARGS__, NULL})

/*
 * Adds to suite s a test case named name holding the NULL-terminated list
 * of tests, in order, each allowed timeout seconds (0: check's default).
 * Returns the case, for fixtures and loop tests.
 */
static inline TCase *
unit_case(Suite *s, const char *name, int timeout, const TTest *const *tests)
{
	TCase *tc = tcase_create(name);

	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	for (; *tests != NULL; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
	return tc;
}

/*
 * True if path (in ../shared) can be read; else the line a test prints
 * when it skips for want of ../shared, and false.
 */
static inline int
unit_have_shared(const char *path)
{
	if (access(path, R_OK) == 0)
		return 1;
	printf("skipped: ../shared not present\n");
	return 0;
}

#define UNIT_MAIN(suite_fn)                                                    \
	int main(void)                                                         \
	{                                                                      \
		return unit_run(suite_fn());                                   \
	}

/*
 * The main() of a test program whose suite is one test case, both named
 * name, of the tests listed, each allowed timeout seconds (0: check's
 * default), with setup and teardown (either may be NULL) run around each
 * test in its process (check's checked fixture).
 */
#define UNIT_MAIN_FIXTURE(name, timeout, setup, teardown, ...)                 \
	int main(void)                                                         \
	{                                                                      \
		Suite *s = suite_create(name);                                 \
		TCase *tc =                                                    \
		    unit_case(s, name, timeout, UNIT_TESTS(__VA_ARGS__));      \
                                                                               \
		tcase_add_checked_fixture(tc, setup, teardown);                \
		return unit_run(s);                                            \
	}

/* The same without a fixture. */
#define UNIT_MAIN_TESTS(name, timeout, ...)                                    \
	UNIT_MAIN_FIXTURE(name, timeout, NULL, NULL, __VA_ARGS__)

#endif
