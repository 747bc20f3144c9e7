/* SPDX-License-Identifier: MIT */
/*
 * The native object ABI: what code compiled by bpfaot-cc (or llvmbpf's
 * `bpftime-vm build`) may expect from the runtime's linker. Add, never
 * rename: objects in the wild depend on these names. The manifest format is
 * documented in docs/object-format.md.
 */
#ifndef BPFAOT_ABI_H
#define BPFAOT_ABI_H

#include <stdint.h>

/* The entry of a native program object. ctx is what the program's first
 * argument is in BPF (struct xdp_md *, struct __sk_buff *, raw memory...);
 * ctx_size its size (the memory length for raw-memory programs). */
typedef uint64_t (*bpfaot_entry_fn)(void *ctx, uint64_t ctx_size);
#define BPFAOT_ENTRY_SYM "bpf_main"

/* A helper that is not inlined is the undefined symbol _bpf_helper_ext_NNNN,
 * NNNN its kernel id in four decimal digits (0001 = bpf_map_lookup_elem). */
#define BPFAOT_HELPER_PREFIX "_bpf_helper_ext_"
#define BPFAOT_HELPER_SYM_FMT "_bpf_helper_ext_%04u"

/* Maps are undefined symbols named after the map: the linker binds each to
 * the runtime's map object of that name (what bpf_map_* helpers take).
 * Inlined maps (array maps whose values native code reads directly) are
 * bound through a second symbol, the address of value 0: */
#define BPFAOT_MAP_VALUES_PREFIX "__bpfaot_map_values_"

/* Hash maps (BPF_MAP_TYPE_HASH, _PERCPU_HASH, _LRU_HASH, _LRU_PERCPU_HASH)
 * whose lookups native code makes itself (bpfaot-cc's inlined bpf_map_lookup_elem) are
 * bound through a third symbol, the address of the map's struct
 * bpfaot_htab below. "v1" names
 * that layout, the node layout and the hash (rt_inl_htab_hash(),
 * runtime/rt_inline.h): a runtime that changes any of them binds another
 * name, so that older code is refused rather than misled. */
#define BPFAOT_HTAB_PREFIX "__bpfaot_htab_v1_"
struct bpfaot_htab {
	void *map;			/* the runtime's map: what the helper takes */
	uint32_t slow;			/* nonzero: only the helper may look up (a map
					 * in shared memory, whose walks take a lock) */
	uint32_t bucket_mask;		/* buckets - 1, a power of two less one */
	const uint32_t *buckets;	/* index + 1 of each bucket's first element, 0: none */
	uint8_t *nodes;			/* element i's node at nodes + i * node_size */
	uint64_t node_size;
	uint8_t *values;		/* element i's value at values + i * value_stride */
	uint64_t value_stride;		/* + cpu_off: the value of the CPU the program */
	uint64_t cpu_off;		/* runs on (per-CPU maps; 0 for the others) */
	uint32_t *lru;			/* LRU maps: the index + 1 of the most and of the
					 * least recently used element (lru[0], lru[1]);
					 * a lookup that finds element i makes it the
					 * most recent; NULL for the others */
};
/* In a node: the u32 index + 1 of the bucket's next element (0: the last),
 * the u32 hash of the key, the u32 index + 1 of the more and of the less
 * recently used element (LRU maps; 0 at the ends), and the key, at these
 * offsets. */
#define BPFAOT_HTAB_NODE_NEXT 0
#define BPFAOT_HTAB_NODE_HASH 4
#define BPFAOT_HTAB_NODE_LRU_PREV 8
#define BPFAOT_HTAB_NODE_LRU_NEXT 12
#define BPFAOT_HTAB_NODE_KEY 24

/* Per-CPU arrays (BPF_MAP_TYPE_PERCPU_ARRAY) whose lookups native code
 * makes itself: __bpfaot_pcpu_array_v1_NAME is the address of the map's
 * struct bpfaot_pcpu_array. The value of index i (< max_entries, the
 * code's check) for the CPU the program runs on is at
 * values + i * value_stride + cpu_off. */
#define BPFAOT_PCPU_ARRAY_PREFIX "__bpfaot_pcpu_array_v1_"
struct bpfaot_pcpu_array {
	uint8_t *values;
	uint64_t value_stride;
	uint64_t cpu_off;
};

/* Queue and stack maps (BPF_MAP_TYPE_QUEUE, _STACK) whose push, pop and
 * peek native code makes itself: __bpfaot_queue_v1_NAME is the address of
 * the map's struct bpfaot_queue. The elements are a ring of `size`
 * (max_entries + 1) slots, slot i at values + i * value_stride; q[0] is
 * the slot the next push fills, q[1] the oldest element's; the ring is
 * empty when they are equal and full when the slot after q[0] is q[1]. A
 * queue takes the oldest element (q[1]), a stack the newest (the slot
 * before q[0]). */
#define BPFAOT_QUEUE_PREFIX "__bpfaot_queue_v1_"
struct bpfaot_queue {
	uint32_t *q;
	uint8_t *values;
	uint64_t value_stride;
	uint32_t size;
};

/* The x86-64 micro-architecture levels native code may be built for
 * (bpfaot-cc --aot-march, manifest prog `march=`), level i + 1 at index i:
 * the runtime links code of a level only on a CPU that has it. */
#define BPFAOT_MARCH_LEVELS { "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4" }

/* Global variables of .data/.rodata/.bss (and .data.X/.rodata.X) are
 * undefined symbols named after the variable; the manifest gives their
 * section and offset, and the linker binds them inside the runtime's
 * global-data map, so every engine sees the same memory. */

/* Per-thread runtime state that inlined helpers use (runtime/inline/
 * helpers.c). The linker binds this symbol to the offset, from the thread
 * pointer (%fs base), of the runtime's u64 state of bpf_get_prandom_u32 for
 * the run current on the thread: native code reads it through its GOT slot
 * and accesses the state %fs-relative. */
#define BPFAOT_TLS_PRANDOM "__bpfaot_tls_prandom"
/* The same for the thread's bpf_get_current_pid_tgid() value, 0 until the
 * runtime's helper has run once on the thread (then tgid << 32 | tid). */
#define BPFAOT_TLS_PID_TGID "__bpfaot_tls_pid_tgid"
/* Whether symbol name is one of the thread-local offsets above. */
#define BPFAOT_IS_TLS_SYM(name)                                                              \
	(!strcmp((name), BPFAOT_TLS_PRANDOM) || !strcmp((name), BPFAOT_TLS_PID_TGID))

/* bpftime/llvmbpf AOT objects reach maps through these (lddw lowering). */
#define BPFAOT_LDDW_MAP_BY_FD "__lddw_helper_map_by_fd"
#define BPFAOT_LDDW_MAP_BY_IDX "__lddw_helper_map_by_idx"
#define BPFAOT_LDDW_MAP_VAL "__lddw_helper_map_val"
#define BPFAOT_LDDW_VAR_ADDR "__lddw_helper_var_addr"
#define BPFAOT_LDDW_CODE_ADDR "__lddw_helper_code_addr"

/* uint64_t __bpfaot_tail_call_now(void): called by native code after
 * bpf_tail_call() returned 0 (success) in a function that is not the
 * program's entry. It runs the target now, on the program's context, with
 * the tail calls the target makes, and returns the last one's r0, which the
 * function then returns: in the kernel (x86-64 JIT) a tail call from a
 * subprogram replaces the subprogram and its caller carries on. (In the
 * entry, native code returns at once and the runtime runs the target.) */
#define BPFAOT_TAIL_CALL_NOW "__bpfaot_tail_call_now"

/* C library functions native code may call by name: clang emits the mem*
 * ones for struct copies and clears, large or variable-sized __builtin_mem*
 * and at -O0, even with -ffreestanding; clock_gettime is what the inlined
 * time helpers call (bpf_ktime_get_ns & co, runtime/inline/helpers.c). The
 * linker binds them to the C library's; bpfaot-cc accepts them in the
 * objects it writes. X(name) per function. */
#define BPFAOT_LIBC_FUNCS(X) X(memcpy) X(memset) X(memmove) X(memcmp) X(bcmp) X(clock_gettime)

/* Sections. */
#define BPFAOT_MANIFEST_SEC ".bpfaot.manifest"	/* in a native object */
#define BPFAOT_FAT_SEC_PREFIX ".aot."		/* in a fat BPF ELF, one per program */

#endif /* BPFAOT_ABI_H */
