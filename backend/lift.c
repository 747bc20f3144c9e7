// SPDX-License-Identifier: MIT
/*
 * --aot-no-types: the native source of a program lifted from its bytecode
 * instead of rewritten from its C, so that the native compile sees what an
 * untyped bytecode translator sees and nothing the source's types would
 * give: eleven u64 registers, a 512-byte stack array per function that r10
 * points past (every spill and local a memory access through an integer),
 * each instruction one C statement, jumps as gotos, memory reached through
 * integers cast to pointers of the access's width. The optimiser still
 * runs (clang -O3), so the difference with the default build is what the
 * types buy: locals in registers instead of the emulated stack, switch
 * statements as jump tables instead of compare chains, loop bounds and
 * induction variables of the source's width, vector code, struct copies.
 *
 * The bytecode is the BPF object's own (the functions clang compiled), with
 * its relocations: a map is `(u64)&MAP` (the runtime's map object, as the
 * source rewrite binds it), global data `(u64)&G - OFF(G) + OFF` for a
 * global G of that section the program reaches (its symbol is bound by the
 * manifest), a read-only section with no global (string literals) its
 * bytes as a static const array; helpers are `_bpf_helper_ext_NNNN` called
 * with five u64, BPF-to-BPF calls are calls of static functions of five
 * u64, a callback address (bpf_loop) the function's address. The other two
 * optimisations stay independent: unless turned off, a lookup in an
 * inlinable array whose map register was loaded in the same basic block
 * indexes its values (`__bpfaot_map_values_M`, as the source rewrite), one
 * in a hash map or a per-CPU array goes through the map's view
 * (`__bpfaot_htab_v1_M`, `__bpfaot_pcpu_array_v1_M`, as the source
 * rewrite), and constant helpers are their constant.
 *
 * Division, remainder and shifts follow BPF (by 0: 0 or the dividend;
 * counts masked), 32-bit operations zero-extend, as the interpreter does.
 * Not lifted (the program keeps its bytecode only, with a [-Waot]
 * warning): legacy packet loads (LD_ABS/LD_IND), a tail call outside the
 * program's own function, a relocation the lifter cannot name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "be_internal.h"
#include "rw.h"

#define INSN_SZ 8
#define MAX_FUNCS 256

/* instruction classes and fields, as the kernel's bpf.h */
enum { C_LD, C_LDX, C_ST, C_STX, C_ALU, C_JMP, C_JMP32, C_ALU64 };

struct insn {
	uint8_t code, dst, src;
	int16_t off;
	int32_t imm;
};

struct func {
	size_t sec;		/* section index */
	size_t start, end;	/* instruction indexes in the section */
};

struct lift {
	const struct be_elf *elf;
	const struct fe_unit *u;
	const struct fe_prog *p;
	const struct rw_opts *o;
	struct fe_diags *d;
	struct func funcs[MAX_FUNCS];
	size_t nr_funcs;
	bool *target;		/* per instruction of the function being lifted */
	char *why;		/* first reason not to lift (malloc'ed), or NULL */
	FILE *head, *body;	/* declarations, functions */
	bool *map_decl, *vals_decl, *glob_decl;	/* per fe map / map / global */
	bool *sec_decl;		/* per ELF section: bytes emitted */
	bool helper_decl[256];
	bool view_decl[RW_VIEW_KINDS];	/* rw_view_declare()'s */
};

__attribute__((format(printf, 2, 3))) static void fail(struct lift *l, const char *fmt, ...)
{
	va_list ap;

	if (l->why)
		return;
	va_start(ap, fmt);
	if (vasprintf(&l->why, fmt, ap) < 0)
		l->why = NULL;
	va_end(ap);
}

static struct insn insn_at(const struct be_elf *elf, size_t sec, size_t idx)
{
	const uint8_t *b = be_elf__sec_data(elf, sec) + idx * INSN_SZ;
	struct insn in = { .code = b[0], .dst = b[1] & 15, .src = b[1] >> 4 };

	in.off = (int16_t)(b[2] | b[3] << 8);
	in.imm = (int32_t)((uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
			   (uint32_t)b[7] << 24);
	return in;
}

/* The relocation of .rel<sec> at instruction idx, or NULL. */
static const Elf64_Rel *reloc_at(const struct be_elf *elf, size_t sec, size_t idx)
{
	size_t i, k;

	for (i = 1; i < elf->eh->e_shnum; i++) {
		const Elf64_Shdr *rs = &elf->sh[i];
		const Elf64_Rel *r;

		if (rs->sh_type != SHT_REL || rs->sh_info != sec)
			continue;
		r = (const Elf64_Rel *)be_elf__sec_data(elf, i);
		for (k = 0; r && k < rs->sh_size / sizeof(*r); k++)
			if (r[k].r_offset == idx * INSN_SZ)
				return &r[k];
	}
	return NULL;
}

static const Elf64_Sym *rel_sym(const struct be_elf *elf, const Elf64_Rel *r)
{
	size_t si = ELF64_R_SYM(r->r_info);

	return si < elf->nr_syms ? &elf->syms[si] : NULL;
}

/* The function symbol of sec that starts at instruction idx: its extent. */
static long add_func(struct lift *l, size_t sec, size_t idx)
{
	size_t i;

	for (i = 0; i < l->nr_funcs; i++)
		if (l->funcs[i].sec == sec && l->funcs[i].start == idx)
			return (long)i;
	for (i = 1; i < l->elf->nr_syms; i++) {
		const Elf64_Sym *s = &l->elf->syms[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx != sec ||
		    s->st_value != idx * INSN_SZ || !s->st_size)
			continue;
		if (l->nr_funcs == MAX_FUNCS || s->st_value + s->st_size > l->elf->sh[sec].sh_size) {
			fail(l, "too many functions or a function outside its section");
			return -1;
		}
		l->funcs[l->nr_funcs].sec = sec;
		l->funcs[l->nr_funcs].start = idx;
		l->funcs[l->nr_funcs].end = (s->st_value + s->st_size) / INSN_SZ;
		return (long)l->nr_funcs++;
	}
	fail(l, "no function symbol at instruction %zu of a BPF-to-BPF call", idx);
	return -1;
}

/* The callee of a BPF-to-BPF call or function address at (sec, idx). */
static long callee(struct lift *l, size_t sec, size_t idx, int32_t imm)
{
	const Elf64_Rel *r = reloc_at(l->elf, sec, idx);
	const Elf64_Sym *s = r ? rel_sym(l->elf, r) : NULL;

	if (!r)
		return add_func(l, sec, idx + (size_t)(int64_t)imm + 1);
	if (!s || s->st_shndx == SHN_UNDEF || s->st_shndx >= l->elf->eh->e_shnum) {
		fail(l, "a call relocation without a defined symbol");
		return -1;
	}
	return add_func(l, s->st_shndx, (size_t)((int64_t)(s->st_value / INSN_SZ) + imm + 1));
}

static const char *const sizes[] = { "u32", "u16", "u8", "u64" };	/* BPF_W, H, B, DW */

static void declare_helper(struct lift *l, uint32_t id)
{
	if (id >= 256 || l->helper_decl[id])
		return;
	l->helper_decl[id] = true;
	fprintf(l->head, "extern u64 _bpf_helper_ext_%04u(u64, u64, u64, u64, u64);\n", id);
}

static long map_index(const struct fe_unit *u, const char *name)
{
	size_t i;

	for (i = 0; i < fe_unit__nr_maps(u); i++)
		if (!strcmp(fe_map__name(fe_unit__map(u, i)), name))
			return (long)i;
	return -1;
}

/* The C value of an lddw with a relocation against symbol s plus off. */
static int lddw_reloc(struct lift *l, FILE *f, const Elf64_Sym *s, uint64_t off, long *map_out)
{
	const char *sec = s->st_shndx < l->elf->eh->e_shnum ?
				  be_elf__sec_name(l->elf, s->st_shndx) : "";
	long mi;
	size_t i;

	*map_out = -1;
	if (!strcmp(sec, ".maps") || !strcmp(sec, "maps")) {
		mi = map_index(l->u, be_elf__sym_name(l->elf, s));
		if (mi < 0) {
			fail(l, "map symbol '%s' unknown to the model", be_elf__sym_name(l->elf, s));
			return -EINVAL;
		}
		if (!l->map_decl[mi])
			fprintf(l->head, "extern struct bpfaot_map %s;\n", be_elf__sym_name(l->elf, s));
		l->map_decl[mi] = true;
		*map_out = mi;
		fprintf(f, "(u64)&%s", be_elf__sym_name(l->elf, s));
		return 0;
	}
	off += s->st_value;
	if (s->st_shndx < l->elf->eh->e_shnum && (l->elf->sh[s->st_shndx].sh_flags & SHF_EXECINSTR)) {
		/* a function's address: a callback (bpf_loop, for_each_map_elem) */
		long fi = off % INSN_SZ ? -1 : add_func(l, s->st_shndx, off / INSN_SZ);

		if (fi < 0) {
			fail(l, "a code address that is no function");
			return -EINVAL;
		}
		fprintf(f, "(u64)__bpfaot_f%ld", fi);
		return 0;
	}
	/* a global of that section the program reaches: its symbol is bound */
	for (i = 0; i < fe_prog__nr_globals(l->p); i++) {
		const struct fe_global *g = fe_prog__global(l->p, i);
		size_t gi;

		if (fe_global__offset(g) < 0 || strcmp(fe_global__section(g), sec))
			continue;
		for (gi = 0; gi < fe_unit__nr_globals(l->u); gi++)
			if (fe_unit__global(l->u, gi) == g)
				break;
		if (!l->glob_decl[gi])
			fprintf(l->head, "extern char %s[];\n", fe_global__name(g));
		l->glob_decl[gi] = true;
		fprintf(f, "((u64)%s - %lldull + %lluull)", fe_global__name(g),
			(long long)fe_global__offset(g), (unsigned long long)off);
		return 0;
	}
	/* string literals and the like: read-only bytes no host sets */
	if (!strncmp(sec, ".rodata", 7) && l->elf->sh[s->st_shndx].sh_type == SHT_PROGBITS) {
		const uint8_t *b = be_elf__sec_data(l->elf, s->st_shndx);
		uint64_t n = l->elf->sh[s->st_shndx].sh_size, k;

		if (!l->sec_decl[s->st_shndx]) {
			fprintf(l->head, "static const unsigned char __bpfaot_sec_%u[%llu] "
				"__attribute__((aligned(8))) = {", s->st_shndx,
				(unsigned long long)(n ? n : 1));
			for (k = 0; k < n; k++)
				fprintf(l->head, "%s%u", k ? "," : "", b[k]);
			fputs(n ? "};\n" : "0};\n", l->head);
		}
		l->sec_decl[s->st_shndx] = true;
		fprintf(f, "((u64)__bpfaot_sec_%u + %lluull)", s->st_shndx, (unsigned long long)off);
		return 0;
	}
	fail(l, "data of section '%s' that no global of the program names", sec);
	return -EINVAL;
}

static const char *alu_op(uint8_t op)
{
	switch (op) {
	case 0x00: return "+";
	case 0x10: return "-";
	case 0x20: return "*";
	case 0x40: return "|";
	case 0x50: return "&";
	case 0xa0: return "^";
	default: return NULL;
	}
}

static void lift_alu(struct lift *l, FILE *f, struct insn in, bool is64)
{
	uint8_t op = in.code & 0xf0;
	char src[48], d[8];
	const char *t = is64 ? "u64" : "u32", *st = is64 ? "s64" : "s32";
	unsigned mask = is64 ? 63 : 31;

	snprintf(d, sizeof(d), "r%u", in.dst);
	if (in.code & 8)
		snprintf(src, sizeof(src), "(%s)r%u", t, in.src);
	else
		snprintf(src, sizeof(src), "(%s)(s64)%d", t, in.imm);
	if (alu_op(op)) {
		fprintf(f, "%s = (%s)((%s)%s %s %s);", d, t, t, d, alu_op(op), src);
		return;
	}
	switch (op) {
	case 0x30: /* div */
		fprintf(f, "{ %s __s = %s; %s = __s ? (%s)((%s)%s / __s) : 0; }", t, src, d, t, t, d);
		return;
	case 0x90: /* mod */
		fprintf(f, "{ %s __s = %s; %s = __s ? (%s)((%s)%s %% __s) : (%s)%s; }", t, src, d, t, t,
			d, t, d);
		return;
	case 0x60: /* lsh */
		fprintf(f, "%s = (%s)((%s)%s << (%s & %u));", d, t, t, d, src, mask);
		return;
	case 0x70: /* rsh */
		fprintf(f, "%s = (%s)((%s)%s >> (%s & %u));", d, t, t, d, src, mask);
		return;
	case 0xc0: /* arsh */
		fprintf(f, "%s = (%s)((%s)%s >> (%s & %u));", d, t, st, d, src, mask);
		return;
	case 0x80: /* neg */
		fprintf(f, "%s = (%s)(-(%s)%s);", d, t, t, d);
		return;
	case 0xb0: /* mov */
		fprintf(f, "%s = %s;", d, src);
		return;
	case 0xd0: /* end: to_le (src bit 0) is a truncation on x86, to_be a swap */
		if (in.imm != 16 && in.imm != 32 && in.imm != 64)
			break;
		if (in.code & 8)
			fprintf(f, "%s = __builtin_bswap%d((u%d)%s);", d, in.imm, in.imm, d);
		else
			fprintf(f, "%s = (u%d)%s;", d, in.imm, d);
		return;
	}
	fail(l, "ALU opcode 0x%02x", in.code);
}

static const char *jmp_cond(uint8_t op, bool *is_signed)
{
	*is_signed = false;
	switch (op) {
	case 0x10: return "==";
	case 0x20: return ">";
	case 0x30: return ">=";
	case 0x40: return "&";
	case 0x50: return "!=";
	case 0xa0: return "<";
	case 0xb0: return "<=";
	}
	*is_signed = true;
	switch (op) {
	case 0x60: return ">";
	case 0x70: return ">=";
	case 0xc0: return "<";
	case 0xd0: return "<=";
	}
	return NULL;
}

static void lift_mem(struct lift *l, FILE *f, struct insn in)
{
	uint8_t cls = in.code & 7, size = (in.code >> 3) & 3, mode = in.code & 0xe0;
	const char *t = sizes[size];

	if (cls == C_LDX && mode == 0x60) {
		fprintf(f, "r%u = *(%s_a *)(r%u + (s64)%d);", in.dst, t, in.src, in.off);
		return;
	}
	if (cls == C_ST && mode == 0x60) {
		fprintf(f, "*(%s_a *)(r%u + (s64)%d) = (%s)(s64)%d;", t, in.dst, in.off, t, in.imm);
		return;
	}
	if (cls == C_STX && mode == 0x60) {
		fprintf(f, "*(%s_a *)(r%u + (s64)%d) = (%s)r%u;", t, in.dst, in.off, t, in.src);
		return;
	}
	if (cls == C_STX && mode == 0xc0 && (size == 0 || size == 3)) {
		char ptr[64];
		const char *op = NULL;

		snprintf(ptr, sizeof(ptr), "(%s *)(r%u + (s64)%d)", t, in.dst, in.off);
		switch (in.imm & ~1) {
		case 0x00: op = "add"; break;
		case 0x40: op = "or"; break;
		case 0x50: op = "and"; break;
		case 0xa0: op = "xor"; break;
		}
		if (op && (in.imm & 1))
			fprintf(f, "r%u = (u64)__sync_fetch_and_%s(%s, (%s)r%u);", in.src, op, ptr, t,
				in.src);
		else if (op)
			fprintf(f, "(void)__sync_fetch_and_%s(%s, (%s)r%u);", op, ptr, t, in.src);
		else if (in.imm == 0xe1)
			fprintf(f, "r%u = (u64)__atomic_exchange_n(%s, (%s)r%u, __ATOMIC_SEQ_CST);",
				in.src, ptr, t, in.src);
		else if (in.imm == 0xf1)
			fprintf(f, "r0 = (u64)__sync_val_compare_and_swap(%s, (%s)r0, (%s)r%u);", ptr,
				t, t, in.src);
		else
			fail(l, "atomic operation 0x%x", (unsigned)in.imm);
		return;
	}
	fail(l, "memory opcode 0x%02x", in.code);
}

/* A helper call: inline array and hash map lookups and constant helpers
 * as the source rewrite does, unless turned off; the rest calls the
 * runtime. */
static void lift_call(struct lift *l, FILE *f, uint32_t id, const long *reg_map, bool is_main)
{
	const struct fe_map *m = reg_map[1] >= 0 ? fe_unit__map(l->u, (size_t)reg_map[1]) : NULL;

	if (id == 1 && m && rw_map_is_inlinable(m) && !l->o->no_inline_maps) {
		if (!l->vals_decl[reg_map[1]])
			fprintf(l->head, "extern char __bpfaot_map_values_%s[];\n", fe_map__name(m));
		l->vals_decl[reg_map[1]] = true;
		fprintf(f, "{ u32 __k = *(u32_a *)r2; r0 = __k < %uu ? (u64)(__bpfaot_map_values_%s + "
			"(u64)__k * %u) : 0; }", fe_map__max_entries(m), fe_map__name(m),
			rw_map_values_stride(m));
		return;
	}
	if (id == 1 && m && rw_map_lookup_view(m) && !l->o->no_inline_maps) {
		char *call = rw_view_lookup(m, "r2");

		if (!call) {
			fail(l, "out of memory");
			return;
		}
		if (!l->vals_decl[reg_map[1]])
			rw_view_declare(l->head, m, l->view_decl);
		l->vals_decl[reg_map[1]] = true;
		fprintf(f, "r0 = (u64)%s;", call);
		free(call);
		return;
	}
	if ((id == 8 || id == 42) && !l->o->no_inline_helpers) {
		fputs("r0 = 0;", f);
		return;
	}
	declare_helper(l, id);
	fprintf(f, "r0 = _bpf_helper_ext_%04u(r1, r2, r3, r4, r5);", id);
	if (id == 12) {
		if (!is_main)
			fail(l, "a tail call outside the program's own function");
		fputs(" if (!r0) return 0;", f);
	}
}

static void lift_func(struct lift *l, size_t fi)
{
	const struct func *fn = &l->funcs[fi];
	size_t n = fn->end - fn->start, i;
	long reg_map[11];
	FILE *f = l->body;

	l->target = calloc(n + 1, sizeof(bool));
	if (!l->target) {
		fail(l, "out of memory");
		return;
	}
	/* jump targets get labels; a label starts a basic block */
	for (i = 0; i < n; i++) {
		struct insn in = insn_at(l->elf, fn->sec, fn->start + i);
		uint8_t cls = in.code & 7, op = in.code & 0xf0;

		if (in.code == 0x18) {
			i++;
			continue;
		}
		if ((cls == C_JMP || cls == C_JMP32) && op != 0x80 && op != 0x90) {
			long t = (long)i + in.off + 1;

			if (t < 0 || (size_t)t >= n) {
				fail(l, "a jump out of its function at instruction %zu", i);
				return;
			}
			l->target[t] = true;
		}
	}
	fprintf(f, "\nstatic u64 __bpfaot_f%zu(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)\n{\n", fi);
	fputs("\tu64 stack[64], r0 = 0, r6 = 0, r7 = 0, r8 = 0, r9 = 0, r10 = (u64)(stack + 64);\n\n",
	      f);
	for (i = 0; i < 11; i++)
		reg_map[i] = -1;
	for (i = 0; i < n && !l->why; i++) {
		struct insn in = insn_at(l->elf, fn->sec, fn->start + i);
		uint8_t cls = in.code & 7, op = in.code & 0xf0;

		if (l->target[i]) {
			fprintf(f, "L%zu:;\n", i);
			memset(reg_map, 0xff, sizeof(reg_map));
		}
		fputc('\t', f);
		switch (cls) {
		case C_ALU:
		case C_ALU64:
			lift_alu(l, f, in, cls == C_ALU64);
			reg_map[in.dst] = -1;
			break;
		case C_LD: {
			const Elf64_Rel *r;
			struct insn hi;
			long mi = -1;

			if (in.code != 0x18 || i + 1 >= n) {
				fail(l, "load opcode 0x%02x (legacy packet loads are not lifted)", in.code);
				break;
			}
			hi = insn_at(l->elf, fn->sec, fn->start + i + 1);
			r = reloc_at(l->elf, fn->sec, fn->start + i);
			fprintf(f, "r%u = ", in.dst);
			if (in.src == 4) {	/* BPF_PSEUDO_FUNC: a callback */
				long c = callee(l, fn->sec, fn->start + i, in.imm);

				fprintf(f, "(u64)__bpfaot_f%ld;", c);
			} else if (r) {
				const Elf64_Sym *s = rel_sym(l->elf, r);

				if (!s)
					fail(l, "a relocation without a symbol");
				else
					lddw_reloc(l, f, s, (uint32_t)in.imm, &mi);
				fputc(';', f);
			} else {
				fprintf(f, "0x%llxull;",
					(unsigned long long)((uint64_t)(uint32_t)hi.imm << 32 |
							     (uint32_t)in.imm));
			}
			reg_map[in.dst] = mi;
			i++;
			break;
		}
		case C_LDX:
		case C_ST:
		case C_STX:
			lift_mem(l, f, in);
			if (cls == C_LDX)
				reg_map[in.dst] = -1;
			else if ((in.code & 0xe0) == 0xc0)
				reg_map[in.imm == 0xf1 ? 0 : in.src] = -1;
			break;
		case C_JMP:
		case C_JMP32: {
			bool is_signed, is32 = cls == C_JMP32;
			const char *cond = jmp_cond(op, &is_signed);
			char a[32], b[48];

			if (cls == C_JMP && op == 0x00) {
				fprintf(f, "goto L%zu;", (size_t)((long)i + in.off + 1));
				break;
			}
			if (cls == C_JMP && op == 0x90) {
				fputs("return r0;", f);
				break;
			}
			if (cls == C_JMP && op == 0x80) {
				if (in.src == 1) {
					long c = callee(l, fn->sec, fn->start + i, in.imm);

					fprintf(f, "r0 = __bpfaot_f%ld(r1, r2, r3, r4, r5);", c);
				} else if (in.src == 0) {
					lift_call(l, f, (uint32_t)in.imm, reg_map, fi == 0);
				} else {
					fail(l, "a call of kind %u (kfunc)", in.src);
				}
				for (int k = 0; k <= 5; k++)
					reg_map[k] = -1;
				break;
			}
			if (!cond) {
				fail(l, "jump opcode 0x%02x", in.code);
				break;
			}
			snprintf(a, sizeof(a), "(%s)r%u", is32 ? (is_signed ? "s32" : "u32") :
								(is_signed ? "s64" : "u64"), in.dst);
			if (in.code & 8)
				snprintf(b, sizeof(b), "(%s)r%u", is32 ? (is_signed ? "s32" : "u32") :
									(is_signed ? "s64" : "u64"), in.src);
			else
				snprintf(b, sizeof(b), "(%s)%d", is32 ? (is_signed ? "s32" : "u32") :
								      (is_signed ? "s64" : "u64"), in.imm);
			fprintf(f, "if (%s%s %s %s%s) goto L%zu;", op == 0x40 ? "(" : "", a, cond, b,
				op == 0x40 ? ") != 0" : "", (size_t)((long)i + in.off + 1));
			break;
		}
		}
		fputc('\n', f);
	}
	fputs("\treturn r0;\n}\n", f);
	free(l->target);
	l->target = NULL;
}

int be_lift(const struct be_lift_opts *lo, char **out, size_t *out_len)
{
	struct lift l = { .elf = lo->bpf, .u = lo->u, .p = lo->p, .o = lo->ropts, .d = lo->d };
	const Elf64_Sym *s = be_elf__find_sym(lo->bpf, fe_prog__name(lo->p));
	char *hbuf = NULL, *bbuf = NULL;
	size_t hlen = 0, blen = 0, fi;
	int err = 0;

	if (!s || ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_value % INSN_SZ ||
	    s->st_value + s->st_size > lo->bpf->sh[s->st_shndx].sh_size ||
	    !be_elf__sec_data(lo->bpf, s->st_shndx))
		return -ENOENT;
	l.map_decl = calloc(fe_unit__nr_maps(lo->u) + 1, sizeof(bool));
	l.vals_decl = calloc(fe_unit__nr_maps(lo->u) + 1, sizeof(bool));
	l.glob_decl = calloc(fe_unit__nr_globals(lo->u) + 1, sizeof(bool));
	l.sec_decl = calloc(lo->bpf->eh->e_shnum + 1, sizeof(bool));
	l.head = open_memstream(&hbuf, &hlen);
	l.body = open_memstream(&bbuf, &blen);
	if (!l.map_decl || !l.vals_decl || !l.glob_decl || !l.sec_decl || !l.head || !l.body) {
		err = -ENOMEM;
		goto out;
	}
	fprintf(l.head,
		"/* bpfaot-cc --aot-no-types: native source of program '%s' of %s, lifted from its "
		"bytecode: u64 registers, an emulated stack, no source types */\n"
		"typedef unsigned long long u64;\ntypedef long long s64;\n"
		"typedef unsigned int u32;\ntypedef int s32;\n"
		"typedef unsigned short u16;\ntypedef unsigned char u8;\n"
		"typedef u64 __attribute__((aligned(1))) u64_a;\n"
		"typedef u32 __attribute__((aligned(1))) u32_a;\n"
		"typedef u16 __attribute__((aligned(1))) u16_a;\n"
		"typedef u8 u8_a;\n"
		"struct bpfaot_map;\n",
		fe_prog__name(lo->p), fe_unit__path(lo->u));
	l.funcs[0].sec = s->st_shndx;
	l.funcs[0].start = s->st_value / INSN_SZ;
	l.funcs[0].end = (s->st_value + s->st_size) / INSN_SZ;
	l.nr_funcs = 1;
	/* callees are added as calls are lifted; all are declared first */
	for (fi = 0; fi < l.nr_funcs && !l.why; fi++)
		lift_func(&l, fi);
	for (fi = 0; fi < l.nr_funcs; fi++)
		fprintf(l.head, "static u64 __bpfaot_f%zu(u64, u64, u64, u64, u64);\n", fi);
	fprintf(l.body,
		"\n/* bpfaot: the native entry of program '%s' */\n"
		"unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)\n{\n"
		"\treturn __bpfaot_f0((u64)ctx, ctx_size, 0, 0, 0);\n}\n",
		fe_prog__name(lo->p));
out:
	if (l.head)
		fclose(l.head);
	if (l.body)
		fclose(l.body);
	if (!err && l.why) {
		CXSourceLocation loc = clang_getCursorLocation(fe_func__cursor(fe_prog__func(lo->p)));

		fe_diag_aot(lo->d, loc, NULL,
			    "--aot-no-types: program '%s' cannot be lifted from its bytecode (%s); it "
			    "keeps only its bytecode", fe_prog__name(lo->p), l.why);
		err = 1;
	}
	if (!err && (!hbuf || !bbuf))
		err = -ENOMEM;
	if (!err) {
		*out_len = hlen + blen;
		*out = malloc(*out_len + 1);
		if (!*out) {
			err = -ENOMEM;
		} else {
			memcpy(*out, hbuf, hlen);
			memcpy(*out + hlen, bbuf, blen);
			(*out)[*out_len] = '\0';
		}
	}
	free(hbuf);
	free(bbuf);
	free(l.why);
	free(l.map_decl);
	free(l.vals_decl);
	free(l.glob_decl);
	free(l.sec_decl);
	return err;
}
