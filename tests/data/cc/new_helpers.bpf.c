// SPDX-License-Identifier: MIT
/*
 * Helpers 39 (bpf_skb_pull_data) and 177 (bpf_trace_vprintk, what
 * bpf_printk becomes with more than three arguments). By hand:
 *   pull: len 0 (the head) and skb->len are there (0), skb->len + 1 is not
 *         (-ENOMEM): 1 + 2 + 4 = 7;
 *   printk4: prints "vprintk 1 2 3 4" and returns XDP_PASS (2);
 *   fib: helper 69 (bpf_fib_lookup) in a world whose loopback (ifindex 1)
 *        does not forward: out[] = { FWD_DISABLED 5, -ENODEV -19 (no such
 *        ifindex), NOT_FWDED 4 (IPv6 link-local destination), 5 (IPv6,
 *        global addresses), -EAFNOSUPPORT -97 (family 7), -EINVAL -22
 *        (unknown flag), -22 (params of 32 bytes), -19 (IPv6, no such
 *        ifindex) }; the kernel gives the same where lo's forwarding is off
 *        (the default).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int pull(struct __sk_buff *skb)
{
	long a = bpf_skb_pull_data(skb, 0);
	long b = bpf_skb_pull_data(skb, skb->len);
	long c = bpf_skb_pull_data(skb, skb->len + 1);

	return (a == 0) + 2 * (b == 0) + 4 * (c == -12);
}

SEC("xdp")
int printk4(struct xdp_md *ctx)
{
	bpf_printk("vprintk %d %d %d %d", 1, 2, 3, 4);
	return XDP_PASS;
}

long long out[8];

static long fib6(struct xdp_md *ctx, __u32 ifindex, __u8 dst0, __u8 dst1)
{
	struct bpf_fib_lookup p = { .family = 10, .ifindex = ifindex };

	((__u8 *)p.ipv6_dst)[0] = dst0;
	((__u8 *)p.ipv6_dst)[1] = dst1;
	((__u8 *)p.ipv6_dst)[15] = 1;
	((__u8 *)p.ipv6_src)[0] = 0x20;
	((__u8 *)p.ipv6_src)[15] = 2;
	return bpf_fib_lookup(ctx, &p, sizeof(p), 0);
}

SEC("xdp")
int fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup p = { .family = 2, .ifindex = 1 };

	out[0] = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	p.ifindex = 0x7fffffff;
	out[1] = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	out[2] = fib6(ctx, 1, 0xfe, 0x80);
	out[3] = fib6(ctx, 1, 0x20, 0x01);
	p.family = 7;
	p.ifindex = 1;
	out[4] = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	p.family = 2;
	out[5] = bpf_fib_lookup(ctx, &p, sizeof(p), 1 << 7);
	out[6] = bpf_fib_lookup(ctx, &p, 32, 0);
	out[7] = fib6(ctx, 0x7fffffff, 0x20, 0x01);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
