// SPDX-License-Identifier: MIT
/*
 * bpfaot-run as users run it: every conformance file through the command
 * line (`retval:` must be its `-- result`), every negative file refused with
 * a message and exit status 1, bad options each with their message, and the
 * samples' --dump-maps output identical under --engine=interp and
 * --engine=kernel where bpf() works.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_internal.h"
#include "rt_kernel.h"
#include "spec.h"
#include "testutil.h"

static glob_t files, negative, specs;
static char run_bin[512];

/* Runs a shell command line; returns its exit status, stdout in out. */
static int sh(const char *cmd, char *out, size_t out_sz)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	int st;

	ck_assert_ptr_nonnull(p);
	while (out && n + 1 < out_sz && !feof(p)) {
		size_t r = fread(out + n, 1, out_sz - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	if (out)
		out[n] = '\0';
	while (!out && fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_conformance_cli)
{
	const char *path = files.gl_pathv[_i];
	char cmd[1024], out[4096];
	struct rt_log log = { 0 };
	struct rt_conf *conf;
	FILE *f = fopen(path, "rb");
	char text[65536];
	size_t len;
	unsigned long long got;

	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	conf = rt_conf__parse(text, len, path, &log);
	ck_assert_ptr_nonnull(conf);
	snprintf(cmd, sizeof(cmd), "%s --engine=interp '%s' 2>&1", run_bin, path);
	ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", path, out);
	ck_assert_msg(sscanf(out, "retval: %llu", &got) == 1, "%s: %s", path, out);
	ck_assert_msg(got == conf->result, "%s: retval %llu, expected %llu", path, got,
		      (unsigned long long)conf->result);
	rt_conf__free(conf);
}
END_TEST

START_TEST(test_negative_cli)
{
	const char *path = negative.gl_pathv[_i];
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof(cmd), "%s --engine=interp '%s' 2>&1", run_bin, path);
	ck_assert_msg(sh(cmd, out, sizeof(out)) == 1, "%s was accepted: %s", path, out);
	ck_assert_msg(strstr(out, "error: "), "%s: no error message: %s", path, out);
}
END_TEST

struct bad_opt {
	const char *args;
	const char *msg;
};

static const struct bad_opt bad_opts[] = {
	{ "--engine=foo x.o", "error: unknown engine 'foo'" },
	{ "--repeat=0 x.o", "error: bad value '0' for --repeat" },
	{ "--repeat=-3 x.o", "error: bad value '-3' for --repeat" },
	{ "--repeat=abc x.o", "error: bad value 'abc' for --repeat" },
	{ "--type=nope x.o", "error: unknown program type 'nope'" },
	{ "--verify=user x.o", "error: bad value 'user' for --verify" },
	{ "--map-set=garbage $BUILD/samples/xdp_counter.bpf.o", "expected MAP:KEYHEX=VALHEX" },
	{ "--map-set=xdp_stats:zz=00 $BUILD/samples/xdp_counter.bpf.o", "must be hex bytes" },
	{ "--map-set=nomap:00000000=00 $BUILD/samples/xdp_counter.bpf.o", "no map 'nomap'" },
	{ "--map-set=xdp_stats:00=00 $BUILD/samples/xdp_counter.bpf.o", "has key size 4" },
	{ "--bogus x.o", "error: unknown option '--bogus'" },
	{ "", "error: no object given" },
	{ "a.o b.o", "error: more than one object given" },
	{ "/nonexistent.o", "error: cannot open '/nonexistent.o': No such file or directory" },
	{ "--data-in=/nonexistent $BUILD/samples/xdp_counter.bpf.o",
	  "cannot open '/nonexistent'" },
	{ "--prog=nope $BUILD/samples/xdp_counter.bpf.o", "no program 'nope'" },
	{ "$BUILD/samples/xdp_counter.bpf.o", "needs a packet of at least 14 bytes" },
	{ "--engine=kernel tests/data/bad/conf_kernel_engine.data",
	  "conformance files take raw memory" },
	{ "Makefile", "Makefile: not an ELF file" },
};

START_TEST(test_bad_option)
{
	const struct bad_opt *b = &bad_opts[_i];
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", run_bin, b->args);
	ck_assert_msg(sh(cmd, out, sizeof(out)) == 1, "'%s' was accepted: %s", b->args, out);
	ck_assert_msg(strstr(out, b->msg), "'%s': message '%s' lacks '%s'", b->args, out, b->msg);
}
END_TEST

START_TEST(test_oversized_input)
{
	char cmd[1024], out[4096], path[] = "/tmp/bpfaot-big-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s --data-in=%s $BUILD/samples/xdp_counter.bpf.o 2>&1",
		 run_bin, path);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "over the limit"), "%s", out);
	unlink(path);
}
END_TEST

START_TEST(test_list_and_json)
{
	char cmd[1024], out[8192];

	snprintf(cmd, sizeof(cmd), "%s --list $BUILD/samples/tail_dispatch.bpf.o", run_bin);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "prog 'dispatch' section 'xdp'"), "%s", out);
	ck_assert_msg(strstr(out, "map 'jmp_table' prog_array key 4 value 4 max 4"), "%s", out);
	snprintf(cmd, sizeof(cmd),
		 "%s --json --dump-maps --data-in=samples/xdp_counter.pkt $BUILD/samples/xdp_counter.bpf.o",
		 run_bin);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "{\"engine\":\"interp\",\"retval\":2,") == out, "%s", out);
	ck_assert_msg(strstr(out, "{\"key\":\"02000000\",\"value\":\"01000000000000004000000000000000\"}"),
		      "%s", out);
}
END_TEST

/* --repeat: the one-time work (link, compile) is reported apart from the
 * average run, which --json gives with sub-ns precision. */
START_TEST(test_repeat_timings)
{
	static const char *const engines[][2] = { { "aot", "samples-aot" }, { "jit", "samples" } };
	char cmd[1024], out[4096];
	unsigned long long prepare;
	double duration;
	size_t i;

	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		const char *p;

		snprintf(cmd, sizeof(cmd),
			 "%s --engine=%s --repeat=7 --json --data-in=samples/xdp_counter.pkt %s/%s/xdp_counter.bpf.o",
			 run_bin, engines[i][0], build_dir(), engines[i][1]);
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
		ck_assert_msg(strstr(out, ",\"retval\":2,\"repeat\":7,\"duration_ns\":"), "%s", out);
		p = strstr(out, "\"duration_ns\":") + strlen("\"duration_ns\":");
		ck_assert_msg(sscanf(p, "%lf,\"prepare_ns\":%llu", &duration, &prepare) == 2, "%s", out);
		ck_assert_msg(strchr(p, '.') && strchr(p, '.') < strchr(p, ','), "no fraction: %s", out);
		ck_assert_msg(duration > 0 && prepare > 0, "%s", out);
		snprintf(cmd, sizeof(cmd),
			 "%s --engine=%s --repeat=7 --data-in=samples/xdp_counter.pkt %s/%s/xdp_counter.bpf.o",
			 run_bin, engines[i][0], build_dir(), engines[i][1]);
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
		ck_assert_msg(strstr(out, "retval: 2\nduration (average): "), "%s", out);
		ck_assert_msg(strstr(out, i ? " ns\nprepare (compile): " : " ns\nprepare (link): "),
			      "%s", out);
	}
}
END_TEST

/* The llvm engines are a plugin bpfaot-run opens only for them: the other
 * engines never map libLLVM (LD_DEBUG=files lists every object the
 * dynamic loader opens) and run without the plugin; llvm-jit without it
 * fails with one line that names it. */
START_TEST(test_llvm_plugin_on_demand)
{
	static const char *const engines[][2] = {
		{ "aot", "samples-aot" }, { "jit", "samples" }, { "interp", "samples" },
		{ "llvm-jit", "samples" }, { "llvm-aot", "samples" },
	};
	char cmd[1024], out[65536];
	size_t i;

	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		bool llvm = !strncmp(engines[i][0], "llvm", 4);

		snprintf(cmd, sizeof(cmd),
			 "LD_DEBUG=files %s --engine=%s --data-in=samples/xdp_counter.pkt %s/%s/xdp_counter.bpf.o 2>&1",
			 run_bin, engines[i][0], build_dir(), engines[i][1]);
		ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", engines[i][0], out);
		ck_assert_msg(strstr(out, "retval: 2\n"), "%s: %s", engines[i][0], out);
		ck_assert_msg(!strstr(out, "libLLVM") == !llvm, "%s: libLLVM %s", engines[i][0],
			      llvm ? "not loaded" : "loaded");
		ck_assert_msg(!strstr(out, "libbpfaot-llvm.so") == !llvm, "%s", engines[i][0]);
		snprintf(cmd, sizeof(cmd),
			 "BPFAOT_LLVM_PLUGIN=/nonexistent/libbpfaot-llvm.so %s --engine=%s --data-in=samples/xdp_counter.pkt %s/%s/xdp_counter.bpf.o 2>&1",
			 run_bin, engines[i][0], build_dir(), engines[i][1]);
		if (!llvm) {
			ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", engines[i][0], out);
			ck_assert_str_eq(out, "retval: 2\n");
			continue;
		}
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 1);
		ck_assert_str_eq(out, "bpfaot-run: error: the llvm engines need their plugin: "
				      "/nonexistent/libbpfaot-llvm.so: cannot open shared object file: "
				      "No such file or directory (set BPFAOT_LLVM_PLUGIN to its path)\n");
	}
}
END_TEST

/* A socket filter sees the packet past its Ethernet header; the packet out
 * has the header's 14 bytes back, zeroed, as the kernel's test run
 * (bpf_prog_test_run_skb) returns it; the rest as it came in (the sample
 * writes nothing). By hand: 14 zero bytes, then bytes 14.. of the input. */
START_TEST(test_socket_filter_data_out)
{
	static const char *const engines[][2] = {
		{ "aot", "samples-aot" }, { "jit", "samples" }, { "interp", "samples" },
		{ "kernel", "samples" },
	};
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], why[256];
	unsigned char in[78], expect[78], got[128];
	size_t i, n;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i + 1);
	in[12] = 0x08, in[13] = 0, in[14] = 0x45, in[16] = 0, in[17] = 64;
	memcpy(expect, in, sizeof(in));
	memset(expect, 0, 14);
	snprintf(cmd, sizeof(cmd), "%s/in", dir);
	f = fopen(cmd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(in, 1, sizeof(in), f), sizeof(in));
	fclose(f);
	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		if (!strcmp(engines[i][0], "kernel") && !rt_kernel__available(why, sizeof(why))) {
			printf("SKIP: kernel engine: %s\n", why);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --data-in=%s/in --data-out=%s/out %s/%s/socket_filter.bpf.o",
			 run_bin, engines[i][0], dir, dir, build_dir(), engines[i][1]);
		ck_assert_msg(sh(cmd, NULL, 0) == 0, "%s", engines[i][0]);
		snprintf(cmd, sizeof(cmd), "%s/out", dir);
		f = fopen(cmd, "rb");
		ck_assert_ptr_nonnull(f);
		n = fread(got, 1, sizeof(got), f);
		fclose(f);
		ck_assert_msg(n == sizeof(expect) && !memcmp(got, expect, n), "%s: packet out differs",
			      engines[i][0]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* Runs one sample on an engine; with ctx_out, packet programs also write
 * their context after the run there. */
static int run_sample(const char *test, const char *engine, const char *ctx_out, char *out,
		      size_t out_sz)
{
	char cmd[2048], line[1024], args[1536] = "", name[128];
	bool packet = false;
	const char *base = strrchr(test, '/') + 1;
	FILE *f = fopen(test, "r");

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 5), base);
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':'), *h = strchr(line, '#');
		size_t n = strlen(args);

		if (h)
			*h = '\0';
		if (!v)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		v[strcspn(v, " \t\n")] = '\0';
		if (!strcmp(line, "prog"))
			snprintf(args + n, sizeof(args) - n, " --prog=%s", v);
		else if (!strcmp(line, "data-in") || !strcmp(line, "ctx-in"))
			snprintf(args + n, sizeof(args) - n, " --%s=samples/%s", line, v);
		if (!strcmp(line, "data-in"))
			packet = true;
		else if (!strcmp(line, "map-set"))
			snprintf(args + n, sizeof(args) - n, " --map-set=%s", v);
	}
	fclose(f);
	if (ctx_out && packet)
		snprintf(args + strlen(args), sizeof(args) - strlen(args), " --ctx-out=%s", ctx_out);
	snprintf(cmd, sizeof(cmd), "%s --engine=%s --dump-maps%s $BUILD/samples/%s.bpf.o 2>&1",
		 run_bin, engine, args, name);
	return sh(cmd, out, out_sz);
}

/* The maps a .test says vary between runs ("varies: MAP"), space-separated. */
static void varies_of(const char *test, char *out, size_t out_sz)
{
	char line[512];
	FILE *f = fopen(test, "r");

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char name[128];

		if (sscanf(line, "varies: %127s", name) == 1) {
			strncat(out, " ", out_sz - strlen(out) - 1);
			strncat(out, name, out_sz - strlen(out) - 1);
		}
	}
	if (f)
		fclose(f);
}

/* Whether a "map 'NAME' (...)" header names one of the varying maps. */
static bool map_varies(const char *header, const char *varies)
{
	char name[160];
	const char *q = strchr(header, '\'');
	const char *e = q ? strchr(q + 1, '\'') : NULL;

	if (!e)
		return false;
	snprintf(name, sizeof(name), " %.*s", (int)(e - q - 1), q + 1);
	return strstr(varies, name) != NULL;
}

/* Map dumps agree line by line, except what legitimately differs: per-CPU
 * maps (the kernel's run lands on any CPU) and pid-keyed maps. */
START_TEST(test_interp_vs_kernel_cli)
{
	const char *test = specs.gl_pathv[_i];
	static char a[65536], b[65536];
	char why[256];
	char *la, *lb, *sa, *sb, varies[512];
	bool skip = false;

	if (!rt_kernel__available(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return;
	}
	char ca[] = "/tmp/bpfaot-ctx-XXXXXX", cb[] = "/tmp/bpfaot-ctx-XXXXXX";
	int fa = mkstemp(ca), fb = mkstemp(cb);

	ck_assert(fa >= 0 && fb >= 0);
	close(fa);
	close(fb);
	ck_assert_int_eq(run_sample(test, "interp", ca, a, sizeof(a)), 0);
	ck_assert_msg(run_sample(test, "kernel", cb, b, sizeof(b)) == 0, "%s: %s", test, b);
	/* the context after the run, as the kernel writes it back */
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "cmp -s %s %s", ca, cb);
		ck_assert_msg(sh(cmd, NULL, 0) == 0, "%s: ctx_out differs", test);
	}
	unlink(ca);
	unlink(cb);
	varies_of(test, varies, sizeof(varies));
	la = strtok_r(a, "\n", &sa);
	lb = strtok_r(b, "\n", &sb);
	while (la && lb) {
		if (!strncmp(la, "map '", 5))
			skip = strstr(la, "percpu") || map_varies(la, varies);
		if (!skip)
			ck_assert_msg(!strcmp(la, lb), "%s: interp '%s' vs kernel '%s'", test, la, lb);
		la = strtok_r(NULL, "\n", &sa);
		lb = strtok_r(NULL, "\n", &sb);
	}
	ck_assert_msg(!la && !lb, "%s: outputs differ in length", test);
}
END_TEST

/* Compiles tests/data/NAME with clang -target bpf into dir; returns the path. */
static const char *compile_bpf(const char *dir, const char *src, const char *out)
{
	static char obj[512];
	char cmd[2048];

	snprintf(obj, sizeof(obj), "%s/%s", dir, out);
	snprintf(cmd, sizeof(cmd),
		 "clang-14 -target bpf -O2 -g -I/usr/include/x86_64-linux-gnu -c tests/data/%s -o %s 2>&1",
		 src, obj);
	ck_assert_msg(sh(cmd, NULL, 0) == 0, "cannot compile %s", src);
	return obj;
}

START_TEST(test_ubpf_convention)
{
	/* only .text: each global function is a raw-memory program */
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[4096];
	const char *obj;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	obj = compile_bpf(dir, "e2e/ubpf_text.c", "ubpf.o");
	snprintf(cmd, sizeof(cmd), "printf abcdef > %s/in && %s --prog=sum_bytes --data-in=%s/in %s",
		 dir, run_bin, dir, obj);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "retval: 597\n"); /* 'a' + ... + 'f' */
	snprintf(cmd, sizeof(cmd), "%s --prog=first_byte --data-in=%s/in %s", run_bin, dir, obj);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "retval: 97\n");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

START_TEST(test_legacy_maps)
{
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[4096];
	const char *obj;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	obj = compile_bpf(dir, "e2e/legacy_maps.c", "legacy.o");
	snprintf(cmd, sizeof(cmd), "head -c 64 /dev/zero > %s/in && %s --dump-maps --data-in=%s/in %s",
		 dir, run_bin, dir, obj);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "retval: 2\nmap 'counts' (array, key 4, value 8, max 4):\n"
				  "  00000000: 0000000000000000\n  01000000: 0700000000000000\n"),
		      "%s", out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

START_TEST(test_verify_kernel)
{
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[16384], why[256];
	const char *obj;

	if (!rt_kernel__available(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return;
	}
	/* a good program passes and runs */
	snprintf(cmd, sizeof(cmd), "%s --verify=kernel --data-in=samples/xdp_counter.pkt $BUILD/samples/xdp_counter.bpf.o 2>&1",
		 run_bin);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "retval: 2\n");
	/* an out-of-bounds packet read is refused with the verifier's log,
	 * before the interpreter could run it */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	obj = compile_bpf(dir, "kernel/xdp_oob.bpf.c", "oob.o");
	snprintf(cmd, sizeof(cmd), "%s --verify=kernel --data-in=samples/xdp_counter.pkt %s 2>&1",
		 run_bin, obj);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "--verify=kernel: the kernel's verifier refused"), "%s", out);
	ck_assert_msg(strstr(out, "invalid access to packet"), "%s", out);
	ck_assert_msg(!strstr(out, "retval:"), "%s", out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* Void noinline subprograms are accepted by every engine (as the kernel
 * accepts them), and a program every checker refuses ('bad') keeps neither
 * the validator nor the kernel from running its neighbour ('good'). */
START_TEST(test_void_subprogs)
{
	static const char *const engines[] = { "interp", "jit", "kernel" };
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[16384], why[256];
	bool kernel = rt_kernel__available(why, sizeof(why));
	const char *obj;
	size_t e;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	obj = compile_bpf(dir, "e2e/void_subprogs.c", "void.o");
	snprintf(cmd, sizeof(cmd), "head -c 64 /dev/zero > %s/in", dir);
	ck_assert_int_eq(sh(cmd, NULL, 0), 0);
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		if (!strcmp(engines[e], "kernel") && !kernel) {
			printf("SKIP: void_subprogs on the kernel engine: %s\n", why);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --prog=good --dump-maps --data-in=%s/in %s 2>&1",
			 run_bin, engines[e], dir, obj);
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
		/* 64-byte packet: (64 + 192) * 3 = 768 in slot 0, 64 in slot 1 */
		ck_assert_msg(strstr(out, "retval: 2\nmap 'counts' (array, key 4, value 8, max 2):\n"
					  "  00000000: 0003000000000000\n"),
			      "%s: %s", engines[e], out);
		ck_assert_msg(strstr(out, "  01000000: 4000000000000000\n"), "%s: %s", engines[e], out);
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --prog=bad --data-in=%s/in %s 2>&1", run_bin,
			 engines[e], dir, obj);
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 1);
		ck_assert_msg(strstr(out, strcmp(engines[e], "kernel") ?
						  "program 'bad' insn 0: reads r7 before any write" :
						  "program 'bad' rejected by the verifier"),
			      "%s: %s", engines[e], out);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* An object the runtime's loader refuses (a map type it lacks) still runs
 * on the kernel engine: the kernel never sits behind the runtime's checks. */
START_TEST(test_kernel_not_behind_loader)
{
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[16384], why[256];
	const char *obj;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	obj = compile_bpf(dir, "e2e/kernel_only_map.c", "stk.o");
	snprintf(cmd, sizeof(cmd), "head -c 64 /dev/zero > %s/in && %s --engine=interp --data-in=%s/in %s 2>&1",
		 dir, run_bin, dir, obj);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "unsupported map type 'sockmap'"), "%s", out);
	if (rt_kernel__available(why, sizeof(why))) {
		snprintf(cmd, sizeof(cmd), "%s --engine=kernel --data-in=%s/in %s 2>&1", run_bin, dir,
			 obj);
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
		ck_assert_str_eq(out, "retval: 2\n");
	} else {
		printf("SKIP: kernel_only_map on the kernel engine: %s\n", why);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* A kernel program type's retval is the low 32 bits of r0 on every engine,
 * as the kernel's test run reports it: 64 - 1000 = -936 = 2^32 - 936. */
START_TEST(test_retval_32bit)
{
	static const char *const engines[] = { "interp", "jit", "llvm-jit", "llvm-aot", "aot", "kernel" };
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[4096], why[256];
	bool kernel = rt_kernel__available(why, sizeof(why));
	size_t e;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "head -c 64 /dev/zero > %s/in && $BUILD/bin/bpfaot-cc -target bpf -O2 -g "
		 "-I/usr/include/x86_64-linux-gnu -c tests/data/e2e/neg_retval.c -o %s/fat.o 2>&1",
		 dir, dir);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		if (!strcmp(engines[e], "kernel") && !kernel) {
			printf("SKIP: neg_retval on the kernel engine: %s\n", why);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --data-in=%s/in %s/fat.o 2>&1", run_bin,
			 engines[e], dir, dir);
		ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", engines[e], out);
		ck_assert_msg(!strcmp(out, "retval: 4294966360\n"), "%s: %s", engines[e], out);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* libbpf-tools-style tracing objects the kernel accepts load on the bytecode
 * engines: stack trace, cgroup array and xskmap maps, .kconfig externs; a
 * kernel-function call refuses only its program. Expected values by hand:
 * -EFAULT (no kernel stack), -EAGAIN (empty cgroup slot), KERNEL_VERSION of
 * uname's release, 0 for an unknown __weak CONFIG_, -E2BIG past the end;
 * the same on aot. */
START_TEST(test_tracing_userspace)
{
	static const char *const engines[] = { "interp", "jit", "llvm-jit", "llvm-aot" };
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[16384], expect[512];
	unsigned int major = 0, minor = 0, patch = 0;
	unsigned long long version;
	struct utsname u;
	const char *obj;
	size_t e;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_ge(sscanf(u.release, "%u.%u.%u", &major, &minor, &patch), 2);
	version = (unsigned long long)major << 16 | minor << 8 | (patch > 255 ? 255 : patch);
	snprintf(expect, sizeof(expect),
		 "    out = (__u64[5])[18446744073709551602,18446744073709551605,%llu,0,"
		 "18446744073709551609,]\n",
		 version);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	obj = compile_bpf(dir, "e2e/tracing_userspace.c", "tu.o");
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --prog=trace --dump-maps %s 2>&1", run_bin,
			 engines[e], obj);
		ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", engines[e], out);
		ck_assert_msg(strstr(out, "retval: 0\nmap 'stacks' (stack_trace, key 4, value 128, max 16):\n"
					  "map 'cgroups' (cgroup_array, key 4, value 4, max 1):\n"
					  "map 'xsks' (xskmap, key 4, value 4, max 4):\n"),
			      "%s: %s", engines[e], out);
		ck_assert_msg(strstr(out, expect), "%s: %s\nexpected %s", engines[e], out, expect);
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --prog=uses_kfunc %s 2>&1", run_bin,
			 engines[e], obj);
		ck_assert_int_eq(sh(cmd, out, sizeof(out)), 1);
		ck_assert_msg(strstr(out, "calls kernel function 'bpf_task_from_pid', which a user-space run does not have"),
			      "%s: %s", engines[e], out);
		/* an empty xskmap slot: the flags' action, XDP_PASS */
		snprintf(cmd, sizeof(cmd), "head -c 64 /dev/zero > %s/in && %s --engine=%s --prog=to_xsk --data-in=%s/in %s 2>&1",
			 dir, run_bin, engines[e], dir, obj);
		ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", engines[e], out);
		ck_assert_str_eq(out, "retval: 2\n");
	}
	/* native code reads the same .kconfig slots (bpfaot-cc used to refuse
	 * it: libbpf-tools' biosnoop, bitesize, capable) */
	snprintf(cmd, sizeof(cmd),
		 "$BUILD/bin/bpfaot-cc -target bpf -O2 -g -I/usr/include/x86_64-linux-gnu "
		 "-c tests/data/e2e/tracing_userspace.c -o %s/fat.o 2>&1 && "
		 "%s --engine=aot --prog=trace --dump-maps %s/fat.o 2>&1", dir, run_bin, dir);
	ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "aot: %s", out);
	ck_assert_msg(strstr(out, expect), "aot: %s\nexpected %s", out, expect);
	snprintf(cmd, sizeof(cmd), "%s --list %s 2>&1", run_bin, obj);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "prog 'uses_kfunc' section 'raw_tracepoint/sys_exit' (0 insns) engines: kernel\n"
				  "  refused by the bytecode engines: "),
		      "%s", out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* A 2 MiB input to a `mem` program runs on every engine (the limit of 64 KiB
 * is for packets); the expected value is computed here, in plain C. */
START_TEST(test_big_mem_input)
{
	static const char *const engines[] = { "interp", "jit", "llvm-jit", "llvm-aot", "aot" };
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[4096], expect[64], path[600];
	const size_t len = 2u << 20;
	unsigned long long sum = len;
	unsigned char *buf = malloc(len);
	const char *obj;
	size_t i, e;
	FILE *f;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)((i * 2654435761u) >> 24);
	for (i = 0; i < len; i += 4096)
		sum += buf[i];
	sum += (unsigned long long)buf[len - 1] * 1000003;
	snprintf(expect, sizeof(expect), "retval: %llu\n", sum);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
	obj = compile_bpf(dir, "e2e/big_mem.c", "big.o");
	snprintf(cmd, sizeof(cmd),
		 "$BUILD/bin/bpfaot-cc -target bpf -O2 -g -c tests/data/e2e/big_mem.c -o %s/fat.o 2>&1", dir);
	ck_assert_int_eq(sh(cmd, out, sizeof(out)), 0);
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		snprintf(cmd, sizeof(cmd), "%s --engine=%s --data-in=%s %s%s 2>&1", run_bin, engines[e],
			 path, strcmp(engines[e], "aot") ? obj : dir, strcmp(engines[e], "aot") ? "" : "/fat.o");
		ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s: %s", engines[e], out);
		ck_assert_msg(!strcmp(out, expect), "%s: got '%s', expected '%s'", engines[e], out,
			      expect);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

/* examples/embed.c builds against the public header and the library alone,
 * and gives on every in-process engine what 1000 runs of a 64-byte packet
 * must: 1000 packets, 64000 bytes under XDP_PASS. */
START_TEST(test_embed_example)
{
	static const char *const runs[][2] = {
		{ "$BUILD/samples/xdp_counter.bpf.o", "interp" },
		{ "$BUILD/samples/xdp_counter.bpf.o", "jit" },
		{ "$BUILD/samples-aot/xdp_counter.bpf.o", "aot" },
	};
	char dir[] = "/tmp/bpfaot-e2e-XXXXXX", cmd[2048], out[4096], want[256];
	size_t i;

	const char *build = getenv("BUILD") && *getenv("BUILD") ? getenv("BUILD") : "build";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a SAN=1 library needs the sanitizer runtimes */
	snprintf(cmd, sizeof(cmd),
		 "cc -Wall -Wextra -Werror %s -Iinclude examples/embed.c %s/lib/libbpfaot.a -lbpf -lelf -lz -lpthread -o %s/embed 2>&1",
		 strstr(build, "san") ? "-fsanitize=address,undefined" : "", build, dir);
	ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s", out);
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s/embed %s samples/xdp_counter.pkt %s", dir, runs[i][0],
			 runs[i][1]);
		ck_assert_msg(sh(cmd, out, sizeof(out)) == 0, "%s", out);
		snprintf(want, sizeof(want), "xdp_count on %s: retval 2,", runs[i][1]);
		ck_assert_msg(strstr(out, want), "%s", out);
		ck_assert_msg(strstr(out, "xdp_stats[2] = { packets 1000, bytes 64000 }"), "%s", out);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}
END_TEST

Suite *e2e_cli_suite(void)
{
	Suite *s = suite_create("e2e_cli");
	const char *b = getenv("BUILD");
	char pat[512];
	TCase *tc;

	snprintf(run_bin, sizeof(run_bin), "%s/bin/bpfaot-run", b && *b ? b : "build");
	/* without the suite the conformance loops below have no cases */
	test_conf_present("e2e_cli");
	snprintf(pat, sizeof(pat), "%s/*.data", test_conf_dir());
	glob(pat, 0, NULL, &files);
	snprintf(pat, sizeof(pat), "%s/negative/*.data", test_conf_dir());
	glob(pat, 0, NULL, &negative);
	glob("samples/*.test", 0, NULL, &specs);

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_conformance_cli, 0, (int)files.gl_pathc);
	tcase_add_test(tc, test_list_and_json);
	tcase_add_test(tc, test_repeat_timings);
	tcase_add_test(tc, test_llvm_plugin_on_demand);
	tcase_add_test(tc, test_ubpf_convention);
	tcase_add_test(tc, test_embed_example);
	tcase_add_test(tc, test_legacy_maps);
	tcase_add_test(tc, test_verify_kernel);
	tcase_add_test(tc, test_void_subprogs);
	tcase_add_test(tc, test_big_mem_input);
	tcase_add_test(tc, test_retval_32bit);
	tcase_add_test(tc, test_tracing_userspace);
	tcase_add_test(tc, test_socket_filter_data_out);
	tcase_add_test(tc, test_kernel_not_behind_loader);
	tcase_add_loop_test(tc, test_interp_vs_kernel_cli, 0, (int)specs.gl_pathc);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_negative_cli, 0, (int)negative.gl_pathc);
	tcase_add_loop_test(tc, test_bad_option, 0, (int)(sizeof(bad_opts) / sizeof(bad_opts[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_oversized_input);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(e2e_cli_suite)
