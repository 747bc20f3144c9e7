/* SPDX-License-Identifier: MIT */
/* Shared bits of the Check suites: the runner main and small helpers. */
#ifndef BPFAOT_TESTUTIL_H
#define BPFAOT_TESTUTIL_H

#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* The six-line check_money runner: failures become the exit status. */
#define TEST_MAIN(suite_fn)                                                                        \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr;                                                                       \
		setenv("BUILD", "build", 0); /* commands name $BUILD/bin, $BUILD/samples */      \
		sr = srunner_create(suite_fn());                                                   \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		int failed = srunner_ntests_failed(sr);                                            \
		srunner_free(sr);                                                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                       \
	}

/* The conformance suite's tests folder: $BPFAOT_CONFORMANCE_DIR, else
 * ../shared/conformance/tests (beside the repository, where CI has it). */
static inline const char *test_conf_dir(void)
{
	const char *dir = getenv("BPFAOT_CONFORMANCE_DIR");

	return dir && *dir ? dir : "../shared/conformance/tests";
}

/* Whether the conformance suite can run. A plain clone has no ../shared:
 * then the suite's conformance tests are not added and one SKIP line says
 * why. A folder named by $BPFAOT_CONFORMANCE_DIR is always used, so a wrong
 * one fails the count checks instead of skipping. */
static inline bool test_conf_present(const char *suite)
{
	const char *env = getenv("BPFAOT_CONFORMANCE_DIR");
	struct stat st;

	if ((env && *env) || (stat(test_conf_dir(), &st) == 0 && S_ISDIR(st.st_mode)))
		return true;
	printf("SKIP: ../shared/conformance absent (%s: conformance tests not run; "
	       "set BPFAOT_CONFORMANCE_DIR or clone it beside the repository)\n",
	       suite);
	fflush(stdout);
	return false;
}

/* Runs a shell command, stdout and stderr together into out (when given,
 * NUL-terminated, cut at out_sz); its exit status, or -1 when it died of a
 * signal. */
static inline int __attribute__((format(printf, 3, 4)))
tu_sh(char *out, size_t out_sz, const char *fmt, ...)
{
	char cmd[8192], full[8300];
	size_t n = 0, r;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	ck_assert_int_lt(vsnprintf(cmd, sizeof(cmd), fmt, ap), (int)sizeof(cmd));
	va_end(ap);
	snprintf(full, sizeof(full), "( %s ) 2>&1", cmd);
	p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	if (out) {
		while (n + 1 < out_sz && (r = fread(out + n, 1, out_sz - 1 - n, p)) > 0)
			n += r;
		out[n] = '\0';
	}
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
