// SPDX-License-Identifier: MIT
/*
 * Check suite of the native object path: the manifest parser
 * (runtime/manifest.c), the x86-64 linker (runtime/link.c), the aot engine
 * (runtime/aot.c) and the loader's fat and bare native objects. Programs in
 * tests/data/link/ are built twice, as BPF (clang -target bpf) and as
 * bpfaot-ABI native objects (clang for x86-64, in several code models to
 * cover every relocation type), into a temp dir; a manifest section is
 * added with llvm-objcopy, and fat objects are assembled the way bpfaot-cc
 * writes them. Both engines must agree on return values and map contents.
 *
 * Run from the source tree (the data directory is tests/data/link, or
 * $BPFAOT_LINK_DATA).
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"
#include "testutil.h"

#define CFLAGS_NATIVE "-c -fno-stack-protector -fno-asynchronous-unwind-tables -ffunction-sections"
#define CFLAGS_BPF "-target bpf -O2 -g -I/usr/include/x86_64-linux-gnu"

/* Fixture state: Check fixtures communicate through file-scope variables. */
static char tmpdir[PATH_MAX];
static char logbuf[4096];
static struct rt_log tlog;
static char printed[1024];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/check_rt_link.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	logbuf[0] = '\0';
	tlog = (struct rt_log){ .buf = logbuf, .size = sizeof(logbuf) };
	printed[0] = '\0';
}

static void teardown(void)
{
	char path[PATH_MAX * 2];
	struct dirent *de;
	DIR *d = opendir(tmpdir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void reset_log(void)
{
	logbuf[0] = '\0';
	tlog.set = false;
}

static const char *data_dir(void)
{
	const char *d = getenv("BPFAOT_LINK_DATA");

	return d ? d : "tests/data/link";
}

/* TMP/name, in one of a few rotating buffers. */
static const char *tpath(const char *name)
{
	static char bufs[8][PATH_MAX + 64];
	static int n;
	char *b = bufs[n++ % 8];

	snprintf(b, PATH_MAX + 64, "%s/%s", tmpdir, name);
	return b;
}

__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "command failed (%d): %s", rc, cmd);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * Builds TMP/out from SRC (a file of tests/data/link, or an absolute path)
 * for x86-64 with flags, and adds the manifest text (NULL: none).
 */
static const char *build_native(const char *src, const char *flags, const char *manifest,
				const char *out)
{
	const char *o = tpath(out);
	char mpath[PATH_MAX + 64];

	if (src[0] == '/')
		sh("clang-14 " CFLAGS_NATIVE " %s -I%s %s -o %s", flags, data_dir(), src, o);
	else
		sh("clang-14 " CFLAGS_NATIVE " %s -I%s %s/%s -o %s", flags, data_dir(), data_dir(),
		   src, o);
	if (manifest) {
		snprintf(mpath, sizeof(mpath), "%s.manifest", o);
		write_file(mpath, manifest, strlen(manifest));
		sh("llvm-objcopy-14 --add-section " BPFAOT_MANIFEST_SEC "=%s %s", mpath, o);
	}
	return o;
}

static const char *build_bpf(const char *src, const char *out)
{
	const char *o = tpath(out);

	sh("clang-14 " CFLAGS_BPF " -I%s -c %s/%s -o %s", data_dir(), data_dir(), src, o);
	return o;
}

/* bpf + .aot.<prog> sections: sections is "prog=path prog=path". */
static const char *build_fat(const char *bpf, const char *progs[], const char *natives[], int n,
			     const char *out)
{
	char args[4096] = "";
	const char *o = tpath(out);
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++)
		len += snprintf(args + len, sizeof(args) - len, " --add-section " BPFAOT_FAT_SEC_PREFIX
				"%s=%s", progs[i], natives[i]);
	sh("llvm-objcopy-14%s %s %s", args, bpf, o);
	return o;
}

static void capture_print(void *cookie, const char *text, size_t len)
{
	size_t have = strlen(printed);

	if (have + len >= sizeof(printed))
		len = sizeof(printed) - have - 1;
	memcpy(printed + have, text, len);
	printed[have + len] = '\0';
}

static struct bpfaot_object *open_ok(const char *path)
{
	BPFAOT_OPTS(bpfaot_open_opts, o, .log_buf = logbuf, .log_size = sizeof(logbuf));
	struct bpfaot_object *obj = bpfaot_object__open(path, &o);

	ck_assert_msg(obj, "open %s: %s", path, logbuf);
	return obj;
}

/* Runs prog on engine with data; returns the error, *ret the result. */
static int run_prog(struct bpfaot_object *obj, const char *prog, enum bpfaot_engine engine,
		    const void *data, uint32_t size, uint64_t *ret)
{
	BPFAOT_OPTS(bpfaot_run_opts, o, .engine = engine, .data_in = data, .data_size_in = size,
		    .log_buf = logbuf, .log_size = sizeof(logbuf), .print = capture_print);
	struct bpfaot_prog *p = bpfaot_object__find_prog(obj, prog);
	int err;

	ck_assert_msg(p, "no program '%s'", prog);
	reset_log();
	err = bpfaot_prog__run(p, &o);
	*ret = o.retval;
	return err;
}

static uint64_t run_ok(struct bpfaot_object *obj, const char *prog, enum bpfaot_engine engine,
		       const void *data, uint32_t size)
{
	uint64_t r = 0;
	int err = run_prog(obj, prog, engine, data, size, &r);

	ck_assert_msg(err == 0, "run %s on %s: %d %s", prog, bpfaot_engine__name(engine), err,
		      logbuf);
	return r;
}

static uint64_t map_u64(struct bpfaot_object *obj, const char *map, uint32_t key)
{
	struct bpfaot_map *m = bpfaot_object__find_map(obj, map);
	uint64_t v = 0;

	ck_assert_msg(m, "no map '%s'", map);
	if (bpfaot_map__lookup(m, &key, &v))
		return UINT64_MAX; /* absent */
	return v;
}

/* ------------------------------------------------------------ manifests */

#define MF_HDR "bpfaot-manifest 1\n"
#define MF_LOOKUP                                                                                  \
	"helper id=1 name=bpf_map_lookup_elem ret=ptr args=ptr,ptr "                               \
	"proto=void *bpf_map_lookup_elem(void *map, const void *key)\n"
#define MF_UPDATE                                                                                  \
	"helper id=2 name=bpf_map_update_elem ret=scalar args=ptr,ptr,ptr,scalar "                 \
	"proto=long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags)\n"
#define MF_COUNT_PROG "prog name=xdp_count section=xdp type=6 ctx=xdp stack=64\n"
#define MF_COUNT_MAPS                                                                              \
	"map name=counts type=1 key=4 value=8 max=16 flags=0 inlined=0\n"                          \
	"map name=stats type=2 key=4 value=8 max=4 flags=0 inlined=1\n"
#define MF_COUNT_GLOBALS                                                                           \
	"global name=weight section=.rodata offset=0 size=4 init=03000000\n"                       \
	"global name=hits section=.bss offset=0 size=8\n"

static const char mf_count[] =
	MF_HDR MF_COUNT_PROG MF_LOOKUP MF_UPDATE MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";

static const char mf_loop[] =
	MF_HDR "prog name=tc_loop section=tc type=3 ctx=skb stack=32\n"
	"helper id=181 name=bpf_loop ret=scalar args=scalar,ptr,ptr,scalar "
	"proto=long bpf_loop(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags)\n"
	"end\n";

static const char mf_tail_a[] =
	MF_HDR "prog name=tail_a section=xdp type=6 ctx=xdp stack=0\n"
	"helper id=12 name=bpf_tail_call ret=scalar args=ptr,ptr,scalar\n"
	"map name=jmp type=3 key=4 value=4 max=2 flags=0 inlined=0\n"
	"end\n";

static const char mf_tail_b[] = MF_HDR "prog name=tail_b section=xdp type=6 ctx=xdp stack=0\nend\n";

static const char mf_calc[] =
	MF_HDR "prog name=calc section=.text type=0 ctx=mem stack=16\n"
	"helper id=6 name=bpf_trace_printk ret=scalar args=ptr,scalar,... "
	"proto=long bpf_trace_printk(const char *fmt, __u32 fmt_size, ...)\n"
	"end\n";

/* An XDP packet: p[12] selects the counts key, p[13] the stats slot. */
static uint8_t pkt[64] = { [12] = 0x05, [13] = 0x02 };

/* ---------------------------------------------------------------- core */

/* The fat object: bytecode and native code of the same source, run on
 * the interpreter and on aot from two opens; results and maps agree. */
START_TEST(test_fat_count)
{
	const char *nat = build_native("count.c", "-O2", mf_count, "count.o");
	const char *bpf = build_bpf("count.c", "count.bpf.o");
	const char *progs[] = { "xdp_count" }, *nats[] = { nat };
	const char *fat = build_fat(bpf, progs, nats, 1, "fat.o");
	struct bpfaot_object *oi = open_ok(fat), *oa = open_ok(fat);
	enum bpfaot_engine eng[2] = { BPFAOT_ENGINE_INTERP, BPFAOT_ENGINE_AOT };
	struct bpfaot_object *objs[2] = { oi, oa };
	uint32_t zero = 0, seven = 7;
	int e, k;

	for (e = 0; e < 2; e++) {
		/* the .rodata map is what native code reads */
		ck_assert_int_eq(bpfaot_map__update(bpfaot_object__find_map(objs[e], ".rodata"),
						    &zero, &seven, 0),
				 0);
		ck_assert_uint_eq(run_ok(objs[e], "xdp_count", eng[e], pkt, sizeof(pkt)), XDP_PASS);
		ck_assert_uint_eq(run_ok(objs[e], "xdp_count", eng[e], pkt, sizeof(pkt)), XDP_PASS);
		ck_assert_uint_eq(map_u64(objs[e], "counts", 5), 14);
		ck_assert_uint_eq(map_u64(objs[e], ".bss", 0), 2);
		ck_assert_uint_eq(map_u64(objs[e], "stats", 2), 3);
	}
	for (k = 0; k < 16; k++)
		ck_assert_uint_eq(map_u64(oi, "counts", k), map_u64(oa, "counts", k));
	for (k = 0; k < 4; k++)
		ck_assert_uint_eq(map_u64(oi, "stats", k), map_u64(oa, "stats", k));
	pkt[12] = 0x10; /* key 0: XDP_DROP */
	ck_assert_uint_eq(run_ok(oa, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)), XDP_DROP);
	ck_assert_uint_eq(run_ok(oi, "xdp_count", BPFAOT_ENGINE_INTERP, pkt, sizeof(pkt)), XDP_DROP);
	ck_assert_uint_eq(map_u64(oa, "counts", 0), 7);
	pkt[12] = 0x05;
	bpfaot_object__close(oi);
	bpfaot_object__close(oa);
}
END_TEST

/* An object as llvmbpf's `bpftime-vm build` writes it (no manifest; maps
 * by index through the lddw helpers) as the .aot section of count.c's BPF
 * object: the same results as the interpreter on the bytecode. */
START_TEST(test_bpftime_style)
{
	const char *nat = build_native("bpftime.c", "-O2", NULL, "bpftime.o");
	const char *bpf = build_bpf("count.c", "count2.bpf.o");
	const char *progs[] = { "xdp_count" }, *nats[] = { nat };
	const char *fat = build_fat(bpf, progs, nats, 1, "fat_bpftime.o");
	struct bpfaot_object *oi = open_ok(fat), *oa = open_ok(fat);
	int k, n;

	for (n = 0; n < 3; n++) {
		ck_assert_uint_eq(run_ok(oi, "xdp_count", BPFAOT_ENGINE_INTERP, pkt, sizeof(pkt)),
				  XDP_PASS);
		ck_assert_uint_eq(run_ok(oa, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)),
				  XDP_PASS);
	}
	/* weight 3 three times into counts[5]; hits 1+2+3 into stats[2] */
	ck_assert_uint_eq(map_u64(oa, "counts", 5), 9);
	ck_assert_uint_eq(map_u64(oa, "stats", 2), 6);
	for (k = 0; k < 16; k++)
		ck_assert_uint_eq(map_u64(oi, "counts", k), map_u64(oa, "counts", k));
	for (k = 0; k < 4; k++)
		ck_assert_uint_eq(map_u64(oi, "stats", k), map_u64(oa, "stats", k));
	ck_assert_uint_eq(map_u64(oi, ".bss", 0), map_u64(oa, ".bss", 0));
	bpfaot_object__close(oi);
	bpfaot_object__close(oa);
}
END_TEST

/* A bare native object: maps and global data come from the manifest. */
START_TEST(test_bare_native)
{
	const char *nat = build_native("count.c", "-O2", mf_count, "count.o");
	struct bpfaot_object *obj = open_ok(nat);
	struct bpfaot_prog *p = bpfaot_object__next_prog(obj, NULL);
	uint64_t r;

	ck_assert_str_eq(bpfaot_prog__name(p), "xdp_count");
	ck_assert_str_eq(bpfaot_prog__section(p), "xdp");
	ck_assert_uint_eq(bpfaot_prog__insn_cnt(p), 0);
	ck_assert_uint_eq(bpfaot_map__value_size(bpfaot_object__find_map(obj, ".rodata")), 4);
	ck_assert_uint_eq(map_u64(obj, ".rodata", 0) & 0xffffffff, 3); /* init= */
	ck_assert_uint_eq(run_ok(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)), XDP_PASS);
	ck_assert_uint_eq(run_ok(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)), XDP_PASS);
	ck_assert_uint_eq(map_u64(obj, "counts", 5), 6);
	ck_assert_uint_eq(map_u64(obj, ".bss", 0), 2);
	ck_assert_uint_eq(map_u64(obj, "stats", 2), 3);
	/* no bytecode: the other engines refuse cleanly */
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_INTERP, pkt, sizeof(pkt), &r),
			 -ENOTSUP);
	ck_assert_str_eq(logbuf, "program 'xdp_count' has no bytecode");
	bpfaot_object__close(obj);
}
END_TEST

static uint64_t calc_step(uint64_t acc, uint8_t b)
{
	switch (b % 7) {
	case 0: return acc + b;
	case 1: return acc * 3;
	case 2: return acc ^ 0x55;
	case 3: return acc - 7;
	case 4: return acc << 1;
	case 5: return acc | 0x100;
	default: return acc + 1000;
	}
}

/* Adds the relocation types of a native object to seen[]. */
static void note_relocs(const char *path, bool seen[64])
{
	struct rt_elf elf;
	size_t len, s, k;
	uint8_t *buf = read_file(path, &len);

	ck_assert_int_eq(rt_elf__parse(&elf, buf, len, path, &tlog), 0);
	for (s = 0; s < elf.nr_secs; s++) {
		struct rt_elf_rel *rels;
		size_t n;

		if (elf.secs[s].type != SHT_RELA)
			continue;
		ck_assert_int_eq(rt_elf__relocs(&elf, s, &rels, &n, &tlog), 0);
		for (k = 0; k < n; k++)
			if (rels[k].type < 64)
				seen[rels[k].type] = true;
		free(rels);
	}
	rt_elf__release(&elf);
	free(buf);
}

/* Every optimisation level and code model links and runs; together they
 * use every relocation type the linker supports. */
START_TEST(test_variants)
{
	static const char *const count_flags[] = {
		"-O0", "-O2", "-O3", "-O2 -fPIC", "-O2 -fno-plt", "-O2 -Wa,-mrelax-relocations=no",
		"-O2 -mcmodel=large", "-O3 -mcmodel=large -fno-pic",
	};
	static const char *const calc_flags[] = {
		"-O0", "-O2", "-O3 -fPIC", "-O2 -fno-pic", "-O0 -fno-pic", "-O2 -fno-plt",
		"-O2 -mcmodel=large", "-O2 -mcmodel=large -fno-pic",
	};
	static const uint32_t need[] = {
		R_X86_64_64, R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_32, R_X86_64_32S,
		R_X86_64_GOTPCREL, 41 /* GOTPCRELX */, 42 /* REX_GOTPCRELX */,
		R_X86_64_GOT64, R_X86_64_GOTPC64, R_X86_64_GOTOFF64,
	};
	uint8_t mem[40];
	bool seen[64] = { false };
	uint64_t want = 1;
	char expect[64];
	size_t i;

	for (i = 0; i < sizeof(mem); i++) {
		mem[i] = (uint8_t)(i * 37 + 11);
		want = calc_step(want, mem[i]);
	}
	snprintf(expect, sizeof(expect), "acc=%llu\n", (unsigned long long)want);
	for (i = 0; i < sizeof(count_flags) / sizeof(count_flags[0]); i++) {
		const char *nat = build_native("count.c", count_flags[i], mf_count, "v.o");
		struct bpfaot_object *obj = open_ok(nat);

		note_relocs(nat, seen);
		run_ok(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt));
		ck_assert_uint_eq(run_ok(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)),
				  XDP_PASS);
		ck_assert_msg(map_u64(obj, "counts", 5) == 6, "%s: counts[5] = %llu", count_flags[i],
			      (unsigned long long)map_u64(obj, "counts", 5));
		ck_assert_uint_eq(map_u64(obj, "stats", 2), 3);
		bpfaot_object__close(obj);
		unlink(nat);
	}
	for (i = 0; i < sizeof(calc_flags) / sizeof(calc_flags[0]); i++) {
		const char *nat = build_native("calc.c", calc_flags[i], mf_calc, "c.o");
		struct bpfaot_object *obj = open_ok(nat);

		note_relocs(nat, seen);
		printed[0] = '\0';
		ck_assert_msg(run_ok(obj, "calc", BPFAOT_ENGINE_AOT, mem, sizeof(mem)) == want,
			      "%s: wrong result", calc_flags[i]);
		ck_assert_str_eq(printed, expect);
		bpfaot_object__close(obj);
		unlink(nat);
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		ck_assert_msg(seen[need[i]], "no object used relocation type %u", need[i]);
}
END_TEST

/* bpf_loop calls back into native code. */
START_TEST(test_callback_loop)
{
	const char *nat = build_native("loop.c", "-O2", mf_loop, "loop.o");
	const char *bpf = build_bpf("loop.c", "loop.bpf.o");
	const char *progs[] = { "tc_loop" }, *nats[] = { nat };
	const char *fat = build_fat(bpf, progs, nats, 1, "fat.o");
	struct bpfaot_object *obj = open_ok(fat);
	uint64_t want = 45 * sizeof(pkt) + 10 * 1000;

	ck_assert_uint_eq(run_ok(obj, "tc_loop", BPFAOT_ENGINE_INTERP, pkt, sizeof(pkt)), want);
	ck_assert_uint_eq(run_ok(obj, "tc_loop", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)), want);
	bpfaot_object__close(obj);
}
END_TEST

/* A tail call from one program's native code to another's. */
START_TEST(test_tail_call)
{
	const char *na = build_native("tail.c", "-O2 -DTAIL_A", mf_tail_a, "tail_a.o");
	const char *nb = build_native("tail.c", "-O2 -DTAIL_B", mf_tail_b, "tail_b.o");
	const char *bpf = build_bpf("tail.c", "tail.bpf.o");
	const char *progs[] = { "tail_a", "tail_b" }, *nats[] = { na, nb };
	const char *fat = build_fat(bpf, progs, nats, 2, "fat.o");
	struct bpfaot_object *obj = open_ok(fat);
	uint8_t p[32] = { 2 };

	ck_assert_uint_eq(run_ok(obj, "tail_a", BPFAOT_ENGINE_INTERP, p, sizeof(p)), 42);
	ck_assert_uint_eq(run_ok(obj, "tail_a", BPFAOT_ENGINE_AOT, p, sizeof(p)), 42);
	ck_assert_uint_eq(run_ok(obj, "tail_a", BPFAOT_ENGINE_AOT, p, sizeof(p)), 42);
	ck_assert_uint_eq(run_ok(obj, "tail_b", BPFAOT_ENGINE_AOT, p, sizeof(p)), 42);
	bpfaot_object__close(obj);
}
END_TEST

/* Load + link takes microseconds: measured and printed, not asserted. */
START_TEST(test_link_time)
{
	const char *nat = build_native("count.c", "-O2", mf_count, "count.o");
	struct rt_object *obj;
	struct timespec t0, t1;
	size_t len, image, got, stubs;
	uint8_t *buf = read_file(nat, &len);
	struct rt_native *n = NULL;
	const int rounds = 200;
	double link_us, open_us;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++) {
		obj = rt_object__open_mem(buf, len, "count.o", NULL, &tlog);
		ck_assert_msg(obj, "%s", logbuf);
		rt_object__free(obj);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	open_us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / rounds / 1e3;
	obj = rt_object__open_mem(buf, len, "count.o", NULL, &tlog);
	ck_assert_ptr_nonnull(obj);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++) {
		rt_native__free(n);
		n = rt_native__link(buf, len, "count.o", obj, &obj->progs[0], &tlog);
		ck_assert_msg(n, "%s", logbuf);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	link_us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / rounds / 1e3;
	rt_native__stats(n, &image, &got, &stubs);
	printf("rt_link: count.o (%zu bytes): link %.1f us, open+link %.1f us; image %zu bytes, %zu GOT entries, %zu stubs\n",
	       len, link_us, open_us, image, got, stubs);
	ck_assert_uint_gt(got, 0);
	rt_native__free(n);
	rt_object__free(obj);
	free(buf);
}
END_TEST

/* -------------------------------------------------------------- errors */

/* Opens bytes that must be refused with err and exactly msg. */
static void open_mem_fails(const void *data, size_t len, const char *name, int err,
			   const char *msg)
{
	struct rt_object *obj;

	reset_log();
	obj = rt_object__open_mem(data, len, name, NULL, &tlog);
	ck_assert_msg(!obj, "%s: opened", name);
	ck_assert_msg(errno == -err, "%s: errno %d, want %d (%s)", name, errno, -err, logbuf);
	ck_assert_str_eq(logbuf, msg);
}

static void open_fails(const char *path, const char *name, int err, const char *msg)
{
	size_t len;
	uint8_t *buf = read_file(path, &len);

	open_mem_fails(buf, len, name, err, msg);
	free(buf);
}

START_TEST(test_unknown_reloc)
{
	const char *nat = build_native("count.c", "-O2", mf_count, "count.o");
	struct rt_elf elf;
	size_t len, s;
	uint8_t *buf = read_file(nat, &len);
	char msg[256];

	ck_assert_int_eq(rt_elf__parse(&elf, buf, len, nat, &tlog), 0);
	for (s = 0; s < elf.nr_secs; s++)
		if (elf.secs[s].type == SHT_RELA && elf.secs[s].size &&
		    (elf.secs[elf.secs[s].info].flags & SHF_EXECINSTR))
			break;
	ck_assert_uint_lt(s, elf.nr_secs);
	/* reloc #1's r_info type (low 32 bits) becomes 250 */
	buf[(elf.secs[s].data - buf) + sizeof(Elf64_Rela) + offsetof(Elf64_Rela, r_info)] = 250;
	snprintf(msg, sizeof(msg), "count.o: reloc #1 in '%s': unsupported type 250",
		 elf.secs[s].name);
	rt_elf__release(&elf);
	open_mem_fails(buf, len, "count.o", -ENOTSUP, msg);
	free(buf);
}
END_TEST

START_TEST(test_missing_helper)
{
	static const char mf[] = MF_HDR MF_COUNT_PROG MF_LOOKUP MF_UPDATE
		"helper id=212 name=bpf_foo ret=scalar args=\n" MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";
	static const char src[] = "#include <stdint.h>\n"
				  "extern long _bpf_helper_ext_0212(void);\n"
				  "uint64_t bpf_main(void *c, uint64_t n) { return _bpf_helper_ext_0212(); }\n";
	const char *nat = build_native("count.c", "-O2", mf, "count.o");
	const char *csrc = tpath("foo.c");

	open_fails(nat, "count.o", -ENOTSUP,
		   "count.o: helper 212 ('bpf_foo') is not provided by the runtime");
	/* the same from the symbol alone */
	write_file(csrc, src, strlen(src));
	nat = build_native(csrc, "-O2", MF_HDR "prog name=f section=.text type=0 ctx=mem stack=0\n"
				       "helper id=212 name=bpf_bar ret=scalar args=\nend\n", "foo.o");
	open_fails(nat, "foo.o", -ENOTSUP,
		   "foo.o: helper 212 ('bpf_bar') is not provided by the runtime");
}
END_TEST

START_TEST(test_proto_mismatch)
{
	static const char mf_ret[] = MF_HDR MF_COUNT_PROG MF_LOOKUP
		"helper id=2 name=bpf_map_update_elem ret=ptr args=ptr,ptr,ptr,scalar\n"
		MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";
	static const char mf_arg[] = MF_HDR MF_COUNT_PROG MF_LOOKUP
		"helper id=2 name=bpf_map_update_elem ret=scalar args=ptr,ptr,ptr,ptr\n"
		MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";
	static const char mf_cnt[] = MF_HDR MF_COUNT_PROG
		"helper id=1 name=bpf_map_lookup_elem ret=ptr args=ptr\n" MF_UPDATE
		MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";
	static const char mf_name[] = MF_HDR MF_COUNT_PROG
		"helper id=1 name=bpf_map_update_elem ret=ptr args=ptr,ptr\n" MF_UPDATE
		MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";
	/* a helper pointer of another name and a long for the pointer: by id */
	static const char mf_alias[] = MF_HDR MF_COUNT_PROG
		"helper id=1 name=lookup ret=scalar args=ptr,ptr proto=long lookup(void *, const void *)\n"
		MF_UPDATE MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";
	struct bpfaot_object *obj;

	open_fails(build_native("count.c", "-O2", mf_ret, "a.o"), "a.o", -EINVAL,
		   "a.o: helper 2 ('bpf_map_update_elem'): prototype differs: returns ptr in the object, scalar in the runtime");
	open_fails(build_native("count.c", "-O2", mf_arg, "b.o"), "b.o", -EINVAL,
		   "b.o: helper 2 ('bpf_map_update_elem'): prototype differs: argument 4 is ptr in the object, scalar in the runtime");
	open_fails(build_native("count.c", "-O2", mf_cnt, "c.o"), "c.o", -EINVAL,
		   "c.o: helper 1 ('bpf_map_lookup_elem'): prototype differs: 1 arguments in the object, 2 in the runtime");
	open_fails(build_native("count.c", "-O2", mf_name, "d.o"), "d.o", -EINVAL,
		   "d.o: helper 1 is 'bpf_map_update_elem' in the object, 'bpf_map_lookup_elem' in the runtime");
	obj = open_ok(build_native("count.c", "-O2", mf_alias, "e.o"));
	ck_assert_uint_eq(run_ok(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)), XDP_PASS);
	bpfaot_object__close(obj);
}
END_TEST

/* The fat object's maps come from its BTF; the native manifest must agree. */
START_TEST(test_map_mismatch)
{
	static const char mf[] = MF_HDR MF_COUNT_PROG MF_LOOKUP MF_UPDATE
		"map name=counts type=1 key=4 value=16 max=16 flags=0 inlined=0\n"
		"map name=stats type=2 key=4 value=8 max=4 flags=0 inlined=1\n" MF_COUNT_GLOBALS
		"end\n";
	static const char mf_type[] = MF_HDR MF_COUNT_PROG MF_LOOKUP MF_UPDATE
		"map name=counts type=2 key=4 value=8 max=16 flags=0 inlined=0\n"
		"map name=stats type=2 key=4 value=8 max=4 flags=0 inlined=1\n" MF_COUNT_GLOBALS
		"end\n";
	static const char mf_glob[] = MF_HDR MF_COUNT_PROG MF_LOOKUP MF_UPDATE MF_COUNT_MAPS
		"global name=weight section=.rodata offset=2 size=4\n"
		"global name=hits section=.bss offset=0 size=8\nend\n";
	const char *bpf = build_bpf("count.c", "count.bpf.o");
	const char *progs[] = { "xdp_count" }, *nats[1];
	struct bpfaot_object *obj;
	uint64_t r;

	nats[0] = build_native("count.c", "-O2", mf, "count.o");
	obj = open_ok(build_fat(bpf, progs, nats, 1, "fat.o"));
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt), &r),
			 -EINVAL);
	ck_assert_str_eq(strstr(logbuf, "(.aot"),
			 "(.aot.xdp_count): map 'counts': value size 16 in the object, 8 in the runtime");
	/* the bytecode still runs */
	ck_assert_uint_eq(run_ok(obj, "xdp_count", BPFAOT_ENGINE_INTERP, pkt, sizeof(pkt)),
			  XDP_PASS);
	bpfaot_object__close(obj);

	nats[0] = build_native("count.c", "-O2", mf_type, "count2.o");
	obj = open_ok(build_fat(bpf, progs, nats, 1, "fat2.o"));
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt), &r),
			 -EINVAL);
	ck_assert_str_eq(strstr(logbuf, "(.aot"),
			 "(.aot.xdp_count): map 'counts': type 2 in the object, 1 in the runtime");
	bpfaot_object__close(obj);

	nats[0] = build_native("count.c", "-O2", mf_glob, "count3.o");
	obj = open_ok(build_fat(bpf, progs, nats, 1, "fat3.o"));
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt), &r),
			 -EINVAL);
	ck_assert_str_eq(strstr(logbuf, "(.aot"),
			 "(.aot.xdp_count): global 'weight': offset 2 size 4 is outside map '.rodata' (4 bytes)");
	bpfaot_object__close(obj);
}
END_TEST

/* __bpfaot_htab_v1_M binds to hash map M's view (abi.h): 16 entries make
 * 16 buckets, mask 15; not slow (private maps); the map itself. An array
 * has none, and a hash no per-CPU array view and no queue view. (The queue
 * view's contents: test_queue_inlined of check_e2e_cc.) */
START_TEST(test_htab_view)
{
	static const char src[] =
		"#include <stdint.h>\n"
		"#include \"bpfaot/abi.h\"\n"
		"extern struct bpfaot_htab " BPFAOT_HTAB_PREFIX "%s;\n"
		"uint64_t bpf_main(void *c, uint64_t n) {\n"
		"\tconst struct bpfaot_htab *h = &" BPFAOT_HTAB_PREFIX "%s;\n"
		"\treturn h->bucket_mask + 100 * h->slow + (h->map ? 1000 : 0) +\n"
		"\t       (h->node_size == 32 ? 10000 : 0);\n}\n";
	static const struct {
		const char *prefix, *kind;
	} others[] = { { BPFAOT_PCPU_ARRAY_PREFIX, "per-CPU array" },
		       { BPFAOT_QUEUE_PREFIX, "queue or stack" } };
	char text[1024], path[PATH_MAX];
	struct bpfaot_object *obj;
	const char *nat;
	size_t i;

	snprintf(text, sizeof(text), src, "counts", "counts");
	snprintf(path, sizeof(path), "%s", tpath("htab.c"));
	write_file(path, text, strlen(text));
	nat = build_native(path, "-O2 -Iinclude", mf_count, "htab.o");
	obj = open_ok(nat);
	/* node: 24 bytes of links and hash, then the 4-byte key rounded up to 8 */
	ck_assert_uint_eq(run_ok(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt)), 11015);
	bpfaot_object__close(obj);

	snprintf(text, sizeof(text), src, "stats", "stats");
	write_file(path, text, strlen(text));
	open_fails(build_native(path, "-O2 -Iinclude", mf_count, "htab2.o"),
		   "htab2.o", -ENOENT,
		   "htab2.o: symbol '__bpfaot_htab_v1_stats': no hash map 'stats' in the runtime object");
	/* a hash map has no view of the other kinds */
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char obj_name[16], want[256];

		snprintf(text, sizeof(text),
			 "#include <stdint.h>\n"
			 "extern char %scounts[];\n"
			 "uint64_t bpf_main(void *c, uint64_t n) { return (uintptr_t)%scounts; }\n",
			 others[i].prefix, others[i].prefix);
		write_file(path, text, strlen(text));
		snprintf(obj_name, sizeof(obj_name), "view%zu.o", i);
		snprintf(want, sizeof(want), "%s: symbol '%scounts': no %s map 'counts' in the "
			 "runtime object", obj_name, others[i].prefix, others[i].kind);
		open_fails(build_native(path, "-O2", mf_count, obj_name), obj_name, -ENOENT, want);
	}
}
END_TEST

START_TEST(test_unresolved)
{
	static const char src[] = "#include <stdint.h>\n"
				  "extern int foo;\n"
				  "uint64_t bpf_main(void *c, uint64_t n) { return foo; }\n";
	static const char nomain[] = "int other(void) { return 1; }\n";
	static const char mf[] = MF_HDR "prog name=f section=.text type=0 ctx=mem stack=0\nend\n";
	static const char mf_nostats[] = MF_HDR MF_COUNT_PROG MF_LOOKUP MF_UPDATE
		"map name=counts type=1 key=4 value=8 max=16 flags=0 inlined=0\n" MF_COUNT_GLOBALS
		"end\n";
	const char *csrc = tpath("foo.c"), *msrc = tpath("nomain.c");

	write_file(csrc, src, strlen(src));
	open_fails(build_native(csrc, "-O2", mf, "foo.o"), "foo.o", -ENOENT,
		   "foo.o: symbol 'foo' is unresolved");
	write_file(msrc, nomain, strlen(nomain));
	open_fails(build_native(msrc, "-O2", mf, "nomain.o"), "nomain.o", -ENOENT,
		   "nomain.o: entry 'bpf_main' is not defined");
	open_fails(build_native("count.c", "-O2", mf_nostats, "count.o"), "count.o", -EINVAL,
		   "count.o: symbol '__bpfaot_map_values_stats' is not in the manifest");
	/* out of reach: non-PIC code with 32-bit references to runtime memory */
	reset_log();
	{
		size_t len;
		uint8_t *buf = read_file(build_native("count.c", "-O2 -fno-pic", mf_count, "np.o"),
					 &len);

		ck_assert_ptr_null(rt_object__open_mem(buf, len, "np.o", NULL, &tlog));
		ck_assert_int_eq(errno, ERANGE);
		ck_assert_msg(strstr(logbuf, "is out of range for R_X86_64_") &&
				      strstr(logbuf, "(compile with -fPIC or -mcmodel=large)"),
			      "%s", logbuf);
		free(buf);
	}
}
END_TEST

/* A fat object whose .aot section is cut short or corrupted. */
START_TEST(test_bad_aot_section)
{
	const char *nat = build_native("count.c", "-O2", mf_count, "count.o");
	const char *bpf = build_bpf("count.c", "count.bpf.o");
	const char *cut = tpath("cut.o"), *bad = tpath("bad.o");
	const char *progs[] = { "xdp_count" }, *nats[1];
	struct bpfaot_object *obj;
	size_t len;
	uint8_t *buf = read_file(nat, &len);
	char *p;
	uint64_t r;

	write_file(cut, buf, len / 2);
	buf[1] = 'X';
	write_file(bad, buf, len);
	free(buf);

	nats[0] = cut;
	obj = open_ok(build_fat(bpf, progs, nats, 1, "fat.o"));
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt), &r),
			 -ENOEXEC);
	p = strstr(logbuf, "fat.o(");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "fat.o(.aot.xdp_count): section headers out of bounds");
	bpfaot_object__close(obj);

	nats[0] = bad;
	obj = open_ok(build_fat(bpf, progs, nats, 1, "fat2.o"));
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt), &r),
			 -ENOEXEC);
	p = strstr(logbuf, "fat2.o(");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "fat2.o(.aot.xdp_count): not an ELF file");
	bpfaot_object__close(obj);

	/* no native code at all */
	obj = open_ok(bpf);
	ck_assert_int_eq(run_prog(obj, "xdp_count", BPFAOT_ENGINE_AOT, pkt, sizeof(pkt), &r),
			 -ENOTSUP);
	ck_assert_str_eq(logbuf, "program 'xdp_count' has no native code (compile it with bpfaot-cc)");
	bpfaot_object__close(obj);

	/* a section for a program that does not exist */
	progs[0] = "nope";
	nats[0] = nat;
	open_fails(build_fat(bpf, progs, nats, 1, "fat3.o"), "fat3.o", -ENOENT,
		   "fat3.o: section '.aot.nope': no program 'nope'");
}
END_TEST

struct mf_case {
	const char *text;
	size_t len;		/* NUL bytes are part of some cases */
	int err;
	const char *msg;	/* NULL: accepted */
};

#define MFC(text, err, msg) { text, sizeof(text) - 1, err, msg }

#define PROG_OK "prog name=p section=xdp type=6 ctx=xdp stack=8\n"

static const struct mf_case mf_cases[] = {
	MFC("", -EINVAL, "m: manifest is empty"),
	MFC("hello\n", -EINVAL, "m: manifest line 1: not a bpfaot manifest (expected 'bpfaot-manifest 1')"),
	MFC("bpfaot-manifest 2\n" PROG_OK "end\n", -EINVAL,
	  "m: manifest line 1: unsupported manifest version 2 (this runtime reads 1)"),
	MFC("bpfaot-manifest x\n", -EINVAL,
	  "m: manifest line 1: 'version': 'x' is not a 32-bit unsigned number"),
	MFC(MF_HDR PROG_OK "frob x=1\nend\n", -EINVAL, "m: manifest line 3: unknown record 'frob'"),
	MFC(MF_HDR PROG_OK, -EINVAL, "m: manifest line 2: missing 'end' record (truncated?)"),
	MFC(MF_HDR "end\n", -EINVAL, "m: manifest has no 'prog' record"),
	MFC(MF_HDR PROG_OK PROG_OK "end\n", -EINVAL, "m: manifest line 3: second 'prog' record"),
	MFC(MF_HDR "prog name=p section=xdp type=6 ctx=xdp\nend\n", -EINVAL,
	  "m: manifest line 2: 'prog' record without 'stack='"),
	MFC(MF_HDR "prog name=p section=xdp type=6 ctx=web stack=0\nend\n", -EINVAL,
	  "m: manifest line 2: 'ctx': 'web' is not mem, xdp, skb, regs or raw"),
	MFC(MF_HDR "prog name=p section=xdp type=6 ctx=xdp stack=0 march=znver2\nend\n", -EINVAL,
	  "m: manifest line 2: 'march': 'znver2' is not x86-64, x86-64-v2, x86-64-v3 or x86-64-v4"),
	MFC(MF_HDR "prog name=p name=q section=xdp type=6 ctx=xdp stack=0\nend\n", -EINVAL,
	  "m: manifest line 2: key 'name' given twice"),
	MFC(MF_HDR "prog name=p section=xdp type=-6 ctx=xdp stack=0\nend\n", -EINVAL,
	  "m: manifest line 2: 'type': '-6' is not a 32-bit unsigned number"),
	MFC(MF_HDR "prog name=p section=xdp type=4294967296 ctx=xdp stack=0\nend\n", -EINVAL,
	  "m: manifest line 2: 'type': '4294967296' is not a 32-bit unsigned number"),
	MFC(MF_HDR "prog name=p section=xdp junk type=6 ctx=xdp stack=0\nend\n", -EINVAL,
	  "m: manifest line 2: expected key=value, got 'junk'"),
	MFC(MF_HDR "prog name= section=xdp type=6 ctx=xdp stack=0\nend\n", -EINVAL,
	  "m: manifest line 2: 'name': name of 0 bytes (1 to 255 allowed)"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=int args=\nend\n", -EINVAL,
	  "m: manifest line 3: 'ret': 'int' is not void, ptr or scalar"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=void args=void\nend\n", -EINVAL,
	  "m: manifest line 3: 'args': 'void' is not ptr or scalar"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=ptr args=ptr,...,ptr\nend\n", -EINVAL,
	  "m: manifest line 3: 'args': '...' must be the last argument"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=ptr args=ptr,\nend\n", -EINVAL,
	  "m: manifest line 3: 'args': '' is not ptr or scalar"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=ptr args=ptr,ptr,ptr,ptr,ptr,ptr\nend\n", -EINVAL,
	  "m: manifest line 3: 'args': more than 5 arguments"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=ptr\nend\n", -EINVAL,
	  "m: manifest line 3: 'helper' record without 'args='"),
	MFC(MF_HDR PROG_OK "helper id=1 name=h ret=ptr args=\nhelper id=1 name=h ret=ptr args=\nend\n",
	  -EINVAL, "m: manifest line 4: helper 1 listed twice (first on line 3)"),
	MFC(MF_HDR PROG_OK "map name=m type=1 key=4 value=8 max=1 flags=0\nend\n", -EINVAL,
	  "m: manifest line 3: 'map' record without 'inlined='"),
	MFC(MF_HDR PROG_OK "map name=m type=1 key=4 value=8 max=1 flags=0 inlined=2\nend\n", -EINVAL,
	  "m: manifest line 3: 'inlined': 2 is not 0 or 1"),
	MFC(MF_HDR PROG_OK "map name=0123456789012345678901234567890123456789012345678901234567890123 "
	  "type=1 key=4 value=8 max=1 flags=0 inlined=0\nend\n",
	  -EINVAL, "m: manifest line 3: 'name': name of 64 bytes (1 to 63 allowed)"),
	MFC(MF_HDR PROG_OK "map name=m type=1 key=4 value=8 max=1 flags=0 inlined=0\n"
	  "map name=m type=1 key=4 value=8 max=1 flags=0 inlined=0\nend\n",
	  -EINVAL, "m: manifest line 4: map 'm' listed twice (first on line 3)"),
	MFC(MF_HDR PROG_OK "global name=g section=.data offset=0 size=0\nend\n", -EINVAL,
	  "m: manifest line 3: global 'g' has size 0"),
	MFC(MF_HDR PROG_OK "global name=g section=.data offset=4294967295 size=2\nend\n", -EINVAL,
	  "m: manifest line 3: global 'g': offset 4294967295 + size 2 overflows"),
	MFC(MF_HDR PROG_OK "global name=g section=.data offset=0 size=2 init=0102ff\nend\n", -EINVAL,
	  "m: manifest line 3: global 'g': 'init' has 6 hex digits, 4 expected"),
	MFC(MF_HDR PROG_OK "global name=g section=.data offset=0 size=2 init=01zz\nend\n", -EINVAL,
	  "m: manifest line 3: global 'g': 'init' is not hexadecimal"),
	MFC(MF_HDR PROG_OK "end\nprog\n", -EINVAL, "m: manifest line 4: text after 'end'"),
	MFC(MF_HDR PROG_OK "end x=1\n", -EINVAL, "m: manifest line 3: 'end' takes no fields"),
	MFC(MF_HDR PROG_OK "end\n\0\0x", -EINVAL, "m: manifest: NUL byte inside the text"),
	/* accepted: unknown keys, blank lines, NUL padding, proto with spaces */
	MFC(MF_HDR "prog name=p section=xdp type=6 ctx=xdp stack=8 future=yes\n\n"
	  "helper id=6 name=bpf_trace_printk ret=scalar args=ptr,scalar,... proto=long x(a b, c=d)\n"
	  "map name=m type=2 key=4 value=8 max=1 flags=0 inlined=1 numa=3\nend\n\n\0\0",
	  0, NULL),
};

START_TEST(test_manifest_syntax)
{
	size_t i;

	for (i = 0; i < sizeof(mf_cases) / sizeof(mf_cases[0]); i++) {
		const struct mf_case *c = &mf_cases[i];
		struct rt_manifest *mf;

		reset_log();
		mf = rt_manifest__parse(c->text, c->len, "m", &tlog);
		if (!c->msg) {
			ck_assert_msg(mf, "case %zu refused: %s", i, logbuf);
			ck_assert_uint_eq(mf->nr_helpers, 1);
			ck_assert(mf->helpers[0].varargs);
			ck_assert_int_eq(mf->helpers[0].nr_args, 2);
			ck_assert_str_eq(mf->helpers[0].proto, "long x(a b, c=d)");
			ck_assert(mf->maps[0].inlined);
			rt_manifest__free(mf);
			continue;
		}
		ck_assert_msg(!mf, "case %zu accepted", i);
		ck_assert_msg(errno == -c->err, "case %zu: errno %d", i, errno);
		ck_assert_msg(!strcmp(logbuf, c->msg), "case %zu:\n got '%s'\nwant '%s'", i, logbuf,
			      c->msg);
	}
	/* and through an object */
	open_fails(build_native("count.c", "-O2", MF_HDR MF_COUNT_PROG "map name=x\nend\n", "m.o"),
		   "m.o", -EINVAL, "m.o: manifest line 3: 'map' record without 'type='");
	/* without a manifest: llvmbpf's conventions, which have no globals */
	open_fails(build_native("count.c", "-O2", NULL, "nm.o"), "nm.o", -ENOENT,
		   "nm.o: symbol 'weight' is unresolved");
}
END_TEST

START_TEST(test_stack_limit)
{
	static const char mf[] = MF_HDR "prog name=xdp_count section=xdp type=6 ctx=xdp stack=1024\n"
		MF_LOOKUP MF_UPDATE MF_COUNT_MAPS MF_COUNT_GLOBALS "end\n";

	open_fails(build_native("count.c", "-O2", mf, "count.o"), "count.o", -E2BIG,
		   "count.o: program 'xdp_count': stack size 1024 is over the limit of 512");
}
END_TEST

/* -------------------------------------------------------------- limits */

/* Hundreds of sections and symbols. */
START_TEST(test_many_sections)
{
	const char *src = tpath("many.c");
	FILE *f = fopen(src, "w");
	struct bpfaot_object *obj;
	uint64_t want = 0;
	int i, n = 400;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "#include <stdint.h>\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "static volatile int d%d[2] = { %d, 1 };\n", i, i * 3);
		fprintf(f, "__attribute__((noinline)) uint64_t f%d(uint64_t x) { return x + d%d[0]; }\n",
			i, i);
		want += (uint64_t)i * 3;
	}
	fprintf(f, "uint64_t bpf_main(void *c, uint64_t s)\n{\n\tuint64_t a = 0;\n");
	for (i = 0; i < n; i++)
		fprintf(f, "\ta = f%d(a);\n", i);
	fprintf(f, "\treturn a;\n}\n");
	fclose(f);
	obj = open_ok(build_native(src, "-O2 -fdata-sections",
				   MF_HDR "prog name=many section=.text type=0 ctx=mem stack=0\nend\n",
				   "many.o"));
	ck_assert_uint_eq(run_ok(obj, "many", BPFAOT_ENGINE_AOT, NULL, 0), want);
	bpfaot_object__close(obj);
}
END_TEST

/* Sections too large for an image. */
START_TEST(test_huge_sections)
{
	static const char src[] = "#include <stdint.h>\n"
				  "static volatile char big[64];\n"
				  "uint64_t bpf_main(void *c, uint64_t s) { big[s] = 1; return big[0]; }\n";
	static const char src3[] = "#include <stdint.h>\n"
				   "static volatile char a[30 << 20], b[30 << 20], c[30 << 20];\n"
				   "uint64_t bpf_main(void *x, uint64_t s) { return a[s] + b[s] + c[s]; }\n";
	static const char mf[] = MF_HDR "prog name=big section=.text type=0 ctx=mem stack=0\nend\n";
	const char *csrc = tpath("big.c"), *nat;
	struct rt_elf elf;
	size_t len, s;
	uint8_t *buf;
	Elf64_Ehdr eh;
	uint64_t huge = 1ull << 40;
	char msg[256];

	write_file(csrc, src, strlen(src));
	nat = build_native(csrc, "-O2 -fdata-sections", mf, "big.o");
	buf = read_file(nat, &len);
	ck_assert_int_eq(rt_elf__parse(&elf, buf, len, nat, &tlog), 0);
	for (s = 0; s < elf.nr_secs && elf.secs[s].type != SHT_NOBITS; s++)
		;
	ck_assert_uint_lt(s, elf.nr_secs);
	snprintf(msg, sizeof(msg), "big.o: section '%s' of %llu bytes is over the limit of %u",
		 elf.secs[s].name, (unsigned long long)huge, RT_NATIVE_MAX_IMAGE);
	rt_elf__release(&elf);
	memcpy(&eh, buf, sizeof(eh));
	memcpy(buf + eh.e_shoff + s * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size), &huge,
	       sizeof(huge));
	open_mem_fails(buf, len, "big.o", -E2BIG, msg);
	free(buf);

	write_file(csrc, src3, strlen(src3));
	open_fails(build_native(csrc, "-O2 -fdata-sections", mf, "big3.o"), "big3.o", -E2BIG,
		   "big3.o: image over the limit of 67108864 bytes");
}
END_TEST

/* Every prefix and many corrupted copies of a valid object: each is refused
 * with a message or linked, never a crash (ASan/UBSan builds check). */
START_TEST(test_corrupt_objects)
{
	const char *nat = build_native("count.c", "-O2", mf_count, "count.o");
	size_t len, cut, i;
	uint8_t *buf = read_file(nat, &len), *copy = malloc(len);
	uint64_t seed = 0x12345678;
	struct rt_object *obj;

	ck_assert_ptr_nonnull(copy);
	for (cut = 0; cut < len; cut += 61) {
		reset_log();
		obj = rt_object__open_mem(buf, cut, "cut.o", NULL, &tlog);
		ck_assert_msg(!obj, "prefix of %zu bytes opened", cut);
		ck_assert_msg(logbuf[0], "prefix of %zu bytes: no message", cut);
	}
	for (i = 0; i < 400; i++) {
		int k;

		memcpy(copy, buf, len);
		for (k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			copy[(seed >> 33) % len] ^= (uint8_t)(1u << ((seed >> 20) & 7));
		}
		reset_log();
		obj = rt_object__open_mem(copy, len, "flip.o", NULL, &tlog);
		if (!obj)
			ck_assert_msg(logbuf[0], "flip %zu: refused without a message", i);
		rt_object__free(obj);
	}
	free(copy);
	free(buf);
}
END_TEST

START_TEST(test_manifest_limits)
{
	size_t n = RT_MANIFEST_MAX_SIZE + 1;
	char *big = malloc(n), msg[128];
	struct rt_manifest *mf;
	size_t i, len;

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', n);
	mf = rt_manifest__parse(big, n, "m", &tlog);
	ck_assert_ptr_null(mf);
	ck_assert_int_eq(errno, E2BIG);
	snprintf(msg, sizeof(msg), "m: manifest of %zu bytes is over the limit of %u", n,
		 RT_MANIFEST_MAX_SIZE);
	ck_assert_str_eq(logbuf, msg);
	/* RT_MF_MAX_RECORDS maps fit, one more does not */
	len = snprintf(big, n, MF_HDR PROG_OK);
	for (i = 0; i < RT_MF_MAX_RECORDS; i++)
		len += snprintf(big + len, n - len,
				"map name=m%zu type=2 key=4 value=8 max=1 flags=0 inlined=0\n", i);
	reset_log();
	mf = rt_manifest__parse(big, len + snprintf(big + len, n - len, "end\n"), "m", &tlog);
	ck_assert_msg(mf, "%s", logbuf);
	ck_assert_uint_eq(mf->nr_maps, RT_MF_MAX_RECORDS);
	ck_assert_ptr_nonnull(rt_manifest__find_map(mf, "m4095"));
	rt_manifest__free(mf);
	len += snprintf(big + len, n - len, "map name=x type=2 key=4 value=8 max=1 flags=0 inlined=0\nend\n");
	reset_log();
	ck_assert_ptr_null(rt_manifest__parse(big, len, "m", &tlog));
	ck_assert_int_eq(errno, E2BIG);
	ck_assert_str_eq(logbuf, "m: manifest line 4099: more than 4096 'map' records");
	free(big);
}
END_TEST

static Suite *rt_link_suite(void)
{
	Suite *s = suite_create("rt_link");
	TCase *core = tcase_create("core");
	TCase *errors = tcase_create("errors");
	TCase *limits = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 120);
	tcase_add_test(core, test_fat_count);
	tcase_add_test(core, test_bare_native);
	tcase_add_test(core, test_bpftime_style);
	tcase_add_test(core, test_variants);
	tcase_add_test(core, test_callback_loop);
	tcase_add_test(core, test_tail_call);
	tcase_add_test(core, test_link_time);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_set_timeout(errors, 120);
	tcase_add_test(errors, test_unknown_reloc);
	tcase_add_test(errors, test_missing_helper);
	tcase_add_test(errors, test_proto_mismatch);
	tcase_add_test(errors, test_map_mismatch);
	tcase_add_test(errors, test_unresolved);
	tcase_add_test(errors, test_htab_view);
	tcase_add_test(errors, test_bad_aot_section);
	tcase_add_test(errors, test_manifest_syntax);
	tcase_add_test(errors, test_stack_limit);
	suite_add_tcase(s, errors);

	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_set_timeout(limits, 120);
	tcase_add_test(limits, test_many_sections);
	tcase_add_test(limits, test_huge_sections);
	tcase_add_test(limits, test_corrupt_objects);
	tcase_add_test(limits, test_manifest_limits);
	suite_add_tcase(s, limits);
	return s;
}

TEST_MAIN(rt_link_suite)
