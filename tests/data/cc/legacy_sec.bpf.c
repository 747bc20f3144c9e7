// SPDX-License-Identifier: MIT
/*
 * A section name libbpf does not know (xdp-tutorial's "xdp_vlan01"): the
 * project's loader sets the type (bpf_program__set_type), as bpfaot-run's
 * --type=xdp does. bpfaot-cc takes the context from the parameter's type,
 * struct xdp_md *, and leaves the type to the loader. By hand, on a
 * 64-byte packet: 64 + 1000 = 1064.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp_vlan01")
int legacy(struct xdp_md *ctx)
{
	return (ctx->data_end - ctx->data) + 1000;
}

char LICENSE[] SEC("license") = "GPL";
