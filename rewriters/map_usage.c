// SPDX-License-Identifier: MIT
/*
 * How the functions of a file use each map: is it a configuration map,
 * only read by the programs? A map is one when
 *   - its type is an array or a hash (per-CPU or not): the kernel shares no
 *     other kind specially (prog arrays, maps of maps, ring buffers, ...);
 *   - `&M` appears only as the map argument of bpf_map_lookup_elem(): no
 *     update, delete or other helper takes it, and its address goes nowhere
 *     else (a variable, a function);
 *   - no pointer a lookup returned is written through (`p->x = 1`, `p->n++`,
 *     `*p = v`), has its address taken (`&p->x`), or escapes: passed to a
 *     function or a helper other than as an argument helpers only read
 *     (a key, an update's value, output data), returned, copied into
 *     another variable or turned into an integer.
 *
 * The walk keeps the stack of a cursor's ancestors, which libclang does not
 * give, so that each use of a map or of a lookup result is judged by what
 * encloses it. The verdict is conservative: whatever the walk does not
 * recognise counts as a write. Each verdict says why, in a phrase the
 * preview and the -Raot remarks print.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

#define ID_LOOKUP 1
#define MAX_DEPTH 256

/* Helpers that only read the memory an argument points to: id, and a bit
 * per argument (bit 0: the first). */
static const struct {
	uint32_t id;
	unsigned read_args;
} reading_args[] = {
	{ 1, 1u << 1 },			/* bpf_map_lookup_elem: key */
	{ 2, 1u << 1 | 1u << 2 },	/* bpf_map_update_elem: key, value */
	{ 3, 1u << 1 },			/* bpf_map_delete_elem: key */
	{ 6, 1u << 0 },			/* bpf_trace_printk: fmt */
	{ 25, 1u << 3 },		/* bpf_perf_event_output: data */
	{ 130, 1u << 1 },		/* bpf_ringbuf_output: data */
	{ 177, 1u << 0 | 1u << 2 },	/* bpf_trace_vprintk: fmt, data */
};

struct var {
	CXCursor decl;
	size_t map;
};

struct walk {
	const struct fe_unit *u;
	struct rw_map_use *uses;
	CXCursor stack[MAX_DEPTH];
	int depth;
	struct var *vars;
	size_t nr_vars, cap_vars;
	bool pass2;
	int err;
};

static bool is_config_type(uint32_t type)
{
	/* hash 1, array 2, per-CPU hash 5, per-CPU array 6 */
	return type == 1 || type == 2 || type == 5 || type == 6;
}

static long helper_id_of_call(const struct fe_unit *u, CXCursor call)
{
	CXCursor callee = rw_call_callee(call), def;
	size_t i;

	if (clang_Cursor_isNull(callee))
		return -1;
	def = clang_getCursorDefinition(clang_getCursorReferenced(callee));
	if (clang_Cursor_isNull(def))
		return -1;
	for (i = 0; i < fe_unit__nr_helpers(u); i++)
		if (clang_equalCursors(def, fe_helper__cursor(fe_unit__helper(u, i))))
			return fe_helper__id(fe_unit__helper(u, i));
	return -1;
}

static char *callee_name(CXCursor call)
{
	CXCursor callee = rw_call_callee(call);

	return clang_Cursor_isNull(callee) ? strdup("a function pointer") :
					     fe_strdup_cx(clang_getCursorSpelling(callee));
}

/* Records the first reason a map is not read-only, with its place. */
static void mark(struct walk *w, size_t map, CXCursor where, const char *fmt, const char *arg)
{
	struct rw_map_use *mu = &w->uses[map];
	unsigned line = 0, col;
	CXString file;

	if (!mu->read_only)
		return;
	mu->read_only = false;
	/* the line in the user's file (the unit may be preprocessed text) */
	clang_getPresumedLocation(clang_getCursorLocation(where), &file, &line, &col);
	clang_disposeString(file);
	snprintf(mu->why, sizeof(mu->why), fmt, arg ? arg : "");
	mu->line = line;
}

struct nth {
	CXCursor want;
	int i, found;
};

static enum CXChildVisitResult nth_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct nth *n = data;

	if (clang_equalCursors(c, n->want)) {
		n->found = n->i;
		return CXChildVisit_Break;
	}
	n->i++;
	return CXChildVisit_Continue;
}

static int child_index(CXCursor parent, CXCursor child)
{
	struct nth n = { .want = child, .found = -1 };

	clang_visitChildren(parent, nth_visit, &n);
	return n.found;
}

static enum CXChildVisitResult nth_child_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct nth *n = data;

	if (n->i++ == n->found) {
		n->want = c;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static CXCursor nth_child(CXCursor parent, int i)
{
	struct nth n = { .want = clang_getNullCursor(), .found = i };

	clang_visitChildren(parent, nth_child_visit, &n);
	return n.want;
}

/* The first token of c's extent ("*", "&", "++", ... for a prefix operator). */
static char *first_token(const struct fe_unit *u, CXCursor c, bool last)
{
	CXTranslationUnit tu = fe_unit__tu(u);
	CXToken *toks = NULL;
	unsigned n = 0;
	char *s = NULL;

	clang_tokenize(tu, clang_getCursorExtent(c), &toks, &n);
	if (n)
		s = fe_strdup_cx(clang_getTokenSpelling(tu, toks[last ? n - 1 : 0]));
	clang_disposeTokens(tu, toks, n);
	return s;
}

/* The operator of a binary operator: the first token after its LHS. */
static char *binary_op(const struct fe_unit *u, CXCursor op, CXCursor lhs)
{
	CXTranslationUnit tu = fe_unit__tu(u);
	CXToken *toks = NULL;
	unsigned n = 0, i, end, off;
	char *s = NULL;

	if (!fe_unit__main_offset(u, clang_getRangeEnd(clang_getCursorExtent(lhs)), &end))
		return NULL;
	clang_tokenize(tu, clang_getCursorExtent(op), &toks, &n);
	for (i = 0; i < n; i++) {
		if (!fe_unit__main_offset(u, clang_getRangeStart(clang_getTokenExtent(tu, toks[i])),
					  &off) || off < end)
			continue;
		s = fe_strdup_cx(clang_getTokenSpelling(tu, toks[i]));
		break;
	}
	clang_disposeTokens(tu, toks, n);
	return s;
}

static bool type_is_pointer(CXCursor c)
{
	enum CXTypeKind k = clang_getCanonicalType(clang_getCursorType(c)).kind;

	return k == CXType_Pointer || k == CXType_ConstantArray || k == CXType_IncompleteArray;
}

static bool type_is_record(CXCursor c)
{
	return clang_getCanonicalType(clang_getCursorType(c)).kind == CXType_Record;
}

static bool is_comparison(const char *op)
{
	static const char *const ops[] = { "==", "!=", "<", ">", "<=", ">=", "&&", "||" };
	size_t i;

	for (i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i]))
			return true;
	return false;
}

static bool is_local_var(CXCursor v)
{
	return clang_getCursorKind(v) == CXCursor_VarDecl &&
	       clang_getCursorKind(clang_getCursorSemanticParent(v)) != CXCursor_TranslationUnit &&
	       clang_Cursor_getStorageClass(v) != CX_SC_Static;
}

static int add_var(struct walk *w, CXCursor decl, size_t map)
{
	size_t i;

	for (i = 0; i < w->nr_vars; i++)
		if (w->vars[i].map == map && clang_equalCursors(w->vars[i].decl, decl))
			return 0;
	if (rw_ensure_mem((void **)&w->vars, &w->cap_vars, sizeof(*w->vars), w->nr_vars + 1))
		return -ENOMEM;
	w->vars[w->nr_vars].decl = decl;
	w->vars[w->nr_vars++].map = map;
	return 0;
}

/* A helper argument that the helper only reads through. */
static bool is_read_arg(const struct fe_unit *u, CXCursor call, CXCursor arg)
{
	long id = helper_id_of_call(u, call);
	int n = clang_Cursor_getNumArguments(call), i;
	size_t k;

	if (id < 0)
		return false;
	for (i = 0; i < n; i++)
		if (clang_equalCursors(clang_Cursor_getArgument(call, (unsigned)i), arg))
			break;
	if (i == n || i > 31)
		return false;
	for (k = 0; k < sizeof(reading_args) / sizeof(reading_args[0]); k++)
		if (reading_args[k].id == (uint32_t)id)
			return reading_args[k].read_args & (1u << i);
	return false;
}

/*
 * Judges the use of a pointer into map's values: the expression at
 * w->stack[at]. Walks up while the value stays a pointer into the map
 * (casts, parentheses, pointer arithmetic) or an lvalue inside it
 * (members, elements), until it is read, compared, or written / escapes.
 */
static void judge(struct walk *w, int at, size_t map)
{
	bool lval = false;
	int i;

	for (i = at; i > 0; i--) {
		CXCursor e = w->stack[i], p = w->stack[i - 1];
		enum CXCursorKind k = clang_getCursorKind(p);
		char *op = NULL;

		switch (k) {
		case CXCursor_ParenExpr:
			continue;
		case CXCursor_UnexposedExpr:	/* implicit casts */
		case CXCursor_CStyleCastExpr:
			if (lval && !type_is_pointer(p) && !type_is_record(p))
				return;	/* lvalue-to-rvalue: a read */
			if (type_is_pointer(p)) {
				lval = false;	/* a pointer (array decay, cast) */
				continue;
			}
			if (lval)
				continue;
			if (clang_getCanonicalType(clang_getCursorType(p)).kind == CXType_Bool)
				return;
			mark(w, map, p, "a pointer into it is turned into an integer%s", NULL);
			return;
		case CXCursor_MemberRefExpr:
			lval = true;
			continue;
		case CXCursor_ArraySubscriptExpr:
			if (child_index(p, e) == 0) {
				lval = true;
				continue;
			}
			return;	/* used as an index: read */
		case CXCursor_UnaryOperator:
			op = first_token(w->u, p, false);
			if (op && !strcmp(op, "*") && !lval) {
				lval = true;
			} else if (op && !strcmp(op, "&") && lval) {
				lval = false;
			} else if (op && !strcmp(op, "!")) {
				free(op);
				return;
			} else if (op && !strcmp(op, "sizeof")) {
				free(op);
				return;
			} else {
				char *last = first_token(w->u, p, true);
				bool incdec = (op && (!strcmp(op, "++") || !strcmp(op, "--"))) ||
					      (last && (!strcmp(last, "++") || !strcmp(last, "--")));

				free(last);
				free(op);
				if (incdec && !lval)
					return;	/* moves the pointer variable itself */
				mark(w, map, p, "the program writes into its values%s", NULL);
				return;
			}
			free(op);
			continue;
		case CXCursor_CompoundAssignOperator:
			if (child_index(p, e) == 0 && !lval)
				return;	/* p += n: the variable itself */
			mark(w, map, p, "the program writes into its values%s", NULL);
			return;
		case CXCursor_BinaryOperator: {
			int idx = child_index(p, e);
			CXCursor lhs = nth_child(p, 0);

			if (idx < 0)
				break;
			op = binary_op(w->u, p, lhs);
			if (op && !strcmp(op, "=")) {
				free(op);
				if (idx == 0 && !lval)
					return;	/* assigns the variable itself */
				if (idx == 0)
					break;	/* writes into the values */
				/* `x = p`: x, a local variable, is followed too */
				lhs = rw_expr_strip(lhs);
				if (!lval && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
				    is_local_var(clang_getCursorReferenced(lhs))) {
					if (add_var(w, clang_getCursorReferenced(lhs), map))
						w->err = -ENOMEM;
					return;
				}
				break;
			}
			if (is_comparison(op) || (op && !strcmp(op, ",") && idx == 0)) {
				free(op);
				return;
			}
			free(op);
			if (!lval && type_is_pointer(p))
				continue;	/* pointer arithmetic */
			if (lval)
				return;
			break;
		}
		case CXCursor_ConditionalOperator:
			if (child_index(p, e) == 0)
				return;	/* the condition */
			continue;
		case CXCursor_IfStmt:
		case CXCursor_WhileStmt:
		case CXCursor_DoStmt:
		case CXCursor_ForStmt:
		case CXCursor_SwitchStmt:
			return;
		case CXCursor_CallExpr:
			if (lval && type_is_record(e))
				return;	/* a struct passed by value */
			if (!lval && is_read_arg(w->u, p, e))
				return;
			op = callee_name(p);
			if (op && (!strncmp(op, "__sync_", 7) || !strncmp(op, "__atomic_", 9)))
				mark(w, map, p, "an atomic operation writes into its values%s", NULL);
			else
				mark(w, map, p, "a pointer into its values is passed to '%s'", op);
			free(op);
			return;
		case CXCursor_VarDecl:
			if (lval && type_is_record(e))
				return;	/* struct copy */
			if (!lval && is_local_var(p)) {
				if (add_var(w, p, map))
					w->err = -ENOMEM;
				return;
			}
			break;
		default:
			if (clang_isStatement(k) && k != CXCursor_ReturnStmt)
				return;	/* a statement of its own: value unused */
			break;
		}
		break;
	}
	mark(w, map, i > 0 ? w->stack[i - 1] : w->stack[at],
	     lval ? "the program writes into its values%s" :
		    "a pointer into its values is stored or returned%s",
	     NULL);
}

static long map_of_decl(const struct fe_unit *u, CXCursor ref)
{
	size_t i;

	if (clang_getCursorKind(ref) != CXCursor_VarDecl ||
	    clang_getCursorKind(clang_getCursorSemanticParent(ref)) != CXCursor_TranslationUnit)
		return -1;
	for (i = 0; i < fe_unit__nr_maps(u); i++) {
		CXCursor mc = fe_map__cursor(fe_unit__map(u, i));

		if (clang_equalCursors(clang_getCanonicalCursor(mc), clang_getCanonicalCursor(ref)))
			return (long)i;
	}
	return -1;
}

/* A reference to map `map` at the top of the stack: `&M` as a lookup's map
 * argument is a read (its result judged); anything else writes or escapes. */
static void map_ref(struct walk *w, size_t map)
{
	int i = w->depth - 1;
	bool addr = false;
	char *op, *name;
	long id;

	for (; i > 0; i--) {
		CXCursor p = w->stack[i - 1];
		enum CXCursorKind k = clang_getCursorKind(p);

		if (k == CXCursor_ParenExpr || k == CXCursor_UnexposedExpr ||
		    k == CXCursor_CStyleCastExpr)
			continue;
		if (k == CXCursor_UnaryOperator && !addr) {
			op = first_token(w->u, p, false);
			addr = op && !strcmp(op, "&");
			free(op);
			if (addr)
				continue;
		}
		break;
	}
	if (i == 0 || clang_getCursorKind(w->stack[i - 1]) != CXCursor_CallExpr || !addr) {
		mark(w, map, w->stack[w->depth - 1], "its address is taken%s", NULL);
		return;
	}
	id = helper_id_of_call(w->u, w->stack[i - 1]);
	if (id == ID_LOOKUP &&
	    clang_equalCursors(clang_Cursor_getArgument(w->stack[i - 1], 0), w->stack[i])) {
		judge(w, i - 1, map);
		return;
	}
	name = callee_name(w->stack[i - 1]);
	mark(w, map, w->stack[i - 1],
	     id >= 0 ? "%s() takes it" :
		       "its address is passed to '%s'",
	     name);
	free(name);
}

static void on_cursor(struct walk *w)
{
	CXCursor c = w->stack[w->depth - 1], ref;
	size_t i;
	long m;

	if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
		return;
	ref = clang_getCursorReferenced(c);
	if (!w->pass2) {
		m = map_of_decl(w->u, ref);
		if (m >= 0)
			map_ref(w, (size_t)m);
		return;
	}
	for (i = 0; i < w->nr_vars; i++)
		if (clang_equalCursors(w->vars[i].decl, ref))
			judge(w, w->depth - 1, w->vars[i].map);
}

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk *w = data;
	size_t i;

	if (w->depth >= MAX_DEPTH) {
		for (i = 0; i < fe_unit__nr_maps(w->u); i++)
			mark(w, i, c, "a function nests too deep to follow its uses%s", NULL);
		return CXChildVisit_Continue;
	}
	w->stack[w->depth++] = c;
	on_cursor(w);
	clang_visitChildren(c, visit, w);
	w->depth--;
	return w->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static void walk_funcs(struct walk *w)
{
	size_t i;

	for (i = 0; i < fe_unit__nr_funcs(w->u) && !w->err; i++) {
		w->stack[0] = fe_func__cursor(fe_unit__func(w->u, i));
		w->depth = 1;
		clang_visitChildren(w->stack[0], visit, w);
	}
}

int rw_map_usage(const struct fe_unit *u, struct rw_map_use **out)
{
	struct walk w = { .u = u };
	size_t n = fe_unit__nr_maps(u), i, before;
	int rounds;

	w.uses = calloc(n + 1, sizeof(*w.uses));
	if (!w.uses)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint32_t type = fe_map__type(fe_unit__map(u, i));

		w.uses[i].read_only = is_config_type(type);
		if (!w.uses[i].read_only)
			snprintf(w.uses[i].why, sizeof(w.uses[i].why),
				 "its type (%u) is not an array or a hash", type);
	}
	walk_funcs(&w);
	/* pointer variables, and the variables they are copied into */
	w.pass2 = true;
	for (rounds = 0; rounds < 8 && !w.err; rounds++) {
		before = w.nr_vars;
		walk_funcs(&w);
		if (w.nr_vars == before)
			break;
	}
	free(w.vars);
	if (w.err) {
		free(w.uses);
		return w.err;
	}
	*out = w.uses;
	return 0;
}
