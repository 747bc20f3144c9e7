// SPDX-License-Identifier: MIT
/* bitcount: SWAR population count of the input's 32 64-bit words. */
#include "bench.h"

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 total = 0;

	for (int i = 0; i < BENCH_LEN / 8; i++) {
		__u64 x = ld64(p, i * 8);

		x = x - ((x >> 1) & 0x5555555555555555ULL);
		x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
		x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
		total += (__u32)((x * 0x0101010101010101ULL) >> 56) * (i + 1);
	}
	return total;
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
