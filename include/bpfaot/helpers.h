/* SPDX-License-Identifier: MIT */
/*
 * The helpers the runtime provides, one list shared by the runtime (its
 * helper table, runtime/helpers.c) and the compiler (bpfaot-cc emits native
 * code only for programs whose helpers are all here), so that bpfaot-cc
 * never writes native code the runtime's linker would refuse.
 *
 * X(ID, NAME, RET, PROTO, ARGS...) per helper, by kernel id:
 *   ID    the kernel's helper id (enum bpf_func_id, BPF_FUNC_NAME);
 *   NAME  without the bpf_ prefix;
 *   RET   VOID, PTR_OR_NULL, INT or U64 (the manifest's void, ptr, scalar,
 *         scalar);
 *   PROTO the C prototype as libbpf's bpf_helper_defs.h declares it;
 *   ARGS  0 to 5 of ANY, SIZE (the manifest's scalar), CTX, MAP, PTR,
 *         PTR0 (pointer or NULL), FUNC (a callback), ADDR (any address,
 *         which the helper reads safely: probe_read's unsafe_ptr, the
 *         kernel's ARG_ANYTHING) (the manifest's ptr).
 * Add entries, never rename: objects in the wild name these helpers.
 *
 * BPFAOT_HELPERS_REFUSED lists kernel helpers the runtime refuses on
 * purpose, X(ID, NAME, WHY), WHY ending a message "... is not provided by
 * the runtime: WHY".
 */
#ifndef BPFAOT_HELPERS_H
#define BPFAOT_HELPERS_H

#define BPFAOT_HELPERS(X)                                                                          \
	X(1, map_lookup_elem, PTR_OR_NULL,                                                         \
	  "void *bpf_map_lookup_elem(void *map, const void *key)", MAP, PTR)                       \
	X(2, map_update_elem, INT,                                                                 \
	  "long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags)",  \
	  MAP, PTR, PTR, ANY)                                                                      \
	X(3, map_delete_elem, INT,                                                                 \
	  "long bpf_map_delete_elem(void *map, const void *key)", MAP, PTR)                        \
	X(4, probe_read, INT,                                                                      \
	  "long bpf_probe_read(void *dst, __u32 size, const void *unsafe_ptr)", PTR, SIZE, ADDR)    \
	X(5, ktime_get_ns, U64, "__u64 bpf_ktime_get_ns(void)")                                    \
	X(6, trace_printk, INT,                                                                    \
	  "long bpf_trace_printk(const char *fmt, __u32 fmt_size, ...)", PTR, SIZE, ANY, ANY, ANY) \
	X(7, get_prandom_u32, U64, "__u32 bpf_get_prandom_u32(void)")                              \
	X(8, get_smp_processor_id, U64, "__u32 bpf_get_smp_processor_id(void)")                    \
	X(9, skb_store_bytes, INT,                                                                 \
	  "long bpf_skb_store_bytes(struct __sk_buff *skb, __u32 offset, const void *from, "       \
	  "__u32 len, __u64 flags)",                                                               \
	  CTX, ANY, PTR, SIZE, ANY)                                                                \
	X(10, l3_csum_replace, INT,                                                                \
	  "long bpf_l3_csum_replace(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, "   \
	  "__u64 size)",                                                                           \
	  CTX, ANY, ANY, ANY, ANY)                                                                 \
	X(11, l4_csum_replace, INT,                                                                \
	  "long bpf_l4_csum_replace(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, "   \
	  "__u64 flags)",                                                                          \
	  CTX, ANY, ANY, ANY, ANY)                                                                 \
	X(12, tail_call, INT,                                                                      \
	  "long bpf_tail_call(void *ctx, void *prog_array_map, __u32 index)", CTX, MAP, ANY)       \
	X(14, get_current_pid_tgid, U64, "__u64 bpf_get_current_pid_tgid(void)")                   \
	X(15, get_current_uid_gid, U64, "__u64 bpf_get_current_uid_gid(void)")                     \
	X(16, get_current_comm, INT,                                                               \
	  "long bpf_get_current_comm(void *buf, __u32 size_of_buf)", PTR, SIZE)                    \
	X(20, skb_get_tunnel_key, INT,                                                             \
	  "long bpf_skb_get_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, "        \
	  "__u32 size, __u64 flags)",                                                              \
	  CTX, PTR, SIZE, ANY)                                                                     \
	X(21, skb_set_tunnel_key, INT,                                                             \
	  "long bpf_skb_set_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, "        \
	  "__u32 size, __u64 flags)",                                                              \
	  CTX, PTR, SIZE, ANY)                                                                     \
	X(23, redirect, INT, "long bpf_redirect(__u32 ifindex, __u64 flags)", ANY, ANY)            \
	X(25, perf_event_output, INT,                                                              \
	  "long bpf_perf_event_output(void *ctx, void *map, __u64 flags, void *data, "             \
	  "__u64 size)",                                                                           \
	  CTX, MAP, ANY, PTR, SIZE)                                                                \
	X(26, skb_load_bytes, INT,                                                                 \
	  "long bpf_skb_load_bytes(const void *skb, __u32 offset, void *to, __u32 len)",           \
	  CTX, ANY, PTR, SIZE)                                                                     \
	X(27, get_stackid, INT, \
	  "long bpf_get_stackid(void *ctx, void *map, __u64 flags)", CTX, MAP, ANY) \
	X(28, csum_diff, INT,                                                                      \
	  "__s64 bpf_csum_diff(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, "         \
	  "__wsum seed)",                                                                          \
	  PTR0, SIZE, PTR0, SIZE, ANY)                                                             \
	X(31, skb_change_proto, INT,                                                               \
	  "long bpf_skb_change_proto(struct __sk_buff *skb, __be16 proto, __u64 flags)",           \
	  CTX, ANY, ANY)                                                                           \
	X(35, get_current_task, U64, "__u64 bpf_get_current_task(void)")                           \
	X(37, current_task_under_cgroup, INT, \
	  "long bpf_current_task_under_cgroup(void *map, __u32 index)", MAP, ANY) \
	X(39, skb_pull_data, INT,                                                                  \
	  "long bpf_skb_pull_data(struct __sk_buff *skb, __u32 len)", CTX, ANY)                    \
	X(40, csum_update, INT,                                                                    \
	  "__s64 bpf_csum_update(struct __sk_buff *skb, __wsum csum)", CTX, ANY)                   \
	X(42, get_numa_node_id, INT, "long bpf_get_numa_node_id(void)")                            \
	X(44, xdp_adjust_head, INT,                                                                \
	  "long bpf_xdp_adjust_head(struct xdp_md *xdp_md, int delta)", CTX, ANY)                  \
	X(45, probe_read_str, INT,                                                                 \
	  "long bpf_probe_read_str(void *dst, __u32 size, const void *unsafe_ptr)", PTR, SIZE, ADDR) \
	X(46, get_socket_cookie, U64, "__u64 bpf_get_socket_cookie(void *ctx)", CTX)               \
	X(50, skb_adjust_room, INT,                                                                \
	  "long bpf_skb_adjust_room(struct __sk_buff *skb, __s32 len_diff, __u32 mode, "           \
	  "__u64 flags)",                                                                          \
	  CTX, ANY, ANY, ANY)                                                                      \
	X(51, redirect_map, INT,                                                                   \
	  "long bpf_redirect_map(void *map, __u64 key, __u64 flags)", MAP, ANY, ANY)               \
	X(54, xdp_adjust_meta, INT,                                                                \
	  "long bpf_xdp_adjust_meta(struct xdp_md *xdp_md, int delta)", CTX, ANY)                  \
	X(65, xdp_adjust_tail, INT,                                                                \
	  "long bpf_xdp_adjust_tail(struct xdp_md *xdp_md, int delta)", CTX, ANY)                  \
	X(67, get_stack, INT, \
	  "long bpf_get_stack(void *ctx, void *buf, __u32 size, __u64 flags)", CTX, PTR, SIZE, ANY) \
	X(69, fib_lookup, INT, \
	  "long bpf_fib_lookup(void *ctx, struct bpf_fib_lookup *params, int plen, __u32 flags)", \
	  CTX, PTR, SIZE, ANY) \
	X(80, get_current_cgroup_id, U64, \
	  "__u64 bpf_get_current_cgroup_id(void)") \
	X(87, map_push_elem, INT,                                                                  \
	  "long bpf_map_push_elem(void *map, const void *value, __u64 flags)", MAP, PTR, ANY)      \
	X(88, map_pop_elem, INT, "long bpf_map_pop_elem(void *map, void *value)", MAP, PTR)        \
	X(89, map_peek_elem, INT, "long bpf_map_peek_elem(void *map, void *value)", MAP, PTR)      \
	X(93, spin_lock, INT, "long bpf_spin_lock(struct bpf_spin_lock *lock)", PTR)               \
	X(94, spin_unlock, INT, "long bpf_spin_unlock(struct bpf_spin_lock *lock)", PTR)           \
	X(112, probe_read_user, INT,                                                               \
	  "long bpf_probe_read_user(void *dst, __u32 size, const void *unsafe_ptr)",               \
	  PTR, SIZE, ADDR)                                                                          \
	X(113, probe_read_kernel, INT,                                                             \
	  "long bpf_probe_read_kernel(void *dst, __u32 size, const void *unsafe_ptr)",             \
	  PTR, SIZE, ADDR)                                                                          \
	X(114, probe_read_user_str, INT,                                                           \
	  "long bpf_probe_read_user_str(void *dst, __u32 size, const void *unsafe_ptr)",           \
	  PTR, SIZE, ADDR)                                                                          \
	X(115, probe_read_kernel_str, INT,                                                         \
	  "long bpf_probe_read_kernel_str(void *dst, __u32 size, const void *unsafe_ptr)",         \
	  PTR, SIZE, ADDR)                                                                          \
	X(118, jiffies64, U64, "__u64 bpf_jiffies64(void)")                                        \
	X(120, get_ns_current_pid_tgid, INT, \
	  "long bpf_get_ns_current_pid_tgid(__u64 dev, __u64 ino, struct bpf_pidns_info *nsdata, __u32 size)", ANY, ANY, PTR, SIZE) \
	X(125, ktime_get_boot_ns, U64, "__u64 bpf_ktime_get_boot_ns(void)")                        \
	X(130, ringbuf_output, INT,                                                                \
	  "long bpf_ringbuf_output(void *ringbuf, void *data, __u64 size, __u64 flags)",           \
	  MAP, PTR, SIZE, ANY)                                                                     \
	X(131, ringbuf_reserve, PTR_OR_NULL,                                                       \
	  "void *bpf_ringbuf_reserve(void *ringbuf, __u64 size, __u64 flags)", MAP, ANY, ANY)      \
	X(132, ringbuf_submit, VOID, "void bpf_ringbuf_submit(void *data, __u64 flags)", PTR, ANY) \
	X(133, ringbuf_discard, VOID,                                                              \
	  "void bpf_ringbuf_discard(void *data, __u64 flags)", PTR, ANY)                           \
	X(134, ringbuf_query, U64,                                                                 \
	  "__u64 bpf_ringbuf_query(void *ringbuf, __u64 flags)", MAP, ANY)                         \
	X(158, get_current_task_btf, PTR_OR_NULL, \
	  "struct task_struct *bpf_get_current_task_btf(void)") \
	X(160, ktime_get_coarse_ns, U64, "__u64 bpf_ktime_get_coarse_ns(void)")                    \
	X(164, for_each_map_elem, INT,                                                             \
	  "long bpf_for_each_map_elem(void *map, void *callback_fn, void *callback_ctx, "          \
	  "__u64 flags)",                                                                          \
	  MAP, FUNC, PTR0, ANY)                                                                    \
	X(165, snprintf, INT,                                                                      \
	  "long bpf_snprintf(char *str, __u32 str_size, const char *fmt, __u64 *data, "            \
	  "__u32 data_len)",                                                                       \
	  PTR0, SIZE, PTR, PTR0, SIZE)                                                             \
	X(173, get_func_ip, U64, \
	  "__u64 bpf_get_func_ip(void *ctx)", CTX) \
	X(174, get_attach_cookie, U64, \
	  "__u64 bpf_get_attach_cookie(void *ctx)", CTX) \
	X(177, trace_vprintk, INT,                                                                 \
	  "long bpf_trace_vprintk(const char *fmt, __u32 fmt_size, const void *data, "             \
	  "__u32 data_len)",                                                                       \
	  PTR, SIZE, PTR0, SIZE)                                                                   \
	X(181, loop, INT,                                                                          \
	  "long bpf_loop(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags)",     \
	  ANY, FUNC, PTR0, ANY)                                                                    \
	X(182, strncmp, INT,                                                                       \
	  "long bpf_strncmp(const char *s1, __u32 s1_sz, const char *s2)", PTR, SIZE, PTR)         \
	X(188, xdp_get_buff_len, U64, \
	  "__u64 bpf_xdp_get_buff_len(struct xdp_md *xdp_md)", CTX) \
	X(208, ktime_get_tai_ns, U64, "__u64 bpf_ktime_get_tai_ns(void)")                          \
	/* end of BPFAOT_HELPERS */

#define BPFAOT_HELPERS_REFUSED(X) /* none today; e.g.                                      \
	X(69, fib_lookup, "it needs the kernel's routing and neighbour tables") */

#endif /* BPFAOT_HELPERS_H */
