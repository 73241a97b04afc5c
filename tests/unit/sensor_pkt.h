/*
 * sensor_pkt.h: synthetic packets for the sensor's unit tests.
 *
 * pkt_build() writes an Ethernet frame (optionally with VLAN tags) that
 * carries an IPv4 or IPv6 packet with a TCP, UDP or ICMP header and
 * payload bytes, with the lengths filled in consistently.  Tests then cut
 * or corrupt the bytes to reach the edge they want.
 */
#ifndef SENSOR_PKT_H
#define SENSOR_PKT_H

#include <stdint.h>
#include <string.h>

struct pspec {
	int af;		       /* 4 or 6 */
	int vlan_tags;	       /* 802.1Q tags before the ethertype */
	uint16_t vlan;	       /* outer VLAN id */
	uint8_t proto;	       /* 6, 17, 1, 58, other */
	uint8_t src, dst;      /* last address byte: 10.0.0.x, fd00::x */
	uint16_t sport, dport; /* TCP/UDP; ICMP: type, code */
	uint8_t tos;
	uint8_t tcp_flags;
	uint16_t fragoff;   /* IPv4 fragment field as on the wire */
	uint16_t payload;   /* bytes after the transport header */
	int v6frag;	    /* IPv6: insert a fragment header */
	uint16_t v6fragoff; /* its offset field (offset << 3 | M) */
	int v6hbh;	    /* IPv6: insert hop-by-hop options */
};

/* UDP from 10.0.0.1 (fd00::1) port sport to .2 port dport with payload bytes.
 */
static inline struct pspec
pkt_udp(int af, uint16_t sport, uint16_t dport, uint16_t payload)
{
	struct pspec s = {.af = af, .proto = 17, .src = 1, .dst = 2};

	s.sport = sport;
	s.dport = dport;
	s.payload = payload;
	return s;
}

static inline void
pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline size_t
pkt_l4(uint8_t *p, const struct pspec *s)
{
	size_t n;

	switch (s->proto) {
	case 6:
		memset(p, 0, 20);
		pkt_put16(p, s->sport);
		pkt_put16(p + 2, s->dport);
		p[12] = 5 << 4;
		p[13] = s->tcp_flags;
		n = 20;
		break;
	case 17:
		memset(p, 0, 8);
		pkt_put16(p, s->sport);
		pkt_put16(p + 2, s->dport);
		pkt_put16(p + 4, (uint16_t)(8 + s->payload));
		n = 8;
		break;
	case 1:
	case 58:
		memset(p, 0, 8);
		p[0] = (uint8_t)s->sport;
		p[1] = (uint8_t)s->dport;
		n = 8;
		break;
	default:
		n = 0;
		break;
	}
	memset(p + n, 0xab, s->payload);
	return n + s->payload;
}

/* Returns the frame length; out must hold 14 + 8 * tags + 1600 bytes. */
static inline size_t
pkt_build(uint8_t *out, const struct pspec *s)
{
	uint8_t *p = out, *ip;
	size_t l4, ext = 0;
	int i;

	memset(p, 0, 12);
	p[0] = 0x02;
	p[6] = 0x02;
	p[11] = 1;
	p += 12;
	for (i = 0; i < s->vlan_tags; i++) {
		pkt_put16(p, i == 0 ? 0x8100 : 0x8100);
		pkt_put16(p + 2, i == 0 ? s->vlan : (uint16_t)(100 + i));
		p += 4;
	}
	pkt_put16(p, s->af == 6 ? 0x86dd : 0x0800);
	p += 2;
	ip = p;
	if (s->af == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		ip[1] = s->tos;
		pkt_put16(ip + 6, s->fragoff);
		ip[8] = 64;
		ip[9] = s->proto;
		ip[12] = 10;
		ip[15] = s->src;
		ip[16] = 10;
		ip[19] = s->dst;
		l4 = (s->fragoff & 0x1fff)
			 ? (memset(ip + 20, 0xcd, s->payload), s->payload)
			 : pkt_l4(ip + 20, s);
		pkt_put16(ip + 2, (uint16_t)(20 + l4));
		return (size_t)(ip - out) + 20 + l4;
	}
	memset(ip, 0, 40);
	ip[0] = 0x60 | (s->tos >> 4);
	ip[1] = (uint8_t)(s->tos << 4);
	ip[7] = 64;
	ip[8] = 0xfd;
	ip[23] = s->src;
	ip[24] = 0xfd;
	ip[39] = s->dst;
	p = ip + 40;
	if (s->v6hbh) {
		memset(p, 0, 8);
		p[0] = s->v6frag ? 44 : s->proto;
		p[2] = 1; /* PadN */
		p[3] = 4;
		ip[6] = 0;
		p += 8;
		ext += 8;
	}
	if (s->v6frag) {
		memset(p, 0, 8);
		p[0] = s->proto;
		pkt_put16(p + 2, s->v6fragoff);
		p[7] = 0x42;
		if (!s->v6hbh)
			ip[6] = 44;
		p += 8;
		ext += 8;
	}
	if (!s->v6hbh && !s->v6frag)
		ip[6] = s->proto;
	l4 = s->v6frag && (s->v6fragoff & 0xfff8)
		 ? (memset(p, 0xcd, s->payload), s->payload)
		 : pkt_l4(p, s);
	pkt_put16(ip + 4, (uint16_t)(ext + l4));
	return (size_t)(ip - out) + 40 + ext + l4;
}

#endif
