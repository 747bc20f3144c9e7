// SPDX-License-Identifier: MIT
/*
 * Random verifier-friendly eBPF C programs for the differential test (see
 * gen.h). A program is an XDP function over a handful of typed locals
 * (every width and signedness) loaded from the packet, then random
 * statements: assignments of random expressions (arithmetic, division,
 * modulo, shifts, comparisons, casts), ifs, bounded loops, packet reads and
 * writes behind bounds checks, array and hash map lookups, updates and
 * deletes, struct copies, calls of noinline subprograms and bpf_loop()
 * with a callback. It returns a hash of its locals.
 *
 * Only behaviour C defines is written unless an option asks for more:
 * arithmetic is done in unsigned types (no signed overflow), divisors are
 * guarded against zero and shift counts masked to the width. Signed
 * division is never written: clang 14 cannot compile it for BPF.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum ty { T_U8, T_U16, T_U32, T_U64, T_S8, T_S16, T_S32, T_S64, T__N };

static const char *const ty_name[T__N] = { "__u8", "__u16", "__u32", "__u64",
					   "__s8", "__s16", "__s32", "__s64" };

static unsigned int ty_bits(int t)
{
	return 8u << (t & 3);
}

/* The type C computes in after promotion, unsigned / signed. */
static const char *wide_u(int t)
{
	return ty_bits(t) <= 32 ? "__u32" : "__u64";
}

static const char *wide_s(int t)
{
	return ty_bits(t) <= 32 ? "__s32" : "__s64";
}

enum fn_kind { FN_MAIN, FN_SUB, FN_CB };

#define MAX_VARS 48
#define MAX_SUBS 3

struct var {
	char name[24];
	int ty;
	bool assignable;
};

struct sub {
	int nr_args;
	int arg_ty[4];
	int ret_ty;
};

struct gen {
	uint64_t s;
	const struct dt_gen_opts *o;
	uint32_t idx;
	const uint32_t *skip;
	size_t nr_skip;
	uint32_t nr_stmts;
	int fn;			/* enum fn_kind of the function being written */
	struct var vars[MAX_VARS];
	int nr_vars;
	int loop_depth;
	int hash_ptrs;		/* lookups of hash elements in scope */
	int budget;		/* statements left for the function */
	int uniq;		/* suffix of block-local names */
	int nr_subs, nr_cbs;
	int sub_limit;		/* subs the function being written may call */
	struct sub subs[MAX_SUBS];
};

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t rnd(struct gen *g)
{
	g->s = mix(g->s);
	return g->s;
}

static unsigned int below(struct gen *g, unsigned int n)
{
	return (unsigned int)(rnd(g) % n);
}

static bool chance(struct gen *g, unsigned int pct)
{
	return below(g, 100) < pct;
}

static bool is_skipped(const struct gen *g, uint32_t id)
{
	size_t i;

	for (i = 0; i < g->nr_skip; i++)
		if (g->skip[i] == id)
			return true;
	return false;
}

static void indent(FILE *f, int depth)
{
	while (depth-- > 0)
		fputc('\t', f);
}

static void add_var(struct gen *g, const char *name, int ty, bool assignable)
{
	struct var *v;

	if (g->nr_vars >= MAX_VARS)
		return;
	v = &g->vars[g->nr_vars++];
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->ty = ty;
	v->assignable = assignable;
}

static const struct var *pick_var(struct gen *g, bool assignable)
{
	int i, n = 0;

	for (i = 0; i < g->nr_vars; i++)
		n += !assignable || g->vars[i].assignable;
	n = (int)below(g, (unsigned int)n);
	for (i = 0; i < g->nr_vars; i++)
		if ((!assignable || g->vars[i].assignable) && n-- == 0)
			return &g->vars[i];
	return NULL;	/* every function has assignable variables */
}

static void constant(struct gen *g, FILE *f)
{
	static const char *const pool[] = {
		"0",	"1",	"2",	  "3",	    "7",	  "8",	       "0x7f",
		"0x80", "0xff", "0x100",  "0x7fff", "0x8000",	  "0xffff",    "0x7fffffff",
		"0x80000000",	"0xffffffff",	    "0x100000000", "0x7fffffffffffffff",
		"0x8000000000000000",		    "0xffffffffffffffff",
	};

	switch (below(g, 3)) {
	case 0:
		fprintf(f, "%sull", pool[below(g, sizeof(pool) / sizeof(pool[0]))]);
		break;
	case 1:
		fprintf(f, "%uull", below(g, 300));
		break;
	default:
		fprintf(f, "0x%llxull", (unsigned long long)rnd(g));
		break;
	}
}

static void expr(struct gen *g, FILE *f, int ty, int depth);

/* An expression of a random type. */
static int any_expr(struct gen *g, FILE *f, int depth)
{
	int t = (int)below(g, T__N);

	expr(g, f, t, depth);
	return t;
}

/* Text of an expression of type ty, for use twice (caller frees). */
static char *expr_text(struct gen *g, int ty, int depth)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();	/* out of memory in a test generator */
	expr(g, f, ty, depth);
	fclose(f);
	return text;
}

static void div_expr(struct gen *g, FILE *f, int ty, int depth)
{
	const char *u = wide_u(ty), *op = chance(g, 50) ? "/" : "%";
	char *b;

	fprintf(f, "(%s)(", ty_name[ty]);
	if (g->o->div_zero && chance(g, 50)) {
		/* both operands behind a barrier: clang cannot fold a constant
		 * division by zero (undefined in C) into undef, nor use what
		 * it knows of the dividend on the assumption that the divisor
		 * is not zero (`zext(c) / d` into `zext(c & d <= 1)`), so the
		 * bytecode really divides and BPF defines the result */
		fprintf(f, "({ %s a_ = (%s)(", u, u);
		any_expr(g, f, depth - 1);
		fprintf(f, "); barrier_var(a_); a_; }) %s ({ %s d_ = (%s)(", op, u, u);
		any_expr(g, f, depth - 1);
		fprintf(f, "); barrier_var(d_); d_; }))");
		return;
	}
	if (chance(g, 50)) {
		fprintf(f, "(%s)(", u);
		any_expr(g, f, depth - 1);
		fprintf(f, ") %s ((%s)(", op, u);
		any_expr(g, f, depth - 1);
		fprintf(f, ") | 1))");
		return;
	}
	b = expr_text(g, ty, depth - 1);
	fprintf(f, "(%s)(%s) ? (%s)(", u, b, u);
	any_expr(g, f, depth - 1);
	fprintf(f, ") %s (%s)(%s) : 0x%xu)", op, u, b, below(g, 256));
	free(b);
}

static void shift_expr(struct gen *g, FILE *f, int ty, int depth)
{
	unsigned int width = ty_bits(ty) <= 32 ? 32 : 64;
	bool wide = g->o->wide_shift && chance(g, 50);
	const char *ops[] = { "<<", ">>", ">>" };
	unsigned int k = below(g, 3);
	const char *vt = k == 2 ? wide_s(ty) : wide_u(ty);

	if (!wide) {
		fprintf(f, "(%s)((%s)(", ty_name[ty], vt);
		any_expr(g, f, depth - 1);
		fprintf(f, ") %s ((", ops[k]);
		any_expr(g, f, depth - 1);
		fprintf(f, ") & %u))", width - 1);
		return;
	}
	/* a count up to twice the width, and the shifted value, behind
	 * barriers (see div_expr): clang cannot fold the oversized shift,
	 * nor rewrite `x << (n + 60)` into `(x << 60) << n` */
	fprintf(f, "(%s)(({ %s v_ = (%s)(", ty_name[ty], vt, vt);
	any_expr(g, f, depth - 1);
	fprintf(f, "); barrier_var(v_); v_; }) %s ({ __u32 n_ = (__u32)(", ops[k]);
	any_expr(g, f, depth - 1);
	fprintf(f, ") & %u; barrier_var(n_); n_; }))", 2 * width - 1);
}

static void expr(struct gen *g, FILE *f, int ty, int depth)
{
	static const char *const arith[] = { "+", "-", "*", "&", "|", "^" };
	static const char *const cmp[] = { "<", "<=", ">", ">=", "==", "!=" };
	const char *u = wide_u(ty);

	switch (depth <= 0 ? below(g, 2) : below(g, 12)) {
	case 0:
	case 10:
		fprintf(f, "(%s)%s", ty_name[ty], pick_var(g, false)->name);
		break;
	case 1:
		fprintf(f, "(%s)", ty_name[ty]);
		constant(g, f);
		break;
	case 2:
		switch (below(g, 3)) {
		case 0:
			fprintf(f, "(%s)~(%s)(", ty_name[ty], u);
			break;
		case 1:
			fprintf(f, "(%s)(0 - (%s)(", ty_name[ty], u);
			any_expr(g, f, depth - 1);
			fprintf(f, "))");
			return;
		default:
			fprintf(f, "(%s)!(", ty_name[ty]);
			break;
		}
		any_expr(g, f, depth - 1);
		fprintf(f, ")");
		break;
	case 3:
	case 4:
	case 11:
		fprintf(f, "(%s)((%s)(", ty_name[ty], u);
		any_expr(g, f, depth - 1);
		fprintf(f, ") %s (%s)(", arith[below(g, 6)], u);
		any_expr(g, f, depth - 1);
		fprintf(f, "))");
		break;
	case 5:
		div_expr(g, f, ty, depth);
		break;
	case 6:
		shift_expr(g, f, ty, depth);
		break;
	case 7:
		fprintf(f, "(%s)((", ty_name[ty]);
		any_expr(g, f, depth - 1);
		fprintf(f, ") %s (", cmp[below(g, 6)]);
		any_expr(g, f, depth - 1);
		fprintf(f, "))");
		break;
	case 8:
		fprintf(f, "((");
		any_expr(g, f, depth - 1);
		fprintf(f, ") ? ");
		expr(g, f, ty, depth - 1);
		fprintf(f, " : ");
		expr(g, f, ty, depth - 1);
		fprintf(f, ")");
		break;
	default:
		/* a chain of casts through a random type */
		fprintf(f, "(%s)", ty_name[ty]);
		any_expr(g, f, depth - 1);
		break;
	}
}

static void stmt(struct gen *g, FILE *f, int depth);

/* n statements at depth (fewer when the budget runs out). */
static void block(struct gen *g, FILE *f, int depth, int n)
{
	while (n-- > 0 && g->budget > 0)
		stmt(g, f, depth);
}

/* vK = (T)(expr) for a random assignable variable. */
static void assign(struct gen *g, FILE *f, int depth)
{
	const struct var *v = pick_var(g, true);
	int ty = v->ty;
	char name[sizeof(v->name)];

	memcpy(name, v->name, sizeof(name));
	indent(f, depth);
	if (chance(g, 40)) {
		/* read-modify-write, in the unsigned type (no signed overflow) */
		static const char *const ops[] = { "+", "-", "*", "^", "|", "&" };

		fprintf(f, "%s = (%s)((%s)%s %s (%s)(", name, ty_name[ty], wide_u(ty), name,
			ops[below(g, 6)], wide_u(ty));
		any_expr(g, f, 2);
		fprintf(f, "));\n");
		return;
	}
	fprintf(f, "%s = ", name);
	expr(g, f, ty, 3);
	fprintf(f, ";\n");
}

/* Assigns name (an expression of type from_ty) into a random variable. */
static void fold_into_var(struct gen *g, FILE *f, int depth, const char *value)
{
	const struct var *v = pick_var(g, true);

	indent(f, depth);
	fprintf(f, "%s = (%s)((%s)%s ^ (%s)(%s));\n", v->name, ty_name[v->ty], wide_u(v->ty),
		v->name, wide_u(v->ty), value);
}

static void if_stmt(struct gen *g, FILE *f, int depth)
{
	indent(f, depth);
	fprintf(f, "if (");
	any_expr(g, f, 2);
	fprintf(f, ") {\n");
	block(g, f, depth + 1, 1 + (int)below(g, 3));
	indent(f, depth);
	if (chance(g, 50)) {
		fprintf(f, "} else {\n");
		block(g, f, depth + 1, 1 + (int)below(g, 2));
		indent(f, depth);
	}
	fprintf(f, "}\n");
}

static void loop_stmt(struct gen *g, FILE *f, int depth)
{
	int id = g->uniq++, saved = g->nr_vars;
	char name[24];

	indent(f, depth);
	fprintf(f, "{\n");
	indent(f, depth + 1);
	if (chance(g, 50))
		fprintf(f, "__u32 n%d = %u;\n", id, 1 + below(g, 8));
	else {
		fprintf(f, "__u32 n%d = (__u32)(", id);
		any_expr(g, f, 1);
		fprintf(f, ") & 7;\n");
	}
	indent(f, depth + 1);
	fprintf(f, "for (__u32 i%d = 0; i%d < n%d; i%d++) {\n", id, id, id, id);
	snprintf(name, sizeof(name), "i%d", id);
	add_var(g, name, T_U32, false);
	g->loop_depth++;
	block(g, f, depth + 2, 1 + (int)below(g, 3));
	g->loop_depth--;
	g->nr_vars = saved;
	indent(f, depth + 1);
	fprintf(f, "}\n");
	indent(f, depth);
	fprintf(f, "}\n");
}

static const int pkt_widths[] = { T_U8, T_U16, T_U32, T_U64 };

static void pkt_stmt(struct gen *g, FILE *f, int depth, bool write)
{
	int id = g->uniq++, wt = pkt_widths[below(g, 4)];
	const char *w = ty_name[wt];

	indent(f, depth);
	fprintf(f, "{\n");
	indent(f, depth + 1);
	/* the barrier keeps clang from folding the mask into the
	 * expression, where the verifier no longer sees the bound */
	fprintf(f, "__u32 o%d = (__u32)(", id);
	any_expr(g, f, 1);
	fprintf(f, ");\n");
	indent(f, depth + 1);
	fprintf(f, "barrier_var(o%d);\n", id);
	indent(f, depth + 1);
	fprintf(f, "__u8 *p%d = (__u8 *)data + (o%d & 63);\n", id, id);
	indent(f, depth + 1);
	fprintf(f, "if ((void *)(p%d + %u) <= data_end) {\n", id, ty_bits(wt) / 8);
	if (write) {
		indent(f, depth + 2);
		fprintf(f, "*(%s *)p%d = ", w, id);
		expr(g, f, wt, 2);
		fprintf(f, ";\n");
	} else {
		char value[48];

		snprintf(value, sizeof(value), "*(%s *)p%d", w, id);
		fold_into_var(g, f, depth + 2, value);
	}
	indent(f, depth + 1);
	fprintf(f, "}\n");
	indent(f, depth);
	fprintf(f, "}\n");
}

/* __u32 kN = (expr) & 15; */
static int map_key(struct gen *g, FILE *f, int depth)
{
	int id = g->uniq++;

	indent(f, depth);
	fprintf(f, "__u32 k%d = (__u32)(", id);
	any_expr(g, f, 1);
	fprintf(f, ") & %u;\n", DT_GEN_KEYS - 1);
	return id;
}

static const char *const val_fields[] = { "a", "b", "c", "d", "e", "f" };
static const int val_types[] = { T_U64, T_S64, T_U32, T_S16, T_U8, T_U8 };

/* Adds the fields of struct dt_val PREFIX (e.g. "hp3->") as variables. */
static void add_fields(struct gen *g, const char *prefix, bool assignable)
{
	char name[24];
	int i;

	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "%s%s", prefix, val_fields[i]);
		add_var(g, name, val_types[i], assignable);
	}
}

/* = { .a = expr, ... } */
static void val_init(struct gen *g, FILE *f)
{
	int i;

	fprintf(f, "{ ");
	for (i = 0; i < 6; i++) {
		fprintf(f, "%s.%s = ", i ? ", " : "", val_fields[i]);
		expr(g, f, val_types[i], 1);
	}
	fprintf(f, " }");
}

static void arr_stmt(struct gen *g, FILE *f, int depth)
{
	int k, id, saved = g->nr_vars;
	char name[24];

	indent(f, depth);
	fprintf(f, "{\n");
	k = map_key(g, f, depth + 1);
	id = g->uniq++;
	indent(f, depth + 1);
	fprintf(f, "__u64 *mv%d = bpf_map_lookup_elem(&arr_%u, &k%d);\n", id, g->idx, k);
	indent(f, depth + 1);
	fprintf(f, "if (mv%d) {\n", id);
	if (chance(g, 30)) {
		indent(f, depth + 2);
		fprintf(f, "__sync_fetch_and_add(mv%d, ", id);
		expr(g, f, T_U64, 2);
		fprintf(f, ");\n");
	} else {
		snprintf(name, sizeof(name), "(*mv%d)", id);
		add_var(g, name, T_U64, true);
		block(g, f, depth + 2, 1 + (int)below(g, 2));
		g->nr_vars = saved;
	}
	indent(f, depth + 1);
	fprintf(f, "}\n");
	indent(f, depth);
	fprintf(f, "}\n");
}

static void hash_stmt(struct gen *g, FILE *f, int depth)
{
	static const char *const flags[] = { "BPF_ANY", "BPF_ANY", "BPF_NOEXIST", "BPF_EXIST" };
	int k, id, saved = g->nr_vars;
	char name[128];

	indent(f, depth);
	fprintf(f, "{\n");
	k = map_key(g, f, depth + 1);
	id = g->uniq++;
	switch (below(g, 4)) {
	case 0:
	case 1:
		indent(f, depth + 1);
		fprintf(f, "struct dt_val hv%d = ", id);
		val_init(g, f);
		fprintf(f, ";\n");
		snprintf(name, sizeof(name), "bpf_map_update_elem(&hash_%u, &k%d, &hv%d, %s)",
			 g->idx, k, id, flags[below(g, 4)]);
		fold_into_var(g, f, depth + 1, name);
		break;
	case 2:
		snprintf(name, sizeof(name), "bpf_map_delete_elem(&hash_%u, &k%d)", g->idx, k);
		fold_into_var(g, f, depth + 1, name);
		break;
	default:
		indent(f, depth + 1);
		fprintf(f, "struct dt_val *hp%d = bpf_map_lookup_elem(&hash_%u, &k%d);\n", id,
			g->idx, k);
		indent(f, depth + 1);
		fprintf(f, "if (hp%d) {\n", id);
		g->hash_ptrs++;
		if (chance(g, 30)) {
			/* a struct copy out of the map and back */
			indent(f, depth + 2);
			fprintf(f, "struct dt_val cp%d = *hp%d;\n", id, id);
			snprintf(name, sizeof(name), "cp%d.", id);
			add_fields(g, name, true);
			block(g, f, depth + 2, 1 + (int)below(g, 2));
			indent(f, depth + 2);
			fprintf(f, "*hp%d = cp%d;\n", id, id);
		} else {
			snprintf(name, sizeof(name), "hp%d->", id);
			add_fields(g, name, true);
			block(g, f, depth + 2, 1 + (int)below(g, 2));
		}
		g->hash_ptrs--;
		g->nr_vars = saved;
		indent(f, depth + 1);
		fprintf(f, "}\n");
		break;
	}
	indent(f, depth);
	fprintf(f, "}\n");
}

static void struct_stmt(struct gen *g, FILE *f, int depth)
{
	int id = g->uniq++, saved = g->nr_vars;
	char name[24], value[96];

	indent(f, depth);
	fprintf(f, "{\n");
	indent(f, depth + 1);
	fprintf(f, "struct dt_val s%d = ", id);
	val_init(g, f);
	fprintf(f, ";\n");
	indent(f, depth + 1);
	fprintf(f, "struct dt_val t%d = s%d;\n", id, id);
	snprintf(name, sizeof(name), "t%d.", id);
	add_fields(g, name, true);
	block(g, f, depth + 1, 1 + (int)below(g, 2));
	g->nr_vars = saved;
	indent(f, depth + 1);
	fprintf(f, "s%d = t%d;\n", id, id);
	snprintf(value, sizeof(value), "s%d.a ^ (__u64)s%d.b ^ s%d.c ^ (__u64)s%d.d ^ s%d.e ^ s%d.f",
		 id, id, id, id, id, id);
	fold_into_var(g, f, depth + 1, value);
	indent(f, depth);
	fprintf(f, "}\n");
}

static void call_stmt(struct gen *g, FILE *f, int depth)
{
	const struct var *v = pick_var(g, true);
	unsigned int s = below(g, (unsigned int)g->sub_limit);
	const struct sub *sub = &g->subs[s];
	int i;

	indent(f, depth);
	fprintf(f, "%s = (%s)s_%u_%u(", v->name, ty_name[v->ty], g->idx, s);
	for (i = 0; i < sub->nr_args; i++) {
		fprintf(f, "%s", i ? ", " : "");
		expr(g, f, sub->arg_ty[i], 2);
	}
	fprintf(f, ");\n");
}

static void bpf_loop_stmt(struct gen *g, FILE *f, int depth)
{
	int id = g->uniq++;
	char value[128];

	indent(f, depth);
	fprintf(f, "{\n");
	indent(f, depth + 1);
	fprintf(f, "struct dt_val c%d = ", id);
	val_init(g, f);
	fprintf(f, ";\n");
	indent(f, depth + 1);
	fprintf(f, "long r%d = bpf_loop((__u32)(", id);
	any_expr(g, f, 1);
	fprintf(f, ") & 15, cb_%u_%u, &c%d, 0);\n", g->idx, below(g, (unsigned int)g->nr_cbs), id);
	snprintf(value, sizeof(value),
		 "(__u64)r%d ^ c%d.a ^ (__u64)c%d.b ^ c%d.c ^ (__u64)c%d.d ^ c%d.e ^ c%d.f", id, id,
		 id, id, id, id, id);
	fold_into_var(g, f, depth + 1, value);
	indent(f, depth);
	fprintf(f, "}\n");
}

enum stmt_kind { S_ASSIGN, S_IF, S_LOOP, S_PKT_READ, S_PKT_WRITE, S_ARR, S_HASH, S_STRUCT,
		 S_CALL, S_BPF_LOOP, S__N };

static bool kind_allowed(const struct gen *g, int k, int depth)
{
	switch (k) {
	case S_IF:
		return depth < 4;
	case S_LOOP:
		return g->fn != FN_CB && g->loop_depth == 0 && depth < 3;
	case S_PKT_READ:
	case S_PKT_WRITE:
		return g->fn == FN_MAIN;
	case S_CALL:
		/* a subprogram may update the map behind a held pointer */
		return g->sub_limit > 0 && (!g->hash_ptrs || g->o->stale_ptrs);
	case S_BPF_LOOP:
		return g->fn == FN_MAIN && g->nr_cbs > 0 && (!g->hash_ptrs || g->o->stale_ptrs);
	case S_HASH:
		return depth < 4 && (!g->hash_ptrs || g->o->stale_ptrs);
	case S_ARR:
	case S_STRUCT:
		return depth < 4;
	default:
		return true;
	}
}

static void stmt(struct gen *g, FILE *out, int depth)
{
	static const int weight[S__N] = { 30, 10, 5, 8, 5, 7, 8, 4, 6, 4 };
	uint32_t id = g->nr_stmts++;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int k, total = 0, r;

	g->budget--;
	for (k = 0; k < S__N; k++)
		total += kind_allowed(g, k, depth) ? weight[k] : 0;
	r = (int)below(g, (unsigned int)total);
	for (k = 0; k < S__N; k++) {
		if (!kind_allowed(g, k, depth))
			continue;
		if (r < weight[k])
			break;
		r -= weight[k];
	}
	f = open_memstream(&text, &len);
	if (!f)
		abort();	/* out of memory in a test generator */
	switch (k) {
	case S_IF:
		if_stmt(g, f, depth);
		break;
	case S_LOOP:
		loop_stmt(g, f, depth);
		break;
	case S_PKT_READ:
	case S_PKT_WRITE:
		pkt_stmt(g, f, depth, k == S_PKT_WRITE);
		break;
	case S_ARR:
		arr_stmt(g, f, depth);
		break;
	case S_HASH:
		hash_stmt(g, f, depth);
		break;
	case S_STRUCT:
		struct_stmt(g, f, depth);
		break;
	case S_CALL:
		call_stmt(g, f, depth);
		break;
	case S_BPF_LOOP:
		bpf_loop_stmt(g, f, depth);
		break;
	default:
		assign(g, f, depth);
		break;
	}
	fclose(f);
	if (!is_skipped(g, id))
		fwrite(text, 1, len, out);
	free(text);
}

static void random_locals(struct gen *g, FILE *f, int n, const char *prefix)
{
	char name[24];
	int i;

	for (i = 0; i < n; i++) {
		int t = (int)below(g, T__N);

		snprintf(name, sizeof(name), "%s%d", prefix, i);
		fprintf(f, "\t%s %s = ", ty_name[t], name);
		if (g->nr_vars && chance(g, 50))
			expr(g, f, t, 1);
		else
			constant(g, f);
		fprintf(f, ";\n");
		add_var(g, name, t, true);
	}
}

static void gen_sub(struct gen *g, FILE *f, int s)
{
	struct sub *sub = &g->subs[s];
	char name[24];
	int i;

	sub->nr_args = 1 + (int)below(g, 4);
	sub->ret_ty = (int)below(g, T__N);
	g->fn = FN_SUB;
	g->nr_vars = 0;
	g->sub_limit = s;	/* only earlier subprograms: no recursion */
	fprintf(f, "static __attribute__((noinline)) %s s_%u_%d(", ty_name[sub->ret_ty], g->idx, s);
	for (i = 0; i < sub->nr_args; i++) {
		sub->arg_ty[i] = (int)below(g, T__N);
		snprintf(name, sizeof(name), "a%d", i);
		fprintf(f, "%s%s %s", i ? ", " : "", ty_name[sub->arg_ty[i]], name);
		add_var(g, name, sub->arg_ty[i], true);
	}
	fprintf(f, ")\n{\n");
	random_locals(g, f, 1 + (int)below(g, 2), "l");
	g->budget = 2 + (int)below(g, 6);
	block(g, f, 1, g->budget);
	fprintf(f, "\treturn ");
	expr(g, f, sub->ret_ty, 2);
	fprintf(f, ";\n}\n\n");
}

static void gen_cb(struct gen *g, FILE *f, int c)
{
	g->fn = FN_CB;
	g->nr_vars = 0;
	g->sub_limit = 0;
	fprintf(f, "static long cb_%u_%d(__u32 idx, void *data)\n{\n", g->idx, c);
	fprintf(f, "\tstruct dt_val *c = data;\n\n");
	add_var(g, "idx", T_U32, false);
	add_fields(g, "c->", true);
	g->budget = 1 + (int)below(g, 5);
	block(g, f, 1, g->budget);
	if (chance(g, 25)) {
		/* stop early now and then (the verifier wants 0 or 1) */
		fprintf(f, "\treturn (long)((__u64)(");
		expr(g, f, T_U64, 1);
		fprintf(f, ") & 1);\n}\n\n");
	} else {
		fprintf(f, "\treturn 0;\n}\n\n");
	}
}

void dt_gen_prologue(FILE *out)
{
	fprintf(out, "// SPDX-License-Identifier: GPL-2.0\n"
		     "#include <linux/bpf.h>\n"
		     "#include <bpf/bpf_helpers.h>\n\n"
		     "/* no padding: every byte is written, so engines agree on all of it */\n"
		     "struct dt_val {\n\t__u64 a;\n\t__s64 b;\n\t__u32 c;\n\t__s16 d;\n"
		     "\t__u8 e;\n\t__u8 f;\n};\n\n"
		     "char LICENSE[] SEC(\"license\") = \"GPL\";\n\n");
}

static uint64_t prog_seed(uint64_t seed, uint32_t idx, uint64_t salt)
{
	return mix(mix(seed ^ salt) + idx);
}

int dt_gen_program(FILE *out, const struct dt_gen_opts *opts, uint64_t seed, uint32_t idx,
		   const uint32_t *skip, size_t nr_skip)
{
	static const struct dt_gen_opts no_opts;
	struct gen *g = calloc(1, sizeof(*g));
	int i, nr_locals, n;

	if (!g)
		return -ENOMEM;
	g->o = opts ? opts : &no_opts;
	g->s = prog_seed(seed, idx, 0x70726f67);
	g->idx = idx;
	g->skip = skip;
	g->nr_skip = nr_skip;
	fprintf(out, "struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n\t__uint(max_entries, %d);\n"
		     "\t__type(key, __u32);\n\t__type(value, __u64);\n} arr_%u SEC(\".maps\");\n\n",
		DT_GEN_KEYS / 2, idx);
	fprintf(out, "struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(max_entries, %d);\n"
		     "\t__type(key, __u32);\n\t__type(value, struct dt_val);\n} hash_%u SEC(\".maps\");\n\n",
		DT_GEN_KEYS, idx);

	g->nr_subs = (int)below(g, MAX_SUBS + 1);
	for (i = 0; i < g->nr_subs; i++)
		gen_sub(g, out, i);
	g->nr_cbs = (int)below(g, 3);
	for (i = 0; i < g->nr_cbs; i++)
		gen_cb(g, out, i);

	g->fn = FN_MAIN;
	g->nr_vars = 0;
	g->sub_limit = g->nr_subs;
	fprintf(out, "SEC(\"xdp\")\nint p_%u(struct xdp_md *ctx)\n{\n", idx);
	fprintf(out, "\tvoid *data = (void *)(long)ctx->data;\n"
		     "\tvoid *data_end = (void *)(long)ctx->data_end;\n");
	nr_locals = 4 + (int)below(g, 6);
	for (i = 0; i < nr_locals; i++) {
		char name[24];
		int t = (int)below(g, T__N);

		snprintf(name, sizeof(name), "v%d", i);
		fprintf(out, "\t%s %s;\n", ty_name[t], name);
		add_var(g, name, t, true);
	}
	fprintf(out, "\n\tif ((void *)((__u8 *)data + 14) > data_end)\n\t\treturn 0;\n");
	for (i = 0; i < nr_locals; i++) {
		const struct var *v = &g->vars[i];

		if (chance(g, 75)) {
			int wt = pkt_widths[below(g, 4)];

			fprintf(out, "\t%s = (%s)*(%s *)((__u8 *)data + %u);\n", v->name,
				ty_name[v->ty], ty_name[wt], below(g, 14 - ty_bits(wt) / 8 + 1));
		} else {
			fprintf(out, "\t%s = (%s)", v->name, ty_name[v->ty]);
			constant(g, out);
			fprintf(out, ";\n");
		}
	}
	fprintf(out, "\n");
	g->budget = 6 + (int)below(g, 20);
	block(g, out, 1, g->budget);
	fprintf(out, "\n\t__u64 h = 0;\n");
	for (i = 0; i < nr_locals; i++)
		fprintf(out, "\th = h * 31 + (__u64)v%d;\n", i);
	fprintf(out, "\treturn (int)(h ^ (h >> 32));\n}\n\n");
	n = (int)g->nr_stmts;
	free(g);
	return n;
}

uint32_t dt_gen_packet(uint64_t seed, uint32_t idx, uint8_t *pkt)
{
	struct gen g = { .s = prog_seed(seed, idx, 0x7061636b) };
	uint32_t len = 14 + below(&g, DT_GEN_MAX_PKT - 14 + 1), i;

	for (i = 0; i < len; i++) {
		/* many zero and all-ones bytes: divisors, shift counts, signs */
		switch (below(&g, 8)) {
		case 0:
		case 1:
			pkt[i] = 0;
			break;
		case 2:
			pkt[i] = 0xff;
			break;
		case 3:
			pkt[i] = (uint8_t)below(&g, 8);
			break;
		default:
			pkt[i] = (uint8_t)rnd(&g);
			break;
		}
	}
	return len;
}

const char *dt_gen_mcpu(uint64_t seed, uint32_t first)
{
	static const char *const cpus[] = { "v1", "v2", "v3" };

	return cpus[prog_seed(seed, first, 0x637075) % 3];
}
