// SPDX-License-Identifier: MIT
/*
 * A hot innermost loop and a program without one: the native back end
 * starts innermost loops on a 64-byte line (backend/compile.c,
 * back_end_child()), and only those. tests/check_e2e_cc.c checks where the
 * loop of hot_loop's native code starts, and runs both on the 64-byte
 * packet 00 01 .. 3f. The answers, worked out with Python:
 *   p = list(range(64)); s = 7
 *   for i in range(1000):
 *       s = ((s << 5 | s >> 27) & 0xffffffff) ^ p[(s ^ i) & 63]
 *       if s & 1: s = (s + i) & 0xffffffff
 *   s & 0xff  ->  88 (s is 0xb0c5a358)
 *   no_loop: p[0] + 3 * p[5] + p[63]  ->  0 + 15 + 63 = 78
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int hot_loop(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data, b[64];
	unsigned int s = 7, i;

	if ((void *)(p + 64) > (void *)(long)ctx->data_end)
		return 0;
	/* a copy: the verifier follows a variable index into the stack */
	__builtin_memcpy(b, p, sizeof(b));
	for (i = 0; i < 1000; i++) {
		s = (s << 5 | s >> 27) ^ b[(s ^ i) & 63];
		if (s & 1)
			s += i;
	}
	return s & 0xff;
}

SEC("xdp") int no_loop(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;

	if ((void *)(p + 64) > (void *)(long)ctx->data_end)
		return 0;
	return p[0] + 3 * p[5] + p[63];
}

char LICENSE[] SEC("license") = "GPL";
