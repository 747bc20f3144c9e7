// SPDX-License-Identifier: GPL-2.0
/*
 * map_kinds: one XDP program that touches the map types the other samples
 * leave out, with results that are deterministic after one run:
 *  - QUEUE and STACK (no key): the packet length L and L + 1 are pushed to
 *    both, then one element is popped from each: the queue gives L (FIFO),
 *    the stack L + 1 (LIFO); one element stays in each;
 *  - LRU_HASH: packets counted per EtherType;
 *  - ARRAY whose value holds a struct bpf_spin_lock: the packet count and
 *    byte count are updated together under the lock.
 * kinds_result[0] = popped from the queue, [1] = popped from the stack.
 * Returns XDP_PASS, or XDP_ABORTED when a push or pop fails.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct locked_stats {
	struct bpf_spin_lock lock;
	__u32 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);
} len_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, __u32);
} len_stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u16); /* EtherType, host order */
	__type(value, __u64);
} proto_lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked_stats);
} locked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} kinds_result SEC(".maps");

SEC("xdp")
int xdp_map_kinds(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u32 len = data_end - data, v, key = 0;
	struct locked_stats *ls;
	__u64 one = 1, *cnt;
	__u16 proto;

	v = len;
	if (bpf_map_push_elem(&len_queue, &v, BPF_ANY) || bpf_map_push_elem(&len_stack, &v, BPF_ANY))
		return XDP_ABORTED;
	v = len + 1;
	if (bpf_map_push_elem(&len_queue, &v, BPF_ANY) || bpf_map_push_elem(&len_stack, &v, BPF_ANY))
		return XDP_ABORTED;

	if (bpf_map_pop_elem(&len_queue, &v))
		return XDP_ABORTED;
	bpf_map_update_elem(&kinds_result, &key, &v, BPF_ANY);
	if (bpf_map_pop_elem(&len_stack, &v))
		return XDP_ABORTED;
	key = 1;
	bpf_map_update_elem(&kinds_result, &key, &v, BPF_ANY);

	if ((void *)(eth + 1) <= data_end) {
		proto = bpf_ntohs(eth->h_proto);
		cnt = bpf_map_lookup_elem(&proto_lru, &proto);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
		else
			bpf_map_update_elem(&proto_lru, &proto, &one, BPF_NOEXIST);
	}

	key = 0;
	ls = bpf_map_lookup_elem(&locked, &key);
	if (ls) {
		bpf_spin_lock(&ls->lock);
		ls->packets++;
		ls->bytes += len;
		bpf_spin_unlock(&ls->lock);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
