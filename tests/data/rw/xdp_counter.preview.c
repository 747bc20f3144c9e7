/* bpfaot-cc: native source of program 'xdp_count' of tests/data/rw/xdp_counter.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
#line 1 "tests/data/rw/xdp_counter.bpf.c"
// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_counter: the smallest useful XDP program. Every packet is passed, and
 * the packet and byte counts of that action are added to an ARRAY map indexed
 * by the XDP action (the xdp-tutorial "stats" layout). The counters are
 * updated with atomic adds because one array slot is shared by every CPU.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct datarec {
	__u64 packets;
	__u64 bytes;
};

/* bpfaot: map 'xdp_stats' (type 2, key 4, value 16, max_entries 5) is the runtime's */
extern struct bpfaot_map xdp_stats;
#line 22 "tests/data/rw/xdp_counter.bpf.c"

/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_xdp_stats[];
#line 23 "tests/data/rw/xdp_counter.bpf.c"
static __always_inline __u32 account(struct xdp_md *ctx, __u32 action)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct datarec *rec;

	rec = ({ unsigned int __bpfaot_key = *(&action); __bpfaot_key < 5u ? (void *)(__bpfaot_map_values_xdp_stats + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
	if (!rec)
		return XDP_ABORTED;
	__sync_fetch_and_add(&rec->packets, 1);
	__sync_fetch_and_add(&rec->bytes, (__u64)(data_end - data));
	return action;
}

static
int xdp_count(struct xdp_md *ctx)
{
	return account(ctx, XDP_PASS);
}

static char LICENSE[] = "GPL";

/* bpfaot: the native entry of program 'xdp_count' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return xdp_count(ctx);
}
