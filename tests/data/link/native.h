/* SPDX-License-Identifier: MIT */
/*
 * One source, two builds: with -target bpf this is an ordinary libbpf-style
 * program; built for x86-64 it is what bpfaot-cc's rewriters produce, a
 * native object in the bpfaot ABI (bpf_main entry, helpers as
 * _bpf_helper_ext_NNNN, maps and globals as undefined symbols).
 */
#ifndef LINK_NATIVE_H
#define LINK_NATIVE_H

#include <linux/bpf.h>

#ifdef __bpf__
#include <bpf/bpf_helpers.h>
#define PROG(sec, name, arg) SEC(sec) int name(arg)
#else
#include <stdint.h>
#define SEC(x)
#define PROG(sec, name, arg)                                                                       \
	static int name(arg);                                                                      \
	uint64_t bpf_main(void *ctx, uint64_t ctx_size)                                            \
	{                                                                                          \
		return (uint32_t)name(ctx);                                                        \
	}                                                                                          \
	static int name(arg)
extern void *_bpf_helper_ext_0001(void *map, const void *key);
extern long _bpf_helper_ext_0002(void *map, const void *key, const void *value, __u64 flags);
extern long _bpf_helper_ext_0006(const char *fmt, __u32 fmt_size, ...);
extern long _bpf_helper_ext_0012(void *ctx, void *map, __u32 index);
extern long _bpf_helper_ext_0181(__u32 nr, void *cb, void *ctx, __u64 flags);
#define bpf_map_lookup_elem _bpf_helper_ext_0001
#define bpf_map_update_elem _bpf_helper_ext_0002
#define bpf_trace_printk _bpf_helper_ext_0006
#define bpf_tail_call _bpf_helper_ext_0012
#define bpf_loop _bpf_helper_ext_0181
#endif

#endif
