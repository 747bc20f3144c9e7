// SPDX-License-Identifier: MIT
/*
 * Programs whose native code faults on purpose while their bytecode is
 * fine: the native compile defines __BPFAOT_NATIVE__, the BPF compile
 * does not. Each returns 2 (XDP_PASS) on the bytecode engines; natively
 *   segv:     reads through a pointer to unmapped memory,
 *   call_bad: calls through a bad function pointer,
 *   ill:      executes ud2,
 *   fpe:      divides by zero in inline assembly (the semantics pass
 *             guards C's divisions, not assembly),
 *   deep:     recurses until the stack overflows (the handler needs its
 *             own stack),
 *   ok:       returns 2 everywhere.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int segv(struct xdp_md *ctx)
{
#ifdef __BPFAOT_NATIVE__
	volatile unsigned long bad = 16;

	return *(volatile int *)bad;
#endif
	return XDP_PASS;
}

SEC("xdp")
int call_bad(struct xdp_md *ctx)
{
#ifdef __BPFAOT_NATIVE__
	volatile unsigned long bad = 8;

	return ((int (*)(void))bad)();
#endif
	return XDP_PASS;
}

SEC("xdp")
int ill(struct xdp_md *ctx)
{
#ifdef __BPFAOT_NATIVE__
	__builtin_trap(); /* ud2 */
#endif
	return XDP_PASS;
}

/* Its native code is tests/data/sem/fault_fpe.c, a plain x86-64 object
 * run beside this bytecode (--bytecode): the rewrite refuses inline
 * assembly, and the semantics pass guards every C division. */
SEC("xdp")
int fpe(struct xdp_md *ctx)
{
	return XDP_PASS;
}

#ifdef __BPFAOT_NATIVE__
static __attribute__((noinline)) int recurse(volatile int *depth)
{
	volatile char pad[256];

	pad[0] = (char)*depth;
	++*depth;
	return recurse(depth) + pad[0];
}
#endif

SEC("xdp")
int deep(struct xdp_md *ctx)
{
#ifdef __BPFAOT_NATIVE__
	volatile int depth = 0;

	return recurse(&depth);
#endif
	return XDP_PASS;
}

SEC("xdp")
int ok(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
