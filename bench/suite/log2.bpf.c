// SPDX-License-Identifier: MIT
/* log2: integer floor(log2) of the input's 64 32-bit words by halving steps. */
#include "bench.h"

static __always_inline __u32 ilog2(__u32 v)
{
	__u32 r = 0;

	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 acc = 0;

	for (int i = 0; i < BENCH_LEN / 4; i++)
		acc = acc * 33 + ilog2(ld32(p, i * 4) >> (i & 15));
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
