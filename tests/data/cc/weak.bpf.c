// SPDX-License-Identifier: MIT
/*
 * A __weak __hidden function and a __weak map, as libbpf's usdt.bpf.h
 * declares bpf_usdt_arg() and its spec maps: the native compile makes
 * functions static, which a weak one cannot be, so the rewrite drops
 * __weak there. By hand, on a 64-byte packet: twice(64) = 128, plus the
 * map's empty slot 0: retval 128.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} weak_map SEC(".maps") __weak;

__weak __hidden int twice(int x)
{
	return 2 * x;
}

SEC("xdp")
int weak_user(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&weak_map, &k);

	return twice(ctx->data_end - ctx->data) + (v ? *v : 1000);
}

char LICENSE[] SEC("license") = "GPL";
