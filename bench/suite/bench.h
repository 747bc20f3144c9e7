/* SPDX-License-Identifier: MIT */
/*
 * bench.h: one source, two builds. Every compute benchmark is a function
 * `static __u32 compute(const __u8 *p)` over BENCH_LEN input bytes, written
 * once, then the entry below. Built with `clang -target bpf` (or bpfaot-cc)
 * that is an XDP program that checks the packet holds BENCH_LEN bytes and
 * returns compute(packet); built with -DBENCH_NATIVE and `clang -O3` for the
 * host it is `bench_native(p)`, the plain-C twin that bench/native_driver.c
 * calls in a loop with the same input. The XDP entry is spelled out in each
 * file, not in a macro or this header: bpfaot-cc builds native code only for
 * programs defined in the main file. Both must return the same value: the
 * runner checks it before timing anything.
 *
 * Built with `clang -target bpf -DBENCH_MEM` the entry is instead
 * `bench_mem(mem, len)` in section "mem": the calling convention of the
 * userspace runtimes (ubpf, llvmbpf), r1 = the input, r2 = its length, no
 * context and no bounds check; bench/peers.py runs it on our engines and on
 * theirs.
 */
#ifndef BENCH_H
#define BENCH_H

#define BENCH_LEN 256

#ifdef BENCH_NATIVE
#include <stdint.h>
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define BENCH_ENTRY                 \
	__u32 bench_native(const __u8 *p);  \
	__u32 bench_native(const __u8 *p) { return compute(p); }
#else
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
#ifdef BENCH_MEM
#define BENCH_ENTRY                                          \
	SEC("mem") __u64 bench_mem(const __u8 *mem, __u64 len) \
	{                                                    \
		return compute(mem);                         \
	}
#endif
#endif

/* Little-endian loads from the input, the same on both builds. */
static __always_inline __u32 ld32(const __u8 *p, __u32 off)
{
	return (__u32)p[off] | (__u32)p[off + 1] << 8 | (__u32)p[off + 2] << 16 |
	       (__u32)p[off + 3] << 24;
}

static __always_inline __u64 ld64(const __u8 *p, __u32 off)
{
	return (__u64)ld32(p, off) | (__u64)ld32(p, off + 4) << 32;
}

static __always_inline __u32 fold64(__u64 x)
{
	return (__u32)(x ^ (x >> 32));
}

#endif
