/*
 * ctlproto: framing and the command table of the control protocol.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ctlproto.h"

static const struct ctl_command commands[] = {
    {CTL_CMD_STATISTICS, "statistics", "show counters"},
    {CTL_CMD_SHUTDOWN, "shutdown", "export every flow, then exit"},
    {CTL_CMD_EXIT, "exit", "exit now, exporting nothing"},
    {CTL_CMD_EXPIRE_ALL, "expire-all", "expire and export every flow"},
    {CTL_CMD_DELETE_ALL, "delete-all", "forget every flow, unexported"},
    {CTL_CMD_DUMP_FLOWS, "dump-flows", "list the active flows"},
    {CTL_CMD_TIMEOUTS, "timeouts", "show the timeouts"},
    {CTL_CMD_START_GATHER, "start-gather", "resume capturing"},
    {CTL_CMD_STOP_GATHER, "stop-gather", "pause capturing"},
    {CTL_CMD_DEBUG_MORE, "debug+", "raise the debug level"},
    {CTL_CMD_DEBUG_LESS, "debug-", "lower the debug level"},
    {CTL_CMD_SEND_TEMPLATE, "send-template", "send the v9/IPFIX templates now"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct ctl_command *
ctlproto_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

const struct ctl_command *
ctlproto_command_by_id(unsigned id)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if ((unsigned)commands[i].id == id)
			return &commands[i];
	return NULL;
}

const struct ctl_command *
ctlproto_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}

int
ctlproto_parse_header(const uint8_t *buf, size_t len, struct ctl_msghdr *h)
{
	struct cursor c;
	struct ctl_msghdr t;

	buf_cur_init(&c, buf, len);
	buf_get_u8(&c, &t.version);
	buf_get_u8(&c, &t.type);
	buf_get_u16be(&c, &t.flags);
	buf_get_u32be(&c, &t.len);
	if (c.failed || t.version != CTL_VERSION || t.type < CTL_T_REQUEST ||
	    t.type > CTL_T_END || t.len > CTL_MAXPAYLOAD)
		return -1;
	*h = t;
	return 0;
}

void
ctlproto_put_header(uint8_t *out, const struct ctl_msghdr *h)
{
	struct wcursor w;

	buf_wcur_init(&w, out, CTL_HDRLEN);
	buf_put_u8(&w, h->version);
	buf_put_u8(&w, h->type);
	buf_put_u16be(&w, h->flags);
	buf_put_u32be(&w, h->len);
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctlproto_send(int fd, enum ctl_type type, uint16_t flags, const void *payload,
	      size_t len)
{
	uint8_t hdr[CTL_HDRLEN];
	struct ctl_msghdr h;

	if (len > CTL_MAXPAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	h.version = CTL_VERSION;
	h.type = (uint8_t)type;
	h.flags = flags;
	h.len = (uint32_t)len;
	ctlproto_put_header(hdr, &h);
	if (write_all(fd, hdr, sizeof(hdr)) == -1)
		return -1;
	return len > 0 ? write_all(fd, payload, len) : 0;
}

int
ctlproto_send_data(int fd, uint16_t flags, const char *s, size_t len)
{
	size_t n;

	while (len > 0) {
		n = len > CTL_MAXPAYLOAD ? CTL_MAXPAYLOAD : len;
		if (ctlproto_send(fd, CTL_T_DATA, flags, s, n) == -1)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

int
ctlproto_send_end(int fd, uint32_t status, const char *msg)
{
	uint8_t buf[4 + 512];
	struct wcursor w;
	size_t mlen = msg != NULL ? strlen(msg) : 0;

	if (mlen > 512)
		mlen = 512;
	buf_wcur_init(&w, buf, sizeof(buf));
	buf_put_u32be(&w, status);
	if (mlen > 0)
		buf_put_bytes(&w, msg, mlen);
	return ctlproto_send(fd, CTL_T_END, 0, buf, w.off);
}

uint8_t *
ctlproto_frame_reply(uint16_t flags, const char *text, size_t len,
		     uint32_t status, const char *msg, size_t *outlen)
{
	struct ctl_msghdr h = {CTL_VERSION, CTL_T_DATA, flags, 0};
	size_t mlen = msg != NULL ? strlen(msg) : 0;
	size_t nmsg = (len + CTL_MAXPAYLOAD - 1) / CTL_MAXPAYLOAD;
	size_t n, total;
	uint8_t *out, *p;

	if (mlen > 512)
		mlen = 512;
	/* Every DATA message and the END carry one header each. */
	total = len + nmsg * CTL_HDRLEN + CTL_HDRLEN + 4 + mlen;
	if (total < len || (out = malloc(total)) == NULL)
		return NULL;
	p = out;
	while (len > 0) {
		n = len > CTL_MAXPAYLOAD ? CTL_MAXPAYLOAD : len;
		h.len = (uint32_t)n;
		ctlproto_put_header(p, &h);
		memcpy(p + CTL_HDRLEN, text, n);
		p += CTL_HDRLEN + n;
		text += n;
		len -= n;
	}
	h.type = CTL_T_END;
	h.flags = 0;
	h.len = (uint32_t)(4 + mlen);
	ctlproto_put_header(p, &h);
	p += CTL_HDRLEN;
	p[0] = (uint8_t)(status >> 24);
	p[1] = (uint8_t)(status >> 16);
	p[2] = (uint8_t)(status >> 8);
	p[3] = (uint8_t)status;
	if (mlen > 0)
		memcpy(p + 4, msg, mlen);
	*outlen = total;
	return out;
}

int
ctlproto_recv(int fd, struct ctl_msghdr *h, uint8_t *payload, size_t cap)
{
	uint8_t hdr[CTL_HDRLEN];

	if (read_all(fd, hdr, sizeof(hdr)) == -1)
		return -1;
	if (ctlproto_parse_header(hdr, sizeof(hdr), h) == -1 || h->len > cap)
		return -2;
	return h->len > 0 ? read_all(fd, payload, h->len) : 0;
}
