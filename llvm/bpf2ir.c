// SPDX-License-Identifier: MIT
/*
 * The bytecode to LLVM IR translator of the llvm-jit and llvm-aot engines,
 * untyped in llvmbpf's manner: each eBPF register is an i64 alloca (mem2reg
 * and SROA turn them into SSA values), each function has its own 512-byte
 * stack alloca with r10 pointing at its end, memory is reached through
 * inttoptr (or a GEP into the stack when the base is r10, so that SROA can
 * promote stack slots), helpers are calls to `_bpf_helper_ext_NNNN` of type
 * i64(i64 x5), and every BPF-to-BPF subprogram is an LLVM function of that
 * same type, so its address can be handed to bpf_loop() as a callback.
 * Semantics follow runtime/interp.c exactly: division by zero, shift
 * masking, INT_MIN / -1, movsx, byte swaps, atomics. Bad callx targets call
 * __lddw_helper_code_addr(pc), which fails the run. The ALU and jump cases
 * are generated from the opcode lists of runtime/rt_insn.h.
 *
 * A construct the translator cannot lower yet (ld_abs/ld_ind, kfuncs, tail
 * calls or the conformance 'unwind' helper inside a subprogram, recursion)
 * refuses the program with a message naming the instruction: it is never
 * miscompiled.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>

#include "le.h"
#include "be_sem.h"
#include "rt_insn.h"
#include "rt_internal.h"

#define HELPER_TAIL_CALL 12	/* bpf_tail_call */
#define CONF_HELPER_UNWIND 5	/* ubpf's test helper: returns r1, stops on 0 */

struct fn {
	size_t start, end;	/* insns [start, end) */
	LLVMValueRef llfn;
	bool addr_taken;
	bool is_entry;
	int depth;		/* call depth below it, for the frame limit */
	int visiting;		/* DFS state: 1 on the stack, 2 done */
};

struct tr {
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMTypeRef i1, i8, i16, i32, i64, fn_ty, main_ty;
	const struct rt_insn *insns;
	size_t n;
	const struct le_ir_opts *o;
	struct le_ir_info *info;
	struct fn *fns;
	size_t nr_fns;
	/* the function being emitted */
	struct fn *cur;
	LLVMValueRef regs[10];	/* r0-r9 allocas; r10 is the stack end */
	LLVMValueRef stack;	/* i8* to the frame's first byte */
	LLVMBasicBlockRef *blocks;	/* per insn of the program: block that starts there */
	char *err;
	size_t err_size;
	int error;		/* sticky: the first failure wins */
};

__attribute__((format(printf, 4, 5))) static void fail(struct tr *t, int err, size_t pc,
							 const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->error)
		return;
	t->error = err;
	if (!t->err || !t->err_size)
		return;
	n = snprintf(t->err, t->err_size, "insn %zu: ", pc);
	if (n < 0 || (size_t)n >= t->err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(t->err + n, t->err_size - n, fmt, ap);
	va_end(ap);
}

static LLVMValueRef c64(struct tr *t, uint64_t v)
{
	return LLVMConstInt(t->i64, v, false);
}

static LLVMValueRef c32(struct tr *t, uint32_t v)
{
	return LLVMConstInt(t->i32, v, false);
}

/* ------------------------------------------------------- structure */

static int fn_index(const struct tr *t, size_t pc)
{
	size_t lo = 0, hi = t->nr_fns;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->fns[mid].start == pc)
			return (int)mid;
		if (t->fns[mid].start < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_local_call(const struct rt_insn *i)
{
	return i->code == (RT_CLASS_JMP | RT_OP_CALL | RT_SRC_K) && i->src == BPF_PSEUDO_CALL;
}

static bool is_func_addr(const struct rt_insn *i)
{
	return rt_insn_is_lddw(i->code) && i->src == BPF_PSEUDO_FUNC;
}

/* Subprogram entries: insn 0, local call targets, BPF_PSEUDO_FUNC targets. */
static int find_functions(struct tr *t)
{
	size_t *starts, nr = 0, pc, k;

	starts = calloc(t->n + 1, sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	starts[nr++] = 0;
	for (pc = 0; pc < t->n; pc++) {
		const struct rt_insn *i = &t->insns[pc];
		int64_t target = (int64_t)pc + 1 + i->imm;

		if (is_local_call(i) || is_func_addr(i)) {
			if (target < 0 || (uint64_t)target >= t->n) {
				fail(t, -EINVAL, pc, "call target %lld outside the program",
				     (long long)target);
				free(starts);
				return t->error;
			}
			starts[nr++] = (size_t)target;
		}
		if (rt_insn_is_lddw(i->code))
			pc++;
	}
	qsort(starts, nr, sizeof(*starts), cmp_size);
	t->fns = calloc(nr, sizeof(*t->fns));
	if (!t->fns) {
		free(starts);
		return -ENOMEM;
	}
	for (k = 0; k < nr; k++) {
		if (t->nr_fns && t->fns[t->nr_fns - 1].start == starts[k])
			continue;
		t->fns[t->nr_fns++].start = starts[k];
	}
	free(starts);
	for (k = 0; k < t->nr_fns; k++)
		t->fns[k].end = k + 1 < t->nr_fns ? t->fns[k + 1].start : t->n;
	t->fns[0].is_entry = true;
	for (pc = 0; pc < t->n; pc++) {
		if (is_func_addr(&t->insns[pc]))
			t->fns[fn_index(t, pc + 1 + t->insns[pc].imm)].addr_taken = true;
		if (rt_insn_is_lddw(t->insns[pc].code))
			pc++;
	}
	return 0;
}

/* The call graph must be acyclic and at most RT_MAX_CALL_DEPTH frames deep,
 * as the interpreter enforces at run time. Address-taken functions may be
 * reached by callx from anywhere: counted as callees of every callx. */
static int call_depth(struct tr *t, struct fn *f)
{
	size_t pc;
	int d = 0;

	if (f->visiting == 2)
		return f->depth;
	if (f->visiting == 1) {
		fail(t, -ENOTSUP, f->start, "recursive call of the subprogram at insn %zu",
		     f->start);
		return 0;
	}
	f->visiting = 1;
	for (pc = f->start; pc < f->end && !t->error; pc++) {
		const struct rt_insn *i = &t->insns[pc];

		if (is_local_call(i)) {
			int c = call_depth(t, &t->fns[fn_index(t, pc + 1 + i->imm)]);

			d = c + 1 > d ? c + 1 : d;
		} else if (i->code == (RT_CLASS_JMP | RT_OP_CALL | RT_SRC_X)) {
			size_t k;

			for (k = 0; k < t->nr_fns && !t->error; k++) {
				int c;

				if (!t->fns[k].addr_taken)
					continue;
				c = call_depth(t, &t->fns[k]);
				d = c + 1 > d ? c + 1 : d;
			}
		}
		if (rt_insn_is_lddw(i->code))
			pc++;
	}
	f->visiting = 2;
	f->depth = d;
	if (!t->error && d + 1 > RT_MAX_CALL_DEPTH)
		fail(t, -E2BIG, f->start, "call depth over %d", RT_MAX_CALL_DEPTH);
	return d;
}

/* ----------------------------------------------------------- values */

static LLVMValueRef stack_end(struct tr *t)
{
	LLVMValueRef idx = c64(t, RT_STACK_SIZE);
	LLVMValueRef p = LLVMBuildGEP2(t->b, t->i8, t->stack, &idx, 1, "");

	return LLVMBuildPtrToInt(t->b, p, t->i64, "r10");
}

static LLVMValueRef get_reg(struct tr *t, unsigned int r)
{
	if (r == 10)
		return stack_end(t);
	return LLVMBuildLoad2(t->b, t->i64, t->regs[r], "");
}

static void set_reg(struct tr *t, unsigned int r, LLVMValueRef v)
{
	/* the validator keeps r10 read-only */
	if (r < 10)
		LLVMBuildStore(t->b, v, t->regs[r]);
}

/* A pointer to ty at reg + off: a GEP into the frame for r10, so that the
 * stack stays analysable; inttoptr otherwise. */
static LLVMValueRef mem_ptr(struct tr *t, unsigned int reg, int16_t off, LLVMTypeRef ty)
{
	LLVMTypeRef pty = LLVMPointerType(ty, 0);

	if (reg == 10) {
		LLVMValueRef idx = c64(t, (uint64_t)((int64_t)RT_STACK_SIZE + off));
		LLVMValueRef p = LLVMBuildGEP2(t->b, t->i8, t->stack, &idx, 1, "");

		return LLVMBuildBitCast(t->b, p, pty, "");
	}
	return LLVMBuildIntToPtr(t->b,
				 LLVMBuildAdd(t->b, get_reg(t, reg), c64(t, (uint64_t)(int64_t)off),
					      ""),
				 pty, "");
}

static LLVMTypeRef size_type(struct tr *t, uint8_t size)
{
	switch (size) {
	case RT_SIZE_B:
		return t->i8;
	case RT_SIZE_H:
		return t->i16;
	case RT_SIZE_W:
		return t->i32;
	default:
		return t->i64;
	}
}

static LLVMValueRef get_fn(struct tr *t, const char *name, LLVMTypeRef ty)
{
	LLVMValueRef f = LLVMGetNamedFunction(t->mod, name);

	if (!f) {
		f = LLVMAddFunction(t->mod, name, ty);
		LLVMAddAttributeAtIndex(
			f, LLVMAttributeFunctionIndex,
			LLVMCreateEnumAttribute(t->ctx, LLVMGetEnumAttributeKindForName("nounwind", 8),
						0));
	}
	return f;
}

static LLVMValueRef call_fn(struct tr *t, const char *name, LLVMTypeRef ty, LLVMValueRef *args,
			    unsigned int n)
{
	return LLVMBuildCall2(t->b, ty, get_fn(t, name, ty), args, n, "");
}

static LLVMValueRef intrinsic1(struct tr *t, const char *name, LLVMTypeRef ty, LLVMValueRef v)
{
	return call_fn(t, name, LLVMFunctionType(ty, &ty, 1, false), &v, 1);
}

/* A fresh block after the current one, the builder moved there. */
static LLVMBasicBlockRef new_block(struct tr *t, const char *name)
{
	return LLVMAppendBasicBlockInContext(t->ctx, t->cur->llfn, name);
}

/* ---------------------------------------------------------- ALU */

/* LLVM opcodes of the wrapping binary operations, from the list. */
static LLVMOpcode bin_opcode(uint8_t op)
{
	switch (op) {
#define LE_LL_ADD LLVMAdd
#define LE_LL_SUB LLVMSub
#define LE_LL_MUL LLVMMul
#define LE_LL_OR LLVMOr
#define LE_LL_AND LLVMAnd
#define LE_LL_XOR LLVMXor
#define LE_LL_LSH LLVMShl
#define LE_LL_RSH LLVMLShr
#define LE_LL_ARSH LLVMAShr
#define BIN(NAME, CODE, MNEM, OP, SIGN)                                                            \
	case CODE:                                                                                 \
		return LE_LL_##NAME;
		RT_ALU_BIN_OPS(BIN)
		RT_ALU_SHIFT_OPS(BIN)
#undef BIN
	default:
		return LLVMAdd;
	}
}

static void emit_alu(struct tr *t, size_t pc, const struct rt_insn *i)
{
	bool is64 = rt_insn_class(i->code) == RT_CLASS_ALU64;
	LLVMTypeRef ty = is64 ? t->i64 : t->i32;
	uint8_t op = rt_insn_op(i->code);
	bool x = rt_insn_src(i->code) == RT_SRC_X;
	LLVMValueRef a, b, r;

	if (op == RT_OP_END) {
		LLVMTypeRef wt = i->imm == 16 ? t->i16 : i->imm == 32 ? t->i32 : t->i64;
		const char *name = i->imm == 16 ? "llvm.bswap.i16"
				   : i->imm == 32 ? "llvm.bswap.i32"
						  : "llvm.bswap.i64";

		if (i->imm != 16 && i->imm != 32 && i->imm != 64) {
			fail(t, -EINVAL, pc, "byte swap of width %d", i->imm);
			return;
		}
		a = LLVMBuildTrunc(t->b, get_reg(t, i->dst), wt, "");
		/* le on a little-endian host is a truncation; be and bswap swap */
		if (i->code != (RT_CLASS_ALU | RT_OP_END | RT_END_TO_LE))
			a = intrinsic1(t, name, wt, a);
		set_reg(t, i->dst, LLVMBuildZExt(t->b, a, t->i64, ""));
		return;
	}
	if (op == RT_OP_MOV) {
		if (!x) {
			r = is64 ? c64(t, (uint64_t)(int64_t)i->imm) : c64(t, (uint32_t)i->imm);
		} else if (i->off) {
			LLVMTypeRef st = i->off == 8 ? t->i8 : i->off == 16 ? t->i16 : t->i32;

			r = LLVMBuildTrunc(t->b, get_reg(t, i->src), st, "");
			r = LLVMBuildSExt(t->b, r, ty, "");
			if (!is64)
				r = LLVMBuildZExt(t->b, r, t->i64, "");
		} else {
			r = get_reg(t, i->src);
			if (!is64)
				r = LLVMBuildZExt(t->b, LLVMBuildTrunc(t->b, r, t->i32, ""), t->i64, "");
		}
		set_reg(t, i->dst, r);
		return;
	}
	a = get_reg(t, i->dst);
	if (!is64)
		a = LLVMBuildTrunc(t->b, a, t->i32, "");
	if (x) {
		b = get_reg(t, i->src);
		if (!is64)
			b = LLVMBuildTrunc(t->b, b, t->i32, "");
	} else {
		b = is64 ? c64(t, (uint64_t)(int64_t)i->imm) : c32(t, (uint32_t)i->imm);
	}
	switch (op) {
#define BIN(NAME, CODE, MNEM, OP, SIGN) case CODE:
		RT_ALU_BIN_OPS(BIN)
		r = LLVMBuildBinOp(t->b, bin_opcode(op), a, b, "");
		break;
		RT_ALU_SHIFT_OPS(BIN)
		b = LLVMBuildAnd(t->b, b, LLVMConstInt(ty, is64 ? 63 : 31, false), "");
		r = LLVMBuildBinOp(t->b, bin_opcode(op), a, b, "");
		break;
#undef BIN
	case RT_OP_DIV:
	case RT_OP_MOD:
		r = be_ir_div_rem(t->b,
				  op == RT_OP_DIV ? (i->off == RT_OFF_SIGNED ? LLVMSDiv : LLVMUDiv)
						  : (i->off == RT_OFF_SIGNED ? LLVMSRem : LLVMURem),
				  a, b);
		break;
	case RT_OP_NEG:
		r = LLVMBuildNeg(t->b, a, "");
		break;
	default:
		fail(t, -EINVAL, pc, "unknown ALU opcode 0x%02x", i->code);
		return;
	}
	if (!is64)
		r = LLVMBuildZExt(t->b, r, t->i64, "");
	set_reg(t, i->dst, r);
}

/* ---------------------------------------------------------- jumps */

static LLVMBasicBlockRef block_at(struct tr *t, size_t pc, int64_t target)
{
	if (target < (int64_t)t->cur->start || target >= (int64_t)t->cur->end ||
	    !t->blocks[target]) {
		fail(t, -ENOTSUP, pc, "jump to insn %lld outside its function", (long long)target);
		return NULL;
	}
	return t->blocks[target];
}

/*
 * Switch recovery. clang lowers a C switch to BPF as a tree (or a chain) of
 * compares of one register with constants, since BPF has no indirect jump;
 * -O3 does not turn such a tree back into a switch, so the native code
 * would test its way down the tree on every dispatch. A tree here is a
 * set of blocks, each one conditional jump of the same register against an
 * immediate (a block of a lone `ja` is passed through): no block of it
 * writes anything, so jumping straight to the leaf a value reaches is what
 * the tree does. At the root, an LLVM switch on the register lists every
 * value from the smallest constant of the tree less one to the largest plus
 * one (a compare splits the values around its constant) with the leaf it
 * reaches, evaluated here as the interpreter would; its default is the
 * original tree, so values outside the range take the tree's own path.
 * LLVM lowers the switch to a jump table or a balanced search, and drops
 * the tree when it can prove it unreachable.
 */
#define SW_MIN_NODES 4		/* fewer compares: leave the branches */
#define SW_MAX_NODES 256
#define SW_MAX_SPAN 1024	/* values listed in one switch */

struct sw_tree {
	size_t nodes[SW_MAX_NODES];
	size_t nr_nodes;
	int64_t lo, hi;
};

/* Does jump i, a compare against its immediate, jump for value v? */
static bool cmp_taken(const struct rt_insn *i, uint64_t v)
{
	bool is64 = rt_insn_class(i->code) == RT_CLASS_JMP;

	switch (rt_insn_op(i->code)) {
#define JMP(NAME, CODE, MNEM, OP, SIGN)                                                            \
	case CODE:                                                                                 \
		return is64 ? ((RT_TYPE(SIGN, 64))v OP(RT_TYPE(SIGN, 64))(int64_t)i->imm) != 0       \
			    : ((RT_TYPE(SIGN, 32))v OP(RT_TYPE(SIGN, 32))i->imm) != 0;
		RT_JMP_COND_OPS(JMP)
#undef JMP
	}
	return false;
}

/* The block a jump to pc really starts: lone `ja` blocks passed through. */
static size_t skip_ja(const struct tr *t, size_t pc)
{
	int n;

	for (n = 0; n < 8 && pc < t->cur->end && t->blocks[pc]; n++) {
		const struct rt_insn *i = &t->insns[pc];
		int64_t to;

		if (i->code == (RT_CLASS_JMP | RT_OP_JA))
			to = (int64_t)pc + 1 + i->off;
		else if (i->code == (RT_CLASS_JMP32 | RT_OP_JA))
			to = (int64_t)pc + 1 + i->imm;
		else
			break;
		if (to < (int64_t)t->cur->start || to >= (int64_t)t->cur->end)
			break;
		pc = (size_t)to;
	}
	return pc;
}

/* A node of reg's tree: a block that is one compare of reg with an
 * immediate (jset is no boundary: left as a leaf). */
static bool is_sw_node(const struct tr *t, size_t pc, uint8_t reg)
{
	const struct rt_insn *i = &t->insns[pc];
	uint8_t cls = rt_insn_class(i->code), op = rt_insn_op(i->code);

	if (pc < t->cur->start || pc >= t->cur->end || !t->blocks[pc])
		return false;
	return (cls == RT_CLASS_JMP || cls == RT_CLASS_JMP32) && rt_insn_src(i->code) == RT_SRC_K &&
	       i->dst == reg && reg < 10 && op != RT_OP_JA && op != RT_OP_CALL &&
	       op != RT_OP_EXIT && op != RT_OP_JSET;
}

static bool sw_has(const struct sw_tree *sw, size_t pc)
{
	size_t k;

	for (k = 0; k < sw->nr_nodes; k++)
		if (sw->nodes[k] == pc)
			return true;
	return false;
}

/* Collects the tree below the compare at root; false if it is no tree
 * worth a switch. */
static bool sw_collect(const struct tr *t, size_t root, struct sw_tree *sw)
{
	uint8_t reg = t->insns[root].dst;
	size_t k;

	sw->nodes[0] = root;
	sw->nr_nodes = 1;
	for (k = 0; k < sw->nr_nodes; k++) {
		const struct rt_insn *i = &t->insns[sw->nodes[k]];
		size_t succ[2] = { sw->nodes[k] + 1, (size_t)((int64_t)sw->nodes[k] + 1 + i->off) };
		int64_t v = rt_insn_class(i->code) == RT_CLASS_JMP ? (int64_t)i->imm : (int32_t)i->imm;
		int e;

		if (k == 0 || v < sw->lo)
			sw->lo = v;
		if (k == 0 || v > sw->hi)
			sw->hi = v;
		for (e = 0; e < 2; e++) {
			size_t s = skip_ja(t, succ[e]);

			if (!is_sw_node(t, s, reg) || sw_has(sw, s))
				continue;
			if (sw->nr_nodes == SW_MAX_NODES)
				return false;
			sw->nodes[sw->nr_nodes++] = s;
		}
	}
	/* immediates are 32-bit: no overflow */
	sw->lo--;
	sw->hi++;
	return sw->nr_nodes >= SW_MIN_NODES && sw->hi - sw->lo < SW_MAX_SPAN;
}

/* The leaf value v reaches from the root, or SIZE_MAX (a cycle, or a
 * target outside the function: no switch then). */
static size_t sw_leaf(const struct tr *t, const struct sw_tree *sw, uint64_t v)
{
	size_t pc = sw->nodes[0], steps;

	for (steps = 0; steps <= sw->nr_nodes; steps++) {
		const struct rt_insn *i = &t->insns[pc];
		int64_t to = (int64_t)pc + 1 + (cmp_taken(i, v) ? i->off : 0);

		if (to < (int64_t)t->cur->start || to >= (int64_t)t->cur->end)
			return SIZE_MAX;
		pc = skip_ja(t, (size_t)to);
		if (!sw_has(sw, pc))
			return t->blocks[pc] ? pc : SIZE_MAX;
	}
	return SIZE_MAX;
}

/* At the root compare i (pc): a switch over the tree's range whose default
 * is a new block, where the builder is left for the compare itself. */
static void emit_switch_tree(struct tr *t, size_t pc, const struct rt_insn *i)
{
	struct sw_tree sw;
	LLVMBasicBlockRef tree;
	LLVMValueRef s;
	size_t *leaf;
	int64_t v;

	if (!is_sw_node(t, pc, i->dst) || !sw_collect(t, pc, &sw))
		return;
	leaf = malloc((size_t)(sw.hi - sw.lo + 1) * sizeof(*leaf));
	if (!leaf)
		return; /* the tree alone is correct too */
	for (v = sw.lo; v <= sw.hi; v++) {
		leaf[v - sw.lo] = sw_leaf(t, &sw, (uint64_t)v);
		if (leaf[v - sw.lo] == SIZE_MAX)
			goto out_free;
	}
	tree = new_block(t, "");
	s = LLVMBuildSwitch(t->b, get_reg(t, i->dst), tree, (unsigned int)(sw.hi - sw.lo + 1));
	for (v = sw.lo; v <= sw.hi; v++)
		LLVMAddCase(s, c64(t, (uint64_t)v), t->blocks[leaf[v - sw.lo]]);
	LLVMPositionBuilderAtEnd(t->b, tree);
	t->info->nr_switches++;
out_free:
	free(leaf);
}

static void emit_cond_jump(struct tr *t, size_t pc, const struct rt_insn *i)
{
	bool is64 = rt_insn_class(i->code) == RT_CLASS_JMP;
	LLVMValueRef a = get_reg(t, i->dst), b, c;
	LLVMBasicBlockRef yes = block_at(t, pc, (int64_t)pc + 1 + i->off);
	LLVMBasicBlockRef no = block_at(t, pc, (int64_t)pc + 1);

	if (!yes || !no)
		return;
	if (rt_insn_src(i->code) == RT_SRC_X)
		b = get_reg(t, i->src);
	else
		b = c64(t, (uint64_t)(int64_t)i->imm);
	if (!is64) {
		a = LLVMBuildTrunc(t->b, a, t->i32, "");
		b = LLVMBuildTrunc(t->b, b, t->i32, "");
	}
	switch (rt_insn_op(i->code)) {
#define LE_PRED_JEQ LLVMIntEQ
#define LE_PRED_JGT LLVMIntUGT
#define LE_PRED_JGE LLVMIntUGE
#define LE_PRED_JSET LLVMIntNE /* (a & b) != 0, below */
#define LE_PRED_JNE LLVMIntNE
#define LE_PRED_JSGT LLVMIntSGT
#define LE_PRED_JSGE LLVMIntSGE
#define LE_PRED_JLT LLVMIntULT
#define LE_PRED_JLE LLVMIntULE
#define LE_PRED_JSLT LLVMIntSLT
#define LE_PRED_JSLE LLVMIntSLE
#define JMP(NAME, CODE, MNEM, OP, SIGN)                                                            \
	case CODE:                                                                                 \
		if (CODE == RT_OP_JSET)                                                            \
			c = LLVMBuildICmp(t->b, LLVMIntNE, LLVMBuildAnd(t->b, a, b, ""),           \
					  LLVMConstNull(LLVMTypeOf(a)), "");                       \
		else                                                                               \
			c = LLVMBuildICmp(t->b, LE_PRED_##NAME, a, b, "");                         \
		break;
		RT_JMP_COND_OPS(JMP)
#undef JMP
	default:
		fail(t, -EINVAL, pc, "unknown jump opcode 0x%02x", i->code);
		return;
	}
	LLVMBuildCondBr(t->b, c, yes, no);
}

/* ---------------------------------------------------------- memory */

static void emit_load(struct tr *t, const struct rt_insn *i, bool sx)
{
	LLVMTypeRef ty = size_type(t, rt_insn_size(i->code));
	LLVMValueRef v = LLVMBuildLoad2(t->b, ty, mem_ptr(t, i->src, i->off, ty), "");

	LLVMSetAlignment(v, 1);
	if (ty != t->i64)
		v = sx ? LLVMBuildSExt(t->b, v, t->i64, "") : LLVMBuildZExt(t->b, v, t->i64, "");
	set_reg(t, i->dst, v);
}

static void emit_store(struct tr *t, const struct rt_insn *i, LLVMValueRef v)
{
	LLVMTypeRef ty = size_type(t, rt_insn_size(i->code));
	LLVMValueRef s;

	if (ty != t->i64)
		v = LLVMBuildTrunc(t->b, v, ty, "");
	s = LLVMBuildStore(t->b, v, mem_ptr(t, i->dst, i->off, ty));
	LLVMSetAlignment(s, 1);
}

static void emit_atomic(struct tr *t, size_t pc, const struct rt_insn *i)
{
	LLVMTypeRef ty = size_type(t, rt_insn_size(i->code));
	LLVMValueRef p = mem_ptr(t, i->dst, i->off, ty);
	LLVMValueRef v = get_reg(t, i->src), old;
	LLVMAtomicRMWBinOp op;

	if (ty != t->i64)
		v = LLVMBuildTrunc(t->b, v, ty, "");
	switch (i->imm & ~RT_ATOMIC_FETCH) {
	case RT_ATOMIC_ADD:
		op = LLVMAtomicRMWBinOpAdd;
		break;
	case RT_ATOMIC_OR:
		op = LLVMAtomicRMWBinOpOr;
		break;
	case RT_ATOMIC_AND:
		op = LLVMAtomicRMWBinOpAnd;
		break;
	case RT_ATOMIC_XOR:
		op = LLVMAtomicRMWBinOpXor;
		break;
	case RT_ATOMIC_XCHG & ~RT_ATOMIC_FETCH:
		if (i->imm != RT_ATOMIC_XCHG)
			goto bad;
		op = LLVMAtomicRMWBinOpXchg;
		break;
	case RT_ATOMIC_CMPXCHG & ~RT_ATOMIC_FETCH: {
		LLVMValueRef cmp, pair;

		if (i->imm != RT_ATOMIC_CMPXCHG)
			goto bad;
		cmp = get_reg(t, 0);
		if (ty != t->i64)
			cmp = LLVMBuildTrunc(t->b, cmp, ty, "");
		pair = LLVMBuildAtomicCmpXchg(t->b, p, cmp, v, LLVMAtomicOrderingSequentiallyConsistent,
					      LLVMAtomicOrderingSequentiallyConsistent, false);
		old = LLVMBuildExtractValue(t->b, pair, 0, "");
		set_reg(t, 0, ty != t->i64 ? LLVMBuildZExt(t->b, old, t->i64, "") : old);
		return;
	}
	default:
		goto bad;
	}
	old = LLVMBuildAtomicRMW(t->b, op, p, v, LLVMAtomicOrderingSequentiallyConsistent, false);
	if (i->imm & RT_ATOMIC_FETCH)
		set_reg(t, i->src, ty != t->i64 ? LLVMBuildZExt(t->b, old, t->i64, "") : old);
	return;
bad:
	fail(t, -EINVAL, pc, "unknown atomic operation 0x%x", (unsigned int)i->imm);
}

/* ------------------------------------------------------------ lddw */

static LLVMValueRef global_addr(struct tr *t, const char *name)
{
	LLVMValueRef g = LLVMGetNamedGlobal(t->mod, name);

	if (!g)
		g = LLVMAddGlobal(t->mod, t->i8, name);
	return LLVMBuildPtrToInt(t->b, g, t->i64, "");
}

static LLVMValueRef map_object(struct tr *t, uint32_t idx)
{
	const struct le_ir_map *m = &t->o->maps[idx];

	if (!t->o->symbolic)
		return c64(t, m->addr);
	t->info->map_uses[idx] |= 1;
	return global_addr(t, m->name);
}

static void emit_lddw(struct tr *t, size_t pc, const struct rt_insn *i)
{
	uint64_t imm64 = (uint32_t)i[0].imm | ((uint64_t)(uint32_t)i[1].imm << 32);
	LLVMValueRef v;

	switch (i->src) {
	case 0:
		v = c64(t, imm64);
		break;
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE: {
		uint32_t idx = (uint32_t)i->imm;
		const struct le_ir_map *m;

		if (idx >= t->o->nr_maps) {
			fail(t, -EINVAL, pc, "lddw of map %u, the object has %zu", idx,
			     t->o->nr_maps);
			return;
		}
		m = &t->o->maps[idx];
		if (i->src == BPF_PSEUDO_MAP_FD) {
			v = map_object(t, idx);
			break;
		}
		if (t->o->symbolic && m->inlinable) {
			char name[128];

			snprintf(name, sizeof(name), "%s%s", BPFAOT_MAP_VALUES_PREFIX, m->name);
			t->info->map_uses[idx] |= 2;
			v = global_addr(t, name);
		} else if (!t->o->symbolic && m->value_addr) {
			v = c64(t, m->value_addr);
		} else {
			LLVMTypeRef ft = LLVMFunctionType(t->i64, &t->i64, 1, false);
			LLVMValueRef arg = map_object(t, idx);

			t->info->uses_map_val = true;
			v = call_fn(t, BPFAOT_LDDW_MAP_VAL, ft, &arg, 1);
		}
		v = LLVMBuildAdd(t->b, v, c64(t, (uint32_t)i[1].imm), "");
		break;
	}
	case BPF_PSEUDO_FUNC: {
		struct fn *f = &t->fns[fn_index(t, pc + 1 + i->imm)];

		v = LLVMBuildPtrToInt(t->b, f->llfn, t->i64, "");
		break;
	}
	default:
		fail(t, -ENOTSUP, pc, "lddw with src %u (%s) is not supported by the llvm engines",
		     i->src, i->src == BPF_PSEUDO_BTF_ID ? "kernel variable" : "unknown kind");
		return;
	}
	set_reg(t, i->dst, v);
}

/* ----------------------------------------------------------- calls */

static LLVMValueRef call_args5(struct tr *t, LLVMValueRef fn_val, LLVMValueRef *args)
{
	unsigned int r;

	for (r = 0; r < 5; r++)
		args[r] = get_reg(t, r + 1);
	return LLVMBuildCall2(t->b, t->fn_ty, fn_val, args, 5, "");
}

/* if (cond) return ret; in a new block, then go on in another. */
static void return_if(struct tr *t, LLVMValueRef cond, LLVMValueRef ret)
{
	LLVMBasicBlockRef out = new_block(t, "stop"), go = new_block(t, "go");

	LLVMBuildCondBr(t->b, cond, out, go);
	LLVMPositionBuilderAtEnd(t->b, out);
	LLVMBuildRet(t->b, ret);
	LLVMPositionBuilderAtEnd(t->b, go);
}

/* if (cond) return __bpfaot_tail_call_now(); (see abi.h) */
static void return_tail_call_now(struct tr *t, LLVMValueRef cond)
{
	LLVMBasicBlockRef out = new_block(t, "tail.now"), go = new_block(t, "go");

	LLVMBuildCondBr(t->b, cond, out, go);
	LLVMPositionBuilderAtEnd(t->b, out);
	LLVMBuildRet(t->b, call_fn(t, BPFAOT_TAIL_CALL_NOW, LLVMFunctionType(t->i64, NULL, 0, false),
				   NULL, 0));
	LLVMPositionBuilderAtEnd(t->b, go);
}

static void emit_unwind(struct tr *t, size_t pc)
{
	LLVMValueRef r1 = get_reg(t, 1);

	if (!t->cur->is_entry) {
		fail(t, -ENOTSUP, pc, "helper %d (unwind) inside a subprogram is not supported by the llvm engines",
		     CONF_HELPER_UNWIND);
		return;
	}
	set_reg(t, 0, r1);
	return_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, r1, c64(t, 0), ""), c64(t, 0));
}

static void emit_helper(struct tr *t, size_t pc, uint32_t id)
{
	char name[40];
	LLVMValueRef args[5], r;

	if (t->o->conformance) {
		if (id != CONF_HELPER_UNWIND)
			fail(t, -ENOTSUP, pc, "unknown helper %u", id);
		else
			emit_unwind(t, pc);
		return;
	}
	if (id >= LE_IR_MAX_HELPER || !rt_helper__by_id(id) || !rt_helper__by_id(id)->fn) {
		fail(t, -ENOTSUP, pc, "unknown helper %u", id);
		return;
	}
	snprintf(name, sizeof(name), BPFAOT_HELPER_SYM_FMT, id);
	t->info->helpers[id] = 1;
	r = call_args5(t, get_fn(t, name, t->fn_ty), args);
	set_reg(t, 0, r);
	/* bpf_tail_call() returned 0: the target is recorded in the run and
	 * the engine starts it when bpf_main returns (as the aot engine); in
	 * a subprogram the target replaces the subprogram, as in the kernel:
	 * it runs now and the subprogram returns its r0 */
	if (id == HELPER_TAIL_CALL && t->cur->is_entry)
		return_if(t, LLVMBuildICmp(t->b, LLVMIntEQ, r, c64(t, 0), ""), c64(t, 0));
	else if (id == HELPER_TAIL_CALL)
		return_tail_call_now(t, LLVMBuildICmp(t->b, LLVMIntEQ, r, c64(t, 0), ""));
}

/* callx: a subprogram address from lddw (BPF_PSEUDO_FUNC) or, in
 * conformance files, a helper id; anything else fails the run. */
static void emit_callx(struct tr *t, size_t pc, const struct rt_insn *i)
{
	LLVMValueRef target = get_reg(t, i->dst), args[5], arg, phi;
	LLVMBasicBlockRef join = new_block(t, "callx.done"), next;
	LLVMValueRef vals[64];
	LLVMBasicBlockRef from[64];
	unsigned int nr = 0;
	size_t k;

	for (k = 0; k < t->nr_fns; k++) {
		struct fn *f = &t->fns[k];
		LLVMBasicBlockRef hit;

		if (!f->addr_taken)
			continue;
		if (nr + 2 >= sizeof(vals) / sizeof(vals[0])) {
			fail(t, -E2BIG, pc, "callx with more than 60 possible targets");
			return;
		}
		hit = new_block(t, "callx.hit");
		next = new_block(t, "callx.next");
		LLVMBuildCondBr(t->b,
				LLVMBuildICmp(t->b, LLVMIntEQ, target,
					      LLVMBuildPtrToInt(t->b, f->llfn, t->i64, ""), ""),
				hit, next);
		LLVMPositionBuilderAtEnd(t->b, hit);
		vals[nr] = call_args5(t, f->llfn, args);
		from[nr++] = LLVMGetInsertBlock(t->b);
		LLVMBuildBr(t->b, join);
		LLVMPositionBuilderAtEnd(t->b, next);
	}
	if (t->o->conformance && t->cur->is_entry) {
		LLVMBasicBlockRef hit = new_block(t, "callx.unwind");

		next = new_block(t, "callx.bad");
		LLVMBuildCondBr(t->b,
				LLVMBuildICmp(t->b, LLVMIntEQ, target, c64(t, CONF_HELPER_UNWIND), ""),
				hit, next);
		LLVMPositionBuilderAtEnd(t->b, hit);
		emit_unwind(t, pc);
		vals[nr] = get_reg(t, 0);
		from[nr++] = LLVMGetInsertBlock(t->b);
		LLVMBuildBr(t->b, join);
		LLVMPositionBuilderAtEnd(t->b, next);
	}
	/* not a function: the run fails (as the interpreter's "not a
	 * function") and this function returns 0 */
	t->info->uses_code_addr = true;
	arg = c32(t, (uint32_t)pc);
	call_fn(t, BPFAOT_LDDW_CODE_ADDR, LLVMFunctionType(t->i64, &t->i32, 1, false), &arg, 1);
	LLVMBuildRet(t->b, c64(t, 0));
	LLVMPositionBuilderAtEnd(t->b, join);
	if (!nr) {
		LLVMBuildUnreachable(t->b);
		LLVMPositionBuilderAtEnd(t->b, new_block(t, "callx.dead"));
		return;
	}
	phi = LLVMBuildPhi(t->b, t->i64, "");
	LLVMAddIncoming(phi, vals, from, nr);
	set_reg(t, 0, phi);
}

static void emit_call(struct tr *t, size_t pc, const struct rt_insn *i)
{
	LLVMValueRef args[5];

	if (i->code == (RT_CLASS_JMP | RT_OP_CALL | RT_SRC_X)) {
		emit_callx(t, pc, i);
		return;
	}
	switch (i->src) {
	case RT_CALL_HELPER:
		emit_helper(t, pc, (uint32_t)i->imm);
		break;
	case RT_CALL_LOCAL:
		set_reg(t, 0, call_args5(t, t->fns[fn_index(t, pc + 1 + i->imm)].llfn, args));
		break;
	default:
		fail(t, -ENOTSUP, pc, "kfunc call (BTF id %d) is not supported by the llvm engines",
		     i->imm);
	}
}

/* ------------------------------------------------------- functions */

/* Blocks start at insn 0 of the function, at jump targets and after every
 * jump and exit. */
static void make_blocks(struct tr *t, struct fn *f)
{
	size_t pc;

	t->blocks[f->start] = new_block(t, "");
	for (pc = f->start; pc < f->end; pc++) {
		const struct rt_insn *i = &t->insns[pc];
		int64_t target = -1;

		if (rt_insn_is_lddw(i->code)) {
			pc++;
			continue;
		}
		if (!rt_insn_is_jmp(i->code))
			continue;
		if (rt_insn_op(i->code) == RT_OP_CALL)
			continue;
		if (i->code == (RT_CLASS_JMP32 | RT_OP_JA))
			target = (int64_t)pc + 1 + i->imm;
		else if (rt_insn_op(i->code) != RT_OP_EXIT)
			target = (int64_t)pc + 1 + i->off;
		if (target >= (int64_t)f->start && target < (int64_t)f->end && !t->blocks[target])
			t->blocks[target] = new_block(t, "");
		if (pc + 1 < f->end && !t->blocks[pc + 1])
			t->blocks[pc + 1] = new_block(t, "");
	}
}

static void emit_function(struct tr *t, struct fn *f)
{
	LLVMBasicBlockRef entry;
	LLVMValueRef frame, zero[2];
	size_t pc;
	unsigned int r;
	bool open = true;

	t->cur = f;
	entry = new_block(t, "entry");
	make_blocks(t, f);
	LLVMPositionBuilderAtEnd(t->b, entry);
	for (r = 0; r < 10; r++)
		t->regs[r] = LLVMBuildAlloca(t->b, t->i64, "");
	frame = LLVMBuildAlloca(t->b, LLVMArrayType(t->i8, RT_STACK_SIZE), "stack");
	LLVMSetAlignment(frame, 16);
	zero[0] = zero[1] = c64(t, 0);
	t->stack = LLVMBuildGEP2(t->b, LLVMArrayType(t->i8, RT_STACK_SIZE), frame, zero, 2, "");
	/* each frame starts zeroed, as the interpreter's: deterministic, and
	 * SROA folds it into the promoted slots */
	LLVMBuildMemSet(t->b, t->stack, LLVMConstInt(t->i8, 0, false), c64(t, RT_STACK_SIZE), 16);
	for (r = 0; r < 10; r++) {
		LLVMValueRef v = c64(t, 0);

		if (f->is_entry && r == 1)
			v = LLVMGetParam(f->llfn, 0);
		else if (f->is_entry && r == 2 && t->o->ctx_is_mem)
			v = LLVMGetParam(f->llfn, 1);
		else if (!f->is_entry && r >= 1 && r <= 5)
			v = LLVMGetParam(f->llfn, r - 1);
		LLVMBuildStore(t->b, v, t->regs[r]);
	}
	LLVMBuildBr(t->b, t->blocks[f->start]);
	open = false;

	for (pc = f->start; pc < f->end && !t->error; pc++) {
		const struct rt_insn *i = &t->insns[pc];
		uint8_t cls = rt_insn_class(i->code);

		if (t->blocks[pc]) {
			if (open)
				LLVMBuildBr(t->b, t->blocks[pc]);
			LLVMPositionBuilderAtEnd(t->b, t->blocks[pc]);
			open = true;
		}
		switch (cls) {
		case RT_CLASS_ALU:
		case RT_CLASS_ALU64:
			emit_alu(t, pc, i);
			break;
		case RT_CLASS_LDX:
			emit_load(t, i, rt_insn_mode(i->code) == RT_MODE_MEMSX);
			break;
		case RT_CLASS_ST:
			emit_store(t, i, c64(t, (uint64_t)(int64_t)i->imm));
			break;
		case RT_CLASS_STX:
			if (rt_insn_mode(i->code) == RT_MODE_ATOMIC)
				emit_atomic(t, pc, i);
			else
				emit_store(t, i, get_reg(t, i->src));
			break;
		case RT_CLASS_LD:
			if (!rt_insn_is_lddw(i->code)) {
				fail(t, -ENOTSUP, pc, "legacy packet load (%s) is not supported by the llvm engines",
				     rt_insn_mode(i->code) == RT_MODE_ABS ? "ld_abs" : "ld_ind");
				break;
			}
			if (pc + 1 >= f->end) {
				fail(t, -EINVAL, pc, "lddw without its second half");
				break;
			}
			emit_lddw(t, pc, i);
			pc++;
			break;
		case RT_CLASS_JMP:
		case RT_CLASS_JMP32:
			switch (rt_insn_op(i->code)) {
			case RT_OP_CALL:
				emit_call(t, pc, i);
				break;
			case RT_OP_EXIT:
				LLVMBuildRet(t->b, get_reg(t, 0));
				open = false;
				break;
			case RT_OP_JA: {
				int64_t d = cls == RT_CLASS_JMP32 ? i->imm : i->off;
				LLVMBasicBlockRef bb = block_at(t, pc, (int64_t)pc + 1 + d);

				if (bb)
					LLVMBuildBr(t->b, bb);
				open = false;
				break;
			}
			default:
				if (t->o->switches)
					emit_switch_tree(t, pc, i);
				emit_cond_jump(t, pc, i);
				open = false;
			}
			break;
		}
	}
	if (!t->error && open)
		fail(t, -ENOTSUP, f->end - 1,
		     "the function at insn %zu runs past its last instruction", f->start);
}

static LLVMValueRef declare_function(struct tr *t, struct fn *f)
{
	char name[64];
	LLVMValueRef fn;

	if (f->is_entry) {
		fn = LLVMAddFunction(t->mod, BPFAOT_ENTRY_SYM, t->main_ty);
	} else {
		snprintf(name, sizeof(name), LE_IR_SUB_FMT, f->start);
		fn = LLVMAddFunction(t->mod, name, t->fn_ty);
		/* callbacks are looked up by name (llvm-jit); the others inline */
		if (!f->addr_taken)
			LLVMSetLinkage(fn, LLVMInternalLinkage);
	}
	LLVMAddAttributeAtIndex(
		fn, LLVMAttributeFunctionIndex,
		LLVMCreateEnumAttribute(t->ctx, LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	return fn;
}

int le_bpf2ir(struct LLVMOpaqueContext *ctx, const struct rt_insn *insns, size_t nr_insns,
	      const struct le_ir_opts *opts, struct LLVMOpaqueModule **out,
	      struct le_ir_info *info, char *err, size_t err_size)
{
	struct tr t = { .ctx = ctx, .insns = insns, .n = nr_insns, .o = opts, .info = info,
			.err = err, .err_size = err_size };
	LLVMTypeRef params[5];
	size_t k;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	if (!nr_insns) {
		snprintf(err, err_size, "no instructions");
		return -EINVAL;
	}
	t.i1 = LLVMInt1TypeInContext(ctx);
	t.i8 = LLVMInt8TypeInContext(ctx);
	t.i16 = LLVMInt16TypeInContext(ctx);
	t.i32 = LLVMInt32TypeInContext(ctx);
	t.i64 = LLVMInt64TypeInContext(ctx);
	for (k = 0; k < 5; k++)
		params[k] = t.i64;
	t.fn_ty = LLVMFunctionType(t.i64, params, 5, false);
	t.main_ty = LLVMFunctionType(t.i64, params, 2, false);
	info->nr_callbacks = 0;
	info->callbacks = NULL;
	info->nr_switches = 0;

	ret = find_functions(&t);
	if (ret)
		goto out_free_fns;
	call_depth(&t, &t.fns[0]);
	for (k = 1; k < t.nr_fns && !t.error; k++)
		call_depth(&t, &t.fns[k]);
	if (t.error) {
		ret = t.error;
		goto out_free_fns;
	}
	t.blocks = calloc(nr_insns, sizeof(*t.blocks));
	info->callbacks = calloc(t.nr_fns, sizeof(*info->callbacks));
	if (!t.blocks || !info->callbacks) {
		ret = -ENOMEM;
		goto out_free_blocks;
	}
	t.mod = LLVMModuleCreateWithNameInContext("bpf", ctx);
	LLVMSetTarget(t.mod, "x86_64-pc-linux-gnu");
	t.b = LLVMCreateBuilderInContext(ctx);
	for (k = 0; k < t.nr_fns; k++) {
		t.fns[k].llfn = declare_function(&t, &t.fns[k]);
		if (t.fns[k].addr_taken)
			info->callbacks[info->nr_callbacks++] = t.fns[k].start;
	}
	for (k = 0; k < t.nr_fns && !t.error; k++)
		emit_function(&t, &t.fns[k]);
	LLVMDisposeBuilder(t.b);
	ret = t.error;
	if (ret) {
		LLVMDisposeModule(t.mod);
		goto out_free_blocks;
	}
	*out = t.mod;
	free(t.blocks);
	free(t.fns);
	return 0;

out_free_blocks:
	free(t.blocks);
	free(info->callbacks);
	info->callbacks = NULL;
	info->nr_callbacks = 0;
out_free_fns:
	free(t.fns);
	return ret;
}
