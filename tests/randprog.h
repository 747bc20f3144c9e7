/* SPDX-License-Identifier: MIT */
/*
 * Random bytecode programs for the differential tests (check_rt_jit,
 * check_llvm, check_rt_kernel): every register set, then random ALU
 * (both widths, every operation including signed division and modulo and
 * sign-extending moves), forward jumps (jmp and jmp32, gotol), counted
 * backward loops of a few ALU instructions, stack loads (also
 * sign-extending), stores and atomics, then an epilogue folding r0-r9
 * and some stack into r0. Every program is valid and terminates; the
 * caller owns the text program_text() returns (free()).
 */
#ifndef BPFAOT_TESTS_RANDPROG_H
#define BPFAOT_TESTS_RANDPROG_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt_insn.h"
#include "rt_internal.h"

struct gen {
	uint64_t s;
	struct rt_insn insns[1024];
	size_t n;
	/* jumps to patch: insn index -> element index they go to */
	size_t jmp_at[256], jmp_to[256], nr_jmps;
	size_t elem_pc[256];
	size_t nr_elems;
};

static uint64_t rnd(struct gen *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return g->s;
}

static int32_t rnd_imm(struct gen *g)
{
	static const int32_t pool[] = { 0,	1,	-1,	2,	 7,	     31,
					32,	33,	63,	64,	 INT32_MIN,  INT32_MAX,
					0x7fff, 0x8000, -32768, 0xff,	 0x80,	     -2 };

	switch (rnd(g) % 3) {
	case 0:
		return pool[rnd(g) % (sizeof(pool) / sizeof(pool[0]))];
	case 1:
		return (int32_t)(rnd(g) % 200) - 100;
	default:
		return (int32_t)rnd(g);
	}
}

static uint8_t rnd_reg(struct gen *g)
{
	return (uint8_t)(rnd(g) % 10);
}

static void put(struct gen *g, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	g->insns[g->n++] = (struct rt_insn){ code, dst, src, off, imm };
}

/* A stack offset aligned to bytes, inside the 512-byte frame. */
static int16_t rnd_slot(struct gen *g, unsigned int bytes)
{
	return (int16_t)(-(int)bytes * (int)(1 + rnd(g) % (RT_STACK_SIZE / bytes)));
}

static void gen_alu(struct gen *g)
{
	static const uint8_t ops[] = {
#define OP(NAME, CODE, MNEM, OP, SIGN) CODE,
		RT_ALU_BIN_OPS(OP) RT_ALU_SHIFT_OPS(OP) RT_ALU_DIV_OPS(OP)
#undef OP
	};
	uint8_t cls = rnd(g) & 1 ? RT_CLASS_ALU64 : RT_CLASS_ALU;
	uint8_t op = ops[rnd(g) % sizeof(ops)];
	int16_t off = (op == RT_OP_DIV || op == RT_OP_MOD) ? (int16_t)(rnd(g) & 1) : 0;

	if (rnd(g) & 1)
		put(g, cls | op | RT_SRC_X, rnd_reg(g), rnd_reg(g), off, 0);
	else
		put(g, cls | op | RT_SRC_K, rnd_reg(g), 0, off, rnd_imm(g));
}

static void gen_other_alu(struct gen *g)
{
	static const int16_t sx64[] = { 0, 8, 16, 32 }, sx32[] = { 0, 8, 16 };
	static const uint8_t ends[] = {
#define END(NAME, CODE, MNEM) CODE,
		RT_END_OPS(END)
#undef END
	};
	static const int32_t widths[] = {
#define W(BITS) BITS,
		RT_END_WIDTHS(W)
#undef W
	};
	uint8_t cls = rnd(g) & 1 ? RT_CLASS_ALU64 : RT_CLASS_ALU;

	switch (rnd(g) % 4) {
	case 0:
		put(g, cls | RT_OP_NEG, rnd_reg(g), 0, 0, 0);
		break;
	case 1:
		put(g, cls | RT_OP_MOV | RT_SRC_K, rnd_reg(g), 0, 0, rnd_imm(g));
		break;
	case 2:
		put(g, cls | RT_OP_MOV | RT_SRC_X, rnd_reg(g), rnd_reg(g),
		    cls == RT_CLASS_ALU64 ? sx64[rnd(g) % 4] : sx32[rnd(g) % 3], 0);
		break;
	default:
		put(g, ends[rnd(g) % sizeof(ends)], rnd_reg(g), 0, 0, widths[rnd(g) % 3]);
	}
}

static void gen_jump(struct gen *g, size_t elem, size_t nr_elems)
{
	static const uint8_t ops[] = {
#define OP(NAME, CODE, MNEM, OP, SIGN) CODE,
		RT_JMP_COND_OPS(OP)
#undef OP
	};
	/* forward only, to a later element or the epilogue (element nr_elems) */
	size_t to = elem + 1 + rnd(g) % (nr_elems - elem);
	unsigned int kind = rnd(g) % 8;

	g->jmp_at[g->nr_jmps] = g->n;
	g->jmp_to[g->nr_jmps++] = to;
	if (kind == 0)
		put(g, RT_CLASS_JMP | RT_OP_JA, 0, 0, 0, 0);
	else if (kind == 1)
		put(g, RT_CLASS_JMP32 | RT_OP_JA, 0, 0, 0, 0);
	else if (rnd(g) & 1)
		put(g, (rnd(g) & 1 ? RT_CLASS_JMP : RT_CLASS_JMP32) | ops[rnd(g) % sizeof(ops)] | RT_SRC_X,
		    rnd_reg(g), rnd_reg(g), 0, 0);
	else
		put(g, (rnd(g) & 1 ? RT_CLASS_JMP : RT_CLASS_JMP32) | ops[rnd(g) % sizeof(ops)] | RT_SRC_K,
		    rnd_reg(g), 0, 0, rnd_imm(g));
}

/* A counted loop, as clang emits one: r9 = 1..4, a body of 1..4 ALU
 * instructions that do not write r9 (one that would writes r8), r9 -= 1,
 * back to the body while r9 != 0. The body is an innermost loop. */
static void gen_loop(struct gen *g)
{
	size_t head, k, body = 1 + rnd(g) % 4;

	put(g, RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K, 9, 0, 0, (int32_t)(1 + rnd(g) % 4));
	head = g->n;
	for (k = 0; k < body; k++) {
		gen_alu(g);
		if (g->insns[g->n - 1].dst == 9)
			g->insns[g->n - 1].dst = 8;
	}
	put(g, RT_CLASS_ALU64 | RT_OP_SUB | RT_SRC_K, 9, 0, 0, 1);
	put(g, RT_CLASS_JMP | RT_OP_JNE | RT_SRC_K, 9, 0, (int16_t)((int)head - (int)g->n - 1), 0);
}

static void gen_mem(struct gen *g)
{
	static const uint8_t sizes[] = {
#define SZ(NAME, CODE, MNEM, UTYPE, STYPE) CODE,
		RT_SIZES(SZ)
#undef SZ
	};
	static const int32_t atomics[] = {
#define A(NAME, IMM, MNEM, OP) IMM, IMM | RT_ATOMIC_FETCH,
		RT_ATOMIC_BIN_OPS(A)
#undef A
#define A(NAME, IMM, MNEM) IMM,
		RT_ATOMIC_XCHG_OPS(A)
#undef A
	};
	uint8_t size = sizes[rnd(g) % 4];
	unsigned int bytes = rt_size_bytes(size);

	switch (rnd(g) % 6) {
	case 0:
		put(g, RT_CLASS_STX | RT_MODE_MEM | size, 10, rnd_reg(g), rnd_slot(g, bytes), 0);
		break;
	case 1:
		put(g, RT_CLASS_ST | RT_MODE_MEM | size, 10, 0, rnd_slot(g, bytes), rnd_imm(g));
		break;
	case 2:
	case 3:
		if (size != RT_SIZE_DW && (rnd(g) & 1))
			put(g, RT_CLASS_LDX | RT_MODE_MEMSX | size, rnd_reg(g), 10,
			    rnd_slot(g, bytes), 0);
		else
			put(g, RT_CLASS_LDX | RT_MODE_MEM | size, rnd_reg(g), 10,
			    rnd_slot(g, bytes), 0);
		break;
	default:
		size = rnd(g) & 1 ? RT_SIZE_DW : RT_SIZE_W;
		put(g, RT_CLASS_STX | RT_MODE_ATOMIC | size, 10, rnd_reg(g),
		    rnd_slot(g, rt_size_bytes(size)), atomics[rnd(g) % (sizeof(atomics) / 4)]);
	}
}

/* Every register set, nr_elems random elements with forward jumps (and
 * loops of their own), then an epilogue that folds r0-r9 and some stack
 * into r0. */
static void gen_program(struct gen *g, size_t nr_elems)
{
	size_t e, k;
	uint8_t r;

	g->n = g->nr_jmps = 0;
	for (r = 0; r < 10; r++) {
		if (rnd(g) % 4 == 0) {
			uint64_t v = rnd(g);

			put(g, RT_LDDW_CODE, r, 0, 0, (int32_t)(uint32_t)v);
			put(g, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
		} else {
			put(g, RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K, r, 0, 0, rnd_imm(g));
		}
	}
	for (e = 0; e < nr_elems; e++) {
		g->elem_pc[e] = g->n;
		switch (rnd(g) % 11) {
		case 0:
		case 1:
		case 2:
		case 3:
			gen_alu(g);
			break;
		case 4:
		case 5:
			gen_other_alu(g);
			break;
		case 6:
		case 7:
			gen_jump(g, e, nr_elems);
			break;
		case 10:
			gen_loop(g);
			break;
		default:
			gen_mem(g);
		}
	}
	g->elem_pc[nr_elems] = g->n;
	for (r = 1; r < 10; r++) {
		put(g, RT_CLASS_ALU64 | RT_OP_MUL | RT_SRC_K, 0, 0, 0, (int32_t)0x9e3779b1);
		put(g, RT_CLASS_ALU64 | RT_OP_XOR | RT_SRC_X, 0, r, 0, 0);
	}
	for (k = 1; k <= 8; k++) {
		put(g, RT_CLASS_LDX | RT_MODE_MEM | RT_SIZE_DW, 1, 10, (int16_t)(-8 * (int)k * 7), 0);
		put(g, RT_CLASS_ALU64 | RT_OP_MUL | RT_SRC_K, 0, 0, 0, 31);
		put(g, RT_CLASS_ALU64 | RT_OP_XOR | RT_SRC_X, 0, 1, 0, 0);
	}
	put(g, RT_CLASS_JMP | RT_OP_EXIT, 0, 0, 0, 0);
	for (k = 0; k < g->nr_jmps; k++) {
		struct rt_insn *i = &g->insns[g->jmp_at[k]];
		int32_t rel = (int32_t)g->elem_pc[g->jmp_to[k]] - (int32_t)g->jmp_at[k] - 1;

		if (i->code == (RT_CLASS_JMP32 | RT_OP_JA))
			i->imm = rel;
		else
			i->off = (int16_t)rel;
	}
}

static char *program_text(const struct gen *g)
{
	char *text = malloc(g->n * 24 + 16), *p = text;
	size_t k;

	p += sprintf(p, "-- raw\n");
	for (k = 0; k < g->n; k++) {
		const struct rt_insn *i = &g->insns[k];
		uint64_t v = i->code | (uint64_t)i->dst << 8 | (uint64_t)i->src << 12 |
			     (uint64_t)(uint16_t)i->off << 16 | (uint64_t)(uint32_t)i->imm << 32;

		p += sprintf(p, "0x%016" PRIx64 "\n", v);
	}
	return text;
}

#endif /* BPFAOT_TESTS_RANDPROG_H */
