// SPDX-License-Identifier: MIT
/* The trivial program of the run-loop measurement: XDP_PASS, nothing else. */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

SEC("xdp")
int ret2(struct xdp_md *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
