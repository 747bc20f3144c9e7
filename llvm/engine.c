// SPDX-License-Identifier: MIT
/*
 * The llvm-jit and llvm-aot engines. Both translate a program's bytecode
 * with le_bpf2ir(), verify the module and optimise it with the new pass
 * manager's default<O3> pipeline; then
 *  - llvm-jit hands it to an ORC LLJIT instance for the host CPU, with the
 *    helpers, memcpy & co and the lddw runtime functions defined as absolute
 *    symbols and maps folded in as constant addresses;
 *  - llvm-aot emits an x86-64 relocatable object (generic x86-64, PIC, no
 *    unwind tables) carrying a `.bpfaot.manifest` section, and loads it
 *    with the runtime's own linker (rt_native__link), exactly as the aot
 *    engine loads bpfaot-cc's output: maps are undefined symbols named
 *    after the map, array values `__bpfaot_map_values_NAME`.
 * The result is cached per program in prog->engine_state and runs like the
 * aot engine's native code: bpf_main(ctx, ctx_size) on the host stack,
 * helpers unchecked, tail calls run by the loop here after bpf_main returns
 * (from a subprogram: at once, see BPFAOT_TAIL_CALL_NOW in abi.h),
 * callbacks are native function addresses that must be the program's own.
 *
 * The runtime never links this file: le_register() gives it the
 * engines through bpfaot_engine__register(). This is the one place outside
 * runtime/ that uses the runtime's private header, because an engine works
 * on the runtime's run state.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "le.h"
#include "rt_insn.h"
#include "rt_internal.h"

#define TRIPLE "x86_64-pc-linux-gnu"

typedef uint64_t (*native_cb_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

struct jit_state {
	LLVMOrcLLJITRef jit;
	bpfaot_entry_fn entry;
	uint64_t *callbacks;	/* addresses of the address-taken subprograms */
	size_t nr_callbacks;
};

/* ------------------------------------------------------------ LLVM */

/* One-time target initialisation (STYLE.md's allowed exception): LLVM's
 * registries are process-wide; pthread_once makes it thread-safe. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_targets(void)
{
	LLVMInitializeX86TargetInfo();
	LLVMInitializeX86Target();
	LLVMInitializeX86TargetMC();
	LLVMInitializeX86AsmPrinter();
}

/* The reason of an LLVMErrorRef into log, consuming it. */
static int llvm_err(struct rt_log *log, const char *what, LLVMErrorRef e)
{
	char *msg = LLVMGetErrorMessage(e);

	rt_log__err(log, "%s: %s", what, msg);
	LLVMDisposeErrorMessage(msg);
	return -EIO;
}

/* host: the CPU we run on (llvm-jit); else generic x86-64 (llvm-aot, whose
 * objects may be used elsewhere, as bpfaot-cc's). */
static LLVMTargetMachineRef make_tm(bool host, struct rt_log *log)
{
	LLVMTargetRef target;
	LLVMTargetMachineRef tm;
	char *msg = NULL, *cpu = NULL, *features = NULL;

	if (LLVMGetTargetFromTriple(TRIPLE, &target, &msg)) {
		rt_log__err(log, "llvm: %s", msg);
		LLVMDisposeMessage(msg);
		errno = ENOTSUP;
		return NULL;
	}
	if (host) {
		cpu = LLVMGetHostCPUName();
		features = LLVMGetHostCPUFeatures();
	}
	tm = LLVMCreateTargetMachine(target, TRIPLE, host ? cpu : "x86-64", host ? features : "",
				     LLVMCodeGenLevelAggressive, LLVMRelocPIC, LLVMCodeModelDefault);
	LLVMDisposeMessage(cpu);
	LLVMDisposeMessage(features);
	if (!tm) {
		rt_log__err(log, "llvm: cannot create a target machine for %s", TRIPLE);
		errno = ENOTSUP;
	}
	return tm;
}

/* ------------------------------------------------------- translation */

static bool map_is_inlinable(const struct rt_map *m)
{
	return rt_map__def(m)->type == BPF_MAP_TYPE_ARRAY;
}

/*
 * Translates prog into a new module of ctx, verified and optimised with tm.
 * Fills info (info->map_uses allocated here; caller frees it and
 * info->callbacks). Messages name the program.
 */
static int build_module(struct rt_prog *prog, LLVMContextRef ctx, LLVMTargetMachineRef tm,
			bool symbolic, LLVMModuleRef *out, struct le_ir_info *info,
			struct rt_log *log)
{
	struct rt_object *obj = prog->obj;
	struct le_ir_map *maps;
	struct le_ir_opts opts = {
		.conformance = obj->is_conformance,
		.ctx_is_mem = prog->ctx_kind == RT_CTX_MEM,
		.symbolic = symbolic,
		.nr_maps = obj->nr_maps,
		.switches = true,
	};
	LLVMPassBuilderOptionsRef po;
	LLVMTargetDataRef td;
	LLVMModuleRef mod = NULL;
	LLVMErrorRef e;
	char err[256], *msg = NULL;
	size_t m;
	int ret;

	memset(info, 0, sizeof(*info));
	maps = calloc(obj->nr_maps + 1, sizeof(*maps));
	info->map_uses = calloc(obj->nr_maps + 1, 1);
	if (!maps || !info->map_uses) {
		free(maps);
		free(info->map_uses);
		info->map_uses = NULL;
		rt_log__err(log, "out of memory");
		return -ENOMEM;
	}
	for (m = 0; m < obj->nr_maps; m++) {
		struct rt_map *map = obj->maps[m];
		uint32_t zero = 0;

		maps[m].name = rt_map__name(map);
		maps[m].inlinable = map_is_inlinable(map);
		maps[m].addr = (uintptr_t)map;
		if (maps[m].inlinable)
			maps[m].value_addr = (uintptr_t)rt_map__lookup(map, &zero);
	}
	opts.maps = maps;
	ret = le_bpf2ir(ctx, prog->insns, prog->nr_insns, &opts, &mod, info, err, sizeof(err));
	free(maps);
	if (ret) {
		rt_log__err(log, "program '%s': %s", prog->name, err);
		goto out_free_info;
	}
	if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
		/* a translator bug, never the user's: refuse rather than run it */
		rt_log__err(log, "program '%s': invalid LLVM IR: %.160s", prog->name, msg);
		ret = -EINVAL;
		goto out_dispose_msg;
	}
	LLVMDisposeMessage(msg);
	msg = NULL;
	/* the target's data layout before -O3: legal integer widths, pointer
	 * size and alignments guide instcombine and the vectorisers */
	td = LLVMCreateTargetDataLayout(tm);
	LLVMSetModuleDataLayout(mod, td);
	LLVMDisposeTargetData(td);
	po = LLVMCreatePassBuilderOptions();
	/* registers as SSA values, then the byte loads that assemble wider
	 * integers as one load each (llvm/loads.c), before the vectorizers */
	e = LLVMRunPasses(mod, "function(sroa,instcombine)", tm, po);
	if (!e) {
		le_combine_loads(mod);
		e = LLVMRunPasses(mod, "default<O3>", tm, po);
	}
	LLVMDisposePassBuilderOptions(po);
	if (e) {
		ret = llvm_err(log, "llvm: default<O3>", e);
		goto out_dispose_mod;
	}
	*out = mod;
	return 0;

out_dispose_msg:
	LLVMDisposeMessage(msg);
out_dispose_mod:
	LLVMDisposeModule(mod);
out_free_info:
	free(info->map_uses);
	free(info->callbacks);
	memset(info, 0, sizeof(*info));
	return ret;
}

static void free_info(struct le_ir_info *info)
{
	free(info->map_uses);
	free(info->callbacks);
}

/* ------------------------------------------------------------ llvm-jit */

/* The lddw runtime functions as the JIT binds them (llvm-aot gets the
 * linker's): a bad callx target fails the run; a map value of a map that is
 * not an array is looked up at run time, as the interpreter does. */
static uint64_t jit_bad_callx(uint32_t pc)
{
	rt_run__fail(rt_run__current(), -EFAULT, "insn %u: callx to an address that is not a function",
		     pc);
	return 0;
}

static uint64_t jit_map_val(uint64_t map)
{
	uint32_t zero = 0;

	return map ? (uintptr_t)rt_map__lookup((struct rt_map *)(uintptr_t)map, &zero) : 0;
}

/* BPFAOT_TAIL_CALL_NOW: a tail call from a subprogram (abi.h). */
static uint64_t jit_tail_call_now(void)
{
	return rt_run__tail_call_now(rt_run__current());
}

static void jit_free(void *state)
{
	struct jit_state *s = state;

	if (!s)
		return;
	if (s->jit) {
		LLVMErrorRef e = LLVMOrcDisposeLLJIT(s->jit);

		if (e)
			LLVMConsumeError(e);
	}
	free(s->callbacks);
	free(s);
}

static int jit_define(LLVMOrcLLJITRef jit, const struct le_ir_info *info, struct rt_log *log)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} runtime_fns[] = {
#define LIBC_FUNC(f) { #f, (void (*)(void))f },
		BPFAOT_LIBC_FUNCS(LIBC_FUNC)
#undef LIBC_FUNC
		{ BPFAOT_LDDW_CODE_ADDR, (void (*)(void))jit_bad_callx },
		{ BPFAOT_LDDW_MAP_VAL, (void (*)(void))jit_map_val },
		{ BPFAOT_TAIL_CALL_NOW, (void (*)(void))jit_tail_call_now },
	};
	LLVMJITCSymbolMapPair pairs[LE_IR_MAX_HELPER + sizeof(runtime_fns) / sizeof(runtime_fns[0])];
	LLVMJITSymbolFlags flags = { LLVMJITSymbolGenericFlagsExported |
					     LLVMJITSymbolGenericFlagsCallable,
				     0 };
	LLVMOrcMaterializationUnitRef mu;
	LLVMErrorRef e;
	size_t n = 0, k;
	uint32_t id;

	for (id = 0; id < LE_IR_MAX_HELPER; id++) {
		char name[40];

		if (!info->helpers[id])
			continue;
		snprintf(name, sizeof(name), BPFAOT_HELPER_SYM_FMT, id);
		pairs[n].Name = LLVMOrcLLJITMangleAndIntern(jit, name);
		pairs[n].Sym.Address = (uintptr_t)rt_helper__by_id(id)->fn;
		pairs[n++].Sym.Flags = flags;
	}
	for (k = 0; k < sizeof(runtime_fns) / sizeof(runtime_fns[0]); k++) {
		pairs[n].Name = LLVMOrcLLJITMangleAndIntern(jit, runtime_fns[k].name);
		pairs[n].Sym.Address = (uintptr_t)runtime_fns[k].fn;
		pairs[n++].Sym.Flags = flags;
	}
	mu = LLVMOrcAbsoluteSymbols(pairs, n);
	e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), mu);
	if (e) {
		LLVMOrcDisposeMaterializationUnit(mu);
		return llvm_err(log, "llvm-jit: defining symbols", e);
	}
	return 0;
}

static int jit_lookup(struct jit_state *s, const char *name, uint64_t *addr, struct rt_log *log)
{
	LLVMOrcExecutorAddress a = 0;
	LLVMErrorRef e = LLVMOrcLLJITLookup(s->jit, &a, name);

	if (e)
		return llvm_err(log, "llvm-jit: lookup", e);
	*addr = a;
	return 0;
}

static int jit_prepare(struct rt_prog *prog, struct rt_log *log)
{
	LLVMOrcThreadSafeContextRef tsc;
	LLVMOrcLLJITBuilderRef builder;
	LLVMTargetMachineRef tm;
	LLVMModuleRef mod;
	LLVMErrorRef e;
	struct le_ir_info info;
	struct jit_state *s;
	uint64_t addr;
	size_t k;
	int err;

	if (prog->engine_state[BPFAOT_ENGINE_LLVM_JIT])
		return 0;
	pthread_once(&init_once, init_targets);
	s = calloc(1, sizeof(*s));
	if (!s) {
		rt_log__err(log, "out of memory");
		return -ENOMEM;
	}
	tm = make_tm(true, log);
	if (!tm) {
		err = -errno;
		goto out_free_state;
	}
	/* one context per compilation, owned by the thread-safe wrapper */
	tsc = LLVMOrcCreateNewThreadSafeContext();
	err = build_module(prog, LLVMOrcThreadSafeContextGetContext(tsc), tm, false, &mod, &info,
			   log);
	LLVMDisposeTargetMachine(tm);
	if (err)
		goto out_dispose_tsc;
	/* the JIT compiles for the host CPU at the aggressive level too */
	tm = make_tm(true, log);
	if (!tm) {
		err = -errno;
		goto out_dispose_mod;
	}
	builder = LLVMOrcCreateLLJITBuilder();
	LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
		builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm));
	e = LLVMOrcCreateLLJIT(&s->jit, builder);
	if (e) {
		err = llvm_err(log, "llvm-jit", e);
		goto out_dispose_mod;
	}
	err = jit_define(s->jit, &info, log);
	if (err)
		goto out_dispose_mod;
	e = LLVMOrcLLJITAddLLVMIRModule(s->jit, LLVMOrcLLJITGetMainJITDylib(s->jit),
					LLVMOrcCreateNewThreadSafeModule(mod, tsc));
	mod = NULL; /* owned by the JIT now, even on error */
	if (e) {
		err = llvm_err(log, "llvm-jit: adding the module", e);
		goto out_dispose_mod;
	}
	err = jit_lookup(s, BPFAOT_ENTRY_SYM, &addr, log);
	if (err)
		goto out_dispose_mod;
	s->entry = (bpfaot_entry_fn)(uintptr_t)addr;
	s->callbacks = calloc(info.nr_callbacks + 1, sizeof(*s->callbacks));
	if (!s->callbacks) {
		rt_log__err(log, "out of memory");
		err = -ENOMEM;
		goto out_dispose_mod;
	}
	for (k = 0; k < info.nr_callbacks; k++) {
		char name[64];

		snprintf(name, sizeof(name), LE_IR_SUB_FMT, info.callbacks[k]);
		err = jit_lookup(s, name, &s->callbacks[s->nr_callbacks], log);
		if (err)
			goto out_dispose_mod;
		s->nr_callbacks++;
	}
	LLVMOrcDisposeThreadSafeContext(tsc);
	free_info(&info);
	prog->engine_state[BPFAOT_ENGINE_LLVM_JIT] = s;
	prog->engine_free[BPFAOT_ENGINE_LLVM_JIT] = jit_free;
	return 0;

out_dispose_mod:
	if (mod)
		LLVMDisposeModule(mod);
	free_info(&info);
out_dispose_tsc:
	LLVMOrcDisposeThreadSafeContext(tsc);
out_free_state:
	jit_free(s);
	return err;
}

/* ------------------------------------------------------------ llvm-aot */

static const char *ctx_name(enum rt_ctx_kind k)
{
	static const char *const names[] = { "mem", "xdp", "skb", "regs", "raw" };

	return (unsigned int)k < sizeof(names) / sizeof(names[0]) ? names[k] : "raw";
}

static const char *arg_class(enum rt_arg a)
{
	switch (a) {
	case RT_ARG_CTX:
	case RT_ARG_MAP:
	case RT_ARG_PTR:
	case RT_ARG_PTR_OR_NULL:
	case RT_ARG_FUNC:
	case RT_ARG_ADDR:
		return "ptr";
	default:
		return "scalar";
	}
}

static const char *ret_class(enum rt_ret r)
{
	return r == RT_RET_VOID ? "void" : r == RT_RET_PTR_OR_NULL ? "ptr" : "scalar";
}

/* The manifest (docs/object-format.md) of what the module uses; malloc'ed. */
static char *make_manifest(const struct rt_prog *prog, const struct le_ir_info *info)
{
	const struct rt_object *obj = prog->obj;
	char *text = NULL;
	size_t len = 0, m;
	uint32_t id;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "bpfaot-manifest 1\nprog name=%s section=%s type=%u ctx=%s stack=%u\n",
		prog->name, prog->sec_name, prog->type, ctx_name(prog->ctx_kind), RT_STACK_SIZE);
	for (id = 0; id < LE_IR_MAX_HELPER; id++) {
		const struct rt_helper *h = rt_helper__by_id(id);
		int a;

		if (!info->helpers[id] || !h)
			continue;
		fprintf(f, "helper id=%u name=%s ret=%s args=", id, h->name, ret_class(h->ret));
		for (a = 0; a < 5 && h->args[a] != RT_ARG_NONE; a++)
			fprintf(f, "%s%s", a ? "," : "", arg_class(h->args[a]));
		fputc('\n', f);
	}
	for (m = 0; m < obj->nr_maps; m++) {
		const struct rt_map_def *d = rt_map__def(obj->maps[m]);

		if (!info->map_uses[m])
			continue;
		fprintf(f, "map name=%s type=%u key=%u value=%u max=%u flags=%u inlined=%d",
			d->name, d->type, d->key_size, d->value_size, d->max_entries, d->map_flags,
			(info->map_uses[m] & 2) ? 1 : 0);
		if (info->map_uses[m] & 2)
			fprintf(f, " stride=%u", (d->value_size + 7) & ~7u);
		fputc('\n', f);
	}
	fputs("end\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static void aot_free(void *state)
{
	rt_native__free(state);
}

static int aot_prepare(struct rt_prog *prog, struct rt_log *log)
{
	LLVMTargetMachineRef tm;
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMMemoryBufferRef buf;
	LLVMValueRef g;
	struct le_ir_info info;
	struct rt_native *nat;
	char *manifest, *msg = NULL, *path = NULL;
	int err;

	if (prog->engine_state[BPFAOT_ENGINE_LLVM_AOT])
		return 0;
	pthread_once(&init_once, init_targets);
	tm = make_tm(false, log);
	if (!tm)
		return -errno;
	ctx = LLVMContextCreate();
	err = build_module(prog, ctx, tm, true, &mod, &info, log);
	if (err)
		goto out_dispose_ctx;
	manifest = make_manifest(prog, &info);
	if (!manifest) {
		rt_log__err(log, "out of memory");
		err = -ENOMEM;
		goto out_dispose_mod;
	}
	/* added after the optimisation, which would have nothing to do with it */
	g = LLVMAddGlobal(mod, LLVMArrayType(LLVMInt8TypeInContext(ctx), strlen(manifest) + 1),
			  "__bpfaot_manifest");
	LLVMSetInitializer(g, LLVMConstStringInContext(ctx, manifest, strlen(manifest), false));
	LLVMSetSection(g, BPFAOT_MANIFEST_SEC);
	LLVMSetGlobalConstant(g, true);
	LLVMSetLinkage(g, LLVMInternalLinkage);
	LLVMSetAlignment(g, 1);
	free(manifest);
	{
		/* keep it: nothing references it */
		LLVMValueRef used = LLVMConstBitCast(g, LLVMPointerType(LLVMInt8TypeInContext(ctx), 0));
		LLVMValueRef arr = LLVMConstArray(LLVMPointerType(LLVMInt8TypeInContext(ctx), 0),
						  &used, 1);
		LLVMValueRef u = LLVMAddGlobal(mod, LLVMTypeOf(arr), "llvm.used");

		LLVMSetInitializer(u, arr);
		LLVMSetLinkage(u, LLVMAppendingLinkage);
		LLVMSetSection(u, "llvm.metadata");
	}
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &buf)) {
		rt_log__err(log, "program '%s': llvm-aot: %s", prog->name, msg);
		LLVMDisposeMessage(msg);
		err = -EIO;
		goto out_dispose_mod;
	}
	if (asprintf(&path, "%s(llvm-aot:%s)", prog->obj->path, prog->name) < 0) {
		rt_log__err(log, "out of memory");
		err = -ENOMEM;
		goto out_dispose_buf;
	}
	nat = rt_native__link(LLVMGetBufferStart(buf), LLVMGetBufferSize(buf), path, prog->obj,
			      prog, log);
	free(path);
	if (!nat) {
		err = -errno;
		goto out_dispose_buf;
	}
	prog->engine_state[BPFAOT_ENGINE_LLVM_AOT] = nat;
	prog->engine_free[BPFAOT_ENGINE_LLVM_AOT] = aot_free;
	err = 0;

out_dispose_buf:
	LLVMDisposeMemoryBuffer(buf);
out_dispose_mod:
	LLVMDisposeModule(mod);
	free_info(&info);
out_dispose_ctx:
	LLVMContextDispose(ctx);
	LLVMDisposeTargetMachine(tm);
	return err;
}

/* ------------------------------------------------------------- runs */

static bool jit_has_callback(const struct jit_state *s, uint64_t addr)
{
	size_t k;

	for (k = 0; s && k < s->nr_callbacks; k++)
		if (s->callbacks[k] == addr)
			return true;
	return false;
}

static uint64_t llvm_callback(struct rt_run *run, uint64_t fn_addr, uint64_t r1, uint64_t r2,
			      uint64_t r3, uint64_t r4, uint64_t r5)
{
	void *state = run->prog->engine_state[run->engine];
	bool ok = run->engine == BPFAOT_ENGINE_LLVM_JIT ? jit_has_callback(state, fn_addr)
							: rt_native__has_code(state, fn_addr);

	if (!ok) {
		rt_run__fail(run, -EFAULT, "callback address 0x%" PRIx64 " is not in the code of program '%s'",
			     fn_addr, run->prog->name);
		return 0;
	}
	return ((native_cb_fn)(uintptr_t)fn_addr)(r1, r2, r3, r4, r5);
}

static int prepare(struct rt_run *run, struct rt_prog *prog)
{
	return run->engine == BPFAOT_ENGINE_LLVM_JIT ? jit_prepare(prog, run->log)
						     : aot_prepare(prog, run->log);
}

static uint64_t run_n(struct rt_run *run, uint32_t repeat, uint32_t *done)
{
	void *state = run->prog->engine_state[run->engine];
	bpfaot_entry_fn entry = run->engine == BPFAOT_ENGINE_LLVM_JIT
					? ((struct jit_state *)state)->entry
					: rt_native__entry(state);

	return rt_run__loop(run, entry, repeat, done);
}

static const struct rt_native_engine llvm_engine = {
	.prepare = prepare,
	.run_n = run_n,
	.callback = llvm_callback,
};

static int llvm_run(struct bpfaot_run *r, uint64_t *retval)
{
	return rt_run__native((struct rt_run *)r, &llvm_engine, 1, retval);
}

static int llvm_run_repeat(struct bpfaot_run *r, uint32_t repeat, uint64_t *retval)
{
	return rt_run__native((struct rt_run *)r, &llvm_engine, repeat, retval);
}

/* Compiles the program before the timed runs (bpfaot_prog__run calls it for
 * each program the run may tail-call too). */
static int llvm_prepare(struct bpfaot_run *r)
{
	struct rt_run *run = (struct rt_run *)r;

	return prepare(run, run->prog);
}

__attribute__((visibility("default"))) int le_plugin_ops(const char *abi,
							  struct bpfaot_engine_ops *jit,
							  struct bpfaot_engine_ops *aot)
{
	BPFAOT_OPTS(bpfaot_engine_ops, ops, .run = llvm_run, .prepare = llvm_prepare,
		    .run_repeat = llvm_run_repeat);

	if (!abi || strcmp(abi, BPFAOT_RT_ABI) || !jit || !aot || jit->sz < sizeof(ops) ||
	    aot->sz < sizeof(ops))
		return -EINVAL;
	*jit = ops;
	*aot = ops;
	return 0;
}

int le_register(void)
{
	BPFAOT_OPTS(bpfaot_engine_ops, jit);
	BPFAOT_OPTS(bpfaot_engine_ops, aot);
	int err;

	err = le_plugin_ops(BPFAOT_RT_ABI, &jit, &aot);
	if (!err)
		err = bpfaot_engine__register(BPFAOT_ENGINE_LLVM_JIT, &jit);
	if (!err)
		err = bpfaot_engine__register(BPFAOT_ENGINE_LLVM_AOT, &aot);
	return err;
}
