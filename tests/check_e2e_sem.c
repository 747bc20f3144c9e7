// SPDX-License-Identifier: MIT
/*
 * BPF's semantics in native code, end to end (issue 8): programs built with
 * bpfaot-cc and run by bpfaot-run on every engine, with values worked out by
 * hand, never taken from an engine.
 *
 * core: division and remainder by a packet byte that is 0, shifts by packet
 *   bytes at or past the width, in 64 and 32 bits, for a BPF compile with
 *   and without 32-bit sub-registers (-mcpu=v3, the default v1): the same
 *   maps on interp, jit, llvm-jit, llvm-aot, aot and the kernel. A tail
 *   call from a subprogram: the target replaces the subprogram, its caller
 *   carries on (retval and maps by hand, the same in the kernel). A
 *   bpf_loop callback called from a subprogram has a frame of its own.
 *   bpf_skb_adjust_room and bpf_get_socket_cookie on a tc program (values
 *   by hand, the packet out the kernel's), socket cookies of a tracing
 *   program.
 * errors: native code that faults on purpose (a bad pointer, a bad call,
 *   ud2, a division in assembly, a stack overflow; generated code of the
 *   bytecode engines reading address 0) is an error message and exit
 *   status 1, never a signal death; an embedding host gets -EFAULT, keeps
 *   its own handlers and runs on; --budget is refused on native engines;
 *   native code spliced from another build (stale), and a manifest whose
 *   section or type is not the program's, are refused; an older manifest
 *   without a bytecode hash still runs.
 *
 * Tests that need bpf() print "SKIP: ..." where it is unavailable. Run from
 * the repository root; BUILD names the build directory (default build).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfaot/bpfaot.h"
#include "rt_kernel.h"
#include "testutil.h"

#define OUT_SZ 16384
#define CC_FLAGS "-O2 -g -target bpf -I/usr/include/x86_64-linux-gnu"

/* Set once in e2e_sem_suite(), before the tests fork; read-only after. */
static char root[2048];	       /* the repository, absolute */
static char cc_bin[PATH_MAX];  /* build/bin/bpfaot-cc, absolute */
static char run_bin[PATH_MAX]; /* build/bin/bpfaot-run, absolute */

static void tmpdir_new(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/bpfaot-e2e-sem-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmpdir_rm(const char *dir)
{
	ck_assert_int_eq(tu_sh(NULL, 0, "rm -rf '%s'", dir), 0);
}

static void write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The line of out that starts with prefix (after blanks), copied to line. */
static bool find_line(const char *out, const char *prefix, char *line, size_t size)
{
	const char *s = out;

	while (s && *s) {
		const char *b = s + strspn(s, " ");
		const char *e = strchr(s, '\n');

		if (!strncmp(b, prefix, strlen(prefix))) {
			snprintf(line, size, "%.*s", (int)(e ? e - b : (long)strlen(b)), b);
			return true;
		}
		s = e ? e + 1 : NULL;
	}
	return false;
}

static const char *const engines[] = { "interp", "jit", "llvm-jit", "llvm-aot", "aot", "kernel" };
#define NR_ENGINES (sizeof(engines) / sizeof(engines[0]))

/* Runs dir/x.o's program on every engine (the kernel where bpf() is
 * available) with --dump-maps and checks the line starting with prefix. */
static void check_engines(const char *dir, const char *args, const char *prefix,
			  const char *expect)
{
	char out[OUT_SZ], line[1024], why[256];
	size_t e;

	for (e = 0; e < NR_ENGINES; e++) {
		if (!strcmp(engines[e], "kernel") && !rt_kernel__available(why, sizeof(why))) {
			printf("SKIP: kernel engine: %s\n", why);
			continue;
		}
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --dump-maps %s '%s/x.o'", run_bin,
				 engines[e], args, dir) == 0,
			      "%s: %.2000s", engines[e], out);
		ck_assert_msg(find_line(out, prefix, line, sizeof(line)), "%s: no '%s' in %.2000s",
			      engines[e], prefix, out);
		ck_assert_msg(!strcmp(line, expect), "%s: %s, expected %s", engines[e], line,
			      expect);
	}
}

/* Compiles tests/data/sem/SRC into dir/x.o; what bpfaot-cc printed in out. */
static void compile(const char *dir, const char *src, char *out, size_t size)
{
	ck_assert_msg(tu_sh(out, size, "cd '%s' && '%s' " CC_FLAGS " -c tests/data/sem/%s -o '%s/x.o' 2>&1",
			 root, cc_bin, src, dir) == 0,
		      "%.2000s", out);
}

/* Compiles tests/data/sem/SRC into dir/x.o and writes a 64-byte zero packet. */
static void build(const char *dir, const char *src)
{
	static const unsigned char pkt[64];
	char out[OUT_SZ];

	write_file(dir, "pkt", pkt, sizeof(pkt));
	compile(dir, src, out, sizeof(out));
}

/* ------------------------------------------------- division and shifts */

struct divshift_case {
	const char *mcpu;
	const char *expect;
};

/*
 * tests/data/sem/divshift.bpf.c on its packet, by hand:
 *   res[0] 1000 / 0 = 0; res[1] 1000 % 0 = 1000; res[2] 77 / 0 = 0;
 *   res[3] 77 % 0 = 77; res[4] 1000 << (65 & 63) = 2000;
 *   res[7] -1000 >> (66 & 63) = -250; res[9] 77 << 31 = 2^31 (77 is odd);
 *   res[10] 200 / 0 = 0; res[11] 200 % 0 = 200.
 * The 32-bit shifts depend on the BPF compile: with 32-bit sub-registers
 * (v3) the count is masked to 31: res[5] 77 >> 2 = 19, res[6] 77 << 1 =
 * 154, res[8] -1000 >> 2 = -250; without (v1, clang-14's default) the
 * value is shifted in a 64-bit register by count & 63 and truncated:
 * 77 >> 34 = 0, low half of 77 << 33 = 0, sign-extended -1000 >> 34 = -1.
 */
static const struct divshift_case divshift_cases[] = {
	{ "", "res = (long long[12])[0,1000,0,77,2000,0,0,-250,-1,2147483648,0,200,]" },
	{ "-mcpu=v3", "res = (long long[12])[0,1000,0,77,2000,19,154,-250,-250,2147483648,0,200,]" },
};

START_TEST(test_divshift)
{
	const struct divshift_case *c = &divshift_cases[_i];
	static const unsigned char pkt[64] = { 0, 0, 0, 0, 65, 34, 33, 66, 34, 31, 200 };
	char dir[64], out[OUT_SZ], args[PATH_MAX + 16];

	tmpdir_new(dir, sizeof(dir));
	write_file(dir, "pkt", pkt, sizeof(pkt));
	ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s' " CC_FLAGS " %s -c "
			 "tests/data/sem/divshift.bpf.c -o '%s/x.o'",
			 root, cc_bin, c->mcpu, dir) == 0,
		      "%.2000s", out);
	snprintf(args, sizeof(args), "--data-in='%s/pkt'", dir);
	check_engines(dir, args, "res = ", c->expect);
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------- tail call from a subprogram */

/* tests/data/sem/tailsub.bpf.c: the values by hand are in its comment */
START_TEST(test_tail_call_sub)
{
	static unsigned char pkt[64] = { 17 };
	char dir[64], out[OUT_SZ], args[PATH_MAX + 32];

	tmpdir_new(dir, sizeof(dir));
	write_file(dir, "pkt", pkt, sizeof(pkt));
	compile(dir, "tailsub.bpf.c", out, sizeof(out));
	/* no -Waot warning: the rewrite handles the noinline subprogram */
	ck_assert_msg(!strstr(out, "[-Waot]"), "%.2000s", out);
	snprintf(args, sizeof(args), "--prog=entry --data-in='%s/pkt'", dir);
	check_engines(dir, args, "retval: ", "retval: 117064117");
	check_engines(dir, args, "counts = ", "counts = (__u64[6])[3,2,1,1,1,0,]");
	tmpdir_rm(dir);
}
END_TEST

/* tests/data/sem/cbframe.bpf.c: the values by hand are in its comment */
START_TEST(test_callback_frame_in_subprog)
{
	char dir[64], args[96];

	tmpdir_new(dir, sizeof(dir));
	build(dir, "cbframe.bpf.c");
	snprintf(args, sizeof(args), "--data-in='%s/pkt'", dir);
	check_engines(dir, args, "out = ", "out = (__u64[2])[43690,828,]");
	tmpdir_rm(dir);
}
END_TEST

/* tests/data/sem/hashswap.bpf.c: the values by hand are in its comment */
START_TEST(test_hash_update_spare)
{
	char dir[64], args[96];

	tmpdir_new(dir, sizeof(dir));
	build(dir, "hashswap.bpf.c");
	snprintf(args, sizeof(args), "--data-in='%s/pkt'", dir);
	check_engines(dir, args, "retval: ", "retval: 0");
	check_engines(dir, args, "out = ", "out = (long long[4])[6,98,0,-7,]");
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------ helpers 46 and 50 (skbroom) */

/* tests/data/sem/skbroom.bpf.c's packet: Ethernet, IPv4, bytes 34..63 */
static const unsigned char ipv4_pkt[64] = {
	2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0, 0x45, 0, 0, 0x32, 0, 1, 0, 0, 0x40, 0x11,
	0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
};

/* Every engine's --data-out of the run of args (over dir/x.o) is want. */
static void check_packet_out(const char *dir, const char *args, const unsigned char *want,
			     size_t want_len)
{
	char out[OUT_SZ], path[PATH_MAX + 8], why[256];
	unsigned char got[128];
	size_t e, n;
	FILE *f;

	for (e = 0; e < NR_ENGINES; e++) {
		if (!strcmp(engines[e], "kernel") && !rt_kernel__available(why, sizeof(why)))
			continue;
		snprintf(path, sizeof(path), "%s/out", dir);
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s %s --data-out='%s' '%s/x.o'",
				 run_bin, engines[e], args, path, dir) == 0,
			      "%s: %.2000s", engines[e], out);
		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		n = fread(got, 1, sizeof(got), f);
		fclose(f);
		ck_assert_msg(n == want_len && !memcmp(got, want, n), "%s: packet of %zu bytes",
			      engines[e], n);
	}
}

/* the values by hand are in the source's comment */
START_TEST(test_skb_adjust_room)
{
	static const unsigned char want[54] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 34,
		35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54,
		55, 56, 57, 58, 59, 60, 61, 62, 63,
	};
	char dir[64], out[OUT_SZ], args[PATH_MAX + 64];
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	write_file(dir, "pkt", ipv4_pkt, sizeof(ipv4_pkt));
	compile(dir, "skbroom.bpf.c", out, sizeof(out));
	snprintf(args, sizeof(args), "--prog=skbroom --data-in='%s/pkt'", dir);
	check_engines(dir, args, "res = ",
		      "res = (long long[12])[0,72,34,0,64034,-14,-524,0,84069,-114,0,54010,]");
	check_engines(dir, args, "retval: ", "retval: 1");
	/* the packet out: 20 bytes in after the MAC header, 30 out there */
	check_packet_out(dir, args, want, sizeof(want));
	/* bpf_skb_change_proto: there and back, the packet out is the packet in */
	snprintf(args, sizeof(args), "--prog=skbproto --data-in='%s/pkt'", dir);
	check_engines(dir, args, "pr = ",
		      "pr = (long long[9])[-524,-22,0,84069,56710,0,64069,8,-524,]");
	check_engines(dir, args, "retval: ", "retval: 1");
	check_packet_out(dir, args, ipv4_pkt, sizeof(ipv4_pkt));
	/* a tracing program's cookies: per socket pointer, from 1, NULL 0 */
	write_file(dir, "ctx", "\0\x10\0\0\0\0\0\0\0\x20\0\0\0\0\0\0", 16);
	snprintf(args, sizeof(args), "--prog=tracecookie --ctx-in='%s/ctx'", dir);
	for (e = 0; e < NR_ENGINES; e++) {
		char line[256];

		if (!strcmp(engines[e], "kernel"))
			continue; /* made-up sockets */
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --dump-maps %s '%s/x.o'",
				 run_bin, engines[e], args, dir) == 0,
			      "%s: %.2000s", engines[e], out);
		ck_assert_msg(find_line(out, "ck = ", line, sizeof(line)), "%s: %.2000s", engines[e],
			      out);
		ck_assert_str_eq(line, "ck = (__u64[4])[1,2,1,0,]");
	}
	tmpdir_rm(dir);
}
END_TEST

/* -------------------------------------------------- fault containment */

struct fault_case {
	const char *prog;
	const char *sig;	/* in the message */
	const char *bare;	/* its native code: this plain x86-64 source, not bpfaot-cc's */
};

/* tests/data/sem/fault.bpf.c: native code that faults, bytecode that does not */
static const struct fault_case fault_cases[] = {
	{ "segv", "SIGSEGV", NULL }, { "call_bad", "SIGSEGV", NULL }, { "ill", "SIGILL", NULL },
	{ "fpe", "SIGFPE", "fault_fpe.c" }, { "deep", "SIGSEGV", NULL },
};

START_TEST(test_fault_aot)
{
	const struct fault_case *c = &fault_cases[_i];
	char dir[64], out[OUT_SZ], expect[256];

	tmpdir_new(dir, sizeof(dir));
	build(dir, "fault.bpf.c");
	if (c->bare)
		ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && clang-14 -O2 -fPIC -c tests/data/sem/%s -o '%s/n.o'",
				 root, c->bare, dir) == 0,
			      "%.2000s", out);
	/* an error and exit status 1, never a signal death */
	ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=aot --prog=%s --data-in='%s/pkt' %s%s%s '%s/%s'",
			 run_bin, c->prog, dir, c->bare ? "--bytecode='" : "", c->bare ? dir : "",
			 c->bare ? "/x.o'" : "", dir, c->bare ? "n.o" : "x.o") == 1,
		      "%s: %.2000s", c->prog, out);
	/* the program is x.o's, also when its native code comes from n.o */
	snprintf(expect, sizeof(expect), "bpfaot-run: error: %s/x.o: program '%s' on engine 'aot': %s (",
		 dir, c->prog, c->sig);
	ck_assert_msg(!strncmp(out, expect, strlen(expect)), "%s: %.2000s", c->prog, out);
	/* one line, which points at the interpreter */
	ck_assert_msg(strstr(out, "--engine=interp") && strchr(out, '\n') == out + strlen(out) - 1,
		      "%s: %.2000s", c->prog, out);
	/* the bytecode is fine */
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=interp --prog=%s --data-in='%s/pkt' '%s/x.o'",
			    run_bin, c->prog, dir, dir), 0);
	ck_assert_str_eq(out, "retval: 2\n");
	tmpdir_rm(dir);
}
END_TEST

/* Generated code of the bytecode engines: a load through r1 = 0, which
 * the interpreter refuses and native code executes. */
START_TEST(test_fault_bytecode_engines)
{
	static const char *const native[] = { "jit", "llvm-jit", "llvm-aot" };
	char out[OUT_SZ], expect[256];
	size_t e;

	for (e = 0; e < sizeof(native) / sizeof(native[0]); e++) {
		ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s' --engine=%s tests/data/bad/conf_null_read.data",
				 root, run_bin, native[e]) == 1,
			      "%s: %.2000s", native[e], out);
		snprintf(expect, sizeof(expect),
			 "bpfaot-run: error: tests/data/bad/conf_null_read.data: program "
			 "'conf_null_read' on engine '%s': SIGSEGV (access to unmapped memory, address 0x0)",
			 native[e]);
		ck_assert_msg(!strncmp(out, expect, strlen(expect)), "%s: %.2000s", native[e], out);
	}
}
END_TEST

/* The host's own SIGSEGV handler: records what it got and jumps back. */
static sigjmp_buf host_jb;
static volatile sig_atomic_t host_hits;
static void *volatile host_addr;

static void host_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	host_hits++;
	host_addr = si->si_addr;
	siglongjmp(host_jb, 1);
}

/* A fault of the host's own code: its handler gets it, with its address. */
static void check_host_fault(int expect_hits)
{
	volatile int *volatile bad = (volatile int *)(uintptr_t)0x10;

	if (!sigsetjmp(host_jb, 1)) {
		*bad = 1;
		ck_abort_msg("no fault");
	}
	ck_assert_int_eq(host_hits, expect_hits);
	ck_assert_ptr_eq(host_addr, (void *)(uintptr_t)0x10);
}

/* A thread of the host running a faulting program, then a good one. */
static int thread_err;

static void *run_segv_thread(void *obj)
{
	static const unsigned char pkt[64];
	BPFAOT_OPTS(bpfaot_run_opts, ro, .engine = BPFAOT_ENGINE_AOT, .data_in = pkt,
		    .data_size_in = sizeof(pkt));

	thread_err = bpfaot_prog__run(bpfaot_object__find_prog(obj, "segv"), &ro);
	if (bpfaot_prog__run(bpfaot_object__find_prog(obj, "ok"), &ro) || ro.retval != 2)
		thread_err = -EINVAL;
	return NULL;
}

/* An embedding host: the fault is an error code, the host's own handler
 * still gets the faults of its own code (before, between and after runs:
 * the guard's handlers stay installed and chain to it), and the next run
 * works. */
START_TEST(test_fault_host_survives)
{
	char dir[64], path[PATH_MAX], log[1024];
	static const unsigned char pkt[64];
	struct sigaction mine = { .sa_sigaction = host_handler, .sa_flags = SA_SIGINFO }, now;
	pthread_t th;
	BPFAOT_OPTS(bpfaot_open_opts, oo, .log_buf = log, .log_size = sizeof(log));
	struct bpfaot_object *obj;
	struct bpfaot_prog *prog;
	int i, err;

	tmpdir_new(dir, sizeof(dir));
	build(dir, "fault.bpf.c");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert_int_eq(sigaction(SIGSEGV, &mine, NULL), 0);
	check_host_fault(1);
	obj = bpfaot_object__open(path, &oo);
	ck_assert_msg(obj, "%s", log);
	for (i = 0; i < 2; i++) {
		BPFAOT_OPTS(bpfaot_run_opts, ro, .engine = BPFAOT_ENGINE_AOT, .data_in = pkt,
			    .data_size_in = sizeof(pkt), .repeat = 10, .log_buf = log,
			    .log_size = sizeof(log));

		prog = bpfaot_object__find_prog(obj, "segv");
		err = bpfaot_prog__run(prog, &ro);
		ck_assert_int_eq(err, -EFAULT);
		ck_assert_msg(strstr(log, "program 'segv' on engine 'aot': SIGSEGV"), "%s", log);
		check_host_fault(2 + 2 * i);
		/* armed once: the guard's handler stays, in front of the host's */
		ck_assert_int_eq(sigaction(SIGSEGV, NULL, &now), 0);
		ck_assert_msg((now.sa_flags & SA_SIGINFO) && now.sa_sigaction != host_handler,
			      "the fault handler was taken down after the run");
		prog = bpfaot_object__find_prog(obj, "ok");
		ck_assert_int_eq(bpfaot_prog__run(prog, &ro), 0);
		ck_assert_uint_eq(ro.retval, 2);
		check_host_fault(3 + 2 * i);
	}
	/* another thread arms its own guard: the same error there */
	ck_assert_int_eq(pthread_create(&th, NULL, run_segv_thread, obj), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(thread_err, -EFAULT);
	{
		/* an embedder's budget on a native engine: refused, not ignored */
		BPFAOT_OPTS(bpfaot_run_opts, ro, .engine = BPFAOT_ENGINE_AOT, .data_in = pkt,
			    .data_size_in = sizeof(pkt), .budget = 100, .log_buf = log,
			    .log_size = sizeof(log));

		ck_assert_int_eq(bpfaot_prog__run(prog, &ro), -ENOTSUP);
		ck_assert_str_eq(log, "an instruction budget applies to the interpreter only: engine "
				      "'aot' cannot count instructions");
	}
	bpfaot_object__close(obj);
	tmpdir_rm(dir);
}
END_TEST

/* --budget counts bytecode instructions: refused on every other engine,
 * never ignored; with no --engine it picks the interpreter. */
START_TEST(test_budget_native)
{
	static const char *const others[] = { "aot", "jit", "llvm-jit", "llvm-aot", "kernel" };
	char dir[64], out[OUT_SZ], expect[256];
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	build(dir, "fault.bpf.c");
	for (e = 0; e < sizeof(others) / sizeof(others[0]); e++) {
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --budget=100 --prog=ok --data-in='%s/pkt' '%s/x.o'",
				 run_bin, others[e], dir, dir) == 1,
			      "%s: %.2000s", others[e], out);
		snprintf(expect, sizeof(expect),
			 "bpfaot-run: error: --budget counts bytecode instructions, which only the "
			 "interpreter does: engine '%s' cannot apply it (use --engine=interp)\n",
			 others[e]);
		ck_assert_str_eq(out, expect);
	}
	/* the interpreter, chosen for --budget although the program has native code */
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --budget=100 --prog=ok --data-in='%s/pkt' '%s/x.o' --json",
			    run_bin, dir, dir), 0);
	ck_assert_msg(strstr(out, "\"engine\":\"interp\""), "%s", out);
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------- stale native code */

/* Compiles stale.bpf.c with -DK=k into dir/NAME. */
static void build_stale(const char *dir, const char *name, int k)
{
	char out[OUT_SZ];

	ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s' " CC_FLAGS " -DK=%d -c "
			    "tests/data/sem/stale.bpf.c -o '%s/%s'", root, cc_bin, k, dir, name) == 0,
		      "%.2000s", out);
}

/* Replaces the bytes from in dir/NAME (same length) with to. */
static void patch(const char *dir, const char *name, const char *from, const char *to)
{
	ck_assert_int_eq(tu_sh(NULL, 0, "python3 -c 'import sys; p=sys.argv[1]; b=open(p,\"rb\").read(); "
			       "assert b.count(sys.argv[2].encode())==1; "
			       "open(p,\"wb\").write(b.replace(sys.argv[2].encode(), sys.argv[3].encode()))' "
			       "'%s/%s' '%s' '%s'", dir, name, from, to), 0);
}

/* The native code of one build spliced into another build's object: aot
 * refuses it, naming both hashes; the bytecode engines run the object's
 * own bytecode; --list says so. */
START_TEST(test_stale_native)
{
	char dir[64], out[OUT_SZ], expect[512];

	tmpdir_new(dir, sizeof(dir));
	build(dir, "fault.bpf.c");	/* the packet */
	build_stale(dir, "k1.o", 1);
	build_stale(dir, "k2.o", 2);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && llvm-objcopy-14 --dump-section=.aot.stale=k1.nat k1.o && "
			       "llvm-objcopy-14 --remove-section=.aot.stale --add-section=.aot.stale=k1.nat k2.o x.o",
			       dir), 0);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt' '%s/x.o'", run_bin, dir,
			       dir), 1);
	snprintf(expect, sizeof(expect), "bpfaot-run: error: %s/x.o(.aot.stale): program 'stale': stale "
		 "native code, built from other bytecode (hash ", dir);
	ck_assert_msg(!strncmp(out, expect, strlen(expect)) &&
			      strstr(out, "): rebuild it with bpfaot-cc, or run the bytecode (--engine=interp)\n"),
		      "%s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=interp --data-in='%s/pkt' '%s/x.o'", run_bin, dir,
			       dir), 0);
	ck_assert_str_eq(out, "retval: 2\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --list '%s/x.o'", run_bin, dir), 0);
	ck_assert_msg(strstr(out, "  native code: stale, built from other bytecode (hash "), "%s", out);
	/* the object's own native code: accepted, and --list says it is tied */
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt' '%s/k2.o'", run_bin, dir,
			       dir), 0);
	ck_assert_str_eq(out, "retval: 2\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --list '%s/k2.o'", run_bin, dir), 0);
	ck_assert_msg(strstr(out, "  native code: built from this bytecode (hash "), "%s", out);
	tmpdir_rm(dir);
}
END_TEST

/* A manifest without a hash (an older bpfaot-cc) still runs, and --list
 * says it is unchecked; a manifest whose section or type differs from the
 * program's is refused. */
START_TEST(test_manifest_prog_fields)
{
	char dir[64], out[OUT_SZ], expect[512];

	tmpdir_new(dir, sizeof(dir));
	build(dir, "fault.bpf.c");
	build_stale(dir, "x.o", 2);
	patch(dir, "x.o", " bytecode=", " bytecodx=");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt' '%s/x.o'", run_bin, dir,
			       dir), 0);
	ck_assert_str_eq(out, "retval: 2\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --list '%s/x.o'", run_bin, dir), 0);
	ck_assert_msg(strstr(out, "  native code: no bytecode hash (an older bpfaot-cc), not checked "
			     "against the bytecode\n"), "%s", out);
	patch(dir, "x.o", " section=xdp ", " section=xdq ");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt' '%s/x.o'", run_bin, dir,
			       dir), 1);
	snprintf(expect, sizeof(expect), "bpfaot-run: error: %s/x.o(.aot.stale): program 'stale': section "
		 "'xdq' in the manifest, 'xdp' in the object\n", dir);
	ck_assert_str_eq(out, expect);
	patch(dir, "x.o", " section=xdq ", " section=xdp ");
	patch(dir, "x.o", " type=6 ", " type=3 ");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt' '%s/x.o'", run_bin, dir,
			       dir), 1);
	snprintf(expect, sizeof(expect), "bpfaot-run: error: %s/x.o(.aot.stale): program 'stale': type 3 "
		 "in the manifest, 6 in the object\n", dir);
	ck_assert_str_eq(out, expect);
	tmpdir_rm(dir);
}
END_TEST

Suite *e2e_sem_suite(void)
{
	Suite *s = suite_create("e2e_sem");
	const char *b = getenv("BUILD");
	TCase *tc;

	if (!getcwd(root, sizeof(root)))
		snprintf(root, sizeof(root), ".");
	snprintf(cc_bin, sizeof(cc_bin), "%s/%s/bin/bpfaot-cc", root, b && *b ? b : "build");
	snprintf(run_bin, sizeof(run_bin), "%s/%s/bin/bpfaot-run", root, b && *b ? b : "build");

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_divshift, 0,
			    (int)(sizeof(divshift_cases) / sizeof(divshift_cases[0])));
	tcase_add_test(tc, test_tail_call_sub);
	tcase_add_test(tc, test_callback_frame_in_subprog);
	tcase_add_test(tc, test_hash_update_spare);
	tcase_add_test(tc, test_skb_adjust_room);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_fault_aot, 0, (int)(sizeof(fault_cases) / sizeof(fault_cases[0])));
	tcase_add_test(tc, test_fault_bytecode_engines);
	tcase_add_test(tc, test_fault_host_survives);
	tcase_add_test(tc, test_budget_native);
	tcase_add_test(tc, test_stale_native);
	tcase_add_test(tc, test_manifest_prog_fields);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(e2e_sem_suite)
