// SPDX-License-Identifier: MIT
/*
 * The interpreter: the project's semantic reference. Every instruction of
 * the eBPF ISA v4, generated from the one opcode list in rt_insn.h; every
 * load, store and atomic is checked against the regions the program may
 * touch (stack, context, packet, map storage, conformance memory); BPF-to-BPF
 * calls get their own 512-byte frame; an instruction budget stops runaway
 * programs. A failure stops the program with a message naming the
 * instruction: "insn 17: out-of-bounds load of 4 bytes at 0x..." .
 *
 * Dispatch is a computed goto where the compiler has it and a switch
 * elsewhere; both come from the same lists (kernel core.c's habit).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_insn.h"
#include "rt_internal.h"

#define MAX_REGIONS_INLINE 16

struct frame {
	size_t ret_pc;
	uint64_t saved[4];	/* r6-r9 */
	uint64_t fp;		/* r10 */
};

struct interp {
	struct rt_run *run;
	const struct rt_insn *insns;
	size_t nr_insns;
	uint64_t *map_ptrs;	/* per map: the object, for ld_imm64 */
	struct rt_region *regions;
	size_t nr_regions;
	size_t last;		/* region that satisfied the last access */
	uint8_t *stack;		/* RT_MAX_CALL_DEPTH frames; borrowed from the run */
	size_t stack_size;
	int depth;		/* frames in use by the current (callback) invocation */
	/* what the regions were built for, to reuse them on repeated runs */
	const void *ctx;
	const uint8_t *pkt_buf;
	size_t pkt_cap;
};

/* The slow path of region_check(): every region. */
static __attribute__((noinline)) bool region_search(struct interp *in, uintptr_t a, uint64_t n,
						    bool write)
{
	const struct rt_region *r;
	size_t i;

	if (a + n < a)
		return false;
	/* the packet, between its live bounds: helpers move them */
	if (a >= (uintptr_t)in->run->data_meta && a + n <= (uintptr_t)in->run->data_end)
		return true;
	for (i = 0; i < in->nr_regions; i++) {
		r = &in->regions[i];
		if (a >= r->start && a + n <= r->end && (!write || r->writable)) {
			in->last = i;
			return true;
		}
	}
	for (i = 0; i < in->run->nr_regions; i++) {
		r = &in->run->regions[i];
		if (a >= r->start && a + n <= r->end && (!write || r->writable))
			return true;
	}
	return false;
}

/* Whether [a, a+n) may be accessed: the region that served the last access
 * first, then the rest. (Forcing it inline measured slower: register
 * pressure in exec().) */
static bool region_check(struct interp *in, uintptr_t a, uint64_t n, bool write)
{
	const struct rt_region *r = &in->regions[in->last];

	if (a >= r->start && a + n <= r->end && a + n >= a && (!write || r->writable))
		return true;
	return region_search(in, a, n, write);
}

/* rt_run__mem_ok() for helpers: the same regions as the program's accesses. */
static bool interp_mem_check(struct rt_run *run, uintptr_t a, uint64_t n, bool write)
{
	return region_check(run->prog->engine_state[BPFAOT_ENGINE_INTERP], a, n, write);
}

static int add_region(struct rt_region **regs, size_t *cnt, size_t *cap, const void *start,
		      size_t len, bool writable)
{
	int err;

	if (!start || !len)
		return 0;
	err = rt_ensure_mem((void **)regs, cap, sizeof(**regs), *cnt + 1);
	if (err)
		return err;
	(*regs)[*cnt].start = (uintptr_t)start;
	(*regs)[*cnt].end = (uintptr_t)start + len;
	(*regs)[*cnt].writable = writable;
	(*cnt)++;
	return 0;
}

static bool map_is_rodata(const struct rt_map *m)
{
	return !strncmp(rt_map__name(m), ".rodata", 7);
}

/* ubpf's test helper 5 of the conformance suite: returns r1, and the
 * program stops with r0 = 0 when that is 0. */
#define CONF_HELPER_UNWIND 5

static uint64_t exec(struct interp *in, size_t start_pc, bool callback, uint64_t r1, uint64_t r2,
		     uint64_t r3, uint64_t r4, uint64_t r5);

/*
 * Each frame starts zeroed the first time a run enters it (entry, calls,
 * callbacks), so runs are deterministic without clearing the whole stack
 * per run, nor a frame per bpf_loop iteration.
 */
static void zero_frame(struct interp *in, uint64_t fp)
{
	size_t idx = (size_t)((uintptr_t)(in->stack + in->stack_size) - fp) / RT_STACK_SIZE;

	if (in->run->frames_zeroed & (1u << idx))
		return;
	in->run->frames_zeroed |= 1u << idx;
	memset((void *)(uintptr_t)(fp - RT_STACK_SIZE), 0, RT_STACK_SIZE);
}

/* bpf_loop and friends call back into the program through here. */
static uint64_t interp_callback(struct rt_run *run, uint64_t fn_addr, uint64_t r1, uint64_t r2,
				uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct interp *in = run->prog->engine_state[BPFAOT_ENGINE_INTERP];
	uintptr_t a = (uintptr_t)fn_addr, base = (uintptr_t)in->insns;
	size_t pc;

	if (a < base || a >= base + in->nr_insns * sizeof(struct rt_insn) ||
	    (a - base) % sizeof(struct rt_insn)) {
		rt_run__fail_insn(run, -EFAULT, "callback address 0x%" PRIx64 " is not a function",
			     fn_addr);
		return 0;
	}
	pc = (a - base) / sizeof(struct rt_insn);
	if (in->depth + 1 >= RT_MAX_CALL_DEPTH) {
		rt_run__fail_insn(run, -E2BIG, "callback: call depth over %d", RT_MAX_CALL_DEPTH);
		return 0;
	}
	return exec(in, pc, true, r1, r2, r3, r4, r5);
}


#define FAIL(err, ...)                                                                             \
	do {                                                                                       \
		rt_run__fail_insn(run, err, __VA_ARGS__);                                                \
		goto out;                                                                          \
	} while (0)

#define CHECK_MEM(addr, n, write, what)                                                            \
	do {                                                                                       \
		if (!region_check(in, (uintptr_t)(addr), (n), (write)))                            \
			FAIL(-EFAULT, "insn %zu: out-of-bounds %s of %u bytes at 0x%" PRIx64, pc - 1, \
			     what, (unsigned int)(n), (uint64_t)(uintptr_t)(addr));                \
	} while (0)

/*
 * Runs from start_pc with a fresh frame on top of the current depth (frame
 * in->depth of the run's stack) until the matching exit; returns r0.
 * callback: a bpf_loop-style callback, which may not tail-call. Errors are
 * recorded in run->err.
 */
static uint64_t exec(struct interp *in, size_t start_pc, bool callback, uint64_t r1, uint64_t r2,
		     uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = in->run;
	const struct rt_insn *insns = in->insns;
	const struct rt_insn *i;
	struct frame frames[RT_MAX_CALL_DEPTH];
	int base_depth = in->depth, depth = 0, saved_depth = in->depth;
	uint64_t reg[11] = { 0, r1, r2, r3, r4, r5 };
	uint64_t budget = run->budget;
	size_t pc = start_pc;
	uint64_t ret = 0;

	reg[10] = (uint64_t)(uintptr_t)(in->stack + in->stack_size - base_depth * RT_STACK_SIZE);
	zero_frame(in, reg[10]);

#define DST reg[i->dst]
#define SRC reg[i->src]
#define IMM ((int64_t)i->imm)

#if defined(__GNUC__) && !defined(BPFAOT_INTERP_SWITCH)
	/* the label table, generated from the same lists as the bodies; the
	 * range default is overridden on purpose */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void *const labels[256] = {
		[0 ... 255] = &&L_BAD,
#define ALU_T(NAME, CODE, MNEM, OP, SIGN)                                                          \
	[RT_CLASS_ALU64 | CODE | RT_SRC_K] = &&L_ALU64_##NAME##_K,                                 \
	[RT_CLASS_ALU64 | CODE | RT_SRC_X] = &&L_ALU64_##NAME##_X,                                 \
	[RT_CLASS_ALU | CODE | RT_SRC_K] = &&L_ALU_##NAME##_K,                                     \
	[RT_CLASS_ALU | CODE | RT_SRC_X] = &&L_ALU_##NAME##_X,
		RT_ALU_BIN_OPS(ALU_T) RT_ALU_SHIFT_OPS(ALU_T) RT_ALU_DIV_OPS(ALU_T)
#undef ALU_T
		[RT_CLASS_ALU64 | RT_OP_NEG] = &&L_ALU64_NEG,
		[RT_CLASS_ALU | RT_OP_NEG] = &&L_ALU_NEG,
		[RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K] = &&L_ALU64_MOV_K,
		[RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_X] = &&L_ALU64_MOV_X,
		[RT_CLASS_ALU | RT_OP_MOV | RT_SRC_K] = &&L_ALU_MOV_K,
		[RT_CLASS_ALU | RT_OP_MOV | RT_SRC_X] = &&L_ALU_MOV_X,
#define END_T(NAME, CODE, MNEM) [CODE] = &&L_END_##NAME,
		RT_END_OPS(END_T)
#undef END_T
#define JMP_T(NAME, CODE, MNEM, OP, SIGN)                                                          \
	[RT_CLASS_JMP | CODE | RT_SRC_K] = &&L_JMP_##NAME##_K,                                     \
	[RT_CLASS_JMP | CODE | RT_SRC_X] = &&L_JMP_##NAME##_X,                                     \
	[RT_CLASS_JMP32 | CODE | RT_SRC_K] = &&L_JMP32_##NAME##_K,                                 \
	[RT_CLASS_JMP32 | CODE | RT_SRC_X] = &&L_JMP32_##NAME##_X,
		RT_JMP_COND_OPS(JMP_T)
#undef JMP_T
		[RT_CLASS_JMP | RT_OP_JA] = &&L_JA,
		[RT_CLASS_JMP32 | RT_OP_JA] = &&L_JA32,
		[RT_CLASS_JMP | RT_OP_CALL | RT_SRC_K] = &&L_CALL,
		[RT_CLASS_JMP | RT_OP_CALL | RT_SRC_X] = &&L_CALLX,
		[RT_CLASS_JMP | RT_OP_EXIT] = &&L_EXIT,
		[RT_LDDW_CODE] = &&L_LDDW,
#define MEM_T(NAME, CODE, MNEM, UTYPE, STYPE)                                                      \
	[RT_CLASS_LDX | RT_MODE_MEM | CODE] = &&L_LDX_##NAME,                                      \
	[RT_CLASS_ST | RT_MODE_MEM | CODE] = &&L_ST_##NAME,                                        \
	[RT_CLASS_STX | RT_MODE_MEM | CODE] = &&L_STX_##NAME,                                      \
	[RT_CLASS_LD | RT_MODE_ABS | CODE] = &&L_LDABS_##NAME,                                     \
	[RT_CLASS_LD | RT_MODE_IND | CODE] = &&L_LDIND_##NAME,
		RT_SIZES(MEM_T)
#undef MEM_T
		[RT_CLASS_LDX | RT_MODE_MEMSX | RT_SIZE_B] = &&L_LDXSX_B,
		[RT_CLASS_LDX | RT_MODE_MEMSX | RT_SIZE_H] = &&L_LDXSX_H,
		[RT_CLASS_LDX | RT_MODE_MEMSX | RT_SIZE_W] = &&L_LDXSX_W,
		[RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_W] = &&L_ATOMIC_W,
		[RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_DW] = &&L_ATOMIC_DW,
	};
#pragma GCC diagnostic pop
#define INSN(label, code) label:
#define DISPATCH goto *labels[i->code]
/* threaded code: each handler dispatches the next instruction itself, so
 * the CPU predicts each indirect jump from its own site (kernel core.c) */
#define NEXT                                                                                       \
	do {                                                                                       \
		if (__builtin_expect(!budget--, 0))                                                \
			goto out_of_budget;                                                        \
		i = &insns[pc++];                                                                  \
		goto *labels[i->code];                                                             \
	} while (0)
#else
#define INSN(label, code) case code:
#define NEXT goto next
#endif

next: __attribute__((unused)); /* the switch build's loop; threaded code skips it */
	/* no pc bound check: the validator proved every jump and call target
	 * is inside the program and that it ends in exit or ja */
	if (!budget--) {
out_of_budget: __attribute__((unused));
		FAIL(-E2BIG, "insn %zu: instruction budget exhausted", pc);
	}
	i = &insns[pc++];
#ifdef DISPATCH
	DISPATCH;
	{
#else
	switch (i->code) {
#endif

#define ALU_BIN(NAME, CODE, MNEM, OP, SIGN)                                                        \
	INSN(L_ALU64_##NAME##_K, RT_CLASS_ALU64 | CODE | RT_SRC_K)                                 \
		DST = DST OP(uint64_t) IMM;                                                        \
		NEXT;                                                                              \
	INSN(L_ALU64_##NAME##_X, RT_CLASS_ALU64 | CODE | RT_SRC_X)                                 \
		DST = DST OP SRC;                                                                  \
		NEXT;                                                                              \
	INSN(L_ALU_##NAME##_K, RT_CLASS_ALU | CODE | RT_SRC_K)                                     \
		DST = (uint32_t)((uint32_t)DST OP(uint32_t) i->imm);                               \
		NEXT;                                                                              \
	INSN(L_ALU_##NAME##_X, RT_CLASS_ALU | CODE | RT_SRC_X)                                     \
		DST = (uint32_t)((uint32_t)DST OP(uint32_t) SRC);                                  \
		NEXT;
	RT_ALU_BIN_OPS(ALU_BIN)
#undef ALU_BIN

#define ALU_SHIFT(NAME, CODE, MNEM, OP, SIGN)                                                      \
	INSN(L_ALU64_##NAME##_K, RT_CLASS_ALU64 | CODE | RT_SRC_K)                                 \
		DST = (uint64_t)((RT_TYPE(SIGN, 64))DST OP(IMM & 63));                             \
		NEXT;                                                                              \
	INSN(L_ALU64_##NAME##_X, RT_CLASS_ALU64 | CODE | RT_SRC_X)                                 \
		DST = (uint64_t)((RT_TYPE(SIGN, 64))DST OP(SRC & 63));                             \
		NEXT;                                                                              \
	INSN(L_ALU_##NAME##_K, RT_CLASS_ALU | CODE | RT_SRC_K)                                     \
		DST = (uint32_t)((RT_TYPE(SIGN, 32))(uint32_t)DST OP(i->imm & 31));                \
		NEXT;                                                                              \
	INSN(L_ALU_##NAME##_X, RT_CLASS_ALU | CODE | RT_SRC_X)                                     \
		DST = (uint32_t)((RT_TYPE(SIGN, 32))(uint32_t)DST OP(SRC & 31));                   \
		NEXT;
	RT_ALU_SHIFT_OPS(ALU_SHIFT)
#undef ALU_SHIFT

	/* div/mod: off selects the signed form; no operand may trap */
#define ALU_DIV(NAME, CODE, MNEM, OP, SIGN)                                                        \
	INSN(L_ALU64_##NAME##_K, RT_CLASS_ALU64 | CODE | RT_SRC_K)                                 \
		DST = div64_##NAME(DST, (uint64_t)IMM, i->off);                                    \
		NEXT;                                                                              \
	INSN(L_ALU64_##NAME##_X, RT_CLASS_ALU64 | CODE | RT_SRC_X)                                 \
		DST = div64_##NAME(DST, SRC, i->off);                                              \
		NEXT;                                                                              \
	INSN(L_ALU_##NAME##_K, RT_CLASS_ALU | CODE | RT_SRC_K)                                     \
		DST = div32_##NAME((uint32_t)DST, (uint32_t)i->imm, i->off);                       \
		NEXT;                                                                              \
	INSN(L_ALU_##NAME##_X, RT_CLASS_ALU | CODE | RT_SRC_X)                                     \
		DST = div32_##NAME((uint32_t)DST, (uint32_t)SRC, i->off);                          \
		NEXT;
#define div64_DIV(a, b, off)                                                                       \
	((off) ? ((b) == 0		     ? 0                                                   \
		  : (int64_t)(b) == -1 ? (uint64_t)-(a)                                             \
				       : (uint64_t)((int64_t)(a) / (int64_t)(b)))                    \
	       : ((b) ? (a) / (b) : 0))
#define div64_MOD(a, b, off)                                                                       \
	((off) ? ((b) == 0		     ? (a)                                                 \
		  : (int64_t)(b) == -1 ? 0                                                          \
				       : (uint64_t)((int64_t)(a) % (int64_t)(b)))                    \
	       : ((b) ? (a) % (b) : (a)))
#define div32_DIV(a, b, off)                                                                       \
	((uint32_t)((off) ? ((b) == 0		     ? 0                                           \
			     : (int32_t)(b) == -1 ? -(a)                                            \
						  : (uint32_t)((int32_t)(a) / (int32_t)(b)))       \
			  : ((b) ? (a) / (b) : 0)))
#define div32_MOD(a, b, off)                                                                       \
	((uint32_t)((off) ? ((b) == 0		     ? (a)                                         \
			     : (int32_t)(b) == -1 ? 0                                               \
						  : (uint32_t)((int32_t)(a) % (int32_t)(b)))       \
			  : ((b) ? (a) % (b) : (a))))
	RT_ALU_DIV_OPS(ALU_DIV)
#undef ALU_DIV

	INSN(L_ALU64_NEG, RT_CLASS_ALU64 | RT_OP_NEG)
		DST = -DST;
		NEXT;
	INSN(L_ALU_NEG, RT_CLASS_ALU | RT_OP_NEG)
		DST = (uint32_t)-(uint32_t)DST;
		NEXT;
	INSN(L_ALU64_MOV_K, RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K)
		DST = (uint64_t)IMM;
		NEXT;
	INSN(L_ALU64_MOV_X, RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_X)
	INSN(L_ALU_MOV_X, RT_CLASS_ALU | RT_OP_MOV | RT_SRC_X)
		/* off = 0 is a plain move; else a sign-extending movsx (v4) */
		switch ((rt_insn_class(i->code) << 8) | (uint16_t)i->off) {
#define MOVSX(NAME, CLASS, BITS, MNEM, STYPE)                                                      \
	case (RT_CLASS_##CLASS << 8) | BITS:                                                       \
		DST = RT_CLASS_##CLASS == RT_CLASS_ALU64 ? (uint64_t)(int64_t)(STYPE)SRC           \
							 : (uint32_t)(int32_t)(STYPE)SRC;          \
		break;
			RT_MOVSX_OPS(MOVSX)
#undef MOVSX
		default:
			DST = rt_insn_class(i->code) == RT_CLASS_ALU64 ? SRC : (uint32_t)SRC;
		}
		NEXT;
	INSN(L_ALU_MOV_K, RT_CLASS_ALU | RT_OP_MOV | RT_SRC_K)
		DST = (uint32_t)i->imm;
		NEXT;

	INSN(L_END_LE, 0xd4)
		/* little-endian host: a truncation */
		DST = i->imm == 16 ? (uint16_t)DST : i->imm == 32 ? (uint32_t)DST : DST;
		NEXT;
	INSN(L_END_BE, 0xdc)
	INSN(L_END_BSWAP, 0xd7)
		DST = i->imm == 16   ? __builtin_bswap16((uint16_t)DST)
		      : i->imm == 32 ? __builtin_bswap32((uint32_t)DST)
				     : __builtin_bswap64(DST);
		NEXT;

#define JMP(NAME, CODE, MNEM, OP, SIGN)                                                            \
	INSN(L_JMP_##NAME##_K, RT_CLASS_JMP | CODE | RT_SRC_K)                                     \
		if ((RT_TYPE(SIGN, 64))DST OP(RT_TYPE(SIGN, 64)) IMM)                              \
			pc += i->off;                                                              \
		NEXT;                                                                              \
	INSN(L_JMP_##NAME##_X, RT_CLASS_JMP | CODE | RT_SRC_X)                                     \
		if ((RT_TYPE(SIGN, 64))DST OP(RT_TYPE(SIGN, 64)) SRC)                              \
			pc += i->off;                                                              \
		NEXT;                                                                              \
	INSN(L_JMP32_##NAME##_K, RT_CLASS_JMP32 | CODE | RT_SRC_K)                                 \
		if ((RT_TYPE(SIGN, 32))DST OP(RT_TYPE(SIGN, 32)) i->imm)                           \
			pc += i->off;                                                              \
		NEXT;                                                                              \
	INSN(L_JMP32_##NAME##_X, RT_CLASS_JMP32 | CODE | RT_SRC_X)                                 \
		if ((RT_TYPE(SIGN, 32))DST OP(RT_TYPE(SIGN, 32)) SRC)                              \
			pc += i->off;                                                              \
		NEXT;
	RT_JMP_COND_OPS(JMP)
#undef JMP

	INSN(L_JA, RT_CLASS_JMP | RT_OP_JA)
		pc += i->off;
		NEXT;
	INSN(L_JA32, RT_CLASS_JMP32 | RT_OP_JA)
		pc += i->imm;
		NEXT;

	INSN(L_LDDW, RT_LDDW_CODE)
		switch (i->src) {
		case BPF_PSEUDO_MAP_FD:
			DST = in->map_ptrs[i->imm];
			break;
		case BPF_PSEUDO_MAP_VALUE: {
			uint32_t zero = 0;
			uint8_t *v = rt_map__lookup(run->obj->maps[i->imm], &zero);

			if (!v)
				FAIL(-EFAULT, "insn %zu: map '%s' has no value storage", pc - 1,
				     rt_map__name(run->obj->maps[i->imm]));
			DST = (uint64_t)(uintptr_t)(v + (uint32_t)i[1].imm);
			break;
		}
		case BPF_PSEUDO_FUNC:
			DST = (uint64_t)(uintptr_t)&insns[pc + i->imm];
			break;
		default:
			DST = (uint32_t)i->imm | ((uint64_t)(uint32_t)i[1].imm << 32);
		}
		pc++;
		NEXT;

#define MEM(NAME, CODE, MNEM, UTYPE, STYPE)                                                        \
	INSN(L_LDX_##NAME, RT_CLASS_LDX | RT_MODE_MEM | CODE)                                      \
	{                                                                                          \
		uint64_t a = SRC + (int64_t)i->off;                                                \
		UTYPE v;                                                                           \
		CHECK_MEM(a, sizeof(UTYPE), false, "load");                                        \
		memcpy(&v, (void *)(uintptr_t)a, sizeof(v));                                       \
		DST = v;                                                                           \
		NEXT;                                                                              \
	}                                                                                          \
	INSN(L_ST_##NAME, RT_CLASS_ST | RT_MODE_MEM | CODE)                                        \
	{                                                                                          \
		uint64_t a = DST + (int64_t)i->off;                                                \
		UTYPE v = (UTYPE)IMM;                                                              \
		CHECK_MEM(a, sizeof(UTYPE), true, "store");                                        \
		memcpy((void *)(uintptr_t)a, &v, sizeof(v));                                       \
		NEXT;                                                                              \
	}                                                                                          \
	INSN(L_STX_##NAME, RT_CLASS_STX | RT_MODE_MEM | CODE)                                      \
	{                                                                                          \
		uint64_t a = DST + (int64_t)i->off;                                                \
		UTYPE v = (UTYPE)SRC;                                                              \
		CHECK_MEM(a, sizeof(UTYPE), true, "store");                                        \
		memcpy((void *)(uintptr_t)a, &v, sizeof(v));                                       \
		NEXT;                                                                              \
	}                                                                                          \
	INSN(L_LDABS_##NAME, RT_CLASS_LD | RT_MODE_ABS | CODE)                                     \
	INSN(L_LDIND_##NAME, RT_CLASS_LD | RT_MODE_IND | CODE)                                     \
	{                                                                                          \
		/* legacy packet loads: network order, r0 = 0 and exit when out of bounds */      \
		uint64_t off = (uint32_t)i->imm +                                                  \
			       (rt_insn_mode(i->code) == RT_MODE_IND ? (uint32_t)SRC : 0);         \
		UTYPE v;                                                                           \
		if (!run->data || off + sizeof(UTYPE) > (uint64_t)(run->data_end - run->data)) {   \
			ret = 0;                                                                   \
			goto out;                                                                  \
		}                                                                                  \
		memcpy(&v, run->data + off, sizeof(v));                                            \
		reg[0] = sizeof(v) == 1 ? v                                                        \
			 : sizeof(v) == 2 ? __builtin_bswap16((uint16_t)v)                         \
			 : sizeof(v) == 4 ? __builtin_bswap32((uint32_t)v)                         \
					  : __builtin_bswap64(v);                                  \
		NEXT;                                                                              \
	}
	RT_SIZES(MEM)
#undef MEM

#define MEMSX(NAME, STYPE)                                                                         \
	INSN(L_LDXSX_##NAME, RT_CLASS_LDX | RT_MODE_MEMSX | RT_SIZE_##NAME)                        \
	{                                                                                          \
		uint64_t a = SRC + (int64_t)i->off;                                                \
		STYPE v;                                                                           \
		CHECK_MEM(a, sizeof(STYPE), false, "load");                                        \
		memcpy(&v, (void *)(uintptr_t)a, sizeof(v));                                       \
		DST = (uint64_t)(int64_t)v;                                                        \
		NEXT;                                                                              \
	}
	MEMSX(B, int8_t)
	MEMSX(H, int16_t)
	MEMSX(W, int32_t)
#undef MEMSX

#define ATOMIC(SZ, TYPE)                                                                           \
	INSN(L_ATOMIC_##SZ, RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_##SZ)                          \
	{                                                                                          \
		uint64_t a = DST + (int64_t)i->off;                                                \
		TYPE *p = (TYPE *)(uintptr_t)a, old;                                               \
		CHECK_MEM(a, sizeof(TYPE), true, "atomic access");                                 \
		if (a % sizeof(TYPE))                                                              \
			FAIL(-EFAULT, "insn %zu: misaligned atomic access at 0x%" PRIx64, pc - 1,  \
			     a);                                                                   \
		switch (i->imm) {                                                                  \
		case RT_ATOMIC_ADD:                                                                \
		case RT_ATOMIC_ADD | RT_ATOMIC_FETCH:                                              \
			old = __atomic_fetch_add(p, (TYPE)SRC, __ATOMIC_SEQ_CST);                  \
			break;                                                                     \
		case RT_ATOMIC_OR:                                                                 \
		case RT_ATOMIC_OR | RT_ATOMIC_FETCH:                                               \
			old = __atomic_fetch_or(p, (TYPE)SRC, __ATOMIC_SEQ_CST);                   \
			break;                                                                     \
		case RT_ATOMIC_AND:                                                                \
		case RT_ATOMIC_AND | RT_ATOMIC_FETCH:                                              \
			old = __atomic_fetch_and(p, (TYPE)SRC, __ATOMIC_SEQ_CST);                  \
			break;                                                                     \
		case RT_ATOMIC_XOR:                                                                \
		case RT_ATOMIC_XOR | RT_ATOMIC_FETCH:                                              \
			old = __atomic_fetch_xor(p, (TYPE)SRC, __ATOMIC_SEQ_CST);                  \
			break;                                                                     \
		case RT_ATOMIC_XCHG:                                                               \
			old = __atomic_exchange_n(p, (TYPE)SRC, __ATOMIC_SEQ_CST);                 \
			break;                                                                     \
		case RT_ATOMIC_CMPXCHG:                                                            \
			old = (TYPE)reg[0];                                                        \
			__atomic_compare_exchange_n(p, &old, (TYPE)SRC, false, __ATOMIC_SEQ_CST,   \
						    __ATOMIC_SEQ_CST);                             \
			reg[0] = old;                                                              \
			NEXT;                                                                      \
		default:                                                                           \
			FAIL(-EINVAL, "insn %zu: unknown atomic operation 0x%x", pc - 1,           \
			     (unsigned int)i->imm);                                                \
		}                                                                                  \
		if (i->imm & RT_ATOMIC_FETCH)                                                      \
			SRC = old;                                                                 \
		NEXT;                                                                              \
	}
	ATOMIC(W, uint32_t)
	ATOMIC(DW, uint64_t)
#undef ATOMIC

	INSN(L_CALL, RT_CLASS_JMP | RT_OP_CALL | RT_SRC_K)
		if (i->src == BPF_PSEUDO_CALL) {
			if (base_depth + depth + 1 >= RT_MAX_CALL_DEPTH)
				FAIL(-E2BIG, "insn %zu: call depth over %d", pc - 1,
				     RT_MAX_CALL_DEPTH);
			frames[depth].ret_pc = pc;
			memcpy(frames[depth].saved, &reg[6], sizeof(frames[depth].saved));
			frames[depth].fp = reg[10];
			depth++;
			reg[10] -= RT_STACK_SIZE;
			zero_frame(in, reg[10]);
			pc += i->imm;
			NEXT;
		}
		goto call_helper;
	INSN(L_CALLX, RT_CLASS_JMP | RT_OP_CALL | RT_SRC_X)
	{
		uintptr_t a = (uintptr_t)DST, b = (uintptr_t)insns;

		/* a code address from ld_imm64 (BPF_PSEUDO_FUNC), or, as in
		 * ubpf and the conformance suite, a helper id */
		if (a >= b && a < b + in->nr_insns * sizeof(*insns)) {
			if ((a - b) % sizeof(*insns))
				FAIL(-EFAULT, "insn %zu: callx to a misaligned address", pc - 1);
			if (base_depth + depth + 1 >= RT_MAX_CALL_DEPTH)
				FAIL(-E2BIG, "insn %zu: call depth over %d", pc - 1,
				     RT_MAX_CALL_DEPTH);
			frames[depth].ret_pc = pc;
			memcpy(frames[depth].saved, &reg[6], sizeof(frames[depth].saved));
			frames[depth].fp = reg[10];
			depth++;
			reg[10] -= RT_STACK_SIZE;
			zero_frame(in, reg[10]);
			pc = (a - b) / sizeof(*insns);
			NEXT;
		}
		if (a > UINT32_MAX)
			FAIL(-EFAULT, "insn %zu: callx to 0x%" PRIx64 ", not a function", pc - 1,
			     (uint64_t)a);
		goto call_helper;
	}

	INSN(L_EXIT, RT_CLASS_JMP | RT_OP_EXIT)
		if (depth) {
			depth--;
			pc = frames[depth].ret_pc;
			memcpy(&reg[6], frames[depth].saved, sizeof(frames[depth].saved));
			reg[10] = frames[depth].fp;
			NEXT;
		}
		ret = reg[0];
		goto out;

#ifdef DISPATCH
	L_BAD:
#else
	default:
#endif
		FAIL(-EINVAL, "insn %zu: unknown opcode 0x%02x", pc - 1, i->code);
	}

call_helper : {
	uint32_t id = i->code == (RT_CLASS_JMP | RT_OP_CALL | RT_SRC_X) ? (uint32_t)DST
									 : (uint32_t)i->imm;
	const struct rt_helper *h;

	if (run->obj->is_conformance) {
		if (id != CONF_HELPER_UNWIND)
			FAIL(-ENOENT, "insn %zu: unknown helper %u", pc - 1, id);
		reg[0] = reg[1];
		if (!reg[0]) {
			ret = 0;
			goto out;
		}
		NEXT;
	}
	h = rt_helper__by_id(id);
	if (!h || !h->fn)
		FAIL(-ENOENT, "insn %zu: unknown helper %u", pc - 1, id);
	run->budget = budget;
	/* the frames in use, for a callback the helper runs (interp_callback) */
	in->depth = base_depth + depth + 1;
	reg[0] = h->fn(reg[1], reg[2], reg[3], reg[4], reg[5]);
	budget = run->budget; /* callbacks ran on the same budget */
	if (run->err)
		goto out;
	if (run->tail_target) {
		struct rt_prog *t = run->tail_target, *caller = run->prog;
		struct interp *tin = t->engine_state[BPFAOT_ENGINE_INTERP];
		int tin_depth;

		run->tail_target = NULL;
		if (!tin || callback)
			FAIL(-EINVAL, "insn %zu: tail call from a callback", pc - 1);
		if (depth) {
			/* in a subprogram the target replaces the subprogram, as
			 * the kernel's x86-64 JIT does: it runs in the
			 * subprogram's frame, its r0 is the subprogram's return
			 * value and the caller carries on */
			tin_depth = tin->depth;
			tin->depth = base_depth + depth;
			run->prog = t;
			reg[0] = exec(tin, 0, false, (uint64_t)(uintptr_t)run->ctx, 0, 0, 0, 0);
			run->prog = caller;
			tin->depth = tin_depth;
			budget = run->budget;
			if (run->err)
				goto out;
			depth--;
			pc = frames[depth].ret_pc;
			memcpy(&reg[6], frames[depth].saved, sizeof(frames[depth].saved));
			reg[10] = frames[depth].fp;
			NEXT;
		}
		/* the kernel reuses the frame: the new program starts with r1 = ctx */
		run->prog = t;
		in->depth = saved_depth;
		in = tin;
		saved_depth = in->depth;
		in->run = run;
		insns = in->insns;
		reg[1] = (uint64_t)(uintptr_t)run->ctx;
		pc = 0;
		NEXT;
	}
	/* r1-r5 are clobbered by calls (the validator keeps programs from
	 * reading them); leave them as the helper saw them */
	NEXT;
}

out:
	run->budget = budget;
	in->depth = saved_depth;
	return ret;
#undef DST
#undef SRC
#undef IMM
#undef INSN
#undef NEXT
#undef DISPATCH
}

static void interp_free(struct interp *in)
{
	if (!in)
		return;
	free(in->map_ptrs);
	free(in->regions);
	free(in);
}

/* Per-program state: map pointers for ld_imm64 and the stack. */
static struct interp *interp_prepare(struct rt_prog *prog)
{
	struct rt_object *obj = prog->obj;
	struct interp *in;
	size_t m;

	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->insns = prog->insns;
	in->nr_insns = prog->nr_insns;
	in->map_ptrs = calloc(obj->nr_maps ? obj->nr_maps : 1, sizeof(*in->map_ptrs));
	if (!in->map_ptrs) {
		interp_free(in);
		return NULL;
	}
	for (m = 0; m < obj->nr_maps; m++)
		in->map_ptrs[m] = (uint64_t)(uintptr_t)obj->maps[m];
	return in;
}

static void engine_free(void *state)
{
	interp_free(state);
}

/* The regions a run may touch, built once per run (the packet moves). */
static int build_regions(struct interp *in, struct rt_run *run)
{
	struct rt_region *regs = NULL;
	size_t cnt = 0, cap = 0, m;
	int err;

	err = add_region(&regs, &cnt, &cap, in->stack, in->stack_size, true);
	if (!err)
		err = add_region(&regs, &cnt, &cap, run->ctx, run->ctx_size, true);
	for (m = 0; !err && m < run->obj->nr_maps; m++) {
		const void *start;
		size_t len;

		rt_map__region(run->obj->maps[m], &start, &len);
		err = add_region(&regs, &cnt, &cap, start, len, !map_is_rodata(run->obj->maps[m]));
	}
	if (err) {
		free(regs);
		return err;
	}
	free(in->regions);
	in->regions = regs;
	in->nr_regions = cnt;
	in->last = 0;
	return 0;
}

int rt_interp__run(struct rt_run *run, uint32_t repeat, uint64_t *retval)
{
	/* one stack per run, shared by tail-called programs as in the kernel */
	uint8_t stack[RT_STACK_SIZE * RT_MAX_CALL_DEPTH] __attribute__((aligned(16)));
	struct rt_object *obj = run->obj;
	struct rt_prog *first = run->prog;
	struct interp *in;
	uint64_t r = 0;
	uint32_t n;
	size_t p;
	int err;

	/* every program of the object, so that tail calls find theirs ready */
	for (p = 0; p < obj->nr_progs; p++) {
		struct rt_prog *prog = &obj->progs[p];

		if (!prog->engine_state[BPFAOT_ENGINE_INTERP]) {
			prog->engine_state[BPFAOT_ENGINE_INTERP] = interp_prepare(prog);
			prog->engine_free[BPFAOT_ENGINE_INTERP] = engine_free;
			if (!prog->engine_state[BPFAOT_ENGINE_INTERP]) {
				rt_log__err(run->log, "out of memory");
				return -ENOMEM;
			}
		}
		in = prog->engine_state[BPFAOT_ENGINE_INTERP];
		in->depth = 0;
		if (in->run == run && in->stack == stack && in->ctx == run->ctx &&
		    in->pkt_buf == run->pkt_buf && in->pkt_cap == run->pkt_cap)
			continue; /* a repeated run: the regions still hold */
		in->stack = stack;
		in->stack_size = sizeof(stack);
		in->run = run;
		in->ctx = run->ctx;
		in->pkt_buf = run->pkt_buf;
		in->pkt_cap = run->pkt_cap;
		err = build_regions(in, run);
		if (err)
			return err;
	}
	in = first->engine_state[BPFAOT_ENGINE_INTERP];
	run->checked = true;
	run->callback = interp_callback;
	run->mem_check = interp_mem_check;
	rt_run__set_current(run);
	/* each run starts afresh, as a new invocation in the kernel: the
	 * first program, a full budget, no tail call made yet */
	for (n = 0; n < repeat && !run->err; n++) {
		run->prog = first;
		run->tail_calls = 0;
		run->frames_zeroed = 0;
		run->budget = run->budget_limit ? run->budget_limit : RT_DEFAULT_BUDGET;
		r = exec(in, 0, false, (uint64_t)(uintptr_t)run->ctx,
			 first->ctx_kind == RT_CTX_MEM ? run->ctx_size : 0, 0, 0, 0);
		if (run->held_lock) {
			/* the verifier's "bpf_spin_unlock is missing": release it, fail */
			rt_spin_unlock(run->held_lock);
			run->held_lock = NULL;
			rt_run__fail(run, -EINVAL, "program '%s' exited holding a bpf_spin_lock",
				     run->prog->name);
		}
	}
	run->prog = first;
	rt_run__set_current(NULL);
	if (run->err)
		return run->err;
	*retval = r;
	return 0;
}
