// SPDX-License-Identifier: MIT
/* Socket filter: returns skb->len + cb[0] (from ctx_in). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_len(struct __sk_buff *skb)
{
	return skb->len + skb->cb[0];
}

char LICENSE[] SEC("license") = "GPL";
