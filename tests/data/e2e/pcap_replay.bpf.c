// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program of check_e2e_pcap: parses Ethernet, one VLAN tag, IPv4
 * or IPv6, then TCP, UDP or ICMP, and decides:
 *   - a header cut short (capture or packet truncated): XDP_ABORTED;
 *   - ICMP and ICMPv6: XDP_DROP;
 *   - UDP to port 53: XDP_TX with the MAC addresses swapped;
 *   - anything else: XDP_PASS, a VLAN tag popped first (bpf_xdp_adjust_head).
 * counts[class] counts packets and bytes per class (0 TCP, 1 UDP, 2 ICMP,
 * 3 other L3/L4, 4 truncated); by_src counts IPv4 packets per source.
 * -DPLANT_VERDICT makes UDP to port 7777 a drop, -DPLANT_MAP counts ICMP
 * bytes one too high, in the native code only (__BPFAOT_NATIVE__: the BPF compile
 * of the same command stays the honest bytecode, so the native code still
 * carries its hash): the planted differences --compare must find.
 * Counting stays exact when several processes share the maps
 * (--maps-shm): atomic adds, and a lost insert race falls back to one.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct rec {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, struct rec);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} by_src SEC(".maps");

static __always_inline void count(__u32 cls, __u64 bytes)
{
	struct rec *r = bpf_map_lookup_elem(&counts, &cls);

	if (r) {
		__sync_fetch_and_add(&r->packets, 1);
		__sync_fetch_and_add(&r->bytes, bytes);
	}
}

SEC("xdp")
int xdp_replay(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct ethhdr *eth = data;
	void *l4;
	__u16 proto;
	__u8 l4proto;
	int vlan = 0;

	if ((void *)(eth + 1) > data_end)
		goto trunc;
	proto = eth->h_proto;
	l4 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vh = l4;

		if ((void *)(vh + 1) > data_end)
			goto trunc;
		proto = vh->proto;
		l4 = vh + 1;
		vlan = 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l4;
		__u64 one = 1, *n;
		__u32 src;

		if ((void *)(ip + 1) > data_end || ip->ihl < 5)
			goto trunc;
		l4proto = ip->protocol;
		src = ip->saddr;
		l4 = (void *)ip + ip->ihl * 4;
		n = bpf_map_lookup_elem(&by_src, &src);
		/* another process (maps in shared memory) may insert first */
		if (!n && bpf_map_update_elem(&by_src, &src, &one, BPF_NOEXIST))
			n = bpf_map_lookup_elem(&by_src, &src);
		if (n)
			__sync_fetch_and_add(n, 1);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l4;

		if ((void *)(ip6 + 1) > data_end)
			goto trunc;
		l4proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		count(3, len);
		return XDP_PASS;
	}
	if (l4proto == IPPROTO_ICMP || l4proto == IPPROTO_ICMPV6) {
		if (l4 + 8 > data_end)
			goto trunc;
#if defined(PLANT_MAP) && defined(__BPFAOT_NATIVE__)
		count(2, len + 1);
#else
		count(2, len);
#endif
		return XDP_DROP;
	}
	if (l4proto == IPPROTO_TCP) {
		if (l4 + sizeof(struct tcphdr) > data_end)
			goto trunc;
		count(0, len);
	} else if (l4proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			goto trunc;
		count(1, len);
#if defined(PLANT_VERDICT) && defined(__BPFAOT_NATIVE__)
		if (uh->dest == bpf_htons(7777))
			return XDP_DROP;
#endif
		if (uh->dest == bpf_htons(53)) {
			unsigned char mac[ETH_ALEN];

			__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
			__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
			__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
			return XDP_TX;
		}
	} else {
		count(3, len);
	}
	if (vlan) {
		/* pop the tag: the MACs move 4 bytes up, the head follows */
		unsigned char macs[2 * ETH_ALEN];

		__builtin_memcpy(macs, eth, sizeof(macs));
		if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct vlan_hdr)))
			return XDP_ABORTED;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		if (data + sizeof(macs) > data_end)
			return XDP_ABORTED;
		__builtin_memcpy(data, macs, sizeof(macs));
	}
	return XDP_PASS;
trunc:
	count(4, len);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
