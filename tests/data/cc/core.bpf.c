// SPDX-License-Identifier: GPL-2.0
/*
 * Two programs: 'plain' compiles to native code; 'core' asks for a BTF
 * type id (__builtin_btf_type_id through bpf_core_type_id_local, line 28,
 * column 6), which has no native meaning, so it keeps only its bytecode.
 * On the interpreter 'core' returns XDP_TX (3): the id is not 0.
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
	/* the id of one of the program's own BTF types */

	if (bpf_core_type_id_local(struct task_like))
		return XDP_TX;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
