// SPDX-License-Identifier: MIT
/*
 * Helpers a tracing program uses to ask about the task it runs in, the
 * stack and the probe. In user space the task is the thread running the
 * program, so each helper answers for that thread where the kernel's answer
 * has a user-space counterpart (cgroup, pid namespace) and gives the
 * kernel's own "not available" answer where it has none (stacks, attach
 * cookies, the probed function): never a refusal of a program the kernel
 * accepts, never a made-up value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "rt_helpers.h"

#define CGROUP2_ROOT "/sys/fs/cgroup"

/* The unified (cgroup v2) directory of this process; false if unknown. */
static bool own_cgroup_dir(char *path, size_t size)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3))
			continue;
		found = snprintf(path, size, "%s%s", CGROUP2_ROOT,
				 strcmp(line + 3, "/") ? line + 3 : "") < (int)size;
	}
	fclose(f);
	return found;
}

/* bpf_get_current_cgroup_id(): a cgroup's id is its cgroup2 inode number. */
uint64_t rt_helper_get_current_cgroup_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					 uint64_t r5)
{
	char dir[4200];
	struct stat st;

	if (!own_cgroup_dir(dir, sizeof(dir)) || stat(dir, &st))
		return 0;
	return (uint64_t)st.st_ino;
}

/*
 * bpf_current_task_under_cgroup(map, index): the slot holds a cgroup
 * directory fd the host stored; 1 if this process's cgroup is that one or
 * below it, 0 if not, -EAGAIN for an empty slot, -E2BIG past the end.
 */
uint64_t rt_helper_current_task_under_cgroup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					     uint64_t r5)
{
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	uint32_t idx = (uint32_t)r2;
	char dir[4200], *slash;
	struct stat want, st;
	int32_t fd;
	void *slot;

	if (idx >= rt_map__def(map)->max_entries)
		return (uint64_t)-E2BIG;
	slot = rt_map__lookup(map, &idx);
	if (!slot)
		return (uint64_t)-EAGAIN;
	memcpy(&fd, slot, sizeof(fd));
	if (fstat(fd, &want) || !S_ISDIR(want.st_mode) || !own_cgroup_dir(dir, sizeof(dir)))
		return 0;
	for (;;) {
		if (!stat(dir, &st) && st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			return 1;
		slash = strrchr(dir, '/');
		if (!strcmp(dir, CGROUP2_ROOT) || !slash)
			return 0;
		*slash = '\0';
	}
}

/*
 * bpf_get_ns_current_pid_tgid(dev, ino, nsdata, size): the thread's pid and
 * tgid as seen in the pid namespace (dev, ino) if it is this process's;
 * -ENOENT (and nsdata zeroed) if not; -EINVAL for a wrong size.
 */
uint64_t rt_helper_get_ns_current_pid_tgid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					   uint64_t r5)
{
	struct bpf_pidns_info *ns = (struct bpf_pidns_info *)(uintptr_t)r3;
	struct stat st;

	if (!rt_helper_mem_ok(rt_run__current(), "bpf_get_ns_current_pid_tgid", "nsdata", ns,
			      (uint32_t)r4, true))
		return (uint64_t)-EFAULT;
	if (r4 != sizeof(*ns))
		return (uint64_t)-EINVAL;
	memset(ns, 0, sizeof(*ns));
	if (stat("/proc/self/ns/pid", &st))
		return (uint64_t)-ENOENT;
	/* the kernel compares the namespace's device as new_encode_dev() */
	if ((uint64_t)st.st_ino != r2 || (uint64_t)st.st_dev != r1)
		return (uint64_t)-ENOENT;
	ns->pid = (uint32_t)gettid();
	ns->tgid = (uint32_t)getpid();
	return 0;
}

/*
 * bpf_get_stackid(ctx, map, flags) and bpf_get_stack(ctx, buf, size, flags):
 * a user-space run has no kernel call chain to walk, which the kernel
 * reports as -EFAULT (get_perf_callchain() failing); bpf_get_stack clears
 * the buffer first, as the kernel does on error.
 */
uint64_t rt_helper_get_stackid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return (uint64_t)-EFAULT;
}

uint64_t rt_helper_get_stack(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	void *buf = (void *)(uintptr_t)r2;
	uint32_t size = (uint32_t)r3;

	if (!rt_helper_mem_ok(rt_run__current(), "bpf_get_stack", "buf", buf, size, true))
		return (uint64_t)-EFAULT;
	memset(buf, 0, size);
	return (uint64_t)-EFAULT;
}

/* No BPF cookie is attached to a user-space run: the kernel's answer is 0. */
uint64_t rt_helper_get_attach_cookie(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	return 0;
}

/* No probed kernel function: the kernel returns 0 where it has no address. */
uint64_t rt_helper_get_func_ip(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return 0;
}
