// SPDX-License-Identifier: MIT
/*
 * The `aot` engine: runs a program's native code, built from source by
 * bpfaot-cc (a fat object's `.aot.<prog>` section or a bare native object).
 * The first run links the native object with the runtime's linker (link.c)
 * and caches the image in prog->engine_state; runs call bpf_main(ctx,
 * ctx_size) directly on the host stack. Native code is trusted as the
 * kernel trusts verified code: helpers run unchecked (run->checked is
 * false) and the instruction budget does not apply (the compiler's output
 * has no instruction count to charge; loops are bounded by the source, as
 * the verifier demanded). Tail calls return to this loop, which runs the
 * target's native code with the same context; callbacks (bpf_loop,
 * for_each_map_elem) are native function addresses inside the image.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfaot/abi.h"
#include "rt_internal.h"

static void aot_free(void *state)
{
	rt_native__free(state);
}

int rt_aot__prepare(struct rt_prog *prog, struct rt_log *log)
{
	struct rt_object *obj = prog->obj;
	struct rt_native *nat;
	char *path = NULL;
	const char *name;

	if (prog->engine_state[BPFAOT_ENGINE_AOT])
		return 0;
	if (!prog->native) {
		rt_log__err(log, "program '%s' has no native code (compile it with bpfaot-cc)",
			    prog->name);
		return -ENOTSUP;
	}
	/* a fat object's member is named as ar(1) names one: obj.o(.aot.prog) */
	if (prog->native == obj->file) {
		name = obj->path;
	} else if (obj->native_file && prog->native == obj->native_file) {
		name = obj->native_path;
	} else {
		if (asprintf(&path, "%s(%s%s)", obj->path, BPFAOT_FAT_SEC_PREFIX, prog->name) < 0) {
			rt_log__err(log, "out of memory");
			return -ENOMEM;
		}
		name = path;
	}
	nat = rt_native__link(prog->native, prog->native_size, name, obj, prog, log);
	free(path);
	if (!nat)
		return -errno;
	prog->engine_state[BPFAOT_ENGINE_AOT] = nat;
	prog->engine_free[BPFAOT_ENGINE_AOT] = aot_free;
	return 0;
}

typedef uint64_t (*native_cb_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* bpf_loop and friends call back into native code through here. */
static uint64_t aot_callback(struct rt_run *run, uint64_t fn_addr, uint64_t r1, uint64_t r2,
			     uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct rt_native *nat = run->prog->engine_state[BPFAOT_ENGINE_AOT];

	if (!rt_native__has_code(nat, fn_addr)) {
		rt_run__fail(run, -EFAULT, "callback address 0x%" PRIx64 " is not in the code of program '%s'",
			     fn_addr, run->prog->name);
		return 0;
	}
	return ((native_cb_fn)(uintptr_t)fn_addr)(r1, r2, r3, r4, r5);
}

static uint64_t run_n(struct rt_run *run, uint32_t repeat, uint32_t *done)
{
	bpfaot_entry_fn entry = rt_native__entry(run->prog->engine_state[BPFAOT_ENGINE_AOT]);

	return rt_run__loop(run, entry, repeat, done);
}

static int aot_prepare_run(struct rt_run *run, struct rt_prog *prog)
{
	return rt_aot__prepare(prog, run->log);
}

static const struct rt_native_engine aot_engine = {
	.prepare = aot_prepare_run,
	.run_n = run_n,
	.callback = aot_callback,
};

int rt_aot__run(struct rt_run *run, uint32_t repeat, uint64_t *retval)
{
	return rt_run__native(run, &aot_engine, repeat, retval);
}
