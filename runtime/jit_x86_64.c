// SPDX-License-Identifier: MIT
/*
 * The template x86-64 JIT (the `jit` engine's code generator), in the style
 * of ubpf's: one pass over the bytecode emits a fixed template per
 * instruction into a growing buffer, a fixup table patches jump, call and
 * code-address targets once every instruction has an offset, and the result
 * is copied into a fresh mapping that is made read+execute (never W+X). The
 * dispatch is generated from the opcode list in rt_insn.h. The emitter's
 * error is sticky (ubpf's emit_bytes): the first failure is kept, later
 * emits do nothing, and the caller checks once at the end.
 *
 * Register use: BPF r0-r5 live in rax, rdi, rsi, rdx, r9, r8 (the System V
 * argument registers, but r4 in r9: rcx is the shift count, and r4 moves to
 * rcx only at helper calls), r6-r9 in rbx, r13, r14, r15 and r10 (the frame
 * pointer) in rbp; rcx, r10 and r11 are scratch; r12 points at the
 * invocation (struct rt_jit_inv). Every BPF function, BPF-to-BPF calls
 * included, is a native function with its own 512-byte frame on the native
 * stack, zeroed on entry as the interpreter zeroes it (as far down as the
 * function can reach). The code starts with a trampoline, the one entry from C: it saves
 * the callee-saved registers, loads r1-r5, calls the function, and is also
 * where faults and early stops unwind to.
 *
 * The code does no bounds checks (like ubpf's JIT and the kernel's, it
 * trusts the program); no instruction can trap the CPU on its own: divisions
 * check for zero and for INT_MIN / -1 first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rt_insn.h"
#include "rt_internal.h"

enum x86_reg { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static const uint8_t reg_map[11] = { RAX, RDI, RSI, RDX, R9, R8, RBX, R13, R14, R15, RBP };
#define INV R12

/* emit flags */
#define W64 0x01  /* REX.W: 64-bit operands */
#define BYTE 0x02 /* a byte register operand: always a REX, to reach sil/dil */
#define P66 0x04  /* 16-bit operands */
#define LOCK 0x08

/* condition codes (the low nibble of jcc) */
enum x86_cc {
	CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7,
	CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf,
};

/* the condition of each conditional jump, by name (RT_JMP_COND_OPS) */
#define X86_CC_JEQ CC_E
#define X86_CC_JGT CC_A
#define X86_CC_JGE CC_AE
#define X86_CC_JSET CC_NE
#define X86_CC_JNE CC_NE
#define X86_CC_JSGT CC_G
#define X86_CC_JSGE CC_GE
#define X86_CC_JLT CC_B
#define X86_CC_JLE CC_BE
#define X86_CC_JSLT CC_L
#define X86_CC_JSLE CC_LE

/* the wrapping binary operations (RT_ALU_BIN_OPS): the "op r/m, reg"
 * opcode and the /digit of "op r/m, imm"; MUL is imul, reg = dst */
struct x86_bin {
	uint16_t rr;
	uint8_t ext;
};
#define X86_MUL_RR 0x0faf
#define X86_BIN_ADD ((struct x86_bin){ 0x01, 0 })
#define X86_BIN_SUB ((struct x86_bin){ 0x29, 5 })
#define X86_BIN_MUL ((struct x86_bin){ X86_MUL_RR, 0 })
#define X86_BIN_OR ((struct x86_bin){ 0x09, 1 })
#define X86_BIN_AND ((struct x86_bin){ 0x21, 4 })
#define X86_BIN_XOR ((struct x86_bin){ 0x31, 6 })

/* the /digit of the shifts (RT_ALU_SHIFT_OPS) */
#define X86_SHIFT_LSH 4
#define X86_SHIFT_RSH 5
#define X86_SHIFT_ARSH 7

/* the atomic read-modify-write operations (RT_ATOMIC_BIN_OPS): "lock op
 * r/m, reg" */
#define X86_ATOMIC_ADD 0x01
#define X86_ATOMIC_OR 0x09
#define X86_ATOMIC_AND 0x21
#define X86_ATOMIC_XOR 0x31

/* ubpf's test helper 5 of the conformance suite (see interp.c) */
#define CONF_HELPER_UNWIND 5

/* What a fixup's rel32 points at. */
enum fix_kind {
	FIX_BODY,	/* the code of instruction target (jumps) */
	FIX_ENTRY,	/* the prologue of the function at target (calls, code addresses) */
	FIX_ABORT,	/* the trampoline's unwind */
	FIX_STUB,	/* stubs[target] */
};

struct fixup {
	uint32_t at;	/* offset of the rel32, relative to the end of it */
	uint32_t kind;
	uint32_t target;
};

/* Runtime failures, reported by trap() from out-of-line stubs. */
enum trap_kind {
	TRAP_DEPTH,	/* BPF-to-BPF call over RT_MAX_CALL_DEPTH frames */
	TRAP_TAIL,	/* bpf_tail_call() succeeded: see tail_trap() */
	TRAP_CALLX,	/* callx to something that is neither a function nor a helper id */
	TRAP_MAP_VALUE,	/* lddw of a map value with no value storage */
};

struct stub {
	uint32_t pc;
	uint32_t kind;
	uint64_t value;
	uint32_t off;
};

struct rt_jit {
	uint8_t *code;		/* R+X mapping */
	size_t size, map_size;
	uint32_t *entries;	/* offsets of the function entries, ascending */
	size_t nr_entries;
	uint32_t main_off;
	uint64_t compile_ns;
	uint32_t *loops;	/* offsets of the innermost loops' heads, ascending */
	size_t nr_loops;
};

/* The emitter. */
struct jit {
	const struct rt_prog *prog;
	struct rt_log *log;
	uint8_t *buf;
	size_t len, cap, max;
	int err;		/* sticky: the first failure */
	uint32_t *body;		/* per instruction: offset of its code */
	uint32_t *entry;	/* per instruction: offset of its prologue, or NO_ENTRY */
	uint8_t *is_entry;	/* per instruction: a function starts there */
	uint8_t *is_target;	/* per instruction: a jump lands there (LOOP_HEAD: an innermost loop's) */
	struct fixup *fix;
	size_t nr_fix, fix_cap;
	struct stub *stubs;
	size_t nr_stubs, stub_cap;
	uint32_t abort_off;
	size_t pc;
};

#define NO_ENTRY UINT32_MAX

/* Native stack of one BPF frame: return address, 5 saved registers, 512 bytes. */
#define FRAME_BYTES (8 + 5 * 8 + RT_STACK_SIZE)

__attribute__((format(printf, 3, 4))) static void jit_fail(struct jit *j, int err, const char *fmt,
							    ...)
{
	va_list ap;

	if (j->err)
		return;
	j->err = err;
	va_start(ap, fmt);
	rt_log__verr(j->log, fmt, ap);
	va_end(ap);
}

/* A compile error at the current instruction: "jit: program 'p' insn 3: ..." */
__attribute__((format(printf, 3, 4))) static void jit_fail_insn(struct jit *j, int err,
								 const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jit_fail(j, err, "jit: program '%s' insn %zu: %s", j->prog->name, j->pc, msg);
}

/* ------------------------------------------------------------ encoding */

static void emit_bytes(struct jit *j, const void *p, size_t n)
{
	if (j->err)
		return;
	if (j->len + n > j->max) {
		jit_fail(j, -E2BIG, "jit: program '%s' needs more than %zu bytes of machine code",
			 j->prog->name, j->max);
		return;
	}
	if (j->len + n > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		uint8_t *b;

		while (cap < j->len + n)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b) {
			jit_fail(j, -ENOMEM, "jit: out of memory");
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
}

static void emit1(struct jit *j, uint8_t v)
{
	emit_bytes(j, &v, 1);
}

static void emit2(struct jit *j, uint16_t v)
{
	emit_bytes(j, &v, 2); /* little-endian host */
}

static void emit4(struct jit *j, uint32_t v)
{
	emit_bytes(j, &v, 4);
}

static void emit8(struct jit *j, uint64_t v)
{
	emit_bytes(j, &v, 8);
}

/* Prefixes and REX for an instruction whose ModRM names reg and rm (or base). */
static void emit_prefix(struct jit *j, int flags, int reg, int rm)
{
	uint8_t rex = 0x40 | (flags & W64 ? 8 : 0) | (reg & 8 ? 4 : 0) | (rm & 8 ? 1 : 0);

	if (flags & LOCK)
		emit1(j, 0xf0);
	if (flags & P66)
		emit1(j, 0x66);
	if (rex != 0x40 || (flags & BYTE))
		emit1(j, rex);
}

/* One to three opcode bytes, most significant first (0x0faf is 0f af). */
static void emit_opcode(struct jit *j, uint32_t op)
{
	if (op > 0xffff)
		emit1(j, (uint8_t)(op >> 16));
	if (op > 0xff)
		emit1(j, (uint8_t)(op >> 8));
	emit1(j, (uint8_t)op);
}

/* op with a register-direct ModRM: reg (or a /digit) and rm. */
static void emit_rr(struct jit *j, int flags, uint32_t op, int reg, int rm)
{
	emit_prefix(j, flags, reg, rm);
	emit_opcode(j, op);
	emit1(j, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* op with a memory ModRM: reg (or a /digit) and [base + disp]. */
static void emit_rm(struct jit *j, int flags, uint32_t op, int reg, int base, int32_t disp)
{
	uint8_t mod = disp == 0 && (base & 7) != RBP ? 0x00 : disp >= -128 && disp <= 127 ? 0x40 : 0x80;

	emit_prefix(j, flags, reg, base);
	emit_opcode(j, op);
	emit1(j, (uint8_t)(mod | (reg & 7) << 3 | (base & 7)));
	if ((base & 7) == RSP)
		emit1(j, 0x24); /* SIB: base only */
	if (mod == 0x40)
		emit1(j, (uint8_t)disp);
	else if (mod == 0x80)
		emit4(j, (uint32_t)disp);
}

/* op r/m, imm: the imm8 form (0x83) when it fits, else imm32 (0x81). */
static void emit_ri(struct jit *j, int flags, int ext, int rm, int32_t imm)
{
	if (imm >= -128 && imm <= 127) {
		emit_rr(j, flags, 0x83, ext, rm);
		emit1(j, (uint8_t)imm);
	} else {
		emit_rr(j, flags, 0x81, ext, rm);
		emit4(j, (uint32_t)imm);
	}
}

static void emit_mov(struct jit *j, bool w64, int dst, int src)
{
	emit_rr(j, w64 ? W64 : 0, 0x89, src, dst);
}

static void emit_mov_imm(struct jit *j, int dst, uint64_t v)
{
	if (v <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
		emit_prefix(j, 0, 0, dst);
		emit1(j, (uint8_t)(0xb8 | (dst & 7)));
		emit4(j, (uint32_t)v);
	} else if ((int64_t)v == (int32_t)v) {
		emit_rr(j, W64, 0xc7, 0, dst);
		emit4(j, (uint32_t)v);
	} else {
		emit_prefix(j, W64, 0, dst);
		emit1(j, (uint8_t)(0xb8 | (dst & 7)));
		emit8(j, v);
	}
}

static void emit_push(struct jit *j, int r)
{
	emit_prefix(j, 0, 0, r);
	emit1(j, (uint8_t)(0x50 | (r & 7)));
}

static void emit_pop(struct jit *j, int r)
{
	emit_prefix(j, 0, 0, r);
	emit1(j, (uint8_t)(0x58 | (r & 7)));
}

/* call through rax to a C function */
static void emit_call_abs(struct jit *j, const void *fn)
{
	emit_mov_imm(j, RAX, (uint64_t)(uintptr_t)fn);
	emit_rr(j, 0, 0xff, 2, RAX);
}

/* ------------------------------------------------------- fixups, labels */

/* A rel32 to be patched once kind/target has an offset. */
static void emit_fixup(struct jit *j, enum fix_kind kind, uint32_t target)
{
	if (j->err)
		return;
	if (rt_ensure_mem((void **)&j->fix, &j->fix_cap, sizeof(*j->fix), j->nr_fix + 1)) {
		jit_fail(j, -ENOMEM, "jit: out of memory");
		return;
	}
	j->fix[j->nr_fix++] = (struct fixup){ (uint32_t)j->len, kind, target };
	emit4(j, 0);
}

static void emit_jcc(struct jit *j, enum x86_cc cc, enum fix_kind kind, uint32_t target)
{
	emit1(j, 0x0f);
	emit1(j, (uint8_t)(0x80 | cc));
	emit_fixup(j, kind, target);
}

static void emit_jmp(struct jit *j, enum fix_kind kind, uint32_t target)
{
	emit1(j, 0xe9);
	emit_fixup(j, kind, target);
}

/* lea reg, [rip + the entry of the function at pc] */
static void emit_lea_rip(struct jit *j, int reg, uint32_t pc)
{
	emit_prefix(j, W64, reg, 0);
	emit1(j, 0x8d);
	emit1(j, (uint8_t)(0x05 | (reg & 7) << 3));
	emit_fixup(j, FIX_ENTRY, pc);
}

/* An out-of-line stub that reports a trap and unwinds; returns its index. */
static uint32_t add_stub(struct jit *j, enum trap_kind kind, uint64_t value)
{
	if (j->err)
		return 0;
	if (rt_ensure_mem((void **)&j->stubs, &j->stub_cap, sizeof(*j->stubs), j->nr_stubs + 1)) {
		jit_fail(j, -ENOMEM, "jit: out of memory");
		return 0;
	}
	j->stubs[j->nr_stubs] = (struct stub){ (uint32_t)j->pc, kind, value, 0 };
	return (uint32_t)j->nr_stubs++;
}

/* Forward branches inside one instruction's template: emit the branch with
 * a zero displacement, then bind it where the label falls. */
static size_t emit_jcc8(struct jit *j, enum x86_cc cc)
{
	emit1(j, (uint8_t)(0x70 | cc));
	emit1(j, 0);
	return j->len;
}

static size_t emit_jmp8(struct jit *j)
{
	emit1(j, 0xeb);
	emit1(j, 0);
	return j->len;
}

static size_t emit_jcc32(struct jit *j, enum x86_cc cc)
{
	emit1(j, 0x0f);
	emit1(j, (uint8_t)(0x80 | cc));
	emit4(j, 0);
	return j->len;
}

static size_t emit_jmp32(struct jit *j)
{
	emit1(j, 0xe9);
	emit4(j, 0);
	return j->len;
}

static void bind8(struct jit *j, size_t end)
{
	if (!j->err)
		j->buf[end - 1] = (uint8_t)(j->len - end); /* templates stay under 128 bytes */
}

static void bind32(struct jit *j, size_t end)
{
	uint32_t rel = (uint32_t)(j->len - end);

	if (!j->err)
		memcpy(j->buf + end - 4, &rel, 4);
}

/* ---------------------------------------------- calls into the runtime */


/* Called by the stubs: records the failure (a successful tail call is no
 * failure at the entry's top level); the stub then unwinds. */
static void trap(struct rt_jit_inv *inv, uint64_t pc, uint64_t kind, uint64_t value)
{
	struct rt_run *run = inv->run;

	switch (kind) {
	case TRAP_DEPTH:
		rt_run__fail_insn(run, -E2BIG, "insn %" PRIu64 ": call depth over %d", pc, RT_MAX_CALL_DEPTH);
		break;
	case TRAP_TAIL:
		break;	/* tail_trap() */
	case TRAP_CALLX:
		rt_run__fail_insn(run, -EFAULT, "insn %" PRIu64 ": callx to 0x%" PRIx64 ", not a function", pc,
			 value);
		break;
	case TRAP_MAP_VALUE:
		rt_run__fail_insn(run, -EFAULT, "insn %" PRIu64 ": map '%s' has no value storage", pc,
			 rt_map__name(run->obj->maps[value]));
		break;
	}
}

/*
 * Called by a TRAP_TAIL stub after a successful bpf_tail_call(), with the
 * stack pointer of the calling function. In the entry's main function (one
 * frame below the trampoline) it leaves run->tail_target set: the stub
 * stops the invocation and the engine runs the target. In a subprogram
 * the target replaces the subprogram, as in the kernel's x86-64 JIT: it
 * runs now and its r0 is returned, which the stub returns from the
 * subprogram. In a callback it fails.
 */
static uint64_t tail_trap(struct rt_jit_inv *inv, uint64_t pc, uint64_t rsp)
{
	struct rt_run *run = inv->run;

	if (inv->depth != 1) {
		run->tail_target = NULL;
		rt_run__fail_insn(run, -EINVAL, "insn %" PRIu64 ": tail call from a callback", pc);
		return 0;
	}
	if (inv->abort_rsp - rsp == FRAME_BYTES)
		return 0;
	return rt_run__tail_call_now(run);
}

/* callx to a helper id (ubpf and the conformance suite allow it): the id
 * is in the low half of pc_id, the instruction in the high half. */
static uint64_t call_by_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			   uint64_t pc_id)
{
	struct rt_run *run = rt_run__current();
	uint32_t id = (uint32_t)pc_id;
	const struct rt_helper *h;

	if (run->obj->is_conformance) {
		if (id == CONF_HELPER_UNWIND)
			return r1;
		h = NULL;
	} else {
		h = rt_helper__by_id(id);
	}
	if (!h || !h->fn) {
		rt_run__fail_insn(run, -ENOENT, "insn %" PRIu64 ": unknown helper %u", pc_id >> 32, id);
		return 0;
	}
	return h->fn(r1, r2, r3, r4, r5);
}

/* --------------------------------------------------------- templates */

/* Whether insn reads r10 only as the base of its own memory access. */
static bool is_r10_base(const struct rt_insn *i)
{
	switch (rt_insn_class(i->code)) {
	case RT_CLASS_LDX:
		return i->src == 10;
	case RT_CLASS_ST:
		return i->dst == 10;
	case RT_CLASS_STX:
		return i->dst == 10 && i->src != 10;
	}
	return false;
}

/*
 * Bytes at the top of the frame of the function starting at entry that
 * must start zeroed, as the interpreter zeroes each frame: none when the
 * function never mentions r10, down to its lowest access when r10 is only
 * a memory base, the whole frame when r10 escapes (copied, passed to a
 * helper) or control leaves the function by a jump.
 */
static unsigned int frame_bytes_to_zero(const struct jit *j, size_t entry)
{
	const struct rt_insn *insns = j->prog->insns;
	size_t n = j->prog->nr_insns, end = entry + 1, pc;
	int low = 0;

	while (end < n && !j->is_entry[end])
		end++;
	for (pc = entry; pc < end; pc++) {
		const struct rt_insn *i = &insns[pc];
		uint8_t cls = rt_insn_class(i->code), op = rt_insn_op(i->code);

		if (rt_insn_is_lddw(i->code)) {
			pc++;
			continue;
		}
		if (rt_insn_is_jmp(i->code) && op != RT_OP_CALL && op != RT_OP_EXIT) {
			int64_t t = (int64_t)pc + 1 + (cls == RT_CLASS_JMP32 && op == RT_OP_JA ? i->imm : i->off);

			if (t < (int64_t)entry || t >= (int64_t)end)
				return RT_STACK_SIZE;
		}
		if (is_r10_base(i)) {
			if (i->off < low)
				low = i->off;
		} else if (i->dst == 10 || i->src == 10) {
			return RT_STACK_SIZE;
		}
	}
	return low < -RT_STACK_SIZE ? RT_STACK_SIZE : (unsigned int)-low;
}

/* The part of every function's prologue that saves the System V
 * callee-saved registers BPF uses and sets up the frame; the trampoline
 * runs it itself and enters functions past it. */
static void emit_prologue_frame(struct jit *j)
{
	emit_push(j, RBP);
	emit_push(j, RBX);
	emit_push(j, R13);
	emit_push(j, R14);
	emit_push(j, R15);
	/* the return address and 5 pushes leave rsp 16-aligned for calls */
	emit_ri(j, W64, 5, RSP, RT_STACK_SIZE);		/* sub rsp, 512 */
	emit_rm(j, W64, 0x8d, RBP, RSP, RT_STACK_SIZE); /* lea rbp, [rsp + 512] */
}

static void emit_prologue(struct jit *j, size_t entry)
{
	unsigned int zero = frame_bytes_to_zero(j, entry), k;

	emit_prologue_frame(j);
	if (!zero)
		return;
	emit_rr(j, P66, 0x0fef, 0, 0); /* pxor xmm0, xmm0 */
	for (k = (RT_STACK_SIZE - zero) & ~15u; k < RT_STACK_SIZE; k += 16)
		emit_rm(j, 0, 0x0f29, 0, RSP, (int32_t)k); /* movaps [rsp + k], xmm0 */
}

static void emit_epilogue(struct jit *j)
{
	emit_mov(j, true, RSP, RBP);
	emit_pop(j, R15);
	emit_pop(j, R14);
	emit_pop(j, R13);
	emit_pop(j, RBX);
	emit_pop(j, RBP);
	emit1(j, 0xc3);
}

/*
 * uint64_t trampoline(struct rt_jit_inv *inv): the only entry from C. It
 * saves the caller's r12 and points it at inv, loads r1-r5 from the
 * arguments and calls its own copy of the functions' prologue frame
 * (emit_prologue_frame: it saves the other callee-saved registers), which
 * zeroes r6-r9 after saving them (r0 too: the interpreter's start) and
 * jumps into inv->fn past that frame code; the function's epilogue returns
 * here. So each register is saved once per invocation. A fault or an early
 * stop jumps to abort, which takes the saved registers back from the frame
 * (right below the return address at abort_rsp), restores the stack
 * pointer saved here and returns 0.
 */
static void emit_trampoline(struct jit *j)
{
	static const int saved[] = { RBP, RBX, R13, R14, R15 }; /* emit_prologue_frame's order */
	size_t skip_at, frame_at, out, back;
	int k;

	emit_push(j, R12); /* rsp is now 16-aligned for the call */
	emit_mov(j, true, INV, RDI);
	emit_rm(j, W64, 0x89, RSP, INV, offsetof(struct rt_jit_inv, abort_rsp));
	emit_rm(j, W64, 0x8d, R11, RSP, -RT_MAX_CALL_DEPTH * FRAME_BYTES);
	emit_rm(j, W64, 0x89, R11, INV, offsetof(struct rt_jit_inv, stack_limit));
	emit_rm(j, W64, 0x8b, R11, INV, offsetof(struct rt_jit_inv, fn));
	emit_ri(j, W64, 0, R11, 0); /* add r11, <frame code size>: patched below */
	skip_at = j->len - 1;
	for (k = 0; k < 5; k++)
		emit_rm(j, W64, 0x8b, reg_map[k + 1], INV,
			(int32_t)(offsetof(struct rt_jit_inv, args) + 8 * k));
	emit_rr(j, 0, 0x31, RAX, RAX);
	emit1(j, 0xe8); /* call frame: past the 3 bytes of pop r12; ret */
	emit4(j, 3);
	out = j->len;
	emit_pop(j, R12);
	emit1(j, 0xc3);
	frame_at = j->len;
	emit_prologue_frame(j);
	if (!j->err)
		j->buf[skip_at] = (uint8_t)(j->len - frame_at);
	for (k = 6; k <= 9; k++)
		emit_rr(j, 0, 0x31, reg_map[k], reg_map[k]);
	emit_rr(j, 0, 0xff, 4, R11); /* jmp r11 */
	j->abort_off = (uint32_t)j->len;
	emit_rm(j, W64, 0x8b, R11, INV, offsetof(struct rt_jit_inv, abort_rsp));
	for (k = 0; k < 5; k++)
		emit_rm(j, W64, 0x8b, saved[k], R11, -16 - 8 * k);
	emit_mov(j, true, RSP, R11);
	emit_rr(j, 0, 0x31, RAX, RAX);
	back = j->len + 2;
	emit1(j, 0xeb);
	emit1(j, (uint8_t)(int8_t)((int64_t)out - (int64_t)back));
}

static bool is_alu64(const struct rt_insn *i)
{
	return rt_insn_class(i->code) == RT_CLASS_ALU64;
}

static void emit_alu_bin(struct jit *j, const struct rt_insn *i, struct x86_bin op)
{
	int w = is_alu64(i) ? W64 : 0, dst = reg_map[i->dst];
	bool x = rt_insn_src(i->code) == RT_SRC_X;

	if (op.rr == X86_MUL_RR) {
		if (x) {
			emit_rr(j, w, X86_MUL_RR, dst, reg_map[i->src]);
		} else if (i->imm >= -128 && i->imm <= 127) {
			emit_rr(j, w, 0x6b, dst, dst);
			emit1(j, (uint8_t)i->imm);
		} else {
			emit_rr(j, w, 0x69, dst, dst);
			emit4(j, (uint32_t)i->imm);
		}
		return;
	}
	if (x)
		emit_rr(j, w, op.rr, reg_map[i->src], dst);
	else
		emit_ri(j, w, op.ext, dst, i->imm);
}

static void emit_shift(struct jit *j, const struct rt_insn *i, int ext)
{
	int w = is_alu64(i) ? W64 : 0, dst = reg_map[i->dst];

	if (rt_insn_src(i->code) == RT_SRC_K) {
		int count = i->imm & (w ? 63 : 31);

		if (count) {
			emit_rr(j, w, 0xc1, ext, dst);
			emit1(j, (uint8_t)count);
			return;
		}
	} else {
		emit_mov(j, false, RCX, reg_map[i->src]);
		emit_rr(j, w, 0xd3, ext, dst);
	}
	if (!w)
		emit_mov(j, false, dst, dst); /* a 32-bit result even for a count of 0 */
}

/*
 * dst = dst / src or dst % src, unsigned or (off = 1) signed, as the
 * interpreter computes them: a zero divisor gives 0 (div) or dst (mod),
 * and a signed divisor of -1 never reaches idiv (INT_MIN / -1 traps): the
 * quotient is -dst and the remainder 0. rax and rdx (BPF r0, r3) are saved
 * in r11 and r10 around the division unless dst is one of them.
 */
static void emit_div(struct jit *j, const struct rt_insn *i, bool mod)
{
	bool w = is_alu64(i), sgn = i->off == RT_OFF_SIGNED;
	int f = w ? W64 : 0, dst = reg_map[i->dst];
	size_t zero, minus1 = 0, done1 = 0, done2;

	if (rt_insn_src(i->code) == RT_SRC_X)
		emit_mov(j, w, RCX, reg_map[i->src]);
	else
		emit_mov_imm(j, RCX, w ? (uint64_t)(int64_t)i->imm : (uint32_t)i->imm);
	if (dst != RAX)
		emit_mov(j, true, R11, RAX);
	if (dst != RDX)
		emit_mov(j, true, R10, RDX);
	emit_mov(j, w, RAX, dst);
	emit_rr(j, f, 0x85, RCX, RCX); /* test rcx, rcx */
	zero = emit_jcc8(j, CC_E);
	if (sgn) {
		emit_ri(j, f, 7, RCX, -1); /* cmp rcx, -1 */
		minus1 = emit_jcc8(j, CC_NE);
		if (mod)
			emit_rr(j, 0, 0x31, RAX, RAX);
		else
			emit_rr(j, f, 0xf7, 3, RAX); /* neg */
		done1 = emit_jmp8(j);
		bind8(j, minus1);
		emit_prefix(j, f, 0, 0);
		emit1(j, 0x99);			/* cdq / cqo */
		emit_rr(j, f, 0xf7, 7, RCX);	/* idiv rcx */
	} else {
		emit_rr(j, 0, 0x31, RDX, RDX);
		emit_rr(j, f, 0xf7, 6, RCX);	/* div rcx */
	}
	if (mod)
		emit_mov(j, w, RAX, RDX);
	done2 = emit_jmp8(j);
	bind8(j, zero);
	if (!mod)
		emit_rr(j, 0, 0x31, RAX, RAX);
	/* mod by zero: rax already holds dst (its low half for 32 bits) */
	if (sgn)
		bind8(j, done1);
	bind8(j, done2);
	if (dst != RAX) {
		emit_mov(j, true, dst, RAX);
		emit_mov(j, true, RAX, R11);
	}
	if (dst != RDX)
		emit_mov(j, true, RDX, R10);
}

static uint32_t movsx_opcode(int bits)
{
	return bits == 8 ? 0x0fbe : bits == 16 ? 0x0fbf : 0x63;
}

static void emit_mov_insn(struct jit *j, const struct rt_insn *i)
{
	bool w = is_alu64(i);
	int dst = reg_map[i->dst], src = reg_map[i->src];

	if (rt_insn_src(i->code) == RT_SRC_K) {
		emit_mov_imm(j, dst, w ? (uint64_t)(int64_t)i->imm : (uint32_t)i->imm);
		return;
	}
	/* off = 0 is a plain move; else a sign-extending movsx (v4) */
	switch ((rt_insn_class(i->code) << 8) | (uint16_t)i->off) {
#define MOVSX(NAME, CLASS, BITS, MNEM, STYPE)                                                      \
	case (RT_CLASS_##CLASS << 8) | BITS:                                                       \
		emit_rr(j, (RT_CLASS_##CLASS == RT_CLASS_ALU64 ? W64 : 0) | (BITS == 8 ? BYTE : 0), \
			movsx_opcode(BITS), dst, src);                                             \
		return;
		RT_MOVSX_OPS(MOVSX)
#undef MOVSX
	}
	emit_mov(j, w, dst, src);
}

static void emit_end_LE(struct jit *j, const struct rt_insn *i)
{
	int dst = reg_map[i->dst];

	/* little-endian host: a truncation */
	if (i->imm == 16)
		emit_rr(j, 0, 0x0fb7, dst, dst); /* movzx r32, r16 */
	else if (i->imm == 32)
		emit_mov(j, false, dst, dst);
}

static void emit_end_BE(struct jit *j, const struct rt_insn *i)
{
	int dst = reg_map[i->dst];

	if (i->imm == 16) {
		emit_rr(j, P66, 0xc1, 0, dst); /* rol r16, 8 */
		emit1(j, 8);
		emit_rr(j, 0, 0x0fb7, dst, dst);
		return;
	}
	emit_prefix(j, i->imm == 64 ? W64 : 0, 0, dst);
	emit1(j, 0x0f);
	emit1(j, (uint8_t)(0xc8 | (dst & 7))); /* bswap */
}

static void emit_end_BSWAP(struct jit *j, const struct rt_insn *i)
{
	emit_end_BE(j, i);
}

/* if (dst OP src) goto target: cmp or test, then jcc cc */
static void emit_jcond_to(struct jit *j, const struct rt_insn *i, enum x86_cc cc, uint32_t target)
{
	int w = rt_insn_class(i->code) == RT_CLASS_JMP ? W64 : 0, dst = reg_map[i->dst];
	bool x = rt_insn_src(i->code) == RT_SRC_X, jset = rt_insn_op(i->code) == RT_OP_JSET;

	if (x) {
		emit_rr(j, w, jset ? 0x85 : 0x39, reg_map[i->src], dst);
	} else if (jset) {
		emit_rr(j, w, 0xf7, 0, dst); /* test r/m, imm32 */
		emit4(j, (uint32_t)i->imm);
	} else {
		emit_ri(j, w, 7, dst, i->imm); /* cmp */
	}
	emit_jcc(j, cc, FIX_BODY, target);
}

static void emit_jcond(struct jit *j, const struct rt_insn *i, enum x86_cc cc)
{
	emit_jcond_to(j, i, cc, (uint32_t)(j->pc + 1 + i->off));
}

static void emit_lddw(struct jit *j, const struct rt_insn *i)
{
	const struct rt_object *obj = j->prog->obj;
	int dst = reg_map[i->dst];

	switch (i->src) {
	case BPF_PSEUDO_MAP_FD:
		emit_mov_imm(j, dst, (uint64_t)(uintptr_t)obj->maps[i->imm]);
		break;
	case BPF_PSEUDO_MAP_VALUE: {
		uint32_t zero = 0;
		uint8_t *v = rt_map__lookup(obj->maps[i->imm], &zero);

		/* array storage does not move: the address is a constant */
		if (v)
			emit_mov_imm(j, dst, (uint64_t)(uintptr_t)(v + (uint32_t)i[1].imm));
		else
			emit_jmp(j, FIX_STUB, add_stub(j, TRAP_MAP_VALUE, (uint64_t)i->imm));
		break;
	}
	case BPF_PSEUDO_FUNC:
		/* the function's native address, for callbacks and callx */
		emit_lea_rip(j, dst, (uint32_t)(j->pc + 1 + i->imm));
		break;
	default:
		emit_mov_imm(j, dst, (uint32_t)i->imm | ((uint64_t)(uint32_t)i[1].imm << 32));
	}
}

static void emit_ldx(struct jit *j, const struct rt_insn *i, bool sx)
{
	int dst = reg_map[i->dst], src = reg_map[i->src];
	static const uint32_t op[4] = { 0x8b, 0x0fb7, 0x0fb6, 0x8b };		/* W H B DW */
	static const uint32_t op_sx[4] = { 0x63, 0x0fbf, 0x0fbe, 0 };	/* movsx to 64 bits */
	int s = rt_insn_size(i->code) >> 3;

	if (sx)
		emit_rm(j, W64, op_sx[s], dst, src, i->off);
	else
		emit_rm(j, rt_insn_size(i->code) == RT_SIZE_DW ? W64 : 0, op[s], dst, src, i->off);
}

static void emit_st(struct jit *j, const struct rt_insn *i)
{
	int dst = reg_map[i->dst];

	switch (rt_insn_size(i->code)) {
	case RT_SIZE_B:
		emit_rm(j, 0, 0xc6, 0, dst, i->off);
		emit1(j, (uint8_t)i->imm);
		break;
	case RT_SIZE_H:
		emit_rm(j, P66, 0xc7, 0, dst, i->off);
		emit2(j, (uint16_t)i->imm);
		break;
	case RT_SIZE_W:
		emit_rm(j, 0, 0xc7, 0, dst, i->off);
		emit4(j, (uint32_t)i->imm);
		break;
	default:
		emit_rm(j, W64, 0xc7, 0, dst, i->off); /* imm32 sign-extended, as IMM */
		emit4(j, (uint32_t)i->imm);
	}
}

static void emit_stx(struct jit *j, const struct rt_insn *i)
{
	static const int flags[4] = { 0, P66, BYTE, W64 }; /* W H B DW */

	emit_rm(j, flags[rt_insn_size(i->code) >> 3], rt_insn_size(i->code) == RT_SIZE_B ? 0x88 : 0x89,
		reg_map[i->src], reg_map[i->dst], i->off);
}

/*
 * Fetching or/and/xor have no x86 instruction: a cmpxchg loop on the
 * address in r10 with the operand in r11, rax (BPF r0) pushed around it
 * unless src is r0, which receives the old value anyway.
 */
static void emit_atomic_fetch_loop(struct jit *j, const struct rt_insn *i, uint32_t op)
{
	bool w = rt_insn_size(i->code) == RT_SIZE_DW;
	int f = w ? W64 : 0, src = reg_map[i->src];
	size_t loop;

	emit_rm(j, W64, 0x8d, R10, reg_map[i->dst], i->off); /* lea r10, [dst + off] */
	emit_mov(j, true, R11, src);
	if (src != RAX)
		emit_push(j, RAX);
	emit_rm(j, f, 0x8b, RAX, R10, 0);
	loop = j->len;
	emit_mov(j, true, RCX, RAX);
	emit_rr(j, f, op, R11, RCX);
	emit_rm(j, f | LOCK, 0x0fb1, RCX, R10, 0); /* lock cmpxchg [r10], rcx */
	emit1(j, 0x70 | CC_NE);
	emit1(j, (uint8_t)(int8_t)((int64_t)loop - (int64_t)(j->len + 1)));
	emit_mov(j, w, src, RAX);
	if (src != RAX)
		emit_pop(j, RAX);
}

static void emit_atomic(struct jit *j, const struct rt_insn *i)
{
	bool w = rt_insn_size(i->code) == RT_SIZE_DW;
	int f = w ? W64 : 0, dst = reg_map[i->dst], src = reg_map[i->src];

	switch (i->imm) {
#define ATOMIC(NAME, IMM, MNEM, OP)                                                                \
	case RT_ATOMIC_##NAME:                                                                     \
		emit_rm(j, f | LOCK, X86_ATOMIC_##NAME, src, dst, i->off);                         \
		return;                                                                            \
	case RT_ATOMIC_##NAME | RT_ATOMIC_FETCH:                                                   \
		if (RT_ATOMIC_##NAME == RT_ATOMIC_ADD)                                             \
			emit_rm(j, f | LOCK, 0x0fc1, src, dst, i->off); /* lock xadd */            \
		else                                                                               \
			emit_atomic_fetch_loop(j, i, X86_ATOMIC_##NAME);                           \
		return;
		RT_ATOMIC_BIN_OPS(ATOMIC)
#undef ATOMIC
	case RT_ATOMIC_XCHG:
		emit_rm(j, f, 0x87, src, dst, i->off); /* xchg is locked */
		return;
	case RT_ATOMIC_CMPXCHG:
		emit_rm(j, f | LOCK, 0x0fb1, src, dst, i->off);
		if (!w)
			emit_mov(j, false, RAX, RAX); /* r0 = (u32)old */
		return;
	}
	jit_fail_insn(j, -ENOTSUP, "unknown atomic operation 0x%x", (unsigned int)i->imm);
}

/*
 * The legacy packet loads: r0 = the big-endian value at data + imm (+ src),
 * or the invocation stops with 0 when that is past data_end.
 */
static void emit_ld_legacy(struct jit *j, const struct rt_insn *i)
{
	unsigned int n = rt_size_bytes(rt_insn_size(i->code));

	emit_rm(j, W64, 0x8b, R10, INV, offsetof(struct rt_jit_inv, run));
	emit_rm(j, W64, 0x8b, R11, R10, offsetof(struct rt_run, data_end));
	emit_rm(j, W64, 0x8b, R10, R10, offsetof(struct rt_run, data));
	emit_rr(j, W64, 0x29, R10, R11); /* r11 = length */
	if (rt_insn_mode(i->code) == RT_MODE_IND)
		emit_mov(j, false, RAX, reg_map[i->src]);
	emit_mov_imm(j, RCX, (uint32_t)i->imm);
	if (rt_insn_mode(i->code) == RT_MODE_IND)
		emit_rr(j, W64, 0x01, RAX, RCX);
	emit_rm(j, W64, 0x8d, RAX, RCX, (int32_t)n);
	emit_rr(j, W64, 0x39, R11, RAX);
	emit_jcc(j, CC_A, FIX_ABORT, 0);
	emit_rr(j, W64, 0x01, RCX, R10);
	switch (n) {
	case 1:
		emit_rm(j, 0, 0x0fb6, RAX, R10, 0);
		break;
	case 2:
		emit_rm(j, 0, 0x0fb7, RAX, R10, 0);
		emit_rr(j, P66, 0xc1, 0, RAX);
		emit1(j, 8);
		emit_rr(j, 0, 0x0fb7, RAX, RAX);
		break;
	default:
		emit_rm(j, 0, 0x8b, RAX, R10, 0);
		emit1(j, 0x0f);
		emit1(j, 0xc8); /* bswap eax */
	}
}

/* After a helper: stop on a run error; after bpf_tail_call, on a target. */
static void emit_after_helper(struct jit *j, bool tail)
{
	emit_rm(j, W64, 0x8b, R10, INV, offsetof(struct rt_jit_inv, run));
	emit_rm(j, 0, 0x83, 7, R10, offsetof(struct rt_run, err));
	emit1(j, 0);
	emit_jcc(j, CC_NE, FIX_ABORT, 0);
	if (tail) {
		emit_rm(j, W64, 0x83, 7, R10, offsetof(struct rt_run, tail_target));
		emit1(j, 0);
		emit_jcc(j, CC_NE, FIX_STUB, add_stub(j, TRAP_TAIL, 0));
	}
}

/* The conformance suite's unwind helper: r0 = r1, stop with 0 if it is 0. */
static void emit_conf_unwind_check(struct jit *j)
{
	emit_rr(j, W64, 0x85, RAX, RAX);
	emit_jcc(j, CC_E, FIX_ABORT, 0);
}

static void emit_helper_call(struct jit *j, uint32_t id)
{
	const struct rt_helper *h;

	if (j->prog->obj->is_conformance) {
		if (id != CONF_HELPER_UNWIND) {
			jit_fail_insn(j, -ENOTSUP, "unknown helper %u", id);
			return;
		}
		emit_mov(j, true, RAX, reg_map[1]);
		emit_conf_unwind_check(j);
		return;
	}
	h = rt_helper__by_id(id);
	if (!h || !h->fn) {
		jit_fail_insn(j, -ENOTSUP, "unknown helper %u", id);
		return;
	}
	emit_mov(j, true, RCX, reg_map[4]);
	emit_call_abs(j, (const void *)h->fn);
	emit_after_helper(j, id == BPF_FUNC_tail_call);
}

/*
 * A BPF-to-BPF call: the stack pointer says how many frames are in use
 * (FRAME_BYTES each below the trampoline's), so the limit is one compare
 * and no counter needs updating.
 */
static void emit_depth_check(struct jit *j)
{
	emit_rm(j, W64, 0x3b, RSP, INV, offsetof(struct rt_jit_inv, stack_limit));
	emit_jcc(j, CC_BE, FIX_STUB, add_stub(j, TRAP_DEPTH, 0));
}

/*
 * callx: a function's native address (from lddw BPF_PSEUDO_FUNC), compared
 * with every function entry, or else a helper id (< 2^32), as ubpf and the
 * conformance suite use it; anything else traps.
 */
static void emit_callx(struct jit *j, const struct rt_insn *i)
{
	size_t *to_local = NULL, nr = 0, cap = 0, pc, k, done;

	emit_mov(j, true, R11, reg_map[i->dst]);
	for (pc = 0; pc < j->prog->nr_insns; pc++) {
		if (!j->is_entry[pc])
			continue;
		if (rt_ensure_mem((void **)&to_local, &cap, sizeof(*to_local), nr + 1)) {
			jit_fail(j, -ENOMEM, "jit: out of memory");
			break;
		}
		emit_lea_rip(j, R10, (uint32_t)pc);
		emit_rr(j, W64, 0x39, R10, R11);
		to_local[nr++] = emit_jcc32(j, CC_E);
	}
	emit_mov(j, true, R10, R11);
	emit_rr(j, W64, 0xc1, 5, R10); /* shr r10, 32 */
	emit1(j, 32);
	emit_jcc(j, CC_NE, FIX_STUB, add_stub(j, TRAP_CALLX, 0));
	/* a helper id */
	emit_mov(j, true, RCX, reg_map[4]);
	emit_mov_imm(j, R9, (uint64_t)j->pc << 32);
	emit_rr(j, W64, 0x09, R11, R9); /* or r9, r11 */
	emit_call_abs(j, (const void *)call_by_id);
	emit_after_helper(j, true);
	if (j->prog->obj->is_conformance)
		emit_conf_unwind_check(j);
	done = emit_jmp32(j);
	for (k = 0; k < nr; k++)
		bind32(j, to_local[k]);
	free(to_local);
	emit_depth_check(j);
	emit_rr(j, 0, 0xff, 2, R11); /* call r11 */
	bind32(j, done);
}

/* ------------------------------------------------------------ dispatch */

/* Emits instruction j->pc; false when control never falls through it. */
static bool emit_insn(struct jit *j, const struct rt_insn *i)
{
	switch (i->code) {
#define ALU_BIN(NAME, CODE, MNEM, OP, SIGN)                                                        \
	case RT_CLASS_ALU64 | CODE | RT_SRC_K:                                                     \
	case RT_CLASS_ALU64 | CODE | RT_SRC_X:                                                     \
	case RT_CLASS_ALU | CODE | RT_SRC_K:                                                       \
	case RT_CLASS_ALU | CODE | RT_SRC_X:                                                       \
		emit_alu_bin(j, i, X86_BIN_##NAME);                                                \
		return true;
		RT_ALU_BIN_OPS(ALU_BIN)
#undef ALU_BIN
#define ALU_SHIFT(NAME, CODE, MNEM, OP, SIGN)                                                      \
	case RT_CLASS_ALU64 | CODE | RT_SRC_K:                                                     \
	case RT_CLASS_ALU64 | CODE | RT_SRC_X:                                                     \
	case RT_CLASS_ALU | CODE | RT_SRC_K:                                                       \
	case RT_CLASS_ALU | CODE | RT_SRC_X:                                                       \
		emit_shift(j, i, X86_SHIFT_##NAME);                                                \
		return true;
		RT_ALU_SHIFT_OPS(ALU_SHIFT)
#undef ALU_SHIFT
#define ALU_DIV(NAME, CODE, MNEM, OP, SIGN)                                                        \
	case RT_CLASS_ALU64 | CODE | RT_SRC_K:                                                     \
	case RT_CLASS_ALU64 | CODE | RT_SRC_X:                                                     \
	case RT_CLASS_ALU | CODE | RT_SRC_K:                                                       \
	case RT_CLASS_ALU | CODE | RT_SRC_X:                                                       \
		emit_div(j, i, RT_OP_##NAME == RT_OP_MOD);                                         \
		return true;
		RT_ALU_DIV_OPS(ALU_DIV)
#undef ALU_DIV
	case RT_CLASS_ALU64 | RT_OP_NEG:
	case RT_CLASS_ALU | RT_OP_NEG:
		emit_rr(j, is_alu64(i) ? W64 : 0, 0xf7, 3, reg_map[i->dst]);
		return true;
	case RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K:
	case RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_X:
	case RT_CLASS_ALU | RT_OP_MOV | RT_SRC_K:
	case RT_CLASS_ALU | RT_OP_MOV | RT_SRC_X:
		emit_mov_insn(j, i);
		return true;
#define END(NAME, CODE, MNEM)                                                                      \
	case CODE:                                                                                 \
		emit_end_##NAME(j, i);                                                             \
		return true;
		RT_END_OPS(END)
#undef END
#define JMP(NAME, CODE, MNEM, OP, SIGN)                                                            \
	case RT_CLASS_JMP | CODE | RT_SRC_K:                                                       \
	case RT_CLASS_JMP | CODE | RT_SRC_X:                                                       \
	case RT_CLASS_JMP32 | CODE | RT_SRC_K:                                                     \
	case RT_CLASS_JMP32 | CODE | RT_SRC_X:                                                     \
		emit_jcond(j, i, X86_CC_##NAME);                                                   \
		return true;
		RT_JMP_COND_OPS(JMP)
#undef JMP
	case RT_CLASS_JMP | RT_OP_JA:
		emit_jmp(j, FIX_BODY, (uint32_t)(j->pc + 1 + i->off));
		return false;
	case RT_CLASS_JMP32 | RT_OP_JA:
		emit_jmp(j, FIX_BODY, (uint32_t)(j->pc + 1 + i->imm));
		return false;
	case RT_CLASS_JMP | RT_OP_CALL | RT_SRC_K:
		if (i->src == RT_CALL_LOCAL) {
			emit_depth_check(j);
			emit1(j, 0xe8);
			emit_fixup(j, FIX_ENTRY, (uint32_t)(j->pc + 1 + i->imm));
		} else if (i->src == RT_CALL_HELPER) {
			emit_helper_call(j, (uint32_t)i->imm);
		} else {
			jit_fail_insn(j, -ENOTSUP, "call kind %u is not supported", i->src);
		}
		return true;
	case RT_CLASS_JMP | RT_OP_CALL | RT_SRC_X:
		emit_callx(j, i);
		return true;
	case RT_CLASS_JMP | RT_OP_EXIT:
		emit_epilogue(j);
		return false;
	case RT_LDDW_CODE:
		emit_lddw(j, i);
		return true;
#define MEM(NAME, CODE, MNEM, UTYPE, STYPE)                                                        \
	case RT_CLASS_LDX | RT_MODE_MEM | CODE:                                                    \
		emit_ldx(j, i, false);                                                             \
		return true;                                                                       \
	case RT_CLASS_ST | RT_MODE_MEM | CODE:                                                     \
		emit_st(j, i);                                                                     \
		return true;                                                                       \
	case RT_CLASS_STX | RT_MODE_MEM | CODE:                                                    \
		emit_stx(j, i);                                                                    \
		return true;                                                                       \
	case RT_CLASS_LD | RT_MODE_ABS | CODE:                                                     \
	case RT_CLASS_LD | RT_MODE_IND | CODE:                                                     \
		emit_ld_legacy(j, i);                                                              \
		return true;
		RT_SIZES(MEM)
#undef MEM
#define MEMSX(NAME, CODE, MNEM, UTYPE, STYPE)                                                      \
	case RT_CLASS_LDX | RT_MODE_MEMSX | CODE:                                                  \
		emit_ldx(j, i, true);                                                              \
		return true;
		RT_SIZES_SUB64(MEMSX)
#undef MEMSX
	case RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_W:
	case RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_DW:
		emit_atomic(j, i);
		return true;
	}
	jit_fail_insn(j, -ENOTSUP, "unknown opcode 0x%02x", i->code);
	return true;
}

/* Function entries: pc 0, targets of local calls and of code addresses. */
static void mark_entries(struct jit *j)
{
	const struct rt_insn *insns = j->prog->insns;
	size_t n = j->prog->nr_insns, pc;

	j->is_entry[0] = 1;
	for (pc = 0; pc < n; pc++) {
		const struct rt_insn *i = &insns[pc];
		int64_t t = -1;

		if (i->code == (RT_CLASS_JMP | RT_OP_CALL) && i->src == RT_CALL_LOCAL)
			t = (int64_t)pc + 1 + i->imm;
		else if (i->code == RT_LDDW_CODE && i->src == BPF_PSEUDO_FUNC)
			t = (int64_t)pc + 1 + i->imm;
		if (t >= 0 && (size_t)t < n)
			j->is_entry[t] = 1;
		if (rt_insn_is_lddw(i->code))
			pc++;
	}
}

/* The stub of a successful bpf_tail_call() (tail_trap()): stop the
 * invocation when the run failed or the target is left for the engine,
 * else return the target's r0 (in rax, BPF's r0) from the function. */
static void emit_tail_stub(struct jit *j, const struct stub *s)
{
	emit_mov(j, true, RDI, INV);
	emit_mov_imm(j, RSI, s->pc);
	emit_mov(j, true, RDX, RSP);
	emit_call_abs(j, (const void *)tail_trap);
	emit_rm(j, W64, 0x8b, R10, INV, offsetof(struct rt_jit_inv, run));
	emit_rm(j, 0, 0x83, 7, R10, offsetof(struct rt_run, err));
	emit1(j, 0);
	emit_jcc(j, CC_NE, FIX_ABORT, 0);
	emit_rm(j, W64, 0x83, 7, R10, offsetof(struct rt_run, tail_target));
	emit1(j, 0);
	emit_jcc(j, CC_NE, FIX_ABORT, 0);
	emit_epilogue(j);
}

/* The jump target of i at pc, or -1 when i is not a jump within the code. */
static int64_t jump_target(const struct rt_insn *i, size_t pc)
{
	if (!rt_insn_is_jmp(i->code))
		return -1;
	switch (rt_insn_op(i->code)) {
	case RT_OP_CALL:
	case RT_OP_EXIT:
		return -1;
	case RT_OP_JA:
		return (int64_t)pc + 1 + (rt_insn_class(i->code) == RT_CLASS_JMP32 ? i->imm : i->off);
	default:
		return (int64_t)pc + 1 + i->off;
	}
}

#define LOOP_HEAD 2

/* Instructions a jump lands on: a pair of instructions whose second is
 * not one may be fused into one template. The target of a backward jump
 * with no other backward jump's target after it, up to the jump, heads an
 * innermost loop: LOOP_HEAD (its code starts a 64-byte line, as the
 * native back end aligns innermost loops: emit_align()). 0, or -ENOMEM. */
static int mark_targets(struct jit *j)
{
	const struct rt_insn *insns = j->prog->insns;
	size_t n = j->prog->nr_insns, pc;
	uint32_t *heads = calloc(n + 1, sizeof(*heads));	/* back-jump targets before pc */

	if (!heads)
		return -ENOMEM;
	for (pc = 0; pc < n; pc++) {
		int64_t t = jump_target(&insns[pc], pc);

		if (t >= 0 && (size_t)t < n)
			j->is_target[t] = 1;
		if (t >= 0 && (size_t)t <= pc)
			heads[t + 1] = 1;
		if (rt_insn_is_lddw(insns[pc].code))
			pc++;
	}
	for (pc = 0; pc < n; pc++)
		heads[pc + 1] += heads[pc];
	for (pc = 0; pc < n; pc++) {
		int64_t t = jump_target(&insns[pc], pc);

		if (t >= 0 && (size_t)t <= pc && heads[pc + 1] == heads[t + 1])
			j->is_target[t] = LOOP_HEAD;
		if (rt_insn_is_lddw(insns[pc].code))
			pc++;
	}
	free(heads);
	return 0;
}

/* Multi-byte NOPs (0f 1f /0 with the prefixes and displacements that make
 * each length one instruction), up to the next 64-byte boundary of the
 * code: the code is mapped page-aligned, so offsets are addresses modulo
 * 64. On the fallthrough into the loop they run once per entry. */
static void emit_align(struct jit *j)
{
	static const uint8_t nops[9][9] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};
	size_t pad = (64 - (j->len & 63)) & 63, k;

	while (pad && !j->err) {
		k = pad < 9 ? pad : 9;
		emit_bytes(j, nops[k - 1], k);
		pad -= k;
	}
}

/* x86 condition codes come in pairs that differ in the low bit */
static enum x86_cc invert_cc(enum x86_cc cc)
{
	return (enum x86_cc)(cc ^ 1);
}

static enum x86_cc jcond_cc(uint8_t op)
{
	switch (op) {
#define JMP(NAME, CODE, MNEM, OP, SIGN)                                                            \
	case CODE:                                                                                 \
		return X86_CC_##NAME;
		RT_JMP_COND_OPS(JMP)
#undef JMP
	}
	return CC_E;
}

static bool is_shift_k(const struct rt_insn *i, uint8_t op, uint8_t dst, int32_t imm)
{
	return i->code == (RT_CLASS_ALU64 | op | RT_SRC_K) && i->dst == dst && i->imm == imm;
}

/*
 * Two instructions in one template, where the second is no jump target
 * (nor a function entry) so nothing can start between them; returns true
 * when it emitted both. The pairs are clang's idioms for 32-bit values and
 * switches:
 *   r <<= 32; r >>= 32          mov r32, r32     (zero-extension)
 *   r <<= 32; r s>>= 32         movsxd r, r32    (sign-extension)
 *   if (c) goto +1; goto L      if (!c) goto L   (one jump taken, not two)
 */
static bool emit_fused(struct jit *j, const struct rt_insn *i)
{
	const struct rt_insn *next = i + 1;
	size_t pc = j->pc;
	int dst = reg_map[i->dst];
	int64_t t;

	if (pc + 1 >= j->prog->nr_insns || j->is_target[pc + 1] || j->is_entry[pc + 1])
		return false;
	if (is_shift_k(i, RT_OP_LSH, i->dst, 32)) {
		if (is_shift_k(next, RT_OP_RSH, i->dst, 32)) {
			emit_mov(j, false, dst, dst);
			return true;
		}
		if (is_shift_k(next, RT_OP_ARSH, i->dst, 32)) {
			emit_rr(j, W64, movsx_opcode(32), dst, dst);
			return true;
		}
		return false;
	}
	t = jump_target(next, pc + 1);
	if (rt_insn_op(next->code) == RT_OP_JA && t >= 0 && jump_target(i, pc) == (int64_t)pc + 2 &&
	    rt_insn_op(i->code) != RT_OP_JA) {
		emit_jcond_to(j, i, invert_cc(jcond_cc(rt_insn_op(i->code))), (uint32_t)t);
		return true;
	}
	return false;
}

static void emit_stubs(struct jit *j)
{
	size_t k;

	for (k = 0; k < j->nr_stubs && !j->err; k++) {
		struct stub *s = &j->stubs[k];

		s->off = (uint32_t)j->len;
		if (s->kind == TRAP_TAIL) {
			emit_tail_stub(j, s);
			continue;
		}
		emit_mov(j, true, RDI, INV);
		emit_mov_imm(j, RSI, s->pc);
		emit_mov_imm(j, RDX, s->kind);
		if (s->kind == TRAP_CALLX)
			emit_mov(j, true, RCX, R11);
		else
			emit_mov_imm(j, RCX, s->value);
		emit_call_abs(j, (const void *)trap);
		emit_jmp(j, FIX_ABORT, 0);
	}
}

static void apply_fixups(struct jit *j)
{
	size_t k;

	for (k = 0; k < j->nr_fix && !j->err; k++) {
		const struct fixup *f = &j->fix[k];
		uint32_t to;
		int32_t rel;

		switch (f->kind) {
		case FIX_BODY:
			to = j->body[f->target];
			break;
		case FIX_ENTRY:
			to = j->entry[f->target];
			break;
		case FIX_ABORT:
			to = j->abort_off;
			break;
		default:
			to = j->stubs[f->target].off;
		}
		if (to == NO_ENTRY) { /* the validator keeps targets inside the program */
			jit_fail(j, -ENOEXEC, "jit: program '%s': a jump or call has no target",
				 j->prog->name);
			return;
		}
		rel = (int32_t)((int64_t)to - (int64_t)(f->at + 4));
		memcpy(j->buf + f->at, &rel, 4);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Maps the code RW, copies it, then makes it R+X. */
static struct rt_jit *install(struct jit *j)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), pc, k = 0;
	struct rt_jit *jit = calloc(1, sizeof(*jit));
	void *mem;

	if (!jit)
		goto out_nomem;
	for (pc = 0; pc < j->prog->nr_insns; pc++)
		jit->nr_entries += j->is_entry[pc];
	jit->entries = calloc(jit->nr_entries, sizeof(*jit->entries));
	if (!jit->entries)
		goto out_free_jit;
	for (pc = 0; pc < j->prog->nr_insns; pc++)
		if (j->is_entry[pc])
			jit->entries[k++] = j->entry[pc];
	for (pc = 0; pc < j->prog->nr_insns; pc++)
		jit->nr_loops += j->is_target[pc] == LOOP_HEAD;
	jit->loops = calloc(jit->nr_loops + 1, sizeof(*jit->loops));
	if (!jit->loops)
		goto out_free_entries;
	for (pc = 0, k = 0; pc < j->prog->nr_insns; pc++)
		if (j->is_target[pc] == LOOP_HEAD)
			jit->loops[k++] = j->body[pc];
	jit->size = j->len;
	jit->map_size = (j->len + page - 1) & ~(page - 1);
	mem = mmap(NULL, jit->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		goto out_free_entries;
	memcpy(mem, j->buf, j->len);
	if (mprotect(mem, jit->map_size, PROT_READ | PROT_EXEC)) {
		munmap(mem, jit->map_size);
		goto out_free_entries;
	}
	jit->code = mem;
	jit->main_off = j->entry[0];
	return jit;

out_free_entries:
	free(jit->loops);
	free(jit->entries);
out_free_jit:
	free(jit);
out_nomem:
	rt_log__err(j->log, "jit: cannot map %zu bytes of code", j->len);
	errno = ENOMEM;
	return NULL;
}

struct rt_jit *rt_jit__compile(const struct rt_prog *prog, size_t max_code, struct rt_log *log)
{
	struct jit j = { .prog = prog, .log = log, .max = max_code ? max_code : RT_JIT_MAX_CODE };
	uint64_t start = now_ns();
	struct rt_jit *jit = NULL;
	size_t n = prog->nr_insns;
	bool falls = false;

	if (!n) {
		rt_log__err(log, "jit: program '%s' has no instructions", prog->name);
		errno = EINVAL;
		return NULL;
	}
	j.body = malloc(n * sizeof(*j.body));
	j.entry = malloc(n * sizeof(*j.entry));
	j.is_entry = calloc(n, 1);
	j.is_target = calloc(n, 1);
	j.cap = n * 16 + 1024 < j.max ? n * 16 + 1024 : j.max;
	j.buf = malloc(j.cap);
	if (!j.body || !j.entry || !j.is_entry || !j.is_target || !j.buf) {
		jit_fail(&j, -ENOMEM, "jit: out of memory");
		goto out;
	}
	memset(j.body, 0xff, n * sizeof(*j.body));
	memset(j.entry, 0xff, n * sizeof(*j.entry));
	mark_entries(&j);
	if (mark_targets(&j)) {
		jit_fail(&j, -ENOMEM, "jit: out of memory");
		goto out;
	}
	emit_trampoline(&j);
	for (j.pc = 0; j.pc < n && !j.err; j.pc++) {
		const struct rt_insn *i = &prog->insns[j.pc];

		if (j.is_entry[j.pc]) {
			/* code that runs into a function does not enter it */
			if (falls)
				emit_jmp(&j, FIX_BODY, (uint32_t)j.pc);
			j.entry[j.pc] = (uint32_t)j.len;
			emit_prologue(&j, j.pc);
		}
		if (j.is_target[j.pc] == LOOP_HEAD)
			emit_align(&j);
		j.body[j.pc] = (uint32_t)j.len;
		if (emit_fused(&j, i)) {
			j.pc++;
			j.body[j.pc] = j.body[j.pc - 1];
			falls = true;
			continue;
		}
		falls = emit_insn(&j, i);
		if (rt_insn_is_lddw(i->code))
			j.pc++;
	}
	emit_stubs(&j);
	apply_fixups(&j);
	if (!j.err) {
		jit = install(&j);
		if (jit)
			jit->compile_ns = now_ns() - start;
		else
			j.err = -ENOMEM;
	}
out:
	free(j.buf);
	free(j.body);
	free(j.entry);
	free(j.is_entry);
	free(j.is_target);
	free(j.fix);
	free(j.stubs);
	if (j.err)
		errno = -j.err;
	return jit;
}

void rt_jit__free(struct rt_jit *jit)
{
	if (!jit)
		return;
	if (jit->code)
		munmap(jit->code, jit->map_size);
	free(jit->loops);
	free(jit->entries);
	free(jit);
}

rt_jit_trampoline_fn rt_jit__trampoline(const struct rt_jit *jit)
{
	rt_jit_trampoline_fn trampoline;

	/* the trampoline is the first thing in the code */
	*(void **)&trampoline = jit->code;
	return trampoline;
}

uint64_t rt_jit__invoke(const struct rt_jit *jit, struct rt_jit_inv *inv)
{
	return rt_jit__trampoline(jit)(inv);
}

uint64_t rt_jit__main_addr(const struct rt_jit *jit)
{
	return (uint64_t)(uintptr_t)(jit->code + jit->main_off);
}

bool rt_jit__is_function(const struct rt_jit *jit, uint64_t addr)
{
	size_t lo = 0, hi = jit->nr_entries;
	uint64_t base = (uint64_t)(uintptr_t)jit->code;

	if (addr < base || addr >= base + jit->size)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (jit->entries[mid] == addr - base)
			return true;
		if (jit->entries[mid] < addr - base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const uint32_t *rt_jit__loop_heads(const struct rt_jit *jit, size_t *n)
{
	*n = jit->nr_loops;
	return jit->loops;
}

void rt_jit__stats(const struct rt_jit *jit, size_t *code_size, uint64_t *compile_ns)
{
	if (code_size)
		*code_size = jit ? jit->size : 0;
	if (compile_ns)
		*compile_ns = jit ? jit->compile_ns : 0;
}
