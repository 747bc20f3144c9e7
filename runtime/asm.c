// SPDX-License-Identifier: MIT
/*
 * The assembler for the "ubpf assembler" syntax of the conformance .data
 * files: one instruction per line ("mov32 %r0, 1", "ldxb %r0, [%r1+0x2]",
 * "lock fetch add [%r10-8], %r1", "jne %r0, 15, label", "call local f"),
 * "name:" labels, '#' comments. The mnemonic table is generated from the
 * opcode lists of rt_insn.h, so an encoding added there is assembled too.
 * One pass encodes and records label uses; a second resolves them. Every
 * error names the file and line, through the caller's log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_insn.h"

#define ASM_MAX_OPS 8	/* more than any form takes: the rest only counts */
#define ASM_ECHO_MAX 64 /* longest piece of user text quoted in a message */

struct span {
	const char *s;
	size_t n;
};

/* The operand shape of a mnemonic; each has one encoder in forms[]. */
enum asm_form {
	FORM_ALU,	/* dst, src|imm */
	FORM_NEG,	/* dst */
	FORM_MOVSX,	/* dst, src */
	FORM_END,	/* dst (the width is in the mnemonic) */
	FORM_LDDW,	/* dst, imm64 */
	FORM_LDABS,	/* imm */
	FORM_LDIND,	/* src, imm */
	FORM_LDX,	/* dst, [src+off] */
	FORM_ST,	/* [dst+off], imm */
	FORM_STX,	/* [dst+off], src */
	FORM_JCOND,	/* dst, src|imm, target */
	FORM_JA,	/* target, in off */
	FORM_JA32,	/* target, in imm */
	FORM_CALL,	/* helper id | %reg | local target */
	FORM_EXIT,
	FORM_LOCK,	/* [fetch] op [dst+off], src */
};

struct asm_mnem {
	const char *name;
	enum asm_form form;
	uint8_t code;
	int16_t off;
	int32_t imm;
};

/* Every mnemonic, generated from the opcode lists. */
#define ALU_ENTRIES(NAME, CODE, MNEM, OP, SIGN)                                                    \
	{ MNEM, (CODE) == RT_OP_NEG ? FORM_NEG : FORM_ALU, RT_CLASS_ALU64 | (CODE), 0, 0 },        \
	{ MNEM "32", (CODE) == RT_OP_NEG ? FORM_NEG : FORM_ALU, RT_CLASS_ALU | (CODE), 0, 0 },
#define SIGNED_ENTRIES(NAME, CODE, MNEM, OP, SIGN)                                                 \
	{ MNEM, FORM_ALU, RT_CLASS_ALU64 | (CODE), RT_OFF_SIGNED, 0 },                             \
	{ MNEM "32", FORM_ALU, RT_CLASS_ALU | (CODE), RT_OFF_SIGNED, 0 },
#define MOVSX_ENTRY(NAME, CLASS, BITS, MNEM, STYPE)                                                \
	{ MNEM, FORM_MOVSX, RT_CLASS_##CLASS | RT_OP_MOV | RT_SRC_X, BITS, 0 },
#define END_ENTRIES(NAME, CODE, MNEM)                                                              \
	{ MNEM "16", FORM_END, CODE, 0, 16 },                                                      \
	{ MNEM "32", FORM_END, CODE, 0, 32 },                                                      \
	{ MNEM "64", FORM_END, CODE, 0, 64 },
#define MEM_ENTRIES(NAME, CODE, MNEM, UTYPE, STYPE)                                                \
	{ "ldx" MNEM, FORM_LDX, RT_CLASS_LDX | RT_MODE_MEM | (CODE), 0, 0 },                       \
	{ "st" MNEM, FORM_ST, RT_CLASS_ST | RT_MODE_MEM | (CODE), 0, 0 },                          \
	{ "stx" MNEM, FORM_STX, RT_CLASS_STX | RT_MODE_MEM | (CODE), 0, 0 },
#define SUB64_ENTRIES(NAME, CODE, MNEM, UTYPE, STYPE)                                              \
	{ "ldxs" MNEM, FORM_LDX, RT_CLASS_LDX | RT_MODE_MEMSX | (CODE), 0, 0 },                    \
	{ "ldabs" MNEM, FORM_LDABS, RT_CLASS_LD | RT_MODE_ABS | (CODE), 0, 0 },                    \
	{ "ldind" MNEM, FORM_LDIND, RT_CLASS_LD | RT_MODE_IND | (CODE), 0, 0 },
#define JMP_ENTRIES(NAME, CODE, MNEM, OP, SIGN)                                                    \
	{ MNEM, FORM_JCOND, RT_CLASS_JMP | (CODE), 0, 0 },                                         \
	{ MNEM "32", FORM_JCOND, RT_CLASS_JMP32 | (CODE), 0, 0 },

static const struct asm_mnem mnems[] = {
	RT_ALU_OPS(ALU_ENTRIES)
	RT_ALU_SIGNED_OPS(SIGNED_ENTRIES)
	RT_MOVSX_OPS(MOVSX_ENTRY)
	RT_END_OPS(END_ENTRIES)
	RT_SIZES(MEM_ENTRIES)
	RT_SIZES_SUB64(SUB64_ENTRIES)
	RT_JMP_COND_OPS(JMP_ENTRIES)
	{ "lddw", FORM_LDDW, RT_LDDW_CODE, 0, 0 },
	{ "ja", FORM_JA, RT_CLASS_JMP | RT_OP_JA, 0, 0 },
	{ "ja32", FORM_JA32, RT_CLASS_JMP32 | RT_OP_JA, 0, 0 },
	{ "call", FORM_CALL, RT_CLASS_JMP | RT_OP_CALL, 0, 0 },
	{ "exit", FORM_EXIT, RT_CLASS_JMP | RT_OP_EXIT, 0, 0 },
	{ "lock", FORM_LOCK, 0, 0, 0 },
};

/* Other spellings in use: the conformance suite writes bswap as "swap". */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{ "swap16", "bswap16" },
	{ "swap32", "bswap32" },
	{ "swap64", "bswap64" },
};

/* "lock" operations: code and imm, generated like the mnemonics. */
struct asm_atomic {
	const char *name;
	uint8_t code;
	int32_t imm;
};

#define ATOMIC_BIN_ENTRIES(NAME, IMM, MNEM, OP)                                                    \
	{ MNEM, RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_DW, IMM },                                 \
	{ MNEM "32", RT_CLASS_STX | RT_MODE_ATOMIC | RT_SIZE_W, IMM },
#define ATOMIC_XCHG_ENTRIES(NAME, IMM, MNEM) ATOMIC_BIN_ENTRIES(NAME, IMM, MNEM, )

static const struct asm_atomic atomics[] = {
	RT_ATOMIC_BIN_OPS(ATOMIC_BIN_ENTRIES)
	RT_ATOMIC_XCHG_OPS(ATOMIC_XCHG_ENTRIES)
};

/* A label use to patch once every label is known. */
enum fixup_kind {
	FIXUP_OFF,	/* jumps: off = target - (pc + 1) */
	FIXUP_IMM,	/* ja32 and local calls: imm = target - (pc + 1) */
};

struct asm_fixup {
	struct span name;
	size_t pc;
	int line;
	enum fixup_kind kind;
};

struct asm_label {
	struct span name;	/* name.s == NULL: free slot */
	size_t pc;
};

struct asm_ctx {
	const char *path;
	int line;
	struct rt_log *log;
	struct rt_insn *insns;
	size_t cnt, cap;
	struct asm_fixup *fixups;
	size_t nr_fixups, fixups_cap;
	struct asm_label *labels;	/* open addressing, power-of-two size */
	size_t nr_labels, labels_cap;
	size_t first_exit;		/* pc of the first exit, or SIZE_MAX */
};

__attribute__((format(printf, 2, 3))) static int asm_err(struct asm_ctx *a, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_log__err(a->log, "%s:%d: %s", a->path, a->line, msg);
	return -EINVAL;
}

/* Length to print of user text, so a huge token cannot flood the log. */
static int echo_len(struct span t)
{
	return t.n > ASM_ECHO_MAX ? ASM_ECHO_MAX : (int)t.n;
}

static bool span_eq(struct span t, const char *s)
{
	return strlen(s) == t.n && !memcmp(t.s, s, t.n);
}

/* ------------------------------------------------------------ numbers */

struct num {
	uint64_t mag;
	bool neg;
	bool hex;
};

/* [+-](0x hex | decimal): 0, -EINVAL if malformed, -ERANGE past 64 bits. */
static int parse_num(struct span t, struct num *n)
{
	unsigned int base = 10;
	size_t i = 0;

	n->mag = 0;
	n->neg = false;
	n->hex = false;
	if (i < t.n && (t.s[i] == '+' || t.s[i] == '-'))
		n->neg = t.s[i++] == '-';
	if (i + 1 < t.n && t.s[i] == '0' && (t.s[i + 1] == 'x' || t.s[i + 1] == 'X')) {
		n->hex = true;
		base = 16;
		i += 2;
	}
	if (i == t.n)
		return -EINVAL;
	for (; i < t.n; i++) {
		char c = t.s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (n->hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (n->hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		if (n->mag > (UINT64_MAX - d) / base)
			return -ERANGE;
		n->mag = n->mag * base + d;
	}
	return 0;
}

/*
 * A 32-bit immediate. Decimal is a signed value (the ISA sign-extends imm),
 * so 2147483648 is out of range; unsigned hex is a bit pattern, so
 * 0x80000000 is INT32_MIN, as the suite writes it.
 */
static int parse_imm32(struct asm_ctx *a, struct span t, int32_t *imm)
{
	struct num n;
	int err = parse_num(t, &n);

	if (err == -EINVAL)
		return asm_err(a, "invalid immediate '%.*s'", echo_len(t), t.s);
	if (err || (n.neg && n.mag > 0x80000000ull) ||
	    (!n.neg && n.mag > (n.hex ? 0xffffffffull : 0x7fffffffull)))
		return asm_err(a, "immediate '%.*s' out of 32-bit range", echo_len(t), t.s);
	*imm = n.neg ? (int32_t)(0 - (uint32_t)n.mag) : (int32_t)(uint32_t)n.mag;
	return 0;
}

static int parse_imm64(struct asm_ctx *a, struct span t, uint64_t *imm)
{
	struct num n;
	int err = parse_num(t, &n);

	if (err == -EINVAL)
		return asm_err(a, "invalid immediate '%.*s'", echo_len(t), t.s);
	if (err || (n.neg && n.mag > 0x8000000000000000ull))
		return asm_err(a, "immediate '%.*s' out of 64-bit range", echo_len(t), t.s);
	*imm = n.neg ? 0 - n.mag : n.mag;
	return 0;
}

/* Offsets are signed in every base: [%r1+0xffff] is an error, not -1. */
static int parse_off(struct asm_ctx *a, struct span t, int16_t *off)
{
	struct num n;
	int err = parse_num(t, &n);

	if (err == -EINVAL)
		return asm_err(a, "invalid offset '%.*s'", echo_len(t), t.s);
	if (err || n.mag > (n.neg ? 0x8000u : 0x7fffu))
		return asm_err(a, "offset '%.*s' out of 16-bit range", echo_len(t), t.s);
	*off = n.neg ? (int16_t)(0 - (uint16_t)n.mag) : (int16_t)n.mag;
	return 0;
}

/* ---------------------------------------------------------- operands */

static bool is_reg(struct span t)
{
	return t.n && t.s[0] == '%';
}

/* %r0 .. %r10 */
static int parse_reg(struct asm_ctx *a, struct span t, uint8_t *reg)
{
	unsigned int r = 0;
	size_t i;

	if (t.n < 3 || t.n > 4 || t.s[0] != '%' || t.s[1] != 'r')
		goto bad;
	for (i = 2; i < t.n; i++) {
		if (t.s[i] < '0' || t.s[i] > '9')
			goto bad;
		r = r * 10 + (t.s[i] - '0');
	}
	/* no leading zeros: "%r01" is a typo, not r1 */
	if (r > 10 || (t.n == 4 && t.s[2] == '0'))
		goto bad;
	*reg = r;
	return 0;
bad:
	return asm_err(a, "invalid register '%.*s'", echo_len(t), t.s);
}

static struct span trim(struct span t)
{
	while (t.n && (t.s[0] == ' ' || t.s[0] == '\t')) {
		t.s++;
		t.n--;
	}
	while (t.n && (t.s[t.n - 1] == ' ' || t.s[t.n - 1] == '\t'))
		t.n--;
	return t;
}

/* [%rN], [%rN+off], [%rN-off]; spaces inside the brackets are allowed. */
static int parse_mem(struct asm_ctx *a, struct span t, uint8_t *reg, int16_t *off)
{
	struct span in, r, o;
	size_t i;
	int err;

	if (t.n < 2 || t.s[0] != '[' || t.s[t.n - 1] != ']')
		return asm_err(a, "invalid memory operand '%.*s'", echo_len(t), t.s);
	in = trim((struct span){ t.s + 1, t.n - 2 });
	for (i = 0; i < in.n && in.s[i] != '+' && in.s[i] != '-'; i++)
		;
	r = trim((struct span){ in.s, i });
	err = parse_reg(a, r, reg);
	if (err)
		return err;
	*off = 0;
	if (i == in.n)
		return 0;
	/* keep the sign with the number, drop the spaces after it */
	o = trim((struct span){ in.s + i + 1, in.n - i - 1 });
	if (!o.n || o.s[0] == '+' || o.s[0] == '-')
		return asm_err(a, "invalid memory operand '%.*s'", echo_len(t), t.s);
	if (in.s[i] == '-') {
		char buf[ASM_ECHO_MAX + 2];

		if (o.n > ASM_ECHO_MAX)
			return asm_err(a, "offset '%.*s' out of 16-bit range", echo_len(o), o.s);
		buf[0] = '-';
		memcpy(buf + 1, o.s, o.n);
		o = (struct span){ buf, o.n + 1 };
		return parse_off(a, o, off);
	}
	return parse_off(a, o, off);
}

static bool is_label_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
	       (!first && c >= '0' && c <= '9');
}

static bool is_label_name(struct span t)
{
	size_t i;

	for (i = 0; i < t.n; i++)
		if (!is_label_char(t.s[i], i == 0))
			return false;
	return t.n > 0;
}

/* ------------------------------------------------------------ labels */

static uint64_t hash_span(struct span t)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	size_t i;

	for (i = 0; i < t.n; i++)
		h = (h ^ (uint8_t)t.s[i]) * 0x100000001b3ull;
	return h;
}

static struct asm_label *label_slot(struct asm_label *tab, size_t cap, struct span name)
{
	size_t i = hash_span(name) & (cap - 1);

	while (tab[i].name.s &&
	       !(tab[i].name.n == name.n && !memcmp(tab[i].name.s, name.s, name.n)))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static const struct asm_label *label_find(const struct asm_ctx *a, struct span name)
{
	const struct asm_label *l;

	if (!a->labels_cap)
		return NULL;
	l = label_slot(a->labels, a->labels_cap, name);
	return l->name.s ? l : NULL;
}

static int label_add(struct asm_ctx *a, struct span name)
{
	struct asm_label *l;

	if (!is_label_name(name))
		return asm_err(a, "invalid label '%.*s'", echo_len(name), name.s);
	/* keep the load under one half so probing stays short */
	if ((a->nr_labels + 1) * 2 > a->labels_cap) {
		size_t cap = a->labels_cap ? a->labels_cap * 2 : 64, i;
		struct asm_label *tab = calloc(cap, sizeof(*tab));

		if (!tab)
			return asm_err(a, "out of memory"), -ENOMEM;
		for (i = 0; i < a->labels_cap; i++)
			if (a->labels[i].name.s)
				*label_slot(tab, cap, a->labels[i].name) = a->labels[i];
		free(a->labels);
		a->labels = tab;
		a->labels_cap = cap;
	}
	l = label_slot(a->labels, a->labels_cap, name);
	if (l->name.s)
		return asm_err(a, "duplicate label '%.*s'", echo_len(name), name.s);
	l->name = name;
	l->pc = a->cnt;
	a->nr_labels++;
	return 0;
}

/*
 * A jump or call target: a signed number (+3, -1) is the relative offset
 * itself; a name is a label, patched once all labels are known.
 */
static int parse_target(struct asm_ctx *a, struct span t, enum fixup_kind kind,
			struct rt_insn *insn)
{
	struct asm_fixup *f;
	int err;

	if (t.n && (t.s[0] == '+' || t.s[0] == '-' || (t.s[0] >= '0' && t.s[0] <= '9'))) {
		if (kind == FIXUP_OFF)
			return parse_off(a, t, &insn->off);
		return parse_imm32(a, t, &insn->imm);
	}
	if (!is_label_name(t))
		return asm_err(a, "invalid jump target '%.*s'", echo_len(t), t.s);
	err = rt_ensure_mem((void **)&a->fixups, &a->fixups_cap, sizeof(*a->fixups),
			    a->nr_fixups + 1);
	if (err)
		return asm_err(a, "out of memory"), err;
	f = &a->fixups[a->nr_fixups++];
	f->name = t;
	f->pc = a->cnt;
	f->line = a->line;
	f->kind = kind;
	return 0;
}

/* ---------------------------------------------------------- encoders */

/* Each encoder fills insn[0] (and insn[1] for lddw) and returns the number
 * of slots used, or -errno after a message. */
typedef int (*asm_encode_fn)(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops,
			     int nr_ops, struct rt_insn *insn);

/* reg or imm as the source of ALU and JMP, choosing K or X. */
static int parse_src(struct asm_ctx *a, struct span t, struct rt_insn *insn)
{
	uint8_t src = 0;
	int err;

	if (!is_reg(t))
		return parse_imm32(a, t, &insn->imm);
	err = parse_reg(a, t, &src);
	if (err)
		return err;
	insn->src = src;
	insn->code |= RT_SRC_X;
	return 0;
}

static int parse_dst(struct asm_ctx *a, struct span t, struct rt_insn *insn)
{
	uint8_t dst = 0;
	int err = parse_reg(a, t, &dst);

	if (!err)
		insn->dst = dst;
	return err;
}

static int enc_alu(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		   struct rt_insn *insn)
{
	return parse_dst(a, ops[0], insn) ?: parse_src(a, ops[1], insn) ?: 1;
}

/* neg, movsx, byte swaps: the operation is all in the table entry. */
static int enc_dst(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		   struct rt_insn *insn)
{
	return parse_dst(a, ops[0], insn) ?: 1;
}

static int enc_movsx(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		     struct rt_insn *insn)
{
	uint8_t src = 0;
	int err = parse_dst(a, ops[0], insn) ?: parse_reg(a, ops[1], &src);

	if (err)
		return err;
	insn->src = src;
	return 1;
}

static int enc_lddw(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		    struct rt_insn *insn)
{
	uint64_t imm = 0;
	int err = parse_dst(a, ops[0], insn) ?: parse_imm64(a, ops[1], &imm);

	if (err)
		return err;
	insn[0].imm = (int32_t)(uint32_t)imm;
	insn[1] = (struct rt_insn){ .imm = (int32_t)(uint32_t)(imm >> 32) };
	return 2;
}

static int enc_ldabs(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		     struct rt_insn *insn)
{
	return parse_imm32(a, ops[0], &insn->imm) ?: 1;
}

static int enc_ldind(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		     struct rt_insn *insn)
{
	uint8_t src = 0;
	int err = parse_reg(a, ops[0], &src) ?: parse_imm32(a, ops[1], &insn->imm);

	if (err)
		return err;
	insn->src = src;
	return 1;
}

static int enc_ldx(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		   struct rt_insn *insn)
{
	uint8_t src = 0;
	int err = parse_dst(a, ops[0], insn) ?: parse_mem(a, ops[1], &src, &insn->off);

	if (err)
		return err;
	insn->src = src;
	return 1;
}

static int enc_st(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		  struct rt_insn *insn)
{
	uint8_t dst = 0;
	int err = parse_mem(a, ops[0], &dst, &insn->off) ?: parse_imm32(a, ops[1], &insn->imm);

	if (err)
		return err;
	insn->dst = dst;
	return 1;
}

static int enc_stx(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		   struct rt_insn *insn)
{
	uint8_t dst = 0, src = 0;
	int err = parse_mem(a, ops[0], &dst, &insn->off) ?: parse_reg(a, ops[1], &src);

	if (err)
		return err;
	insn->dst = dst;
	insn->src = src;
	return 1;
}

static int enc_jcond(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		     struct rt_insn *insn)
{
	return parse_dst(a, ops[0], insn) ?: parse_src(a, ops[1], insn) ?:
		parse_target(a, ops[2], FIXUP_OFF, insn) ?: 1;
}

static int enc_ja(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		  struct rt_insn *insn)
{
	return parse_target(a, ops[0], m->form == FORM_JA32 ? FIXUP_IMM : FIXUP_OFF, insn) ?: 1;
}

/*
 * call N (helper id), call %rN (callx: the register in dst, as the RFC and
 * the conformance assembler encode it), call local LABEL (src 1, pc-relative
 * imm), and the explicit forms call helper N, call kfunc N.
 */
static int enc_call(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		    struct rt_insn *insn)
{
	if (nr_ops == 1 && is_reg(ops[0])) {
		insn->code |= RT_SRC_X;
		return parse_dst(a, ops[0], insn) ?: 1;
	}
	if (nr_ops == 1 || span_eq(ops[0], "helper")) {
		insn->src = RT_CALL_HELPER;
		return parse_imm32(a, ops[nr_ops - 1], &insn->imm) ?: 1;
	}
	if (span_eq(ops[0], "local")) {
		insn->src = RT_CALL_LOCAL;
		return parse_target(a, ops[1], FIXUP_IMM, insn) ?: 1;
	}
	if (span_eq(ops[0], "kfunc") || span_eq(ops[0], "runtime")) {
		insn->src = RT_CALL_KFUNC;
		return parse_imm32(a, ops[1], &insn->imm) ?: 1;
	}
	return asm_err(a, "invalid call kind '%.*s'", echo_len(ops[0]), ops[0].s);
}

static int enc_exit(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		    struct rt_insn *insn)
{
	/* "exit" doubles as a label for the first exit, as in the suite's
	 * assembler ("jne %r0, 0x40000000, exit") */
	if (a->first_exit == SIZE_MAX)
		a->first_exit = a->cnt;
	return 1;
}

/* lock [fetch] OP[32] [dst+off], src */
static int enc_lock(struct asm_ctx *a, const struct asm_mnem *m, struct span *ops, int nr_ops,
		    struct rt_insn *insn)
{
	bool fetch = nr_ops > 0 && span_eq(ops[0], "fetch");
	const struct asm_atomic *at = NULL;
	uint8_t dst = 0, src = 0;
	size_t i;
	int err;

	if (nr_ops != 3 + fetch)
		return asm_err(a, "invalid number of operands for lock");
	ops += fetch;
	for (i = 0; i < sizeof(atomics) / sizeof(atomics[0]) && !at; i++)
		if (span_eq(ops[0], atomics[i].name))
			at = &atomics[i];
	if (!at)
		return asm_err(a, "unknown atomic operation '%.*s'", echo_len(ops[0]), ops[0].s);
	err = parse_mem(a, ops[1], &dst, &insn->off) ?: parse_reg(a, ops[2], &src);
	if (err)
		return err;
	insn->code = at->code;
	insn->dst = dst;
	insn->src = src;
	/* xchg and cmpxchg carry FETCH already */
	insn->imm = at->imm | (fetch ? RT_ATOMIC_FETCH : 0);
	return 1;
}

/* Per form: operand counts and encoder. lock counts its own operands. */
static const struct {
	int min_ops, max_ops;
	asm_encode_fn encode;
} forms[] = {
	[FORM_ALU] = { 2, 2, enc_alu },
	[FORM_NEG] = { 1, 1, enc_dst },
	[FORM_MOVSX] = { 2, 2, enc_movsx },
	[FORM_END] = { 1, 1, enc_dst },
	[FORM_LDDW] = { 2, 2, enc_lddw },
	[FORM_LDABS] = { 1, 1, enc_ldabs },
	[FORM_LDIND] = { 2, 2, enc_ldind },
	[FORM_LDX] = { 2, 2, enc_ldx },
	[FORM_ST] = { 2, 2, enc_st },
	[FORM_STX] = { 2, 2, enc_stx },
	[FORM_JCOND] = { 3, 3, enc_jcond },
	[FORM_JA] = { 1, 1, enc_ja },
	[FORM_JA32] = { 1, 1, enc_ja },
	[FORM_CALL] = { 1, 2, enc_call },
	[FORM_EXIT] = { 0, 0, enc_exit },
	[FORM_LOCK] = { 0, ASM_MAX_OPS, enc_lock },
};

static const struct asm_mnem *mnem_find(struct span t)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (span_eq(t, aliases[i].alias))
			t = (struct span){ aliases[i].name, strlen(aliases[i].name) };
	for (i = 0; i < sizeof(mnems) / sizeof(mnems[0]); i++)
		if (span_eq(t, mnems[i].name))
			return &mnems[i];
	return NULL;
}

/* ------------------------------------------------------------- lines */

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Splits [p, end) into tokens: whitespace and commas separate, '#' starts a
 * comment, a [...] memory operand is one token even with spaces inside.
 * Stores up to max tokens and returns how many there were.
 */
static int tokenize(struct asm_ctx *a, const char *p, const char *end, struct span *toks, int max)
{
	int n = 0;

	for (;;) {
		const char *s;

		while (p < end && is_sep(*p))
			p++;
		if (p == end || *p == '#')
			return n;
		s = p;
		if (*p == '[') {
			while (p < end && *p != ']' && *p != '#')
				p++;
			if (p == end || *p != ']')
				return asm_err(a, "missing ']' in '%.*s'",
					       echo_len((struct span){ s, p - s }), s);
			p++;
		} else {
			while (p < end && !is_sep(*p) && *p != '#')
				p++;
		}
		if (n < max)
			toks[n] = (struct span){ s, p - s };
		if (n < ASM_MAX_OPS + 2)
			n++;
	}
}

static int assemble_line(struct asm_ctx *a, const char *p, const char *end)
{
	struct span toks[ASM_MAX_OPS + 2];
	const struct asm_mnem *m;
	struct span *t = toks;
	int n, err, nr_ops;

	n = tokenize(a, p, end, toks, ASM_MAX_OPS + 2);
	if (n < 0)
		return n;
	/* "name:" alone or before an instruction on the same line */
	if (n && t[0].n && t[0].s[t[0].n - 1] == ':') {
		err = label_add(a, (struct span){ t[0].s, t[0].n - 1 });
		if (err)
			return err;
		t++;
		n--;
	}
	if (!n)
		return 0;
	m = mnem_find(t[0]);
	if (!m)
		return asm_err(a, "unknown mnemonic '%.*s'", echo_len(t[0]), t[0].s);
	nr_ops = n - 1;
	if (nr_ops < forms[m->form].min_ops || nr_ops > forms[m->form].max_ops)
		return asm_err(a, "invalid number of operands for %s", m->name);
	/* room for two slots: lddw */
	err = rt_ensure_mem((void **)&a->insns, &a->cap, sizeof(*a->insns), a->cnt + 2);
	if (err)
		return asm_err(a, "out of memory"), err;
	a->insns[a->cnt] = (struct rt_insn){ .code = m->code, .off = m->off, .imm = m->imm };
	n = forms[m->form].encode(a, m, t + 1, nr_ops, &a->insns[a->cnt]);
	if (n < 0)
		return n;
	a->cnt += n;
	return 0;
}

static int resolve_fixups(struct asm_ctx *a)
{
	size_t i;

	for (i = 0; i < a->nr_fixups; i++) {
		const struct asm_fixup *f = &a->fixups[i];
		const struct asm_label *l = label_find(a, f->name);
		struct rt_insn *insn = &a->insns[f->pc];
		int64_t target, delta;

		a->line = f->line;
		if (l)
			target = l->pc;
		else if (span_eq(f->name, "exit") && a->first_exit != SIZE_MAX)
			target = a->first_exit;
		else
			return asm_err(a, "unknown label '%.*s'", echo_len(f->name), f->name.s);
		delta = target - (int64_t)f->pc - 1;
		if (f->kind == FIXUP_OFF) {
			if (delta < INT16_MIN || delta > INT16_MAX)
				return asm_err(a, "jump to '%.*s' out of 16-bit range",
					       echo_len(f->name), f->name.s);
			insn->off = (int16_t)delta;
		} else {
			if (delta < INT32_MIN || delta > INT32_MAX)
				return asm_err(a, "jump to '%.*s' out of 32-bit range",
					       echo_len(f->name), f->name.s);
			insn->imm = (int32_t)delta;
		}
	}
	return 0;
}

int rt_asm(const char *text, const char *path, int first_line, struct rt_insn **out, size_t *cnt,
	   struct rt_log *log)
{
	struct asm_ctx a = {
		.path = path ? path : "<asm>",
		.line = first_line,
		.log = log,
		.first_exit = SIZE_MAX,
	};
	const char *p = text;
	int err = 0;

	if (!text || !out || !cnt) {
		rt_log__err(log, "rt_asm: invalid argument");
		return -EINVAL;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);

		err = assemble_line(&a, p, end);
		if (err)
			goto out_free;
		if (!nl)
			break;
		p = nl + 1;
		a.line++;
	}
	err = resolve_fixups(&a);
	if (err)
		goto out_free;
	*out = a.insns;
	*cnt = a.cnt;
	a.insns = NULL;
out_free:
	free(a.insns);
	free(a.fixups);
	free(a.labels);
	return err;
}
