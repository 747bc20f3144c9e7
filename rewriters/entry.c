// SPDX-License-Identifier: MIT
/*
 * The entry rewrite. Native code for program P is one object per program,
 * so every function of the main file becomes `static` (the optimiser then
 * keeps only what P reaches) and loses its SEC() (which would otherwise
 * put code into sections such as "xdp" and keep it alive with `used`);
 * prototypes of those functions become static too. Then the native entry
 * of the ABI is appended:
 *
 *     unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
 *     { return P(ctx); }
 *
 * (a program declared void: `P(ctx); return 0;`).
 *
 * A raw-memory program (ctx "mem": an unknown section, or a global function
 * of .text in the ubpf convention) of two parameters gets (ctx, ctx_size).
 *
 * A file may define bpf_main itself (bpftime's convention, `unsigned long
 * long bpf_main(void *mem)`): the prelude renames every use of it
 * (`#define bpf_main __bpfaot_user_bpf_main`), and the entry, after an
 * #undef, calls the renamed program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

struct ctx {
	const struct fe_unit *u;
	struct rw_edits *e;
	struct fe_diags *d;
	int err;
};

static bool defined_here(const struct fe_unit *u, const char *name)
{
	size_t i;

	for (i = 0; i < fe_unit__nr_funcs(u); i++)
		if (!strcmp(fe_func__name(fe_unit__func(u, i)), name))
			return true;
	return false;
}

/* A function declaration of the main file: static, without SEC(). */
static int rewrite_decl(struct ctx *c, CXCursor fn)
{
	const char *src;
	size_t len;
	unsigned start, end, body = 0, s, e;
	bool is_static = clang_Cursor_getStorageClass(fn) == CX_SC_Static;
	CXSourceRange r;
	int err = 0;

	src = fe_unit__source(c->u, &len);
	if (!rw_cursor_range(c->u, fn, &start, &end)) {
		r = clang_getCursorExtent(fn);
		fe_diag_aot(c->d, clang_getCursorLocation(fn), &r,
			    "cannot make this function static: it is not spelled in the main file");
		return 0;
	}
	/* glibc's `extern __inline __attribute__((__gnu_inline__))` (CMSG_NXTHDR):
	 * a body for inlining only, never a symbol; it stays as it is */
	if (clang_Cursor_getStorageClass(fn) == CX_SC_Extern &&
	    clang_Location_isInSystemHeader(clang_getCursorLocation(fn)))
		return 0;
	if (clang_Cursor_getStorageClass(fn) == CX_SC_Extern) {
		r = clang_getCursorExtent(fn);
		fe_diag_at(c->d, FE_ERROR, clang_getCursorLocation(fn), &r,
			   "'extern' function defined in this file cannot be made static");
		return -EINVAL;
	}
	/* attributes end where the body (or the end of the prototype) starts */
	body = end;
	if (clang_isCursorDefinition(fn)) {
		const char *b = memchr(src + start, '{', end - start);

		if (b)
			body = (unsigned)(b - src);
	}
	if (rw_find_section_attr(c->u, start, body, &s, &e)) {
		if (s == start) {
			/* `SEC("xdp")\nint f(...)` keeps its lines: `static\nint f(...)` */
			err = rw_edits__replace(c->e, s, e - s, is_static ? "" : "static");
			is_static = true;
		} else {
			unsigned ws = s;

			while (ws > start && (src[ws - 1] == ' ' || src[ws - 1] == '\t'))
				ws--;
			err = rw_edits__replace(c->e, ws, e - ws, "");
		}
	}
	/* a static function cannot be weak (libbpf's usdt.bpf.h: `__weak
	 * __hidden int bpf_usdt_arg(...)`); each program's unit has one copy */
	if (!err && !is_static && rw_find_weak_attr(c->u, start, body, &s, &e))
		err = rw_edits__replace(c->e, s, e - s, "");
	/* no section attribute among its own tokens: inherited from an earlier
	 * declaration (BPF_KPROBE's prototype), which loses it there */
	if (!err && !is_static)
		err = rw_edits__insert(c->e, start, "static ");
	return err;
}

static enum CXChildVisitResult find_body(CXCursor c, CXCursor parent, CXClientData data)
{
	if (clang_getCursorKind(c) != CXCursor_CompoundStmt)
		return CXChildVisit_Continue;
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

/* The body of a function the program does not reach, or of one with BPF
 * assembly (which cannot compile natively: its clobbers name BPF
 * registers), becomes a trap (rw_func_is_stubbed()). The programs that
 * reach assembly get no native code (the backend says so, [-Waot]). */
static int stub_body(struct ctx *c, const struct fe_func *f)
{
	const char *why = fe_func__unsupported(f);
	CXCursor body = clang_getNullCursor();
	unsigned s, e;

	clang_visitChildren(fe_func__cursor(f), find_body, &body);
	if (clang_Cursor_isNull(body) || !rw_cursor_range(c->u, body, &s, &e))
		return 0;
	return rw_edits__replace(c->e, s, e - s,
				 why && !strcmp(why, FE_INLINE_ASM) ?
					 "{ /* bpfaot: inline BPF assembly */ __builtin_trap(); }" :
					 "{ /* bpfaot: not reached by this program */ __builtin_trap(); }");
}

static enum CXChildVisitResult visit_top(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct ctx *c = data;
	char *name;
	CXString s;

	if (clang_getCursorKind(cur) != CXCursor_FunctionDecl ||
	    !clang_Location_isFromMainFile(clang_getCursorLocation(cur)))
		return CXChildVisit_Continue;
	s = clang_getCursorSpelling(cur);
	name = strdup(clang_getCString(s) ? clang_getCString(s) : "");
	clang_disposeString(s);
	if (!name) {
		c->err = -ENOMEM;
		return CXChildVisit_Break;
	}
	/* declarations of functions defined elsewhere (kfuncs, ...) stay */
	if (defined_here(c->u, name))
		c->err = rewrite_decl(c, cur);
	free(name);
	return c->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

#define USER_MAIN "__bpfaot_user_bpf_main"

/* Appends the native entry fn of program p, at the end of the unit. */
static int append_entry(const struct fe_unit *u, const struct fe_prog *p, const char *fn,
			bool user_main, struct rw_edits *e)
{
	char *text = NULL;
	size_t len;
	const char *sec, *name;
	bool mem2, is_void;
	int n;

	name = strcmp(fe_prog__name(p), "bpf_main") ? fe_prog__name(p) : USER_MAIN;
	fe_unit__source(u, &len);
	mem2 = fe_prog__ctx(p) == FE_CTX_MEM && fe_prog__nr_params(p) >= 2;
	sec = fe_func__section(fe_prog__func(p));
	/* a program declared void (libbpf-tools' syncsnoop) returns 0 natively:
	 * its bytecode returns whatever r0 holds, a helper's result */
	is_void = clang_getCursorResultType(fe_func__cursor(fe_prog__func(p))).kind == CXType_Void;
	/* no #include <stdint.h>: the file may define uint64_t itself, and
	 * unsigned long long is the ABI's uint64_t on x86-64 */
	n = asprintf(&text,
		     "\n/* bpfaot: the native entry of program '%s' (%s%s%s), see "
		     "include/bpfaot/abi.h */\n"
		     "%s"
		     "unsigned long long %s(void *ctx, unsigned long long ctx_size)\n"
		     "{\n"
		     "%s"
		     "\t%s%s(%s);%s\n"
		     "}\n",
		     fe_prog__name(p), sec ? "SEC(\"" : "",
		     sec ? sec : "a global function of .text", sec ? "\")" : "",
		     user_main ? "#undef bpf_main\n" : "", fn, mem2 ? "" : "\t(void)ctx_size;\n",
		     is_void ? "" : "return ", name,
		     mem2 ? "ctx, ctx_size" : fe_prog__nr_params(p) ? "ctx" : "",
		     is_void ? "\n\treturn 0;" : "");
	if (n < 0)
		return -ENOMEM;
	n = rw_edits__insert(e, (unsigned)len, text);
	free(text);
	return n;
}

int rw_entry(const struct fe_unit *u, const struct fe_prog *p, const struct rw_opts *opts,
	     struct rw_edits *e, struct fe_diags *d, char **prelude)
{
	struct ctx c = { .u = u, .e = e, .d = d };
	bool user_main = defined_here(u, "bpf_main");
	char *fn;
	size_t i;
	int n;

	*prelude = NULL;
	clang_visitChildren(clang_getTranslationUnitCursor(fe_unit__tu(u)), visit_top, &c);
	for (n = 0; !c.err && (size_t)n < fe_unit__nr_funcs(u); n++)
		if (rw_func_is_stubbed(p, fe_unit__func(u, (size_t)n)))
			c.err = stub_body(&c, fe_unit__func(u, (size_t)n));
	if (c.err)
		return c.err;
	if (user_main && !(*prelude = strdup("/* bpfaot: the file's own bpf_main; the native "
					     "entry is ours */\n#define bpf_main " USER_MAIN "\n")))
		return -ENOMEM;
	if (p)
		return append_entry(u, p, "bpf_main", user_main, e);
	for (i = 0; opts && i < opts->nr_entries; i++) {
		if (asprintf(&fn, RW_ENTRY_PREFIX "%s", fe_prog__name(opts->entries[i])) < 0)
			return -ENOMEM;
		n = append_entry(u, opts->entries[i], fn, user_main && !i, e);
		free(fn);
		if (n)
			return n;
	}
	return 0;
}
