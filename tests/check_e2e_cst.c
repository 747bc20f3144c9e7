// SPDX-License-Identifier: MIT
/*
 * Compiled-in configuration, end to end (issue 9): programs built with
 * bpfaot-cc and run through the API and bpfaot-run, with values worked out
 * by hand, never taken from an engine.
 *
 * core: a configuration map is inlined (its values a global the runtime's
 *   linker places) and the host's updates after the first run, through the
 *   API and through bpfaot-map on shared memory, are what the next run of
 *   the native code reads, as on the interpreter.
 *
 * const: --aot-const compiles .rodata integers in: the loads and the
 *   branch on them are gone from the native code; the runtime runs it only
 *   when .rodata holds the same bytes (the same result as the
 *   interpreter), refuses it otherwise with a message, and refuses the
 *   host's updates of .rodata once it has linked (API and bpfaot-map).
 * differential: samples, the map and config bench programs and two compute
 *   ones, built with each optimisation switch (--aot-no-types,
 *   --aot-no-inline-maps, --aot-no-inline-helpers, all three): the aot
 *   engine gives the interpreter's result, packet and maps on every build,
 *   and --aot-no-types builds other native code.
 * const: --aot-const-map compiles a configuration array's contents in: no
 *   load of it is left; the runtime checks the contents' hash at link and
 *   freezes the map.
 * errors: bad --aot-const names, values and syntax; --aot-const-map on a
 *   written map, a missing map, bad lines of its file; in clang's words.
 *
 * Run from the repository root; BUILD names the build directory (default
 * build).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpfaot/bpfaot.h"
#include "testutil.h"

#define OUT_SZ 16384
#define CC_FLAGS "-O2 -g -target bpf -I/usr/include/x86_64-linux-gnu"
#define DATA "tests/data/cst/"

/* Set once in e2e_cst_suite(), before the tests fork; read-only after. */
static char root[2048];	       /* the repository, absolute */
static char cc_bin[PATH_MAX];  /* build/bin/bpfaot-cc, absolute */
static char run_bin[PATH_MAX]; /* build/bin/bpfaot-run, absolute */
static char map_bin[PATH_MAX]; /* build/bin/bpfaot-map, absolute */

static char logbuf[4096];

static void tmpdir_new(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/bpfaot-e2e-cst-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmpdir_rm(const char *dir)
{
	ck_assert_int_eq(tu_sh(NULL, 0, "rm -rf '%s'", dir), 0);
}

/* bpfaot-cc CC_FLAGS extra -c root/DATA src -o dir/out */
static void build(const char *dir, const char *src, const char *extra, const char *out)
{
	char buf[OUT_SZ];

	ck_assert_msg(tu_sh(buf, sizeof(buf), "'%s' %s %s -c '%s/" DATA "%s' -o '%s/%s'", cc_bin,
			    CC_FLAGS, extra, root, src, dir, out) == 0,
		      "bpfaot-cc %s %s: %s", extra, src, buf);
}

static struct bpfaot_object *open_ok(const char *path, const char *shm)
{
	BPFAOT_OPTS(bpfaot_open_opts, o, .log_buf = logbuf, .log_size = sizeof(logbuf),
		    .maps_shm = shm);
	struct bpfaot_object *obj = bpfaot_object__open(path, &o);

	ck_assert_msg(obj, "open %s: %s", path, logbuf);
	return obj;
}

/* Runs prog on a packet of len bytes; returns the error, *ret the result. */
static int run_len(struct bpfaot_object *obj, const char *prog, enum bpfaot_engine engine,
		   uint32_t len, uint64_t *ret)
{
	static const uint8_t pkt[1500];
	BPFAOT_OPTS(bpfaot_run_opts, o, .engine = engine, .data_in = pkt, .data_size_in = len,
		    .log_buf = logbuf, .log_size = sizeof(logbuf));
	struct bpfaot_prog *p = bpfaot_object__find_prog(obj, prog);
	int err;

	ck_assert_msg(p, "no program '%s'", prog);
	logbuf[0] = '\0';
	err = bpfaot_prog__run(p, &o);
	*ret = o.retval;
	return err;
}

static uint64_t run_ok(struct bpfaot_object *obj, enum bpfaot_engine engine, uint32_t len)
{
	uint64_t r = 0;
	int err = run_len(obj, "prog", engine, len, &r);

	ck_assert_msg(err == 0, "run on %s: %d %s", bpfaot_engine__name(engine), err, logbuf);
	return r;
}

static int set_cfg(struct bpfaot_object *obj, uint32_t mul, uint32_t add)
{
	uint32_t k = 0, v[2] = { mul, add };

	return bpfaot_map__update(bpfaot_object__find_map(obj, "cfg"), &k, v, 0);
}

/* --------------------------------------------------- configuration maps */

/* cfg is inlined as a configuration map: the manifest says inlined=1, and
 * the preview declares its values const. */
START_TEST(test_config_map_inlined)
{
	char dir[64], out[OUT_SZ];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' %s --aot-emit=source --aot-prog=prog '%s/" DATA
			       "config.bpf.c'", cc_bin, CC_FLAGS, root), 0);
	ck_assert_msg(strstr(out, "extern const char __bpfaot_map_values_cfg[]; /* a configuration "
			     "map: only read */"), "%s", out);
	ck_assert_msg(strstr(out, "extern char __bpfaot_map_values_out[];"), "%s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' %s -Raot -c " DATA "config.bpf.c "
			       "-o '%s/x.o' 2>&1 >/dev/null", root, cc_bin, CC_FLAGS, dir), 0);
	ck_assert_str_eq(out,
		"tests/data/cst/config.bpf.c:19:3: remark: map 'cfg' is inlined: a configuration map "
		"(only read by the programs of this file); lookups are address computations in its "
		"values, which the runtime's linker places [-Raot]\n"
		"} cfg SEC(\".maps\");\n"
		"  ^\n"
		"tests/data/cst/config.bpf.c:26:3: remark: map 'out' is inlined: lookups and updates "
		"index its values, which the runtime's linker places; not a configuration map: the "
		"program writes into its values (line 39) [-Raot]\n"
		"} out SEC(\".maps\");\n"
		"  ^\n");
	tmpdir_rm(dir);
}
END_TEST

/* The host changes cfg between runs: through the API (the inlined values
 * are the map's storage), and from another process with bpfaot-map on
 * shared memory. By hand, 64-byte packet: {3, 5} gives 64 * 3 + 5 = 197,
 * {2, 1} 129, {7, 0} 448; the interpreter agrees on each. */
START_TEST(test_config_map_host_updates)
{
	static const enum bpfaot_engine engines[] = { BPFAOT_ENGINE_AOT, BPFAOT_ENGINE_INTERP };
	char dir[64], path[PATH_MAX], shm[64], out[OUT_SZ];
	struct bpfaot_object *obj;
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	build(dir, "config.bpf.c", "", "x.o");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (e = 0; e < 2; e++) {
		obj = open_ok(path, NULL);
		ck_assert_int_eq(set_cfg(obj, 3, 5), 0);
		ck_assert_uint_eq(run_ok(obj, engines[e], 64), 197);
		ck_assert_int_eq(set_cfg(obj, 2, 1), 0);
		ck_assert_uint_eq(run_ok(obj, engines[e], 64), 129);
		bpfaot_object__close(obj);
	}
	snprintf(shm, sizeof(shm), "bpfaot-cst-%d", (int)getpid());
	for (e = 0; e < 2; e++) {
		obj = open_ok(path, shm);
		ck_assert_int_eq(set_cfg(obj, 3, 5), 0);
		ck_assert_uint_eq(run_ok(obj, engines[e], 64), 197);
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --shm=%s update cfg 00000000 0700000000000000",
				    map_bin, shm) == 0, "%s", out);
		ck_assert_uint_eq(run_ok(obj, engines[e], 64), 448);
		bpfaot_object__close(obj);
		ck_assert_int_eq(tu_sh(NULL, 0, "rm -f /dev/shm/%s", shm), 0);
	}
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------ --aot-const */

#define CONSTS "--aot-const=target=64 --aot-const=scale=3"
#define RODATA_64_3 "--map-set=.rodata:00000000=4000000003000000"

/* The IR of the native compile: without --aot-const, target and scale are
 * plain loads (`volatile` of .rodata goes: `target && len != target` loads
 * target once) and the compare is against a loaded value; with them, no
 * load of either is left, and len * mul * scale with len == 64 and
 * scale == 3 is mul * 192. The native object no longer refers to target. */
START_TEST(test_const_folds)
{
	char dir[64], out[OUT_SZ];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' %s --aot-emit=llvm --aot-prog=prog '%s/" DATA
			       "config.bpf.c' -o '%s/x.ll' && '%s' %s " CONSTS " --aot-emit=llvm "
			       "--aot-prog=prog '%s/" DATA "config.bpf.c' -o '%s/c.ll'", cc_bin, CC_FLAGS,
			       root, dir, cc_bin, CC_FLAGS, root, dir), 0);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && grep -c 'load i32, i32\\* "
			       "@target\\|load i32, i32\\* @scale' x.ll", dir), 0);
	ck_assert_str_eq(out, "2\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && grep -c 'load volatile' x.ll", dir), 1);
	ck_assert_str_eq(out, "0\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && grep -c '@target\\|@scale' c.ll", dir), 1);
	ck_assert_str_eq(out, "0\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && grep -c ', 192$' c.ll && "
			       "grep -c 'icmp eq i32 %%4, 64$' c.ll", dir), 0);
	ck_assert_str_eq(out, "1\n1\n");
	build(dir, "config.bpf.c", "", "x.o");
	build(dir, "config.bpf.c", CONSTS, "c.o");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && llvm-objcopy-14 --dump-section=.aot.prog=xn "
			       "x.o && llvm-objcopy-14 --dump-section=.aot.prog=cn c.o && nm xn && "
			       "echo -- && nm cn", dir), 0);
	ck_assert_msg(strstr(out, "U target\n") && strstr(out, "U scale\n"), "%s", out);
	ck_assert_msg(!strstr(strstr(out, "--"), "target") && !strstr(strstr(out, "--"), "scale"),
		      "%s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && llvm-objcopy-14 "
			       "--dump-section=.bpfaot.manifest=mf cn && grep ^global mf", dir), 0);
	ck_assert_str_eq(out, "global name=target section=.rodata offset=0 size=4 init=00000000 "
			 "const=40000000\n"
			 "global name=scale section=.rodata offset=4 size=4 init=01000000 "
			 "const=03000000\n");
	tmpdir_rm(dir);
}
END_TEST

/* .rodata as compiled in: 64-byte packet, cfg {2, 5}: 64 * 2 * 3 + 5 =
 * 389; a 60-byte packet is not the target: 1. The interpreter agrees.
 * .rodata left as built (target 0, scale 1): refused, naming the global. */
START_TEST(test_const_link_check)
{
	static const char *const engines[] = { "aot", "interp" };
	char dir[64], out[OUT_SZ], want[1024];
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	build(dir, "config.bpf.c", CONSTS, "x.o");
	ck_assert_int_eq(tu_sh(NULL, 0, "head -c 64 /dev/zero > '%s/p64' && head -c 60 /dev/zero > "
			       "'%s/p60'", dir, dir), 0);
	for (e = 0; e < 2; e++) {
		ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=%s --data-in='%s/p64' " RODATA_64_3
				       " --map-set=cfg:00000000=0200000005000000 '%s/x.o'", run_bin,
				       engines[e], dir, dir), 0);
		ck_assert_str_eq(out, "retval: 389\n");
		ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=%s --data-in='%s/p60' " RODATA_64_3
				       " --map-set=cfg:00000000=0200000005000000 '%s/x.o'", run_bin,
				       engines[e], dir, dir), 0);
		ck_assert_str_eq(out, "retval: 1\n");
	}
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/p64' '%s/x.o'",
			       run_bin, dir, dir), 1);
	snprintf(want, sizeof(want), "bpfaot-run: error: %s/x.o(.aot.prog): global 'target' was compiled "
		 "in as 40000000 (bpfaot-cc --aot-const) but is 00000000 in '.rodata': set the same value "
		 "before the first run, rebuild, or run the bytecode\n", dir);
	ck_assert_str_eq(out, want);
	tmpdir_rm(dir);
}
END_TEST

/* Once the native code has linked, .rodata is frozen: the API's update is
 * -EPERM, bpfaot-map from another process says why; the next run still
 * gives 389. Before the link the host may set it. */
START_TEST(test_const_frozen)
{
	static const uint32_t rodata[2] = { 64, 3 }, other[2] = { 64, 4 };
	char dir[64], path[PATH_MAX], shm[64], out[OUT_SZ];
	struct bpfaot_object *obj;
	struct bpfaot_map *ro;
	uint32_t zero = 0;

	tmpdir_new(dir, sizeof(dir));
	build(dir, "config.bpf.c", CONSTS, "x.o");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	snprintf(shm, sizeof(shm), "bpfaot-cst-ro-%d", (int)getpid());
	obj = open_ok(path, shm);
	ro = bpfaot_object__find_map(obj, ".rodata");
	ck_assert_ptr_nonnull(ro);
	ck_assert_int_eq(bpfaot_map__update(ro, &zero, other, 0), 0);
	ck_assert_int_eq(bpfaot_map__update(ro, &zero, rodata, 0), 0);
	ck_assert_int_eq(set_cfg(obj, 2, 5), 0);
	ck_assert_uint_eq(run_ok(obj, BPFAOT_ENGINE_AOT, 64), 389);
	ck_assert_int_eq(bpfaot_map__update(ro, &zero, other, 0), -EPERM);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --shm=%s update .rodata 00000000 4000000004000000",
			       map_bin, shm), 1);
	ck_assert_str_eq(out, "bpfaot-map: error: cannot update map '.rodata': it is frozen: linked "
			 "native code has its values compiled in (bpfaot-cc --aot-const, --aot-const-map)\n");
	ck_assert_uint_eq(run_ok(obj, BPFAOT_ENGINE_AOT, 64), 389);
	ck_assert_uint_eq(run_ok(obj, BPFAOT_ENGINE_INTERP, 64), 389);
	bpfaot_object__close(obj);
	ck_assert_int_eq(tu_sh(NULL, 0, "rm -f /dev/shm/%s", shm), 0);
	tmpdir_rm(dir);
}
END_TEST

struct const_err {
	const char *args;
	const char *want;
};

static const struct const_err const_errs[] = {
	{ "--aot-const=cfg=1",
	  "bpfaot-cc: error: --aot-const: no global 'cfg' in 'tests/data/cst/config.bpf.c'\n" },
	{ "--aot-const=target=-1",
	  "tests/data/cst/config.bpf.c:28:22: error: --aot-const: '-1' is not a value of 'target' "
	  "(const volatile __u32)\n"
	  "const volatile __u32 target = 0;\n"
	  "                     ^\n" },
	{ "--aot-const=scale=0x100000000",
	  "tests/data/cst/config.bpf.c:29:22: error: --aot-const: '0x100000000' is not a value of "
	  "'scale' (const volatile __u32)\n"
	  "const volatile __u32 scale = 1;\n"
	  "                     ^\n" },
	{ "--aot-const=target",
	  "bpfaot-cc: error: invalid value 'target' in '--aot-const=' (NAME=VALUE)\n" },
};

START_TEST(test_const_errors)
{
	const struct const_err *c = &const_errs[_i];
	char dir[64], out[OUT_SZ];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' %s %s -c " DATA "config.bpf.c -o "
			       "'%s/x.o'", root, cc_bin, CC_FLAGS, c->args, dir), 1);
	ck_assert_str_eq(out, c->want);
	ck_assert_int_eq(tu_sh(NULL, 0, "test ! -e '%s/x.o'", dir), 0);
	tmpdir_rm(dir);
}
END_TEST

/* -------------------------------------------------- --aot-const-map */

/* ---------------------------------------------------- per-CPU lookups */

/* Inlined lookups in per-CPU maps (tests/data/cc/htab_lookup.bpf.c: pc_arr
 * a per-CPU array, pc_hash a per-CPU hash) give the value of the CPU the
 * program runs on: two objects on the same shared memory take slots 0
 * and 1, and a run of the second writes CPU 1's values only. By hand (the
 * file's comment): pc_arr[2] gets 12, pc_hash[7] 71. */
START_TEST(test_percpu_inlined)
{
	char dir[64], path[PATH_MAX], shm[64];
	struct bpfaot_object *a, *b;
	uint64_t r, *vals;
	uint32_t k;
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu < 2) {
		printf("SKIP: test_percpu_inlined: one possible CPU, no second slot\n");
		return;
	}
	tmpdir_new(dir, sizeof(dir));
	build(dir, "../cc/htab_lookup.bpf.c", "", "x.o");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	snprintf(shm, sizeof(shm), "bpfaot-cst-pcpu-%d", (int)getpid());
	a = open_ok(path, shm);
	b = open_ok(path, shm);
	vals = calloc((size_t)ncpu, sizeof(*vals));
	ck_assert_ptr_nonnull(vals);
	ck_assert_int_eq(run_len(b, "htab", BPFAOT_ENGINE_AOT, 64, &r), 0);
	ck_assert_uint_eq(r, XDP_PASS);
	k = 2;
	ck_assert_int_eq(bpfaot_map__lookup(bpfaot_object__find_map(a, "pc_arr"), &k, vals), 0);
	ck_assert_msg(vals[0] == 0 && vals[1] == 12, "pc_arr[2]: %llu %llu",
		      (unsigned long long)vals[0], (unsigned long long)vals[1]);
	k = 7;
	ck_assert_int_eq(bpfaot_map__lookup(bpfaot_object__find_map(a, "pc_hash"), &k, vals), 0);
	ck_assert_msg(vals[0] == 0 && vals[1] == 71, "pc_hash[7]: %llu %llu",
		      (unsigned long long)vals[0], (unsigned long long)vals[1]);
	/* the first object's run: CPU 0's, the same answers */
	ck_assert_int_eq(run_len(a, "htab", BPFAOT_ENGINE_AOT, 64, &r), 0);
	k = 2;
	ck_assert_int_eq(bpfaot_map__lookup(bpfaot_object__find_map(a, "pc_arr"), &k, vals), 0);
	ck_assert_msg(vals[0] == 12 && vals[1] == 12, "pc_arr[2]: %llu %llu",
		      (unsigned long long)vals[0], (unsigned long long)vals[1]);
	free(vals);
	bpfaot_object__close(b);
	bpfaot_object__close(a);
	ck_assert_int_eq(tu_sh(NULL, 0, "rm -f /dev/shm/%s", shm), 0);
	tmpdir_rm(dir);
}
END_TEST

/* FNV-1a 64, as docs/object-format.md defines the contents hash. */
static uint64_t fnv64(const uint8_t *b, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static void write_cfg_file(const char *dir, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cfg.txt", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Without --aot-const, .rodata is the host's to change between runs, also
 * where the native code tests it inside a loop (the rewrite drops its
 * `volatile`). Packet bytes 0..63; by hand: mode 0 counts the 32 even
 * bytes, 31 without 4 (skip 4); mode 1 sums 0..63 = 2016, 2006 without 10;
 * mode 2 xors them: 0, 5 without 5. Both engines, one object, .rodata
 * updated through the API between runs. */
START_TEST(test_rodata_host_updates)
{
	static const enum bpfaot_engine engines[] = { BPFAOT_ENGINE_AOT, BPFAOT_ENGINE_INTERP };
	static const struct { uint32_t mode; uint8_t skip; uint32_t want; } cases[] = {
		{ 0, 0, 32 }, { 1, 0, 2016 }, { 2, 0, 0 }, { 0, 4, 31 }, { 1, 10, 2006 }, { 2, 5, 5 },
		{ 0, 0, 32 },
	};
	char dir[64], path[PATH_MAX], out[OUT_SZ];
	uint8_t pkt[64], ro[8];
	struct bpfaot_object *obj;
	struct bpfaot_map *m;
	uint32_t zero = 0;
	size_t e, i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	tmpdir_new(dir, sizeof(dir));
	build(dir, "rodata_loop.bpf.c", "", "x.o");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' %s --aot-emit=source --aot-prog=prog '%s/" DATA
			       "rodata_loop.bpf.c'", cc_bin, CC_FLAGS, root), 0);
	ck_assert_msg(strstr(out, "extern const __u32 mode;") && strstr(out, "extern const __u8 skip;"),
		      "%s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (e = 0; e < 2; e++) {
		obj = open_ok(path, NULL);
		m = bpfaot_object__find_map(obj, ".rodata");
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(bpfaot_map__value_size(m), 5);
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			BPFAOT_OPTS(bpfaot_run_opts, o, .engine = engines[e], .data_in = pkt,
				    .data_size_in = sizeof(pkt), .log_buf = logbuf,
				    .log_size = sizeof(logbuf));

			memcpy(ro, &cases[i].mode, 4);
			ro[4] = cases[i].skip;
			ck_assert_int_eq(bpfaot_map__update(m, &zero, ro, 0), 0);
			ck_assert_msg(bpfaot_prog__run(bpfaot_object__find_prog(obj, "prog"), &o) == 0,
				      "%s", logbuf);
			ck_assert_msg(o.retval == cases[i].want, "%s mode %u skip %u: %llu, want %u",
				      bpfaot_engine__name(engines[e]), cases[i].mode, cases[i].skip,
				      (unsigned long long)o.retval, cases[i].want);
		}
		bpfaot_object__close(obj);
	}
	tmpdir_rm(dir);
}
END_TEST

/* cfg compiled in as {mul 2, add 5}: no load of cfg is left in the IR
 * (len * 2 * scale + 5); the manifest has the contents' hash; the runtime
 * runs it when cfg holds those bytes (64 * 2 + 5 = 133, as the
 * interpreter), refuses it otherwise, and freezes cfg after the link. */
START_TEST(test_const_map)
{
	static const uint8_t cfg_bytes[8] = { 2, 0, 0, 0, 5, 0, 0, 0 }, zeros[8];
	static const uint32_t other[2] = { 3, 3 };
	char dir[64], out[OUT_SZ], want[1024], path[PATH_MAX], flag[PATH_MAX + 64];
	struct bpfaot_object *obj;
	uint32_t zero = 0;

	tmpdir_new(dir, sizeof(dir));
	write_cfg_file(dir, "# mul 2, add 5\n00000000=0200000005000000\n");
	snprintf(flag, sizeof(flag), "--aot-const-map=cfg=%s/cfg.txt", dir);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' %s %s --aot-emit=llvm --aot-prog=prog '%s/" DATA
			       "config.bpf.c' -o '%s/c.ll' && grep -c '@__bpfaot_const_cfg\\|"
			       "@__bpfaot_map_values_cfg' '%s/c.ll'", cc_bin, CC_FLAGS, flag, root, dir,
			       dir), 1);
	ck_assert_str_eq(out, "0\n");
	build(dir, "config.bpf.c", flag, "x.o");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && llvm-objcopy-14 --dump-section=.aot.prog=n "
			       "x.o && llvm-objcopy-14 --dump-section=.bpfaot.manifest=mf n && grep "
			       "'^map name=cfg' mf", dir), 0);
	/* not inlined=1: the code reads its own table, not the runtime's values */
	snprintf(want, sizeof(want), "map name=cfg type=2 key=4 value=8 max=1 flags=0 inlined=0 "
		 "const=%016llx\n", (unsigned long long)fnv64(cfg_bytes, 8));
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(tu_sh(NULL, 0, "head -c 64 /dev/zero > '%s/p64'", dir), 0);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/p64' "
			       "--map-set=cfg:00000000=0200000005000000 '%s/x.o' && '%s' --engine=interp "
			       "--data-in='%s/p64' --map-set=cfg:00000000=0200000005000000 '%s/x.o'",
			       run_bin, dir, dir, run_bin, dir, dir), 0);
	ck_assert_str_eq(out, "retval: 133\nretval: 133\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/p64' '%s/x.o'",
			       run_bin, dir, dir), 1);
	snprintf(want, sizeof(want), "bpfaot-run: error: %s/x.o(.aot.prog): map 'cfg' was compiled in "
		 "with other contents (bpfaot-cc --aot-const-map; hash %016llx, the runtime's %016llx): "
		 "set the same entries before the first run, rebuild, or run the bytecode\n", dir,
		 (unsigned long long)fnv64(cfg_bytes, 8), (unsigned long long)fnv64(zeros, 8));
	ck_assert_str_eq(out, want);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	obj = open_ok(path, NULL);
	ck_assert_int_eq(set_cfg(obj, 2, 5), 0);
	ck_assert_uint_eq(run_ok(obj, BPFAOT_ENGINE_AOT, 64), 133);
	ck_assert_int_eq(bpfaot_map__update(bpfaot_object__find_map(obj, "cfg"), &zero, other, 0),
			 -EPERM);
	ck_assert_uint_eq(run_ok(obj, BPFAOT_ENGINE_INTERP, 64), 133);
	bpfaot_object__close(obj);
	tmpdir_rm(dir);
}
END_TEST

struct const_map_err {
	const char *map;
	const char *file;	/* contents of cfg.txt */
	const char *want;	/* the first line of the report (after the dir for files) */
};

static const struct const_map_err const_map_errs[] = {
	{ "out", "00000000=0100000000000000\n",
	  "tests/data/cst/config.bpf.c:26:3: error: --aot-const-map: map 'out' is not a "
	  "configuration map: the program writes into its values (line 39)" },
	{ "nomap", "", "bpfaot-cc: error: --aot-const-map: no map 'nomap' in "
	  "'tests/data/cst/config.bpf.c'" },
	{ "cfg", "0000=01\n", "/cfg.txt:1:1: error: --aot-const-map: expected KEYHEX=VALHEX with a "
	  "4-byte key" },
	{ "cfg", "\n01000000=0100000000000000\n", "/cfg.txt:2:1: error: --aot-const-map: key 1 is "
	  "past max_entries 1 of map 'cfg'" },
	{ "cfg", "00000000=01\n", "/cfg.txt:1:1: error: --aot-const-map: the value of map 'cfg' is "
	  "8 bytes (16 hex digits)" },
};

START_TEST(test_const_map_errors)
{
	const struct const_map_err *c = &const_map_errs[_i];
	char dir[64], out[OUT_SZ], want[1024];

	tmpdir_new(dir, sizeof(dir));
	write_cfg_file(dir, c->file);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' %s --aot-const-map=%s=%s/cfg.txt -c "
			       DATA "config.bpf.c -o '%s/x.o'", root, cc_bin, CC_FLAGS, c->map, dir,
			       dir), 1);
	snprintf(want, sizeof(want), "%s%s\n", c->want[0] == '/' ? dir : "", c->want);
	ck_assert_msg(!strncmp(out, want, strlen(want)), "got %s\nwant %s", out, want);
	ck_assert_int_eq(tu_sh(NULL, 0, "test ! -e '%s/x.o'", dir), 0);
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------ differential */

/* A program: its source, the sample spec giving prog, input and map sets
 * (samples/NAME.test), or the program and packet directly. */
struct diff_prog {
	const char *src;	/* relative to the root */
	const char *test;	/* samples/X.test, or NULL */
	const char *prog;	/* without a spec */
	const char *input;	/* without a spec: --data-in */
};

static const struct diff_prog diff_progs[] = {
	{ "samples/xdp_counter.bpf.c", "samples/xdp_counter.test", NULL, NULL },
	{ "samples/xdp_firewall.bpf.c", "samples/xdp_firewall.test", NULL, NULL },
	{ "samples/pkt_parser.bpf.c", "samples/pkt_parser.test", NULL, NULL },
	{ "samples/csum_rewrite.bpf.c", "samples/csum_rewrite.test", NULL, NULL },
	{ "samples/calls_globals.bpf.c", "samples/calls_globals.test", NULL, NULL },
	{ "samples/loop_sum.bpf.c", "samples/loop_sum.test", NULL, NULL },
	{ "samples/map_kinds.bpf.c", "samples/map_kinds.test", NULL, NULL },
	{ "samples/tail_dispatch.bpf.c", "samples/tail_dispatch.test", NULL, NULL },
	{ "samples/socket_filter.bpf.c", "samples/socket_filter.test", NULL, NULL },
	{ "samples/tcp_options.bpf.c", "samples/tcp_options.test", NULL, NULL },
	{ "bench/maps/array_counts.bpf.c", NULL, "array_counts", "bench/suite/input.bin" },
	{ "bench/maps/hash_counts.bpf.c", NULL, "hash_counts", "bench/suite/input.bin" },
	{ "bench/maps/config_filter.bpf.c", NULL, "config_filter", "bench/suite/input.bin" },
	{ "bench/suite/switch.bpf.c", NULL, "bench_xdp", "bench/suite/input.bin" },
	{ "bench/suite/spill.bpf.c", NULL, "bench_xdp", "bench/suite/input.bin" },
};

/* Each build of every optimisation switch, alone and together. */
static const char *const diff_flags[] = {
	"",
	"--aot-no-types",
	"--aot-no-inline-maps",
	"--aot-no-inline-helpers",
	"--aot-no-types --aot-no-inline-maps --aot-no-inline-helpers",
};

/* The bpfaot-run arguments of a spec: --prog, --data-in/--ctx-in, --map-set. */
static void spec_args(const struct diff_prog *dp, char *args, size_t size)
{
	char path[PATH_MAX], line[512];
	size_t n = 0;
	FILE *f;

	if (!dp->test) {
		ck_assert_int_lt(snprintf(args, size, "--prog=%s --data-in='%.1024s/%s'", dp->prog, root,
					  dp->input), (int)size);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", root, dp->test);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	args[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		static const char *const keys[] = { "prog", "data-in", "ctx-in", "map-set" };
		char *v, *e;
		size_t k;

		for (k = 0; k < 4; k++) {
			size_t kl = strlen(keys[k]);

			if (strncmp(line, keys[k], kl) || line[kl] != ':')
				continue;
			v = line + kl + 1 + strspn(line + kl + 1, " ");
			e = v + strcspn(v, " \t\n#");
			*e = '\0';
			if (k == 1 || k == 2)
				n += (size_t)snprintf(args + n, size - n, " --%s='%.1024s/samples/%s'",
						      keys[k], root, v);
			else
				n += (size_t)snprintf(args + n, size - n, " --%s=%s", keys[k], v);
			ck_assert_uint_lt(n, size);
		}
	}
	fclose(f);
}

/* Every switch keeps the result, the packet and the maps the interpreter
 * gives on the same object; --aot-no-types builds native code that differs
 * from the default build's. */
START_TEST(test_differential)
{
	const struct diff_prog *dp = &diff_progs[_i];
	char dir[64], args[2048], want[OUT_SZ], got[OUT_SZ];
	size_t k;

	tmpdir_new(dir, sizeof(dir));
	spec_args(dp, args, sizeof(args));
	for (k = 0; k < sizeof(diff_flags) / sizeof(diff_flags[0]); k++) {
		ck_assert_msg(tu_sh(got, sizeof(got), "cd '%s' && '%s' %s -D__TARGET_ARCH_x86 -Isamples "
				    "-Ibench/suite %s -c %s -o '%s/x%zu.o'", root, cc_bin, CC_FLAGS,
				    diff_flags[k], dp->src, dir, k) == 0,
			      "%s %s: %s", dp->src, diff_flags[k], got);
		ck_assert_int_eq(tu_sh(want, sizeof(want), "'%s' --engine=interp --dump-maps "
				       "--data-out='%s/out-i' %s '%s/x%zu.o'", run_bin, dir, args, dir, k),
				 0);
		ck_assert_msg(tu_sh(got, sizeof(got), "'%s' --engine=aot --dump-maps --data-out='%s/out-a' "
				    "%s '%s/x%zu.o'", run_bin, dir, args, dir, k) == 0,
			      "%s %s: %s", dp->src, diff_flags[k], got);
		ck_assert_msg(!strcmp(got, want), "%s %s: aot\n%s\ninterp\n%s", dp->src, diff_flags[k],
			      got, want);
		ck_assert_int_eq(tu_sh(NULL, 0, "cmp -s '%s/out-i' '%s/out-a'", dir, dir), 0);
	}
	/* the untyped build is another binary */
	ck_assert_int_eq(tu_sh(got, sizeof(got), "cd '%s' && for o in x0.o x1.o; do for s in $(readelf "
			       "-SW $o | sed -n 's/.*\\(\\.aot\\.[A-Za-z0-9_]*\\).*/\\1/p'); do "
			       "llvm-objcopy-14 --dump-section=$s=$o$s $o; llvm-objcopy-14 -O binary "
			       "--only-section=.text $o$s $o$s.text; done; done; cat x0.o.aot.*.text | "
			       "md5sum; cat x1.o.aot.*.text | md5sum", dir), 0);
	ck_assert_msg(strncmp(got, strchr(got, '\n') + 1, 32), "%s: --aot-no-types changed nothing",
		      dp->src);
	tmpdir_rm(dir);
}
END_TEST

Suite *e2e_cst_suite(void)
{
	Suite *s = suite_create("e2e_cst");
	const char *b = getenv("BUILD");
	TCase *tc;

	if (!getcwd(root, sizeof(root)))
		snprintf(root, sizeof(root), ".");
	snprintf(cc_bin, sizeof(cc_bin), "%s/%s/bin/bpfaot-cc", root, b && *b ? b : "build");
	snprintf(run_bin, sizeof(run_bin), "%s/%s/bin/bpfaot-run", root, b && *b ? b : "build");
	snprintf(map_bin, sizeof(map_bin), "%s/%s/bin/bpfaot-map", root, b && *b ? b : "build");

	tc = tcase_create("core");
	tcase_add_test(tc, test_config_map_inlined);
	tcase_add_test(tc, test_config_map_host_updates);
	tcase_add_test(tc, test_percpu_inlined);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("const");
	tcase_add_test(tc, test_const_folds);
	tcase_add_test(tc, test_const_link_check);
	tcase_add_test(tc, test_const_frozen);
	tcase_add_test(tc, test_rodata_host_updates);
	tcase_add_test(tc, test_const_map);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("differential");
	tcase_add_loop_test(tc, test_differential, 0,
			    (int)(sizeof(diff_progs) / sizeof(diff_progs[0])));
	tcase_set_timeout(tc, 600);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_const_errors, 0,
			    (int)(sizeof(const_errs) / sizeof(const_errs[0])));
	tcase_add_loop_test(tc, test_const_map_errors, 0,
			    (int)(sizeof(const_map_errs) / sizeof(const_map_errs[0])));
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(e2e_cst_suite)
