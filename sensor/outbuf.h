/*
 * outbuf: a growable text buffer for control-socket replies and the
 * statistics printout.  Allocation happens per reply, never per packet.
 * If memory runs out the buffer keeps what it has and sets failed.
 */
#ifndef NFKIT_OUTBUF_H
#define NFKIT_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char *p; /* NUL-terminated text, or NULL while empty */
	size_t len;
	size_t cap;
	int failed;
};

void outbuf_init(struct outbuf *);
void outbuf_free(struct outbuf *);
void outbuf_printf(struct outbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quoted and escaped. */
void outbuf_json_string(struct outbuf *, const char *);

#endif
