// SPDX-License-Identifier: MIT
/* An XDP program calling a function of another file (linklib.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
extern unsigned long long add3(unsigned long long a);
SEC("xdp") int prog(struct xdp_md *ctx) { return add3(ctx->ingress_ifindex) ; }
char LICENSE[] SEC("license") = "GPL";
