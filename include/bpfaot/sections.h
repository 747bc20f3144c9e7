/* SPDX-License-Identifier: MIT */
/*
 * The section names libbpf knows (libbpf.c section_defs) and the program
 * types they give, one list shared by the runtime's loader
 * (rt_prog_type_from_sec, runtime/object.c) and the compiler
 * (fe_prog_type_from_sec, frontend/progtype.c), so that bpfaot-cc and the
 * runtime always type a program alike. Most used first; the first match
 * wins.
 *
 * X(PREFIX, TYPE, TYPE_NAME, ATTACH, ATTACH_NAME, CTX, EXACT) per prefix:
 *   PREFIX      the section name, or its prefix;
 *   TYPE        the program type, a number (enum bpf_prog_type): the
 *               compiler does not need the kernel's uapi header;
 *   TYPE_NAME   its uapi name (BPF_PROG_TYPE_*), which the runtime checks
 *               TYPE against;
 *   ATTACH      the expected attach type, a number (enum bpf_attach_type),
 *               0 where the section sets none;
 *   ATTACH_NAME its uapi name (BPF_*), or 0 where the section sets none;
 *   CTX         what the program's first argument points at, the
 *               compiler's context kind: XDP (struct xdp_md), SKB
 *               (struct __sk_buff), REGS (struct pt_regs) or RAW (opaque);
 *   EXACT       true: the whole name; false: the prefix alone or followed
 *               by '/'.
 * The compiler adds "mem" (raw memory) after these; the runtime types a
 * "mem" section as it types any unknown one.
 */
#ifndef BPFAOT_SECTIONS_H
#define BPFAOT_SECTIONS_H

#define BPFAOT_SECTIONS(X)                                                                         \
	X("xdp", 6, BPF_PROG_TYPE_XDP, 37, BPF_XDP, XDP, false)                                    \
	X("xdp.frags", 6, BPF_PROG_TYPE_XDP, 37, BPF_XDP, XDP, false)                              \
	X("tc", 3, BPF_PROG_TYPE_SCHED_CLS, 0, 0, SKB, false)                                      \
	X("classifier", 3, BPF_PROG_TYPE_SCHED_CLS, 0, 0, SKB, false)                              \
	X("action", 4, BPF_PROG_TYPE_SCHED_ACT, 0, 0, SKB, false)                                  \
	X("socket", 1, BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, SKB, false)                              \
	X("sk_skb", 14, BPF_PROG_TYPE_SK_SKB, 0, 0, SKB, false)                                    \
	X("cgroup_skb/ingress", 8, BPF_PROG_TYPE_CGROUP_SKB, 0, BPF_CGROUP_INET_INGRESS, SKB, true) \
	X("cgroup_skb/egress", 8, BPF_PROG_TYPE_CGROUP_SKB, 1, BPF_CGROUP_INET_EGRESS, SKB, true)  \
	X("lwt_in", 10, BPF_PROG_TYPE_LWT_IN, 0, 0, SKB, true)                                     \
	X("lwt_out", 11, BPF_PROG_TYPE_LWT_OUT, 0, 0, SKB, true)                                   \
	X("lwt_xmit", 12, BPF_PROG_TYPE_LWT_XMIT, 0, 0, SKB, true)                                 \
	X("flow_dissector", 22, BPF_PROG_TYPE_FLOW_DISSECTOR, 17, BPF_FLOW_DISSECTOR, RAW, true)   \
	X("kprobe", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                                    \
	X("kretprobe", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                                 \
	X("ksyscall", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                                  \
	X("kretsyscall", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                               \
	X("uprobe", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                                    \
	X("uretprobe", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                                 \
	X("usdt", 2, BPF_PROG_TYPE_KPROBE, 0, 0, REGS, false)                                      \
	X("tracepoint", 5, BPF_PROG_TYPE_TRACEPOINT, 0, 0, RAW, false)                             \
	X("tp", 5, BPF_PROG_TYPE_TRACEPOINT, 0, 0, RAW, false)                                     \
	X("raw_tracepoint", 17, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, RAW, false)                    \
	X("raw_tp", 17, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, RAW, false)                            \
	X("tp_btf", 26, BPF_PROG_TYPE_TRACING, 23, BPF_TRACE_RAW_TP, RAW, false)                   \
	X("fentry", 26, BPF_PROG_TYPE_TRACING, 24, BPF_TRACE_FENTRY, RAW, false)                   \
	X("fexit", 26, BPF_PROG_TYPE_TRACING, 25, BPF_TRACE_FEXIT, RAW, false)                     \
	X("perf_event", 7, BPF_PROG_TYPE_PERF_EVENT, 0, 0, REGS, false)                            \
	X("syscall", 31, BPF_PROG_TYPE_SYSCALL, 0, 0, RAW, true)                                   \
	/* end of BPFAOT_SECTIONS */

#endif /* BPFAOT_SECTIONS_H */
