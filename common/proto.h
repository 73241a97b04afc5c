/*
 * proto: the one table of IP protocol and TCP flag names.
 *
 * The sensor's statistics, nfreport's filter and nfreport's printers all
 * name protocols and TCP flags; they read this table so that a name added
 * here is accepted and printed everywhere alike.  The names are built in,
 * not read with getprotobynumber(): a daemon in a chroot has no
 * /etc/protocols.
 *
 * Two spellings are in use and both are kept, each in its column, because
 * users' scripts and the golden files read them: the lower-case IANA
 * keyword ("ipv6-icmp", as in /etc/protocols) that filters accept and the
 * sensor prints, and the nfdump-style label ("ICMP6") of nfreport's text
 * formats.
 */
#ifndef NFKIT_PROTO_H
#define NFKIT_PROTO_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>

/* Row flag: the sensor's per-protocol statistics print the keyword. */
#define PROTO_F_STATS 0x01

struct proto_name {
	uint8_t num;	     /* IPPROTO_* */
	uint8_t flags;	     /* PROTO_F_* */
	const char *keyword; /* IANA keyword, lower case */
	const char *alias;   /* another spelling filters accept */
	const char *label;   /* nfdump-style label of text reports */
};

/* TCP flag bits in bit order (TH_FIN first), as the flags byte holds them. */
#define PROTO_NTCPFLAGS 6

struct proto_tcpflag {
	uint8_t bit;	  /* TH_* */
	char letter;	  /* filters and nfdump's letters */
	const char *name; /* flowdumper's name */
};

extern const struct proto_tcpflag proto_tcpflags[PROTO_NTCPFLAGS];

/* The row for a protocol number, or NULL when it has no name. */
const struct proto_name *proto_by_num(uint8_t);
/*
 * The protocol whose keyword or alias is the len bytes at s, ignoring
 * case; -1 when none is.
 */
int proto_by_name(const char *s, size_t len, uint8_t *num);
/*
 * The sensor statistics' name: the keyword of a PROTO_F_STATS row, else
 * "proto-N" written into buf (which has room for 10 bytes).
 */
const char *proto_stats_name(uint8_t, char *buf, size_t cap);
/* The TH_* bit of an upper-case flag letter, or 0 for another character. */
uint8_t proto_tcpflag_bit(char letter);

#endif
