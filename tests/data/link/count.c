/* SPDX-License-Identifier: MIT */
/* XDP counter: a hash map updated through helpers, an inlined array map,
 * a .rodata constant and a .bss counter. */
#include "native.h"

#ifdef __bpf__
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} counts SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} stats SEC(".maps");
const volatile __u32 weight = 3;
__u64 hits = 0;
#else
extern char counts[], stats[];
extern __u64 __bpfaot_map_values_stats[];
extern const volatile __u32 weight;
extern __u64 hits;
#endif

PROG("xdp", xdp_count, struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 *v, one = weight;
	__u32 key, slot;

	if (p + 14 > end)
		return XDP_ABORTED;
	key = p[12] & 15;
	slot = p[13] & 3;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		*v += weight;
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	hits++;
#ifdef __bpf__
	v = bpf_map_lookup_elem(&stats, &slot);
	if (v)
		*v += hits;
#else
	__bpfaot_map_values_stats[slot] += hits;
#endif
	return key == 0 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
