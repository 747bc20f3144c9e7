// SPDX-License-Identifier: MIT
/*
 * Maps in POSIX shared memory (runtime/shm.c): an object's maps created in
 * shared memory are the maps a second object attaching to it sees, global
 * data included; a second object whose maps differ is refused with the
 * map named; rt_shm__open() (bpfaot-map's way in) sees the same entries;
 * per-CPU maps give each attached object a slot of its own; a process
 * killed with SIGKILL in the middle of hash map updates leaves a map that
 * the next process locks, finds consistent and updates.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"
#include "testutil.h"

#define SRC "tests/data/shm/counter.bpf.c"
#define CFLAGS_BPF "-target bpf -O2 -g -I/usr/include/x86_64-linux-gnu"

/* Set up before the tests fork; read-only after. */
static char work[64], obj_plain[PATH_MAX], obj_wide[PATH_MAX], obj_extra[PATH_MAX];

static void shm_name(char *buf, size_t sz, const char *what)
{
	snprintf(buf, sz, "bpfaot-check-%d-%s", (int)getpid(), what);
}

static struct rt_object *open_shm(const char *path, const char *name, char *log_buf,
				  size_t log_sz)
{
	BPFAOT_OPTS(bpfaot_open_opts, oo, .maps_shm = name, .log_buf = log_buf,
		    .log_size = log_sz);
	struct rt_log log = { .buf = log_buf, .size = log_sz };

	log_buf[0] = '\0';
	return rt_object__open(path, &oo, &log);
}

static uint64_t hits_of(struct rt_object *obj, uint32_t key)
{
	uint64_t v = 0;

	ck_assert_int_eq(rt_map__user_lookup(rt_object__find_map(obj, "hits"), &key, &v), 0);
	return v;
}

START_TEST(test_create_and_attach)
{
	char name[64], log[512], shm_path[128];
	struct rt_object *a, *b;
	struct rt_map *ha, *hb;
	uint32_t k = 5, zero = 0;
	uint64_t v = 41, total = 0;
	struct rt_shm *shm;
	size_t i;

	shm_name(name, sizeof(name), "attach");
	a = open_shm(obj_plain, name, log, sizeof(log));
	ck_assert_msg(a != NULL, "%s", log);
	b = open_shm(obj_plain, name, log, sizeof(log));
	ck_assert_msg(b != NULL, "%s", log);
	ha = rt_object__find_map(a, "hits");
	hb = rt_object__find_map(b, "hits");
	ck_assert_int_eq(rt_map__user_update(ha, &k, &v, BPF_NOEXIST), 0);
	ck_assert_uint_eq(hits_of(b, 5), 41);
	/* a program-side pointer from one is the other's value */
	__sync_fetch_and_add((uint64_t *)rt_map__lookup(hb, &k), 1);
	ck_assert_uint_eq(hits_of(a, 5), 42);
	ck_assert_int_eq(rt_map__update(hb, &k, &v, BPF_NOEXIST), -EEXIST);
	/* global data starts from the creator's image and is shared */
	ck_assert_int_eq(rt_map__user_lookup(rt_object__find_map(b, ".data"), &zero, &total), 0);
	ck_assert_uint_eq(total, 7);
	/* bpfaot-map's view: the same maps and entries */
	shm = rt_shm__open(name, &(struct rt_log){ .buf = log, .size = sizeof(log) });
	ck_assert_msg(shm != NULL, "%s", log);
	for (i = 0; i < rt_shm__map_cnt(shm) && strcmp(rt_map__name(rt_shm__map(shm, i)), "hits");
	     i++)
		;
	ck_assert_uint_lt(i, rt_shm__map_cnt(shm));
	v = 0;
	ck_assert_int_eq(rt_map__user_lookup(rt_shm__map(shm, i), &k, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(rt_map__delete(rt_shm__map(shm, i), &k), 0);
	ck_assert_int_eq(rt_map__user_lookup(ha, &k, &v), -ENOENT);
	ck_assert_ptr_nonnull(rt_shm__btf(shm));
	rt_shm__free(shm);
	rt_object__free(a);
	rt_object__free(b);
	snprintf(shm_path, sizeof(shm_path), "/%s", name);
	ck_assert_int_eq(shm_unlink(shm_path), 0);
}
END_TEST

START_TEST(test_percpu_slots)
{
	char name[64], log[512], path[128];
	struct rt_object *a, *b;
	uint32_t k = 1;
	uint64_t one = 1, two = 2, *all;
	unsigned int ncpu;

	shm_name(name, sizeof(name), "pcpu");
	a = open_shm(obj_plain, name, log, sizeof(log));
	ck_assert_msg(a != NULL, "%s", log);
	ncpu = rt_map__nr_cpus(rt_object__find_map(a, "pcpu"));
	if (ncpu < 2) {
		fprintf(stderr, "check_rt_shm: one possible CPU: per-CPU slots not tested\n");
		rt_object__free(a);
		snprintf(path, sizeof(path), "/%s", name);
		shm_unlink(path);
		return;
	}
	b = open_shm(obj_plain, name, log, sizeof(log));
	ck_assert_msg(b != NULL, "%s", log);
	/* program-side updates: each object writes its own slot */
	ck_assert_int_eq(rt_map__update(rt_object__find_map(a, "pcpu"), &k, &one, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__update(rt_object__find_map(b, "pcpu"), &k, &two, BPF_ANY), 0);
	all = calloc(ncpu, sizeof(*all));
	ck_assert_int_eq(rt_map__user_lookup(rt_object__find_map(a, "pcpu"), &k, all), 0);
	ck_assert_uint_eq(all[0], 1);
	ck_assert_uint_eq(all[1], 2);
	free(all);
	rt_object__free(a);
	rt_object__free(b);
	snprintf(path, sizeof(path), "/%s", name);
	ck_assert_int_eq(shm_unlink(path), 0);
}
END_TEST

START_TEST(test_mismatch_refused)
{
	char name[64], log[512], path[128];
	struct rt_object *a, *b;

	shm_name(name, sizeof(name), "mismatch");
	a = open_shm(obj_plain, name, log, sizeof(log));
	ck_assert_msg(a != NULL, "%s", log);
	b = open_shm(obj_wide, name, log, sizeof(log));
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(log, "shared memory '/") &&
			      strstr(log, "': map 'hits' is hash key 4 value 8 max 64 flags 0x0 there, hash key 4 value 16 max 64 flags 0x0 here"),
		      "%s", log);
	b = open_shm(obj_extra, name, log, sizeof(log));
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(log, "has no map 'extra'"), "%s", log);
	b = open_shm(obj_plain, "a/b", log, sizeof(log));
	ck_assert_ptr_null(b);
	ck_assert_str_eq(log, "bad shared memory name 'a/b': one path component expected");
	rt_object__free(a);
	snprintf(path, sizeof(path), "/%s", name);
	ck_assert_int_eq(shm_unlink(path), 0);
	ck_assert_ptr_null(rt_shm__open(name, &(struct rt_log){ .buf = log, .size = sizeof(log) }));
	ck_assert_msg(strstr(log, "cannot open shared memory '/") && strstr(log, "No such file"),
		      "%s", log);
}
END_TEST

/* The child of the kill test: inserts and deletes in 'hits' and 'recent'
 * as fast as it can until it is killed. */
static void churn(const char *name)
{
	char log[512];
	struct rt_object *o = open_shm(obj_plain, name, log, sizeof(log));
	struct rt_map *h, *r;
	uint64_t n = 0;

	if (!o)
		_exit(2);
	h = rt_object__find_map(o, "hits");
	r = rt_object__find_map(o, "recent");
	for (;;) {
		uint32_t k = (uint32_t)(n * 7 % 100);

		if (rt_map__user_update(h, &k, &n, BPF_ANY))
			rt_map__delete(h, &k);
		rt_map__user_update(r, &k, &n, BPF_ANY);
		n++;
	}
}

/* The keys get_next_key lists, each found by lookup: a consistent table. */
static size_t check_consistent(struct rt_map *m)
{
	uint32_t key, next, seen[128];
	size_t n = 0, i;
	uint64_t v;
	int err;

	for (err = rt_map__get_next_key(m, NULL, &next); !err;
	     err = rt_map__get_next_key(m, &key, &next)) {
		ck_assert_uint_lt(n, 128);
		for (i = 0; i < n; i++)
			ck_assert_msg(seen[i] != next, "key %u listed twice", next);
		seen[n++] = next;
		ck_assert_int_eq(rt_map__user_lookup(m, &next, &v), 0);
		key = next;
	}
	ck_assert_int_eq(err, -ENOENT);
	return n;
}

START_TEST(test_sigkill_mid_update)
{
	char name[64], log[512], path[128];
	struct timespec ts = { 0, 300 * 1000000L };
	struct rt_object *o;
	struct rt_map *h, *r;
	uint32_t k;
	uint64_t v = 1;
	int round, st;

	shm_name(name, sizeof(name), "kill");
	o = open_shm(obj_plain, name, log, sizeof(log));
	ck_assert_msg(o != NULL, "%s", log);
	rt_object__free(o);
	for (round = 0; round < 3; round++) {
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (!pid)
			churn(name);
		nanosleep(&ts, NULL);
		ck_assert_int_eq(kill(pid, SIGKILL), 0);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFSIGNALED(st));
		/* the next process: the lock is free (or recovered), the table whole */
		alarm(20);
		o = open_shm(obj_plain, name, log, sizeof(log));
		ck_assert_msg(o != NULL, "%s", log);
		h = rt_object__find_map(o, "hits");
		r = rt_object__find_map(o, "recent");
		check_consistent(h);
		ck_assert_uint_le(check_consistent(r), 8);
		for (k = 1000; k < 1010; k++) {
			ck_assert_int_eq(rt_map__user_update(r, &k, &v, BPF_ANY), 0);
			if (rt_map__user_update(h, &k, &v, BPF_NOEXIST) == -E2BIG)
				continue; /* full: as many live keys as max_entries */
			ck_assert_int_eq(rt_map__user_lookup(h, &k, &v), 0);
			ck_assert_int_eq(rt_map__delete(h, &k), 0);
		}
		ck_assert_uint_eq(check_consistent(r), 8);
		alarm(0);
		rt_object__free(o);
	}
	snprintf(path, sizeof(path), "/%s", name);
	ck_assert_int_eq(shm_unlink(path), 0);
}
END_TEST

static void build(const char *flags, char *out, size_t sz, const char *base)
{
	char cmd[PATH_MAX * 2 + 256];

	snprintf(out, sz, "%s/%s.o", work, base);
	snprintf(cmd, sizeof(cmd), "clang-14 " CFLAGS_BPF " %s -c " SRC " -o %s", flags, out);
	if (system(cmd))
		fprintf(stderr, "check_rt_shm: cannot build %s\n", out);
}

static Suite *rt_shm_suite(void)
{
	Suite *s = suite_create("rt_shm");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");

	snprintf(work, sizeof(work), "/tmp/bpfaot-rt-shm-XXXXXX");
	if (!mkdtemp(work))
		snprintf(work, sizeof(work), "/tmp");
	build("", obj_plain, sizeof(obj_plain), "plain");
	build("-DWIDE", obj_wide, sizeof(obj_wide), "wide");
	build("-DEXTRA", obj_extra, sizeof(obj_extra), "extra");
	tcase_set_timeout(core, 120);
	tcase_add_test(core, test_create_and_attach);
	tcase_add_test(core, test_percpu_slots);
	tcase_add_test(core, test_sigkill_mid_update);
	suite_add_tcase(s, core);
	tcase_add_test(errors, test_mismatch_refused);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rt_shm_suite());
	char cmd[128];
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", work);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
