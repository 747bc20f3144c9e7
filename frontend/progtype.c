// SPDX-License-Identifier: MIT
/*
 * Program types from section names, the way libbpf's section_defs maps
 * them (the runtime's loader uses the same table), and the context each
 * type gets: what the program's first argument points at.
 */
#include <string.h>

#include "fe_internal.h"

/* enum bpf_prog_type values, spelled out: the compiler does not need the
 * uapi header for a table of numbers. */
enum {
	PT_UNSPEC = 0,
	PT_SOCKET_FILTER = 1,
	PT_KPROBE = 2,
	PT_SCHED_CLS = 3,
	PT_SCHED_ACT = 4,
	PT_TRACEPOINT = 5,
	PT_XDP = 6,
	PT_PERF_EVENT = 7,
	PT_CGROUP_SKB = 8,
	PT_LWT_IN = 10,
	PT_LWT_OUT = 11,
	PT_LWT_XMIT = 12,
	PT_SK_SKB = 14,
	PT_RAW_TRACEPOINT = 17,
	PT_FLOW_DISSECTOR = 22,
	PT_TRACING = 26,
	PT_SYSCALL = 31,
};

struct sec_def {
	const char *prefix;
	uint32_t type;
	enum fe_ctx_kind ctx;
	bool exact;	/* the whole name, or the prefix followed by '/' */
};

static const struct sec_def sec_defs[] = {
	{ "xdp", PT_XDP, FE_CTX_XDP, false },
	{ "xdp.frags", PT_XDP, FE_CTX_XDP, false },
	{ "tc", PT_SCHED_CLS, FE_CTX_SKB, false },
	{ "classifier", PT_SCHED_CLS, FE_CTX_SKB, false },
	{ "action", PT_SCHED_ACT, FE_CTX_SKB, false },
	{ "socket", PT_SOCKET_FILTER, FE_CTX_SKB, false },
	{ "sk_skb", PT_SK_SKB, FE_CTX_SKB, false },
	{ "cgroup_skb/ingress", PT_CGROUP_SKB, FE_CTX_SKB, true },
	{ "cgroup_skb/egress", PT_CGROUP_SKB, FE_CTX_SKB, true },
	{ "lwt_in", PT_LWT_IN, FE_CTX_SKB, true },
	{ "lwt_out", PT_LWT_OUT, FE_CTX_SKB, true },
	{ "lwt_xmit", PT_LWT_XMIT, FE_CTX_SKB, true },
	{ "flow_dissector", PT_FLOW_DISSECTOR, FE_CTX_RAW, true },
	{ "kprobe", PT_KPROBE, FE_CTX_REGS, false },
	{ "kretprobe", PT_KPROBE, FE_CTX_REGS, false },
	{ "ksyscall", PT_KPROBE, FE_CTX_REGS, false },
	{ "kretsyscall", PT_KPROBE, FE_CTX_REGS, false },
	{ "uprobe", PT_KPROBE, FE_CTX_REGS, false },
	{ "uretprobe", PT_KPROBE, FE_CTX_REGS, false },
	{ "usdt", PT_KPROBE, FE_CTX_REGS, false },
	{ "tracepoint", PT_TRACEPOINT, FE_CTX_RAW, false },
	{ "tp", PT_TRACEPOINT, FE_CTX_RAW, false },
	{ "raw_tracepoint", PT_RAW_TRACEPOINT, FE_CTX_RAW, false },
	{ "raw_tp", PT_RAW_TRACEPOINT, FE_CTX_RAW, false },
	{ "tp_btf", PT_TRACING, FE_CTX_RAW, false },
	{ "fentry", PT_TRACING, FE_CTX_RAW, false },
	{ "fexit", PT_TRACING, FE_CTX_RAW, false },
	{ "perf_event", PT_PERF_EVENT, FE_CTX_REGS, false },
	{ "syscall", PT_SYSCALL, FE_CTX_RAW, true },
	{ "mem", PT_UNSPEC, FE_CTX_MEM, false },
};

bool fe_prog_type_from_sec(const char *sec, uint32_t *type, enum fe_ctx_kind *ctx)
{
	size_t i, n;

	for (i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++) {
		n = strlen(sec_defs[i].prefix);
		if (strncmp(sec, sec_defs[i].prefix, n))
			continue;
		if (sec_defs[i].exact ? sec[n] != '\0' : sec[n] != '\0' && sec[n] != '/')
			continue;
		*type = sec_defs[i].type;
		*ctx = sec_defs[i].ctx;
		return true;
	}
	return false;
}

const char *fe_ctx_kind__str(enum fe_ctx_kind k)
{
	static const char *const names[] = {
		[FE_CTX_MEM] = "mem", [FE_CTX_XDP] = "xdp", [FE_CTX_SKB] = "skb",
		[FE_CTX_REGS] = "regs", [FE_CTX_RAW] = "raw",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "raw";
}

const char *fe_class__str(enum fe_class c)
{
	switch (c) {
	case FE_CLASS_VOID:
		return "void";
	case FE_CLASS_PTR:
		return "ptr";
	default:
		return "scalar";
	}
}
