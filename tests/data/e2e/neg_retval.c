// SPDX-License-Identifier: MIT
/* r0 holds a negative 64-bit value; the kernel reports its low 32 bits. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int neg(struct xdp_md *ctx)
{
	long len = (long)ctx->data_end - (long)ctx->data;

	return (int)(len - 1000);
}

char LICENSE[] SEC("license") = "GPL";
