/* SPDX-License-Identifier: MIT */
/*
 * The one opcode list of the project: every eBPF ISA v4 encoding (RFC 9669)
 * as X-macros. The interpreter's dispatch, the validator, the assembler's
 * mnemonics, the disassembler, the JIT and the LLVM lowering are all
 * generated from these lists, so an encoding is added here once and every
 * consumer learns it. The header only needs <stdint.h>: it works on opcode
 * bytes and field values, not on struct rt_insn, so code outside the
 * runtime may include it too.
 *
 * Opcode byte: class in bits 0-2; for ALU/JMP the source bit 3 and the
 * operation in bits 4-7; for loads and stores the size in bits 3-4 and the
 * mode in bits 5-7.
 *
 * Columns of the operation lists:
 *   X(NAME, CODE, MNEM, OP, SIGN)
 *   NAME  suffix of the generated constant (RT_OP_ADD)
 *   CODE  the operation bits, to be or-ed with a class and a source
 *   MNEM  the assembler mnemonic (64-bit form; the 32-bit form adds "32")
 *   OP    the C operator that computes it (see each list for the shape)
 *   SIGN  u or s: how the operands are read; RT_TYPE(SIGN, 32/64) gives
 *         the C type (RT_TYPE(s, 64) is int64_t)
 *
 * How a switch interpreter consumes a list (computed goto works the same
 * way, with the X body building a label table instead of cases):
 *
 *	#define ALU_BIN(NAME, CODE, MNEM, OP, SIGN)                          \
 *	case RT_CLASS_ALU64 | CODE | RT_SRC_K:                              \
 *		reg[i->dst] = reg[i->dst] OP (uint64_t)(int64_t)i->imm;     \
 *		break;                                                      \
 *	case RT_CLASS_ALU64 | CODE | RT_SRC_X:                              \
 *		reg[i->dst] = reg[i->dst] OP reg[i->src];                   \
 *		break;                                                      \
 *	case RT_CLASS_ALU | CODE | RT_SRC_K:                                \
 *		reg[i->dst] = (uint32_t)((uint32_t)reg[i->dst] OP (uint32_t)i->imm); \
 *		break;                                                      \
 *	case RT_CLASS_ALU | CODE | RT_SRC_X:                                \
 *		reg[i->dst] = (uint32_t)((uint32_t)reg[i->dst] OP (uint32_t)reg[i->src]); \
 *		break;
 *	switch (i->code) {
 *	RT_ALU_BIN_OPS(ALU_BIN)
 *	...
 *	}
 *	#undef ALU_BIN
 *
 * and a conditional jump, for both widths:
 *
 *	#define JMP(NAME, CODE, MNEM, OP, SIGN)                              \
 *	case RT_CLASS_JMP | CODE | RT_SRC_X:                                \
 *		if ((RT_TYPE(SIGN, 64))reg[i->dst] OP (RT_TYPE(SIGN, 64))reg[i->src]) \
 *			pc += i->off;                                       \
 *		break;
 *	RT_JMP_COND_OPS(JMP)
 *
 * (OP of JSET is &, so "a OP b" is the jump condition for every entry.)
 */
#ifndef BPFAOT_RT_INSN_H
#define BPFAOT_RT_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------ classes */

/* X(NAME, CODE, MNEM) */
#define RT_CLASSES(X)                                                                              \
	X(LD, 0x00, "ld")                                                                          \
	X(LDX, 0x01, "ldx")                                                                        \
	X(ST, 0x02, "st")                                                                          \
	X(STX, 0x03, "stx")                                                                        \
	X(ALU, 0x04, "alu")                                                                        \
	X(JMP, 0x05, "jmp")                                                                        \
	X(JMP32, 0x06, "jmp32")                                                                    \
	X(ALU64, 0x07, "alu64")

enum rt_insn_class {
#define RT__X(NAME, CODE, MNEM) RT_CLASS_##NAME = CODE,
	RT_CLASSES(RT__X)
#undef RT__X
};

/* Source operand of ALU and JMP: the immediate (K) or the src register (X). */
enum rt_insn_src {
	RT_SRC_K = 0x00,
	RT_SRC_X = 0x08,
};

/* Byte-swap direction, in the source bit of ALU END (ALU64 END is bswap). */
enum rt_insn_end {
	RT_END_TO_LE = 0x00,
	RT_END_TO_BE = 0x08,
};

/* ------------------------------------------------ load/store sizes, modes */

/*
 * X(NAME, CODE, MNEM, UTYPE, STYPE): STYPE is what MEMSX loads read.
 * RT_SIZES_SUB64 are the sizes that MEMSX and the legacy ABS/IND loads
 * accept; RT_SIZES all four.
 */
#define RT_SIZES_SUB64(X)                                                                          \
	X(W, 0x00, "w", uint32_t, int32_t)                                                         \
	X(H, 0x08, "h", uint16_t, int16_t)                                                         \
	X(B, 0x10, "b", uint8_t, int8_t)
#define RT_SIZES(X) RT_SIZES_SUB64(X) X(DW, 0x18, "dw", uint64_t, int64_t)

enum rt_insn_size {
#define RT__X(NAME, CODE, MNEM, UTYPE, STYPE) RT_SIZE_##NAME = CODE,
	RT_SIZES(RT__X)
#undef RT__X
};

/*
 * X(NAME, CODE, MNEM). ABS and IND are the legacy packet loads (LD only,
 * "packet" conformance group); MEMSX is LDX only, sizes B, H, W.
 */
#define RT_MODES(X)                                                                                \
	X(IMM, 0x00, "imm")                                                                        \
	X(ABS, 0x20, "abs")                                                                        \
	X(IND, 0x40, "ind")                                                                        \
	X(MEM, 0x60, "mem")                                                                        \
	X(MEMSX, 0x80, "memsx")                                                                    \
	X(ATOMIC, 0xc0, "atomic")

enum rt_insn_mode {
#define RT__X(NAME, CODE, MNEM) RT_MODE_##NAME = CODE,
	RT_MODES(RT__X)
#undef RT__X
};

/* ------------------------------------------------------- ALU operations */

/*
 * Wrapping binary operations: dst = dst OP src, the same C for both widths
 * once the operands are cast to the width's unsigned type.
 */
#define RT_ALU_BIN_OPS(X)                                                                          \
	X(ADD, 0x00, "add", +, u)                                                                  \
	X(SUB, 0x10, "sub", -, u)                                                                  \
	X(MUL, 0x20, "mul", *, u)                                                                  \
	X(OR, 0x40, "or", |, u)                                                                    \
	X(AND, 0x50, "and", &, u)                                                                  \
	X(XOR, 0xa0, "xor", ^, u)

/*
 * Shifts: dst = (RT_TYPE(SIGN, W))dst OP (src & (W - 1)). The count is
 * masked to the operand width (W = 32 or 64), as the ISA requires, which
 * also keeps the C shift defined. ARSH relies on >> of a negative signed
 * value being arithmetic, true of every compiler we build with.
 */
#define RT_ALU_SHIFT_OPS(X)                                                                        \
	X(LSH, 0x60, "lsh", <<, u)                                                                 \
	X(RSH, 0x70, "rsh", >>, u)                                                                 \
	X(ARSH, 0xc0, "arsh", >>, s)

/*
 * Division and modulo, unsigned with off = 0. Dividing by zero does not
 * trap: DIV gives 0 and MOD leaves dst unchanged (its upper half cleared
 * for the 32-bit form). With off = 1 the same opcode is the signed form in
 * RT_ALU_SIGNED_OPS.
 */
#define RT_ALU_DIV_OPS(X)                                                                          \
	X(DIV, 0x30, "div", /, u)                                                                  \
	X(MOD, 0x90, "mod", %, u)

/*
 * The signed forms (v4): same CODE as the entry of RT_ALU_DIV_OPS, selected
 * by off = RT_OFF_SIGNED. INT_MIN / -1 must not reach C's / (it traps on
 * x86): the result is INT_MIN for SDIV and 0 for SMOD, as the kernel gives.
 */
#define RT_OFF_SIGNED 1
#define RT_ALU_SIGNED_OPS(X)                                                                       \
	X(SDIV, 0x30, "sdiv", /, s)                                                                \
	X(SMOD, 0x90, "smod", %, s)

/* The rest, each with its own shape: dst = -dst; dst = src; byte swaps. */
#define RT_ALU_OTHER_OPS(X)                                                                        \
	X(NEG, 0x80, "neg", -, s)                                                                  \
	X(MOV, 0xb0, "mov", =, u)

/* Every ALU operation with a distinct CODE (a switch needs no duplicates). */
#define RT_ALU_OPS(X) RT_ALU_BIN_OPS(X) RT_ALU_SHIFT_OPS(X) RT_ALU_DIV_OPS(X) RT_ALU_OTHER_OPS(X)

/* END (0xd0): its own list below, because its operand is a width. */
#define RT_OP_END_CODE 0xd0

/*
 * Sign-extending moves (v4): CLASS | MOV | RT_SRC_X with off = BITS,
 * dst = (STYPE)src (zero-extended from 32 bits for ALU). One entry per valid
 * encoding: there is no 32-bit movsx from 32 bits.
 * X(NAME, CLASS, BITS, MNEM, STYPE)
 */
#define RT_MOVSX_OPS(X)                                                                            \
	X(MOVSX8_64, ALU64, 8, "movsx864", int8_t)                                                 \
	X(MOVSX16_64, ALU64, 16, "movsx1664", int16_t)                                             \
	X(MOVSX32_64, ALU64, 32, "movsx3264", int32_t)                                             \
	X(MOVSX8_32, ALU, 8, "movsx832", int8_t)                                                   \
	X(MOVSX16_32, ALU, 16, "movsx1632", int16_t)

/*
 * Byte swaps: X(NAME, CODE, MNEM) with the full opcode byte; imm is the
 * width, 16, 32 or 64. LE/BE convert from host order to that order
 * (a no-op or a swap, then a zero-extension of the low imm bits); BSWAP
 * (v4, ALU64 | END | TO_LE = 0xd7) always swaps. The assembler also takes
 * "swap16" etc. for bswap, as the conformance suite writes it.
 */
#define RT_END_OPS(X)                                                                              \
	X(LE, 0xd4, "le")                                                                          \
	X(BE, 0xdc, "be")                                                                          \
	X(BSWAP, 0xd7, "bswap")

/* X(BITS) */
#define RT_END_WIDTHS(X) X(16) X(32) X(64)

/* ------------------------------------------------------ JMP operations */

/*
 * Conditional jumps: taken when (RT_TYPE(SIGN, W))dst OP (RT_TYPE(SIGN, W))src,
 * W = 64 for JMP and 32 for JMP32; the K form sign-extends imm to 64 bits
 * first. pc += off (+1, as every instruction).
 */
#define RT_JMP_COND_OPS(X)                                                                         \
	X(JEQ, 0x10, "jeq", ==, u)                                                                 \
	X(JGT, 0x20, "jgt", >, u)                                                                  \
	X(JGE, 0x30, "jge", >=, u)                                                                 \
	X(JSET, 0x40, "jset", &, u)                                                                \
	X(JNE, 0x50, "jne", !=, u)                                                                 \
	X(JSGT, 0x60, "jsgt", >, s)                                                                \
	X(JSGE, 0x70, "jsge", >=, s)                                                               \
	X(JLT, 0xa0, "jlt", <, u)                                                                  \
	X(JLE, 0xb0, "jle", <=, u)                                                                 \
	X(JSLT, 0xc0, "jslt", <, s)                                                                \
	X(JSLE, 0xd0, "jsle", <=, s)

/*
 * The unconditional ones (OP unused). JA: JMP | JA | K, pc += off; JMP32 |
 * JA | K is "ja32" (gotol, v4) and jumps by imm instead. CALL: JMP | CALL |
 * K, src selects the kind (RT_CALL_*), imm the helper id or, for local
 * calls, the pc-relative target; JMP | CALL | X is "callx" (v4): the target
 * is in register dst, imm = 0, as the RFC's and the conformance suite's
 * assembler encode "call %r2". EXIT: JMP | EXIT | K.
 */
#define RT_JMP_OTHER_OPS(X)                                                                        \
	X(JA, 0x00, "ja", , u)                                                                     \
	X(CALL, 0x80, "call", , u)                                                                 \
	X(EXIT, 0x90, "exit", , u)

#define RT_JMP_OPS(X) RT_JMP_COND_OPS(X) RT_JMP_OTHER_OPS(X)

/* The operation constants: RT_OP_ADD, ..., RT_OP_END, RT_OP_JEQ, ... */
enum rt_insn_op {
#define RT__X(NAME, CODE, MNEM, OP, SIGN) RT_OP_##NAME = CODE,
	RT_ALU_OPS(RT__X) RT_JMP_OPS(RT__X)
#undef RT__X
	RT_OP_END = RT_OP_END_CODE,
};

/* src of CALL | K (RFC 9669 4.3). */
enum rt_call_kind {
	RT_CALL_HELPER = 0,	/* imm = helper id */
	RT_CALL_LOCAL = 1,	/* imm = target pc - (pc + 1); BPF_PSEUDO_CALL */
	RT_CALL_KFUNC = 2,	/* imm = BTF id of a kernel function */
};

/* ---------------------------------------------------------- atomics */

/*
 * STX | ATOMIC | W or DW; imm selects the operation, off and dst the
 * address, src the operand. Binary read-modify-write: *addr = *addr OP src;
 * with RT_ATOMIC_FETCH or-ed into imm, src also receives the old value
 * ("lock fetch add"). X(NAME, IMM, MNEM, OP)
 */
#define RT_ATOMIC_BIN_OPS(X)                                                                       \
	X(ADD, 0x00, "add", +)                                                                     \
	X(OR, 0x40, "or", |)                                                                       \
	X(AND, 0x50, "and", &)                                                                     \
	X(XOR, 0xa0, "xor", ^)

/*
 * Exchanges, FETCH always set. XCHG: src <-> *addr. CMPXCHG: if *addr == r0
 * then *addr = src; r0 = old *addr (both compared at the access width, r0
 * zero-extended for W). X(NAME, IMM, MNEM)
 */
#define RT_ATOMIC_XCHG_OPS(X)                                                                      \
	X(XCHG, 0xe1, "xchg")                                                                      \
	X(CMPXCHG, 0xf1, "cmpxchg")

enum rt_atomic_op {
#define RT__X(NAME, IMM, MNEM, OP) RT_ATOMIC_##NAME = IMM,
	RT_ATOMIC_BIN_OPS(RT__X)
#undef RT__X
#define RT__X(NAME, IMM, MNEM) RT_ATOMIC_##NAME = IMM,
	RT_ATOMIC_XCHG_OPS(RT__X)
#undef RT__X
	RT_ATOMIC_FETCH = 0x01,
};

/* ------------------------------------------------------------ lddw */

/* LD | IMM | DW: the 64-bit immediate, two slots (the second has code 0). */
#define RT_LDDW_CODE 0x18

/*
 * src of lddw (RFC 9669 5.4): what the 64-bit value means.
 * X(NAME, SRC, MNEM) with the RFC's names.
 */
#define RT_LDDW_PSEUDOS(X)                                                                         \
	X(IMM64, 0, "imm64")                 /* dst = imm64 */                                    \
	X(MAP_FD, 1, "map_by_fd")            /* dst = map_by_fd(imm) */                          \
	X(MAP_VALUE, 2, "map_val_by_fd")     /* dst = map_val(map_by_fd(imm)) + next_imm */      \
	X(BTF_ID, 3, "var_addr")             /* dst = var_addr(imm) */                           \
	X(FUNC, 4, "code_addr")              /* dst = code_addr(imm) */                          \
	X(MAP_IDX, 5, "map_by_idx")          /* dst = map_by_idx(imm) */                         \
	X(MAP_IDX_VALUE, 6, "map_val_by_idx") /* dst = map_val(map_by_idx(imm)) + next_imm */

enum rt_lddw_pseudo {
#define RT__X(NAME, SRC, MNEM) RT_LDDW_##NAME = SRC,
	RT_LDDW_PSEUDOS(RT__X)
#undef RT__X
};

/* ---------------------------------------------------------- helpers */

/* RT_TYPE(u, 32) is uint32_t, RT_TYPE(s, 64) int64_t (for the SIGN column). */
#define RT_TYPE(SIGN, BITS) RT__TYPE(SIGN, BITS)
#define RT__TYPE(SIGN, BITS) RT_TYPE_##SIGN##BITS
#define RT_TYPE_u32 uint32_t
#define RT_TYPE_u64 uint64_t
#define RT_TYPE_s32 int32_t
#define RT_TYPE_s64 int64_t

static inline uint8_t rt_insn_class(uint8_t code)
{
	return code & 0x07;
}

/* Operation bits of ALU and JMP classes (RT_OP_*). */
static inline uint8_t rt_insn_op(uint8_t code)
{
	return code & 0xf0;
}

/* RT_SRC_K or RT_SRC_X (also RT_END_TO_LE/BE for END). */
static inline uint8_t rt_insn_src(uint8_t code)
{
	return code & 0x08;
}

/* RT_SIZE_* of LD, LDX, ST, STX. */
static inline uint8_t rt_insn_size(uint8_t code)
{
	return code & 0x18;
}

/* RT_MODE_* of LD, LDX, ST, STX. */
static inline uint8_t rt_insn_mode(uint8_t code)
{
	return code & 0xe0;
}

/* Bytes accessed by a load or store of this size. */
static inline unsigned int rt_size_bytes(uint8_t size)
{
	static const uint8_t bytes[4] = { 4, 2, 1, 8 }; /* W, H, B, DW */

	return bytes[(size >> 3) & 3];
}

static inline bool rt_insn_is_alu(uint8_t code)
{
	return rt_insn_class(code) == RT_CLASS_ALU || rt_insn_class(code) == RT_CLASS_ALU64;
}

static inline bool rt_insn_is_jmp(uint8_t code)
{
	return rt_insn_class(code) == RT_CLASS_JMP || rt_insn_class(code) == RT_CLASS_JMP32;
}

/* The first half of a 16-byte lddw: the next slot belongs to it. */
static inline bool rt_insn_is_lddw(uint8_t code)
{
	return code == RT_LDDW_CODE;
}

#endif /* BPFAOT_RT_INSN_H */
