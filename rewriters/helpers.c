// SPDX-License-Identifier: MIT
/*
 * The helper rewrite. In BPF, `bpf_map_lookup_elem(&m, &k)` calls through a
 * header variable `static void *(*bpf_map_lookup_elem)(void *map, const
 * void *key) = (void *) 1;`, 1 being the helper id. Natively the call goes
 * to the runtime's `_bpf_helper_ext_0001`, declared with the variable's own
 * prototype so that arguments keep their C types:
 *
 *     extern void *_bpf_helper_ext_0001(void *map, const void *key);
 *     rec = _bpf_helper_ext_0001(&xdp_stats, &action);
 *
 * Only the callee's name is replaced, so lines and columns stay put. The
 * declarations go in one block before the first function that calls a
 * helper (after the headers that declare the types they use). A helper
 * spelled inside a macro body (bpf_printk, BPF_CORE_READ) cannot be edited
 * at its call site: the block then also has `#define name
 * _bpf_helper_ext_NNNN`, which renames it in every later expansion.
 * `__builtin_preserve_access_index(x)` is BPF CO-RE bookkeeping whose value
 * is x; the block defines it so. BPF-only builtins with no native meaning
 * (__builtin_preserve_field_info, __builtin_btf_type_id, ...) are defined
 * as 0: a program that reaches one gets no native code at all (the backend
 * warns, [-Waot]), so only the other programs of the file see the stub.
 *
 * bpf_tail_call: the runtime's helper records the target and returns 0; the
 * native program must then return at once. In a program's own body the
 * call becomes
 *     ({ long __r = _bpf_helper_ext_0012(a, b, c); if (!__r) return 0; __r; })
 * so the code after a failed tail call still runs. Elsewhere (a function
 * the program calls) it stays a plain call and a [-Waot] warning says that
 * the caller goes on after a successful tail call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

#define TAIL_CALL_ID 12

struct ctx {
	const struct fe_unit *u;
	struct rw_edits *e;
	struct fe_diags *d;
	const char *src;
	size_t len;
	struct fe_func *func;	/* being walked */
	bool func_is_prog;
	bool *via_define;	/* per unit helper: needs the #define fallback */
	bool *used;		/* per unit helper: referenced by a main-file function */
	bool uses_pai;		/* __builtin_preserve_access_index */
	bool uses_bpf_only;	/* a builtin of BPF_ONLY */
	long first_func;	/* index of the first function needing the block, -1 */
	size_t func_idx;
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

static void mark_block(struct ctx *c)
{
	if (c->first_func < 0)
		c->first_func = (long)c->func_idx;
}

static void rewrite_ref(struct ctx *c, CXCursor ref_expr, long hi)
{
	struct fe_helper *h = fe_unit__helper(c->u, (size_t)hi);
	unsigned off;
	char ext[32];

	c->used[hi] = true;
	mark_block(c);
	if (!fe_unit__main_offset(c->u, clang_getCursorLocation(ref_expr), &off))
		return;
	if (!rw_is_ident_at(c->src, c->len, off, fe_helper__name(h))) {
		/* spelled in a macro body: renamed by the block's #define */
		c->via_define[hi] = true;
		return;
	}
	snprintf(ext, sizeof(ext), "_bpf_helper_ext_%04u", fe_helper__id(h));
	c->err = rw_edits__replace(c->e, off, (unsigned)strlen(fe_helper__name(h)), ext);
}

static void rewrite_tail_call(struct ctx *c, CXCursor call, CXCursor callee)
{
	unsigned s, e, off;
	CXSourceRange r = clang_getCursorExtent(call);

	if (!c->func_is_prog) {
		fe_diag_aot(c->d, clang_getCursorLocation(call), &r,
			    "bpf_tail_call() outside a program's own body: natively the caller "
			    "continues after a successful tail call");
		return;
	}
	if (!rw_cursor_range(c->u, call, &s, &e) ||
	    !fe_unit__main_offset(c->u, clang_getCursorLocation(callee), &off) || off != s ||
	    !rw_is_ident_at(c->src, c->len, s, "bpf_tail_call")) {
		fe_diag_aot(c->d, clang_getCursorLocation(call), &r,
			    "bpf_tail_call() inside a macro cannot be rewritten: natively the "
			    "program continues after a successful tail call");
		return;
	}
	c->err = rw_edits__insert(c->e, s, "({ long __r = ");
	if (!c->err)
		c->err = rw_edits__insert(c->e, e, "; if (!__r) return 0; __r; })");
}

static enum CXChildVisitResult walk(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct ctx *c = data;
	enum CXCursorKind k = clang_getCursorKind(cur);

	if (k == CXCursor_CallExpr) {
		CXCursor callee = rw_call_callee(cur);
		long hi = clang_Cursor_isNull(callee) ?
				  -1 :
				  helper_index(c->u, clang_getCursorReferenced(callee));

		if (hi >= 0 && fe_helper__id(fe_unit__helper(c->u, (size_t)hi)) == TAIL_CALL_ID)
			rewrite_tail_call(c, cur, callee);
	} else if (k == CXCursor_DeclRefExpr) {
		CXCursor ref = clang_getCursorReferenced(cur);
		long hi;

		if (clang_getCursorKind(ref) == CXCursor_VarDecl) {
			hi = helper_index(c->u, ref);
			if (hi >= 0)
				rewrite_ref(c, cur, hi);
		} else if (clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
			CXString s = clang_getCursorSpelling(ref);

			if (!strcmp(clang_getCString(s), "__builtin_preserve_access_index")) {
				c->uses_pai = true;
				mark_block(c);
			} else if (is_bpf_only(clang_getCString(s))) {
				c->uses_bpf_only = true;
				mark_block(c);
			}
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

static int insert_block(struct ctx *c)
{
	size_t n = fe_unit__nr_helpers(c->u), i, k = 0;
	struct fe_helper **hs = calloc(n + 1, sizeof(*hs));
	unsigned start, end;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f;
	int err;

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
	if (k)
		fputs("/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h) */\n", f);
	for (i = 0; i < k; i++)
		fprintf(f, "extern %s;\n", fe_helper__ext_proto(hs[i]));
	for (i = 0; i < n; i++) {
		struct fe_helper *h = fe_unit__helper(c->u, i);

		if (c->via_define[i])
			fprintf(f, "#define %s _bpf_helper_ext_%04u\n", fe_helper__name(h),
				fe_helper__id(h));
	}
	if (c->uses_pai)
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
	if (!rw_cursor_range(c->u, fe_func__cursor(fe_unit__func(c->u, (size_t)c->first_func)),
			     &start, &end)) {
		free(buf);
		return 0;
	}
	err = rw_edits__insert(c->e, start, buf);
	free(buf);
	return err;
}

int rw_helpers(const struct fe_unit *u, struct rw_edits *e, struct fe_diags *d)
{
	size_t n = fe_unit__nr_helpers(u), i;
	struct ctx c = { .u = u, .e = e, .d = d, .first_func = -1 };
	int err;

	c.src = fe_unit__source(u, &c.len);
	c.via_define = calloc(n + 1, sizeof(bool));
	c.used = calloc(n + 1, sizeof(bool));
	if (!c.via_define || !c.used) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < fe_unit__nr_funcs(u) && !c.err; i++) {
		struct fe_func *f = fe_unit__func(u, i);
		const char *sec = fe_func__section(f);

		c.func = f;
		c.func_idx = i;
		c.func_is_prog = sec && strcmp(sec, ".text");
		clang_visitChildren(fe_func__cursor(f), walk, &c);
	}
	err = c.err;
	if (!err && c.first_func >= 0)
		err = insert_block(&c);
out_free:
	free(c.via_define);
	free(c.used);
	return err;
}
