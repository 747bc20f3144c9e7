// SPDX-License-Identifier: GPL-2.0
/*
 * trace_pid: a raw tracepoint on sys_enter that counts system calls, filtered
 * by process.
 *
 * The pid filter: the effective target is trace_cfg[CFG_TARGET_PID] when that
 * is non-zero (set at run time from user space), otherwise the load-time
 * constant target_pid (.rodata, set before load, e.g. through a skeleton).
 * A target of 0 means "every process", which is the default. The pid
 * compared is the thread-group id (user-space pid) from
 * bpf_get_current_pid_tgid() >> 32.
 *
 * For an event that passes the filter the program counts it in pid_count
 * (keyed by pid: not deterministic across runs) and in syscall_count (keyed
 * by syscall number & (NR_SLOTS - 1): deterministic), and returns
 * syscall number + 1. A filtered event changes nothing and returns 0. With
 * the default configuration the result therefore depends only on ctx->args[1].
 *
 * raw_tracepoint/sys_enter arguments: args[0] = struct pt_regs *, args[1] =
 * syscall number. args[0] is never dereferenced, so the program can be run
 * with BPF_PROG_TEST_RUN and a 16-byte args array as ctx_in.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NR_SLOTS 512

enum trace_cfg_key {
	CFG_TARGET_PID,
	CFG_MAX,
};

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CFG_MAX);
	__type(key, __u32);
	__type(value, __u32);
} trace_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* tgid */
	__type(value, __u64);
} pid_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32); /* syscall number */
	__type(value, __u64);
} syscall_count SEC(".maps");

static __always_inline __u32 effective_target(void)
{
	__u32 key = CFG_TARGET_PID;
	__u32 *cfg = bpf_map_lookup_elem(&trace_cfg, &key);

	if (cfg && *cfg)
		return *cfg;
	return target_pid;
}

SEC("raw_tracepoint/sys_enter")
int trace_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 nr = ctx->args[1];
	__u32 target = effective_target();
	__u32 slot = nr & (NR_SLOTS - 1);
	__u64 one = 1, *cnt;

	if (target && pid != target)
		return 0;

	cnt = bpf_map_lookup_elem(&pid_count, &pid);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&pid_count, &pid, &one, BPF_NOEXIST);

	cnt = bpf_map_lookup_elem(&syscall_count, &slot);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);

	return (__u32)nr + 1;
}

char LICENSE[] SEC("license") = "GPL";
