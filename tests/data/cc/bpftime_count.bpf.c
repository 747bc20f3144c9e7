// SPDX-License-Identifier: MIT
/* The bytecode beside bpftime_count.c: adds 5 to hits[1], returns XDP_PASS. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");
SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);
	if (v)
		*v += 5;
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
