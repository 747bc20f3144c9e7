// SPDX-License-Identifier: MIT
/*
 * BPF's integer semantics over LLVM IR. C leaves x / 0, x % 0, INT_MIN / -1
 * and shifts by the width or more undefined, and x86 traps on the first
 * three; BPF defines them all (x / 0 = 0, x % 0 = x, INT_MIN / -1 =
 * INT_MIN, INT_MIN % -1 = 0, shift counts masked to the width). The native
 * compile runs be_ir_bpf_semantics() on the module clang makes of the
 * rewritten source before any optimisation (-disable-llvm-optzns), so every
 * division and shift is covered wherever it came from: the program, a
 * macro, a header, an inline function. The guards are selects, which -O3
 * folds where the divisor is known non-zero or the count known in range
 * (and x86 masks shift counts in hardware, so the mask costs nothing).
 */
#include <errno.h>
#include <stdlib.h>

#include "be_sem.h"

/* A constant of type ty (integer or integer vector) with every lane v. */
static LLVMValueRef const_like(LLVMTypeRef ty, unsigned long long v)
{
	LLVMValueRef lanes[64], c;
	unsigned n, i;

	if (LLVMGetTypeKind(ty) != LLVMVectorTypeKind)
		return LLVMConstInt(ty, v, false);
	n = LLVMGetVectorSize(ty);	/* <= 64: int_width() */
	c = LLVMConstInt(LLVMGetElementType(ty), v, false);
	for (i = 0; i < n; i++)
		lanes[i] = c;
	return LLVMConstVector(lanes, n);
}

LLVMValueRef be_ir_div_rem(LLVMBuilderRef b, LLVMOpcode op, LLVMValueRef x, LLVMValueRef d)
{
	LLVMTypeRef ty = LLVMTypeOf(d);
	LLVMValueRef zero = LLVMConstNull(ty), one = const_like(ty, 1);
	LLVMValueRef is0 = LLVMBuildICmp(b, LLVMIntEQ, d, zero, "");
	bool is_signed = op == LLVMSDiv || op == LLVMSRem;
	bool is_div = op == LLVMUDiv || op == LLVMSDiv;
	LLVMValueRef bad = is0, is_m1 = NULL, safe, q, res;

	if (is_signed) {
		is_m1 = LLVMBuildICmp(b, LLVMIntEQ, d, LLVMConstAllOnes(ty), "");
		bad = LLVMBuildOr(b, is0, is_m1, "");
	}
	safe = LLVMBuildSelect(b, bad, one, d, "");
	switch (op) {
	case LLVMUDiv: q = LLVMBuildUDiv(b, x, safe, ""); break;
	case LLVMSDiv: q = LLVMBuildSDiv(b, x, safe, ""); break;
	case LLVMURem: q = LLVMBuildURem(b, x, safe, ""); break;
	default: q = LLVMBuildSRem(b, x, safe, ""); break;
	}
	/* by zero: div gives 0, mod leaves x; by -1: sdiv negates (wrapping),
	 * srem gives 0 */
	res = LLVMBuildSelect(b, is0, is_div ? zero : x, q, "");
	if (is_signed)
		res = LLVMBuildSelect(b, is_m1, is_div ? LLVMBuildNeg(b, x, "") : zero, res, "");
	return res;
}

/* The integer width of ty's lanes, 0 for anything else (and for vectors
 * of more than 64 lanes, which C for BPF does not make). */
static unsigned int_width(LLVMTypeRef ty)
{
	if (LLVMGetTypeKind(ty) == LLVMVectorTypeKind) {
		if (LLVMGetVectorSize(ty) > 64)
			return 0;
		ty = LLVMGetElementType(ty);
	}
	return LLVMGetTypeKind(ty) == LLVMIntegerTypeKind ? LLVMGetIntTypeWidth(ty) : 0;
}

/* Whether the divisor d is a constant neither 0 nor (signed) -1. */
static bool is_safe_divisor(LLVMValueRef d, bool is_signed)
{
	unsigned w = int_width(LLVMTypeOf(d));

	if (!LLVMIsAConstantInt(d) || w > 64)
		return false;
	if (!LLVMConstIntGetZExtValue(d))
		return false;
	return !is_signed || LLVMConstIntGetSExtValue(d) != -1;
}

/* Whether the count n is a constant below width w. */
static bool is_safe_count(LLVMValueRef n, unsigned w)
{
	return LLVMIsAConstantInt(n) && int_width(LLVMTypeOf(n)) <= 64 &&
	       LLVMConstIntGetZExtValue(n) < w;
}

static bool is_div_rem(LLVMOpcode op)
{
	return op == LLVMUDiv || op == LLVMSDiv || op == LLVMURem || op == LLVMSRem;
}

static bool is_shift(LLVMOpcode op)
{
	return op == LLVMShl || op == LLVMLShr || op == LLVMAShr;
}

/* Whether instruction i needs a guard. */
static bool needs_guard(LLVMValueRef i)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(i);
	unsigned w = int_width(LLVMTypeOf(i));

	if (!w)
		return false;
	if (is_div_rem(op))
		return !is_safe_divisor(LLVMGetOperand(i, 1), op == LLVMSDiv || op == LLVMSRem);
	if (is_shift(op))
		return !is_safe_count(LLVMGetOperand(i, 1), w);
	return false;
}

/* A 32-bit shift as the BPF backend lowers it without 32-bit
 * sub-registers: the value extended to 64 bits (zero for shl and lshr,
 * sign for ashr), shifted by count & 63, truncated. */
static LLVMValueRef shift32_in_64(LLVMBuilderRef b, LLVMOpcode op, LLVMValueRef x,
				  LLVMValueRef n)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetTypeContext(LLVMTypeOf(x)));
	LLVMValueRef wide = op == LLVMAShr ? LLVMBuildSExt(b, x, i64, "") : LLVMBuildZExt(b, x, i64, "");
	LLVMValueRef cnt = LLVMBuildAnd(b, LLVMBuildZExt(b, n, i64, ""), LLVMConstInt(i64, 63, false), "");
	LLVMValueRef r;

	switch (op) {
	case LLVMShl: r = LLVMBuildShl(b, wide, cnt, ""); break;
	case LLVMLShr: r = LLVMBuildLShr(b, wide, cnt, ""); break;
	default: r = LLVMBuildAShr(b, wide, cnt, ""); break;
	}
	return LLVMBuildTrunc(b, r, LLVMTypeOf(x), "");
}

/* Rewrites instruction i in place (shifts of other widths than 32 without
 * alu32: the count operand only) or replaces it. */
static void guard(LLVMBuilderRef b, LLVMValueRef i, const struct be_sem_opts *o)
{
	LLVMOpcode op = LLVMGetInstructionOpcode(i);
	LLVMTypeRef ty = LLVMTypeOf(i);
	unsigned w = int_width(ty);
	LLVMValueRef x = LLVMGetOperand(i, 0), n = LLVMGetOperand(i, 1), r;

	LLVMPositionBuilderBefore(b, i);
	if (is_div_rem(op)) {
		r = be_ir_div_rem(b, op, x, n);
	} else if (w == 32 && !o->alu32 && LLVMGetTypeKind(ty) == LLVMIntegerTypeKind) {
		r = shift32_in_64(b, op, x, n);
	} else {
		/* x86 masks counts the same way for 32 and 64 bits: free */
		LLVMValueRef mask = (w & (w - 1)) ? NULL : const_like(ty, w - 1);

		if (mask)
			LLVMSetOperand(i, 1, LLVMBuildAnd(b, n, mask, ""));
		return;
	}
	LLVMReplaceAllUsesWith(i, r);
	LLVMInstructionEraseFromParent(i);
}

int be_ir_bpf_semantics(LLVMModuleRef m, const struct be_sem_opts *opts, size_t *nr_ops)
{
	static const struct be_sem_opts defaults = { .alu32 = true };
	const struct be_sem_opts *o = opts ? opts : &defaults;
	LLVMValueRef *todo = NULL, f, i;
	LLVMBasicBlockRef bb;
	size_t n = 0, cap = 0, k;
	LLVMBuilderRef b;

	/* collect first: the guards add divisions of their own */
	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
			for (i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
				if (!needs_guard(i))
					continue;
				if (n == cap) {
					LLVMValueRef *t;

					cap = cap ? cap * 2 : 64;
					t = realloc(todo, cap * sizeof(*todo));
					if (!t) {
						free(todo);
						return -ENOMEM;
					}
					todo = t;
				}
				todo[n++] = i;
			}
	b = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
	for (k = 0; k < n; k++)
		guard(b, todo[k], o);
	LLVMDisposeBuilder(b);
	free(todo);
	if (nr_ops)
		*nr_ops = n;
	return 0;
}

/*
 * BPF's `__noinline` (a bpf-to-bpf call the verifier checks as a
 * subprogram, a global function it verifies on its own) shapes the
 * bytecode for the verifier; natively it only costs a call. -O3 may inline
 * every function of the module, as the LLVM engines may inline the
 * bytecode's calls. A function that is also optnone (--aot-opt=0, or the
 * source's own optnone) keeps both: LLVM requires it.
 */
unsigned be_ir_allow_inlining(LLVMModuleRef m)
{
	unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
	unsigned optnone = LLVMGetEnumAttributeKindForName("optnone", 7);
	unsigned n = 0;
	LLVMValueRef f;

	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f) ||
		    !LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, noinline) ||
		    LLVMGetEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, optnone))
			continue;
		LLVMRemoveEnumAttributeAtIndex(f, LLVMAttributeFunctionIndex, noinline);
		n++;
	}
	return n;
}
