// SPDX-License-Identifier: MIT
/* bpftime-style lowering of bpftime_count.bpf.c (maps by index through the
 * lddw helpers, no manifest), run with --bytecode=bpftime_count.bpf.o. */
typedef unsigned long long u64;
extern u64 _bpf_helper_ext_0001(u64, u64, u64, u64, u64);
extern u64 __lddw_helper_map_by_fd(unsigned int);
u64 bpf_main(void *ctx, u64 len)
{
	unsigned int k = 1;
	u64 *v = (u64 *)_bpf_helper_ext_0001(__lddw_helper_map_by_fd(0), (u64)&k, 0, 0, 0);
	if (v)
		*v += 5;
	return 2;
}
