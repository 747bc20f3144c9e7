// SPDX-License-Identifier: GPL-2.0
/* Does not compile: a missing ';' (line 9, column 37). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 n = ctx->data_end - ctx->data
	return n;
}
