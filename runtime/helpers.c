// SPDX-License-Identifier: MIT
/*
 * The helper table and the core helpers: maps, time, random numbers, tail
 * calls, bpf_loop and for_each_map_elem, ring and perf buffers, spin locks.
 * Trace helpers (printk, snprintf, probe_read, current task) live in
 * helpers_trace.c and packet helpers (XDP, skb, checksums, redirects) in
 * helpers_net.c; this file owns the table that names them all.
 *
 * Every helper has the native ABI's signature (five u64 in, u64 out) and
 * kernel semantics and return values. A helper finds its run through
 * rt_run__current() because native code passes no context. When the run is
 * checked (the interpreter), every pointer a helper dereferences must be
 * program memory (rt_run__mem_ok); a bad one records -EFAULT with a
 * "helper bpf_xxx: ..." message through rt_run__fail() and the helper
 * returns a negative errno, so the engine stops at its next check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfaot/helpers.h"
#include "rt_helpers.h"
#include "rt_inline.h"
#include "rt_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))





/* ------------------------------------------------------------ checks */


/*
 * Map arguments are resolved by the engine, but the interpreter has no
 * verifier to prove that r1 still holds one, so in checked mode the pointer
 * must be one of the object's maps.
 */
static bool map_check(struct rt_run *run, const char *helper, const struct rt_map *map)
{
	size_t i;

	if (!run || !run->checked)
		return map != NULL;
	if (map && run->obj) {
		for (i = 0; i < run->obj->nr_maps; i++)
			if (run->obj->maps[i] == map)
				return true;
	} else if (map) {
		return true;
	}
	rt_run__fail(run, -EFAULT, "helper %s: %p is not a map of this object", helper,
		     (const void *)map);
	return false;
}

/* ------------------------------------------------------------- maps */

static uint64_t map_lookup_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	const void *key = (const void *)(uintptr_t)r2;

	if (!map_check(run, "bpf_map_lookup_elem", map) ||
	    !rt_helper_mem_ok(run, "bpf_map_lookup_elem", "key", key, rt_map__def(map)->key_size, false))
		return 0;
	return (uintptr_t)rt_map__lookup(map, key);
}

static uint64_t map_update_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	const void *key = (const void *)(uintptr_t)r2, *value = (const void *)(uintptr_t)r3;

	if (!map_check(run, "bpf_map_update_elem", map) ||
	    !rt_helper_mem_ok(run, "bpf_map_update_elem", "key", key, rt_map__def(map)->key_size, false) ||
	    !rt_helper_mem_ok(run, "bpf_map_update_elem", "value", value, rt_map__def(map)->value_size,
		       false))
		return -EFAULT;
	return rt_map__update(map, key, value, r4);
}

static uint64_t map_delete_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	const void *key = (const void *)(uintptr_t)r2;

	if (!map_check(run, "bpf_map_delete_elem", map) ||
	    !rt_helper_mem_ok(run, "bpf_map_delete_elem", "key", key, rt_map__def(map)->key_size, false))
		return -EFAULT;
	return rt_map__delete(map, key);
}

static uint64_t map_push_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	const void *value = (const void *)(uintptr_t)r2;

	if (!map_check(run, "bpf_map_push_elem", map) ||
	    !rt_helper_mem_ok(run, "bpf_map_push_elem", "value", value, rt_map__def(map)->value_size, false))
		return -EFAULT;
	return rt_map__push(map, value, r3);
}

/* pop and peek write the value: the buffer must be writable. */
static uint64_t map_pop_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	void *value = (void *)(uintptr_t)r2;

	if (!map_check(run, "bpf_map_pop_elem", map) ||
	    !rt_helper_mem_ok(run, "bpf_map_pop_elem", "value", value, rt_map__def(map)->value_size, true))
		return -EFAULT;
	return rt_map__pop(map, value);
}

static uint64_t map_peek_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	void *value = (void *)(uintptr_t)r2;

	if (!map_check(run, "bpf_map_peek_elem", map) ||
	    !rt_helper_mem_ok(run, "bpf_map_peek_elem", "value", value, rt_map__def(map)->value_size, true))
		return -EFAULT;
	return rt_map__peek(map, value);
}

/* ------------------------------------------------------------- time */

static uint64_t ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return rt_inl_clock_ns(CLOCK_MONOTONIC);
}

static uint64_t ktime_get_boot_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return rt_inl_clock_ns(CLOCK_BOOTTIME);
}

static uint64_t ktime_get_coarse_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5)
{
	return rt_inl_clock_ns(CLOCK_MONOTONIC_COARSE);
}

static uint64_t ktime_get_tai_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return rt_inl_clock_ns(CLOCK_TAI);
}

static uint64_t jiffies64(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return rt_inl_jiffies64();
}

/* ------------------------------------------------------ small things */

/* xorshift64* (rt_inline.h) on the run's state, which lives in a
 * thread-local variable while the run is current (rt_run__prandom_state()),
 * where inlined native code reaches it too. */
static uint64_t get_prandom_u32(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	uint64_t *state = rt_run__prandom_state();

	if (!rt_run__current())
		return 0;
	*state = rt_inl_prandom_next(*state);
	return rt_inl_prandom_value(*state);
}

/* The runtime runs on one logical CPU, node 0: per-CPU maps use slot 0. */
static uint64_t get_smp_processor_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	return 0;
}

static uint64_t get_numa_node_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return 0;
}

/* Whether lock lies in the value storage of a map whose values hold a
 * struct bpf_spin_lock, as the kernel's verifier requires. */
static bool is_map_lock(struct rt_run *run, const void *lock)
{
	size_t i;

	for (i = 0; run->obj && i < run->obj->nr_maps; i++) {
		const struct rt_map *m = run->obj->maps[i];
		const void *start;
		size_t len;

		rt_map__region(m, &start, &len);
		if (start && (uintptr_t)lock >= (uintptr_t)start &&
		    (uintptr_t)lock + sizeof(struct bpf_spin_lock) <= (uintptr_t)start + len)
			return rt_map__def(m)->spin_lock_off >= 0;
	}
	return false;
}

/* Spins before a checked run calls a held lock a deadlock: one program
 * holds at most one lock and the verifier forbids sleeping with it, so a
 * lock that stays held this long is held by this very run. */
#define SPIN_LIMIT (1ul << 24)

static uint64_t spin_lock(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	void *lock = (void *)(uintptr_t)r1;

	if (!rt_helper_mem_ok(run, "bpf_spin_lock", "lock", lock, sizeof(struct bpf_spin_lock),
			      true))
		return -EFAULT;
	if (!run || !run->checked) {
		rt_spin_lock(lock);
		return 0;
	}
	if (!is_map_lock(run, lock)) {
		rt_run__fail(run, -EINVAL,
			     "helper bpf_spin_lock: not the bpf_spin_lock of a map value: %p", lock);
		return -EINVAL;
	}
	if (run->held_lock) {
		rt_run__fail(run, -EDEADLK,
			     "helper bpf_spin_lock: a lock is already held (the kernel allows one)");
		return -EDEADLK;
	}
	if (!rt_spin_trylock(lock, SPIN_LIMIT)) {
		rt_run__fail(run, -EDEADLK, "helper bpf_spin_lock: lock stays held (deadlock): %p",
			     lock);
		return -EDEADLK;
	}
	run->held_lock = lock;
	return 0;
}

static uint64_t spin_unlock(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	void *lock = (void *)(uintptr_t)r1;

	if (!rt_helper_mem_ok(run, "bpf_spin_unlock", "lock", lock, sizeof(struct bpf_spin_lock),
			      true))
		return -EFAULT;
	if (run && run->checked) {
		if (run->held_lock != lock) {
			rt_run__fail(run, -EINVAL, "helper bpf_spin_unlock: lock not held: %p", lock);
			return -EINVAL;
		}
		run->held_lock = NULL;
	}
	rt_spin_unlock(lock);
	return 0;
}

/* ------------------------------------------------------- tail calls */

/*
 * Follows the kernel's order (kernel/bpf/core.c, the x86 JIT): the index is
 * checked first, then the count, which is incremented before the slot is
 * read, so a call to an empty slot still uses up one of the 33 tail calls.
 * On success the engine jumps to run->tail_target instead of returning.
 */
static uint64_t tail_call(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r2;
	uint32_t index = (uint32_t)r3;
	struct rt_prog *prog;

	if (!run || !map_check(run, "bpf_tail_call", map))
		return -EINVAL;
	if (rt_map__def(map)->type != BPF_MAP_TYPE_PROG_ARRAY) {
		rt_run__fail(run, -EINVAL, "helper bpf_tail_call: map '%s' is not a prog array",
			     rt_map__name(map));
		return -EINVAL;
	}
	if (index >= rt_map__def(map)->max_entries)
		return -EINVAL;
	if (run->tail_calls >= RT_MAX_TAIL_CALLS)
		return -E2BIG;
	run->tail_calls++;
	prog = rt_map__lookup_ptr(map, &index);
	if (!prog)
		return -ENOENT;
	run->tail_target = prog;
	return 0;
}

/* -------------------------------------------------------- callbacks */

static bool callback_check(struct rt_run *run, const char *helper)
{
	if (run && run->callback)
		return true;
	rt_run__fail(run, -ENOTSUP, "helper %s: the engine does not support callbacks", helper);
	return false;
}

static uint64_t loop(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	uint32_t nr_loops = (uint32_t)r1, i;

	/* the kernel's order: flags, then the count (kernel/bpf/bpf_iter.c) */
	if (r4)
		return -EINVAL;
	if (nr_loops > RT_INL_MAX_LOOPS)
		return -E2BIG;
	if (!callback_check(run, "bpf_loop"))
		return -ENOTSUP;
	for (i = 0; i < nr_loops; i++) {
		uint64_t ret = run->callback(run, r2, i, r3, 0, 0, 0);

		/* a failed callback (fault, budget) ends the run, not just the loop */
		if (ret || run->err)
			return (uint64_t)i + 1;
	}
	return i;
}

/*
 * Adds a read-only region for a key the helper owns, so that a checked
 * callback may read it. Returns false when the region table is full.
 */
static bool push_region(struct rt_run *run, const void *p, size_t len)
{
	if (!run->checked)
		return true;
	if (run->nr_regions >= ARRAY_SIZE(run->regions))
		return false;
	run->regions[run->nr_regions++] = (struct rt_region){
		.start = (uintptr_t)p,
		.end = (uintptr_t)p + len,
		.writable = false,
	};
	return true;
}

static void pop_region(struct rt_run *run)
{
	if (run->checked)
		run->nr_regions--;
}

static bool is_array_type(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool is_hash_type(uint32_t type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/*
 * Hash maps are walked over a snapshot of their keys, taken first, because
 * the callback may delete elements (which the kernel allows) and
 * get_next_key restarts from the first key when its argument is gone.
 * Keys deleted meanwhile are skipped. The count returned is the number of
 * callbacks made, the stopping one included, as in the kernel.
 */
static uint64_t for_each_map_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	const struct rt_map_def *def;
	uint8_t *keys = NULL;
	uint64_t n = 0, nr_keys = 0, i;
	long ret = 0;

	if (!map_check(run, "bpf_for_each_map_elem", map))
		return -EFAULT;
	if (r4)
		return -EINVAL;
	if (!callback_check(run, "bpf_for_each_map_elem"))
		return -ENOTSUP;
	def = rt_map__def(map);
	if (!is_array_type(def->type) && !is_hash_type(def->type)) {
		rt_run__fail(run, -ENOTSUP,
			     "helper bpf_for_each_map_elem: map '%s' is neither an array nor a hash",
			     rt_map__name(map));
		return -ENOTSUP;
	}
	keys = calloc(is_array_type(def->type) ? 1 : (size_t)def->max_entries + 1,
		      def->key_size ? def->key_size : 1);
	if (!keys)
		return -ENOMEM;
	if (is_array_type(def->type)) {
		nr_keys = def->max_entries;
	} else {
		const void *prev = NULL;

		while (nr_keys < def->max_entries &&
		       !rt_map__get_next_key(map, prev, keys + nr_keys * def->key_size)) {
			prev = keys + nr_keys * def->key_size;
			nr_keys++;
		}
	}
	for (i = 0; i < nr_keys; i++) {
		uint8_t *key = is_array_type(def->type) ? keys : keys + i * def->key_size;
		void *value;
		uint64_t cb;

		if (is_array_type(def->type))
			memcpy(key, &(uint32_t){ (uint32_t)i }, sizeof(uint32_t));
		value = rt_map__lookup(map, key);
		if (!value)
			continue;
		if (!push_region(run, key, def->key_size)) {
			rt_run__fail(run, -E2BIG, "helper bpf_for_each_map_elem: too many regions");
			ret = -E2BIG;
			break;
		}
		n++;
		cb = run->callback(run, r2, (uintptr_t)map, (uintptr_t)key, (uintptr_t)value, r3, 0);
		pop_region(run);
		if (cb || run->err)
			break;
	}
	free(keys);
	return ret ? (uint64_t)ret : n;
}

/* ---------------------------------------------- ring and perf buffers */

static uint64_t ringbuf_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	const void *data = (const void *)(uintptr_t)r2;

	if (!map_check(run, "bpf_ringbuf_output", map) ||
	    !rt_helper_mem_ok(run, "bpf_ringbuf_output", "data", data, r3, false))
		return -EFAULT;
	return rt_ringbuf__output(map, data, r3, r4);
}

static uint64_t ringbuf_reserve(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;

	if (!map_check(run, "bpf_ringbuf_reserve", map))
		return 0;
	return (uintptr_t)rt_ringbuf__reserve(map, r2, r3);
}

/*
 * bpf_ringbuf_submit/discard get only the record, but rt_ringbuf__submit
 * wants its map: it is the object's ring buffer whose memory holds the
 * record. NULL when none does.
 */
static struct rt_map *ringbuf_of(struct rt_run *run, const void *data)
{
	size_t i;

	if (!run || !run->obj)
		return NULL;
	for (i = 0; i < run->obj->nr_maps; i++) {
		struct rt_map *map = run->obj->maps[i];
		const void *start;
		size_t size;

		if (rt_map__def(map)->type != BPF_MAP_TYPE_RINGBUF)
			continue;
		rt_map__region(map, &start, &size);
		if (start && (uintptr_t)data >= (uintptr_t)start &&
		    (uintptr_t)data < (uintptr_t)start + size)
			return map;
	}
	return NULL;
}

static void ringbuf_finish(const char *helper, void *data, uint64_t flags, bool submit)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = ringbuf_of(run, data);

	if (!map) {
		rt_run__fail(run, -EFAULT, "helper %s: %p is not a ring buffer record", helper, data);
		return;
	}
	if (submit)
		rt_ringbuf__submit(map, data, flags);
	else
		rt_ringbuf__discard(map, data, flags);
}

static uint64_t ringbuf_submit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	ringbuf_finish("bpf_ringbuf_submit", (void *)(uintptr_t)r1, r2, true);
	return 0;
}

static uint64_t ringbuf_discard(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	ringbuf_finish("bpf_ringbuf_discard", (void *)(uintptr_t)r1, r2, false);
	return 0;
}

static uint64_t ringbuf_query(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;

	if (!map_check(rt_run__current(), "bpf_ringbuf_query", map))
		return 0;
	return rt_ringbuf__query(map, r2);
}

static uint64_t perf_event_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r2;
	const void *data = (const void *)(uintptr_t)r4;

	if (!map_check(run, "bpf_perf_event_output", map) ||
	    !rt_helper_mem_ok(run, "bpf_perf_event_output", "data", data, r5, false))
		return -EFAULT;
	/* bpf_xdp_event_output / bpf_skb_event_output: the CTXLEN bits append
	 * that many packet bytes to the record; other programs: the CPU bits only */
	if (r3 & BPF_F_CTXLEN_MASK) {
		uint64_t ctxlen = (r3 & BPF_F_CTXLEN_MASK) >> 32;
		uint8_t *rec;
		int err;

		if (r3 & ~(uint64_t)(BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK) ||
		    (run->prog->ctx_kind != RT_CTX_XDP && run->prog->ctx_kind != RT_CTX_SKB))
			return -EINVAL;
		if (!run->data || ctxlen > (uint64_t)(run->data_end - run->data))
			return -EFAULT;
		rec = malloc(r5 + ctxlen);
		if (!rec)
			return -ENOMEM;
		memcpy(rec, data, r5);
		memcpy(rec + r5, run->data, ctxlen);
		err = rt_perfbuf__output(map, r3 & BPF_F_INDEX_MASK, rec, r5 + ctxlen);
		free(rec);
		return (uint64_t)(int64_t)err;
	}
	if (r3 & ~(uint64_t)BPF_F_INDEX_MASK)
		return -EINVAL;
	return rt_perfbuf__output(map, r3, data, r5);
}

/* ------------------------------------------------------------ table */

/* The implementation of each helper of BPFAOT_HELPERS (include/bpfaot/helpers.h):
 * a helper listed there without one here does not compile. */
#define FN_get_stackid rt_helper_get_stackid
#define FN_current_task_under_cgroup rt_helper_current_task_under_cgroup
#define FN_get_stack rt_helper_get_stack
#define FN_get_current_cgroup_id rt_helper_get_current_cgroup_id
#define FN_get_ns_current_pid_tgid rt_helper_get_ns_current_pid_tgid
#define FN_get_current_task_btf rt_helper_get_current_task
#define FN_get_func_ip rt_helper_get_func_ip
#define FN_get_attach_cookie rt_helper_get_attach_cookie
#define FN_xdp_get_buff_len rt_helper_xdp_get_buff_len
#define FN_fib_lookup rt_helper_fib_lookup
#define FN_map_lookup_elem map_lookup_elem
#define FN_map_update_elem map_update_elem
#define FN_map_delete_elem map_delete_elem
#define FN_probe_read rt_helper_probe_read
#define FN_ktime_get_ns ktime_get_ns
#define FN_trace_printk rt_helper_trace_printk
#define FN_get_prandom_u32 get_prandom_u32
#define FN_get_smp_processor_id get_smp_processor_id
#define FN_skb_store_bytes rt_helper_skb_store_bytes
#define FN_l3_csum_replace rt_helper_l3_csum_replace
#define FN_l4_csum_replace rt_helper_l4_csum_replace
#define FN_tail_call tail_call
#define FN_get_current_pid_tgid rt_helper_get_current_pid_tgid
#define FN_get_current_uid_gid rt_helper_get_current_uid_gid
#define FN_get_current_comm rt_helper_get_current_comm
#define FN_skb_get_tunnel_key rt_helper_skb_get_tunnel_key
#define FN_skb_set_tunnel_key rt_helper_skb_set_tunnel_key
#define FN_redirect rt_helper_redirect
#define FN_perf_event_output perf_event_output
#define FN_skb_load_bytes rt_helper_skb_load_bytes
#define FN_csum_diff rt_helper_csum_diff
#define FN_skb_change_proto rt_helper_skb_change_proto
#define FN_get_current_task rt_helper_get_current_task
#define FN_skb_pull_data rt_helper_skb_pull_data
#define FN_csum_update rt_helper_csum_update
#define FN_get_numa_node_id get_numa_node_id
#define FN_xdp_adjust_head rt_helper_xdp_adjust_head
#define FN_probe_read_str rt_helper_probe_read_str
#define FN_get_socket_cookie rt_helper_get_socket_cookie
#define FN_skb_adjust_room rt_helper_skb_adjust_room
#define FN_redirect_map rt_helper_redirect_map
#define FN_xdp_adjust_meta rt_helper_xdp_adjust_meta
#define FN_xdp_adjust_tail rt_helper_xdp_adjust_tail
#define FN_map_push_elem map_push_elem
#define FN_map_pop_elem map_pop_elem
#define FN_map_peek_elem map_peek_elem
#define FN_spin_lock spin_lock
#define FN_spin_unlock spin_unlock
#define FN_probe_read_user rt_helper_probe_read
#define FN_probe_read_kernel rt_helper_probe_read
#define FN_probe_read_user_str rt_helper_probe_read_str
#define FN_probe_read_kernel_str rt_helper_probe_read_str
#define FN_jiffies64 jiffies64
#define FN_ktime_get_boot_ns ktime_get_boot_ns
#define FN_ringbuf_output ringbuf_output
#define FN_ringbuf_reserve ringbuf_reserve
#define FN_ringbuf_submit ringbuf_submit
#define FN_ringbuf_discard ringbuf_discard
#define FN_ringbuf_query ringbuf_query
#define FN_ktime_get_coarse_ns ktime_get_coarse_ns
#define FN_for_each_map_elem for_each_map_elem
#define FN_snprintf rt_helper_snprintf
#define FN_trace_vprintk rt_helper_trace_vprintk
#define FN_loop loop
#define FN_strncmp rt_helper_strncmp
#define FN_ktime_get_tai_ns ktime_get_tai_ns

/* One entry per helper of the shared list, indexed by its kernel id. */
#define H(ID, NAME, RET, PROTO, ...)                                                               \
	[ID] = {                                                                                   \
		.id = ID,                                                                          \
		.name = "bpf_" #NAME,                                                              \
		.fn = FN_##NAME,                                                                   \
		.ret = RT_RET_##RET,                                                               \
		.args = { __VA_ARGS__ },                                                           \
		.proto = PROTO,                                                                    \
	},

#define NONE RT_ARG_NONE
#define ANY RT_ARG_ANY
#define CTX RT_ARG_CTX
#define MAP RT_ARG_MAP
#define PTR RT_ARG_PTR
#define PTR0 RT_ARG_PTR_OR_NULL
#define SIZE RT_ARG_SIZE
#define FUNC RT_ARG_FUNC
#define ADDR RT_ARG_ADDR

static const struct rt_helper helpers[] = { BPFAOT_HELPERS(H) };

/* The list's ids are the kernel's. */
#define ID_CHECK(ID, NAME, ...) _Static_assert(ID == BPF_FUNC_##NAME, "helper id of " #NAME);
BPFAOT_HELPERS(ID_CHECK)
BPFAOT_HELPERS_REFUSED(ID_CHECK)
#undef ID_CHECK

#undef NONE
#undef ANY
#undef CTX
#undef MAP
#undef PTR
#undef PTR0
#undef SIZE
#undef FUNC
#undef ADDR
#undef H

const struct rt_helper *rt_helper__by_id(uint32_t id)
{
	if (id >= ARRAY_SIZE(helpers) || !helpers[id].fn) {
		errno = ENOENT;
		return NULL;
	}
	return &helpers[id];
}

/* Every helper the kernel headers know, by id, from their own list. */
/* the mapper puts the commas itself (FN(a), FN(b), ...) */
#define KERNEL_HELPER_NAME(name, ...) "bpf_" #name
static const char *const kernel_helper_names[] = { __BPF_FUNC_MAPPER(KERNEL_HELPER_NAME) };
#undef KERNEL_HELPER_NAME

const char *rt_helper_kernel_name(uint32_t id)
{
	if (id == 0 || id >= ARRAY_SIZE(kernel_helper_names))
		return NULL;
	return kernel_helper_names[id];
}

const char *rt_helper_refused_why(uint32_t id)
{
#define WHY(ID, NAME, TEXT) case ID: return ": " TEXT;
	switch (id) {
	BPFAOT_HELPERS_REFUSED(WHY)
	default:
		return "";
	}
#undef WHY
}

const struct rt_helper *rt_helper__by_name(const char *name)
{
	const struct rt_helper *h = NULL;

	while ((h = rt_helper__next(h)))
		if (!strcmp(h->name, name))
			return h;
	errno = ENOENT;
	return NULL;
}

const struct rt_helper *rt_helper__next(const struct rt_helper *prev)
{
	const struct rt_helper *h = prev ? prev + 1 : helpers;

	for (; h < helpers + ARRAY_SIZE(helpers); h++)
		if (h->fn)
			return h;
	return NULL;
}
