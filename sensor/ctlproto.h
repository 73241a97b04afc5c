/*
 * ctlproto: the control protocol between nfsensord and nfctl.
 *
 * Every message is an 8-byte header and a payload:
 *
 *   offset 0  u8   version (CTL_VERSION)
 *          1  u8   type (enum ctl_type)
 *          2  u16  flags, big-endian (CTL_F_JSON)
 *          4  u32  payload length, big-endian, at most CTL_MAXPAYLOAD
 *
 * nfctl sends one REQUEST whose payload is the command id (1 byte); the
 * daemon answers with zero or more DATA messages (text or JSON, split at
 * CTL_MAXPAYLOAD) and exactly one END, whose payload is a 4-byte status
 * (0 = done) and an optional message.  Lengths are checked before any
 * payload is read, so a peer cannot make the other side read or allocate
 * more than CTL_MAXPAYLOAD.  Both programs use this one header and the one
 * command table below.
 */
#ifndef NFKIT_CTLPROTO_H
#define NFKIT_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#define CTL_VERSION 1
#define CTL_HDRLEN 8
#define CTL_MAXPAYLOAD 65536
#define CTL_F_JSON 0x0001

enum ctl_type {
	CTL_T_REQUEST = 1,
	CTL_T_DATA = 2,
	CTL_T_END = 3,
};

struct ctl_msghdr {
	uint8_t version;
	uint8_t type;
	uint16_t flags;
	uint32_t len;
};

/* The commands, softflowctl's names. */
enum ctl_cmd {
	CTL_CMD_STATISTICS = 1,
	CTL_CMD_SHUTDOWN,
	CTL_CMD_EXIT,
	CTL_CMD_EXPIRE_ALL,
	CTL_CMD_DELETE_ALL,
	CTL_CMD_DUMP_FLOWS,
	CTL_CMD_TIMEOUTS,
	CTL_CMD_START_GATHER,
	CTL_CMD_STOP_GATHER,
	CTL_CMD_DEBUG_MORE,
	CTL_CMD_DEBUG_LESS,
	CTL_CMD_SEND_TEMPLATE, /* v9/IPFIX: templates now */
	CTL_CMD_MAX
};

struct ctl_command {
	enum ctl_cmd id;
	const char *name;
	const char *help;
};

/* NULL if unknown. */
const struct ctl_command *ctlproto_command(const char *name);
const struct ctl_command *ctlproto_command_by_id(unsigned id);
const struct ctl_command *ctlproto_commands(size_t *n);

/*
 * Parse a header from buf (at least CTL_HDRLEN bytes): -1 if the version,
 * type or length is not acceptable.  A pure function, for the fuzzer.
 */
int ctlproto_parse_header(const uint8_t *buf, size_t len, struct ctl_msghdr *);
void ctlproto_put_header(uint8_t *out, const struct ctl_msghdr *);

/* Write one message (len <= CTL_MAXPAYLOAD).  0 or -1 with errno. */
int ctlproto_send(int fd, enum ctl_type, uint16_t flags, const void *payload,
		  size_t len);
/* Text of any length as DATA messages. */
int ctlproto_send_data(int fd, uint16_t flags, const char *, size_t);
int ctlproto_send_end(int fd, uint32_t status, const char *msg);
/*
 * A whole reply framed in memory, for a sender that must not block: text
 * of any length as DATA messages, then one END with status and an
 * optional message (at most 512 bytes of it are kept).  Returns a buffer
 * from malloc(3) holding *outlen bytes, or NULL when memory runs out.
 */
uint8_t *ctlproto_frame_reply(uint16_t flags, const char *text, size_t len,
			      uint32_t status, const char *msg, size_t *outlen);
/*
 * Read one message into payload (cap >= CTL_MAXPAYLOAD is always enough).
 * 0 on success; -1 on EOF or error (errno), -2 on a bad header.
 */
int ctlproto_recv(int fd, struct ctl_msghdr *, uint8_t *payload, size_t cap);

#endif
