/* SPDX-License-Identifier: MIT */
/* Raw memory in, no maps: a switch (a jump table in .rodata), a string
 * constant and a variadic helper. Builds in every code model, -fno-pic
 * included, because it references no runtime data. */
#include "native.h"

static __attribute__((noinline)) __u64 step(__u64 acc, __u8 b)
{
	switch (b % 7) {
	case 0: return acc + b;
	case 1: return acc * 3;
	case 2: return acc ^ 0x55;
	case 3: return acc - 7;
	case 4: return acc << 1;
	case 5: return acc | 0x100;
	default: return acc + 1000;
	}
}

uint64_t bpf_main(void *ctx, uint64_t size)
{
	static const char fmt[] = "acc=%llu\n";
	const __u8 *p = ctx;
	__u64 acc = 1, i;

	for (i = 0; i < size && i < 64; i++)
		acc = step(acc, p[i]);
	bpf_trace_printk(fmt, sizeof(fmt), acc);
	return acc;
}
