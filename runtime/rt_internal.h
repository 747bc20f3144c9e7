/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of libbpfaot, the runtime: the object model (programs,
 * maps, global data), the bounds-checked ELF reader, maps, helpers, the run
 * state that helpers and engines share, the instruction list, and the
 * engines. Nothing here may include LLVM, libclang or the compiler modules.
 */
#ifndef BPFAOT_RT_INTERNAL_H
#define BPFAOT_RT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "bpfaot/abi.h"
#include "bpfaot/bpfaot.h"

#define RT_INSN_SZ 8
#define RT_STACK_SIZE 512	/* per frame, as the kernel */
#define RT_MAX_CALL_DEPTH 8	/* BPF-to-BPF frames, as MAX_CALL_FRAMES */
#define RT_MAX_TAIL_CALLS 33	/* MAX_TAIL_CALL_CNT */
#define RT_MAX_INSNS (1u << 20) /* BPF_COMPLEXITY_LIMIT_INSNS */
#define RT_DEFAULT_BUDGET (1ull << 32)
#define RT_XDP_HEADROOM 256	/* XDP_PACKET_HEADROOM */
#define RT_PKT_TAILROOM 256	/* room for xdp_adjust_tail growth */
#define RT_MAX_PKT (64u << 10)
/* whether an opts struct of size sz has field (libbpf's OPTS_HAS) */
#ifndef offsetofend
#define offsetofend(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#endif
#define RT_PKT_SPARE_SIZE 4096u	/* see rt_object.pkt_spare */
/* A `mem` program's input (ubpf/bpftime convention): any size a test needs
 * (public suites use 2 MiB), bounded only to keep a typo from mapping all
 * of memory. */
#define RT_MAX_MEM (1u << 30)

/* ---------------------------------------------------------------- util */

/* One sticky log, kernel/libbpf style: the first error wins. */
struct rt_log {
	char *buf;
	size_t size;
	bool set;
};

__attribute__((format(printf, 2, 3))) void rt_log__err(struct rt_log *log, const char *fmt, ...);
void rt_log__verr(struct rt_log *log, const char *fmt, va_list ap);

/* Grows (*data, *cap) to hold need elements of elem_sz bytes (libbpf_ensure_mem). */
int rt_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need);

/* The value of one hex digit, or -1. */
int rt_hexval(int c);
/* Whether a name read from a file has no control characters. */
bool rt_name_is_clean(const char *s);

/* true when [off, off+len) lies inside [0, size), overflow-safe. */
static inline bool rt_bounds_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* ------------------------------------------------------------- insns */

struct rt_insn {
	uint8_t code;
	uint8_t dst : 4;
	uint8_t src : 4;
	int16_t off;
	int32_t imm;
};
_Static_assert(sizeof(struct rt_insn) == 8, "insn layout");

/* ------------------------------------------------------------ ELF64 */

/* A validated view of an ELF64 little-endian file held in memory. */
struct rt_elf_sec {
	const char *name;	/* points into the file's shstrtab */
	uint32_t type;
	uint64_t flags;
	uint64_t size;
	const uint8_t *data;	/* NULL for SHT_NOBITS */
	uint32_t link, info;
	uint64_t entsize, addralign;
};

struct rt_elf_sym {
	const char *name;
	uint64_t value, size;
	uint16_t shndx;
	uint8_t type, bind;
};

struct rt_elf_rel {
	uint64_t offset;
	uint32_t type;
	uint32_t sym;
	int64_t addend;
};

struct rt_elf {
	const char *path;	/* for messages; borrowed */
	const uint8_t *data;
	size_t size;
	uint16_t machine, type;
	struct rt_elf_sec *secs;
	size_t nr_secs;
	struct rt_elf_sym *syms;
	size_t nr_syms;
	int symtab_idx;
};

/* The bytecode hash of the function prog of a parsed BPF ELF
 * (docs/object-format.md, `bytecode=`: FNV-1a 64 over its bytes, then the
 * whole .text, each followed by its relocations). false when there is no
 * such function. */
bool rt_bytecode_hash(const struct rt_elf *elf, const char *prog, uint64_t *hash);

/* Parses and validates the whole file (every header, section, symbol and
 * string offset) before returning. data is borrowed and must outlive elf. */
int rt_elf__parse(struct rt_elf *elf, const void *data, size_t size, const char *path,
		  struct rt_log *log);
void rt_elf__release(struct rt_elf *elf);
/* Relocations of section relsec (SHT_REL or SHT_RELA), validated against
 * the symbol table and the target section. Caller frees *out with free(). */
int rt_elf__relocs(const struct rt_elf *elf, size_t relsec, struct rt_elf_rel **out, size_t *cnt,
		   struct rt_log *log);
int rt_elf__find_sec(const struct rt_elf *elf, const char *name);

/* ------------------------------------------------------------ maps */

struct rt_map_def {
	char name[64];
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries, map_flags;
	int32_t spin_lock_off;		/* offset of struct bpf_spin_lock in the value, -1 if none */
	struct rt_map_def *inner;	/* map-in-map template; owned by the def */
	uint32_t btf_key_type_id;	/* in the object's BTF, 0 = untyped */
	uint32_t btf_value_type_id;
};

struct rt_map;

/* Creates a map. Refuses unsupported types (-ENOTSUP) and bad layouts
 * (-EINVAL) with a message in log; returns NULL with errno set. */
struct rt_map *rt_map__new(const struct rt_map_def *def, struct rt_log *log);
void rt_map__free(struct rt_map *map);
const struct rt_map_def *rt_map__def(const struct rt_map *map);
const char *rt_map__name(const struct rt_map *map);

/* Program-side operations, kernel semantics (per-CPU maps act on the slot of
 * the current CPU, see rt_map__set_cpu). lookup returns a pointer into the
 * map's storage or NULL. The others return 0 or -errno. */
void *rt_map__lookup(struct rt_map *map, const void *key);
/* The view of a BPF_MAP_TYPE_HASH or _PERCPU_HASH map that native code
 * walks to look up itself (struct bpfaot_htab, abi.h), NULL for other
 * types; that of a BPF_MAP_TYPE_PERCPU_ARRAY map (struct
 * bpfaot_pcpu_array), NULL for other types; that of a queue or stack map
 * (struct bpfaot_queue: its ring), NULL for other types. */
const struct bpfaot_htab *rt_map__htab(const struct rt_map *map);
const struct bpfaot_pcpu_array *rt_map__pcpu_array(const struct rt_map *map);
const struct bpfaot_queue *rt_map__queue(const struct rt_map *map);
int rt_map__update(struct rt_map *map, const void *key, const void *value, uint64_t flags);
/* After a program run: the hash elements its updates replaced become free
 * (until then a stale pointer to one stays valid memory, as in the kernel). */
int rt_map__delete(struct rt_map *map, const void *key);
int rt_map__push(struct rt_map *map, const void *value, uint64_t flags);
int rt_map__pop(struct rt_map *map, void *value);
int rt_map__peek(struct rt_map *map, void *value);

/* User-side (syscall-like) operations: per-CPU values are copied for all
 * CPUs (value_size rounded up to 8, times rt_map__nr_cpus), as bpf(2). */
int rt_map__get_next_key(struct rt_map *map, const void *key, void *next_key);
int rt_map__user_lookup(struct rt_map *map, const void *key, void *value);
/* -EPERM once the map is frozen. */
int rt_map__user_update(struct rt_map *map, const void *key, const void *value, uint64_t flags);
/* Refuses the host's updates from now on (BPF_MAP_FREEZE): native code
 * linked with the contents compiled in (bpfaot-cc --aot-const). The flag
 * lives in the map's bookkeeping, so every process attached to shared
 * memory sees it. A map without bookkeeping (ring buffer) stays as is. */
void rt_map__freeze(struct rt_map *map);
bool rt_map__is_frozen(const struct rt_map *map);
size_t rt_map__user_value_size(const struct rt_map *map);
unsigned int rt_map__nr_cpus(const struct rt_map *map);
void rt_map__set_cpu(struct rt_map *map, unsigned int cpu);

/* Memory the program may touch through pointers into this map (values,
 * ring buffer records). Used by the interpreter's bounds checks. */
void rt_map__region(const struct rt_map *map, const void **start, size_t *len);

/* Maps in shared memory (shm.c): arrays, hash and LRU maps and their
 * per-CPU kinds can live there. The storage (rt_map__storage_size() bytes)
 * starts with RT_MAP_STATE_SIZE bytes of bookkeeping. */
#define RT_MAP_STATE_SIZE 128u
bool rt_map__can_share(const struct rt_map *map);
size_t rt_map__storage_size(const struct rt_map *map);
/* Moves the map's storage to mem (shared, rt_map__storage_size() bytes,
 * owned by the caller from now on): with init, the current contents are
 * copied there and the lock set up; else mem's contents are the map's.
 * -EINVAL for a map that cannot be shared. */
int rt_map__share(struct rt_map *map, void *mem, bool init);

/*
 * POSIX shared memory holding an object's maps (shm.c, docs/shm-layout.md).
 * rt_shm__attach() creates name (then the maps' current contents go there)
 * or attaches to it when the object's shareable maps match it one for one
 * (else the reason, naming the map, goes to log); on success obj->shm owns
 * the mapping. rt_shm__open() opens name alone, with maps of its own over
 * the storage (bpfaot-map); NULL with errno set.
 */
struct rt_shm;
struct rt_object;
int rt_shm__attach(struct rt_object *obj, const char *name, struct rt_log *log);
struct rt_shm *rt_shm__open(const char *name, struct rt_log *log);
void rt_shm__free(struct rt_shm *shm);
size_t rt_shm__map_cnt(const struct rt_shm *shm);
/* borrowed, valid until rt_shm__free() */
struct rt_map *rt_shm__map(const struct rt_shm *shm, size_t i);
/* the creator's BTF (for typed output), or NULL; borrowed */
const struct btf *rt_shm__btf(const struct rt_shm *shm);

/* Map-in-map and prog array values are stored as 32-bit ids; the host sets
 * the resolver that turns them into objects. */
void *rt_map__lookup_ptr(struct rt_map *map, const void *key); /* map/prog arrays: the object */
void rt_map__set_ptr_resolver(struct rt_map *map, void *(*resolve)(void *cookie, uint32_t id),
			      void *cookie);

/* Ring buffer (BPF_MAP_TYPE_RINGBUF) and perf event array. */
void *rt_ringbuf__reserve(struct rt_map *map, uint64_t size, uint64_t flags);
void rt_ringbuf__submit(struct rt_map *map, void *data, uint64_t flags);
void rt_ringbuf__discard(struct rt_map *map, void *data, uint64_t flags);
int rt_ringbuf__output(struct rt_map *map, const void *data, uint64_t size, uint64_t flags);
uint64_t rt_ringbuf__query(struct rt_map *map, uint64_t flags);
/* Host side: calls fn for each submitted record in order and consumes them. */
int rt_ringbuf__consume(struct rt_map *map, int (*fn)(void *cookie, const void *data, size_t size),
			void *cookie);
int rt_perfbuf__output(struct rt_map *map, uint64_t flags, const void *data, uint64_t size);
int rt_perfbuf__consume(struct rt_map *map, int (*fn)(void *cookie, int cpu, const void *data,
						     size_t size),
			void *cookie);

/* Spin locks inside map values (bpf_spin_lock). */
void rt_spin_lock(void *lock);
void rt_spin_unlock(void *lock);
/* Takes the lock within about spins attempts; false if it stayed held. */
bool rt_spin_trylock(void *lock, unsigned long spins);

/* ---------------------------------------------------------- object */

enum rt_ctx_kind {
	RT_CTX_MEM,	/* r1 = data, r2 = len (ubpf / conformance) */
	RT_CTX_XDP,	/* struct xdp_md */
	RT_CTX_SKB,	/* struct __sk_buff */
	RT_CTX_REGS,	/* struct pt_regs from --ctx-in */
	RT_CTX_RAW,	/* opaque context from --ctx-in (raw tracepoints, ...) */
};

struct rt_prog {
	char *name;		/* function name */
	char *sec_name;
	uint32_t type;		/* enum bpf_prog_type */
	uint32_t expected_attach_type;
	enum rt_ctx_kind ctx_kind;
	struct rt_insn *insns;	/* linked: subprograms appended, relocations in
				 * kernel form (src=BPF_PSEUDO_MAP_FD/VALUE with
				 * imm = map index and insn[1].imm = offset) */
	size_t nr_insns;
	struct rt_object *obj;
	void *engine_state[BPFAOT_ENGINE__COUNT]; /* prepared code per engine */
	void (*engine_free[BPFAOT_ENGINE__COUNT])(void *state);
	/* the program's native object (x86-64 ET_REL): a fat object's
	 * `.aot.<name>` section or a whole native object file; points into
	 * obj->file, NULL when there is none (see "native objects" below) */
	const uint8_t *native;
	size_t native_size;
	/* the first kernel helper the bytecode calls that the runtime lacks,
	 * 0 if none: the bytecode engines refuse the program, the kernel
	 * runs it, the aot engine checks its manifest */
	uint32_t missing_helper;
	/* the validator's verdict on the bytecode of a BPF ELF's program:
	 * 0 or -errno with its one-line reason (owned); the bytecode
	 * engines refuse to run it, the kernel engine never asks */
	int invalid;
	char *invalid_msg;
	/* placed in a prog array by a `values` initialiser: a tail-call
	 * target the kernel engine loads beside the program it runs */
	bool tail_target;
	/* the hash of the program's bytecode in its BPF ELF (see
	 * rt_bytecode_hash()), which its native code must have been built from */
	bool has_bytecode_hash;
	uint64_t bytecode_hash;
};

/* A variable of a global-data section, from the BPF ELF's symbol table. */
struct rt_global {
	char *name;
	int map;		/* index of its global-data map in obj->maps */
	uint32_t offset, size;
};

/* A socket pointer a tracing program asked the cookie of (helpers_net.c). */
struct rt_cookie {
	uintptr_t sk;
	uint64_t cookie;
};

struct rt_object {
	char *path;
	char *name;
	uint8_t *file;		/* the whole file, owned */
	size_t file_size;
	struct rt_prog *progs;
	size_t nr_progs;
	struct rt_map **maps;
	size_t nr_maps;
	char license[64];
	struct btf *btf;	/* the object's .BTF, or NULL; owned */
	struct rt_global *globals;	/* bytecode objects only */
	size_t nr_globals;
	bool is_conformance;	/* a .data test file: see conf */
	struct rt_conf *conf;	/* parsed .data file, or NULL */
	/* One packet buffer of RT_PKT_SPARE_SIZE bytes (low 4 GiB) kept
	 * between runs: mapping and unmapping one per run costs more than a
	 * run (a capture replay runs packet after packet). Taken and given
	 * back with atomic exchanges (run.c); unmapped by rt_object__free(). */
	void *pkt_spare;
	/* bpf_get_socket_cookie(): the last cookie given (atomic), and the
	 * cookies of the socket pointers tracing programs asked about, under
	 * cookie_lock (an atomic flag); owned */
	uint64_t last_cookie;
	struct rt_cookie *cookies;
	size_t nr_cookies, cookie_cap;
	bool cookie_lock;
	struct rt_shm *shm;	/* maps in shared memory (shm.c), or NULL; owned */
	/* what the loader assumed about the object, for the user (a bare
	 * native object without a manifest), or NULL; owned */
	char *note;
	/* a native object attached from its own file (bpfaot-run --bytecode),
	 * owned, and its path for messages; NULL otherwise */
	uint8_t *native_file;
	char *native_path;
};

/* Opens a BPF ELF (or, from the extension .data, a conformance file). */
struct rt_object *rt_object__open(const char *path, const struct bpfaot_open_opts *opts,
				  struct rt_log *log);
struct rt_object *rt_object__open_mem(const void *data, size_t size, const char *name,
				      const struct bpfaot_open_opts *opts, struct rt_log *log);
void rt_object__free(struct rt_object *obj);
/* Makes the native object in file path (e.g. bpftime-vm build's bpf_main.o,
 * with or without a manifest) the native code of program prog (NULL: the
 * object's only program) of a bytecode object, whose maps it then uses.
 * Returns 0 or -errno with the reason in log. */
int rt_object__attach_native(struct rt_object *obj, const char *prog, const char *path,
			     struct rt_log *log);
struct rt_prog *rt_object__find_prog(struct rt_object *obj, const char *name);
struct rt_map *rt_object__find_map(struct rt_object *obj, const char *name);
/* Whether prog may call bpf_tail_call(): its bytecode does, or it has none
 * to tell (a bare native object's program). */
bool rt_prog__may_tail_call(const struct rt_prog *prog);
/* The variable `name` of global-data map `section`; *count says how many
 * variables have that name there (more than one after static symbols of
 * two objects were linked together). NULL when none. */
const struct rt_global *rt_object__find_global(const struct rt_object *obj, const char *name,
					       const char *section, size_t *count);
/* Program type and context from a libbpf section name; false if unknown. */
bool rt_prog_type_from_sec(const char *sec, uint32_t *type, uint32_t *attach);
enum rt_ctx_kind rt_ctx_kind_of(uint32_t prog_type);
int rt_prog_type_by_name(const char *name, uint32_t *type);

/* Static checks every engine relies on: known opcodes, zero unused fields,
 * registers in range, r10 read-only, jumps inside the program and not into
 * an lddw's second half, calls to known helpers or valid subprograms, the
 * last instruction an exit or a jump, no register read before any path
 * writes it. Records in prog->missing_helper a kernel helper the runtime
 * lacks (not an error here: see struct rt_prog). */
int rt_prog__validate(struct rt_prog *prog, struct rt_log *log);

/* ------------------------------------------------- conformance files */

struct rt_conf {
	struct rt_insn *insns;
	size_t nr_insns;
	uint8_t *mem;
	size_t mem_size;
	bool has_result;
	uint64_t result;
	bool has_error;
	char *error;		/* expected error text, or NULL */
};

/* Parses a .data test file: its -- asm (assembled) or -- raw, -- mem,
 * -- result and -- error. Errors name the line: "f.data:12: invalid register". */
struct rt_conf *rt_conf__parse(const char *text, size_t len, const char *path, struct rt_log *log);
void rt_conf__free(struct rt_conf *conf);
/* Assembles ubpf-syntax assembler text into instructions. */
int rt_asm(const char *text, const char *path, int first_line, struct rt_insn **out, size_t *cnt,
	   struct rt_log *log);

/* --------------------------------------------------------- run state */

struct rt_run;

/* How helpers that take callbacks (bpf_loop, for_each_map_elem) call back
 * into the program: fn_addr is what the program passed (engine-specific:
 * an instruction address for the interpreter, a native address for native
 * code). Set by the engine before the run. */
typedef uint64_t (*rt_callback_fn)(struct rt_run *run, uint64_t fn_addr, uint64_t r1, uint64_t r2,
				   uint64_t r3, uint64_t r4, uint64_t r5);

struct rt_region {
	uintptr_t start, end;
	bool writable;
};

struct rt_redirect {
	bool set;
	uint32_t ifindex;
	uint64_t flags;
	int32_t map_idx;	/* -1 for bpf_redirect */
	uint32_t key;
};

/* Everything a run of one program needs and produces. Helpers find it
 * through rt_run__current() because the native ABI gives them no context
 * argument. */
struct rt_run {
	struct rt_object *obj;
	struct rt_prog *prog;
	enum bpfaot_engine engine;
	/* context */
	void *ctx;
	size_t ctx_size;
	/* packet: buf[0..cap) with data at buf + headroom; 32-bit addressable */
	uint8_t *pkt_buf;
	size_t pkt_cap;
	uint8_t *data, *data_end, *data_meta;
	/* safety */
	bool checked;			/* bounds-check helper pointers (interp) */
	/* extra regions helpers lend to callbacks (keys they own) */
	struct rt_region regions[8];
	size_t nr_regions;
	/* the engine's own check of everything else (stack, ctx, packet, maps) */
	bool (*mem_check)(struct rt_run *run, uintptr_t addr, uint64_t len, bool write);
	uint64_t budget;		/* instructions left (interp) */
	uint64_t budget_limit;		/* budget of each run, 0 = RT_DEFAULT_BUDGET */
	int tail_calls;
	struct rt_prog *tail_target;	/* set by bpf_tail_call for the engine */
	void *held_lock;		/* the bpf_spin_lock held (checked mode) */
	uint32_t frames_zeroed;		/* interp: stack frames cleared this run */
	rt_callback_fn callback;
	const struct rt_native_engine *native;	/* the native engine running, if any */
	/* outputs */
	struct rt_redirect redirect;
	struct bpf_tunnel_key tunnel_key;
	bool tunnel_key_set;
	void (*print)(void *cookie, const char *text, size_t len);
	void *print_cookie;
	int err;			/* runtime error (-errno), sticky */
	struct rt_log *log;
	uint64_t prandom_state;		/* bpf_get_prandom_u32, see rt_run__set_current() */
	uint64_t sock_cookie;		/* the test run's socket's cookie, 0 until asked */
	bool skb_encap;			/* bpf_skb_adjust_room encapsulated the packet */
};

struct rt_run *rt_run__current(void);
/* Whether a socket-buffer program of this type sees the packet from its
 * Ethernet header (tc), as bpf_prog_test_run_skb() decides (is_l2). */
bool rt_run__skb_is_l2(uint32_t type);
/* Makes run current on this thread (NULL: none), saving the previous run's
 * bpf_get_prandom_u32 state into it and loading run's. */
void rt_run__set_current(struct rt_run *run);
/* The current run's bpf_get_prandom_u32 state (a thread-local variable). */
uint64_t *rt_run__prandom_state(void);
/* The calling thread's tgid << 32 | tid, kept in a thread-local variable
 * after the first call (bpf_get_current_pid_tgid). */
uint64_t rt_run__pid_tgid(void);
/* *off = the offset from the thread pointer, the same in every thread, of
 * the thread-local variable that symbol name of abi.h stands for
 * (BPFAOT_TLS_PRANDOM: the prandom state, BPFAOT_TLS_PID_TGID: the ids);
 * false for another name, or off x86-64. */
bool rt_run__tls_tpoff(const char *name, intptr_t *off);
/* true when [p, p+len) is memory the program may access; with write, writable. */
bool rt_run__mem_ok(struct rt_run *run, const void *p, uint64_t len, bool write);
/* Records a runtime error once; the engine stops at the next check. */
__attribute__((format(printf, 3, 4))) void rt_run__fail(struct rt_run *run, int err,
							 const char *fmt, ...);
/* rt_run__fail() prefixed with the file and the program, for engines'
 * run-time errors: "x.o: program 'p' insn 17: out-of-bounds load ...". */
__attribute__((format(printf, 3, 4))) void rt_run__fail_insn(struct rt_run *run, int err,
							      const char *fmt, ...);

/* ------------------------------------------------------------ helpers */

typedef uint64_t (*rt_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

enum rt_arg {
	RT_ARG_NONE,
	RT_ARG_ANY,		/* scalar */
	RT_ARG_CTX,
	RT_ARG_MAP,		/* const struct bpf_map * */
	RT_ARG_PTR,		/* pointer to memory, size from the next arg or map */
	RT_ARG_PTR_OR_NULL,
	RT_ARG_SIZE,
	RT_ARG_FUNC,		/* callback (bpf_loop, for_each_map_elem) */
	RT_ARG_ADDR,		/* any address, read safely (probe_read's unsafe_ptr) */
};

enum rt_ret {
	RT_RET_VOID,
	RT_RET_INT,		/* long */
	RT_RET_U64,
	RT_RET_PTR_OR_NULL,	/* map value / ringbuf record / task token */
};

struct rt_helper {
	uint32_t id;
	const char *name;	/* "bpf_map_lookup_elem" */
	rt_helper_fn fn;
	enum rt_ret ret;
	enum rt_arg args[5];
	const char *proto;	/* C prototype, for the linker's checks */
};

/* The helper with this kernel id, or NULL. */
const struct rt_helper *rt_helper__by_id(uint32_t id);
const struct rt_helper *rt_helper__by_name(const char *name);
/* The kernel's name of helper id ("bpf_xdp_get_buff_len"), or NULL if the
 * kernel headers know no such id. */
const char *rt_helper_kernel_name(uint32_t id);
/* Why the runtime refuses kernel helper id on purpose, as ": reason" to
 * end a message, or "" (include/bpfaot/helpers.h). Static storage. */
const char *rt_helper_refused_why(uint32_t id);
/* Iterates the table (for --list, docs and tests). */
const struct rt_helper *rt_helper__next(const struct rt_helper *prev);


/* --------------------------------------------------------- engines */

/* Sets up the context for prog from the run options: packet buffer (in the
 * low 4 GiB so that 32-bit context fields hold real pointers), xdp_md or
 * __sk_buff, pt_regs or raw ctx. Writes back data_out/ctx_out after. */
int rt_run__setup(struct rt_run *run, struct rt_prog *prog, const struct bpfaot_run_opts *opts,
		  struct rt_log *log);
int rt_run__finish(struct rt_run *run, struct bpfaot_run_opts *opts, uint64_t retval);
/* Rewrites xdp_md/__sk_buff packet fields after a helper moved the packet. */
void rt_run__sync_ctx(struct rt_run *run);
void rt_run__release(struct rt_run *run);

/*
 * What an engine that runs native code (aot, jit, llvm-jit, llvm-aot)
 * provides to rt_run__native(). run_n is the hot loop: it runs run->prog
 * up to repeat times on the same context and returns r0 of the last run,
 * stopping after a run that used a tail call or failed (run->tail_calls or
 * run->err set), with *done the runs made. rt_run__loop() is that loop for
 * an entry bpf_main(ctx, ctx_size).
 */
struct rt_native_engine {
	int (*prepare)(struct rt_run *run, struct rt_prog *prog);	/* compile/link, cached */
	uint64_t (*run_n)(struct rt_run *run, uint32_t repeat, uint32_t *done);
	rt_callback_fn callback;					/* for bpf_loop & co */
};

/* Runs run->prog repeat times on a native engine: unchecked mode,
 * callbacks, and the tail calls a successful bpf_tail_call() left in
 * run->tail_target; *retval is r0 of the last run. */
int rt_run__native(struct rt_run *run, const struct rt_native_engine *ne, uint32_t repeat,
		   uint64_t *retval);

/* After a successful bpf_tail_call() in a function that is not the entry
 * of the running native code (a subprogram): runs run->tail_target now,
 * and the tail calls it makes, on the same context, and returns the last
 * one's r0, which the subprogram returns (the kernel's x86-64 JIT replaces
 * the subprogram with the target). 0 with run->err set on a failure. */
uint64_t rt_run__tail_call_now(struct rt_run *run);

/* The native engines' hot loop (see struct rt_native_engine): nothing but
 * the call and one test of the run's state between two runs. */
static inline uint64_t rt_run__loop(struct rt_run *run, bpfaot_entry_fn entry, uint32_t repeat,
				    uint32_t *done)
{
	void *ctx = run->ctx;
	uint64_t ctx_size = run->ctx_size, r = 0;
	uint32_t n = 0;

	while (n < repeat) {
		r = entry(ctx, ctx_size);
		n++;
		/* a tail call, even to an empty slot, counts; a success also
		 * sets tail_target */
		if (__builtin_expect(run->tail_calls | run->err, 0))
			break;
	}
	*done = n;
	return r;
}

int rt_interp__run(struct rt_run *run, uint32_t repeat, uint64_t *retval);

/* Fault containment (fault.c): runs body(run, arg) with a guard, so that a
 * hardware fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL) of this thread inside it
 * stops it and becomes -EFAULT, with a message naming the object, the
 * program, the engine and the signal in run->log. The host's handlers are
 * back when it returns. Otherwise body's result. */
typedef int (*rt_fault_body_fn)(struct rt_run *run, void *arg);
int rt_fault__call(struct rt_run *run, rt_fault_body_fn body, void *arg);

/* The kernel engine lives in rt_kernel.h. */

/* ---------------------------------------------------- native objects */

/*
 * Native program objects (docs/object-format.md): an x86-64 ET_REL file
 * whose `.bpfaot.manifest` section describes the program, the helpers and
 * maps it uses and its global variables (manifest.c); the runtime's own
 * linker places and relocates it in one mmap'd image (link.c); the `aot`
 * engine runs it (aot.c).
 */


#define RT_MANIFEST_MAX_SIZE (1u << 20)	/* bytes of manifest text */
#define RT_NATIVE_MAX_IMAGE (64u << 20)	/* bytes of linked image */
#define RT_MF_NAME_MAX 255		/* program and global names */
#define RT_MF_MAX_RECORDS 4096		/* of each kind: helper, map, global */

/* The value classes of helper prototypes in the manifest. */
enum rt_mf_class {
	RT_MF_VOID,
	RT_MF_PTR,
	RT_MF_SCALAR,
};

struct rt_mf_helper {
	uint32_t id;
	char *name;
	enum rt_mf_class ret;
	enum rt_mf_class args[5];
	int nr_args;		/* fixed arguments */
	bool varargs;		/* `...` after them */
	char *proto;		/* informational; may be NULL */
	unsigned int line;
};

struct rt_mf_map {
	struct rt_map_def def;	/* name, type, key/value size, max entries, flags */
	bool inlined;		/* native code reads values through __bpfaot_map_values_NAME */
	uint32_t stride;	/* bytes from one value to the next it assumes (stride=, else value size) */
	bool has_const;		/* contents compiled in (const=): their hash */
	uint64_t const_hash;
	unsigned int line;
};

struct rt_mf_global {
	char *name;
	char *section;		/* the global-data map: ".rodata", ".data", ".bss", ... */
	uint32_t offset, size;
	uint8_t *init;		/* size bytes of initial value (init=HEX), or NULL */
	uint8_t *cval;		/* size bytes native code has compiled in (const=HEX), or NULL */
	unsigned int line;
};

struct rt_manifest {
	char *prog_name;
	char *prog_sec;
	uint32_t prog_type;	/* enum bpf_prog_type */
	enum rt_ctx_kind ctx_kind;
	uint32_t stack;
	/* the hash of the bytecode the native code was built from (prog
	 * `bytecode=`), absent in objects of older bpfaot-cc */
	bool has_bytecode_hash;
	uint64_t bytecode_hash;
	/* the x86-64 level the native code needs (prog `march=`): 1 for the
	 * baseline (absent), 2, 3 or 4 for x86-64-v2 .. -v4 */
	uint32_t march_level;
	struct rt_mf_helper *helpers;
	size_t nr_helpers;
	struct rt_mf_map *maps;
	size_t nr_maps;
	struct rt_mf_global *globals;
	size_t nr_globals;
};

/* The x86-64 level of the CPU we run on, 1 to 4 (x86-64 .. x86-64-v4). */
uint32_t rt_cpu_march_level(void);
/* Parses manifest text (untrusted: every error names the line, "x.o:
 * manifest line 3: unknown record 'foo'"). path is for messages. Returns
 * the manifest (caller frees with rt_manifest__free()) or NULL with errno
 * set (EINVAL syntax, E2BIG limits, ENOMEM). */
struct rt_manifest *rt_manifest__parse(const char *text, size_t len, const char *path,
				       struct rt_log *log);
void rt_manifest__free(struct rt_manifest *mf);
/* The records named so, or NULL. */
const struct rt_mf_helper *rt_manifest__find_helper(const struct rt_manifest *mf, uint32_t id);
const struct rt_mf_map *rt_manifest__find_map(const struct rt_manifest *mf, const char *name);
const struct rt_mf_global *rt_manifest__find_global(const struct rt_manifest *mf,
						    const char *name);
/* Checks the manifest against the runtime: the stack limit, each helper's
 * existence and prototype classes, each map's type and layout against obj's
 * map of that name, each global against its data map, and (prog != NULL)
 * the program's name and context. 0, or -ENOTSUP/-EINVAL/-ENOENT/-E2BIG
 * with the culprit named in log. */
int rt_manifest__check(const struct rt_manifest *mf, const struct rt_object *obj,
		       const struct rt_prog *prog, const char *path, struct rt_log *log);
/* The manifest of a native object held in memory (parsed, not checked);
 * NULL with errno set (ENOENT when the object has none). */
struct rt_manifest *rt_manifest__from_native(const void *data, size_t size, const char *path,
					     struct rt_log *log);

/* A linked native program: its image (text R+X, rodata and GOT R, data
 * RW, never W+X) and its entry. */
struct rt_native;

/* Links the native object data (borrowed for the call only) against obj's
 * maps and global data and the runtime's helpers; prog (may be NULL) is
 * the program it implements, for the manifest checks. Returns the image
 * (caller frees with rt_native__free(), which unmaps it) or NULL with errno
 * set and the reason in log. */
struct rt_native *rt_native__link(const void *data, size_t size, const char *path,
				  struct rt_object *obj, const struct rt_prog *prog,
				  struct rt_log *log);
void rt_native__free(struct rt_native *nat);
bpfaot_entry_fn rt_native__entry(const struct rt_native *nat);
/* true when [addr, addr+1) is inside the image's text (callback checks). */
bool rt_native__has_code(const struct rt_native *nat, uint64_t addr);
/* Microseconds-scale statistics for tests and --list: bytes of image, GOT
 * entries and call stubs. */
void rt_native__stats(const struct rt_native *nat, size_t *image, size_t *got, size_t *stubs);

/* The aot engine: links prog (once, cached in engine_state) and runs it. */
int rt_aot__prepare(struct rt_prog *prog, struct rt_log *log);
int rt_aot__run(struct rt_run *run, uint32_t repeat, uint64_t *retval);

/* ------------------------------------------------------------------ jit */

/*
 * The `jit` engine: a template x86-64 JIT in the ubpf style (docs/jit.md).
 * jit_x86_64.c turns a program's bytecode into machine code in one pass
 * plus a fixup pass for jump targets; jit.c runs it (tail calls,
 * callbacks). The code does not bounds-check memory: like the kernel's and
 * ubpf's JITs it trusts the program, and the interpreter is the checked
 * engine.
 */

#define RT_JIT_MAX_CODE (64u << 20)	/* bytes of machine code per program */

/*
 * One invocation of JIT code (the entry, or a callback from a helper):
 * generated code reaches it through r12. abort_rsp is the trampoline's
 * stack pointer, which a fault or an early stop restores to return 0 from
 * the invocation; BPF-to-BPF calls compare the stack pointer with
 * stack_limit, RT_MAX_CALL_DEPTH frames below it.
 */
struct rt_jit_inv {
	struct rt_run *run;
	uint64_t abort_rsp;
	uint64_t stack_limit;
	uint32_t depth;			/* invocations nested: 1 for the entry */
	uint64_t fn;			/* native address of the function to run */
	uint64_t args[5];		/* r1-r5 */
};

/* A compiled program: machine code mapped R+X, and its function entries. */
struct rt_jit;

/* Compiles prog (already validated) into machine code of at most max_code
 * bytes (0 = RT_JIT_MAX_CODE). Returns the code (caller frees with
 * rt_jit__free(), which unmaps it) or NULL with errno set and the reason in
 * log: E2BIG over the limit, ENOTSUP an instruction it cannot compile,
 * ENOMEM. */
struct rt_jit *rt_jit__compile(const struct rt_prog *prog, size_t max_code, struct rt_log *log);
void rt_jit__free(struct rt_jit *jit);
/* Runs inv->fn (main: rt_jit__main_addr()) with inv->args; r0 of that
 * function, or 0 when it stopped early (a fault recorded in inv->run->err,
 * a tail call, a legacy packet load out of bounds). */
uint64_t rt_jit__invoke(const struct rt_jit *jit, struct rt_jit_inv *inv);
/* The trampoline rt_jit__invoke() calls, for a loop that calls it itself;
 * the same inv may serve run after run. */
typedef uint64_t (*rt_jit_trampoline_fn)(struct rt_jit_inv *inv);
rt_jit_trampoline_fn rt_jit__trampoline(const struct rt_jit *jit);
uint64_t rt_jit__main_addr(const struct rt_jit *jit);
/* true when addr is the native entry of one of the program's functions. */
bool rt_jit__is_function(const struct rt_jit *jit, uint64_t addr);
/* The code offsets of the heads of the program's innermost loops (the
 * targets of backward jumps that no other such target follows before the
 * jump), n of them, ascending; each starts a 64-byte line. */
const uint32_t *rt_jit__loop_heads(const struct rt_jit *jit, size_t *n);
/* Bytes of machine code and the time the compile took. */
void rt_jit__stats(const struct rt_jit *jit, size_t *code_size, uint64_t *compile_ns);

/* The engine: compiles prog once (cached in engine_state) and runs it. */
int rt_jit__prepare(struct rt_prog *prog, struct rt_log *log);
int rt_jit__run(struct rt_run *run, uint32_t repeat, uint64_t *retval);

#endif /* BPFAOT_RT_INTERNAL_H */
