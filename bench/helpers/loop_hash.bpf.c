// SPDX-License-Identifier: MIT
/*
 * loop_hash: bpf_loop over the first 128 bytes of the packet (copied to
 * the stack), the callback folding each byte into an FNV-1a hash. Returns
 * the hash's low 31 bits.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LEN 128

struct hctx {
	__u32 h;
	__u8 buf[LEN];
};

static long fnv_step(__u32 i, void *data)
{
	struct hctx *c = data;

	if (i >= LEN)
		return 1;
	c->h = (c->h ^ c->buf[i]) * 16777619u;
	return 0;
}

SEC("xdp")
int loop_hash(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = (void *)(long)ctx->data;
	struct hctx c = { .h = 2166136261u };
	int i;

	if ((void *)(p + LEN) > end)
		return XDP_DROP;
	for (i = 0; i < LEN; i++)
		c.buf[i] = p[i];
	bpf_loop(LEN, fnv_step, &c, 0);
	return c.h & 0x7fffffff;
}

char LICENSE[] SEC("license") = "GPL";
