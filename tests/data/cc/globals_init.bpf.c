// SPDX-License-Identifier: MIT
/*
 * Initialised globals in .data and .rodata, and one in .bss. A bare native
 * object (--aot-emit=native) must start from the same values as the BPF
 * object. By hand: counter 40 + 2 = 42, 42 * weight 3 = 126, + zero 0,
 * + table[2] 30 = 156; .data holds 42 (0x2a) after the run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 counter = 40;
const volatile __u32 weight = 3;
__u32 zero;
static __u64 table[4] = { 10, 20, 30, 40 };

SEC("xdp")
int glob(struct xdp_md *ctx)
{
	counter += 2;
	return counter * weight + zero + table[2];
}

char LICENSE[] SEC("license") = "GPL";
