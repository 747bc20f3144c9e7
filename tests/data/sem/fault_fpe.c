// SPDX-License-Identifier: MIT
/*
 * The native code of fault.bpf.c's fpe, built by plain clang for x86-64
 * as llvmbpf builds its AOT objects (bpf_main, no manifest) and run with
 * `bpfaot-run --bytecode=fault.o --prog=fpe`: it divides by zero in
 * assembly, which C's semantics pass never sees.
 */
unsigned long long bpf_main(void *ctx, unsigned long long len)
{
	unsigned int q = 7, zero = 0;

	asm volatile("xorl %%edx, %%edx\n\tdivl %1" : "+a"(q) : "r"(zero) : "edx");
	return q;
}
