// SPDX-License-Identifier: MIT
/* nested_loops: a 16x16 product table over the input, with a fixed 4-round outer loop. */
#include "bench.h"

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 acc = 0;

	for (int r = 0; r < 4; r++)
		for (int i = 0; i < 16; i++)
			for (int j = 0; j < 16; j++)
				acc += (p[i * 16 + j] ^ r) * (p[j * 16 + i] + i) + j;
	return acc;
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
