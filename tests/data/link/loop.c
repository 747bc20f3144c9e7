/* SPDX-License-Identifier: MIT */
/* bpf_loop with a callback that reads and writes the caller's stack. */
#include "native.h"

struct acc {
	__u64 sum;
	__u32 len;
};

static long step(__u32 i, void *data)
{
	struct acc *a = data;

	a->sum += (__u64)i * a->len;
	return i == 9; /* stop after 10 rounds */
}

PROG("tc", tc_loop, struct __sk_buff *skb)
{
	struct acc a = { .sum = 0, .len = skb->len };
	long n = bpf_loop(100, step, &a, 0);

	return (int)(a.sum + n * 1000);
}

char LICENSE[] SEC("license") = "GPL";
