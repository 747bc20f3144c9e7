// SPDX-License-Identifier: MIT
/*
 * lock_count: per-protocol counters kept under a bpf_spin_lock, as
 * programs that update several fields of a shared value consistently do:
 * eight counter slots, each updated under its lock (packets, bytes, the
 * last length). Returns the first slot's packet count's low bits.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter {
	struct bpf_spin_lock lock;
	__u32 last_len;
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

SEC("xdp")
int lock_count(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data, k;
	__u64 first = 0;

	for (k = 0; k < 8; k++) {
		struct counter *c = bpf_map_lookup_elem(&counters, &k);

		if (!c)
			return XDP_DROP;
		bpf_spin_lock(&c->lock);
		c->packets++;
		c->bytes += len;
		c->last_len = len;
		if (!k)
			first = c->packets;
		bpf_spin_unlock(&c->lock);
	}
	return first & 0x7fffffff;
}

char LICENSE[] SEC("license") = "GPL";
