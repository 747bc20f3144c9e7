// SPDX-License-Identifier: MIT
/*
 * The differential test in CI (tests/difftest/, docs/reliability.md §5):
 * every saved regression under tests/difftest/regress/ is replayed, and
 * 192 generated programs of a fixed seed (4 batches of 48, one per -mcpu
 * the seed picks) must give the interpreter's return value, packet and
 * maps on jit, llvm-jit, llvm-aot, aot and, where bpf() works, the kernel;
 * so must 96 more of another seed with BPF's own semantics where C has
 * none (--div-zero --wide-shift: divisors that are 0, shift counts up to
 * twice the width).
 * Without bpf() the kernel is left out with a message; everything else
 * still runs. Runs from the repository root; BUILD names the build
 * directory (default build).
 */
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "le.h"
#include "dt.h"
#include "testutil.h"

#define SEED 0x5ef2	/* its 4 batches take -mcpu=v2, v1, v2, v3 */
#define BATCHES 4
#define BATCH 48
/* --div-zero --wide-shift: programs 48..95 (-mcpu=v1) and 96..143 (v3) */
#define UB_SEED 11
#define UB_BATCHES 2

/* Set once in difftest_suite(), before the tests fork; read-only after. */
static char cc_bin[PATH_MAX];

/* A fresh scratch directory per test, removed with what is in it. */
static char workdir[64];

static void setup(void)
{
	snprintf(workdir, sizeof(workdir), "/tmp/check_difftest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(workdir));
	ck_assert_int_eq(le_register(), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", workdir);
}

/* The report of differences, kept for the failure message: a file, since
 * the checks run in forked children. */
struct report {
	char text[8192];
	FILE *f;
};

static void report_read(struct report *r)
{
	size_t n;

	rewind(r->f);
	n = fread(r->text, 1, sizeof(r->text) - 1, r->f);
	r->text[n] = '\0';
	fclose(r->f);
}

static void opts_init(struct dt_opts *o, struct report *r)
{
	char why[256];

	memset(o, 0, sizeof(*o));
	o->cc = cc_bin;
	o->workdir = workdir;
	r->f = tmpfile();
	ck_assert_ptr_nonnull(r->f);
	o->report = r->f;
	if (!dt_kernel_usable(o, why, sizeof(why)))
		printf("difftest: the kernel is not compared: %s\n", why);
}

/* Programs first .. first + BATCH - 1 of seed: no difference. */
static void check_batch(uint32_t seed, uint32_t first, bool ub)
{
	const char *flags = ub ? " --div-zero --wide-shift" : "";
	uint32_t diffs[BATCH];
	struct dt_stats st = { 0 };
	struct report r = { 0 };
	struct dt_opts o;
	size_t nr = 0;
	int err;

	opts_init(&o, &r);
	o.gen.div_zero = ub;
	o.gen.wide_shift = ub;
	err = dt_batch(&o, seed, first, BATCH, diffs, &nr, &st);
	report_read(&r);
	ck_assert_msg(err == 0, "batch %u: %d\n%s", first, err, r.text);
	ck_assert_msg(nr == 0,
		      "programs %u..%u of seed 0x%x%s: %zu differ (see them with build/tests/difftest "
		      "--seed=0x%x --first=%u -n %u%s):\n%s",
		      first, first + BATCH - 1, seed, flags, nr, seed, first, BATCH, flags, r.text);
	ck_assert_uint_eq(st.programs, BATCH);
	printf("difftest: programs %u..%u of seed 0x%x (-mcpu=%s%s): 0 differences, %" PRIu64
	       " compared with the kernel, %" PRIu64 " refused by its verifier\n",
	       first, first + BATCH - 1, seed, dt_gen_mcpu(seed, first), flags, st.kernel_runs,
	       st.kernel_refused);
}

START_TEST(test_random_batch)
{
	check_batch(SEED, (uint32_t)_i * BATCH, false);
}
END_TEST

/* BPF's semantics where C has none: x / 0 = 0, x % 0 = x, shift counts
 * masked to the width, behind barriers so that the BPF compile cannot fold
 * them (docs/reliability.md §5). */
START_TEST(test_ub_batch)
{
	check_batch(UB_SEED, (uint32_t)(_i + 1) * BATCH, true);
}
END_TEST

START_TEST(test_regressions)
{
	glob_t g = { 0 };
	size_t i, nr_known = 0;

	glob("tests/difftest/regress/*.bpf.c", 0, NULL, &g);
	for (i = 0; i < g.gl_pathc; i++) {
		struct dt_stats st = { 0 };
		struct report r = { 0 };
		struct dt_opts o;

		char known[256];
		int res;

		opts_init(&o, &r);
		res = dt_replay(&o, g.gl_pathv[i], &st, known, sizeof(known));
		report_read(&r);
		ck_assert_msg(res >= 0, "%s: %s\n%s", g.gl_pathv[i], strerror(-res), r.text);
		if (*known) {
			/* understood and open: it must still differ, so that
			 * its fix is noticed and the mark removed */
			ck_assert_msg(res == 1, "%s: the engines agree now: remove its '// known:' "
				      "line (%s)", g.gl_pathv[i], known);
			printf("difftest: %s: known difference, still open: %s\n", g.gl_pathv[i],
			       known);
			nr_known++;
			continue;
		}
		ck_assert_msg(res == 0, "%s: engines differ\n%s", g.gl_pathv[i], r.text);
	}
	printf("difftest: %zu saved regressions replayed, %zu of them known differences\n",
	       g.gl_pathc, nr_known);
	globfree(&g);
}
END_TEST

static Suite *difftest_suite(void)
{
	const char *b = getenv("BUILD");
	Suite *s = suite_create("difftest");
	TCase *tc;
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/bin/bpfaot-cc", b && *b ? b : "build");
	if (!realpath(rel, cc_bin))
		snprintf(cc_bin, sizeof(cc_bin), "%s", rel);

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* compiles and runs 48 programs on six engines: minutes on a busy
	 * machine, so the limit is generous; it is not a timing assertion */
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_regressions);
	tcase_add_loop_test(tc, test_random_batch, 0, BATCHES);
	tcase_add_loop_test(tc, test_ub_batch, 0, UB_BATCHES);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(difftest_suite)
