// SPDX-License-Identifier: MIT
/*
 * The module rules of STYLE.md, checked on the built archives: each exports
 * only its prefix (`nm -g --defined-only`; the llvm plugin only its entry), and the runtime depends on no
 * compiler library (no undefined clang_ or LLVM symbol), so it stays small
 * enough to link into user processes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

struct module {
	const char *lib;
	const char *prefixes[7];
};

static const struct module modules[] = {
	{ "libbpfaot.a", { "rt_", "bpfaot_", NULL } },
	{ "libbpfaot-fe.a", { "fe_", NULL } },
	{ "libbpfaot-rw.a", { "rw_", NULL } },
	{ "libbpfaot-be.a", { "be_", NULL } },
	/* be_ir_: the IR semantics pass the native compile shares (backend/ir_sem.c) */
	{ "libbpfaot-llvm.a", { "le_", "be_ir_", NULL } },
	/* the plugin: its entry and the linker's own symbols; its copy of
	 * the runtime stays hidden */
	{ "libbpfaot-llvm.so", { "le_plugin_ops", "_edata", "_end", "__bss_start", "_init", "_fini",
				 NULL } },
};

static const char *build_dir(void)
{
	const char *b = getenv("BUILD");

	return b && *b ? b : "build";
}

static bool has_prefix(const struct module *m, const char *sym)
{
	size_t i;

	for (i = 0; m->prefixes[i]; i++)
		if (!strncmp(sym, m->prefixes[i], strlen(m->prefixes[i])))
			return true;
	return false;
}

START_TEST(test_exports_prefix)
{
	const struct module *m = &modules[_i];
	char cmd[512], line[512];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s --defined-only %s/lib/%s 2>/dev/null",
		 strstr(m->lib, ".so") ? "-D" : "-g", build_dir(), m->lib);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		char addr[64], type[8], sym[256];

		if (sscanf(line, "%63s %7s %255s", addr, type, sym) != 3)
			continue;
		/* sanitizer builds add their own instrumentation symbols */
		if (!strncmp(sym, "__asan", 6) || !strncmp(sym, "__ubsan", 7) ||
		    !strncmp(sym, "__sancov", 8))
			continue;
		ck_assert_msg(has_prefix(m, sym), "%s exports '%s' outside its prefix", m->lib, sym);
		n++;
	}
	pclose(p);
	ck_assert_msg(n > 0, "%s: no exported symbols (not built?)", m->lib);
}
END_TEST

/* bpfaot-run needs no LLVM library: it opens the llvm engines' plugin
 * only for them. */
START_TEST(test_run_needs_no_llvm)
{
	char cmd[512], line[512];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -d %s/bin/bpfaot-run 2>&1", build_dir());
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	for (n = 0; fgets(line, sizeof(line), p); n++)
		ck_assert_msg(!strstr(line, "LLVM") && !strstr(line, "clang"), "bpfaot-run: %s", line);
	pclose(p);
	ck_assert_uint_gt(n, 0);
}
END_TEST

START_TEST(test_runtime_has_no_compiler_deps)
{
	char cmd[512], line[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm -u %s/lib/libbpfaot.a 2>/dev/null", build_dir());
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		ck_assert_msg(!strstr(line, " clang_") && !strstr(line, " LLVM") &&
				      !strstr(line, " fe_") && !strstr(line, " rw_") &&
				      !strstr(line, " be_"),
			      "the runtime depends on '%s'", line);
	}
	pclose(p);
}
END_TEST

Suite *e2e_style_suite(void)
{
	Suite *s = suite_create("e2e_style");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_exports_prefix, 0, (int)(sizeof(modules) / sizeof(modules[0])));
	tcase_add_test(tc, test_runtime_has_no_compiler_deps);
	tcase_add_test(tc, test_run_needs_no_llvm);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(e2e_style_suite)
