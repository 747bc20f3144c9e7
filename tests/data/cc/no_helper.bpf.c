// SPDX-License-Identifier: GPL-2.0
/*
 * Calls bpf_xdp_get_buff_len (helper 188), which the kernel has and
 * runtime/helpers.c's table does not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int buff_len(struct xdp_md *ctx)
{
	return bpf_xdp_get_buff_len(ctx) > 100 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
