// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_counter: the smallest useful XDP program. Every packet is passed, and
 * the packet and byte counts of that action are added to an ARRAY map indexed
 * by the XDP action (the xdp-tutorial "stats" layout). The counters are
 * updated with atomic adds because one array slot is shared by every CPU.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct datarec {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDP_REDIRECT + 1);
	__type(key, __u32);
	__type(value, struct datarec);
} xdp_stats SEC(".maps");

static __always_inline __u32 account(struct xdp_md *ctx, __u32 action)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct datarec *rec;

	rec = bpf_map_lookup_elem(&xdp_stats, &action);
	if (!rec)
		return XDP_ABORTED;
	__sync_fetch_and_add(&rec->packets, 1);
	__sync_fetch_and_add(&rec->bytes, (__u64)(data_end - data));
	return action;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	return account(ctx, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
