// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE questions about types the kernel has too, with the same layout
 * (UAPI headers: iphdr and ipv6hdr, whose saddr/daddr sit in an anonymous
 * union, ethhdr, enum xdp_action), so libbpf's answers on the kernel are
 * the program's own: aot (bpfaot-cc replaces each builtin by its answer),
 * interp (the unrelocated bytecode) and the kernel (relocated by libbpf)
 * must give the same. Input: the 64-byte packet 00..3f.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

__u64 answers[10];

SEC("xdp")
int core_kernel(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + 14;
	struct iphdr *ip = data + 18;

	if ((void *)(ip6 + 1) > end || (void *)(ip + 1) > end)
		return XDP_ABORTED;
	answers[0] = BPF_CORE_READ_BITFIELD(ip, ihl);		/* byte 18 = 0x12: 2 */
	answers[1] = BPF_CORE_READ_BITFIELD(ip, version);	/* 1 */
	answers[2] = bpf_core_field_offset(ip->daddr);		/* 16 */
	answers[3] = bpf_core_field_size(ip->saddr);		/* 4 */
	answers[4] = bpf_core_field_exists(ip6->flow_lbl);	/* 1 */
	answers[5] = bpf_core_field_offset(ip6->daddr);		/* 24 */
	answers[6] = bpf_core_field_size(ip6->flow_lbl);	/* 3 */
	answers[7] = bpf_core_type_size(struct ethhdr);		/* 14 */
	answers[8] = bpf_core_type_exists(struct ipv6hdr);	/* 1 */
	answers[9] = bpf_core_enum_value(enum xdp_action, XDP_REDIRECT); /* 4 */
	/* 2 + 1 + 16 + 4 + 1 + 24 + 3 + 14 + 1 + 4 = 70 */
	return answers[0] + answers[1] + answers[2] + answers[3] + answers[4] + answers[5] +
	       answers[6] + answers[7] + answers[8] + answers[9];
}

char LICENSE[] SEC("license") = "GPL";
