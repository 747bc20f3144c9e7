// SPDX-License-Identifier: MIT
/*
 * csum_nat: the checksum work of a tc NAT (Cilium-style: direct packet
 * writes, then the checksum helpers), eight times per packet: the IPv4
 * destination gets rewritten to addr ^ key[i]; bpf_csum_diff computes the
 * difference, bpf_l3_csum_replace applies it to the IP header and
 * bpf_l4_csum_replace (pseudo header, UDP's MANGLED_0) to the UDP header.
 * Returns the final IP checksum. Input: inputs.py's IPv4 UDP packet.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define UDP_CSUM_OFF (ETH_HLEN + sizeof(struct iphdr) + offsetof(struct udphdr, check))
#define DADDR_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))

static const __u32 keys[8] = { 0x01000000, 0x00020000, 0x00000300, 0x00000004,
			       0x05000006, 0x00070800, 0x09000a00, 0x0b0c0d0e };

SEC("tc")
int csum_nat(struct __sk_buff *skb)
{
	int i;

	for (i = 0; i < 8; i++) {
		void *end = (void *)(long)skb->data_end;
		void *data = (void *)(long)skb->data;
		struct iphdr *ip = data + ETH_HLEN;
		__be32 old, new;
		__s64 diff;

		if ((void *)(ip + 1) + sizeof(struct udphdr) > end)
			return TC_ACT_SHOT;
		old = ip->daddr;
		new = old ^ keys[i];
		ip->daddr = new;
		diff = bpf_csum_diff(&old, 4, &new, 4, 0);
		if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, diff, 0) ||
		    bpf_l4_csum_replace(skb, UDP_CSUM_OFF, 0, diff,
					BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0))
			return TC_ACT_SHOT;
	}
	{
		void *end = (void *)(long)skb->data_end;
		struct iphdr *ip = (void *)(long)skb->data + ETH_HLEN;

		if ((void *)(ip + 1) > end)
			return TC_ACT_SHOT;
		return ip->check;
	}
}

char LICENSE[] SEC("license") = "GPL";
