// SPDX-License-Identifier: MIT
/*
 * The public API of libbpfaot (include/bpfaot/bpfaot.h): thin, NULL-safe
 * wrappers over the runtime's objects, and bpfaot_prog__run(), which sets up
 * a run, hands it to the chosen engine (repeatedly, for timing) and writes
 * the results back. The public types are the internal ones under another
 * name; callers only ever see pointers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_internal.h"

#define OBJ(o) ((struct rt_object *)(o))
#define PROG(p) ((struct rt_prog *)(p))
#define MAP(m) ((struct rt_map *)(m))

static const char *const engine_names[BPFAOT_ENGINE__COUNT] = {
	[BPFAOT_ENGINE_AOT] = "aot",
	[BPFAOT_ENGINE_INTERP] = "interp",
	[BPFAOT_ENGINE_JIT] = "jit",
	[BPFAOT_ENGINE_LLVM_JIT] = "llvm-jit",
	[BPFAOT_ENGINE_LLVM_AOT] = "llvm-aot",
	[BPFAOT_ENGINE_KERNEL] = "kernel",
};

BPFAOT_API const char *bpfaot_engine__name(enum bpfaot_engine engine)
{
	if ((unsigned int)engine >= BPFAOT_ENGINE__COUNT)
		return "unknown";
	return engine_names[engine];
}

BPFAOT_API int bpfaot_engine__by_name(const char *name, enum bpfaot_engine *engine)
{
	int e;

	for (e = 0; e < BPFAOT_ENGINE__COUNT; e++) {
		if (name && !strcmp(name, engine_names[e])) {
			*engine = (enum bpfaot_engine)e;
			return 0;
		}
	}
	errno = ENOENT;
	return -ENOENT;
}

/*
 * Engines registered from outside the runtime (bpfaot_engine__register).
 * A process-wide table, the one mutable global here: written at startup
 * before any run (bpfaot-run's main), only read by runs after that.
 */
static struct bpfaot_engine_ops engine_ops[BPFAOT_ENGINE__COUNT];

BPFAOT_API int bpfaot_engine__register(enum bpfaot_engine engine,
				       const struct bpfaot_engine_ops *ops)
{
	if ((unsigned int)engine >= BPFAOT_ENGINE__COUNT || engine == BPFAOT_ENGINE_AOT ||
	    engine == BPFAOT_ENGINE_INTERP || engine == BPFAOT_ENGINE_KERNEL || !ops ||
	    ops->sz < sizeof(*ops) || !ops->run) {
		errno = EINVAL;
		return -EINVAL;
	}
	engine_ops[engine] = *ops;
	return 0;
}

/* Copies the log opts of a public call into an rt_log. */
static struct rt_log make_log(char *buf, size_t size)
{
	struct rt_log log = { .buf = buf, .size = size };

	if (buf && size)
		buf[0] = '\0';
	return log;
}

BPFAOT_API struct bpfaot_object *bpfaot_object__open(const char *path,
						     const struct bpfaot_open_opts *opts)
{
	struct rt_log log = make_log(opts ? opts->log_buf : NULL, opts ? opts->log_size : 0);

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	return (struct bpfaot_object *)rt_object__open(path, opts, &log);
}

BPFAOT_API void bpfaot_object__close(struct bpfaot_object *obj)
{
	rt_object__free(OBJ(obj));
}

BPFAOT_API struct bpfaot_prog *bpfaot_object__next_prog(const struct bpfaot_object *obj,
							struct bpfaot_prog *prev)
{
	const struct rt_object *o = OBJ(obj);
	size_t i;

	if (!o || !o->nr_progs)
		return NULL;
	if (!prev)
		return (struct bpfaot_prog *)&o->progs[0];
	i = (size_t)(PROG(prev) - o->progs) + 1;
	return i < o->nr_progs ? (struct bpfaot_prog *)&o->progs[i] : NULL;
}

BPFAOT_API struct bpfaot_prog *bpfaot_object__find_prog(const struct bpfaot_object *obj,
							const char *name)
{
	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	return (struct bpfaot_prog *)rt_object__find_prog(OBJ(obj), name);
}

BPFAOT_API struct bpfaot_map *bpfaot_object__next_map(const struct bpfaot_object *obj,
						      struct bpfaot_map *prev)
{
	const struct rt_object *o = OBJ(obj);
	size_t i;

	if (!o || !o->nr_maps)
		return NULL;
	if (!prev)
		return (struct bpfaot_map *)o->maps[0];
	for (i = 0; i + 1 < o->nr_maps; i++)
		if (o->maps[i] == MAP(prev))
			return (struct bpfaot_map *)o->maps[i + 1];
	return NULL;
}

BPFAOT_API struct bpfaot_map *bpfaot_object__find_map(const struct bpfaot_object *obj,
						      const char *name)
{
	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	return (struct bpfaot_map *)rt_object__find_map(OBJ(obj), name);
}

BPFAOT_API const char *bpfaot_prog__name(const struct bpfaot_prog *prog)
{
	return prog ? PROG(prog)->name : NULL;
}

BPFAOT_API const char *bpfaot_prog__section(const struct bpfaot_prog *prog)
{
	return prog ? PROG(prog)->sec_name : NULL;
}

BPFAOT_API size_t bpfaot_prog__insn_cnt(const struct bpfaot_prog *prog)
{
	return prog ? PROG(prog)->nr_insns : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Whether run's program can run on its engine at all (checked once, before
 * any one-time work). */
static int check_engine(struct rt_run *run)
{
	/* a bare native object's program has only native code */
	if (run->engine != BPFAOT_ENGINE_AOT && !run->prog->nr_insns) {
		rt_log__err(run->log, "program '%s' has no bytecode", run->prog->name);
		return -ENOTSUP;
	}
	/* bytecode engines call helpers from the runtime's table */
	if (run->engine != BPFAOT_ENGINE_AOT && run->prog->missing_helper) {
		uint32_t id = run->prog->missing_helper;

		rt_log__err(run->log, "program '%s' calls helper %u ('%s'), which the runtime does not provide%s",
			    run->prog->name, id, rt_helper_kernel_name(id), rt_helper_refused_why(id));
		return -ENOTSUP;
	}
	if (run->engine == BPFAOT_ENGINE_KERNEL) {
		rt_log__err(run->log, "the kernel engine runs objects by path: use bpfaot-run");
		return -ENOTSUP;
	}
	/* native code has no instructions to count; never ignore a budget */
	if (run->budget_limit && run->engine != BPFAOT_ENGINE_INTERP) {
		rt_log__err(run->log, "an instruction budget applies to the interpreter only: engine "
			    "'%s' cannot count instructions", bpfaot_engine__name(run->engine));
		return -ENOTSUP;
	}
	if ((unsigned int)run->engine >= BPFAOT_ENGINE__COUNT ||
	    (run->engine > BPFAOT_ENGINE_JIT && !engine_ops[run->engine].run)) {
		rt_log__err(run->log, "engine '%s' is not built yet", bpfaot_engine__name(run->engine));
		return -ENOTSUP;
	}
	return 0;
}

/* Links or compiles prog for run's engine (cached in the program); 0 or
 * -errno with the reason in log. */
static int prepare_prog(struct rt_run *run, struct rt_prog *prog, struct rt_log *log)
{
	struct rt_prog *saved_prog = run->prog;
	struct rt_log *saved_log = run->log;
	int err;

	switch (run->engine) {
	case BPFAOT_ENGINE_AOT:
		return rt_aot__prepare(prog, log);
	case BPFAOT_ENGINE_JIT:
		return rt_jit__prepare(prog, log);
	case BPFAOT_ENGINE_INTERP:
		return 0; /* nothing worth timing apart */
	default:
		if (!engine_ops[run->engine].prepare)
			return 0;
		/* a registered engine prepares the run's program */
		run->prog = prog;
		run->log = log;
		err = engine_ops[run->engine].prepare((struct bpfaot_run *)run);
		run->prog = saved_prog;
		run->log = saved_log;
		return err;
	}
}

/*
 * The one-time work of the run's engine, before the clock starts: the link
 * (aot) or the compile (jit, registered engines) of the program and, when
 * it may tail-call, of every other program of the object. A target that
 * cannot be prepared is left alone: the run fails only if it reaches it,
 * with the reason, as it would without this step.
 */
static int prepare_engine(struct rt_run *run)
{
	struct rt_object *obj = run->obj;
	size_t p;
	int err;

	err = prepare_prog(run, run->prog, run->log);
	if (err || !rt_prog__may_tail_call(run->prog))
		return err;
	for (p = 0; p < obj->nr_progs; p++) {
		struct rt_prog *t = &obj->progs[p];
		char buf[256];
		struct rt_log scratch = { .buf = buf, .size = sizeof(buf) };

		if (t == run->prog || (run->engine == BPFAOT_ENGINE_AOT ? !t->native
					: !t->nr_insns || t->missing_helper || t->invalid))
			continue;
		prepare_prog(run, t, &scratch);
	}
	return 0;
}

/* Runs the run repeat times; *retval is r0 of the last run. */
static int run_engine(struct rt_run *run, uint32_t repeat, uint64_t *retval)
{
	const struct bpfaot_engine_ops *ops = &engine_ops[run->engine];
	uint32_t n;
	int err = 0;

	switch (run->engine) {
	case BPFAOT_ENGINE_AOT:
		return rt_aot__run(run, repeat, retval);
	case BPFAOT_ENGINE_INTERP:
		return rt_interp__run(run, repeat, retval);
	case BPFAOT_ENGINE_JIT:
		return rt_jit__run(run, repeat, retval);
	default:
		if (ops->run_repeat)
			return ops->run_repeat((struct bpfaot_run *)run, repeat, retval);
		for (n = 0; n < repeat && !err; n++)
			err = ops->run((struct bpfaot_run *)run, retval);
		return err;
	}
}

/* The timed loop: only the engine's own time is counted. */
struct timed_runs {
	uint32_t repeat;
	uint64_t *retval;
	uint64_t total;
};

static int timed_runs(struct rt_run *run, void *arg)
{
	struct timed_runs *t = arg;
	uint64_t start = now_ns();
	int err = run_engine(run, t->repeat, t->retval);

	t->total = now_ns() - start;
	return err;
}

BPFAOT_API int bpfaot_prog__run(struct bpfaot_prog *prog, struct bpfaot_run_opts *opts)
{
	struct rt_log log;
	struct rt_run run;
	uint64_t retval = 0, start, total = 0, prepared = 0;
	struct timed_runs timed = { .retval = &retval };
	uint32_t repeat;
	int err;

	if (!prog || !opts || opts->sz < sizeof(*opts)) {
		errno = EINVAL;
		return -EINVAL;
	}
	log = make_log(opts->log_buf, opts->log_size);
	/* the validator's verdict binds the bytecode engines only */
	if (opts->engine != BPFAOT_ENGINE_AOT && PROG(prog)->invalid) {
		rt_log__err(&log, "%s", PROG(prog)->invalid_msg);
		errno = -PROG(prog)->invalid;
		return PROG(prog)->invalid;
	}
	repeat = opts->repeat ? opts->repeat : 1;
	/* as the kernel's test runs: one packet and context, run repeat
	 * times; only the engine's own time is counted */
	err = rt_run__setup(&run, PROG(prog), opts, &log);
	if (!err)
		err = check_engine(&run);
	if (!err) {
		start = now_ns();
		err = prepare_engine(&run);
		prepared = now_ns() - start;
	}
	if (err)
		goto out_release;
	/* native code (every engine but the interpreter) runs under a fault
	 * guard, armed once for the whole loop */
	timed.repeat = repeat;
	err = run.engine == BPFAOT_ENGINE_INTERP ? timed_runs(&run, &timed)
						 : rt_fault__call(&run, timed_runs, &timed);
	total = timed.total;
	if (!err)
		err = rt_run__finish(&run, opts, retval);
	if (err)
		goto out_release;
	rt_run__release(&run);
	opts->duration_ns = total / repeat;
	opts->duration_avg_ns = (double)total / repeat;
	opts->prepare_ns = prepared;
	return 0;

out_release:
	rt_run__release(&run);
	errno = -err;
	return err;
}

BPFAOT_API const char *bpfaot_map__name(const struct bpfaot_map *map)
{
	return map ? rt_map__name(MAP(map)) : NULL;
}

BPFAOT_API uint32_t bpfaot_map__type(const struct bpfaot_map *map)
{
	return map ? rt_map__def(MAP(map))->type : 0;
}

BPFAOT_API uint32_t bpfaot_map__key_size(const struct bpfaot_map *map)
{
	return map ? rt_map__def(MAP(map))->key_size : 0;
}

BPFAOT_API uint32_t bpfaot_map__value_size(const struct bpfaot_map *map)
{
	return map ? rt_map__def(MAP(map))->value_size : 0;
}

BPFAOT_API uint32_t bpfaot_map__max_entries(const struct bpfaot_map *map)
{
	return map ? rt_map__def(MAP(map))->max_entries : 0;
}

BPFAOT_API int bpfaot_map__lookup(struct bpfaot_map *map, const void *key, void *value)
{
	int err = map ? rt_map__user_lookup(MAP(map), key, value) : -EINVAL;

	if (err)
		errno = -err;
	return err;
}

BPFAOT_API int bpfaot_map__update(struct bpfaot_map *map, const void *key, const void *value,
				  uint64_t flags)
{
	int err = map ? rt_map__user_update(MAP(map), key, value, flags) : -EINVAL;

	if (err)
		errno = -err;
	return err;
}

BPFAOT_API int bpfaot_map__get_next_key(struct bpfaot_map *map, const void *key, void *next_key)
{
	int err = map ? rt_map__get_next_key(MAP(map), key, next_key) : -EINVAL;

	if (err)
		errno = -err;
	return err;
}
