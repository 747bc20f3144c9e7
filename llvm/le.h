/* SPDX-License-Identifier: MIT */
/*
 * libbpfaot-llvm: the `llvm-jit` and `llvm-aot` engines and the bytecode to
 * LLVM IR translator they share (llvm/bpf2ir.c, llvm/engine.c). The runtime
 * (libbpfaot) never links them. bpfaot-run opens the plugin
 * libbpfaot-llvm.so only when one of them is asked for and takes their ops
 * from le_plugin_ops(); a host that links libbpfaot-llvm.a instead calls
 * le_register() once. Either way they reach the runtime through
 * bpfaot_engine__register(). LLVM's own types appear here only as forward
 * declarations, so including this header needs no LLVM headers.
 */
#ifndef BPFAOT_LE_H
#define BPFAOT_LE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_insn;
struct bpfaot_engine_ops;
struct LLVMOpaqueContext;
struct LLVMOpaqueModule;

/* Helper ids the translator records in le_ir_info (kernel ids are < 512). */
#define LE_IR_MAX_HELPER 1024

/* Names the translator gives its functions: the entry, and each subprogram
 * that starts at insn PC and whose address the program takes (callbacks). */
#define LE_IR_SUB_FMT "bpf_sub_%zu"

/* How the module reaches the object's maps (lddw src=BPF_PSEUDO_MAP_FD/VALUE,
 * imm = map index). */
struct le_ir_map {
	/* symbolic (llvm-aot): the map object is the symbol NAME; values of
	 * an inlinable array map are __bpfaot_map_values_NAME + offset */
	const char *name;
	bool inlinable;
	/* constant (llvm-jit): the map object and, when non-zero, the
	 * address of value 0 */
	uint64_t addr;
	uint64_t value_addr;
};

struct le_ir_opts {
	bool conformance;	/* a conformance file: helper 5 is ubpf's 'unwind' */
	bool ctx_is_mem;	/* r2 = ctx_size (raw-memory programs), else 0 */
	bool symbolic;		/* maps as symbols (native objects), else constants */
	const struct le_ir_map *maps;	/* borrowed, nr_maps entries */
	size_t nr_maps;
	bool switches;		/* compare trees on one register become switches */
};

/* What a translated module refers to, for the manifest and the JIT's
 * symbol table. */
struct le_ir_info {
	uint8_t helpers[LE_IR_MAX_HELPER];	/* 1 when _bpf_helper_ext_NNNN is called */
	uint8_t *map_uses;	/* caller-provided, nr_maps: bit 0 map symbol, bit 1 values symbol */
	size_t *callbacks;	/* entry pcs of address-taken subprograms; caller frees */
	size_t nr_callbacks;
	bool uses_map_val;	/* calls __lddw_helper_map_val */
	bool uses_code_addr;	/* calls __lddw_helper_code_addr (a bad callx target) */
	size_t nr_switches;	/* compare trees turned into switches */
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
int le_bpf2ir(struct LLVMOpaqueContext *ctx, const struct rt_insn *insns, size_t nr_insns,
	      const struct le_ir_opts *opts, struct LLVMOpaqueModule **out,
	      struct le_ir_info *info, char *err, size_t err_size);

/* Hands the llvm-jit and llvm-aot engines to the runtime (once per process;
 * later calls do nothing). 0 or -errno. */
int le_register(void);

/* The plugin's one exported symbol, and its file name. */
#define LE_PLUGIN_ENTRY "le_plugin_ops"
#define LE_PLUGIN_FILE "libbpfaot-llvm.so"

/* The layout of the runtime's private structures the engines share with
 * their host (a checksum of the runtime's headers, set by the Makefile). */
#ifndef BPFAOT_RT_ABI
#define BPFAOT_RT_ABI "unversioned"
#endif

/*
 * Fills *jit and *aot (sz set by the caller) with the engines' ops, for
 * bpfaot_engine__register(). abi is the host's BPFAOT_RT_ABI: the plugin
 * carries its own copy of the runtime code the engines call and works on
 * the host's objects, so both must come from the same build; -EINVAL when
 * they do not, or when an ops struct is too small.
 */
typedef int (*le_plugin_ops_fn)(const char *abi, struct bpfaot_engine_ops *jit,
				struct bpfaot_engine_ops *aot);
int le_plugin_ops(const char *abi, struct bpfaot_engine_ops *jit, struct bpfaot_engine_ops *aot);

/* Merges trees of byte loads that assemble a little-endian integer into
 * one load of the whole width (llvm/loads.c); the number merged. Run after
 * SROA and instcombine, before -O3. */
unsigned le_combine_loads(struct LLVMOpaqueModule *m);

#endif /* BPFAOT_LE_H */
