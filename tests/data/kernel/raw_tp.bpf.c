// SPDX-License-Identifier: MIT
/* Raw tracepoint: returns args[0] * 3 + args[1]. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tracepoint/sys_enter")
int raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	return ctx->args[0] * 3 + ctx->args[1];
}

char LICENSE[] SEC("license") = "GPL";
