// SPDX-License-Identifier: MIT
/*
 * Big structs copied and cleared: the native compile calls memcpy and
 * memset for them (at -O3 and at --aot-opt=0), which the runtime's linker
 * provides. Expected values, by hand:
 *   tmp.a[i] = 3i + 1 (i < 40): sum 3 * 780 + 40 = 2380
 *   dst = src = tmp: sum(dst) = 2380
 *   memmove(src->a + 1, src->a, 15 * 8): src->a = 1, 1, 4, ..., 43, 49, 52, ...
 *   the first index where dst and src differ: a[1] (4 in dst, 1 in src), cmp = 1
 *   memset(src, 0, 39 * 8): only src->a[39] = 3 * 39 + 1 = 118 is left
 *   retval = 2380 + 118 + 1000 * cmp = 3498
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define N 40

struct big {
	__u64 a[N];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct big);
} store SEC(".maps");

SEC("xdp")
int big_copy(struct xdp_md *ctx)
{
	__u32 k0 = 0, k1 = 1;
	struct big *src = bpf_map_lookup_elem(&store, &k0);
	struct big *dst = bpf_map_lookup_elem(&store, &k1);
	struct big tmp;
	__u64 s = 0;
	int i, cmp;

	if (!src || !dst)
		return 0;
	__builtin_memset(&tmp, 0, sizeof(tmp));
	for (i = 0; i < N; i++)
		tmp.a[i] = i * 3 + 1;
	*src = tmp;
	__builtin_memcpy(dst, src, sizeof(*dst));
	__builtin_memmove(&src->a[1], &src->a[0], 15 * sizeof(__u64));
	for (cmp = 0; cmp < N && dst->a[cmp] == src->a[cmp]; cmp++)
		;
	__builtin_memset(src, 0, (N - 1) * sizeof(__u64));
	for (i = 0; i < N; i++)
		s += dst->a[i] + src->a[i];
	return (int)s + 1000 * cmp;
}

char LICENSE[] SEC("license") = "GPL";
