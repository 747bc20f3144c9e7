// SPDX-License-Identifier: MIT
/* A kprobe: loads, but the kernel has no test run for its type. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_nanosleep")
int kp(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
