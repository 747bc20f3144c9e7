// SPDX-License-Identifier: GPL-2.0
/*
 * calls_globals: BPF-to-BPF calls and global data.
 *  - mix() is a static __noinline subprogram (one FNV-1a step): a bpf2bpf
 *    call verified as part of the caller;
 *  - weigh() is a global function: verified on its own, with scalar
 *    arguments only, and reading .rodata;
 *  - .rodata: the weights[] lookup table and the load-time constant scale;
 *  - .data: seed (initial hash) and runs (starts at 100, +1 per run);
 *  - .bss: total (bytes seen) and last_hash.
 * The XDP program hashes the first HASH_LEN packet bytes:
 *     h = seed; h = mix(h, weigh(byte[i]) + i) for each i
 * stores h in last_hash and returns (h ^ runs) & 0xffff, so the result
 * depends on every section and both calls.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define HASH_LEN 16

const __u8 weights[16] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3 };
const volatile __u32 scale = 7;

__u32 seed = 0x811c9dc5;
__u64 runs = 100;

__u64 total;
__u32 last_hash;

static __noinline __u32 mix(__u32 h, __u32 v)
{
	h ^= v;
	return h * 0x01000193;
}

__noinline int weigh(__u32 b)
{
	return weights[b & 15] * scale + (b >> 4);
}

SEC("xdp")
int calls_main(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = (void *)(long)ctx->data;
	__u32 h = seed;
	int i;

	for (i = 0; i < HASH_LEN; i++) {
		if ((void *)(p + i + 1) > data_end)
			break;
		h = mix(h, weigh(p[i]) + i);
	}
	runs++;
	total += (__u64)(data_end - (void *)p);
	last_hash = h;
	return (h ^ (__u32)runs) & 0xffff;
}

char LICENSE[] SEC("license") = "GPL";
