/*
 * unit.h: what every unit test program shares.
 *
 * UNIT_MAIN(fn) is a test program's main(): it runs the suite fn() builds
 * and exits EXIT_SUCCESS only if every test in it passed.  A test that
 * builds its suite inside main() ends with return unit_run(s).
 */
#ifndef NFKIT_TEST_UNIT_H
#define NFKIT_TEST_UNIT_H

#include <check.h>
#include <stdlib.h>

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

#define UNIT_MAIN(suite_fn)                                                    \
	int main(void)                                                         \
	{                                                                      \
		return unit_run(suite_fn());                                   \
	}

#endif
