// SPDX-License-Identifier: MIT
// .rodata switches tested inside a loop (the native code reads them without
// `volatile`, so the optimiser may test them once per run): over the first
// 64 bytes of the packet, mode 0 counts the even bytes, mode 1 sums them,
// mode 2 xors them; bytes equal to a non-zero `skip` are left out.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 mode = 0;
const volatile __u8 skip = 0;

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	const __u8 *p = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 r = 0, i;

	for (i = 0; i < 64; i++) {
		__u8 b;

		if (p + i + 1 > end)
			break;
		b = p[i];
		if (skip && b == skip)
			continue;
		if (mode == 0)
			r += !(b & 1);
		else if (mode == 1)
			r += b;
		else
			r ^= b;
	}
	return r;
}

char LICENSE[] SEC("license") = "GPL";
