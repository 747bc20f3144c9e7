/* SPDX-License-Identifier: MIT */
/*
 * The computing core of the helpers that native code may inline, written
 * once for two consumers: the runtime's out-of-line helpers (helpers.c,
 * helpers_net.c, helpers_trace.c, map.c) and the inlinable helper bodies
 * of runtime/inline/helpers.c, which the build compiles to LLVM bitcode
 * for bpfaot-cc to link into each program before -O3. Both run this very
 * code, so an inlined helper gives the out-of-line helper's answer
 * (interp's) by construction.
 *
 * Freestanding: static inline functions over plain memory and no run
 * state; what a helper needs from the run (the packet's bounds) comes in as
 * arguments. The one C library function is clock_gettime(), which the
 * runtime's linker provides to native code (BPFAOT_LIBC_FUNCS, abi.h).
 */
#ifndef BPFAOT_RT_INLINE_H
#define BPFAOT_RT_INLINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <linux/bpf.h>

#include "bpfaot/abi.h"

#define RT_INL_ENOTSUPP 524	/* the kernel's internal "not supported", seen by programs */
#define RT_INL_EINVAL 22
#define RT_INL_EFAULT 14
#define RT_INL_E2BIG 7
#define RT_INL_ENOENT 2
#define RT_INL_CSUM_MANGLED_0 0xffff
/* BPF_MAX_LOOPS in kernel/bpf/bpf_iter.c */
#define RT_INL_MAX_LOOPS (1u << 23)
/* xorshift64*'s state when none was set: a zero state would stay zero */
#define RT_INL_PRANDOM_SEED 0x9e3779b97f4a7c15ull

#ifndef BPF_F_IPV6
#define BPF_F_IPV6 (1ULL << 7)	/* newer than the uapi headers we build against */
#endif

/* --------------------------------------------------------------- hash maps */

/* The hash of a hash map's key: deterministic (BPF_F_ZERO_SEED-like) so
 * that iteration order is reproducible across engines and runs. Part of
 * the native ABI (BPFAOT_HTAB_PREFIX, abi.h): changing it changes "v1". */
static inline uint32_t rt_inl_htab_hash(const void *key, uint32_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	while (len >= 8) {
		__builtin_memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		__builtin_memcpy(&w, p, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* The exact LRU list of an LRU hash map (runtime/map.c): element i's node
 * at nodes + i * node_size holds the u32 links to the more and the less
 * recently used element (index + 1, 0 at the ends; abi.h's offsets), and
 * lru[0], lru[1] are the most and the least recently used element. */
static inline uint32_t *rt_inl_lru_link(uint8_t *nodes, uint64_t node_size, uint32_t idx,
					unsigned int off)
{
	return (uint32_t *)(nodes + (size_t)idx * node_size + off);
}

static inline void rt_inl_lru_unlink(uint8_t *nodes, uint64_t node_size, uint32_t *lru, uint32_t idx)
{
	uint32_t *prev = rt_inl_lru_link(nodes, node_size, idx, BPFAOT_HTAB_NODE_LRU_PREV);
	uint32_t *next = rt_inl_lru_link(nodes, node_size, idx, BPFAOT_HTAB_NODE_LRU_NEXT);

	if (*prev)
		*rt_inl_lru_link(nodes, node_size, *prev - 1, BPFAOT_HTAB_NODE_LRU_NEXT) = *next;
	else
		lru[0] = *next;
	if (*next)
		*rt_inl_lru_link(nodes, node_size, *next - 1, BPFAOT_HTAB_NODE_LRU_PREV) = *prev;
	else
		lru[1] = *prev;
	*prev = *next = 0;
}

static inline void rt_inl_lru_push_front(uint8_t *nodes, uint64_t node_size, uint32_t *lru,
					 uint32_t idx)
{
	*rt_inl_lru_link(nodes, node_size, idx, BPFAOT_HTAB_NODE_LRU_PREV) = 0;
	*rt_inl_lru_link(nodes, node_size, idx, BPFAOT_HTAB_NODE_LRU_NEXT) = lru[0];
	if (lru[0])
		*rt_inl_lru_link(nodes, node_size, lru[0] - 1, BPFAOT_HTAB_NODE_LRU_PREV) = idx + 1;
	else
		lru[1] = idx + 1;
	lru[0] = idx + 1;
}

/* Element idx becomes the most recently used. */
static inline void rt_inl_lru_touch(uint8_t *nodes, uint64_t node_size, uint32_t *lru, uint32_t idx)
{
	if (lru[0] == idx + 1)
		return;
	rt_inl_lru_unlink(nodes, node_size, lru, idx);
	rt_inl_lru_push_front(nodes, node_size, lru, idx);
}

/* --------------------------------------------------------------- time */

/* bpf_jiffies64 needs the kernel's HZ, which user space cannot read
 * (sysconf(_SC_CLK_TCK) is USER_HZ). 250 is Debian's CONFIG_HZ. The kernel
 * starts jiffies at INITIAL_JIFFIES (-300 s, as an unsigned 32-bit value) so
 * that wrap-around bugs show early; we keep that offset. */
#define RT_INL_HZ 250
#define RT_INL_INITIAL_JIFFIES ((uint64_t)(uint32_t)(-300 * RT_INL_HZ))

/* The clock in ns, 0 if it cannot be read. */
static inline uint64_t rt_inl_clock_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t rt_inl_jiffies64(void)
{
	return RT_INL_INITIAL_JIFFIES +
	       rt_inl_clock_ns(CLOCK_MONOTONIC_COARSE) / (1000000000ull / RT_INL_HZ);
}

/* ------------------------------------------------------- checksums */

/* include/net/checksum.h and arch/x86/include/asm/checksum_64.h */
static inline uint32_t rt_inl_csum_add(uint32_t csum, uint32_t addend)
{
	uint32_t res = csum + addend;

	return res + (res < addend);
}

static inline uint32_t rt_inl_csum_sub(uint32_t csum, uint32_t addend)
{
	return rt_inl_csum_add(csum, ~addend);
}

static inline uint16_t rt_inl_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline uint16_t rt_inl_csum16_add(uint16_t csum, uint16_t addend)
{
	uint16_t res = (uint16_t)(csum + addend);

	return (uint16_t)(res + (res < addend));
}

static inline uint16_t rt_inl_csum16_sub(uint16_t csum, uint16_t addend)
{
	return rt_inl_csum16_add(csum, (uint16_t)~addend);
}

/*
 * arch/x86/lib/csum-partial_64.c: little-endian 64-bit words added with
 * end-around carry, the 1..7 trailing bytes zero-extended into one more
 * word, then folded to 32 bits with carry. The order of additions does not
 * change the result (one's complement addition is associative and never
 * yields 0 from non-zero input), so a plain loop matches the kernel's
 * unrolled 40- and 80-byte blocks.
 */
static inline uint32_t rt_inl_csum_partial(const uint8_t *p, size_t len, uint32_t seed)
{
	uint64_t sum = seed, w, r;

	for (; len >= 8; p += 8, len -= 8) {
		__builtin_memcpy(&w, p, 8);
		sum += w;
		sum += sum < w;
	}
	if (len) {
		w = 0;
		__builtin_memcpy(&w, p, len);
		sum += w;
		sum += sum < w;
	}
	r = sum + (sum >> 32 | sum << 32);
	return (uint32_t)(r >> 32);
}

/* bpf_csum_diff after the pointer checks. Since Linux 6.13 the result is
 * folded to 16 bits on every arch. */
static inline uint64_t rt_inl_csum_diff(const uint8_t *from, uint32_t from_size, const uint8_t *to,
					uint32_t to_size, uint32_t seed)
{
	uint32_t ret = seed;

	if (from_size && to_size)
		ret = rt_inl_csum_sub(rt_inl_csum_partial(to, to_size, ret),
				      rt_inl_csum_partial(from, from_size, 0));
	else if (to_size)
		ret = rt_inl_csum_partial(to, to_size, ret);
	else if (from_size)
		ret = ~rt_inl_csum_partial(from, from_size, ~ret);
	ret += ret >> 16 | ret << 16;
	return (uint16_t)(ret >> 16);
}

/* csum_replace for a 0 (by diff), 2 or 4 byte field of the packet
 * data[0..len) at offset: -EFAULT unless the field is even, within the
 * first 64 KiB and inside the packet; -EINVAL for another size. */
static inline int rt_inl_csum_apply(uint8_t *data, size_t len, uint32_t offset, uint64_t size,
				    uint64_t from, uint64_t to)
{
	uint16_t sum;

	if (offset > 0xffff || (offset & 1) || len < 2 || offset > len - 2)
		return -RT_INL_EFAULT;
	__builtin_memcpy(&sum, data + offset, sizeof(sum));
	switch (size) {
	case 0:
		if (from)
			return -RT_INL_EINVAL;
		sum = rt_inl_csum_fold(rt_inl_csum_add((uint32_t)to, ~(uint32_t)sum));
		break;
	case 2:
		sum = (uint16_t)~rt_inl_csum16_add(rt_inl_csum16_sub((uint16_t)~sum, (uint16_t)from),
						   (uint16_t)to);
		break;
	case 4:
		sum = rt_inl_csum_fold(
			rt_inl_csum_add(rt_inl_csum_sub(~(uint32_t)sum, (uint32_t)from), (uint32_t)to));
		break;
	default:
		return -RT_INL_EINVAL;
	}
	__builtin_memcpy(data + offset, &sum, sizeof(sum));
	return 0;
}

/* bpf_l3_csum_replace on the packet data[0..len). */
static inline uint64_t rt_inl_l3_csum_replace(uint8_t *data, size_t len, uint32_t offset,
					      uint64_t from, uint64_t to, uint64_t flags)
{
	if (flags & ~(uint64_t)BPF_F_HDR_FIELD_MASK)
		return (uint64_t)-RT_INL_EINVAL;
	return (uint64_t)(int64_t)rt_inl_csum_apply(data, len, offset,
						     flags & BPF_F_HDR_FIELD_MASK, from, to);
}

/*
 * bpf_l4_csum_replace on the packet data[0..len). BPF_F_PSEUDO_HDR only
 * matters for CHECKSUM_COMPLETE/PARTIAL skbs, so it is accepted and has no
 * further effect, as in a kernel test run (a linear CHECKSUM_NONE skb).
 */
static inline uint64_t rt_inl_l4_csum_replace(uint8_t *data, size_t len, uint32_t offset,
					      uint64_t from, uint64_t to, uint64_t flags)
{
	const uint64_t valid = BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR |
			       BPF_F_HDR_FIELD_MASK | BPF_F_IPV6;
	int mangled0 = !!(flags & BPF_F_MARK_MANGLED_0), enforce = !!(flags & BPF_F_MARK_ENFORCE);
	uint16_t sum;
	int err;

	if (flags & ~valid)
		return (uint64_t)-RT_INL_EINVAL;
	if (offset > 0xffff || (offset & 1) || len < 2 || offset > len - 2)
		return (uint64_t)-RT_INL_EFAULT;
	__builtin_memcpy(&sum, data + offset, sizeof(sum));
	/* a zero UDP checksum means "none": leave it alone unless enforced */
	if (mangled0 && !enforce && !sum)
		return 0;
	err = rt_inl_csum_apply(data, len, offset, flags & BPF_F_HDR_FIELD_MASK, from, to);
	if (err)
		return (uint64_t)(int64_t)err;
	__builtin_memcpy(&sum, data + offset, sizeof(sum));
	if (mangled0 && !sum) {
		sum = RT_INL_CSUM_MANGLED_0;
		__builtin_memcpy(data + offset, &sum, sizeof(sum));
	}
	return 0;
}

/* bpf_skb_load_bytes(skb, offset, to, n) on the packet data[0..len): 0, or
 * -EFAULT with `to` cleared when [offset, offset + n) is not inside the
 * packet or offset is above INT_MAX (net/core/filter.c). */
static inline uint64_t rt_inl_skb_load_bytes(const uint8_t *data, size_t len, uint32_t offset,
					     void *to, uint32_t n)
{
	if (offset > 0x7fffffff || offset > len || n > len - offset) {
		if (n)
			__builtin_memset(to, 0, n);
		return (uint64_t)-RT_INL_EFAULT;
	}
	if (n) /* no NULL + 0 in C, even for an empty packet */
		__builtin_memcpy(to, data + offset, n);
	return 0;
}

/* bpf_skb_store_bytes(skb, offset, from, n, flags) on the packet
 * data[0..len): a linear CHECKSUM_NONE skb has no csum to recompute and
 * no hash to clear, so both flags are accepted and do nothing; any other
 * flag is -EINVAL, a range outside the packet -EFAULT. */
static inline uint64_t rt_inl_skb_store_bytes(uint8_t *data, size_t len, uint32_t offset,
					      const void *from, uint32_t n, uint64_t flags)
{
	if (flags & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
		return (uint64_t)-RT_INL_EINVAL;
	if (offset > 0x7fffffff || offset > len || n > len - offset)
		return (uint64_t)-RT_INL_EFAULT;
	if (n)
		__builtin_memmove(data + offset, from, n);
	return 0;
}

/* -------------------------------------------------------- queue and stack */

/* The ring of a queue or stack map (struct bpfaot_queue, abi.h): size
 * slots stride bytes apart at values, q[0] the next push's slot, q[1] the
 * oldest element's. */

/* bpf_map_push_elem: -EINVAL for BPF_NOEXIST or an unknown flag; when
 * full, -E2BIG, or with BPF_EXIST the oldest element makes room (queue
 * and stack alike, as queue_stack_map_push_elem()). */
static inline int rt_inl_queue_push(uint32_t *q, uint32_t size, uint8_t *values, uint64_t stride,
				    const void *value, uint32_t value_size, uint64_t flags)
{
	uint32_t next;

	if ((flags & BPF_NOEXIST) || flags > BPF_EXIST)
		return -RT_INL_EINVAL;
	next = q[0] + 1 == size ? 0 : q[0] + 1;
	if (next == q[1]) {
		if (!(flags & BPF_EXIST))
			return -RT_INL_E2BIG;
		q[1] = q[1] + 1 == size ? 0 : q[1] + 1;
	}
	__builtin_memcpy(values + (size_t)q[0] * stride, value, value_size);
	q[0] = next;
	return 0;
}

/* bpf_map_pop_elem (remove) and bpf_map_peek_elem: the oldest element of
 * a queue, the newest of a stack, copied to value; -ENOENT when empty. */
static inline int rt_inl_queue_take(uint32_t *q, uint32_t size, const uint8_t *values,
				    uint64_t stride, void *value, uint32_t value_size, int stack,
				    int remove)
{
	uint32_t idx;

	if (q[0] == q[1])
		return -RT_INL_ENOENT;
	if (stack) {
		idx = q[0] ? q[0] - 1 : size - 1;
		if (remove)
			q[0] = idx;
	} else {
		idx = q[1];
		if (remove)
			q[1] = idx + 1 == size ? 0 : idx + 1;
	}
	__builtin_memcpy(value, values + (size_t)idx * stride, value_size);
	return 0;
}

/* ---------------------------------------------------------- strings */

/* bpf_strncmp after the pointer checks: -1, 0 or 1 (the kernel's sign). */
static inline uint64_t rt_inl_strncmp(const unsigned char *s1, uint32_t n, const unsigned char *s2)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (s1[i] != s2[i])
			return s1[i] < s2[i] ? (uint64_t)-1 : 1;
		if (!s1[i])
			break;
	}
	return 0;
}

/* ------------------------------------------------------ probe_read */

/*
 * %rax while an inlined bpf_probe_read* copies with `rep movsb` ("bpfprobe"
 * in ASCII): a fault of that instruction with this value is the helper's
 * -EFAULT, not the run's. runtime/fault.c resumes after the instruction
 * with %rax = 0, and the inlined code then clears the destination and
 * returns -EFAULT, as the runtime's helper does when process_vm_readv()
 * fails (the kernel's exception-table fixup, in small).
 */
#define RT_INL_PROBE_MAGIC 0x65626f7270667062ull

/*
 * strncpy_from_kernel_nofault() over copy, which reads len bytes or fails
 * (0 or -EFAULT): copies at most count bytes, stops after the NUL, always
 * terminates. Returns the length copied including the NUL (count when
 * truncated) or -EFAULT, leaving dst[0] = 0 then. Reads page by page so
 * that a string ending just before an unmapped page works.
 */
static inline int64_t rt_inl_strncpy_nofault(char *dst, uintptr_t src, size_t count,
					     int (*copy)(void *dst, const void *src, size_t len))
{
	size_t done = 0, i;

	if (!count)
		return 0;
	while (done < count) {
		size_t chunk = 4096 - ((src + done) & 4095);

		if (chunk > count - done)
			chunk = count - done;
		if (copy(dst + done, (const void *)(src + done), chunk)) {
			dst[0] = 0;
			return -RT_INL_EFAULT;
		}
		for (i = 0; i < chunk; i++)
			if (!dst[done + i])
				return (int64_t)(done + i + 1);
		done += chunk;
	}
	dst[count - 1] = 0;
	return (int64_t)count;
}

/* ------------------------------------------------------ spin locks */

/* struct bpf_spin_lock is one u32: 0 free, 1 held. Test and test-and-set:
 * the same protocol wherever the lock is taken (helpers, inlined native
 * code, the host's BPF_F_LOCK copies), so they exclude each other. */
static inline void rt_inl_spin_lock(uint32_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
		}
	}
}

/* Takes the lock within about spins attempts; 0 if it stayed held. */
static inline int rt_inl_spin_trylock(uint32_t *l, unsigned long spins)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
		if (!spins--)
			return 0;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	return 1;
}

static inline void rt_inl_spin_unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* --------------------------------------------------- random numbers */

/*
 * bpf_get_prandom_u32: xorshift64* on the run's state, reproducible for a
 * given seed (each run starts from RT_INL_PRANDOM_SEED), which the kernel's
 * per-CPU prandom is not. Returns the next state; the value is
 * rt_inl_prandom_value() of it.
 */
static inline uint64_t rt_inl_prandom_next(uint64_t x)
{
	x = x ? x : RT_INL_PRANDOM_SEED;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x;
}

static inline uint32_t rt_inl_prandom_value(uint64_t x)
{
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

#endif /* BPFAOT_RT_INLINE_H */
