/* SPDX-License-Identifier: MIT */
/* A tail call through a prog array. Native builds pick one program with
 * -DTAIL_A or -DTAIL_B: a native object holds one program. */
#include "native.h"

#ifdef __bpf__
int tail_b(struct xdp_md *ctx);
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} jmp SEC(".maps") = {
	.values = { [1] = (void *)&tail_b },
};
#define TAIL_A
#define TAIL_B
#else
extern char jmp[];
#endif

#ifdef TAIL_A
PROG("xdp", tail_a, struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp, 1);
	return 1;
}
#endif

#ifdef TAIL_B
PROG("xdp", tail_b, struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (p + 1 > end)
		return 0;
	return 40 + p[0];
}
#endif

char LICENSE[] SEC("license") = "GPL";
