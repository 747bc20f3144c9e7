// SPDX-License-Identifier: MIT
/* checksum: the Internet ones'-complement checksum of the input's 16-bit words. */
#include "bench.h"

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 sum = 0;

	for (int i = 0; i < BENCH_LEN; i += 2)
		sum += (__u32)p[i] << 8 | p[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
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
