// SPDX-License-Identifier: MIT
/*
 * A global whose place in the BPF object the native code built during the
 * BPF compile guesses wrong (backend/compile.c, predict_located()): a
 * static const scalar is taken to be folded into the code, but its
 * address goes to the helpers, so key0 is in .rodata, and the native code
 * is built again from the object's locations (-v says why). The program
 * stores 23 at key 0 and returns what it reads back: 23.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} vals SEC(".maps");

static const __u32 key0 = 0;

SEC("xdp")
int spec_static(struct xdp_md *ctx)
{
	__u32 v = 23, *p;

	bpf_map_update_elem(&vals, &key0, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&vals, &key0);
	return p ? *p : 0;
}

char LICENSE[] SEC("license") = "GPL";
