// SPDX-License-Identifier: MIT
/* Global data: returns factor * 2 + bias; counts runs in .bss. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 factor = 1;
__u32 bias = 3;
__u64 runs;

SEC("xdp")
int xdp_factor(struct xdp_md *ctx)
{
	runs++;
	return factor * 2 + bias;
}

char LICENSE[] SEC("license") = "GPL";
