// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the bytecode ELF loader: arbitrary bytes go to
 * rt_object__open_mem() as "x.o" (header, sections, string tables, symbols,
 * BTF maps, legacy maps, relocations, linking, validation). An object that
 * loads is then run once on the interpreter with a small budget, so that
 * whatever the loader accepts is also what the engines can take.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define FUZZ_BUDGET 4096

static void run_first(struct rt_object *obj)
{
	static const uint8_t pkt[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5,
					 0x08, 0x00, 0x45 };
	uint8_t ctx[256] = { 0 };
	uint8_t out[sizeof(pkt) + RT_XDP_HEADROOM + RT_PKT_TAILROOM], ctx_out[256];
	char log_buf[256];
	size_t i;

	for (i = 0; i < obj->nr_progs && i < 2; i++) {
		struct rt_prog *p = &obj->progs[i];
		BPFAOT_OPTS(bpfaot_run_opts, opts, .engine = BPFAOT_ENGINE_INTERP, .data_in = pkt,
			    .data_size_in = sizeof(pkt), .data_out = out,
			    .data_size_out = sizeof(out), .ctx_out = ctx_out,
			    .ctx_size_out = sizeof(ctx_out), .budget = FUZZ_BUDGET,
			    .log_buf = log_buf, .log_size = sizeof(log_buf));

		if (p->ctx_kind == RT_CTX_REGS || p->ctx_kind == RT_CTX_RAW) {
			opts.ctx_in = ctx;
			opts.ctx_size_in = sizeof(ctx);
		}
		bpfaot_prog__run((struct bpfaot_prog *)p, &opts);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char log_buf[512];
	struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };
	struct rt_object *obj;

	obj = rt_object__open_mem(data, size, "x.o", NULL, &log);
	if (obj) {
		run_first(obj);
		rt_object__free(obj);
	}
	return 0;
}
