/*
 * test_sensor_capture: the packet source on files.  A classic pcap file is
 * read in place through a mapping; a file that another process cuts shorter
 * while it is being read must end as a damaged file (an error the caller
 * reports, the packets before it kept), not kill the sensor with SIGBUS.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../sensor/capture.h"
#include "unit.h"

#define NPKT 4000
#define PKTLEN 1000

/* Ethernet + IPv4 + UDP packets of PKTLEN bytes, little-endian pcap. */
static void
write_capture(const char *path)
{
	static uint8_t pkt[PKTLEN];
	uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	uint32_t rh[4];
	FILE *f;
	int i;

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08; /* IPv4 */
	pkt[14] = 0x45;
	pkt[16] = (PKTLEN - 14) >> 8;
	pkt[17] = (PKTLEN - 14) & 0xff;
	pkt[22] = 64;
	pkt[23] = 17; /* UDP */
	pkt[26] = 10;
	pkt[29] = 1; /* 10.0.0.1 -> 10.0.0.2 */
	pkt[30] = 10;
	pkt[33] = 2;
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	/* The magic and versions as the two 16-bit fields of a LE file. */
	ck_assert_int_eq(fwrite(gh, 4, 6, f), 6);
	for (i = 0; i < NPKT; i++) {
		rh[0] = 1700000000 + i / 100;
		rh[1] = (uint32_t)(i % 100) * 10000;
		rh[2] = rh[3] = PKTLEN;
		pkt[34] = (uint8_t)(i >> 8); /* source port varies */
		pkt[35] = (uint8_t)i;
		ck_assert_int_eq(fwrite(rh, 4, 4, f), 4);
		ck_assert_int_eq(fwrite(pkt, 1, PKTLEN, f), PKTLEN);
	}
	ck_assert_int_eq(fclose(f), 0);
}

static void
count(void *arg, const struct timeval *ts, const uint8_t *bytes,
      uint32_t caplen)
{
	(void)ts;
	/* Touch the bytes, as the decoder would. */
	if (caplen > 0 && bytes[caplen - 1] == 0xff)
		abort();
	(*(int *)arg)++;
}

START_TEST(whole_file)
{
	char path[] = "/tmp/test_sensor_capture.XXXXXX";
	struct capture_config cfg;
	struct capture *c;
	char err[512];
	int fd, n = 0, rc;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	write_capture(path);
	memset(&cfg, 0, sizeof(cfg));
	cfg.file = path;
	ck_assert_ptr_nonnull(c = capture_open(&cfg, err, sizeof(err)));
	while ((rc = capture_read(c, 100, count, &n)) > 0)
		;
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(n, NPKT);
	capture_close(c);
	unlink(path);
}
END_TEST

START_TEST(cut_while_reading)
{
	char path[] = "/tmp/test_sensor_capture.XXXXXX";
	struct capture_config cfg;
	struct capture *c;
	char err[512];
	int fd, n = 0;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	write_capture(path);
	memset(&cfg, 0, sizeof(cfg));
	cfg.file = path;
	ck_assert_ptr_nonnull(c = capture_open(&cfg, err, sizeof(err)));
	ck_assert_int_eq(capture_read(c, 10, count, &n), 10);
	/* Another process cuts the file to its first page. */
	ck_assert_int_eq(truncate(path, 4096), 0);
	ck_assert_int_eq(capture_read(c, -1, count, &n), -2);
	ck_assert_ptr_nonnull(strstr(capture_error(c), "cut short"));
	/* The packets inside the first page still counted. */
	ck_assert_int_ge(n, 10);
	ck_assert_int_lt(n, NPKT);
	capture_close(c);
	unlink(path);
}
END_TEST

UNIT_MAIN_TESTS("capture", 0, whole_file, cut_while_reading)
