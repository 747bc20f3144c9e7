// SPDX-License-Identifier: MIT
/*
 * fibonacci: the Fibonacci recurrence mod 2^64, 90 steps from 8 pairs of
 * input bytes as seeds.
 */
#include "bench.h"

static __always_inline __u64 fib(__u64 a, __u64 b)
{
	for (int i = 0; i < 90; i++) {
		__u64 t = a + b;

		a = b;
		b = t;
	}
	return a;
}

static __always_inline __u32 compute(const __u8 *p)
{
	__u64 acc = 0;

	for (int i = 0; i < 8; i++)
		acc ^= fib(p[i * 16], p[i * 16 + 1]) + i;
	return fold64(acc);
}

#ifdef BENCH_ENTRY
BENCH_ENTRY
#else
SEC("xdp")
int bench_xdp(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;

	if ((void *)(p + BENCH_LEN) > (void *)(long)ctx->data_end)
		return 0;
	return (int)compute(p);
}
#endif
