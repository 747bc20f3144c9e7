// SPDX-License-Identifier: MIT
/*
 * The user-space half: opens and loads the skeleton, runs the XDP program
 * once on a 64-byte IPv4 frame with BPF_PROG_TEST_RUN, reads the IPv4
 * counter from the map and the byte total from .bss, and prints them.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "xdp_stats.skel.h"

int main(void)
{
	unsigned char pkt[64] = { 0 };
	struct counter { __u64 packets, bytes; } c = { 0, 0 };
	struct xdp_stats *skel;
	__u32 key = 0;
	int err;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 1);

	pkt[12] = 0x08; /* EtherType 0x0800: IPv4 */
	skel = xdp_stats__open_and_load();
	if (!skel) {
		fprintf(stderr, "xdp_stats: cannot open and load the skeleton\n");
		return 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_stats_prog), &opts);
	if (!err)
		err = bpf_map__lookup_elem(skel->maps.stats, &key, sizeof(key), &c, sizeof(c), 0);
	if (err) {
		fprintf(stderr, "xdp_stats: %s\n", strerror(-err));
		xdp_stats__destroy(skel);
		return 1;
	}
	printf("retval=%u packets=%llu bytes=%llu total=%llu\n", opts.retval,
	       (unsigned long long)c.packets, (unsigned long long)c.bytes,
	       (unsigned long long)skel->bss->total_bytes);
	xdp_stats__destroy(skel);
	return 0;
}
