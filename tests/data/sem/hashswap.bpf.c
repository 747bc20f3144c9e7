// SPDX-License-Identifier: MIT
/*
 * A program's updates of an existing hash key, as the kernel's prealloc
 * hash map does them (alloc_htab_elem: the update takes the CPU's extra
 * element and the replaced one becomes the extra). difftest's seed
 * 20261207, program 13102 found the runtime answering -E2BIG for a new key
 * after many updates in one run, where the kernel has room.
 *
 * By hand, max_entries 3: key 7 goes to element A. Five updates alternate
 * between the spare S and A (S, A, S, A, S): the fifth leaves A the spare,
 * so the write of 99 through the old pointer to A is lost: out[0] = 6. The
 * sixth update takes A again (value 7), so the write of 98 through the same
 * pointer is what a lookup sees: out[1] = 98. Keys 8 and 9 still fit
 * (out[2] = 0 + 0), key 10 does not: out[3] = -E2BIG = -7.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} h SEC(".maps");

long long out[4];

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 k = 7, k2 = 8, k3 = 9, k4 = 10, i;
	__u64 v = 1, *old, *cur;

	bpf_map_update_elem(&h, &k, &v, BPF_ANY);
	old = bpf_map_lookup_elem(&h, &k);
	if (!old)
		return 1;
	for (i = 0; i < 5; i++) {
		v = 2 + i;
		if (bpf_map_update_elem(&h, &k, &v, BPF_EXIST))
			return 2;
	}
	*old = 99;
	cur = bpf_map_lookup_elem(&h, &k);
	out[0] = cur ? *cur : -1;
	v = 7;
	if (bpf_map_update_elem(&h, &k, &v, BPF_EXIST))
		return 3;
	*old = 98;
	cur = bpf_map_lookup_elem(&h, &k);
	out[1] = cur ? *cur : -1;
	out[2] = bpf_map_update_elem(&h, &k2, &v, BPF_NOEXIST) +
		 bpf_map_update_elem(&h, &k3, &v, BPF_NOEXIST);
	out[3] = bpf_map_update_elem(&h, &k4, &v, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
