// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE questions about the program's own types, answered as the BPF
 * compile answers them (LLVM's BPFAbstractMemberAccess): bitfields in
 * storage units of their record's alignment, an anonymous struct, a nested
 * struct, a two-dimensional array, a flavour (bits___v2), a signed enum,
 * the two-argument forms. Each answer goes to out[] in the order of the
 * comments, which work it out; tests/check_e2e_cc.c test_core_local holds
 * the same list. Then BPF_CORE_READ_BITFIELD reads back bitfields that C
 * assignments wrote, signed ones negative. Input: the 64-byte packet 00..3f.
 *
 * struct bits, 48 bytes, aligned 8 (so bitfield units of 64 bits):
 *   a:3 bits 0-2, b:20 bits 3-22, c:5 bits 23-27 (int), d:40 bits 64-103
 *   (it does not fit after bit 28 of the first unit), e:7 bits 104-110
 *   (signed char); the anonymous struct at byte 16, aligned 4 (32-bit
 *   units): x byte 16, y:9 its bits 32-40, z:6 its bits 41-46 (short);
 *   arr[3][5] bytes 24-38; en byte 40; in (struct inner, aligned 2:
 *   16-bit units) at byte 44: pad, then q:3 its bits 16-18, r:5 bits 19-23.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

enum kind { K0 = -2, K1 = 7 };

struct inner {
	short pad;
	unsigned char q:3, r:5;
};

struct bits {
	unsigned int a:3, b:20;
	int c:5;
	unsigned long long d:40;
	signed char e:7;
	struct {
		int x;
		unsigned short y:9;
		short z:6;
	};
	char arr[3][5];
	enum kind en;
	struct inner in;
} __attribute__((preserve_access_index));

struct bits___v2 {
	long pad;
	unsigned int a:3;
} __attribute__((preserve_access_index));

__u64 out[43];

#define F(e, k) out[i++] = __builtin_preserve_field_info(e, k)

SEC("xdp")
int core_local(struct xdp_md *ctx)
{
	struct bits *s = (void *)(long)ctx->data;
	struct bits___v2 *v = (void *)(long)ctx->data;
	struct bits b;
	int i = 0;

	if ((void *)(s + 1) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	/* kinds: 0 byte offset, 1 byte size, 2 exists, 3 signed, 4 lshift, 5 rshift */
	F(s->a, 0); F(s->a, 1); F(s->a, 3); F(s->a, 4); F(s->a, 5);	/* 0 8 0 61 61 */
	F(s->b, 0); F(s->b, 4); F(s->b, 5);				/* 0 41 44 */
	F(s->c, 3); F(s->c, 4);						/* 1 36 */
	F(s->d, 0); F(s->d, 1); F(s->d, 4);				/* 8 8 24 */
	F(s->e, 0); F(s->e, 3); F(s->e, 4);				/* 8 1 17 */
	F(s->y, 0); F(s->y, 1); F(s->y, 4);				/* 20 4 55 */
	F(s->z, 3); F(s->z, 4); F(s->z, 5);				/* 1 49 58 */
	F(s->in.q, 0); F(s->in.q, 1); F(s->in.r, 4); F(s->in.r, 5);	/* 46 2 56 59 */
	F(s->x, 0); F(s->x, 1); F(s->x, 4);				/* 16 4 32 */
	F(s->arr[1][2], 0); F(s->arr[2], 1); F(s->en, 3);		/* 31 5 1 */
	F(v->a, 0); F(v->pad, 2);					/* 8 1 */
	out[i++] = bpf_core_field_offset(struct bits, in);		/* 44 */
	out[i++] = bpf_core_field_size(struct bits, arr);		/* 15 */
	out[i++] = bpf_core_type_size(struct bits);			/* 48 */
	out[i++] = bpf_core_type_exists(struct inner);			/* 1 */
	out[i++] = bpf_core_enum_value(enum kind, K0);			/* -2 */
	out[i++] = bpf_core_enum_value_exists(enum kind, K1);		/* 1 */
	/* 40 answers so far; now a round trip through C's own layout */
	__builtin_memcpy(&b, s, sizeof(b));
	b.c = -3;
	b.z = -5;
	b.e = -60;
	b.in.r = 17;
	out[i++] = BPF_CORE_READ_BITFIELD(&b, c);			/* -3 */
	out[i++] = BPF_CORE_READ_BITFIELD(&b, z);			/* -5 */
	out[i++] = BPF_CORE_READ_BITFIELD(&b, e) + BPF_CORE_READ_BITFIELD(&b, in.r); /* -43 */
	return i;							/* 43 */
}

char LICENSE[] SEC("license") = "GPL";
