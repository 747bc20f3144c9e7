/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of the frontend: the model's structs and the small
 * helpers its files share (dynamic arrays, CXString copies).
 */
#ifndef BPFAOT_FE_INTERNAL_H
#define BPFAOT_FE_INTERNAL_H

#include "fe.h"

struct fe_helper {
	char *name;
	uint32_t id;
	enum fe_class ret;
	enum fe_class *args;
	size_t nr_args;
	bool variadic;
	char *proto;
	char *ext_proto;
	char *ret_type;
	CXCursor cursor;
};

struct fe_map {
	char *name;
	bool legacy;
	uint32_t type, key_size, value_size, max_entries, flags;
	CXCursor cursor;
};

struct fe_global {
	char *name;
	char *section;
	uint64_t size;
	int64_t offset;
	bool is_const, is_static;
	CXCursor cursor;
};

/* Indices into the unit's arrays: what one function references directly. */
struct fe_refs {
	size_t *items;
	size_t cnt, cap;
};

struct fe_func {
	char *name;
	char *section;	/* NULL without SEC() */
	bool is_static;
	unsigned nr_params;
	CXCursor cursor;
	struct fe_refs helpers, maps, globals, funcs;
	const char *unsupported;	/* first BPF-only builtin it calls */
	CXSourceLocation unsupported_loc;
};

struct fe_prog {
	struct fe_func *func;
	uint32_t type;
	enum fe_ctx_kind ctx;
	/* the closure over calls: indices into the unit's arrays */
	struct fe_refs helpers, maps, globals, funcs;
	const char *unsupported;
	CXSourceLocation unsupported_loc;
	struct fe_unit *unit;
};

struct fe_unit {
	char *path;
	char *display_path;	/* preprocessed: the user's source (first line marker) */
	bool preprocessed;	/* path is clang -E output (.i) */
	CXIndex index;
	CXTranslationUnit tu;
	CXFile main_file;
	const char *src;
	size_t src_len;
	struct fe_func **funcs;
	size_t nr_funcs, funcs_cap;
	struct fe_prog **progs;
	size_t nr_progs, progs_cap;
	struct fe_map **maps;
	size_t nr_maps, maps_cap;
	struct fe_global **globals;
	size_t nr_globals, globals_cap;
	struct fe_helper **helpers;
	size_t nr_helpers, helpers_cap;
	char **kconfigs;	/* names of the unit's `__kconfig` externs */
	size_t nr_kconfigs, kconfigs_cap;
	struct fe_diags *diags;
	int err;	/* sticky: first failure while reading the model */
};

/* Grows *data to hold need elements of elem_sz; 0 or -ENOMEM (libbpf's
 * libbpf_ensure_mem). */
int fe_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need);
/* Appends idx to refs unless already there; 0 or -ENOMEM. */
int fe_refs__add(struct fe_refs *r, size_t idx);
bool fe_refs__has(const struct fe_refs *r, size_t idx);

#endif /* BPFAOT_FE_INTERNAL_H */
