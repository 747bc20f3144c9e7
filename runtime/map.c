// SPDX-License-Identifier: MIT
/*
 * BPF maps for every engine, with the semantics of the kernel's bpf(2) map
 * code as the reference: array, hash, the per-CPU and LRU variants, ring
 * buffer, perf event array, prog array, maps of maps, queue, stack and the
 * device maps.
 *
 * Storage. Each map's storage is preallocated in one zeroed allocation, so
 * that every pointer a program can get lies in one range (rt_map__region),
 * which is what the interpreter checks pointers against. Values start on
 * 8-byte boundaries and each value slot is round_up(value_size, 8) bytes.
 * Hash maps keep their values in a separate part of that allocation from
 * the chain links and keys, so a stray write through a value pointer that
 * the bounds check allows can only reach other values, never the table.
 * Every link in the allocation holds "index + 1" so that zeroed memory is an
 * empty table: a huge map costs address space, not touched pages.
 *
 * Per-CPU maps. rt_map__nr_cpus() is libbpf_num_possible_cpus() for every
 * map, so user-side values of per-CPU maps have the bpf(2)/bpftool layout:
 * nr_cpus slots of round_up(value_size, 8) bytes, CPU 0 first. A program
 * runs "on" the CPU chosen with rt_map__set_cpu() (default 0; out-of-range
 * values are ignored): program-side lookup returns that CPU's slot and
 * program-side update writes only that slot. A new per-CPU hash element
 * created from the program side has the other CPUs' slots zeroed, as the
 * kernel's pcpu_init_value() does. BPF_F_CURRENT_CPU in perf output and
 * ring buffers means that CPU too.
 *
 * Program side vs user side. For maps that are not per-CPU both sides share
 * the value layout and the same update code; what differs follows the
 * kernel: queue/stack update is a push from user space and -EINVAL from a
 * program, user-side lookup of a queue/stack is a peek, user-side lookup of
 * a prog array or map of maps returns the stored id while the program-side
 * lookup returns the object, user-side lookups do not refresh LRU order
 * (htab_lru_map_lookup_elem_sys). There is no user-side delete in the
 * interface; rt_map__delete serves both.
 *
 * A program's update of an existing key swaps in a fresh element, as the
 * kernel does (htab_map_update_elem): the new one goes to the head of its
 * bucket and the old one stays valid memory, so a write through a pointer
 * the program still holds is lost, as in the kernel. A hash map has one
 * spare element beyond max_entries, as the kernel's per-CPU extra element
 * (alloc_htab_elem): an update takes the spare and the replaced element
 * becomes the spare, so updates never use up room that new keys need and
 * every other update of the same key reuses the element a stale pointer
 * points at, exactly as on one CPU of the kernel. An LRU hash swaps in a
 * free element when there is one and frees the old one at once (the
 * kernel's htab_lru_push_free), and otherwise updates in place: it never
 * evicts for an existing key (the kernel may, from its per-CPU free lists).
 * Updates from user space, with BPF_F_LOCK, of per-CPU, map-of-maps and
 * devmap hashes, and of maps in shared memory replace values in place (the
 * kernel does too for BPF_F_LOCK and per-CPU values; user space holds no
 * pointers).
 * BPF_F_NO_PREALLOC and BPF_F_MMAPABLE are accepted (storage is always
 * preallocated and contiguous); the access flags (BPF_F_RDONLY_PROG, ...)
 * are checked for consistency but left to the verifier to enforce, as the
 * interface carries no caller identity. Plain copies skip the
 * bpf_spin_lock field, as copy_map_value() does; BPF_F_LOCK copies under it.
 *
 * LRU hash. One exact least-recently-used list per map: inserts, updates
 * and program-side lookups move the element to the front; an insert into a
 * full map evicts the back. The kernel approximates this with per-CPU free
 * lists and reference bits and may evict a little before the map is full;
 * here eviction happens only when all max_entries are in use, and flag
 * errors (-EEXIST, -ENOENT) are detected before anything is evicted.
 * BPF_F_NO_COMMON_LRU is accepted and behaves like the common list.
 *
 * Ring buffer. The data area (max_entries bytes) is a memfd mapped twice,
 * back to back, as the kernel maps its pages twice: a record that wraps
 * past the end is still contiguous in memory, and rt_map__region reports
 * both copies. Records carry the kernel's 8-byte header (u32 len with
 * BPF_RINGBUF_BUSY_BIT and BPF_RINGBUF_DISCARD_BIT, u32 pg_off, here the
 * page offset from the start of the data area) and are 8-byte aligned.
 * Space checks are the kernel's: a reservation fails when the producer
 * would get more than size - 1 bytes ahead of the consumer.
 *
 * Perf event array. Every slot behaves as if a perf buffer were attached
 * (user-side updates store the value but are not needed); records go to a
 * per-slot queue of at most RT_PERF_BUF_MAX bytes (-ENOSPC when full, as a
 * full perf ring) that rt_perfbuf__consume drains, slot 0 first. A perf event array created
 * with max_entries 0 gets one slot per CPU, as libbpf sizes it; rt_map__def
 * shows the adjusted value.
 *
 * Prog arrays and maps of maps store u32 ids; the resolver set by
 * rt_map__set_ptr_resolver() turns an id into the object. When a resolver
 * is set, a user-side update with an id it does not know fails with -EBADF
 * (the kernel's bad fd). The resolver is untyped, so the inner map's layout
 * cannot be checked against the template here; the loader must.
 *
 * Concurrency: a map is used by one thread at a time, except that
 * bpf_spin_lock fields and ring buffer records follow the kernel's atomics,
 * and that a map moved into shared memory (rt_map__share, shm.c) takes its
 * robust process-shared lock around hash operations.
 *
 * Bookkeeping. The mutable state beside values and table (free list,
 * counts, LRU ends, queue ends, the lock) is struct map_state at the start
 * of the one allocation, so the whole map moves to shared memory at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bpfaot/abi.h"
#include "rt_inline.h"
#include "rt_internal.h"

/* Kernel limits mirrored so that layouts the kernel refuses fail here too. */
#define RT_KMALLOC_MAX_SIZE (4u << 20)	  /* KMALLOC_MAX_SIZE on x86-64 */
#define RT_PCPU_MIN_UNIT_SIZE (32u << 10) /* PCPU_MIN_UNIT_SIZE */
#define RT_HTAB_ELEM_SZ 48u		  /* sizeof(struct htab_elem) */
#define RT_MAX_BPF_STACK 512u
#define RT_RINGBUF_MAX_RECORD_SZ (UINT32_MAX / 4)
/* The kernel's old map cost limit (U32_MAX - PAGE_SIZE): storage beyond it is -E2BIG. */
#define RT_MAP_MAX_BYTES ((uint64_t)UINT32_MAX - 4096)
/* Pending bytes per perf event array slot, a 64-page perf ring. */
#define RT_PERF_BUF_MAX (256u << 10)

#define ACCESS_FLAGS (BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define HTAB_FLAGS                                                                                 \
	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | ACCESS_FLAGS | BPF_F_ZERO_SEED)

enum map_kind {
	KIND_ARRAY,	/* every index holds a value */
	KIND_SLOTS,	/* array whose slots may be empty: fd arrays, devmap */
	KIND_HASH,
	KIND_QUEUE,	/* queue and stack */
	KIND_RINGBUF,
	KIND_PERF,	/* slots plus per-slot record queues */
};

enum {
	MT_PERCPU = 1 << 0,
	MT_LRU = 1 << 1,
	MT_ID = 1 << 2,		/* values are ids the resolver turns into objects */
	MT_INNER = 1 << 3,	/* map of maps: needs an inner template */
	MT_DEV = 1 << 4,	/* values are u32 ifindex or struct bpf_devmap_val */
	MT_STACK = 1 << 5,	/* LIFO queue */
	MT_LOCK_OK = 1 << 6,	/* may hold a bpf_spin_lock */
	MT_FD = 1 << 7,		/* values are fds of kernel objects a userspace run has
				 * no counterpart for (cgroups, AF_XDP sockets): kept as given */
	MT_STACKS = 1 << 8,	/* stack trace ids -> u64 ips, filled by bpf_get_stackid */
};

struct map_type_info {
	uint32_t type;
	enum map_kind kind;
	uint32_t flags;		/* MT_* */
	uint32_t create_flags;	/* map_flags accepted at creation */
};

static const struct map_type_info map_types[] = {
	{ BPF_MAP_TYPE_ARRAY, KIND_ARRAY, MT_LOCK_OK,
	  BPF_F_NUMA_NODE | BPF_F_MMAPABLE | ACCESS_FLAGS | BPF_F_INNER_MAP },
	{ BPF_MAP_TYPE_PERCPU_ARRAY, KIND_ARRAY, MT_PERCPU, BPF_F_NUMA_NODE | ACCESS_FLAGS },
	{ BPF_MAP_TYPE_HASH, KIND_HASH, MT_LOCK_OK, HTAB_FLAGS },
	{ BPF_MAP_TYPE_PERCPU_HASH, KIND_HASH, MT_PERCPU, HTAB_FLAGS },
	{ BPF_MAP_TYPE_LRU_HASH, KIND_HASH, MT_LRU, HTAB_FLAGS },
	{ BPF_MAP_TYPE_LRU_PERCPU_HASH, KIND_HASH, MT_LRU | MT_PERCPU, HTAB_FLAGS },
	{ BPF_MAP_TYPE_HASH_OF_MAPS, KIND_HASH, MT_ID | MT_INNER, HTAB_FLAGS },
	{ BPF_MAP_TYPE_DEVMAP_HASH, KIND_HASH, MT_DEV,
	  BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY },
	{ BPF_MAP_TYPE_PROG_ARRAY, KIND_SLOTS, MT_ID,
	  BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY },
	{ BPF_MAP_TYPE_ARRAY_OF_MAPS, KIND_SLOTS, MT_ID | MT_INNER,
	  BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY },
	{ BPF_MAP_TYPE_DEVMAP, KIND_SLOTS, MT_DEV, BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY },
	{ BPF_MAP_TYPE_PERF_EVENT_ARRAY, KIND_PERF, 0,
	  BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_PRESERVE_ELEMS },
	{ BPF_MAP_TYPE_QUEUE, KIND_QUEUE, 0, BPF_F_NUMA_NODE | ACCESS_FLAGS },
	{ BPF_MAP_TYPE_STACK, KIND_QUEUE, MT_STACK, BPF_F_NUMA_NODE | ACCESS_FLAGS },
	{ BPF_MAP_TYPE_RINGBUF, KIND_RINGBUF, 0, BPF_F_NUMA_NODE },
	{ BPF_MAP_TYPE_CGROUP_ARRAY, KIND_SLOTS, MT_FD,
	  BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY },
	{ BPF_MAP_TYPE_XSKMAP, KIND_SLOTS, MT_FD, BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY },
	{ BPF_MAP_TYPE_STACK_TRACE, KIND_SLOTS, MT_STACKS,
	  BPF_F_NUMA_NODE | BPF_F_STACK_BUILD_ID | ACCESS_FLAGS },
};

/* Chain and LRU links of one hash element; the key follows, 8-aligned.
 * next, hash, the LRU links and the key's offset are native ABI (abi.h,
 * "v1"). */
struct htab_node {
	uint32_t next;			/* bucket chain, index + 1 */
	uint32_t hash;
	uint32_t lru_prev, lru_next;	/* toward more / less recently used */
	/* set once key and value are written, cleared before unlinking: what
	 * a rebuild after a crash mid-update trusts (htab_rebuild) */
	uint32_t live;
	uint32_t pad;
};
_Static_assert(__builtin_offsetof(struct htab_node, next) == BPFAOT_HTAB_NODE_NEXT &&
		       __builtin_offsetof(struct htab_node, hash) == BPFAOT_HTAB_NODE_HASH &&
		       __builtin_offsetof(struct htab_node, lru_prev) == BPFAOT_HTAB_NODE_LRU_PREV &&
		       __builtin_offsetof(struct htab_node, lru_next) == BPFAOT_HTAB_NODE_LRU_NEXT &&
		       sizeof(struct htab_node) == BPFAOT_HTAB_NODE_KEY,
	       "struct htab_node is not the layout of abi.h's v1");

/*
 * What changes when a map changes, besides its values and table: at the
 * start of the map's storage, so that a map in shared memory (shm.c,
 * docs/shm-layout.md) shares it with the storage. Padded to
 * RT_MAP_STATE_SIZE so that the values after it stay 64-byte aligned.
 */
struct map_state {
	pthread_mutex_t lock;	/* shared hash maps: robust, process-shared */
	uint32_t nr_fresh;	/* hash elements [0, nr_fresh) were handed out once */
	uint32_t free_head;	/* deleted hash elements, index + 1, linked by next */
	uint32_t count;
	uint32_t lru_head, lru_tail;	/* most / least recently used, index + 1 */
	uint32_t q_head, q_tail;
	uint32_t spare;		/* hash maps: the spare element, index + 1 (0: max_entries) */
	/* set once native code has compiled in the contents (rt_map__freeze()):
	 * the host's updates are refused from then on, in every process */
	uint32_t frozen;
};
_Static_assert(sizeof(struct map_state) <= RT_MAP_STATE_SIZE, "map_state outgrew its room");
_Static_assert(__builtin_offsetof(struct map_state, lru_tail) ==
		       __builtin_offsetof(struct map_state, lru_head) + sizeof(uint32_t),
	       "lru_head, lru_tail are the lru[2] of rt_inline.h and abi.h");
_Static_assert(__builtin_offsetof(struct map_state, q_tail) ==
		       __builtin_offsetof(struct map_state, q_head) + sizeof(uint32_t),
	       "q_head, q_tail are the q[2] of rt_inline.h and abi.h");

struct perf_slot {
	uint8_t *buf;		/* records: u32 size, u32 0, data padded to 8 */
	size_t len, cap;
};

struct ringbuf_hdr {
	uint32_t len;
	uint32_t pg_off;
};

struct rt_map {
	struct rt_map_def def;		/* inner deep-copied, owned */
	const struct map_type_info *info;
	unsigned int nr_cpus;
	unsigned int cpu;
	uint32_t vsz;			/* round_up(value_size, 8) */
	uint32_t copies;		/* nr_cpus for per-CPU maps, else 1 */
	size_t val_stride;		/* copies * vsz */
	size_t cpu_off;			/* cpu * vsz for per-CPU maps, else 0 */

	uint8_t *mem;			/* the one allocation (not the ring buffer) */
	size_t mem_size;
	uint8_t *values;		/* program-visible values */
	size_t values_len;

	/* KIND_SLOTS, KIND_PERF */
	uint8_t *present;
	struct perf_slot *perf;

	/* KIND_HASH */
	uint8_t *nodes;
	size_t node_sz;
	uint32_t *buckets;		/* heads, index + 1 */
	uint32_t bucket_mask;
	struct bpfaot_htab view;	/* what inlined lookups walk (abi.h) */
	/* BPF_MAP_TYPE_PERCPU_ARRAY: what inlined lookups index (abi.h) */
	struct bpfaot_pcpu_array pcpu_view;
	struct bpfaot_queue queue_view;	/* what inlined push, pop and peek use */

	/* KIND_QUEUE: ring of max_entries + 1 slots, as the kernel */
	uint32_t q_size;

	/* the bookkeeping at the start of mem (NULL for ring buffers) */
	struct map_state *st;
	bool shared;			/* mem is in shared memory (shm.c) */

	/* KIND_RINGBUF */
	uint8_t *rb_data;		/* data area, mapped twice */
	uint64_t rb_size, rb_mask;
	uint64_t rb_cons, rb_prod;
	uint32_t rb_lock;		/* producers' bpf_spin_lock */
	unsigned int page_size;

	void *(*resolve)(void *cookie, uint32_t id);
	void *resolve_cookie;
};

static inline uint64_t round_up8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static const struct map_type_info *type_info(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(map_types) / sizeof(map_types[0]); i++)
		if (map_types[i].type == type)
			return &map_types[i];
	return NULL;
}

static const char *type_name(uint32_t type)
{
	const char *s = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	return s ? s : "unknown";
}

static bool map_has(const struct rt_map *map, uint32_t mt)
{
	return map->info->flags & mt;
}

static uint32_t read_u32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---------------------------------------------------------- spin locks */

/* The protocol is rt_inline.h's, which inlined native code uses too. */
void rt_spin_lock(void *lock)
{
	rt_inl_spin_lock(lock);
}

bool rt_spin_trylock(void *lock, unsigned long spins)
{
	return rt_inl_spin_trylock(lock, spins);
}

void rt_spin_unlock(void *lock)
{
	rt_inl_spin_unlock(lock);
}

/* ------------------------------------------------------ value copies */

/* copy_map_value(): the spin lock belongs to the destination and is kept. */
static void copy_value(const struct rt_map *map, void *dst, const void *src)
{
	int32_t off = map->def.spin_lock_off;
	uint32_t sz = map->def.value_size;

	if (off < 0) {
		memcpy(dst, src, sz);
		return;
	}
	memcpy(dst, src, (size_t)off);
	memcpy((uint8_t *)dst + off + 4, (const uint8_t *)src + off + 4, sz - (size_t)off - 4);
}

static void copy_value_locked(const struct rt_map *map, void *dst, const void *src)
{
	void *lock = (uint8_t *)dst + map->def.spin_lock_off;

	rt_spin_lock(lock);
	copy_value(map, dst, src);
	rt_spin_unlock(lock);
}

/* A value as user space sees it: the lock field reads as zero. */
static void copy_value_out(const struct rt_map *map, void *dst, const void *src)
{
	memcpy(dst, src, map->def.value_size);
	if (map->def.spin_lock_off >= 0)
		memset((uint8_t *)dst + map->def.spin_lock_off, 0, 4);
}

/* Stores one element's value(s): all CPUs from a user buffer, or the current one. */
static void store_value(const struct rt_map *map, uint8_t *slot, const void *value, uint64_t flags,
			bool all_cpus)
{
	unsigned int c;

	if (map_has(map, MT_PERCPU)) {
		if (!all_cpus) {
			memcpy(slot + map->cpu_off, value, map->def.value_size);
			return;
		}
		for (c = 0; c < map->copies; c++)
			memcpy(slot + (size_t)c * map->vsz, (const uint8_t *)value + (size_t)c * map->vsz,
			       map->vsz);
		return;
	}
	if (flags & BPF_F_LOCK)
		copy_value_locked(map, slot, value);
	else
		copy_value(map, slot, value);
}

static void load_value(const struct rt_map *map, void *value, const uint8_t *slot)
{
	if (map_has(map, MT_PERCPU))
		memcpy(value, slot, map->val_stride);
	else
		copy_value_out(map, value, slot);
}

/* ------------------------------------------------------------ creation */

static struct rt_map_def *dup_inner(const struct rt_map_def *src)
{
	struct rt_map_def *d;

	if (!src)
		return NULL;
	d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	*d = *src;
	d->inner = NULL;
	if (src->inner) {
		d->inner = dup_inner(src->inner);
		if (!d->inner) {
			free(d);
			return NULL;
		}
	}
	return d;
}

static void free_inner(struct rt_map_def *def)
{
	while (def) {
		struct rt_map_def *next = def->inner;

		free(def);
		def = next;
	}
}

/* Checks type, flags and layout as the kernel's map_alloc_check()s do. */
static int check_def(struct rt_map_def *def, const struct map_type_info *info,
		     unsigned int nr_cpus, struct rt_log *log)
{
	const char *name = def->name;
	const char *tn = type_name(def->type);
	uint32_t ks = def->key_size, vs = def->value_size;

	if (def->map_flags & ~info->create_flags) {
		rt_log__err(log, "map '%s': invalid map flags 0x%x for type '%s'", name,
			    def->map_flags & ~info->create_flags, tn);
		return -EINVAL;
	}
	if ((def->map_flags & (BPF_F_RDONLY | BPF_F_WRONLY)) == (BPF_F_RDONLY | BPF_F_WRONLY) ||
	    (def->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) ==
		    (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) {
		rt_log__err(log, "map '%s': conflicting read-only and write-only flags", name);
		return -EINVAL;
	}
	if (info->kind == KIND_HASH) {
		if ((def->map_flags & BPF_F_NO_COMMON_LRU) && !(info->flags & MT_LRU)) {
			rt_log__err(log, "map '%s': BPF_F_NO_COMMON_LRU needs an LRU map", name);
			return -EINVAL;
		}
		if ((def->map_flags & BPF_F_NO_PREALLOC) && (info->flags & MT_LRU)) {
			rt_log__err(log, "map '%s': LRU maps must be preallocated", name);
			return -ENOTSUP;
		}
	}
	if (info->kind == KIND_PERF && !def->max_entries)
		/* libbpf sizes a perf event array without max_entries to the CPUs */
		def->max_entries = nr_cpus;

	switch (info->kind) {
	case KIND_RINGBUF:
		if (ks || vs) {
			rt_log__err(log, "map '%s': ringbuf must have key and value size 0", name);
			return -EINVAL;
		}
		break;
	case KIND_QUEUE:
		if (ks) {
			rt_log__err(log, "map '%s': invalid key size %u for %s (must be 0)", name, ks,
				    tn);
			return -EINVAL;
		}
		break;
	case KIND_HASH:
		if (!ks) {
			rt_log__err(log, "map '%s': invalid key size 0 for %s", name, tn);
			return -EINVAL;
		}
		break;
	default:
		if (ks != 4) {
			rt_log__err(log, "map '%s': invalid key size %u for %s (must be 4)", name, ks,
				    tn);
			return -EINVAL;
		}
		break;
	}
	if (info->kind != KIND_RINGBUF && !vs) {
		rt_log__err(log, "map '%s': invalid value size 0", name);
		return -EINVAL;
	}
	if ((info->flags & (MT_ID | MT_FD)) || info->kind == KIND_PERF) {
		if (vs != 4) {
			rt_log__err(log, "map '%s': invalid value size %u for %s (must be 4)", name,
				    vs, tn);
			return -EINVAL;
		}
	}
	/* stack_map_alloc(): u64 ips, at most perf_event_max_stack (127) of them */
	if ((info->flags & MT_STACKS) && (vs < 8 || vs % 8 || vs / 8 > 127)) {
		rt_log__err(log, "map '%s': invalid value size %u for %s (8 to 1016, a multiple of 8)",
			    name, vs, tn);
		return -EINVAL;
	}
	if ((info->flags & MT_DEV) && vs != 4 && vs != sizeof(struct bpf_devmap_val)) {
		rt_log__err(log, "map '%s': invalid value size %u for %s (must be 4 or %zu)", name,
			    vs, tn, sizeof(struct bpf_devmap_val));
		return -EINVAL;
	}
	if (!def->max_entries) {
		rt_log__err(log, "map '%s': max_entries must not be 0", name);
		return -EINVAL;
	}
	if (info->kind == KIND_RINGBUF) {
		long pg = sysconf(_SC_PAGESIZE);

		if (!is_pow2(def->max_entries) || def->max_entries % (uint32_t)pg) {
			rt_log__err(log,
				    "map '%s': ringbuf size %u is not a power-of-2 multiple of the page size %ld",
				    name, def->max_entries, pg);
			return -EINVAL;
		}
	}
	if (info->kind == KIND_HASH && ks > RT_MAX_BPF_STACK) {
		rt_log__err(log, "map '%s': key size %u too large (max %u)", name, ks,
			    RT_MAX_BPF_STACK);
		return -E2BIG;
	}
	if (info->kind == KIND_HASH ? (uint64_t)ks + vs >= RT_KMALLOC_MAX_SIZE - RT_HTAB_ELEM_SZ
				    : vs > RT_KMALLOC_MAX_SIZE) {
		rt_log__err(log, "map '%s': value size %u too large", name, vs);
		return -E2BIG;
	}
	if ((info->flags & MT_PERCPU) && round_up8(vs) > RT_PCPU_MIN_UNIT_SIZE) {
		rt_log__err(log, "map '%s': per-CPU value size %u too large (max %u)", name, vs,
			    RT_PCPU_MIN_UNIT_SIZE);
		return -E2BIG;
	}
	if (def->spin_lock_off >= 0) {
		if (!(info->flags & MT_LOCK_OK)) {
			rt_log__err(log, "map '%s': bpf_spin_lock not supported in %s", name, tn);
			return -ENOTSUP;
		}
		if ((uint32_t)def->spin_lock_off % 4 ||
		    !rt_bounds_ok((uint32_t)def->spin_lock_off, 4, vs)) {
			rt_log__err(log, "map '%s': bad bpf_spin_lock offset %d", name,
				    def->spin_lock_off);
			return -EINVAL;
		}
	} else {
		def->spin_lock_off = -1;
	}
	if (info->flags & MT_INNER) {
		if (!def->inner) {
			rt_log__err(log, "map '%s': map of maps without an inner map template", name);
			return -EINVAL;
		}
		if (def->inner->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		    def->inner->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
			rt_log__err(log, "map '%s': more than one level of map of maps", name);
			return -ENOTSUP;
		}
	}
	return 0;
}

static int alloc_storage(struct rt_map *map, uint64_t size, struct rt_log *log)
{
	if (size > RT_MAP_MAX_BYTES) {
		rt_log__err(log, "map '%s': storage of %llu bytes too large", map->def.name,
			    (unsigned long long)size);
		return -E2BIG;
	}
	map->mem_size = RT_MAP_STATE_SIZE + (size_t)size;
	map->mem = calloc(1, map->mem_size);
	if (!map->mem) {
		rt_log__err(log, "map '%s': cannot allocate %llu bytes", map->def.name,
			    (unsigned long long)size);
		return -ENOMEM;
	}
	map->st = (struct map_state *)map->mem;
	return 0;
}

/* Layout: values | present flags | perf slots. */
static int array_init(struct rt_map *map, struct rt_log *log)
{
	uint64_t n = map->def.max_entries;
	uint64_t vals = n * map->val_stride;
	uint64_t pres = map->info->kind == KIND_ARRAY ? 0 : round_up8(n);
	uint64_t perf = map->info->kind == KIND_PERF ? n * sizeof(struct perf_slot) : 0;
	int err;

	err = alloc_storage(map, vals + pres + perf, log);
	if (err)
		return err;
	map->values = map->mem + RT_MAP_STATE_SIZE;
	map->values_len = (size_t)vals;
	if (pres)
		map->present = map->values + vals;
	if (perf)
		map->perf = (struct perf_slot *)(map->values + vals + pres);
	return 0;
}

/* Whether updates of an existing key swap in a fresh element (see the top
 * of the file); shared maps are known only later and update in place. */
static bool htab_swaps_kind(const struct rt_map *map)
{
	return !map_has(map, MT_PERCPU | MT_ID | MT_DEV);
}

/* Plain hash maps keep one spare element at index max_entries, as the
 * kernel's per-CPU extra element. */
static bool htab_has_spare(const struct rt_map *map)
{
	return htab_swaps_kind(map) && !map_has(map, MT_LRU);
}

static bool map_is_locked(const struct rt_map *map);

static bool is_htab_view_type(uint32_t type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The views of a map that inlined lookups read (abi.h), kept equal to the
 * map's own fields: set up at creation, again when the map moves into
 * shared memory (where hash walks take the lock, so only the helper may
 * look up) and when its CPU changes. */
static void views_update(struct rt_map *map)
{
	if (is_htab_view_type(map->def.type))
		map->view = (struct bpfaot_htab){
			.map = map,
			.slow = map_is_locked(map),
			.bucket_mask = map->bucket_mask,
			.buckets = map->buckets,
			.nodes = map->nodes,
			.node_size = map->node_sz,
			.values = map->values,
			.value_stride = map->val_stride,
			.cpu_off = map->cpu_off,
			.lru = map_has(map, MT_LRU) ? &map->st->lru_head : NULL,
		};
	if (map->def.type == BPF_MAP_TYPE_PERCPU_ARRAY)
		map->pcpu_view = (struct bpfaot_pcpu_array){
			.values = map->values,
			.value_stride = map->val_stride,
			.cpu_off = map->cpu_off,
		};
	if (map->info->kind == KIND_QUEUE)
		map->queue_view = (struct bpfaot_queue){
			.q = &map->st->q_head,
			.values = map->values,
			.value_stride = map->vsz,
			.size = map->q_size,
		};
}

const struct bpfaot_htab *rt_map__htab(const struct rt_map *map)
{
	return is_htab_view_type(map->def.type) ? &map->view : NULL;
}

const struct bpfaot_pcpu_array *rt_map__pcpu_array(const struct rt_map *map)
{
	return map->def.type == BPF_MAP_TYPE_PERCPU_ARRAY ? &map->pcpu_view : NULL;
}

const struct bpfaot_queue *rt_map__queue(const struct rt_map *map)
{
	return map->info->kind == KIND_QUEUE ? &map->queue_view : NULL;
}

/* Layout: values | nodes (links + key) | buckets; the nodes and values of
 * plain hash maps have one more element, the spare. */
static int htab_init(struct rt_map *map, struct rt_log *log)
{
	uint64_t n = map->def.max_entries, nb = 1;
	uint64_t vals, nodes;
	int err;

	/* roundup_pow_of_two(max_entries) buckets, as htab_map_alloc() */
	while (nb < n)
		nb <<= 1;
	map->node_sz = sizeof(struct htab_node) + (size_t)round_up8(map->def.key_size);
	if (htab_has_spare(map))
		n++;
	vals = n * map->val_stride;
	nodes = n * map->node_sz;
	err = alloc_storage(map, vals + nodes + nb * sizeof(uint32_t), log);
	if (err)
		return err;
	map->values = map->mem + RT_MAP_STATE_SIZE;
	map->values_len = (size_t)vals;
	map->nodes = map->values + vals;
	map->buckets = (uint32_t *)(map->nodes + nodes);
	map->bucket_mask = (uint32_t)(nb - 1);
	return 0;
}

static int queue_init(struct rt_map *map, struct rt_log *log)
{
	int err;

	map->q_size = map->def.max_entries + 1;
	err = alloc_storage(map, ((uint64_t)map->def.max_entries + 1) * map->vsz, log);
	if (err)
		return err;
	map->values = map->mem + RT_MAP_STATE_SIZE;
	return 0;
}

static int ringbuf_init(struct rt_map *map, struct rt_log *log)
{
	size_t sz = map->def.max_entries;
	int fd, err = 0;
	uint8_t *base;

	map->rb_size = sz;
	map->rb_mask = sz - 1;
	fd = memfd_create("bpfaot-ringbuf", MFD_CLOEXEC);
	if (fd < 0)
		goto out_err;
	if (ftruncate(fd, (off_t)sz))
		goto out_close;
	/* reserve 2 * sz of address space, then place the same pages in both halves */
	base = mmap(NULL, 2 * sz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		goto out_close;
	if (mmap(base, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
	    mmap(base + sz, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED)
		goto out_unmap;
	close(fd);
	map->rb_data = base;
	return 0;

out_unmap:
	err = -errno;
	munmap(base, 2 * sz);
out_close:
	err = err ? err : -errno;
	close(fd);
out_err:
	err = err ? err : -errno;
	rt_log__err(log, "map '%s': cannot map a %zu-byte ring buffer: %s", map->def.name, sz,
		    strerror(-err));
	return err;
}

struct rt_map *rt_map__new(const struct rt_map_def *def, struct rt_log *log)
{
	const struct map_type_info *info;
	struct rt_map *map;
	int ncpus, err;

	if (!def) {
		errno = EINVAL;
		return NULL;
	}
	map = calloc(1, sizeof(*map));
	if (!map) {
		rt_log__err(log, "map '%.*s': out of memory", (int)strnlen(def->name, 64), def->name);
		errno = ENOMEM;
		return NULL;
	}
	map->def = *def;
	map->def.name[sizeof(map->def.name) - 1] = '\0';
	map->def.inner = NULL;

	info = type_info(def->type);
	if (!info) {
		rt_log__err(log, "map '%s': unsupported map type '%s' (%u)", map->def.name,
			    type_name(def->type), def->type);
		err = -ENOTSUP;
		goto out_free_map;
	}
	map->info = info;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		rt_log__err(log, "map '%s': cannot get the number of possible CPUs", map->def.name);
		err = ncpus < 0 ? ncpus : -EINVAL;
		goto out_free_map;
	}
	map->nr_cpus = (unsigned int)ncpus;
	if (def->inner) {
		map->def.inner = dup_inner(def->inner);
		if (!map->def.inner) {
			rt_log__err(log, "map '%s': out of memory", map->def.name);
			err = -ENOMEM;
			goto out_free_map;
		}
	}
	err = check_def(&map->def, info, map->nr_cpus, log);
	if (err)
		goto out_free_inner;

	map->page_size = (unsigned int)sysconf(_SC_PAGESIZE);
	map->vsz = (uint32_t)round_up8(map->def.value_size);
	map->copies = (info->flags & MT_PERCPU) ? map->nr_cpus : 1;
	map->val_stride = (size_t)map->vsz * map->copies;

	switch (info->kind) {
	case KIND_ARRAY:
	case KIND_SLOTS:
	case KIND_PERF:
		err = array_init(map, log);
		break;
	case KIND_HASH:
		err = htab_init(map, log);
		break;
	case KIND_QUEUE:
		err = queue_init(map, log);
		break;
	case KIND_RINGBUF:
		err = ringbuf_init(map, log);
		break;
	}
	if (err)
		goto out_free_inner;
	views_update(map);
	return map;

out_free_inner:
	free_inner(map->def.inner);
out_free_map:
	free(map);
	errno = -err;
	return NULL;
}

void rt_map__free(struct rt_map *map)
{
	uint32_t i;

	if (!map)
		return;
	if (map->perf)
		for (i = 0; i < map->def.max_entries; i++)
			free(map->perf[i].buf);
	if (map->rb_data)
		munmap(map->rb_data, 2 * map->rb_size);
	if (!map->shared)
		free(map->mem);
	free_inner(map->def.inner);
	free(map);
}

const struct rt_map_def *rt_map__def(const struct rt_map *map)
{
	return &map->def;
}

const char *rt_map__name(const struct rt_map *map)
{
	return map->def.name;
}

unsigned int rt_map__nr_cpus(const struct rt_map *map)
{
	return map->nr_cpus;
}

void rt_map__set_cpu(struct rt_map *map, unsigned int cpu)
{
	if (cpu >= map->nr_cpus)
		return;
	map->cpu = cpu;
	map->cpu_off = map_has(map, MT_PERCPU) ? (size_t)cpu * map->vsz : 0;
	views_update(map);
}

size_t rt_map__user_value_size(const struct rt_map *map)
{
	if (map_has(map, MT_PERCPU))
		return map->val_stride;
	return map->def.value_size;
}

void rt_map__region(const struct rt_map *map, const void **start, size_t *len)
{
	switch (map->info->kind) {
	case KIND_ARRAY:
	case KIND_HASH:
		*start = map->values;
		*len = map->values_len;
		return;
	case KIND_SLOTS:
		/* devmap lookups return value pointers; ids are never handed out */
		if (map_has(map, MT_DEV | MT_FD)) {
			*start = map->values;
			*len = map->values_len;
			return;
		}
		break;
	case KIND_RINGBUF:
		*start = map->rb_data;
		*len = (size_t)(2 * map->rb_size);
		return;
	default:
		break;
	}
	*start = NULL;
	*len = 0;
}

bool rt_map__can_share(const struct rt_map *map)
{
	return (map->info->kind == KIND_ARRAY || map->info->kind == KIND_HASH) &&
	       !map_has(map, MT_ID) && !map_has(map, MT_DEV);
}

size_t rt_map__storage_size(const struct rt_map *map)
{
	return map->mem_size;
}

int rt_map__share(struct rt_map *map, void *mem, bool init)
{
	uint8_t *old = map->mem, *m = mem;

	if (!rt_map__can_share(map) || map->shared)
		return -EINVAL;
	if (init) {
		pthread_mutexattr_t attr;
		int err;

		memcpy(m, old, map->mem_size);
		err = pthread_mutexattr_init(&attr);
		if (!err)
			err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		if (!err)
			err = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
		if (!err)
			err = pthread_mutex_init(&((struct map_state *)m)->lock, &attr);
		pthread_mutexattr_destroy(&attr);
		if (err)
			return -err;
	}
	/* the same layout at another address */
	map->values = m + (map->values - old);
	if (map->nodes)
		map->nodes = m + (map->nodes - old);
	if (map->buckets)
		map->buckets = (uint32_t *)(m + ((uint8_t *)map->buckets - old));
	map->st = (struct map_state *)m;
	map->mem = m;
	map->shared = true;
	views_update(map);
	free(old);
	return 0;
}

void rt_map__set_ptr_resolver(struct rt_map *map, void *(*resolve)(void *cookie, uint32_t id),
			      void *cookie)
{
	map->resolve = resolve;
	map->resolve_cookie = cookie;
}

static void *resolve_id(const struct rt_map *map, uint32_t id)
{
	void *obj = map->resolve ? map->resolve(map->resolve_cookie, id) : NULL;

	if (!obj)
		errno = ENOENT;
	return obj;
}

/* ---------------------------------------------------------------- hash */

/* The hash of native ABI v1 (rt_inline.h), which inlined lookups compute too. */
static uint32_t hash_key(const void *key, uint32_t len)
{
	return rt_inl_htab_hash(key, len);
}

static inline struct htab_node *node_at(const struct rt_map *map, uint32_t idx)
{
	return (struct htab_node *)(map->nodes + (size_t)idx * map->node_sz);
}

static inline void *node_key(struct htab_node *n)
{
	return n + 1;
}

static inline uint8_t *elem_value(const struct rt_map *map, uint32_t idx)
{
	return map->values + (size_t)idx * map->val_stride;
}

/* The link (bucket head or chain next) that points at key's element, or NULL. */
static uint32_t *htab_find(const struct rt_map *map, const void *key, uint32_t hash)
{
	uint32_t *link = &map->buckets[hash & map->bucket_mask];

	while (*link) {
		struct htab_node *n = node_at(map, *link - 1);

		if (n->hash == hash && !memcmp(node_key(n), key, map->def.key_size))
			return link;
		link = &n->next;
	}
	return NULL;
}

/* The runtime's LRU list is the one inlined lookups keep (rt_inline.h):
 * map_state's lru_head and lru_tail are its lru[0] and lru[1]. */
static void lru_unlink(struct rt_map *map, uint32_t idx)
{
	rt_inl_lru_unlink(map->nodes, map->node_sz, &map->st->lru_head, idx);
}

static void lru_push_front(struct rt_map *map, uint32_t idx)
{
	rt_inl_lru_push_front(map->nodes, map->node_sz, &map->st->lru_head, idx);
}

static void lru_touch(struct rt_map *map, uint32_t idx)
{
	rt_inl_lru_touch(map->nodes, map->node_sz, &map->st->lru_head, idx);
}

/* Takes element idx out of its chain and the LRU list (not onto the free list). */
static void htab_unlink(struct rt_map *map, uint32_t *link)
{
	uint32_t idx = *link - 1;
	struct htab_node *n = node_at(map, idx);

	n->live = 0;
	*link = n->next;
	n->next = 0;
	if (map_has(map, MT_LRU))
		lru_unlink(map, idx);
	map->st->count--;
}

static void htab_free_elem(struct rt_map *map, uint32_t idx)
{
	node_at(map, idx)->next = map->st->free_head;
	map->st->free_head = idx + 1;
}

static int htab_alloc_elem(struct rt_map *map, uint32_t *idx)
{
	if (map->st->free_head) {
		*idx = map->st->free_head - 1;
		map->st->free_head = node_at(map, *idx)->next;
		return 0;
	}
	if (map->st->nr_fresh < map->def.max_entries) {
		*idx = map->st->nr_fresh++;
		return 0;
	}
	if (map_has(map, MT_LRU) && map->st->lru_tail) {
		struct htab_node *victim = node_at(map, map->st->lru_tail - 1);
		uint32_t *link = htab_find(map, node_key(victim), victim->hash);

		*idx = map->st->lru_tail - 1;
		htab_unlink(map, link);
		return 0;
	}
	return -E2BIG;
}

/*
 * Shared hash maps: every operation runs under the map's robust,
 * process-shared lock. A holder that died mid-update (EOWNERDEAD) leaves
 * the table to be rebuilt from the elements' live flags before anyone goes
 * on: chains, LRU list, free list and count all follow from them. A
 * rebuild loses the LRU order (elements come back in index order).
 */
static void htab_rebuild(struct rt_map *map)
{
	struct map_state *st = map->st;
	uint32_t i, nr = st->nr_fresh < map->def.max_entries ? st->nr_fresh : map->def.max_entries;

	memset(map->buckets, 0, ((size_t)map->bucket_mask + 1) * sizeof(*map->buckets));
	st->nr_fresh = nr;
	/* shared maps update in place: the spare is still index max_entries */
	st->free_head = st->count = st->lru_head = st->lru_tail = st->spare = 0;
	for (i = nr; i-- > 0;) {
		struct htab_node *n = node_at(map, i);
		uint32_t *head;

		n->lru_prev = n->lru_next = 0;
		if (!n->live) {
			n->next = st->free_head;
			st->free_head = i + 1;
			continue;
		}
		n->hash = hash_key(node_key(n), map->def.key_size);
		head = &map->buckets[n->hash & map->bucket_mask];
		n->next = *head;
		*head = i + 1;
		if (map_has(map, MT_LRU))
			lru_push_front(map, i);
		st->count++;
	}
}

static bool map_is_locked(const struct rt_map *map)
{
	return map->shared && map->info->kind == KIND_HASH;
}

static void map_lock(struct rt_map *map)
{
	if (!map_is_locked(map))
		return;
	if (pthread_mutex_lock(&map->st->lock) == EOWNERDEAD) {
		htab_rebuild(map);
		pthread_mutex_consistent(&map->st->lock);
	}
}

static void map_unlock(struct rt_map *map)
{
	if (map_is_locked(map))
		pthread_mutex_unlock(&map->st->lock);
}

static void *htab_lookup(struct rt_map *map, const void *key)
{
	uint32_t *link = htab_find(map, key, hash_key(key, map->def.key_size));
	uint32_t idx;

	if (!link) {
		errno = ENOENT;
		return NULL;
	}
	idx = *link - 1;
	if (map_has(map, MT_LRU))
		lru_touch(map, idx);
	if (map_has(map, MT_ID))
		return resolve_id(map, read_u32(elem_value(map, idx)));
	return elem_value(map, idx) + map->cpu_off;
}

/* Element idx holding key and value, at the head of its bucket. */
static void htab_insert(struct rt_map *map, uint32_t idx, const void *key, uint32_t hash,
			const void *value, uint64_t flags, bool all_cpus)
{
	struct htab_node *n = node_at(map, idx);
	uint8_t *slot = elem_value(map, idx);
	uint32_t *link;

	n->hash = hash;
	memcpy(node_key(n), key, map->def.key_size);
	/* a recycled element may hold old data and a held lock */
	memset(slot, 0, map->val_stride);
	store_value(map, slot, value, flags & ~(uint64_t)BPF_F_LOCK, all_cpus);
	__atomic_store_n(&n->live, 1, __ATOMIC_RELEASE);
	/* new elements go to the head of their bucket, as hlist_nulls_add_head_rcu */
	link = &map->buckets[hash & map->bucket_mask];
	n->next = *link;
	*link = idx + 1;
	if (map_has(map, MT_LRU))
		lru_push_front(map, idx);
	map->st->count++;
}

/* Whether a program's update of an existing key swaps in a fresh element
 * (see the top of the file). */
static bool htab_swaps(const struct rt_map *map, uint64_t flags, bool all_cpus)
{
	return !all_cpus && !(flags & BPF_F_LOCK) && !map->shared && htab_swaps_kind(map);
}

static int htab_update(struct rt_map *map, const void *key, const void *value, uint64_t flags,
		       bool all_cpus)
{
	uint32_t hash, *link, idx;
	uint64_t op = flags & ~(uint64_t)BPF_F_LOCK;
	int err;

	if (op > BPF_EXIST)
		return -EINVAL;
	if ((flags & BPF_F_LOCK) && map->def.spin_lock_off < 0)
		return -EINVAL;
	if (map_has(map, MT_DEV) && !read_u32(value))
		return -EINVAL;	/* no device with ifindex 0 */
	if (map_has(map, MT_ID) && map->resolve && !map->resolve(map->resolve_cookie,
								 read_u32(value)))
		return -EBADF;
	hash = hash_key(key, map->def.key_size);
	link = htab_find(map, key, hash);
	if (link && op == BPF_NOEXIST)
		return -EEXIST;
	/* the kernel's devmap hash inserts on BPF_EXIST too */
	if (!link && op == BPF_EXIST && !map_has(map, MT_DEV))
		return -ENOENT;
	if (link && htab_swaps(map, flags, all_cpus)) {
		uint32_t old = *link - 1;

		if (htab_has_spare(map)) {
			idx = map->st->spare ? map->st->spare - 1 : map->def.max_entries;
			htab_unlink(map, link);
			map->st->spare = old + 1;
			htab_insert(map, idx, key, hash, value, flags, all_cpus);
			return 0;
		}
		if (map->st->free_head || map->st->nr_fresh < map->def.max_entries) {
			htab_alloc_elem(map, &idx);	/* a free one: cannot fail, evicts nothing */
			htab_unlink(map, link);
			htab_free_elem(map, old);
			htab_insert(map, idx, key, hash, value, flags, all_cpus);
			return 0;
		}
	}
	if (link) {
		idx = *link - 1;
		store_value(map, elem_value(map, idx), value, flags, all_cpus);
		if (map_has(map, MT_LRU))
			lru_touch(map, idx);
		return 0;
	}
	err = htab_alloc_elem(map, &idx);
	if (err)
		return err;
	htab_insert(map, idx, key, hash, value, flags, all_cpus);
	return 0;
}

static int htab_delete(struct rt_map *map, const void *key)
{
	uint32_t *link = htab_find(map, key, hash_key(key, map->def.key_size));
	uint32_t idx;

	if (!link)
		return -ENOENT;
	idx = *link - 1;
	htab_unlink(map, link);
	htab_free_elem(map, idx);
	return 0;
}

static int htab_get_next_key(struct rt_map *map, const void *key, void *next_key)
{
	uint64_t b = 0;
	uint32_t *link;

	if (key) {
		link = htab_find(map, key, hash_key(key, map->def.key_size));
		if (link) {
			struct htab_node *n = node_at(map, *link - 1);

			if (n->next) {
				memcpy(next_key, node_key(node_at(map, n->next - 1)),
				       map->def.key_size);
				return 0;
			}
			b = (uint64_t)(n->hash & map->bucket_mask) + 1;
		}
		/* a missing key restarts from the first element, as the kernel */
	}
	for (; b <= map->bucket_mask; b++) {
		if (map->buckets[b]) {
			memcpy(next_key, node_key(node_at(map, map->buckets[b] - 1)),
			       map->def.key_size);
			return 0;
		}
	}
	return -ENOENT;
}

/* --------------------------------------------------------------- array */

static int array_update(struct rt_map *map, uint32_t idx, const void *value, uint64_t flags,
			bool all_cpus)
{
	if ((flags & ~(uint64_t)BPF_F_LOCK) > BPF_EXIST)
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	if (flags & BPF_NOEXIST)
		return -EEXIST;
	if ((flags & BPF_F_LOCK) && map->def.spin_lock_off < 0)
		return -EINVAL;
	store_value(map, map->values + (size_t)idx * map->val_stride, value, flags, all_cpus);
	return 0;
}

/* Prog arrays, maps of maps, perf event arrays and devmaps: slots may be empty. */
static int slots_update(struct rt_map *map, uint32_t idx, const void *value, uint64_t flags)
{
	uint8_t *slot = map->values + (size_t)idx * map->vsz;

	if (map_has(map, MT_DEV)) {
		/* dev_map_update_elem() */
		if (flags > BPF_EXIST)
			return -EINVAL;
		if (idx >= map->def.max_entries)
			return -E2BIG;
		if (flags == BPF_NOEXIST)
			return -EEXIST;
		if (!read_u32(value)) {
			/* ifindex 0 empties the slot; a program fd makes no sense then */
			if (map->def.value_size > 4 &&
			    (int32_t)read_u32((const uint8_t *)value + 4) > 0)
				return -EINVAL;
			map->present[idx] = 0;
			memset(slot, 0, map->vsz);
			return 0;
		}
		memcpy(slot, value, map->def.value_size);
		map->present[idx] = 1;
		return 0;
	}
	/* stack_map_update_elem(): only bpf_get_stackid writes */
	if (map_has(map, MT_STACKS))
		return -EINVAL;
	/* bpf_fd_array_map_update_elem() */
	if (flags != BPF_ANY)
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	if (map_has(map, MT_ID) && map->resolve &&
	    !map->resolve(map->resolve_cookie, read_u32(value)))
		return -EBADF;
	memcpy(slot, value, 4);
	map->present[idx] = 1;
	return 0;
}

static int slots_delete(struct rt_map *map, uint32_t idx)
{
	if (idx >= map->def.max_entries)
		return map_has(map, MT_DEV) ? -EINVAL : -E2BIG;
	if (!map->present[idx])
		/* dev_map_delete_elem() succeeds on an empty slot */
		return map_has(map, MT_DEV) ? 0 : -ENOENT;
	map->present[idx] = 0;
	memset(map->values + (size_t)idx * map->vsz, 0, map->vsz);
	return 0;
}

static int array_get_next_key(struct rt_map *map, const void *key, void *next_key)
{
	uint32_t idx = key ? read_u32(key) : UINT32_MAX, next;

	if (idx >= map->def.max_entries)
		next = 0;
	else if (idx == map->def.max_entries - 1)
		return -ENOENT;
	else
		next = idx + 1;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* ------------------------------------------------------ queue and stack */

static int queue_take(struct rt_map *map, void *value, bool remove)
{
	if (map->info->kind != KIND_QUEUE)
		return -ENOTSUP;
	return rt_inl_queue_take(&map->st->q_head, map->q_size, map->values, map->vsz, value,
				 map->def.value_size, map_has(map, MT_STACK), remove);
}

int rt_map__push(struct rt_map *map, const void *value, uint64_t flags)
{
	if (map->info->kind != KIND_QUEUE)
		return -ENOTSUP;
	return rt_inl_queue_push(&map->st->q_head, map->q_size, map->values, map->vsz, value,
				 map->def.value_size, flags);
}

int rt_map__pop(struct rt_map *map, void *value)
{
	return queue_take(map, value, true);
}

int rt_map__peek(struct rt_map *map, void *value)
{
	return queue_take(map, value, false);
}

/* ------------------------------------------------------- generic entry */

void *rt_map__lookup(struct rt_map *map, const void *key)
{
	uint32_t idx;

	switch (map->info->kind) {
	case KIND_ARRAY:
		idx = read_u32(key);
		if (idx >= map->def.max_entries) {
			errno = ENOENT;
			return NULL;
		}
		return map->values + (size_t)idx * map->val_stride + map->cpu_off;
	case KIND_HASH: {
		void *v;

		map_lock(map);
		v = htab_lookup(map, key);
		map_unlock(map);
		return v;
	}
	case KIND_SLOTS:
		idx = read_u32(key);
		if (idx >= map->def.max_entries || !map->present[idx]) {
			errno = ENOENT;
			return NULL;
		}
		/* an xskmap lookup gives a non-NULL socket pointer: the slot */
		if (map_has(map, MT_DEV | MT_FD))
			return map->values + (size_t)idx * map->vsz;
		if (map_has(map, MT_INNER))
			return resolve_id(map, read_u32(map->values + (size_t)idx * map->vsz));
		/* programs may not look up prog arrays */
		errno = EINVAL;
		return NULL;
	case KIND_QUEUE:
	case KIND_PERF:
		errno = EINVAL;
		return NULL;
	case KIND_RINGBUF:
		break;
	}
	errno = ENOTSUP;
	return NULL;
}

void *rt_map__lookup_ptr(struct rt_map *map, const void *key)
{
	uint32_t idx, *link;

	if (!map_has(map, MT_ID)) {
		errno = EINVAL;
		return NULL;
	}
	if (map->info->kind == KIND_HASH) {
		link = htab_find(map, key, hash_key(key, map->def.key_size));
		if (!link) {
			errno = ENOENT;
			return NULL;
		}
		return resolve_id(map, read_u32(elem_value(map, *link - 1)));
	}
	idx = read_u32(key);
	if (idx >= map->def.max_entries || !map->present[idx]) {
		errno = ENOENT;
		return NULL;
	}
	return resolve_id(map, read_u32(map->values + (size_t)idx * map->vsz));
}

static int map_update(struct rt_map *map, const void *key, const void *value, uint64_t flags,
		      bool all_cpus)
{
	switch (map->info->kind) {
	case KIND_ARRAY:
		return array_update(map, read_u32(key), value, flags, all_cpus);
	case KIND_HASH: {
		int err;

		map_lock(map);
		err = htab_update(map, key, value, flags, all_cpus);
		map_unlock(map);
		return err;
	}
	case KIND_SLOTS:
	case KIND_PERF:
		return slots_update(map, read_u32(key), value, flags);
	case KIND_QUEUE:
		return all_cpus ? rt_map__push(map, value, flags) : -EINVAL;
	case KIND_RINGBUF:
		break;
	}
	return -ENOTSUP;
}

int rt_map__update(struct rt_map *map, const void *key, const void *value, uint64_t flags)
{
	return map_update(map, key, value, flags, false);
}

int rt_map__user_update(struct rt_map *map, const void *key, const void *value, uint64_t flags)
{
	if (rt_map__is_frozen(map))
		return -EPERM;
	return map_update(map, key, value, flags, true);
}

void rt_map__freeze(struct rt_map *map)
{
	if (map->st)
		__atomic_store_n(&map->st->frozen, 1u, __ATOMIC_RELEASE);
}

bool rt_map__is_frozen(const struct rt_map *map)
{
	return map->st && __atomic_load_n(&map->st->frozen, __ATOMIC_ACQUIRE);
}

int rt_map__delete(struct rt_map *map, const void *key)
{
	switch (map->info->kind) {
	case KIND_ARRAY:
	case KIND_QUEUE:
		return -EINVAL;
	case KIND_HASH: {
		int err;

		map_lock(map);
		err = htab_delete(map, key);
		map_unlock(map);
		return err;
	}
	case KIND_SLOTS:
	case KIND_PERF:
		return slots_delete(map, read_u32(key));
	case KIND_RINGBUF:
		break;
	}
	return -ENOTSUP;
}

int rt_map__user_lookup(struct rt_map *map, const void *key, void *value)
{
	uint32_t idx, *link;

	switch (map->info->kind) {
	case KIND_ARRAY:
		idx = read_u32(key);
		if (idx >= map->def.max_entries)
			return -ENOENT;
		load_value(map, value, map->values + (size_t)idx * map->val_stride);
		return 0;
	case KIND_HASH:
		/* no LRU refresh: htab_lru_map_lookup_elem_sys() */
		map_lock(map);
		link = htab_find(map, key, hash_key(key, map->def.key_size));
		if (link)
			load_value(map, value, elem_value(map, *link - 1));
		map_unlock(map);
		return link ? 0 : -ENOENT;
	case KIND_SLOTS:
		idx = read_u32(key);
		if (idx >= map->def.max_entries || !map->present[idx])
			return -ENOENT;
		memcpy(value, map->values + (size_t)idx * map->vsz, map->def.value_size);
		return 0;
	case KIND_QUEUE:
		return rt_map__peek(map, value);
	case KIND_PERF:
	case KIND_RINGBUF:
		break;
	}
	return -ENOTSUP;
}

int rt_map__get_next_key(struct rt_map *map, const void *key, void *next_key)
{
	switch (map->info->kind) {
	case KIND_ARRAY:
	case KIND_SLOTS:
	case KIND_PERF:
		return array_get_next_key(map, key, next_key);
	case KIND_HASH: {
		int err;

		map_lock(map);
		err = htab_get_next_key(map, key, next_key);
		map_unlock(map);
		return err;
	}
	case KIND_QUEUE:
		return -EINVAL;
	case KIND_RINGBUF:
		break;
	}
	return -ENOTSUP;
}

/* --------------------------------------------------------- ring buffer */

void *rt_ringbuf__reserve(struct rt_map *map, uint64_t size, uint64_t flags)
{
	struct ringbuf_hdr *hdr;
	uint64_t len, cons, prod, off;

	if (map->info->kind != KIND_RINGBUF || flags || size > RT_RINGBUF_MAX_RECORD_SZ)
		return NULL;
	len = round_up8(size + BPF_RINGBUF_HDR_SZ);
	if (len > map->rb_size)
		return NULL;
	rt_spin_lock(&map->rb_lock);
	cons = __atomic_load_n(&map->rb_cons, __ATOMIC_ACQUIRE);
	prod = map->rb_prod;
	if (prod + len - cons > map->rb_mask) {
		rt_spin_unlock(&map->rb_lock);
		return NULL;
	}
	off = prod & map->rb_mask;
	hdr = (struct ringbuf_hdr *)(map->rb_data + off);
	hdr->len = (uint32_t)size | BPF_RINGBUF_BUSY_BIT;
	hdr->pg_off = (uint32_t)(off / map->page_size);
	__atomic_store_n(&map->rb_prod, prod + len, __ATOMIC_RELEASE);
	rt_spin_unlock(&map->rb_lock);
	return hdr + 1;
}

static void ringbuf_commit(struct rt_map *map, void *data, bool discard)
{
	struct ringbuf_hdr *hdr;
	uintptr_t off;
	uint32_t len;

	/* a pointer that is not a reserved record is ignored rather than trusted */
	if (map->info->kind != KIND_RINGBUF || !data)
		return;
	off = (uintptr_t)data - (uintptr_t)map->rb_data - BPF_RINGBUF_HDR_SZ;
	if ((uintptr_t)data < (uintptr_t)map->rb_data + BPF_RINGBUF_HDR_SZ ||
	    off >= map->rb_size || off % 8)
		return;
	hdr = (struct ringbuf_hdr *)(map->rb_data + off);
	len = __atomic_load_n(&hdr->len, __ATOMIC_ACQUIRE);
	if (!(len & BPF_RINGBUF_BUSY_BIT))
		return;
	len &= ~BPF_RINGBUF_BUSY_BIT;
	if (discard)
		len |= BPF_RINGBUF_DISCARD_BIT;
	__atomic_store_n(&hdr->len, len, __ATOMIC_RELEASE);
}

void rt_ringbuf__submit(struct rt_map *map, void *data, uint64_t flags)
{
	ringbuf_commit(map, data, false);
}

void rt_ringbuf__discard(struct rt_map *map, void *data, uint64_t flags)
{
	ringbuf_commit(map, data, true);
}

int rt_ringbuf__output(struct rt_map *map, const void *data, uint64_t size, uint64_t flags)
{
	void *rec;

	if (map->info->kind != KIND_RINGBUF)
		return -EINVAL;
	if (flags & ~(uint64_t)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
		return -EINVAL;
	rec = rt_ringbuf__reserve(map, size, 0);
	if (!rec)
		return -EAGAIN;
	memcpy(rec, data, size);
	ringbuf_commit(map, rec, false);
	return 0;
}

uint64_t rt_ringbuf__query(struct rt_map *map, uint64_t flags)
{
	uint64_t cons, prod;

	if (map->info->kind != KIND_RINGBUF)
		return 0;
	cons = __atomic_load_n(&map->rb_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&map->rb_prod, __ATOMIC_ACQUIRE);
	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return prod - cons;
	case BPF_RB_RING_SIZE:
		return map->rb_size;
	case BPF_RB_CONS_POS:
		return cons;
	case BPF_RB_PROD_POS:
		return prod;
	}
	return 0;
}

/* libbpf's ringbuf_process_ring(): stops at the first busy record; a callback
 * error is returned after that record has been consumed. */
int rt_ringbuf__consume(struct rt_map *map, int (*fn)(void *cookie, const void *data, size_t size),
			void *cookie)
{
	uint64_t cons, prod;
	int cnt = 0, err;

	if (map->info->kind != KIND_RINGBUF)
		return -EINVAL;
	cons = map->rb_cons;
	prod = __atomic_load_n(&map->rb_prod, __ATOMIC_ACQUIRE);
	while (cons < prod) {
		struct ringbuf_hdr *hdr = (struct ringbuf_hdr *)(map->rb_data + (cons & map->rb_mask));
		uint32_t len = __atomic_load_n(&hdr->len, __ATOMIC_ACQUIRE);
		uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		cons += round_up8((uint64_t)size + BPF_RINGBUF_HDR_SZ);
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			err = fn ? fn(cookie, hdr + 1, size) : 0;
			if (err < 0) {
				__atomic_store_n(&map->rb_cons, cons, __ATOMIC_RELEASE);
				return err;
			}
			if (cnt < INT32_MAX)
				cnt++;
		}
		__atomic_store_n(&map->rb_cons, cons, __ATOMIC_RELEASE);
	}
	return cnt;
}

/* ----------------------------------------------------- perf event array */

int rt_perfbuf__output(struct rt_map *map, uint64_t flags, const void *data, uint64_t size)
{
	struct perf_slot *ps;
	uint64_t idx, rec;
	uint32_t hdr[2];

	if (map->info->kind != KIND_PERF)
		return -EINVAL;
	if (flags & ~(uint64_t)BPF_F_INDEX_MASK)
		return -EINVAL;
	idx = flags & BPF_F_INDEX_MASK;
	if (idx == BPF_F_CURRENT_CPU)
		idx = map->cpu;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	ps = &map->perf[idx];
	rec = round_up8(size + sizeof(hdr));
	if (size > RT_PERF_BUF_MAX || ps->len + rec > RT_PERF_BUF_MAX)
		return -ENOSPC;
	if (rt_ensure_mem((void **)&ps->buf, &ps->cap, 1, ps->len + rec))
		return -ENOMEM;
	hdr[0] = (uint32_t)size;
	hdr[1] = 0;
	memcpy(ps->buf + ps->len, hdr, sizeof(hdr));
	memcpy(ps->buf + ps->len + sizeof(hdr), data, size);
	memset(ps->buf + ps->len + sizeof(hdr) + size, 0, rec - sizeof(hdr) - size);
	ps->len += rec;
	return 0;
}

int rt_perfbuf__consume(struct rt_map *map,
			int (*fn)(void *cookie, int cpu, const void *data, size_t size),
			void *cookie)
{
	uint32_t i;
	int cnt = 0, err;

	if (map->info->kind != KIND_PERF)
		return -EINVAL;
	for (i = 0; i < map->def.max_entries; i++) {
		struct perf_slot *ps = &map->perf[i];
		size_t off = 0;

		while (off < ps->len) {
			uint32_t size = read_u32(ps->buf + off);
			const uint8_t *rec = ps->buf + off + 8;

			off += (size_t)round_up8((uint64_t)size + 8);
			err = fn ? fn(cookie, (int)i, rec, size) : 0;
			if (err < 0) {
				/* the record handed over is consumed, the rest stays */
				memmove(ps->buf, ps->buf + off, ps->len - off);
				ps->len -= off;
				return err;
			}
			if (cnt < INT32_MAX)
				cnt++;
		}
		ps->len = 0;
	}
	return cnt;
}
