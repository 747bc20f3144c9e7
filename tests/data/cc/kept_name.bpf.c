// SPDX-License-Identifier: MIT
/*
 * Two programs of one code whose body is too large for LLVM to inline
 * into the native entry: each native object keeps a function named after
 * its program, so the objects differ and each program gets its own back
 * end (backend/compile.c, share_objects()). tests/check_e2e_cc.c runs
 * both on the 64-byte packet 00 01 .. 3f; the answer, 512 steps over the
 * packet, worked out with Python:
 *   s = 0
 *   for k in range(512):
 *       s = (s * 31 + ((k & 63) ^ k)) & 0xffffffff
 *       if s & 1: s = (s + k) & 0xffffffff
 *   (s >> 16) & 0xff  ->  156 (s is 0xdb9c0000)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* p is volatile: every step loads, and nothing folds */
#define S1(k)                                                                      \
	s = s * 31 + (p[(k) & 63] ^ (k));                                          \
	if (s & 1)                                                                 \
		s += (k);
#define S2(k) S1(k) S1((k) + 1)
#define S4(k) S2(k) S2((k) + 2)
#define S8(k) S4(k) S4((k) + 4)
#define S16(k) S8(k) S8((k) + 8)
#define S32(k) S16(k) S16((k) + 16)
#define S64(k) S32(k) S32((k) + 32)
#define S128(k) S64(k) S64((k) + 64)
#define S256(k) S128(k) S128((k) + 128)
#define S512(k) S256(k) S256((k) + 256)

#define BIG_PROG(name)                                                            \
	SEC("xdp") int name(struct xdp_md *ctx)                                    \
	{                                                                          \
		volatile unsigned char *p = (void *)(long)ctx->data;               \
		unsigned int s = 0;                                                \
		if ((void *)(p + 64) > (void *)(long)ctx->data_end)                \
			return 0;                                                  \
		S512(0)                                                            \
		return (s >> 16) & 0xff;                                           \
	}

BIG_PROG(big_a)
BIG_PROG(big_b)

char LICENSE[] SEC("license") = "GPL";
