// SPDX-License-Identifier: MIT
/* What `bpftime-vm build` writes for a program over raw memory: bpf_main(mem,
 * len), helpers by id with the untyped prototype, no manifest. By hand, over
 * the 16 bytes 01..10: sum of b[i] * (i + 1) = 1496, + 1 (bpf_ktime_get_ns > 0). */
typedef unsigned long long u64;
extern u64 _bpf_helper_ext_0005(u64, u64, u64, u64, u64);
u64 bpf_main(void *mem, u64 len)
{
	unsigned char *p = mem;
	u64 s = 0, i;
	for (i = 0; i < len; i++)
		s += p[i] * (i + 1);
	return s + (_bpf_helper_ext_0005(0, 0, 0, 0, 0) > 0);
}
