// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_firewall: drops packets whose IPv4 or IPv6 source address is listed in
 * a HASH map (blocked_v4 / blocked_v6, value = hit counter). fw_config[0]
 * holds flags: FW_ENABLED (bit 1) turns filtering on, FW_DROP_V6 (bit 0)
 * drops every IPv6 packet. fw_stats counts verdicts (FW_STAT_*). With the
 * default, all-zero configuration every packet is passed.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define FW_DROP_V6 (1u << 0)
#define FW_ENABLED (1u << 1)

enum fw_stat {
	FW_STAT_PASS,
	FW_STAT_DROP_V4,
	FW_STAT_DROP_V6,
	FW_STAT_MALFORMED,
	FW_STAT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fw_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* IPv4 source address, network order */
	__type(value, __u64); /* packets dropped for it */
} blocked_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct in6_addr);
	__type(value, __u64);
} blocked_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} fw_stats SEC(".maps");

static __always_inline int verdict(__u32 stat, int action)
{
	__u64 *cnt = bpf_map_lookup_elem(&fw_stats, &stat);

	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	return action;
}

static __always_inline int check_v4(struct iphdr *iph)
{
	__u32 saddr = iph->saddr;
	__u64 *hits = bpf_map_lookup_elem(&blocked_v4, &saddr);

	if (!hits)
		return verdict(FW_STAT_PASS, XDP_PASS);
	__sync_fetch_and_add(hits, 1);
	return verdict(FW_STAT_DROP_V4, XDP_DROP);
}

static __always_inline int check_v6(struct ipv6hdr *ip6h, __u32 flags)
{
	struct in6_addr saddr = ip6h->saddr;
	__u64 *hits;

	if (flags & FW_DROP_V6)
		return verdict(FW_STAT_DROP_V6, XDP_DROP);
	hits = bpf_map_lookup_elem(&blocked_v6, &saddr);
	if (!hits)
		return verdict(FW_STAT_PASS, XDP_PASS);
	__sync_fetch_and_add(hits, 1);
	return verdict(FW_STAT_DROP_V6, XDP_DROP);
}

SEC("xdp")
int xdp_fw(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u32 key = 0, flags;
	__u32 *cfg;

	cfg = bpf_map_lookup_elem(&fw_config, &key);
	flags = cfg ? *cfg : 0;
	if (!(flags & FW_ENABLED))
		return verdict(FW_STAT_PASS, XDP_PASS);

	if ((void *)(eth + 1) > data_end)
		return verdict(FW_STAT_MALFORMED, XDP_DROP);

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end || iph->version != 4)
			return verdict(FW_STAT_MALFORMED, XDP_DROP);
		return check_v4(iph);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > data_end)
			return verdict(FW_STAT_MALFORMED, XDP_DROP);
		return check_v6(ip6h, flags);
	}
	return verdict(FW_STAT_PASS, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
