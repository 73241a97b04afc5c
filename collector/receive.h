/*
 * receive: the receive thread's loop.
 *
 * Waits for datagrams on every socket (ppoll, so a signal can only arrive
 * while waiting), takes them in batches, applies the remote filter, decodes
 * them into the writer's current batch, keeps the exporter table and its
 * sequence accounting, and tells the writer when to open the first file
 * (at the first valid datagram), when to rotate (each boundary, SIGHUP) and
 * when to stop (SIGTERM, SIGINT).  It also writes the -S STAT lines.
 */
#ifndef NFKIT_COLLECTOR_RECEIVE_H
#define NFKIT_COLLECTOR_RECEIVE_H

#include <signal.h>

#include "filefmt.h"

struct listener;
struct writer;
struct exporter_table;
struct fanout;
struct ipfixdec;

struct receive_config {
	struct listener *listener;
	struct writer *writer;
	struct exporter_table *exporters;
	struct fanout *fanout;	/* -f targets, NULL if none */
	struct ipfixdec *ipfix; /* v9/IPFIX template decoder */
	const char *tpldir;	/* where templates are saved, NULL: not */
	/* -V: the file format of v1/v5/v7 flows and of v9/IPFIX flows. */
	enum filefmt_id fmt_v5, fmt_v9;
	long rotate_secs; /* rotation interval */
	int stat_minutes; /* -S, 0 = off */
	/*
	 * Set by main.c's signal handlers: quit to the signal that asks to
	 * stop, hup to 1 on SIGHUP (the loop clears it).  Those signals are
	 * blocked except inside ppoll(), which waits with wait_mask.
	 */
	volatile sig_atomic_t *quit;
	volatile sig_atomic_t *hup;
	const sigset_t *wait_mask;
};

/*
 * Run until SIGTERM, SIGINT or SIGQUIT; on return the writer has been told
 * to stop.
 */
void receive_run(const struct receive_config *);

#endif
