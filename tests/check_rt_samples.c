// SPDX-License-Identifier: MIT
/*
 * The samples end to end: each samples/NAME.test (format in
 * samples/README.md) names a program of build/samples/NAME.bpf.o, its
 * input, and the expected return value, output packet, map entries and ring
 * buffer records, computed by hand and confirmed on the kernel. Each sample
 * runs on the interpreter and, where bpf() works, on the kernel engine; both
 * must match the expectations, so they match each other.
 */
#include <errno.h>
#include <glob.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_kernel.h"
#include "spec.h"
#include "testutil.h"

static glob_t tests;

START_TEST(test_sample_interp)
{
	check_local(tests.gl_pathv[_i], "samples", BPFAOT_ENGINE_INTERP);
}
END_TEST

/* The fat object of bpfaot-cc: its bytecode on the interpreter, its native
 * code on the aot engine, both against the same expectations. */
START_TEST(test_sample_fat_interp)
{
	check_local(tests.gl_pathv[_i], "samples-aot", BPFAOT_ENGINE_INTERP);
}
END_TEST

START_TEST(test_sample_aot)
{
	check_local(tests.gl_pathv[_i], "samples-aot", BPFAOT_ENGINE_AOT);
}
END_TEST

static size_t kmap_idx(struct rt_kernel *k, const char *name)
{
	size_t i;

	for (i = 0; i < rt_kernel__map_cnt(k); i++) {
		const char *n;
		uint32_t t, ks, vs, me;

		rt_kernel__map_info(k, i, &n, &t, &ks, &vs, &me);
		if (!strcmp(n, name))
			return i;
	}
	ck_abort_msg("kernel object has no map '%s'", name);
	return 0;
}

START_TEST(test_sample_kernel)
{
	struct spec sp;
	char path[512], why[256], *log;
	struct rt_log l;
	struct rt_kernel *k;
	uint8_t out[8192];
	cpu_set_t cpus, old;
	size_t i;
	int err;

	if (!rt_kernel__available(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return;
	}
	parse_spec(tests.gl_pathv[_i], &sp);
	if (!sp.kernel) {
		printf("SKIP: %s: the kernel cannot test-run it\n", sp.name);
		free_spec(&sp);
		return;
	}
	log = calloc(1, 1 << 16);
	l = (struct rt_log){ .buf = log, .size = 1 << 16 };
	snprintf(path, sizeof(path), "%s/samples/%s.bpf.o", build_dir(), sp.name);
	k = rt_kernel__open(path, NULL, &l);
	ck_assert_msg(k, "%s: %s", sp.name, log);
	for (i = 0; i < sp.nr_sets; i++)
		ck_assert_msg(!rt_kernel__set_initial(k, sp.sets[i].map, sp.sets[i].key,
						      sp.sets[i].key_sz, sp.sets[i].val,
						      sp.sets[i].val_sz, &l),
			      "%s: %s", sp.name, log);
	ck_assert_msg(!rt_kernel__load(k, &l), "%s: %s", sp.name, log);
	/* per-CPU expectations are CPU 0's: run there */
	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	{
		struct bpfaot_run_opts opts = {
			.sz = sizeof(opts), .engine = BPFAOT_ENGINE_KERNEL,
			.data_in = sp.data_in, .data_size_in = sp.data_sz,
			.ctx_in = sp.ctx_in, .ctx_size_in = sp.ctx_sz,
			.data_out = sp.data_in ? out : NULL,
			.data_size_out = sp.data_in ? sizeof(out) : 0,
			.repeat = sp.ctx_in && !sp.data_in ? 0 : 1,
		};

		err = rt_kernel__run(k, sp.prog, &opts, &l);
		sched_setaffinity(0, sizeof(old), &old);
		ck_assert_msg(!err, "%s: kernel run failed: %s", sp.name, log);
		ck_assert_msg(opts.retval == sp.retval, "%s: kernel retval %llu, expected %llu",
			      sp.name, (unsigned long long)opts.retval,
			      (unsigned long long)sp.retval);
		check_packet(&sp, "kernel", out, opts.data_size_out);
	}
	for (i = 0; i < sp.nr_maps; i++) {
		size_t idx = kmap_idx(k, sp.maps[i].map);
		uint8_t *val = calloc(1, rt_kernel__map_user_value_size(k, idx) + 1);

		err = rt_kernel__map_lookup(k, idx, sp.maps[i].key, val);
		check_entry(&sp, "kernel", &sp.maps[i], val, err);
		free(val);
	}
	for (i = 0; i < rt_kernel__map_cnt(k); i++) {
		const char *n;
		uint32_t t, ks, vs, me;
		struct rings r = { &sp, "kernel", NULL, 0 };

		rt_kernel__map_info(k, i, &n, &t, &ks, &vs, &me);
		if (t != BPF_MAP_TYPE_RINGBUF)
			continue;
		r.map = n;
		rt_kernel__ringbuf_consume(k, i, check_record, &r);
		ck_assert_uint_eq(r.next, rings_expected(&sp, n));
	}
	rt_kernel__free(k);
	free(log);
	free_spec(&sp);
}
END_TEST

START_TEST(test_sample_count)
{
	ck_assert_uint_ge(tests.gl_pathc, 9);
}
END_TEST

Suite *rt_samples_suite(void)
{
	Suite *s = suite_create("rt_samples");
	TCase *tc;

	glob("samples/*.test", 0, NULL, &tests);
	tc = tcase_create("core");
	tcase_add_test(tc, test_sample_count);
	tcase_add_loop_test(tc, test_sample_interp, 0, (int)tests.gl_pathc);
	tcase_add_loop_test(tc, test_sample_kernel, 0, (int)tests.gl_pathc);
	tcase_add_loop_test(tc, test_sample_fat_interp, 0, (int)tests.gl_pathc);
	tcase_add_loop_test(tc, test_sample_aot, 0, (int)tests.gl_pathc);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rt_samples_suite)
