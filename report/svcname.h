/*
 * svcname: which port of a flow is the service, and what it is called.
 *
 * A flow record does not say which end is the server.  The rule here:
 * the destination port if it is a known service, else the source port if
 * that one is known (a reply), else the lower of the two (servers listen
 * on low ports, clients pick high ephemeral ones).  ICMP and protocols
 * without ports have port 0.  "Known" means the small built-in table, so
 * the choice is the same on every machine; names come from that table
 * first and /etc/services second.
 */
#ifndef NFKIT_REPORT_SVCNAME_H
#define NFKIT_REPORT_SVCNAME_H

#include <stddef.h>
#include <stdint.h>

/* The service port of a flow (0 for protocols without ports). */
uint16_t svcname_port(uint8_t proto, uint16_t sport, uint16_t dport);
/* 1 if the built-in table names port under proto. */
int svcname_known(uint8_t proto, uint16_t port);
/* "tcp/443 https", "udp/5353", "icmp", "proto 47": at most len-1 bytes. */
size_t svcname_text(uint8_t proto, uint16_t port, char *out, size_t len);
/* "tcp", "udp", "icmp" or the protocol number. */
const char *svcname_proto(uint8_t proto, char buf[8]);

#endif
