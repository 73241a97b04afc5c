/*
 * parse: the value syntaxes our command lines share.
 *
 * Each parser takes a whole string and either accepts all of it or rejects
 * it: no leading blanks, no signs, no trailing junk, no silent overflow.
 * Results are built in locals and stored only on success, so a caller's
 * default survives a bad value.  Numbers are parsed by hand rather than with
 * strtoull(), which would accept "-1", " 5" and "0x10".
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

/*
 * Reads the leading decimal digits of s into *v; returns how many there
 * were, or -1 on overflow.  0 digits is not an error here.
 */
static int
parse_digits(const char *s, uint64_t *v)
{
	uint64_t n = 0;
	int i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*v = n;
	return i;
}

/* *acc = *acc + n * mul, or -1 if that does not fit. */
static int
add_mul(uint64_t *acc, uint64_t n, uint64_t mul)
{
	if (mul != 0 && n > UINT64_MAX / mul)
		return -1;
	n *= mul;
	if (*acc > UINT64_MAX - n)
		return -1;
	*acc += n;
	return 0;
}

int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int n;

	if (s == NULL || (n = parse_digits(s, &v)) <= 0 || s[n] != '\0')
		return -1;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Seconds per time unit letter; 0 for a letter that is not a unit. */
static uint64_t
time_unit(char c)
{
	static const struct {
		char c;
		uint64_t secs;
	} units[] = {
	    {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800},
	    {'S', 1}, {'M', 60}, {'H', 3600}, {'D', 86400}, {'W', 604800},
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].c == c)
			return units[i].secs;
	return 0;
}

int
parse_timespec(const char *s, uint64_t *secs)
{
	uint64_t total = 0, n, mul;
	int nd;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s != '\0') {
		/* Every term starts with a number: "m" or "1hm" is junk. */
		if ((nd = parse_digits(s, &n)) <= 0)
			return -1;
		s += nd;
		if (*s == '\0') {
			mul = 1; /* a bare number is seconds */
		} else {
			if ((mul = time_unit(*s)) == 0)
				return -1;
			s++;
		}
		if (add_mul(&total, n, mul) == -1)
			return -1;
	}
	*secs = total;
	return 0;
}

int
parse_size(const char *s, uint64_t *bytes)
{
	uint64_t n, mul, total = 0;
	int nd;

	if (s == NULL || (nd = parse_digits(s, &n)) <= 0)
		return -1;
	switch (s[nd]) {
	case '\0':
		mul = 1;
		break;
	case 'b':
		mul = 512;
		break;
	case 'k':
	case 'K':
		mul = 1024;
		break;
	case 'm':
	case 'M':
		mul = 1024 * 1024;
		break;
	case 'g':
	case 'G':
		mul = 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (s[nd] != '\0' && s[nd + 1] != '\0')
		return -1;
	if (add_mul(&total, n, mul) == -1)
		return -1;
	*bytes = total;
	return 0;
}

/*
 * Resolves host (numeric or a name) with a numeric port into *ss.  Takes
 * the first answer getaddrinfo gives, as a daemon binding or sending to one
 * address should.
 */
static int
resolve(const char *host, const char *port, struct sockaddr_storage *ss,
	socklen_t *sslen)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL)
		return -1;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return -1;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * Copies an address text into buf, removing one pair of surrounding
 * brackets; -1 if it is empty, too long or has unbalanced brackets.
 */
static int
copy_host(const char *s, size_t len, char *buf, size_t cap)
{
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len == 0 || len >= cap || memchr(s, '[', len) != NULL ||
	    memchr(s, ']', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/* A port number 1..65535, also as canonical text for getaddrinfo. */
static int
check_port(const char *s, uint16_t *port, char *text, size_t cap)
{
	uint64_t v;

	if (parse_u64(s, 1, 65535, &v) == -1)
		return -1;
	*port = (uint16_t)v;
	snprintf(text, cap, "%u", (unsigned)v);
	return 0;
}

int
parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_storage tmp;
	socklen_t tmplen;
	char host[256], ptext[8];
	const char *colon;
	uint16_t port;

	if (s == NULL)
		return -1;
	if (s[0] == '[') {
		/* [v6addr]:port */
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		colon = rb + 1;
	} else {
		/* A bare IPv6 address is ambiguous: one colon only. */
		colon = strchr(s, ':');
		if (colon == NULL || strchr(colon + 1, ':') != NULL)
			return -1;
	}
	if (copy_host(s, (size_t)(colon - s), host, sizeof(host)) == -1)
		return -1;
	if (check_port(colon + 1, &port, ptext, sizeof(ptext)) == -1)
		return -1;
	if (resolve(host, ptext, &tmp, &tmplen) == -1)
		return -1;
	*ss = tmp;
	*sslen = tmplen;
	return 0;
}

/* The wildcard ("any") address in a capspec field. */
static int
is_any(const char *host, int remote)
{
	if (strcmp(host, "0") == 0)
		return 1;
	/* An exporter filter of 0.0.0.0 or :: would match nobody: any. */
	return remote &&
	       (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0);
}

/*
 * Fills ss for one capspec address.  "Any" is family AF_UNSPEC; for the
 * local side the port is still stored where sin_port and sin6_port live,
 * so a caller that binds a wildcard socket finds it there too.
 */
static int
capspec_addr(const char *host, const char *ptext, uint16_t port, int remote,
	     struct sockaddr_storage *ss)
{
	socklen_t len;

	memset(ss, 0, sizeof(*ss));
	if (is_any(host, remote)) {
		ss->ss_family = AF_UNSPEC;
		if (!remote)
			((struct sockaddr_in *)ss)->sin_port = htons(port);
		return 0;
	}
	if (resolve(host, ptext, ss, &len) == -1)
		return -1;
	if (remote) {
		/* The exporter's source port is not ours to fix. */
		if (ss->ss_family == AF_INET)
			((struct sockaddr_in *)ss)->sin_port = 0;
		else if (ss->ss_family == AF_INET6)
			((struct sockaddr_in6 *)ss)->sin6_port = 0;
	}
	return 0;
}

int
parse_capspec(const char *s, struct capspec *cs)
{
	struct capspec tmp;
	char lhost[256], rhost[256], ptext[8];
	const char *s1, *s2;
	uint16_t port;

	if (s == NULL || (s1 = strchr(s, '/')) == NULL ||
	    (s2 = strchr(s1 + 1, '/')) == NULL || strchr(s2 + 1, '/') != NULL)
		return -1;
	if (copy_host(s, (size_t)(s1 - s), lhost, sizeof(lhost)) == -1 ||
	    copy_host(s1 + 1, (size_t)(s2 - s1 - 1), rhost, sizeof(rhost)) ==
		-1)
		return -1;
	if (check_port(s2 + 1, &port, ptext, sizeof(ptext)) == -1)
		return -1;
	memset(&tmp, 0, sizeof(tmp));
	tmp.port = port;
	if (capspec_addr(lhost, ptext, port, 0, &tmp.local) == -1 ||
	    capspec_addr(rhost, ptext, port, 1, &tmp.remote) == -1)
		return -1;
	*cs = tmp;
	return 0;
}
