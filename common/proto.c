/*
 * proto: the one table of IP protocol and TCP flag names (see proto.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto.h"

/*
 * The sensor names only the protocols it times out by class (expiry.c):
 * tcp, udp, icmp and ipv6-icmp; other protocols stay "proto-N" in its
 * statistics, as they always have been.
 */
static const struct proto_name names[] = {
    {IPPROTO_ICMP, PROTO_F_STATS, "icmp", NULL, "ICMP"},
    {IPPROTO_IGMP, 0, "igmp", NULL, "IGMP"},
    {IPPROTO_TCP, PROTO_F_STATS, "tcp", NULL, "TCP"},
    {IPPROTO_UDP, PROTO_F_STATS, "udp", NULL, "UDP"},
    {IPPROTO_IPV6, 0, "ipv6", NULL, "IPv6"},
    {IPPROTO_RSVP, 0, "rsvp", NULL, "RSVP"},
    {IPPROTO_GRE, 0, "gre", NULL, "GRE"},
    {IPPROTO_ESP, 0, "esp", NULL, "ESP"},
    {IPPROTO_AH, 0, "ah", NULL, "AH"},
    {IPPROTO_ICMPV6, PROTO_F_STATS, "ipv6-icmp", "icmp6", "ICMP6"},
    {89, 0, "ospf", NULL, "OSPF"}, /* no IPPROTO_OSPF in libc */
    {IPPROTO_PIM, 0, "pim", NULL, "PIM"},
    {112, 0, "vrrp", NULL, "VRRP"}, /* no IPPROTO_VRRP either */
    {IPPROTO_SCTP, 0, "sctp", NULL, "SCTP"},
};

const struct proto_tcpflag proto_tcpflags[PROTO_NTCPFLAGS] = {
    {TH_FIN, 'F', "FIN"},   {TH_SYN, 'S', "SYN"}, {TH_RST, 'R', "RST"},
    {TH_PUSH, 'P', "PUSH"}, {TH_ACK, 'A', "ACK"}, {TH_URG, 'U', "URG"},
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

const struct proto_name *
proto_by_num(uint8_t num)
{
	size_t i;

	for (i = 0; i < NNAMES; i++)
		if (names[i].num == num)
			return &names[i];
	return NULL;
}

static int
word_is(const char *s, size_t len, const char *w)
{
	return w != NULL && strlen(w) == len && strncasecmp(s, w, len) == 0;
}

int
proto_by_name(const char *s, size_t len, uint8_t *num)
{
	size_t i;

	for (i = 0; i < NNAMES; i++)
		if (word_is(s, len, names[i].keyword) ||
		    word_is(s, len, names[i].alias)) {
			*num = names[i].num;
			return 0;
		}
	return -1;
}

const char *
proto_stats_name(uint8_t num, char *buf, size_t cap)
{
	const struct proto_name *pn = proto_by_num(num);

	if (pn != NULL && (pn->flags & PROTO_F_STATS))
		return pn->keyword;
	snprintf(buf, cap, "proto-%u", num);
	return buf;
}

uint8_t
proto_tcpflag_bit(char letter)
{
	int i;

	for (i = 0; i < PROTO_NTCPFLAGS; i++)
		if (proto_tcpflags[i].letter == letter)
			return proto_tcpflags[i].bit;
	return 0;
}
