/*
 * localnet: parsing --local prefixes and classifying flows by them.
 *
 * A linear scan over the prefixes is enough: sites name a handful of
 * networks, and the scan runs twice per flow with no memory traffic
 * beyond the (cache-resident) table.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "localnet.h"
#include "parse.h"

static int
parse_one(struct localnet *n, const char *s, char *err, size_t errlen)
{
	char buf[64], *slash;
	uint64_t len;
	uint32_t a4;
	uint8_t a6[16];
	int v6;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "'%.40s...': too long", s);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	v6 = strchr(buf, ':') != NULL;
	if ((v6 ? inet_pton(AF_INET6, buf, a6)
		: inet_pton(AF_INET, buf, &a4)) != 1) {
		snprintf(err, errlen, "'%s': not an IPv4 or IPv6 address", s);
		return -1;
	}
	len = v6 ? 128 : 32;
	if (slash != NULL && parse_u64(slash, 0, v6 ? 128 : 32, &len) != 0) {
		snprintf(err, errlen, "'%s': bad prefix length", s);
		return -1;
	}
	if ((v6 ? n->n6 : n->n4) == LOCALNET_MAX) {
		snprintf(err, errlen, "at most %d prefixes per family",
			 LOCALNET_MAX);
		return -1;
	}
	if (v6) {
		memcpy(n->v6[n->n6].addr, a6, 16);
		n->v6[n->n6++].len = (int)len;
	} else {
		uint32_t mask = len == 0 ? 0 : ~0u << (32 - len);

		n->v4[n->n4].mask = mask;
		n->v4[n->n4++].addr = ntohl(a4) & mask;
	}
	return 0;
}

int
localnet_parse(struct localnet *n, const char *list, char *err, size_t errlen)
{
	char *copy, *w, *save = NULL;
	int rc = 0;

	if ((copy = strdup(list)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (w = strtok_r(copy, ",", &save); w != NULL && rc == 0;
	     w = strtok_r(NULL, ",", &save))
		rc = parse_one(n, w, err, errlen);
	if (rc == 0 && n->n4 + n->n6 == 0) {
		snprintf(err, errlen, "no prefix given");
		rc = -1;
	}
	free(copy);
	return rc;
}

int
localnet_has_v4(const struct localnet *n, uint32_t addr)
{
	int i;

	for (i = 0; i < n->n4; i++)
		if ((addr & n->v4[i].mask) == n->v4[i].addr)
			return 1;
	return 0;
}

/* 1 if the 16 bytes at a are in one of the IPv6 prefixes. */
static int
has_v6(const struct localnet *n, const uint8_t *a)
{
	int i, full, rest;

	for (i = 0; i < n->n6; i++) {
		full = n->v6[i].len / 8;
		rest = n->v6[i].len % 8;
		if (memcmp(a, n->v6[i].addr, (size_t)full) != 0)
			continue;
		if (rest == 0 || ((a[full] ^ n->v6[i].addr[full]) &
				  (0xff << (8 - rest)) & 0xff) == 0)
			return 1;
	}
	return 0;
}

enum localnet_dir
localnet_dir(const struct localnet *n, const struct flowrec *r)
{
	int v6 = flowrec_is_v6(r);
	int s = v6 ? has_v6(n, r->src6) : localnet_has_v4(n, r->srcaddr);
	int d = v6 ? has_v6(n, r->dst6) : localnet_has_v4(n, r->dstaddr);

	if (s == d)
		return LOCALNET_OTHER;
	return s ? LOCALNET_OUT : LOCALNET_IN;
}
