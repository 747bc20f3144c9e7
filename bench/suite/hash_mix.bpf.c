// SPDX-License-Identifier: MIT
/* hash_mix: rotate-multiply-xor mixing of the input's 64-bit words (a 64-bit finaliser). */
#include "bench.h"

static __always_inline __u64 rotl(__u64 x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static __always_inline __u32 compute(const __u8 *p)
{
	__u64 h = 0x243f6a8885a308d3ULL;

	for (int i = 0; i < BENCH_LEN / 8; i++) {
		__u64 k = ld64(p, i * 8) * 0x87c37b91114253d5ULL;

		k = rotl(k, 31) * 0x4cf5ad432745937fULL;
		h = rotl(h ^ k, 27) * 5 + 0x52dce729;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return fold64(h);
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
