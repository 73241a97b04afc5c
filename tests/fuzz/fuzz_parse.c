/*
 * fuzz_parse: libFuzzer harness for the command-line value parsers shared
 * by the programs (common/parse.c), plus the reporter's -t time parser
 * (report/timefmt.c) and the flow file name parser (common/ftname.c).
 *
 * The first byte chooses the parser; the rest becomes a NUL-terminated
 * string in a buffer of exactly that size.  Each parser promises to leave
 * its output untouched when it fails, which is checked with a sentinel, and
 * accepted values must lie in the documented range.
 *
 * parse_hostport() and parse_capspec() resolve names with getaddrinfo();
 * a fuzzer must not send DNS queries, so getaddrinfo() is wrapped below to
 * resolve numeric addresses only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "timefmt.h"
#include "ftname.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *,
		      struct addrinfo **);

/* Numeric-only getaddrinfo: the real one with AI_NUMERICHOST forced. */
int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
	    struct addrinfo **res)
{
	static gai_fn real;
	struct addrinfo h;

	if (real == NULL)
		real = (gai_fn)dlsym(RTLD_NEXT, "getaddrinfo");
	if (real == NULL)
		return EAI_FAIL;
	if (hints != NULL)
		h = *hints;
	else
		memset(&h, 0, sizeof(h));
	h.ai_flags |= AI_NUMERICHOST;
	return real(node, service, &h, res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sockaddr_storage ss;
	struct capspec cs, cs0;
	socklen_t sslen;
	uint64_t v, lo, hi;
	char *s;
	int which;

	if (len < 1)
		return 0;
	which = data[0];
	if ((s = malloc(len)) == NULL)
		return 0;
	memcpy(s, data + 1, len - 1);
	s[len - 1] = '\0';

	switch (which % 8) {
	case 0:
		lo = which & 0x80 ? 1 : 0;
		hi = which & 0x40 ? 65535 : UINT64_MAX;
		v = 0xdeadbeef;
		if (parse_u64(s, lo, hi, &v) == 0) {
			if (v < lo || v > hi)
				abort();
		} else if (v != 0xdeadbeef)
			abort();
		break;
	case 1:
		v = 0xdeadbeef;
		if (parse_timespec(s, &v) == -1 && v != 0xdeadbeef)
			abort();
		break;
	case 2:
		v = 0xdeadbeef;
		if (parse_size(s, &v) == -1 && v != 0xdeadbeef)
			abort();
		break;
	case 3:
		memset(&ss, 0x5a, sizeof(ss));
		sslen = 12345;
		if (parse_hostport(s, &ss, &sslen) == 0) {
			if (sslen > sizeof(ss) || (ss.ss_family != AF_INET &&
						   ss.ss_family != AF_INET6))
				abort();
		} else if (sslen != 12345)
			abort();
		break;
	case 4:
		memset(&cs, 0x5a, sizeof(cs));
		cs0 = cs;
		if (parse_capspec(s, &cs) == 0) {
			if (cs.port == 0)
				abort();
		} else if (memcmp(&cs, &cs0, sizeof(cs)) != 0)
			abort();
		break;
	case 5: {
		int64_t ms = 42;

		if (timefmt_parse(s, (time_t)1764180315, &ms) == -1 && ms != 42)
			abort();
		break;
	}
	case 6: {
		time_t t = 42;
		int is_tmp = 7;

		if (ftname_parse(s, &t, &is_tmp) == 0) {
			char back[64];

			if (is_tmp != 0 && is_tmp != 1)
				abort();
			/* Formatting must not crash for any parsed time. */
			(void)ftname_format(back, sizeof(back), "ft", 5, t);
			(void)ftname_nestdir(back, sizeof(back),
					     (int)(which >> 3) % 7 - 3, t);
		}
		break;
	}
	default:
		break;
	}
	free(s);
	return 0;
}
