// SPDX-License-Identifier: MIT
/*
 * Inlinable helpers: the runtime's helpers in the form bpfaot-cc links into
 * each program's LLVM module before -O3, so that they inline. The build
 * compiles this file to LLVM bitcode (never into libbpfaot) and embeds it
 * in bpfaot-cc (backend/inline_helpers.c links it).
 *
 * `__bpfaot_inline_NNNN` is the body of helper NNNN (kernel id, four
 * digits), with the native ABI's signature: five u64 in, u64 out, as the
 * runtime's out-of-line helper _bpf_helper_ext_NNNN. A helper is here only
 * when its native run (the aot engine: unchecked, on the run's thread)
 * needs nothing the native code cannot reach; its computing core is
 * rt_inline.h's, which the out-of-line helper runs too, so both give the
 * same answer. What they read of the run comes from the context: the
 * packet's bounds are the data and data_end fields of struct __sk_buff,
 * which the runtime keeps equal to its own (rt_run__sync_ctx()).
 *
 * The state of bpf_get_prandom_u32 is the run's, in a thread-local
 * variable of the runtime that native code reaches %fs-relative
 * (BPFAOT_TLS_PRANDOM). bpf_loop calls its callback through the native
 * ABI, as the runtime does; the backend hands it a thunk that calls the
 * program's function directly, so that the callback inlines too.
 *
 * What stays out, and why: helpers that record something in the run (tail
 * calls, redirects, printk, tunnel keys), move the packet, or use maps
 * through the runtime's map code.
 */
#include <stdint.h>
#include <linux/bpf.h>

#include "bpfaot/abi.h"
#include "rt_inline.h"

/* %fs-relative memory (clang's x86 address space 257) */
#define FS_SEG __attribute__((address_space(257)))

/* The offset of the run's bpf_get_prandom_u32 state from the thread
 * pointer: the linker binds the symbol's value to it (abi.h). */
extern char prandom_tpoff[] __asm__(BPFAOT_TLS_PRANDOM);
/* The same for the thread's bpf_get_current_pid_tgid() value (0: unknown
 * yet), and the runtime's helper, which finds it and keeps it there. */
extern char pid_tgid_tpoff[] __asm__(BPFAOT_TLS_PID_TGID);
extern uint64_t pid_tgid_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
	__asm__(BPFAOT_HELPER_PREFIX "0014");

/* A callback as the native ABI calls it: five u64 in, u64 out (the
 * backend passes a thunk of this type that calls the program's function
 * with its own parameter types, so that it inlines too). */
typedef uint64_t (*callback_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

#define INLINE_HELPER(ID)                                                                        \
	__attribute__((always_inline)) uint64_t __bpfaot_inline_##ID(                           \
		uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);               \
	__attribute__((always_inline)) uint64_t __bpfaot_inline_##ID(                           \
		uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)

/* The packet of a struct __sk_buff context: 32-bit addresses in the low
 * 4 GiB (docs/runtime.md); 0 bytes without a packet. */
static inline uint8_t *skb_data(uint64_t ctx, size_t *len)
{
	const struct __sk_buff *skb = (const struct __sk_buff *)(uintptr_t)ctx;
	uintptr_t data = skb->data, end = skb->data_end;

	*len = data && end > data ? end - data : 0;
	return (uint8_t *)data;
}

/* bpf_ktime_get_ns */
INLINE_HELPER(0005)
{
	return rt_inl_clock_ns(CLOCK_MONOTONIC);
}

/* len bytes from src, which may be unmapped: one `rep movsb` that the
 * runtime's fault handler turns into a failed copy (RT_INL_PROBE_MAGIC);
 * 0 or -EFAULT */
static inline int probe_copy(void *dst, const void *src, size_t len)
{
	uint64_t ok = RT_INL_PROBE_MAGIC;

	if (!len)
		return 0;
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len), "+a"(ok) : : "memory");
	return ok == RT_INL_PROBE_MAGIC ? 0 : -RT_INL_EFAULT;
}

/* bpf_probe_read*(dst, size, unsafe_ptr): a failed copy clears dst, as the
 * kernel does */
static inline uint64_t probe_read(uint64_t r1, uint64_t r2, uint64_t r3)
{
	void *dst = (void *)(uintptr_t)r1;

	if (!probe_copy(dst, (const void *)(uintptr_t)r3, (uint32_t)r2))
		return 0;
	__builtin_memset(dst, 0, (uint32_t)r2);
	return (uint64_t)-RT_INL_EFAULT;
}

/* bpf_probe_read*_str(dst, size, unsafe_ptr) */
static inline uint64_t probe_read_str(uint64_t r1, uint64_t r2, uint64_t r3)
{
	char *dst = (char *)(uintptr_t)r1;
	int64_t ret = rt_inl_strncpy_nofault(dst, (uintptr_t)r3, (uint32_t)r2, probe_copy);

	if (ret < 0)
		__builtin_memset(dst, 0, (uint32_t)r2);
	return (uint64_t)ret;
}

/* bpf_probe_read */
INLINE_HELPER(0004)
{
	return probe_read(r1, r2, r3);
}

/* bpf_probe_read_str */
INLINE_HELPER(0045)
{
	return probe_read_str(r1, r2, r3);
}

/* bpf_get_prandom_u32: the run's state, %fs-relative */
INLINE_HELPER(0007)
{
	uint64_t FS_SEG *state = (uint64_t FS_SEG *)(uintptr_t)prandom_tpoff;
	uint64_t x = rt_inl_prandom_next(*state);

	*state = x;
	return rt_inl_prandom_value(x);
}

/* bpf_get_current_pid_tgid: the thread's value, once the runtime's helper
 * has found it (two system calls) */
INLINE_HELPER(0014)
{
	uint64_t v = *(uint64_t FS_SEG *)(uintptr_t)pid_tgid_tpoff;

	return __builtin_expect(v != 0, 1) ? v : pid_tgid_helper(r1, r2, r3, r4, r5);
}

/* bpf_get_smp_processor_id: the runtime runs programs on CPU 0 */
INLINE_HELPER(0008)
{
	return 0;
}

/* bpf_l3_csum_replace(skb, offset, from, to, flags) */
INLINE_HELPER(0010)
{
	size_t len;
	uint8_t *data = skb_data(r1, &len);

	return rt_inl_l3_csum_replace(data, len, (uint32_t)r2, r3, r4, r5);
}

/* bpf_l4_csum_replace(skb, offset, from, to, flags) */
INLINE_HELPER(0011)
{
	size_t len;
	uint8_t *data = skb_data(r1, &len);

	return rt_inl_l4_csum_replace(data, len, (uint32_t)r2, r3, r4, r5);
}

/* bpf_skb_store_bytes(skb, offset, from, len, flags) */
INLINE_HELPER(0009)
{
	size_t len;
	uint8_t *data = skb_data(r1, &len);

	return rt_inl_skb_store_bytes(data, len, (uint32_t)r2, (const void *)(uintptr_t)r3,
				      (uint32_t)r4, r5);
}

/* bpf_skb_load_bytes(skb, offset, to, len) */
INLINE_HELPER(0026)
{
	size_t len;
	const uint8_t *data = skb_data(r1, &len);

	return rt_inl_skb_load_bytes(data, len, (uint32_t)r2, (void *)(uintptr_t)r3, (uint32_t)r4);
}

/* bpf_csum_diff(from, from_size, to, to_size, seed) */
INLINE_HELPER(0028)
{
	return rt_inl_csum_diff((const uint8_t *)(uintptr_t)r1, (uint32_t)r2,
				(const uint8_t *)(uintptr_t)r3, (uint32_t)r4, (uint32_t)r5);
}

/* bpf_get_numa_node_id: and on NUMA node 0 */
INLINE_HELPER(0042)
{
	return 0;
}

/* bpf_spin_lock: native runs are unchecked, as the runtime's helper
 * there (the verifier proved the lock is a map value's) */
INLINE_HELPER(0093)
{
	rt_inl_spin_lock((uint32_t *)(uintptr_t)r1);
	return 0;
}

/* bpf_spin_unlock */
INLINE_HELPER(0094)
{
	rt_inl_spin_unlock((uint32_t *)(uintptr_t)r1);
	return 0;
}

/* bpf_jiffies64 */
INLINE_HELPER(0118)
{
	return rt_inl_jiffies64();
}

/* bpf_probe_read_user: user space is the only memory here */
INLINE_HELPER(0112)
{
	return probe_read(r1, r2, r3);
}

/* bpf_probe_read_kernel: and so is "kernel" memory */
INLINE_HELPER(0113)
{
	return probe_read(r1, r2, r3);
}

/* bpf_probe_read_user_str */
INLINE_HELPER(0114)
{
	return probe_read_str(r1, r2, r3);
}

/* bpf_probe_read_kernel_str */
INLINE_HELPER(0115)
{
	return probe_read_str(r1, r2, r3);
}

/* bpf_ktime_get_boot_ns */
INLINE_HELPER(0125)
{
	return rt_inl_clock_ns(CLOCK_BOOTTIME);
}

/* bpf_ktime_get_coarse_ns */
INLINE_HELPER(0160)
{
	return rt_inl_clock_ns(CLOCK_MONOTONIC_COARSE);
}

/* bpf_strncmp(s1, s1_sz, s2): s2 NULL is the one pointer the out-of-line
 * helper refuses unchecked */
INLINE_HELPER(0182)
{
	if (!r3)
		return (uint64_t)-RT_INL_EFAULT;
	return rt_inl_strncmp((const unsigned char *)(uintptr_t)r1, (uint32_t)r2,
			      (const unsigned char *)(uintptr_t)r3);
}

/* bpf_loop(nr_loops, callback, ctx, flags): the kernel's order of checks
 * (kernel/bpf/bpf_iter.c), then a plain loop; a non-zero return of the
 * callback stops it, counted */
INLINE_HELPER(0181)
{
	uint32_t nr = (uint32_t)r1, i;

	if (r4)
		return (uint64_t)-RT_INL_EINVAL;
	if (nr > RT_INL_MAX_LOOPS)
		return (uint64_t)-RT_INL_E2BIG;
	for (i = 0; i < nr; i++)
		if (((callback_fn)(uintptr_t)r2)(i, r3, 0, 0, 0))
			return (uint64_t)i + 1;
	return i;
}

/* bpf_ktime_get_tai_ns */
INLINE_HELPER(0208)
{
	return rt_inl_clock_ns(CLOCK_TAI);
}

/* ------------------------------------------------------------ hash maps */

extern uint64_t map_lookup_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
	__asm__(BPFAOT_HELPER_PREFIX "0001");

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

/* len bytes at a and b are equal: 8 at a time, then the tail as one word
 * (len is the call's constant, so this unrolls to a few compares) */
static inline int key_eq(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint64_t x = 0, y = 0;

	for (; len >= 8; a += 8, b += 8, len -= 8) {
		__builtin_memcpy(&x, a, 8);
		__builtin_memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	if (!len)
		return 1;
	x = y = 0;
	__builtin_memcpy(&x, a, len);
	__builtin_memcpy(&y, b, len);
	return x == y;
}

/*
 * bpf_map_lookup_elem(&M, key) on a hash map M (plain, per-CPU, LRU), in
 * the program: the walk of runtime/map.c's htab_find() over the map's view
 * (struct bpfaot_htab, abi.h: the source rewrite passes
 * __bpfaot_htab_v1_M and M's key size, a constant, so the hash and the
 * compares unroll), the same hash (rt_inl_htab_hash()), so the same
 * element, as the helper finds; in an LRU map the element found becomes
 * the most recently used, as the helper's lru_touch() does (the same
 * rt_inl_lru_touch()). A map whose walks take a lock (in shared memory) is
 * the helper's.
 */
__attribute__((always_inline)) void *__bpfaot_inline_htab_lookup(const void *view, const void *key,
								  uint32_t key_size);
__attribute__((always_inline)) void *__bpfaot_inline_htab_lookup(const void *view, const void *key,
								  uint32_t key_size)
{
	const struct bpfaot_htab *h = view;
	uint32_t hash, idx;

	if (__builtin_expect(h->slow, 0))
		return (void *)(uintptr_t)map_lookup_helper((uintptr_t)h->map, (uintptr_t)key, 0, 0, 0);
	hash = rt_inl_htab_hash(key, key_size);
	for (idx = h->buckets[hash & h->bucket_mask]; idx;) {
		const uint8_t *n = h->nodes + (size_t)(idx - 1) * h->node_size;

		if (load32(n + BPFAOT_HTAB_NODE_HASH) == hash &&
		    key_eq(n + BPFAOT_HTAB_NODE_KEY, key, key_size)) {
			if (h->lru)
				rt_inl_lru_touch(h->nodes, h->node_size, h->lru, idx - 1);
			return h->values + (size_t)(idx - 1) * h->value_stride + h->cpu_off;
		}
		idx = load32(n + BPFAOT_HTAB_NODE_NEXT);
	}
	return (void *)0;
}

/* bpf_map_lookup_elem(&M, key) on a BPF_MAP_TYPE_PERCPU_ARRAY map M of
 * max_entries entries (the call's constant): the value of the CPU the
 * program runs on, as runtime/map.c's rt_map__lookup() finds it. */
__attribute__((always_inline)) void *
__bpfaot_inline_pcpu_array_lookup(const void *view, const void *key, uint32_t max_entries);
__attribute__((always_inline)) void *
__bpfaot_inline_pcpu_array_lookup(const void *view, const void *key, uint32_t max_entries)
{
	const struct bpfaot_pcpu_array *a = view;
	uint32_t idx = load32(key);

	if (idx >= max_entries)
		return (void *)0;
	return a->values + (size_t)idx * a->value_stride + a->cpu_off;
}

/* ------------------------------------------------------ queue and stack */

/*
 * bpf_map_push_elem(&M, value, flags), bpf_map_pop_elem(&M, value) and
 * bpf_map_peek_elem(&M, value) on a queue or stack map M, in the program:
 * the runtime's own ring code (rt_inl_queue_push(), rt_inl_queue_take()
 * of rt_inline.h) over the map's view (struct bpfaot_queue, abi.h), with
 * the value size and whether M is a stack constants of the call, so the
 * copy is a load and a store.
 */
__attribute__((always_inline)) long __bpfaot_inline_queue_push(const void *view, const void *value,
								uint64_t flags, uint32_t value_size);
__attribute__((always_inline)) long __bpfaot_inline_queue_push(const void *view, const void *value,
								uint64_t flags, uint32_t value_size)
{
	const struct bpfaot_queue *q = view;

	return rt_inl_queue_push(q->q, q->size, q->values, q->value_stride, value, value_size,
				 flags);
}

/* pop (remove 1) and peek (remove 0); stack: M is a BPF_MAP_TYPE_STACK */
__attribute__((always_inline)) long __bpfaot_inline_queue_take(const void *view, void *value,
								uint32_t value_size, int stack,
								int remove);
__attribute__((always_inline)) long __bpfaot_inline_queue_take(const void *view, void *value,
								uint32_t value_size, int stack,
								int remove)
{
	const struct bpfaot_queue *q = view;

	return rt_inl_queue_take(q->q, q->size, q->values, q->value_stride, value, value_size,
				 stack, remove);
}
