/*
 * ipfix_gen: write an IPFIX file of n made-up flows, for the tests.
 *
 *   ipfix_gen FILE N ZLEVEL [SEED]
 *
 * Flows mix IPv4 and IPv6, with exporters of both families, every field
 * varied; a deterministic generator, so a seed always gives the same file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipfixfile.h"
#include "../unit/testrng.h"

static uint64_t state;

static uint32_t
rnd(void)
{
	return xorshift32(&state);
}

static void
make(struct flowrec *r, unsigned long i)
{
	int k;

	memset(r, 0, sizeof(*r));
	r->first_ms = 1764000000000LL + (int64_t)i * 37;
	r->last_ms = r->first_ms + rnd() % 30000;
	r->packets = 1 + rnd() % 1000;
	r->bytes = r->packets * (40 + rnd() % 1460);
	r->input = rnd() % 70000;
	r->output = rnd() % 70000;
	r->src_as = rnd();
	r->dst_as = rnd() % 65536;
	r->obs_domain = rnd() % 4;
	r->sampling = rnd() % 2 ? 0 : 100;
	r->proto = (uint8_t)(rnd() % 2 ? 6 : 17);
	r->srcport = (uint16_t)rnd();
	r->dstport = (uint16_t)(rnd() % 1024);
	r->vlan = (uint16_t)(rnd() % 4096);
	r->tos = (uint8_t)rnd();
	r->tcp_flags = r->proto == 6 ? (uint8_t)(rnd() & 0x3f) : 0;
	r->end_reason = (uint8_t)(1 + rnd() % 5);
	if (i % 3 == 1) {
		r->af = FLOWREC_AF_INET6;
		r->src6[0] = 0x20;
		r->src6[1] = 0x01;
		r->src6[2] = 0x0d;
		r->src6[3] = 0xb8;
		memcpy(r->dst6, r->src6, 4);
		for (k = 12; k < 16; k++) {
			r->src6[k] = (uint8_t)rnd();
			r->dst6[k] = (uint8_t)rnd();
		}
		r->src_mask = 48;
		r->dst_mask = 64;
	} else {
		r->srcaddr = 0x0a000000u | (rnd() & 0xffff);
		r->dstaddr = 0xc0a80000u | (rnd() & 0xffff);
		r->nexthop = 0x0a0000fe;
		r->src_mask = 16;
		r->dst_mask = 24;
	}
	if (i % 5 == 2) {
		r->exaf = FLOWREC_AF_INET6;
		r->exaddr6[15] = 1;
	} else {
		r->exaddr = 0x7f000001;
	}
}

int
main(int argc, char **argv)
{
	struct ipfw_opts o = {.zlevel = -1, .cap_start = 1764000000};
	struct ipfw_counts c = {.cap_end = 1764000300, .exaddr = 0x7f000001};
	struct ipfix_writer *w;
	struct flowrec r;
	unsigned long i, n;
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: ipfix_gen FILE N ZLEVEL [SEED]\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	o.zlevel = atoi(argv[3]);
	state = argc > 4 ? strtoull(argv[4], NULL, 10) : 88172645463325252ULL;
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    (w = ipfw_new(fd, &o)) == NULL) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		make(&r, i);
		if (ipfw_write(w, &r, 1) == -1) {
			perror("write");
			return 1;
		}
	}
	if (ipfw_close(w, &c) == -1 || close(fd) == -1) {
		perror("close");
		return 1;
	}
	return 0;
}
