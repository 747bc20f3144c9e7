// SPDX-License-Identifier: MIT
/*
 * bpf_skb_adjust_room (50) and bpf_get_socket_cookie (46) as the kernel's
 * test run of a tc program has them (issue 8). The packet
 * (check_e2e_sem.c) is 64 bytes: an Ethernet header with type IPv4, a
 * 20-byte IPv4 header (bytes 14..33: 45 00 00 32 00 01 00 00 40 11 00 00
 * 0a 00 00 01 0a 00 00 02), then bytes 34..63 holding 34..63. By hand:
 *   res[0] grow 8 at the network layer (after the IPv4 header): 0;
 *   res[1] len 72; res[2] byte 34 (new, zero) * 256 + byte 42 (old 34): 34;
 *   res[3] shrink 8 there: 0; res[4] len * 1000 + byte 34: 64034;
 *   res[5] a difference of 0x1000: -EFAULT (-14);
 *   res[6] mode 7: -ENOTSUPP (-524);
 *   res[7] grow 20 at the MAC layer, encapsulating in IPv4: 0;
 *   res[8] len * 1000 + byte 34 (the old IPv4 header's first byte, 0x45):
 *     84069; res[9] the same again: -EALREADY (-114), encapsulated;
 *   res[10] shrink 30 at the MAC layer: 0 (70 bytes after the MAC header,
 *     40 left >= 20); res[11] len * 1000 + byte 20 (was byte 30 of the
 *     packet, 0x0a): 54010;
 *   retval: the socket's cookie is non-zero and the same twice: 1.
 * skbproto, bpf_skb_change_proto (31) on the same packet: pr[0] IPv4 to
 *   IPv4: -ENOTSUPP (-524); pr[1] flags 1: -EINVAL (-22); pr[2] to IPv6: 0;
 *   pr[3] len * 1000 + byte 14 (new, zero) * 256 + byte 34 (the IPv4
 *   header's first, 0x45): 84069; pr[4] the protocol, htons(ETH_P_IPV6)
 *   read on little-endian: 0xdd86 = 56710; pr[5] back to IPv4: 0, the 20
 *   bytes after the MAC header go; pr[6] len * 1000 + byte 14: 64069;
 *   pr[7] protocol 8; pr[8] to ARP: -ENOTSUPP; retval 1; the packet out is
 *   the packet in.
 * tracecookie (not for the kernel: the sockets are made up), with a context
 * of two socket pointers: cookies count from 1 per object, the same
 * pointer keeps its cookie, NULL has none: ck = [1, 2, 1, 0].
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

long long res[12];

static __attribute__((noinline)) long byte_at(struct __sk_buff *skb, __u32 off)
{
	__u8 b = 0xee;

	if (bpf_skb_load_bytes(skb, off, &b, 1))
		return -1;
	return b;
}

SEC("tc")
int skbroom(struct __sk_buff *skb)
{
	__u64 c1, c2;

	res[0] = bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0);
	res[1] = skb->len;
	res[2] = byte_at(skb, 34) * 256 + byte_at(skb, 42);
	res[3] = bpf_skb_adjust_room(skb, -8, BPF_ADJ_ROOM_NET, 0);
	res[4] = skb->len * 1000 + byte_at(skb, 34);
	res[5] = bpf_skb_adjust_room(skb, 0x1000, BPF_ADJ_ROOM_MAC, 0);
	res[6] = bpf_skb_adjust_room(skb, 4, 7, 0);
	res[7] = bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4);
	res[8] = skb->len * 1000 + byte_at(skb, 34);
	res[9] = bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4);
	res[10] = bpf_skb_adjust_room(skb, -30, BPF_ADJ_ROOM_MAC, 0);
	res[11] = skb->len * 1000 + byte_at(skb, 20);
	c1 = bpf_get_socket_cookie(skb);
	c2 = bpf_get_socket_cookie(skb);
	return c1 && c1 == c2;
}

long long pr[9];

SEC("tc")
int skbproto(struct __sk_buff *skb)
{
	pr[0] = bpf_skb_change_proto(skb, bpf_htons(0x0800), 0);
	pr[1] = bpf_skb_change_proto(skb, bpf_htons(0x86dd), 1);
	pr[2] = bpf_skb_change_proto(skb, bpf_htons(0x86dd), 0);
	pr[3] = skb->len * 1000 + byte_at(skb, 14) * 256 + byte_at(skb, 34);
	pr[4] = skb->protocol;
	pr[5] = bpf_skb_change_proto(skb, bpf_htons(0x0800), 0);
	pr[6] = skb->len * 1000 + byte_at(skb, 14);
	pr[7] = skb->protocol;
	pr[8] = bpf_skb_change_proto(skb, bpf_htons(0x0806), 0);
	return 1;
}

__u64 ck[4];

SEC("raw_tp/sock_probe")
int tracecookie(__u64 *ctx)
{
	ck[0] = bpf_get_socket_cookie((void *)ctx[0]);
	ck[1] = bpf_get_socket_cookie((void *)ctx[1]);
	ck[2] = bpf_get_socket_cookie((void *)ctx[0]);
	ck[3] = bpf_get_socket_cookie((void *)0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
