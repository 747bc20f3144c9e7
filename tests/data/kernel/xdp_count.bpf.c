// SPDX-License-Identifier: MIT
/* XDP: counts runs per CPU in runs[0] (u32), adds p[1] into counts[p[0] & 3], bumps p[2], returns (p[0] + p[3]) & 3. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} runs SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = 0, *r;
	__u64 *v;

	r = bpf_map_lookup_elem(&runs, &key);
	if (r)
		*r += 1;

	if ((void *)(p + 4) > end)
		return XDP_ABORTED;
	key = p[0] & 3;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		*v += p[1];
	p[2] += 1;
	return (p[0] + p[3]) & 3;
}

char LICENSE[] SEC("license") = "GPL";
