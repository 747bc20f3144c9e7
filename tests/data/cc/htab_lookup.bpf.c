// SPDX-License-Identifier: MIT
/*
 * Lookups in hash maps, which bpfaot-cc inlines (the walk of the runtime's
 * table in the program, rewriters/inline_maps.c), with keys of 4, 6 (a
 * tail shorter than a word) and 20 bytes (two words and a tail), on a map
 * small enough for its 4 buckets to chain, through deletes and the reuse
 * of a freed element. tests/check_e2e_cc.c expects res[] as the
 * interpreter leaves it and these values, worked out by hand on fresh
 * maps (one run):
 *
 *   res[0]  small[k] = 10 * k for k = 1..6, BPF_ANY: four fit, the fifth
 *           and sixth are -E2BIG (-7): the sum of the returns, -14
 *   res[1]  the sum over k = 0..7 of small[k] if found, else 1000:
 *           1000 + 10 + 20 + 30 + 40 + 3 * 1000 = 4100
 *   res[2]  small[2] deleted, then looked up: not found, 1
 *   res[3]  small[9] = 90 takes the freed element: looked up, 90
 *   res[4]  small[3], in a chain the delete relinked: 30
 *   res[5]  *small[1] += 5 through the pointer a lookup gives, then a
 *           second lookup reads it: 15
 *   res[6]  wide{a = i, b = 3 * i} = 100 + i for i = 0..2; wide{1, 3}: 101
 *   res[7]  wide{1, 4}, which differs from a key in its tail only: not
 *           found, 1
 *   res[8]  big{x = i << 40, y = ~i, z = i} = 7 * i for i = 1, 2;
 *           big{1 << 40, ~1, 1}: 7
 *   res[9]  big{1 << 40, ~1, 2}, the tail differs: not found, 1
 *   res[10] big{2 << 40, ~2, 2} through a void pointer: 14
 *
 * Per-CPU maps, whose lookups give the value of the CPU the program runs
 * on (CPU 0 here; tests/check_e2e_cst.c runs the program on another):
 *   res[11] *pc_arr[k] += 10 + k for k = 0..4: index 4 is past max_entries
 *           4, the one NULL: 1
 *   res[12] pc_arr[2] read back: 12
 *   res[13] pc_hash[7] = 70 from the program, looked up: 70
 *   res[14] *pc_hash[7] += 1 through the pointer, looked up again: 71
 *
 * An LRU hash of 2 entries (the runtime's LRU is exact, docs/runtime.md):
 *   res[15] lru[1] = 100, lru[2] = 200, a lookup of 1 makes it the most
 *           recently used, so lru[3] = 300 evicts 2: 2 not found (1), plus
 *           lru[1] (100) and lru[3] (300): 401
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct wide_key {
	__u32 a;
	__u16 b;
} __attribute__((packed));

struct big_key {
	__u64 x;
	__u64 y;
	__u32 z;
} __attribute__((packed));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} small SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct wide_key);
	__type(value, __u32);
} wide SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct big_key);
	__type(value, __u64);
} big SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pc_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pc_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __s64);
} res SEC(".maps");

static __always_inline void put(__u32 i, __s64 v)
{
	bpf_map_update_elem(&res, &i, &v, BPF_ANY);
}

SEC("xdp")
int htab(struct xdp_md *ctx)
{
	struct wide_key wk = {};
	struct big_key bk = {};
	const void *kp;
	__s64 sum = 0;
	__u64 *v, val;
	__u32 *w, k, wv;

	for (k = 1; k <= 6; k++) {
		val = 10 * k;
		sum += bpf_map_update_elem(&small, &k, &val, BPF_ANY);
	}
	put(0, sum);
	sum = 0;
	for (k = 0; k < 8; k++) {
		v = bpf_map_lookup_elem(&small, &k);
		sum += v ? *v : 1000;
	}
	put(1, sum);
	k = 2;
	bpf_map_delete_elem(&small, &k);
	put(2, bpf_map_lookup_elem(&small, &k) == 0);
	k = 9;
	val = 90;
	bpf_map_update_elem(&small, &k, &val, BPF_ANY);
	v = bpf_map_lookup_elem(&small, &k);
	put(3, v ? *v : -1);
	k = 3;
	v = bpf_map_lookup_elem(&small, &k);
	put(4, v ? *v : -1);
	k = 1;
	v = bpf_map_lookup_elem(&small, &k);
	if (v)
		*v += 5;
	v = bpf_map_lookup_elem(&small, &k);
	put(5, v ? *v : -1);

	for (k = 0; k < 3; k++) {
		wk.a = k;
		wk.b = 3 * k;
		wv = 100 + k;
		bpf_map_update_elem(&wide, &wk, &wv, BPF_ANY);
	}
	wk.a = 1;
	wk.b = 3;
	w = bpf_map_lookup_elem(&wide, &wk);
	put(6, w ? *w : -1);
	wk.b = 4;
	put(7, bpf_map_lookup_elem(&wide, &wk) == 0);

	for (k = 1; k <= 2; k++) {
		bk.x = (__u64)k << 40;
		bk.y = ~(__u64)k;
		bk.z = k;
		val = 7 * k;
		bpf_map_update_elem(&big, &bk, &val, BPF_ANY);
	}
	bk.x = 1ull << 40;
	bk.y = ~1ull;
	bk.z = 1;
	v = bpf_map_lookup_elem(&big, &bk);
	put(8, v ? *v : -1);
	bk.z = 2;
	put(9, bpf_map_lookup_elem(&big, &bk) == 0);
	bk.x = 2ull << 40;
	bk.y = ~2ull;
	kp = &bk;
	v = bpf_map_lookup_elem(&big, kp);
	put(10, v ? *v : -1);

	sum = 0;
	for (k = 0; k <= 4; k++) {
		v = bpf_map_lookup_elem(&pc_arr, &k);
		if (v)
			*v += 10 + k;
		else
			sum++;
	}
	put(11, sum);
	k = 2;
	v = bpf_map_lookup_elem(&pc_arr, &k);
	put(12, v ? *v : -1);
	k = 7;
	val = 70;
	bpf_map_update_elem(&pc_hash, &k, &val, BPF_ANY);
	v = bpf_map_lookup_elem(&pc_hash, &k);
	put(13, v ? *v : -1);
	if (v)
		*v += 1;
	v = bpf_map_lookup_elem(&pc_hash, &k);
	put(14, v ? *v : -1);

	for (k = 1; k <= 2; k++) {
		val = 100 * k;
		bpf_map_update_elem(&lru, &k, &val, BPF_ANY);
	}
	k = 1;
	bpf_map_lookup_elem(&lru, &k);
	k = 3;
	val = 300;
	bpf_map_update_elem(&lru, &k, &val, BPF_ANY);
	k = 2;
	sum = bpf_map_lookup_elem(&lru, &k) == 0;
	k = 1;
	v = bpf_map_lookup_elem(&lru, &k);
	sum += v ? *v : 0;
	k = 3;
	v = bpf_map_lookup_elem(&lru, &k);
	sum += v ? *v : 0;
	put(15, sum);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
