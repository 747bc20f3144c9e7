// SPDX-License-Identifier: GPL-2.0
/*
 * The object that tests/check_e2e_cc.c corrupts: one XDP program with a
 * HASH map (value 16, max 5) and helper calls that native code keeps as
 * calls into the runtime (the test compiles it with --aot-no-inline-helpers
 * and --aot-no-inline-maps: bpf_ktime_get_ns and the lookup would be
 * inlined). On any packet it returns XDP_PASS (2).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct victim_val {
	__u64 packets;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, struct victim_val);
} victim_map SEC(".maps");

SEC("xdp")
int victim(struct xdp_md *ctx)
{
	struct victim_val init = { 1, 0 }, *v;
	__u32 key = ctx->data_end - ctx->data;

	v = bpf_map_lookup_elem(&victim_map, &key);
	if (v) {
		v->packets++;
		v->last_ns = bpf_ktime_get_ns();
	} else {
		init.last_ns = bpf_ktime_get_ns();
		bpf_map_update_elem(&victim_map, &key, &init, BPF_ANY);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
