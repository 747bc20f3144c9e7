// SPDX-License-Identifier: MIT
/* A `mem` program (ubpf/bpftime convention) that reads its whole input,
 * however big: the length, one byte per 4 KiB page, and the last byte. */
typedef unsigned long long u64;

u64 big_mem(void *mem, u64 len)
{
	unsigned char *p = mem;
	u64 s = len;

	for (u64 i = 0; i < len; i += 4096)
		s += p[i];
	if (len)
		s += (u64)p[len - 1] * 1000003;
	return s;
}
