/*
 * nfctl: control a running nfsensord over its Unix socket.
 *
 * Sends one request (a command from the shared table in ctlproto.h),
 * prints the DATA messages of the reply to stdout as they come, and exits
 * with the status carried by the END message.  With no daemon listening it
 * prints one line and exits 1.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ctlproto.h"

#define DEFAULT_CTLSOCK "/var/run/nfsensord.ctl"

static void __attribute__((noreturn)) usage(void)
{
	const struct ctl_command *c;
	size_t i, n;

	fprintf(stderr, "usage: nfctl [-hj] [-c ctlsock] command\n");
	fprintf(stderr, "commands:\n");
	c = ctlproto_commands(&n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %-14s %s\n", c[i].name, c[i].help);
	exit(1);
}

static int
connect_ctl(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(1, "-c %s: path too long", path);
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		errx(1, "cannot connect to %s: %s (is nfsensord running?)",
		     path, strerror(errno));
	return fd;
}

int
main(int argc, char **argv)
{
	static uint8_t payload[CTL_MAXPAYLOAD];
	const char *path = DEFAULT_CTLSOCK;
	const struct ctl_command *cmd;
	struct ctl_msghdr h;
	struct cursor c;
	uint32_t status;
	uint8_t id;
	int ch, fd, json = 0, rc;

	while ((ch = getopt(argc, argv, "c:hj")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if ((cmd = ctlproto_command(argv[optind])) == NULL) {
		warnx("unknown command \"%s\"", argv[optind]);
		usage();
	}

	fd = connect_ctl(path);
	id = (uint8_t)cmd->id;
	if (ctlproto_send(fd, CTL_T_REQUEST, json ? CTL_F_JSON : 0, &id, 1) ==
	    -1)
		err(1, "%s: send", path);
	for (;;) {
		rc = ctlproto_recv(fd, &h, payload, sizeof(payload));
		if (rc == -1)
			errx(1, "%s: connection closed before the reply ended",
			     path);
		if (rc == -2)
			errx(1, "%s: malformed reply", path);
		if (h.type == CTL_T_DATA) {
			fwrite(payload, 1, h.len, stdout);
			continue;
		}
		if (h.type != CTL_T_END)
			errx(1, "%s: unexpected message type %u", path, h.type);
		buf_cur_init(&c, payload, h.len);
		if (buf_get_u32be(&c, &status) == -1)
			errx(1, "%s: malformed reply", path);
		if (status != 0)
			warnx("%s: %.*s", cmd->name, (int)buf_left(&c),
			      (const char *)payload + c.off);
		break;
	}
	close(fd);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return status == 0 ? 0 : 1;
}
