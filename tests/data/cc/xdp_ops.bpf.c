// SPDX-License-Identifier: GPL-2.0
/*
 * Conformance-style XDP programs, each run by tests/check_e2e_cc.c on the
 * 64-byte packet 00 01 02 ... 3f (pkt[i] = i) on the aot, interp and kernel
 * engines; the expected return values are worked out in the comments.
 * XDP return values are not range-checked by the kernel's test run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* arithmetic: 32-bit wrap, signed shifts and compares, unsigned division */
SEC("xdp")
int xdp_arith(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u32 len = data_end - data;                 /* 64 */
	__s32 d;
	__u32 r;

	if (data + 16 > data_end)
		return XDP_ABORTED;
	d = ((__s32)p[3] - (__s32)p[10]) * 9;        /* (3 - 10) * 9 = -63 */
	r = (__u32)(d >> 2) + 16;                    /* -16 + 16 = 0 */
	r += ((__u32)p[15] << 28) >> 30;             /* 0xf0000000 >> 30 = 3 */
	r += d < -60 ? 5000 : 1;                     /* 5003 */
	r += len * 2 + len / 3 + len % 7;            /* 128 + 21 + 1: 5153 */
	r += (__u32)((__s64)d + 63);                 /* sign-extended: + 0 */
	return r;                                    /* 5153 */
}

/* loops with constant bounds, one of them nested */
SEC("xdp")
int xdp_loop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u32 sum = 0;
	int i, j;

	if (data + 32 > data_end)
		return XDP_ABORTED;
	/* i = 4k + m: sum over k < 8 of (24k + 14) = 24 * 28 + 14 * 8 = 784 */
	for (i = 0; i < 32; i++)
		sum += p[i] * (i & 3);
	for (i = 0; i < 5; i++)
		for (j = 0; j < i; j++)
			sum += j;                    /* 0 + 0 + 1 + 3 + 6 = 10 */
	return sum;                                  /* 794 */
}

/* switch with shared cases and default over pkt[12..19] & 7 = 4 5 6 7 0 1 2 3 */
SEC("xdp")
int xdp_switch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u32 r = 0;
	int i;

	if (data + 20 > data_end)
		return XDP_ABORTED;
	for (i = 12; i < 20; i++) {
		switch (p[i] & 7) {
		case 0:
			r += 1;
			break;
		case 1:
		case 2:
			r += 20;
			break;
		case 5:
			r += 300;
			break;
		case 7:
			r *= 2;
			break;
		default:
			r += 4000;
		}
	}
	/* 4: 4000, 5: 4300, 6: 8300, 7: 16600, 0: 16601, 1: 16621, 2: 16641, 3: 20641 */
	return r;
}

struct hdr {
	__u8 dst[6];
	__u8 src[6];
	__u16 proto;
};

struct rec {
	struct hdr h;
	__u32 extra;
};

/* struct copies: from the packet, then by assignment */
SEC("xdp")
int xdp_struct(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct rec a, b;

	if (data + sizeof(struct hdr) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(&a.h, data, sizeof(a.h));
	a.extra = 7;
	b = a;
	b.h.src[0] = 0xaa;
	/* 5 + 170 + 6 * 256 + 0x0d0c (bytes 12, 13, little-endian) + 7 = 5058 */
	return b.h.dst[5] + b.h.src[0] + a.h.src[0] * 256 + b.h.proto + b.extra;
}

const volatile __u32 bias = 1000; /* .rodata */
__u32 table[4] = { 2, 3, 5, 7 };  /* .data */
__u64 hits;                       /* .bss */

static __attribute__((noinline)) __u32 weigh(__u32 v)
{
	return v * table[v & 3];
}

__attribute__((noinline)) int add3(__u32 a, __u32 b, __u32 c)
{
	return a + b + c;
}

/* BPF-to-BPF calls (a static and a global function) and global data */
SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;

	if (data + 8 > data_end)
		return XDP_ABORTED;
	hits++;
	/* weigh(1) = 1 * 3, weigh(6) = 6 * 5: 3 + 30 + 1000 + hits 1 = 1034 */
	return add3(weigh(p[1]), weigh(p[6]), bias) + hits;
}

char LICENSE[] SEC("license") = "GPL";
