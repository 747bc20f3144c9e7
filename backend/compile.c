// SPDX-License-Identifier: MIT
/*
 * The compile pipeline of one source file.
 *
 *  1. The BPF compile: the user's clang command line, unchanged (fat mode
 *     writes straight to the user's -o, so -MD/-MF/-MT behave as clang's).
 *     It is authoritative: when it fails, its status is the result.
 *  2. The source is preprocessed for the BPF target with the same command
 *     line (`clang -E`, line markers kept), and the frontend parses that
 *     translation unit: headers and macro expansions are text of it, so
 *     the rewrite reaches them (docs/design.md, "The source path"). The
 *     BPF object's symbol table places every global (section, offset,
 *     size) and lays out legacy maps.
 *  3. Per program (SEC() functions, or in a file of none the global
 *     functions of .text, as the runtime reads the object): the rewritten
 *     source (rewriters/), compiled for x86-64 in three steps:
 *
 *       clang -target x86_64-unknown-linux-gnu -O3 -fno-stack-protector
 *             -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-exceptions
 *             -ffreestanding -fPIC -fno-plt -fno-common -w
 *             -fwrapv -fno-strict-aliasing -Xclang -disable-llvm-optzns
 *             <-std=, -f[un]signed-char of the user> -emit-llvm -c -x c P.c
 *       be_ir_bpf_semantics() over P.bc (in process, LLVM-C): BPF's results
 *             for division and remainder by 0 (and INT_MIN / -1), shift
 *             counts masked as the BPF compile masks them (backend/ir_sem.c)
 *       a fork()ed child of bpfaot-cc runs LLVM's default<O3> pipeline
 *             (tuned as clang tunes it) and the x86-64 code generator
 *             (PIC) over P.sem.bc: the code of `clang <the same first
 *             line> -c -x ir P.sem.bc`, without a program start
 *             (back_end_child())
 *
 *     -ffreestanding: no libc behind the native code, and no library calls
 *     synthesised from loops (__builtin_memcpy & co. still expand inline);
 *     -fPIC -fno-plt: every undefined symbol (helper, map, global) is
 *     reached through a GOT slot (R_X86_64_*GOTPCREL*), local code and data
 *     PC-relatively, so the runtime's linker may place maps and helpers
 *     anywhere in the address space; -w: the BPF compile already showed
 *     the warnings of this very source; -fwrapv -fno-strict-aliasing: BPF
 *     wraps signed arithmetic and knows no types, so the native code must
 *     not optimise on C's undefined behaviour there either. A program
 *     whose first step fails keeps its bytecode, with a [-Waot] warning
 *     that quotes clang's first error.
 *
 *     What runs at the same time: the BPF compile, -E and the first native
 *     front end start together (every clang through posix_spawn); the
 *     parse runs while the BPF compile does; the first native front end's
 *     clang waits on a pipe for its source (early_start()), so its program
 *     start is behind it when the rewrite is done.
 *  4. The object gets its manifest (.bpfaot.manifest), written from what
 *     its undefined symbols show: the helpers it calls, the maps whose
 *     values it indexes (inlined=1); those symbols are checked (helpers,
 *     maps, map values and globals only); the fat object is the BPF object
 *     with one .aot.P section per program.
 *
 * Temporary files live in a mkdtemp() directory, removed on every path.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "be_internal.h"
#include "be_sem.h"
#include "rw.h"
#include "bpfaot/abi.h"
#include "bpfaot/bchash.h"
#include "bpfaot/helpers.h"

#define BPF_MAX_STACK 512

struct job {
	const struct be_opts *o;
	struct fe_diags *d;
	const char *clang;
	char tmpdir[2048];
	char *bpf_out;		/* where the BPF object is written */
	bool own_bpf_out;	/* fat: the user's output, removed on failure */
	void *bpf;
	size_t bpf_size;
	struct be_elf elf;
	struct fe_unit *u;
	struct rw_const_map *const_maps;	/* --aot-const-map, loaded */
	/* fat: the native objects, one per program */
	char **sec_names;
	void **blobs;
	size_t *sizes;
	size_t nr_blobs, blobs_cap;
	bool wrote;		/* native, llvm: the output is written */
	/* the first native front end, started with the BPF compile and
	 * reading its source from a pipe (early_start()): its pid (0: none),
	 * the pipe's end we write, its bitcode and its stderr */
	int early_pid, early_fd;
	char *early_bc, *early_err;
	char march_flag[32];	/* "-march=" o->march */
	/* defer: finish_prog() waits (speculate()): the programs whose
	 * native objects wait for it, in order */
	bool defer;
	struct pending *pend;
	size_t nr_pend;
};

struct pending {
	const struct fe_prog *p;
	char *obj;
	size_t dmark;	/* j->d's count when it was deferred */
};

/* ----------------------------------------------------------- helpers */

static const char *emit_name(enum be_emit e)
{
	static const char *const names[] = { "fat", "native", "source", "llvm" };

	return names[e];
}

/* clang's default output: the input's base name with its last extension
 * replaced ("x.bpf.c" -> "x.bpf.o"). */
static char *default_output(const char *input, const char *ext)
{
	const char *base = strrchr(input, '/');
	const char *dot;
	char *r = NULL;

	base = base ? base + 1 : input;
	dot = strrchr(base, '.');
	if (asprintf(&r, "%.*s%s", (int)(dot ? dot - base : (long)strlen(base)), base, ext) < 0)
		return NULL;
	return r;
}

static bool is_dep_flag(const char *a, bool *takes_arg)
{
	*takes_arg = !strcmp(a, "-MF") || !strcmp(a, "-MT") || !strcmp(a, "-MQ");
	return *takes_arg || !strcmp(a, "-M") || !strcmp(a, "-MM") || !strcmp(a, "-MD") ||
	       !strcmp(a, "-MMD") || !strcmp(a, "-MP") || !strcmp(a, "-MG") ||
	       !strcmp(a, "-MV") || !strncmp(a, "-MF", 3) || !strncmp(a, "-MT", 3) ||
	       !strncmp(a, "-MQ", 3);
}

static void remove_tmpdir(const char *dir)
{
	struct dirent *e;
	char path[4096 + 512];
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

static char *tmp_path(struct job *j, const char *name, const char *ext)
{
	char *r = NULL;

	if (asprintf(&r, "%s/%s%s", j->tmpdir, name, ext) < 0)
		return NULL;
	return r;
}

/* What still shapes preprocessed text: the language standard and the
 * signedness of char (-I, -D, -include... have done their work). */
static bool shapes_preprocessed(const char *a)
{
	return !strncmp(a, "-std=", 5) || !strcmp(a, "-funsigned-char") ||
	       !strcmp(a, "-fsigned-char");
}

static const char **pp_args(const struct be_opts *o, int *n)
{
	const char **r = calloc((size_t)o->nr_src_args + 1, sizeof(*r));
	int i;

	*n = 0;
	for (i = 0; r && i < o->nr_src_args; i++)
		if (shapes_preprocessed(o->src_args[i]))
			r[(*n)++] = o->src_args[i];
	return r;
}

/* Appends the user's clang arguments to argv at *k, without the
 * dependency-output flags when drop_deps, without -c when drop_c. */
static void add_clang_args(const struct be_opts *o, const char **argv, int *k, bool drop_deps,
			   bool drop_c)
{
	bool arg;
	int i;

	for (i = 0; i < o->nr_clang_args; i++) {
		if (drop_deps && is_dep_flag(o->clang_args[i], &arg)) {
			i += arg;
			continue;
		}
		if (drop_c && !strcmp(o->clang_args[i], "-c"))
			continue;
		argv[(*k)++] = o->clang_args[i];
	}
}

/* ------------------------------------------------------------ steps */

/* Starts clang's BPF compile of the input (the fat object's base, or the
 * previews' bytecode) as a child: its pid, or -errno with the reason. */
static int bpf_compile_start(struct job *j)
{
	const struct be_opts *o = j->o;
	const char **argv = calloc((size_t)o->nr_clang_args + 8, sizeof(*argv));
	int k = 0, pid;

	if (!argv)
		return -ENOMEM;
	argv[k++] = j->clang;
	/* dependency output belongs to the fat compile only */
	add_clang_args(o, argv, &k, o->emit != BE_EMIT_FAT, false);
	/* the previews need the object even when the command line has no -c */
	if (o->emit != BE_EMIT_FAT)
		argv[k++] = "-c";
	argv[k++] = o->input;
	argv[k++] = "-o";
	argv[k++] = j->bpf_out;
	pid = be_spawn(argv, o->verbose);
	free(argv);
	if (pid < 0)
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot run '%s': %s", j->clang,
			    strerror(-pid));
	return pid;
}

/* Waits for the BPF compile; -EIO with clang's status when it failed (clang
 * printed why). */
static int bpf_compile_finish(struct job *j, int pid, int *clang_status)
{
	int st = be_wait(pid);

	if (st < 0) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot run '%s': %s", j->clang,
			    strerror(-st));
		return st;
	}
	if (st) {
		*clang_status = st;
		return -EIO;
	}
	return 0;
}

/* The translation unit the BPF compile saw: the user's command line with
 * -E (no dependency output, no warnings: the BPF compile has shown them),
 * and __BPFAOT_NATIVE__ defined, the one macro that tells the native
 * compile from the BPF one (docs/bpfaot-cc.md). */
static void early_start(struct job *j);

static int preprocess(struct job *j, const char *out)
{
	const struct be_opts *o = j->o;
	const char **argv = calloc((size_t)o->nr_clang_args + 8, sizeof(*argv));
	int k = 0, st;

	if (!argv)
		return -ENOMEM;
	argv[k++] = j->clang;
	add_clang_args(o, argv, &k, true, true);
	argv[k++] = "-E";
	argv[k++] = "-w";
	argv[k++] = "-D__BPFAOT_NATIVE__=1";
	argv[k++] = o->input;
	argv[k++] = "-o";
	argv[k++] = out;
	st = be_spawn(argv, o->verbose);
	/* the native front end's clang starts while this one runs, after it:
	 * the parse waits for -E, not for it */
	if (st > 0 && o->emit != BE_EMIT_SOURCE)
		early_start(j);
	if (st > 0)
		st = be_wait(st);
	free(argv);
	if (st) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot preprocess '%s' (%s %s)", o->input,
			    j->clang, st < 0 ? strerror(-st) : "failed");
		return st < 0 ? st : -EIO;
	}
	return 0;
}

/* The skimmed unit's parse also fails on what a declaration left out
 * could turn into a warning instead of an error: a call to an undeclared
 * function, a struct first declared in a parameter list. */
static const char *const skim_werror[] = {
	"-Werror=implicit-function-declaration",
	"-Werror=visibility",
};

/* Skims the preprocessed unit at path (fe_skim(): libclang then parses a
 * fraction of vmlinux.h) and parses it; when the skimmed text does not
 * parse cleanly, parses the whole unit, as without the skim (what libclang
 * said of the skimmed text is dropped). The source preview parses the
 * whole unit: it shows every declaration. 0 or -errno (j->u set). */
static int parse_unit(struct job *j, const char *path, const char **args, int nr_args)
{
	const bool verbose = j->o->verbose;
	struct fe_skim_stats st = { 0 };
	size_t len = 0, mark = fe_diags__count(j->d), i;
	char *whole = NULL, *skimmed = NULL;
	const char **sargs = NULL;
	int err = 0;

	if (j->o->emit != BE_EMIT_SOURCE && !getenv("BPFAOT_CC_KEEP_DECLS") &&
	    !be_read_file(path, (void **)&whole, &len) && (skimmed = malloc(len + 1)) &&
	    (sargs = calloc((size_t)nr_args + 3, sizeof(*sargs)))) {
		memcpy(skimmed, whole, len);
		err = fe_skim(skimmed, len, &st);
		if (!err && st.left_out + st.by_name)
			err = be_write_file(path, skimmed, len);
		if (err)
			goto out;
	}
	if (st.left_out + st.by_name) {
		for (i = 0; i < (size_t)nr_args; i++)
			sargs[i] = args[i];
		for (i = 0; i < sizeof(skim_werror) / sizeof(skim_werror[0]); i++)
			sargs[nr_args + i] = skim_werror[i];
		j->u = fe_unit__parse(path, sargs, nr_args + (int)i, j->d);
		if (verbose)
			fprintf(stderr,
				"  (bpfaot-cc) skim: %zu of %zu top-level declarations left out, "
				"%zu more cut to a forward declaration%s\n",
				st.left_out, st.decls, st.by_name,
				j->u ? "" : "; the skimmed unit does not parse, the whole one is parsed");
		if (j->u)
			goto out;
		fe_diags__truncate(j->d, mark);
		err = be_write_file(path, whole, len);
		if (err)
			goto out;
	}
	j->u = fe_unit__parse(path, args, nr_args, j->d);
	err = j->u ? 0 : -errno;	/* libclang's report, or errno's */
	goto out_free;
out:
	if (err)
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot skim '%s': %s", path,
			    strerror(-err));
out_free:
	free(sargs);
	free(skimmed);
	free(whole);
	return err;
}

static bool is_data_section(const char *s)
{
	return !strcmp(s, ".data") || !strcmp(s, ".rodata") || !strcmp(s, ".bss") ||
	       !strncmp(s, ".data.", 6) || !strncmp(s, ".rodata.", 8) || !strncmp(s, ".bss.", 5);
}

/* Globals: section, offset and size from the BPF object's symbols. Legacy
 * maps: their struct bpf_map_def bytes in "maps". */
static int locate(struct job *j)
{
	struct fe_global *g;
	struct fe_map *m;
	size_t i;
	int err;

	fe_unit__for_each_global(g, j->u, i) {
		const Elf64_Sym *s = be_elf__find_sym(&j->elf, fe_global__name(g));
		const char *sec;

		if (!s || ELF64_ST_TYPE(s->st_info) != STT_OBJECT)
			continue;
		sec = be_elf__sec_name(&j->elf, s->st_shndx);
		if (!is_data_section(sec))
			continue;
		err = fe_global__set_location(g, sec, s->st_value, s->st_size);
		if (err)
			return err;
	}
	fe_unit__for_each_map(m, j->u, i) {
		const Elf64_Sym *s;
		const uint8_t *data;
		uint32_t v[5];
		long sec;

		if (!fe_map__is_legacy(m) || fe_map__type(m))
			continue;
		s = be_elf__find_sym(&j->elf, fe_map__name(m));
		sec = be_elf__find_sec(&j->elf, "maps");
		if (!s || sec < 0 || s->st_shndx != sec)
			continue;
		data = be_elf__sec_data(&j->elf, (size_t)sec);
		if (!data || s->st_value > j->elf.sh[sec].sh_size ||
		    j->elf.sh[sec].sh_size - s->st_value < sizeof(v))
			continue;
		memcpy(v, data + s->st_value, sizeof(v));
		fe_map__set_def(m, v[0], v[1], v[2], v[3], v[4]);
	}
	return 0;
}

/* The deepest r10-relative access of the program's own code, 8-aligned. */
static unsigned stack_estimate(struct job *j, const char *prog)
{
	const Elf64_Sym *s = be_elf__find_sym(&j->elf, prog);
	const uint8_t *code;
	uint64_t off, end;
	unsigned depth = 0;

	if (!s || ELF64_ST_TYPE(s->st_info) != STT_FUNC)
		return 0;
	code = be_elf__sec_data(&j->elf, s->st_shndx);
	end = s->st_value + s->st_size;
	if (!code || end < s->st_value || end > j->elf.sh[s->st_shndx].sh_size)
		return 0;
	for (off = s->st_value; off + 8 <= end; off += 8) {
		const uint8_t *insn = code + off;
		uint8_t cls = insn[0] & 7, dst = insn[1] & 15, src = insn[1] >> 4;
		int16_t o = (int16_t)(insn[2] | insn[3] << 8);

		/* LDX reads [src + off]; ST/STX write [dst + off] */
		if (((cls == 1 && src == 10) || ((cls == 2 || cls == 3) && dst == 10)) && o < 0 &&
		    (unsigned)-o > depth)
			depth = (unsigned)-o;
	}
	depth = (depth + 7) & ~7u;
	return depth > BPF_MAX_STACK ? BPF_MAX_STACK : depth;
}

/* Whether the BPF compile has 32-bit sub-registers: -mcpu=v3 and later,
 * -mcpu=probe (every kernel that runs bpfaot's tests has them), or the
 * alu32 target feature; the last option wins, as in clang. */
static bool bpf_has_alu32(const struct be_opts *o)
{
	bool alu32 = false;
	int i;

	for (i = 0; i < o->nr_clang_args; i++) {
		const char *a = o->clang_args[i];

		if (!strncmp(a, "-mcpu=", 6))
			alu32 = !strcmp(a + 6, "probe") ||
				(a[6] == 'v' && a[7] >= '3' && a[7] <= '9');
		else if (!strcmp(a, "+alu32") || !strcmp(a, "-alu32"))
			alu32 = a[0] == '+';	/* -Xclang -target-feature -Xclang +alu32 */
	}
	return alu32;
}

/* The arguments every clang run of the native compile starts with. */
static int native_base_args(const struct job *j, const char **argv, char *opt, size_t opt_size)
{
	int k = 0;

	snprintf(opt, opt_size, "-O%d", j->o->opt_level);
	argv[k++] = j->clang;
	argv[k++] = "-target";
	argv[k++] = "x86_64-unknown-linux-gnu";
	if (j->o->march)
		argv[k++] = j->march_flag;
	argv[k++] = opt;
	argv[k++] = "-fno-stack-protector";
	argv[k++] = "-fno-asynchronous-unwind-tables";
	argv[k++] = "-fno-unwind-tables";
	argv[k++] = "-fno-exceptions";
	argv[k++] = "-ffreestanding";
	argv[k++] = "-fPIC";
	argv[k++] = "-fno-plt";
	argv[k++] = "-fno-common";
	argv[k++] = "-w";
	return k;
}

/* Reports a failed native compile of p: clang's first error, at its
 * location (the #line and line markers of the unit make it the user's),
 * as a [-Waot] warning (the program keeps its bytecode), or as an error
 * when the native object was what the command asked for. */
static void report_native_failure(struct job *j, const struct fe_prog *p, const char *err_path,
				  bool fatal)
{
	char *line = NULL, *file = NULL, *msg = NULL, *e;
	unsigned l = 0, c = 0;
	size_t cap = 0;
	FILE *f = fopen(err_path, "r");

	while (f && getline(&line, &cap, f) >= 0) {
		e = strstr(line, ": error: ");
		if (!e)
			continue;
		line[strcspn(line, "\n")] = '\0';
		msg = e + 9;
		*e = '\0';
		/* "file:line:col" */
		e = strrchr(line, ':');
		if (e && sscanf(e + 1, "%u", &c) == 1) {
			*e = '\0';
			e = strrchr(line, ':');
			if (e && sscanf(e + 1, "%u", &l) == 1) {
				*e = '\0';
				file = line;
			}
		}
		break;
	}
	if (f)
		fclose(f);
	if (fatal)
		fe_diag_pos(j->d, FE_ERROR, file, l, c,
			    "native compile of program '%s' failed: %s", fe_prog__name(p),
			    msg ? msg : "clang failed");
	else
		fe_diag_aot_pos(j->d, file, l, c,
				"no native code for program '%s': %s; it keeps only its bytecode",
				fe_prog__name(p), msg ? msg : "the native compile failed");
	free(line);
}

/* The module of bitcode file in (parsed whole: the buffer is not kept),
 * or NULL with an error in j->d. */
static LLVMModuleRef read_bitcode(struct job *j, LLVMContextRef ctx, const char *in)
{
	LLVMMemoryBufferRef buf = NULL;
	LLVMModuleRef m = NULL;
	char *msg = NULL;

	if (LLVMCreateMemoryBufferWithContentsOfFile(in, &buf, &msg)) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot read '%s': %s", in, msg);
		LLVMDisposeMessage(msg);
		return NULL;
	}
	if (LLVMParseBitcodeInContext2(ctx, buf, &m)) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "'%s': malformed bitcode", in);
		m = NULL;
	}
	LLVMDisposeMemoryBuffer(buf);
	return m;
}

/* The module in bitcode file in, with BPF's semantics
 * (be_ir_bpf_semantics), to bitcode file out. */
static int apply_semantics(struct job *j, const char *in, const char *out)
{
	struct be_sem_opts so = { .alu32 = bpf_has_alu32(j->o) };
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMModuleRef m = read_bitcode(j, ctx, in);
	char *msg = NULL;
	int err = -ENOEXEC;

	if (!m)
		goto out_dispose_ctx;
	/* the object's FILE symbol: the user's source, for every program
	 * (also when clang read the unit from a pipe: early_front()), so that
	 * programs of one code have one object (split_entries()) */
	LLVMSetSourceFileName(m, j->o->input, strlen(j->o->input));
	err = be_ir_bpf_semantics(m, &so, NULL);
	be_ir_allow_inlining(m);
	/* after the semantics pass: it is for the user's code, the helpers'
	 * bodies are ours and defined in C */
	if (!err)
		err = be_inline_helpers(m, !j->o->no_inline_helpers, j->d);
	if (err)
		goto out_dispose_module;
	if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0,
			    "internal error: the semantics pass broke '%s': %s", in, msg);
		err = -EINVAL;
		goto out_dispose_module;
	}
	if (LLVMWriteBitcodeToFile(m, out)) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot write '%s'", out);
		err = -EIO;
		goto out_dispose_module;
	}
	err = 0;
out_dispose_module:
	LLVMDisposeModule(m);
out_dispose_ctx:
	LLVMDisposeMessage(msg);
	LLVMContextDispose(ctx);
	return err;
}

/* The native front end's command line, reading input and writing bc, into
 * argv (room for nr_src_args + 40); opt holds its -O. */
static void native_front_args(const struct job *j, const char **argv, char *opt, size_t opt_size,
			      const char *input, const char *bc)
{
	const struct be_opts *o = j->o;
	int i, k = native_base_args(j, argv, opt, opt_size);

	/* BPF wraps signed arithmetic and has no type-based aliasing */
	argv[k++] = "-fwrapv";
	argv[k++] = "-fno-strict-aliasing";
	argv[k++] = "-Xclang";
	argv[k++] = "-disable-llvm-optzns";
	for (i = 0; i < o->nr_src_args; i++)
		if (shapes_preprocessed(o->src_args[i]))
			argv[k++] = o->src_args[i];
	argv[k++] = "-emit-llvm";
	argv[k++] = "-c";
	/* C, not cpp-output: the prelude's #defines apply to the unit */
	argv[k++] = "-x";
	argv[k++] = "c";
	argv[k++] = input;
	argv[k++] = "-o";
	argv[k++] = bc;
	argv[k] = NULL;
}

/*
 * The first native front end starts with the BPF compile, long before its
 * source exists: clang reads it from a pipe (/dev/fd/N), so that the
 * program start of clang (loading and relocating libLLVM and libclang-cpp,
 * most of a small file's front end) is not on the path from the BPF
 * compile to the fat object. Nothing is said when it cannot start: the
 * front end then runs as a plain child (native_front()).
 */
static void early_start(struct job *j)
{
	const char **argv = calloc((size_t)j->o->nr_src_args + 40, sizeof(*argv));
	char opt[8], input[32];
	int fd[2], pid;

	j->early_bc = tmp_path(j, "-early", ".bc");
	j->early_err = tmp_path(j, "-early", ".err");
	if (!argv || !j->early_bc || !j->early_err || pipe2(fd, O_CLOEXEC)) {
		free(argv);
		return;
	}
	snprintf(input, sizeof(input), "/dev/fd/%d", fd[0]);
	native_front_args(j, argv, opt, sizeof(opt), input, j->early_bc);
	pid = be_spawn_io(argv, j->o->verbose, fd[0], j->early_err);
	free(argv);
	close(fd[0]);
	if (pid < 0) {
		close(fd[1]);
		return;
	}
	j->early_pid = pid;
	j->early_fd = fd[1];
}

/* Ends an early front end that was not used: it has read nothing yet, or
 * stops reading. */
static void early_stop(struct job *j)
{
	if (j->early_pid <= 0)
		return;
	close(j->early_fd);
	kill(j->early_pid, SIGKILL);
	be_wait(j->early_pid);
	j->early_pid = 0;
}

/* The early front end compiles src: the same result as a clang run on a
 * file (0, 1 with clang's messages in err_path, -errno), bc written. */
static int early_front(struct job *j, const char *src, size_t src_len, const char *bc,
		       const char *err_path)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	size_t off = 0;
	ssize_t n;
	int st;

	/* a clang that died makes the write fail with EPIPE, not kill us */
	sigaction(SIGPIPE, &ign, &old);
	while (off < src_len) {
		n = write(j->early_fd, src + off, src_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* clang is gone (EPIPE): its status says why */
		off += (size_t)n;
	}
	close(j->early_fd);
	sigaction(SIGPIPE, &old, NULL);
	st = be_wait(j->early_pid);
	j->early_pid = 0;
	if (rename(j->early_err, err_path) || (!st && rename(j->early_bc, bc)))
		return -errno;
	if (st < 0) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot run '%s': %s", j->clang,
			    strerror(-st));
		return st;
	}
	return st || off < src_len ? 1 : 0;
}

/* The native front end: source src, at src_path -> unoptimised bitcode bc
 * (-disable-llvm-optzns); through the early front end while it waits.
 * 0; 1 when the source does not compile natively (clang's messages in
 * err_path); -errno. */
static int native_front(struct job *j, const char *src, size_t src_len, const char *src_path,
			const char *bc, const char *err_path)
{
	const char **argv;
	char opt[8];
	int err;

	if (j->early_pid > 0)
		return early_front(j, src, src_len, bc, err_path);
	err = be_write_file(src_path, src, src_len);
	if (err) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot write '%s': %s", src_path,
			    strerror(-err));
		return err;
	}
	argv = calloc((size_t)j->o->nr_src_args + 40, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	native_front_args(j, argv, opt, sizeof(opt), src_path, bc);
	/* the source's errors (what compiles for BPF only) are the program's
	 * [-Waot] reason: 1 */
	err = be_spawn_io(argv, j->o->verbose, -1, err_path);
	if (err > 0)
		err = be_wait(err);
	if (err < 0)
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot run '%s': %s", j->clang,
			    strerror(-err));
	else if (err)
		err = 1;
	free(argv);
	return err;
}

#define NATIVE_TRIPLE "x86_64-unknown-linux-gnu"

/* LLVM's diagnostics in a back end: an error is printed and fails it;
 * warnings and remarks (`loop not unrolled`) are dropped, as the native
 * front end's -w drops clang's: the BPF compile has shown the source's. */
static void back_end_diag(LLVMDiagnosticInfoRef di, void *failed)
{
	char *msg;

	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
		return;
	msg = LLVMGetDiagInfoDescription(di);
	fprintf(stderr, "bpfaot-cc: error: %s\n", msg);
	LLVMDisposeMessage(msg);
	*(bool *)failed = true;
}

/* The native back end, in a fork()ed child of bpfaot-cc (no program start,
 * no libLLVM to load again, and a fatal error of LLVM ends the child, not
 * the compile): bitcode sem -> LLVM's default<On> pipeline, tuned as clang
 * tunes it -> the x86-64 object (or the IR, llvm) at out. Exit status 0,
 * or 1 with the reason on stderr. */
static int back_end_child(const struct job *j, const char *sem, const char *out, bool llvm)
{
	static const char *const cg_flags[] = { "bpfaot-cc",
						"-x86-experimental-pref-innermost-loop-alignment=6" };
	static const LLVMCodeGenOptLevel cg[] = { LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
						  LLVMCodeGenLevelDefault,
						  LLVMCodeGenLevelAggressive };
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMMemoryBufferRef buf = NULL;
	LLVMPassBuilderOptionsRef pbo;
	LLVMTargetMachineRef tm;
	LLVMModuleRef m = NULL;
	LLVMTargetRef t;
	LLVMErrorRef e;
	char pipeline[32], *msg = NULL;
	int lvl = j->o->opt_level < 0 ? 0 : j->o->opt_level > 3 ? 3 : j->o->opt_level;
	bool failed = false;

	LLVMInitializeX86TargetInfo();
	LLVMInitializeX86Target();
	LLVMInitializeX86TargetMC();
	LLVMInitializeX86AsmPrinter();
	/* inlined helpers hold x86 assembly (rep movsb) */
	LLVMInitializeX86AsmParser();
	/* Innermost loops start a 64-byte line (x86's default is 16): where
	 * a hot loop sits in its line otherwise decides its speed as much as
	 * its code does (switch: 1.5-2.2x, bench/results/
	 * 2026-12-07-switch-alignment.md, 2026-12-07-loop-alignment.md). The
	 * child's own option, LLVM's command line never reaches the parent;
	 * parsed once per process (a second parse of one option only warns,
	 * and LLVM drops an option it does not know without a word:
	 * test_loop_alignment of check_e2e_cc notices). */
	LLVMParseCommandLineOptions(sizeof(cg_flags) / sizeof(cg_flags[0]), cg_flags, NULL);
	LLVMContextSetDiagnosticHandler(ctx, back_end_diag, &failed);
	if (LLVMCreateMemoryBufferWithContentsOfFile(sem, &buf, &msg) ||
	    LLVMParseBitcodeInContext2(ctx, buf, &m)) {
		fprintf(stderr, "bpfaot-cc: error: cannot read '%s'\n", sem);
		return 1;
	}
	if (LLVMGetTargetFromTriple(NATIVE_TRIPLE, &t, &msg)) {
		fprintf(stderr, "bpfaot-cc: error: %s\n", msg);
		return 1;
	}
	tm = LLVMCreateTargetMachine(t, NATIVE_TRIPLE, j->o->march ? j->o->march : "x86-64", "",
				     cg[lvl], LLVMRelocPIC,
				     LLVMCodeModelDefault);
	/* clang's tuning: unrolling, interleaving and both vectorisers from -O2 */
	pbo = LLVMCreatePassBuilderOptions();
	LLVMPassBuilderOptionsSetLoopUnrolling(pbo, lvl >= 2);
	LLVMPassBuilderOptionsSetLoopInterleaving(pbo, lvl >= 2);
	LLVMPassBuilderOptionsSetLoopVectorization(pbo, lvl >= 2);
	LLVMPassBuilderOptionsSetSLPVectorization(pbo, lvl >= 2);
	snprintf(pipeline, sizeof(pipeline), "default<O%d>", lvl);
	e = LLVMRunPasses(m, pipeline, tm, pbo);
	if (e) {
		msg = LLVMGetErrorMessage(e);
		fprintf(stderr, "bpfaot-cc: error: %s: %s\n", pipeline, msg);
		return 1;
	}
	if (llvm ? LLVMPrintModuleToFile(m, out, &msg) :
		   LLVMTargetMachineEmitToFile(tm, m, (char *)out, LLVMObjectFile, &msg)) {
		fprintf(stderr, "bpfaot-cc: error: cannot write '%s': %s\n", out, msg);
		return 1;
	}
	return failed;
}

/* Starts back_end_child() over sem: the child's pid, or -errno. */
static int back_end_start(const struct job *j, const char *sem, const char *out, bool llvm)
{
	pid_t pid;

	if (j->o->verbose)
		fprintf(stderr, "  (bpfaot-cc) LLVM default<O%d> and x86-64 code generation: %s -o %s\n",
			j->o->opt_level, sem, out);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int st = back_end_child(j, sem, out, llvm);

		fflush(stderr);
		_exit(st);
	}
	return pid;
}

/* A back end's status as be_wait() gives it (or back_end_start()'s
 * -errno): 0, 1 when it failed (it said why on stderr), -errno. */
static int back_end_status(struct job *j, int st)
{
	if (st < 0)
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot start the native back end: %s",
			    strerror(-st));
	return st > 0 ? 1 : st;
}

/* Source -> unoptimised bitcode -> BPF's semantics -> LLVM's -O pipeline
 * and code generation (or its IR, llvm), in a child (back_end_start()).
 * 0; 1 when the source does not compile natively (clang's messages in
 * err_path) or the back end failed (its message on stderr); -errno. */
static int native_compile(struct job *j, const char *name, const char *src, size_t src_len,
			  const char *src_path, const char *out, bool llvm, const char *err_path)
{
	char *bc = tmp_path(j, name, ".bc"), *sem = tmp_path(j, name, ".sem.bc");
	int err = -ENOMEM;

	if (!bc || !sem)
		goto out_free;
	err = native_front(j, src, src_len, src_path, bc, err_path);
	if (!err)
		err = apply_semantics(j, bc, sem);
	if (err)
		goto out_free;
	err = back_end_start(j, sem, out, llvm);
	err = back_end_status(j, err > 0 ? be_wait(err) : err);
out_free:
	free(sem);
	free(bc);
	return err;
}

static bool prog_uses_helper_sym(const char *name)
{
	return !strncmp(name, "_bpf_helper_ext_", 16) && strlen(name) == 20;
}

/* The kernel's name of helper id, or NULL (from the kernel headers' list). */
static const char *kernel_helper_name(uint32_t id)
{
#define KERNEL_HELPER_NAME(name, ...) "bpf_" #name
	/* the mapper puts the commas itself (FN(a), FN(b), ...) */
	static const char *const names[] = { __BPF_FUNC_MAPPER(KERNEL_HELPER_NAME) };
#undef KERNEL_HELPER_NAME

	return id && id < sizeof(names) / sizeof(names[0]) ? names[id] : NULL;
}

/* Whether the runtime provides helper id (include/bpfaot/helpers.h); if
 * not, *why says why when the runtime refuses it on purpose. */
static bool runtime_has_helper(uint32_t id, const char **why)
{
#define HELPER_ID(ID, ...) ID,
	static const uint32_t ids[] = { BPFAOT_HELPERS(HELPER_ID) };
#undef HELPER_ID
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == id)
			return true;
	*why = NULL;
#define REFUSED(ID, NAME, TEXT) case ID: *why = TEXT; break;
	switch (id) {
	BPFAOT_HELPERS_REFUSED(REFUSED)
	default:
		break;
	}
#undef REFUSED
	return false;
}

/* A C library function the runtime's linker provides (memcpy & co). */
static bool is_libc_sym(const char *name)
{
#define LIBC_NAME(f) #f,
	static const char *const names[] = { BPFAOT_LIBC_FUNCS(LIBC_NAME) };
#undef LIBC_NAME
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* `__bpfaot_map_values_M` of an inlinable array map M of the unit, or
 * `__bpfaot_htab_v1_M` / `__bpfaot_pcpu_array_v1_M` / `__bpfaot_queue_v1_M`
 * of a map M whose calls go through that view (rw_map_view()). */
static bool is_map_values_sym(const struct fe_unit *u, const char *name)
{
	static const struct {
		const char *prefix, *view;
	} views[] = { { BPFAOT_HTAB_PREFIX, "htab" },
		      { BPFAOT_PCPU_ARRAY_PREFIX, "pcpu_array" },
		      { BPFAOT_QUEUE_PREFIX, "queue" } };
	size_t n = strlen(BPFAOT_MAP_VALUES_PREFIX), i;
	const struct fe_map *m;
	const char *view;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		if (strncmp(name, views[i].prefix, strlen(views[i].prefix)))
			continue;
		m = fe_unit__find_map(u, name + strlen(views[i].prefix));
		view = m ? rw_map_view(m) : NULL;
		return view && !strcmp(view, views[i].view);
	}
	if (strncmp(name, BPFAOT_MAP_VALUES_PREFIX, n))
		return false;
	m = fe_unit__find_map(u, name + n);
	return m && rw_map_is_inlinable(m);
}

/* The rewrite's options from the command line's. */
static struct rw_opts rw_opts_of(const struct job *j)
{
	const struct be_opts *o = j->o;
	struct rw_opts r = {
		.only_located_globals = true,
		.no_inline_maps = o->no_inline_maps,
		.no_inline_helpers = o->no_inline_helpers,
		.no_types = o->no_types,
		.preview = o->emit == BE_EMIT_SOURCE,
		/* the debugging knob of docs/bpfaot-cc.md ("One front end") */
		.prune = o->emit != BE_EMIT_SOURCE && !getenv("BPFAOT_CC_KEEP_DECLS"),
		.consts = o->consts,
		.nr_consts = (size_t)o->nr_consts,
		.const_maps = j->const_maps,
		.nr_const_maps = j->const_maps ? (size_t)o->nr_const_maps : 0,
	};

	return r;
}

/* The undefined symbol names of a native object, NULL-terminated
 * (borrowed from ne; the array is malloc'ed), NULL on ENOMEM. */
static const char **undefined_syms(const struct be_elf *ne)
{
	const char **r = calloc(ne->nr_syms + 1, sizeof(*r));
	size_t i, k = 0;

	if (!r)
		return NULL;
	for (i = 1; i < ne->nr_syms; i++) {
		const char *name = be_elf__sym_name(ne, &ne->syms[i]);

		if (ne->syms[i].st_shndx == SHN_UNDEF && *name)
			r[k++] = name;
	}
	return r;
}

/* Undefined symbols must be helpers, maps, placed globals or __kconfig
 * externs (the runtime's .kconfig map holds them). */
static int check_native(struct job *j, const struct fe_prog *p, const struct be_elf *ne)
{
	const Elf64_Sym *entry = be_elf__find_sym(ne, "bpf_main");
	size_t i;

	if (!entry) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0,
			    "native object of program '%s' has no 'bpf_main'", fe_prog__name(p));
		return -ENOEXEC;
	}
	for (i = 1; i < ne->nr_syms; i++) {
		const Elf64_Sym *s = &ne->syms[i];
		const char *name = be_elf__sym_name(ne, s);
		struct fe_global *g;

		if (s->st_shndx != SHN_UNDEF || !*name)
			continue;
		if (prog_uses_helper_sym(name)) {
			uint32_t id = (uint32_t)strtoul(name + strlen(BPFAOT_HELPER_PREFIX), NULL, 10);
			const char *hname = kernel_helper_name(id), *why = NULL;

			if (runtime_has_helper(id, &why))
				continue;
			fe_diag_aot(j->d, clang_getCursorLocation(fe_func__cursor(fe_prog__func(p))),
				    NULL,
				    "program '%s' calls helper %u ('%s'), which the runtime does not "
				    "provide%s%s; the program keeps only its bytecode",
				    fe_prog__name(p), id, hname ? hname : "unknown", why ? ": " : "",
				    why ? why : "");
			return 1;
		}
		if (fe_unit__find_map(j->u, name) || is_map_values_sym(j->u, name) ||
		    is_libc_sym(name) || !strcmp(name, BPFAOT_TAIL_CALL_NOW) ||
		    BPFAOT_IS_TLS_SYM(name))
			continue;
		g = fe_unit__find_global(j->u, name);
		if ((g && fe_global__offset(g) >= 0) || fe_unit__is_kconfig(j->u, name))
			continue;
		fe_diag_aot(j->d, clang_getCursorLocation(fe_func__cursor(fe_prog__func(p))), NULL,
			    "native code of program '%s' needs '%s', which the runtime does not "
			    "provide; the program keeps only its bytecode",
			    fe_prog__name(p), name);
		return 1;
	}
	return 0;
}

static int add_blob(struct job *j, const char *prog, void *blob, size_t size)
{
	char *name = NULL;

	if (j->nr_blobs >= j->blobs_cap || asprintf(&name, "%s%s", BPFAOT_FAT_SEC_PREFIX, prog) < 0)
		return -ENOMEM;
	j->sec_names[j->nr_blobs] = name;
	j->blobs[j->nr_blobs] = blob;
	j->sizes[j->nr_blobs] = size;
	j->nr_blobs++;
	return 0;
}

static int write_out(struct job *j, const char *path, const void *data, size_t size)
{
	int err;

	if (!path || !strcmp(path, "-")) {
		if (fwrite(data, 1, size, stdout) != size || fflush(stdout))
			err = -EIO;
		else
			err = 0;
	} else {
		err = be_write_file(path, data, size);
	}
	if (err)
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot write '%s': %s",
			    path ? path : "<stdout>", strerror(-err));
	return err;
}

/* The native object of program p at obj_path: checked, with its
 * manifest; the output (native) or the fat object's section of p.
 * 0 (done, or refused with a [-Waot] diagnostic) or -errno. */
static int finish_prog(struct job *j, const struct fe_prog *p, const struct rw_opts *ropts,
		       const char *obj_path)
{
	const struct be_opts *o = j->o;
	const char *name = fe_prog__name(p);
	const char *mname = BPFAOT_MANIFEST_SEC;
	char *manifest = NULL;
	const char **undefs;
	void *obj = NULL, *fat = NULL;
	size_t obj_size, fat_size, msize;
	const void *mdata;
	struct be_elf ne;
	uint64_t hash;
	bool has_hash;
	int err;

	err = be_read_file(obj_path, &obj, &obj_size);
	if (err)
		goto out;
	err = be_elf__parse(&ne, obj, obj_size, obj_path, j->d);
	if (err)
		goto out;
	err = check_native(j, p, &ne);
	if (err) {
		err = err > 0 ? 0 : err;
		goto out;
	}
	undefs = undefined_syms(&ne);
	has_hash = be_bytecode_hash(&j->elf, name, &hash);
	if (undefs) {
		const struct be_manifest_opts mo = { .u = j->u, .p = p,
						     .stack = stack_estimate(j, name),
						     .undefs = undefs, .bpf = &j->elf,
						     .ropts = ropts, .march = j->o->march,
						     .bytecode_hash = has_hash ? &hash : NULL };

		manifest = be_manifest(&mo);
	}
	free(undefs);
	if (!manifest) {
		err = -ENOMEM;
		goto out;
	}
	mdata = manifest;
	msize = strlen(manifest);
	err = be_elf_add_sections(obj, obj_size, &mname, &mdata, &msize, 1, BE_SEC_PROGBITS,
				  obj_path, j->d, &fat, &fat_size);
	if (err)
		goto out;
	if (o->emit == BE_EMIT_NATIVE) {
		char *def = o->output ? NULL : default_output(o->input, ".o");

		err = write_out(j, o->output ? o->output : def, fat, fat_size);
		j->wrote = !err;
		free(def);
		free(fat);
		goto out;
	}
	err = add_blob(j, name, fat, fat_size);
	if (err)
		free(fat);
out:
	free(manifest);
	free(obj);
	return err;
}

/* finish_prog() now, or once the BPF object is known (j->defer). */
static int finish_or_defer(struct job *j, const struct fe_prog *p, const struct rw_opts *ropts,
			   const char *obj_path)
{
	struct pending *n;

	if (!j->defer)
		return finish_prog(j, p, ropts, obj_path);
	n = realloc(j->pend, (j->nr_pend + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	j->pend = n;
	n[j->nr_pend].p = p;
	n[j->nr_pend].dmark = fe_diags__count(j->d);
	n[j->nr_pend].obj = strdup(obj_path);
	if (!n[j->nr_pend].obj)
		return -ENOMEM;
	j->nr_pend++;
	return 0;
}

static void pending_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->nr_pend; i++)
		free(j->pend[i].obj);
	free(j->pend);
	j->pend = NULL;
	j->nr_pend = 0;
}

/* A program whose source has what native code cannot mean (inline BPF
 * assembly, BPF-only builtins) gets a [-Waot] warning: true. */
static bool refuse_unsupported(struct job *j, const struct fe_prog *p)
{
	CXSourceLocation loc;
	const char *why = fe_prog__unsupported(p, &loc);
	bool quote;

	if (!why)
		return false;
	quote = !strncmp(why, "__builtin", 9);
	fe_diag_aot(j->d, loc, NULL,
		    "%s%s%s has no native meaning; program '%s' keeps only its bytecode",
		    quote ? "'" : "", why, quote ? "'" : "", fe_prog__name(p));
	return true;
}

/* One program: source -> native object with manifest. Returns 0 (done,
 * or skipped with a [-Waot] diagnostic), or -errno. */
static int do_prog(struct job *j, const struct fe_prog *p)
{
	const struct be_opts *o = j->o;
	const struct rw_opts ropts = rw_opts_of(j);
	const char *name = fe_prog__name(p);
	char *src = NULL, *src_path = NULL, *obj_path = NULL, *err_path = NULL;
	void *obj = NULL;
	size_t src_len, obj_size;
	int err;

	if (o->emit != BE_EMIT_SOURCE && refuse_unsupported(j, p))
		return 0;
	if (o->no_types) {
		const struct be_lift_opts lo = { .bpf = &j->elf, .u = j->u, .p = p, .ropts = &ropts,
						 .d = j->d };

		err = be_lift(&lo, &src, &src_len);
		if (err == 1)
			return 0;	/* bytecode only, with a [-Waot] warning */
	} else {
		err = rw_rewrite(j->u, p, &ropts, j->d, &src, &src_len);
	}
	if (err)
		return err;
	if (o->emit == BE_EMIT_SOURCE) {
		err = write_out(j, o->output, src, src_len);
		goto out;
	}
	src_path = tmp_path(j, name, ".c");
	obj_path = tmp_path(j, name, o->emit == BE_EMIT_LLVM ? ".ll" : ".o");
	err_path = tmp_path(j, name, ".err");
	if (!src_path || !obj_path || !err_path) {
		err = -ENOMEM;
		goto out;
	}
	/* IR to stdout (no -o, or -o -) is read back from obj_path */
	err = native_compile(j, name, src, src_len, src_path,
			     o->emit == BE_EMIT_LLVM && o->output && strcmp(o->output, "-") ?
				     o->output : obj_path,
			     o->emit == BE_EMIT_LLVM, err_path);
	if (err > 0) {
		report_native_failure(j, p, err_path, o->emit != BE_EMIT_FAT);
		err = o->emit != BE_EMIT_FAT ? -EIO : 0;
		goto out;
	}
	if (err)
		goto out;
	if (o->emit == BE_EMIT_LLVM) {
		if (!o->output || !strcmp(o->output, "-")) {
			err = be_read_file(obj_path, &obj, &obj_size);
			if (!err)
				err = write_out(j, NULL, obj, obj_size);
		}
		j->wrote = !err;
		goto out;
	}
	err = finish_or_defer(j, p, &ropts, obj_path);
out:
	free(obj);
	free(err_path);
	free(obj_path);
	free(src_path);
	free(src);
	return err;
}

/* Never silent: a program of the BPF object (a global function of an
 * executable section other than .text) that the model does not have gets
 * a [-Waot] warning. */
static int check_all_progs(struct job *j)
{
	const struct fe_prog *p;
	size_t i;

	for (i = 1; i < j->elf.nr_syms; i++) {
		const Elf64_Sym *s = &j->elf.syms[i];
		const char *name = be_elf__sym_name(&j->elf, s);

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || ELF64_ST_BIND(s->st_info) != STB_GLOBAL ||
		    s->st_shndx == SHN_UNDEF || s->st_shndx >= j->elf.eh->e_shnum ||
		    !(j->elf.sh[s->st_shndx].sh_flags & SHF_EXECINSTR) ||
		    !strcmp(be_elf__sec_name(&j->elf, s->st_shndx), ".text"))
			continue;
		p = fe_unit__find_prog(j->u, name);
		if (!p || strcmp(fe_prog__section(p), be_elf__sec_name(&j->elf, s->st_shndx)))
			fe_diag_aot_pos(j->d, j->o->input, 0, 0,
					"no native code for program '%s' (section '%s'): not found "
					"in the source; it keeps only its bytecode",
					name, be_elf__sec_name(&j->elf, s->st_shndx));
	}
	return 0;
}

/* Whether the runtime will see p as a program of the fat object. A
 * program of .text (the ubpf convention) is one only when the BPF object
 * defines it as a global function of .text: a C99 `inline` definition, for
 * one, has no symbol, and a .aot section without its program is refused. */
static bool is_runtime_prog(const struct job *j, const struct fe_prog *p)
{
	const Elf64_Sym *s;

	if (strcmp(fe_prog__section(p), ".text"))
		return true;
	s = be_elf__find_sym(&j->elf, fe_prog__name(p));
	return s && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
	       ELF64_ST_BIND(s->st_info) != STB_LOCAL &&
	       !strcmp(be_elf__sec_name(&j->elf, s->st_shndx), ".text");
}

/* ------------------------------------------ the shared native front end */

/*
 * The rewrites of a file's programs differ only in their entry (and in
 * which unreached functions become traps), while the native front end,
 * which parses the whole unit (vmlinux.h: most of the time), is the same.
 * So a file of several programs is rewritten once with an entry per
 * program (RW_ENTRY_PREFIX + its name), goes through the native front end
 * and the semantics pass once, and per program a copy of that module names
 * the program's entry bpf_main and makes the other entries internal (-O3
 * then drops what the program does not reach); the back ends run as many
 * at a time as there are CPUs. When the shared path would say anything (a
 * diagnostic of the rewrite, a native compile error, -Raot remarks), the
 * programs are compiled one by one as before, so that every diagnostic is
 * its program's. BPFAOT_CC_PER_PROGRAM=1 in the environment forces that.
 */
struct shared {
	const struct fe_prog **progs;	/* the programs that share the front end */
	size_t n;
	char **bc;	/* per program: its module, entry named */
	char **obj;	/* per program: its native object */
	int *status;	/* per program: the back end's status, as be_wait() gives it */
	size_t *same;	/* per program: the program whose back end it shares (i: its own) */
	LLVMMemoryBufferRef *held;	/* per program sharing another's: its module */
	bool *built;	/* per program: its back end ran */
};

static void shared_free(struct shared *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->bc ? s->bc[i] : NULL);
		free(s->obj ? s->obj[i] : NULL);
	}
	for (i = 0; s->held && i < s->n; i++)
		if (s->held[i])
			LLVMDisposeMemoryBuffer(s->held[i]);
	free(s->bc);
	free(s->obj);
	free(s->status);
	free(s->same);
	free(s->held);
	free(s->built);
	free(s->progs);
}

/* The programs that get native code through the shared front end, with
 * their paths: 0 or -ENOMEM. */
static int shared_progs(struct job *j, struct shared *s)
{
	const struct fe_prog *p;
	CXSourceLocation loc;
	size_t i, n = fe_unit__nr_progs(j->u);

	s->progs = calloc(n + 1, sizeof(*s->progs));
	s->bc = calloc(n + 1, sizeof(*s->bc));
	s->obj = calloc(n + 1, sizeof(*s->obj));
	s->status = calloc(n + 1, sizeof(*s->status));
	s->same = calloc(n + 1, sizeof(*s->same));
	s->held = calloc(n + 1, sizeof(*s->held));
	s->built = calloc(n + 1, sizeof(*s->built));
	if (!s->progs || !s->bc || !s->obj || !s->status || !s->same || !s->held || !s->built)
		return -ENOMEM;
	fe_unit__for_each_prog(p, j->u, i) {
		if (!is_runtime_prog(j, p) || fe_prog__unsupported(p, &loc))
			continue;
		s->progs[s->n] = p;
		s->bc[s->n] = tmp_path(j, fe_prog__name(p), ".sem.bc");
		s->obj[s->n] = tmp_path(j, fe_prog__name(p), ".o");
		if (!s->bc[s->n++] || !s->obj[s->n - 1])
			return -ENOMEM;
	}
	return 0;
}

#define PROG_FN_KEY "__bpfaot_prog"

/* The name of BPF_PROG's inner function of program prog (`____NAME`),
 * malloc'ed; NULL when out of memory. */
static char *prog_inner_name(const char *prog)
{
	char *name;

	return asprintf(&name, "____%s", prog) < 0 ? NULL : name;
}

/* A line of ir: its start, its length without the newline, and where
 * the next one starts. */
static const char *ir_line(const char *r, size_t *len)
{
	const char *nl = strchr(r, '\n');

	*len = nl ? (size_t)(nl - r) : strlen(r);
	return nl ? nl + 1 : r + *len;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The module text ir in a form that leaves out what depends on where the
 * module first used a declaration: the numbers of attribute groups
 * (` #N` becomes ` #{...}`, the group itself), the declarations (sorted,
 * at the end) and the comments; and the struct type definitions (lines
 * `%name = type ...`), which ones the printer lists depending on what
 * the dropped code used, while a name means one type in every program's
 * module (clones of one module, in one context). Each program's module is
 * a clone of one module, so a declaration's place (the program that first
 * called it) is the one difference of two programs of one code that the
 * text would show. A new string (free()), or NULL when out of memory. */
static char *canon_ir(const char *ir)
{
	const char **groups = NULL, *r, *line, *g;
	char **decls = NULL, *out = NULL, *d;
	size_t len, n_groups = 0, n_decls = 0, used = 0, dused, i, num;
	FILE *f = open_memstream(&out, &used), *df;
	bool quoted;

	if (!f)
		return NULL;
	/* attributes #N = { ... }: the groups, by number */
	for (r = ir; *r;) {
		line = r;
		r = ir_line(r, &len);
		if (strncmp(line, "attributes #", 12))
			continue;
		num = strtoul(line + 12, (char **)&g, 10);
		if (num >= n_groups) {
			const char **ng = realloc(groups, (num + 1) * sizeof(*groups));

			if (!ng)
				goto fail;
			memset(ng + n_groups, 0, (num + 1 - n_groups) * sizeof(*ng));
			groups = ng;
			n_groups = num + 1;
		}
		groups[num] = strchr(g, '{');
	}
	for (r = ir; *r;) {
		line = r;
		r = ir_line(r, &len);
		if (!len || *line == ';' || !strncmp(line, "attributes #", 12))
			continue;
		if (*line == '%' && memchr(line, ' ', len) &&
		    !strncmp(memchr(line, ' ', len), " = type ", 8))
			continue;
		d = NULL;
		df = f;
		if (!strncmp(line, "declare ", 8)) {
			char **nd = realloc(decls, (n_decls + 1) * sizeof(*decls));

			if (!nd)
				goto fail;
			decls = nd;
			df = open_memstream(&d, &dused);
			if (!df)
				goto fail;
		}
		/* ` #N` outside a string (the printer writes a `"` in one as
		 * \22): an attribute group */
		for (i = 0, quoted = false; i < len; i++) {
			fputc(line[i], df);
			quoted ^= line[i] == '"';
			if (quoted || line[i] != ' ' || i + 1 >= len || line[i + 1] != '#')
				continue;
			num = strtoul(line + i + 2, (char **)&g, 10);
			if (g == line + i + 2 || num >= n_groups || !groups[num])
				continue;
			fputc('#', df);
			fwrite(groups[num], 1, strcspn(groups[num], "\n"), df);
			i = (size_t)(g - line) - 1;
		}
		fputc('\n', df);
		if (df != f) {
			if (fclose(df))
				goto fail;
			decls[n_decls++] = d;
		}
	}
	if (n_decls)
		qsort(decls, n_decls, sizeof(*decls), cmp_str);
	for (i = 0; i < n_decls; i++)
		fputs(decls[i], f);
	if (fclose(f)) {
		f = NULL;
		goto fail;
	}
	for (i = 0; i < n_decls; i++)
		free(decls[i]);
	free(decls);
	free(groups);
	return out;
fail:
	if (f)
		fclose(f);
	for (i = 0; i < n_decls; i++)
		free(decls[i]);
	free(decls);
	free(groups);
	free(out);
	return NULL;
}

/* LLVM's passes over m, no target: 0, or -EINVAL when they fail (said). */
static int run_passes(struct job *j, LLVMModuleRef m, const char *passes)
{
	LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
	LLVMErrorRef e = LLVMRunPasses(m, passes, NULL, pbo);
	char *msg;

	LLVMDisposePassBuilderOptions(pbo);
	if (!e)
		return 0;
	msg = LLVMGetErrorMessage(e);
	fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "internal error: LLVM passes '%s': %s", passes,
		    msg);
	LLVMDisposeErrorMessage(msg);
	return -EINVAL;
}

/* What decides a program's native code, as text: its module (entry
 * bpf_main, what it does not reach dropped: split_entries()) with the
 * functions named after the program (its own, and BPF_PROG's inner
 * `____NAME`) renamed, the names of values inside functions removed, in
 * the form of canon_ir(). None of those is in the object, but for a
 * function the back end keeps (share_objects() checks), so two programs
 * of one text get one object: libbpf-style files repeat a body under
 * several names. NULL when out of memory; m is changed. */
static char *code_key(LLVMModuleRef m, const char *prog)
{
	static const char *const key[] = { PROG_FN_KEY, PROG_FN_KEY "_inner" };
	LLVMValueRef f, v;
	LLVMBasicBlockRef b;
	char *ir, *canon, *names[2] = { (char *)prog, NULL };
	unsigned i;

	names[1] = prog_inner_name(prog);
	if (!names[1])
		return NULL;
	for (i = 0; i < 2; i++) {
		f = LLVMGetNamedFunction(m, names[i]);
		if (f && LLVMGetLinkage(f) == LLVMInternalLinkage)
			LLVMSetValueName2(f, key[i], strlen(key[i]));
	}
	free(names[1]);
	/* the names of values inside a function are not in the object */
	for (f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		for (i = 0; i < LLVMCountParams(f); i++)
			LLVMSetValueName2(LLVMGetParam(f, i), "", 0);
		for (b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b)) {
			LLVMSetValueName2(LLVMBasicBlockAsValue(b), "", 0);
			for (v = LLVMGetFirstInstruction(b); v; v = LLVMGetNextInstruction(v))
				LLVMSetValueName2(v, "", 0);
		}
	}
	ir = LLVMPrintModuleToString(m);
	canon = ir ? canon_ir(ir) : NULL;
	LLVMDisposeMessage(ir);
	return canon;
}

/* Writes the module buf to s->bc[i]: 0 or -errno. */
static int write_module(struct job *j, struct shared *s, size_t i, LLVMMemoryBufferRef buf)
{
	int err = be_write_file(s->bc[i], LLVMGetBufferStart(buf), LLVMGetBufferSize(buf));

	if (err)
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot write '%s': %s", s->bc[i],
			    strerror(-err));
	return err;
}

/* Per program, the module in bitcode file in with the program's entry
 * named bpf_main and the other entries internal, to s->bc[i]; a program
 * of the same code as an earlier one (code_key()) gets that program's
 * index in s->same[i] (else i) and its module is held (s->held[i]). */
static int split_entries(struct job *j, const char *in, struct shared *s)
{
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMModuleRef m = read_bitcode(j, ctx, in), c;
	LLVMMemoryBufferRef buf;
	LLVMValueRef f;
	char **keys = calloc(s->n + 1, sizeof(*keys));
	uint64_t *hashes = calloc(s->n + 1, sizeof(*hashes));
	size_t i, k, len, plen = strlen(RW_ENTRY_PREFIX);
	const char *fn;
	int err = !m ? -ENOEXEC : !keys || !hashes ? -ENOMEM : 0;

	for (i = 0; i < s->n && !err; i++) {
		const char *name = fe_prog__name(s->progs[i]);

		c = LLVMCloneModule(m);
		for (f = LLVMGetFirstFunction(c); f; f = LLVMGetNextFunction(f)) {
			fn = LLVMGetValueName2(f, &len);
			if (len <= plen || strncmp(fn, RW_ENTRY_PREFIX, plen))
				continue;
			if (!strcmp(fn + plen, name))
				LLVMSetValueName2(f, BPFAOT_ENTRY_SYM, strlen(BPFAOT_ENTRY_SYM));
			else
				LLVMSetLinkage(f, LLVMInternalLinkage);
		}
		/* what the program does not reach, -O3 would drop first: the back
		 * end reads less (the objects are the same) */
		err = run_passes(j, c, "globaldce");
		buf = err ? NULL : LLVMWriteBitcodeToMemoryBuffer(c);
		/* -O0 inlines nothing: every object keeps its program's name */
		keys[i] = !buf ? NULL : j->o->opt_level < 1 ? strdup(name) : code_key(c, name);
		LLVMDisposeModule(c);
		if (!keys[i]) {
			if (buf)
				LLVMDisposeMemoryBuffer(buf);
			err = err ? err : -ENOMEM;
			break;
		}
		hashes[i] = bpfaot_bchash_bytes(BPFAOT_BCHASH_INIT, keys[i], strlen(keys[i]));
		for (k = 0; k < i; k++)
			if (s->same[k] == k && hashes[k] == hashes[i] && !strcmp(keys[k], keys[i]))
				break;
		s->same[i] = k;
		if (k < i) {
			s->held[i] = buf;
			continue;
		}
		err = write_module(j, s, i, buf);
		LLVMDisposeMemoryBuffer(buf);
	}
	for (i = 0; keys && i < s->n; i++)
		free(keys[i]);
	free(keys);
	free(hashes);
	if (m)
		LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	return err;
}

/* The back ends of s's programs that have their own (s->same) and have not
 * run, as many at a time as there are CPUs; each one's status in
 * s->status. */
static void run_back_ends(struct job *j, struct shared *s)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t most = cpus < 1 ? 1 : cpus > 16 ? 16 : (size_t)cpus, next = 0, done = 0, i, n = 0;
	size_t *own = calloc(s->n + 1, sizeof(*own));

	for (i = 0; i < s->n; i++) {
		if (s->same[i] != i || s->built[i])
			continue;
		s->built[i] = true;
		s->status[i] = -ENOMEM;
		if (own)
			own[n++] = i;
	}
	/* s->status holds the pid until the child is reaped */
	while (done < n) {
		for (; next < n && next - done < most; next++)
			s->status[own[next]] = back_end_start(j, s->bc[own[next]], s->obj[own[next]],
							      false);
		if (s->status[own[done]] > 0)
			s->status[own[done]] = be_wait(s->status[own[done]]);
		done++;
	}
	free(own);
}

/* Whether the native object at path defines a symbol named after program
 * prog, its own function or BPF_PROG's `____NAME` (0 or 1), or -errno. */
static int keeps_prog_name(struct job *j, const char *path, const char *prog)
{
	struct be_elf e;
	void *data = NULL;
	char *inner = NULL;
	size_t size;
	int err = be_read_file(path, &data, &size);

	if (!err)
		err = be_elf__parse(&e, data, size, path, j->d);
	if (!err && !(inner = prog_inner_name(prog)))
		err = -ENOMEM;
	if (!err)
		err = be_elf__find_sym(&e, prog) || be_elf__find_sym(&e, inner);
	free(inner);
	free(data);
	return err;
}

/* Programs share a back end (split_entries()), but the object of one is
 * byte for byte another's only when the functions named after its
 * program left no symbol (they were inlined into bpf_main, as they nearly
 * always are); the programs that shared an object that has one get their
 * own back ends, as do those whose shared back end failed (each says
 * why, as its own compile would). -v says which program has which one's
 * code. 0 or -errno. */
static int share_objects(struct job *j, struct shared *s)
{
	size_t i, k;
	int err = 0, named;

	run_back_ends(j, s);
	for (i = 0; i < s->n && !err; i++) {
		k = s->same[i];
		if (k == i)
			continue;
		named = s->status[k] ? 1 :
				       keeps_prog_name(j, s->obj[k], fe_prog__name(s->progs[k]));
		if (named < 0)
			return named;
		if (named) {
			s->same[i] = i;
			err = write_module(j, s, i, s->held[i]);
		} else if (j->o->verbose) {
			fprintf(stderr, "  (bpfaot-cc) program '%s' has the code of '%s': "
				"the same native object\n", fe_prog__name(s->progs[i]),
				fe_prog__name(s->progs[k]));
		}
	}
	if (!err)
		run_back_ends(j, s);
	for (i = 0; i < s->n; i++)
		s->status[i] = s->status[s->same[i]];
	return err;
}

/* The fat object's programs through one native front end. *done false:
 * the programs are to be compiled one by one (and nothing was said). */
static int compile_shared(struct job *j, bool *done)
{
	struct rw_opts ropts = rw_opts_of(j);
	struct shared s = { 0 };
	struct fe_diags *quiet = NULL;
	char *src = NULL, *src_path = NULL, *bc = NULL, *sem = NULL, *err_path = NULL;
	const struct fe_prog *p;
	size_t i, k, len;
	int err;

	*done = false;
	if (j->o->no_types || fe_diags__remarks_aot(j->d) || getenv("BPFAOT_CC_PER_PROGRAM"))
		return 0;
	err = shared_progs(j, &s);
	if (err || s.n < 2)
		goto out;
	quiet = fe_diags__new();
	src_path = tmp_path(j, "-shared", ".c");
	bc = tmp_path(j, "-shared", ".bc");
	sem = tmp_path(j, "-shared", ".sem.bc");
	err_path = tmp_path(j, "-shared", ".err");
	if (!quiet || !src_path || !bc || !sem || !err_path) {
		err = -ENOMEM;
		goto out;
	}
	ropts.entries = s.progs;
	ropts.nr_entries = s.n;
	err = rw_rewrite(j->u, NULL, &ropts, quiet, &src, &len);
	if (err == -ENOMEM)
		goto out;
	/* what the rewrite says (or fails on) is said program by program */
	if (err || fe_diags__count(quiet)) {
		err = 0;
		goto out;
	}
	err = native_front(j, src, len, src_path, bc, err_path);
	if (err) {
		/* 1: a program does not compile natively; which one, says its own compile */
		err = err > 0 ? 0 : err;
		goto out;
	}
	err = apply_semantics(j, bc, sem);
	if (!err)
		err = split_entries(j, sem, &s);
	if (!err)
		err = share_objects(j, &s);
	if (err)
		goto out;
	*done = true;
	/* the unit's order, as the per-program loop reports */
	k = 0;
	fe_unit__for_each_prog(p, j->u, i) {
		if (!is_runtime_prog(j, p))
			continue;
		if (k == s.n || s.progs[k] != p) {
			refuse_unsupported(j, p);
			continue;
		}
		err = back_end_status(j, s.status[k]);
		if (err > 0)
			report_native_failure(j, p, err_path, false);
		else if (!err)
			err = finish_or_defer(j, p, &ropts, s.obj[s.same[k]]);
		k++;
		if (err < 0)
			break;
	}
	err = err < 0 ? err : 0;
out:
	free(err_path);
	free(sem);
	free(bc);
	free(src_path);
	free(src);
	fe_diags__free(quiet);
	shared_free(&s);
	return err;
}

static void list_progs(const struct fe_unit *u, char *buf, size_t size)
{
	struct fe_prog *p;
	size_t i, n = 0;

	buf[0] = '\0';
	fe_unit__for_each_prog(p, u, i) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "", fe_prog__name(p));

		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

static int select_progs(struct job *j, const struct fe_prog **one)
{
	const struct be_opts *o = j->o;
	char names[1024];

	*one = NULL;
	list_progs(j->u, names, sizeof(names));
	if (o->prog) {
		*one = fe_unit__find_prog(j->u, o->prog);
		if (!*one) {
			fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0,
				    "no program '%s' in '%s' (programs: %s)", o->prog, o->input,
				    *names ? names : "none");
			return -ENOENT;
		}
		return 0;
	}
	if (o->emit == BE_EMIT_FAT)
		return 0;
	if (fe_unit__nr_progs(j->u) == 1) {
		*one = fe_unit__prog(j->u, 0);
		return 0;
	}
	/* the preview of a file of several programs: the shared rewrite */
	if (o->emit == BE_EMIT_SOURCE)
		return 0;
	fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0,
		    "--aot-emit=%s needs --aot-prog=NAME: '%s' has %zu programs (%s)",
		    emit_name(o->emit), o->input, fe_unit__nr_progs(j->u), *names ? names : "none");
	return -EINVAL;
}

static int write_fat(struct job *j)
{
	void *fat = NULL;
	size_t fat_size;
	char *tmp = NULL;
	int err;

	if (!j->nr_blobs)
		return 0;
	err = be_elf_add_sections(j->bpf, j->bpf_size, (const char *const *)j->sec_names,
				  (const void *const *)j->blobs, j->sizes, j->nr_blobs, j->o->sec_kind,
				  j->bpf_out, j->d, &fat, &fat_size);
	if (err)
		return err;
	/* write next to the output, then rename: never a half-written object */
	if (asprintf(&tmp, "%s.aot-tmp", j->bpf_out) < 0) {
		free(fat);
		return -ENOMEM;
	}
	err = be_write_file(tmp, fat, fat_size);
	if (!err && rename(tmp, j->bpf_out))
		err = -errno;
	if (err) {
		fe_diag_pos(j->d, FE_ERROR, NULL, 0, 0, "cannot write '%s': %s", j->bpf_out,
			    strerror(-err));
		unlink(tmp);
	}
	free(tmp);
	free(fat);
	return err;
}

/* The native code of the selected program (one), or of every program
 * (the shared front end, else one by one), or the source preview. */
static int compile_progs(struct job *j, const struct fe_prog *one)
{
	const struct fe_prog *p;
	bool shared = false;
	size_t i;
	int err;

	if (one)
		return do_prog(j, one);
	if (j->o->emit == BE_EMIT_SOURCE) {
		const struct rw_opts ropts = rw_opts_of(j);
		char *src = NULL;
		size_t len;

		err = rw_rewrite(j->u, NULL, &ropts, j->d, &src, &len);
		if (!err)
			err = write_out(j, j->o->output, src, len);
		free(src);
		return err;
	}
	err = compile_shared(j, &shared);
	fe_unit__for_each_prog(p, j->u, i) {
		if (err || shared)
			break;
		if (!is_runtime_prog(j, p))
			continue;
		err = do_prog(j, p);
	}
	return err;
}

/* ------------------------------------------------- speculative native code */

/*
 * The native code needs from the BPF object only where each global lives
 * (and legacy maps' layouts): the rewrite turns a global the object holds
 * into an extern, the others stay definitions. The rest of the object is
 * for the manifest and the fat object. So while the BPF compile still
 * runs, the native code is built from predicted locations (a global is
 * in the object unless it is static and no program uses it, or a static
 * const scalar: predict_located(); in the section the frontend derives:
 * fe_global__section()), its manifests wait (j->defer), and once the
 * object is there the prediction is checked: the same globals, in the
 * same sections, of the same sizes. Then the rewrite would have written
 * the same text, so the objects are the ones the plain order builds, and
 * what the compile said (kept in a sink of its own) is said where the
 * plain order says it; otherwise both are dropped and the native code is
 * built again from the object's locations (-v says which). Only for the
 * fat object of a file without legacy maps, `.text` programs,
 * --aot-const-map, -Raot or --aot-no-types (these need the object or say
 * things), and not with BPFAOT_CC_NO_SPECULATE=1 in the environment.
 */
struct spec {
	bool active;
	int err;		/* the speculative compile's own result */
	struct fe_diags *d;	/* what it said, said again when it stands */
	bool *located;		/* per global: predicted to be in the object */
	char **section;
	uint64_t *size;
	size_t n;
};

static bool can_speculate(const struct job *j)
{
	const struct be_opts *o = j->o;
	const struct fe_prog *p;
	struct fe_map *m;
	size_t i;

	if (o->emit != BE_EMIT_FAT || o->prog || o->no_types || o->nr_const_maps ||
	    fe_diags__remarks_aot(j->d) || getenv("BPFAOT_CC_NO_SPECULATE"))
		return false;
	fe_unit__for_each_map(m, j->u, i)
		if (fe_map__is_legacy(m))
			return false;
	fe_unit__for_each_prog(p, j->u, i)
		if (!strcmp(fe_prog__section(p), ".text"))
			return false;
	return true;
}

static void spec_free(struct spec *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		free(sp->section ? sp->section[i] : NULL);
	free(sp->located);
	free(sp->section);
	free(sp->size);
	fe_diags__free(sp->d);
	memset(sp, 0, sizeof(*sp));
}

/* Whether the BPF compile keeps global g (clang -O2 drops a static that
 * no program uses, and folds a static const scalar into the code). */
static bool predict_located(const struct job *j, const struct fe_global *g)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(fe_global__cursor(g)));
	const struct fe_prog *p;
	bool used = false;
	size_t i, k;

	if (!fe_global__is_static(g))
		return true;
	fe_unit__for_each_prog(p, j->u, i)
		for (k = 0; k < fe_prog__nr_globals(p) && !used; k++)
			used = fe_prog__global(p, k) == g;
	if (!used)
		return false;
	return !fe_global__is_const(g) || clang_isVolatileQualifiedType(t) ||
	       t.kind == CXType_Record || t.kind == CXType_ConstantArray ||
	       t.kind == CXType_IncompleteArray;
}

/* Predicts the globals' locations and builds the native code from them,
 * its manifests deferred. sp->active when it ran. */
static void speculate(struct job *j, struct spec *sp)
{
	struct fe_diags *d = j->d;
	struct fe_global *g;
	size_t i, n = fe_unit__nr_globals(j->u);

	memset(sp, 0, sizeof(*sp));
	sp->n = n;
	sp->located = calloc(n + 1, sizeof(*sp->located));
	sp->section = calloc(n + 1, sizeof(*sp->section));
	sp->size = calloc(n + 1, sizeof(*sp->size));
	sp->d = fe_diags__new_like(j->d);
	if (!sp->located || !sp->section || !sp->size || !sp->d)
		goto fail;
	fe_unit__for_each_global(g, j->u, i) {
		sp->located[i] = predict_located(j, g);
		sp->section[i] = strdup(fe_global__section(g));
		sp->size[i] = fe_global__size(g);
		if (!sp->section[i] ||
		    (sp->located[i] && fe_global__set_location(g, sp->section[i], 0, sp->size[i])))
			goto fail;
	}
	sp->active = true;
	j->d = sp->d;
	j->defer = true;
	sp->err = compile_progs(j, NULL);
	j->defer = false;
	j->d = d;
	return;
fail:
	fe_unit__for_each_global(g, j->u, i)
		fe_global__forget_location(g);
	spec_free(sp);
}

/* After locate(): whether the speculative native code stands (else it is
 * dropped, and -v says why). */
static bool speculation_held(struct job *j, struct spec *sp)
{
	char why[256] = "";
	struct fe_global *g;
	size_t i;

	if (sp->err)
		snprintf(why, sizeof(why), "it failed (%s)", strerror(-sp->err));
	for (i = 0; !*why && i < fe_unit__nr_globals(j->u); i++) {
		bool located;

		g = fe_unit__global(j->u, i);
		located = fe_global__offset(g) >= 0;
		if (located != sp->located[i] ||
		    (located && (strcmp(fe_global__section(g), sp->section[i]) ||
				 fe_global__size(g) != sp->size[i])))
			snprintf(why, sizeof(why), "global '%s' is %s", fe_global__name(g),
				 !located	     ? "not in the BPF object" :
				 !sp->located[i] ? "in the BPF object" :
						   "elsewhere in the BPF object");
	}
	if (j->o->verbose)
		fprintf(stderr, "  (bpfaot-cc) native code built during the BPF compile: %s%s\n",
			*why ? "built again: " : "kept", why);
	if (!*why)
		return true;
	pending_free(j);
	return false;
}

int be_compile(const struct be_opts *o, struct fe_diags *d, int *clang_status)
{
	struct job j = { .o = o, .d = d, .clang = o->clang ? o->clang : BPFAOT_CLANG };
	const struct fe_prog *one;
	const char *tmp = getenv("TMPDIR");
	struct spec spec = { 0 };
	struct rw_opts ropts;
	struct fe_global *g;
	const char **parse_args = NULL;
	char *i_path = NULL;
	int err, pid, parse_err, nr_parse_args;
	struct stat st;
	size_t i, mark;

	if (stat(o->input, &st)) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "no such file or directory: '%s'", o->input);
		return -ENOENT;
	}
	snprintf(j.march_flag, sizeof(j.march_flag), "-march=%s", o->march ? o->march : "");
	snprintf(j.tmpdir, sizeof(j.tmpdir), "%s/bpfaot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(j.tmpdir)) {
		err = -errno;
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "cannot create a temporary directory: %s",
			    strerror(-err));
		return err;
	}
	if (o->emit == BE_EMIT_FAT) {
		j.bpf_out = o->output ? strdup(o->output) : default_output(o->input, ".o");
		j.own_bpf_out = true;
	} else {
		j.bpf_out = tmp_path(&j, "bpf", ".o");
	}
	if (!j.bpf_out) {
		err = -ENOMEM;
		goto out_rm_tmp;
	}
	pid = bpf_compile_start(&j);
	if (pid < 0) {
		err = pid;
		j.own_bpf_out = false;
		goto out_free;
	}
	/* the libclang parse needs nothing from the BPF compile: it runs
	 * meanwhile (the same headers, read twice, but at the same time) */
	mark = fe_diags__count(d);
	i_path = tmp_path(&j, "unit", ".i");
	parse_args = pp_args(o, &nr_parse_args);
	if (!i_path || !parse_args) {
		parse_err = -ENOMEM;
	} else {
		parse_err = preprocess(&j, i_path);
		if (!parse_err)
			parse_err = parse_unit(&j, i_path, parse_args, nr_parse_args);
		if (!parse_err && can_speculate(&j))
			speculate(&j, &spec);
	}
	err = bpf_compile_finish(&j, pid, clang_status);
	if (err) {
		/* clang's own report stands alone, as when it ran by itself */
		fe_diags__truncate(d, mark);
		j.own_bpf_out = false;	/* clang's own result stands */
		goto out_free;
	}
	err = be_read_file(j.bpf_out, &j.bpf, &j.bpf_size);
	if (err) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "cannot read '%s': %s", j.bpf_out,
			    strerror(-err));
		goto out_free;
	}
	err = be_elf__parse(&j.elf, j.bpf, j.bpf_size, j.bpf_out, d);
	if (err)
		goto out_free;
	if (!j.u) {
		err = parse_err;
		goto out_free;
	}
	if (spec.active)
		fe_unit__for_each_global(g, j.u, i)
			fe_global__forget_location(g);
	err = check_all_progs(&j);
	if (err)
		goto out_free;
	err = locate(&j);
	if (!err)
		err = be_const_maps_load(j.u, o->const_maps, o->nr_const_maps, d, &j.const_maps);
	if (!err)
		err = select_progs(&j, &one);
	if (err)
		goto out_free;
	j.blobs_cap = fe_unit__nr_progs(j.u);
	j.sec_names = calloc(j.blobs_cap + 1, sizeof(*j.sec_names));
	j.blobs = calloc(j.blobs_cap + 1, sizeof(*j.blobs));
	j.sizes = calloc(j.blobs_cap + 1, sizeof(*j.sizes));
	if (!j.sec_names || !j.blobs || !j.sizes) {
		err = -ENOMEM;
		goto out_free;
	}
	ropts = rw_opts_of(&j);
	if (spec.active && speculation_held(&j, &spec)) {
		/* what it said, where the plain order says it */
		for (i = 0, mark = 0; i < j.nr_pend && !err; mark = j.pend[i++].dmark) {
			fe_diags__append(d, spec.d, mark, j.pend[i].dmark);
			err = finish_prog(&j, j.pend[i].p, &ropts, j.pend[i].obj);
		}
		fe_diags__append(d, spec.d, mark, fe_diags__count(spec.d));
	} else {
		err = compile_progs(&j, one);
	}
	if (!err && fe_diags__nr_errors(d))
		err = -EINVAL;	/* -Werror=aot */
	/* one program's native object (or IR) that its [-Waot] reason stopped:
	 * an error, not a success that writes nothing */
	if (!err && one && !j.wrote && (o->emit == BE_EMIT_NATIVE || o->emit == BE_EMIT_LLVM)) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0,
			    "--aot-emit=%s: program '%s' has no native code; nothing written",
			    emit_name(o->emit), fe_prog__name(one));
		err = -ENOTSUP;
	}
	if (!err && o->emit == BE_EMIT_FAT)
		err = write_fat(&j);
out_free:
	spec_free(&spec);
	pending_free(&j);
	early_stop(&j);
	free(j.early_bc);
	free(j.early_err);
	if (err && j.own_bpf_out)
		unlink(j.bpf_out);
	for (i = 0; i < j.nr_blobs; i++) {
		free(j.sec_names[i]);
		free(j.blobs[i]);
	}
	free(j.sec_names);
	free(j.blobs);
	free(j.sizes);
	be_const_maps_free(j.const_maps, o->nr_const_maps);
	fe_unit__free(j.u);
	free(parse_args);
	free(i_path);
	free(j.bpf);
	free(j.bpf_out);
out_rm_tmp:
	remove_tmpdir(j.tmpdir);
	return err;
}
