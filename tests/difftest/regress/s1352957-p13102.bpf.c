// difftest regression: program 13102 of seed 0x1352957, 24 of 43 statements dropped
// mcpu: v3
// program: 13102
// packet: 2100bbf5ff0000a31c00510091000001ff01000300b43dff
// found: p_13102: kernel: retval 0x81a424c4, interp 0x663b6253
// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* no padding: every byte is written, so engines agree on all of it */
struct dt_val {
	__u64 a;
	__s64 b;
	__u32 c;
	__s16 d;
	__u8 e;
	__u8 f;
};

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} arr_13102 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct dt_val);
} hash_13102 SEC(".maps");

static __attribute__((noinline)) __u64 s_13102_0(__s32 a0, __s8 a1, __u16 a2, __u8 a3)
{
	__u64 l0 = (__u64)((__s64)((__u16)a0) >> (((__u8)0x7fffull) & 63));
	__s64 l1 = (__s64)139ull;
	return (__u64)(((__s16)l1) != ((__s8)((__u32)((__u64)47ull) - (__u32)((__s16)0x100ull))));
}

static __attribute__((noinline)) __s32 s_13102_1(__u32 a0, __u64 a1)
{
	__u16 l0 = (__u16)(((__u32)a1) == ((__s64)a1));
	__s32 l1 = 0ull;
	return (__s32)((__u32)((((__s8)l1) ? (__u64)l1 : (__u64)l1)) & (__u32)((__u64)((__s64)((__u16)a1) >> (((__s16)0xffffffffull) & 63))));
}

static __attribute__((noinline)) __u8 s_13102_2(__u8 a0, __u32 a1, __u32 a2)
{
	__u8 l0 = 0xc8350240962c1a3aull;
	return (__u8)(__u8)153ull;
}

static long cb_13102_0(__u32 idx, void *data)
{
	struct dt_val *c = data;

	return 0;
}

static long cb_13102_1(__u32 idx, void *data)
{
	struct dt_val *c = data;

	c->b = (__s64)((__u64)((__u32)idx) % ((__u64)((((__s8)((__u32)((__s16)0xdb82e068ba504d07ull) * (__u32)((__s16)idx))) ? (__u16)(0 - (__u32)((__s32)130ull)) : (__u16)((__u32)((__s16)0x4c3b5e6a39236a4bull) | (__u32)((__s16)c->f)))) | 1));
	{
		__u32 k13 = (__u32)((__s32)((__u32)((__u64)244ull) >> (((__u32)c->b) & 31))) & 15;
		struct dt_val hv14 = { .a = (__u64)(__s64)c->e, .b = (__s64)(__s32)idx, .c = (__u32)((__u32)((__s64)0x6952ccfa530efe81ull) << (((__u32)c->d) & 31)), .d = (__s16)((__u32)((__u32)0xb6319627851a9470ull) >> (((__u8)c->f) & 31)), .e = (__u8)(((__u32)c->e) < ((__s8)c->c)), .f = (__u8)((__u32)((__u8)0x4ec537c7b8ae1152ull) ? (__u32)((__u32)0xbddef94cf0c4e595ull) % (__u32)((__u8)0x4ec537c7b8ae1152ull) : 0xb7u) };
		c->c = (__u32)((__u32)c->c ^ (__u32)(bpf_map_update_elem(&hash_13102, &k13, &hv14, BPF_ANY)));
	}
	return 0;
}

SEC("xdp")
int p_13102(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__s8 v0;
	__s8 v1;
	__u64 v2;
	__u8 v3;
	__s32 v4;
	__u16 v5;
	__u16 v6;

	if ((void *)((__u8 *)data + 14) > data_end)
		return 0;
	v0 = (__s8)*(__u8 *)((__u8 *)data + 1);
	v1 = (__s8)*(__u16 *)((__u8 *)data + 4);
	v2 = (__u64)*(__u8 *)((__u8 *)data + 11);
	v3 = (__u8)*(__u64 *)((__u8 *)data + 0);
	v4 = (__s32)*(__u8 *)((__u8 *)data + 5);
	v5 = (__u16)109ull;
	v6 = (__u16)*(__u8 *)((__u8 *)data + 7);

	if ((__u32)((__u32)((__u16)((__u32)((__u32)0xc0811efe958c02c2ull) + (__u32)((__s64)0xffffffffffffffffull))) << (((__u64)((__u64)((__s16)v5) & (__u64)((__s32)0x3854e3695202a389ull))) & 31))) {
		{
			__u32 n18 = 7;
			for (__u32 i18 = 0; i18 < n18; i18++) {
				{
					struct dt_val c19 = { .a = (__u64)(__u16)v2, .b = (((__u64)0x57ab55ff801ba289ull) ? (__s64)v5 : (__s64)0x37fe54f29cdf7fbcull), .c = (__u32)~(__u32)((__s16)0x8000ull), .d = (__s16)((__u32)((__u8)128ull) - (__u32)((__s32)v2)), .e = (__u8)v0, .f = (__u8)((__u32)((__s8)v5) | (__u32)((__u8)66ull)) };
					long r19 = bpf_loop((__u32)((((__u64)i18) ? (__u64)v0 : (__u64)296ull)) & 15, cb_13102_1, &c19, 0);
					v0 = (__s8)((__u32)v0 ^ (__u32)((__u64)r19 ^ c19.a ^ (__u64)c19.b ^ c19.c ^ (__u64)c19.d ^ c19.e ^ c19.f));
				}
			}
		}
	}

	__u64 h = 0;
	h = h * 31 + (__u64)v0;
	h = h * 31 + (__u64)v1;
	h = h * 31 + (__u64)v2;
	h = h * 31 + (__u64)v3;
	h = h * 31 + (__u64)v4;
	h = h * 31 + (__u64)v5;
	h = h * 31 + (__u64)v6;
	return (int)(h ^ (h >> 32));
}

