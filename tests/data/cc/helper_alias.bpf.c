// SPDX-License-Identifier: MIT
/*
 * Helpers called through pointers of the program's own names and types, as
 * older code declares them: the linker resolves them by id (1, 2) and
 * accepts `long` for the pointer bpf_map_lookup_elem returns. By hand: key
 * 2 is absent, so update stores 1, lookup finds it, 1 + 7 = 8 is stored and
 * 8 + 3 = 11 returned.
 *
 * alias_tail declares bpf_tail_call returning void (katran's bpf_helpers.h):
 * the program ignores the value, so any class the runtime returns fits. The
 * slot is empty, the tail call falls through, 42 is returned.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long (*lookup)(void *, const void *) = (void *)1;
static long (*update)(void *, const void *, const void *, __u64) = (void *)2;
static void (*tail)(void *ctx, void *map, int index) = (void *)12;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int alias_prog(struct xdp_md *ctx)
{
	__u32 k = 2;
	__u64 one = 1;
	__u64 *v = (__u64 *)lookup(&counts, &k);

	if (!v) {
		update(&counts, &k, &one, BPF_ANY);
		v = (__u64 *)lookup(&counts, &k);
		if (!v)
			return 1;
	}
	*v += 7;
	return (int)*v + 3;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

SEC("xdp")
int alias_tail(struct xdp_md *ctx)
{
	tail(ctx, &jumps, 1);
	return 42;
}

char LICENSE[] SEC("license") = "GPL";
