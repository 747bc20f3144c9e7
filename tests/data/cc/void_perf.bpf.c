// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf-tools' style (syncsnoop, execsnoop): a perf event array declared
 * without max_entries (libbpf, and the runtime, size it to the CPUs) and a
 * program declared void. The native code links (the manifest says max
 * entries 0) and returns 0; the bytecode returns what r0 holds,
 * bpf_perf_event_output's result: 0 as well.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_sync")
void void_perf(void *ctx)
{
	__u64 v = 42;

	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &v, sizeof(v));
}

char LICENSE[] SEC("license") = "GPL";
