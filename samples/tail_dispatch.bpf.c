// SPDX-License-Identifier: GPL-2.0
/*
 * tail_dispatch: a tail-call dispatcher for a toy protocol. Frames with
 * EtherType 0x88b5 (IEEE local experimental) carry an opcode in their first
 * payload byte (offset 14); dispatch() tail-calls jmp_table[opcode]. The
 * PROG_ARRAY is filled at load time by libbpf from the .values initialiser:
 * slot 0 = op_drop (XDP_DROP), 1 = op_tx (XDP_TX), 2 = op_pass (XDP_PASS,
 * also records the second payload byte in tail_hits[TH_LAST_ARG]); slot 3 is
 * left empty. An empty slot or an opcode out of range makes bpf_tail_call()
 * return, and dispatch() counts a miss and drops the frame. Other frames are
 * passed untouched. A successful tail call never returns: the target's
 * return value is the program's.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_TOY 0x88b5

enum {
	TH_DROP,
	TH_TX,
	TH_PASS,
	TH_DISPATCH,
	TH_MISS,
	TH_LAST_ARG,
	TH_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TH_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tail_hits SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *cnt = bpf_map_lookup_elem(&tail_hits, &key);

	if (cnt)
		__sync_fetch_and_add(cnt, 1);
}

SEC("xdp")
int op_drop(struct xdp_md *ctx)
{
	bump(TH_DROP);
	return XDP_DROP;
}

SEC("xdp")
int op_tx(struct xdp_md *ctx)
{
	bump(TH_TX);
	return XDP_TX;
}

SEC("xdp")
int op_pass(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = (void *)(long)ctx->data;
	__u32 key = TH_LAST_ARG;
	__u64 arg;

	bump(TH_PASS);
	if ((void *)(p + ETH_HLEN + 2) <= data_end) {
		arg = p[ETH_HLEN + 1];
		bpf_map_update_elem(&tail_hits, &key, &arg, BPF_ANY);
	}
	return XDP_PASS;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jmp_table SEC(".maps") = {
	.values = {
		[0] = (void *)&op_drop,
		[1] = (void *)&op_tx,
		[2] = (void *)&op_pass,
	},
};

SEC("xdp")
int dispatch(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u8 *op = (void *)(eth + 1);

	if ((void *)(op + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_TOY))
		return XDP_PASS;
	bump(TH_DISPATCH);
	bpf_tail_call(ctx, &jmp_table, *op);
	bump(TH_MISS);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
