// SPDX-License-Identifier: MIT
/*
 * A bpf_loop callback called from a subprogram gets a stack frame of its
 * own: the interpreter used to give it the subprogram's frame, so the
 * callback's locals overwrote the subprogram's (out[1] came out 57219).
 * By hand, on a 64-byte packet: the callback adds mine[i] to s.a[i] for
 * i = 0..3: out[0] = 0x1111 + 0x2222 + 0x3333 + 0x4444 = 43690; keep[] is
 * untouched: out[1] = 100 + 101 + ... + 107 = 828; retval 64 + 1 = 65.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 out[2];

struct st {
	volatile __u64 a[4];
};

static int cb(__u32 i, struct st *s)
{
	volatile __u64 mine[4];

	mine[0] = 0x1111;
	mine[1] = 0x2222;
	mine[2] = 0x3333;
	mine[3] = 0x4444;
	s->a[i & 3] += mine[i & 3];
	return 0;
}

static __attribute__((noinline)) int sub(struct xdp_md *ctx)
{
	volatile __u64 keep[8];
	struct st s = {};
	int k;

	for (k = 0; k < 8; k++)
		keep[k] = 100 + k;
	bpf_loop(4, cb, &s, 0);
	out[0] = s.a[0] + s.a[1] + s.a[2] + s.a[3];
	out[1] = keep[0] + keep[1] + keep[2] + keep[3] + keep[4] + keep[5] + keep[6] + keep[7];
	return ctx->data_end - ctx->data;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	return sub(ctx) + 1;
}

char LICENSE[] SEC("license") = "GPL";
