// SPDX-License-Identifier: GPL-2.0
/*
 * csum_rewrite: a tc program doing destination NAT on IPv4 UDP/TCP packets,
 * the way load balancers written for tc do it. The rule is nat_cfg[0]:
 * a packet whose destination address equals match_daddr gets new_daddr, and
 * one whose destination port equals match_dport gets new_dport (a zero match
 * field disables that half). All fields are in network byte order.
 *
 * The IPv4 header is read with direct packet access, the variable-offset L4
 * header with bpf_skb_load_bytes() (no pointer arithmetic for the verifier
 * to track). Checksums are fixed incrementally, each in one of the two ways the helpers
 * allow:
 *  - address: bpf_csum_diff() computes the difference once, then
 *    bpf_l3_csum_replace() (IP header) and bpf_l4_csum_replace() with
 *    BPF_F_PSEUDO_HDR (the address is part of the L4 pseudo header) apply it
 *    as a diff (from = 0, size = 0);
 *  - port: bpf_l4_csum_replace() with the old and new 2-byte values.
 * UDP uses BPF_F_MARK_MANGLED_0 so that a zero ("no checksum") UDP checksum
 * stays zero. The bytes are written with bpf_skb_store_bytes(), the port
 * with BPF_F_INVALIDATE_HASH since the flow changes. nat_stats counts address
 * and port rewrites. Returns TC_ACT_OK; the output packet is the result.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_DADDR_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))

struct nat_rule {
	__be32 match_daddr;
	__be32 new_daddr;
	__be16 match_dport;
	__be16 new_dport;
};

enum {
	NAT_STAT_ADDR,
	NAT_STAT_PORT,
	NAT_STAT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nat_rule);
} nat_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NAT_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} nat_stats SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *cnt = bpf_map_lookup_elem(&nat_stats, &key);

	if (cnt)
		__sync_fetch_and_add(cnt, 1);
}

SEC("tc")
int nat_rewrite(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	__u32 l4_off, csum_off, key = 0;
	__u64 mangled0 = 0;
	struct nat_rule *rule;
	__be32 old_daddr;
	__be16 old_dport;
	__u8 proto;
	__s64 diff;

	rule = bpf_map_lookup_elem(&nat_cfg, &key);
	if (!rule)
		return TC_ACT_OK;
	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (iph->ihl < 5 || (iph->frag_off & bpf_htons(0x1fff)))
		return TC_ACT_OK;
	l4_off = ETH_HLEN + iph->ihl * 4;
	proto = iph->protocol;
	old_daddr = iph->daddr;

	if (proto == IPPROTO_UDP) {
		struct udphdr uh;

		if (bpf_skb_load_bytes(skb, l4_off, &uh, sizeof(uh)))
			return TC_ACT_OK;
		old_dport = uh.dest;
		csum_off = l4_off + offsetof(struct udphdr, check);
		mangled0 = BPF_F_MARK_MANGLED_0;
	} else if (proto == IPPROTO_TCP) {
		struct tcphdr th;

		if (bpf_skb_load_bytes(skb, l4_off, &th, sizeof(th)))
			return TC_ACT_OK;
		old_dport = th.dest;
		csum_off = l4_off + offsetof(struct tcphdr, check);
	} else {
		return TC_ACT_OK;
	}

	/* Packet pointers are invalid after the first store: only offsets below. */
	if (rule->match_daddr && old_daddr == rule->match_daddr) {
		__be32 new_daddr = rule->new_daddr;

		diff = bpf_csum_diff(&old_daddr, 4, &new_daddr, 4, 0);
		if (bpf_skb_store_bytes(skb, IP_DADDR_OFF, &new_daddr, 4, 0))
			return TC_ACT_SHOT;
		if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, diff, 0))
			return TC_ACT_SHOT;
		if (bpf_l4_csum_replace(skb, csum_off, 0, diff, BPF_F_PSEUDO_HDR | mangled0))
			return TC_ACT_SHOT;
		bump(NAT_STAT_ADDR);
	}
	if (rule->match_dport && old_dport == rule->match_dport) {
		__be16 new_dport = rule->new_dport;
		/* dest is at offset 2 in both the UDP and the TCP header */
		__u32 dport_off = l4_off + 2;

		if (bpf_l4_csum_replace(skb, csum_off, old_dport, new_dport,
					sizeof(__u16) | mangled0))
			return TC_ACT_SHOT;
		if (bpf_skb_store_bytes(skb, dport_off, &new_dport, sizeof(new_dport),
					BPF_F_INVALIDATE_HASH))
			return TC_ACT_SHOT;
		bump(NAT_STAT_PORT);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
