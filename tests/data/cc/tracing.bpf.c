// SPDX-License-Identifier: MIT
/*
 * libbpf's program macros (bpf/bpf_tracing.h): each generates the program
 * function around the body written here. BPF_CORE_READ inside BPF_KPROBE
 * must compile as clang compiles it. Run with zeroed registers (pt_regs, or
 * the tracing context's u64 array): every argument is 0, so t is NULL and
 * no pointer is followed; the expected values are worked out in the
 * comments. BPF_KSYSCALL is in ksyscall.bpf.c.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct task {
	int pid;
	struct task *parent;
} __attribute__((preserve_access_index));

/* t == NULL: 11 */
SEC("kprobe/do_exit")
int BPF_KPROBE(kp_core, struct task *t, long code)
{
	int ppid = BPF_CORE_READ(t, parent, pid);

	return t ? ppid : 11 + (int)code;
}

/* ret == 0: 12 */
SEC("kretprobe/do_exit")
int BPF_KRETPROBE(krp, long ret)
{
	return 12 + (int)ret;
}

/* a == 0, b == 0: 13 */
SEC("tp_btf/sched_switch")
int BPF_PROG(tp, unsigned long a, unsigned long b)
{
	return 13 + (int)(a + b);
}

char LICENSE[] SEC("license") = "GPL";
