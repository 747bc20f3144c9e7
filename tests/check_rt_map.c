// SPDX-License-Identifier: MIT
/*
 * Check suite for runtime/map.c: every map type's kernel semantics (core),
 * every error code with its log message (errors), and full maps, maximum
 * sizes and huge layouts that must fail cleanly (limits).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "rt_internal.h"
#include "testutil.h"

struct logbuf {
	char text[256];
	struct rt_log log;
};

static void log_init(struct logbuf *lb)
{
	memset(lb, 0, sizeof(*lb));
	lb->log.buf = lb->text;
	lb->log.size = sizeof(lb->text);
}

static struct rt_map_def mkdef(const char *name, uint32_t type, uint32_t ks, uint32_t vs,
			       uint32_t max, uint32_t flags)
{
	struct rt_map_def d = { .type = type,
				.key_size = ks,
				.value_size = vs,
				.max_entries = max,
				.map_flags = flags,
				.spin_lock_off = -1 };

	snprintf(d.name, sizeof(d.name), "%s", name);
	return d;
}

static struct rt_map *mk(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags)
{
	struct rt_map_def d = mkdef("m", type, ks, vs, max, flags);
	struct logbuf lb;
	struct rt_map *m;

	log_init(&lb);
	m = rt_map__new(&d, &lb.log);
	ck_assert_msg(m, "rt_map__new: %s", lb.text);
	return m;
}

/* Creation must fail with err and a log message containing msg. */
static void expect_new_fail(const struct rt_map_def *d, int err, const char *msg)
{
	struct logbuf lb;
	struct rt_map *m;

	log_init(&lb);
	errno = 0;
	m = rt_map__new(d, &lb.log);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(errno, err);
	ck_assert_msg(strstr(lb.text, msg), "log '%s' lacks '%s'", lb.text, msg);
}

static bool in_region(const struct rt_map *m, const void *p, size_t len)
{
	const void *start;
	size_t size;

	rt_map__region(m, &start, &size);
	return start && (uintptr_t)p >= (uintptr_t)start &&
	       (uintptr_t)p + len <= (uintptr_t)start + size;
}

static unsigned int ncpus(void)
{
	return (unsigned int)libbpf_num_possible_cpus();
}

/* ------------------------------------------------------------------ core */

START_TEST(test_array)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 12, 4, 0);
	uint32_t k = 2, next, v[3] = { 1, 2, 3 }, out[3];
	uint8_t *p;
	int i;

	for (k = 0; k < 4; k++) {
		p = rt_map__lookup(m, &k);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 8, 0);
		ck_assert(in_region(m, p, 12));
		for (i = 0; i < 12; i++)
			ck_assert_uint_eq(p[i], 0);
	}
	k = 2;
	ck_assert_int_eq(rt_map__update(m, &k, v, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__update(m, &k, v, BPF_EXIST), 0);
	ck_assert_mem_eq(rt_map__lookup(m, &k), v, sizeof(v));
	ck_assert_int_eq(rt_map__user_lookup(m, &k, out), 0);
	ck_assert_mem_eq(out, v, sizeof(v));
	ck_assert_uint_eq(rt_map__user_value_size(m), 12);
	/* 12-byte values take 16-byte slots */
	k = 3;
	p = rt_map__lookup(m, &k);
	k = 1;
	ck_assert_ptr_eq(p - 32, rt_map__lookup(m, &k));

	ck_assert_int_eq(rt_map__get_next_key(m, NULL, &next), 0);
	ck_assert_uint_eq(next, 0);
	k = 1;
	ck_assert_int_eq(rt_map__get_next_key(m, &k, &next), 0);
	ck_assert_uint_eq(next, 2);
	k = 3;
	ck_assert_int_eq(rt_map__get_next_key(m, &k, &next), -ENOENT);
	k = 100;
	ck_assert_int_eq(rt_map__get_next_key(m, &k, &next), 0);
	ck_assert_uint_eq(next, 0);
	ck_assert_str_eq(rt_map__name(m), "m");
	ck_assert_uint_eq(rt_map__def(m)->type, BPF_MAP_TYPE_ARRAY);
	rt_map__free(m);
	rt_map__free(NULL);
}
END_TEST

START_TEST(test_percpu_array)
{
	unsigned int n = ncpus(), c;
	struct rt_map *m = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0);
	uint32_t k = 1, v;
	uint8_t buf[8 * 64], out[8 * 64];
	uint32_t *p;

	ck_assert_uint_eq(rt_map__nr_cpus(m), n);
	ck_assert_uint_eq(rt_map__user_value_size(m), 8 * n);
	memset(buf, 0, sizeof(buf));
	for (c = 0; c < n; c++) {
		v = 100 + c;
		memcpy(buf + 8 * c, &v, 4);
	}
	ck_assert_int_eq(rt_map__user_update(m, &k, buf, BPF_ANY), 0);
	for (c = 0; c < n; c++) {
		rt_map__set_cpu(m, c);
		p = rt_map__lookup(m, &k);
		ck_assert(in_region(m, p, 4));
		ck_assert_uint_eq(*p, 100 + c);
	}
	/* program-side update touches only the current CPU */
	rt_map__set_cpu(m, 0);
	v = 7;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__user_lookup(m, &k, out), 0);
	ck_assert_uint_eq(*(uint32_t *)out, 7);
	if (n > 1)
		ck_assert_uint_eq(*(uint32_t *)(out + 8), 101);
	/* an out-of-range CPU is ignored */
	rt_map__set_cpu(m, n + 5);
	ck_assert_uint_eq(*(uint32_t *)rt_map__lookup(m, &k), 7);
	rt_map__free(m);
}
END_TEST

START_TEST(test_hash)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_HASH, 8, 16, 64, 0);
	uint64_t k, next, seen = 0, v[2], out[2];
	int cnt = 0;
	void *p;

	for (k = 0; k < 40; k++) {
		v[0] = k * 10;
		v[1] = ~k;
		ck_assert_int_eq(rt_map__update(m, &k, v, BPF_NOEXIST), 0);
	}
	for (k = 0; k < 40; k++) {
		p = rt_map__lookup(m, &k);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 8, 0);
		ck_assert(in_region(m, p, 16));
		ck_assert_uint_eq(((uint64_t *)p)[0], k * 10);
	}
	k = 5;
	v[0] = 55;
	ck_assert_int_eq(rt_map__update(m, &k, v, BPF_EXIST), 0);
	ck_assert_int_eq(rt_map__user_lookup(m, &k, out), 0);
	ck_assert_uint_eq(out[0], 55);
	ck_assert_int_eq(rt_map__delete(m, &k), 0);
	ck_assert_ptr_null(rt_map__lookup(m, &k));
	ck_assert_int_eq(rt_map__user_lookup(m, &k, out), -ENOENT);

	/* iteration visits every key once; a missing key restarts from the first */
	ck_assert_int_eq(rt_map__get_next_key(m, NULL, &next), 0);
	do {
		ck_assert(next < 40 && next != 5);
		ck_assert(!(seen & (1ull << next)));
		seen |= 1ull << next;
		cnt++;
		k = next;
	} while (rt_map__get_next_key(m, &k, &next) == 0);
	ck_assert_int_eq(cnt, 39);
	ck_assert_int_eq(rt_map__get_next_key(m, &k, &next), -ENOENT);
	k = 5;
	ck_assert_int_eq(rt_map__get_next_key(m, &k, &k), 0);
	ck_assert_int_eq(rt_map__get_next_key(m, NULL, &next), 0);
	ck_assert_uint_eq(k, next);
	rt_map__free(m);
}
END_TEST

/*
 * A program's update of an existing key swaps in a fresh element, as the
 * kernel does: a pointer from an earlier lookup still points at the old
 * value, a write through it is lost, and the old element is free again
 * only when the run ends. When no element is free it is done in place.
 */
/*
 * A program's update of an existing key, as the kernel's prealloc hash map
 * on one CPU (alloc_htab_elem's extra element): the update takes the spare
 * element, the replaced one becomes the spare. So room for new keys is
 * never used up by updates, and a stale pointer's element comes back live
 * at every second update.
 */
START_TEST(test_hash_update_swaps)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_HASH, 4, 8, 3, 0);
	uint32_t k = 7, k2;
	uint64_t v = 1, out, *old, *cur;
	int i;

	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	old = rt_map__lookup(m, &k);
	ck_assert_ptr_nonnull(old);
	v = 2;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_EXIST), 0);
	cur = rt_map__lookup(m, &k);
	ck_assert_ptr_ne(cur, old);
	ck_assert_uint_eq(*old, 1);	/* the old element is untouched */
	*old = 99;			/* and a write through it is lost */
	ck_assert_int_eq(rt_map__user_lookup(m, &k, &out), 0);
	ck_assert_uint_eq(out, 2);
	/* a second update takes the old element back */
	v = 3;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	ck_assert_ptr_eq(rt_map__lookup(m, &k), old);
	ck_assert_uint_eq(*old, 3);
	/* many updates use no room: max_entries new keys still fit */
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	k2 = 8;
	ck_assert_int_eq(rt_map__update(m, &k2, &v, BPF_NOEXIST), 0);
	k2 = 9;
	ck_assert_int_eq(rt_map__update(m, &k2, &v, BPF_NOEXIST), 0);
	k2 = 10;
	ck_assert_int_eq(rt_map__update(m, &k2, &v, BPF_NOEXIST), -E2BIG);
	/* a full map still updates its keys */
	v = 4;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__user_lookup(m, &k, &out), 0);
	ck_assert_uint_eq(out, 4);
	/* user-space updates stay in place */
	cur = rt_map__lookup(m, &k);
	v = 5;
	ck_assert_int_eq(rt_map__user_update(m, &k, &v, BPF_ANY), 0);
	ck_assert_ptr_eq(rt_map__lookup(m, &k), cur);
	rt_map__free(m);
}
END_TEST

/* An LRU hash swaps in a free element and frees the old one at once; with
 * none free it updates in place and evicts nothing. */
START_TEST(test_lru_update_swaps)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 8, 2, 0);
	uint32_t k = 7, k2 = 8;
	uint64_t v = 1, *cur;
	int i;

	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	ck_assert_ptr_nonnull(rt_map__lookup(m, &k));
	ck_assert_int_eq(rt_map__update(m, &k2, &v, BPF_NOEXIST), 0);
	/* full: in place, both keys stay */
	cur = rt_map__lookup(m, &k);
	v = 6;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	ck_assert_ptr_eq(rt_map__lookup(m, &k), cur);
	ck_assert_ptr_nonnull(rt_map__lookup(m, &k2));
	rt_map__free(m);
}
END_TEST

START_TEST(test_percpu_hash)
{
	unsigned int n = ncpus(), c;
	struct rt_map *m = mk(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 8, 0);
	uint32_t k = 9;
	uint64_t v = 77, all[64], *p;

	ck_assert_uint_eq(rt_map__user_value_size(m), 8 * n);
	rt_map__set_cpu(m, n - 1);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	p = rt_map__lookup(m, &k);
	ck_assert_uint_eq(*p, 77);
	ck_assert_int_eq(rt_map__user_lookup(m, &k, all), 0);
	for (c = 0; c < n; c++)
		ck_assert_uint_eq(all[c], c == n - 1 ? 77 : 0);
	for (c = 0; c < n; c++)
		all[c] = 1000 + c;
	ck_assert_int_eq(rt_map__user_update(m, &k, all, BPF_EXIST), 0);
	for (c = 0; c < n; c++) {
		rt_map__set_cpu(m, c);
		ck_assert_uint_eq(*(uint64_t *)rt_map__lookup(m, &k), 1000 + c);
	}
	rt_map__free(m);
}
END_TEST

START_TEST(test_lru)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 4, 3, 0);
	uint32_t k, v, next;

	for (k = 1; k <= 3; k++)
		ck_assert_int_eq(rt_map__update(m, &k, &k, BPF_ANY), 0);
	/* program lookup refreshes 1; user lookup of 2 does not */
	k = 1;
	ck_assert_ptr_nonnull(rt_map__lookup(m, &k));
	k = 2;
	ck_assert_int_eq(rt_map__user_lookup(m, &k, &v), 0);
	k = 4;
	ck_assert_int_eq(rt_map__update(m, &k, &k, BPF_NOEXIST), 0);
	k = 2;
	ck_assert_ptr_null(rt_map__lookup(m, &k));
	/* update refreshes 3, so 1 is next */
	k = 3;
	ck_assert_int_eq(rt_map__update(m, &k, &k, BPF_EXIST), 0);
	k = 5;
	ck_assert_int_eq(rt_map__update(m, &k, &k, BPF_ANY), 0);
	k = 1;
	ck_assert_ptr_null(rt_map__lookup(m, &k));
	for (k = 3; k <= 5; k++) {
		ck_assert_int_eq(rt_map__user_lookup(m, &k, &v), 0);
		ck_assert_uint_eq(v, k);
	}
	/* a freed slot is reused before anything is evicted */
	k = 4;
	ck_assert_int_eq(rt_map__delete(m, &k), 0);
	k = 6;
	ck_assert_int_eq(rt_map__update(m, &k, &k, BPF_ANY), 0);
	k = 3;
	ck_assert_int_eq(rt_map__user_lookup(m, &k, &v), 0);
	ck_assert_int_eq(rt_map__get_next_key(m, NULL, &next), 0);
	rt_map__free(m);

	m = mk(BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 4, 2, BPF_F_NO_COMMON_LRU);
	for (k = 0; k < 10; k++)
		ck_assert_int_eq(rt_map__update(m, &k, &k, BPF_ANY), 0);
	k = 9;
	ck_assert_uint_eq(*(uint32_t *)rt_map__lookup(m, &k), 9);
	k = 7;
	ck_assert_ptr_null(rt_map__lookup(m, &k));
	rt_map__free(m);
}
END_TEST

struct rec_log {
	char recs[16][64];
	size_t sizes[16];
	int n;
	int stop_after;	/* return -EINTR after this many records, 0 = never */
};

static int collect(void *cookie, const void *data, size_t size)
{
	struct rec_log *rl = cookie;

	ck_assert_int_lt(rl->n, 16);
	rl->sizes[rl->n] = size;
	memcpy(rl->recs[rl->n], data, size < 64 ? size : 64);
	rl->n++;
	return rl->stop_after && rl->n == rl->stop_after ? -EINTR : 0;
}

START_TEST(test_ringbuf)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct rt_map *m = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)pg, 0);
	struct rec_log rl = { .n = 0 };
	char *a, *b, *c;
	uint32_t *hdr;

	ck_assert_uint_eq(rt_ringbuf__query(m, BPF_RB_RING_SIZE), (uint64_t)pg);
	a = rt_ringbuf__reserve(m, 5, 0);
	b = rt_ringbuf__reserve(m, 3, 0);
	c = rt_ringbuf__reserve(m, 8, 0);
	ck_assert(a && b && c);
	ck_assert(in_region(m, a, 5) && in_region(m, c, 8));
	ck_assert_uint_eq((uintptr_t)a % 8, 0);
	ck_assert_ptr_eq(b, a + 16);
	hdr = (uint32_t *)(a - 8);
	ck_assert_uint_eq(hdr[0], 5 | BPF_RINGBUF_BUSY_BIT);
	ck_assert_uint_eq(rt_ringbuf__query(m, BPF_RB_PROD_POS), 16 + 16 + 16);
	ck_assert_uint_eq(rt_ringbuf__query(m, BPF_RB_AVAIL_DATA), 48);
	memcpy(a, "hello", 5);
	memcpy(b, "bye", 3);
	memcpy(c, "12345678", 8);
	/* c is committed first but a is still busy: nothing can be consumed */
	rt_ringbuf__submit(m, c, 0);
	ck_assert_int_eq(rt_ringbuf__consume(m, collect, &rl), 0);
	rt_ringbuf__submit(m, a, BPF_RB_NO_WAKEUP);
	ck_assert_uint_eq(hdr[0], 5);
	rt_ringbuf__discard(m, b, 0);
	ck_assert_uint_eq(((uint32_t *)(b - 8))[0], 3 | BPF_RINGBUF_DISCARD_BIT);
	ck_assert_int_eq(rt_ringbuf__output(m, "xyz", 3, 0), 0);
	ck_assert_int_eq(rt_ringbuf__consume(m, collect, &rl), 3);
	ck_assert_int_eq(rl.n, 3);
	ck_assert_uint_eq(rl.sizes[0], 5);
	ck_assert_mem_eq(rl.recs[0], "hello", 5);
	ck_assert_mem_eq(rl.recs[1], "12345678", 8);
	ck_assert_mem_eq(rl.recs[2], "xyz", 3);
	ck_assert_uint_eq(rt_ringbuf__query(m, BPF_RB_AVAIL_DATA), 0);
	ck_assert_uint_eq(rt_ringbuf__query(m, BPF_RB_CONS_POS), 64);
	ck_assert_uint_eq(rt_ringbuf__query(m, 99), 0);
	ck_assert_int_eq(rt_ringbuf__consume(m, collect, &rl), 0);
	rt_map__free(m);
}
END_TEST

/* Records hold bytes seed, seed + 1, ...: checks every byte and counts. */
static int check_pattern(void *cookie, const void *data, size_t size)
{
	const uint8_t *p = data;
	size_t j;

	for (j = 0; j < size; j++)
		if (p[j] != (uint8_t)(p[0] + j))
			return -EBADMSG;
	(*(int *)cookie)++;
	return 0;
}

START_TEST(test_ringbuf_wrap)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct rt_map *m = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)pg, 0);
	uint64_t rec = (uint64_t)pg / 3 - 8; /* three records never fit exactly */
	int round, i, cnt;

	for (round = 0; round < 5; round++) {
		for (i = 0; i < 2; i++) {
			uint8_t *p = rt_ringbuf__reserve(m, rec, 0);
			uint64_t j;

			ck_assert_ptr_nonnull(p);
			ck_assert(in_region(m, p, rec));
			for (j = 0; j < rec; j++)
				p[j] = (uint8_t)(round * 2 + i + j);
			rt_ringbuf__submit(m, p, 0);
		}
		cnt = 0;
		ck_assert_int_eq(rt_ringbuf__consume(m, check_pattern, &cnt), 2);
		ck_assert_int_eq(cnt, 2);
	}
	/* the producer has wrapped: positions keep growing past the size */
	ck_assert_uint_gt(rt_ringbuf__query(m, BPF_RB_PROD_POS), (uint64_t)pg * 3);
	/* a record that straddles the end is contiguous and reads back whole */
	{
		uint8_t *p = NULL;
		uint64_t prod = rt_ringbuf__query(m, BPF_RB_PROD_POS), j;

		while (((prod + 8) & (uint64_t)(pg - 1)) + 200 <= (uint64_t)pg) {
			ck_assert_int_eq(rt_ringbuf__output(m, "pad", 3, 0), 0);
			ck_assert_int_eq(rt_ringbuf__consume(m, NULL, NULL), 1);
			prod = rt_ringbuf__query(m, BPF_RB_PROD_POS);
		}
		p = rt_ringbuf__reserve(m, 200, 0);
		ck_assert_ptr_nonnull(p);
		ck_assert(in_region(m, p, 200));
		for (j = 0; j < 200; j++)
			p[j] = (uint8_t)j;
		rt_ringbuf__submit(m, p, 0);
		cnt = 0;
		ck_assert_int_eq(rt_ringbuf__consume(m, check_pattern, &cnt), 1);
		ck_assert_int_eq(cnt, 1);
	}
	rt_map__free(m);
}
END_TEST

struct perf_log {
	int cpus[8];
	char data[8][16];
	int n;
};

static int perf_collect(void *cookie, int cpu, const void *data, size_t size)
{
	struct perf_log *pl = cookie;

	pl->cpus[pl->n] = cpu;
	memcpy(pl->data[pl->n], data, size);
	pl->n++;
	return 0;
}

START_TEST(test_perf)
{
	unsigned int n = ncpus();
	struct rt_map *m = mk(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0, 0);
	struct perf_log pl = { .n = 0 };

	/* max_entries 0 means one slot per CPU, as libbpf */
	ck_assert_uint_eq(rt_map__def(m)->max_entries, n);
	ck_assert_int_eq(rt_perfbuf__output(m, BPF_F_CURRENT_CPU, "a", 2), 0);
	if (n > 1) {
		ck_assert_int_eq(rt_perfbuf__output(m, 1, "b", 2), 0);
		rt_map__set_cpu(m, 1);
		ck_assert_int_eq(rt_perfbuf__output(m, BPF_F_CURRENT_CPU, "c", 2), 0);
	}
	ck_assert_int_eq(rt_perfbuf__output(m, 0, "d", 2), 0);
	ck_assert_int_eq(rt_perfbuf__consume(m, perf_collect, &pl), n > 1 ? 4 : 2);
	ck_assert_str_eq(pl.data[0], "a");
	ck_assert_int_eq(pl.cpus[0], 0);
	ck_assert_str_eq(pl.data[1], "d");
	if (n > 1) {
		ck_assert_str_eq(pl.data[2], "b");
		ck_assert_int_eq(pl.cpus[2], 1);
		ck_assert_str_eq(pl.data[3], "c");
	}
	ck_assert_int_eq(rt_perfbuf__consume(m, perf_collect, &pl), 0);
	rt_map__free(m);
}
END_TEST

START_TEST(test_queue_stack)
{
	struct rt_map *q = mk(BPF_MAP_TYPE_QUEUE, 0, 4, 3, 0);
	struct rt_map *s = mk(BPF_MAP_TYPE_STACK, 0, 4, 3, 0);
	uint32_t v, i;

	for (i = 1; i <= 3; i++) {
		ck_assert_int_eq(rt_map__push(q, &i, BPF_ANY), 0);
		ck_assert_int_eq(rt_map__push(s, &i, BPF_ANY), 0);
	}
	ck_assert_int_eq(rt_map__peek(q, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(rt_map__peek(s, &v), 0);
	ck_assert_uint_eq(v, 3);
	/* full + BPF_EXIST drops the oldest */
	i = 4;
	ck_assert_int_eq(rt_map__push(q, &i, BPF_EXIST), 0);
	ck_assert_int_eq(rt_map__push(s, &i, BPF_EXIST), 0);
	for (i = 2; i <= 4; i++) {
		ck_assert_int_eq(rt_map__pop(q, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	for (i = 4; i >= 2; i--) {
		ck_assert_int_eq(rt_map__pop(s, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	/* user side: update pushes, lookup peeks */
	i = 42;
	ck_assert_int_eq(rt_map__user_update(q, NULL, &i, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__user_lookup(q, NULL, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(rt_map__pop(q, &v), 0);
	/* many wraps */
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(rt_map__push(q, &i, BPF_ANY), 0);
		ck_assert_int_eq(rt_map__pop(q, &v), 0);
		ck_assert_uint_eq(v, i);
	}
	rt_map__free(q);
	rt_map__free(s);
}
END_TEST

struct objs {
	struct rt_map *maps[4];
	int progs[2];
};

/* ids: 1..4 maps, 101..102 "programs", anything else unknown */
static void *resolve(void *cookie, uint32_t id)
{
	struct objs *o = cookie;

	if (id >= 1 && id <= 4)
		return o->maps[id - 1];
	if (id >= 101 && id <= 102)
		return &o->progs[id - 101];
	return NULL;
}

START_TEST(test_map_in_map)
{
	struct rt_map_def inner = mkdef("inner", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct rt_map_def aom = mkdef("aom", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0);
	struct rt_map_def hom = mkdef("hom", BPF_MAP_TYPE_HASH_OF_MAPS, 8, 4, 4, 0);
	struct objs o = { .maps = { NULL } };
	struct rt_map *a, *h, *pa;
	uint32_t k = 1, id = 2, out;
	uint64_t hk = 0x1234;
	struct logbuf lb;

	log_init(&lb);
	aom.inner = &inner;
	hom.inner = &inner;
	o.maps[0] = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	o.maps[1] = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	a = rt_map__new(&aom, &lb.log);
	h = rt_map__new(&hom, &lb.log);
	pa = mk(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	ck_assert_msg(a && h, "%s", lb.text);
	/* the template is copied: the caller's def may go away */
	ck_assert_ptr_ne(rt_map__def(a)->inner, &inner);
	ck_assert_uint_eq(rt_map__def(a)->inner->value_size, 8);
	rt_map__set_ptr_resolver(a, resolve, &o);
	rt_map__set_ptr_resolver(h, resolve, &o);
	rt_map__set_ptr_resolver(pa, resolve, &o);

	ck_assert_ptr_null(rt_map__lookup(a, &k));
	ck_assert_int_eq(rt_map__user_update(a, &k, &id, BPF_ANY), 0);
	ck_assert_ptr_eq(rt_map__lookup(a, &k), o.maps[1]);
	ck_assert_ptr_eq(rt_map__lookup_ptr(a, &k), o.maps[1]);
	ck_assert_int_eq(rt_map__user_lookup(a, &k, &out), 0);
	ck_assert_uint_eq(out, 2);
	ck_assert_int_eq(rt_map__delete(a, &k), 0);
	ck_assert_ptr_null(rt_map__lookup(a, &k));
	ck_assert_int_eq(rt_map__delete(a, &k), -ENOENT);

	id = 1;
	ck_assert_int_eq(rt_map__user_update(h, &hk, &id, BPF_NOEXIST), 0);
	ck_assert_ptr_eq(rt_map__lookup(h, &hk), o.maps[0]);
	ck_assert_ptr_eq(rt_map__lookup_ptr(h, &hk), o.maps[0]);
	ck_assert_int_eq(rt_map__user_lookup(h, &hk, &out), 0);
	ck_assert_uint_eq(out, 1);

	id = 102;
	ck_assert_int_eq(rt_map__user_update(pa, &k, &id, BPF_ANY), 0);
	ck_assert_ptr_null(rt_map__lookup(pa, &k));
	ck_assert_ptr_eq(rt_map__lookup_ptr(pa, &k), &o.progs[1]);
	k = 0;
	ck_assert_ptr_null(rt_map__lookup_ptr(pa, &k));
	ck_assert_int_eq(rt_map__user_lookup(pa, &k, &out), -ENOENT);

	rt_map__free(a);
	rt_map__free(h);
	rt_map__free(pa);
	rt_map__free(o.maps[0]);
	rt_map__free(o.maps[1]);
}
END_TEST

START_TEST(test_devmap)
{
	struct rt_map *d = mk(BPF_MAP_TYPE_DEVMAP, 4, 4, 4, 0);
	struct rt_map *d8 = mk(BPF_MAP_TYPE_DEVMAP, 4, 8, 4, 0);
	struct rt_map *dh = mk(BPF_MAP_TYPE_DEVMAP_HASH, 4, 8, 4, 0);
	struct bpf_devmap_val dv = { .ifindex = 7 }, out;
	uint32_t k = 2, ifx = 3, zero = 0, *p;

	ck_assert_ptr_null(rt_map__lookup(d, &k));
	ck_assert_int_eq(rt_map__user_update(d, &k, &ifx, BPF_ANY), 0);
	p = rt_map__lookup(d, &k);
	ck_assert_ptr_nonnull(p);
	ck_assert(in_region(d, p, 4));
	ck_assert_uint_eq(*p, 3);
	/* ifindex 0 empties the slot */
	ck_assert_int_eq(rt_map__user_update(d, &k, &zero, BPF_ANY), 0);
	ck_assert_ptr_null(rt_map__lookup(d, &k));
	ck_assert_int_eq(rt_map__delete(d, &k), 0);

	ck_assert_int_eq(rt_map__user_update(d8, &k, &dv, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__user_lookup(d8, &k, &out), 0);
	ck_assert_uint_eq(out.ifindex, 7);

	k = 1000;
	ck_assert_int_eq(rt_map__user_update(dh, &k, &dv, BPF_ANY), 0);
	ck_assert_uint_eq(((struct bpf_devmap_val *)rt_map__lookup(dh, &k))->ifindex, 7);
	ck_assert(in_region(dh, rt_map__lookup(dh, &k), 8));
	ck_assert_int_eq(rt_map__delete(dh, &k), 0);
	ck_assert_int_eq(rt_map__delete(dh, &k), -ENOENT);
	rt_map__free(d);
	rt_map__free(d8);
	rt_map__free(dh);
}
END_TEST

struct locked_val {
	uint64_t a;
	struct bpf_spin_lock lock;
	uint32_t b;
};

START_TEST(test_spin_lock)
{
	struct rt_map_def d = mkdef("locked", BPF_MAP_TYPE_HASH, 4, sizeof(struct locked_val), 4, 0);
	struct locked_val v = { .a = 1, .lock = { 0x55 }, .b = 2 }, out, *p;
	struct rt_map *m, *arr;
	struct logbuf lb;
	uint32_t k = 0;

	log_init(&lb);
	d.spin_lock_off = offsetof(struct locked_val, lock);
	m = rt_map__new(&d, &lb.log);
	ck_assert_msg(m, "%s", lb.text);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	p = rt_map__lookup(m, &k);
	/* the lock is never copied from the caller */
	ck_assert_uint_eq(p->lock.val, 0);
	rt_spin_lock(&p->lock);
	ck_assert_uint_eq(p->lock.val, 1);
	rt_spin_unlock(&p->lock);
	ck_assert_uint_eq(p->lock.val, 0);
	v.a = 10;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_F_LOCK | BPF_EXIST), 0);
	ck_assert_uint_eq(p->a, 10);
	ck_assert_uint_eq(p->lock.val, 0);
	/* F_LOCK on a missing key inserts */
	k = 1;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_F_LOCK), 0);
	ck_assert_int_eq(rt_map__user_lookup(m, &k, &out), 0);
	ck_assert_uint_eq(out.a, 10);
	ck_assert_uint_eq(out.b, 2);
	ck_assert_uint_eq(out.lock.val, 0);
	rt_map__free(m);

	d.type = BPF_MAP_TYPE_ARRAY;
	arr = rt_map__new(&d, &lb.log);
	ck_assert_ptr_nonnull(arr);
	ck_assert_int_eq(rt_map__update(arr, &k, &v, BPF_F_LOCK), 0);
	ck_assert_uint_eq(((struct locked_val *)rt_map__lookup(arr, &k))->a, 10);
	rt_map__free(arr);
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_err_create)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct rt_map_def d;

	d = mkdef("foo", BPF_MAP_TYPE_SOCKMAP, 4, 4, 4, 0);
	expect_new_fail(&d, ENOTSUP, "map 'foo': unsupported map type 'sockmap' (15)");
	d = mkdef("foo", 999, 4, 4, 4, 0);
	expect_new_fail(&d, ENOTSUP, "map 'foo': unsupported map type 'unknown' (999)");
	d = mkdef("h", BPF_MAP_TYPE_HASH, 0, 4, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'h': invalid key size 0");
	d = mkdef("a", BPF_MAP_TYPE_ARRAY, 8, 4, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'a': invalid key size 8 for array (must be 4)");
	d = mkdef("a", BPF_MAP_TYPE_ARRAY, 4, 0, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'a': invalid value size 0");
	d = mkdef("a", BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 0, 0);
	expect_new_fail(&d, EINVAL, "map 'a': max_entries must not be 0");
	d = mkdef("rb", BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)pg * 3, 0);
	expect_new_fail(&d, EINVAL, "map 'rb': ringbuf size");
	d = mkdef("rb", BPF_MAP_TYPE_RINGBUF, 0, 0, 64, 0);
	expect_new_fail(&d, EINVAL, "not a power-of-2 multiple of the page size");
	d = mkdef("rb", BPF_MAP_TYPE_RINGBUF, 4, 0, (uint32_t)pg, 0);
	expect_new_fail(&d, EINVAL, "map 'rb': ringbuf must have key and value size 0");
	d = mkdef("q", BPF_MAP_TYPE_QUEUE, 4, 4, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'q': invalid key size 4 for queue (must be 0)");
	d = mkdef("pa", BPF_MAP_TYPE_PROG_ARRAY, 4, 8, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'pa': invalid value size 8 for prog_array (must be 4)");
	d = mkdef("dm", BPF_MAP_TYPE_DEVMAP, 4, 6, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'dm': invalid value size 6 for devmap (must be 4 or 8)");
	d = mkdef("f", BPF_MAP_TYPE_ARRAY, 4, 4, 4, BPF_F_NO_PREALLOC);
	expect_new_fail(&d, EINVAL, "map 'f': invalid map flags 0x1 for type 'array'");
	d = mkdef("f", BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_NO_COMMON_LRU);
	expect_new_fail(&d, EINVAL, "map 'f': BPF_F_NO_COMMON_LRU needs an LRU map");
	d = mkdef("f", BPF_MAP_TYPE_LRU_HASH, 4, 4, 4, BPF_F_NO_PREALLOC);
	expect_new_fail(&d, ENOTSUP, "map 'f': LRU maps must be preallocated");
	d = mkdef("f", BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_RDONLY | BPF_F_WRONLY);
	expect_new_fail(&d, EINVAL, "map 'f': conflicting read-only and write-only flags");
	d = mkdef("mim", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0);
	expect_new_fail(&d, EINVAL, "map 'mim': map of maps without an inner map template");
	d = mkdef("l", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0);
	d.spin_lock_off = 0;
	expect_new_fail(&d, ENOTSUP, "map 'l': bpf_spin_lock not supported in lru_hash");
	d = mkdef("l", BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
	d.spin_lock_off = 6;
	expect_new_fail(&d, EINVAL, "map 'l': bad bpf_spin_lock offset 6");
	d.spin_lock_off = 8;
	expect_new_fail(&d, EINVAL, "map 'l': bad bpf_spin_lock offset 8");
	ck_assert_ptr_null(rt_map__new(NULL, NULL));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_err_array)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct rt_map *pc = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0);
	uint64_t v = 1;
	uint32_t k = 0, big = 4;

	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	ck_assert_int_eq(rt_map__update(m, &k, &v, 4 | 8), -EINVAL);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_NOEXIST | BPF_EXIST), -EINVAL);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_F_LOCK), -EINVAL);
	ck_assert_int_eq(rt_map__update(m, &big, &v, BPF_ANY), -E2BIG);
	ck_assert_int_eq(rt_map__update(pc, &big, &v, BPF_ANY), -E2BIG);
	ck_assert_int_eq(rt_map__update(pc, &k, &v, BPF_F_LOCK), -EINVAL);
	ck_assert_ptr_null(rt_map__lookup(m, &big));
	ck_assert_int_eq(rt_map__user_lookup(m, &big, &v), -ENOENT);
	ck_assert_int_eq(rt_map__delete(m, &k), -EINVAL);
	ck_assert_int_eq(rt_map__push(m, &v, 0), -ENOTSUP);
	ck_assert_int_eq(rt_map__pop(m, &v), -ENOTSUP);
	ck_assert_ptr_null(rt_map__lookup_ptr(m, &k));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(rt_perfbuf__output(m, 0, &v, 8), -EINVAL);
	ck_assert_ptr_null(rt_ringbuf__reserve(m, 8, 0));
	ck_assert_int_eq(rt_ringbuf__output(m, &v, 8, 0), -EINVAL);
	ck_assert_int_eq(rt_ringbuf__consume(m, NULL, NULL), -EINVAL);
	rt_map__free(m);
	rt_map__free(pc);
}
END_TEST

START_TEST(test_err_hash)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_HASH, 4, 4, 2, 0);
	struct rt_map *l = mk(BPF_MAP_TYPE_LRU_HASH, 4, 4, 2, 0);
	uint32_t k = 1, v = 1;

	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_EXIST), -ENOENT);
	ck_assert_int_eq(rt_map__update(l, &k, &v, BPF_EXIST), -ENOENT);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	ck_assert_int_eq(rt_map__update(m, &k, &v, 3), -EINVAL);
	ck_assert_int_eq(rt_map__update(m, &k, &v, 1ull << 40), -EINVAL);
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_F_LOCK), -EINVAL);
	ck_assert_int_eq(rt_map__update(l, &k, &v, BPF_F_LOCK), -EINVAL);
	k = 2;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
	k = 3;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), -E2BIG);
	/* updating an existing key of a full map still works */
	k = 2;
	ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_EXIST), 0);
	k = 3;
	ck_assert_int_eq(rt_map__delete(m, &k), -ENOENT);
	ck_assert_ptr_null(rt_map__lookup(m, &k));
	ck_assert_int_eq(errno, ENOENT);
	rt_map__free(m);
	rt_map__free(l);
}
END_TEST

START_TEST(test_err_queue)
{
	struct rt_map *q = mk(BPF_MAP_TYPE_QUEUE, 0, 4, 1, 0);
	uint32_t v = 1, k;

	ck_assert_int_eq(rt_map__pop(q, &v), -ENOENT);
	ck_assert_int_eq(rt_map__peek(q, &v), -ENOENT);
	ck_assert_int_eq(rt_map__user_lookup(q, NULL, &v), -ENOENT);
	ck_assert_int_eq(rt_map__push(q, &v, BPF_NOEXIST), -EINVAL);
	ck_assert_int_eq(rt_map__push(q, &v, 4), -EINVAL);
	ck_assert_int_eq(rt_map__push(q, &v, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__push(q, &v, BPF_ANY), -E2BIG);
	ck_assert_ptr_null(rt_map__lookup(q, NULL));
	ck_assert_int_eq(rt_map__update(q, NULL, &v, BPF_ANY), -EINVAL);
	ck_assert_int_eq(rt_map__delete(q, NULL), -EINVAL);
	ck_assert_int_eq(rt_map__get_next_key(q, NULL, &k), -EINVAL);
	rt_map__free(q);
}
END_TEST

START_TEST(test_err_ringbuf_perf)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct rt_map *rb = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)pg, 0);
	struct rt_map *pe = mk(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0);
	uint32_t k = 0, v = 0;
	char stack_buf[16] = { 0 };

	ck_assert_ptr_null(rt_ringbuf__reserve(rb, 8, 1));
	ck_assert_ptr_null(rt_ringbuf__reserve(rb, (uint64_t)pg, 0));
	ck_assert_ptr_null(rt_ringbuf__reserve(rb, 1ull << 40, 0));
	ck_assert_int_eq(rt_ringbuf__output(rb, &v, 4, 4), -EINVAL);
	ck_assert_int_eq(rt_ringbuf__output(rb, &v, (uint64_t)pg, 0), -EAGAIN);
	ck_assert_ptr_null(rt_map__lookup(rb, &k));
	ck_assert_int_eq(rt_map__update(rb, &k, &v, 0), -ENOTSUP);
	ck_assert_int_eq(rt_map__user_lookup(rb, &k, &v), -ENOTSUP);
	ck_assert_int_eq(rt_map__delete(rb, &k), -ENOTSUP);
	ck_assert_int_eq(rt_map__get_next_key(rb, NULL, &k), -ENOTSUP);
	/* committing a pointer that is no record is ignored */
	rt_ringbuf__submit(rb, stack_buf + 8, 0);
	rt_ringbuf__discard(rb, NULL, 0);
	ck_assert_uint_eq(rt_ringbuf__query(rb, BPF_RB_AVAIL_DATA), 0);

	ck_assert_int_eq(rt_perfbuf__output(pe, 2, &v, 4), -E2BIG);
	ck_assert_int_eq(rt_perfbuf__output(pe, 1ull << 32, &v, 4), -EINVAL);
	ck_assert_int_eq(rt_map__user_lookup(pe, &k, &v), -ENOTSUP);
	ck_assert_int_eq(rt_map__user_update(pe, &k, &v, BPF_NOEXIST), -EINVAL);
	ck_assert_ptr_null(rt_map__lookup(pe, &k));
	ck_assert_int_eq(rt_perfbuf__consume(rb, NULL, NULL), -EINVAL);
	rt_map__free(rb);
	rt_map__free(pe);
}
END_TEST

START_TEST(test_err_fd_maps)
{
	struct rt_map_def inner = mkdef("inner", BPF_MAP_TYPE_HASH, 4, 4, 4, 0);
	struct rt_map_def aom = mkdef("aom", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0);
	struct rt_map_def nested = mkdef("nested", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0);
	struct objs o = { .maps = { NULL } };
	struct rt_map *pa = mk(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0), *a;
	struct rt_map *dm = mk(BPF_MAP_TYPE_DEVMAP, 4, 8, 2, 0);
	struct rt_map *dh = mk(BPF_MAP_TYPE_DEVMAP_HASH, 4, 4, 1, 0);
	struct bpf_devmap_val dv = { .ifindex = 0, .bpf_prog.fd = 3 };
	uint32_t k = 0, id = 101;

	aom.inner = &inner;
	nested.inner = &aom;
	expect_new_fail(&nested, ENOTSUP, "map 'nested': more than one level of map of maps");
	a = rt_map__new(&aom, NULL);
	ck_assert_ptr_nonnull(a);
	rt_map__set_ptr_resolver(pa, resolve, &o);
	rt_map__set_ptr_resolver(a, resolve, &o);
	ck_assert_int_eq(rt_map__user_update(pa, &k, &id, BPF_NOEXIST), -EINVAL);
	k = 2;
	ck_assert_int_eq(rt_map__user_update(pa, &k, &id, BPF_ANY), -E2BIG);
	ck_assert_int_eq(rt_map__delete(pa, &k), -E2BIG);
	k = 0;
	id = 55;
	ck_assert_int_eq(rt_map__user_update(pa, &k, &id, BPF_ANY), -EBADF);
	ck_assert_int_eq(rt_map__user_update(a, &k, &id, BPF_ANY), -EBADF);
	ck_assert_int_eq(rt_map__delete(pa, &k), -ENOENT);
	ck_assert_ptr_null(rt_map__lookup(a, &k));

	ck_assert_int_eq(rt_map__user_update(dm, &k, &dv, BPF_ANY), -EINVAL);
	ck_assert_int_eq(rt_map__user_update(dm, &k, &dv, BPF_NOEXIST), -EEXIST);
	ck_assert_int_eq(rt_map__user_update(dm, &k, &dv, 3), -EINVAL);
	k = 2;
	ck_assert_int_eq(rt_map__user_update(dm, &k, &dv, BPF_ANY), -E2BIG);
	ck_assert_int_eq(rt_map__delete(dm, &k), -EINVAL);
	ck_assert_int_eq(rt_map__user_lookup(dm, &k, &dv), -ENOENT);

	id = 0;
	ck_assert_int_eq(rt_map__user_update(dh, &k, &id, BPF_ANY), -EINVAL);
	id = 5;
	ck_assert_int_eq(rt_map__user_update(dh, &k, &id, BPF_ANY), 0);
	ck_assert_int_eq(rt_map__user_update(dh, &k, &id, BPF_NOEXIST), -EEXIST);
	k = 3;
	ck_assert_int_eq(rt_map__user_update(dh, &k, &id, BPF_EXIST), -E2BIG);
	rt_map__free(pa);
	rt_map__free(a);
	rt_map__free(dm);
	rt_map__free(dh);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_limit_full)
{
	struct rt_map *m = mk(BPF_MAP_TYPE_HASH, 4, 8, 100, 0);
	struct rt_map *pc = mk(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 100, 0);
	uint32_t k, next;
	uint64_t v = 0, all[64] = { 0 };
	int round, cnt;

	/* fill, empty and refill: the free list recycles every element */
	for (round = 0; round < 3; round++) {
		for (k = 0; k < 100; k++) {
			ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_NOEXIST), 0);
			ck_assert_int_eq(rt_map__user_update(pc, &k, all, BPF_NOEXIST), 0);
		}
		ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), -E2BIG);
		ck_assert_int_eq(rt_map__user_update(pc, &k, all, BPF_ANY), -E2BIG);
		cnt = 0;
		for (int r = rt_map__get_next_key(m, NULL, &next); !r;
		     r = rt_map__get_next_key(m, &next, &next))
			cnt++;
		ck_assert_int_eq(cnt, 100);
		for (k = 0; k < 100; k++) {
			ck_assert_int_eq(rt_map__delete(m, &k), 0);
			ck_assert_int_eq(rt_map__delete(pc, &k), 0);
		}
		ck_assert_int_eq(rt_map__get_next_key(m, NULL, &next), -ENOENT);
	}
	rt_map__free(m);
	rt_map__free(pc);
}
END_TEST

START_TEST(test_limit_sizes)
{
	struct rt_map_def d;
	struct rt_map *m;
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t key[512] = { 1 };

	/* largest key on the BPF stack */
	m = mk(BPF_MAP_TYPE_HASH, 512, 8, 2, 0);
	ck_assert_int_eq(rt_map__update(m, key, key, BPF_ANY), 0);
	ck_assert_ptr_nonnull(rt_map__lookup(m, key));
	rt_map__free(m);
	d = mkdef("k", BPF_MAP_TYPE_HASH, 513, 8, 2, 0);
	expect_new_fail(&d, E2BIG, "map 'k': key size 513 too large (max 512)");
	/* per-CPU values up to 32 KiB */
	m = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32 << 10, 1, 0);
	rt_map__free(m);
	d = mkdef("p", BPF_MAP_TYPE_PERCPU_HASH, 4, (32 << 10) + 1, 1, 0);
	expect_new_fail(&d, E2BIG, "map 'p': per-CPU value size 32769 too large");
	d = mkdef("v", BPF_MAP_TYPE_ARRAY, 4, (4 << 20) + 1, 1, 0);
	expect_new_fail(&d, E2BIG, "map 'v': value size 4194305 too large");
	d = mkdef("v", BPF_MAP_TYPE_HASH, 8, (4 << 20) - 56, 1, 0);
	expect_new_fail(&d, E2BIG, "map 'v': value size");
	d = mkdef("v", BPF_MAP_TYPE_QUEUE, 0, (4 << 20) + 1, 1, 0);
	expect_new_fail(&d, E2BIG, "map 'v': value size");

	/* the largest ringbuf record: the producer stays at most size - 1 ahead */
	m = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)pg, 0);
	ck_assert_ptr_null(rt_ringbuf__reserve(m, (uint64_t)pg - 15, 0));
	{
		void *p = rt_ringbuf__reserve(m, (uint64_t)pg - 16, 0);

		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_null(rt_ringbuf__reserve(m, 0, 0));
		rt_ringbuf__submit(m, p, 0);
		ck_assert_int_eq(rt_ringbuf__consume(m, NULL, NULL), 1);
		ck_assert_ptr_nonnull(rt_ringbuf__reserve(m, 0, 0));
	}
	rt_map__free(m);

	/* perf buffers overflow with -ENOSPC instead of growing forever */
	m = mk(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1, 0);
	{
		static uint8_t blob[1 << 16];
		int i, err = 0;

		for (i = 0; i < 100 && !err; i++)
			err = rt_perfbuf__output(m, 0, blob, sizeof(blob));
		ck_assert_int_eq(err, -ENOSPC);
		ck_assert_int_eq(rt_perfbuf__output(m, 0, blob, 1 << 20), -ENOSPC);
		ck_assert_int_gt(rt_perfbuf__consume(m, NULL, NULL), 0);
		ck_assert_int_eq(rt_perfbuf__output(m, 0, blob, 8), 0);
	}
	rt_map__free(m);
}
END_TEST

START_TEST(test_limit_huge)
{
	static const uint32_t types[] = {
		BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_HASH,
		BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_DEVMAP,
		BPF_MAP_TYPE_DEVMAP_HASH, BPF_MAP_TYPE_PERF_EVENT_ARRAY,
	};
	struct rt_map_def d;
	struct logbuf lb;
	struct rt_map *m;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		d = mkdef("huge", types[i], 4, 4, UINT32_MAX, 0);
		log_init(&lb);
		m = rt_map__new(&d, &lb.log);
		ck_assert_ptr_null(m);
		ck_assert_msg(errno == E2BIG || errno == ENOMEM, "type %u: errno %d", types[i],
			      errno);
		ck_assert_msg(strstr(lb.text, "map 'huge': "), "%s", lb.text);
	}
	d = mkdef("huge", BPF_MAP_TYPE_QUEUE, 0, 8, UINT32_MAX, 0);
	expect_new_fail(&d, E2BIG, "map 'huge': storage of");
	d = mkdef("huge", BPF_MAP_TYPE_ARRAY, 4, 1 << 20, 1 << 12, 0);
	expect_new_fail(&d, E2BIG, "map 'huge': storage of 4294967296 bytes too large");
	/* a large map that fits costs address space only */
	m = mk(BPF_MAP_TYPE_HASH, 4, 8, 1 << 20, 0);
	{
		uint32_t k = (1 << 20) - 1;
		uint64_t v = 3;

		ck_assert_int_eq(rt_map__update(m, &k, &v, BPF_ANY), 0);
		ck_assert_uint_eq(*(uint64_t *)rt_map__lookup(m, &k), 3);
	}
	rt_map__free(m);
	/* the biggest ring buffer index the kernel accepts is 2^31 on 64-bit */
	d = mkdef("rb", BPF_MAP_TYPE_RINGBUF, 0, 0, 1u << 31, 0);
	log_init(&lb);
	m = rt_map__new(&d, &lb.log);
	if (m) {
		void *p = rt_ringbuf__reserve(m, 1 << 20, 0);

		ck_assert_ptr_nonnull(p);
		rt_ringbuf__submit(m, p, 0);
		ck_assert_int_eq(rt_ringbuf__consume(m, NULL, NULL), 1);
		rt_map__free(m);
	} else {
		ck_assert_msg(errno == ENOMEM, "%s", lb.text);
	}
}
END_TEST

Suite *rt_map_suite(void)
{
	Suite *s = suite_create("rt_map");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_array);
	tcase_add_test(tc, test_percpu_array);
	tcase_add_test(tc, test_hash);
	tcase_add_test(tc, test_hash_update_swaps);
	tcase_add_test(tc, test_lru_update_swaps);
	tcase_add_test(tc, test_percpu_hash);
	tcase_add_test(tc, test_lru);
	tcase_add_test(tc, test_ringbuf);
	tcase_add_test(tc, test_ringbuf_wrap);
	tcase_add_test(tc, test_perf);
	tcase_add_test(tc, test_queue_stack);
	tcase_add_test(tc, test_map_in_map);
	tcase_add_test(tc, test_devmap);
	tcase_add_test(tc, test_spin_lock);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_err_create);
	tcase_add_test(tc, test_err_array);
	tcase_add_test(tc, test_err_hash);
	tcase_add_test(tc, test_err_queue);
	tcase_add_test(tc, test_err_ringbuf_perf);
	tcase_add_test(tc, test_err_fd_maps);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_limit_full);
	tcase_add_test(tc, test_limit_sizes);
	tcase_add_test(tc, test_limit_huge);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rt_map_suite)
