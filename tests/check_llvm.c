// SPDX-License-Identifier: MIT
/*
 * The llvm-jit and llvm-aot engines (libbpfaot-llvm): every conformance
 * file of ../shared/conformance/tests gives its `-- result` on both; every
 * sample (samples/NAME.test, format in samples/README.md) gives its
 * expected return value, output packet, map entries and ring buffer records
 * on both; the translator's modules verify; programs it cannot lower are
 * refused with a message naming the instruction; random ALU/jump/stack
 * programs (tests/randprog.h) give the interpreter's result on both.
 * The samples' expectations come from tests/spec.h. Runs from the
 * repository root; BUILD and BPFAOT_CONFORMANCE_DIR as in the other suites.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "le.h"
#include "randprog.h"
#include "rt_insn.h"
#include "rt_internal.h"
#include "spec.h"
#include "testutil.h"

static glob_t tests;

static glob_t conf_files;

static const enum bpfaot_engine engines[] = { BPFAOT_ENGINE_LLVM_JIT, BPFAOT_ENGINE_LLVM_AOT };

static void setup(void)
{
	ck_assert_int_eq(le_register(), 0);
}

/* ------------------------------------------------------------- core */

static int run_prog(struct rt_prog *prog, enum bpfaot_engine e, const void *mem, size_t mem_sz,
		    uint64_t *ret, char *log, size_t log_sz)
{
	struct bpfaot_run_opts opts = { .sz = sizeof(opts), .engine = e, .data_in = mem,
					.data_size_in = (uint32_t)mem_sz, .log_buf = log,
					.log_size = log_sz };
	int err = bpfaot_prog__run((struct bpfaot_prog *)prog, &opts);

	*ret = opts.retval;
	return err;
}

static void check_conformance(const char *path, enum bpfaot_engine e)
{
	char log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open(path, NULL, &l);
	uint64_t ret = 0;
	int err;

	ck_assert_msg(obj, "%s: open failed: %s", path, log);
	ck_assert(obj->conf->has_result);
	err = run_prog(&obj->progs[0], e, NULL, 0, &ret, log, sizeof(log));
	ck_assert_msg(!err, "%s/%s: run failed: %s", path, bpfaot_engine__name(e), log);
	ck_assert_msg(ret == obj->conf->result, "%s/%s: got 0x%llx, expected 0x%llx", path,
		      bpfaot_engine__name(e), (unsigned long long)ret,
		      (unsigned long long)obj->conf->result);
	/* a second run reuses the cached code */
	err = run_prog(&obj->progs[0], e, NULL, 0, &ret, log, sizeof(log));
	ck_assert_msg(!err && ret == obj->conf->result, "%s/%s: second run differs", path,
		      bpfaot_engine__name(e));
	rt_object__free(obj);
}

START_TEST(test_conformance_jit)
{
	check_conformance(conf_files.gl_pathv[_i], BPFAOT_ENGINE_LLVM_JIT);
}
END_TEST

START_TEST(test_conformance_aot)
{
	check_conformance(conf_files.gl_pathv[_i], BPFAOT_ENGINE_LLVM_AOT);
}
END_TEST

START_TEST(test_conformance_count)
{
	ck_assert_uint_ge(conf_files.gl_pathc, 300);
}
END_TEST

START_TEST(test_sample_llvm_jit)
{
	check_local(tests.gl_pathv[_i], "samples", BPFAOT_ENGINE_LLVM_JIT);
}
END_TEST

START_TEST(test_sample_llvm_aot)
{
	check_local(tests.gl_pathv[_i], "samples", BPFAOT_ENGINE_LLVM_AOT);
}
END_TEST

START_TEST(test_sample_count)
{
	ck_assert_uint_ge(tests.gl_pathc, 9);
}
END_TEST

/* Translates every program of obj both ways and verifies the modules. */
static void verify_object(struct rt_object *obj, const char *what)
{
	size_t p, m;
	int sym;

	for (p = 0; p < obj->nr_progs; p++) {
		struct rt_prog *prog = &obj->progs[p];
		struct le_ir_map *maps = calloc(obj->nr_maps + 1, sizeof(*maps));

		for (m = 0; m < obj->nr_maps; m++) {
			maps[m].name = rt_map__name(obj->maps[m]);
			maps[m].inlinable = rt_map__def(obj->maps[m])->type == BPF_MAP_TYPE_ARRAY;
			maps[m].addr = 0x1000 + m;
		}
		for (sym = 0; sym < 2; sym++) {
			struct le_ir_opts o = { .conformance = obj->is_conformance,
						.ctx_is_mem = prog->ctx_kind == RT_CTX_MEM,
						.symbolic = sym, .maps = maps,
						.nr_maps = obj->nr_maps };
			struct le_ir_info info = { 0 };
			LLVMContextRef ctx = LLVMContextCreate();
			LLVMModuleRef mod = NULL;
			char err[256], *msg = NULL;
			int ret;

			info.map_uses = calloc(obj->nr_maps + 1, 1);
			ret = le_bpf2ir(ctx, prog->insns, prog->nr_insns, &o, &mod, &info, err,
					sizeof(err));
			ck_assert_msg(!ret, "%s: '%s': %s", what, prog->name, err);
			ck_assert_msg(!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg),
				      "%s: '%s': %s", what, prog->name, msg);
			ck_assert_ptr_nonnull(LLVMGetNamedFunction(mod, "bpf_main"));
			LLVMDisposeMessage(msg);
			LLVMDisposeModule(mod);
			LLVMContextDispose(ctx);
			free(info.map_uses);
			free(info.callbacks);
		}
		free(maps);
	}
}

START_TEST(test_ir_verifies)
{
	char path[512], log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	size_t i;

	for (i = 0; i < conf_files.gl_pathc; i++) {
		struct rt_object *obj = rt_object__open(conf_files.gl_pathv[i], NULL, &l);

		ck_assert_msg(obj, "%s", log);
		verify_object(obj, conf_files.gl_pathv[i]);
		rt_object__free(obj);
	}
	for (i = 0; i < tests.gl_pathc; i++) {
		struct spec sp;
		struct rt_object *obj;

		parse_spec(tests.gl_pathv[i], &sp);
		snprintf(path, sizeof(path), "%s/samples/%s.bpf.o", build_dir(), sp.name);
		obj = rt_object__open(path, NULL, &l);
		ck_assert_msg(obj, "%s", log);
		verify_object(obj, path);
		rt_object__free(obj);
		free_spec(&sp);
	}
}
END_TEST

/* bpf_loop's callback is a subprogram whose address the program takes:
 * it must come out of the translator as an external function. */
START_TEST(test_callback_is_function)
{
	static const char text[] = "-- asm\n"
				   "mov %r0, 0\n"
				   "lddw %r1, 0\n"
				   "exit\n"
				   "-- result\n0x0\n";
	char log[256];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open_mem(text, strlen(text), "t.data", NULL, &l);
	struct rt_insn insns[6] = {
		/* r1 = &sub; r0 = 0; exit; sub: r0 = r1; exit */
		{ .code = RT_LDDW_CODE, .dst = 1, .src = BPF_PSEUDO_FUNC, .imm = 3 },
		{ 0 },
		{ .code = RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K, .dst = 0, .imm = 0 },
		{ .code = RT_CLASS_JMP | RT_OP_EXIT },
		{ .code = RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_X, .dst = 0, .src = 1 },
		{ .code = RT_CLASS_JMP | RT_OP_EXIT },
	};
	struct le_ir_opts o = { 0 };
	struct le_ir_info info = { 0 };
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMModuleRef mod = NULL;
	LLVMValueRef f;
	char err[256];
	char name[32];

	ck_assert_ptr_nonnull(obj);
	rt_object__free(obj);
	ck_assert_int_eq(le_bpf2ir(ctx, insns, 6, &o, &mod, &info, err, sizeof(err)), 0);
	ck_assert_uint_eq(info.nr_callbacks, 1);
	ck_assert_uint_eq(info.callbacks[0], 4);
	snprintf(name, sizeof(name), LE_IR_SUB_FMT, (size_t)4);
	f = LLVMGetNamedFunction(mod, name);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(LLVMGetLinkage(f), LLVMExternalLinkage);
	free(info.callbacks);
	LLVMDisposeModule(mod);
	LLVMContextDispose(ctx);
}
END_TEST

/* A switch as clang lowers it for BPF: a tree of compares of r2 (read from
 * the memory) with constants, signed, unsigned, 32-bit, eq/ne, a lone ja on
 * a path. The translator makes it a switch over 0..50 whose default is the
 * tree itself. */
static const char switch_tree[] = "-- asm\n"
				  "ldxdw %r2, [%r1]\n"
				  "mov %r0, 0\n"
				  "jsgt %r2, 10, big\n"
				  "jeq %r2, 1, one\n"
				  "jeq32 %r2, 2, two\n"
				  "jslt %r2, 0, neg\n"
				  "jne %r2, 3, other\n"
				  "mov %r0, 3\n"
				  "exit\n"
				  "big:\n"
				  "jgt %r2, 40, huge\n"
				  "jeq %r2, 20, twenty\n"
				  "ja other\n"
				  "huge:\n"
				  "jle %r2, 50, mid\n"
				  "mov %r0, 60\n"
				  "exit\n"
				  "one:\n"
				  "mov %r0, 1\n"
				  "exit\n"
				  "two:\n"
				  "mov %r0, 2\n"
				  "exit\n"
				  "neg:\n"
				  "mov %r0, 100\n"
				  "exit\n"
				  "twenty:\n"
				  "mov %r0, 20\n"
				  "exit\n"
				  "mid:\n"
				  "mov %r0, 45\n"
				  "exit\n"
				  "other:\n"
				  "mov %r0, 7\n"
				  "exit\n";

static size_t count_switches(const struct rt_prog *prog, bool switches)
{
	struct le_ir_opts o = { .conformance = true, .ctx_is_mem = true, .switches = switches };
	struct le_ir_info info = { 0 };
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMModuleRef mod = NULL;
	char err[256], *msg = NULL;

	ck_assert_msg(!le_bpf2ir(ctx, prog->insns, prog->nr_insns, &o, &mod, &info, err,
				 sizeof(err)),
		      "%s", err);
	ck_assert_msg(!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg), "%s", msg);
	LLVMDisposeMessage(msg);
	LLVMDisposeModule(mod);
	LLVMContextDispose(ctx);
	free(info.callbacks);
	return info.nr_switches;
}

START_TEST(test_switch_tree)
{
	/* hand-computed: in the switch's range, below it, above it, and
	 * values whose low 32 bits alone fall in it */
	static const struct {
		int64_t v;
		uint64_t want;
	} cases[] = {
		{ 1, 1 },	{ 2, 2 },   { 3, 3 },	 { 5, 7 },    { 10, 7 },
		{ 20, 20 },	{ 30, 7 },  { 45, 45 }, { 50, 45 },  { 51, 60 },
		{ -5, 100 },	{ 0, 7 },   { 0x100000002ll, 60 },
		{ (int64_t)0xffffffff00000002ull, 2 }, { INT64_MIN, 100 },
	};
	char log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open_mem(switch_tree, strlen(switch_tree), "t.data", NULL,
						    &l);
	uint64_t want, got;
	size_t k, e;
	int64_t v;

	ck_assert_msg(obj, "open failed: %s", log);
	ck_assert_uint_eq(count_switches(&obj->progs[0], true), 1);
	ck_assert_uint_eq(count_switches(&obj->progs[0], false), 0);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
			ck_assert_int_eq(run_prog(&obj->progs[0], engines[e], &cases[k].v, 8, &got, log,
						  sizeof(log)),
					 0);
			ck_assert_msg(got == cases[k].want, "%s: v = %" PRId64 ": got %" PRIu64
				      ", expected %" PRIu64, bpfaot_engine__name(engines[e]),
				      cases[k].v, got, cases[k].want);
		}
	}
	/* every value around the range: the interpreter's answer */
	for (v = -3; v <= 60; v++) {
		ck_assert_int_eq(run_prog(&obj->progs[0], BPFAOT_ENGINE_INTERP, &v, 8, &want, log,
					  sizeof(log)),
				 0);
		for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
			ck_assert_int_eq(run_prog(&obj->progs[0], engines[e], &v, 8, &got, log,
						  sizeof(log)),
					 0);
			ck_assert_msg(got == want, "%s: v = %" PRId64 ": got %" PRIu64 ", interp %" PRIu64,
				      bpfaot_engine__name(engines[e]), v, got, want);
		}
	}
	rt_object__free(obj);
}
END_TEST

/* Byte loads that assemble an integer become one load (llvm/loads.c) when,
 * and only when, they read consecutive bytes in little-endian order with
 * nothing written between. Memory: byte i is 0x10 + i. Each case: the
 * program, the value by hand, the number of merged trees. */
static const struct {
	const char *asm_text;
	uint64_t want;
	unsigned merged;
} byte_cases[] = {
	/* u32 from bytes 0..3, little-endian */
	{ "ldxb %r2, [%r1]\nldxb %r3, [%r1+1]\nlsh %r3, 8\nor %r2, %r3\n"
	  "ldxb %r3, [%r1+2]\nlsh %r3, 16\nor %r2, %r3\nldxb %r3, [%r1+3]\nlsh %r3, 24\n"
	  "or %r2, %r3\nmov %r0, %r2\nexit\n",
	  0x13121110, 1 },
	/* u64 from two u32 at 8 and 12 */
	{ "ldxw %r2, [%r1+8]\nldxw %r3, [%r1+12]\nlsh %r3, 32\nor %r2, %r3\nmov %r0, %r2\nexit\n",
	  0x1f1e1d1c1b1a1918ull, 1 },
	/* u32 from a u16 and two bytes */
	{ "ldxh %r2, [%r1+4]\nldxb %r3, [%r1+6]\nlsh %r3, 16\nor %r2, %r3\n"
	  "ldxb %r3, [%r1+7]\nlsh %r3, 24\nor %r3, %r2\nmov %r0, %r3\nexit\n",
	  0x17161514, 1 },
	/* big-endian u16: not a little-endian load */
	{ "ldxb %r2, [%r1]\nlsh %r2, 8\nldxb %r3, [%r1+1]\nor %r2, %r3\nmov %r0, %r2\nexit\n",
	  0x1011, 0 },
	/* byte 1 written between the two loads: the second reads 0x77 */
	{ "ldxb %r2, [%r1]\nstb [%r1+1], 0x77\nldxb %r3, [%r1+1]\nlsh %r3, 8\nor %r2, %r3\n"
	  "mov %r0, %r2\nexit\n",
	  0x7710, 0 },
	/* bytes 0 and 2: a gap */
	{ "ldxb %r2, [%r1]\nldxb %r3, [%r1+2]\nlsh %r3, 8\nor %r2, %r3\nmov %r0, %r2\nexit\n",
	  0x1210, 0 },
	/* byte 1 twice: overlapping loads */
	{ "ldxh %r2, [%r1]\nldxb %r3, [%r1+1]\nlsh %r3, 8\nor %r2, %r3\nmov %r0, %r2\nexit\n",
	  0x1110, 0 },
	/* three bytes: no 3-byte load */
	{ "ldxb %r2, [%r1]\nldxb %r3, [%r1+1]\nlsh %r3, 8\nor %r2, %r3\n"
	  "ldxb %r3, [%r1+2]\nlsh %r3, 16\nor %r2, %r3\nmov %r0, %r2\nexit\n",
	  0x121110, 0 },
};

/* The trees le_combine_loads() merges in prog's module after SROA and
 * instcombine, as the engines run it. */
static unsigned count_merged(const struct rt_prog *prog)
{
	struct le_ir_opts o = { .conformance = true, .ctx_is_mem = true };
	struct le_ir_info info = { 0 };
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMModuleRef mod = NULL;
	LLVMErrorRef e;
	char err[256], *msg = NULL;
	unsigned n;

	ck_assert_msg(!le_bpf2ir(ctx, prog->insns, prog->nr_insns, &o, &mod, &info, err,
				 sizeof(err)),
		      "%s", err);
	e = LLVMRunPasses(mod, "function(sroa,instcombine)", NULL, po);
	ck_assert_ptr_null(e);
	n = le_combine_loads(mod);
	ck_assert_msg(!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg), "%s", msg);
	LLVMDisposeMessage(msg);
	LLVMDisposePassBuilderOptions(po);
	LLVMDisposeModule(mod);
	LLVMContextDispose(ctx);
	free(info.callbacks);
	return n;
}

START_TEST(test_byte_loads)
{
	char text[1024], log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	const enum bpfaot_engine all[] = { BPFAOT_ENGINE_INTERP, BPFAOT_ENGINE_LLVM_JIT,
					   BPFAOT_ENGINE_LLVM_AOT };
	struct rt_object *obj;
	uint8_t mem[16];
	uint64_t got;
	size_t e, i;

	snprintf(text, sizeof(text), "-- asm\n%s", byte_cases[_i].asm_text);
	obj = rt_object__open_mem(text, strlen(text), "t.data", NULL, &l);
	ck_assert_msg(obj, "open failed: %s", log);
	ck_assert_uint_eq(count_merged(&obj->progs[0]), byte_cases[_i].merged);
	for (e = 0; e < sizeof(all) / sizeof(all[0]); e++) {
		for (i = 0; i < sizeof(mem); i++)
			mem[i] = (uint8_t)(0x10 + i);
		ck_assert_int_eq(run_prog(&obj->progs[0], all[e], mem, sizeof(mem), &got, log,
					  sizeof(log)),
				 0);
		ck_assert_msg(got == byte_cases[_i].want, "%s: got %#" PRIx64 ", expected %#" PRIx64,
			      bpfaot_engine__name(all[e]), got, byte_cases[_i].want);
	}
	rt_object__free(obj);
}
END_TEST

/* --------------------------------------------------------------- errors */

/* Runs conformance-format text on both engines; both must refuse with msg. */
static void expect_refusal(const char *text, int want, const char *msg)
{
	size_t e;

	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		char log[512] = "";
		struct rt_log l = { .buf = log, .size = sizeof(log) };
		struct rt_object *obj = rt_object__open_mem(text, strlen(text), "t.data", NULL, &l);
		uint64_t ret;
		int err;

		ck_assert_msg(obj, "open failed: %s", log);
		err = run_prog(&obj->progs[0], engines[e], NULL, 0, &ret, log, sizeof(log));
		ck_assert_int_eq(err, want);
		ck_assert_msg(strstr(log, msg), "%s: message '%s' lacks '%s'",
			      bpfaot_engine__name(engines[e]), log, msg);
		rt_object__free(obj);
	}
}

START_TEST(test_refuse_ld_abs)
{
	expect_refusal("-- asm\nmov %r6, %r1\nldabsw 4\nexit\n-- result\n0x0\n", -ENOTSUP,
		       "insn 1: legacy packet load (ld_abs) is not supported by the llvm engines");
}
END_TEST

START_TEST(test_refuse_unwind_in_subprogram)
{
	expect_refusal("-- asm\ncall local f\nexit\nf:\nmov %r1, 0\ncall 5\nexit\n-- result\n0x0\n",
		       -ENOTSUP, "insn 3: helper 5 (unwind) inside a subprogram is not supported");
}
END_TEST

/* callx to a value that is neither a subprogram nor helper 5 fails the run. */
START_TEST(test_callx_bad_target)
{
	static const char text[] = "-- asm\nmov %r2, 7\ncall %r2\nmov %r0, 2\nexit\n-- result\n0x2\n";
	size_t e;

	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		char log[512] = "";
		struct rt_log l = { .buf = log, .size = sizeof(log) };
		struct rt_object *obj = rt_object__open_mem(text, strlen(text), "t.data", NULL, &l);
		uint64_t ret;
		int err;

		ck_assert_msg(obj, "open failed: %s", log);
		err = run_prog(&obj->progs[0], engines[e], NULL, 0, &ret, log, sizeof(log));
		ck_assert_int_lt(err, 0);
		ck_assert_msg(strstr(log, "insn 1"), "%s: message '%s' lacks 'insn 1'",
			      bpfaot_engine__name(engines[e]), log);
		rt_object__free(obj);
	}
}
END_TEST

START_TEST(test_register_errors)
{
	BPFAOT_OPTS(bpfaot_engine_ops, ops);

	ck_assert_int_eq(bpfaot_engine__register(BPFAOT_ENGINE_LLVM_JIT, NULL), -EINVAL);
	ck_assert_int_eq(bpfaot_engine__register(BPFAOT_ENGINE_LLVM_JIT, &ops), -EINVAL);
	ck_assert_int_eq(bpfaot_engine__register(BPFAOT_ENGINE__COUNT, &ops), -EINVAL);
	ck_assert_int_eq(le_register(), 0);
}
END_TEST

/* --------------------------------------------------------------- limits */

/* Deeper BPF-to-BPF calls than the interpreter's frames are refused. */
START_TEST(test_refuse_deep_calls)
{
	char text[2048] = "-- asm\n";
	int d;

	for (d = 0; d < RT_MAX_CALL_DEPTH; d++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "call local f%d\nexit\nf%d:\n", d, d);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "mov %%r0, 1\nexit\n-- result\n0x1\n");
	expect_refusal(text, -E2BIG, "call depth over 8");
}
END_TEST

/* Random programs (randprog.h) on both engines: the interpreter's result,
 * each compiled anew (no cache shared between programs). */
#define RANDOM_PROGRAMS 300

START_TEST(test_random_differential)
{
	struct gen *g = calloc(1, sizeof(*g));
	int k;
	size_t e;

	ck_assert_ptr_nonnull(g);
	g->s = 0x2545f4914f6cdd1dull;
	for (k = 0; k < RANDOM_PROGRAMS; k++) {
		char log[512] = "";
		struct rt_log l = { .buf = log, .size = sizeof(log) };
		struct rt_object *obj;
		uint64_t want, got;
		char *text;

		gen_program(g, 8 + rnd(g) % 120);
		text = program_text(g);
		obj = rt_object__open_mem(text, strlen(text), "r.data", NULL, &l);
		ck_assert_msg(obj, "program %d refused: %s\n%s", k, log, text);
		ck_assert_msg(!run_prog(&obj->progs[0], BPFAOT_ENGINE_INTERP, NULL, 0, &want, log,
					sizeof(log)),
			      "program %d: interp: %s\n%s", k, log, text);
		for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
			ck_assert_msg(!run_prog(&obj->progs[0], engines[e], NULL, 0, &got, log,
						sizeof(log)),
				      "program %d: %s: %s\n%s", k, bpfaot_engine__name(engines[e]),
				      log, text);
			ck_assert_msg(got == want,
				      "program %d: %s 0x%" PRIx64 ", interp 0x%" PRIx64 "\n%s", k,
				      bpfaot_engine__name(engines[e]), got, want, text);
		}
		rt_object__free(obj);
		free(text);
	}
	printf("llvm-jit, llvm-aot: %d random programs agree with interp\n", RANDOM_PROGRAMS);
	free(g);
}
END_TEST

/* Compile time per engine, printed for the record (both well under 1 s). */
START_TEST(test_compile_time)
{
	char path[512], log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	size_t e;

	uint32_t pkt_sz;
	uint8_t *pkt = read_all("samples/xdp_firewall.pkt", &pkt_sz);

	snprintf(path, sizeof(path), "%s/samples/xdp_firewall.bpf.o", build_dir());
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		struct rt_object *obj = rt_object__open(path, NULL, &l);
		struct timespec a, b;
		uint64_t ret;
		double ms;

		ck_assert_msg(obj, "%s", log);
		clock_gettime(CLOCK_MONOTONIC, &a);
		ck_assert_msg(!run_prog(&obj->progs[0], engines[e], pkt, pkt_sz, &ret, log,
					sizeof(log)),
			      "%s", log);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		printf("compile+run of xdp_firewall on %s: %.1f ms\n",
		       bpfaot_engine__name(engines[e]), ms);
		ck_assert(ms < 5000);
		rt_object__free(obj);
	}
	free(pkt);
}
END_TEST

Suite *llvm_suite(void)
{
	Suite *s = suite_create("llvm");
	TCase *tc;

	{
		char pat[512];

		snprintf(pat, sizeof(pat), "%s/*.data", test_conf_dir());
		glob(pat, 0, NULL, &conf_files);
	}
	glob("samples/*.test", 0, NULL, &tests);

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	if (test_conf_present("llvm"))
		tcase_add_test(tc, test_conformance_count);
	tcase_add_loop_test(tc, test_conformance_jit, 0, (int)conf_files.gl_pathc);
	tcase_add_loop_test(tc, test_conformance_aot, 0, (int)conf_files.gl_pathc);
	tcase_add_test(tc, test_sample_count);
	tcase_add_loop_test(tc, test_sample_llvm_jit, 0, (int)tests.gl_pathc);
	tcase_add_loop_test(tc, test_sample_llvm_aot, 0, (int)tests.gl_pathc);
	tcase_add_test(tc, test_ir_verifies);
	tcase_add_test(tc, test_callback_is_function);
	tcase_add_test(tc, test_switch_tree);
	tcase_add_loop_test(tc, test_byte_loads, 0, (int)(sizeof(byte_cases) / sizeof(byte_cases[0])));
	tcase_add_test(tc, test_random_differential);
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_refuse_ld_abs);
	tcase_add_test(tc, test_refuse_unwind_in_subprogram);
	tcase_add_test(tc, test_callx_bad_target);
	tcase_add_test(tc, test_register_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_refuse_deep_calls);
	tcase_add_test(tc, test_compile_time);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(llvm_suite)
