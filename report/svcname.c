/*
 * svcname: a built-in service table, and /etc/services for the rest.
 *
 * The table is small on purpose: it only has to recognise the services a
 * site's traffic is made of, so that replies are counted under the server
 * port.  It is searched by binary search, behind a bitmap of its ports
 * (8 KiB): the web report looks up two or three ports per flow, and most
 * are ephemeral ones that are not in the table.  Ports are per protocol
 * the same for TCP and UDP in this table unless marked.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svcname.h"

#define P_TCP 1
#define P_UDP 2
#define P_BOTH 3

static const struct {
	uint16_t port;
	uint8_t protos;
	const char *name;
} known[] = {
    /* sorted by port */
    {20, P_TCP, "ftp-data"},
    {21, P_TCP, "ftp"},
    {22, P_TCP, "ssh"},
    {23, P_TCP, "telnet"},
    {25, P_TCP, "smtp"},
    {53, P_BOTH, "domain"},
    {67, P_UDP, "bootps"},
    {68, P_UDP, "bootpc"},
    {69, P_UDP, "tftp"},
    {80, P_BOTH, "http"},
    {88, P_BOTH, "kerberos"},
    {110, P_TCP, "pop3"},
    {119, P_TCP, "nntp"},
    {123, P_UDP, "ntp"},
    {135, P_TCP, "epmap"},
    {137, P_UDP, "netbios-ns"},
    {138, P_UDP, "netbios-dgm"},
    {139, P_TCP, "netbios-ssn"},
    {143, P_TCP, "imap"},
    {161, P_UDP, "snmp"},
    {162, P_UDP, "snmp-trap"},
    {179, P_TCP, "bgp"},
    {389, P_BOTH, "ldap"},
    {443, P_BOTH, "https"},
    {445, P_TCP, "microsoft-ds"},
    {465, P_TCP, "submissions"},
    {500, P_UDP, "isakmp"},
    {514, P_UDP, "syslog"},
    {587, P_TCP, "submission"},
    {636, P_TCP, "ldaps"},
    {853, P_BOTH, "domain-s"},
    {873, P_TCP, "rsync"},
    {993, P_TCP, "imaps"},
    {995, P_TCP, "pop3s"},
    {1194, P_UDP, "openvpn"},
    {1433, P_TCP, "ms-sql-s"},
    {1812, P_UDP, "radius"},
    {1813, P_UDP, "radius-acct"},
    {2049, P_BOTH, "nfs"},
    {2055, P_UDP, "netflow"},
    {3128, P_TCP, "squid"},
    {3306, P_TCP, "mysql"},
    {3389, P_TCP, "ms-wbt-server"},
    {3478, P_UDP, "stun"},
    {4500, P_UDP, "ipsec-nat-t"},
    {4739, P_BOTH, "ipfix"},
    {5060, P_BOTH, "sip"},
    {5353, P_UDP, "mdns"},
    {5432, P_TCP, "postgresql"},
    {6379, P_TCP, "redis"},
    {6443, P_TCP, "kubernetes"},
    {8080, P_TCP, "http-alt"},
    {8443, P_TCP, "https-alt"},
    {8818, P_UDP, "flow-capture"},
    {9000, P_TCP, "cslistener"},
    {9995, P_UDP, "netflow-alt"},
    {51820, P_UDP, "wireguard"},
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* Ports in known[], by protocol: [0] TCP, [1] UDP. */
static uint64_t known_bits[2][65536 / 64];
static pthread_once_t known_once = PTHREAD_ONCE_INIT;

static void
known_init(void)
{
	size_t i;
	int k;

	for (i = 0; i < NKNOWN; i++)
		for (k = 0; k < 2; k++)
			if (known[i].protos & (k == 0 ? P_TCP : P_UDP))
				known_bits[k][known[i].port / 64] |=
				    1ull << (known[i].port % 64);
}

/* The bitmap of known ports of proto, or NULL (no port is known). */
static const uint64_t *
known_map(uint8_t proto)
{
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return NULL;
	pthread_once(&known_once, known_init);
	return known_bits[proto == IPPROTO_UDP];
}

static int
is_known(const uint64_t *map, uint16_t port)
{
	return map != NULL && (map[port / 64] >> (port % 64) & 1);
}

/* The table entry for port under proto, or -1. */
static int
find(uint8_t proto, uint16_t port)
{
	size_t lo = 0, hi = NKNOWN, mid;

	if (!is_known(known_map(proto), port))
		return -1;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (known[mid].port == port)
			return (int)mid;
		if (known[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
svcname_known(uint8_t proto, uint16_t port)
{
	return is_known(known_map(proto), port);
}

static int
has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == 33 /* DCCP */;
}

uint16_t
svcname_port(uint8_t proto, uint16_t sport, uint16_t dport)
{
	const uint64_t *map;

	if (!has_ports(proto))
		return 0;
	map = known_map(proto);
	if (is_known(map, dport))
		return dport;
	if (is_known(map, sport))
		return sport;
	return sport < dport ? sport : dport;
}

const char *
svcname_proto(uint8_t proto, char buf[8])
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmp6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_GRE:
		return "gre";
	case IPPROTO_ESP:
		return "esp";
	}
	snprintf(buf, 8, "%u", proto);
	return buf;
}

size_t
svcname_text(uint8_t proto, uint16_t port, char *out, size_t len)
{
	struct servent se, *res = NULL;
	char pb[8], sb[1024];
	const char *p = svcname_proto(proto, pb), *name = NULL;
	int i, n;

	if (!has_ports(proto)) {
		n = snprintf(out, len, "%s%s",
			     (p[0] >= '0' && p[0] <= '9') ? "proto " : "", p);
		return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
	}
	if ((i = find(proto, port)) >= 0)
		name = known[i].name;
	else if (getservbyport_r(htons(port), p, &se, sb, sizeof(sb), &res) ==
		     0 &&
		 res != NULL)
		name = res->s_name;
	n = snprintf(out, len, "%s/%u%s%s", p, port, name ? " " : "",
		     name ? name : "");
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}
