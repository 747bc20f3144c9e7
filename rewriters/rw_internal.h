/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of the rewriters: source-position helpers shared by
 * the rewrite passes.
 */
#ifndef BPFAOT_RW_INTERNAL_H
#define BPFAOT_RW_INTERNAL_H

#include "rw.h"

/* Grows *data to hold need elements of elem_sz; 0 or -ENOMEM. */
int rw_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need);
/* The cursor's extent as main-file offsets [*start, *end); false when it
 * is not (entirely) in the main file. Macro bodies map to their expansion. */
bool rw_cursor_range(const struct fe_unit *u, CXCursor c, unsigned *start, unsigned *end);
/* Finds a section attribute spelled in [from, to): `SEC(...)`,
 * `__section(...)` or `__attribute__((section(...)...))`; its range in
 * [*s, *e). False when there is none. */
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

#endif /* BPFAOT_RW_INTERNAL_H */
