/*
 * capture: the packet source, live (-i) or a file (-r), through libpcap.
 *
 * Opening checks the link type against the decoder's table, so an
 * unsupported link type is a startup error that names it.  Packets go to
 * a callback with their timestamp, bytes and caplen.
 */
#ifndef NFKIT_CAPTURE_H
#define NFKIT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct linktype;

struct capture_config {
	const char *iface;  /* -i, or NULL */
	const char *file;   /* -r, or NULL */
	const char *filter; /* BPF expression, or NULL */
	int promisc;	    /* 1 unless -N */
	int snaplen;	    /* -C bytes, 0 = libpcap default */
	int bufsize;	    /* -B bytes, 0 = libpcap default */
};

/*
 * A live capture hands packets over in blocks, each at the latest this
 * many milliseconds after its first packet arrived: a packet can reach
 * the caller that much after its timestamp (see capture_open).
 */
#define CAPTURE_BLOCK_MS 100

typedef void (*capture_fn)(void *arg, const struct timeval *ts,
			   const uint8_t *bytes, uint32_t caplen);

struct capture;

/* NULL with a message in err on failure. */
struct capture *capture_open(const struct capture_config *, char *err,
			     size_t errlen);
void capture_close(struct capture *);
const struct linktype *capture_linktype(const struct capture *);
const char *capture_name(const struct capture *);
/* A descriptor for poll(), -1 for a file. */
int capture_fd(const struct capture *);
/*
 * Hand up to max packets to fn.  Returns the number handed, 0 if none
 * were waiting, -1 at the end of a file, -2 on error (see capture_error).
 */
int capture_read(struct capture *, int max, capture_fn fn, void *arg);
const char *capture_error(const struct capture *);
/* pcap_stats(); -1 if not available (files). */
int capture_stats(struct capture *, uint64_t *recv, uint64_t *drop,
		  uint64_t *ifdrop);

#endif
