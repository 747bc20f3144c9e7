// SPDX-License-Identifier: MIT
/*
 * BPF_KSYSCALL reads the __kconfig extern LINUX_HAS_SYSCALL_WRAPPER, which
 * the runtime gives libbpf's value (1 on x86-64), to native code too. By
 * hand, with zeroed registers: the wrapper's inner pt_regs pointer is NULL,
 * so the CO-RE reads of pid and sig fail and read 0: 14 + 0 + 0 = 14.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

SEC("ksyscall/kill")
int BPF_KSYSCALL(ksys, int pid, int sig)
{
	return 14 + pid + sig;
}

char LICENSE[] SEC("license") = "GPL";
