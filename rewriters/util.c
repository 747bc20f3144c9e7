// SPDX-License-Identifier: MIT
/*
 * Source-position helpers of the rewriters: cursor extents as main-file
 * offsets, finding a section attribute among a declaration's tokens, and a
 * small C scanner that finds where a declarator ends.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

int rw_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need)
{
	size_t new_cap;
	void *p;

	if (need <= *cap)
		return 0;
	new_cap = *cap ? *cap : 8;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2 / elem_sz)
			return -ENOMEM;
		new_cap *= 2;
	}
	p = realloc(*data, new_cap * elem_sz);
	if (!p)
		return -ENOMEM;
	*data = p;
	*cap = new_cap;
	return 0;
}

bool rw_func_is_stubbed(const struct fe_prog *p, const struct fe_func *f)
{
	const char *why = fe_func__unsupported(f);
	size_t i;

	if (why && !strcmp(why, FE_INLINE_ASM))
		return true;
	if (!p)
		return false;
	for (i = 0; i < fe_prog__nr_funcs(p); i++)
		if (fe_prog__reached_func(p, i) == f)
			return false;
	return true;
}

bool rw_cursor_range(const struct fe_unit *u, CXCursor c, unsigned *start, unsigned *end)
{
	CXSourceRange r = clang_getCursorExtent(c);

	return fe_unit__main_offset(u, clang_getRangeStart(r), start) &&
	       fe_unit__main_offset(u, clang_getRangeEnd(r), end) && *start <= *end;
}

CXSourceLocation rw_offset_loc(const struct fe_unit *u, unsigned off)
{
	return clang_getLocationForOffset(fe_unit__tu(u), fe_unit__main_file(u), off);
}

static char *tok_str(CXTranslationUnit tu, CXToken t)
{
	CXString s = clang_getTokenSpelling(tu, t);
	char *r = strdup(clang_getCString(s) ? clang_getCString(s) : "");

	clang_disposeString(s);
	return r;
}

static bool tok_is(CXTranslationUnit tu, CXToken t, const char *text)
{
	char *s = tok_str(tu, t);
	bool r = s && !strcmp(s, text);

	free(s);
	return r;
}

static unsigned tok_off(const struct fe_unit *u, CXTranslationUnit tu, CXToken t, bool end)
{
	CXSourceRange r = clang_getTokenExtent(tu, t);
	unsigned off = 0;

	fe_unit__main_offset(u, end ? clang_getRangeEnd(r) : clang_getRangeStart(r), &off);
	return off;
}

/* Index of the ')' closing the '(' at tokens[i], or n. */
static unsigned match_paren(CXTranslationUnit tu, CXToken *toks, unsigned n, unsigned i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (tok_is(tu, toks[i], "("))
			depth++;
		else if (tok_is(tu, toks[i], ")") && --depth == 0)
			return i;
	}
	return n;
}

bool rw_find_section_attr(const struct fe_unit *u, unsigned from, unsigned to, unsigned *s,
			  unsigned *e)
{
	CXTranslationUnit tu = fe_unit__tu(u);
	CXSourceRange r = clang_getRange(rw_offset_loc(u, from), rw_offset_loc(u, to));
	CXToken *toks = NULL;
	unsigned n = 0, i, j;
	bool found = false;

	clang_tokenize(tu, r, &toks, &n);
	for (i = 0; i + 1 < n && !found; i++) {
		if (tok_off(u, tu, toks[i], false) >= to)
			break;
		if ((tok_is(tu, toks[i], "SEC") || tok_is(tu, toks[i], "__section")) &&
		    tok_is(tu, toks[i + 1], "(")) {
			j = match_paren(tu, toks, n, i + 1);
			if (j < n) {
				*s = tok_off(u, tu, toks[i], false);
				*e = tok_off(u, tu, toks[j], true);
				found = true;
			}
		} else if (tok_is(tu, toks[i], "__attribute__") && i + 3 < n &&
			   tok_is(tu, toks[i + 1], "(") && tok_is(tu, toks[i + 2], "(") &&
			   tok_is(tu, toks[i + 3], "section")) {
			j = match_paren(tu, toks, n, i + 1);
			if (j < n) {
				*s = tok_off(u, tu, toks[i], false);
				*e = tok_off(u, tu, toks[j], true);
				found = true;
			}
		}
	}
	clang_disposeTokens(tu, toks, n);
	return found;
}

bool rw_find_weak_attr(const struct fe_unit *u, unsigned from, unsigned to, unsigned *s,
		       unsigned *e)
{
	CXTranslationUnit tu = fe_unit__tu(u);
	CXSourceRange r = clang_getRange(rw_offset_loc(u, from), rw_offset_loc(u, to));
	CXToken *toks = NULL;
	unsigned n = 0, i;
	bool found = false;

	clang_tokenize(tu, r, &toks, &n);
	for (i = 0; i + 5 < n && !found; i++) {
		if (tok_off(u, tu, toks[i], false) >= to)
			break;
		/* __attribute__((weak)): the spelling of libbpf's __weak */
		if (tok_is(tu, toks[i], "__attribute__") && tok_is(tu, toks[i + 1], "(") &&
		    tok_is(tu, toks[i + 2], "(") &&
		    (tok_is(tu, toks[i + 3], "weak") || tok_is(tu, toks[i + 3], "__weak__")) &&
		    tok_is(tu, toks[i + 4], ")") && tok_is(tu, toks[i + 5], ")")) {
			*s = tok_off(u, tu, toks[i], false);
			*e = tok_off(u, tu, toks[i + 5], true);
			found = true;
		}
	}
	clang_disposeTokens(tu, toks, n);
	return found;
}

unsigned rw_scan_decl_end(const char *src, size_t len, unsigned from)
{
	int depth = 0;
	size_t i;

	for (i = from; i < len; i++) {
		char c = src[i];

		if (c == '/' && i + 1 < len && src[i + 1] == '*') {
			const char *end = strstr(src + i + 2, "*/");

			i = end ? (size_t)(end - src) + 1 : len;
		} else if (c == '/' && i + 1 < len && src[i + 1] == '/') {
			while (i < len && src[i] != '\n')
				i++;
		} else if (c == '"' || c == '\'') {
			for (i++; i < len && src[i] != c; i++)
				if (src[i] == '\\')
					i++;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			depth--;
		} else if ((c == ';' || c == ',') && depth <= 0) {
			return (unsigned)i;
		}
	}
	return (unsigned)len;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool rw_is_ident_at(const char *src, size_t len, unsigned off, const char *name)
{
	size_t n = strlen(name);

	if ((size_t)off + n > len || memcmp(src + off, name, n))
		return false;
	if (off > 0 && is_ident_char(src[off - 1]))
		return false;
	return (size_t)off + n == len || !is_ident_char(src[off + n]);
}

static enum CXChildVisitResult first_child(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

CXCursor rw_call_callee(CXCursor call)
{
	CXCursor c = clang_getNullCursor();
	int guard;

	clang_visitChildren(call, first_child, &c);
	for (guard = 0; guard < 8 && !clang_Cursor_isNull(c); guard++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		CXCursor next = clang_getNullCursor();

		if (k == CXCursor_DeclRefExpr)
			return c;
		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr)
			break;
		clang_visitChildren(c, first_child, &next);
		c = next;
	}
	return clang_getNullCursor();
}

CXCursor rw_expr_strip(CXCursor c)
{
	int guard;

	for (guard = 0; guard < 16 && !clang_Cursor_isNull(c); guard++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		CXCursor next = clang_getNullCursor();

		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr)
			break;
		clang_visitChildren(c, first_child, &next);
		if (clang_Cursor_isNull(next) || !clang_isExpression(clang_getCursorKind(next)))
			break;
		c = next;
	}
	return c;
}

static enum CXChildVisitResult find_impure(CXCursor c, CXCursor parent, CXClientData data)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	if (k == CXCursor_CallExpr || k == CXCursor_StmtExpr || k == CXCursor_CompoundAssignOperator ||
	    k == CXCursor_CompoundStmt) {
		*(bool *)data = true;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

/* Tokens that write: assignments and increments (== and friends are
 * tokens of their own). */
static bool tok_writes(const char *t)
{
	static const char *const w[] = { "=",  "+=", "-=", "*=",  "/=",  "%=", "&=",
					 "|=", "^=", "++", "--", "<<=", ">>=" };
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(t, w[i]))
			return true;
	return false;
}

static bool range_of_expr(const struct fe_unit *u, CXCursor expr, unsigned *s, unsigned *e)
{
	const char *src;
	size_t len;

	if (!rw_cursor_range(u, expr, s, e) || *s == *e)
		return false;
	src = fe_unit__source(u, &len);
	/* an expression that ends inside a macro expansion has no exact text */
	if (*e < len && is_ident_char(src[*e - 1]) && is_ident_char(src[*e]))
		return false;
	return true;
}

bool rw_expr_is_pure(const struct fe_unit *u, CXCursor expr)
{
	CXTranslationUnit tu = fe_unit__tu(u);
	CXToken *toks = NULL;
	unsigned n = 0, i, s, e;
	bool impure = false;

	if (!range_of_expr(u, expr, &s, &e))
		return false;
	if (find_impure(expr, expr, &impure) == CXChildVisit_Break)
		return false;
	clang_visitChildren(expr, find_impure, &impure);
	if (impure)
		return false;
	clang_tokenize(tu, clang_getCursorExtent(expr), &toks, &n);
	for (i = 0; i < n && !impure; i++) {
		char *t = tok_str(tu, toks[i]);

		impure = !t || tok_writes(t);
		free(t);
	}
	clang_disposeTokens(tu, toks, n);
	return !impure;
}

char *rw_expr_text(const struct fe_unit *u, CXCursor expr)
{
	const char *src;
	unsigned s, e;

	if (!range_of_expr(u, expr, &s, &e))
		return NULL;
	src = fe_unit__source(u, NULL);
	return strndup(src + s, e - s);
}
