/*
 * expiry: timeout table, flow classes and expiry runs.
 *
 * The class lists in the flow table are ordered by last packet, and every
 * flow on a list has the same idle timeout, so the first flow on a list
 * that has not timed out ends the walk of that list.  The age list does
 * the same for the maximum lifetime.  An expiry run therefore costs time
 * in proportion to the flows it expires, not to the size of the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expiry.h"
#include "flowtable.h"
#include "parse.h"

static const struct {
	const char *name;
	uint32_t def; /* softflowd's default, seconds */
} timeout_table[EXT_N] = {
    [EXT_GENERAL] = {"general", 3600},
    [EXT_TCP] = {"tcp", 3600},
    [EXT_TCP_RST] = {"tcp.rst", 120},
    [EXT_TCP_FIN] = {"tcp.fin", 300},
    [EXT_UDP] = {"udp", 300},
    [EXT_ICMP] = {"icmp", 300},
    [EXT_MAXLIFE] = {"maxlife", 604800},
    [EXT_EXPINT] = {"expint", 60},
};

static const char *const reason_names[EXR_N] = {
    [EXR_GENERAL] = "general", [EXR_TCP] = "tcp",
    [EXR_TCP_RST] = "tcp.rst", [EXR_TCP_FIN] = "tcp.fin",
    [EXR_UDP] = "udp",	       [EXR_ICMP] = "icmp",
    [EXR_MAXLIFE] = "maxlife", [EXR_OVERFLOW] = "overbytes",
    [EXR_FORCED] = "forced",   [EXR_ALL] = "expire-all",
};

void
expiry_defaults(struct timeouts *t)
{
	int i;

	for (i = 0; i < EXT_N; i++)
		t->secs[i] = timeout_table[i].def;
}

int
expiry_parse_timeout(struct timeouts *t, const char *spec)
{
	const char *eq;
	uint64_t secs;
	size_t n;
	int i;

	if ((eq = strchr(spec, '=')) == NULL)
		return -1;
	n = (size_t)(eq - spec);
	for (i = 0; i < EXT_N; i++) {
		if (strlen(timeout_table[i].name) == n &&
		    strncmp(timeout_table[i].name, spec, n) == 0)
			break;
	}
	if (i == EXT_N || parse_timespec(eq + 1, &secs) == -1 ||
	    secs > UINT32_MAX)
		return -1;
	t->secs[i] = (uint32_t)secs;
	return 0;
}

const char *
expiry_timeout_name(enum expiry_timeout i)
{
	return (unsigned)i < EXT_N ? timeout_table[i].name : "?";
}

const char *
expiry_reason_name(enum expiry_reason r)
{
	return (unsigned)r < EXR_N ? reason_names[r] : "?";
}

/* The list for error messages, made from the table once. */
const char *
expiry_timeout_names(void)
{
	static char list[EXT_N * 12];
	size_t i, n = 0;

	if (list[0] != '\0')
		return list;
	for (i = 0; i < EXT_N && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i > 0 ? ", " : "", timeout_table[i].name);
	return list;
}

size_t
expiry_run(struct flowtable *ft, const struct timeouts *t, int64_t now_ms,
	   expiry_fn fn, void *arg)
{
	struct flow *f;
	int64_t limit;
	size_t n = 0;
	unsigned c;

	for (c = 0; c < EXC_NCLASS; c++) {
		if (t->secs[c] == 0)
			continue;
		limit = (int64_t)t->secs[c] * 1000;
		while ((f = flowtable_head(ft, c)) != NULL &&
		       now_ms - flowtable_last_ms(ft, f) >= limit) {
			fn(arg, f, (enum expiry_reason)c);
			flowtable_remove(ft, f);
			n++;
		}
	}
	if (t->secs[EXT_MAXLIFE] != 0) {
		limit = (int64_t)t->secs[EXT_MAXLIFE] * 1000;
		while ((f = flowtable_oldest(ft)) != NULL &&
		       now_ms - flowtable_first_ms(ft, f) >= limit) {
			fn(arg, f, EXR_MAXLIFE);
			flowtable_remove(ft, f);
			n++;
		}
	}
	return n;
}

size_t
expiry_all(struct flowtable *ft, enum expiry_reason why, expiry_fn fn,
	   void *arg)
{
	struct flow *f;
	size_t n = 0;

	while ((f = flowtable_oldest(ft)) != NULL) {
		fn(arg, f, why);
		flowtable_remove(ft, f);
		n++;
	}
	return n;
}

size_t
expiry_rebase(struct flowtable *ft, int64_t now_ms, expiry_fn fn, void *arg)
{
	struct flow *f;
	size_t n = 0;
	unsigned c;

	for (c = 0; c < EXC_NCLASS; c++) {
		while ((f = flowtable_head(ft, c)) != NULL &&
		       now_ms - flowtable_last_ms(ft, f) > EXPIRY_IDLE_MAX_MS) {
			fn(arg, f, (enum expiry_reason)c);
			flowtable_remove(ft, f);
			n++;
		}
	}
	flowtable_rebase(ft, now_ms);
	return n;
}
