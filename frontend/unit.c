// SPDX-License-Identifier: MIT
/*
 * The libclang reader: parses a `.bpf.c` for the BPF target and builds the
 * program model. Top-level declarations of the main file give the
 * functions (programs are those with a SEC() other than .text or, in a file
 * of none, the global functions: the ubpf convention), the maps
 * (a `.maps` variable's anonymous struct: __uint(type, N) is `int
 * (*type)[N]`, __type(key, T) is `typeof(T) *key`; legacy `maps` variables
 * from their initialiser), and the globals. Each function body is walked
 * once for what it references (helpers, maps, globals, functions); a
 * program's set is the closure over its calls. A helper is a file-scope
 * pointer-to-function variable initialised with an integer (or an
 * enumerator of enum bpf_func_id), `static void
 * *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;`: the
 * integer is its id, the pointee type its prototype.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fe_internal.h"

/* BPF-only builtins with no native meaning (BuiltinsBPF.def).
 * __builtin_preserve_access_index is not here: its meaning is its operand,
 * and the rewriters define it as such. Nor are the CO-RE builtins that
 * fe_core_answer() answers (walk_body). */
static const char *const bpf_only_builtins[] = {
	"__builtin_btf_type_id",
};

int fe_refs__add(struct fe_refs *r, size_t idx)
{
	if (fe_refs__has(r, idx))
		return 0;
	if (fe_ensure_mem((void **)&r->items, &r->cap, sizeof(*r->items), r->cnt + 1))
		return -ENOMEM;
	r->items[r->cnt++] = idx;
	return 0;
}

bool fe_refs__has(const struct fe_refs *r, size_t idx)
{
	size_t i;

	for (i = 0; i < r->cnt; i++)
		if (r->items[i] == idx)
			return true;
	return false;
}

static void refs_free(struct fe_refs *r)
{
	free(r->items);
	r->items = NULL;
	r->cnt = r->cap = 0;
}

char *fe_cursor_section(CXCursor c)
{
	static const char key[] = "__attribute__((section(\"";
	CXPrintingPolicy pp = clang_getCursorPrintingPolicy(c);
	char *text, *p, *end, *r = NULL;

	clang_PrintingPolicy_setProperty(pp, CXPrintingPolicy_TerseOutput, 1);
	clang_PrintingPolicy_setProperty(pp, CXPrintingPolicy_SuppressInitializers, 1);
	text = fe_strdup_cx(clang_getCursorPrettyPrinted(c, pp));
	clang_PrintingPolicy_dispose(pp);
	if (!text)
		return NULL;
	p = strstr(text, key);
	if (p) {
		p += sizeof(key) - 1;
		end = strstr(p, "\")");
		if (end)
			r = strndup(p, end - p);
	}
	free(text);
	return r;
}

static char *cursor_name(CXCursor c)
{
	return fe_strdup_cx(clang_getCursorSpelling(c));
}

static bool in_main_file(CXCursor c)
{
	return clang_Location_isFromMainFile(clang_getCursorLocation(c));
}

static bool is_file_scope(CXCursor c)
{
	CXCursor p = clang_getCursorSemanticParent(c);

	return clang_getCursorKind(p) == CXCursor_TranslationUnit;
}

/* ------------------------------------------------------------ helpers */

struct int_find {
	bool found;
	long long value;
};

/* The id in a helper's initialiser: a number, `(void *) 1`, or an
 * enumerator of enum bpf_func_id, `(void *) BPF_FUNC_map_lookup_elem`, as
 * katran's and the kernel samples' headers write it. */
static enum CXChildVisitResult find_int(CXCursor c, CXCursor parent, CXClientData data)
{
	struct int_find *f = data;
	CXCursor ref = clang_getCursorReferenced(c);

	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
	    clang_getCursorKind(ref) == CXCursor_EnumConstantDecl) {
		f->value = clang_getEnumConstantDeclValue(ref);
		f->found = true;
		return CXChildVisit_Break;
	}
	if (clang_getCursorKind(c) == CXCursor_IntegerLiteral) {
		CXEvalResult ev = clang_Cursor_Evaluate(c);

		if (ev && clang_EvalResult_getKind(ev) == CXEval_Int) {
			f->value = clang_EvalResult_getAsLongLong(ev);
			f->found = true;
		}
		if (ev)
			clang_EvalResult_dispose(ev);
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

/* The function type a helper variable points to, or an invalid type. */
static CXType helper_fn_type(CXCursor var)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(var));
	CXType invalid = { .kind = CXType_Invalid };

	if (t.kind != CXType_Pointer)
		return invalid;
	t = clang_getCanonicalType(clang_getPointeeType(t));
	if (t.kind != CXType_FunctionProto && t.kind != CXType_FunctionNoProto)
		return invalid;
	return clang_getPointeeType(clang_getCursorType(var));
}

static bool helper_id(CXCursor var, uint32_t *id)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(var);
	struct int_find f = { 0 };

	if (clang_Cursor_isNull(init))
		return false;
	if (clang_getCursorKind(init) == CXCursor_IntegerLiteral)
		find_int(init, var, &f);
	else
		clang_visitChildren(init, find_int, &f);
	if (!f.found || f.value < 0 || f.value > 9999)
		return false;
	*id = (uint32_t)f.value;
	return true;
}

static enum fe_class class_of(CXType t)
{
	t = clang_getCanonicalType(t);
	if (t.kind == CXType_Void)
		return FE_CLASS_VOID;
	if (t.kind == CXType_Pointer || t.kind == CXType_BlockPointer)
		return FE_CLASS_PTR;
	return FE_CLASS_SCALAR;
}

struct parm_names {
	char **names;
	size_t cnt, cap;
	int err;
};

static enum CXChildVisitResult collect_parms(CXCursor c, CXCursor parent, CXClientData data)
{
	struct parm_names *p = data;

	if (clang_getCursorKind(c) != CXCursor_ParmDecl)
		return CXChildVisit_Continue;
	if (fe_ensure_mem((void **)&p->names, &p->cap, sizeof(*p->names), p->cnt + 1)) {
		p->err = -ENOMEM;
		return CXChildVisit_Break;
	}
	p->names[p->cnt++] = cursor_name(c);
	return CXChildVisit_Continue;
}

/* "TYPE NAME" with clang's spacing: no blank after a '*'. */
static int append_decl(FILE *f, CXType t, const char *name)
{
	char *ts = fe_strdup_cx(clang_getTypeSpelling(t));
	size_t n;

	if (!ts)
		return -ENOMEM;
	n = strlen(ts);
	if (!name || !*name)
		fputs(ts, f);
	else if (n && ts[n - 1] == '*')
		fprintf(f, "%s%s", ts, name);
	else
		fprintf(f, "%s %s", ts, name);
	free(ts);
	return 0;
}

/* "RET NAME(PARAMS)" for a function type. */
static char *format_proto(CXType fty, const char *name, struct parm_names *pn)
{
	int i, n = clang_getNumArgTypes(fty);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	append_decl(f, clang_getResultType(fty), name);
	fputc('(', f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		append_decl(f, clang_getArgType(fty, i),
			    pn && (size_t)i < pn->cnt ? pn->names[i] : NULL);
	}
	if (clang_isFunctionTypeVariadic(fty))
		fputs(n ? ", ..." : "...", f);
	else if (!n)
		fputs("void", f);
	fputc(')', f);
	fclose(f);
	return buf;
}

static void helper_free(struct fe_helper *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->args);
	free(h->proto);
	free(h->ext_proto);
	free(h->ret_type);
	free(h);
}

/* The helper that var is, registered on first sight; NULL when var is not a
 * helper (or on ENOMEM, which sets u->err). *idx gets its index. */
static struct fe_helper *helper_of(struct fe_unit *u, CXCursor var, size_t *idx)
{
	struct parm_names pn = { 0 };
	struct fe_helper *h;
	char ext[32];
	uint32_t id;
	CXType fty;
	size_t i;
	int n;
	char *name;

	fty = helper_fn_type(var);
	if (fty.kind == CXType_Invalid || !is_file_scope(var))
		return NULL;
	name = cursor_name(var);
	if (!name) {
		u->err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < u->nr_helpers; i++) {
		if (!strcmp(u->helpers[i]->name, name)) {
			free(name);
			*idx = i;
			return u->helpers[i];
		}
	}
	/* the definition carries the initialiser */
	var = clang_getCursorDefinition(var);
	if (clang_Cursor_isNull(var) || !helper_id(var, &id)) {
		free(name);
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h || fe_ensure_mem((void **)&u->helpers, &u->helpers_cap, sizeof(*u->helpers),
				u->nr_helpers + 1))
		goto err_nomem;
	h->name = name;
	name = NULL;
	h->id = id;
	h->cursor = var;
	h->ret = class_of(clang_getResultType(fty));
	n = clang_getNumArgTypes(fty);
	h->nr_args = n > 0 ? (size_t)n : 0;
	h->args = calloc(h->nr_args + 1, sizeof(*h->args));
	if (!h->args)
		goto err_nomem;
	for (i = 0; i < h->nr_args; i++)
		h->args[i] = class_of(clang_getArgType(fty, (unsigned)i));
	h->variadic = clang_isFunctionTypeVariadic(fty);
	clang_visitChildren(var, collect_parms, &pn);
	snprintf(ext, sizeof(ext), "_bpf_helper_ext_%04u", id);
	h->proto = format_proto(fty, h->name, &pn);
	h->ext_proto = format_proto(fty, ext, &pn);
	h->ret_type = fe_strdup_cx(clang_getTypeSpelling(clang_getResultType(fty)));
	for (i = 0; i < pn.cnt; i++)
		free(pn.names[i]);
	free(pn.names);
	if (!h->proto || !h->ext_proto || !h->ret_type || pn.err)
		goto err_nomem;
	*idx = u->nr_helpers;
	u->helpers[u->nr_helpers++] = h;
	return h;
err_nomem:
	free(name);
	helper_free(h);
	u->err = -ENOMEM;
	return NULL;
}

/* ---------------------------------------------------------------- maps */

struct map_fields {
	struct fe_map *m;
	bool has_values;
};

static uint32_t array_size_of_ptr(CXType t)
{
	CXType a = clang_getCanonicalType(clang_getPointeeType(clang_getCanonicalType(t)));
	long long n = clang_getArraySize(a);

	return n > 0 ? (uint32_t)n : 0;
}

static uint32_t pointee_size(CXType t)
{
	long long n = clang_Type_getSizeOf(clang_getPointeeType(clang_getCanonicalType(t)));

	return n > 0 ? (uint32_t)n : 0;
}

static enum CXVisitorResult map_field(CXCursor c, CXClientData data)
{
	struct map_fields *mf = data;
	struct fe_map *m = mf->m;
	CXType t = clang_getCursorType(c);
	char *name = cursor_name(c);

	if (!name)
		return CXVisit_Break;
	if (!strcmp(name, "type"))
		m->type = array_size_of_ptr(t);
	else if (!strcmp(name, "max_entries"))
		m->max_entries = array_size_of_ptr(t);
	else if (!strcmp(name, "map_flags"))
		m->flags = array_size_of_ptr(t);
	else if (!strcmp(name, "key_size"))
		m->key_size = array_size_of_ptr(t);
	else if (!strcmp(name, "value_size"))
		m->value_size = array_size_of_ptr(t);
	else if (!strcmp(name, "key"))
		m->key_size = pointee_size(t);
	else if (!strcmp(name, "value"))
		m->value_size = pointee_size(t);
	else if (!strcmp(name, "values"))
		mf->has_values = true;
	free(name);
	return CXVisit_Continue;
}

struct legacy_init {
	struct fe_map *m;
	int field;	/* positional index, or the designated one */
};

static enum CXChildVisitResult legacy_field(CXCursor c, CXCursor parent, CXClientData data)
{
	static const char *const fields[] = { "type", "key_size", "value_size", "max_entries",
					      "map_flags" };
	struct legacy_init *li = data;
	CXEvalResult ev;
	uint32_t v;
	size_t i;

	if (clang_getCursorKind(c) == CXCursor_MemberRef) {
		char *name = cursor_name(c);

		li->field = -1;
		for (i = 0; name && i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strcmp(name, fields[i]))
				li->field = (int)i;
		free(name);
		return CXChildVisit_Continue;
	}
	if (!clang_isExpression(clang_getCursorKind(c)))
		return CXChildVisit_Continue;
	ev = clang_Cursor_Evaluate(c);
	if (!ev || clang_EvalResult_getKind(ev) != CXEval_Int) {
		/* a designated initialiser: its MemberRef, then the value */
		if (ev)
			clang_EvalResult_dispose(ev);
		return CXChildVisit_Recurse;
	}
	v = (uint32_t)clang_EvalResult_getAsUnsigned(ev);
	clang_EvalResult_dispose(ev);
	switch (li->field) {
	case 0: li->m->type = v; break;
	case 1: li->m->key_size = v; break;
	case 2: li->m->value_size = v; break;
	case 3: li->m->max_entries = v; break;
	case 4: li->m->flags = v; break;
	default: break;
	}
	if (li->field >= 0)
		li->field++;
	return CXChildVisit_Continue;
}

static int add_map(struct fe_unit *u, CXCursor var, const char *name, bool legacy)
{
	struct fe_map *m;

	if (fe_ensure_mem((void **)&u->maps, &u->maps_cap, sizeof(*u->maps), u->nr_maps + 1))
		return -ENOMEM;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->name = strdup(name))) {
		free(m);
		return -ENOMEM;
	}
	m->legacy = legacy;
	m->cursor = var;
	if (legacy) {
		CXCursor init = clang_Cursor_getVarDeclInitializer(var);
		struct legacy_init li = { .m = m };

		if (!clang_Cursor_isNull(init))
			clang_visitChildren(init, legacy_field, &li);
	} else {
		struct map_fields mf = { .m = m };

		clang_Type_visitFields(clang_getCanonicalType(clang_getCursorType(var)), map_field,
				       &mf);
		/* libbpf: PROG_ARRAY and map-in-map values are 4-byte ids */
		if (mf.has_values && !m->value_size)
			m->value_size = 4;
		if (mf.has_values && !m->key_size)
			m->key_size = 4;
	}
	u->maps[u->nr_maps++] = m;
	return 0;
}

/* ------------------------------------------------------------- globals */

/* Clang's canonical form hoists an element's qualifiers onto the array:
 * look at every level. */
static bool type_is_const(CXType t)
{
	t = clang_getCanonicalType(t);
	for (;;) {
		if (clang_isConstQualifiedType(t))
			return true;
		if (t.kind != CXType_ConstantArray && t.kind != CXType_IncompleteArray)
			return false;
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	}
}

static enum CXChildVisitResult count_children(CXCursor c, CXCursor parent, CXClientData data)
{
	(*(unsigned *)data)++;
	return CXChildVisit_Continue;
}

static const char *default_section(CXCursor var, bool is_const)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(var);
	const char *sec = ".data";
	CXEvalResult ev;
	unsigned n = 0;

	if (is_const)
		return ".rodata";
	if (clang_Cursor_isNull(init))
		return ".bss";
	if (clang_getCursorKind(init) == CXCursor_InitListExpr) {
		clang_visitChildren(init, count_children, &n);
		return n ? ".data" : ".bss";
	}
	ev = clang_Cursor_Evaluate(init);
	if (ev && clang_EvalResult_getKind(ev) == CXEval_Int &&
	    clang_EvalResult_getAsLongLong(ev) == 0)
		sec = ".bss";
	if (ev)
		clang_EvalResult_dispose(ev);
	return sec;
}

static bool is_data_section(const char *s)
{
	return !strcmp(s, ".data") || !strcmp(s, ".rodata") || !strcmp(s, ".bss") ||
	       !strncmp(s, ".data.", 6) || !strncmp(s, ".rodata.", 8) || !strncmp(s, ".bss.", 5);
}

static int add_global(struct fe_unit *u, CXCursor var, const char *name, const char *section)
{
	struct fe_global *g;
	long long size;

	if (fe_ensure_mem((void **)&u->globals, &u->globals_cap, sizeof(*u->globals),
			  u->nr_globals + 1))
		return -ENOMEM;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->name = strdup(name);
	g->is_const = type_is_const(clang_getCursorType(var));
	g->is_static = clang_Cursor_getStorageClass(var) == CX_SC_Static;
	g->section = strdup(section ? section : default_section(var, g->is_const));
	size = clang_Type_getSizeOf(clang_getCursorType(var));
	g->size = size > 0 ? (uint64_t)size : 0;
	g->offset = -1;
	g->cursor = var;
	if (!g->name || !g->section) {
		free(g->name);
		free(g->section);
		free(g);
		return -ENOMEM;
	}
	u->globals[u->nr_globals++] = g;
	return 0;
}

/* Records c when it is a __kconfig extern (section ".kconfig"). */
static int add_kconfig(struct fe_unit *u, CXCursor c, const char *name)
{
	char *sec = fe_cursor_section(c);
	int err = 0;

	if (sec && !strcmp(sec, ".kconfig") && !fe_unit__is_kconfig(u, name)) {
		err = fe_ensure_mem((void **)&u->kconfigs, &u->kconfigs_cap, sizeof(*u->kconfigs),
				    u->nr_kconfigs + 1);
		if (!err) {
			u->kconfigs[u->nr_kconfigs] = strdup(name);
			err = u->kconfigs[u->nr_kconfigs] ? 0 : -ENOMEM;
			u->nr_kconfigs += !err;
		}
	}
	free(sec);
	return err;
}

/* ----------------------------------------------------------- functions */

static int add_func(struct fe_unit *u, CXCursor fn, const char *name)
{
	struct fe_func *f;
	int n;

	if (fe_ensure_mem((void **)&u->funcs, &u->funcs_cap, sizeof(*u->funcs), u->nr_funcs + 1))
		return -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->name = strdup(name))) {
		free(f);
		return -ENOMEM;
	}
	f->cursor = fn;
	f->section = fe_cursor_section(fn);
	/* `SEC("kprobe/x") int BPF_KPROBE(name, ...)`: the section is on the
	 * prototype the macro writes first, and the definition inherits it */
	if (!f->section)
		f->section = fe_cursor_section(clang_getCanonicalCursor(fn));
	f->is_static = clang_Cursor_getStorageClass(fn) == CX_SC_Static;
	n = clang_Cursor_getNumArguments(fn);
	f->nr_params = n > 0 ? (unsigned)n : 0;
	u->funcs[u->nr_funcs++] = f;
	return 0;
}

static ssize_t find_named(void **arr, size_t cnt, const char *name, size_t name_off)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		if (!strcmp(*(char **)((char *)arr[i] + name_off), name))
			return (ssize_t)i;
	return -1;
}

#define FIND(u, field, type, key)                                                                  \
	find_named((void **)(u)->field, (u)->nr_##field, key, offsetof(struct type, name))

struct walk {
	struct fe_unit *u;
	struct fe_func *f;
};

static void note_ref(struct walk *w, CXCursor ref, CXCursor at)
{
	struct fe_unit *u = w->u;
	struct fe_func *f = w->f;
	enum CXCursorKind k = clang_getCursorKind(ref);
	ssize_t i;
	size_t hi;
	char *name;
	int err = 0;

	if (k != CXCursor_VarDecl && k != CXCursor_FunctionDecl)
		return;
	if (!is_file_scope(ref))
		return;
	name = cursor_name(ref);
	if (!name) {
		u->err = -ENOMEM;
		return;
	}
	if (k == CXCursor_FunctionDecl) {
		size_t b;

		if ((i = FIND(u, funcs, fe_func, name)) >= 0)
			err = fe_refs__add(&f->funcs, (size_t)i);
		for (b = 0; b < sizeof(bpf_only_builtins) / sizeof(bpf_only_builtins[0]); b++) {
			if (!strcmp(name, bpf_only_builtins[b]) && !f->unsupported) {
				f->unsupported = bpf_only_builtins[b];
				f->unsupported_loc = clang_getCursorLocation(at);
			}
		}
	} else if ((i = FIND(u, maps, fe_map, name)) >= 0) {
		err = fe_refs__add(&f->maps, (size_t)i);
	} else if ((i = FIND(u, globals, fe_global, name)) >= 0) {
		err = fe_refs__add(&f->globals, (size_t)i);
	} else if (helper_of(u, ref, &hi)) {
		err = fe_refs__add(&f->helpers, hi);
	}
	if (err)
		u->err = err;
	free(name);
}

/* An asm statement whose template is not empty: BPF assembly, with no
 * native meaning. `asm volatile("" ::: "memory")` (barrier(), barrier_var())
 * is an optimisation barrier on any target and stays. */
static bool is_bpf_asm(struct fe_unit *u, CXCursor c)
{
	CXToken *toks = NULL;
	unsigned n = 0, i;
	bool open = false, code = false;

	clang_tokenize(u->tu, clang_getCursorExtent(c), &toks, &n);
	for (i = 0; i < n; i++) {
		CXString sp = clang_getTokenSpelling(u->tu, toks[i]);
		const char *t = clang_getCString(sp);

		if (!open) {
			open = !strcmp(t, "(");
		} else if (clang_getTokenKind(toks[i]) == CXToken_Literal) {
			code |= strcmp(t, "\"\"") != 0;
		} else {
			clang_disposeString(sp);
			break;
		}
		clang_disposeString(sp);
	}
	clang_disposeTokens(u->tu, toks, n);
	return code;
}

static enum CXChildVisitResult walk_body(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk *w = data;

	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
		note_ref(w, clang_getCursorReferenced(c), c);
	} else if (fe_core_builtin(c) && !w->f->unsupported) {
		char *answer = fe_core_answer(w->u, c);

		if (!answer && errno == ENOMEM) {
			w->u->err = -ENOMEM;
		} else if (!answer) {
			w->f->unsupported = fe_core_builtin(c);
			w->f->unsupported_loc = clang_getCursorLocation(c);
		}
		free(answer);
	}
	if (clang_getCursorKind(c) == CXCursor_GCCAsmStmt && !w->f->unsupported &&
	    is_bpf_asm(w->u, c)) {
		w->f->unsupported = FE_INLINE_ASM;
		w->f->unsupported_loc = clang_getCursorLocation(c);
	}
	return w->u->err ? CXChildVisit_Break : CXChildVisit_Recurse;
}

/* --------------------------------------------------------------- unit */

static void add_decl(struct fe_unit *u, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	char *name = NULL, *sec = NULL;
	int err = 0;

	if (k != CXCursor_FunctionDecl && k != CXCursor_VarDecl)
		return;
	if (!in_main_file(c))
		return;
	name = cursor_name(c);
	if (!name) {
		u->err = -ENOMEM;
		return;
	}
	if (k == CXCursor_FunctionDecl) {
		if (clang_isCursorDefinition(c) && FIND(u, funcs, fe_func, name) < 0)
			err = add_func(u, c, name);
		goto out;
	}
	if (clang_Cursor_getStorageClass(c) == CX_SC_Extern) {
		if (k == CXCursor_VarDecl)
			err = add_kconfig(u, c, name);
		goto out;
	}
	if (helper_fn_type(c).kind != CXType_Invalid) {
		size_t hi;

		/* every helper declaration is rewritten, used or not (rewriters/helpers.c) */
		if (is_file_scope(c))
			helper_of(u, c, &hi);
		goto out;
	}
	if (FIND(u, maps, fe_map, name) >= 0 || FIND(u, globals, fe_global, name) >= 0)
		goto out;
	sec = fe_cursor_section(c);
	if (sec && !strcmp(sec, ".maps"))
		err = add_map(u, c, name, false);
	else if (sec && !strcmp(sec, "maps"))
		err = add_map(u, c, name, true);
	else if (!sec || is_data_section(sec))
		err = add_global(u, c, name, sec);
out:
	if (err)
		u->err = err;
	free(sec);
	free(name);
}

static enum CXChildVisitResult top_level(CXCursor c, CXCursor parent, CXClientData data)
{
	add_decl(data, c);
	return ((struct fe_unit *)data)->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static int closure(struct fe_unit *u, struct fe_prog *p)
{
	size_t i, j;
	int err = 0;
	ssize_t self = FIND(u, funcs, fe_func, p->func->name);

	err = fe_refs__add(&p->funcs, (size_t)self);
	/* p->funcs grows while we walk it: a breadth-first worklist */
	for (i = 0; !err && i < p->funcs.cnt; i++) {
		struct fe_func *f = u->funcs[p->funcs.items[i]];

		for (j = 0; !err && j < f->funcs.cnt; j++)
			err = fe_refs__add(&p->funcs, f->funcs.items[j]);
		for (j = 0; !err && j < f->helpers.cnt; j++)
			err = fe_refs__add(&p->helpers, f->helpers.items[j]);
		for (j = 0; !err && j < f->maps.cnt; j++)
			err = fe_refs__add(&p->maps, f->maps.items[j]);
		for (j = 0; !err && j < f->globals.cnt; j++)
			err = fe_refs__add(&p->globals, f->globals.items[j]);
		if (f->unsupported && !p->unsupported) {
			p->unsupported = f->unsupported;
			p->unsupported_loc = f->unsupported_loc;
		}
	}
	return err;
}

static bool in_text(const struct fe_func *f)
{
	return !f->section || !strcmp(f->section, ".text");
}

/* The context a program of an unknown section takes, from its first
 * parameter's type: struct xdp_md *, struct __sk_buff *, struct pt_regs *;
 * raw memory otherwise. */
static enum fe_ctx_kind ctx_of_param(CXCursor fn)
{
	static const struct {
		const char *type;
		enum fe_ctx_kind ctx;
	} kinds[] = {
		{ "struct xdp_md", FE_CTX_XDP },
		{ "struct __sk_buff", FE_CTX_SKB },
		{ "struct pt_regs", FE_CTX_REGS },
	};
	enum fe_ctx_kind ctx = FE_CTX_MEM;
	CXType t;
	CXString sp;
	size_t i;

	if (clang_Cursor_getNumArguments(fn) < 1)
		return ctx;
	t = clang_getCanonicalType(clang_getCursorType(clang_Cursor_getArgument(fn, 0)));
	if (t.kind != CXType_Pointer)
		return ctx;
	sp = clang_getTypeSpelling(clang_getCanonicalType(clang_getPointeeType(t)));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(clang_getCString(sp), kinds[i].type))
			ctx = kinds[i].ctx;
	clang_disposeString(sp);
	return ctx;
}

static int add_prog(struct fe_unit *u, struct fe_func *f)
{
	struct fe_prog *p;

	if (fe_ensure_mem((void **)&u->progs, &u->progs_cap, sizeof(*u->progs), u->nr_progs + 1))
		return -ENOMEM;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->func = f;
	p->unit = u;
	if (in_text(f) || !fe_prog_type_from_sec(f->section, &p->type, &p->ctx)) {
		/* a section libbpf does not know: its loader sets the type
		 * (bpf_program__set_type, bpfaot-run --type); the context
		 * follows the parameter, the type stays 0 */
		p->type = 0;
		p->ctx = in_text(f) ? FE_CTX_MEM : ctx_of_param(f->cursor);
	}
	u->progs[u->nr_progs++] = p;
	return closure(u, p);
}

/* The programs: the functions with a SEC() other than .text. A file with
 * none follows the ubpf convention, as the runtime reads its object
 * (runtime/object.c, collect_progs()): each global function of .text is a
 * raw-memory program, `uint64_t f(void *mem, uint64_t len)`. */
static int build_progs(struct fe_unit *u)
{
	bool ubpf;
	size_t i;
	int err;

	for (i = 0; i < u->nr_funcs; i++) {
		if (in_text(u->funcs[i]))
			continue;
		err = add_prog(u, u->funcs[i]);
		if (err)
			return err;
	}
	ubpf = !u->nr_progs;
	for (i = 0; ubpf && i < u->nr_funcs; i++) {
		/* linkage, not the storage class: `static int f(void); int f(void) {}` */
		if (clang_getCursorLinkage(u->funcs[i]->cursor) != CXLinkage_External)
			continue;
		err = add_prog(u, u->funcs[i]);
		if (err)
			return err;
	}
	return 0;
}

/* libclang looks for its builtin headers (stddef.h, ...) next to the shared
 * library it was loaded from, and overrides any -resource-dir; Debian's
 * library lives in /usr/lib/x86_64-linux-gnu, away from
 * /usr/lib/llvm-N/lib/clang/X.Y.Z. Unless the caller passed -resource-dir
 * (then its include dir is used), add the toolchain's builtin include
 * directory for this version with -isystem, ahead of the system's. */
static char *default_resource_dir(const char *const *args, int nr_args)
{
	char *ver = fe_strdup_cx(clang_getClangVersion()), *p, *dir = NULL;
	unsigned major;
	struct stat st;
	int i;

	for (i = 0; i < nr_args; i++) {
		if (!strcmp(args[i], "-resource-dir") && i + 1 < nr_args) {
			free(ver);
			return asprintf(&dir, "%s/include", args[i + 1]) < 0 ? NULL : dir;
		}
	}
	p = ver ? strstr(ver, "version ") : NULL;
	if (p && sscanf(p + 8, "%u", &major) == 1) {
		p += 8;
		p[strspn(p, "0123456789.")] = '\0';
		if (asprintf(&dir, "/usr/lib/llvm-%u/lib/clang/%s/include", major, p) < 0)
			dir = NULL;
		if (dir && stat(dir, &st)) {
			free(dir);
			dir = NULL;
		}
	}
	free(ver);
	return dir;
}

static bool is_preprocessed(const char *path)
{
	size_t n = strlen(path);

	return n > 2 && !strcmp(path + n - 2, ".i");
}

/* The file named by the first line marker of clang -E output (`# 1
 * "prog.bpf.c"`): the user's source, as the preprocessor was given it.
 * Without one, the .i itself. Caller frees. */
static char *first_marker_file(const char *src, size_t len)
{
	const char *p = src, *end = src + len, *q;
	char *r, *w;

	if (len < 4 || p[0] != '#' || p[1] != ' ' || !(q = memchr(p, '"', (size_t)(end - p))))
		return NULL;
	r = malloc((size_t)(end - q));
	if (!r)
		return NULL;
	for (q++, w = r; q < end && *q != '"' && *q != '\n'; q++) {
		if (*q == '\\' && q + 1 < end)
			q++;
		*w++ = *q;
	}
	*w = '\0';
	return r;
}

struct fe_unit *fe_unit__parse(const char *path, const char *const *args, int nr_args,
			       struct fe_diags *d)
{
	const char **argv = NULL;
	char *resource_dir = NULL;
	struct fe_unit *u;
	enum CXErrorCode ec;
	struct stat st;
	unsigned i, n;
	size_t len;
	int err = 0, j, k = 0;

	if (stat(path, &st)) {
		errno = ENOENT;
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	argv = calloc((size_t)nr_args + 8, sizeof(*argv));
	if (!u || !argv || !(u->path = strdup(path))) {
		err = -ENOMEM;
		goto out_free;
	}
	argv[k++] = "-target";
	argv[k++] = "bpf";
	for (j = 0; j < nr_args; j++)
		argv[k++] = args[j];
	u->preprocessed = is_preprocessed(path);
	if (u->preprocessed) {
		/* clang -E output: nothing left to include or expand */
		argv[k++] = "-x";
		argv[k++] = "cpp-output";
	} else {
		resource_dir = default_resource_dir(args, nr_args);
		if (resource_dir) {
			argv[k++] = "-isystem";
			argv[k++] = resource_dir;
		}
	}
	u->diags = d;
	u->index = clang_createIndex(0, 0);
	ec = clang_parseTranslationUnit2(u->index, path, argv, k, NULL, 0,
					 CXTranslationUnit_DetailedPreprocessingRecord, &u->tu);
	if (ec != CXError_Success || !u->tu) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "cannot parse '%s' (libclang error %d)", path,
			    (int)ec);
		err = -EINVAL;
		goto out_free;
	}
	/* Errors only: warnings are the BPF compile's to print, and it already has. */
	n = clang_getNumDiagnostics(u->tu);
	for (i = 0; i < n; i++) {
		CXDiagnostic dg = clang_getDiagnostic(u->tu, i);

		if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error) {
			fe_diag_clang(d, dg);
			err = -EINVAL;
		}
		clang_disposeDiagnostic(dg);
	}
	if (err)
		goto out_free;
	u->main_file = clang_getFile(u->tu, path);
	u->src = u->main_file ? clang_getFileContents(u->tu, u->main_file, &len) : NULL;
	if (!u->src) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "cannot read '%s'", path);
		err = -EINVAL;
		goto out_free;
	}
	u->src_len = len;
	if (u->preprocessed && !(u->display_path = first_marker_file(u->src, u->src_len))) {
		err = -ENOMEM;
		goto out_free;
	}
	clang_visitChildren(clang_getTranslationUnitCursor(u->tu), top_level, u);
	for (i = 0; !u->err && i < u->nr_funcs; i++) {
		struct walk w = { .u = u, .f = u->funcs[i] };

		clang_visitChildren(u->funcs[i]->cursor, walk_body, &w);
	}
	err = u->err ? u->err : build_progs(u);
	if (err)
		goto out_free;
	free(resource_dir);
	free(argv);
	return u;
out_free:
	free(resource_dir);
	free(argv);
	fe_unit__free(u);
	errno = -err;
	return NULL;
}

void fe_unit__free(struct fe_unit *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->nr_progs; i++) {
		refs_free(&u->progs[i]->helpers);
		refs_free(&u->progs[i]->maps);
		refs_free(&u->progs[i]->globals);
		refs_free(&u->progs[i]->funcs);
		free(u->progs[i]);
	}
	for (i = 0; i < u->nr_funcs; i++) {
		struct fe_func *f = u->funcs[i];

		refs_free(&f->helpers);
		refs_free(&f->maps);
		refs_free(&f->globals);
		refs_free(&f->funcs);
		free(f->name);
		free(f->section);
		free(f);
	}
	for (i = 0; i < u->nr_maps; i++) {
		free(u->maps[i]->name);
		free(u->maps[i]);
	}
	for (i = 0; i < u->nr_globals; i++) {
		free(u->globals[i]->name);
		free(u->globals[i]->section);
		free(u->globals[i]);
	}
	for (i = 0; i < u->nr_helpers; i++)
		helper_free(u->helpers[i]);
	for (i = 0; i < u->nr_kconfigs; i++)
		free(u->kconfigs[i]);
	free(u->kconfigs);
	free(u->progs);
	free(u->funcs);
	free(u->maps);
	free(u->globals);
	free(u->helpers);
	if (u->tu)
		clang_disposeTranslationUnit(u->tu);
	if (u->index)
		clang_disposeIndex(u->index);
	free(u->path);
	free(u->display_path);
	free(u);
}

/* ------------------------------------------------------------ getters */

CXTranslationUnit fe_unit__tu(const struct fe_unit *u) { return u->tu; }
const char *fe_unit__path(const struct fe_unit *u) { return u->display_path ? u->display_path : u->path; }
bool fe_unit__is_preprocessed(const struct fe_unit *u) { return u->preprocessed; }
CXFile fe_unit__main_file(const struct fe_unit *u) { return u->main_file; }

const char *fe_unit__source(const struct fe_unit *u, size_t *len)
{
	if (len)
		*len = u->src_len;
	return u->src;
}

bool fe_unit__main_offset(const struct fe_unit *u, CXSourceLocation loc, unsigned *offset)
{
	CXFile f = NULL;
	unsigned off;

	clang_getFileLocation(loc, &f, NULL, NULL, &off);
	if (!f || !clang_File_isEqual(f, u->main_file) || off > u->src_len)
		return false;
	*offset = off;
	return true;
}

size_t fe_unit__nr_progs(const struct fe_unit *u) { return u->nr_progs; }
struct fe_prog *fe_unit__prog(const struct fe_unit *u, size_t i) { return i < u->nr_progs ? u->progs[i] : NULL; }
size_t fe_unit__nr_funcs(const struct fe_unit *u) { return u->nr_funcs; }
struct fe_func *fe_unit__func(const struct fe_unit *u, size_t i) { return i < u->nr_funcs ? u->funcs[i] : NULL; }
size_t fe_unit__nr_maps(const struct fe_unit *u) { return u->nr_maps; }
struct fe_map *fe_unit__map(const struct fe_unit *u, size_t i) { return i < u->nr_maps ? u->maps[i] : NULL; }
size_t fe_unit__nr_globals(const struct fe_unit *u) { return u->nr_globals; }
struct fe_global *fe_unit__global(const struct fe_unit *u, size_t i) { return i < u->nr_globals ? u->globals[i] : NULL; }
size_t fe_unit__nr_helpers(const struct fe_unit *u) { return u->nr_helpers; }
struct fe_helper *fe_unit__helper(const struct fe_unit *u, size_t i) { return i < u->nr_helpers ? u->helpers[i] : NULL; }

struct fe_prog *fe_unit__find_prog(const struct fe_unit *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nr_progs; i++)
		if (!strcmp(u->progs[i]->func->name, name))
			return u->progs[i];
	return NULL;
}

struct fe_map *fe_unit__find_map(const struct fe_unit *u, const char *name)
{
	ssize_t i = FIND(u, maps, fe_map, name);

	return i < 0 ? NULL : u->maps[i];
}

struct fe_global *fe_unit__find_global(const struct fe_unit *u, const char *name)
{
	ssize_t i = FIND(u, globals, fe_global, name);

	return i < 0 ? NULL : u->globals[i];
}

bool fe_unit__is_kconfig(const struct fe_unit *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nr_kconfigs; i++)
		if (!strcmp(u->kconfigs[i], name))
			return true;
	return false;
}

struct fe_helper *fe_unit__find_helper(const struct fe_unit *u, const char *name)
{
	ssize_t i = FIND(u, helpers, fe_helper, name);

	return i < 0 ? NULL : u->helpers[i];
}

const char *fe_prog__name(const struct fe_prog *p) { return p->func->name; }
const char *fe_prog__section(const struct fe_prog *p)
{
	return p->func->section ? p->func->section : ".text";
}
uint32_t fe_prog__type(const struct fe_prog *p) { return p->type; }
enum fe_ctx_kind fe_prog__ctx(const struct fe_prog *p) { return p->ctx; }
unsigned fe_prog__nr_params(const struct fe_prog *p) { return p->func->nr_params; }
struct fe_func *fe_prog__func(const struct fe_prog *p) { return p->func; }
size_t fe_prog__nr_helpers(const struct fe_prog *p) { return p->helpers.cnt; }
size_t fe_prog__nr_maps(const struct fe_prog *p) { return p->maps.cnt; }
size_t fe_prog__nr_globals(const struct fe_prog *p) { return p->globals.cnt; }
size_t fe_prog__nr_funcs(const struct fe_prog *p) { return p->funcs.cnt; }

struct fe_helper *fe_prog__helper(const struct fe_prog *p, size_t i)
{
	return i < p->helpers.cnt ? p->unit->helpers[p->helpers.items[i]] : NULL;
}

struct fe_map *fe_prog__map(const struct fe_prog *p, size_t i)
{
	return i < p->maps.cnt ? p->unit->maps[p->maps.items[i]] : NULL;
}

struct fe_global *fe_prog__global(const struct fe_prog *p, size_t i)
{
	return i < p->globals.cnt ? p->unit->globals[p->globals.items[i]] : NULL;
}

struct fe_func *fe_prog__reached_func(const struct fe_prog *p, size_t i)
{
	return i < p->funcs.cnt ? p->unit->funcs[p->funcs.items[i]] : NULL;
}

const char *fe_prog__unsupported(const struct fe_prog *p, CXSourceLocation *loc)
{
	if (p->unsupported && loc)
		*loc = p->unsupported_loc;
	return p->unsupported;
}

const char *fe_func__name(const struct fe_func *f) { return f->name; }
bool fe_func__is_static(const struct fe_func *f) { return f->is_static; }
const char *fe_func__section(const struct fe_func *f) { return f->section; }
CXCursor fe_func__cursor(const struct fe_func *f) { return f->cursor; }
const char *fe_func__unsupported(const struct fe_func *f) { return f->unsupported; }

const char *fe_map__name(const struct fe_map *m) { return m->name; }
bool fe_map__is_legacy(const struct fe_map *m) { return m->legacy; }
uint32_t fe_map__type(const struct fe_map *m) { return m->type; }
uint32_t fe_map__key_size(const struct fe_map *m) { return m->key_size; }
uint32_t fe_map__value_size(const struct fe_map *m) { return m->value_size; }
uint32_t fe_map__max_entries(const struct fe_map *m) { return m->max_entries; }
uint32_t fe_map__flags(const struct fe_map *m) { return m->flags; }
CXCursor fe_map__cursor(const struct fe_map *m) { return m->cursor; }

void fe_map__set_def(struct fe_map *m, uint32_t type, uint32_t key_size, uint32_t value_size,
		     uint32_t max_entries, uint32_t flags)
{
	m->type = type;
	m->key_size = key_size;
	m->value_size = value_size;
	m->max_entries = max_entries;
	m->flags = flags;
}

const char *fe_global__name(const struct fe_global *g) { return g->name; }
const char *fe_global__section(const struct fe_global *g) { return g->section; }
uint64_t fe_global__size(const struct fe_global *g) { return g->size; }
int64_t fe_global__offset(const struct fe_global *g) { return g->offset; }
bool fe_global__is_const(const struct fe_global *g) { return g->is_const; }
bool fe_global__is_static(const struct fe_global *g) { return g->is_static; }
CXCursor fe_global__cursor(const struct fe_global *g) { return g->cursor; }

int fe_global__set_location(struct fe_global *g, const char *section, uint64_t offset,
			    uint64_t size)
{
	char *s = strdup(section);

	if (!s)
		return -ENOMEM;
	free(g->section);
	g->section = s;
	g->offset = (int64_t)offset;
	g->size = size;
	return 0;
}

void fe_global__forget_location(struct fe_global *g)
{
	g->offset = -1;
}

const char *fe_helper__name(const struct fe_helper *h) { return h->name; }
uint32_t fe_helper__id(const struct fe_helper *h) { return h->id; }
enum fe_class fe_helper__ret(const struct fe_helper *h) { return h->ret; }
size_t fe_helper__nr_args(const struct fe_helper *h) { return h->nr_args; }
enum fe_class fe_helper__arg(const struct fe_helper *h, size_t i) { return i < h->nr_args ? h->args[i] : FE_CLASS_VOID; }
bool fe_helper__is_variadic(const struct fe_helper *h) { return h->variadic; }
const char *fe_helper__proto(const struct fe_helper *h) { return h->proto; }
const char *fe_helper__ext_proto(const struct fe_helper *h) { return h->ext_proto; }
const char *fe_helper__ret_type(const struct fe_helper *h) { return h->ret_type; }
CXCursor fe_helper__cursor(const struct fe_helper *h) { return h->cursor; }
