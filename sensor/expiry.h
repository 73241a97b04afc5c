/*
 * expiry: when a flow ends.
 *
 * Timeouts carry softflowd's names and defaults and are set with
 * "-t name=time".  A flow's class (its protocol and whether a TCP RST or FIN
 * was seen) chooses its idle timeout; each class is one ordered list in the
 * flow table, so an expiry run only looks at list heads and never scans
 * the whole table.
 */
#ifndef NFKIT_EXPIRY_H
#define NFKIT_EXPIRY_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>

struct flow;
struct flowtable;

/* Flow classes = flow table lists. */
enum expiry_class {
	EXC_GENERAL = 0,
	EXC_TCP,
	EXC_TCP_RST, /* a RST was seen */
	EXC_TCP_FIN, /* a FIN was seen */
	EXC_UDP,
	EXC_ICMP,
	EXC_NCLASS
};

/* Timeouts, in seconds; index = class for the idle ones. */
enum expiry_timeout {
	EXT_GENERAL = EXC_GENERAL,
	EXT_TCP = EXC_TCP,
	EXT_TCP_RST = EXC_TCP_RST,
	EXT_TCP_FIN = EXC_TCP_FIN,
	EXT_UDP = EXC_UDP,
	EXT_ICMP = EXC_ICMP,
	EXT_MAXLIFE, /* longest a flow may live, even if busy */
	EXT_EXPINT,  /* seconds between expiry runs */
	EXT_N
};

/* Why a flow was expired; the statistics keep one counter per reason. */
enum expiry_reason {
	EXR_GENERAL = EXC_GENERAL, /* idle, by class */
	EXR_TCP = EXC_TCP,
	EXR_TCP_RST = EXC_TCP_RST,
	EXR_TCP_FIN = EXC_TCP_FIN,
	EXR_UDP = EXC_UDP,
	EXR_ICMP = EXC_ICMP,
	EXR_MAXLIFE,  /* lived longer than maxlife */
	EXR_OVERFLOW, /* a 32-bit v5 counter would have overflowed */
	EXR_FORCED,   /* table full: least recently used flow evicted */
	EXR_ALL,      /* expire-all, shutdown or end of file */
	EXR_N
};

struct timeouts {
	uint32_t secs[EXT_N]; /* 0 = never (expint 0: every packet) */
};

void expiry_defaults(struct timeouts *);
/* "name=time" as in -t; -1 if the name or the time is not valid. */
int expiry_parse_timeout(struct timeouts *, const char *spec);
const char *expiry_timeout_name(enum expiry_timeout);
const char *expiry_reason_name(enum expiry_reason);
const char *expiry_timeout_names(void); /* for error messages */

/* Inline: the meter asks once per packet. */
static inline enum expiry_class
expiry_class_of(uint8_t proto, uint8_t tcp_flags)
{
	switch (proto) {
	case IPPROTO_TCP:
		if (tcp_flags & TH_RST)
			return EXC_TCP_RST;
		if (tcp_flags & TH_FIN)
			return EXC_TCP_FIN;
		return EXC_TCP;
	case IPPROTO_UDP:
		return EXC_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return EXC_ICMP;
	default:
		return EXC_GENERAL;
	}
}

/*
 * Calls fn for every flow that is idle past its class timeout or older
 * than maxlife at now_ms, then removes it from the table.  Returns the
 * number expired.
 */
typedef void (*expiry_fn)(void *arg, struct flow *, enum expiry_reason);
size_t expiry_run(struct flowtable *, const struct timeouts *, int64_t now_ms,
		  expiry_fn fn, void *arg);
/*
 * Before the clock passes the flow table's epoch by FT_SPAN_MS: expire
 * (as idle in its class) every flow idle longer than EXPIRY_IDLE_MAX_MS,
 * then move the table's epoch forward.  So an idle timeout above 24.8
 * days acts as at most 49.7 days, and exactly as set when a flow's idle
 * time ends before the next rebase.  Returns the number expired.
 */
#define EXPIRY_IDLE_MAX_MS (FT_SPAN_MS / 2)
size_t expiry_rebase(struct flowtable *, int64_t now_ms, expiry_fn fn,
		     void *arg);
/* Every flow, oldest first, with the given reason. */
size_t expiry_all(struct flowtable *, enum expiry_reason, expiry_fn fn,
		  void *arg);

#endif
