// SPDX-License-Identifier: MIT
/*
 * Inlined array maps. A plain array map (BPF_MAP_TYPE_ARRAY: not per-CPU,
 * not map-in-map) keeps its values in one block of runtime memory, value i
 * at i * stride, stride being the value size rounded up to 8
 * (runtime/map.c). Native code may index that block itself, which is what
 * the kernel's JIT does for arrays (array_map_gen_lookup). The linker binds
 * `__bpfaot_map_values_NAME` to value 0, and checks the stride the manifest
 * records against the runtime's (docs/object-format.md).
 *
 *     bpf_map_lookup_elem(&M, &key)
 * becomes
 *     ({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < MAX ?
 *        (void *)(__bpfaot_map_values_M + (__SIZE_TYPE__)__bpfaot_key * STRIDE) : (void *)0; })
 *
 * and, when the flags are a constant,
 *     bpf_map_update_elem(&M, &key, &val, BPF_ANY or BPF_EXIST)
 * becomes a bounds-checked __builtin_memcpy of value_size bytes whose value
 * is 0, or -E2BIG out of bounds (BPF_NOEXIST: -EEXIST in bounds, as
 * array_map_update_elem()). A value type holding a bpf_spin_lock stays a
 * call: the runtime copies around the lock.
 *
 * Conditions, else the call stays a call: the map argument is `&M` for a
 * file-scope map M that is a plain array with 4-byte keys; the key is a
 * pointer to a 4-byte integer; key and value expressions have no side
 * effects (the key is read once, in the helper's order); the call is
 * spelled in the main file. Each replacement is one line, so the lines of
 * the file stay put.
 *
 * Hash maps (BPF_MAP_TYPE_HASH, _PERCPU_HASH, _LRU_HASH, _LRU_PERCPU_HASH):
 * a lookup walks the runtime's table in the program (and keeps an LRU
 * map's list as the helper does), as the kernel's JIT calls
 * __htab_map_lookup_elem directly:
 *     bpf_map_lookup_elem(&M, key)
 * becomes
 *     ((void *)__bpfaot_inline_htab_lookup(__bpfaot_htab_v1_M, (const void *)(key), KEY_SIZE))
 * whose body (runtime/inline/helpers.c) is linked in and inlined by the
 * backend, with KEY_SIZE a constant; the linker binds __bpfaot_htab_v1_M
 * to the map's struct bpfaot_htab (abi.h). Per-CPU arrays the same way:
 *     ((void *)__bpfaot_inline_pcpu_array_lookup(__bpfaot_pcpu_array_v1_M, (const void *)(key), MAX))
 * (the value of the CPU the program runs on, which the runtime chooses).
 * Updates and deletes stay calls.
 *
 * Queue and stack maps (BPF_MAP_TYPE_QUEUE, _STACK): push, pop and peek
 * move the runtime's ring in the program through `__bpfaot_queue_v1_M`:
 *     bpf_map_push_elem(&M, value, flags)
 *       -> __bpfaot_inline_queue_push(__bpfaot_queue_v1_M, (const void *)(value),
 *                                     (unsigned long long)(flags), VALUE_SIZE)
 *     bpf_map_pop_elem(&M, value), bpf_map_peek_elem(&M, value)
 *       -> __bpfaot_inline_queue_take(__bpfaot_queue_v1_M, (void *)(value), VALUE_SIZE,
 *                                     IS_STACK, 1 to pop or 0 to peek)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

#define MAP_TYPE_ARRAY 2	/* BPF_MAP_TYPE_ARRAY */
#define MAP_ANY 0		/* BPF_ANY */
#define MAP_NOEXIST 1		/* BPF_NOEXIST */
#define MAP_EXIST 2		/* BPF_EXIST */
#define E2BIG_VAL 7
#define EEXIST_VAL 17

unsigned rw_map_values_stride(const struct fe_map *m)
{
	return (fe_map__value_size(m) + 7u) & ~7u;
}

const char *rw_map_not_inlinable_why(const struct fe_map *m)
{
	switch (fe_map__type(m)) {
	case MAP_TYPE_ARRAY:
		break;
	default:
		return "not a plain array: its helpers are the runtime's";
	}
	if (fe_map__key_size(m) != 4)
		return "its key is not 4 bytes";
	if (fe_map__value_size(m) == 0 || fe_map__value_size(m) > (1u << 30))
		return "its value size is out of range";
	if (fe_map__max_entries(m) == 0)
		return "its max_entries is unknown";
	return NULL;
}

bool rw_map_is_inlinable(const struct fe_map *m)
{
	return !rw_map_not_inlinable_why(m);
}

#define MAP_TYPE_HASH 1		/* BPF_MAP_TYPE_HASH */
#define MAP_TYPE_PERCPU_HASH 5	/* BPF_MAP_TYPE_PERCPU_HASH */
#define MAP_TYPE_PERCPU_ARRAY 6	/* BPF_MAP_TYPE_PERCPU_ARRAY */
#define MAP_TYPE_LRU_HASH 9	/* BPF_MAP_TYPE_LRU_HASH */
#define MAP_TYPE_LRU_PERCPU_HASH 10	/* BPF_MAP_TYPE_LRU_PERCPU_HASH */
#define MAX_HTAB_KEY 512	/* the kernel's MAX_BPF_STACK: no larger key fits a program */

#define MAP_TYPE_QUEUE 22	/* BPF_MAP_TYPE_QUEUE */
#define MAP_TYPE_STACK 23	/* BPF_MAP_TYPE_STACK */

/* The view a map of this type has (abi.h), or NULL. */
static const char *view_kind(uint32_t type)
{
	switch (type) {
	case MAP_TYPE_HASH:
	case MAP_TYPE_PERCPU_HASH:
	case MAP_TYPE_LRU_HASH:
	case MAP_TYPE_LRU_PERCPU_HASH:
		return "htab";
	case MAP_TYPE_PERCPU_ARRAY:
		return "pcpu_array";
	case MAP_TYPE_QUEUE:
	case MAP_TYPE_STACK:
		return "queue";
	default:
		return NULL;
	}
}

/* Why calls on m, whose type has a view, cannot go through it, or NULL. */
static const char *view_why(const struct fe_map *m)
{
	uint32_t type = fe_map__type(m);

	if (type == MAP_TYPE_PERCPU_ARRAY && fe_map__key_size(m) != 4)
		return "its key is not 4 bytes";
	if (!strcmp(view_kind(type), "htab") &&
	    (fe_map__key_size(m) == 0 || fe_map__key_size(m) > MAX_HTAB_KEY))
		return "its key size is unknown or over 512 bytes";
	if (fe_map__value_size(m) == 0)
		return "its value size is unknown";
	if (fe_map__max_entries(m) == 0)
		return "its max_entries is unknown";
	return NULL;
}

const char *rw_map_not_inlined_why(const struct fe_map *m)
{
	return view_kind(fe_map__type(m)) ? view_why(m) : rw_map_not_inlinable_why(m);
}

const char *rw_map_view(const struct fe_map *m)
{
	const char *kind = view_kind(fe_map__type(m));

	return kind && !view_why(m) ? kind : NULL;
}

const char *rw_map_lookup_view(const struct fe_map *m)
{
	const char *view = rw_map_view(m);

	return view && strcmp(view, "queue") ? view : NULL;
}

#define LOOKUP_ID 1	/* bpf_map_lookup_elem */
#define PUSH_ID 87	/* bpf_map_push_elem */
#define POP_ID 88	/* bpf_map_pop_elem */
#define PEEK_ID 89	/* bpf_map_peek_elem */

bool rw_view_takes(const struct fe_map *m, uint32_t id)
{
	const char *view = rw_map_view(m);

	if (!view)
		return false;
	if (strcmp(view, "queue"))
		return id == LOOKUP_ID;
	return id == PUSH_ID || id == POP_ID || id == PEEK_ID;
}

char *rw_view_lookup(const struct fe_map *m, const char *key)
{
	const char *view = rw_map_lookup_view(m);
	char *text;

	/* a hash map's body takes the key's size, a per-CPU array's max_entries */
	if (asprintf(&text, "((void *)__bpfaot_inline_%s_lookup(__bpfaot_%s_v1_%s, (const void *)(%s), "
		     "%uu))",
		     view, view, fe_map__name(m), key,
		     strcmp(view, "htab") ? fe_map__max_entries(m) : fe_map__key_size(m)) < 0)
		return NULL;
	return text;
}

void rw_view_declare(FILE *f, const struct fe_map *m, bool declared[RW_VIEW_KINDS])
{
	static const char *const kinds[RW_VIEW_KINDS] = { "htab", "pcpu_array", "queue" };
	static const char *const protos[RW_VIEW_KINDS] = {
		"/* bpfaot: inlined hash maps: lookups walk the table of M through "
		"__bpfaot_htab_v1_M (docs/object-format.md) */\n"
		"void *__bpfaot_inline_htab_lookup(const void *, const void *, unsigned int);\n",
		"/* bpfaot: inlined per-CPU arrays: lookups index the values of M "
		"through __bpfaot_pcpu_array_v1_M (docs/object-format.md) */\n"
		"void *__bpfaot_inline_pcpu_array_lookup(const void *, const void *, "
		"unsigned int);\n",
		"/* bpfaot: inlined queue and stack maps: push, pop and peek move the ring "
		"of M through __bpfaot_queue_v1_M (docs/object-format.md) */\n"
		"long __bpfaot_inline_queue_push(const void *, const void *, unsigned long long, "
		"unsigned int);\n"
		"long __bpfaot_inline_queue_take(const void *, void *, unsigned int, int, int);\n",
	};
	const char *view = rw_map_view(m);
	size_t k;

	for (k = 0; k < RW_VIEW_KINDS && strcmp(kinds[k], view); k++)
		;
	if (!declared[k])
		fputs(protos[k], f);
	declared[k] = true;
	fprintf(f, "extern char __bpfaot_%s_v1_%s[];\n", view, fe_map__name(m));
}

static enum CXChildVisitResult first_child(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

static CXCursor only_child(CXCursor c)
{
	CXCursor r = clang_getNullCursor();

	clang_visitChildren(c, first_child, &r);
	return r;
}

/* The map of the file that arg is `&M` of, or NULL. */
static const struct fe_map *any_map_arg(const struct rw_call *c, CXCursor arg)
{
	CXCursor e = rw_expr_strip(arg), ref;
	CXTranslationUnit tu = fe_unit__tu(c->u);
	const struct fe_map *m;
	CXToken *toks = NULL;
	unsigned n = 0;
	bool is_addr = false;
	char *name;

	if (clang_getCursorKind(e) != CXCursor_UnaryOperator)
		return NULL;
	clang_tokenize(tu, clang_getCursorExtent(e), &toks, &n);
	if (n) {
		CXString s = clang_getTokenSpelling(tu, toks[0]);

		is_addr = !strcmp(clang_getCString(s), "&");
		clang_disposeString(s);
	}
	clang_disposeTokens(tu, toks, n);
	if (!is_addr)
		return NULL;
	/* the operand: the UnaryOperator's only child */
	ref = rw_expr_strip(only_child(e));
	if (clang_getCursorKind(ref) != CXCursor_DeclRefExpr)
		return NULL;
	ref = clang_getCursorReferenced(ref);
	if (clang_getCursorKind(ref) != CXCursor_VarDecl ||
	    clang_getCursorKind(clang_getCursorSemanticParent(ref)) != CXCursor_TranslationUnit)
		return NULL;
	name = fe_strdup_cx(clang_getCursorSpelling(ref));
	m = name ? fe_unit__find_map(c->u, name) : NULL;
	free(name);
	return m;
}

const struct fe_map *rw_call_map(const struct rw_call *c)
{
	return c->nr_args ? any_map_arg(c, c->args[0]) : NULL;
}

/* The inlinable map that arg is `&M` of, or NULL. */
static const struct fe_map *map_arg(const struct rw_call *c, CXCursor arg)
{
	const struct fe_map *m = any_map_arg(c, arg);

	return m && rw_map_is_inlinable(m) ? m : NULL;
}

static int stays_call(const struct rw_call *c, const char *why)
{
	if (c->why)
		*c->why = why;
	return 0;
}

/* The text of a key argument that points to a 4-byte integer, or NULL. */
static char *key_arg(const struct rw_call *c, CXCursor arg)
{
	CXCursor e = rw_expr_strip(arg);
	CXType t = clang_getCanonicalType(clang_getCursorType(e)), pt;

	if (t.kind != CXType_Pointer) {
		stays_call(c, "the key is not a pointer");
		return NULL;
	}
	pt = clang_getCanonicalType(clang_getPointeeType(t));
	if ((pt.kind != CXType_UInt && pt.kind != CXType_Int) || clang_Type_getSizeOf(pt) != 4) {
		stays_call(c, "the key does not point to a 4-byte integer");
		return NULL;
	}
	if (!rw_expr_is_pure(c->u, e)) {
		stays_call(c, "the key expression has a side effect or is spelled in a macro");
		return NULL;
	}
	return rw_expr_text(c->u, e);
}

/* A lookup through the map's view: see the top of the file. */
static int view_lookup(const struct rw_call *c, const struct fe_map *m, char **text,
		       const struct fe_map **values_of)
{
	CXCursor e = rw_expr_strip(c->args[1]);
	char *key;

	if (clang_getCanonicalType(clang_getCursorType(e)).kind != CXType_Pointer)
		return stays_call(c, "the key is not a pointer");
	if (!rw_expr_is_pure(c->u, e))
		return stays_call(c, "the key expression has a side effect or is spelled in a macro");
	key = rw_expr_text(c->u, e);
	if (!key)
		return -ENOMEM;
	*text = rw_view_lookup(m, key);
	free(key);
	if (!*text)
		return -ENOMEM;
	*values_of = m;
	return 1;
}

int rw_inline_map_lookup(const struct rw_call *c, char **text, const struct fe_map **values_of)
{
	const struct fe_map *m;
	char *key;
	int n;

	if (c->nr_args != 2)
		return 0;
	m = any_map_arg(c, c->args[0]);
	if (m && rw_map_lookup_view(m))
		return view_lookup(c, m, text, values_of);
	if (!(m = map_arg(c, c->args[0])))
		return 0;
	key = key_arg(c, c->args[1]);
	if (!key)
		return 0;
	n = asprintf(text,
		     "({ unsigned int __bpfaot_key = *(%s); __bpfaot_key < %uu ? (void *)"
		     "(__bpfaot_%s_%s + (__SIZE_TYPE__)__bpfaot_key * %u) : (void *)0; })",
		     key, fe_map__max_entries(m),
		     rw_const_map_of(c->o, fe_map__name(m)) ? "const" : "map_values", fe_map__name(m),
		     rw_map_values_stride(m));
	free(key);
	if (n < 0)
		return -ENOMEM;
	*values_of = m;
	return 1;
}

int rw_inline_queue_op(const struct rw_call *c, char **text, const struct fe_map **values_of)
{
	uint32_t id = fe_helper__id(c->h);
	const struct fe_map *m;
	char *val, *flags = NULL;
	CXCursor v;
	int n;

	if (c->nr_args != (id == PUSH_ID ? 3 : 2) || !(m = any_map_arg(c, c->args[0])) ||
	    !rw_view_takes(m, id))
		return 0;
	v = rw_expr_strip(c->args[1]);
	if (clang_getCanonicalType(clang_getCursorType(v)).kind != CXType_Pointer ||
	    !rw_expr_is_pure(c->u, v))
		return stays_call(c, "the value is not a pointer expression without side effects");
	if (id == PUSH_ID && !rw_expr_is_pure(c->u, c->args[2]))
		return stays_call(c, "the flags expression has a side effect");
	val = rw_expr_text(c->u, v);
	if (id == PUSH_ID && val)
		flags = rw_expr_text(c->u, rw_expr_strip(c->args[2]));
	if (!val || (id == PUSH_ID && !flags)) {
		free(val);
		return -ENOMEM;
	}
	if (id == PUSH_ID)
		n = asprintf(text,
			     "__bpfaot_inline_queue_push(__bpfaot_queue_v1_%s, (const void *)(%s), "
			     "(unsigned long long)(%s), %uu)",
			     fe_map__name(m), val, flags, fe_map__value_size(m));
	else
		n = asprintf(text,
			     "__bpfaot_inline_queue_take(__bpfaot_queue_v1_%s, (void *)(%s), %uu, "
			     "%d, %d)",
			     fe_map__name(m), val, fe_map__value_size(m),
			     fe_map__type(m) == MAP_TYPE_STACK, id == POP_ID);
	free(val);
	free(flags);
	if (n < 0)
		return -ENOMEM;
	*values_of = m;
	return 1;
}

struct lock_find {
	int depth;
	bool found;
};

static bool type_has_spin_lock(CXType t, int depth);

static enum CXVisitorResult lock_field(CXCursor c, CXClientData data)
{
	struct lock_find *lf = data;

	if (type_has_spin_lock(clang_getCursorType(c), lf->depth + 1))
		lf->found = true;
	return lf->found ? CXVisit_Break : CXVisit_Continue;
}

/* bpf_spin_lock (or an unknown type, to be safe) anywhere inside t. */
static bool type_has_spin_lock(CXType t, int depth)
{
	struct lock_find lf = { .depth = depth };
	char *name;
	bool is_lock;

	t = clang_getCanonicalType(t);
	if (depth > 8)
		return true;
	while (t.kind == CXType_ConstantArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record)
		return t.kind == CXType_Invalid;
	name = fe_strdup_cx(clang_getTypeSpelling(t));
	is_lock = !name || strstr(name, "bpf_spin_lock");
	free(name);
	if (is_lock)
		return true;
	clang_Type_visitFields(t, lock_field, &lf);
	return lf.found;
}

struct value_find {
	bool found, has_lock;
};

static enum CXVisitorResult value_field(CXCursor c, CXClientData data)
{
	struct value_find *vf = data;
	char *name = fe_strdup_cx(clang_getCursorSpelling(c));

	if (name && !strcmp(name, "value")) {
		vf->found = true;
		vf->has_lock = type_has_spin_lock(clang_getPointeeType(clang_getCursorType(c)), 0);
	}
	free(name);
	return vf->found ? CXVisit_Break : CXVisit_Continue;
}

/* True unless the map's value type is known (BTF-style `__type(value, T)`)
 * and holds no bpf_spin_lock, which the runtime's update copies around. */
static bool map_value_may_lock(const struct fe_map *m)
{
	struct value_find vf = { 0 };

	if (fe_map__is_legacy(m))
		return true;
	clang_Type_visitFields(clang_getCanonicalType(clang_getCursorType(fe_map__cursor(m))),
			       value_field, &vf);
	return !vf.found || vf.has_lock;
}

int rw_inline_map_update(const struct rw_call *c, char **text, const struct fe_map **values_of)
{
	const struct fe_map *m;
	char *key = NULL, *val = NULL;
	CXEvalResult ev;
	long long flags;
	CXCursor v;
	int n;

	if (c->nr_args != 4 || !(m = map_arg(c, c->args[0])))
		return 0;
	if (map_value_may_lock(m))
		return stays_call(c, "the value type is unknown or holds a bpf_spin_lock");
	ev = clang_Cursor_Evaluate(c->args[3]);
	if (!ev)
		return stays_call(c, "the flags are not a constant");
	if (clang_EvalResult_getKind(ev) != CXEval_Int) {
		clang_EvalResult_dispose(ev);
		return stays_call(c, "the flags are not a constant");
	}
	flags = clang_EvalResult_getAsLongLong(ev);
	clang_EvalResult_dispose(ev);
	if (flags != MAP_ANY && flags != MAP_EXIST && flags != MAP_NOEXIST)
		return stays_call(c, "the flags are not BPF_ANY, BPF_NOEXIST or BPF_EXIST");
	if (!rw_expr_is_pure(c->u, c->args[3]))
		return stays_call(c, "the flags expression has a side effect");
	v = rw_expr_strip(c->args[2]);
	key = key_arg(c, c->args[1]);
	if (!key)
		return 0;
	if (clang_getCanonicalType(clang_getCursorType(v)).kind != CXType_Pointer ||
	    !rw_expr_is_pure(c->u, v) || !(val = rw_expr_text(c->u, v))) {
		free(key);
		return stays_call(c, "the value is not a pointer expression without side effects");
	}
	if (flags == MAP_NOEXIST)
		n = asprintf(text,
			     "({ unsigned int __bpfaot_key = *(%s); __bpfaot_key < %uu ? -%dL : "
			     "-%dL; })",
			     key, fe_map__max_entries(m), EEXIST_VAL, E2BIG_VAL);
	else
		n = asprintf(text,
			     "({ unsigned int __bpfaot_key = *(%s); __bpfaot_key < %uu ? "
			     "(__builtin_memcpy(__bpfaot_map_values_%s + (__SIZE_TYPE__)__bpfaot_key "
			     "* %u, (%s), %u), 0L) : -%dL; })",
			     key, fe_map__max_entries(m), fe_map__name(m), rw_map_values_stride(m),
			     val, fe_map__value_size(m), E2BIG_VAL);
	free(key);
	free(val);
	if (n < 0)
		return -ENOMEM;
	*values_of = flags == MAP_NOEXIST ? NULL : m;
	return 1;
}
