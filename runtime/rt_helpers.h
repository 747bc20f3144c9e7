/* SPDX-License-Identifier: MIT */
/*
 * Private to the helper files (helpers.c, helpers_net.c, helpers_trace.c):
 * the helpers each file defines for the table in helpers.c, and the one
 * checked-mode pointer test they share.
 */
#ifndef BPFAOT_RT_HELPERS_H
#define BPFAOT_RT_HELPERS_H

#include "rt_internal.h"

#define RT_HELPER_DECL(name) uint64_t rt_helper_##name(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* helpers_trace.c */
RT_HELPER_DECL(trace_printk)
RT_HELPER_DECL(trace_vprintk)
RT_HELPER_DECL(snprintf)
RT_HELPER_DECL(probe_read)
RT_HELPER_DECL(probe_read_str)
RT_HELPER_DECL(get_current_pid_tgid)
RT_HELPER_DECL(get_current_uid_gid)
RT_HELPER_DECL(get_current_comm)
RT_HELPER_DECL(get_current_task)
RT_HELPER_DECL(strncmp)

/* helpers_task.c */
RT_HELPER_DECL(get_current_cgroup_id)
RT_HELPER_DECL(current_task_under_cgroup)
RT_HELPER_DECL(get_ns_current_pid_tgid)
RT_HELPER_DECL(get_stackid)
RT_HELPER_DECL(get_stack)
RT_HELPER_DECL(get_attach_cookie)
RT_HELPER_DECL(get_func_ip)

/* helpers_net.c */
RT_HELPER_DECL(fib_lookup)
RT_HELPER_DECL(xdp_adjust_head)
RT_HELPER_DECL(xdp_adjust_tail)
RT_HELPER_DECL(xdp_adjust_meta)
RT_HELPER_DECL(skb_load_bytes)
RT_HELPER_DECL(skb_pull_data)
RT_HELPER_DECL(skb_store_bytes)
RT_HELPER_DECL(l3_csum_replace)
RT_HELPER_DECL(l4_csum_replace)
RT_HELPER_DECL(csum_diff)
RT_HELPER_DECL(csum_update)
RT_HELPER_DECL(redirect)
RT_HELPER_DECL(redirect_map)
RT_HELPER_DECL(skb_set_tunnel_key)
RT_HELPER_DECL(skb_get_tunnel_key)
RT_HELPER_DECL(xdp_get_buff_len)
RT_HELPER_DECL(skb_adjust_room)
RT_HELPER_DECL(skb_change_proto)
RT_HELPER_DECL(get_socket_cookie)

/*
 * In checked mode (the interpreter), whether [p, p+len) is program memory
 * the helper may read (or write); if not, the run fails with
 * "helper NAME: WHAT 0x... (N bytes) is not readable program memory".
 */
static inline bool rt_helper_mem_ok(struct rt_run *run, const char *helper, const char *what,
				    const void *p, uint64_t len, bool write)
{
	if (!run || !run->checked || !len || rt_run__mem_ok(run, p, len, write))
		return true;
	rt_run__fail(run, -EFAULT, "helper %s: %s %p (%llu bytes) is not %s program memory", helper,
		     what, p, (unsigned long long)len, write ? "writable" : "readable");
	return false;
}

#endif /* BPFAOT_RT_HELPERS_H */
