// SPDX-License-Identifier: MIT
/*
 * The template JIT (`jit` engine) against the references: every file of
 * the eBPF conformance suite gives its `-- result`, every negative file
 * that the interpreter runs gives the interpreter's result, every sample
 * gives its expected return value, packet, maps and ring buffer records,
 * and a few thousand random ALU/jump/stack programs give the interpreter's
 * result. Errors (code-size limit, unknown helper, call depth, bad callx)
 * assert their messages; compile times are measured and printed.
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_insn.h"
#include "randprog.h"
#include "rt_internal.h"
#include "spec.h"
#include "testutil.h"

static glob_t files, negative, tests;

static void load_lists(void)
{
	char pat[512];

	snprintf(pat, sizeof(pat), "%s/*.data", test_conf_dir());
	glob(pat, 0, NULL, &files);
	snprintf(pat, sizeof(pat), "%s/negative/*.data", test_conf_dir());
	glob(pat, 0, NULL, &negative);
	glob("samples/*.test", 0, NULL, &tests);
}

/* Runs the object's first program on engine; returns the run's error. */
static int run_on(struct rt_object *obj, enum bpfaot_engine engine, uint32_t repeat, uint64_t *ret,
		  char *log, size_t log_sz)
{
	struct bpfaot_run_opts opts = { .sz = sizeof(opts), .engine = engine, .repeat = repeat,
					.log_buf = log, .log_size = log_sz };
	int err = bpfaot_prog__run((struct bpfaot_prog *)&obj->progs[0], &opts);

	*ret = opts.retval;
	return err;
}

static struct rt_object *open_text(const char *text, char *log, size_t log_sz)
{
	struct rt_log l = { .buf = log, .size = log_sz };

	log[0] = '\0';
	return rt_object__open_mem(text, strlen(text), "t.data", NULL, &l);
}

/* Runs text on the JIT and the interpreter; both must give want. */
static void expect_both(const char *text, uint64_t want)
{
	char log[512];
	struct rt_object *obj = open_text(text, log, sizeof(log));
	uint64_t ret;

	ck_assert_msg(obj, "open failed: %s", log);
	ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)), "jit: %s", log);
	ck_assert_msg(ret == want, "jit: got 0x%" PRIx64 ", expected 0x%" PRIx64, ret, want);
	ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_INTERP, 1, &ret, log, sizeof(log)), "interp: %s",
		      log);
	ck_assert_msg(ret == want, "interp: got 0x%" PRIx64 ", expected 0x%" PRIx64, ret, want);
	rt_object__free(obj);
}

/* Runs text on both engines; the interpreter's result is the reference. */
static uint64_t expect_same(const char *text)
{
	char log[512];
	struct rt_object *obj = open_text(text, log, sizeof(log));
	uint64_t want, ret;

	ck_assert_msg(obj, "open failed: %s", log);
	ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_INTERP, 1, &want, log, sizeof(log)), "interp: %s",
		      log);
	ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)), "jit: %s", log);
	ck_assert_msg(ret == want, "jit 0x%" PRIx64 ", interp 0x%" PRIx64, ret, want);
	rt_object__free(obj);
	return ret;
}

/* Compile time and size of prog's machine code. */
static uint64_t compile_ns(struct rt_prog *prog, size_t *size)
{
	char log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_jit *jit = rt_jit__compile(prog, 0, &l);
	uint64_t ns;

	ck_assert_msg(jit, "%s", log);
	rt_jit__stats(jit, size, &ns);
	rt_jit__free(jit);
	return ns;
}

static void expect_jit_error(const char *text, int want_err, const char *msg)
{
	char log[512];
	struct rt_object *obj = open_text(text, log, sizeof(log));
	uint64_t ret;

	ck_assert_msg(obj, "open failed: %s", log);
	ck_assert_int_eq(run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)), want_err);
	ck_assert_msg(strstr(log, msg), "message '%s' lacks '%s'", log, msg);
	rt_object__free(obj);
}

/* ---------------------------------------------------------------- core */

START_TEST(test_conformance_file)
{
	const char *path = files.gl_pathv[_i];
	char log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open(path, NULL, &l);
	uint64_t ret = 0;

	ck_assert_msg(obj, "%s: open failed: %s", path, log);
	ck_assert(obj->conf->has_result);
	ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)),
		      "%s: run failed: %s", path, log);
	ck_assert_msg(ret == obj->conf->result, "%s: got 0x%" PRIx64 ", expected 0x%" PRIx64, path,
		      ret, obj->conf->result);
	rt_object__free(obj);
}
END_TEST

START_TEST(test_conformance_count)
{
	ck_assert_uint_ge(files.gl_pathc, 300);
	ck_assert_uint_ge(negative.gl_pathc, 55);
	ck_assert_uint_ge(tests.gl_pathc, 9);
}
END_TEST

/* A negative file the interpreter runs to completion runs to the same
 * result on the JIT (the JIT does not bounds-check: files the interpreter
 * stops with a fault are not for it). */
START_TEST(test_negative_file)
{
	const char *path = negative.gl_pathv[_i];
	char log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open(path, NULL, &l);
	uint64_t want, ret;

	if (!obj)
		return;
	if (!run_on(obj, BPFAOT_ENGINE_INTERP, 1, &want, log, sizeof(log))) {
		ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)),
			      "%s: %s", path, log);
		ck_assert_msg(ret == want, "%s: jit 0x%" PRIx64 ", interp 0x%" PRIx64, path, ret,
			      want);
	}
	rt_object__free(obj);
}
END_TEST

START_TEST(test_sample_jit)
{
	check_local(tests.gl_pathv[_i], "samples", BPFAOT_ENGINE_JIT);
}
END_TEST

/* The bytecode of bpfaot-cc's fat objects, too. */
START_TEST(test_sample_fat_jit)
{
	check_local(tests.gl_pathv[_i], "samples-aot", BPFAOT_ENGINE_JIT);
}
END_TEST

START_TEST(test_bpf_to_bpf_frames)
{
	/* own frames, r6-r9 preserved: 7 + 5 = 12 */
	expect_both("-- asm\n"
		    "mov %r6, 7\n"
		    "stxdw [%r10-8], %r6\n"
		    "call local f\n"
		    "ldxdw %r1, [%r10-8]\n"
		    "add %r0, %r1\n"
		    "add %r0, %r6\n"
		    "exit\n"
		    "f:\n"
		    "mov %r6, 100\n"
		    "mov %r1, 5\n"
		    "stxdw [%r10-8], %r1\n"
		    "ldxdw %r0, [%r10-8]\n"
		    "exit\n",
		    19);
}
END_TEST

START_TEST(test_atomics)
{
	/* every operation, both widths, fetch and not, r0 as the operand too */
	expect_same("-- asm\n"
		    "lddw %r0, 0x1122334455667788\n"
		    "stxdw [%r10-8], %r0\n"
		    "stxdw [%r10-16], %r0\n"
		    "mov %r1, 0xf0\n"
		    "lock or [%r10-8], %r1\n"
		    "lock fetch xor [%r10-8], %r1\n"
		    "lock fetch and32 [%r10-16], %r1\n"
		    "mov %r2, 3\n"
		    "lock fetch add32 [%r10-16], %r2\n"
		    "mov %r0, 7\n"
		    "lock fetch or [%r10-8], %r0\n"
		    "lock xchg32 [%r10-16], %r0\n"
		    "mov %r3, 99\n"
		    "lock cmpxchg [%r10-8], %r3\n"
		    "lock cmpxchg32 [%r10-16], %r3\n"
		    "ldxdw %r4, [%r10-8]\n"
		    "ldxdw %r5, [%r10-16]\n"
		    "lsh %r1, 8\n"
		    "xor %r0, %r1\n"
		    "lsh %r2, 16\n"
		    "xor %r0, %r2\n"
		    "lsh %r4, 24\n"
		    "xor %r0, %r4\n"
		    "xor %r0, %r5\n"
		    "exit\n");
	/* the one with a hand-computed result (as check_rt_interp): 310 */
	expect_both("-- asm\n"
		    "mov %r0, 10\n"
		    "stxdw [%r10-8], %r0\n"
		    "mov %r1, 5\n"
		    "lock fetch add [%r10-8], %r1\n"
		    "mov %r0, 15\n"
		    "mov %r2, 3\n"
		    "lock cmpxchg [%r10-8], %r2\n"
		    "ldxdw %r3, [%r10-8]\n"
		    "mul %r3, 100\n"
		    "add %r3, %r1\n"
		    "mov %r0, %r3\n"
		    "exit\n",
		    310);
}
END_TEST

START_TEST(test_fused_pairs)
{
	/* lsh 32 + rsh 32 is a zero-extension, lsh 32 + arsh 32 a sign-extension:
	 * 0xffffffff80000005 -> 0x80000005 and -0x7ffffffb; their sum
	 * 0x80000005 - 0x7ffffffb = 10 */
	expect_both("-- asm\n"
		    "lddw %r1, 0xffffffff80000005\n"
		    "mov %r2, %r1\n"
		    "lsh %r1, 32\n"
		    "rsh %r1, 32\n"
		    "lsh %r2, 32\n"
		    "arsh %r2, 32\n"
		    "mov %r0, %r1\n"
		    "add %r0, %r2\n"
		    "exit\n",
		    10);
	/* the same pair, but a jump lands on the rsh: on that path only the
	 * rsh runs, 0x300000000 >> 32 = 3 */
	expect_both("-- asm\n"
		    "mov %r0, 0x3\n"
		    "lsh %r0, 32\n"
		    "jeq %r1, 0, +1\n"
		    "lsh %r0, 32\n"
		    "rsh %r0, 32\n"
		    "exit\n",
		    3);
	/* if (c) goto +1; goto L, with r1 = 0 (no memory): jeq skips its ja
	 * (1 + 2 = 3), jne runs its ja (no + 100), jset 3 & 4 = 0 runs its ja
	 * past the mov: 3 * 5 + 5 = 20 */
	expect_both("-- asm\n"
		    "mov %r0, 1\n"
		    "jeq %r1, 0, +1\n"
		    "ja +1\n"
		    "add %r0, 2\n"
		    "jne %r1, 0, +1\n"
		    "ja +1\n"
		    "add %r0, 100\n"
		    "jset %r0, 4, +1\n"
		    "ja +2\n"
		    "mov %r0, 1000\n"
		    "exit\n"
		    "mul %r0, 5\n"
		    "add %r0, 5\n"
		    "exit\n",
		    20);
	/* the ja is itself a jump target: not fused; the first jeq lands on
	 * the ja, which exits with 7 (a fused pair would test r1 == 0 again
	 * and fall into the mov) */
	expect_both("-- asm\n"
		    "mov %r0, 7\n"
		    "jeq %r1, 0, +1\n"
		    "jeq %r1, 0, +1\n"
		    "ja +1\n"
		    "mov %r0, 9\n"
		    "exit\n",
		    7);
}
END_TEST

/* Innermost loops start a 64-byte line of the code: a nest of two loops
 * and a third loop have two innermost heads (insns 3 and 10; the outer
 * head, insn 2, is not one). sum over i < 4, k < 5 of k + i = 4 * 10 +
 * 5 * 6 = 70, then 10 * 3: 100. */
START_TEST(test_loop_alignment)
{
	static const char text[] = "-- asm\n"
				   "mov %r0, 0\n"
				   "mov %r1, 0\n"
				   "mov %r2, 0\n"
				   "add %r0, %r2\n"
				   "add %r0, %r1\n"
				   "add %r2, 1\n"
				   "jlt %r2, 5, -4\n"
				   "add %r1, 1\n"
				   "jlt %r1, 4, -7\n"
				   "mov %r3, 10\n"
				   "add %r0, 3\n"
				   "sub %r3, 1\n"
				   "jne %r3, 0, -3\n"
				   "exit\n";
	char log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj;
	struct rt_jit *jit;
	const uint32_t *heads;
	size_t n, k;

	expect_both(text, 100);
	obj = open_text(text, log, sizeof(log));
	ck_assert_msg(obj, "open failed: %s", log);
	jit = rt_jit__compile(&obj->progs[0], 0, &l);
	ck_assert_msg(jit, "%s", log);
	heads = rt_jit__loop_heads(jit, &n);
	ck_assert_uint_eq(n, 2);
	for (k = 0; k < n; k++)
		ck_assert_msg(heads[k] % 64 == 0, "loop head %zu at offset %u", k, heads[k]);
	ck_assert_uint_lt(heads[0], heads[1]);
	rt_jit__free(jit);
	rt_object__free(obj);
}
END_TEST

START_TEST(test_callx_code_address)
{
	/* lddw r2, code_addr(f); mov r1, 5; callx r2; add r0, 1; exit;
	 * f: mov r0, r1; add r0, 10; exit => 16 */
	expect_both("-- raw\n"
		    "0x0000000500004218\n"
		    "0x0000000000000000\n"
		    "0x00000005000001b7\n"
		    "0x000000000000028d\n"
		    "0x0000000100000007\n"
		    "0x0000000000000095\n"
		    "0x00000000000010bf\n"
		    "0x0000000a00000007\n"
		    "0x0000000000000095\n",
		    16);
}
END_TEST

START_TEST(test_legacy_loads)
{
	/* network order; ind adds src; out of bounds stops with 0 */
	expect_both("-- asm\n"
		    "mov %r6, %r1\n"
		    "ldabsh 2\n"
		    "mov %r7, %r0\n"
		    "mov %r1, 1\n"
		    "ldindw %r1, 2\n"
		    "mov %r8, %r0\n"
		    "ldabsb 5\n"
		    "add %r0, %r7\n"
		    "add %r0, %r8\n"
		    "exit\n"
		    "-- mem\n"
		    "00 01 02 03 04 05 06 07\n",
		    0x03040506 + 0x0203 + 5);
	expect_both("-- asm\nmov %r6, %r1\nmov %r0, 9\nldabsw 6\nmov %r0, 1\nexit\n"
		    "-- mem\n00 01 02 03 04 05 06 07\n",
		    0);
}
END_TEST

START_TEST(test_repeat)
{
	char log[512];
	struct rt_object *obj = open_text("-- asm\nldxb %r0, [%r1+3]\nexit\n-- mem\n01 02 03 04\n",
					  log, sizeof(log));
	uint64_t ret;

	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(run_on(obj, BPFAOT_ENGINE_JIT, 1000, &ret, log, sizeof(log)), 0);
	ck_assert_uint_eq(ret, 4);
	rt_object__free(obj);
}
END_TEST

/* The compile is one-time work, done before the timed runs and reported
 * apart; the two durations are the same average; a program that may
 * tail-call has every target compiled first, reached or not. */
START_TEST(test_repeat_prepare)
{
	char path[512], log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	static const uint8_t pkt[64] = { [12] = 0x08 };	/* op 0 of the sample's dispatch */
	struct rt_object *obj;
	struct rt_prog *prog;
	size_t p;

	snprintf(path, sizeof(path), "%s/samples/tail_dispatch.bpf.o", build_dir());
	obj = rt_object__open(path, NULL, &l);
	ck_assert_msg(obj, "%s", log);
	prog = rt_object__find_prog(obj, "dispatch");
	ck_assert_ptr_nonnull(prog);
	BPFAOT_OPTS(bpfaot_run_opts, o, .engine = BPFAOT_ENGINE_JIT, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 1000, .log_buf = log,
		    .log_size = sizeof(log));
	ck_assert_msg(bpfaot_prog__run((struct bpfaot_prog *)prog, &o) == 0, "%s", log);
	ck_assert_uint_gt(o.prepare_ns, 0);
	ck_assert_uint_eq(o.duration_ns, (uint64_t)o.duration_avg_ns);
	for (p = 0; p < obj->nr_progs; p++)
		ck_assert_msg(obj->progs[p].engine_state[BPFAOT_ENGINE_JIT], "'%s' not compiled",
			      obj->progs[p].name);
	rt_object__free(obj);
}
END_TEST

/* W^X: the code is mapped read+execute, never writable. */
START_TEST(test_code_not_writable)
{
	char log[512], line[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = open_text("-- asm\nmov %r0, 1\nexit\n", log, sizeof(log));
	struct rt_jit *jit;
	uint64_t addr;
	bool found = false;
	FILE *f;

	ck_assert_ptr_nonnull(obj);
	jit = rt_jit__compile(&obj->progs[0], 0, &l);
	ck_assert_msg(jit, "%s", log);
	addr = rt_jit__main_addr(jit);
	ck_assert(rt_jit__is_function(jit, addr));
	ck_assert(!rt_jit__is_function(jit, addr + 1));
	f = fopen("/proc/self/maps", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && addr >= lo && addr < hi) {
			ck_assert_msg(!strcmp(perms, "r-xp"), "code mapped %s", perms);
			found = true;
		}
	}
	fclose(f);
	ck_assert(found);
	rt_jit__free(jit);
	rt_object__free(obj);
}
END_TEST

/* Compile time of every program of every sample, printed (no assertion). */
START_TEST(test_compile_time)
{
	size_t t, p;

	for (t = 0; t < tests.gl_pathc; t++) {
		struct spec sp;
		char path[512], log[512];
		struct rt_log l = { .buf = log, .size = sizeof(log) };
		struct rt_object *obj;

		parse_spec(tests.gl_pathv[t], &sp);
		snprintf(path, sizeof(path), "%s/samples/%s.bpf.o", build_dir(), sp.name);
		obj = rt_object__open(path, NULL, &l);
		ck_assert_msg(obj, "%s", log);
		for (p = 0; p < obj->nr_progs; p++) {
			size_t size;
			uint64_t ns = compile_ns(&obj->progs[p], &size);

			printf("jit compile: %s/%s: %zu insns -> %zu bytes in %.1f us\n", sp.name,
			       obj->progs[p].name, obj->progs[p].nr_insns, size, ns / 1000.0);
		}
		rt_object__free(obj);
		free_spec(&sp);
	}
}
END_TEST

/* ------------------------------------------------- random differential */

#define RANDOM_PROGRAMS 3000

START_TEST(test_random_differential)
{
	struct gen *g = calloc(1, sizeof(*g));
	uint64_t total_ns = 0, insns = 0;
	int k;

	ck_assert_ptr_nonnull(g);
	g->s = 0x9e3779b97f4a7c15ull;
	for (k = 0; k < RANDOM_PROGRAMS; k++) {
		char log[512];
		struct rt_object *obj;
		uint64_t want, got;
		char *text;

		gen_program(g, 8 + rnd(g) % 120);
		text = program_text(g);
		obj = open_text(text, log, sizeof(log));
		ck_assert_msg(obj, "program %d refused: %s\n%s", k, log, text);
		ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_INTERP, 1, &want, log, sizeof(log)),
			      "program %d: interp: %s\n%s", k, log, text);
		ck_assert_msg(!run_on(obj, BPFAOT_ENGINE_JIT, 1, &got, log, sizeof(log)),
			      "program %d: jit: %s\n%s", k, log, text);
		ck_assert_msg(got == want, "program %d: jit 0x%" PRIx64 ", interp 0x%" PRIx64 "\n%s",
			      k, got, want, text);
		total_ns += compile_ns(&obj->progs[0], NULL);
		insns += obj->progs[0].nr_insns;
		rt_object__free(obj);
		free(text);
	}
	printf("jit: %d random programs (%" PRIu64 " insns) agree with interp; compile %.2f us "
	       "per program on average\n",
	       RANDOM_PROGRAMS, insns, total_ns / 1000.0 / RANDOM_PROGRAMS);
	free(g);
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_code_size_limit)
{
	size_t n = 1000, k, len = 0;
	char *text = malloc(n * 16 + 64), log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj;
	struct rt_jit *jit;

	len += sprintf(text, "-- asm\nmov %%r0, 0\n");
	for (k = 0; k < n; k++)
		len += sprintf(text + len, "add %%r0, 1000\n");
	sprintf(text + len, "exit\n");
	obj = open_text(text, log, sizeof(log));
	ck_assert_msg(obj, "%s", log);
	errno = 0;
	jit = rt_jit__compile(&obj->progs[0], 4096, &l);
	ck_assert_ptr_null(jit);
	ck_assert_int_eq(errno, E2BIG);
	ck_assert_msg(strstr(log, "jit: program 't' needs more than 4096 bytes of machine code"),
		      "%s", log);
	/* the default limit holds it */
	l.set = false;
	jit = rt_jit__compile(&obj->progs[0], 0, &l);
	ck_assert_msg(jit, "%s", log);
	rt_jit__free(jit);
	rt_object__free(obj);
	free(text);
}
END_TEST

START_TEST(test_unknown_helper)
{
	char log[512];
	struct rt_object *obj = open_text("-- asm\nmov %r1, 1\ncall 5\nexit\n", log, sizeof(log));
	uint64_t ret;

	ck_assert_msg(obj, "%s", log);
	/* the validator refuses unknown ids at load; the JIT refuses them too */
	obj->progs[0].insns[1].imm = 99;
	ck_assert_int_eq(run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)), -ENOTSUP);
	ck_assert_msg(strstr(log, "jit: program 't' insn 1: unknown helper 99"), "%s", log);
	rt_object__free(obj);
	/* callx to an unknown helper id fails at run time, as on the interpreter */
	expect_jit_error("-- asm\nmov %r1, 1\nmov %r2, 7\ncall %r2\nexit\n", -ENOENT,
			 "t.data: program 't' insn 2: unknown helper 7");
}
END_TEST

START_TEST(test_callx_bad_address)
{
	expect_jit_error("-- asm\nlddw %r2, 0x123456789\ncall %r2\nexit\n", -EFAULT,
			 "t.data: program 't' insn 2: callx to 0x123456789, not a function");
}
END_TEST

START_TEST(test_call_depth)
{
	expect_jit_error("-- asm\nmov %r0, 0\ncall local f\nexit\nf:\ncall local f\nexit\n", -E2BIG,
			 "t.data: program 't' insn 3: call depth over 8");
}
END_TEST

START_TEST(test_unwind_stops)
{
	/* conformance helper 5 with r1 = 0 stops the program with 0, in a
	 * subprogram too */
	expect_both("-- asm\nmov %r0, 3\ncall local f\nmov %r0, 4\nexit\nf:\nmov %r1, 0\ncall 5\n"
		    "mov %r0, 9\nexit\n",
		    0);
}
END_TEST

/* --------------------------------------------------------------- limits */

START_TEST(test_big_program)
{
	size_t n = 100000, k, len = 0, size;
	char *text = malloc(n * 24 + 64), log[256];
	struct rt_object *obj;
	uint64_t ret, ns;

	len += sprintf(text, "-- asm\nmov %%r0, 0\nmov %%r1, 3\n");
	for (k = 0; k < n; k++)
		len += sprintf(text + len, k % 2 ? "add %%r0, 1\n" : "sdiv %%r0, %%r1\n");
	sprintf(text + len, "exit\n");
	obj = open_text(text, log, sizeof(log));
	ck_assert_msg(obj, "%s", log);
	ck_assert_int_eq(run_on(obj, BPFAOT_ENGINE_JIT, 1, &ret, log, sizeof(log)), 0);
	ck_assert_uint_eq(ret, 1); /* 0 / 3 = 0, + 1, 1 / 3 = 0, + 1, ... */
	ns = compile_ns(&obj->progs[0], &size);
	printf("jit compile: %zu insns -> %zu bytes in %.1f us (%.1f ns per insn)\n",
	       obj->progs[0].nr_insns, size, ns / 1000.0, (double)ns / obj->progs[0].nr_insns);
	rt_object__free(obj);
	free(text);
}
END_TEST

Suite *rt_jit_suite(void)
{
	Suite *s = suite_create("rt_jit");
	TCase *tc;

	load_lists();
	tc = tcase_create("core");
	if (test_conf_present("rt_jit")) {
		tcase_add_test(tc, test_conformance_count);
		tcase_add_loop_test(tc, test_conformance_file, 0, (int)files.gl_pathc);
	}
	tcase_add_loop_test(tc, test_negative_file, 0, (int)negative.gl_pathc);
	tcase_add_loop_test(tc, test_sample_jit, 0, (int)tests.gl_pathc);
	tcase_add_loop_test(tc, test_sample_fat_jit, 0, (int)tests.gl_pathc);
	tcase_add_test(tc, test_bpf_to_bpf_frames);
	tcase_add_test(tc, test_atomics);
	tcase_add_test(tc, test_fused_pairs);
	tcase_add_test(tc, test_loop_alignment);
	tcase_add_test(tc, test_callx_code_address);
	tcase_add_test(tc, test_legacy_loads);
	tcase_add_test(tc, test_unwind_stops);
	tcase_add_test(tc, test_repeat);
	tcase_add_test(tc, test_repeat_prepare);
	tcase_add_test(tc, test_code_not_writable);
	tcase_add_test(tc, test_compile_time);
	tcase_add_test(tc, test_random_differential);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_code_size_limit);
	tcase_add_test(tc, test_unknown_helper);
	tcase_add_test(tc, test_callx_bad_address);
	tcase_add_test(tc, test_call_depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_big_program);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rt_jit_suite)
