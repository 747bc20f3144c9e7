// SPDX-License-Identifier: MIT
/* Rejected by the verifier: reads the packet without a bounds check. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_oob(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;

	return p[100];
}

char LICENSE[] SEC("license") = "GPL";
