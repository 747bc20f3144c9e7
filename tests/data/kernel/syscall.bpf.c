// SPDX-License-Identifier: MIT
/* Syscall program: its context is the caller's argument, written back. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
	__u32 in;
	__u32 out;
};

SEC("syscall")
int sys_double(struct args *a)
{
	a->out = a->in * 2;
	return a->in + 1;
}

char LICENSE[] SEC("license") = "GPL";
