// SPDX-License-Identifier: MIT
/*
 * Programs of one code under several names, the way libbpf-style files
 * repeat a body (BPF_PROG's inner function is named after its program and
 * always_inline): bpfaot-cc compiles such a code once and the programs
 * share its native object (backend/compile.c, split_entries()); programs
 * of one shape over different globals do not, nor do programs whose
 * helpers differ only in their attributes. tests/check_e2e_cc.c runs each program on the 64-byte
 * packet 00 01 .. 3f; the expected values are worked out in the comments.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* the shape of BPF_PROG: a program and an always_inline body named after it */
#define SUM_PROG(name, first, last)                                                \
	static __always_inline int ____##name(unsigned char *p, unsigned char *end); \
	SEC("xdp") int name(struct xdp_md *ctx)                                    \
	{                                                                          \
		return ____##name((void *)(long)ctx->data,                         \
				  (void *)(long)ctx->data_end);                    \
	}                                                                          \
	static __always_inline int ____##name(unsigned char *p, unsigned char *end) \
	{                                                                          \
		int i, s = 0;                                                      \
		if (p + 64 > end)                                                  \
			return 0;                                                  \
		for (i = first; i <= last; i++)                                    \
			s += p[i];                                                 \
		return s;                                                          \
	}

SUM_PROG(sum_a, 1, 3)	/* 1 + 2 + 3 = 6 */
SUM_PROG(sum_b, 1, 3)	/* the code of sum_a: 6 */
SUM_PROG(sum_c, 1, 3)	/* the code of sum_a: 6 */
SUM_PROG(sum_d, 2, 4)	/* another code: 2 + 3 + 4 = 9 */
SUM_PROG(sum_e, 2, 4)	/* the code of sum_d: 9 */

/* one shape over different globals: different code (each program adds
 * its own count, so the native code of one would answer wrongly for the
 * other) */
#define COUNT_PROG(name, start)                                                   \
	__u64 hits_##name = start;                                                 \
	SEC("xdp") int name(struct xdp_md *ctx)                                    \
	{                                                                          \
		unsigned char *p = (void *)(long)ctx->data;                        \
		if (p + 64 > (unsigned char *)(long)ctx->data_end)                 \
			return 0;                                                  \
		hits_##name++;                                                     \
		return p[5] + (int)hits_##name;                                    \
	}

COUNT_PROG(count_a, 100)	/* 5 + 101 = 106 */
COUNT_PROG(count_b, 200)	/* 5 + 201 = 206 */

/* one body after inlining, but the helpers differ in what they promise
 * (nonnull lets -O3 drop the test of p): different code */
static __always_inline __attribute__((nonnull)) int third_nn(unsigned char *p)
{
	return p ? p[3] : 7;
}

static __always_inline int third(unsigned char *p)
{
	return p ? p[3] : 7;
}

#define THIRD_PROG(name, fn)                                                      \
	SEC("xdp") int name(struct xdp_md *ctx)                                    \
	{                                                                          \
		unsigned char *p = (void *)(long)ctx->data;                        \
		if (p + 64 > (unsigned char *)(long)ctx->data_end)                 \
			return 0;                                                  \
		return fn(p);                                                      \
	}

THIRD_PROG(third_a, third_nn)	/* 3 */
THIRD_PROG(third_b, third)	/* 3 */

char LICENSE[] SEC("license") = "GPL";
