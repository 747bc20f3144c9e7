// SPDX-License-Identifier: MIT
/*
 * Helpers declared as katran's and older kernel samples' headers declare
 * them: the id is an enumerator of enum bpf_func_id
 * (`= (void *)BPF_FUNC_map_lookup_elem`), not a number. Native code that
 * called them through the pointer jumped to address 1. By hand: key 2 is
 * absent, so update stores 5, lookup finds it, 5 + 7 = 12 is stored and
 * 12 + 3 = 15 returned.
 */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

static void *(*bpf_map_lookup_elem)(void *map, void *key) = (void *)
	BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, void *key, void *value,
				   unsigned long long flags) = (void *)BPF_FUNC_map_update_elem;

struct {
	int (*type)[BPF_MAP_TYPE_HASH];
	int (*max_entries)[4];
	__u32 *key;
	__u64 *value;
} counts SEC(".maps");

SEC("xdp")
int enum_ids(struct xdp_md *ctx)
{
	__u32 k = 2;
	__u64 five = 5;
	__u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (!v) {
		bpf_map_update_elem(&counts, &k, &five, BPF_ANY);
		v = bpf_map_lookup_elem(&counts, &k);
		if (!v)
			return 1;
	}
	*v += 7;
	return (int)*v + 3;
}

char LICENSE[] SEC("license") = "GPL";
