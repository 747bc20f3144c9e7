// SPDX-License-Identifier: MIT
/* A section name libbpf does not know: needs a program type from the caller. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("classifier_legacy")
int legacy(struct __sk_buff *skb)
{
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
