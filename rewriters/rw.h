/* SPDX-License-Identifier: MIT */
/*
 * The rewriters' public interface. Each rewrite walks the unit and appends
 * source edits {offset, len, text} (byte offsets in the main file) to an
 * rw_edits list; rw_edits__apply() turns the list into the rewritten
 * source, refusing overlapping edits and adding `#line N "file"` after
 * every edit that changes the line structure, so that the native compile's
 * diagnostics point at the user's file and line.
 *
 * rw_rewrite() runs them all for one program: the native source of that
 * program, which is also what `bpfaot-cc --aot-emit=source` shows.
 */
#ifndef BPFAOT_RW_H
#define BPFAOT_RW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fe.h"

struct rw_edits;

/* A new, empty list; NULL with errno. Free with rw_edits__free(). */
struct rw_edits *rw_edits__new(void);
void rw_edits__free(struct rw_edits *e);
/* Replaces [offset, offset + len) with text (copied); len 0 inserts. Edits
 * at the same offset apply in the order added, insertions first.
 * Returns 0 or -ENOMEM. */
int rw_edits__replace(struct rw_edits *e, unsigned offset, unsigned len, const char *text);
int rw_edits__insert(struct rw_edits *e, unsigned offset, const char *text);
size_t rw_edits__count(const struct rw_edits *e);
/* The offset and length of the i-th edit added. */
void rw_edits__span(const struct rw_edits *e, size_t i, unsigned *offset, unsigned *len);
/* Applies the edits to src[0..len). With line_file, an edit whose text has
 * a different number of lines than what it replaces is followed, at the
 * next line start, by `#line N "line_file"`. On success *out is a new
 * NUL-terminated buffer (caller frees with free()). Returns -EINVAL when
 * two edits overlap or one lies outside src, -ENOMEM. */
int rw_edits__apply(const struct rw_edits *e, const char *src, size_t len, const char *line_file,
		    char **out, size_t *out_len);
/* The same for reading (the --aot-emit=source preview of preprocessed
 * input): each run of lines that come from system headers (line markers
 * with flag 3, and <built-in>) and hold no edit is folded into one comment
 * ("bpfaot: N unchanged lines of system headers (linux/bpf.h, ...)");
 * no #line is added. */
int rw_edits__apply_folded(const struct rw_edits *e, const char *src, size_t len, char **out,
			   size_t *out_len);

/* The rewrites. Each returns 0 or -errno with a diagnostic in d. */

struct rw_opts;
/* Every function defined in the unit becomes static and loses its SEC();
 * with p, appends `uint64_t bpf_main(void *ctx, uint64_t ctx_size)`
 * calling p (raw-memory programs of two parameters get (ctx, ctx_size));
 * without, one such entry per program of opts->entries, named
 * RW_ENTRY_PREFIX + the program's name. A function of the file named
 * bpf_main is renamed by the prelude line that *prelude gets (malloc'ed;
 * NULL when none is needed). */
int rw_entry(const struct fe_unit *u, const struct fe_prog *p, const struct rw_opts *opts,
	     struct rw_edits *e, struct fe_diags *d, char **prelude);
/* Blanks the top-level declarations that the unit's code (and the edits
 * in e) never needs, keeping every line's number; forward-declares the
 * records the code names only behind pointers (rewriters/prune.c). Run
 * after every other pass. 0 or -ENOMEM. */
int rw_prune(const struct fe_unit *u, struct rw_edits *e, struct fe_diags *d);
/* The entries of a unit shared by several programs (rw_opts.entries). */
#define RW_ENTRY_PREFIX "__bpfaot_entry_"

/* Helper declarations (`static RET (*NAME)(ARGS) = (void *) ID;`) become
 * `extern RET NAME(ARGS) __asm__("_bpf_helper_ext_NNNN");`, so every call,
 * wherever it is written, reaches the runtime's helper with the helper's
 * own prototype (with opts->no_types, through the untyped 5 x u64
 * prototype and casts); bpf_tail_call() in a program returns from it when
 * the call succeeds. Unless opts turn them off, array-map lookups/updates
 * and constant helpers become inline code (rewriters/inline_maps.c,
 * rewriters/inline_helpers.c). opts may be NULL (every optimisation on).
 * *prelude gets the text the unit must start with (malloc'ed, caller
 * frees; NULL when empty). */
int rw_helpers(const struct fe_unit *u, const struct rw_opts *opts, struct rw_edits *e,
	       struct fe_diags *d, char **prelude);
/* Map definitions become `extern struct bpfaot_map NAME;`, with a comment
 * saying whether the map is a configuration map (opts->map_uses). */
int rw_maps(const struct fe_unit *u, const struct rw_opts *opts, struct rw_edits *e,
	    struct fe_diags *d);
/* Global data definitions become `extern` declarations of the same type
 * (a global of opts->consts: a static const of its value); with
 * opts->only_located_globals, only those fe_global__set_location() placed (the others
 * keep their definition: the BPF object has no storage for them).
 * Variables of other sections (license, version) become static. */
int rw_globals(const struct fe_unit *u, const struct rw_opts *opts, struct rw_edits *e,
	       struct fe_diags *d);

/* Options of the whole rewrite; zero (or a NULL pointer) is the default. */
struct rw_opts {
	bool only_located_globals;	/* see rw_globals() */
	bool no_inline_maps;		/* --aot-no-inline-maps: array maps through helpers */
	bool no_inline_helpers;		/* --aot-no-inline-helpers: constant helpers are calls */
	bool no_types;			/* --aot-no-types: helpers through 5 x u64 */
	bool preview;			/* fold unchanged system-header text (rw_edits__apply_folded) */
	bool prune;			/* leave out unneeded declarations (rw_prune()) */
	const struct fe_prog *prog;	/* rw_helpers(): whose source (rw_rewrite() sets it) */
	/* --aot-const: "NAME=VALUE" strings (borrowed), .rodata integers
	 * compiled in as constants (rewriters/consts.c) */
	const char *const *consts;
	size_t nr_consts;
	/* --aot-const-map: configuration arrays compiled in as constant tables
	 * (borrowed; backend/const_map.c loads them) */
	const struct rw_const_map *const_maps;
	size_t nr_const_maps;
	/* set by rw_rewrite() for the passes (callers leave it NULL): the
	 * rw_map_usage() verdicts of the unit's maps */
	const struct rw_map_use *map_uses;
	/* rw_rewrite() without a program: the programs that get an entry each
	 * (rw_entry()), for one native front end shared by a file's programs */
	const struct fe_prog *const *entries;
	size_t nr_entries;
};

/* The distance in bytes between two values of array map m in the runtime's
 * storage, which inlined map code indexes by: the value size rounded up to
 * 8 (the manifest's `stride=`, docs/object-format.md). */
unsigned rw_map_values_stride(const struct fe_map *m);
/* True when lookups in m may read its values directly: a plain array
 * (BPF_MAP_TYPE_ARRAY, not per-CPU, not map-in-map) with 4-byte keys. */
bool rw_map_is_inlinable(const struct fe_map *m);
/* When calls on m go through a view of the map that the runtime's linker
 * binds (a hash or per-CPU hash map: "htab", `__bpfaot_htab_v1_M`; a
 * per-CPU array: "pcpu_array", `__bpfaot_pcpu_array_v1_M`; a queue or
 * stack: "queue", `__bpfaot_queue_v1_M`), its name, else NULL.
 * rw_map_lookup_view(): the same for the views that lookups go through
 * (all but "queue"). */
const char *rw_map_view(const struct fe_map *m);
const char *rw_map_lookup_view(const struct fe_map *m);
/* True when a call of helper id on m goes through m's view (a lookup on a
 * hash or per-CPU map, push, pop and peek on a queue or stack). */
bool rw_view_takes(const struct fe_map *m, uint32_t id);
/* The call that looks key (a C expression of a pointer) up in m through
 * its view (malloc'ed; NULL on ENOMEM), and the declarations a view needs,
 * written to f: declared[] says which kinds' bodies f has declared. */
#define RW_VIEW_KINDS 3
char *rw_view_lookup(const struct fe_map *m, const char *key);
void rw_view_declare(FILE *f, const struct fe_map *m, bool declared[RW_VIEW_KINDS]);

/* The contents of a configuration array compiled in (--aot-const-map). */
struct rw_const_map {
	const char *name;	/* the map */
	const uint8_t *values;	/* max_entries * value_size bytes, entry i at i * value_size */
	size_t size;
	uint64_t hash;		/* FNV-1a 64 of values: the manifest's `const=` */
};
/* The compiled-in contents of map name in opts, or NULL. */
const struct rw_const_map *rw_const_map_of(const struct rw_opts *opts, const char *name);
/* Whether opts->consts compiles g in: then bytes gets its fe_global__size()
 * bytes as the native code has them (little-endian). */
bool rw_global_const(const struct rw_opts *opts, const struct fe_global *g, uint8_t *bytes);
/* Checks every opts->consts entry: a const integer global of .rodata of u,
 * a value that fits its type. 0 or -EINVAL (diagnosed in d), -ENOMEM. */
int rw_consts_check(const struct fe_unit *u, const struct rw_opts *opts, struct fe_diags *d);
/* How the programs of a file use one map (rewriters/map_usage.c). */
struct rw_map_use {
	/* a configuration map: an array or hash that programs only read, through
	 * bpf_map_lookup_elem(), never writing through or leaking its pointers */
	bool read_only;
	unsigned line;		/* where the first write or escape is; 0: none */
	char why[112];		/* when not read_only: the reason, a phrase */
};
/* The verdict for every map of u, indexed as fe_unit__map(): *out is an
 * array of fe_unit__nr_maps(u) entries (caller frees with free()).
 * Returns 0 or -ENOMEM. */
int rw_map_usage(const struct fe_unit *u, struct rw_map_use **out);
/* The native source of program p (NULL: no entry), with every rewrite
 * applied. *out is malloc'ed (caller frees). 0 or -errno (diagnosed in d). */
int rw_rewrite(const struct fe_unit *u, const struct fe_prog *p, const struct rw_opts *opts,
	       struct fe_diags *d, char **out, size_t *out_len);

#endif /* BPFAOT_RW_H */
