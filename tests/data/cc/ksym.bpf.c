// SPDX-License-Identifier: GPL-2.0
/* A __ksym extern: a kernel variable that does not exist in user space. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void bpf_prog_active __ksym;

SEC("xdp")
int uses_ksym(struct xdp_md *ctx)
{
	__u64 a = (__u64)&bpf_prog_active;

	return a & 1;
}

char LICENSE[] SEC("license") = "GPL";
