// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the validator and the interpreter: random programs
 * (format in fuzz_interp.h) over a small memory or packet and a fixed set of
 * maps, validated as the loader does and, when valid, run on the
 * interpreter with a small budget. The interpreter promises that every
 * access is bounds-checked, so ASan must never fire here: a report is an
 * interpreter or helper bug, never "the program was bad".
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "fuzz_interp.h"

static void *resolve_id(void *cookie, uint32_t id)
{
	struct rt_object *obj = cookie;

	if (id == 0)
		return NULL;
	if (id & 0x80000000u) {
		id &= 0x7fffffffu;
		return id - 1 < obj->nr_maps ? obj->maps[id - 1] : NULL;
	}
	return id - 1 < obj->nr_progs ? &obj->progs[id - 1] : NULL;
}

static int add_maps(struct rt_object *obj, struct rt_log *log)
{
	static const struct rt_map_def defs[] = {
#define X(NAME, TYPE, K, V, MAX)                                                                   \
	{ .name = NAME, .type = TYPE, .key_size = K, .value_size = V, .max_entries = MAX,          \
	  .spin_lock_off = -1 },
		FUZZ_MAPS(X)
#undef X
	};
	uint32_t zero = 0, self = 1;
	size_t i;

	obj->maps = calloc(FUZZ_NR_MAPS, sizeof(*obj->maps));
	if (!obj->maps)
		return -ENOMEM;
	for (i = 0; i < FUZZ_NR_MAPS; i++) {
		obj->maps[i] = rt_map__new(&defs[i], log);
		if (!obj->maps[i])
			return -errno;
		obj->nr_maps++;
		rt_map__set_ptr_resolver(obj->maps[i], resolve_id, obj);
	}
	/* slot 0 of the prog array tail-calls the program itself */
	return rt_map__user_update(obj->maps[4], &zero, &self, BPF_ANY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *sec;
		uint32_t type;
	} kinds[] = {
		{ ".text", BPF_PROG_TYPE_UNSPEC },
		{ "xdp", BPF_PROG_TYPE_XDP },
		{ "tc", BPF_PROG_TYPE_SCHED_CLS },
	};
	char log_buf[512];
	struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };
	uint8_t out[256 + RT_XDP_HEADROOM + RT_PKT_TAILROOM];
	struct rt_object *obj;
	struct rt_prog *prog;
	size_t mem_len, n;
	unsigned int kind;

	if (size < 2)
		return 0;
	kind = data[0] % 3;
	mem_len = data[1];
	data += 2;
	size -= 2;
	if (mem_len > size)
		mem_len = size;
	n = (size - mem_len) / RT_INSN_SZ;
	if (n == 0 || n > FUZZ_INTERP_MAX_INSNS)
		return 0;

	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return 0;
	obj->path = strdup("x.fuzz");
	obj->name = strdup("x");
	obj->progs = calloc(1, sizeof(*obj->progs));
	if (!obj->path || !obj->name || !obj->progs)
		goto out;
	prog = &obj->progs[0];
	prog->obj = obj;
	prog->name = strdup("fuzz");
	prog->sec_name = strdup(kinds[kind].sec);
	prog->insns = malloc(n * RT_INSN_SZ);
	obj->nr_progs = 1;
	if (!prog->name || !prog->sec_name || !prog->insns)
		goto out;
	memcpy(prog->insns, data + mem_len, n * RT_INSN_SZ);
	prog->nr_insns = n;
	prog->type = kinds[kind].type;
	prog->ctx_kind = rt_ctx_kind_of(prog->type);
	if (add_maps(obj, &log))
		goto out;
	if (!rt_prog__validate(prog, &log)) {
		BPFAOT_OPTS(bpfaot_run_opts, opts, .engine = BPFAOT_ENGINE_INTERP,
			    .data_in = mem_len ? data : NULL, .data_size_in = (uint32_t)mem_len,
			    .data_out = out, .data_size_out = sizeof(out),
			    .budget = FUZZ_INTERP_BUDGET, .log_buf = log_buf,
			    .log_size = sizeof(log_buf));

		bpfaot_prog__run((struct bpfaot_prog *)prog, &opts);
	}
out:
	rt_object__free(obj);
	return 0;
}
