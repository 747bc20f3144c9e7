// SPDX-License-Identifier: MIT
/*
 * The helper rewrite. In BPF, `bpf_map_lookup_elem(&m, &k)` calls through a
 * variable `static void *(*bpf_map_lookup_elem)(void *map, const void *key)
 * = (void *) 1;`, 1 being the helper id (libbpf's bpf_helper_defs.h, or a
 * pointer the user declares under any name). The rewrite changes the
 * declaration, not the calls: in the preprocessed translation unit
 * (docs/design.md, "The source path") each helper variable becomes an
 * extern function with the variable's own prototype, bound to the
 * runtime's symbol by an asm label:
 *
 *     extern void *bpf_map_lookup_elem(void *map, const void *key) __asm__("_bpf_helper_ext_0001");
 *
 * so every use, in the main file, a header or a macro expansion, calls
 * `_bpf_helper_ext_0001` with the helper's C types. The replacement is one
 * line: the lines of the file stay put. Only the helpers some function of
 * the unit uses are rewritten; the other variables stay, unused.
 *
 * The prelude (rw_prelude(), at the top of the unit) defines
 * `__builtin_preserve_access_index(x)` as x (CO-RE bookkeeping whose value
 * is x). A call of a CO-RE builtin (__builtin_preserve_field_info,
 * __builtin_preserve_type_info, __builtin_preserve_enum_value) becomes the
 * constant the BPF compile gives it from the program's own types
 * (frontend/core.c), e.g. `((unsigned int)(4))`. When some function still
 * uses a BPF-only builtin (__builtin_btf_type_id, a CO-RE builtin in a form
 * without an answer), the prelude defines them as 0: a program that reaches
 * one gets no native code at all (the backend warns, [-Waot]), so only the
 * other programs of the file see the stub.
 *
 * Inline rewrites (a table by helper id, below) replace a whole call with
 * code: lookups and updates of plain array maps (inline_maps.c, off with
 * --aot-no-inline-maps) and helpers whose value is a constant of the
 * runtime (inline_helpers.c, off with --aot-no-inline-helpers). The call's
 * children are then not walked: the rules only accept arguments without
 * calls in them.
 *
 * --aot-no-types (opts->no_types), for ablation: the declarations stay;
 * the prelude declares every used helper `extern __bpfaot_u64
 * _bpf_helper_ext_NNNN(__bpfaot_u64 x 5)`, the way untyped
 * bytecode-to-native compilers call them, with a macro
 * `__bpfaot_call_NNNN(...)` that casts each argument to u64, pads to five,
 * and casts the result back, and `#define NAME __bpfaot_call_NNNN`.
 *
 * bpf_tail_call: the runtime's helper records the target and returns 0; the
 * native program must then return at once. In a program's own body the
 * call becomes
 *     ({ long __r = bpf_tail_call(a, b, c); if (!__r) return 0; __r; })
 * so the code after a failed tail call still runs. In a `noinline` function
 * (a BPF subprogram) the kernel's target replaces the subprogram: its r0 is
 * the subprogram's return value and the caller carries on, so there it is
 *     ... if (!__r) return (RET)__bpfaot_tail_call_now(); ...
 * (abi.h: the runtime runs the target at once). Elsewhere (a function the
 * BPF compile may inline, where the tail call ends the program) it stays a
 * plain call and a [-Waot] warning says that the caller goes on after a
 * successful tail call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

#define TAIL_CALL_ID 12

static const struct {
	uint32_t id;
	bool is_map;	/* off with --aot-no-inline-maps, else --aot-no-inline-helpers */
	rw_inline_fn fn;
} inline_rules[] = {
	{ 1, true, rw_inline_map_lookup },	/* bpf_map_lookup_elem */
	{ 2, true, rw_inline_map_update },	/* bpf_map_update_elem */
	{ 87, true, rw_inline_queue_op },	/* bpf_map_push_elem */
	{ 88, true, rw_inline_queue_op },	/* bpf_map_pop_elem */
	{ 89, true, rw_inline_queue_op },	/* bpf_map_peek_elem */
	{ 8, false, rw_inline_helper_const },	/* bpf_get_smp_processor_id */
	{ 42, false, rw_inline_helper_const },	/* bpf_get_numa_node_id */
};

struct ctx {
	const struct fe_unit *u;
	const struct rw_opts *o;
	struct rw_edits *e;
	struct fe_diags *d;
	const char *src;
	size_t len;
	struct fe_func *func;	/* being walked */
	bool func_is_prog;
	bool *used;		/* per unit helper: referenced by a function */
	bool *values_used;	/* per unit map: read through __bpfaot_map_values_NAME */
	bool *map_called;	/* per unit map: a helper call takes it */
	bool uses_bpf_only;	/* a builtin of BPF_ONLY */
	bool uses_tail_now;	/* __bpfaot_tail_call_now */
	int err;
};

/* BPF-only builtins (BuiltinsBPF.def): a program that reaches one gets no
 * native code (the backend says so, [-Waot]); for the others, which share
 * the file, they are defined away so that the file still compiles. */
static const char *const bpf_only[] = {
	"__builtin_preserve_field_info",
	"__builtin_preserve_type_info",
	"__builtin_preserve_enum_value",
	"__builtin_btf_type_id",
};

static bool is_bpf_only(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(bpf_only) / sizeof(bpf_only[0]); i++)
		if (!strcmp(name, bpf_only[i]))
			return true;
	return false;
}

static long helper_index(const struct fe_unit *u, CXCursor ref)
{
	CXCursor def = clang_getCursorDefinition(ref);
	size_t i;

	if (clang_Cursor_isNull(def))
		return -1;
	for (i = 0; i < fe_unit__nr_helpers(u); i++)
		if (clang_equalCursors(def, fe_helper__cursor(fe_unit__helper(u, i))))
			return (long)i;
	return -1;
}

/* Whether an attribute's tokens name `noinline` (`__attribute__((noinline))`,
 * libbpf's `__noinline`, `__noinline__`): libclang 14 does not expose it. */
static enum CXChildVisitResult find_noinline(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct { CXTranslationUnit tu; bool found; } *q = data;
	CXToken *toks = NULL;
	unsigned n = 0, i;

	if (clang_getCursorKind(cur) != CXCursor_UnexposedAttr)
		return CXChildVisit_Continue;
	clang_tokenize(q->tu, clang_getCursorExtent(cur), &toks, &n);
	for (i = 0; i < n && !q->found; i++) {
		CXString s = clang_getTokenSpelling(q->tu, toks[i]);
		const char *t = clang_getCString(s);

		q->found = !strcmp(t, "noinline") || !strcmp(t, "__noinline") ||
			   !strcmp(t, "__noinline__");
		clang_disposeString(s);
	}
	if (toks)
		clang_disposeTokens(q->tu, toks, n);
	return q->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* The text after a tail call's helper call in a noinline function, which
 * returns the target's result (caller frees), or NULL when the function is
 * not noinline or its type cannot take it (a struct). */
static char *tail_now_suffix(struct ctx *c)
{
	struct { CXTranslationUnit tu; bool found; } q = { fe_unit__tu(c->u), false };
	CXCursor fn = fe_func__cursor(c->func);
	CXType ret = clang_getResultType(clang_getCursorType(fn));
	CXType can = clang_getCanonicalType(ret);
	char *text = NULL;
	CXString s;

	clang_visitChildren(fn, find_noinline, &q);
	if (!q.found)
		return NULL;
	if (can.kind == CXType_Void)
		return strdup("; if (!__r) { __bpfaot_tail_call_now(); return; } __r; })");
	if (can.kind == CXType_Record || can.kind == CXType_Invalid)
		return NULL;
	s = clang_getTypeSpelling(ret);
	if (asprintf(&text, "; if (!__r) return (%s)__bpfaot_tail_call_now(); __r; })",
		     clang_getCString(s)) < 0)
		text = NULL;
	clang_disposeString(s);
	return text;
}

static void rewrite_tail_call(struct ctx *c, CXCursor call, CXCursor callee)
{
	unsigned s, e, off;
	CXSourceRange r = clang_getCursorExtent(call);
	char *suffix = NULL;

	if (!c->func_is_prog) {
		suffix = tail_now_suffix(c);
		if (!suffix) {
			fe_diag_aot(c->d, clang_getCursorLocation(call), &r,
				    "bpf_tail_call() outside a program's own body and not in a "
				    "noinline function: natively the caller continues after a "
				    "successful tail call");
			return;
		}
	}
	if (!rw_cursor_range(c->u, call, &s, &e) ||
	    !fe_unit__main_offset(c->u, clang_getCursorLocation(callee), &off) || off != s ||
	    !rw_is_ident_at(c->src, c->len, s, "bpf_tail_call")) {
		fe_diag_aot(c->d, clang_getCursorLocation(call), &r,
			    "bpf_tail_call() through another name cannot be rewritten: natively "
			    "the program continues after a successful tail call");
		free(suffix);
		return;
	}
	c->err = rw_edits__insert(c->e, s, "({ long __r = ");
	if (!c->err)
		c->err = rw_edits__insert(c->e, e, suffix ? suffix : "; if (!__r) return 0; __r; })");
	c->uses_tail_now |= suffix != NULL;
	free(suffix);
}

static long map_index(const struct fe_unit *u, const struct fe_map *m)
{
	size_t i;

	for (i = 0; i < fe_unit__nr_maps(u); i++)
		if (fe_unit__map(u, i) == m)
			return (long)i;
	return -1;
}

/* Replaces the call with inline code when a rule applies: 1 when done, 0
 * when it stays a call, -errno. */
static int try_inline(struct ctx *c, CXCursor call, CXCursor callee, long hi)
{
	const struct fe_helper *h = fe_unit__helper(c->u, (size_t)hi);
	struct rw_call rc = { .u = c->u, .h = h, .call = call, .o = c->o };
	const struct fe_map *values_of = NULL, *m;
	CXSourceRange r = clang_getCursorExtent(call);
	const char *why = NULL;
	char *text = NULL;
	unsigned off;
	size_t i;
	int n, err;
	long mi;

	n = clang_Cursor_getNumArguments(call);
	if (n < 0 || n > 5)
		return 0;
	rc.nr_args = n;
	for (n = 0; n < rc.nr_args; n++)
		rc.args[n] = clang_Cursor_getArgument(call, (unsigned)n);
	m = rw_call_map(&rc);
	mi = m ? map_index(c->u, m) : -1;
	if (mi >= 0)
		c->map_called[mi] = true;
	for (i = 0; i < sizeof(inline_rules) / sizeof(inline_rules[0]); i++)
		if (inline_rules[i].id == fe_helper__id(h))
			break;
	if (i == sizeof(inline_rules) / sizeof(inline_rules[0]) ||
	    (inline_rules[i].is_map ? c->o->no_inline_maps : c->o->no_inline_helpers))
		return 0;
	/* the whole call spelled here, its callee by name (not a macro body) */
	if (!rw_cursor_range(c->u, call, &rc.start, &rc.end) ||
	    !fe_unit__main_offset(c->u, clang_getCursorLocation(callee), &off) || off != rc.start ||
	    !rw_is_ident_at(c->src, c->len, off, fe_helper__name(h)) || rc.end <= rc.start ||
	    c->src[rc.end - 1] != ')') {
		if (m && (rw_map_is_inlinable(m) || rw_view_takes(m, fe_helper__id(h))))
			fe_diag_remark(c->d, clang_getCursorLocation(call), &r,
				       "'%s' on map '%s' stays a call: it is spelled in a macro body",
				       fe_helper__name(h), fe_map__name(m));
		return 0;
	}
	rc.why = &why;
	err = inline_rules[i].fn(&rc, &text, &values_of);
	if (!err && why && m)
		fe_diag_remark(c->d, clang_getCursorLocation(call), &r,
			       "'%s' on map '%s' stays a call: %s", fe_helper__name(h),
			       fe_map__name(m), why);
	if (err <= 0)
		return err;
	err = rw_edits__replace(c->e, rc.start, rc.end - rc.start, text);
	free(text);
	if (err)
		return err;
	mi = values_of ? map_index(c->u, values_of) : -1;
	if (mi >= 0)
		c->values_used[mi] = true;
	return 1;
}

/* A CO-RE builtin call becomes the BPF compile's answer (fe_core_answer()):
 * 1 when done, 0 when it has none (the program keeps its bytecode: the
 * frontend saw the same), -errno. */
static int rewrite_core(struct ctx *c, CXCursor call)
{
	char *text = fe_core_answer(c->u, call);
	unsigned s, e;
	int err;

	if (!text)
		return errno == ENOMEM ? -ENOMEM : 0;
	err = 0;
	if (rw_cursor_range(c->u, call, &s, &e) && e > s)
		err = rw_edits__replace(c->e, s, e - s, text) ? -ENOMEM : 1;
	free(text);
	return err;
}

static enum CXChildVisitResult walk(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct ctx *c = data;
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_CallExpr && fe_core_builtin(cur)) {
		int r = rewrite_core(c, cur);

		if (r < 0)
			c->err = r;
		if (r)
			return c->err ? CXChildVisit_Break : CXChildVisit_Continue;
	} else if (k == CXCursor_CallExpr) {
		CXCursor callee = rw_call_callee(cur);
		long hi = clang_Cursor_isNull(callee) ?
				  -1 :
				  helper_index(c->u, clang_getCursorReferenced(callee));

		if (hi >= 0 && fe_helper__id(fe_unit__helper(c->u, (size_t)hi)) == TAIL_CALL_ID) {
			rewrite_tail_call(c, cur, callee);
		} else if (hi >= 0) {
			int r = try_inline(c, cur, callee, hi);

			if (r < 0)
				c->err = r;
			if (r)
				return c->err ? CXChildVisit_Break : CXChildVisit_Continue;
		}
	} else if (k == CXCursor_DeclRefExpr) {
		CXCursor ref = clang_getCursorReferenced(cur);
		long hi;

		if (clang_getCursorKind(ref) == CXCursor_VarDecl) {
			hi = helper_index(c->u, ref);
			if (hi >= 0)
				c->used[hi] = true;
		} else if (clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
			CXString s = clang_getCursorSpelling(ref);

			if (is_bpf_only(clang_getCString(s)))
				c->uses_bpf_only = true;
			clang_disposeString(s);
		}
	}
	return c->err ? CXChildVisit_Break : CXChildVisit_Recurse;
}

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = fe_helper__id(*(struct fe_helper *const *)a);
	uint32_t y = fe_helper__id(*(struct fe_helper *const *)b);

	return x < y ? -1 : x > y;
}

/* The untyped helper declarations and their call macros (--aot-no-types). */
static void write_untyped(FILE *f, struct fe_helper *const *hs, size_t k)
{
	static const char u64[] = "__bpfaot_u64";
	bool variadic = false;
	size_t i, j, nr;

	fputs("/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h), untyped "
	      "(--aot-no-types): 5 x u64 in, u64 out */\n",
	      f);
	fprintf(f, "typedef __UINT64_TYPE__ %s;\n", u64);
	for (i = 0; i < k; i++)
		variadic |= fe_helper__is_variadic(hs[i]);
	if (variadic)
		fputs("#define __BPFAOT_U(x) ((__bpfaot_u64)(x))\n"
		      "#define __BPFAOT_A1(a) __BPFAOT_U(a), 0, 0, 0, 0\n"
		      "#define __BPFAOT_A2(a, b) __BPFAOT_U(a), __BPFAOT_U(b), 0, 0, 0\n"
		      "#define __BPFAOT_A3(a, b, c) __BPFAOT_U(a), __BPFAOT_U(b), __BPFAOT_U(c), 0, 0\n"
		      "#define __BPFAOT_A4(a, b, c, d) __BPFAOT_U(a), __BPFAOT_U(b), __BPFAOT_U(c), "
		      "__BPFAOT_U(d), 0\n"
		      "#define __BPFAOT_A5(a, b, c, d, e) __BPFAOT_U(a), __BPFAOT_U(b), __BPFAOT_U(c), "
		      "__BPFAOT_U(d), __BPFAOT_U(e)\n"
		      "#define __BPFAOT_N(...) __BPFAOT_N_(__VA_ARGS__, 5, 4, 3, 2, 1, 0)\n"
		      "#define __BPFAOT_N_(a, b, c, d, e, n, ...) n\n"
		      "#define __BPFAOT_CAT(a, b) __BPFAOT_CAT_(a, b)\n"
		      "#define __BPFAOT_CAT_(a, b) a##b\n"
		      "#define __BPFAOT_ARGS(...) __BPFAOT_CAT(__BPFAOT_A, "
		      "__BPFAOT_N(__VA_ARGS__))(__VA_ARGS__)\n",
		      f);
	for (i = 0; i < k; i++) {
		uint32_t id = fe_helper__id(hs[i]);
		const char *ret = fe_helper__ret(hs[i]) == FE_CLASS_VOID ? "void" :
				  fe_helper__ret_type(hs[i]);

		fprintf(f, "extern %s _bpf_helper_ext_%04u(%s, %s, %s, %s, %s);\n", u64, id, u64, u64,
			u64, u64, u64);
		if (fe_helper__is_variadic(hs[i])) {
			fprintf(f,
				"#define __bpfaot_call_%04u(...) ((%s)_bpf_helper_ext_%04u("
				"__BPFAOT_ARGS(__VA_ARGS__)))\n",
				id, ret, id);
			continue;
		}
		nr = fe_helper__nr_args(hs[i]) > 5 ? 5 : fe_helper__nr_args(hs[i]);
		fprintf(f, "#define __bpfaot_call_%04u(", id);
		for (j = 0; j < nr; j++)
			fprintf(f, "%sa%zu", j ? ", " : "", j + 1);
		fprintf(f, ") ((%s)_bpf_helper_ext_%04u(", ret, id);
		for (j = 0; j < 5; j++) {
			if (j < nr)
				fprintf(f, "%s(%s)(a%zu)", j ? ", " : "", u64, j + 1);
			else
				fprintf(f, "%s0", j ? ", " : "");
		}
		fputs("))\n", f);
	}
}

/* A configuration array compiled in (--aot-const-map): its values as a
 * constant table laid out as the runtime's (stride), on one line. */
static void write_const_table(FILE *f, const struct fe_map *m, const struct rw_const_map *cm)
{
	unsigned stride = rw_map_values_stride(m), vsz = fe_map__value_size(m), i, k;

	fprintf(f, "static const unsigned char __bpfaot_const_%s[%u] __attribute__((aligned(8))) = { ",
		fe_map__name(m), fe_map__max_entries(m) * stride);
	for (i = 0; i < fe_map__max_entries(m); i++)
		for (k = 0; k < stride; k++)
			fprintf(f, "%s%u", i || k ? "," : "",
				k < vsz ? cm->values[(size_t)i * vsz + k] : 0);
	fputs(" }; /* --aot-const-map */\n", f);
}

static bool map_is_read_only(const struct ctx *c, size_t i)
{
	return c->o->map_uses && c->o->map_uses[i].read_only;
}

/* Value 0 of each inlined array map, bound by the runtime's linker. A
 * configuration map's values are const: no program writes them, so the
 * optimiser may keep what it read across helper calls and stores. Then
 * the views of maps whose lookups go through them, and their bodies. */
static void write_map_values(struct ctx *c, FILE *f)
{
	struct fe_map *m;
	bool any = false, declared[RW_VIEW_KINDS] = { false };
	size_t i;

	fe_unit__for_each_map(m, c->u, i) {
		if (!c->values_used[i] || rw_map_view(m))
			continue;
		if (!any)
			fputs("/* bpfaot: inlined array maps: value i of M is at "
			      "__bpfaot_map_values_M + i * stride (docs/object-format.md) */\n",
			      f);
		any = true;
		if (rw_const_map_of(c->o, fe_map__name(m))) {
			write_const_table(f, m, rw_const_map_of(c->o, fe_map__name(m)));
			continue;
		}
		fprintf(f, "extern %schar __bpfaot_map_values_%s[];%s\n",
			map_is_read_only(c, i) ? "const " : "", fe_map__name(m),
			map_is_read_only(c, i) ? " /* a configuration map: only read */" : "");
	}
	fe_unit__for_each_map(m, c->u, i)
		if (c->values_used[i] && rw_map_view(m))
			rw_view_declare(f, m, declared);
}

/* [-Raot]: for each map a helper call takes, whether its calls became
 * inline code, and why not. */
static void remark_maps(struct ctx *c)
{
	struct fe_map *m;
	size_t i;

	fe_unit__for_each_map(m, c->u, i) {
		CXCursor mc = fe_map__cursor(m);
		CXSourceLocation loc = clang_getCursorLocation(mc);
		const struct rw_map_use *mu = c->o->map_uses ? &c->o->map_uses[i] : NULL;
		const char *why = rw_map_not_inlined_why(m);

		if (!c->map_called[i])
			continue;
		if (c->values_used[i] && rw_map_view(m) && !rw_map_lookup_view(m))
			fe_diag_remark(c->d, loc, NULL,
				       "map '%s' is inlined: push, pop and peek move its ring in the "
				       "program", fe_map__name(m));
		else if (c->values_used[i] && rw_map_lookup_view(m))
			fe_diag_remark(c->d, loc, NULL,
				       "map '%s' is inlined: lookups %s in the program (updates and "
				       "deletes stay calls of the runtime's helpers)",
				       fe_map__name(m),
				       strcmp(rw_map_lookup_view(m), "htab") ?
					       "index the running CPU's values" :
					       "walk its hash table");
		else if (c->values_used[i] && rw_const_map_of(c->o, fe_map__name(m)))
			fe_diag_remark(c->d, loc, NULL,
				       "map '%s' is compiled in (--aot-const-map): lookups read a constant "
				       "table", fe_map__name(m));
		else if (c->values_used[i] && mu && mu->read_only)
			fe_diag_remark(c->d, loc, NULL,
				       "map '%s' is inlined: a configuration map (only read by the "
				       "programs of this file); lookups are address computations in its "
				       "values, which the runtime's linker places",
				       fe_map__name(m));
		else if (c->values_used[i])
			fe_diag_remark(c->d, loc, NULL,
				       "map '%s' is inlined: lookups and updates index its values, which "
				       "the runtime's linker places; not a configuration map: %s (line %u)",
				       fe_map__name(m), mu ? mu->why : "unknown", mu ? mu->line : 0);
		else if (why)
			fe_diag_remark(c->d, loc, NULL, "map '%s' is not inlined: %s", fe_map__name(m),
				       why);
		else if (c->o->no_inline_maps)
			fe_diag_remark(c->d, loc, NULL, "map '%s' is not inlined: --aot-no-inline-maps",
				       fe_map__name(m));
		else
			fe_diag_remark(c->d, loc, NULL,
				       "map '%s' is not inlined: no call on it could be (see the remarks "
				       "at its calls)",
				       fe_map__name(m));
	}
}

/* `extern PROTO __asm__("_bpf_helper_ext_NNNN")` in place of the variable. */
static int rewrite_decl(struct ctx *c, const struct fe_helper *h)
{
	CXCursor cur = fe_helper__cursor(h);
	CXSourceRange r = clang_getCursorExtent(cur);
	unsigned start, end, semi;
	char *text = NULL;
	int err;

	if (!rw_cursor_range(c->u, cur, &start, &end)) {
		fe_diag_aot(c->d, clang_getCursorLocation(cur), &r,
			    "helper '%s' is declared outside the translation unit's text; its "
			    "calls are not rewritten", fe_helper__name(h));
		return 0;
	}
	semi = rw_scan_decl_end(c->src, c->len, end);
	if (semi >= c->len || c->src[semi] != ';' || rw_scan_decl_end(c->src, c->len, start) != semi) {
		/* `static long (*a)(void) = (void *)1, (*b)(void) = (void *)2;` */
		fe_diag_aot(c->d, clang_getCursorLocation(cur), &r,
			    "helper '%s' shares its declaration with another declarator; its calls "
			    "are not rewritten", fe_helper__name(h));
		return 0;
	}
	if (asprintf(&text, "extern %s __asm__(\"_bpf_helper_ext_%04u\")", fe_helper__proto(h),
		     fe_helper__id(h)) < 0)
		return -ENOMEM;
	err = rw_edits__replace(c->e, start, semi - start, text);
	free(text);
	return err;
}

/* The text the unit starts with; *out malloc'ed (NULL: nothing). */
static int write_prelude(struct ctx *c, char **out)
{
	size_t n = fe_unit__nr_helpers(c->u), i, k = 0, blen = 0;
	struct fe_helper **hs = calloc(n + 1, sizeof(*hs));
	char *buf = NULL;
	FILE *f;

	*out = NULL;
	if (!hs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (c->used[i])
			hs[k++] = fe_unit__helper(c->u, i);
	qsort(hs, k, sizeof(*hs), cmp_id);
	f = open_memstream(&buf, &blen);
	if (!f) {
		free(hs);
		return -ENOMEM;
	}
	if (k && c->o->no_types) {
		write_untyped(f, hs, k);
		for (i = 0; i < k; i++)
			fprintf(f, "#define %s __bpfaot_call_%04u\n", fe_helper__name(hs[i]),
				fe_helper__id(hs[i]));
	}
	write_map_values(c, f);
	if (c->uses_tail_now)
		fputs("/* bpfaot: a tail call from a subprogram runs its target at once "
		      "(include/bpfaot/abi.h) */\n"
		      "extern unsigned long long __bpfaot_tail_call_now(void);\n",
		      f);
	fputs("/* bpfaot: CO-RE relocations have no native meaning: the access itself */\n"
	      "#define __builtin_preserve_access_index(x) (x)\n",
	      f);
	if (c->uses_bpf_only) {
		fputs("/* bpfaot: BPF-only builtins; the native code of a program that reaches one is "
		      "not built */\n", f);
		for (i = 0; i < sizeof(bpf_only) / sizeof(bpf_only[0]); i++)
			fprintf(f, "#define %s(...) 0\n", bpf_only[i]);
	}
	fclose(f);
	free(hs);
	if (!buf)
		return -ENOMEM;
	*out = buf;
	return 0;
}

int rw_helpers(const struct fe_unit *u, const struct rw_opts *opts, struct rw_edits *e,
	       struct fe_diags *d, char **prelude)
{
	static const struct rw_opts defaults;
	size_t n = fe_unit__nr_helpers(u), i;
	struct ctx c = { .u = u, .o = opts ? opts : &defaults, .e = e, .d = d };
	int err;

	*prelude = NULL;
	c.src = fe_unit__source(u, &c.len);
	c.used = calloc(n + 1, sizeof(bool));
	c.values_used = calloc(fe_unit__nr_maps(u) + 1, sizeof(bool));
	c.map_called = calloc(fe_unit__nr_maps(u) + 1, sizeof(bool));
	if (!c.used || !c.values_used || !c.map_called) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < fe_unit__nr_funcs(u) && !c.err; i++) {
		struct fe_func *f = fe_unit__func(u, i);
		const char *sec = fe_func__section(f);

		/* its body is a trap (rw_entry()) */
		if (rw_func_is_stubbed(c.o->prog, f))
			continue;
		c.func = f;
		c.func_is_prog = sec && strcmp(sec, ".text");
		clang_visitChildren(fe_func__cursor(f), walk, &c);
	}
	/* the others stay unused static variables, which the compile drops */
	for (i = 0; i < n && !c.err && !c.o->no_types; i++)
		if (c.used[i])
			c.err = rewrite_decl(&c, fe_unit__helper(u, i));
	err = c.err;
	if (!err)
		remark_maps(&c);
	if (!err)
		err = write_prelude(&c, prelude);
out_free:
	free(c.used);
	free(c.values_used);
	free(c.map_called);
	return err;
}
