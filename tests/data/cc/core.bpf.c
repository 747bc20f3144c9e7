// SPDX-License-Identifier: GPL-2.0
/*
 * Two programs: 'plain' compiles to native code; 'core' asks a CO-RE
 * question (__builtin_preserve_field_info through bpf_core_field_exists,
 * line 28, column 6) that has no native meaning, so it keeps only its
 * bytecode. On the interpreter 'core' returns XDP_TX (3): the field exists.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_like {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

SEC("xdp")
int plain(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int core(struct xdp_md *ctx)
{
	struct task_like *t = (void *)(long)ctx->data;

	if (bpf_core_field_exists(t->tgid))
		return XDP_TX;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
