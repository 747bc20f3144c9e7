// SPDX-License-Identifier: MIT
/*
 * bpfaot-cc as a drop-in for `clang -target bpf`, end to end, through the
 * tools users run (bpfaot-cc, bpfaot-run, bpftool, libbpf, make, cc):
 *
 * core: every sample's fat object goes through `bpftool gen skeleton` (the
 *   header compiles and opens against libbpf) and `bpftool gen object`
 *   (which drops the default .aot.* sections; with --aot-section=progbits
 *   they survive byte for byte and still run, with the sample's expected
 *   retval, output packet and maps, on aot, interp and kernel); it loads
 *   into the kernel through libbpf, which logs for it exactly what it logs
 *   for clang's object; the libbpf-bootstrap
 *   style project in tests/bootstrap builds unchanged with
 *   CLANG=bpfaot-cc and prints what it prints with clang-14; -M* dependency
 *   output equals clang-14's byte for byte; the conformance-style programs
 *   of tests/data/cc give the retval worked out by hand on every engine.
 * errors: C that does not compile, unsupported constructs (CO-RE, __ksym),
 *   a helper the runtime lacks, truncated or corrupted .aot sections, a
 *   manifest whose map layout differs from the runtime's, an unknown
 *   relocation type, an unresolved symbol: each with its exit status and
 *   its message.
 * limits: a program of a few thousand statements; -v.
 *
 * Every test works in its own mkdtemp directory, inside one directory per
 * tcase that is removed after the tcase even when a test fails. Tests that
 * need bpf() print "SKIP: ..." where it is unavailable; where it is, they
 * need root (the kernel engine, libbpf loads). Run from the repository
 * root; BUILD names the build directory (default build).
 *
 * known_failures: what bpfaot should do and does not yet, one test per
 * bug, each naming the cause. The tcase is not registered, so the suite
 * stays green; BPFAOT_KNOWN_FAILURES=1 adds it to see them fail.
 */
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfaot/abi.h"
#include "rt_kernel.h"
#include "testutil.h"

#define OUT_SZ 65536
#define BPF_CFLAGS                                                                                 \
	"-target bpf -O2 -g -D__TARGET_ARCH_x86 -Isamples -I/usr/include/x86_64-linux-gnu"
#define CC_FLAGS "-O2 -g -target bpf -I/usr/include/x86_64-linux-gnu"

/* Set once in e2e_cc_suite(), before the tests fork; read-only after. */
static char root[2048];	       /* the repository, absolute */
static char cc_bin[PATH_MAX];  /* build/bin/bpfaot-cc, absolute */
static char run_bin[PATH_MAX]; /* build/bin/bpfaot-run, absolute */
static glob_t samples;	       /* the samples' sources */

/* ------------------------------------------------------------ helpers */


/* Each tcase works under one directory, made before its tests fork and
 * removed after them, so that a failing test leaves nothing behind. */
static char base_dir[64];

static void base_dir_new(void)
{
	snprintf(base_dir, sizeof(base_dir), "/tmp/bpfaot-e2e-cc-XXXXXX");
	if (!mkdtemp(base_dir)) {
		perror("mkdtemp");
		snprintf(base_dir, sizeof(base_dir), "/tmp");
	}
}

static void base_dir_rm(void)
{
	char cmd[128];

	if (strcmp(base_dir, "/tmp")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base_dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", base_dir);
	}
}

static void tmpdir_new(char *dir, size_t size)
{
	snprintf(dir, size, "%s/t-XXXXXX", base_dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void tmpdir_rm(const char *dir)
{
	ck_assert_int_eq(tu_sh(NULL, 0, "rm -rf '%s'", dir), 0);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static unsigned long long retval_of(const char *out)
{
	const char *r = strstr(out, "retval: ");
	unsigned long long v;

	ck_assert_msg(r && sscanf(r, "retval: %llu", &v) == 1, "no retval in: %.2000s", out);
	return v;
}

static size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The first line of s that starts with prefix, or NULL. */
static const char *find_line(const char *s, const char *prefix)
{
	const char *p = s;

	while ((p = strstr(p, prefix))) {
		if (p == s || p[-1] == '\n')
			return p;
		p++;
	}
	return NULL;
}

/* One section of an ELF64 image: where its header and its data are. */
struct elf_sec {
	size_t hdr;  /* offset of its section header */
	size_t off;  /* offset of its data */
	size_t size; /* size of its data */
};

/* Reads ELF64 header fields with memcpy: the image may be unaligned (a
 * native object inside a fat object's section). */
static bool elf_shdr(const unsigned char *img, size_t len, size_t i, Elf64_Shdr *sh)
{
	Elf64_Ehdr eh;

	if (len < sizeof(eh))
		return false;
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_shentsize != sizeof(*sh) ||
	    eh.e_shoff > len || i > (len - eh.e_shoff) / sizeof(*sh) - 1)
		return false;
	memcpy(sh, img + eh.e_shoff + i * sizeof(*sh), sizeof(*sh));
	return true;
}

static size_t elf_nr_secs(const unsigned char *img, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr s0;

	memcpy(&eh, img, sizeof(eh));
	if (eh.e_shnum)
		return eh.e_shnum;
	return elf_shdr(img, len, 0, &s0) ? (size_t)s0.sh_size : 0;
}

static const char *elf_sec_name(const unsigned char *img, size_t len, size_t i)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, str;
	size_t shstrndx;

	memcpy(&eh, img, sizeof(eh));
	shstrndx = eh.e_shstrndx;
	if (shstrndx == SHN_XINDEX && elf_shdr(img, len, 0, &str))
		shstrndx = str.sh_link;
	if (!elf_shdr(img, len, i, &sh) || !elf_shdr(img, len, shstrndx, &str) ||
	    str.sh_offset > len || sh.sh_name >= len - str.sh_offset ||
	    !memchr(img + str.sh_offset + sh.sh_name, '\0', len - str.sh_offset - sh.sh_name))
		return NULL;
	return (const char *)img + str.sh_offset + sh.sh_name;
}

/* Finds section name in img; false when it has none. */
static bool elf_find(const unsigned char *img, size_t len, const char *name, struct elf_sec *out)
{
	size_t i, n = elf_nr_secs(img, len);
	Elf64_Shdr sh;

	for (i = 0; i < n; i++) {
		const char *s = elf_sec_name(img, len, i);

		if (s && !strcmp(s, name) && elf_shdr(img, len, i, &sh)) {
			Elf64_Ehdr eh;

			memcpy(&eh, img, sizeof(eh));
			out->hdr = eh.e_shoff + i * sizeof(sh);
			out->off = sh.sh_offset;
			out->size = sh.sh_size;
			return out->off <= len && out->size <= len - out->off;
		}
	}
	return false;
}

/* The names of an object's `.aot.*` sections, space-separated, in order. */
static void aot_sections(const char *path, char *names, size_t size)
{
	size_t len, i, n, k = 0;
	unsigned char *img = read_file(path, &len);

	names[0] = '\0';
	n = elf_nr_secs(img, len);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		const char *s = elf_sec_name(img, len, i);

		if (s && !strncmp(s, ".aot.", 5))
			k += (size_t)snprintf(names + k, size - k, "%s%s", k ? " " : "", s);
		ck_assert_uint_lt(k, size);
	}
	free(img);
}

static bool has_aot(const char *path, const char *prog)
{
	char names[4096], *s, *tok;

	aot_sections(path, names, sizeof(names));
	for (tok = strtok_r(names, " ", &s); tok; tok = strtok_r(NULL, " ", &s))
		if (!strcmp(tok + strlen(".aot."), prog))
			return true;
	return false;
}

/* ------------------------------------------------------------ samples */

/* What samples/NAME.test asks and expects. */
struct sample_test {
	char name[64];
	char prog[64];
	char args[2048]; /* --prog, --data-in, --ctx-in, --map-set */
	char data_in[PATH_MAX];
	char data_out_hex[1024]; /* "same" when the packet comes back unchanged */
	char maps[64][160];	 /* "MAP KEYHEX=VALHEX" */
	size_t nr_maps;
	char ringbufs[8][512]; /* "MAP HEX" */
	size_t nr_ringbufs;
	unsigned long long retval;
};

static void parse_test(const char *src, struct sample_test *t)
{
	const char *base = strrchr(src, '/') + 1;
	char path[PATH_MAX], line[1024];
	bool have_retval = false;
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%.*s", (int)(strlen(base) - strlen(".bpf.c")), base);
	snprintf(path, sizeof(path), "%s/samples/%s.test", root, t->name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':'), *h = strchr(line, '#');
		size_t n = strlen(t->args);

		if (h)
			*h = '\0';
		if (!v)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		if (!strcmp(line, "map") || !strcmp(line, "ringbuf")) {
			v[strcspn(v, "\n")] = '\0';
			while (*v && strchr(" \t", v[strlen(v) - 1]))
				v[strlen(v) - 1] = '\0';
		} else {
			v[strcspn(v, " \t\n")] = '\0';
		}
		if (!strcmp(line, "prog")) {
			snprintf(t->prog, sizeof(t->prog), "%s", v);
			snprintf(t->args + n, sizeof(t->args) - n, " --prog=%s", v);
		} else if (!strcmp(line, "data-in")) {
			snprintf(t->data_in, sizeof(t->data_in), "%s/samples/%s", root, v);
			snprintf(t->args + n, sizeof(t->args) - n, " --data-in=%s", t->data_in);
		} else if (!strcmp(line, "ctx-in")) {
			snprintf(t->args + n, sizeof(t->args) - n, " --ctx-in=%s/samples/%s", root,
				 v);
		} else if (!strcmp(line, "map-set")) {
			snprintf(t->args + n, sizeof(t->args) - n, " --map-set=%s", v);
		} else if (!strcmp(line, "retval")) {
			t->retval = strtoull(v, NULL, 10);
			have_retval = true;
		} else if (!strcmp(line, "data-out")) {
			snprintf(t->data_out_hex, sizeof(t->data_out_hex), "%s", v);
		} else if (!strcmp(line, "data-out-hex")) {
			snprintf(t->data_out_hex, sizeof(t->data_out_hex), "%s", v);
		} else if (!strcmp(line, "map") && t->nr_maps < 64) {
			snprintf(t->maps[t->nr_maps++], sizeof(t->maps[0]), "%s", v);
		} else if (!strcmp(line, "ringbuf") && t->nr_ringbufs < 8) {
			snprintf(t->ringbufs[t->nr_ringbufs++], sizeof(t->ringbufs[0]), "%s", v);
		}
	}
	fclose(f);
	ck_assert_msg(have_retval && t->prog[0], "%s: no prog or retval", path);
}

/* Compiles samples/NAME.bpf.c as `make` does, into dir/NAME.o, with
 * compiler (bpfaot-cc or clang-14) and extra options. */
static void compile_sample_with(const char *dir, const char *name, const char *compiler,
				const char *extra)
{
	char out[OUT_SZ];

	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cd '%s' && '%s' %s " BPF_CFLAGS " -c samples/%s.bpf.c -o '%s/%s.o'",
			 root, compiler, extra, name, dir, name) == 0,
		      "%s %s: %.2000s", compiler, name, out);
}

static void compile_sample(const char *dir, const char *name)
{
	compile_sample_with(dir, name, cc_bin, "");
}

/* Checks one run's dump against the sample's expectations. */
static void check_run(const struct sample_test *t, const char *engine, const char *out,
		      const char *data_out)
{
	size_t i;

	ck_assert_msg(retval_of(out) == t->retval, "%s on %s: retval %llu, expected %llu: %.2000s",
		      t->name, engine, retval_of(out), t->retval, out);
	for (i = 0; i < t->nr_maps && strcmp(engine, "kernel"); i++) {
		char name[64], key[64], head[128], want[200];
		const char *m, *end, *v;

		ck_assert_int_eq(sscanf(t->maps[i], "%63s %63[0-9a-f]=", name, key), 2);
		v = strchr(t->maps[i], '=') + 1;
		snprintf(head, sizeof(head), "map '%s' (", name);
		m = find_line(out, head);
		ck_assert_msg(m != NULL, "%s on %s: map '%s' not dumped: %.2000s", t->name, engine,
			      name, out);
		end = find_line(m + 1, "map '");
		/* per-CPU maps print every CPU's value: CPU 0's comes first */
		snprintf(want, sizeof(want), "  %s: %s", key, v);
		m = find_line(m, want);
		ck_assert_msg(m && (!end || m < end), "%s on %s: no '%s': %.2000s", t->name, engine,
			      t->maps[i], out);
	}
	for (i = 0; i < t->nr_ringbufs && strcmp(engine, "kernel"); i++) {
		char name[64], hex[512], want[700];

		ck_assert_int_eq(sscanf(t->ringbufs[i], "%63s %511s", name, hex), 2);
		snprintf(want, sizeof(want), "ringbuf '%s' record (%zu bytes): %s\n", name,
			 strlen(hex) / 2, hex);
		ck_assert_msg(strstr(out, want), "%s on %s: no '%s': %.2000s", t->name, engine,
			      want, out);
	}
	if (data_out && t->data_out_hex[0]) {
		size_t n, m, k;
		unsigned char *got = read_file(data_out, &n), *in;

		if (!strcmp(t->data_out_hex, "same")) {
			in = read_file(t->data_in, &m);
			ck_assert_msg(n == m && !memcmp(got, in, n), "%s on %s: packet changed",
				      t->name, engine);
			free(in);
		} else {
			char hex[1024] = "";

			for (k = 0; k < n && 2 * k + 2 < sizeof(hex); k++)
				sprintf(hex + 2 * k, "%02x", got[k]);
			ck_assert_msg(!strcmp(hex, t->data_out_hex),
				      "%s on %s: packet %s, expected %s", t->name, engine, hex,
				      t->data_out_hex);
		}
		free(got);
	}
}

/* Drops the lines of maps whose content legitimately differs from one
 * process to the next (keyed by the caller's pid). */
static void strip_pid_maps(char *s)
{
	char *m;

	while ((m = strstr(s, "map 'pid_count'"))) {
		char *end = strstr(m, "\nmap '");

		if (end)
			memmove(m, end + 1, strlen(end + 1) + 1);
		else
			*m = '\0';
	}
}

/*
 * bpftool gen skeleton and gen object accept the fat object unchanged.
 * The skeleton header compiles and links against libbpf, and opens the
 * embedded fat object (no bpf() needed). The libbpf linker keeps every
 * .aot.P section byte for byte, and the linked object runs with the
 * sample's expected results: aot (native code) and interp give the same
 * retval, packet and maps, and the kernel the same retval.
 */
START_TEST(test_sample_bpftool)
{
	struct sample_test *t = calloc(1, sizeof(*t));
	char dir[96], out[OUT_SZ], interp[OUT_SZ], names[4096], names2[4096], path[PATH_MAX],
		path2[PATH_MAX], why[256];
	unsigned char *fat, *lnk;
	size_t fat_len, lnk_len;
	const char *engine;
	char *s, *tok;

	ck_assert_ptr_nonnull(t);
	parse_test(samples.gl_pathv[_i], t);
	tmpdir_new(dir, sizeof(dir));
	compile_sample(dir, t->name);
	snprintf(path, sizeof(path), "%s/%s.o", dir, t->name);
	aot_sections(path, names, sizeof(names));
	ck_assert_msg(names[0], "%s: no .aot section", t->name);

	/* gen skeleton: a header that compiles, links and opens */
	ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && bpftool gen skeleton %s.o > %s.skel.h", dir,
			 t->name, t->name) == 0,
		      "%s: gen skeleton: %.2000s", t->name, out);
	snprintf(path2, sizeof(path2), "%s/skel.c", dir);
	snprintf(
		out, sizeof(out),
		"#include <stdio.h>\n#include \"%s.skel.h\"\n"
		"int main(void)\n{\n\tstruct %s *s = %s__open();\n\n"
		"\tif (!s)\n\t\treturn 1;\n\tprintf(\"opened %%s\\n\", bpf_object__name(s->obj));\n"
		"\t%s__destroy(s);\n\treturn 0;\n}\n",
		t->name, t->name, t->name, t->name);
	write_file(path2, out, strlen(out));
	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cd '%s' && cc -Wall -Wextra -Werror -c skel.c -o skel.o && "
			 "cc skel.o -lbpf -lelf -lz -o skel",
			 dir) == 0,
		      "%s: the skeleton does not compile: %.2000s", t->name, out);
	ck_assert_msg(tu_sh(out, sizeof(out), "'%s/skel'", dir) == 0, "%s: %.2000s", t->name, out);
	ck_assert_msg(strstr(out, "opened "), "%s: %.2000s", t->name, out);

	/* gen object drops the default .aot sections (string tables to the
	 * libbpf linker); the linked object runs on its bytecode */
	ck_assert_msg(
		tu_sh(out, sizeof(out), "cd '%s' && bpftool gen object out.o %s.o", dir, t->name) == 0,
		"%s: gen object: %.2000s", t->name, out);
	snprintf(path2, sizeof(path2), "%s/out.o", dir);
	aot_sections(path2, names2, sizeof(names2));
	ck_assert_msg(!names2[0], "%s: gen object kept '%s'", t->name, names2);
	ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=interp --dump-maps%s '%s'", run_bin,
			 t->args, path2) == 0,
		      "%s on interp after gen object: %.2000s", t->name, out);
	check_run(t, "interp", out, NULL);

	/* --aot-section=progbits: the .aot sections survive gen object, byte
	 * for byte */
	compile_sample_with(dir, t->name, cc_bin, "--aot-section=progbits");
	aot_sections(path, names, sizeof(names));
	ck_assert_msg(names[0], "%s: no .aot section with --aot-section=progbits", t->name);
	ck_assert_msg(
		tu_sh(out, sizeof(out), "cd '%s' && bpftool gen object out.o %s.o", dir, t->name) == 0,
		"%s: gen object: %.2000s", t->name, out);
	aot_sections(path2, names2, sizeof(names2));
	ck_assert_msg(!strcmp(names, names2), "%s: .aot sections '%s' became '%s' after gen object",
		      t->name, names, names2);
	fat = read_file(path, &fat_len);
	lnk = read_file(path2, &lnk_len);
	for (tok = strtok_r(names, " ", &s); tok; tok = strtok_r(NULL, " ", &s)) {
		struct elf_sec a, b;

		ck_assert(elf_find(fat, fat_len, tok, &a));
		ck_assert(elf_find(lnk, lnk_len, tok, &b));
		ck_assert_msg(a.size == b.size && !memcmp(fat + a.off, lnk + b.off, a.size),
			      "%s: %s changed in gen object", t->name, tok);
	}
	free(fat);
	free(lnk);

	/* what survives still runs */
	engine = has_aot(path2, t->prog) ? "aot" : "interp";
	ck_assert_msg(tu_sh(out, sizeof(out),
			 "'%s' --engine=%s --dump-maps --data-out='%s/pkt.out'%s '%s'", run_bin,
			 engine, dir, t->args, path2) == 0,
		      "%s on %s: %.2000s", t->name, engine, out);
	snprintf(path, sizeof(path), "%s/pkt.out", dir);
	check_run(t, engine, out, path);
	ck_assert_msg(tu_sh(interp, sizeof(interp),
			 "'%s' --engine=interp --dump-maps --data-out='%s/pkt.out'%s '%s'", run_bin,
			 dir, t->args, path2) == 0,
		      "%s on interp: %.2000s", t->name, interp);
	check_run(t, "interp", interp, path);
	strip_pid_maps(out);
	strip_pid_maps(interp);
	ck_assert_msg(!strcmp(out, interp), "%s: %s and interp differ:\n%.1500s\n---\n%.1500s",
		      t->name, engine, out, interp);
	if (rt_kernel__available(why, sizeof(why))) {
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=kernel%s '%s'", run_bin, t->args,
				 path2) == 0,
			      "%s on kernel: %.2000s", t->name, out);
		check_run(t, "kernel", out, NULL);
	} else {
		printf("SKIP: %s: kernel engine: %s\n", t->name, why);
	}
	tmpdir_rm(dir);
	free(t);
}
END_TEST

/* Builds tests/data/cc/libbpf_load.c into dir/load. */
static void build_loader(const char *dir)
{
	char out[OUT_SZ];

	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cc -Wall -Wextra -Werror '%s/tests/data/cc/libbpf_load.c' "
			 "-lbpf -lelf -lz -o '%s/load'",
			 root, dir) == 0,
		      "libbpf_load.c: %.2000s", out);
}

/* Every program of the fat object, and of its `gen object` output, is
 * loaded by the kernel through bpf_object__open_file + bpf_object__load. */
START_TEST(test_sample_libbpf_load)
{
	struct sample_test *t = calloc(1, sizeof(*t));
	char dir[96], out[OUT_SZ], names[4096], why[256], *s, *tok;
	const char *objs[] = {"%s/%s.o", "%s/out.o"};
	size_t k;

	ck_assert_ptr_nonnull(t);
	parse_test(samples.gl_pathv[_i], t);
	if (!rt_kernel__available(why, sizeof(why))) {
		printf("SKIP: %s: %s\n", t->name, why);
		free(t);
		return;
	}
	tmpdir_new(dir, sizeof(dir));
	build_loader(dir);
	compile_sample(dir, t->name);
	ck_assert_int_eq(
		tu_sh(out, sizeof(out), "cd '%s' && bpftool gen object out.o %s.o", dir, t->name), 0);
	for (k = 0; k < 2; k++) {
		char path[PATH_MAX], copy[4096];

		snprintf(path, sizeof(path), objs[k], dir, t->name);
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s/load' '%s'", dir, path) == 0,
			      "%s: libbpf refused %s: %.2000s", t->name, path, out);
		aot_sections(path, names, sizeof(names));
		snprintf(copy, sizeof(copy), "%s", names);
		for (tok = strtok_r(copy, " ", &s); tok; tok = strtok_r(NULL, " ", &s)) {
			char want[256];

			snprintf(want, sizeof(want), "loaded %s fd>=0 yes\n",
				 tok + strlen(".aot."));
			ck_assert_msg(strstr(out, want), "%s: %s not loaded: %.2000s", t->name, tok,
				      out);
		}
	}
	tmpdir_rm(dir);
	free(t);
}
END_TEST

/* libbpf's log at its default level (what an application that never
 * calls libbpf_set_print() shows on stderr) while `load` opens (and, where
 * bpf() works, loads) obj, and bpftool's while it generates a skeleton. */
static void libbpf_log(const char *dir, const char *obj, char *log, size_t size)
{
	char why[256], out[OUT_SZ];
	bool kernel = rt_kernel__available(why, sizeof(why));
	int n;

	ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s/load' %s %s 2>'%s.log' >/dev/null", dir,
			 dir, kernel ? "" : "-n", obj, obj) == 0,
		      "libbpf refused %s/%s: %.2000s", dir, obj, out);
	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cd '%s' && bpftool gen skeleton %s 2>>'%s.log' >/dev/null && cat '%s.log'",
			 dir, obj, obj, obj) == 0,
		      "gen skeleton %s/%s: %.2000s", dir, obj, out);
	n = snprintf(log, size, "%s", out);
	ck_assert_int_lt(n, (int)size);
}

/* A fat object is quiet: libbpf and bpftool print for it exactly what they
 * print for clang's object of the same source (no "skipping unrecognized
 * data section" per .aot section). */
START_TEST(test_sample_libbpf_quiet)
{
	struct sample_test *t = calloc(1, sizeof(*t));
	char dir[96], ref[96], names[4096], path[PATH_MAX], obj[128], log[OUT_SZ], ref_log[OUT_SZ];

	ck_assert_ptr_nonnull(t);
	parse_test(samples.gl_pathv[_i], t);
	tmpdir_new(dir, sizeof(dir));
	tmpdir_new(ref, sizeof(ref));
	build_loader(dir);
	build_loader(ref);
	compile_sample(dir, t->name);
	compile_sample_with(ref, t->name, "clang-14", "");
	snprintf(path, sizeof(path), "%s/%s.o", dir, t->name);
	aot_sections(path, names, sizeof(names));
	ck_assert_msg(names[0], "%s: no .aot section", t->name);
	/* the same file name: libbpf names the object after it */
	snprintf(obj, sizeof(obj), "%s.o", t->name);
	libbpf_log(dir, obj, log, sizeof(log));
	libbpf_log(ref, obj, ref_log, sizeof(ref_log));
	ck_assert_msg(!strcmp(log, ref_log), "%s: libbpf's log differs:\n%.2000s\n--- clang's:\n%.2000s",
		      t->name, log, ref_log);
	tmpdir_rm(dir);
	tmpdir_rm(ref);
	free(t);
}
END_TEST

/* ------------------------------------------------------------ bootstrap */

#define BOOTSTRAP_OUT "retval=2 packets=1 bytes=64 total=64\n"

/* Builds a copy of tests/bootstrap with `make CLANG=clang` in a temp dir and
 * runs its loader where bpf() works. Returns the loader's stdout in out
 * ("" when skipped). */
static void build_bootstrap(const char *dir, const char *clang, char *out, size_t out_sz)
{
	char log[OUT_SZ], why[256];

	ck_assert_int_eq(tu_sh(NULL, 0, "cp -r '%s/tests/bootstrap/.' '%s'", root, dir), 0);
	ck_assert_msg(tu_sh(log, sizeof(log), "make -C '%s' CLANG='%s'", dir, clang) == 0,
		      "bootstrap with CLANG=%s does not build: %.2000s", clang, log);
	ck_assert_msg(strstr(log, clang), "make did not use %s: %.2000s", clang, log);
	out[0] = '\0';
	if (!rt_kernel__available(why, sizeof(why))) {
		printf("SKIP: bootstrap: built only: %s\n", why);
		return;
	}
	/* stdout only: libbpf's informational lines go to stderr */
	ck_assert_msg(tu_sh(out, out_sz, "'%s/xdp_stats' 2>'%s/stderr'", dir, dir) == 0,
		      "bootstrap loader (CLANG=%s) failed: %.2000s", clang, out);
}

START_TEST(test_bootstrap)
{
	char dir[96], dir2[96], out[4096], out2[4096], run[OUT_SZ], path[PATH_MAX];
	unsigned char pkt[64] = {0};

	tmpdir_new(dir, sizeof(dir));
	tmpdir_new(dir2, sizeof(dir2));
	build_bootstrap(dir, cc_bin, out, sizeof(out));
	snprintf(path, sizeof(path), "%s/xdp_stats.bpf.o", dir);
	ck_assert_msg(has_aot(path, "xdp_stats_prog"), "the BPF object has no native code");
	if (out[0])
		ck_assert_str_eq(out, BOOTSTRAP_OUT);

	/* the fat object runs natively, with the same counts (`gen object`
	 * dropped its native code: --aot-section=progbits keeps it) */
	pkt[12] = 0x08; /* IPv4 */
	snprintf(path, sizeof(path), "%s/pkt", dir);
	write_file(path, pkt, sizeof(pkt));
	ck_assert_msg(tu_sh(run, sizeof(run),
			 "'%s' --engine=aot --dump-maps --data-in='%s' '%s/xdp_stats.bpf.o'",
			 run_bin, path, dir) == 0,
		      "%.2000s", run);
	ck_assert_msg(strstr(run, "retval: 2\nmap 'stats' (array, key 4, value 16, max 3):\n"
				  "  00000000: 01000000000000004000000000000000\n"),
		      "%.2000s", run);
	ck_assert_msg(strstr(run, "map '.bss' (array, key 4, value 8, max 1):\n  00000000: "
				  "4000000000000000\n"),
		      "%.2000s", run);

	/* the same project with plain clang-14 prints the same, libbpf's log
	 * on stderr included */
	build_bootstrap(dir2, "clang-14", out2, sizeof(out2));
	ck_assert_str_eq(out, out2);
	if (out[0]) {
		char e1[PATH_MAX], e2[PATH_MAX], *log1, *log2;
		size_t n1, n2;

		snprintf(e1, sizeof(e1), "%s/stderr", dir);
		snprintf(e2, sizeof(e2), "%s/stderr", dir2);
		log1 = (char *)read_file(e1, &n1);
		log2 = (char *)read_file(e2, &n2);
		ck_assert_msg(n1 == n2 && !memcmp(log1, log2, n1),
			      "the loader's stderr differs:\n%.*s\n--- with clang-14:\n%.*s",
			      (int)n1, log1, (int)n2, log2);
		free(log1);
		free(log2);
	}
	tmpdir_rm(dir);
	tmpdir_rm(dir2);
}
END_TEST

/* ------------------------------------------------------------ -M* */

struct deps_case {
	const char *flags;
	const char *file; /* what to compare: the dependency file, or stdout */
};

static const struct deps_case deps_cases[] = {
	{"-MD -MF x.d", "x.d"},
	{"-MMD -MF x.d", "x.d"},
	{"-MD", "out.d"},
	{"-MMD", "out.d"},
	{"-MD -MF x.d -MT custom.o -MP", "x.d"},
	{"-MMD -MP -MF x.d -MT a.o -MT b.o", "x.d"},
	{"-MD -MF x.d -MQ '$(OUT)/deps.o'", "x.d"},
	{"-MD -MF x.d -MT '$(OUT)/deps.o'", "x.d"},
	{"-M", "out.o"}, /* -M implies -E: the rules go to -o */
	{"-MM", "out.o"},
	{"-M -MT tgt -MP", "out.o"},
};

/* The dependency output of bpfaot-cc equals clang-14's, byte for byte: both
 * run the same command in sibling directories with the same relative paths. */
START_TEST(test_deps)
{
	const struct deps_case *c = &deps_cases[_i];
	char dir[96], out[OUT_SZ], a_path[PATH_MAX], b_path[PATH_MAX];
	unsigned char *a, *b;
	size_t a_len, b_len;
	int ra, rb;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(
		tu_sh(NULL, 0,
		   "mkdir '%s/a' '%s/b' && for d in a b; do cp '%s/tests/data/cc/deps.bpf.c' "
		   "'%s/tests/data/cc/deps.h' '%s'/$d; done",
		   dir, dir, root, root, dir),
		0);
	ra = tu_sh(out, sizeof(out),
		"cd '%s/a' && clang-14 " CC_FLAGS " %s -c deps.bpf.c -o out.o > stdout", dir,
		c->flags);
	ck_assert_msg(ra == 0, "clang-14 %s: %.2000s", c->flags, out);
	rb = tu_sh(out, sizeof(out),
		"cd '%s/b' && '%s' " CC_FLAGS " %s -c deps.bpf.c -o out.o > stdout", dir, cc_bin,
		c->flags);
	ck_assert_msg(rb == 0, "bpfaot-cc %s: %.2000s", c->flags, out);
	snprintf(a_path, sizeof(a_path), "%s/a/%s", dir, c->file);
	snprintf(b_path, sizeof(b_path), "%s/b/%s", dir, c->file);
	ck_assert_msg(file_exists(b_path), "bpfaot-cc %s wrote no %s", c->flags, c->file);
	a = read_file(a_path, &a_len);
	b = read_file(b_path, &b_len);
	ck_assert_msg(a_len > 0 && strstr((char *)a, "deps.h"), "%s: %s", c->flags, a);
	ck_assert_msg(a_len == b_len && !memcmp(a, b, a_len),
		      "%s: %s differs:\nclang-14:\n%.1500s\nbpfaot-cc:\n%.1500s", c->flags, c->file,
		      a, b);
	free(a);
	free(b);
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------------ conformance */

struct conf_case {
	const char *src; /* in tests/data/cc */
	const char *cflags;
	const char *prog;
	bool xdp; /* the 64-byte packet 00..3f and the kernel; else 16 bytes 01..10 */
	unsigned long long retval; /* worked out by hand in the source's comments */
};

static const struct conf_case conf_cases[] = {
	{"ubpf_ops.c", "-DAOT_SEC", "arith", false, 151389177},
	{"ubpf_ops.c", "-DAOT_SEC", "loops", false, 90},
	{"ubpf_ops.c", "-DAOT_SEC", "classify", false, 4129},
	{"ubpf_ops.c", "-DAOT_SEC", "calls", false, 77},
	{"ubpf_ops.c", "-DAOT_SEC", "both", false, 4219},
	{"xdp_ops.bpf.c", "", "xdp_arith", true, 5153},
	{"xdp_ops.bpf.c", "", "xdp_loop", true, 794},
	{"xdp_ops.bpf.c", "", "xdp_switch", true, 20641},
	{"xdp_ops.bpf.c", "", "xdp_struct", true, 5058},
	{"xdp_ops.bpf.c", "", "xdp_calls", true, 1034},
	{"big_struct.bpf.c", "", "big_copy", true, 3498},
	{"big_struct.bpf.c", "--aot-opt=0", "big_copy", true, 3498},
	{"helper_alias.bpf.c", "", "alias_prog", true, 11},
	{"helper_alias.bpf.c", "", "alias_tail", true, 42},
	/* helper ids written as enum bpf_func_id enumerators (katran's style) */
	{"helper_enum.bpf.c", "", "enum_ids", true, 15},
	/* CO-RE builtins answered from the program's types: the kernel's too */
	{"core_kernel.bpf.c", "", "core_kernel", true, 70},
	/* what escapes a rewrite of the main file's text (styles.bpf.c) */
	{"styles.bpf.c", "", "bench_sum", true, 66},
	{"styles.bpf.c", "", "bench_len", true, 129},
	{"styles.bpf.c", "", "hdr_prog", true, 41},
	{"styles.bpf.c", "", "two_maps", true, 42},
	/* programs that share another's native code, and ones that must not */
	{"same_code.bpf.c", "", "sum_c", true, 6},
	{"same_code.bpf.c", "", "sum_e", true, 9},
	{"same_code.bpf.c", "", "count_a", true, 106},
	{"same_code.bpf.c", "", "count_b", true, 206},
	{"same_code.bpf.c", "", "third_b", true, 3},
	{"kept_name.bpf.c", "", "big_b", true, 156},
	/* an innermost loop on a 64-byte line, and a program without one */
	{"hot_loop.bpf.c", "", "hot_loop", true, 88},
	{"hot_loop.bpf.c", "", "no_loop", true, 78},
	/* bpftime's convention: the file's own bpf_main(mem) */
	{"bpf_main.c", "", "bpf_main", false, 51},
};

/* Writes the conformance inputs into dir: mem16 (01..10) and pkt64 (00..3f). */
static void write_inputs(const char *dir)
{
	unsigned char buf[64];
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i + 1);
	snprintf(path, sizeof(path), "%s/mem16", dir);
	write_file(path, buf, 16);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	snprintf(path, sizeof(path), "%s/pkt64", dir);
	write_file(path, buf, 64);
}

/* Compiles tests/data/cc/SRC with bpfaot-cc and cflags into dir/x.o; returns
 * bpfaot-cc's exit status, its output in out. */
static int cc_data(const char *dir, const char *src, const char *cflags, const char *extra,
		   char *out, size_t out_sz)
{
	return tu_sh(out, out_sz, "cd '%s' && '%s' " CC_FLAGS " %s %s -c tests/data/cc/%s -o '%s/x.o'",
		  root, cc_bin, cflags, extra, src, dir);
}

START_TEST(test_conformance)
{
	const struct conf_case *c = &conf_cases[_i];
	const char *engines[] = {"aot", "interp", "kernel"};
	char dir[96], out[OUT_SZ], first[OUT_SZ], path[PATH_MAX], why[256];
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(cc_data(dir, c->src, c->cflags, "", out, sizeof(out)) == 0, "%s: %.2000s",
		      c->src, out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert_msg(has_aot(path, c->prog), "%s: no .aot.%s", c->src, c->prog);
	for (e = 0; e < 3; e++) {
		if (e == 2 && !c->xdp)
			break; /* raw memory: no kernel test run */
		if (e == 2 && !rt_kernel__available(why, sizeof(why))) {
			printf("SKIP: %s: kernel engine: %s\n", c->prog, why);
			break;
		}
		ck_assert_msg(tu_sh(out, sizeof(out),
				 "'%s' --engine=%s --prog=%s --dump-maps --data-in='%s/%s' '%s'",
				 run_bin, engines[e], c->prog, dir, c->xdp ? "pkt64" : "mem16",
				 path) == 0,
			      "%s on %s: %.2000s", c->prog, engines[e], out);
		ck_assert_msg(retval_of(out) == c->retval, "%s on %s: retval %llu, expected %llu",
			      c->prog, engines[e], retval_of(out), c->retval);
		/* the same maps and global data after the run on every engine */
		if (!e)
			snprintf(first, sizeof(first), "%s", out);
		else
			ck_assert_msg(!strcmp(out, first),
				      "%s: aot and %s differ:\n%.1500s\n---\n%.1500s", c->prog,
				      engines[e], first, out);
	}
	tmpdir_rm(dir);
}
END_TEST

/* BPF's __noinline is the verifier's (be_ir_allow_inlining()): the native
 * IR of calls_globals at -O3 calls neither of its two __noinline
 * functions; at --aot-opt=0 (optnone) both calls stay. The answers are
 * checked on every engine by the sample's own test. */
START_TEST(test_noinline_inlined)
{
	static const char *const opts[] = { "", "--aot-opt=0" };
	char out[OUT_SZ];
	size_t i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(tu_sh(out, sizeof(out),
				       "cd '%s' && '%s' --aot-emit=llvm --aot-prog=calls_main %s "
				       BPF_CFLAGS " -c samples/calls_globals.bpf.c -o -",
				       root, cc_bin, opts[i]),
				 0);
		ck_assert_msg(strstr(out, "define i64 @bpf_main("), "%.2000s", out);
		ck_assert_msg(!strstr(out, " @mix(") == !i && !strstr(out, " @weigh(") == !i,
			      "%s: calls of mix/weigh %s:\n%.3000s", *opts[i] ? opts[i] : "-O3",
			      i ? "missing" : "left", out);
	}
}
END_TEST

/* The native code of big_struct.bpf.c calls memcpy and memset (so the
 * conformance cases above run them), at -O3 and at -O0. */
START_TEST(test_libc_calls)
{
	static const char *const opts[] = { "--aot-opt=3", "--aot-opt=0" };
	char dir[96], out[OUT_SZ];
	size_t i;

	tmpdir_new(dir, sizeof(dir));
	for (i = 0; i < 2; i++) {
		char extra[128];

		snprintf(extra, sizeof(extra), "%s --aot-emit=native --aot-prog=big_copy", opts[i]);
		ck_assert_msg(cc_data(dir, "big_struct.bpf.c", "", extra, out, sizeof(out)) == 0,
			      "%.2000s", out);
		ck_assert_int_eq(tu_sh(out, sizeof(out), "nm -u '%s/x.o'", dir), 0);
		ck_assert_msg(strstr(out, " U memcpy\n") && strstr(out, " U memset\n"), "%s: %s",
			      opts[i], out);
	}
	tmpdir_rm(dir);
}
END_TEST

/* A bare native object keeps the initial values of its globals (manifest
 * init=): the same retval and global data as the interpreter on the BPF
 * object. */
START_TEST(test_native_globals_init)
{
	char dir[96], out[OUT_SZ], nat[OUT_SZ];

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(cc_data(dir, "globals_init.bpf.c", "", "--aot-emit=native --aot-prog=glob",
			      out, sizeof(out)) == 0,
		      "%.2000s", out);
	ck_assert_int_eq(tu_sh(nat, sizeof(nat), "'%s' --engine=aot --dump-maps --data-in='%s/pkt64' "
			    "'%s/x.o'", run_bin, dir, dir),
			 0);
	ck_assert_msg(retval_of(nat) == 156, "%s", nat);
	ck_assert_msg(strstr(nat, "map '.data' (array, key 4, value 4, max 1):\n  00000000: 2a000000\n"),
		      "%s", nat);
	ck_assert_msg(cc_data(dir, "globals_init.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s",
		      out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=interp --data-in='%s/pkt64' '%s/x.o'",
			    run_bin, dir, dir),
			 0);
	ck_assert_str_eq(out, "retval: 156\n");
	tmpdir_rm(dir);
}
END_TEST

/* llvmbpf's AOT output: a bare native object without a manifest runs on
 * aot with a note saying what was assumed; with --bytecode, beside its BPF
 * object, whose maps it uses: the same maps as the interpreter. Both
 * objects are built here with clang, as bpftime-vm build lowers them. */
START_TEST(test_bpftime_objects)
{
	char dir[96], out[OUT_SZ], ref[OUT_SZ];

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cd '%s' && clang-14 -O2 -fPIC -c tests/data/cc/bpftime_bare.c -o "
			 "'%s/bpf_main.o' && clang-14 -O2 -fPIC -c tests/data/cc/bpftime_count.c -o "
			 "'%s/count_main.o' && clang-14 " CC_FLAGS " -c tests/data/cc/bpftime_count.bpf.c "
			 "-o '%s/count.bpf.o'",
			 root, dir, dir, dir) == 0,
		      "%.2000s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/mem16' '%s/bpf_main.o'",
			    run_bin, dir, dir),
			 0);
	ck_assert_msg(strstr(out, "retval: 1497\n"), "%s", out);
	ck_assert_msg(strstr(out, "bpfaot-run: note: ") &&
			      strstr(out, "bpf_main.o has no manifest: assumed llvmbpf's conventions: "
					  "program 'bpf_main' is bpf_main(mem, len) over raw memory"),
		      "%s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --dump-maps --data-in='%s/pkt64' "
			    "--bytecode='%s/count.bpf.o' '%s/count_main.o'",
			    run_bin, dir, dir, dir),
			 0);
	ck_assert_int_eq(tu_sh(ref, sizeof(ref), "'%s' --engine=interp --dump-maps "
			    "--data-in='%s/pkt64' '%s/count.bpf.o'",
			    run_bin, dir, dir),
			 0);
	ck_assert_msg(strstr(ref, "  01000000: 0500000000000000\n"), "%s", ref);
	ck_assert_str_eq(out, ref);
	tmpdir_rm(dir);
}
END_TEST

/* The same file in the plain ubpf convention (no sections): the bytecode
 * runs with the expected values, and every global function of .text gets
 * its native code (test_ubpf_convention_aot runs it). */
START_TEST(test_ubpf_convention)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX], names[4096];
	size_t i;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(cc_data(dir, "ubpf_ops.c", "", "", out, sizeof(out)) == 0, "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	aot_sections(path, names, sizeof(names));
	ck_assert_str_eq(names, ".aot.arith .aot.loops .aot.classify .aot.calls .aot.both");
	for (i = 0; i < 5; i++) {
		const struct conf_case *c = &conf_cases[i];

		ck_assert_int_eq(tu_sh(out, sizeof(out),
				    "'%s' --engine=interp --prog=%s --data-in='%s/mem16' '%s'",
				    run_bin, c->prog, dir, path),
				 0);
		ck_assert_msg(retval_of(out) == c->retval, "%s: %.2000s", c->prog, out);
	}
	tmpdir_rm(dir);
}
END_TEST

/* The ubpf convention on the aot engine: bpfaot-cc makes each global
 * function of .text a raw-memory program (frontend/unit.c, build_progs()),
 * as the runtime does (runtime/object.c, collect_progs()), and its native
 * code gives the interpreter's result. */
START_TEST(test_ubpf_convention_aot)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];
	size_t i;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(cc_data(dir, "ubpf_ops.c", "", "", out, sizeof(out)) == 0, "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (i = 0; i < 5; i++) {
		const struct conf_case *c = &conf_cases[i];

		ck_assert_msg(tu_sh(out, sizeof(out),
				 "'%s' --engine=aot --prog=%s --data-in='%s/mem16' '%s'", run_bin,
				 c->prog, dir, path) == 0,
			      "%s: %.2000s", c->prog, out);
		ck_assert_uint_eq(retval_of(out), c->retval);
	}
	tmpdir_rm(dir);
}
END_TEST

/* A file that defines its own `typedef unsigned long long uint64_t;` (fine
 * for clang -target bpf) compiles natively too: the entry is spelled
 * without <stdint.h> (rewriters/entry.c). */
START_TEST(test_uint64_typedef)
{
	static const char src[] =
		"typedef unsigned long long uint64_t;\n"
		"__attribute__((section(\"ubpf\"))) uint64_t first(void *mem, uint64_t len)\n"
		"{\n\treturn len ? *(unsigned char *)mem : 0;\n}\n";
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/u.c", dir);
	write_file(path, src, strlen(src));
	ck_assert_int_eq(
		tu_sh(out, sizeof(out), "cd '%s' && clang-14 -O2 -g -target bpf -c u.c -o c.o", dir),
		0);
	ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s' -O2 -g -target bpf -c u.c -o u.o", dir,
			 cc_bin) == 0,
		      "%.2000s", out);
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------------ errors */

/* C that does not compile: clang's diagnostic, location and caret, exactly
 * as clang-14 prints it, clang's exit status, and no object. */
START_TEST(test_syntax_error)
{
	char dir[96], out[OUT_SZ], want[OUT_SZ], path[PATH_MAX];
	int rc, want_rc;

	tmpdir_new(dir, sizeof(dir));
	want_rc = tu_sh(want, sizeof(want),
		     "cd '%s' && clang-14 " CC_FLAGS
		     " -c tests/data/cc/syntax_error.bpf.c -o '%s/clang.o'",
		     root, dir);
	rc = cc_data(dir, "syntax_error.bpf.c", "", "", out, sizeof(out));
	ck_assert_int_eq(want_rc, 1);
	ck_assert_int_eq(rc, want_rc);
	ck_assert_str_eq(out, want);
	ck_assert_msg(strstr(out, "tests/data/cc/syntax_error.bpf.c:9:37: error: expected ';' at "
				  "end of declaration\n"
				  "        __u32 n = ctx->data_end - ctx->data\n"
				  "                                           ^\n"
				  "                                           ;\n"
				  "1 error generated.\n"),
		      "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(!file_exists(path));
	tmpdir_rm(dir);
}
END_TEST

/* What clang-14 cannot compile for BPF (signed division) fails the same way. */
START_TEST(test_backend_error)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];
	int want_rc;

	tmpdir_new(dir, sizeof(dir));
	want_rc = tu_sh(out, sizeof(out),
		     "cd '%s' && clang-14 " CC_FLAGS
		     " -fno-crash-diagnostics -c tests/data/cc/signed_div.c -o '%s/clang.o'",
		     root, dir);
	ck_assert_int_ne(want_rc, 0);
	ck_assert_int_eq(
		cc_data(dir, "signed_div.c", "-fno-crash-diagnostics", "", out, sizeof(out)),
		want_rc);
	ck_assert_msg(strstr(out, "Unsupport signed division"), "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(!file_exists(path));
	tmpdir_rm(dir);
}
END_TEST

/* Compiles tests/data/cc/SRC into dir/x.o (its path in path): bpfaot-cc
 * prints nothing and prog gets native code. */
static void cc_native(const char *dir, const char *src, const char *prog, char *path, size_t n)
{
	char out[OUT_SZ];

	ck_assert_msg(cc_data(dir, src, "", "", out, sizeof(out)) == 0, "%s: %.2000s", src, out);
	ck_assert_str_eq(out, "");
	snprintf(path, n, "%s/x.o", dir);
	ck_assert_msg(has_aot(path, prog), "%s: no .aot.%s", src, prog);
}

/* CO-RE builtins on the program's own types get native code: every
 * answer, worked out by hand in tests/data/cc/core_local.bpf.c, on aot and
 * on the interpreter (the unrelocated bytecode: the BPF compile's own
 * answers). */
START_TEST(test_core_local)
{
	static const long long want[43] = {
		0, 8, 0, 61, 61, 0, 41, 44, 1, 36, 8, 8, 24, 8, 1, 17, 20, 4, 55, 1, 49, 58,
		46, 2, 56, 59, 16, 4, 32, 31, 5, 1, 8, 1, 44, 15, 48, 1, -2, 1, -3, -5, -43,
	};
	const char *engines[] = {"aot", "interp"};
	char dir[96], out[OUT_SZ], path[PATH_MAX], hex[43 * 16 + 1];
	size_t e, i, b;

	for (i = 0; i < 43; i++)
		for (b = 0; b < 8; b++)
			sprintf(hex + 16 * i + 2 * b, "%02x",
				(unsigned)((unsigned long long)want[i] >> (8 * b)) & 0xff);
	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	cc_native(dir, "core_local.bpf.c", "core_local", path, sizeof(path));
	for (e = 0; e < 2; e++) {
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --dump-maps --data-in='%s/pkt64' '%s'",
				 run_bin, engines[e], dir, path) == 0,
			      "%s: %.2000s", engines[e], out);
		ck_assert_msg(retval_of(out) == 43, "%s: %.2000s", engines[e], out);
		ck_assert_msg(strstr(out, hex), "%s: not the answers %s:\n%.3000s", engines[e], hex,
			      out);
	}
	tmpdir_rm(dir);
}
END_TEST

/* libbpf-tools' style: a perf event array without max_entries and a void
 * program (tests/data/cc/void_perf.bpf.c): the native code links and runs,
 * with the interpreter's retval (0). */
START_TEST(test_void_perf)
{
	const char *engines[] = {"aot", "interp"};
	char dir[96], out[OUT_SZ], path[PATH_MAX];
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "head -c 512 /dev/zero > '%s/ctx'", dir), 0);
	cc_native(dir, "void_perf.bpf.c", "void_perf", path, sizeof(path));
	for (e = 0; e < 2; e++) {
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --ctx-in='%s/ctx' '%s'", run_bin,
				 engines[e], dir, path) == 0,
			      "%s: %.2000s", engines[e], out);
		ck_assert_str_eq(out, "retval: 0\n");
	}
	tmpdir_rm(dir);
}
END_TEST

#define CORE_WARN                                                                                  \
	"tests/data/cc/core.bpf.c:28:6: %s: '__builtin_btf_type_id' has no native meaning; "       \
	"program 'core' keeps only its bytecode [%s]\n"                                            \
	"        if (bpf_core_type_id_local(struct task_like))\n"                                  \
	"            ^\n"

/* CO-RE: the object is still written, with a [-Waot] warning naming the
 * construct and its location; 'core' gets no native code, 'plain' does.
 * -Werror=aot makes it an error (and no object); -Wno-aot hides it. */
START_TEST(test_unsupported_core)
{
	char dir[96], out[OUT_SZ], want[1024], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert_msg(cc_data(dir, "core.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s", out);
	snprintf(want, sizeof(want), CORE_WARN, "warning", "-Waot");
	ck_assert_str_eq(out, want);
	ck_assert(has_aot(path, "plain"));
	ck_assert(!has_aot(path, "core"));
	ck_assert_int_eq(
		tu_sh(out, sizeof(out),
		   "'%s' --engine=aot --prog=core --data-in='%s/samples/xdp_counter.pkt' '%s'",
		   run_bin, root, path),
		1);
	ck_assert_str_eq(out, "bpfaot-run: error: program 'core' has no native code (compile it "
			      "with bpfaot-cc)\n");
	ck_assert_int_eq(
		tu_sh(out, sizeof(out),
		   "'%s' --engine=interp --prog=core --data-in='%s/samples/xdp_counter.pkt' '%s'",
		   run_bin, root, path),
		0);
	ck_assert_str_eq(out, "retval: 3\n"); /* XDP_TX: a type id */
	/* --list names aot for 'plain' only */
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --list '%s'", run_bin, path), 0);
	ck_assert_msg(strstr(out, "prog 'plain' section 'xdp' (2 insns) engines: aot interp jit "
				  "kernel") &&
			      strstr(out, "prog 'core' section 'xdp' (6 insns) engines: interp jit "
					  "kernel"),
		      "%.2000s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "'%s' --prog=plain --data-in='%s/samples/xdp_counter.pkt' '%s'",
			    run_bin, root, path),
			 0);
	ck_assert_str_eq(out, "retval: 2\n");

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(cc_data(dir, "core.bpf.c", "", "-Werror=aot", out, sizeof(out)), 1);
	snprintf(want, sizeof(want), CORE_WARN, "error", "-Werror,-Waot");
	ck_assert_msg(strstr(out, want), "%.2000s", out);
	ck_assert(!file_exists(path));

	ck_assert_int_eq(cc_data(dir, "core.bpf.c", "", "-Wno-aot", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert(has_aot(path, "plain") && !has_aot(path, "core"));

	/* one program's native object: no native code is an error, not an
	 * exit status 0 that writes nothing */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(cc_data(dir, "core.bpf.c", "", "--aot-emit=native --aot-prog=core", out,
				 sizeof(out)),
			 1);
	snprintf(want, sizeof(want), CORE_WARN, "warning", "-Waot");
	ck_assert_msg(strstr(out, want), "%.2000s", out);
	ck_assert_msg(strstr(out, "bpfaot-cc: error: --aot-emit=native: program 'core' has no "
				  "native code; nothing written\n"),
		      "%.2000s", out);
	ck_assert(!file_exists(path));
	tmpdir_rm(dir);
}
END_TEST

/* A section attribute spelled through a macro (AOT_SECTION) is removed
 * like one spelled in place: every program gets native code, silently. */
START_TEST(test_macro_section)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(cc_data(dir, "ubpf_ops.c", "-DAOT_SEC", "", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(has_aot(path, "arith") && has_aot(path, "both"));
	tmpdir_rm(dir);
}
END_TEST

/* A global of a header lives in the runtime's .rodata: an override reaches
 * the native code as it reaches the bytecode (styles.h: hdr_scale 3 -> 5,
 * 12 * 5 + 5 = 65). */
START_TEST(test_header_rodata)
{
	const char *engines[] = {"aot", "interp"};
	char dir[96], out[OUT_SZ];
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(cc_data(dir, "styles.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s", out);
	ck_assert_str_eq(out, "");
	for (e = 0; e < 2; e++) {
		ck_assert_int_eq(tu_sh(out, sizeof(out),
				    "'%s' --engine=%s --prog=hdr_prog --data-in='%s/pkt64' "
				    "--map-set=.rodata:00000000=05000000 '%s/x.o'",
				    run_bin, engines[e], dir, dir),
				 0);
		ck_assert_str_eq(out, "retval: 65\n");
	}
	tmpdir_rm(dir);
}
END_TEST

/* libbpf's program macros (BPF_KPROBE with BPF_CORE_READ, BPF_KRETPROBE,
 * BPF_PROG): each program gets native code, silently; with zeroed
 * registers the answers are worked out in tracing.bpf.c. */
START_TEST(test_tracing_macros)
{
	const char *progs[] = {"kp_core", "krp", "tp"};
	const char *want[] = {"retval: 11\n", "retval: 12\n", "retval: 13\n"};
	char dir[96], out[OUT_SZ], path[PATH_MAX];
	size_t i;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "head -c 256 /dev/zero > '%s/ctx'", dir), 0);
	ck_assert_msg(cc_data(dir, "tracing.bpf.c", "-D__TARGET_ARCH_x86", "", out,
			      sizeof(out)) == 0,
		      "%.2000s", out);
	ck_assert_str_eq(out, "");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(has_aot(path, progs[i]), "no native code for %s", progs[i]);
		ck_assert_int_eq(tu_sh(out, sizeof(out),
				    "'%s' --engine=interp --prog=%s --ctx-in='%s/ctx' '%s'", run_bin,
				    progs[i], dir, path),
				 0);
		ck_assert_str_eq(out, want[i]);
		/* kp_core's bpf_probe_read_kernel(dst, size, const void *) links:
		 * the runtime's third argument is a pointer too */
		ck_assert_int_eq(tu_sh(out, sizeof(out),
				    "'%s' --engine=aot --prog=%s --ctx-in='%s/ctx' '%s'", run_bin,
				    progs[i], dir, path),
				 0);
		ck_assert_str_eq(out, want[i]);
	}
	tmpdir_rm(dir);
}
END_TEST

/* Writes dir/IN (INSZ zero bytes), runs dir/x.o on aot then interp with
 * OPT=dir/IN and checks that both print expect. */
static void check_aot_interp(const char *dir, const char *opt, const char *in, int insz,
			     const char *expect)
{
	char out[OUT_SZ], both[256];

	ck_assert_int_eq(tu_sh(out, sizeof(out), "head -c %d /dev/zero > '%s/%s'", insz, dir, in), 0);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot %s='%s/%s' '%s/x.o' && "
			       "'%s' --engine=interp %s='%s/%s' '%s/x.o'",
			       run_bin, opt, dir, in, dir, run_bin, opt, dir, in, dir),
			 0);
	snprintf(both, sizeof(both), "%s%s", expect, expect);
	ck_assert_str_eq(out, both);
}

/* A __weak function and map (libbpf's usdt.bpf.h style) keep native code;
 * the value by hand is in weak.bpf.c. */
START_TEST(test_weak_function)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(cc_data(dir, "weak.bpf.c", "", "", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(has_aot(path, "weak_user"));
	check_aot_interp(dir, "--data-in", "pkt", 64, "retval: 128\n");
	tmpdir_rm(dir);
}
END_TEST

/* A section libbpf does not know, typed by the loader (--type): native
 * code with the context of its parameter; the value by hand is in the
 * source. Without --type the runtime says why it cannot use it. */
START_TEST(test_legacy_section)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(cc_data(dir, "legacy_sec.bpf.c", "", "", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(has_aot(path, "legacy"));
	check_aot_interp(dir, "--type=xdp --data-in", "pkt", 64, "retval: 1064\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt' '%s' 2>&1",
			       run_bin, dir, path),
			 1);
	ck_assert_msg(strstr(out, "program 'legacy': context xdp in the object, mem in the runtime"),
		      "%s", out);
	tmpdir_rm(dir);
}
END_TEST

/* Never silent: a program that cannot have native code says why, at the
 * construct, in clang's format; the others of the file keep theirs. */
START_TEST(test_no_native_reasons)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(cc_data(dir, "inline_asm.bpf.c", "", "", out, sizeof(out)), 0);
	ck_assert_str_eq(out,
			 "tests/data/cc/inline_asm.bpf.c:17:2: warning: inline BPF assembly has no "
			 "native meaning; program 'with_asm' keeps only its bytecode [-Waot]\n"
			 "        asm volatile(\"%[r] += 1\" : [r] \"+r\"(r));\n"
			 "        ^\n"
			 "tests/data/cc/inline_asm.bpf.c:24:22: warning: no native code for program "
			 "'reg_var': unknown register name 'r6' in asm; it keeps only its bytecode "
			 "[-Waot]\n"
			 "        register long r asm(\"r6\") = 5;\n"
			 "                            ^\n");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(!has_aot(path, "with_asm") && !has_aot(path, "reg_var") && has_aot(path, "plain"));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --prog=with_asm --data-in='%s/samples/xdp_counter.pkt' '%s'",
			    run_bin, root, path),
			 0);
	ck_assert_str_eq(out, "retval: 8\n");
	ck_assert_int_eq(cc_data(dir, "inline_asm.bpf.c", "", "-Werror=aot", out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "error: inline BPF assembly has no native meaning; program "
				  "'with_asm' keeps only its bytecode [-Werror,-Waot]"),
		      "%.2000s", out);
	ck_assert(!file_exists(path));
	ck_assert_int_eq(cc_data(dir, "inline_asm.bpf.c", "", "-Wno-aot", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");

	/* BPF_KSYSCALL reads the __kconfig extern LINUX_HAS_SYSCALL_WRAPPER:
	 * native code too, from the runtime's .kconfig map (see the source) */
	ck_assert_int_eq(cc_data(dir, "ksyscall.bpf.c", "-D__TARGET_ARCH_x86", "", out, sizeof(out)),
			 0);
	ck_assert_str_eq(out, "");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(has_aot(path, "ksys"));
	check_aot_interp(dir, "--ctx-in", "ctx", 256, "retval: 14\n");
	tmpdir_rm(dir);
}
END_TEST

/* A __ksym extern: the object is written, the program keeps only its
 * bytecode, and the warning names the symbol. */
START_TEST(test_unsupported_ksym)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX], names[4096];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_msg(cc_data(dir, "ksym.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s", out);
	ck_assert_str_eq(
		out,
		"tests/data/cc/ksym.bpf.c:9:5: warning: native code of program 'uses_ksym' needs "
		"'bpf_prog_active', which the runtime does not provide; the program keeps only its "
		"bytecode [-Waot]\n"
		"int uses_ksym(struct xdp_md *ctx)\n"
		"    ^\n");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	aot_sections(path, names, sizeof(names));
	ck_assert_str_eq(names, "");
	ck_assert_int_eq(cc_data(dir, "ksym.bpf.c", "", "-Werror=aot", out, sizeof(out)), 1);
	ck_assert_msg(
		strstr(out, "error: native code of program 'uses_ksym' needs 'bpf_prog_active'"),
		"%.2000s", out);
	tmpdir_rm(dir);
}
END_TEST

/* A helper the runtime lacks (189, bpf_xdp_load_bytes): bpfaot-cc
 * compiles it; bpfaot-run refuses the fat object with the helper's id, and
 * the native object alone with its id and name. */
START_TEST(test_missing_helper)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	/* bpfaot-cc knows the runtime's helpers (include/bpfaot/helpers.h):
	 * no native code the linker would refuse, a warning instead */
	ck_assert_msg(cc_data(dir, "no_helper.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s",
		      out);
	ck_assert_msg(strstr(out, "no_helper.bpf.c:10:5: warning: program 'load_bytes' calls helper "
				  "189 ('bpf_xdp_load_bytes'), which the runtime does not provide; "
				  "the program keeps only its bytecode [-Waot]"),
		      "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(!has_aot(path, "load_bytes"));
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "'%s' --engine=aot --data-in='%s/samples/xdp_counter.pkt' '%s'",
			    run_bin, root, path),
			 1);
	ck_assert_str_eq(out, "bpfaot-run: error: program 'load_bytes' has no native code (compile "
			      "it with bpfaot-cc)\n");
	tmpdir_rm(dir);
}
END_TEST

/* Whether the host's loopback forwards IPv4 or IPv6 (then the kernel's
 * bpf_fib_lookup looks routes up where the runtime's world does not). */
static bool lo_forwards(void)
{
	static const char *const files[] = { "/proc/sys/net/ipv4/conf/lo/forwarding",
					     "/proc/sys/net/ipv6/conf/lo/forwarding" };
	bool fwd = false;
	size_t i;

	for (i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");
		int c = f ? fgetc(f) : '0';

		fwd |= c != '0';
		if (f)
			fclose(f);
	}
	return fwd;
}

/* Helpers 39, 69 and 177 on every engine, with the kernel's answers (the
 * values by hand in new_helpers.bpf.c). */
START_TEST(test_new_helpers)
{
	static const char *const engines[] = { "aot", "interp", "jit", "llvm-aot", "kernel" };
	char dir[96], out[OUT_SZ], path[PATH_MAX], why[256];
	bool kernel_fwd;
	size_t e;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_msg(cc_data(dir, "new_helpers.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s",
		      out);
	ck_assert_str_eq(out, "");
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert(has_aot(path, "pull") && has_aot(path, "printk4") && has_aot(path, "fib"));
	kernel_fwd = lo_forwards();
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		if (!strcmp(engines[e], "kernel") && !rt_kernel__available(why, sizeof(why))) {
			printf("SKIP: new helpers on the kernel engine: %s\n", why);
			break;
		}
		ck_assert_msg(tu_sh(out, sizeof(out),
				 "'%s' --engine=%s --prog=pull --data-in='%s/samples/xdp_counter.pkt' "
				 "'%s'",
				 run_bin, engines[e], root, path) == 0,
			      "%s: %.2000s", engines[e], out);
		ck_assert_msg(!strcmp(out, "retval: 7\n"), "%s: %s", engines[e], out);
		ck_assert_msg(tu_sh(out, sizeof(out),
				 "'%s' --engine=%s --prog=printk4 "
				 "--data-in='%s/samples/xdp_counter.pkt' '%s'",
				 run_bin, engines[e], root, path) == 0,
			      "%s: %.2000s", engines[e], out);
		/* the kernel's trace pipe is not the command's output */
		ck_assert_msg(!strcmp(out, strcmp(engines[e], "kernel") ?
					      "vprintk 1 2 3 4\nretval: 2\n" : "retval: 2\n"),
			      "%s: %s", engines[e], out);
		if (!strcmp(engines[e], "kernel") && kernel_fwd) {
			printf("SKIP: bpf_fib_lookup on the kernel engine: this host's loopback forwards\n");
			continue;
		}
		ck_assert_msg(tu_sh(out, sizeof(out),
				 "'%s' --engine=%s --prog=fib --dump-maps "
				 "--data-in='%s/samples/xdp_counter.pkt' '%s' | grep 'out = '",
				 run_bin, engines[e], root, path) == 0,
			      "%s: %.2000s", engines[e], out);
		ck_assert_str_eq(out, "    out = (long long[8])[5,-19,4,5,-97,-22,-22,-19,]\n");
	}
	tmpdir_rm(dir);
}
END_TEST

/* A corruption of the fat object of tests/data/cc/fat_victim.bpf.c: img is
 * the whole file, aot its section '.aot.victim'. */
struct fat_patch {
	const char *what;
	void (*patch)(unsigned char *img, size_t len, const struct elf_sec *aot);
	/* the message: after "bpfaot-run: error: PATH(.aot.victim): "; after
	 * "bpfaot-run: error: PATH" when it starts with '*'; anywhere in it
	 * when it starts with '~' */
	const char *msg;
};

static void set_sec_size(unsigned char *img, const struct elf_sec *aot, uint64_t size)
{
	memcpy(img + aot->hdr + offsetof(Elf64_Shdr, sh_size), &size, sizeof(size));
}

static void patch_trunc_64(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	set_sec_size(img, aot, 64);
}

static void patch_trunc_half(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	set_sec_size(img, aot, aot->size / 2);
}

static void patch_trunc_0(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	set_sec_size(img, aot, 0);
}

static void patch_magic(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	memcpy(img + aot->off, "JUNK", 4);
}

static void patch_shoff(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	memset(img + aot->off + offsetof(Elf64_Ehdr, e_shoff), 0xff, 8);
}

static void patch_shnum(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	uint16_t n = 0xfff0;

	(void)len;
	memcpy(img + aot->off + offsetof(Elf64_Ehdr, e_shnum), &n, sizeof(n));
}

static void patch_garbage(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	size_t i;

	(void)len;
	for (i = 64; i + 64 < aot->size; i++)
		img[aot->off + i] = (unsigned char)(i * 37 + 11);
}

/* Replaces the first from (in the native object) with to, of the same length. */
static void patch_text(unsigned char *img, const struct elf_sec *aot, const char *from,
		       const char *to)
{
	size_t n = strlen(from), i;

	ck_assert_uint_eq(strlen(to), n);
	for (i = 0; i + n <= aot->size; i++)
		if (!memcmp(img + aot->off + i, from, n)) {
			memcpy(img + aot->off + i, to, n);
			return;
		}
	ck_abort_msg("'%s' is not in the native object", from);
}

/* Replaces from with to wherever it occurs in the native object. */
static void patch_all(unsigned char *img, const struct elf_sec *aot, const char *from,
		      const char *to)
{
	size_t n = strlen(from), i;

	for (i = 0; i + n <= aot->size; i++)
		if (!memcmp(img + aot->off + i, from, n))
			memcpy(img + aot->off + i, to, n);
}

static void patch_mf_value(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, " value=16 ", " value=32 ");
	patch_all(img, aot, " stride=16", " stride=32"); /* inlined maps say their stride too */
}

static void patch_mf_type(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, " type=1 key=4 ", " type=2 key=4 ");
}

static void patch_mf_key(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, " key=4 value=", " key=8 value=");
}

static void patch_mf_max(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, " max=5 ", " max=9 ");
}

static void patch_mf_helper(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, "name=bpf_ktime_get_ns ", "name=bpf_skb_vlan_pop ");
}

static void patch_mf_end(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, "\nend\n", "\nenx\n");
}

static void patch_mf_magic(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	(void)len;
	patch_text(img, aot, "bpfaot-manifest 1", "bpfaot-manifest 7");
}

/* The native object's first relocation gets type 250. */
static void patch_reloc_type(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	struct elf_sec r;
	Elf64_Rela rela;

	(void)len;
	ck_assert(elf_find(img + aot->off, aot->size, ".rela.text", &r));
	ck_assert_uint_ge(r.size, sizeof(rela));
	memcpy(&rela, img + aot->off + r.off, sizeof(rela));
	rela.r_info = ELF64_R_INFO(ELF64_R_SYM(rela.r_info), 250);
	memcpy(img + aot->off + r.off, &rela, sizeof(rela));
}

/* The native object's undefined symbol 'victim_map' becomes 'victim_maq',
 * which nothing defines. */
static void patch_unresolved(unsigned char *img, size_t len, const struct elf_sec *aot)
{
	struct elf_sec st;
	size_t i;

	(void)len;
	ck_assert(elf_find(img + aot->off, aot->size, ".strtab", &st));
	for (i = 0; i + 11 <= st.size; i++) {
		unsigned char *p = img + aot->off + st.off + i;

		if ((i == 0 || p[-1] == '\0') && !memcmp(p, "victim_map", 11)) {
			p[9] = 'q';
			return;
		}
	}
	ck_abort_msg("no symbol name 'victim_map'");
}

static const struct fat_patch fat_patches[] = {
	{"truncated to 64 bytes", patch_trunc_64, "section headers out of bounds\n"},
	{"truncated to half", patch_trunc_half, "section headers out of bounds\n"},
	{"truncated to 0 bytes", patch_trunc_0,
	 "*: section '.aot.victim' holds no native object\n"},
	{"bad ELF magic", patch_magic, "not an ELF file\n"},
	{"section headers past the end", patch_shoff, "section headers out of bounds\n"},
	{"section count past the end", patch_shnum, "bad section count 65520\n"},
	{"garbage after the ELF header", patch_garbage, ""},
	{"manifest: map value size", patch_mf_value,
	 "map 'victim_map': value size 32 in the object, 16 in the runtime\n"},
	{"manifest: map key size", patch_mf_key,
	 "map 'victim_map': key size 8 in the object, 4 in the runtime\n"},
	{"manifest: map type", patch_mf_type,
	 "map 'victim_map': type 2 in the object, 1 in the runtime\n"},
	{"manifest: map max entries", patch_mf_max,
	 "map 'victim_map': max entries 9 in the object, 5 in the runtime\n"},
	{"manifest: helper name", patch_mf_helper,
	 "helper 5 is 'bpf_skb_vlan_pop' in the object, 'bpf_ktime_get_ns' in the runtime\n"},
	{"manifest: no end", patch_mf_end, "~: unknown record 'enx'\n"},
	{"manifest: version", patch_mf_magic,
	 "manifest line 1: unsupported manifest version 7 (this runtime reads 1)\n"},
	{"unknown relocation type", patch_reloc_type,
	 "reloc #0 in '.rela.text': unsupported type 250\n"},
	{"unresolved symbol", patch_unresolved, "symbol 'victim_maq' is unresolved\n"},
};

/* Each corruption is refused with exit status 1 (no crash: a signal gives
 * -1) and one message naming the object and the culprit; nothing runs. */
START_TEST(test_fat_corrupt)
{
	const struct fat_patch *fp = &fat_patches[_i];
	char dir[96], out[OUT_SZ], path[PATH_MAX], want[PATH_MAX + 256];
	struct elf_sec aot;
	unsigned char *img;
	size_t len;

	tmpdir_new(dir, sizeof(dir));
	/* the helpers stay calls, so that the manifest has helper lines */
	ck_assert_msg(cc_data(dir, "fat_victim.bpf.c", "", "--aot-no-inline-helpers --aot-no-inline-maps",
			      out, sizeof(out)) == 0,
		      "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	img = read_file(path, &len);
	ck_assert(elf_find(img, len, ".aot.victim", &aot));
	fp->patch(img, len, &aot);
	snprintf(path, sizeof(path), "%s/bad.o", dir);
	write_file(path, img, len);
	free(img);
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "'%s' --engine=aot --data-in='%s/samples/xdp_counter.pkt' '%s'",
			    run_bin, root, path),
			 1);
	if (fp->msg[0] == '*')
		snprintf(want, sizeof(want), "bpfaot-run: error: %s%s", path, fp->msg + 1);
	else
		snprintf(want, sizeof(want), "bpfaot-run: error: %s(.aot.victim): %s", path,
			 fp->msg[0] == '~' ? "" : fp->msg);
	ck_assert_msg(strstr(out, want) == out, "%s: '%.2000s' lacks '%s'", fp->what, out, want);
	ck_assert_msg(fp->msg[0] != '~' || strstr(out, fp->msg + 1), "%s: '%.2000s' lacks '%s'",
		      fp->what, out, fp->msg + 1);
	ck_assert_msg(count_str(out, "\n") == 1, "%s: %.2000s", fp->what, out);
	/* the bytecode twin is untouched and still runs, unless the fat
	 * object itself no longer loads */
	if (fp->msg[0] != '*') {
		ck_assert_int_eq(
			tu_sh(out, sizeof(out),
			   "'%s' --engine=interp --data-in='%s/samples/xdp_counter.pkt' '%s'",
			   run_bin, root, path),
			0);
		ck_assert_str_eq(out, "retval: 2\n");
	}
	tmpdir_rm(dir);
}
END_TEST

struct cc_opt {
	const char *args;
	const char *msg;
};

static const struct cc_opt cc_opts[] = {
	{"--aot-emit=x -c samples/xdp_counter.bpf.c",
	 "bpfaot-cc: error: invalid value 'x' in '--aot-emit=x'\n"},
	{"-target bpf -c /nonexistent.bpf.c -o /dev/null",
	 "bpfaot-cc: error: no such file or directory: '/nonexistent.bpf.c'\n"},
};

START_TEST(test_cc_bad_option)
{
	const struct cc_opt *o = &cc_opts[_i];
	char out[OUT_SZ];

	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' %s", root, cc_bin, o->args), 1);
	ck_assert_msg(strstr(out, o->msg) == out, "'%s': '%s' lacks '%s'", o->args, out, o->msg);
}
END_TEST

/* ------------------------------------------------------------ limits */

/* A generated program of 3000 statements (about 15,000 instructions):
 * compiles, and aot gives the interpreter's result. */
START_TEST(test_large_program)
{
	char dir[96], path[PATH_MAX], out[OUT_SZ], interp[OUT_SZ];
	unsigned int k, seed = 12345;
	FILE *f;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	snprintf(path, sizeof(path), "%s/big.bpf.c", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\n"
		"SEC(\"xdp\")\nint big(struct xdp_md *ctx)\n{\n"
		"\tvoid *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;\n"
		"\t__u8 *p = data;\n\t__u64 x, y, z;\n\n"
		"\tif (data + 64 > data_end)\n\t\treturn XDP_ABORTED;\n"
		"\tx = p[1] + 1;\n\ty = p[2] + 2;\n\tz = p[3];\n");
	for (k = 0; k < 3000; k++) {
		seed = seed * 1103515245u + 12345u;
		switch ((seed >> 16) % 4) {
		case 0:
			fprintf(f, "\tx = x * %u + z;\n", (seed >> 8) | 1);
			break;
		case 1:
			fprintf(f, "\ty ^= x >> %u;\n", 1 + (seed >> 8) % 62);
			break;
		case 2:
			fprintf(f, "\tx += y << %u;\n", 1 + (seed >> 8) % 62);
			break;
		default:
			fprintf(f, "\tif (x & 0x%xULL)\n\t\ty += %u;\n\telse\n\t\ty -= x;\n",
				seed & 0xffff, seed >> 20);
		}
	}
	fprintf(f, "\treturn (int)((x ^ y ^ (x >> 32)) & 0x7fffffff);\n}\n\n"
		   "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s' " CC_FLAGS " -c big.bpf.c -o big.o",
			 dir, cc_bin) == 0,
		      "%.2000s", out);
	snprintf(path, sizeof(path), "%s/big.o", dir);
	ck_assert(has_aot(path, "big"));
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot --data-in='%s/pkt64' '%s'",
			    run_bin, dir, path),
			 0);
	ck_assert_int_eq(tu_sh(interp, sizeof(interp),
			    "'%s' --engine=interp --data-in='%s/pkt64' '%s'", run_bin, dir, path),
			 0);
	ck_assert_str_eq(out, interp);
	tmpdir_rm(dir);
}
END_TEST

/* The shared native front end (backend/compile.c) over the skimmed
 * (frontend/skim.c) and pruned (rewriters/prune.c) unit, built during
 * the BPF compile (speculate()): a file's fat object and its diagnostics
 * are byte for byte those of the compile program by program with every
 * declaration, parsed whole, after the BPF compile (BPFAOT_CC_PER_PROGRAM=1
 * BPFAOT_CC_KEEP_DECLS=1 BPFAOT_CC_NO_SPECULATE=1), and -v shows how many
 * native front ends ran (counted by hand). */
struct shared_case {
	const char *src;	/* from the repository's root */
	const char *cflags;
	unsigned fronts;
};

static const struct shared_case shared_cases[] = {
	{ "tests/data/cc/inline_helpers.bpf.c", CC_FLAGS, 1 },	/* 11 programs */
	{ "tests/data/cc/new_helpers.bpf.c", CC_FLAGS, 1 },
	{ "tests/data/cc/styles.bpf.c", CC_FLAGS, 1 },
	{ "tests/data/cc/xdp_ops.bpf.c", CC_FLAGS, 1 },
	{ "tests/data/cc/tracing.bpf.c", CC_FLAGS " -D__TARGET_ARCH_x86", 1 },
	/* nine programs, six back ends (test_same_code) */
	{ "tests/data/cc/same_code.bpf.c", CC_FLAGS, 1 },
	/* one code, but each object keeps its program's name: two back ends */
	{ "tests/data/cc/kept_name.bpf.c", CC_FLAGS, 1 },
	{ "samples/tail_dispatch.bpf.c", BPF_CFLAGS, 1 },
	/* one of its two programs can have native code: nothing to share */
	{ "tests/data/cc/core.bpf.c", CC_FLAGS, 1 },
	/* the rewrite says something ([-Waot]): program by program */
	{ "tests/data/cc/helper_alias.bpf.c", CC_FLAGS, 2 },
	/* reg_var does not compile natively: the shared front end fails, then
	 * reg_var's and plain's own run (with_asm's inline assembly: none) */
	{ "tests/data/cc/inline_asm.bpf.c", CC_FLAGS, 3 },
};

/* Compiles src (from the repository's root) with cflags both ways into
 * dir and compares; fronts: the native front ends -v must show. */
static void check_shared(const char *dir, const char *src, const char *cflags, unsigned fronts)
{
	char out[OUT_SZ], per[OUT_SZ], path[PATH_MAX];
	unsigned char *shared, *alone;
	size_t shared_len, alone_len;
	int st;

	st = tu_sh(out, sizeof(out), "cd '%s' && '%s' %s -c %s -o '%s/shared.o'", root, cc_bin,
		   cflags, src, dir);
	ck_assert_msg(st == 0, "%s: %.2000s", src, out);
	ck_assert_int_eq(tu_sh(per, sizeof(per),
			       "cd '%s' && BPFAOT_CC_PER_PROGRAM=1 BPFAOT_CC_KEEP_DECLS=1 "
			       "BPFAOT_CC_NO_SPECULATE=1 '%s' %s -c "
			       "%s -o '%s/alone.o'",
			       root, cc_bin, cflags, src, dir),
			 0);
	ck_assert_str_eq(out, per);
	snprintf(path, sizeof(path), "%s/shared.o", dir);
	shared = read_file(path, &shared_len);
	snprintf(path, sizeof(path), "%s/alone.o", dir);
	alone = read_file(path, &alone_len);
	aot_sections(path, out, sizeof(out));
	ck_assert_msg(*out, "%s: no native code at all", src);
	ck_assert_msg(shared_len == alone_len && !memcmp(shared, alone, alone_len),
		      "%s: the fat objects differ (%zu and %zu bytes; sections %s)", src,
		      shared_len, alone_len, out);
	free(shared);
	free(alone);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' -v %s -c %s -o '%s/v.o'", root,
			       cc_bin, cflags, src, dir),
			 0);
	ck_assert_msg(count_str(out, " -disable-llvm-optzns ") == fronts,
		      "%s: %zu native front ends, expected %u:\n%.3000s", src,
		      count_str(out, " -disable-llvm-optzns "), fronts, out);
}

START_TEST(test_shared_front_end)
{
	const struct shared_case *c = &shared_cases[_i];
	char dir[96];

	tmpdir_new(dir, sizeof(dir));
	check_shared(dir, c->src, c->cflags, c->fronts);
	tmpdir_rm(dir);
}
END_TEST

/* Compiles tests/data/cc/src (program prog) with -v, whose output must
 * hold each of the lines in want_v, and again with env set, the plain path
 * it falls back to: both objects must be byte for byte the same, and prog
 * must return ret (worked out by hand) on aot and interp. */
static void check_fallback(const char *src, const char *prog, const char *const *want_v,
			   const char *env, unsigned long long ret)
{
	static const char *const engines[] = { "aot", "interp" };
	char dir[96], out[OUT_SZ], path[PATH_MAX], plain[PATH_MAX];
	unsigned char *a, *b;
	size_t alen, blen, e;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_msg(cc_data(dir, src, "", "-v", out, sizeof(out)) == 0, "%.2000s", out);
	for (; *want_v; want_v++)
		ck_assert_msg(strstr(out, *want_v), "no '%s' in:\n%.3000s", *want_v, out);
	ck_assert_msg(!strstr(out, "error"), "%.3000s", out);
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && %s '%s' " CC_FLAGS
			       " -c tests/data/cc/%s -o '%s/plain.o'", root, env, cc_bin, src, dir),
			 0);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	snprintf(plain, sizeof(plain), "%s/plain.o", dir);
	a = read_file(path, &alen);
	b = read_file(plain, &blen);
	ck_assert_msg(alen == blen && !memcmp(a, b, alen), "%s: the objects differ", src);
	free(a);
	free(b);
	ck_assert_msg(has_aot(path, prog), "no .aot.%s", prog);
	write_inputs(dir);
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --data-in='%s/pkt64' '%s'",
				    run_bin, engines[e], dir, path) == 0, "%s: %.2000s", engines[e], out);
		ck_assert_uint_eq(retval_of(out), ret);
	}
	tmpdir_rm(dir);
}

/* Programs of one code (tests/data/cc/same_code.bpf.c) share one back
 * end and -v says so; programs of one shape over different globals or
 * helpers of different attributes do not, nor anything at --aot-opt=0,
 * nor do programs of one code whose objects keep a function named after
 * their program (kept_name.bpf.c: each its own back end). Their answers:
 * test_conformance; the objects are the ones compiled program by program:
 * test_shared_front_end. */
START_TEST(test_same_code)
{
	static const char *const want[] = {
		"  (bpfaot-cc) program 'sum_b' has the code of 'sum_a': the same native object\n",
		"  (bpfaot-cc) program 'sum_c' has the code of 'sum_a': the same native object\n",
		"  (bpfaot-cc) program 'sum_e' has the code of 'sum_d': the same native object\n",
	};
	char dir[96], out[OUT_SZ];
	size_t i;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_msg(cc_data(dir, "same_code.bpf.c", "", "-v", out, sizeof(out)) == 0, "%.2000s",
		      out);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(out, want[i]), "no '%s' in:\n%.3000s", want[i], out);
	ck_assert_msg(count_str(out, " has the code of ") == 3, "%.3000s", out);
	ck_assert_msg(count_str(out, " x86-64 code generation: ") == 6,
		      "%zu back ends, expected 6:\n%.3000s",
		      count_str(out, " x86-64 code generation: "), out);
	/* -O0 inlines nothing: no sharing */
	ck_assert_msg(cc_data(dir, "same_code.bpf.c", "", "-v --aot-opt=0", out, sizeof(out)) == 0,
		      "%.2000s", out);
	ck_assert_msg(!strstr(out, " has the code of "), "%.3000s", out);
	ck_assert_msg(count_str(out, " x86-64 code generation: ") == 9,
		      "%zu back ends, expected 9:\n%.3000s",
		      count_str(out, " x86-64 code generation: "), out);
	ck_assert_msg(cc_data(dir, "kept_name.bpf.c", "", "-v", out, sizeof(out)) == 0, "%.2000s",
		      out);
	ck_assert_msg(!strstr(out, " has the code of "), "%.3000s", out);
	ck_assert_msg(count_str(out, " x86-64 code generation: ") == 2,
		      "%zu back ends, expected 2:\n%.3000s",
		      count_str(out, " x86-64 code generation: "), out);
	tmpdir_rm(dir);
}
END_TEST

/* The skim before the parse (frontend/skim.c) where it leaves out too
 * much (tests/data/cc/skim_fallback.bpf.c): -v says the skimmed unit does
 * not parse and the whole one is parsed; the object is the one of the
 * whole parse (BPFAOT_CC_KEEP_DECLS=1); the program returns 24. */
START_TEST(test_skim_fallback)
{
	static const char *const want[] = {
		"(bpfaot-cc) skim: ",
		"; the skimmed unit does not parse, the whole one is parsed\n", NULL
	};

	check_fallback("skim_fallback.bpf.c", "skim_fallback", want, "BPFAOT_CC_KEEP_DECLS=1", 24);
}
END_TEST

/* The native code built during the BPF compile (backend/compile.c,
 * speculate()) where its guess of the globals' locations is wrong
 * (tests/data/cc/spec_static.bpf.c: a static const scalar whose address
 * the helpers take):
 * -v says it is built again and why; the object is the one built after
 * the BPF compile (BPFAOT_CC_NO_SPECULATE=1); the program returns 23. */
START_TEST(test_speculation_wrong)
{
	static const char *const want[] = {
		"\n  (bpfaot-cc) native code built during the BPF compile: built again: global "
		"'key0' is in the BPF object\n", NULL
	};

	check_fallback("spec_static.bpf.c", "spec_static", want, "BPFAOT_CC_NO_SPECULATE=1", 23);
}
END_TEST

/* The same with the running kernel's vmlinux.h (bpftool btf dump), where
 * pruning leaves out most of the unit: three programs in libbpf-tools'
 * style (CO-RE reads, tp_btf, a packet parser). */
START_TEST(test_shared_vmlinux)
{
	char dir[96], out[OUT_SZ], flags[256];
	size_t left, decls;
	const char *r;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("SKIP: shared front end with vmlinux.h: no /sys/kernel/btf/vmlinux\n");
		return;
	}
	tmpdir_new(dir, sizeof(dir));
	if (tu_sh(out, sizeof(out),
		  "bpftool btf dump file /sys/kernel/btf/vmlinux format c > '%s/vmlinux.h'", dir)) {
		printf("SKIP: shared front end with vmlinux.h: bpftool: %.200s\n", out);
		tmpdir_rm(dir);
		return;
	}
	snprintf(flags, sizeof(flags), CC_FLAGS " -D__TARGET_ARCH_x86 -I'%s'", dir);
	check_shared(dir, "tests/data/cc/vmlinux_progs.bpf.c", flags, 1);
	/* the skim left most of vmlinux.h out of the parse */
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' -v %s -c "
			       "tests/data/cc/vmlinux_progs.bpf.c -o '%s/v.o'", root, cc_bin, flags,
			       dir), 0);
	r = strstr(out, "(bpfaot-cc) skim: ");
	ck_assert_msg(r && sscanf(r, "(bpfaot-cc) skim: %zu of %zu", &left, &decls) == 2 &&
			      left > decls / 2 && !strstr(r, "does not parse"),
		      "%.3000s", out);
	tmpdir_rm(dir);
}
END_TEST

/* -v prints each step's command: the BPF compile as given, -E, the native
 * front end, what the skim left out of the parse, each program's back end
 * (whose temporary directory is gone afterwards), then whether the native
 * code built during the BPF compile stands. */
START_TEST(test_verbose)
{
	char dir[96], out[OUT_SZ], *line, *s, want[PATH_MAX + 256];
	size_t n = 0;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "cd '%s' && '%s' -v " BPF_CFLAGS
			    " -c samples/tail_dispatch.bpf.c -o '%s/t.o'",
			    root, cc_bin, dir),
			 0);
	snprintf(want, sizeof(want),
		 "  clang-14 " BPF_CFLAGS " -c samples/tail_dispatch.bpf.c -o %s/t.o\n", dir);
	ck_assert_msg(strstr(out, want) == out, "'%s' lacks '%s'", out, want);
	for (line = strtok_r(out, "\n", &s); line; line = strtok_r(NULL, "\n", &s), n++) {
		char tmp[PATH_MAX];
		const char *c;

		if (!n)
			continue;
		if (n == 1) {
			/* the translation unit the BPF compile saw */
			ck_assert_msg(strstr(line, "  clang-14 " BPF_CFLAGS " -E -w -D__BPFAOT_NATIVE__=1 "
						   "samples/tail_dispatch.bpf.c -o ") == line,
				      "%s", line);
			continue;
		}
		if (n == 8) {
			/* built while the BPF compile ran, and its guess held */
			ck_assert_str_eq(line, "  (bpfaot-cc) native code built during the BPF "
					       "compile: kept");
			continue;
		}
		if (n == 3) {
			/* what the parse was spared (frontend/skim.c) */
			ck_assert_msg(strstr(line, "  (bpfaot-cc) skim: ") == line &&
					      strstr(line, " top-level declarations left out, "),
				      "%s", line);
			continue;
		}
		/* the native front end, then the back ends (in bpfaot-cc) */
		ck_assert_msg(n == 2 ? strstr(line, "  clang-14 -target x86_64-unknown-linux-gnu -O3 "
						 "-fno-stack-protector ") == line :
				       strstr(line, "  (bpfaot-cc) LLVM default<O3> and x86-64 code "
						    "generation: ") == line,
			      "%s", line);
		c = strstr(line, " -o ");
		ck_assert_msg(c && sscanf(c, " -o %4095s", tmp) == 1 && strrchr(tmp, '/'), "%s",
			      line);
		*strrchr(tmp, '/') = '\0';
		ck_assert_msg(!file_exists(tmp), "%s was left behind", tmp);
	}
	/* the BPF compile, the preprocessing, the native front end the four
	 * programs share (source to IR), the skim, one per program (IR to
	 * object), and the check of the locations the native code assumed */
	ck_assert_uint_eq(n, 2 + 1 + 1 + 4 + 1);
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------------ known failures */

/*
 * Each test here states what should happen and fails today; the cause and
 * the proposed fix are in the comment. Not registered by default.
 */

/* runtime/object.c:1357 validates every program's bytecode at open, and
 * runtime/validate.c:173 (helper_known()) refuses a helper id missing from the runtime's
 * table ("unknown helper id 189"). So the aot engine never reaches the
 * manifest check that names the helper (runtime/manifest.c:651), and the
 * kernel engine refuses a program the kernel runs.
 * Fix: treat an unknown helper as a property of the program, not a
 * malformed object: record it at validation and refuse in the bytecode
 * engines that would call it (interp, jit, llvm-*), naming it from a table
 * of kernel helper names; leave aot to the manifest check and kernel to
 * the kernel. */
START_TEST(kf_missing_helper_named)
{
	char dir[96], out[OUT_SZ], path[PATH_MAX], why[256];

	tmpdir_new(dir, sizeof(dir));
	ck_assert_msg(cc_data(dir, "no_helper.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s",
		      out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "'%s' --engine=interp --data-in='%s/samples/xdp_counter.pkt' '%s'",
			    run_bin, root, path),
			 1);
	ck_assert_msg(strstr(out, "program 'load_bytes' calls helper 189 ('bpf_xdp_load_bytes'), "
				  "which the runtime does not provide"),
		      "%.2000s", out);
	if (rt_kernel__available(why, sizeof(why))) {
		ck_assert_msg(tu_sh(out, sizeof(out),
				 "'%s' --engine=kernel --data-in='%s/samples/xdp_counter.pkt' '%s'",
				 run_bin, root, path) == 0,
			      "%.2000s", out);
		ck_assert_str_eq(out, "retval: 2\n");
	}
	tmpdir_rm(dir);
}
END_TEST

/* `bpftool gen object` of two fat objects with globals: the libbpf linker
 * concatenates their .data/.rodata, so b's globals move (b_val from .data
 * offset 0 to 4), but b's .aot section keeps the manifest offsets of b.o
 * and runtime/link.c:470 binds the global at `value0 + g->offset` (checked
 * only for bounds in runtime/manifest.c:750, check_global()). prog_b's native
 * code silently reads a's globals: 116 instead of 229.
 * Fix: for a fat object, bind each manifest global through the BPF ELF's
 * symbol table (the symbol of that name in that section gives the offset)
 * and refuse when the symbol is missing or its size differs; at least
 * refuse when the manifest offset/size disagree with the symbol. */
START_TEST(kf_gen_object_globals)
{
	static const char a[] =
		"#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
		"__u32 a_val = 111;\nconst volatile __u32 a_ro = 5;\n"
		"SEC(\"xdp\")\nint prog_a(struct xdp_md *ctx)\n{\n\treturn a_val + a_ro;\n}\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n";
	static const char b[] =
		"#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
		"__u32 b_val = 222;\nconst volatile __u32 b_ro = 7;\n"
		"SEC(\"xdp\")\nint prog_b(struct xdp_md *ctx)\n{\n\treturn b_val + b_ro;\n}\n";
	char dir[96], out[OUT_SZ], path[PATH_MAX];

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	snprintf(path, sizeof(path), "%s/a.bpf.c", dir);
	write_file(path, a, strlen(a));
	snprintf(path, sizeof(path), "%s/b.bpf.c", dir);
	write_file(path, b, strlen(b));
	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cd '%s' && '%s' --aot-section=progbits " CC_FLAGS
			 " -c a.bpf.c -o a.o && '%s' --aot-section=progbits " CC_FLAGS
			 " -c b.bpf.c -o b.o && bpftool gen object ab.o a.o b.o",
			 dir, cc_bin, cc_bin) == 0,
		      "%.2000s", out);
	snprintf(path, sizeof(path), "%s/ab.o", dir);
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "'%s' --engine=interp --prog=prog_b --data-in='%s/pkt64' '%s'", run_bin,
			    dir, path),
			 0);
	ck_assert_str_eq(out, "retval: 229\n");
	ck_assert_int_eq(tu_sh(out, sizeof(out),
			    "'%s' --engine=aot --prog=prog_b --data-in='%s/pkt64' '%s'", run_bin,
			    dir, path),
			 0);
	ck_assert_str_eq(out, "retval: 229\n");
	tmpdir_rm(dir);
}
END_TEST

/* ------------------------------------------------------------ suite */

/* A file of global functions gets native code per function; once `bpftool
 * gen object` links it into another file's program they are subprograms,
 * and the linked object must still load and run (their native code unused). */
START_TEST(test_gen_object_subprog_native)
{
	char dir[96], out[OUT_SZ];

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	ck_assert_msg(tu_sh(out, sizeof(out),
			 "cd '%s' && '%s' --aot-section=progbits " CC_FLAGS
			 " -c tests/data/cc/linklib.c -o '%s/lib.o' && '%s' --aot-section=progbits "
			 CC_FLAGS " -c tests/data/cc/linkmain.bpf.c -o '%s/main.o' && "
			 "bpftool gen object '%s/linked.o' '%s/main.o' '%s/lib.o'",
			 root, cc_bin, dir, cc_bin, dir, dir, dir, dir) == 0,
		      "%.2000s", out);
	{
		char lib[PATH_MAX];

		snprintf(lib, sizeof(lib), "%s/lib.o", dir);
		ck_assert_msg(has_aot(lib, "add3"), "lib.o has no .aot.add3");
		snprintf(lib, sizeof(lib), "%s/linked.o", dir);
		ck_assert_msg(has_aot(lib, "add3"), "linked.o lost .aot.add3");
	}
	/* ingress_ifindex is 0 in a test run: add3(0) = 3 */
	ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=interp --data-in='%s/pkt64' '%s/linked.o'",
			    run_bin, dir, dir),
			 0);
	ck_assert_str_eq(out, "retval: 3\n");
	tmpdir_rm(dir);
}
END_TEST

/* ----------------------------------------------------- inlined helpers */

/* One program of tests/data/cc/inline_helpers.bpf.c: its input, the res[]
 * entries it must leave (by hand, see the file), the helpers whose calls
 * inlining removes from its native code, and those that stay calls. */
struct inline_case {
	const char *prog;
	const char *data;	/* in the test's dir (write_inputs()) */
	const char *res[12];	/* "KEY: VALUE" lines of --dump-maps */
	const char *gone[8];	/* helper symbols inlined */
	const char *kept[4];	/* undefined symbols with inlining only */
};

static const struct inline_case inline_cases[] = {
	{ "csum", "pkt64",
	  { "00000000: 2020000000000000", "01000000: 6042000000000000",
	    "02000000: f3ef000000000000", "03000000: ac68000000000000" },
	  { "_bpf_helper_ext_0028" }, { NULL } },
	{ "csum_replace", "pkt64",
	  { "00000000: 1617000000000000", "01000000: 1213000000000000",
	    "02000000: 191d000000000000", "03000000: f2ffffffffffffff",
	    "04000000: eaffffffffffffff", "05000000: f2ffffffffffffff",
	    "06000000: eaffffffffffffff", "07000000: 2c2d000000000000",
	    "08000000: 0000000000000000", "09000000: ffff000000000000",
	    "0a000000: 0000000000000000" },
	  { "_bpf_helper_ext_0010", "_bpf_helper_ext_0011" }, { NULL } },
	{ "skb_bytes", "pkt64",
	  { "00000000: 0000000000000000", "01000000: 0a0b0c0d00000000",
	    "02000000: f2ffffffffffffff", "03000000: 0000000000000000",
	    "04000000: 3c3d3e3f00000000", "05000000: 0000000000000000",
	    "06000000: 13aabb1600000000", "07000000: eaffffffffffffff",
	    "08000000: f2ffffffffffffff", "09000000: f2ffffffffffffff",
	    "0a000000: bb00000000000000" },
	  { "_bpf_helper_ext_0009", "_bpf_helper_ext_0026" }, { NULL } },
	{ "str_cmp", "pkt64",
	  { "00000000: 0000000000000000", "01000000: ffffffffffffffff",
	    "02000000: ffffffffffffffff", "03000000: 0000000000000000",
	    "04000000: 0100000000000000" },
	  { "_bpf_helper_ext_0182" }, { NULL } },
	{ "clocks", "pkt64",
	  { "00000000: 0100000000000000", "01000000: 0100000000000000",
	    "02000000: 0100000000000000", "03000000: 0100000000000000",
	    "04000000: 0100000000000000", "05000000: 0000000000000000",
	    "06000000: 0000000000000000" },
	  { "_bpf_helper_ext_0005", "_bpf_helper_ext_0008", "_bpf_helper_ext_0042",
	    "_bpf_helper_ext_0118", "_bpf_helper_ext_0125", "_bpf_helper_ext_0160",
	    "_bpf_helper_ext_0208" },
	  { "clock_gettime" } },
	{ "loop", "pkt64",
	  { "00000000: 0a00000000000000", "01000000: 2d00000000000000",
	    "02000000: 0400000000000000", "03000000: 0600000000000000",
	    "04000000: eaffffffffffffff", "05000000: f9ffffffffffffff" },
	  { "_bpf_helper_ext_0181" }, { NULL } },
	{ "locked", "pkt64",
	  { "00000000: 0500000000000000", "01000000: 0000000000000000" },
	  { "_bpf_helper_ext_0093", "_bpf_helper_ext_0094" }, { NULL } },
	{ "prandom", "pkt64",
	  { "00000000: e2b3830d00000000", "01000000: 794cc45400000000",
	    "02000000: 42f345a800000000" },
	  { "_bpf_helper_ext_0007" }, { "__bpfaot_tls_prandom" } },
	/* the runtime's helper stays for a thread's first call */
	{ "pid_tgid", "pkt64",
	  { "00000000: 0100000000000000", "01000000: 0100000000000000",
	    "02000000: 0100000000000000" },
	  { NULL }, { "__bpfaot_tls_pid_tgid" } },
	{ "probe", "pkt64",
	  { "00000000: 0000000000000000", "01000000: 8877665544332211",
	    "02000000: f2ffffffffffffff", "03000000: 0000000000000000",
	    "04000000: 0000000000000000", "05000000: ffffffffffffffff",
	    "06000000: 0000000000000000", "07000000: 44332211ffffffff" },
	  { "_bpf_helper_ext_0004", "_bpf_helper_ext_0112", "_bpf_helper_ext_0113" },
	  { NULL } },
	{ "probe_str", "pkt64",
	  { "00000000: 0600000000000000", "01000000: 68656c6c6f000000",
	    "02000000: 0300000000000000", "03000000: 6865000000000000",
	    "04000000: f2ffffffffffffff", "05000000: 0000000000000000",
	    "06000000: 0000000000000000" },
	  { "_bpf_helper_ext_0045", "_bpf_helper_ext_0114", "_bpf_helper_ext_0115" },
	  { NULL } },
};

/* The undefined symbols of program prog's native code in the fat object
 * path, one per line ("nm -u" of its .aot section, written to dir). */
static void aot_undefined(const char *dir, const char *path, const char *prog, char *out,
			  size_t out_sz)
{
	char sec[128], native[PATH_MAX];
	struct elf_sec es;
	unsigned char *img;
	size_t len;

	img = read_file(path, &len);
	snprintf(sec, sizeof(sec), ".aot.%s", prog);
	ck_assert_msg(elf_find(img, len, sec, &es), "%s: no %s", path, sec);
	snprintf(native, sizeof(native), "%s/%s.native.o", dir, prog);
	write_file(native, img + es.off, es.size);
	free(img);
	ck_assert_int_eq(tu_sh(out, out_sz, "nm -u '%s'", native), 0);
}

/* Each inlined helper gives interp's answer and the hand-computed one, with
 * inlining on and off (--aot-no-inline-helpers); on, the native code has no
 * reference to the helper left, off it calls the runtime's. */
START_TEST(test_inline_helpers)
{
	static const char *const builds[] = { "", "--aot-no-inline-helpers" };
	char dir[96], out[OUT_SZ], first[OUT_SZ], path[PATH_MAX], syms[4096];
	size_t b, c, i;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	for (b = 0; b < 2; b++) {
		ck_assert_msg(cc_data(dir, "inline_helpers.bpf.c", "", builds[b], out, sizeof(out)) == 0,
			      "%s: %.2000s", builds[b], out);
		snprintf(path, sizeof(path), "%s/x.o", dir);
		for (c = 0; c < sizeof(inline_cases) / sizeof(inline_cases[0]); c++) {
			const struct inline_case *ic = &inline_cases[c];

			aot_undefined(dir, path, ic->prog, syms, sizeof(syms));
			for (i = 0; i < 8 && ic->gone[i]; i++) {
				char line[64];

				snprintf(line, sizeof(line), " U %s\n", ic->gone[i]);
				ck_assert_msg(!strstr(syms, line) == !b, "%s %s: %s %s:\n%s", ic->prog,
					      builds[b], ic->gone[i], b ? "not called" : "still called",
					      syms);
			}
			for (i = 0; i < 4 && ic->kept[i]; i++) {
				char line[64];

				snprintf(line, sizeof(line), " U %s\n", ic->kept[i]);
				ck_assert_msg(!strstr(syms, line) == !!b, "%s %s: %s:\n%s", ic->prog,
					      builds[b], ic->kept[i], syms);
			}
			ck_assert_msg(tu_sh(first, sizeof(first),
					 "'%s' --engine=aot --prog=%s --dump-maps --data-in='%s/%s' '%s'",
					 run_bin, ic->prog, dir, ic->data, path) == 0,
				      "%s %s: %.2000s", ic->prog, builds[b], first);
			for (i = 0; i < 12 && ic->res[i]; i++)
				ck_assert_msg(strstr(first, ic->res[i]), "%s %s: no '%s' in:\n%.3000s",
					      ic->prog, builds[b], ic->res[i], first);
			/* the whole map as the interpreter leaves it */
			ck_assert_msg(tu_sh(out, sizeof(out),
					 "'%s' --engine=interp --prog=%s --dump-maps --data-in='%s/%s' "
					 "'%s'",
					 run_bin, ic->prog, dir, ic->data, path) == 0,
				      "%s: %.2000s", ic->prog, out);
			ck_assert_msg(!strcmp(out, first), "%s %s: aot and interp differ:\n%.1500s\n---\n%.1500s",
				      ic->prog, builds[b], first, out);
		}
		/* bpf_loop's callback inlined into the loop: no function of its name */
		ck_assert_int_eq(tu_sh(out, sizeof(out), "nm '%s/loop.native.o'", dir), 0);
		ck_assert_msg(!strstr(out, "loop_add") == !b, "%s: %s", builds[b], out);
		/* bpf_get_prandom_u32's state goes on from run to run of a --repeat */
		for (i = 0; i < 2; i++) {
			ck_assert_msg(tu_sh(out, sizeof(out),
					 "'%s' --engine=%s --prog=prandom --repeat=2 --dump-maps "
					 "--data-in='%s/pkt64' '%s'",
					 run_bin, i ? "interp" : "aot", dir, path) == 0,
				      "%.2000s", out);
			ck_assert_msg(strstr(out, "00000000: 870b6e7d00000000\n") &&
					      strstr(out, "01000000: e5d6d89000000000\n") &&
					      strstr(out, "02000000: 0fcfe69d00000000\n"),
				      "%s %s: %s", builds[b], i ? "interp" : "aot", out);
		}
	}
	tmpdir_rm(dir);
}
END_TEST

/* Lookups in hash maps walk the table in the program (the inline-maps
 * rewrite, or the lifter with --aot-no-types: `__bpfaot_htab_v1_M`), also
 * with --aot-no-inline-helpers, and stay calls with --aot-no-inline-maps; every build leaves res[] as the
 * interpreter does, with the values tests/data/cc/htab_lookup.bpf.c works
 * out by hand; maps in shared memory (the view's slow path: the helper)
 * give the same. */
START_TEST(test_htab_inlined)
{
	static const char *const builds[] = { "", "--aot-no-inline-helpers", "--aot-no-types",
					      "--aot-no-inline-maps" };
	static const char *const want[] = {
		"00000000: f2ffffffffffffff\n", "01000000: 0410000000000000\n",
		"02000000: 0100000000000000\n", "03000000: 5a00000000000000\n",
		"04000000: 1e00000000000000\n", "05000000: 0f00000000000000\n",
		"06000000: 6500000000000000\n", "07000000: 0100000000000000\n",
		"08000000: 0700000000000000\n", "09000000: 0100000000000000\n",
		"0a000000: 0e00000000000000\n", "0b000000: 0100000000000000\n",
		"0c000000: 0c00000000000000\n", "0d000000: 4600000000000000\n",
		"0e000000: 4700000000000000\n", "0f000000: 9101000000000000\n",
	};
	static const char *const maps[] = { "htab_v1_small", "htab_v1_wide", "htab_v1_big",
					    "htab_v1_pc_hash", "pcpu_array_v1_pc_arr", "htab_v1_lru" };
	char dir[96], out[OUT_SZ], ref[OUT_SZ], path[PATH_MAX], syms[4096], line[64];
	size_t b, i;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (b = 0; b < sizeof(builds) / sizeof(builds[0]); b++) {
		ck_assert_msg(cc_data(dir, "htab_lookup.bpf.c", "", builds[b], out, sizeof(out)) == 0,
			      "%s: %.2000s", builds[b], out);
		aot_undefined(dir, path, "htab", syms, sizeof(syms));
		for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
			snprintf(line, sizeof(line), " U __bpfaot_%s\n", maps[i]);
			ck_assert_msg(!strstr(syms, line) == (b == 3), "%s: %s:\n%s", builds[b], line,
				      syms);
		}
		ck_assert_int_eq(tu_sh(ref, sizeof(ref), "'%s' --engine=interp --dump-maps "
				       "--data-in='%s/pkt64' '%s'", run_bin, dir, path), 0);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			ck_assert_msg(strstr(ref, want[i]), "interp: no '%s' in:\n%.3000s", want[i], ref);
		ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=aot --dump-maps --data-in='%s/pkt64' "
				    "'%s'", run_bin, dir, path) == 0, "%s: %.2000s", builds[b], out);
		ck_assert_msg(!strcmp(out, ref), "%s: aot and interp differ:\n%.3000s\n---\n%.3000s",
			      builds[b], out, ref);
	}
	/* the default build once more, its maps in shared memory */
	ck_assert_int_eq(cc_data(dir, "htab_lookup.bpf.c", "", "", out, sizeof(out)), 0);
	ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=aot --maps-shm=bpfaot-htab-%d --dump-maps "
			    "--data-in='%s/pkt64' '%s'; rc=$?; rm -f /dev/shm/bpfaot-htab-%d; exit $rc",
			    run_bin, (int)getpid(), dir, path, (int)getpid()) == 0, "%.2000s", out);
	ck_assert_msg(!strcmp(out, ref), "shared maps: aot and interp differ:\n%.3000s\n---\n%.3000s",
		      out, ref);
	tmpdir_rm(dir);
}
END_TEST

/* Push, pop and peek on queue and stack maps move the ring in the program
 * (`__bpfaot_queue_v1_M`), also with --aot-no-inline-helpers; they stay
 * calls with --aot-no-inline-maps and --aot-no-types (the lifter inlines
 * lookups only). Every build leaves res[] with the values
 * tests/data/cc/queue_ops.bpf.c works out by hand, on interp and aot, two
 * runs in a row (the maps end empty); so does the kernel, where bpf()
 * works. */
START_TEST(test_queue_inlined)
{
	static const char *const builds[] = { "", "--aot-no-inline-helpers", "--aot-no-types",
					      "--aot-no-inline-maps" };
	static const char *const want[] = {
		"00000000: 0000000000000000\n", "01000000: 0000000000000000\n",
		"02000000: 0000000000000000\n", "03000000: f9ffffffffffffff\n",
		"04000000: 0000000000000000\n", "05000000: eaffffffffffffff\n",
		"06000000: 0000000000000000\n", "07000000: 0b00000000000000\n",
		"08000000: 0000000000000000\n", "09000000: 0b00000000000000\n",
		"0a000000: 0c00000000000000\n", "0b000000: 0d00000000000000\n",
		"0c000000: feffffffffffffff\n", "0d000000: 0000000000000000\n",
		"0e000000: 0f00000000000000\n", "0f000000: 0000000000000000\n",
		"10000000: f9ffffffffffffff\n", "11000000: 0000000000000000\n",
		"12000000: 0a0b0c0000000000\n", "13000000: 0708090000000000\n",
		"14000000: 0405060000000000\n", "15000000: 0405060000000000\n",
		"16000000: feffffffffffffff\n", "17000000: eaffffffffffffff\n",
	};
	static const char *const engines[] = { "interp", "aot", "kernel" };
	char dir[96], out[OUT_SZ], path[PATH_MAX], syms[4096], why[256];
	size_t b, e, i;

	tmpdir_new(dir, sizeof(dir));
	write_inputs(dir);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (b = 0; b < sizeof(builds) / sizeof(builds[0]); b++) {
		ck_assert_msg(cc_data(dir, "queue_ops.bpf.c", "", builds[b], out, sizeof(out)) == 0,
			      "%s: %.2000s", builds[b], out);
		aot_undefined(dir, path, "queue_ops", syms, sizeof(syms));
		ck_assert_msg(!strstr(syms, " U __bpfaot_queue_v1_q\n") == (b >= 2) &&
				      !strstr(syms, " U __bpfaot_queue_v1_s\n") == (b >= 2) &&
				      !strstr(syms, " U _bpf_helper_ext_0087\n") == (b < 2) &&
				      !strstr(syms, " U _bpf_helper_ext_0088\n") == (b < 2),
			      "%s:\n%s", builds[b], syms);
		for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
			if (e == 2 && !rt_kernel__available(why, sizeof(why))) {
				printf("SKIP: queue_ops on the kernel: %s\n", why);
				continue;
			}
			ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=%s --repeat=%d --dump-maps "
					    "--data-in='%s/pkt64' '%s'", run_bin, engines[e], e == 2 ? 1 : 2,
					    dir, path) == 0, "%s %s: %.2000s", builds[b], engines[e], out);
			for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
				ck_assert_msg(strstr(out, want[i]), "%s %s: no '%s' in:\n%.3000s",
					      builds[b], engines[e], want[i], out);
		}
	}
	tmpdir_rm(dir);
}
END_TEST

/* --aot-march: the native code of a level above the baseline says so in
 * its manifest (march=), runs where the CPU has the level (interp's
 * answer) and is refused with a message where it has not; the CPU's
 * features are read here with the compiler's own cpuid builtins, apart
 * from the runtime's check. An unknown level is an error of bpfaot-cc. */
START_TEST(test_aot_march)
{
	static const struct {
		const char *level;
	} cases[] = { { "x86-64-v2" }, { "x86-64-v4" } };
	char dir[96], out[OUT_SZ], ref[OUT_SZ], path[PATH_MAX], want[1024], flags[64];
	size_t c;

	__builtin_cpu_init();
	tmpdir_new(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		bool has = c == 0 ? __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("sse4.2") :
				    __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
					    __builtin_cpu_supports("avx512cd") &&
					    __builtin_cpu_supports("avx512dq") &&
					    __builtin_cpu_supports("avx512vl");

		snprintf(flags, sizeof(flags), "--aot-march=%s", cases[c].level);
		ck_assert_msg(tu_sh(out, sizeof(out), "cd '%s' && '%s' %s %s -c samples/xdp_counter.bpf.c "
				    "-o '%s' && llvm-objcopy-14 --dump-section=.aot.xdp_count='%s/n.o' '%s' && "
				    "llvm-objcopy-14 --dump-section=.bpfaot.manifest='%s/mf' '%s/n.o' && "
				    "grep -c ' march=%s$' '%s/mf'", root, cc_bin, CC_FLAGS, flags, path,
				    dir, path, dir, dir, cases[c].level, dir) == 0, "%s: %.2000s", flags, out);
		ck_assert_msg(tu_sh(ref, sizeof(ref), "'%s' --engine=interp --dump-maps "
				    "--data-in='%s/samples/xdp_counter.pkt' '%s'", run_bin, root, path) == 0,
			      "%.2000s", ref);
		if (has) {
			ck_assert_msg(tu_sh(out, sizeof(out), "'%s' --engine=aot --dump-maps "
					    "--data-in='%s/samples/xdp_counter.pkt' '%s'", run_bin, root,
					    path) == 0, "%s: %.2000s", flags, out);
			ck_assert_str_eq(out, ref);
			continue;
		}
		ck_assert_int_eq(tu_sh(out, sizeof(out), "'%s' --engine=aot "
				       "--data-in='%s/samples/xdp_counter.pkt' '%s'", run_bin, root, path), 1);
		snprintf(want, sizeof(want), "program 'xdp_count': native code built for x86-64-v%c "
			 "(bpfaot-cc --aot-march), which this CPU does not support",
			 cases[c].level[strlen(cases[c].level) - 1]);
		ck_assert_msg(strstr(out, want), "%s: %.2000s", flags, out);
	}
	ck_assert_int_eq(tu_sh(out, sizeof(out), "cd '%s' && '%s' %s --aot-march=znver2 -c "
			       "samples/xdp_counter.bpf.c -o '%s'", root, cc_bin, CC_FLAGS, path), 1);
	ck_assert_str_eq(out, "bpfaot-cc: error: invalid value 'znver2' in '--aot-march=znver2' "
			 "(x86-64, x86-64-v2, x86-64-v3 or x86-64-v4)\n");
	tmpdir_rm(dir);
}
END_TEST

/* The native code of a program with an innermost loop starts that loop on
 * a 64-byte line (its .text aligned to 64, the backward branch's target a
 * multiple of 64); a program without a loop keeps x86's 16. The answers
 * (hot_loop.bpf.c, by hand) are test_conformance's. */
START_TEST(test_loop_alignment)
{
	static const struct {
		const char *prog;
		uint64_t align;	/* .text's sh_addralign */
		int back;	/* backward branches */
	} cases[] = { { "hot_loop", 64, 1 }, { "no_loop", 16, 0 } };
	char dir[96], out[OUT_SZ], path[PATH_MAX], native[PATH_MAX];
	size_t c, len;

	tmpdir_new(dir, sizeof(dir));
	ck_assert_msg(cc_data(dir, "hot_loop.bpf.c", "", "", out, sizeof(out)) == 0, "%.2000s", out);
	snprintf(path, sizeof(path), "%s/x.o", dir);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		unsigned char *img;
		struct elf_sec text;
		Elf64_Shdr sh;
		char *line;
		int back = 0;

		snprintf(native, sizeof(native), "%s/%s.n.o", dir, cases[c].prog);
		ck_assert_msg(tu_sh(out, sizeof(out), "llvm-objcopy-14 --dump-section=.aot.%s='%s' '%s'",
				    cases[c].prog, native, path) == 0, "%.2000s", out);
		img = read_file(native, &len);
		ck_assert_msg(elf_find(img, len, ".text", &text), "%s: no .text", cases[c].prog);
		memcpy(&sh, img + text.hdr, sizeof(sh));
		ck_assert_msg(sh.sh_addralign == cases[c].align, "%s: .text aligned to %llu",
			      cases[c].prog, (unsigned long long)sh.sh_addralign);
		free(img);
		/* "  83:   jne  0x40 <bpf_main+0x40>": a branch at 0x83 back to 0x40 */
		ck_assert_msg(tu_sh(out, sizeof(out), "llvm-objdump-14 -d --no-show-raw-insn '%s' | "
				    "grep -E '^ *[0-9a-f]+:[[:space:]]+j[a-z]+[[:space:]]+0x[0-9a-f]+ <'", native) <= 1,
			      "%.2000s", out);
		for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			unsigned long at = strtoul(line, NULL, 16);
			unsigned long to = strtoul(strstr(line, "0x") + 2, NULL, 16);

			if (to > at)
				continue;
			back++;
			ck_assert_msg(to % 64 == 0, "%s: loop at %#lx: %s", cases[c].prog, to, line);
		}
		ck_assert_int_eq(back, cases[c].back);
	}
	tmpdir_rm(dir);
}
END_TEST

static TCase *known_failures_tcase(void)
{
	TCase *tc = tcase_create("known_failures");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, base_dir_new, base_dir_rm);
	return tc;
}

Suite *e2e_cc_suite(void)
{
	Suite *s = suite_create("e2e_cc");
	const char *b = getenv("BUILD"), *kf = getenv("BPFAOT_KNOWN_FAILURES");
	TCase *tc;

	if (!getcwd(root, sizeof(root)))
		snprintf(root, sizeof(root), ".");
	snprintf(cc_bin, sizeof(cc_bin), "%s/%s/bin/bpfaot-cc", root, b && *b ? b : "build");
	snprintf(run_bin, sizeof(run_bin), "%s/%s/bin/bpfaot-run", root, b && *b ? b : "build");
	glob("samples/*.bpf.c", 0, NULL, &samples);

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_sample_bpftool, 0, (int)samples.gl_pathc);
	tcase_add_loop_test(tc, test_sample_libbpf_load, 0, (int)samples.gl_pathc);
	tcase_add_loop_test(tc, test_sample_libbpf_quiet, 0, (int)samples.gl_pathc);
	tcase_add_test(tc, test_bootstrap);
	tcase_add_loop_test(tc, test_deps, 0, (int)(sizeof(deps_cases) / sizeof(deps_cases[0])));
	tcase_add_loop_test(tc, test_conformance, 0,
			    (int)(sizeof(conf_cases) / sizeof(conf_cases[0])));
	tcase_add_test(tc, test_ubpf_convention);
	tcase_add_test(tc, test_ubpf_convention_aot);
	tcase_add_test(tc, test_uint64_typedef);
	tcase_add_test(tc, test_libc_calls);
	tcase_add_test(tc, test_noinline_inlined);
	tcase_add_test(tc, test_native_globals_init);
	tcase_add_test(tc, test_bpftime_objects);
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, base_dir_new, base_dir_rm);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_syntax_error);
	tcase_add_test(tc, test_backend_error);
	tcase_add_test(tc, test_unsupported_core);
	tcase_add_test(tc, test_core_local);
	tcase_add_test(tc, test_void_perf);
	tcase_add_test(tc, test_macro_section);
	tcase_add_test(tc, test_header_rodata);
	tcase_add_test(tc, test_tracing_macros);
	tcase_add_test(tc, test_weak_function);
	tcase_add_test(tc, test_legacy_section);
	tcase_add_test(tc, test_no_native_reasons);
	tcase_add_test(tc, test_unsupported_ksym);
	tcase_add_test(tc, test_missing_helper);
	tcase_add_test(tc, test_new_helpers);
	tcase_add_test(tc, kf_missing_helper_named);
	tcase_add_test(tc, kf_gen_object_globals);
	tcase_add_test(tc, test_gen_object_subprog_native);
	tcase_add_loop_test(tc, test_fat_corrupt, 0,
			    (int)(sizeof(fat_patches) / sizeof(fat_patches[0])));
	tcase_add_loop_test(tc, test_cc_bad_option, 0, (int)(sizeof(cc_opts) / sizeof(cc_opts[0])));
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, base_dir_new, base_dir_rm);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_large_program);
	tcase_add_test(tc, test_verbose);
	tcase_add_loop_test(tc, test_shared_front_end, 0,
			    (int)(sizeof(shared_cases) / sizeof(shared_cases[0])));
	tcase_add_test(tc, test_shared_vmlinux);
	tcase_add_test(tc, test_skim_fallback);
	tcase_add_test(tc, test_same_code);
	tcase_add_test(tc, test_speculation_wrong);
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, base_dir_new, base_dir_rm);
	suite_add_tcase(s, tc);

	tc = tcase_create("inline");
	tcase_add_test(tc, test_inline_helpers);
	tcase_add_test(tc, test_htab_inlined);
	tcase_add_test(tc, test_queue_inlined);
	tcase_add_test(tc, test_aot_march);
	tcase_add_test(tc, test_loop_alignment);
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, base_dir_new, base_dir_rm);
	suite_add_tcase(s, tc);

	/* see "known failures" above: opt-in, so that the suite stays green */
	if (kf && !strcmp(kf, "1"))
		suite_add_tcase(s, known_failures_tcase());
	return s;
}

TEST_MAIN(e2e_cc_suite)
