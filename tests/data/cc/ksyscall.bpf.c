// SPDX-License-Identifier: MIT
/*
 * BPF_KSYSCALL reads the __kconfig extern LINUX_HAS_SYSCALL_WRAPPER, which
 * the runtime does not provide: the program keeps only its bytecode, with a
 * [-Waot] warning that names the symbol.
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
