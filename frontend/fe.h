/* SPDX-License-Identifier: MIT */
/*
 * The frontend's public interface: the diagnostics sink every compiler
 * module reports to, and the program model that libclang reads from a
 * `.bpf.c` parsed for the BPF target: programs (functions with SEC()),
 * BPF-to-BPF functions, maps (BTF-style `.maps` and legacy `maps`), global
 * data, and the helpers each program calls with their id and prototype.
 *
 * Everything the model hands out is borrowed and valid until
 * fe_unit__free(). Cursors and CXSourceLocations obtained through the unit
 * die with it as well.
 */
#ifndef BPFAOT_FE_H
#define BPFAOT_FE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <clang-c/Index.h>

/* ------------------------------------------------------------ diagnostics */

enum fe_severity {
	FE_NOTE,
	FE_REMARK,	/* -Raot: what an optimisation did or why it did not */
	FE_WARNING,
	FE_ERROR,
};

struct fe_diags;

/* A new, empty sink; NULL with errno on failure. Free with fe_diags__free(). */
struct fe_diags *fe_diags__new(void);
void fe_diags__free(struct fe_diags *d);
/* -Werror=aot: make [-Waot] warnings errors. */
void fe_diags__set_werror_aot(struct fe_diags *d, bool on);
/* -Wno-aot: drop [-Waot] warnings. */
void fe_diags__set_no_aot(struct fe_diags *d, bool on);
/* -Raot: keep [-Raot] remarks (dropped by default, as clang's -R remarks). */
void fe_diags__set_remarks_aot(struct fe_diags *d, bool on);
bool fe_diags__remarks_aot(const struct fe_diags *d);
int fe_diags__nr_errors(const struct fe_diags *d);
size_t fe_diags__count(const struct fe_diags *d);
/* Forgets every diagnostic after the first cnt (fe_diags__count() before a
 * step whose report is dropped), and recounts the errors. */
void fe_diags__truncate(struct fe_diags *d, size_t cnt);
/* A new, empty sink with like's settings (-Werror=aot, -Wno-aot, -Raot). */
struct fe_diags *fe_diags__new_like(const struct fe_diags *like);
/* Appends src's diagnostics [from, to) to dst, as if reported there (a
 * repeat of one of dst's is dropped, with its notes). */
void fe_diags__append(struct fe_diags *dst, const struct fe_diags *src, size_t from, size_t to);
/* Renders every diagnostic in clang's format (location, source line, caret);
 * `progname` prefixes location-less ones. With `summary`, ends with clang's
 * "N error(s) generated." line when there were errors. */
void fe_diags__render(const struct fe_diags *d, FILE *f, const char *progname, bool summary);
/* The same rendering into a new string (caller frees with free()). */
char *fe_diags__render_str(const struct fe_diags *d, const char *progname, bool summary);

/* Reports at a libclang location (file location: a token in a macro body
 * reports at the expansion site). `range` may be NULL; when given, its part
 * on the caret's line is underlined with '~'. */
__attribute__((format(printf, 5, 6))) void fe_diag_at(struct fe_diags *d, enum fe_severity sev,
						       CXSourceLocation loc, const CXSourceRange *range,
						       const char *fmt, ...);
/* Reports at an explicit position; file NULL means no location. */
__attribute__((format(printf, 6, 7))) void fe_diag_pos(struct fe_diags *d, enum fe_severity sev,
							const char *file, unsigned line, unsigned col,
							const char *fmt, ...);
/* A [-Waot] warning (an error with -Werror=aot): a construct the native
 * stage cannot compile. */
__attribute__((format(printf, 4, 5))) void fe_diag_aot(struct fe_diags *d, CXSourceLocation loc,
							const CXSourceRange *range, const char *fmt,
							...);
/* The same at an explicit position (file NULL: no location). */
__attribute__((format(printf, 5, 6))) void fe_diag_aot_pos(struct fe_diags *d, const char *file,
							    unsigned line, unsigned col,
							    const char *fmt, ...);
/* A [-Raot] remark, kept only after fe_diags__set_remarks_aot(): which map
 * or call an optimisation took, or why not. */
__attribute__((format(printf, 4, 5))) void fe_diag_remark(struct fe_diags *d, CXSourceLocation loc,
							   const CXSourceRange *range,
							   const char *fmt, ...);
/* Forwards one libclang diagnostic (and its notes), formatted by
 * clang_formatDiagnostic with c-index-test's display options. */
void fe_diag_clang(struct fe_diags *d, CXDiagnostic diag);

/* ------------------------------------------------------------------ model */

/* What a program's first argument is, as the runtime lays it out. */
enum fe_ctx_kind {
	FE_CTX_MEM,	/* raw memory: (data, size) */
	FE_CTX_XDP,	/* struct xdp_md */
	FE_CTX_SKB,	/* struct __sk_buff */
	FE_CTX_REGS,	/* struct pt_regs */
	FE_CTX_RAW,	/* opaque (raw tracepoints, tracing, ...) */
};

/* Argument/return classes of a helper prototype. */
enum fe_class {
	FE_CLASS_VOID,
	FE_CLASS_SCALAR,
	FE_CLASS_PTR,
};

struct fe_unit;
struct fe_prog;
struct fe_func;
struct fe_map;
struct fe_global;
struct fe_helper;

/* What fe_skim() left out of a preprocessed unit. */
struct fe_skim_stats {
	size_t decls;		/* top-level declarations (0: the text is left whole) */
	size_t left_out;	/* blanked: nothing kept names them */
	size_t by_name;		/* records cut to `struct T ;`: named only behind `*` */
};

/* Blanks in place the top-level declarations of src (a unit preprocessed
 * by clang -E) that nothing kept names: a cheap, textual over-approximation
 * of what the unit needs, so that libclang parses a fraction of vmlinux.h
 * (frontend/skim.c). Offsets and line numbers do not change. The result
 * must be checked by parsing it: a declaration the text could not see as
 * needed shows as a parse error (the caller then parses the whole text).
 * 0, or -ENOMEM (src unchanged). */
int fe_skim(char *src, size_t len, struct fe_skim_stats *st);

/* Parses `path` for the BPF target with the compile flags in args (the -I,
 * -D, -U, -include, -std=... of the user's command line; "-target bpf" is
 * added). A path ending in ".i" is the output of `clang -E` for the BPF
 * target (line markers kept): the whole translation unit, headers and
 * macro expansions included, is then the main file, and locations are
 * reported where the line markers say (docs/design.md, "The source path").
 * libclang's errors go to d. Returns NULL with errno: EINVAL when the
 * source has errors, ENOENT when the file is missing, ENOMEM. */
struct fe_unit *fe_unit__parse(const char *path, const char *const *args, int nr_args,
			       struct fe_diags *d);
void fe_unit__free(struct fe_unit *u);

CXTranslationUnit fe_unit__tu(const struct fe_unit *u);
/* The path as given to fe_unit__parse() (what diagnostics and #line show);
 * for a .i, the user's source its first line marker names. */
const char *fe_unit__path(const struct fe_unit *u);
bool fe_unit__is_preprocessed(const struct fe_unit *u);
/* The parsed file itself (the .i for preprocessed input). */
CXFile fe_unit__main_file(const struct fe_unit *u);
/* The main file's bytes (borrowed). */
const char *fe_unit__source(const struct fe_unit *u, size_t *len);
/* True when loc is in the main file; then *offset is its byte offset there
 * (file location: macro bodies map to their expansion site). */
bool fe_unit__main_offset(const struct fe_unit *u, CXSourceLocation loc, unsigned *offset);

size_t fe_unit__nr_progs(const struct fe_unit *u);
struct fe_prog *fe_unit__prog(const struct fe_unit *u, size_t i);
struct fe_prog *fe_unit__find_prog(const struct fe_unit *u, const char *name);
size_t fe_unit__nr_funcs(const struct fe_unit *u);
struct fe_func *fe_unit__func(const struct fe_unit *u, size_t i);
size_t fe_unit__nr_maps(const struct fe_unit *u);
struct fe_map *fe_unit__map(const struct fe_unit *u, size_t i);
struct fe_map *fe_unit__find_map(const struct fe_unit *u, const char *name);
size_t fe_unit__nr_globals(const struct fe_unit *u);
struct fe_global *fe_unit__global(const struct fe_unit *u, size_t i);
struct fe_global *fe_unit__find_global(const struct fe_unit *u, const char *name);
/* Whether name is an extern declared in section ".kconfig" (libbpf's
 * __kconfig): the runtime gives it libbpf's value, natively too. */
bool fe_unit__is_kconfig(const struct fe_unit *u, const char *name);
size_t fe_unit__nr_helpers(const struct fe_unit *u);
struct fe_helper *fe_unit__helper(const struct fe_unit *u, size_t i);
struct fe_helper *fe_unit__find_helper(const struct fe_unit *u, const char *name);

#define fe_unit__for_each_prog(p, u, i)                                                            \
	for ((i) = 0; (i) < fe_unit__nr_progs(u) && ((p) = fe_unit__prog(u, i)); (i)++)
#define fe_unit__for_each_map(m, u, i)                                                             \
	for ((i) = 0; (i) < fe_unit__nr_maps(u) && ((m) = fe_unit__map(u, i)); (i)++)
#define fe_unit__for_each_global(g, u, i)                                                          \
	for ((i) = 0; (i) < fe_unit__nr_globals(u) && ((g) = fe_unit__global(u, i)); (i)++)
#define fe_unit__for_each_helper(h, u, i)                                                          \
	for ((i) = 0; (i) < fe_unit__nr_helpers(u) && ((h) = fe_unit__helper(u, i)); (i)++)

/* A program: a function definition with a section other than .text; in a
 * file with none of those, each global function of .text (the ubpf
 * convention: type 0, context mem, section ".text"). */
const char *fe_prog__name(const struct fe_prog *p);
const char *fe_prog__section(const struct fe_prog *p);
/* enum bpf_prog_type from the section name, as libbpf maps it (0 unknown). */
uint32_t fe_prog__type(const struct fe_prog *p);
enum fe_ctx_kind fe_prog__ctx(const struct fe_prog *p);
unsigned fe_prog__nr_params(const struct fe_prog *p);
struct fe_func *fe_prog__func(const struct fe_prog *p);
/* What the program reaches through calls and function references: */
size_t fe_prog__nr_helpers(const struct fe_prog *p);
struct fe_helper *fe_prog__helper(const struct fe_prog *p, size_t i);
size_t fe_prog__nr_maps(const struct fe_prog *p);
struct fe_map *fe_prog__map(const struct fe_prog *p, size_t i);
size_t fe_prog__nr_globals(const struct fe_prog *p);
struct fe_global *fe_prog__global(const struct fe_prog *p, size_t i);
size_t fe_prog__nr_funcs(const struct fe_prog *p);
struct fe_func *fe_prog__reached_func(const struct fe_prog *p, size_t i);
/* A BPF-only construct the program reaches that has no native meaning
 * (__builtin_btf_type_id, a CO-RE builtin in a form fe_core_answer() does
 * not answer, inline BPF assembly): its name and location, or NULL. */
const char *fe_prog__unsupported(const struct fe_prog *p, CXSourceLocation *loc);
/* Name of a context kind as the manifest spells it ("xdp", "skb", ...). */
const char *fe_ctx_kind__str(enum fe_ctx_kind k);
/* enum bpf_prog_type and context of a libbpf section name; false if unknown. */
bool fe_prog_type_from_sec(const char *sec, uint32_t *type, enum fe_ctx_kind *ctx);

/* CO-RE builtins in the native compile (frontend/core.c). The name of the
 * builtin call calls when it is __builtin_preserve_field_info,
 * __builtin_preserve_type_info or __builtin_preserve_enum_value; NULL for
 * any other cursor. */
const char *fe_core_builtin(CXCursor call);
/* The value the BPF compile gives such a call before relocation (what
 * libbpf gives it where the kernel's types are the program's), as C for
 * the native compile of u's text, e.g. "((unsigned int)(4))". NULL with
 * errno: ENOTSUP (a form it does not answer), ENOMEM. Caller frees. */
char *fe_core_answer(const struct fe_unit *u, CXCursor call);

/* Copies a CXString into malloc'ed memory and disposes it at once (NULL on
 * ENOMEM). Caller frees with free(). */
char *fe_strdup_cx(CXString s);
/* The section attribute of a declaration (from clang's own printing of
 * it), or NULL when it has none. Caller frees with free(). */
char *fe_cursor_section(CXCursor c);

/* A function defined in the main file. */
const char *fe_func__name(const struct fe_func *f);
bool fe_func__is_static(const struct fe_func *f);
/* Its section when it has SEC() (programs, SEC(".text")), else NULL. */
const char *fe_func__section(const struct fe_func *f);
CXCursor fe_func__cursor(const struct fe_func *f);
/* What in its own body has no native meaning (a BPF-only builtin's name,
 * FE_INLINE_ASM), or NULL. */
const char *fe_func__unsupported(const struct fe_func *f);
/* The name fe_func__unsupported() and fe_prog__unsupported() give inline
 * BPF assembly (an asm statement with a non-empty template). */
#define FE_INLINE_ASM "inline BPF assembly"

/* A map definition. */
const char *fe_map__name(const struct fe_map *m);
bool fe_map__is_legacy(const struct fe_map *m);	/* struct bpf_map_def SEC("maps") */
uint32_t fe_map__type(const struct fe_map *m);
uint32_t fe_map__key_size(const struct fe_map *m);
uint32_t fe_map__value_size(const struct fe_map *m);
uint32_t fe_map__max_entries(const struct fe_map *m);
uint32_t fe_map__flags(const struct fe_map *m);
CXCursor fe_map__cursor(const struct fe_map *m);
/* Legacy maps are laid out from the compiled object (the "maps" section). */
void fe_map__set_def(struct fe_map *m, uint32_t type, uint32_t key_size, uint32_t value_size,
		     uint32_t max_entries, uint32_t flags);

/* A global variable of .data/.rodata/.bss (or .data.X/.rodata.X). */
const char *fe_global__name(const struct fe_global *g);
/* The section: the explicit SEC(), else what clang picks (.rodata for
 * const, .bss for zero/uninitialised, .data otherwise) until
 * fe_global__set_location() records the compiled object's truth. */
const char *fe_global__section(const struct fe_global *g);
uint64_t fe_global__size(const struct fe_global *g);
/* Offset in its section: -1 until fe_global__set_location(). */
int64_t fe_global__offset(const struct fe_global *g);
bool fe_global__is_const(const struct fe_global *g);
bool fe_global__is_static(const struct fe_global *g);
CXCursor fe_global__cursor(const struct fe_global *g);
/* From the BPF object's symbol table. Returns 0 or -ENOMEM. */
int fe_global__set_location(struct fe_global *g, const char *section, uint64_t offset,
			    uint64_t size);
/* Offset -1 again (a location that was only predicted); the section and
 * size stay. */
void fe_global__forget_location(struct fe_global *g);

/* A helper: a `static RET (*name)(ARGS) = (void *) ID;` variable. */
const char *fe_helper__name(const struct fe_helper *h);
uint32_t fe_helper__id(const struct fe_helper *h);
enum fe_class fe_helper__ret(const struct fe_helper *h);
size_t fe_helper__nr_args(const struct fe_helper *h);
enum fe_class fe_helper__arg(const struct fe_helper *h, size_t i);
bool fe_helper__is_variadic(const struct fe_helper *h);
/* "void *bpf_map_lookup_elem(void *map, const void *key)" */
const char *fe_helper__proto(const struct fe_helper *h);
/* "void *_bpf_helper_ext_0001(void *map, const void *key)" */
const char *fe_helper__ext_proto(const struct fe_helper *h);
/* The return type as the source spells it: "void *", "long", "__u64". */
const char *fe_helper__ret_type(const struct fe_helper *h);
CXCursor fe_helper__cursor(const struct fe_helper *h);
const char *fe_class__str(enum fe_class c);

#endif /* BPFAOT_FE_H */
