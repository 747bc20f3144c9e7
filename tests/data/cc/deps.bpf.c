// SPDX-License-Identifier: GPL-2.0
/* Dependency output (-M, -MD, -MF, -MT, -MP, ...): system and local headers. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "deps.h"

SEC("xdp")
int deps(struct xdp_md *ctx)
{
	return DEPS_ACTION;
}

char LICENSE[] SEC("license") = "GPL";
