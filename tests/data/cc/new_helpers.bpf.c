// SPDX-License-Identifier: MIT
/*
 * Helpers 39 (bpf_skb_pull_data) and 177 (bpf_trace_vprintk, what
 * bpf_printk becomes with more than three arguments). By hand:
 *   pull: len 0 (the head) and skb->len are there (0), skb->len + 1 is not
 *         (-ENOMEM): 1 + 2 + 4 = 7;
 *   printk4: prints "vprintk 1 2 3 4" and returns XDP_PASS (2);
 *   fib: helper 69 (bpf_fib_lookup), which the runtime refuses on purpose.
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

SEC("xdp")
int fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup p = { .family = 2, .ifindex = 1 };

	return bpf_fib_lookup(ctx, &p, sizeof(p), 0) == BPF_FIB_LKUP_RET_SUCCESS;
}

char LICENSE[] SEC("license") = "GPL";
