// SPDX-License-Identifier: MIT
/*
 * Void noinline subprograms (katran's style): each exits without writing
 * r0, which the kernel accepts because no caller reads it. For a 64-byte
 * packet: fill gives {64, 192}, scale triples both ({192, 576}), add_to
 * stores 192 + 576 = 768 in counts[0] and 64 in counts[1]; XDP_PASS (2).
 *
 * 'bad' reads r7 before any write: the kernel's verifier and the runtime's
 * validator refuse it, and that must not stop 'good' from running.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __attribute__((noinline)) void fill(__u64 *p, __u64 v)
{
	p[0] = v;
	p[1] = v * 3;
}

static __attribute__((noinline)) void scale(__u64 *p)
{
	p[0] *= 3;
	p[1] *= 3;
}

static __attribute__((noinline)) void add_to(__u32 k, __u64 v)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &k);

	if (c)
		*c += v;
}

SEC("xdp") int good(struct xdp_md *ctx)
{
	__u64 buf[2];
	__u64 len = ctx->data_end - ctx->data;

	fill(buf, len);
	scale(buf);
	add_to(0, buf[0] + buf[1]);
	add_to(1, len);
	return XDP_PASS;
}

SEC("xdp") int bad(struct xdp_md *ctx)
{
	__u64 r;

	asm volatile("r0 = r7" : "=r"(r));
	return (int)r;
}

char LICENSE[] SEC("license") = "GPL";
