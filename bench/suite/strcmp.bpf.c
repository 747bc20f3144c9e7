// SPDX-License-Identifier: MIT
/*
 * strcmp: the input as 16 strings of 16 bytes (each ends at its first zero
 * byte or at 16 bytes), every string compared with its neighbour the way
 * strncmp does; returns a mix of the signs.
 */
#include "bench.h"

static __always_inline int cmp16(const __u8 *a, const __u8 *b)
{
	for (int i = 0; i < 16; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
		if (!a[i])
			return 0;
	}
	return 0;
}

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 acc = 0;

	for (int r = 0; r < 4; r++)
		for (int i = 0; i < 15; i++)
			acc = acc * 3 + (__u32)(cmp16(p + i * 16, p + (i + 1) * 16) + 1) + r;
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
