// SPDX-License-Identifier: MIT
/* tc: reads the __sk_buff given as ctx_in, writes cb[1] and mark. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_skb(struct __sk_buff *skb)
{
	__u32 ret = skb->mark + skb->cb[0];

	skb->cb[1] = skb->len;
	skb->mark = 42;
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
