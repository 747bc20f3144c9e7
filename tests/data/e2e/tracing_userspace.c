// SPDX-License-Identifier: MIT
/*
 * What a tracing program that the kernel accepts gets in user space: stack
 * trace, cgroup array and xskmap maps load; bpf_get_stackid has no kernel
 * stack (-EFAULT), an empty cgroup slot is -EAGAIN, .kconfig externs have
 * libbpf's values (an unknown __weak one is 0). A program calling a kernel
 * function is refused alone; the object's other programs run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, 4);
	__uint(value_size, 16 * 8);
	__uint(max_entries, 16);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 1);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 4);
} xsks SEC(".maps");

extern int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_BPFAOT_NO_SUCH_OPTION __kconfig __weak;
struct task_struct;
extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

__u64 out[5];

SEC("raw_tracepoint/sys_enter")
int trace(void *ctx)
{
	out[0] = bpf_get_stackid(ctx, &stacks, 0);
	out[1] = bpf_current_task_under_cgroup(&cgroups, 0);
	out[2] = LINUX_KERNEL_VERSION;
	out[3] = CONFIG_BPFAOT_NO_SUCH_OPTION;
	out[4] = bpf_current_task_under_cgroup(&cgroups, 7);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int uses_kfunc(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(1);

	if (!t)
		return 0;
	bpf_task_release(t);
	return 1;
}

SEC("xdp")
int to_xsk(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, 0, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
