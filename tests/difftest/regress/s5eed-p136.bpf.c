// difftest regression: program 136 of seed 0x5eed, 19 of 34 statements dropped
// mcpu: v3
// program: 136
// packet: c700640003ffffb2500643ae0060b8000070e129bbff0700ff0cff00000bc214b10000898903ff42ff4500370000ff02063f7b2f0000000748c903
// found: p_136: kernel: hash_136[15] = 00000000000000000000000000000000ffffffff000000 (0), interp 0000000000000000ffffffff00000000ffffffff000000 (0)
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
} arr_136 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct dt_val);
} hash_136 SEC(".maps");

static __attribute__((noinline)) __u32 s_136_0(__s32 a0, __u8 a1)
{
	__u32 l0 = 249ull;
	__u64 l1 = (__u64)((__u64)((__u32)a0) % ((__u64)((__s32)l0) | 1));
	a0 = (__s32)((__u32)a0 - (__u32)((((__u64)l0) ? (__u8)(((__u64)262ull) > ((__u16)a1)) : (__u8)((__u32)((__s32)l1) + (__u32)((__s32)a0)))));
	{
		__u32 k0 = (__u32)((__u64)a0) & 15;
		struct dt_val hv1 = { .a = (__u64)(((__s64)0x8f9746c9390e374aull) >= ((__u64)a0)), .b = (__s64)((__u64)((__u32)1ull) % ((__u64)((__s16)0x8000000000000000ull) | 1)), .c = (__u32)a0, .d = (__s16)(((__u8)7ull) < ((__s32)l1)), .e = (__u8)((__s32)((__u8)l0) >> (((__u32)a0) & 31)), .f = (__u8)l1 };
		a1 = (__u8)((__u32)a1 ^ (__u32)(bpf_map_update_elem(&hash_136, &k0, &hv1, BPF_ANY)));
	}
	return (__u32)a0;
}

static __attribute__((noinline)) __s32 s_136_1(__u16 a0, __s8 a1, __u16 a2)
{
	__s32 l0 = (((__s16)0x5f7aac275579f77full) ? (__s32)a0 : (__s32)51ull);
	return (__s32)a0;
}

static __attribute__((noinline)) __s8 s_136_2(__u16 a0, __u64 a1, __u32 a2)
{
	__u32 l0 = 278ull;
	return (__s8)((__u32)((__s8)((__u32)((__s64)0x100000000ull) / ((__u32)((__s16)a0) | 1))) & (__u32)((__s64)(__u32)241ull));
}

SEC("xdp")
int p_136(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__s8 v0;
	__u8 v1;
	__s8 v2;
	__u32 v3;
	__u64 v4;

	if ((void *)((__u8 *)data + 14) > data_end)
		return 0;
	v0 = (__s8)*(__u8 *)((__u8 *)data + 4);
	v1 = (__u8)*(__u64 *)((__u8 *)data + 4);
	v2 = (__s8)259ull;
	v3 = (__u32)*(__u8 *)((__u8 *)data + 12);
	v4 = (__u64)*(__u64 *)((__u8 *)data + 1);

	v0 = (__s8)s_136_0((__s32)((__u32)((__s8)((__u32)((__u64)v0) >> (((__s16)217ull) & 31))) * (__u32)((__u32)0xee21aa0da8cdbc09ull)), (__u8)((__u32)((__s16)69ull) - (__u32)((__u8)0x7fffull)));
	{
		struct dt_val s12 = { .a = (__u64)((__u64)((__s32)v2) / ((__u64)((__s8)0x7fffull) | 1)), .b = (__s64)((__u64)((__s16)v3) | (__u64)((__s32)v0)), .c = (__u32)(((__s16)0xffull) <= ((__u64)v0)), .d = (__s16)!((__u8)279ull), .e = (__u8)((__u32)((__s32)0x88c75cab1635ea37ull) << (((__u16)0x6fb80809a356fef7ull) & 31)), .f = (__u8)~(__u32)((__s64)0xd964463a552a44f2ull) };
		struct dt_val t12 = s12;
		{
			__u32 k13 = (__u32)((__u16)t12.b) & 15;
			struct dt_val *hp14 = bpf_map_lookup_elem(&hash_136, &k13);
			if (hp14) {
				struct dt_val cp14 = *hp14;
				cp14.b = (__s64)s_136_0((__s32)((__u32)((((__s8)258ull) ? (__s16)0xffull : (__s16)v3)) / ((__u32)((__u64)0xffffffffull) | 1)), (__u8)!((__s16)((__u32)((__u8)t12.e) % ((__u32)((__s32)151ull) | 1))));
				*hp14 = cp14;
			}
		}
		s12 = t12;
		v4 = (__u64)((__u64)v4 ^ (__u64)(s12.a ^ (__u64)s12.b ^ s12.c ^ (__u64)s12.d ^ s12.e ^ s12.f));
	}

	__u64 h = 0;
	h = h * 31 + (__u64)v0;
	h = h * 31 + (__u64)v1;
	h = h * 31 + (__u64)v2;
	h = h * 31 + (__u64)v3;
	h = h * 31 + (__u64)v4;
	return (int)(h ^ (h >> 32));
}

