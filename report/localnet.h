/*
 * localnet: the "our networks" of --local NET[,NET...], and which way a
 * flow crosses their border (FlowScan's inbound / outbound view).
 *
 * Prefixes are IPv4 ("192.0.2.0/24") or IPv6 ("2001:db8::/32"); a bare
 * address is a host prefix; an IPv4 flow is classified by the IPv4
 * prefixes, an IPv6 flow by the IPv6 ones.
 */
#ifndef NFKIT_REPORT_LOCALNET_H
#define NFKIT_REPORT_LOCALNET_H

#include <stdint.h>

#include "flowrec.h"

#define LOCALNET_MAX 64

struct localnet {
	int n4, n6;
	struct {
		uint32_t addr, mask;
	} v4[LOCALNET_MAX]; /* host order */
	struct {
		uint8_t addr[16];
		int len;
	} v6[LOCALNET_MAX];
};

/* Which way a flow goes, seen from the local networks. */
enum localnet_dir {
	LOCALNET_IN,	/* from outside to a local address */
	LOCALNET_OUT,	/* from a local address to outside */
	LOCALNET_OTHER, /* both ends local, or neither (transit) */
};

/*
 * Parse "NET[,NET...]" into n (appending).  0, or -1 with a message in err
 * naming the bad prefix.
 */
int localnet_parse(struct localnet *, const char *list, char *err,
		   size_t errlen);
int localnet_has_v4(const struct localnet *, uint32_t addr);
enum localnet_dir localnet_dir(const struct localnet *, const struct flowrec *);

#endif
