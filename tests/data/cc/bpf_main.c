// SPDX-License-Identifier: MIT
/*
 * bpftime's convention: the file defines bpf_main itself, one argument, the
 * memory. On the 16 bytes 01 02 .. 10: (1 + 16) * 3 = 51.
 */
typedef unsigned long long u64;

static u64 add(u64 a, u64 b)
{
	return a + b;
}

u64 bpf_main(void *mem)
{
	unsigned char *p = mem;

	return add(p[0], p[15]) * 3;
}
