// SPDX-License-Identifier: MIT
/*
 * Check suite of the rewriters. "core": golden tests, tests/data/rw/NAME.bpf.c
 * rewritten by one pass (or the whole preview) must equal NAME.expected.c
 * (NAME.preview.c) byte for byte; NAME.VARIANT.c with an optimisation off
 * (no-inline-maps, no-inline-helpers, no-types, none). "errors": sources
 * that do not compile or cannot be rewritten must give exactly NAME.diag.
 * "limits": the edit list (overlap rejection, #line placement) without
 * libclang.
 *
 * Each source is first preprocessed for the BPF target (`clang-14 -E`, as
 * bpfaot-cc does: docs/design.md, "The source path"); goldens show the
 * rewrite with unchanged system-header text folded (rw_edits__apply_folded).
 *
 * BPFAOT_UPDATE_GOLDEN=1 rewrites the expected files from the current
 * output (review the diff before committing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rw.h"
#include "testutil.h"

#define DATA "tests/data/rw/"

static const char *const parse_args[] = { "-O2", "-D__TARGET_ARCH_x86",
					  "-I/usr/include/x86_64-linux-gnu" };

/* src preprocessed into a temporary .i, then parsed; the .i is removed
 * (the unit keeps its own copy of the text). */
static struct fe_unit *parse_pp(const char *src, struct fe_diags *d)
{
	char dir[] = "/tmp/check_rw-XXXXXX", cmd[1024], ipath[128];
	struct fe_unit *u;
	int err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ipath, sizeof(ipath), "%s/unit.i", dir);
	snprintf(cmd, sizeof(cmd), "clang-14 -target bpf %s %s %s -E -w '%s' -o '%s'", parse_args[0],
		 parse_args[1], parse_args[2], src, ipath);
	ck_assert_int_eq(system(cmd), 0);
	u = fe_unit__parse(ipath, parse_args, 0, d);
	err = errno;
	unlink(ipath);
	rmdir(dir);
	errno = err;
	return u;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	do {
		cap += 4096;
		buf = realloc(buf, cap + 1);
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The preview folds system-header text into "N unchanged lines of system
 * headers": N follows the machine's headers (linux/bpf.h has one line more
 * in Debian's 6.1.192 linux-libc-dev than in 6.1.176), so goldens compare
 * with every such N written as 0. */
static void fold_counts(char *s)
{
	static const char pre[] = "/* bpfaot: ", post[] = " unchanged lines of system headers";
	char *p = s, *q, *d;

	while ((p = strstr(p, pre))) {
		p += sizeof(pre) - 1;
		for (q = p; *q >= '0' && *q <= '9'; q++)
			;
		if (q == p || strncmp(q, post, sizeof(post) - 1))
			continue;
		*p++ = '0';
		for (d = p; (*d = *q); d++, q++)
			;
	}
}

static void check_golden(const char *path, const char *got)
{
	char *want, *have;

	if (getenv("BPFAOT_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = slurp(path);
	ck_assert_msg(want, "missing golden file %s", path);
	have = strdup(got);
	ck_assert_ptr_nonnull(have);
	fold_counts(want);
	fold_counts(have);
	ck_assert_msg(!strcmp(want, have), "%s differs; got:\n%s", path, got);
	free(have);
	free(want);
}

enum pass { PASS_ENTRY, PASS_HELPERS, PASS_MAPS, PASS_GLOBALS, PASS_PRUNE, PASS_PREVIEW };

struct golden {
	const char *name;
	enum pass pass;
	const char *prog;	/* entry/preview: the program */
	const char *variant;	/* the golden is NAME.VARIANT.c (default: expected/preview) */
	struct rw_opts opts;	/* helpers/preview */
};

#define DEFAULT { .only_located_globals = false }
#define NO_MAPS { .no_inline_maps = true }
#define NO_HELPERS { .no_inline_helpers = true }
#define NO_TYPES { .no_types = true }
#define NONE { .no_inline_maps = true, .no_inline_helpers = true, .no_types = true }

static const struct golden goldens[] = {
	{ "entry", PASS_ENTRY, "prog_a", NULL, DEFAULT },
	{ "helpers", PASS_HELPERS, NULL, NULL, DEFAULT },
	{ "maps", PASS_MAPS, NULL, NULL, DEFAULT },
	{ "globals", PASS_GLOBALS, NULL, NULL, DEFAULT },
	{ "prune", PASS_PRUNE, NULL, NULL, DEFAULT },
	/* two maps in one declaration: one extern declaration of both */
	{ "maps_shared", PASS_MAPS, NULL, NULL, DEFAULT },
	{ "preview", PASS_PREVIEW, "xdp_count", NULL, DEFAULT },
	{ "helpers", PASS_PREVIEW, "entry", NULL, DEFAULT },
	{ "helpers", PASS_HELPERS, NULL, "no-types", NO_TYPES },
	/* the optimisations, each on (default) and off */
	{ "xdp_counter", PASS_PREVIEW, "xdp_count", NULL, DEFAULT },
	{ "xdp_counter", PASS_PREVIEW, "xdp_count", "no-inline-maps", NO_MAPS },
	{ "xdp_counter", PASS_PREVIEW, "xdp_count", "no-types", NO_TYPES },
	{ "inline", PASS_PREVIEW, "prog", NULL, DEFAULT },
	{ "inline", PASS_PREVIEW, "prog", "no-inline-maps", NO_MAPS },
	{ "inline", PASS_PREVIEW, "prog", "no-inline-helpers", NO_HELPERS },
	{ "inline", PASS_PREVIEW, "prog", "no-types", NO_TYPES },
	{ "inline", PASS_PREVIEW, "prog", "none", NONE },
	/* configuration maps: const values for the ones only read */
	{ "config_maps", PASS_PREVIEW, "prog", NULL, DEFAULT },
	/* the ubpf convention: global functions of .text, (mem, len) */
	{ "ubpf", PASS_PREVIEW, "sum", NULL, DEFAULT },
	{ "ubpf", PASS_ENTRY, "seven", NULL, DEFAULT },
};

/* rw_map_usage() on tests/data/rw/config_maps.bpf.c, verdicts by hand:
 * the reason and the line of the first write or escape. */
START_TEST(test_map_usage)
{
	static const struct {
		const char *map;
		bool read_only;
		const char *why;
		unsigned line;
	} want[] = {
		{ "cfg_const", true, "", 0 },
		{ "cfg_plain", true, "", 0 },
		{ "unused", true, "", 0 },
		{ "w_member", false, "the program writes into its values", 138 },
		{ "w_inc", false, "the program writes into its values", 141 },
		{ "w_atomic", false, "an atomic operation writes into its values", 144 },
		{ "w_update", false, "bpf_map_update_elem() takes it", 145 },
		{ "w_call", false, "a pointer into its values is passed to 'touch'", 148 },
		{ "w_alias", false, "the program writes into its values", 152 },
		{ "w_deref", false, "the program writes into its values", 155 },
		{ "w_ret", false, "a pointer into its values is stored or returned", 116 },
		{ "cfg_hash", true, "", 0 },
		{ "jmp", false, "its type (3) is not an array or a hash", 0 },
	};
	struct fe_diags *d = fe_diags__new();
	struct rw_map_use *uses = NULL;
	struct fe_unit *u;
	size_t i, k;

	u = fe_unit__parse(DATA "config_maps.bpf.c", parse_args, 3, d);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(rw_map_usage(u, &uses), 0);
	ck_assert_uint_eq(fe_unit__nr_maps(u), sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (k = 0; k < fe_unit__nr_maps(u); k++)
			if (!strcmp(fe_map__name(fe_unit__map(u, k)), want[i].map))
				break;
		ck_assert_msg(k < fe_unit__nr_maps(u), "no map %s", want[i].map);
		ck_assert_msg(uses[k].read_only == want[i].read_only, "%s: read_only %d", want[i].map,
			      uses[k].read_only);
		ck_assert_str_eq(uses[k].why, want[i].why);
		ck_assert_uint_eq(uses[k].line, want[i].line);
	}
	free(uses);
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_golden)
{
	const struct golden *g = &goldens[_i];
	char src[256], exp[256];
	struct fe_diags *d = fe_diags__new();
	struct rw_edits *e = rw_edits__new();
	const struct fe_prog *p = NULL;
	struct fe_unit *u;
	char *out = NULL, *diags, *pre = NULL;
	struct rw_opts opts;
	const char *text;
	size_t len;
	int err = 0;

	snprintf(src, sizeof(src), DATA "%s.bpf.c", g->name);
	snprintf(exp, sizeof(exp), DATA "%s.%s.c", g->name,
		 g->variant ? g->variant : g->pass == PASS_PREVIEW ? "preview" : "expected");
	u = parse_pp(src, d);
	ck_assert_msg(u, "parse of %s failed", src);
	if (g->prog) {
		p = fe_unit__find_prog(u, g->prog);
		ck_assert_ptr_nonnull(p);
	}
	switch (g->pass) {
	case PASS_ENTRY:
		err = rw_entry(u, p, NULL, e, d, &pre);
		break;
	case PASS_HELPERS:
		err = rw_helpers(u, &g->opts, e, d, &pre);
		break;
	case PASS_MAPS:
		err = rw_maps(u, NULL, e, d);
		break;
	case PASS_GLOBALS:
		err = rw_globals(u, NULL, e, d);
		break;
	case PASS_PRUNE:
		err = rw_prune(u, e, d);
		break;
	case PASS_PREVIEW:
		opts = g->opts;
		opts.preview = true;
		err = rw_rewrite(u, p, &opts, d, &out, &len);
		break;
	}
	ck_assert_int_eq(err, 0);
	if (g->pass != PASS_PREVIEW) {
		text = fe_unit__source(u, &len);
		if (pre)
			ck_assert_int_eq(rw_edits__insert(e, 0, pre), 0);
		ck_assert_int_eq(rw_edits__apply_folded(e, text, len, &out, &len), 0);
	}
	free(pre);
	/* warnings of the pass come first, as the driver prints them */
	diags = fe_diags__render_str(d, "bpfaot-cc", false);
	if (diags && *diags) {
		char *both = NULL;

		ck_assert_int_ge(asprintf(&both, "%s/* diagnostics:\n%s*/\n", out, diags), 0);
		free(out);
		out = both;
	}
	check_golden(exp, out);
	free(diags);
	free(out);
	rw_edits__free(e);
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

/* Diagnostics goldens: the whole preview of NAME.bpf.c fails with NAME.diag. */
static const char *const diag_cases[] = { "syntax_error" };

START_TEST(test_diag)
{
	char src[256], exp[256];
	struct fe_diags *d = fe_diags__new();
	struct fe_unit *u;
	char *out = NULL, *text;
	int err;

	snprintf(src, sizeof(src), DATA "%s.bpf.c", diag_cases[_i]);
	snprintf(exp, sizeof(exp), DATA "%s.diag", diag_cases[_i]);
	u = parse_pp(src, d);
	if (u) {
		err = rw_rewrite(u, fe_unit__prog(u, 0), NULL, d, &out, NULL);
		ck_assert_int_eq(err, -EINVAL);
	} else {
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_gt(fe_diags__nr_errors(d), 0);
	text = fe_diags__render_str(d, "bpfaot-cc", true);
	check_golden(exp, text);
	free(text);
	free(out);
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_edits_overlap)
{
	struct rw_edits *e = rw_edits__new();
	const char *src = "int a = 1;\n";
	char *out = NULL;

	ck_assert_int_eq(rw_edits__replace(e, 4, 1, "b"), 0);
	ck_assert_int_eq(rw_edits__replace(e, 4, 5, "c = 2"), 0);
	ck_assert_int_eq(rw_edits__apply(e, src, strlen(src), NULL, &out, NULL), -EINVAL);
	ck_assert_ptr_null(out);
	rw_edits__free(e);
}
END_TEST

START_TEST(test_edits_outside)
{
	struct rw_edits *e = rw_edits__new();
	char *out = NULL;

	ck_assert_int_eq(rw_edits__replace(e, 3, 10, "x"), 0);
	ck_assert_int_eq(rw_edits__apply(e, "abcd", 4, NULL, &out, NULL), -EINVAL);
	rw_edits__free(e);
}
END_TEST

START_TEST(test_edits_line)
{
	struct rw_edits *e = rw_edits__new();
	const char *src = "a;\nb;\n#define X \\\n  1\nc;\n";
	char *out = NULL;

	/* same offset: insertions first, in order; a multi-line edit gets a
	 * #line at the next line start, never inside a continued line */
	ck_assert_int_eq(rw_edits__replace(e, 3, 2, "B;\nB2;"), 0);
	ck_assert_int_eq(rw_edits__insert(e, 3, "/* x */ "), 0);
	ck_assert_int_eq(rw_edits__insert(e, 14, "/*\n*/"), 0);
	ck_assert_int_eq(rw_edits__apply(e, src, strlen(src), "f.c", &out, NULL), 0);
	ck_assert_str_eq(out, "a;\n/* x */ B;\nB2;\n#line 3 \"f.c\"\n#define /*\n*/X \\\n  1\n"
			      "#line 5 \"f.c\"\nc;\n");
	free(out);
	rw_edits__free(e);
}
END_TEST

START_TEST(test_edits_many)
{
	struct rw_edits *e = rw_edits__new();
	char src[2001], *out = NULL;
	unsigned i;

	memset(src, 'a', 2000);
	src[2000] = '\0';
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(rw_edits__replace(e, 1999 - 2 * i, 1, "b"), 0);
	ck_assert_uint_eq(rw_edits__count(e), 1000);
	ck_assert_int_eq(rw_edits__apply(e, src, 2000, NULL, &out, NULL), 0);
	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(out[i], i % 2 ? 'b' : 'a');
	free(out);
	rw_edits__free(e);
}
END_TEST

static Suite *rw_suite(void)
{
	Suite *s = suite_create("rw");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	TCase *limits = tcase_create("limits");

	tcase_add_loop_test(core, test_golden, 0, sizeof(goldens) / sizeof(goldens[0]));
	tcase_add_test(core, test_map_usage);
	tcase_set_timeout(core, 60);
	tcase_add_loop_test(errors, test_diag, 0, sizeof(diag_cases) / sizeof(diag_cases[0]));
	tcase_add_test(errors, test_edits_overlap);
	tcase_add_test(errors, test_edits_outside);
	tcase_add_test(limits, test_edits_line);
	tcase_add_test(limits, test_edits_many);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	suite_add_tcase(s, limits);
	return s;
}

TEST_MAIN(rw_suite)
