// SPDX-License-Identifier: MIT
/*
 * binsearch: the input's 128 16-bit words, made sorted by a running sum (its high bits), are
 * searched for 64 keys; returns a mix of the positions found.
 */
#include "bench.h"

#define NW (BENCH_LEN / 2)

static __always_inline __u32 compute(const __u8 *p)
{
	__u16 tab[NW];
	__u32 sum = 0, acc = 0;

	for (int i = 0; i < NW; i++) {
		sum += (__u32)p[2 * i] | (__u32)p[2 * i + 1] << 8;
		tab[i] = sum >> 8;
	}
	for (int k = 0; k < 64; k++) {
		__u32 key = (__u32)k * ((sum >> 8) / 64 + 1);
		__u32 base = 0, n = NW;

		/* always 7 halvings of the 128 entries, no early exit: it keeps the
		 * kernel verifier's path count small */
		for (int s = 0; s < 7; s++) {
			__u32 half = n / 2;

			if (tab[(base + half) & (NW - 1)] < key)
				base += half;
			n -= half;
		}
		acc = acc * 31 + base + (tab[base & (NW - 1)] < key);
	}
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
