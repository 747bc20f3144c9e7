/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of the backend: the ELF64 reader, the process
 * runner and temporary files.
 */
#ifndef BPFAOT_BE_INTERNAL_H
#define BPFAOT_BE_INTERNAL_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Types.h>

#include "be.h"

/* A validated view of an ELF64 little-endian relocatable image (borrowed). */
struct be_elf {
	const uint8_t *data;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;	/* eh->e_shnum entries */
	const char *shstr;
	size_t shstr_size;
	const Elf64_Sym *syms;	/* NULL without .symtab */
	size_t nr_syms;
	const char *str;
	size_t str_size;
};

/* Checks the header, every section's bounds, the name and symbol tables.
 * 0 or -ENOEXEC with a diagnostic naming `what`. */
int be_elf__parse(struct be_elf *elf, const void *data, size_t size, const char *what,
		  struct fe_diags *d);
const char *be_elf__sec_name(const struct be_elf *elf, size_t idx);
/* Index of the section named name, or -1. */
long be_elf__find_sec(const struct be_elf *elf, const char *name);
/* The bytes of section idx (NULL for SHT_NOBITS). */
const uint8_t *be_elf__sec_data(const struct be_elf *elf, size_t idx);
const char *be_elf__sym_name(const struct be_elf *elf, const Elf64_Sym *sym);
/* The defined symbol called name (first match), or NULL. */
const Elf64_Sym *be_elf__find_sym(const struct be_elf *elf, const char *name);

/* The bytecode hash of program prog of a BPF ELF (docs/object-format.md,
 * `bytecode=`): FNV-1a 64 over its function's bytes, then the whole .text
 * (its subprograms), each followed by the relocations that fall in it
 * (offset from the start, 8 bytes little-endian, then the symbol's name and
 * a NUL). false when the object has no function named prog. */
bool be_bytecode_hash(const struct be_elf *elf, const char *prog, uint64_t *hash);

/* --aot-no-types: the native source of program p lifted from its bytecode
 * in bpf (backend/lift.c). */
struct rw_opts;
struct be_lift_opts {
	const struct be_elf *bpf;	/* the BPF object (borrowed) */
	const struct fe_unit *u;
	const struct fe_prog *p;
	const struct rw_opts *ropts;	/* the inlining switches */
	struct fe_diags *d;
};
/* 0 with *out (malloc'ed, caller frees) and *out_len; 1 when p cannot be
 * lifted (a [-Waot] warning in d says why: it keeps its bytecode only);
 * -ENOENT (no such function in bpf), -ENOMEM. */
int be_lift(const struct be_lift_opts *o, char **out, size_t *out_len);

/* --aot-const-map: loads each "MAP=FILE" of specs (backend/const_map.c).
 * 0 with *out (n entries, free with be_const_maps_free(); NULL for n 0), or
 * -EINVAL/-ENOENT (diagnosed in d), -ENOMEM. */
struct rw_const_map;
int be_const_maps_load(const struct fe_unit *u, const char *const *specs, int n,
		       struct fe_diags *d, struct rw_const_map **out);
void be_const_maps_free(struct rw_const_map *cms, int n);

/* Reads a whole file; 0 or -errno (ENOENT, ENOMEM, EIO). *data malloc'ed. */
int be_read_file(const char *path, void **data, size_t *size);
/* Writes a whole file; 0 or -errno. */
int be_write_file(const char *path, const void *data, size_t size);
/* Starts argv (argv[0] searched in PATH), stdio inherited; with verbose,
 * prints the command first: the pid, or -errno when it could not run.
 * be_wait(): its exit status (>= 0), 128 + signal, or -errno. */
int be_spawn(const char *const *argv, bool verbose);
int be_wait(int pid);
/* be_spawn() with the child's fd in_fd where it was (inherited across the
 * exec, also when close-on-exec; -1: none) and its stderr in err_path
 * (NULL: ours). */
int be_spawn_io(const char *const *argv, bool verbose, int in_fd, const char *err_path);

/* Links the inlinable helpers (runtime/inline/helpers.c, bitcode embedded
 * in bpfaot-cc) into m and makes every call of a helper that has a body a
 * call of that body (unless !helpers: --aot-no-inline-helpers), internal
 * and always_inline: after -O3 the object references none of those
 * helpers. Bodies m declares by name (`__bpfaot_inline_htab_lookup`,
 * `__bpfaot_inline_pcpu_array_lookup`, which the inline-maps rewrite
 * calls) are linked either way. A module calling none is unchanged. 0 or
 * -errno with a diagnostic in d. */
int be_inline_helpers(LLVMModuleRef m, bool helpers, struct fe_diags *d);

#endif /* BPFAOT_BE_INTERNAL_H */
