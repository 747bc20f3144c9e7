// SPDX-License-Identifier: MIT
/* switch: a 32-way switch on each input byte (its low 5 bits) updates a state. */
#include "bench.h"

static __always_inline __u32 step(__u32 s, __u8 b)
{
	switch (b & 31) {
	case 0: return s + 1;
	case 1: return s ^ 0x9e3779b9;
	case 2: return s * 3;
	case 3: return s - 7;
	case 4: return s << 1;
	case 5: return s >> 1;
	case 6: return s + b;
	case 7: return s ^ b;
	case 8: return s * 5 + 1;
	case 9: return ~s;
	case 10: return s + 0x1234;
	case 11: return s ^ (s >> 3);
	case 12: return s + (s << 4);
	case 13: return s | 0x100;
	case 14: return s & 0xfffffeff;
	case 15: return s - b;
	case 16: return s * 7;
	case 17: return s ^ 0x55aa55aa;
	case 18: return s + 99;
	case 19: return s ^ (s << 7);
	case 20: return s >> 2;
	case 21: return s + 3 * b;
	case 22: return s * 9 + b;
	case 23: return s ^ 0xdeadbeef;
	case 24: return s - (s >> 5);
	case 25: return s + 0x31;
	case 26: return s * 11;
	case 27: return s ^ (b << 8);
	case 28: return s + (b << 16);
	case 29: return s - 0x777;
	case 30: return s ^ (s >> 11);
	default: return s + 17;
	}
}

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 s = 0;

	for (int i = 0; i < BENCH_LEN; i++)
		s = step(s, p[i]);
	return s;
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
