// SPDX-License-Identifier: MIT
/*
 * The global-data rewrite. Globals of .data/.rodata/.bss live in the
 * runtime's global-data maps, shared by every engine and by user space, so
 * natively they are undefined symbols the linker binds there (at the offset
 * the manifest gives). Each definition becomes an `extern` declaration of
 * the same type and qualifiers, keeping its attributes:
 *
 *     const volatile __u32 scale = 7;   ->  extern const volatile __u32 scale;
 *     static __u64 hits;                ->  extern __u64 hits;
 *     const __u8 tbl[] = { 1, 2 };      ->  extern const __u8 tbl[2];
 *
 * A `.rodata` integer named by --aot-const becomes a static const of that
 * value instead (rewriters/consts.c).
 *
 * Variables of other sections (license, version) mean nothing natively:
 * they lose their SEC() and become static, so the optimiser drops them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

struct ctx {
	const struct fe_unit *u;
	const struct rw_opts *o;
	struct rw_edits *e;
	struct fe_diags *d;
	unsigned prev_start, prev_end;
	unsigned const_start;	/* the declaration of the last --aot-const global */
	bool prev_extern_done;
	int err;
};

static bool tok_eq(CXTranslationUnit tu, CXToken t, const char *s)
{
	CXString sp = clang_getTokenSpelling(tu, t);
	bool r = !strcmp(clang_getCString(sp), s);

	clang_disposeString(sp);
	return r;
}

static unsigned tok_start(const struct fe_unit *u, CXToken t)
{
	unsigned off = 0;

	fe_unit__main_offset(u, clang_getRangeStart(clang_getTokenExtent(fe_unit__tu(u), t)), &off);
	return off;
}

static unsigned tok_end(const struct fe_unit *u, CXToken t)
{
	unsigned off = 0;

	fe_unit__main_offset(u, clang_getRangeEnd(clang_getTokenExtent(fe_unit__tu(u), t)), &off);
	return off;
}

/*
 * `volatile` of a .rodata global goes: libbpf's `const volatile` only stops
 * clang from folding the initialiser into BPF code, and the native code
 * declares the variable extern, which no compiler can fold. .rodata does not
 * change while a program runs (programs cannot write it; the host sets it
 * before a run), so without `volatile` the optimiser may read it once per
 * run and move the tests on it out of loops.
 */
static int drop_volatile(struct ctx *c, CXToken t)
{
	const char *src = fe_unit__source(c->u, NULL);
	unsigned s = tok_start(c->u, t), e = tok_end(c->u, t);

	while (src[e] == ' ' || src[e] == '\t')
		e++;
	return rw_edits__replace(c->e, s, e - s, "");
}

static int rewrite_global(struct ctx *c, struct fe_global *g)
{
	CXTranslationUnit tu = fe_unit__tu(c->u);
	CXCursor cur = fe_global__cursor(g);
	CXSourceRange r = clang_getCursorExtent(cur);
	unsigned start, end, from, i, n = 0, eq = ~0u, static_tok = ~0u;
	unsigned empty_dim = ~0u, name_off;
	const char *sec = fe_global__section(g);
	bool rodata = sec && (!strcmp(sec, ".rodata") || !strncmp(sec, ".rodata.", 8));
	CXToken *toks = NULL;
	char *text = NULL;
	int depth = 0, err = 0;
	bool same_decl;

	if (!rw_cursor_range(c->u, cur, &start, &end)) {
		fe_diag_at(c->d, FE_ERROR, clang_getCursorLocation(cur), &r,
			   "global '%s' is not spelled in the main file; cannot rewrite it",
			   fe_global__name(g));
		return -EINVAL;
	}
	if (!fe_unit__main_offset(c->u, clang_getCursorLocation(cur), &name_off))
		name_off = start;
	same_decl = start == c->prev_start;
	from = same_decl ? c->prev_end : start;
	err = rw_const_decl(g, c->o, &text);
	if (err < 0)
		return err;
	if (err > 0) {
		const char *src;
		size_t len;
		unsigned semi;

		src = fe_unit__source(c->u, &len);
		semi = rw_scan_decl_end(src, len, end);
		if (same_decl || semi >= len || src[semi] != ';') {
			fe_diag_at(c->d, FE_ERROR, clang_getCursorLocation(cur), &r,
				   "--aot-const: '%s' shares its declaration with another "
				   "declarator; declare it on its own",
				   fe_global__name(g));
			free(text);
			return -EINVAL;
		}
		err = rw_edits__replace(c->e, start, semi - start, text);
		free(text);
		c->prev_start = start;
		c->prev_end = end;
		c->prev_extern_done = true;
		c->const_start = start;
		return err;
	}
	if (same_decl && start == c->const_start) {
		fe_diag_at(c->d, FE_ERROR, clang_getCursorLocation(cur), &r,
			   "--aot-const: '%s' shares its declaration with a global compiled in; "
			   "declare that one on its own",
			   fe_global__name(g));
		return -EINVAL;
	}
	clang_tokenize(tu, r, &toks, &n);
	for (i = 0; i < n; i++) {
		unsigned off = tok_start(c->u, toks[i]);

		if (off < from && !(off < name_off && !same_decl))
			continue;
		if (off < name_off && clang_getTokenKind(toks[i]) == CXToken_Keyword &&
		    tok_eq(tu, toks[i], "static"))
			static_tok = i;
		if (rodata && !err && off < name_off &&
		    clang_getTokenKind(toks[i]) == CXToken_Keyword && tok_eq(tu, toks[i], "volatile"))
			err = drop_volatile(c, toks[i]);
		if (tok_eq(tu, toks[i], "(") || tok_eq(tu, toks[i], "{")) {
			depth++;
		} else if (tok_eq(tu, toks[i], ")") || tok_eq(tu, toks[i], "}")) {
			depth--;
		} else if (depth == 0 && off >= name_off && eq == ~0u && tok_eq(tu, toks[i], "=")) {
			eq = i;
		} else if (depth == 0 && off >= name_off && eq == ~0u && empty_dim == ~0u &&
			   i + 1 < n && tok_eq(tu, toks[i], "[") && tok_eq(tu, toks[i + 1], "]")) {
			empty_dim = i;
		}
	}
	if (!err && (!same_decl || !c->prev_extern_done)) {
		if (static_tok != ~0u)
			err = rw_edits__replace(c->e, tok_start(c->u, toks[static_tok]), 6, "extern");
		else
			err = rw_edits__insert(c->e, start, "extern ");
	}
	if (!err && empty_dim != ~0u) {
		char size[32];
		long long cnt = clang_getArraySize(clang_getCursorType(cur));

		snprintf(size, sizeof(size), "%lld", cnt > 0 ? cnt : 0);
		if (cnt > 0)
			err = rw_edits__insert(c->e, tok_end(c->u, toks[empty_dim]), size);
	}
	if (!err && eq != ~0u) {
		/* drop " = init": from the blanks before '=' on its line (never
		 * across a line: a line marker or #pragma may end there) */
		unsigned del = tok_start(c->u, toks[eq]);
		const char *src = fe_unit__source(c->u, NULL);

		while (del > start && (src[del - 1] == ' ' || src[del - 1] == '\t'))
			del--;

		err = rw_edits__replace(c->e, del, end - del, "");
	}
	clang_disposeTokens(tu, toks, n);
	c->prev_start = start;
	c->prev_end = end;
	c->prev_extern_done = true;
	return err;
}

static bool is_data_or_map_section(const char *s)
{
	return !strcmp(s, ".data") || !strcmp(s, ".rodata") || !strcmp(s, ".bss") ||
	       !strncmp(s, ".data.", 6) || !strncmp(s, ".rodata.", 8) || !strncmp(s, ".bss.", 5) ||
	       !strcmp(s, ".maps") || !strcmp(s, "maps");
}

/* license, version, ...: static without SEC() */
static enum CXChildVisitResult other_sections(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct ctx *c = data;
	unsigned start, end, s, e;
	const char *src;
	size_t len;
	char *sec;

	if (clang_getCursorKind(cur) != CXCursor_VarDecl ||
	    !clang_Location_isFromMainFile(clang_getCursorLocation(cur)) ||
	    clang_Cursor_getStorageClass(cur) == CX_SC_Extern)
		return CXChildVisit_Continue;
	sec = fe_cursor_section(cur);
	if (!sec || is_data_or_map_section(sec) || !rw_cursor_range(c->u, cur, &start, &end)) {
		free(sec);
		return CXChildVisit_Continue;
	}
	src = fe_unit__source(c->u, &len);
	if (rw_find_section_attr(c->u, start, rw_scan_decl_end(src, len, start), &s, &e)) {
		while (s > start && (src[s - 1] == ' ' || src[s - 1] == '\t'))
			s--;
		c->err = rw_edits__replace(c->e, s, e - s, "");
		if (!c->err && clang_Cursor_getStorageClass(cur) != CX_SC_Static)
			c->err = rw_edits__insert(c->e, start, "static ");
	}
	free(sec);
	return c->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

int rw_globals(const struct fe_unit *u, const struct rw_opts *opts, struct rw_edits *e,
	       struct fe_diags *d)
{
	struct ctx c = { .u = u, .o = opts, .e = e, .d = d, .prev_start = ~0u, .const_start = ~0u };
	bool only_located = opts && opts->only_located_globals;
	struct fe_global *g;
	size_t i;
	int err;

	err = rw_consts_check(u, opts, d);
	if (err)
		return err;
	fe_unit__for_each_global(g, u, i) {
		if (only_located && fe_global__offset(g) < 0)
			continue;
		err = rewrite_global(&c, g);
		if (err)
			return err;
	}
	clang_visitChildren(clang_getTranslationUnitCursor(fe_unit__tu(u)), other_sections, &c);
	return c.err;
}
