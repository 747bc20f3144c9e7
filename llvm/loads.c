// SPDX-License-Identifier: MIT
/*
 * Wide loads from byte loads. BPF has no unaligned loads, so a program
 * that reads a little-endian u16/u32/u64 from a packet or buffer assembles
 * it from byte (or half-word) loads, shifts and ors:
 *
 *     x = p[0] | p[1] << 8 | p[2] << 16 | ... | (u64)p[7] << 56
 *
 * x86 loads it at once. LLVM 14's code generator merges such trees of
 * loads (DAGCombiner::MatchLoadCombine), but only after the optimiser has
 * run, and the loop vectorizer, which comes first, turns the byte loads of
 * a loop into gathers of single bytes (vpinsrb) that nothing merges any
 * more: a loop of SWAR popcounts over u64 words ran 4x slower vectorized
 * than as one `popcnt` of each word. (LLVM 16 merges them in the IR,
 * AggressiveInstCombine's foldConsecutiveLoads; Debian 12 has LLVM 14.)
 *
 * le_combine_loads() does that merge in the IR, after SROA and instcombine
 * have made the registers SSA values and before -O3: an `or` tree (i16,
 * i32 or i64) whose leaves are zero-extended, shifted loads of consecutive
 * bytes at one base address + constants, covering its low 2, 4 or 8 bytes
 * once each in little-endian order (the bytes above are then zero: a
 * 64-bit register holding a u32), all in one basic block with nothing that
 * may write memory between the first load and the root, becomes one load
 * of those bytes at the lowest address (alignment 1), placed where the
 * first byte load was, zero-extended. The value is the same on every
 * input; a tree that does not match exactly is left alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "le.h"

#define MAX_LEAVES 8

struct leaf {
	LLVMValueRef load;	/* a simple load of an integer type */
	uint64_t at;		/* its lowest byte's position in the value */
};

struct tree {
	struct leaf leaves[MAX_LEAVES];
	unsigned n;
};

static bool const_u64(LLVMValueRef v, uint64_t *out)
{
	if (!LLVMIsAConstantInt(v))
		return false;
	*out = LLVMConstIntGetZExtValue(v);
	return true;
}

static unsigned width(LLVMValueRef v)
{
	LLVMTypeRef t = LLVMTypeOf(v);

	return LLVMGetTypeKind(t) == LLVMIntegerTypeKind ? LLVMGetIntTypeWidth(t) : 0;
}

/* Collects the leaves of v, whose bits start at bit `shift` of the root:
 * ors, zexts and shifts by a multiple of 8 of loads. */
static bool collect(LLVMValueRef v, uint64_t shift, struct tree *t, int depth)
{
	LLVMValueRef i = LLVMIsAInstruction(v);
	uint64_t c;

	if (!i || depth > 16)
		return false;
	switch (LLVMGetInstructionOpcode(i)) {
	case LLVMOr:
		return collect(LLVMGetOperand(i, 0), shift, t, depth + 1) &&
		       collect(LLVMGetOperand(i, 1), shift, t, depth + 1);
	case LLVMZExt:
		return collect(LLVMGetOperand(i, 0), shift, t, depth + 1);
	case LLVMShl:
		if (!const_u64(LLVMGetOperand(i, 1), &c) || c % 8 || c >= 64)
			return false;
		return collect(LLVMGetOperand(i, 0), shift + c, t, depth + 1);
	case LLVMLoad:
		if (t->n == MAX_LEAVES || LLVMGetVolatile(i) || width(i) % 8 ||
		    LLVMGetOrdering(i) != LLVMAtomicOrderingNotAtomic)
			return false;
		t->leaves[t->n].load = i;
		t->leaves[t->n++].at = shift / 8;
		return true;
	default:
		return false;
	}
}

/* The address of load l as base + off: inttoptr(add base, C), inttoptr(base). */
static bool address(LLVMValueRef l, LLVMValueRef *base, int64_t *off)
{
	LLVMValueRef p = LLVMGetOperand(l, 0), a;
	uint64_t c;

	if (!LLVMIsAIntToPtrInst(p))
		return false;
	a = LLVMGetOperand(p, 0);
	if (LLVMIsAInstruction(a) && LLVMGetInstructionOpcode(a) == LLVMAdd &&
	    const_u64(LLVMGetOperand(a, 1), &c)) {
		*base = LLVMGetOperand(a, 0);
		*off = (int64_t)c;
		return true;
	}
	*base = a;
	*off = 0;
	return true;
}

static bool may_write(LLVMValueRef i)
{
	switch (LLVMGetInstructionOpcode(i)) {
	case LLVMStore:
	case LLVMCall:
	case LLVMInvoke:
	case LLVMFence:
	case LLVMAtomicCmpXchg:
	case LLVMAtomicRMW:
		return true;
	default:
		return false;
	}
}

/* Replaces root with one load when its tree matches: true when done. */
static bool combine(LLVMBuilderRef b, LLVMValueRef root)
{
	unsigned bytes = width(root) / 8, top, k;
	LLVMBasicBlockRef bb = LLVMGetInstructionParent(root);
	LLVMValueRef base = NULL, first = NULL, i, addr, wide;
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetTypeContext(LLVMTypeOf(root))), ty;
	int64_t lo = 0;
	uint8_t covered[8] = { 0 };
	struct tree t = { .n = 0 };

	if (bytes != 2 && bytes != 4 && bytes != 8)
		return false;
	if (!collect(root, 0, &t, 0) || t.n < 2)
		return false;
	for (k = 0; k < t.n; k++) {
		LLVMValueRef lb;
		int64_t off;
		unsigned j, size = width(t.leaves[k].load) / 8;

		if (LLVMGetInstructionParent(t.leaves[k].load) != bb ||
		    !address(t.leaves[k].load, &lb, &off) || (base && lb != base))
			return false;
		if (!base) {
			base = lb;
			lo = off - (int64_t)t.leaves[k].at;
		}
		/* little-endian: value byte `at` is memory byte lo + at */
		if (off - (int64_t)t.leaves[k].at != lo || t.leaves[k].at + size > bytes)
			return false;
		for (j = 0; j < size; j++) {
			if (covered[t.leaves[k].at + j])
				return false;
			covered[t.leaves[k].at + j] = 1;
		}
	}
	/* bytes [0, top) each from one load; above them the value is zero
	 * (every leaf is zero-extended), so a load of top bytes zero-extended
	 * is the value */
	for (top = 0; top < bytes && covered[top]; top++)
		;
	for (k = top; k < bytes; k++)
		if (covered[k])
			return false;
	if (top != 2 && top != 4 && top != 8)
		return false;
	/* the first of the loads in the block; nothing may write from there
	 * to the root */
	for (i = LLVMGetFirstInstruction(bb); i && i != root; i = LLVMGetNextInstruction(i)) {
		if (!first) {
			for (k = 0; k < t.n && t.leaves[k].load != i; k++)
				;
			if (k < t.n)
				first = i;
		} else if (may_write(i)) {
			return false;
		}
	}
	if (!i || !first)
		return false;
	LLVMPositionBuilderBefore(b, first);
	addr = LLVMBuildAdd(b, base, LLVMConstInt(i64, (uint64_t)lo, false), "");
	ty = LLVMIntTypeInContext(LLVMGetTypeContext(LLVMTypeOf(root)), top * 8);
	addr = LLVMBuildIntToPtr(b, addr, LLVMPointerType(ty, 0), "");
	wide = LLVMBuildLoad2(b, ty, addr, "");
	LLVMSetAlignment(wide, 1);
	if (top < bytes) {
		LLVMPositionBuilderBefore(b, root);
		wide = LLVMBuildZExt(b, wide, LLVMTypeOf(root), "");
	}
	LLVMReplaceAllUsesWith(root, wide);
	return true;
}

/* True when v is an `or` that no other `or` of the same width uses: the
 * root of a tree (the trees inside it are tried first by the caller's
 * order, and a failed root leaves them alone). */
static bool is_root(LLVMValueRef v)
{
	LLVMUseRef u;

	if (LLVMGetInstructionOpcode(v) != LLVMOr)
		return false;
	for (u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);

		if (LLVMIsAInstruction(user) && LLVMGetInstructionOpcode(user) == LLVMOr &&
		    width(user) == width(v))
			return false;
	}
	return true;
}

unsigned le_combine_loads(struct LLVMOpaqueModule *m)
{
	LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
	LLVMValueRef f, i;
	LLVMBasicBlockRef bb;
	unsigned n = 0;

	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		for (bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
			for (i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
				if (is_root(i) && combine(b, i))
					n++;
	LLVMDisposeBuilder(b);
	return n;
}
