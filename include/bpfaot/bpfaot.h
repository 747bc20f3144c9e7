/* SPDX-License-Identifier: MIT */
/*
 * libbpfaot: load an eBPF object (BPF ELF, fat object, native object or
 * conformance test file) and run its programs on one of several engines.
 *
 * Conventions (libbpf's): opaque objects with getters; actions return 0 or
 * -errno and set errno; constructors return NULL with errno set; opts structs
 * start with sz and are declared with BPFAOT_OPTS(); every free accepts NULL.
 */
#ifndef BPFAOT_BPFAOT_H
#define BPFAOT_BPFAOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BPFAOT_API
#define BPFAOT_API __attribute__((visibility("default")))
#endif

struct bpfaot_object;
struct bpfaot_prog;
struct bpfaot_map;

enum bpfaot_engine {
	BPFAOT_ENGINE_AOT,	/* native code built from source by bpfaot-cc */
	BPFAOT_ENGINE_INTERP,	/* bounds-checked interpreter, the reference */
	BPFAOT_ENGINE_JIT,	/* template x86-64 JIT */
	BPFAOT_ENGINE_LLVM_JIT,	/* bytecode -> LLVM IR -> ORC JIT */
	BPFAOT_ENGINE_LLVM_AOT,	/* bytecode -> LLVM IR -> native object */
	BPFAOT_ENGINE_KERNEL,	/* BPF_PROG_TEST_RUN */
	BPFAOT_ENGINE__COUNT,
};

/* Declares and zero-fills an opts struct, setting its sz (LIBBPF_OPTS). */
#define BPFAOT_OPTS(TYPE, NAME, ...)                                                               \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

struct bpfaot_open_opts {
	size_t sz;
	/* program type for every program, overriding the section name
	 * ("xdp", "socket_filter", "raw_tracepoint", ...); NULL = from SEC() */
	const char *prog_type;
	/* where the one-line reason for a failure goes */
	char *log_buf;
	size_t log_size;
	/* POSIX shared memory name ("counters" or "/counters") for the maps:
	 * created, or attached when the object's maps match it (else the
	 * open fails naming the map); NULL = private maps. See
	 * docs/shm-layout.md. */
	const char *maps_shm;
};

struct bpfaot_run_opts {
	size_t sz;
	enum bpfaot_engine engine;
	const void *data_in;	/* packet or memory */
	uint32_t data_size_in;
	void *data_out;		/* packet after the run; may be NULL */
	uint32_t data_size_out;	/* in: capacity; out: size written */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;	/* in: capacity; out: size written */
	uint32_t repeat;	/* 0 = 1 */
	uint64_t budget;	/* interpreter instruction budget, 0 = default */
	/* results */
	uint64_t retval;	/* r0; its low 32 bits for every kernel program type,
				 * as the kernel's test run; all 64 for mem programs */
	uint64_t duration_ns;	/* average per run */
	/* bpf_trace_printk output; NULL = discarded */
	void (*print)(void *cookie, const char *text, size_t len);
	void *print_cookie;
	char *log_buf;
	size_t log_size;
	/* results, continued */
	double duration_avg_ns;	/* duration_ns with sub-ns precision */
	/* the one-time work of this call, done before the timed runs: the
	 * link (aot), the compile (jit, llvm-jit, llvm-aot, each program the
	 * program may tail-call included); 0 when an earlier call did it */
	uint64_t prepare_ns;
};

BPFAOT_API struct bpfaot_object *bpfaot_object__open(const char *path,
						     const struct bpfaot_open_opts *opts);
BPFAOT_API void bpfaot_object__close(struct bpfaot_object *obj);
BPFAOT_API struct bpfaot_prog *bpfaot_object__next_prog(const struct bpfaot_object *obj,
							struct bpfaot_prog *prev);
BPFAOT_API struct bpfaot_prog *bpfaot_object__find_prog(const struct bpfaot_object *obj,
							const char *name);
BPFAOT_API struct bpfaot_map *bpfaot_object__next_map(const struct bpfaot_object *obj,
						      struct bpfaot_map *prev);
BPFAOT_API struct bpfaot_map *bpfaot_object__find_map(const struct bpfaot_object *obj,
						      const char *name);

#define bpfaot_object__for_each_prog(pos, obj)                                                     \
	for ((pos) = bpfaot_object__next_prog((obj), NULL); (pos);                                 \
	     (pos) = bpfaot_object__next_prog((obj), (pos)))
#define bpfaot_object__for_each_map(pos, obj)                                                      \
	for ((pos) = bpfaot_object__next_map((obj), NULL); (pos);                                  \
	     (pos) = bpfaot_object__next_map((obj), (pos)))

BPFAOT_API const char *bpfaot_prog__name(const struct bpfaot_prog *prog);
BPFAOT_API const char *bpfaot_prog__section(const struct bpfaot_prog *prog);
BPFAOT_API size_t bpfaot_prog__insn_cnt(const struct bpfaot_prog *prog);
/* Runs prog once (or opts->repeat times) on opts->engine. */
BPFAOT_API int bpfaot_prog__run(struct bpfaot_prog *prog, struct bpfaot_run_opts *opts);

BPFAOT_API const char *bpfaot_map__name(const struct bpfaot_map *map);
BPFAOT_API uint32_t bpfaot_map__type(const struct bpfaot_map *map);
BPFAOT_API uint32_t bpfaot_map__key_size(const struct bpfaot_map *map);
BPFAOT_API uint32_t bpfaot_map__value_size(const struct bpfaot_map *map);
BPFAOT_API uint32_t bpfaot_map__max_entries(const struct bpfaot_map *map);
/* Syscall-style access: per-CPU values span every CPU, as with bpf(2). */
BPFAOT_API int bpfaot_map__lookup(struct bpfaot_map *map, const void *key, void *value);
BPFAOT_API int bpfaot_map__update(struct bpfaot_map *map, const void *key, const void *value,
				  uint64_t flags);
BPFAOT_API int bpfaot_map__get_next_key(struct bpfaot_map *map, const void *key, void *next_key);

BPFAOT_API const char *bpfaot_engine__name(enum bpfaot_engine engine);

/*
 * Engines the runtime does not link (the llvm-jit and llvm-aot engines of
 * libbpfaot-llvm, see llvm/le.h) are handed to it at startup.
 * run executes the run (an opaque handle on the runtime's run state, valid
 * during the call) and stores r0 in *retval; prepare, when set, is called
 * before the timed runs, once for the run's program and, when that may
 * tail-call, once for each other program of the object (the handle then
 * names that program; a failure there only matters if the run reaches it);
 * 0 or -errno with the reason in the run's log. An engine caches what it prepares in the program and frees
 * it with the program. Registering again replaces the engine; call it
 * before any run (not thread-safe against runs in progress).
 */
struct bpfaot_run;
struct bpfaot_engine_ops {
	size_t sz;
	int (*run)(struct bpfaot_run *run, uint64_t *retval);
	/* optional: compiles what the run will need, before the clock of
	 * bpfaot_run_opts.duration_ns starts (so it measures runs only) */
	int (*prepare)(struct bpfaot_run *run);
	/* optional: runs the run repeat times on the same input (as
	 * bpfaot_run_opts.repeat says), r0 of the last run in *retval;
	 * without it, run is called repeat times */
	int (*run_repeat)(struct bpfaot_run *run, uint32_t repeat, uint64_t *retval);
};
/* -EINVAL for an unknown engine, a built-in one (aot, interp, kernel) or
 * ops without run. */
BPFAOT_API int bpfaot_engine__register(enum bpfaot_engine engine,
				       const struct bpfaot_engine_ops *ops);
/* -ENOENT for unknown names. */
BPFAOT_API int bpfaot_engine__by_name(const char *name, enum bpfaot_engine *engine);

#ifdef __cplusplus
}
#endif
#endif /* BPFAOT_BPFAOT_H */
