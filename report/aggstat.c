/*
 * aggstat: the names of the -s statistics and of the orders, and the
 * table specs behind them (aggregate.h).
 */
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "aggregate.h"

const char *const agg_order_names[O_NORDERS] = {
    "flows", "packets", "bytes", "bps", "pps", "bpp", "tstart", "tend",
};

static const int order_fields[O_NORDERS] = {
    F_FLOWS, F_PACKETS, F_BYTES, F_BPS, F_PPS, F_BPP, F_FIRST, F_LAST,
};

int
agg_order_field(enum order o)
{
	return order_fields[o];
}

int
agg_order_lookup(const char *name)
{
	int i;

	for (i = 0; i < O_NORDERS; i++)
		if (strcmp(agg_order_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- the -s statistics ---- */

#define K1(a)                                                                  \
	{                                                                      \
		1, {a}, 0, 0                                                   \
	}
#define EITHER(a, b)                                                           \
	{                                                                      \
		1, {a}, 1, b                                                   \
	}

static const struct statdef statdefs[] = {
    {"srcip", K1(F_SRCIP), NULL},
    {"dstip", K1(F_DSTIP), NULL},
    {"ip", EITHER(F_SRCIP, F_DSTIP), "ip"},
    {"srcport", K1(F_SRCPORT), NULL},
    {"dstport", K1(F_DSTPORT), NULL},
    {"port", EITHER(F_SRCPORT, F_DSTPORT), "port"},
    {"proto", K1(F_PROTO), NULL},
    {"tos", K1(F_TOS), NULL},
    {"pair", {2, {F_SRCIP, F_DSTIP}, 0, 0}, NULL},
    {"conversation",
     {5, {F_SRCIP, F_SRCPORT, F_DSTIP, F_DSTPORT, F_PROTO}, 0, 0},
     NULL},
    {"exporter", K1(F_EXPORTER), NULL},
    {"inif", K1(F_INIF), NULL},
    {"outif", K1(F_OUTIF), NULL},
    {"srcas", K1(F_SRCAS), NULL},
    {"dstas", K1(F_DSTAS), NULL},
};

const struct statdef *
agg_stat_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(statdefs) / sizeof(statdefs[0]); i++)
		if (strcmp(statdefs[i].name, name) == 0)
			return &statdefs[i];
	return NULL;
}

/* Join names[from..to) with spaces after what buf already holds. */
static void
join_names(char *buf, size_t len, const char *const *names, size_t from,
	   size_t to)
{
	size_t i, n = strlen(buf);

	for (i = from; i < to && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      names[i]);
}

const char *
agg_stat_names(void)
{
	static const char *names[sizeof(statdefs) / sizeof(statdefs[0])];
	static char list[256];
	size_t i;

	if (list[0] == '\0') {
		for (i = 0; i < sizeof(statdefs) / sizeof(statdefs[0]); i++)
			names[i] = statdefs[i].name;
		join_names(list, sizeof(list), names, 0, i);
	}
	return list;
}

const char *
agg_order_list(int with_times)
{
	static char counts[128], all[128];

	if (counts[0] == '\0') {
		join_names(counts, sizeof(counts), agg_order_names, 0,
			   O_TSTART);
		join_names(all, sizeof(all), agg_order_names, O_TSTART,
			   O_NORDERS);
		join_names(all, sizeof(all), agg_order_names, 0, O_TSTART);
	}
	return with_times ? all : counts;
}
