// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_parser: a tc classifier that walks the headers of a packet with direct
 * packet access: Ethernet, up to two 802.1Q / 802.1ad VLAN tags, IPv4 (the
 * header length comes from IHL, so options are skipped) or IPv6 (fixed
 * header only), then TCP, UDP or ICMP. It counts packets per L4 protocol
 * number in l4_count and stores what it found about the last packet in
 * last_parse. The return value encodes the parse:
 *
 *     (vlan tags << 12) | (IP version << 8) | L4 protocol number
 *
 * and is 0xffff (PARSE_BAD) when a header is truncated or invalid.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_VLAN_TAGS 2
#define PARSE_BAD 0xffff

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

struct parse_info {
	__u16 l3_off; /* offset of the IP header */
	__u16 l4_off; /* offset of the TCP/UDP/ICMP header */
	__u16 vlan_id; /* VID of the outermost tag, 0 without tags */
	__u16 sport; /* host order, 0 when not TCP/UDP */
	__u16 dport;
	__u8 vlans;
	__u8 l4proto;
	__u16 payload_off; /* first byte after the L4 header */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32); /* IPPROTO_* */
	__type(value, __u64);
} l4_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct parse_info);
} last_parse SEC(".maps");

static __always_inline int is_vlan(__u16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

SEC("tc")
int parse_pkt(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct parse_info info = {};
	struct ethhdr *eth = data;
	__u32 ipver = 0, key = 0;
	void *cur, *l4;
	__u16 proto;
	__u64 *cnt;
	int i;

	if ((void *)(eth + 1) > data_end)
		return PARSE_BAD;
	proto = eth->h_proto;
	cur = eth + 1;

#pragma unroll
	for (i = 0; i < MAX_VLAN_TAGS; i++) {
		struct vlan_hdr *vh = cur;

		if (!is_vlan(proto))
			break;
		if ((void *)(vh + 1) > data_end)
			return PARSE_BAD;
		if (i == 0)
			info.vlan_id = bpf_ntohs(vh->h_vlan_TCI) & 0x0fff;
		proto = vh->h_vlan_encapsulated_proto;
		cur = vh + 1;
		info.vlans++;
	}

	info.l3_off = cur - data;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = cur;
		__u32 hlen;

		if ((void *)(iph + 1) > data_end || iph->version != 4)
			return PARSE_BAD;
		hlen = iph->ihl * 4;
		if (hlen < sizeof(*iph))
			return PARSE_BAD;
		if ((void *)iph + hlen > data_end)
			return PARSE_BAD;
		ipver = 4;
		info.l4proto = iph->protocol;
		l4 = (void *)iph + hlen;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = cur;

		if ((void *)(ip6h + 1) > data_end)
			return PARSE_BAD;
		ipver = 6;
		info.l4proto = ip6h->nexthdr;
		l4 = ip6h + 1;
	} else {
		return info.vlans << 12;
	}

	info.l4_off = l4 - data;
	if (info.l4proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;
		__u32 doff;

		if ((void *)(th + 1) > data_end)
			return PARSE_BAD;
		doff = th->doff * 4;
		if (doff < sizeof(*th) || l4 + doff > data_end)
			return PARSE_BAD;
		info.sport = bpf_ntohs(th->source);
		info.dport = bpf_ntohs(th->dest);
		info.payload_off = info.l4_off + doff;
	} else if (info.l4proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return PARSE_BAD;
		info.sport = bpf_ntohs(uh->source);
		info.dport = bpf_ntohs(uh->dest);
		info.payload_off = info.l4_off + sizeof(*uh);
	} else {
		info.payload_off = info.l4_off;
	}

	key = info.l4proto;
	cnt = bpf_map_lookup_elem(&l4_count, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	key = 0;
	bpf_map_update_elem(&last_parse, &key, &info, BPF_ANY);

	return (info.vlans << 12) | (ipver << 8) | info.l4proto;
}

char LICENSE[] SEC("license") = "GPL";
