// SPDX-License-Identifier: MIT
/*
 * Check suite of the backend, end to end per sample: the fat object's BPF
 * part equals what `clang-14 -target bpf` writes with the same flags (every
 * byte before the section header table, every original section header but
 * the name table's place, whose old contents are a prefix of the new), and
 * every program has a `.aot.P` section holding an x86-64 object with
 * bpf_main, the manifest, and only helper/map/global undefined symbols;
 * in a file without SEC() programs, each global function of .text.
 * "errors": a BPF compile that fails, unknown programs, BPF-only builtins
 * (-Waot), malformed ELF. "limits": ELF appending and the manifest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "be_internal.h"
#include "bpfaot/abi.h"
#include "testutil.h"

static const char *const clang_args[] = { "-O2", "-g", "-target", "bpf", "-c", "-D__TARGET_ARCH_x86",
					  "-I/usr/include/x86_64-linux-gnu" };
static const char *const src_args[] = { "-D__TARGET_ARCH_x86", "-I/usr/include/x86_64-linux-gnu" };

static const char *const sample_names[] = {
	"xdp_counter", "xdp_firewall", "pkt_parser", "trace_pid", "ringbuf_events", "csum_rewrite",
	"loop_sum", "calls_globals", "tail_dispatch", "socket_filter", "map_kinds", "tcp_options",
};

static char tmpdir[256];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_be-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct be_opts opts_for(const char *input, const char *output, enum be_emit emit)
{
	struct be_opts o = {
		.input = input,
		.output = output,
		.clang_args = clang_args,
		.nr_clang_args = 7,
		.src_args = src_args,
		.nr_src_args = 2,
		.emit = emit,
		.opt_level = 3,
	};

	return o;
}

static void read_all(const char *path, void **data, size_t *size)
{
	int err = be_read_file(path, data, size);

	ck_assert_msg(!err, "cannot read %s: %s", path, strerror(-err));
}

/* The manifest of a native object, NUL-terminated (caller frees). */
static char *manifest_of(const struct be_elf *ne)
{
	long sec = be_elf__find_sec(ne, BPFAOT_MANIFEST_SEC);
	char *m;

	ck_assert_int_ge(sec, 0);
	m = strndup((const char *)be_elf__sec_data(ne, (size_t)sec), ne->sh[sec].sh_size);
	ck_assert_ptr_nonnull(m);
	return m;
}

static bool manifest_has(const char *m, const char *kind, const char *name)
{
	char key[256];

	snprintf(key, sizeof(key), "\n%s name=%s ", kind, name);
	return strstr(m, key) != NULL;
}

static void check_native(const char *prog, const void *data, size_t size)
{
	struct fe_diags *d = fe_diags__new();
	struct be_elf ne;
	const Elf64_Sym *entry;
	char want[256], *m;
	size_t i;

	ck_assert_int_eq(be_elf__parse(&ne, data, size, prog, d), 0);
	ck_assert_int_eq(ne.eh->e_machine, EM_X86_64);
	ck_assert_int_eq(ne.eh->e_type, ET_REL);
	entry = be_elf__find_sym(&ne, BPFAOT_ENTRY_SYM);
	ck_assert_ptr_nonnull(entry);
	ck_assert_int_eq(ELF64_ST_TYPE(entry->st_info), STT_FUNC);
	ck_assert_int_eq(ELF64_ST_BIND(entry->st_info), STB_GLOBAL);
	m = manifest_of(&ne);
	snprintf(want, sizeof(want), "bpfaot-manifest 1\nprog name=%s section=", prog);
	ck_assert_msg(!strncmp(m, want, strlen(want)), "manifest of %s:\n%s", prog, m);
	ck_assert(strlen(m) >= 4 && !strcmp(m + strlen(m) - 4, "end\n"));
	for (i = 1; i < ne.nr_syms; i++) {
		const char *name = be_elf__sym_name(&ne, &ne.syms[i]);

		if (ne.syms[i].st_shndx != SHN_UNDEF || !*name)
			continue;
		if (!strncmp(name, BPFAOT_HELPER_PREFIX, strlen(BPFAOT_HELPER_PREFIX))) {
			char line[64];

			ck_assert_uint_eq(strlen(name), 20);
			snprintf(line, sizeof(line), "\nhelper id=%d ", atoi(name + 16));
			ck_assert_msg(strstr(m, line), "%s: helper %s not in the manifest", prog, name);
			continue;
		}
		if (!strncmp(name, BPFAOT_MAP_VALUES_PREFIX, strlen(BPFAOT_MAP_VALUES_PREFIX))) {
			char line[256], *rec, *end;

			/* an inlined map: its record says so, with the runtime's stride */
			snprintf(line, sizeof(line), "\nmap name=%s ",
				 name + strlen(BPFAOT_MAP_VALUES_PREFIX));
			ck_assert_msg(strstr(m, line), "%s: map of %s not in the manifest", prog, name);
			rec = strdup(strstr(m, line) + 1);
			end = strchr(rec, '\n');
			ck_assert_ptr_nonnull(end);
			*end = '\0';
			ck_assert_msg(strstr(rec, " inlined=1 stride="), "%s: %s is not inlined=1",
				      prog, rec);
			free(rec);
			continue;
		}
		if (!strncmp(name, BPFAOT_HTAB_PREFIX, strlen(BPFAOT_HTAB_PREFIX)) ||
		    !strncmp(name, BPFAOT_PCPU_ARRAY_PREFIX, strlen(BPFAOT_PCPU_ARRAY_PREFIX)) ||
		    !strncmp(name, BPFAOT_QUEUE_PREFIX, strlen(BPFAOT_QUEUE_PREFIX))) {
			char line[256];

			/* a map's view: the map has a record */
			snprintf(line, sizeof(line), "\nmap name=%s ", strstr(name, "_v1_") + 4);
			ck_assert_msg(strstr(m, line), "%s: map of %s not in the manifest", prog, name);
			continue;
		}
		/* the runtime's thread-local state of inlined helpers */
		if (BPFAOT_IS_TLS_SYM(name))
			continue;
#define LIBC_NAME(f) !strcmp(name, #f) ||
		/* memcpy & co, clock_gettime of inlined time helpers */
		if (BPFAOT_LIBC_FUNCS(LIBC_NAME) false)
			continue;
#undef LIBC_NAME
		ck_assert_msg(manifest_has(m, "map", name) || manifest_has(m, "global", name),
			      "%s: undefined symbol '%s' is neither a map nor a global", prog, name);
	}
	free(m);
	fe_diags__free(d);
}

START_TEST(test_fat_sample)
{
	const char *name = sample_names[_i];
	char input[256], fat_path[512], ref_path[512], cmd[2048];
	void *fat, *ref;
	size_t fat_size, ref_size, i;
	struct fe_diags *d = fe_diags__new();
	struct be_elf fe, re;
	struct be_opts o;
	int status = 0, err, nr_aot = 0;
	uint16_t stri;

	snprintf(input, sizeof(input), "samples/%s.bpf.c", name);
	snprintf(fat_path, sizeof(fat_path), "%s/%s.o", tmpdir, name);
	snprintf(ref_path, sizeof(ref_path), "%s/%s.ref.o", tmpdir, name);
	o = opts_for(input, fat_path, BE_EMIT_FAT);
	err = be_compile(&o, d, &status);
	ck_assert_msg(!err, "%s: %d\n%s", name, err, fe_diags__render_str(d, "bpfaot-cc", true));
	ck_assert_uint_eq(fe_diags__count(d), 0);
	snprintf(cmd, sizeof(cmd),
		 BPFAOT_CLANG " -O2 -g -target bpf -D__TARGET_ARCH_x86 "
			      "-I/usr/include/x86_64-linux-gnu %s -c -o %s",
		 input, ref_path);
	ck_assert_int_eq(system(cmd), 0);
	read_all(fat_path, &fat, &fat_size);
	read_all(ref_path, &ref, &ref_size);
	ck_assert_int_eq(be_elf__parse(&fe, fat, fat_size, fat_path, d), 0);
	ck_assert_int_eq(be_elf__parse(&re, ref, ref_size, ref_path, d), 0);
	/* the BPF part: header fields but e_shoff/e_shnum, then every byte */
	ck_assert_int_eq(memcmp(fat, ref, offsetof(Elf64_Ehdr, e_shoff)), 0);
	ck_assert_int_eq(memcmp((char *)fat + offsetof(Elf64_Ehdr, e_flags),
				(char *)ref + offsetof(Elf64_Ehdr, e_flags),
				offsetof(Elf64_Ehdr, e_shnum) - offsetof(Elf64_Ehdr, e_flags)),
			 0);
	ck_assert_int_eq(fe.eh->e_shstrndx, re.eh->e_shstrndx);
	ck_assert_int_eq(memcmp((char *)fat + sizeof(Elf64_Ehdr), (char *)ref + sizeof(Elf64_Ehdr),
				re.eh->e_shoff - sizeof(Elf64_Ehdr)),
			 0);
	stri = re.eh->e_shstrndx;
	for (i = 0; i < re.eh->e_shnum; i++) {
		Elf64_Shdr a = fe.sh[i], b = re.sh[i];

		if (i == stri) {
			ck_assert_uint_ge(a.sh_size, b.sh_size);
			ck_assert_int_eq(memcmp(be_elf__sec_data(&fe, i), be_elf__sec_data(&re, i),
						b.sh_size),
					 0);
			a.sh_offset = b.sh_offset;
			a.sh_size = b.sh_size;
		}
		ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	}
	/* the native part: one .aot.P per program (the BPF object's FUNC symbols
	 * outside .text are its programs) */
	for (i = 1; i < re.nr_syms; i++) {
		const Elf64_Sym *s = &re.syms[i];
		char sec[256];
		long idx;

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
		    !strcmp(be_elf__sec_name(&re, s->st_shndx), ".text"))
			continue;
		snprintf(sec, sizeof(sec), BPFAOT_FAT_SEC_PREFIX "%s", be_elf__sym_name(&re, s));
		idx = be_elf__find_sec(&fe, sec);
		ck_assert_msg(idx >= (long)re.eh->e_shnum, "%s: no section %s", name, sec);
		/* a string table to libbpf (skipped silently), kept by strip */
		ck_assert_uint_eq(fe.sh[idx].sh_type, SHT_STRTAB);
		ck_assert_uint_eq(fe.sh[idx].sh_flags, SHF_ALLOC);
		check_native(be_elf__sym_name(&re, s), be_elf__sec_data(&fe, (size_t)idx),
			     fe.sh[idx].sh_size);
		nr_aot++;
	}
	ck_assert_int_eq(fe.eh->e_shnum, re.eh->e_shnum + nr_aot);
	free(fat);
	free(ref);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_manifest_trace_pid)
{
	char out[512];
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	struct be_elf ne;
	void *data;
	size_t size;
	int status = 0;
	char *m;

	snprintf(out, sizeof(out), "%s/trace.o", tmpdir);
	o = opts_for("samples/trace_pid.bpf.c", out, BE_EMIT_NATIVE);
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	read_all(out, &data, &size);
	ck_assert_int_eq(be_elf__parse(&ne, data, size, out, d), 0);
	m = manifest_of(&ne);
	{
		/* the bytecode hash: 16 hex digits (its value: e2e_sem, which
		 * checks the runtime computes the same) */
		char *h = strstr(m, " bytecode=");
		size_t k;

		ck_assert_ptr_nonnull(h);
		for (k = 0; k < 16; k++)
			ck_assert_msg(strchr("0123456789abcdef", h[10 + k]), "%s", h);
		memmove(h, h + 26, strlen(h + 26) + 1);
	}
	ck_assert_str_eq(m, "bpfaot-manifest 1\n"
			    "prog name=trace_enter section=raw_tracepoint/sys_enter type=17 ctx=raw "
			    "stack=16\n"
			    "helper id=1 name=bpf_map_lookup_elem ret=ptr args=ptr,ptr "
			    "proto=void *bpf_map_lookup_elem(void *map, const void *key)\n"
			    "helper id=2 name=bpf_map_update_elem ret=scalar args=ptr,ptr,ptr,scalar "
			    "proto=long bpf_map_update_elem(void *map, const void *key, const void "
			    "*value, __u64 flags)\n"
			    "helper id=14 name=bpf_get_current_pid_tgid ret=scalar args= "
			    "proto=__u64 bpf_get_current_pid_tgid(void)\n"
			    "map name=trace_cfg type=2 key=4 value=4 max=1 flags=0 inlined=1 stride=8\n"
			    "map name=pid_count type=1 key=4 value=8 max=10240 flags=0 inlined=0\n"
			    "map name=syscall_count type=2 key=4 value=8 max=512 flags=0 inlined=1 "
			    "stride=8\n"
			    "global name=target_pid section=.rodata offset=0 size=4 init=00000000\n"
			    "end\n");
	free(m);
	free(data);
	fe_diags__free(d);
}
END_TEST

/* A file without SEC() programs (the ubpf convention): one .aot.P per
 * global function of .text that the BPF object defines, each a raw-memory
 * program whose entry passes (mem, len); none for static functions or a C99
 * inline definition, which the runtime does not see as programs. */
START_TEST(test_ubpf_convention)
{
	static const char *const progs[] = { "sum", "first", "seven" };
	char out[512], sec[64], want[128], *m;
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	struct be_elf fe, ne;
	void *data;
	size_t size, i;
	long idx;
	int status = 0;

	snprintf(out, sizeof(out), "%s/ubpf.o", tmpdir);
	o = opts_for("tests/data/fe/ubpf.bpf.c", out, BE_EMIT_FAT);
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	ck_assert_uint_eq(fe_diags__count(d), 0);
	read_all(out, &data, &size);
	ck_assert_int_eq(be_elf__parse(&fe, data, size, out, d), 0);
	for (i = 0; i < 3; i++) {
		snprintf(sec, sizeof(sec), BPFAOT_FAT_SEC_PREFIX "%s", progs[i]);
		idx = be_elf__find_sec(&fe, sec);
		ck_assert_msg(idx >= 0, "no section %s", sec);
		check_native(progs[i], be_elf__sec_data(&fe, (size_t)idx), fe.sh[idx].sh_size);
		ck_assert_int_eq(be_elf__parse(&ne, be_elf__sec_data(&fe, (size_t)idx),
					       fe.sh[idx].sh_size, sec, d),
				 0);
		m = manifest_of(&ne);
		snprintf(want, sizeof(want), "prog name=%s section=.text type=0 ctx=mem stack=",
			 progs[i]);
		ck_assert_msg(strstr(m, want), "%s", m);
		free(m);
	}
	ck_assert_int_lt(be_elf__find_sec(&fe, BPFAOT_FAT_SEC_PREFIX "twice"), 0);
	ck_assert_int_lt(be_elf__find_sec(&fe, BPFAOT_FAT_SEC_PREFIX "hidden"), 0);
	ck_assert_int_lt(be_elf__find_sec(&fe, BPFAOT_FAT_SEC_PREFIX "inl"), 0);
	free(data);
	fe_diags__free(d);
}
END_TEST

/* The manifest of one program built natively with the given switches. */
static char *native_manifest(const char *input, const char *prog, bool no_maps, bool no_helpers,
			     bool no_types)
{
	char out[512];
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	struct be_elf ne;
	void *data;
	size_t size;
	int status = 0;
	char *m;

	snprintf(out, sizeof(out), "%s/%s.o", tmpdir, prog);
	o = opts_for(input, out, BE_EMIT_NATIVE);
	o.prog = prog;
	o.no_inline_maps = no_maps;
	o.no_inline_helpers = no_helpers;
	o.no_types = no_types;
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	read_all(out, &data, &size);
	ck_assert_int_eq(be_elf__parse(&ne, data, size, out, d), 0);
	check_native(prog, data, size);
	m = manifest_of(&ne);
	free(data);
	fe_diags__free(d);
	return m;
}

/* Each optimisation on (the default) and off, as the manifest records it:
 * which helpers the native code still calls, which maps it indexes. */
START_TEST(test_inline_switches)
{
	static const char in[] = "tests/data/rw/inline.bpf.c";
	char *m;

	m = native_manifest("samples/xdp_counter.bpf.c", "xdp_count", false, false, false);
	ck_assert_ptr_null(strstr(m, "\nhelper "));
	ck_assert_ptr_nonnull(
		strstr(m, "\nmap name=xdp_stats type=2 key=4 value=16 max=5 flags=0 inlined=1 "
			  "stride=16\n"));
	free(m);
	m = native_manifest("samples/xdp_counter.bpf.c", "xdp_count", true, false, false);
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=1 name=bpf_map_lookup_elem "));
	ck_assert_ptr_nonnull(
		strstr(m, "\nmap name=xdp_stats type=2 key=4 value=16 max=5 flags=0 inlined=0\n"));
	free(m);
	/* no types: the same helpers and maps, called through 5 x u64 */
	m = native_manifest("samples/xdp_counter.bpf.c", "xdp_count", true, false, true);
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=1 name=bpf_map_lookup_elem "));
	free(m);

	/* the array is inlined (lookups and BPF_ANY/BPF_EXIST updates); the hash,
	 * per-CPU array, array of maps and the spin-locked array are not */
	m = native_manifest(in, "prog", false, false, false);
	ck_assert_ptr_nonnull(strstr(m, "\nmap name=arr type=2 key=4 value=16 max=4 flags=0 "
					"inlined=1 stride=16\n"));
	ck_assert_ptr_nonnull(strstr(m, "\nmap name=hash type=1 key=4 value=8 max=64 flags=0 "
					"inlined=0\n"));
	ck_assert_ptr_nonnull(strstr(m, "\nmap name=pcpu type=6 key=4 value=8 max=2 flags=0 "
					"inlined=0\n"));
	ck_assert_ptr_nonnull(strstr(m, "\nmap name=lk type=2 key=4 value=16 max=1 flags=0 "
					"inlined=0\n"));
	ck_assert_ptr_nonnull(strstr(m, "\nmap name=outer type=12 "));
	ck_assert_ptr_null(strstr(strstr(m, "\nmap name=outer type=12 "), "inlined=1"));
	/* bpf_get_numa_node_id is gone (the rewrite's constant), and so are
	 * bpf_ktime_get_ns and the bpf_get_smp_processor_id spelled in a macro
	 * body: their bodies are linked in and inlined (backend/inline_helpers.c) */
	ck_assert_ptr_null(strstr(m, "\nhelper id=42 "));
	ck_assert_ptr_null(strstr(m, "\nhelper id=5 "));
	ck_assert_ptr_null(strstr(m, "\nhelper id=8 "));
	free(m);
	m = native_manifest(in, "prog", false, true, false);
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=42 name=bpf_get_numa_node_id "));
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=5 "));
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=8 "));
	ck_assert_ptr_nonnull(strstr(m, "inlined=1 stride=16\n"));
	free(m);
	m = native_manifest(in, "prog", true, false, false);
	ck_assert_ptr_null(strstr(m, "inlined=1"));
	ck_assert_ptr_null(strstr(m, "\nhelper id=42 "));
	free(m);
	m = native_manifest(in, "prog", true, true, true);
	ck_assert_ptr_null(strstr(m, "inlined=1"));
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=8 "));
	ck_assert_ptr_nonnull(strstr(m, "\nhelper id=42 "));
	free(m);
}
END_TEST

START_TEST(test_emit_source_and_llvm)
{
	char out[512];
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	void *data;
	size_t size;
	int status = 0;

	snprintf(out, sizeof(out), "%s/x.c", tmpdir);
	o = opts_for("samples/xdp_counter.bpf.c", out, BE_EMIT_SOURCE);
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	read_all(out, &data, &size);
	/* no <stdint.h>: the source may spell uint64_t itself */
	ck_assert_ptr_nonnull(strstr(
		data, "\nunsigned long long bpf_main(void *ctx, unsigned long long ctx_size)\n"));
	ck_assert_ptr_null(strstr(data, "#include <stdint.h>"));
	ck_assert_ptr_nonnull(strstr(data, "rec = ({ unsigned int __bpfaot_key = *(&action); "
					   "__bpfaot_key < 5u ? (void *)(__bpfaot_map_values_xdp_stats "
					   "+ (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });"));
	free(data);
	o.no_inline_maps = true;
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	read_all(out, &data, &size);
	/* the declaration changes, the call stays as written */
	ck_assert_ptr_nonnull(strstr(data, "\nextern void *bpf_map_lookup_elem(void *map, const void "
					   "*key) __asm__(\"_bpf_helper_ext_0001\");\n"));
	ck_assert_ptr_nonnull(strstr(data, "rec = bpf_map_lookup_elem(&xdp_stats, &action);"));
	free(data);
	snprintf(out, sizeof(out), "%s/x.ll", tmpdir);
	o = opts_for("samples/calls_globals.bpf.c", out, BE_EMIT_LLVM);
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	read_all(out, &data, &size);
	ck_assert_ptr_nonnull(strstr(data, "define i64 @bpf_main("));
	ck_assert_ptr_nonnull(strstr(data, "@weights = external"));
	free(data);
	ck_assert_uint_eq(fe_diags__count(d), 0);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_bpf_compile_fails)
{
	char out[512];
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	int status = 0;

	snprintf(out, sizeof(out), "%s/bad.o", tmpdir);
	o = opts_for("tests/data/rw/syntax_error.bpf.c", out, BE_EMIT_FAT);
	ck_assert_int_eq(be_compile(&o, d, &status), -EIO);
	ck_assert_int_eq(status, 1);
	ck_assert_uint_eq(fe_diags__count(d), 0);
	ck_assert_int_ne(access(out, F_OK), 0);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_unknown_prog)
{
	char out[512], *text;
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	int status = 0;

	snprintf(out, sizeof(out), "%s/u.o", tmpdir);
	o = opts_for("samples/tail_dispatch.bpf.c", out, BE_EMIT_NATIVE);
	ck_assert_int_eq(be_compile(&o, d, &status), -EINVAL);
	o.prog = "nope";
	ck_assert_int_eq(be_compile(&o, d, &status), -ENOENT);
	text = fe_diags__render_str(d, "bpfaot-cc", false);
	ck_assert_str_eq(text, "bpfaot-cc: error: --aot-emit=native needs --aot-prog=NAME: "
			       "'samples/tail_dispatch.bpf.c' has 4 programs (op_drop, op_tx, "
			       "op_pass, dispatch)\n"
			       "bpfaot-cc: error: no program 'nope' in 'samples/tail_dispatch.bpf.c' "
			       "(programs: op_drop, op_tx, op_pass, dispatch)\n");
	free(text);
	ck_assert_int_ne(access(out, F_OK), 0);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_bpf_only_builtin)
{
	char out[512], *text;
	struct fe_diags *d = fe_diags__new();
	struct be_opts o;
	void *data;
	size_t size;
	struct be_elf fe;
	int status = 0;

	snprintf(out, sizeof(out), "%s/model.o", tmpdir);
	o = opts_for("tests/data/fe/model.bpf.c", out, BE_EMIT_FAT);
	ck_assert_int_eq(be_compile(&o, d, &status), 0);
	text = fe_diags__render_str(d, "bpfaot-cc", false);
	ck_assert_str_eq(text, "tests/data/fe/model.bpf.c:36:9: warning: "
			       "'__builtin_btf_type_id' has no native meaning; program "
			       "'core' keeps only its bytecode [-Waot]\n"
			       "        return __builtin_btf_type_id(*p, 0) + size;\n"
			       "               ^\n");
	free(text);
	read_all(out, &data, &size);
	ck_assert_int_eq(be_elf__parse(&fe, data, size, out, d), 0);
	ck_assert_int_ge(be_elf__find_sec(&fe, ".aot.kp"), 0);
	ck_assert_int_lt(be_elf__find_sec(&fe, ".aot.core"), 0);
	free(data);
	fe_diags__free(d);

	/* -Werror=aot: the same is an error and there is no output */
	d = fe_diags__new();
	fe_diags__set_werror_aot(d, true);
	ck_assert_int_eq(be_compile(&o, d, &status), -EINVAL);
	ck_assert_int_eq(fe_diags__nr_errors(d), 1);
	ck_assert_int_ne(access(out, F_OK), 0);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_bad_elf)
{
	struct fe_diags *d = fe_diags__new();
	static const char junk[128] = "\x7f" "ELF";
	const char *name = ".x";
	const void *blob = "x";
	size_t one = 1, size;
	void *out = NULL;
	char *text;

	ck_assert_int_eq(be_elf_add_sections(junk, sizeof(junk), &name, &blob, &one, 1, BE_SEC_STRTAB,
					     "junk.o", d, &out, &size),
			 -ENOEXEC);
	ck_assert_int_eq(be_elf_add_sections(junk, 10, &name, &blob, &one, 1, BE_SEC_STRTAB, "short.o",
					     d, &out, &size),
			 -ENOEXEC);
	ck_assert_ptr_null(out);
	text = fe_diags__render_str(d, "bpfaot-cc", false);
	ck_assert_str_eq(text, "bpfaot-cc: error: junk.o: malformed ELF object: not ELF64 "
			       "little-endian\n"
			       "bpfaot-cc: error: short.o: malformed ELF object: not an ELF file\n");
	free(text);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_add_many_sections)
{
	struct fe_diags *d = fe_diags__new();
	char path[512], cmd[1024], *names[200];
	const void *blobs[200];
	size_t sizes[200], size, i;
	void *obj, *out;
	struct be_elf e;

	snprintf(path, sizeof(path), "%s/x.o", tmpdir);
	snprintf(cmd, sizeof(cmd), BPFAOT_CLANG " -target bpf -O2 -c samples/xdp_counter.bpf.c "
						"-I/usr/include/x86_64-linux-gnu -o %s",
		 path);
	ck_assert_int_eq(system(cmd), 0);
	read_all(path, &obj, &size);
	for (i = 0; i < 200; i++) {
		ck_assert_int_gt(asprintf(&names[i], ".aot.p%zu", i), 0);
		blobs[i] = names[i];
		sizes[i] = strlen(names[i]);
	}
	ck_assert_int_eq(be_elf_add_sections(obj, size, (const char *const *)names, blobs, sizes,
					     200, BE_SEC_PROGBITS, path, d, &out, &size),
			 0);
	ck_assert_int_eq(be_elf__parse(&e, out, size, path, d), 0);
	for (i = 0; i < 200; i++) {
		long s = be_elf__find_sec(&e, names[i]);

		ck_assert_int_ge(s, 0);
		/* the old encoding, --aot-section=progbits */
		ck_assert_uint_eq(e.sh[s].sh_type, SHT_PROGBITS);
		ck_assert_uint_eq(e.sh[s].sh_flags, 0);
		ck_assert_int_eq(memcmp(be_elf__sec_data(&e, (size_t)s), names[i], sizes[i]), 0);
		free(names[i]);
	}
	free(out);
	free(obj);
	fe_diags__free(d);
}
END_TEST

static Suite *be_suite(void)
{
	Suite *s = suite_create("be");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	TCase *limits = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_set_timeout(core, 120);
	tcase_set_timeout(errors, 60);
	tcase_add_loop_test(core, test_fat_sample, 0,
			    sizeof(sample_names) / sizeof(sample_names[0]));
	tcase_add_test(core, test_manifest_trace_pid);
	tcase_add_test(core, test_emit_source_and_llvm);
	tcase_add_test(core, test_inline_switches);
	tcase_add_test(core, test_ubpf_convention);
	tcase_add_test(errors, test_bpf_compile_fails);
	tcase_add_test(errors, test_unknown_prog);
	tcase_add_test(errors, test_bpf_only_builtin);
	tcase_add_test(errors, test_bad_elf);
	tcase_add_test(limits, test_add_many_sections);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	suite_add_tcase(s, limits);
	return s;
}

TEST_MAIN(be_suite)
