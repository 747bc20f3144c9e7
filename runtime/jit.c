// SPDX-License-Identifier: MIT
/*
 * The `jit` engine: compiles a program's bytecode with the template JIT
 * (jit_x86_64.c) on its first run, caches the code in prog->engine_state,
 * and runs it. Like the aot engine it trusts the program: memory accesses
 * are not checked, helpers run unchecked (run->checked is false) and there
 * is no instruction budget. A successful bpf_tail_call() stops the running
 * program (the code checks run->tail_target after the helper returns) and
 * the engine's loop runs the target with the same context; in a subprogram
 * the target runs at once, nested, and the subprogram returns its r0 (the
 * kernel's x86-64 JIT replaces the subprogram); helpers that take
 * callbacks (bpf_loop, for_each_map_elem) get the native address of a
 * JIT-compiled function, which jit_callback() runs as a new invocation.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "rt_internal.h"

struct jit_state {
	struct rt_jit *jit;
	struct rt_jit_inv *cur;	/* the invocation running now, for callbacks */
};

static void jit_state_free(void *state)
{
	struct jit_state *s = state;

	if (!s)
		return;
	rt_jit__free(s->jit);
	free(s);
}

int rt_jit__prepare(struct rt_prog *prog, struct rt_log *log)
{
	struct jit_state *s;
	int err;

	if (prog->engine_state[BPFAOT_ENGINE_JIT])
		return 0;
	if (!prog->nr_insns) {
		rt_log__err(log, "program '%s' has no bytecode", prog->name);
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		rt_log__err(log, "out of memory");
		return -ENOMEM;
	}
	s->jit = rt_jit__compile(prog, 0, log);
	if (!s->jit) {
		err = -errno;
		free(s);
		return err;
	}
	prog->engine_state[BPFAOT_ENGINE_JIT] = s;
	prog->engine_free[BPFAOT_ENGINE_JIT] = jit_state_free;
	return 0;
}

/* bpf_loop and friends call back into JIT code through here. */
static uint64_t jit_callback(struct rt_run *run, uint64_t fn_addr, uint64_t r1, uint64_t r2,
			     uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct jit_state *s = run->prog->engine_state[BPFAOT_ENGINE_JIT];
	struct rt_jit_inv inv, *outer = s->cur;
	uint64_t r;

	if (!rt_jit__is_function(s->jit, fn_addr)) {
		rt_run__fail(run, -EFAULT, "%s: program '%s' callback address 0x%" PRIx64
			     " is not a function", run->obj->path, run->prog->name, fn_addr);
		return 0;
	}
	/* as the interpreter counts them: nested invocations */
	if (!outer || outer->depth + 1 >= RT_MAX_CALL_DEPTH) {
		rt_run__fail(run, -E2BIG, "%s: program '%s' callback: call depth over %d",
			     run->obj->path, run->prog->name, RT_MAX_CALL_DEPTH);
		return 0;
	}
	inv = (struct rt_jit_inv){
		.run = run,
		.depth = outer->depth + 1,
		.fn = fn_addr,
		.args = { r1, r2, r3, r4, r5 },
	};
	s->cur = &inv;
	r = rt_jit__invoke(s->jit, &inv);
	s->cur = outer;
	return r;
}

/* Runs run->prog's main function repeat times (see struct
 * rt_native_engine): r1 = ctx (r2 = its size for raw memory). One
 * invocation record serves every run: the trampoline only writes the
 * stack pointers in it. */
static uint64_t run_n(struct rt_run *run, uint32_t repeat, uint32_t *done)
{
	struct jit_state *s = run->prog->engine_state[BPFAOT_ENGINE_JIT];
	rt_jit_trampoline_fn trampoline = rt_jit__trampoline(s->jit);
	struct rt_jit_inv *outer = s->cur, inv = {
		.run = run,
		.depth = 1,
		.fn = rt_jit__main_addr(s->jit),
		.args = { (uint64_t)(uintptr_t)run->ctx,
			  run->prog->ctx_kind == RT_CTX_MEM ? run->ctx_size : 0 },
	};
	uint64_t r = 0;
	uint32_t n = 0;

	s->cur = &inv;
	while (n < repeat) {
		r = trampoline(&inv);
		n++;
		if (__builtin_expect(run->tail_calls | run->err, 0))
			break;
	}
	s->cur = outer;	/* a tail call from a subprogram runs the target nested */
	*done = n;
	return r;
}

static int jit_prepare_run(struct rt_run *run, struct rt_prog *prog)
{
	return rt_jit__prepare(prog, run->log);
}

static const struct rt_native_engine jit_engine = {
	.prepare = jit_prepare_run,
	.run_n = run_n,
	.callback = jit_callback,
};

int rt_jit__run(struct rt_run *run, uint32_t repeat, uint64_t *retval)
{
	return rt_run__native(run, &jit_engine, repeat, retval);
}
