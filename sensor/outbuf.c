/*
 * outbuf: growable text buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "outbuf.h"

void
outbuf_init(struct outbuf *o)
{
	o->p = NULL;
	o->len = o->cap = 0;
	o->failed = 0;
}

void
outbuf_free(struct outbuf *o)
{
	free(o->p);
	outbuf_init(o);
}

static int
grow(struct outbuf *o, size_t need)
{
	size_t cap;
	char *p;

	if (o->len + need + 1 <= o->cap)
		return 0;
	for (cap = o->cap ? o->cap : 256; cap < o->len + need + 1; cap *= 2)
		;
	if ((p = realloc(o->p, cap)) == NULL) {
		o->failed = 1;
		return -1;
	}
	o->p = p;
	o->cap = cap;
	return 0;
}

void
outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(o, (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void
outbuf_json_string(struct outbuf *o, const char *s)
{
	outbuf_printf(o, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			outbuf_printf(o, "\\%c", c);
		else if (c < 0x20)
			outbuf_printf(o, "\\u%04x", c);
		else
			outbuf_printf(o, "%c", c);
	}
	outbuf_printf(o, "\"");
}
