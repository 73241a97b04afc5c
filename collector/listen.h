/*
 * listen: the collector's UDP sockets and batched receive.
 *
 * Each localip/remoteip/port spec becomes one socket, or two (IPv4 and
 * IPv6) when the local address is "0".  Datagrams are taken in batches with
 * recvmmsg() into buffers allocated once at start, so receiving allocates
 * nothing.  Each message comes with its source, the local address it was
 * sent to (IP_PKTINFO) and whether the spec's remote filter refuses it; the
 * kernel's count of datagrams dropped for lack of buffer space
 * (SO_RXQ_OVFL) is kept per socket.
 */
#ifndef NFKIT_COLLECTOR_LISTEN_H
#define NFKIT_COLLECTOR_LISTEN_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "parse.h"

#define LISTEN_VLEN 64 /* datagrams per recvmmsg() */
/*
 * Larger than any valid datagram: v5 needs 1480 bytes, but v9 and IPFIX
 * exporters on jumbo-frame links send up to 9000.
 */
#define LISTEN_BUFSZ 9216
#define LISTEN_MAXSOCK 32

struct listen_msg {
	const uint8_t *data;
	size_t len;
	int truncated; /* longer than LISTEN_BUFSZ */
	int filtered;  /* refused by the spec's remote filter */
	struct exp_addr src;
	struct exp_addr dst;
	uint16_t sport; /* the source's UDP port, host order */
};

struct listener;

/*
 * Open and bind a socket per spec and address family, asking for rcvbuf
 * bytes of receive buffer (SO_RCVBUFFORCE when permitted).  Logs what the
 * kernel granted.  NULL on failure, after logging why.
 */
struct listener *listen_open(const struct capspec *, size_t nspecs, int rcvbuf);
void listen_close(struct listener *);
/* Fill pfd[0..n) with the sockets (events POLLIN); returns n. */
size_t listen_pollfds(struct listener *, struct pollfd *, size_t max);
/*
 * Receive up to LISTEN_VLEN datagrams without waiting from socket i (the
 * index in listen_pollfds order).  *msgs points at them until the next
 * call.  Returns the count, 0 if none were waiting, -1 on error.
 */
int listen_recv(struct listener *, size_t i, struct listen_msg **msgs);
/*
 * How full socket i's receive buffer is, in 1/scale of it (SO_MEMINFO:
 * the memory its queued datagrams take against the buffer's size); 0
 * where the kernel does not say.
 */
unsigned listen_fill(const struct listener *, size_t i, unsigned scale);
/* Datagrams the kernel dropped on all sockets (SO_RXQ_OVFL), so far. */
uint64_t listen_kernel_drops(const struct listener *);

#endif
