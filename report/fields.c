/*
 * fields: names, kinds and units of the flow fields, and their text.
 *
 * The table order is the column order of csv and json flow output, so it
 * reads like a flow: when, who to whom, what, how much, where seen.
 */
#include <arpa/inet.h>
#include <string.h>

#include "fields.h"

const struct field fields[F_NFIELDS] = {
    [F_FIRST] = {"first", FK_TIME, "unix ms", 0, "time of the first packet"},
    [F_LAST] = {"last", FK_TIME, "unix ms", 0, "time of the last packet"},
    [F_DURATION] = {"duration", FK_UINT, "ms", 0, "last - first"},
    [F_SRCIP] = {"srcip", FK_IP, "IPv4/IPv6", 1, "source address"},
    [F_SRCPORT] = {"srcport", FK_UINT, "", 1, "source port"},
    [F_DSTIP] = {"dstip", FK_IP, "IPv4/IPv6", 1, "destination address"},
    [F_DSTPORT] = {"dstport", FK_UINT, "", 1,
		   "destination port (ICMP: type * 256 + code)"},
    [F_PROTO] = {"proto", FK_UINT, "", 1, "IP protocol number"},
    [F_FLAGS] =
	{"flags", FK_UINT, "bits", 1,
	 "OR of TCP flags (FIN 1, SYN 2, RST 4, PUSH 8, ACK 16, URG 32)"},
    [F_TOS] = {"tos", FK_UINT, "", 1, "IP type of service byte"},
    [F_PACKETS] = {"packets", FK_UINT, "packets", 0, "packets"},
    [F_BYTES] = {"bytes", FK_UINT, "bytes", 0,
		 "bytes (IP total length summed)"},
    [F_EXPORTER] = {"exporter", FK_IP, "IPv4/IPv6", 1,
		    "address of the exporter"},
    [F_INIF] = {"inif", FK_UINT, "ifIndex", 1, "input interface"},
    [F_OUTIF] = {"outif", FK_UINT, "ifIndex", 1, "output interface"},
    [F_NEXTHOP] = {"nexthop", FK_IP, "IPv4/IPv6", 1, "next-hop router"},
    [F_SRCAS] = {"srcas", FK_UINT, "AS", 1, "source AS"},
    [F_DSTAS] = {"dstas", FK_UINT, "AS", 1, "destination AS"},
    [F_SRCMASK] = {"srcmask", FK_UINT, "bits", 1, "source prefix length"},
    [F_DSTMASK] = {"dstmask", FK_UINT, "bits", 1, "destination prefix length"},
    [F_ENGINE_TYPE] = {"engine_type", FK_UINT, "", 1, "exporter engine type"},
    [F_ENGINE_ID] = {"engine_id", FK_UINT, "", 1, "exporter engine id"},
    [F_BPS] = {"bps", FK_UINT, "bits/s", 0,
	       "bytes * 8 / duration (0 if the duration is 0)"},
    [F_PPS] = {"pps", FK_UINT, "packets/s", 0,
	       "packets / duration (0 if the duration is 0)"},
    [F_IPVERSION] = {"ipversion", FK_UINT, "", 1,
		     "IP version of the flow: 4 or 6"},
    [F_BPP] = {"bpp", FK_UINT, "bytes/packet", 0, "bytes / packets"},
    [F_FLOWS] = {"flows", FK_UINT, "flows", 0,
		 "flows folded into an aggregated row"},
};

/* Other spellings people type (nfdump's and flow-tools' words). */
static const struct {
	const char *alias;
	int id;
} aliases[] = {
    {"srcaddr", F_SRCIP},   {"dstaddr", F_DSTIP},   {"sport", F_SRCPORT},
    {"dport", F_DSTPORT},   {"prot", F_PROTO},	    {"protocol", F_PROTO},
    {"tcp_flags", F_FLAGS}, {"in", F_INIF},	    {"out", F_OUTIF},
    {"input", F_INIF},	    {"output", F_OUTIF},    {"src_as", F_SRCAS},
    {"dst_as", F_DSTAS},    {"exaddr", F_EXPORTER}, {"router", F_EXPORTER},
    {"start", F_FIRST},	    {"end", F_LAST},
};

int
field_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < F_NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (int)i;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return aliases[i].id;
	return -1;
}

void
field_set(int id, struct flowrec *r, uint64_t v)
{
	switch (id) {
	case F_FIRST:
		r->first_ms = (int64_t)v;
		break;
	case F_LAST:
		r->last_ms = (int64_t)v;
		break;
	case F_SRCIP:
		r->srcaddr = (uint32_t)v;
		break;
	case F_SRCPORT:
		r->srcport = (uint16_t)v;
		break;
	case F_DSTIP:
		r->dstaddr = (uint32_t)v;
		break;
	case F_DSTPORT:
		r->dstport = (uint16_t)v;
		break;
	case F_PROTO:
		r->proto = (uint8_t)v;
		break;
	case F_FLAGS:
		r->tcp_flags = (uint8_t)v;
		break;
	case F_TOS:
		r->tos = (uint8_t)v;
		break;
	case F_PACKETS:
		r->packets = v;
		break;
	case F_BYTES:
		r->bytes = v;
		break;
	case F_EXPORTER:
		r->exaddr = (uint32_t)v;
		break;
	case F_INIF:
		r->input = (uint32_t)v;
		break;
	case F_OUTIF:
		r->output = (uint32_t)v;
		break;
	case F_NEXTHOP:
		r->nexthop = (uint32_t)v;
		break;
	case F_SRCAS:
		r->src_as = (uint32_t)v;
		break;
	case F_DSTAS:
		r->dst_as = (uint32_t)v;
		break;
	case F_SRCMASK:
		r->src_mask = (uint8_t)v;
		break;
	case F_DSTMASK:
		r->dst_mask = (uint8_t)v;
		break;
	case F_ENGINE_TYPE:
		r->engine_type = (uint8_t)v;
		break;
	case F_ENGINE_ID:
		r->engine_id = (uint8_t)v;
		break;
	default:
		break; /* derived fields have no storage */
	}
}

static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* 10^i for i >= 1; 0 in front, so that 0..9 count one digit. */
static const uint64_t pow10_[20] = {
    0ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};

/*
 * Decimal digits, written backwards two at a time: this is on the path of
 * every printed field, so it avoids a division per digit.  The digit count
 * comes from the bit length (log10(2) ~ 1233 / 4096) corrected by one
 * compare, not from a division loop.
 */
size_t
field_fmt_u64(uint64_t v, char *out)
{
	size_t t = (size_t)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	size_t n = t + 1 - (v < pow10_[t]);
	char *p;

	p = out + n;
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = digits2[d + 1];
		*--p = digits2[d];
	}
	if (v >= 10) {
		*--p = digits2[v * 2 + 1];
		*--p = digits2[v * 2];
	} else
		*--p = (char)('0' + v);
	return n;
}

static inline char *
octet(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = digits2[v * 2];
		*p++ = digits2[v * 2 + 1];
	} else if (v >= 10) {
		*p++ = digits2[v * 2];
		*p++ = digits2[v * 2 + 1];
	} else
		*p++ = (char)('0' + v);
	return p;
}

size_t
field_fmt_ip(uint32_t a, char *out)
{
	char *p = out;

	p = octet(p, a >> 24);
	*p++ = '.';
	p = octet(p, (a >> 16) & 0xff);
	*p++ = '.';
	p = octet(p, (a >> 8) & 0xff);
	*p++ = '.';
	p = octet(p, a & 0xff);
	return (size_t)(p - out);
}

void
field_set6(int id, struct flowrec *r, const uint8_t *a)
{
	switch (id) {
	case F_SRCIP:
		memcpy(r->src6, a, 16);
		break;
	case F_DSTIP:
		memcpy(r->dst6, a, 16);
		break;
	case F_NEXTHOP:
		memcpy(r->nexthop6, a, 16);
		break;
	case F_EXPORTER:
		memcpy(r->exaddr6, a, 16);
		r->exaf = FLOWREC_AF_INET6;
		return;
	default:
		return;
	}
	r->af = FLOWREC_AF_INET6;
}

size_t
field_fmt_ip6(const uint8_t *a, char *out)
{
	char t[INET6_ADDRSTRLEN];
	size_t n;

	if (inet_ntop(AF_INET6, a, t, sizeof(t)) == NULL)
		return 0;
	n = strlen(t);
	memcpy(out, t, n);
	return n;
}

const uint8_t *
field_addr6(int id, const struct flowrec *r)
{
	if (id == F_EXPORTER)
		return r->exaf == FLOWREC_AF_INET6 ? r->exaddr6 : NULL;
	if (!flowrec_is_v6(r))
		return NULL;
	switch (id) {
	case F_SRCIP:
		return r->src6;
	case F_DSTIP:
		return r->dst6;
	case F_NEXTHOP:
		return r->nexthop6;
	}
	return NULL;
}

size_t
field_fmt_addr(int id, const struct flowrec *r, char *out)
{
	const uint8_t *a6 = field_addr6(id, r);

	if (a6 != NULL)
		return field_fmt_ip6(a6, out);
	return field_fmt_ip((uint32_t)field_get(id, r, 1), out);
}

size_t
field_text(int id, const struct flowrec *r, uint64_t flows, char *out)
{
	uint64_t v = field_get(id, r, flows);

	if (fields[id].kind == FK_IP)
		return field_fmt_addr(id, r, out);
	if (fields[id].kind == FK_TIME)
		return (int64_t)v < 0
			   ? (out[0] = '-',
			      1 + field_fmt_u64((uint64_t) - (int64_t)v,
						out + 1))
			   : field_fmt_u64(v, out);
	return field_fmt_u64(v, out);
}
