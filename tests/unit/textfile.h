/*
 * Helpers for tests that plant small text files (victims, decoys) and then
 * check that the code under test left them exactly as they were.
 */
#ifndef NFKIT_TEST_TEXTFILE_H
#define NFKIT_TEST_TEXTFILE_H

#include <check.h>
#include <stdio.h>

/* The whole content of file p (up to 127 bytes), or "" if unreadable. */
static inline const char *
slurp(const char *p)
{
	static char buf[128];
	FILE *f;
	size_t n = 0;

	buf[0] = '\0';
	if ((f = fopen(p, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static inline void
write_file(const char *p, const char *text)
{
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

#endif
