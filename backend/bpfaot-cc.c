// SPDX-License-Identifier: MIT
/*
 * bpfaot-cc: a drop-in for `clang -target bpf` that writes a fat object
 * (the BPF object clang writes, plus each program's native x86-64 object in
 * a `.aot.<prog>` section). The command line is clang's: options are read
 * through one table that says which take a separate argument and which
 * shape the source (and so go to the libclang parse and the native compile
 * too); our own options are --aot-*, -v, -Waot/-Wno-aot/-Werror=aot, -Raot.
 * Everything else reaches the BPF compile as clang would see it. A command
 * that does not compile to an object (-E, -S, -M, -fsyntax-only, no -c...)
 * is clang's alone and runs unchanged.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "be.h"
#include "bpfaot/abi.h"
#include "fe.h"

/* The CLI flags: the only globals, parsed once in main (single-threaded). */
static struct {
	const char *progname;
	const char **clang_args;
	int nr_clang_args;
	const char **src_args;
	int nr_src_args;
	const char **inputs;
	int nr_inputs;
	const char *output;
	enum be_emit emit;
	enum be_sec_kind sec_kind;
	const char *prog;
	int opt_level;
	bool no_types, no_inline_helpers, no_inline_maps;
	const char *march;	/* --aot-march, NULL: x86-64 */
	const char **consts;	/* --aot-const=NAME=VALUE */
	int nr_consts;
	const char **const_maps;	/* --aot-const-map=MAP=FILE */
	int nr_const_maps;
	bool verbose, werror_aot, no_aot, remarks_aot;
	bool compile_only;	/* -c */
	bool passthrough;	/* not an object compile: clang's alone */
} cli = { .opt_level = 3 };

enum opt_kind {
	OPT_FLAG,	/* no argument */
	OPT_SEP,	/* "-o X" or "-oX" */
	OPT_JOINED,	/* prefix match, argument joined ("-std=gnu11") */
};

struct opt {
	const char *name;
	enum opt_kind kind;
	bool shapes_source;	/* also for the libclang parse and the native compile */
};

/* Options that take an argument (or shape the source); the rest pass as is. */
static const struct opt clang_opts[] = {
	{ "-I", OPT_SEP, true },
	{ "-D", OPT_SEP, true },
	{ "-U", OPT_SEP, true },
	{ "-include", OPT_SEP, true },
	{ "-imacros", OPT_SEP, true },
	{ "-isystem", OPT_SEP, true },
	{ "-idirafter", OPT_SEP, true },
	{ "-iquote", OPT_SEP, true },
	{ "-isysroot", OPT_SEP, true },
	{ "--sysroot", OPT_SEP, true },
	{ "-std=", OPT_JOINED, true },
	{ "-nostdinc", OPT_FLAG, true },
	{ "-funsigned-char", OPT_FLAG, true },
	{ "-fsigned-char", OPT_FLAG, true },
	{ "-o", OPT_SEP, false },
	{ "-MF", OPT_SEP, false },
	{ "-MT", OPT_SEP, false },
	{ "-MQ", OPT_SEP, false },
	{ "-x", OPT_SEP, false },
	{ "-target", OPT_SEP, false },
	{ "-Xclang", OPT_SEP, false },
	{ "-mllvm", OPT_SEP, false },
	{ "-resource-dir", OPT_SEP, false },
};

/* Options that make the command something other than an object compile. */
static const char *const passthrough_opts[] = {
	"-E", "-S", "-M", "-MM", "-fsyntax-only", "-emit-llvm", "-###", "--version", "-help",
	"--help", "-print-resource-dir",
};

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: error: ", cli.progname);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

/* The index of a's value (after its '=') in names, or -EINVAL after
 * printing the error. */
static int parse_choice(const char *a, const char *const *names, size_t n)
{
	const char *v = strchr(a, '=') + 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	fprintf(stderr, "%s: error: invalid value '%s' in '%s'\n", cli.progname, v, a);
	return -EINVAL;
}

/* A repeatable --aot-X=A=B option (its prefix is n bytes): A and B must
 * not be empty. Appends the A=B text to list. 0 or -EINVAL (printed). */
static int add_pair(const char *a, size_t n, const char *form, const char **list, int *nr)
{
	const char *v = a + n, *eq = strchr(v, '=');

	if (!eq || eq == v || !eq[1]) {
		fprintf(stderr, "%s: error: invalid value '%s' in '%.*s' (%s)\n", cli.progname, v,
			(int)n, a, form);
		return -EINVAL;
	}
	list[(*nr)++] = v;
	return 0;
}

/* --aot-* options; 0, or -EINVAL after printing the error. */
static int parse_aot(const char *a)
{
	/* in the order of enum be_emit and enum be_sec_kind */
	static const char *const emits[] = { "fat", "native", "source", "llvm" };
	static const char *const sec_kinds[] = { "strtab", "progbits" };
	const char *v;
	int i;

	if (!strncmp(a, "--aot-section=", 14)) {
		i = parse_choice(a, sec_kinds, sizeof(sec_kinds) / sizeof(sec_kinds[0]));
		if (i < 0)
			return i;
		cli.sec_kind = (enum be_sec_kind)i;
		return 0;
	}
	if (!strncmp(a, "--aot-emit=", 11)) {
		i = parse_choice(a, emits, sizeof(emits) / sizeof(emits[0]));
		if (i < 0)
			return i;
		cli.emit = (enum be_emit)i;
		return 0;
	}
	if (!strncmp(a, "--aot-prog=", 11)) {
		if (!a[11]) {
			fprintf(stderr, "%s: error: invalid value '' in '%s'\n", cli.progname, a);
			return -EINVAL;
		}
		cli.prog = a + 11;
		return 0;
	}
	if (!strncmp(a, "--aot-opt=", 10)) {
		v = a + 10;
		if (strlen(v) != 1 || v[0] < '0' || v[0] > '3') {
			fprintf(stderr, "%s: error: invalid value '%s' in '%s'\n", cli.progname, v, a);
			return -EINVAL;
		}
		cli.opt_level = v[0] - '0';
		return 0;
	}
	if (!strncmp(a, "--aot-const-map=", 16))
		return add_pair(a, 16, "MAP=FILE", cli.const_maps, &cli.nr_const_maps);
	if (!strncmp(a, "--aot-const=", 12))
		return add_pair(a, 12, "NAME=VALUE", cli.consts, &cli.nr_consts);
	if (!strncmp(a, "--aot-march=", 12)) {
		static const char *const levels[] = BPFAOT_MARCH_LEVELS;
		size_t i;

		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (!strcmp(a + 12, levels[i]))
				break;
		if (i == sizeof(levels) / sizeof(levels[0])) {
			fprintf(stderr, "%s: error: invalid value '%s' in '%s' (x86-64, x86-64-v2, "
				"x86-64-v3 or x86-64-v4)\n", cli.progname, a + 12, a);
			return -EINVAL;
		}
		/* the baseline is the default: no march= in the manifest */
		cli.march = i ? levels[i] : NULL;
		return 0;
	}
	if (!strcmp(a, "--aot-no-types"))
		cli.no_types = true;
	else if (!strcmp(a, "--aot-no-inline-helpers"))
		cli.no_inline_helpers = true;
	else if (!strcmp(a, "--aot-no-inline-maps"))
		cli.no_inline_maps = true;
	else {
		usage_error("unknown argument: '%s'", a);
		return -EINVAL;
	}
	return 0;
}

static const struct opt *find_opt(const char *a, bool *joined)
{
	size_t i, n;

	for (i = 0; i < sizeof(clang_opts) / sizeof(clang_opts[0]); i++) {
		const struct opt *o = &clang_opts[i];

		n = strlen(o->name);
		if (o->kind == OPT_FLAG && !strcmp(a, o->name)) {
			*joined = false;
			return o;
		}
		if (o->kind == OPT_JOINED && !strncmp(a, o->name, n)) {
			*joined = true;
			return o;
		}
		if (o->kind == OPT_SEP && !strncmp(a, o->name, n)) {
			/* "-include" must not read as "-I nclude"; "--sysroot=x" is joined */
			if (a[n] == '\0') {
				*joined = false;
				return o;
			}
			if (n == 2 || a[n] == '=') {
				*joined = true;
				return o;
			}
		}
	}
	return NULL;
}

static int parse_args(int argc, char **argv)
{
	bool joined;
	int i, j;

	cli.clang_args = calloc((size_t)argc + 1, sizeof(char *));
	cli.src_args = calloc((size_t)argc + 1, sizeof(char *));
	cli.inputs = calloc((size_t)argc + 1, sizeof(char *));
	cli.consts = calloc((size_t)argc + 1, sizeof(char *));
	cli.const_maps = calloc((size_t)argc + 1, sizeof(char *));
	if (!cli.clang_args || !cli.src_args || !cli.inputs || !cli.consts || !cli.const_maps)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o;

		if (!strncmp(a, "--aot-", 6)) {
			if (parse_aot(a))
				return -EINVAL;
			continue;
		}
		if (!strcmp(a, "-v")) {
			cli.verbose = true;
			continue;
		}
		if (!strcmp(a, "-Waot"))
			continue;
		if (!strcmp(a, "-Wno-aot")) {
			cli.no_aot = true;
			continue;
		}
		if (!strcmp(a, "-Werror=aot")) {
			cli.werror_aot = true;
			continue;
		}
		if (!strcmp(a, "-Raot")) {
			cli.remarks_aot = true;
			continue;
		}
		if (!strcmp(a, "-c"))
			cli.compile_only = true;
		for (j = 0; j < (int)(sizeof(passthrough_opts) / sizeof(passthrough_opts[0])); j++)
			if (!strcmp(a, passthrough_opts[j]))
				cli.passthrough = true;
		if (a[0] != '-' || !strcmp(a, "-")) {
			cli.inputs[cli.nr_inputs++] = a;
			continue;
		}
		o = find_opt(a, &joined);
		if (o && o->kind == OPT_SEP && !joined && i + 1 >= argc) {
			usage_error("argument to '%s' is missing (expected 1 value)", a);
			return -EINVAL;
		}
		if (o && !strcmp(o->name, "-o")) {
			cli.output = joined ? a + 2 : argv[++i];
			continue;
		}
		cli.clang_args[cli.nr_clang_args++] = a;
		if (o && o->shapes_source)
			cli.src_args[cli.nr_src_args++] = a;
		if (o && o->kind == OPT_SEP && !joined) {
			cli.clang_args[cli.nr_clang_args++] = argv[++i];
			if (o->shapes_source)
				cli.src_args[cli.nr_src_args++] = argv[i];
		}
	}
	return 0;
}

/* Not an object compile: clang's own command, unchanged but for our options. */
static int exec_clang(void)
{
	const char **argv = calloc((size_t)cli.nr_clang_args + cli.nr_inputs + 4, sizeof(*argv));
	int k = 0, i;

	if (!argv)
		return 1;
	argv[k++] = BPFAOT_CLANG;
	for (i = 0; i < cli.nr_clang_args; i++)
		argv[k++] = cli.clang_args[i];
	for (i = 0; i < cli.nr_inputs; i++)
		argv[k++] = cli.inputs[i];
	if (cli.output) {
		argv[k++] = "-o";
		argv[k++] = cli.output;
	}
	if (cli.verbose) {
		for (i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "%s: error: cannot run '%s': %s\n", cli.progname, argv[0], strerror(errno));
	free(argv);
	return 1;
}

static int compile_one(const char *input, const char *output)
{
	struct be_opts o = {
		.input = input,
		.output = output,
		.clang_args = cli.clang_args,
		.nr_clang_args = cli.nr_clang_args,
		.src_args = cli.src_args,
		.nr_src_args = cli.nr_src_args,
		.emit = cli.emit,
		.sec_kind = cli.sec_kind,
		.prog = cli.prog,
		.opt_level = cli.opt_level,
		.no_types = cli.no_types,
		.no_inline_helpers = cli.no_inline_helpers,
		.no_inline_maps = cli.no_inline_maps,
		.march = cli.march,
		.consts = cli.consts,
		.nr_consts = cli.nr_consts,
		.const_maps = cli.const_maps,
		.nr_const_maps = cli.nr_const_maps,
		.verbose = cli.verbose,
	};
	struct fe_diags *d = fe_diags__new();
	int status = 0, err;

	if (!d) {
		fprintf(stderr, "%s: error: out of memory\n", cli.progname);
		return 1;
	}
	fe_diags__set_werror_aot(d, cli.werror_aot);
	fe_diags__set_no_aot(d, cli.no_aot);
	fe_diags__set_remarks_aot(d, cli.remarks_aot);
	err = be_compile(&o, d, &status);
	fe_diags__render(d, stderr, cli.progname, false);
	fe_diags__free(d);
	if (err == -EIO && status)
		return status;
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i, status = 0, missing = 0;

	cli.progname = basename(argv[0]);
	if (parse_args(argc, argv))
		return 1;
	if (cli.passthrough || (cli.emit == BE_EMIT_FAT && !cli.compile_only))
		return exec_clang();
	for (i = 0; i < cli.nr_inputs; i++) {
		if (strcmp(cli.inputs[i], "-") && access(cli.inputs[i], F_OK)) {
			usage_error("no such file or directory: '%s'", cli.inputs[i]);
			missing++;
		}
	}
	if (missing || !cli.nr_inputs) {
		if (missing == cli.nr_inputs)
			usage_error("no input files%s", "");
		return 1;
	}
	if (cli.nr_inputs > 1 && cli.output && cli.emit != BE_EMIT_SOURCE) {
		usage_error("cannot specify -o when generating multiple output files%s", "");
		return 1;
	}
	for (i = 0; i < cli.nr_inputs && !status; i++)
		status = compile_one(cli.inputs[i], cli.nr_inputs > 1 ? NULL : cli.output);
	free(cli.clang_args);
	free(cli.src_args);
	free(cli.inputs);
	free(cli.consts);
	free(cli.const_maps);
	return status;
}
