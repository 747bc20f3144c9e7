// SPDX-License-Identifier: MIT
/* bitfield: extracts five fields (3, 5, 7, 9 and 8 bits) from each 32-bit input word. */
#include "bench.h"

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 a = 0, b = 0, c = 0;

	for (int i = 0; i < BENCH_LEN / 4; i++) {
		__u32 w = ld32(p, i * 4);

		a += w & 7;
		b ^= (w >> 3) & 31;
		c += ((w >> 8) & 127) * ((w >> 15) & 511);
		a += (w >> 24) == 0x45;
	}
	return a * 65599 + b * 257 + c;
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
