// SPDX-License-Identifier: MIT
/*
 * switch64: a 64-way switch over an array: each of the input's 64 32-bit
 * words picks one of 64 updates of a state by its low 6 bits.
 */
#include "bench.h"

static __always_inline __u32 step(__u32 s, __u32 v)
{
	switch (v & 63) {
	case 0: return s + 1;
	case 1: return s ^ 0x9e3779b9;
	case 2: return s * 3;
	case 3: return s - 7;
	case 4: return s << 1;
	case 5: return s >> 1;
	case 6: return s + v;
	case 7: return s ^ v;
	case 8: return s * 5 + 1;
	case 9: return ~s;
	case 10: return s + 0x1234;
	case 11: return s ^ (s >> 3);
	case 12: return s + (s << 4);
	case 13: return s | 0x100;
	case 14: return s & 0xfffffeff;
	case 15: return s - v;
	case 16: return s * 7;
	case 17: return s ^ 0x55aa55aa;
	case 18: return s + 99;
	case 19: return s ^ (s << 7);
	case 20: return s >> 2;
	case 21: return s + 3 * v;
	case 22: return s * 9 + v;
	case 23: return s ^ 0xdeadbeef;
	case 24: return s - (s >> 5);
	case 25: return s + 0x31;
	case 26: return s * 11;
	case 27: return s ^ (v << 8);
	case 28: return s + (v << 16);
	case 29: return s - 0x777;
	case 30: return s ^ (s >> 11);
	case 31: return s + 17;
	case 32: return s * 13;
	case 33: return s ^ (s >> 7);
	case 34: return s + 0x4321;
	case 35: return s - (v >> 3);
	case 36: return s | v;
	case 37: return s & (v | 0xff00ff00);
	case 38: return s ^ (s << 3);
	case 39: return s + (s >> 9);
	case 40: return s * 17 + 3;
	case 41: return s ^ 0x0f0f0f0f;
	case 42: return s - 0x1111;
	case 43: return s + (v ^ 0xabc);
	case 44: return (s << 3) | (s >> 29);
	case 45: return (s >> 5) | (s << 27);
	case 46: return s * 19;
	case 47: return s ^ (v * 3);
	case 48: return s + 0x7777;
	case 49: return s - (s << 2);
	case 50: return s ^ 0xcafebabe;
	case 51: return s * 21 + v;
	case 52: return s + (s >> 13);
	case 53: return s ^ (v << 24);
	case 54: return s - 0x3333;
	case 55: return s * 23;
	case 56: return s + (v << 4);
	case 57: return s ^ (s >> 17);
	case 58: return s | 0x80000000;
	case 59: return s & 0x7fffffff;
	case 60: return s * 25 + 7;
	case 61: return s ^ (s << 11);
	case 62: return s + 0x5a5a;
	default: return s - 3;
	}
}

static __always_inline __u32 compute(const __u8 *p)
{
	__u32 s = 0;

	for (int i = 0; i < BENCH_LEN / 4; i++)
		s = step(s, ld32(p, i * 4));
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
