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
 * A raw-memory program (ctx "mem": an unknown section, or a global function
 * of .text in the ubpf convention) of two parameters gets (ctx, ctx_size).
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
	} else {
		char *sec = fe_cursor_section(fn);
		char *name = sec ? fe_strdup_cx(clang_getCursorSpelling(fn)) : NULL;

		if (sec)
			fe_diag_aot(c->d, clang_getCursorLocation(fn), NULL,
				    "cannot remove the section attribute of '%s': spelled through a "
				    "macro",
				    name ? name : "");
		free(name);
		free(sec);
	}
	if (!err && !is_static)
		err = rw_edits__insert(c->e, start, "static ");
	return err;
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

int rw_entry(const struct fe_unit *u, const struct fe_prog *p, struct rw_edits *e,
	     struct fe_diags *d)
{
	struct ctx c = { .u = u, .e = e, .d = d };
	char *text = NULL;
	size_t len;
	const char *sec;
	bool mem2;
	int n;

	clang_visitChildren(clang_getTranslationUnitCursor(fe_unit__tu(u)), visit_top, &c);
	if (c.err || !p)
		return c.err;
	fe_unit__source(u, &len);
	mem2 = fe_prog__ctx(p) == FE_CTX_MEM && fe_prog__nr_params(p) >= 2;
	sec = fe_func__section(fe_prog__func(p));
	/* no #include <stdint.h>: the file may define uint64_t itself, and
	 * unsigned long long is the ABI's uint64_t on x86-64 */
	n = asprintf(&text,
		     "\n/* bpfaot: the native entry of program '%s' (%s%s%s), see "
		     "include/bpfaot/abi.h */\n"
		     "unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)\n"
		     "{\n"
		     "%s"
		     "\treturn %s(%s);\n"
		     "}\n",
		     fe_prog__name(p), sec ? "SEC(\"" : "",
		     sec ? sec : "a global function of .text", sec ? "\")" : "",
		     mem2 ? "" : "\t(void)ctx_size;\n", fe_prog__name(p),
		     mem2 ? "ctx, ctx_size" : fe_prog__nr_params(p) ? "ctx" : "");
	if (n < 0)
		return -ENOMEM;
	n = rw_edits__insert(e, (unsigned)len, text);
	free(text);
	return n;
}
