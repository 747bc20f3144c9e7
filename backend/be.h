/* SPDX-License-Identifier: MIT */
/*
 * The backend's public interface: the whole `bpfaot-cc` compile of one
 * source file. The BPF compile with the real clang comes first and is
 * authoritative (its diagnostics and exit status are the user's); then the
 * frontend reads the source, the rewriters produce each program's native
 * source, clang compiles it for x86-64, the manifest is added, and the
 * native objects go into the BPF object as `.aot.<prog>` sections.
 */
#ifndef BPFAOT_BE_H
#define BPFAOT_BE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fe.h"

enum be_emit {
	BE_EMIT_FAT,	/* the BPF object + .aot.P sections (default) */
	BE_EMIT_NATIVE,	/* one program's native object */
	BE_EMIT_SOURCE,	/* one program's rewritten source (the preview) */
	BE_EMIT_LLVM,	/* one program's LLVM IR of the native compile */
};

/* How the fat object's `.aot.P` sections are typed (--aot-section=). */
enum be_sec_kind {
	/* SHT_STRTAB | SHF_ALLOC (default): libbpf skips every SHT_STRTAB
	 * section without a word and strip/objcopy keep an allocated one
	 * byte for byte; `bpftool gen object` drops it */
	BE_SEC_STRTAB,
	/* SHT_PROGBITS, no flags (bpfaot before 2026-12): `bpftool gen
	 * object` keeps it; libbpf logs "skipping unrecognized data section"
	 * once per program at its default level */
	BE_SEC_PROGBITS,
};

struct be_opts {
	const char *clang;	/* NULL: BPFAOT_CLANG */
	const char *input;	/* the .bpf.c */
	const char *output;	/* -o; NULL: clang's default (fat/native), stdout (source/llvm) */
	/* the user's clang arguments minus the input, -o and --aot-*: the BPF
	 * compile gets them all */
	const char *const *clang_args;
	int nr_clang_args;
	/* what shapes the source: -I, -D, -U, -include, -std=, -isystem, ...
	 * (the libclang parse and the native compile get these) */
	const char *const *src_args;
	int nr_src_args;
	enum be_emit emit;
	enum be_sec_kind sec_kind;	/* --aot-section */
	const char *prog;	/* --aot-prog */
	int opt_level;		/* --aot-opt, 0..3 */
	bool no_types, no_inline_helpers, no_inline_maps;	/* --aot-no-*: see rw_opts */
	/* --aot-march: the x86-64 level of the native code ("x86-64-v2",
	 * "-v3", "-v4"); NULL: the baseline, x86-64 */
	const char *march;
	const char *const *consts;	/* --aot-const=NAME=VALUE, each as given */
	int nr_consts;
	const char *const *const_maps;	/* --aot-const-map=MAP=FILE, each as given */
	int nr_const_maps;
	bool verbose;		/* -v: print each command to stderr */
};

/* Compiles opts->input. Returns 0, or -errno with diagnostics in d; when
 * the BPF compile itself failed, *clang_status gets its exit status (its
 * stderr has already reached the user) and -EIO is returned. */
int be_compile(const struct be_opts *opts, struct fe_diags *d, int *clang_status);

/* The manifest of program p (format: docs/object-format.md), malloc'ed;
 * NULL with errno. stack is the estimate (0: unknown). undefs, the native
 * object's undefined symbols (NULL-terminated, borrowed), says which
 * helpers it calls (one `helper` record each) and which maps it reads
 * through `__bpfaot_map_values_NAME` (`inlined=1 stride=S`); NULL: every
 * helper the program reaches, no map inlined. */
struct be_elf;
struct rw_opts;
struct be_manifest_opts {
	const struct fe_unit *u;
	const struct fe_prog *p;
	unsigned stack;
	const char *const *undefs;
	/* the BPF object (borrowed): each global's `init=` comes from its
	 * section's bytes (none for SHT_NOBITS); NULL: no init */
	const struct be_elf *bpf;
	/* the program's bytecode hash (manifest `bytecode=`), or NULL */
	const uint64_t *bytecode_hash;
	/* the x86-64 level of the code (manifest `march=`), NULL: baseline */
	const char *march;
	/* the rewrite's options: a global compiled in (--aot-const) gets its
	 * bytes as `const=`; NULL: none */
	const struct rw_opts *ropts;
};
char *be_manifest(const struct be_manifest_opts *o);

/* Appends sections (of the given kind, byte-aligned) to an ELF64
 * relocatable image, leaving every existing byte before the section header
 * table and every existing section unchanged; the section-name table is
 * moved to the end with the new names added. *out is malloc'ed. Returns 0,
 * -ENOEXEC (malformed input, diagnosed in d under `what`), -ENOMEM. */
int be_elf_add_sections(const void *elf, size_t size, const char *const *names,
			const void *const *data, const size_t *sizes, size_t n,
			enum be_sec_kind kind, const char *what, struct fe_diags *d, void **out,
			size_t *out_size);

#endif /* BPFAOT_BE_H */
