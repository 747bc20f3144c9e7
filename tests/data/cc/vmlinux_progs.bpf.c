// SPDX-License-Identifier: MIT
/* Programs written as libbpf-tools writes them, against the vmlinux.h of
 * the running kernel (the test generates it with bpftool): the shared
 * native front end and the pruned unit (docs/bpfaot-cc.md) must give the
 * fat object of the compile program by program with every declaration. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} protos SEC(".maps");

const volatile pid_t target_tgid = 0;

static void bump(u32 key)
{
	u64 one = 1, *v = bpf_map_lookup_elem(&counts, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
}

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(on_sleep, struct hrtimer_sleeper *t)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t tgid = BPF_CORE_READ(task, tgid);

	if (target_tgid && tgid != target_tgid)
		return 0;
	bump((u32)BPF_CORE_READ(task, real_parent, tgid));
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (!prev->__state)	/* still runnable: preempted */
		bump((u32)next->pid);
	return 0;
}

SEC("xdp")
int count_l4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	u32 key;
	u64 *v;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(0x0800))
		return XDP_PASS;
	key = ip->protocol == IPPROTO_TCP ? 1 : ip->protocol == IPPROTO_UDP ? 2 : 3;
	v = bpf_map_lookup_elem(&protos, &key);
	if (v)
		*v += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
