/*
 * export: expired flows out to collectors as NetFlow datagrams.
 *
 * Export formats are a table of versions ({version, records per datagram,
 * encoder}); v5 is the only one now.  Records queue until a datagram is
 * full or export_flush() is called at the end of an expiry run; the same
 * datagram goes to every destination, each with its own counters.
 */
#ifndef NFKIT_EXPORT_H
#define NFKIT_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "flowrec.h"

#define EXPORT_MAXDEST	16

struct export_dest {
	char		name[256];	/* as given: host:port */
	uint64_t	datagrams;	/* sent without error */
	uint64_t	flows;		/* records in those datagrams */
	uint64_t	failures;	/* send errors */
	int		fd;
};

struct export_stats {
	uint64_t	flows;		/* records handed to the network */
	uint64_t	datagrams;	/* datagrams built */
	uint64_t	failures;	/* sends that failed, all destinations */
	uint64_t	unexportable;	/* flows this version cannot carry */
};

struct export;

/*
 * A datagram observer, called with every datagram built (before sending);
 * tests use it to see the export without a network.
 */
typedef void	(*export_sink)(void *arg, const uint8_t *dgram, size_t len);

/* NULL if the version is not in the table. */
struct export	*export_new(int version);
void		 export_free(struct export *);
int		 export_version_supported(int version);
const char	*export_versions(void);		/* "5", for messages */

/* Engine type/id and the sampling field of the datagram header. */
void		 export_set_engine(struct export *, uint8_t type, uint8_t id);
void		 export_set_sampling(struct export *, uint16_t field);
void		 export_set_sink(struct export *, export_sink, void *);
/*
 * Add destinations: "host:port", "[v6]:port", or several separated by
 * commas.  -1 (errno or a malformed value) names the offending part in
 * *bad when bad is not NULL.
 */
int		 export_parse_dests(struct export *, const char *spec,
		    const char **bad);
size_t		 export_ndests(const struct export *);
const struct export_dest *export_dest(const struct export *, size_t);

/*
 * Queue one expired flow; sends a datagram when it is full.  now_ms is
 * the sensor clock (unix ms), boot_ms the sensor's start (sys_uptime 0).
 * Returns 0, or -1 if this version cannot carry the flow (IPv6 in v5).
 */
int		 export_flow(struct export *, const struct flowrec *, int af,
		    int64_t now_ms, int64_t boot_ms);
void		 export_flush(struct export *, int64_t now_ms,
		    int64_t boot_ms);
const struct export_stats *export_stats(const struct export *);

#endif
