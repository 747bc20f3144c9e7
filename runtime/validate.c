// SPDX-License-Identifier: MIT
/*
 * Static checks on a linked program, run once at load for every engine:
 * the structural rules of RFC 9669 (known opcodes, unused fields zero,
 * registers in range, r10 read-only, lddw pairs intact, jumps inside the
 * program and never into an lddw's second half, known helpers, valid
 * subprogram calls, no fall-through off the end) and a may-be-initialised
 * data flow that refuses a register read that no path has written, as the
 * kernel's "R0 !read_ok" (never stricter than the kernel: a subprogram may
 * exit without writing r0, and a call may-writes r0). It is not a verifier: memory safety is the
 * interpreter's bounds checks, and the kernel engine's verifier is the
 * outside check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_insn.h"
#include "rt_internal.h"

#define R(n) (1u << (n))
#define CALLER_SAVED (R(1) | R(2) | R(3) | R(4) | R(5))

struct vctx {
	const struct rt_prog *prog;
	uint32_t missing_helper;	/* first known-to-the-kernel helper we lack */
	struct rt_log *log;
	uint8_t *second;	/* second half of an lddw */
};

/* Logs "path: program 'name' insn N: message" and returns -EINVAL. */
__attribute__((format(printf, 3, 4))) static int verr(struct vctx *v, size_t pc, const char *fmt,
						      ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_log__err(v->log, "%s: program '%s' insn %zu: %s", v->prog->obj->path, v->prog->name, pc,
		    msg);
	return -EINVAL;
}

#define VERR(v, pc, ...) verr((v), (size_t)(pc), __VA_ARGS__)

static bool known_alu_op(uint8_t op)
{
	switch (op) {
#define X(NAME, CODE, MNEM, OP, SIGN) case CODE:
		RT_ALU_OPS(X)
#undef X
	case RT_OP_END_CODE:
		return true;
	}
	return false;
}

static bool known_jmp_op(uint8_t op)
{
	switch (op) {
#define X(NAME, CODE, MNEM, OP, SIGN) case CODE:
		RT_JMP_OPS(X)
#undef X
		return true;
	}
	return false;
}

static bool movsx_ok(uint8_t cls, int16_t off)
{
#define X(NAME, CLASS, BITS, MNEM, STYPE)                                                          \
	if (cls == RT_CLASS_##CLASS && off == BITS)                                                \
		return true;
	RT_MOVSX_OPS(X)
#undef X
	return off == 0;
}

static int check_target(struct vctx *v, size_t pc, int64_t target)
{
	if (target < 0 || (uint64_t)target >= v->prog->nr_insns)
		return VERR(v, pc, "jump out of range (to %lld)", (long long)target);
	if (v->second[target])
		return VERR(v, pc, "jump into the middle of an lddw (to %lld)", (long long)target);
	return 0;
}

static bool helper_known(const struct rt_prog *prog, uint32_t id)
{
	if (prog->obj->is_conformance)
		return id == 5; /* ubpf's unwind, the suite's one helper */
	return rt_helper__by_id(id) != NULL;
}

static int check_alu(struct vctx *v, size_t pc, const struct rt_insn *i)
{
	uint8_t cls = rt_insn_class(i->code), op = rt_insn_op(i->code);
	bool x = rt_insn_src(i->code) == RT_SRC_X;

	if (!known_alu_op(op))
		return VERR(v, pc, "unknown opcode 0x%02x", i->code);
	if (i->dst == 10)
		return VERR(v, pc, "writes the read-only frame pointer r10");
	if (op == RT_OP_END_CODE) {
		if (cls == RT_CLASS_ALU64 && x)
			return VERR(v, pc, "unknown opcode 0x%02x", i->code);
		if (i->src || i->off || (i->imm != 16 && i->imm != 32 && i->imm != 64))
			return VERR(v, pc, "bad byte swap (width %d)", i->imm);
		return 0;
	}
	if (op == RT_OP_NEG) {
		if (x || i->src || i->off || i->imm)
			return VERR(v, pc, "unused field of neg is not zero");
		return 0;
	}
	if (x && i->imm)
		return VERR(v, pc, "unused immediate is not zero");
	if (!x && i->src)
		return VERR(v, pc, "unused source register is not zero");
	if (op == RT_OP_DIV || op == RT_OP_MOD) {
		if (i->off != 0 && i->off != RT_OFF_SIGNED)
			return VERR(v, pc, "bad offset %d for div/mod", i->off);
	} else if (op == RT_OP_MOV && x) {
		if (!movsx_ok(cls, i->off))
			return VERR(v, pc, "bad offset %d for mov", i->off);
	} else if (i->off) {
		return VERR(v, pc, "unused offset is not zero");
	}
	return 0;
}

static int check_jmp(struct vctx *v, size_t pc, const struct rt_insn *i)
{
	uint8_t cls = rt_insn_class(i->code), op = rt_insn_op(i->code);
	bool x = rt_insn_src(i->code) == RT_SRC_X;

	if (!known_jmp_op(op))
		return VERR(v, pc, "unknown opcode 0x%02x", i->code);
	switch (op) {
	case RT_OP_JA:
		if (x || i->src || i->dst)
			return VERR(v, pc, "unused field of ja is not zero");
		if (cls == RT_CLASS_JMP32) {
			if (i->off)
				return VERR(v, pc, "unused offset of ja32 is not zero");
			return check_target(v, pc, (int64_t)pc + 1 + i->imm);
		}
		if (i->imm)
			return VERR(v, pc, "unused immediate of ja is not zero");
		return check_target(v, pc, (int64_t)pc + 1 + i->off);
	case RT_OP_EXIT:
		if (cls != RT_CLASS_JMP || x || i->src || i->dst || i->off || i->imm)
			return VERR(v, pc, "unused field of exit is not zero");
		return 0;
	case RT_OP_CALL:
		if (cls != RT_CLASS_JMP)
			return VERR(v, pc, "unknown opcode 0x%02x", i->code);
		if (x) {
			if (i->src || i->off || i->imm)
				return VERR(v, pc, "unused field of callx is not zero");
			return 0;
		}
		if (i->dst || i->off)
			return VERR(v, pc, "unused field of call is not zero");
		if (i->src == RT_CALL_LOCAL)
			return check_target(v, pc, (int64_t)pc + 1 + i->imm);
		if (i->src == RT_CALL_KFUNC)
			return VERR(v, pc, "kernel function calls are not supported");
		if (i->src != RT_CALL_HELPER)
			return VERR(v, pc, "bad call kind %u", i->src);
		if (!helper_known(v->prog, (uint32_t)i->imm)) {
			/* a real kernel helper the runtime lacks is the
			 * engines' business (the kernel has it); anything
			 * else is not a program */
			if (v->prog->obj->is_conformance || !rt_helper_kernel_name((uint32_t)i->imm))
				return VERR(v, pc, "unknown helper id %d", i->imm);
			if (!v->missing_helper)
				v->missing_helper = (uint32_t)i->imm;
		}
		return 0;
	}
	if (x && i->imm)
		return VERR(v, pc, "unused immediate is not zero");
	if (!x && i->src)
		return VERR(v, pc, "unused source register is not zero");
	return check_target(v, pc, (int64_t)pc + 1 + i->off);
}

static int check_mem(struct vctx *v, size_t pc, const struct rt_insn *i)
{
	const struct rt_object *obj = v->prog->obj;
	uint8_t cls = rt_insn_class(i->code), mode = rt_insn_mode(i->code);
	uint8_t size = rt_insn_size(i->code);

	switch (cls) {
	case RT_CLASS_LD:
		if (i->code == RT_LDDW_CODE) {
			const struct rt_insn *n = i + 1;

			if (pc + 1 >= v->prog->nr_insns)
				return VERR(v, pc, "lddw without its second half");
			if (n->code || n->dst || n->src || n->off)
				return VERR(v, pc, "bad second half of lddw");
			if (i->dst == 10)
				return VERR(v, pc, "writes the read-only frame pointer r10");
			if (i->off)
				return VERR(v, pc, "unused offset of lddw is not zero");
			switch (i->src) {
			case 0:
				return 0;
			case BPF_PSEUDO_MAP_FD:
			case BPF_PSEUDO_MAP_VALUE:
				if (i->imm < 0 || (size_t)i->imm >= obj->nr_maps)
					return VERR(v, pc, "map index %d out of range", i->imm);
				if (i->src == BPF_PSEUDO_MAP_FD && n->imm)
					return VERR(v, pc, "unused field of lddw is not zero");
				return 0;
			case BPF_PSEUDO_FUNC:
				if (n->imm)
					return VERR(v, pc, "unused field of lddw is not zero");
				return check_target(v, pc, (int64_t)pc + 1 + i->imm);
			default:
				return VERR(v, pc, "unsupported lddw kind %u", i->src);
			}
		}
		if (mode == RT_MODE_ABS || mode == RT_MODE_IND) {
			if (size == RT_SIZE_DW || i->dst || i->off || (mode == RT_MODE_ABS && i->src))
				return VERR(v, pc, "bad legacy packet load");
			return 0;
		}
		return VERR(v, pc, "unknown opcode 0x%02x", i->code);
	case RT_CLASS_LDX:
		if (mode != RT_MODE_MEM && !(mode == RT_MODE_MEMSX && size != RT_SIZE_DW))
			return VERR(v, pc, "unknown opcode 0x%02x", i->code);
		if (i->imm)
			return VERR(v, pc, "unused immediate is not zero");
		if (i->dst == 10)
			return VERR(v, pc, "writes the read-only frame pointer r10");
		return 0;
	case RT_CLASS_ST:
		if (mode != RT_MODE_MEM)
			return VERR(v, pc, "unknown opcode 0x%02x", i->code);
		if (i->src)
			return VERR(v, pc, "unused source register is not zero");
		return 0;
	case RT_CLASS_STX:
		if (mode == RT_MODE_MEM) {
			if (i->imm)
				return VERR(v, pc, "unused immediate is not zero");
			return 0;
		}
		if (mode != RT_MODE_ATOMIC || (size != RT_SIZE_W && size != RT_SIZE_DW))
			return VERR(v, pc, "unknown opcode 0x%02x", i->code);
		switch (i->imm) {
#define X(NAME, IMM, MNEM, OP)                                                                     \
	case IMM:                                                                                  \
	case IMM | RT_ATOMIC_FETCH:
			RT_ATOMIC_BIN_OPS(X)
#undef X
		case RT_ATOMIC_XCHG:
		case RT_ATOMIC_CMPXCHG:
			return 0;
		}
		return VERR(v, pc, "unknown atomic operation 0x%x", (unsigned int)i->imm);
	}
	return VERR(v, pc, "unknown opcode 0x%02x", i->code);
}

/* Registers read and written by one instruction (for the data flow). */
static void reg_use(const struct rt_insn *i, uint32_t *reads, uint32_t *writes, uint32_t *kills)
{
	uint8_t cls = rt_insn_class(i->code), op = rt_insn_op(i->code);
	bool x = rt_insn_src(i->code) == RT_SRC_X;

	*reads = *writes = *kills = 0;
	switch (cls) {
	case RT_CLASS_ALU:
	case RT_CLASS_ALU64:
		if (op != RT_OP_MOV)
			*reads |= R(i->dst);
		if (x && op != RT_OP_END_CODE && op != RT_OP_NEG)
			*reads |= R(i->src);
		*writes = R(i->dst);
		return;
	case RT_CLASS_JMP:
	case RT_CLASS_JMP32:
		if (op == RT_OP_JA)
			return;
		if (op == RT_OP_EXIT) {
			*reads = R(0);
			return;
		}
		if (op == RT_OP_CALL) {
			if (x)
				*reads = R(i->dst);
			*writes = R(0);
			*kills = CALLER_SAVED;
			return;
		}
		*reads = R(i->dst) | (x ? R(i->src) : 0);
		return;
	case RT_CLASS_LD:
		if (i->code == RT_LDDW_CODE) {
			*writes = R(i->dst);
			return;
		}
		*reads = R(6) | (rt_insn_mode(i->code) == RT_MODE_IND ? R(i->src) : 0);
		*writes = R(0);
		*kills = CALLER_SAVED;
		return;
	case RT_CLASS_LDX:
		*reads = R(i->src);
		*writes = R(i->dst);
		return;
	case RT_CLASS_ST:
		*reads = R(i->dst);
		return;
	case RT_CLASS_STX:
		*reads = R(i->dst) | R(i->src);
		if (rt_insn_mode(i->code) == RT_MODE_ATOMIC) {
			if (i->imm == RT_ATOMIC_CMPXCHG) {
				*reads |= R(0);
				*writes = R(0);
			} else if (i->imm & RT_ATOMIC_FETCH) {
				*writes = R(i->src);
			}
		}
		return;
	}
}

static const char *const reg_names[] = { "r0", "r1", "r2", "r3", "r4", "r5",
					 "r6", "r7", "r8", "r9", "r10" };

/* May-be-initialised registers at each instruction, to a fixed point. */
static int check_init(struct vctx *v)
{
	const struct rt_prog *prog = v->prog;
	size_t n = prog->nr_insns, pc, *work, nw = 0, main_end = n;
	uint16_t *in;
	int err = 0;

	/* in[pc]: registers some path may have written; bit 15: reached,
	 * bit 14: on the work stack (so the stack never exceeds n) */
	in = calloc(n, sizeof(*in));
	work = malloc(n * sizeof(*work));
	if (!in || !work) {
		free(in);
		free(work);
		return -ENOMEM;
	}
#define PUSH(p, mask)                                                                              \
	do {                                                                                       \
		uint16_t m_ = (uint16_t)((mask) | 0x8000);                                         \
		if ((in[p] | m_) != in[p]) {                                                       \
			in[p] |= m_;                                                               \
			if (!(in[p] & 0x4000)) {                                                   \
				in[p] |= 0x4000;                                                   \
				work[nw++] = (p);                                                  \
			}                                                                          \
		}                                                                                  \
	} while (0)
	PUSH(0, R(1) | R(10) | (prog->ctx_kind == RT_CTX_MEM ? R(2) : 0));
	/* subprograms and callbacks start with their arguments; the linker
	 * appends them after the main function, which ends at the first */
	for (pc = 0; pc < n; pc++) {
		const struct rt_insn *i = &prog->insns[pc];
		int64_t t = -1;

		if (i->code == (BPF_JMP | BPF_CALL) && i->src == RT_CALL_LOCAL)
			t = (int64_t)pc + 1 + i->imm;
		else if (i->code == RT_LDDW_CODE && i->src == BPF_PSEUDO_FUNC)
			t = (int64_t)pc + 1 + i->imm;
		if (t > 0 && (size_t)t < main_end)
			main_end = (size_t)t;
		if (t >= 0 && (size_t)t < n)
			PUSH((size_t)t, CALLER_SAVED | R(10));
		if (i->code == (BPF_JMP | BPF_CALL | BPF_X)) {
			/* a callx may land on any function start: be permissive */
			free(in);
			free(work);
			return 0;
		}
	}
	while (nw) {
		const struct rt_insn *i;
		uint32_t reads, writes, kills, have, out;
		uint8_t cls, op;

		pc = work[--nw];
		in[pc] &= ~0x4000;
		i = &prog->insns[pc];
		have = in[pc] & 0x7ff;
		reg_use(i, &reads, &writes, &kills);
		/* only the program's own exit returns a value the kernel
		 * checks: a subprogram (a void noinline function) may exit
		 * with r0 unwritten, and its caller never reads it */
		if (i->code == (BPF_JMP | BPF_EXIT) && pc >= main_end)
			reads = 0;
		if (reads & ~have) {
			int r = __builtin_ctz(reads & ~have);

			err = VERR(v, pc, "reads %s before any write to it", reg_names[r]);
			break;
		}
		out = ((have & ~kills) | writes) & 0x7ff;
		cls = rt_insn_class(i->code);
		op = rt_insn_op(i->code);
		if ((cls == RT_CLASS_JMP || cls == RT_CLASS_JMP32) && op != RT_OP_CALL) {
			if (op == RT_OP_EXIT)
				continue;
			if (op == RT_OP_JA) {
				PUSH((size_t)((int64_t)pc + 1 +
					      (cls == RT_CLASS_JMP32 ? i->imm : i->off)),
				     out);
				continue;
			}
			PUSH((size_t)((int64_t)pc + 1 + i->off), out);
		}
		if (pc + (i->code == RT_LDDW_CODE ? 2 : 1) < n)
			PUSH(pc + (i->code == RT_LDDW_CODE ? 2 : 1), out);
	}
#undef PUSH
	free(in);
	free(work);
	return err;
}

int rt_prog__validate(struct rt_prog *prog, struct rt_log *log)
{
	struct vctx v = { .prog = prog, .log = log };
	const struct rt_insn *last;
	size_t pc;
	int err = 0;

	if (!prog->nr_insns) {
		rt_log__err(log, "%s: program '%s' has no instructions", prog->obj->path,
			    prog->name);
		return -EINVAL;
	}
	if (prog->nr_insns > RT_MAX_INSNS) {
		rt_log__err(log, "%s: program '%s' has %zu instructions, over the limit of %u",
			    prog->obj->path, prog->name, prog->nr_insns, RT_MAX_INSNS);
		return -E2BIG;
	}
	v.second = calloc(prog->nr_insns, 1);
	if (!v.second)
		return -ENOMEM;
	for (pc = 0; pc + 1 < prog->nr_insns; pc++) {
		if (prog->insns[pc].code == RT_LDDW_CODE) {
			v.second[pc + 1] = 1;
			pc++;
		}
	}
	for (pc = 0; pc < prog->nr_insns && !err; pc++) {
		const struct rt_insn *i = &prog->insns[pc];

		if (v.second[pc])
			continue;
		if (i->dst > 10 || i->src > 10) {
			if (!(i->code == RT_LDDW_CODE && i->dst <= 10))
				err = VERR(&v, pc, "invalid register r%u",
					   i->dst > 10 ? i->dst : i->src);
			if (err)
				break;
		}
		if (rt_insn_is_alu(i->code))
			err = check_alu(&v, pc, i);
		else if (rt_insn_is_jmp(i->code))
			err = check_jmp(&v, pc, i);
		else
			err = check_mem(&v, pc, i);
	}
	if (!err) {
		last = &prog->insns[prog->nr_insns - 1];
		if (v.second[prog->nr_insns - 1] ||
		    (last->code != (BPF_JMP | BPF_EXIT) && last->code != (BPF_JMP | BPF_JA) &&
		     last->code != (BPF_JMP32 | BPF_JA)))
			err = VERR(&v, prog->nr_insns - 1,
				   "the last instruction is not an exit or a jump");
	}
	if (!err)
		err = check_init(&v);
	if (!err)
		prog->missing_helper = v.missing_helper;
	free(v.second);
	return err;
}
