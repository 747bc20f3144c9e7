// SPDX-License-Identifier: MIT
/*
 * spill: 14 accumulators live across a loop (more than BPF's free
 * registers), each updated from the input every iteration.
 */
#include "bench.h"

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7;
	__u32 a7 = 8, a8 = 9, a9 = 10, a10 = 11, a11 = 12, a12 = 13, a13 = 14;

	for (int i = 0; i < BENCH_LEN / 16; i++) {
		const __u8 *q = p + i * 16;

		a0 += q[0] ^ a13;
		a1 ^= q[1] + a0;
		a2 += q[2] * a1;
		a3 ^= q[3] + (a2 >> 3);
		a4 += q[4] ^ a3;
		a5 = a5 * 3 + q[5] + a4;
		a6 ^= q[6] + a5;
		a7 += q[7] ^ (a6 << 2);
		a8 ^= q[8] + a7;
		a9 += q[9] * a8;
		a10 ^= q[10] + a9;
		a11 += q[11] ^ a10;
		a12 = a12 * 5 + q[12] + a11;
		a13 ^= q[13] + a12 + q[14] + q[15];
	}
	return a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6 ^ a7 ^ a8 ^ a9 ^ a10 ^ a11 ^ a12 ^ a13;
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
