// SPDX-License-Identifier: MIT
/*
 * The native unit without the declarations its code never needs. The
 * rewritten unit is the preprocessed translation unit: with vmlinux.h,
 * tens of thousands of type definitions, of which a program uses a few
 * hundred; the native front end would parse them all again. This pass
 * blanks the top-level declarations nothing needs, so that the native
 * object is the same (declarations make no code) for a fraction of the
 * parse.
 *
 * Top-level declarations whose text overlaps (`typedef struct {...} t;`)
 * form one group, kept or left out whole. A group may be left out when
 * each of its declarations is a struct, union, enum or typedef, a function
 * prototype, an `extern` variable or a `static` pointer to a function (the
 * helper declarations of bpf_helper_defs.h), and no other rewrite edits its
 * text. Every other group is needed; the declarations a needed group uses
 * are needed in turn:
 *
 *   - what its code names (a variable, a function, an enumerator: its
 *     enum; a member: the record it belongs to);
 *   - the types of its declarations and expressions, complete: a record
 *     used by value, as an array element, in sizeof or a cast is needed
 *     whole; behind a pointer only its name, which a forward declaration
 *     at the top of the unit (`struct task_struct;`) provides;
 *   - a typedef, and what it names (complete when it is used by value).
 *
 * A group left out becomes blank lines, its line markers kept, so every
 * line keeps its number. Nothing is left out when a top-level declaration
 * lies outside the main file (the unit was not preprocessed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

/* A pointer chain or nesting of types deeper than this is scanned no more. */
#define MAX_TYPE_DEPTH 64

struct group {
	unsigned start, end;	/* main-file offsets of its text */
	size_t first, n;	/* its declarations: items[first .. first + n) */
	bool removable, needed;
};

struct item {
	CXCursor cur;
	unsigned start, end;
	bool removable;
};

struct fwd {
	unsigned hash;
	CXCursor cur;
};

struct ctx {
	const struct fe_unit *u;
	struct item *items;
	size_t nr_items, items_cap;
	struct group *groups;
	size_t nr_groups, groups_cap;
	size_t *todo;		/* groups needed but not scanned yet */
	size_t nr_todo;
	struct fwd *fwds;	/* records named behind pointers only */
	size_t nr_fwds, fwds_cap;
	bool outside;		/* a top-level declaration is not in the main file */
	int err;
};

static bool is_function_pointer(CXType t)
{
	CXType p;

	if (t.kind != CXType_Pointer)
		return false;
	p = clang_getCanonicalType(clang_getPointeeType(t));
	return p.kind == CXType_FunctionProto || p.kind == CXType_FunctionNoProto;
}

/* Whether a top-level declaration declares nothing that makes code. */
static bool decl_is_removable(CXCursor c)
{
	switch (clang_getCursorKind(c)) {
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
	case CXCursor_EnumDecl:
	case CXCursor_TypedefDecl:
		return true;
	case CXCursor_FunctionDecl:
		return !clang_isCursorDefinition(c);
	case CXCursor_VarDecl:
		switch (clang_Cursor_getStorageClass(c)) {
		case CX_SC_Extern:
			return !clang_isCursorDefinition(c);
		case CX_SC_Static:
			return is_function_pointer(clang_getCursorType(c));
		default:
			return false;
		}
	default:
		return false;
	}
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data)
{
	struct ctx *x = data;
	struct item *it;
	unsigned s, e;

	/* the preprocessing record's macros (the built-in ones) */
	if (clang_isPreprocessing(clang_getCursorKind(c)))
		return CXChildVisit_Continue;
	if (!rw_cursor_range(x->u, c, &s, &e)) {
		x->outside = true;
		return CXChildVisit_Break;
	}
	if (rw_ensure_mem((void **)&x->items, &x->items_cap, sizeof(*x->items),
			  x->nr_items + 1)) {
		x->err = -ENOMEM;
		return CXChildVisit_Break;
	}
	it = &x->items[x->nr_items++];
	it->cur = c;
	it->start = s;
	it->end = e;
	it->removable = decl_is_removable(c);
	return CXChildVisit_Continue;
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Groups of overlapping items, in order. */
static int make_groups(struct ctx *x)
{
	struct group *g = NULL;
	size_t i;

	qsort(x->items, x->nr_items, sizeof(*x->items), cmp_item);
	for (i = 0; i < x->nr_items; i++) {
		const struct item *it = &x->items[i];

		if (g && it->start < g->end) {
			if (it->end > g->end)
				g->end = it->end;
			g->n++;
			g->removable = g->removable && it->removable;
			continue;
		}
		if (rw_ensure_mem((void **)&x->groups, &x->groups_cap, sizeof(*x->groups),
				  x->nr_groups + 1))
			return -ENOMEM;
		g = &x->groups[x->nr_groups++];
		*g = (struct group){ .start = it->start, .end = it->end, .first = i, .n = 1,
				     .removable = it->removable };
	}
	return 0;
}

/* The group whose text holds offset off, or NULL. */
static struct group *group_at(struct ctx *x, unsigned off)
{
	size_t lo = 0, hi = x->nr_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct group *g = &x->groups[mid];

		if (off < g->start)
			hi = mid;
		else if (off >= g->end && !(off == g->start))
			lo = mid + 1;
		else
			return g;
	}
	return NULL;
}

static void need_group(struct ctx *x, struct group *g)
{
	if (!g || g->needed)
		return;
	g->needed = true;
	x->todo[x->nr_todo++] = (size_t)(g - x->groups);
}

/* The group of the top-level declaration that holds declaration d. */
static void need_decl(struct ctx *x, CXCursor d)
{
	CXCursor p;
	unsigned s, e;
	int depth;

	if (clang_Cursor_isNull(d) || clang_isInvalid(clang_getCursorKind(d)))
		return;
	for (depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		p = clang_getCursorSemanticParent(d);
		if (clang_Cursor_isNull(p) || clang_isInvalid(clang_getCursorKind(p)) ||
		    clang_getCursorKind(p) == CXCursor_TranslationUnit)
			break;
		d = p;
	}
	if (rw_cursor_range(x->u, d, &s, &e))
		need_group(x, group_at(x, s));
}

/* A named record that only a pointer reaches: a forward declaration. */
static void need_name(struct ctx *x, CXCursor d)
{
	unsigned h = clang_hashCursor(d);
	CXString name = clang_getCursorSpelling(d);
	const char *n = clang_getCString(name);
	bool anon;
	size_t i;

	/* a record without a name of its own (libclang may spell it
	 * "struct (unnamed at ...)"): its declaration, whole */
	anon = clang_Cursor_isAnonymous(d) || !n || !*n || strchr(n, ' ') || strchr(n, '(');
	clang_disposeString(name);
	if (anon) {
		need_decl(x, d);
		return;
	}
	for (i = 0; i < x->nr_fwds; i++)
		if (x->fwds[i].hash == h && clang_equalCursors(x->fwds[i].cur, d))
			return;
	if (rw_ensure_mem((void **)&x->fwds, &x->fwds_cap, sizeof(*x->fwds), x->nr_fwds + 1)) {
		x->err = -ENOMEM;
		return;
	}
	x->fwds[x->nr_fwds++] = (struct fwd){ .hash = h, .cur = d };
}

static void need_type(struct ctx *x, CXType t, bool complete, int depth)
{
	CXCursor d;
	int i, n;

	if (depth > MAX_TYPE_DEPTH)
		return;
	switch (t.kind) {
	case CXType_Invalid:
		return;
	case CXType_Pointer:
	case CXType_BlockPointer:
		need_type(x, clang_getPointeeType(t), false, depth + 1);
		return;
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
	case CXType_VariableArray:
	case CXType_DependentSizedArray:
	case CXType_Vector:
	case CXType_ExtVector:
		need_type(x, clang_getElementType(t), complete, depth + 1);
		return;
	case CXType_Complex:
		need_type(x, clang_getElementType(t), true, depth + 1);
		return;
	case CXType_Typedef:
		d = clang_getTypeDeclaration(t);
		need_decl(x, d);
		need_type(x, clang_getTypedefDeclUnderlyingType(d), complete, depth + 1);
		return;
	case CXType_Elaborated:
		need_type(x, clang_Type_getNamedType(t), complete, depth + 1);
		return;
	case CXType_Attributed:
		need_type(x, clang_Type_getModifiedType(t), complete, depth + 1);
		return;
	case CXType_Atomic:
		need_type(x, clang_Type_getValueType(t), complete, depth + 1);
		return;
	case CXType_Record:
		d = clang_getTypeDeclaration(t);
		if (complete)
			need_decl(x, d);
		else
			need_name(x, d);
		return;
	case CXType_Enum:
		need_decl(x, clang_getTypeDeclaration(t));
		return;
	case CXType_FunctionProto:
	case CXType_FunctionNoProto:
		need_type(x, clang_getResultType(t), true, depth + 1);
		n = clang_getNumArgTypes(t);
		for (i = 0; i < n; i++)
			need_type(x, clang_getArgType(t, (unsigned)i), true, depth + 1);
		return;
	default:
		/* builtin types need nothing; what libclang does not expose
		 * (typeof, ...) is needed as its canonical type, and the
		 * expressions inside are scanned as code */
		if (t.kind >= CXType_FirstBuiltin && t.kind <= CXType_LastBuiltin)
			return;
		{
			CXType c = clang_getCanonicalType(t);

			if (c.kind != t.kind)
				need_type(x, c, complete, depth + 1);
		}
		return;
	}
}

static bool is_decl_kind(enum CXCursorKind k)
{
	return clang_isDeclaration(k);
}

static enum CXChildVisitResult scan(CXCursor c, CXCursor parent, CXClientData data)
{
	struct ctx *x = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	CXCursor ref;

	if (x->err)
		return CXChildVisit_Break;
	switch (k) {
	case CXCursor_TypeRef:
		/* a declaration's type is needed through need_type() below (a
		 * pointer to a record needs only its name); elsewhere (sizeof,
		 * a cast, offsetof) the type is needed whole */
		if (!is_decl_kind(clang_getCursorKind(parent)))
			need_type(x, clang_getCursorType(c), true, 0);
		return CXChildVisit_Continue;
	case CXCursor_TypedefDecl:
		need_type(x, clang_getTypedefDeclUnderlyingType(c), false, 0);
		return CXChildVisit_Recurse;
	case CXCursor_FieldDecl:
	case CXCursor_VarDecl:
	case CXCursor_ParmDecl:
	case CXCursor_FunctionDecl:
		need_type(x, clang_getCursorType(c), true, 0);
		return CXChildVisit_Recurse;
	default:
		break;
	}
	if (is_decl_kind(k))
		return CXChildVisit_Recurse;
	ref = clang_getCursorReferenced(c);
	if (!clang_Cursor_isNull(ref) && !clang_equalCursors(ref, c))
		need_decl(x, ref);
	if (clang_isExpression(k))
		need_type(x, clang_getCursorType(c), true, 0);
	return CXChildVisit_Recurse;
}

static void scan_group(struct ctx *x, const struct group *g)
{
	size_t i;

	for (i = g->first; i < g->first + g->n && !x->err; i++) {
		CXCursor c = x->items[i].cur;

		/* the declaration itself, then what it holds */
		scan(c, clang_getTranslationUnitCursor(clang_Cursor_getTranslationUnit(c)), x);
		clang_visitChildren(c, scan, x);
	}
}

static int cmp_span(const void *a, const void *b)
{
	const unsigned *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The edits' spans [off, off + len] sorted by offset (pairs of unsigned),
 * or NULL on ENOMEM. */
static unsigned *edit_spans(const struct rw_edits *e, size_t *n)
{
	unsigned *r;
	size_t i;

	*n = rw_edits__count(e);
	r = malloc((*n + 1) * 2 * sizeof(*r));
	if (!r)
		return NULL;
	for (i = 0; i < *n; i++) {
		rw_edits__span(e, i, &r[2 * i], &r[2 * i + 1]);
		r[2 * i + 1] += r[2 * i];
	}
	qsort(r, *n, 2 * sizeof(*r), cmp_span);
	return r;
}

/* Whether an edit touches [start, end]. The edits of a unit do not overlap,
 * so the last one that starts at or before end reaches furthest. */
static bool edited(const unsigned *spans, size_t n, unsigned start, unsigned end)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (spans[2 * mid] <= end)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && spans[2 * (lo - 1) + 1] >= start;
}

/* [start, end) of src as blank lines, its line markers kept. */
static char *blank(const char *src, unsigned start, unsigned end)
{
	char *r = malloc(end - start + 1);
	unsigned i, k = 0;
	bool bol = start == 0 || src[start - 1] == '\n', keep = false;

	if (!r)
		return NULL;
	for (i = start; i < end; i++) {
		if (bol)
			keep = src[i] == '#';
		if (keep || src[i] == '\n')
			r[k++] = src[i];
		bol = src[i] == '\n';
	}
	r[k] = '\0';
	return r;
}

static int forward_decls(struct ctx *x, struct rw_edits *e)
{
	char *buf = NULL, *text;
	size_t size = 0;
	FILE *f;
	size_t i;
	int err = 0;

	if (!x->nr_fwds)
		return 0;
	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	fputs("/* bpfaot: records the code names only behind pointers */\n", f);
	for (i = 0; i < x->nr_fwds; i++) {
		CXCursor d = x->fwds[i].cur;
		CXString s = clang_getCursorSpelling(d);

		fprintf(f, "%s %s;\n",
			clang_getCursorKind(d) == CXCursor_UnionDecl ? "union" : "struct",
			clang_getCString(s));
		clang_disposeString(s);
	}
	if (fclose(f))
		return -ENOMEM;
	text = buf;
	err = rw_edits__insert(e, 0, text);
	free(buf);
	return err;
}

int rw_prune(const struct fe_unit *u, struct rw_edits *e, struct fe_diags *d)
{
	struct ctx x = { .u = u };
	unsigned *spans = NULL;
	const char *src;
	size_t i, len, nr_spans;
	int err;

	(void)d;
	src = fe_unit__source(u, &len);
	clang_visitChildren(clang_getTranslationUnitCursor(fe_unit__tu(u)), collect, &x);
	err = x.err;
	if (err || x.outside)
		goto out;
	err = make_groups(&x);
	x.todo = calloc(x.nr_groups + 1, sizeof(*x.todo));
	spans = edit_spans(e, &nr_spans);
	if (err || !x.todo || !spans) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < x.nr_groups; i++) {
		struct group *g = &x.groups[i];

		if (g->removable && edited(spans, nr_spans, g->start, g->end))
			g->removable = false;
		if (!g->removable)
			need_group(&x, g);
	}
	while (x.nr_todo && !x.err)
		scan_group(&x, &x.groups[x.todo[--x.nr_todo]]);
	err = x.err;
	for (i = 0; i < x.nr_groups && !err; i++) {
		const struct group *g = &x.groups[i];
		char *text;

		if (g->needed)
			continue;
		text = blank(src, g->start, g->end);
		err = text ? rw_edits__replace(e, g->start, g->end - g->start, text) : -ENOMEM;
		free(text);
	}
	if (!err)
		err = forward_decls(&x, e);
out:
	free(spans);
	free(x.items);
	free(x.groups);
	free(x.todo);
	free(x.fwds);
	return err;
}
