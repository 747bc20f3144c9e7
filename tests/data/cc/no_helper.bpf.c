// SPDX-License-Identifier: GPL-2.0
/*
 * Calls bpf_xdp_load_bytes (helper 189), which the kernel has and
 * runtime/helpers.c's table does not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int load_bytes(struct xdp_md *ctx)
{
	__u8 b[4];

	return bpf_xdp_load_bytes(ctx, 0, b, sizeof(b)) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
