// SPDX-License-Identifier: MIT
/*
 * CO-RE builtins in the native compile. `__builtin_preserve_field_info`,
 * `__builtin_preserve_type_info` and `__builtin_preserve_enum_value`
 * (libbpf's bpf_core_field_exists/_size/_offset, BPF_CORE_READ_BITFIELD,
 * bpf_core_type_exists/_size, bpf_core_enum_value_exists/_value) exist only
 * for the BPF target. The BPF compile answers each from the program's own
 * types and records a relocation; libbpf keeps that answer when the
 * kernel's type is the program's. The native compile has no relocations,
 * so each call is replaced by that same answer, worked out here from the
 * types of the translation unit as LLVM's BPF backend works it out
 * (BPFAbstractMemberAccess.cpp, GetFieldInfo):
 *
 *   field exists, type exists, type matches, enumerator exists: 1
 *   field byte size: sizeof the field; a bitfield: its record's alignment
 *   field byte offset: from the access's base pointer (or base object)
 *     along the whole member chain: __builtin_offsetof(__typeof__(*(BASE)),
 *     a.b[2].c), which the native compiler folds; a bitfield: the offset of
 *     the storage unit that holds it, a unit being its record's alignment
 *   field signed: whether the field's integer type (an enum's underlying
 *     type) is signed
 *   field lshift_u64: 64 - bits; a bitfield, on little-endian BPF:
 *     unit_start + 64 - bit_offset - bit_width
 *   field rshift_u64: 64 - bits (a bitfield: 64 - bit_width)
 *   type size: sizeof the type
 *   enumerator value: its value
 *
 * Everything a builtin reaches is spelled in the translation unit's text
 * (the preprocessed unit: macro expansions are text), so a field's base and
 * an index are copied from it. A form not listed (a chain rooted in an
 * array object, an enumerator that is not named) has no answer here: the
 * program keeps its bytecode, with a [-Waot] warning (the backend).
 * __builtin_btf_type_id (a BTF id) has none either.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_internal.h"

enum {
	FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS, FIELD_SIGNED, FIELD_LSHIFT_U64,
	FIELD_RSHIFT_U64,
};
enum { TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES };
enum { ENUMVAL_EXISTS, ENUMVAL_VALUE };

static const char *const core_builtins[] = {
	"__builtin_preserve_field_info",
	"__builtin_preserve_type_info",
	"__builtin_preserve_enum_value",
};

const char *fe_core_builtin(CXCursor call)
{
	const char *name = NULL;
	CXString s;
	size_t i;

	if (clang_getCursorKind(call) != CXCursor_CallExpr)
		return NULL;
	s = clang_getCursorSpelling(call);
	for (i = 0; i < sizeof(core_builtins) / sizeof(core_builtins[0]); i++)
		if (!strcmp(clang_getCString(s), core_builtins[i]))
			name = core_builtins[i];
	clang_disposeString(s);
	return name;
}

/* Up to two children of an expression. */
struct kids {
	CXCursor c[2];
	unsigned n;
};

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data)
{
	struct kids *k = data;

	if (k->n < 2)
		k->c[k->n] = c;
	k->n++;
	return CXChildVisit_Continue;
}

static struct kids kids_of(CXCursor c)
{
	struct kids k = { .n = 0 };

	clang_visitChildren(c, collect, &k);
	return k;
}

/* c without parentheses and implicit conversions around it. */
static CXCursor strip(CXCursor c)
{
	int guard;

	for (guard = 0; guard < 16; guard++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		struct kids kd;

		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
			break;
		kd = kids_of(c);
		if (kd.n != 1)
			break;
		c = kd.c[0];
	}
	return c;
}

static enum CXTypeKind canonical_kind(CXType t)
{
	return clang_getCanonicalType(t).kind;
}

/* The text of c in the unit, malloc'ed; NULL when c has none there. */
static char *text_of(const struct fe_unit *u, CXCursor c)
{
	CXSourceRange r = clang_getCursorExtent(c);
	unsigned s, e;

	if (!fe_unit__main_offset(u, clang_getRangeStart(r), &s) ||
	    !fe_unit__main_offset(u, clang_getRangeEnd(r), &e) || e <= s)
		return NULL;
	return strndup(u->src + s, e - s);
}

/* A field access `BASE->a.b[2].c` (or `OBJ.a.b`): the designator and
 * the base, as __builtin_offsetof() takes them. */
struct access {
	CXCursor top;		/* the last member access (or subscript) */
	CXCursor field;		/* its FieldDecl, or a null cursor (a subscript) */
	char *type;		/* __typeof__(*(BASE)) or __typeof__(OBJ) */
	char *desig;		/* "a.b[2].c" */
	char *parent;		/* the designator without its last member, or NULL */
};

static void access_free(struct access *a)
{
	free(a->type);
	free(a->desig);
	free(a->parent);
}

/* Prepends s (a member name, or "[i]") to the designator. */
static int prepend(char **desig, const char *s)
{
	char *d;

	if (asprintf(&d, "%s%s%s", s, *desig && (*desig)[0] != '[' ? "." : "",
		     *desig ? *desig : "") < 0)
		return -ENOMEM;
	free(*desig);
	*desig = d;
	return 0;
}

/* A member access of an anonymous struct or union (implicit in the
 * source: `s->x` for a field x of an unnamed member of *s). */
static bool is_anon_access(CXCursor member)
{
	CXCursor f = clang_getCursorReferenced(member);
	CXCursor decl = clang_getTypeDeclaration(clang_getCursorType(f));
	CXString name = clang_getCursorSpelling(f);
	bool anon = !clang_getCString(name)[0] && clang_Cursor_isAnonymousRecordDecl(decl);

	clang_disposeString(name);
	return anon;
}

/* Walks from the builtin's first argument down to the base of its access
 * chain. 0, -ENOTSUP (not a field access this file answers), -ENOMEM. */
static int access_of(const struct fe_unit *u, CXCursor arg, struct access *a)
{
	CXCursor cur = strip(arg), base = clang_getNullCursor();
	bool arrow = false;
	char *text;
	int guard, err;

	memset(a, 0, sizeof(*a));
	a->top = cur;
	a->field = clang_getNullCursor();
	for (guard = 0; guard < 64; guard++) {
		enum CXCursorKind k = clang_getCursorKind(cur);
		struct kids kd = kids_of(cur);

		if (k == CXCursor_MemberRefExpr && kd.n == 1) {
			if (!is_anon_access(cur)) {
				char *name = fe_strdup_cx(
					clang_getCursorSpelling(clang_getCursorReferenced(cur)));

				err = name ? prepend(&a->desig, name) : -ENOMEM;
				free(name);
				if (err)
					return err;
			}
			if (clang_equalCursors(cur, a->top))
				a->field = clang_getCursorReferenced(cur);
			base = strip(kd.c[0]);
			if (canonical_kind(clang_getCursorType(base)) == CXType_Pointer) {
				arrow = true;
				break;
			}
			cur = base;
			continue;
		}
		if (k == CXCursor_ArraySubscriptExpr && kd.n == 2) {
			CXCursor arr = strip(kd.c[0]);
			char *idx, *sub = NULL;

			if (canonical_kind(clang_getCursorType(arr)) != CXType_ConstantArray)
				return -ENOTSUP;
			idx = text_of(u, kd.c[1]);
			if (!idx)
				return -ENOTSUP;
			err = asprintf(&sub, "[%s]", idx) < 0 ? -ENOMEM : 0;
			free(idx);
			if (!err)
				err = prepend(&a->desig, sub);
			free(sub);
			if (err)
				return err;
			cur = arr;
			continue;
		}
		base = cur;
		break;
	}
	/* a chain of members, rooted in a pointer or an object (not an array) */
	if (!a->desig || a->desig[0] == '[' || clang_Cursor_isNull(base))
		return -ENOTSUP;
	text = text_of(u, base);
	if (!text)
		return -ENOTSUP;
	err = asprintf(&a->type, arrow ? "__typeof__(*(%s))" : "__typeof__(%s)", text) < 0 ?
		      -ENOMEM : 0;
	free(text);
	if (err)
		return err;
	/* the designator without the last member */
	if (!clang_Cursor_isNull(a->field) && strrchr(a->desig, '.')) {
		a->parent = strndup(a->desig, (size_t)(strrchr(a->desig, '.') - a->desig));
		if (!a->parent)
			return -ENOMEM;
	}
	return 0;
}

static bool type_is_signed(CXType t)
{
	t = clang_getCanonicalType(t);
	if (t.kind == CXType_Enum)
		t = clang_getCanonicalType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(t)));
	switch (t.kind) {
	case CXType_Char_S:
	case CXType_SChar:
	case CXType_Short:
	case CXType_Int:
	case CXType_Long:
	case CXType_LongLong:
	case CXType_Int128:
	case CXType_WChar:
		return true;
	default:
		return false;
	}
}

/* A bitfield's storage unit, as LLVM's BPF backend places it: units of its
 * record's alignment. Bits count from the start of the record the access
 * names it in (through anonymous members). */
struct unit {
	long long start;	/* the unit's first bit */
	long long bit;		/* the field's first bit */
	long long width;	/* its bits */
	long long bytes;	/* the unit's size */
};

static int bitfield_unit(const struct access *a, struct unit *un)
{
	CXCursor base = strip(kids_of(a->top).c[0]);
	CXCursor rec = clang_getCursorSemanticParent(a->field);
	long long in_named, in_record, align;
	CXType named;
	char *name;
	int guard;

	for (guard = 0; guard < 16 && clang_getCursorKind(base) == CXCursor_MemberRefExpr &&
			is_anon_access(base); guard++)
		base = strip(kids_of(base).c[0]);
	named = clang_getCursorType(base);
	if (canonical_kind(named) == CXType_Pointer)
		named = clang_getPointeeType(named);
	name = fe_strdup_cx(clang_getCursorSpelling(a->field));
	if (!name)
		return -ENOMEM;
	in_named = clang_Type_getOffsetOf(named, name);
	free(name);
	in_record = clang_Cursor_getOffsetOfField(a->field);
	align = clang_Type_getAlignOf(clang_getCursorType(rec));
	un->width = clang_getFieldDeclBitWidth(a->field);
	if (in_named < 0 || in_record < 0 || align <= 0 || align > 8 || un->width <= 0 ||
	    un->width > align * 8)
		return -ENOTSUP;
	un->bytes = align;
	un->bit = in_named;
	/* the field's record is aligned: its units are units of the named one */
	un->start = in_named - in_record + (in_record & ~(align * 8 - 1));
	if (un->start + align * 8 < in_named + un->width)
		return -ENOTSUP;	/* across two units: the BPF compile refuses it */
	return 0;
}

static char *field_answer(const struct fe_unit *u, CXCursor arg, long long kind)
{
	struct access a;
	struct unit un;
	bool bitfield;
	long long size;
	char *r = NULL;
	int err, n = 0;

	if (kind == FIELD_EXISTS)
		return strdup("1");
	err = access_of(u, arg, &a);
	if (err)
		goto out;
	bitfield = !clang_Cursor_isNull(a.field) && clang_Cursor_isBitField(a.field);
	if (bitfield)
		err = bitfield_unit(&a, &un);
	size = clang_Type_getSizeOf(clang_getCursorType(a.top));
	if (!err && !bitfield && size <= 0)
		err = -ENOTSUP;
	if (err)
		goto out;
	switch (kind) {
	case FIELD_BYTE_OFFSET:
		if (!bitfield)
			n = asprintf(&r, "__builtin_offsetof(%s, %s)", a.type, a.desig);
		else if (a.parent)
			n = asprintf(&r, "__builtin_offsetof(%s, %s) + %lld", a.type, a.parent,
				     un.start / 8);
		else
			n = asprintf(&r, "%lld", un.start / 8);
		break;
	case FIELD_BYTE_SIZE:
		n = asprintf(&r, "%lld", bitfield ? un.bytes : size);
		break;
	case FIELD_SIGNED:
		n = asprintf(&r, "%d", type_is_signed(clang_getCursorType(a.top)));
		break;
	case FIELD_LSHIFT_U64:
		n = asprintf(&r, "%lld", bitfield ? un.start + 64 - un.bit - un.width : 64 - size * 8);
		break;
	case FIELD_RSHIFT_U64:
		n = asprintf(&r, "%lld", bitfield ? 64 - un.width : 64 - size * 8);
		break;
	default:
		err = -ENOTSUP;
		break;
	}
	if (n < 0)
		err = -ENOMEM;
out:
	access_free(&a);
	if (err) {
		errno = -err;
		return NULL;
	}
	return r;
}

static enum CXChildVisitResult find_enumerator(CXCursor c, CXCursor parent, CXClientData data)
{
	CXCursor *found = data;
	CXCursor ref = clang_getCursorReferenced(c);

	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
	    clang_getCursorKind(ref) == CXCursor_EnumConstantDecl) {
		*found = ref;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

static char *enum_answer(CXCursor arg, long long kind)
{
	CXCursor e = clang_getNullCursor();
	char *r = NULL;

	/* *(typeof(enum_type) *)ENUMERATOR */
	clang_visitChildren(arg, find_enumerator, &e);
	if (clang_Cursor_isNull(e) || (kind != ENUMVAL_EXISTS && kind != ENUMVAL_VALUE)) {
		errno = ENOTSUP;
		return NULL;
	}
	if (kind == ENUMVAL_EXISTS)
		return strdup("1");
	if (asprintf(&r, "%lld", clang_getEnumConstantDeclValue(e)) < 0)
		return NULL;
	return r;
}

static char *type_answer(CXCursor arg, long long kind)
{
	long long size;
	char *r = NULL;

	if (kind == TYPE_EXISTS || kind == TYPE_MATCHES)
		return strdup("1");
	/* *(typeof(type) *)0: its type is the type asked about */
	size = clang_Type_getSizeOf(clang_getCursorType(arg));
	if (kind != TYPE_SIZE || size < 0) {
		errno = ENOTSUP;
		return NULL;
	}
	if (asprintf(&r, "%lld", size) < 0)
		return NULL;
	return r;
}

char *fe_core_answer(const struct fe_unit *u, CXCursor call)
{
	const char *b = fe_core_builtin(call);
	CXEvalResult ev;
	long long kind;
	char *v, *r = NULL;
	bool is_enum;

	/* the call itself is replaced: it must be text of the unit */
	v = text_of(u, call);
	if (!b || !v || clang_Cursor_getNumArguments(call) != 2) {
		free(v);
		errno = ENOTSUP;
		return NULL;
	}
	free(v);
	ev = clang_Cursor_Evaluate(clang_Cursor_getArgument(call, 1));
	if (!ev || clang_EvalResult_getKind(ev) != CXEval_Int) {
		if (ev)
			clang_EvalResult_dispose(ev);
		errno = ENOTSUP;
		return NULL;
	}
	kind = clang_EvalResult_getAsLongLong(ev);
	clang_EvalResult_dispose(ev);
	is_enum = b == core_builtins[2];
	if (b == core_builtins[0])
		v = field_answer(u, clang_Cursor_getArgument(call, 0), kind);
	else if (b == core_builtins[1])
		v = type_answer(clang_Cursor_getArgument(call, 0), kind);
	else
		v = enum_answer(clang_Cursor_getArgument(call, 0), kind);
	if (!v)
		return NULL;
	/* the builtins' own types: unsigned int, and long for the enum one */
	if (asprintf(&r, "((%s)(%s))", is_enum ? "long" : "unsigned int", v) < 0)
		r = NULL;
	free(v);
	return r;
}
