/*
 * fuzz_ctl: libFuzzer harness for the sensor's control protocol
 * (sensor/ctlproto.c), which both nfsensord and nfctl trust to frame what
 * arrives on the control socket.
 *
 * The input is a byte stream as a peer could send it.  It is parsed with
 * the pure header parser, then read message by message with
 * ctlproto_recv() from a memfd into a payload buffer of exactly cap bytes
 * on the heap (cap chosen by the first byte, so ASan sees any write past
 * it), until the stream ends or a bad header stops it.  Every REQUEST's
 * command id and every payload as a name go through the command table.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int memfd = -1;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const size_t caps[] = {0, 1, 4, 64, 512, CTL_MAXPAYLOAD};
	struct ctl_msghdr h;
	uint8_t *payload;
	char name[64];
	size_t cap, n;
	int rc, msgs = 0;

	if (len < 1)
		return 0;
	cap = caps[data[0] % (sizeof(caps) / sizeof(caps[0]))];
	data++;
	len--;

	if (ctlproto_parse_header(data, len, &h) == 0) {
		uint8_t back[CTL_HDRLEN];

		if (len < CTL_HDRLEN || h.version != CTL_VERSION ||
		    h.len > CTL_MAXPAYLOAD)
			abort();
		ctlproto_put_header(back, &h);
		if (memcmp(back, data, CTL_HDRLEN) != 0)
			abort();
	}

	if (memfd == -1 && (memfd = memfd_create("fuzz_ctl", 0)) == -1)
		abort();
	if (ftruncate(memfd, 0) == -1 ||
	    pwrite(memfd, data, len, 0) != (ssize_t)len ||
	    lseek(memfd, 0, SEEK_SET) != 0)
		abort();
	if ((payload = malloc(cap > 0 ? cap : 1)) == NULL)
		return 0;
	while ((rc = ctlproto_recv(memfd, &h, payload, cap)) == 0) {
		if (h.len > cap)
			abort();
		if (h.type == CTL_T_REQUEST && h.len >= 1)
			(void)ctlproto_command_by_id(payload[0]);
		n = h.len < sizeof(name) - 1 ? h.len : sizeof(name) - 1;
		memcpy(name, payload, n);
		name[n] = '\0';
		(void)ctlproto_command(name);
		if (++msgs > 100000)
			abort(); /* no progress */
	}
	if (rc != -1 && rc != -2)
		abort();
	free(payload);
	return 0;
}
