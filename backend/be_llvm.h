/* SPDX-License-Identifier: MIT */
/*
 * libbpfaot-llvm: the `llvm-jit` and `llvm-aot` engines and the bytecode to
 * LLVM IR translator they share (backend/bpf2ir.c, backend/llvm_engine.c).
 * The runtime (libbpfaot) never links this library: a host that wants the
 * engines calls be_llvm_register() once, which hands them to the runtime
 * through bpfaot_engine__register(). LLVM's own types appear here only as
 * forward declarations, so including this header needs no LLVM headers.
 */
#ifndef BPFAOT_BE_LLVM_H
#define BPFAOT_BE_LLVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_insn;
struct LLVMOpaqueContext;
struct LLVMOpaqueModule;

/* Helper ids the translator records in be_ir_info (kernel ids are < 512). */
#define BE_IR_MAX_HELPER 1024

/* Names the translator gives its functions: the entry, and each subprogram
 * that starts at insn PC and whose address the program takes (callbacks). */
#define BE_IR_SUB_FMT "bpf_sub_%zu"

/* How the module reaches the object's maps (lddw src=BPF_PSEUDO_MAP_FD/VALUE,
 * imm = map index). */
struct be_ir_map {
	/* symbolic (llvm-aot): the map object is the symbol NAME; values of
	 * an inlinable array map are __bpfaot_map_values_NAME + offset */
	const char *name;
	bool inlinable;
	/* constant (llvm-jit): the map object and, when non-zero, the
	 * address of value 0 */
	uint64_t addr;
	uint64_t value_addr;
};

struct be_ir_opts {
	bool conformance;	/* a conformance file: helper 5 is ubpf's 'unwind' */
	bool ctx_is_mem;	/* r2 = ctx_size (raw-memory programs), else 0 */
	bool symbolic;		/* maps as symbols (native objects), else constants */
	const struct be_ir_map *maps;	/* borrowed, nr_maps entries */
	size_t nr_maps;
};

/* What a translated module refers to, for the manifest and the JIT's
 * symbol table. */
struct be_ir_info {
	uint8_t helpers[BE_IR_MAX_HELPER];	/* 1 when _bpf_helper_ext_NNNN is called */
	uint8_t *map_uses;	/* caller-provided, nr_maps: bit 0 map symbol, bit 1 values symbol */
	size_t *callbacks;	/* entry pcs of address-taken subprograms; caller frees */
	size_t nr_callbacks;
	bool uses_map_val;	/* calls __lddw_helper_map_val */
	bool uses_code_addr;	/* calls __lddw_helper_code_addr (a bad callx target) */
};

/*
 * Translates insns (kernel form: struct rt_insn of runtime/rt_internal.h,
 * already checked by rt_prog__validate) into a new module of ctx holding
 * `uint64_t bpf_main(uint64_t ctx, uint64_t ctx_size)` and one function per
 * subprogram, in untyped IR: registers as i64 allocas, a 512-byte stack
 * alloca per function, memory through inttoptr, helpers as calls to
 * `_bpf_helper_ext_NNNN`. Returns 0 and *out (owned by the caller, disposed
 * before ctx), or -ENOTSUP/-EINVAL/-ENOMEM with a one-line reason naming
 * the instruction ("insn 7: ...") in err. info is filled on success.
 */
int be_bpf2ir(struct LLVMOpaqueContext *ctx, const struct rt_insn *insns, size_t nr_insns,
	      const struct be_ir_opts *opts, struct LLVMOpaqueModule **out,
	      struct be_ir_info *info, char *err, size_t err_size);

/* Hands the llvm-jit and llvm-aot engines to the runtime (once per process;
 * later calls do nothing). 0 or -errno. */
int be_llvm_register(void);

#endif /* BPFAOT_BE_LLVM_H */
