// SPDX-License-Identifier: MIT
/*
 * A tail call from a subprogram (issue 8). In the kernel (x86-64 JIT) the
 * target replaces the subprogram, not the program: the rest of the
 * subprogram is skipped, the target's r0 becomes the subprogram's return
 * value and its caller carries on. sub() returns a value of the packet, so
 * that the BPF compile cannot fold it into its caller. The packet
 * (check_e2e_sem.c) is 64 bytes, p[0] = 17; by hand:
 *   sub(ctx, 0): jt[0] = target: 100 + 17 = 117, sub's own return skipped;
 *   sub(ctx, 1): jt[1] is empty: the tail call fails, sub returns len = 64;
 *   sub(ctx, 2): jt[2] = chain, which tail-calls target at its top level:
 *     117;
 *   retval 117 * 1000000 + 64 * 1000 + 117 = 117064117;
 *   counts: [0] sub entered 3, [1] target ran 2, [2] sub ran on past its
 *   tail call 1, [3] entry's end 1, [4] chain ran 1, [5] chain's code after
 *   its tail call 0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 counts[6];

static __always_inline void bump(int i)
{
	__sync_fetch_and_add(&counts[i], 1);
}

SEC("xdp")
int target(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;

	bump(1);
	if (p + 1 > (unsigned char *)(long)ctx->data_end)
		return 0;
	return 100 + p[0];
}

int chain(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, int(void *));
} jt SEC(".maps") = {
	.values = { [0] = (void *)&target, [2] = (void *)&chain },
};

SEC("xdp")
int chain(struct xdp_md *ctx)
{
	bump(4);
	bpf_tail_call(ctx, &jt, 0);
	bump(5);
	return 1;
}

static __attribute__((noinline)) int sub(struct xdp_md *ctx, __u32 slot)
{
	bump(0);
	bpf_tail_call(ctx, &jt, slot);
	bump(2);
	return ctx->data_end - ctx->data;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	int a = sub(ctx, 0);
	int b = sub(ctx, 1);
	int c = sub(ctx, 2);

	bump(3);
	return a * 1000000 + b * 1000 + c;
}

char LICENSE[] SEC("license") = "GPL";
