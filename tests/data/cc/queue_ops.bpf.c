// SPDX-License-Identifier: MIT
/*
 * Queue and stack maps through bpf_map_push_elem, _pop_elem and
 * _peek_elem, which bpfaot-cc inlines (struct bpfaot_queue, abi.h), with
 * every outcome: res[] holds the return values and the values taken, for
 * tests/check_e2e_cc.c, which expects these, worked out by hand (the
 * kernel's queue_stack_maps.c rules), on every build and engine and on the
 * kernel:
 *
 * q, a queue of 3 u32:
 *   res[0..2] push 10, 11, 12: 0 each; res[3] push 13: full, -E2BIG (-7);
 *   res[4] push 13 with BPF_EXIST: the oldest (10) makes room, 0;
 *   res[5] push 14 with BPF_NOEXIST: -EINVAL (-22);
 *   res[6] peek: 0; res[7] the value: 11 (still there);
 *   res[8] pop: 0; res[9] 11; res[10], res[11] the next pops' values: 12, 13;
 *   res[12] pop of the empty queue: -ENOENT (-2);
 *   res[13] push 15 (the ring has wrapped): 0; res[14] pop: 15.
 * s, a stack of 3 struct triple (12 bytes), a triple {a, b, c} counted as
 * a + 256 b + 65536 c:
 *   res[15] pushes of {1,2,3}, {4,5,6}, {7,8,9}: the sum of the results, 0;
 *   res[16] push {10,11,12}: -E2BIG; res[17] with BPF_EXIST: 0 ({1,2,3},
 *   the oldest, makes room);
 *   res[18] pop: {10,11,12} = 789258; res[19] pop: {7,8,9} = 591879;
 *   res[20] peek: {4,5,6} = 394500; res[21] pop: the same;
 *   res[22] pop of the empty stack: -ENOENT; res[23] push with flags 4:
 *   -EINVAL.
 * Each run starts from empty maps (both end empty), so repeated runs give
 * the same res[].
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct triple {
	__u32 a, b, c;
};

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 3);
	__type(value, __u32);
} q SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 3);
	__type(value, struct triple);
} s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 24);
	__type(key, __u32);
	__type(value, __u64);
} res SEC(".maps");

static __always_inline void put(__u32 key, __u64 v)
{
	bpf_map_update_elem(&res, &key, &v, BPF_ANY);
}

static __always_inline __u64 code(const struct triple *t)
{
	return t->a + 256 * t->b + 65536 * t->c;
}

SEC("xdp")
int queue_ops(struct xdp_md *ctx)
{
	struct triple t1 = { 1, 2, 3 }, t2 = { 4, 5, 6 }, t3 = { 7, 8, 9 }, t4 = { 10, 11, 12 }, t;
	__u32 v10 = 10, v11 = 11, v12 = 12, v13 = 13, v14 = 14, v15 = 15, v = 0;

	put(0, bpf_map_push_elem(&q, &v10, 0));
	put(1, bpf_map_push_elem(&q, &v11, 0));
	put(2, bpf_map_push_elem(&q, &v12, 0));
	put(3, bpf_map_push_elem(&q, &v13, 0));
	put(4, bpf_map_push_elem(&q, &v13, BPF_EXIST));
	put(5, bpf_map_push_elem(&q, &v14, BPF_NOEXIST));
	put(6, bpf_map_peek_elem(&q, &v));
	put(7, v);
	put(8, bpf_map_pop_elem(&q, &v));
	put(9, v);
	bpf_map_pop_elem(&q, &v);
	put(10, v);
	bpf_map_pop_elem(&q, &v);
	put(11, v);
	put(12, bpf_map_pop_elem(&q, &v));
	put(13, bpf_map_push_elem(&q, &v15, 0));
	bpf_map_pop_elem(&q, &v);
	put(14, v);

	put(15, bpf_map_push_elem(&s, &t1, 0) + bpf_map_push_elem(&s, &t2, 0) +
		bpf_map_push_elem(&s, &t3, 0));
	put(16, bpf_map_push_elem(&s, &t4, 0));
	put(17, bpf_map_push_elem(&s, &t4, BPF_EXIST));
	bpf_map_pop_elem(&s, &t);
	put(18, code(&t));
	bpf_map_pop_elem(&s, &t);
	put(19, code(&t));
	bpf_map_peek_elem(&s, &t);
	put(20, code(&t));
	bpf_map_pop_elem(&s, &t);
	put(21, code(&t));
	put(22, bpf_map_pop_elem(&s, &t));
	put(23, bpf_map_push_elem(&s, &t1, 4));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
