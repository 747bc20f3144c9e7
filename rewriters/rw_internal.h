/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of the rewriters: source-position helpers shared by
 * the rewrite passes.
 */
#ifndef BPFAOT_RW_INTERNAL_H
#define BPFAOT_RW_INTERNAL_H

#include "rw.h"

/* Whether the native source of program p (NULL: the shared preview) has
 * f's body replaced by a trap: f holds inline BPF assembly, or p does not
 * reach f (so that one function that only compiles for BPF cannot cost
 * the other programs of the file their native code). */
bool rw_func_is_stubbed(const struct fe_prog *p, const struct fe_func *f);

/* Grows *data to hold need elements of elem_sz; 0 or -ENOMEM. */
int rw_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need);
/* The cursor's extent as main-file offsets [*start, *end); false when it
 * is not (entirely) in the main file. Macro bodies map to their expansion. */
bool rw_cursor_range(const struct fe_unit *u, CXCursor c, unsigned *start, unsigned *end);
/* Finds a section attribute spelled in [from, to): `SEC(...)`,
 * `__section(...)` or `__attribute__((section(...)...))`; its range in
 * [*s, *e). False when there is none. */
/* The extent [*s, *e) of an `__attribute__((weak))` between offsets from
 * and to of the main file; false if none. */
bool rw_find_weak_attr(const struct fe_unit *u, unsigned from, unsigned to, unsigned *s,
		       unsigned *e);
bool rw_find_section_attr(const struct fe_unit *u, unsigned from, unsigned to, unsigned *s,
			  unsigned *e);
/* The offset of the ';' or ',' that ends the declarator starting at from:
 * parentheses, brackets, braces, comments and literals skipped. */
unsigned rw_scan_decl_end(const char *src, size_t len, unsigned from);
/* True when the identifier `name` is spelled at src[off]. */
bool rw_is_ident_at(const char *src, size_t len, unsigned off, const char *name);
/* The location of a main-file offset (for diagnostics). */
CXSourceLocation rw_offset_loc(const struct fe_unit *u, unsigned off);
/* The callee of a CallExpr when it names a declaration, else a null cursor. */
CXCursor rw_call_callee(CXCursor call);

/* One helper call that an inline rewrite may replace. */
struct rw_call {
	const struct fe_unit *u;
	const struct fe_helper *h;
	CXCursor call;
	unsigned start, end;	/* the call's extent, main-file offsets */
	int nr_args;
	CXCursor args[5];	/* as written (implicit conversions included) */
	const struct rw_opts *o;	/* the rewrite's options */
	/* a rule that could apply but leaves the call a call may say why here
	 * (static text), for the [-Raot] remark at the call */
	const char **why;
};

/*
 * An inline rewrite of one helper call. Returns 1 with *text (malloc'ed, one
 * line: the lines of the file stay put) to replace the whole call with, 0
 * when the call stays a call (nothing reported: the call is exact), or
 * -ENOMEM. *values_of gets the map whose values the text reads through
 * `__bpfaot_map_values_NAME`, or through a view of the map
 * (rw_map_view(): to be declared), else NULL.
 */
typedef int (*rw_inline_fn)(const struct rw_call *c, char **text,
			    const struct fe_map **values_of);

/* The map of the file that a call's first argument is `&M` of, or NULL. */
const struct fe_map *rw_call_map(const struct rw_call *c);
/* Why lookups in m cannot index its values (a phrase), or NULL when they can. */
const char *rw_map_not_inlinable_why(const struct fe_map *m);
/* Why calls on m do not become inline code (through its view, or its
 * values for an array), or NULL. */
const char *rw_map_not_inlined_why(const struct fe_map *m);
/* bpf_map_push_elem, _pop_elem, _peek_elem on a queue or stack map:
 * through the map's view. */
int rw_inline_queue_op(const struct rw_call *c, char **text, const struct fe_map **values_of);
/* bpf_map_lookup_elem(&ARRAY, &key): bounds-checked indexing;
 * bpf_map_lookup_elem(&HASH, key) and on a per-CPU array or hash: through
 * the map's view. */
int rw_inline_map_lookup(const struct rw_call *c, char **text, const struct fe_map **values_of);
/* bpf_map_update_elem(&ARRAY, &key, &value, CONST): bounds-checked copy. */
int rw_inline_map_update(const struct rw_call *c, char **text, const struct fe_map **values_of);
/* Helpers whose value is a constant of the runtime (CPU 0, node 0). */
int rw_inline_helper_const(const struct rw_call *c, char **text, const struct fe_map **values_of);

/* The declaration of a global of opts->consts: 1 with *text (malloc'ed,
 * one line, no ';'), 0 when g is not compiled in, -ENOMEM. */
int rw_const_decl(const struct fe_global *g, const struct rw_opts *opts, char **text);
/* The expression under implicit conversions and parentheses. */
CXCursor rw_expr_strip(CXCursor c);
/* True when the expression can be evaluated once more, or once elsewhere,
 * without changing the program: no call, assignment, ++/--, statement
 * expression; entirely in the main file, outside macro bodies. */
bool rw_expr_is_pure(const struct fe_unit *u, CXCursor expr);
/* The main-file text of an expression (malloc'ed), NULL if not spelled there. */
char *rw_expr_text(const struct fe_unit *u, CXCursor expr);

#endif /* BPFAOT_RW_INTERNAL_H */
