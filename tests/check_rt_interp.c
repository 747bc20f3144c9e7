// SPDX-License-Identifier: MIT
/*
 * The interpreter against the public eBPF conformance suite: every file of
 * ../shared/conformance/tests gives its `-- result`, every file of
 * negative/ is refused (at parse, load or run) or gives another result than
 * it claims; plus hand-written programs for the run-time errors (each
 * asserting its message) and the limits (budget, call depth, sizes).
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "testutil.h"

static glob_t files;
static glob_t negative;

static void load_lists(void)
{
	char pat[512];

	snprintf(pat, sizeof(pat), "%s/*.data", test_conf_dir());
	glob(pat, 0, NULL, &files);
	snprintf(pat, sizeof(pat), "%s/negative/*.data", test_conf_dir());
	glob(pat, 0, NULL, &negative);
}

/* Opens and runs an object on the interpreter; returns the run's error. */
static int run_obj(struct rt_object *obj, uint64_t *ret, char *log, size_t log_sz)
{
	struct bpfaot_run_opts opts = { .sz = sizeof(opts), .engine = BPFAOT_ENGINE_INTERP,
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

START_TEST(test_conformance_file)
{
	const char *path = files.gl_pathv[_i];
	char log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open(path, NULL, &l);
	uint64_t ret = 0;
	int err;

	ck_assert_msg(obj, "%s: open failed: %s", path, log);
	ck_assert(obj->conf->has_result);
	err = run_obj(obj, &ret, log, sizeof(log));
	ck_assert_msg(!err, "%s: run failed: %s", path, log);
	ck_assert_msg(ret == obj->conf->result, "%s: got 0x%llx, expected 0x%llx", path,
		      (unsigned long long)ret, (unsigned long long)obj->conf->result);
	rt_object__free(obj);
}
END_TEST

START_TEST(test_conformance_count)
{
	/* 313 files in the pinned copy; a missing directory must not pass */
	ck_assert_uint_ge(files.gl_pathc, 300);
	ck_assert_uint_ge(negative.gl_pathc, 55);
}
END_TEST

/* Each negative file is refused with a message, or runs to a result that
 * differs from the one it claims. */
START_TEST(test_negative_file)
{
	const char *path = negative.gl_pathv[_i];
	char log[512] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj = rt_object__open(path, NULL, &l);
	uint64_t ret = 0;
	int err;

	if (!obj) {
		ck_assert_msg(log[0], "%s: refused without a message", path);
		return;
	}
	err = run_obj(obj, &ret, log, sizeof(log));
	if (err) {
		ck_assert_msg(log[0], "%s: run refused without a message", path);
	} else {
		ck_assert_msg(obj->conf->has_result && ret != obj->conf->result,
			      "%s: accepted and returned 0x%llx", path, (unsigned long long)ret);
	}
	rt_object__free(obj);
}
END_TEST

static void expect_run_error(const char *text, const char *msg)
{
	char log[512];
	struct rt_object *obj = open_text(text, log, sizeof(log));
	uint64_t ret;
	int err;

	ck_assert_msg(obj, "open failed: %s", log);
	err = run_obj(obj, &ret, log, sizeof(log));
	ck_assert_int_lt(err, 0);
	ck_assert_msg(strstr(log, msg), "message '%s' lacks '%s'", log, msg);
	rt_object__free(obj);
}

static void expect_load_error(const char *text, const char *msg)
{
	char log[512];
	struct rt_object *obj = open_text(text, log, sizeof(log));

	ck_assert_msg(!obj, "'%s' was accepted", text);
	ck_assert_msg(strstr(log, msg), "message '%s' lacks '%s'", log, msg);
}

static uint64_t run_text(const char *text)
{
	char log[512];
	struct rt_object *obj = open_text(text, log, sizeof(log));
	uint64_t ret = 0;

	ck_assert_msg(obj, "open failed: %s", log);
	ck_assert_msg(!run_obj(obj, &ret, log, sizeof(log)), "run failed: %s", log);
	rt_object__free(obj);
	return ret;
}

START_TEST(test_bpf_to_bpf_frames)
{
	/* the callee's stack frame is its own: its store at r10-8 must not
	 * clobber the caller's; r6-r9 are preserved. 7 + 5 = 12 */
	ck_assert_uint_eq(run_text("-- asm\n"
				   "mov %r6, 7\n"
				   "stxdw [%r10-8], %r6\n"
				   "call local f\n"
				   "ldxdw %r1, [%r10-8]\n"
				   "add %r0, %r1\n"
				   "exit\n"
				   "f:\n"
				   "mov %r6, 100\n"
				   "mov %r1, 5\n"
				   "stxdw [%r10-8], %r1\n"
				   "ldxdw %r0, [%r10-8]\n"
				   "exit\n"),
			  12);
}
END_TEST

START_TEST(test_atomics)
{
	/* 10 + 5 = 15 stored; fetch returns 10 in r1; cmpxchg swaps 15 -> 3 */
	ck_assert_uint_eq(run_text("-- asm\n"
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
				   "exit\n"),
			  310);
}
END_TEST

START_TEST(test_oob_load)
{
	expect_run_error("-- asm\nldxw %r0, [%r1+8]\nexit\n-- mem\n00 01 02 03\n",
			 "insn 0: out-of-bounds load of 4 bytes");
}
END_TEST

START_TEST(test_oob_store_stack)
{
	expect_run_error("-- asm\nmov %r0, 0\nstxdw [%r10+0], %r0\nexit\n",
			 "insn 1: out-of-bounds store of 8 bytes");
}
END_TEST

START_TEST(test_null_deref)
{
	expect_run_error("-- asm\nmov %r1, 0\nldxb %r0, [%r1+0]\nexit\n",
			 "insn 1: out-of-bounds load of 1 bytes at 0x0");
}
END_TEST

START_TEST(test_unknown_opcode)
{
	expect_load_error("-- raw\n0x00000000000000ff\n0x0000000000000095\n", "unknown opcode 0xff");
}
END_TEST

START_TEST(test_jump_out_of_range)
{
	expect_load_error("-- raw\n0x0000000000050005\n0x0000000000000095\n", "jump out of range");
}
END_TEST

START_TEST(test_jump_into_lddw)
{
	expect_load_error("-- asm\nja +1\nlddw %r0, 1\nexit\n", "jump into the middle of an lddw");
}
END_TEST

START_TEST(test_unknown_helper)
{
	expect_load_error("-- asm\ncall 99\nexit\n", "unknown helper id 99");
}
END_TEST

START_TEST(test_uninit_read)
{
	expect_load_error("-- asm\nadd %r0, 1\nexit\n", "reads r0 before any write");
	expect_load_error("-- asm\nmov %r0, %r7\nexit\n", "reads r7 before any write");
}
END_TEST

START_TEST(test_void_subprog)
{
	/* a subprogram may exit without writing r0 (a void noinline function,
	 * which the kernel accepts): f triples the caller's slot, 5 * 3 = 15 */
	ck_assert_uint_eq(run_text("-- asm\n"
				   "mov %r1, 5\n"
				   "stxdw [%r10-8], %r1\n"
				   "mov %r1, %r10\n"
				   "add %r1, -8\n"
				   "call local f\n"
				   "ldxdw %r0, [%r10-8]\n"
				   "exit\n"
				   "f:\n"
				   "ldxdw %r2, [%r1]\n"
				   "mul %r2, 3\n"
				   "stxdw [%r1], %r2\n"
				   "exit\n"),
			  15);
	/* the program's own exit still needs r0 */
	expect_load_error("-- asm\nmov %r1, 0\nexit\n", "insn 1: reads r0 before any write");
}
END_TEST

START_TEST(test_write_r10)
{
	expect_load_error("-- asm\nmov %r10, 0\nmov %r0, 0\nexit\n", "read-only frame pointer");
}
END_TEST

START_TEST(test_fall_off)
{
	expect_load_error("-- asm\nmov %r0, 0\n", "last instruction is not an exit");
}
END_TEST

START_TEST(test_budget)
{
	char log[512];
	struct rt_object *obj = open_text("-- asm\nmov %r0, 0\nl:\nadd %r0, 1\nja l\nexit\n", log,
					  sizeof(log));
	struct bpfaot_run_opts opts = { .sz = sizeof(opts), .engine = BPFAOT_ENGINE_INTERP,
					.budget = 1000, .log_buf = log, .log_size = sizeof(log) };

	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bpfaot_prog__run((struct bpfaot_prog *)&obj->progs[0], &opts), -E2BIG);
	ck_assert_msg(strstr(log, "instruction budget exhausted"), "%s", log);
	rt_object__free(obj);
}
END_TEST

START_TEST(test_call_depth)
{
	/* unbounded recursion stops at the frame limit */
	expect_run_error("-- asm\nmov %r0, 0\ncall local f\nexit\nf:\ncall local f\nexit\n",
			 "call depth over 8");
}
END_TEST

START_TEST(test_repeat_regions)
{
	/* repeated runs reuse the regions and still check them */
	char log[512];
	struct rt_object *obj = open_text("-- asm\nldxb %r0, [%r1+3]\nexit\n-- mem\n01 02 03 04\n",
					  log, sizeof(log));
	struct bpfaot_run_opts opts = { .sz = sizeof(opts), .engine = BPFAOT_ENGINE_INTERP,
					.repeat = 1000, .log_buf = log, .log_size = sizeof(log) };

	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bpfaot_prog__run((struct bpfaot_prog *)&obj->progs[0], &opts), 0);
	ck_assert_uint_eq(opts.retval, 4);
	rt_object__free(obj);
}
END_TEST

/*
 * Each repeated run is a new invocation, as in the kernel's test run: it
 * starts at the program asked for, with no tail call made yet. The
 * sample's dispatch() counts itself and tail-calls op_pass, which counts
 * too: 5 runs, 5 of each (by hand), on every engine of the runtime.
 */
START_TEST(test_repeat_tail_calls)
{
	static const char *const objs[] = { "samples", "samples", "samples-aot" };
	static const enum bpfaot_engine engines[] = { BPFAOT_ENGINE_INTERP, BPFAOT_ENGINE_JIT,
						      BPFAOT_ENGINE_AOT };
	static const uint8_t pkt[64] = { [12] = 0x88, [13] = 0xb5, [14] = 2, [15] = 0x2a };
	char path[512], log[512];
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	const char *b = getenv("BUILD");
	uint32_t key;
	uint64_t hits;
	struct rt_object *obj;
	struct rt_prog *prog;

	snprintf(path, sizeof(path), "%s/%s/tail_dispatch.bpf.o", b && *b ? b : "build", objs[_i]);
	obj = rt_object__open(path, NULL, &l);
	ck_assert_msg(obj, "%s", log);
	prog = rt_object__find_prog(obj, "dispatch");
	ck_assert_ptr_nonnull(prog);
	BPFAOT_OPTS(bpfaot_run_opts, o, .engine = engines[_i], .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 5, .log_buf = log,
		    .log_size = sizeof(log));
	ck_assert_msg(bpfaot_prog__run((struct bpfaot_prog *)prog, &o) == 0, "%s", log);
	ck_assert_uint_eq(o.retval, 2); /* XDP_PASS from op_pass */
	for (key = 2; key <= 3; key++) { /* TH_PASS, TH_DISPATCH */
		ck_assert_int_eq(rt_map__user_lookup(rt_object__find_map(obj, "tail_hits"), &key,
						     &hits), 0);
		ck_assert_uint_eq(hits, 5);
	}
	rt_object__free(obj);
}
END_TEST

START_TEST(test_big_program)
{
	/* 100k instructions run fine */
	size_t n = 100000, i, len = 0;
	char *text = malloc(n * 16 + 64), log[256];
	struct rt_object *obj;
	uint64_t ret;

	len += sprintf(text + len, "-- asm\nmov %%r0, 0\n");
	for (i = 0; i < n; i++)
		len += sprintf(text + len, "add %%r0, 1\n");
	sprintf(text + len, "exit\n");
	obj = open_text(text, log, sizeof(log));
	ck_assert_msg(obj, "%s", log);
	ck_assert_int_eq(run_obj(obj, &ret, log, sizeof(log)), 0);
	ck_assert_uint_eq(ret, n);
	rt_object__free(obj);
	free(text);
}
END_TEST

Suite *rt_interp_suite(void)
{
	Suite *s = suite_create("rt_interp");
	TCase *tc;

	load_lists();
	tc = tcase_create("core");
	if (test_conf_present("rt_interp")) {
		tcase_add_test(tc, test_conformance_count);
		tcase_add_loop_test(tc, test_conformance_file, 0, (int)files.gl_pathc);
	}
	tcase_add_test(tc, test_bpf_to_bpf_frames);
	tcase_add_test(tc, test_void_subprog);
	tcase_add_test(tc, test_atomics);
	tcase_add_test(tc, test_repeat_regions);
	tcase_add_loop_test(tc, test_repeat_tail_calls, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_negative_file, 0, (int)negative.gl_pathc);
	tcase_add_test(tc, test_oob_load);
	tcase_add_test(tc, test_oob_store_stack);
	tcase_add_test(tc, test_null_deref);
	tcase_add_test(tc, test_unknown_opcode);
	tcase_add_test(tc, test_jump_out_of_range);
	tcase_add_test(tc, test_jump_into_lddw);
	tcase_add_test(tc, test_unknown_helper);
	tcase_add_test(tc, test_uninit_read);
	tcase_add_test(tc, test_write_r10);
	tcase_add_test(tc, test_fall_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_call_depth);
	tcase_add_test(tc, test_big_program);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rt_interp_suite)
