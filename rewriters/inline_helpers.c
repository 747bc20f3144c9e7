// SPDX-License-Identifier: MIT
/*
 * Inlined helpers: helpers whose result is a constant of the runtime
 * become that constant, `((RET)VALUE)`, instead of a call. The list is
 * short on purpose: a helper is here only when the runtime's
 * implementation (runtime/helpers.c) returns exactly this value on every
 * run, with no side effect. Helpers that read a clock (bpf_ktime_get_ns:
 * clock_gettime, which freestanding native code cannot call), the run's
 * state (bpf_get_prandom_u32, bpf_get_current_pid_tgid) or memory stay
 * calls.
 */
#include <errno.h>
#include <stdio.h>

#include "rw_internal.h"

static const struct {
	uint32_t id;
	const char *value;
} consts[] = {
	{ 8, "0" },	/* bpf_get_smp_processor_id: the runtime runs programs on CPU 0 */
	{ 42, "0" },	/* bpf_get_numa_node_id: and on NUMA node 0 */
};

int rw_inline_helper_const(const struct rw_call *c, char **text, const struct fe_map **values_of)
{
	size_t i;

	if (c->nr_args)
		return 0;
	for (i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
		if (consts[i].id != fe_helper__id(c->h))
			continue;
		if (asprintf(text, "((%s)%s)", fe_helper__ret_type(c->h), consts[i].value) < 0)
			return -ENOMEM;
		*values_of = NULL;
		return 1;
	}
	return 0;
}
