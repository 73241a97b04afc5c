/*
 * parse: the value syntaxes shared by our command lines.
 *
 * All functions return 0 on success and -1 on a malformed or out-of-range
 * value, leaving the output untouched; callers name the flag in the error.
 */
#ifndef NFKIT_PARSE_H
#define NFKIT_PARSE_H

#include <stdint.h>
#include <sys/socket.h>

/* Decimal integer in [min, max], nothing after it. */
int parse_u64(const char *, uint64_t min, uint64_t max, uint64_t *);
/*
 * Time spec as softflowd: a number with optional unit s, m, h, d, w, and
 * several such terms in a row ("1h30m", "300", "2d").  Result in seconds.
 */
int parse_timespec(const char *, uint64_t *secs);
/* Size: bytes, or with suffix b (512-byte blocks), K, M, G (1024-based). */
int parse_size(const char *, uint64_t *bytes);
/*
 * host:port or [v6addr]:port (numeric addresses, or a name resolved with
 * getaddrinfo).  Port 1..65535 required.
 */
int parse_hostport(const char *, struct sockaddr_storage *, socklen_t *);

/* localip/remoteip/port, e.g. 0/0/8818 (0 = any), IPv6 allowed. */
struct capspec {
	struct sockaddr_storage local;	/* port set; family AF_UNSPEC if 0 */
	struct sockaddr_storage remote; /* family AF_UNSPEC = any exporter */
	uint16_t port;
};
int parse_capspec(const char *, struct capspec *);

#endif
