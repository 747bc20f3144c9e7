// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_stats: counts packets and bytes per EtherType class in an ARRAY map
 * (0 = IPv4, 1 = IPv6, 2 = other) and keeps a running byte total in .bss;
 * `min_len` (.rodata, set before load) drops shorter frames.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct counter {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, struct counter);
} stats SEC(".maps");

const volatile __u32 min_len = 14;
__u64 total_bytes = 0;

SEC("xdp")
int xdp_stats_prog(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u64 len = data_end - data;
	struct counter *c;
	__u32 key = 2;

	if (len < min_len || (void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		key = 0;
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		key = 1;
	c = bpf_map_lookup_elem(&stats, &key);
	if (!c)
		return XDP_ABORTED;
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, len);
	total_bytes += len;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
