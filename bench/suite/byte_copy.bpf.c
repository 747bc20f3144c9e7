// SPDX-License-Identifier: MIT
/* byte_copy: copies the input byte by byte to a stack buffer, reversed, then hashes it. */
#include "bench.h"

static __always_inline __u32 compute(const __u8 *p)
{
	__u8 buf[BENCH_LEN];
	__u32 h = 2166136261u;

	for (int i = 0; i < BENCH_LEN; i++)
		buf[BENCH_LEN - 1 - i] = p[i];
	for (int i = 0; i < BENCH_LEN; i += 8)
		h = (h ^ buf[i]) * 16777619u;
	return h;
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
