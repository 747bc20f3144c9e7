/* SPDX-License-Identifier: MIT */
/* Shared bits of the Check suites: the runner main and small helpers. */
#ifndef BPFAOT_TESTUTIL_H
#define BPFAOT_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

/* The six-line check_money runner: failures become the exit status. */
#define TEST_MAIN(suite_fn)                                                                        \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(suite_fn());                                          \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		int failed = srunner_ntests_failed(sr);                                            \
		srunner_free(sr);                                                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                       \
	}

#endif
