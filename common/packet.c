/*
 * packet: link layer, IPv4 and IPv6 parsing for the sensor.
 *
 * Every read goes through common/buf.h: buf_peek_* checks the offset
 * against caplen before touching the packet, and buf_load_* (or a single
 * p[i]) is used only right after the length of a whole fixed header has
 * been checked.  Both are inline: they run a dozen times per packet on
 * the sensor's hot path.  A read past the end fails, and the caller turns
 * the failure into PACKET_SHORT (a header we need is cut off) or into
 * "transport header cut" (the IP header is complete, so the packet still
 * counts in its flow).
 *
 * Counting rules, chosen so that totals can be checked against an
 * independent decoder: bytes are the IPv4 Total Length or the IPv6 Payload
 * Length + 40, never the captured or wire length; a packet whose IP header
 * is invalid (version, IHL < 5, Total Length < header length) is PACKET_BADHDR
 * and not counted in any flow.  Only the outermost IP header is looked at,
 * so the UDP header quoted inside an ICMP error never becomes the key.
 *
 * IP directly under an MPLS label stack is decoded (the labels are not
 * part of the flow key, and their bytes are not counted).  What lies
 * under the bottom label is not typed on the wire: the first nibble 4 or
 * 6 says IP, as every MPLS-aware decoder guesses.  Anything else, such as
 * an Ethernet pseudowire with its zero control word, is counted as
 * PACKET_MPLS and not looked into: IP inside a layer-2 tunnel is another
 * network's traffic, which is also how the oracle of reference.tsv and
 * softflowd count it.
 */
#include <string.h>

#include <netinet/in.h>
#include <pcap/dlt.h>

#include "buf.h"
#include "packet.h"

/*
 * Bounded loops: VLAN tags per frame, MPLS labels per stack, IPv6
 * extension headers per packet.
 */
#define MAX_VLAN_TAGS 8
#define MAX_MPLS_LABELS 8
#define MAX_V6_EXTHDRS 8

#define MPLS_BOS 0x100 /* bottom-of-stack bit of a label entry */

#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ9 0x9100
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLSM 0x8848

/* LINKTYPE_ values that libpcap may hand through unmapped. */
#define LT_RAW 101
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_SLL2 276

typedef enum packet_status (*link_fn)(const uint8_t *, size_t,
				      struct packet_info *);

struct linktype {
	int dlt; /* pcap_datalink() value */
	const char *name;
	link_fn decode;
};

/*
 * The transport header: ports for TCP and UDP, type/code for ICMP (as
 * dst port, the Cisco convention), TCP flags.  p/len cover only the IP
 * payload that was captured and lies within the IP length.
 */
static void
transport(uint8_t proto, const uint8_t *p, size_t len, struct packet_info *d)
{
	uint8_t type, code;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (buf_peek_be16(p, len, 0, &d->sport) == -1 ||
		    buf_peek_be16(p, len, 2, &d->dport) == -1) {
			d->sport = d->dport = 0;
			d->l4cut = 1;
			return;
		}
		if (proto == IPPROTO_TCP &&
		    buf_peek_u8(p, len, 13, &d->tcp_flags) == -1)
			d->l4cut = 1;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (buf_peek_u8(p, len, 0, &type) == -1 ||
		    buf_peek_u8(p, len, 1, &code) == -1) {
			d->l4cut = 1;
			return;
		}
		d->dport = (uint16_t)(type << 8 | code);
		break;
	default:
		break;
	}
}

static enum packet_status
ipv4(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint8_t vhl;
	uint16_t totlen, fragfield;
	size_t hl, end;

	if (len < 20)
		return PACKET_SHORT;
	/* The fixed 20-byte header is there: its fields load unchecked. */
	vhl = p[0];
	hl = (size_t)(vhl & 0x0f) * 4;
	if (vhl >> 4 != 4 || hl < 20)
		return PACKET_BADHDR;
	totlen = buf_load_be16(p + 2);
	if (totlen < hl)
		return PACKET_BADHDR;
	if (len < hl)
		return PACKET_SHORT;
	fragfield = buf_load_be16(p + 6);
	d->af = 4;
	d->tos = p[1];
	d->proto = p[9];
	d->bytes = totlen;
	memcpy(d->src, p + 12, 4);
	memcpy(d->dst, p + 16, 4);
	d->frag = (fragfield & 0x3fff) != 0;
	/* A non-first fragment has no transport header: ports stay 0. */
	if ((fragfield & 0x1fff) != 0)
		return PACKET_IPV4;
	end = len < totlen ? len : totlen;
	transport(d->proto, p + hl, end - hl, d);
	return PACKET_IPV4;
}

static enum packet_status
ipv6(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint32_t vtf;
	uint16_t plen, fragfield;
	uint8_t nh, next, extlen;
	size_t off, end;
	int i;

	if (len < 40)
		return PACKET_SHORT;
	/* The fixed 40-byte header is there: its fields load unchecked. */
	vtf = buf_load_be32(p);
	if (vtf >> 28 != 6)
		return PACKET_BADHDR;
	plen = buf_load_be16(p + 4);
	nh = p[6];
	d->af = 6;
	d->tos = (uint8_t)(vtf >> 20);
	d->bytes = (uint32_t)plen + 40;
	memcpy(d->src, p + 8, 16);
	memcpy(d->dst, p + 24, 16);
	/* A zero payload length means a jumbogram: trust caplen instead. */
	end = plen == 0 || len < 40 + (size_t)plen ? len : 40 + (size_t)plen;

	off = 40;
	for (i = 0; i < MAX_V6_EXTHDRS; i++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH: /* its length is in 4-byte units */
			if (buf_peek_u8(p, end, off, &next) == -1 ||
			    buf_peek_u8(p, end, off + 1, &extlen) == -1)
				goto cut;
			off += nh == IPPROTO_AH ? ((size_t)extlen + 2) * 4
						: ((size_t)extlen + 1) * 8;
			nh = next;
			continue;
		case IPPROTO_FRAGMENT:
			if (buf_peek_u8(p, end, off, &next) == -1 ||
			    buf_peek_be16(p, end, off + 2, &fragfield) == -1)
				goto cut;
			d->frag = 1;
			off += 8;
			nh = next;
			if ((fragfield & 0xfff8) != 0) {
				d->proto = nh; /* non-first: no ports */
				return PACKET_IPV6;
			}
			continue;
		default:
			break;
		}
		break;
	}
	d->proto = nh;
	if (i == MAX_V6_EXTHDRS) {
		d->l4cut = 1;
		return PACKET_IPV6;
	}
	if (off > end) {
		d->l4cut = 1;
		return PACKET_IPV6;
	}
	transport(nh, p + off, end - off, d);
	return PACKET_IPV6;
cut:
	d->proto = nh;
	d->l4cut = 1;
	return PACKET_IPV6;
}

/*
 * An MPLS label stack: pop 4-byte entries up to the one with the
 * bottom-of-stack bit, then IP if the next nibble says so.  A stack deeper
 * than MAX_MPLS_LABELS is not followed (PACKET_MPLS).
 */
static enum packet_status
mpls(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint32_t entry;
	uint8_t v;
	int labels;

	for (labels = 0; labels < MAX_MPLS_LABELS; labels++) {
		if (buf_peek_be32(p, len, 0, &entry) == -1)
			return PACKET_SHORT;
		p += 4;
		len -= 4;
		if (entry & MPLS_BOS)
			break;
	}
	if (labels == MAX_MPLS_LABELS)
		return PACKET_MPLS;
	if (buf_peek_u8(p, len, 0, &v) == -1)
		return PACKET_SHORT;
	d->mpls = 1;
	switch (v >> 4) {
	case 4:
		return ipv4(p, len, d);
	case 6:
		return ipv6(p, len, d);
	default:
		d->mpls = 0;
		return PACKET_MPLS;
	}
}

/* The payload of an ethertype-labelled frame, after any VLAN tags. */
static enum packet_status
ethertype(uint16_t type, const uint8_t *p, size_t len, struct packet_info *d)
{
	uint16_t tci;
	int tags;

	for (tags = 0; tags < MAX_VLAN_TAGS; tags++) {
		if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ &&
		    type != ETHERTYPE_QINQ9)
			break;
		if (buf_peek_be16(p, len, 0, &tci) == -1 ||
		    buf_peek_be16(p, len, 2, &type) == -1)
			return PACKET_SHORT;
		if (tags == 0)
			d->vlan = tci & 0x0fff;
		p += 4;
		len -= 4;
	}
	switch (type) {
	case ETHERTYPE_IP:
		return ipv4(p, len, d);
	case ETHERTYPE_IPV6:
		return ipv6(p, len, d);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLSM:
		return mpls(p, len, d);
	default:
		return PACKET_NONIP;
	}
}

static enum packet_status
link_ether(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint16_t type;

	if (buf_peek_be16(p, len, 12, &type) == -1)
		return PACKET_SHORT;
	/* Below 0x0600 the field is an 802.3 length: LLC, not IP. */
	if (type < 0x0600)
		return PACKET_NONIP;
	/* The type was readable, so both addresses before it are there. */
	d->ether = p;
	return ethertype(type, p + 14, len - 14, d);
}

static enum packet_status
link_sll(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint16_t type;

	if (buf_peek_be16(p, len, 14, &type) == -1)
		return PACKET_SHORT;
	return ethertype(type, p + 16, len - 16, d);
}

static enum packet_status
link_sll2(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint16_t type;

	if (len < 20)
		return PACKET_SHORT;
	type = buf_load_be16(p);
	return ethertype(type, p + 20, len - 20, d);
}

/*
 * BSD loopback: a 4-byte address family, in the capturing host's byte
 * order for DLT_NULL and (in theory) network order for DLT_LOOP.  Both
 * orders are accepted, and every BSD value of AF_INET6 (24 NetBSD/OpenBSD,
 * 28 FreeBSD, 30 Darwin, 10 Linux).
 */
static enum packet_status
link_null(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint32_t af;

	if (buf_peek_be32(p, len, 0, &af) == -1)
		return PACKET_SHORT;
	if ((af & 0xffff0000) != 0)
		af = __builtin_bswap32(af);
	switch (af) {
	case 2:
		return ipv4(p + 4, len - 4, d);
	case 10:
	case 24:
	case 28:
	case 30:
		return ipv6(p + 4, len - 4, d);
	default:
		return PACKET_NONIP;
	}
}

static enum packet_status
link_raw(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint8_t v;

	if (buf_peek_u8(p, len, 0, &v) == -1)
		return PACKET_SHORT;
	switch (v >> 4) {
	case 4:
		return ipv4(p, len, d);
	case 6:
		return ipv6(p, len, d);
	default:
		return PACKET_BADHDR;
	}
}

static enum packet_status
link_ipv4(const uint8_t *p, size_t len, struct packet_info *d)
{
	return ipv4(p, len, d);
}

static enum packet_status
link_ipv6(const uint8_t *p, size_t len, struct packet_info *d)
{
	return ipv6(p, len, d);
}

/* PPP in HDLC-like framing; the address/control bytes may be omitted. */
static enum packet_status
link_ppp(const uint8_t *p, size_t len, struct packet_info *d)
{
	uint16_t proto;
	size_t off;

	off = len >= 2 && p[0] == 0xff && p[1] == 0x03 ? 2 : 0;
	if (buf_peek_be16(p, len, off, &proto) == -1)
		return PACKET_SHORT;
	switch (proto) {
	case 0x0021:
		return ipv4(p + off + 2, len - off - 2, d);
	case 0x0057:
		return ipv6(p + off + 2, len - off - 2, d);
	default:
		return PACKET_NONIP;
	}
}

static const struct linktype linktypes[] = {
    {DLT_EN10MB, "EN10MB (Ethernet)", link_ether},
    {DLT_LINUX_SLL, "LINUX_SLL (Linux cooked)", link_sll},
    {LT_SLL2, "LINUX_SLL2 (Linux cooked v2)", link_sll2},
    {DLT_NULL, "NULL (BSD loopback)", link_null},
    {DLT_LOOP, "LOOP (OpenBSD loopback)", link_null},
    {DLT_RAW, "RAW (raw IP)", link_raw},
    {14, "RAW (raw IP, OpenBSD value)", link_raw},
    {LT_RAW, "RAW (LINKTYPE_RAW)", link_raw},
    {LT_IPV4, "IPV4 (raw IPv4)", link_ipv4},
    {LT_IPV6, "IPV6 (raw IPv6)", link_ipv6},
    {DLT_PPP, "PPP", link_ppp},
    {DLT_PPP_SERIAL, "PPP_SERIAL", link_ppp},
};

const struct linktype *
packet_linktype(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++)
		if (linktypes[i].dlt == dlt)
			return &linktypes[i];
	return NULL;
}

const char *
packet_linktype_name(const struct linktype *lt)
{
	return lt->name;
}

const char *
packet_linktype_names(void)
{
	return "EN10MB (with 802.1Q/QinQ), LINUX_SLL, LINUX_SLL2, NULL, LOOP, "
	       "RAW, IPV4, IPV6, PPP";
}

enum packet_status
packet_decode(const struct linktype *lt, const uint8_t *bytes, size_t caplen,
	      struct packet_info *out)
{
	memset(out, 0, sizeof(*out));
	return lt->decode(bytes, caplen, out);
}

const char *
packet_status_name(enum packet_status s)
{
	static const char *const names[PACKET_NSTATUS] = {
	    [PACKET_IPV4] = "ipv4",	  [PACKET_IPV6] = "ipv6",
	    [PACKET_NONIP] = "non-ip",	  [PACKET_MPLS] = "mpls",
	    [PACKET_SHORT] = "too-short", [PACKET_BADHDR] = "bad-header",
	};

	return (unsigned)s < PACKET_NSTATUS ? names[s] : "unknown";
}
