// SPDX-License-Identifier: MIT
/*
 * Inline BPF assembly has no native meaning: the program that contains it
 * keeps only its bytecode, with a [-Waot] warning; the file's other
 * program still gets native code. A variable bound to a BPF register
 * compiles for BPF only: the native compile's error becomes the [-Waot]
 * reason. On any packet: with_asm 8, reg_var 5, plain 2.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int with_asm(struct xdp_md *ctx)
{
	int r = 7;

	asm volatile("%[r] += 1" : [r] "+r"(r));
	return r;
}

SEC("xdp")
int reg_var(struct xdp_md *ctx)
{
	register long r asm("r6") = 5;

	return (int)r;
}

SEC("xdp")
int plain(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
