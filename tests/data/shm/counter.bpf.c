// SPDX-License-Identifier: GPL-2.0
/*
 * The maps of check_rt_shm: a hash, an LRU hash, a per-CPU array, an array
 * and global data, placed in shared memory; -DWIDE gives 'hits' 16-byte
 * values (an object whose maps do not match), -DEXTRA adds a map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct wide {
	__u64 n, m;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
#ifdef WIDE
	__type(value, struct wide);
#else
	__type(value, __u64);
#endif
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

#ifdef EXTRA
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} extra SEC(".maps");
#endif

__u64 total = 7;

SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 k = ctx->ingress_ifindex;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	__sync_fetch_and_add(&total, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
