/* SPDX-License-Identifier: MIT */
/*
 * The kernel engine, the outside oracle: a BPF ELF object opened and loaded
 * by libbpf, its programs run by BPF_PROG_TEST_RUN, its maps read back
 * through bpf(2). Private to the runtime (prefix rt_kernel_).
 *
 * Conventions: actions return 0 or -errno and set errno; rt_kernel__open()
 * returns NULL with errno set; every failure that needs more than errno to
 * be understood writes its one-line reason (plus, for a verifier rejection,
 * the verifier's log) to the rt_log passed in.
 *
 * libbpf's print callback is process-global. The first rt_kernel__open()
 * installs ours once (libbpf_set_print) for the rest of the process: libbpf
 * then never prints to stderr; its warnings raised inside an rt_kernel__*
 * call on the same thread are captured for that call's log, any others are
 * dropped. A host that installs its own libbpf_set_print() afterwards takes
 * this over (and then load failures carry less detail).
 */
#ifndef BPFAOT_RT_KERNEL_H
#define BPFAOT_RT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_internal.h"

struct rt_kernel;

/* Whether bpf() works here: loads (and closes) a two-instruction socket
 * filter. If not, why gets one line, "bpf() unavailable: <strerror>"
 * (why may be NULL). */
bool rt_kernel__available(char *why, size_t why_sz);

/*
 * Opens the BPF ELF at path with libbpf (nothing reaches the kernel yet).
 *
 * prog_type, when not NULL, becomes the type of every program (for legacy
 * section names libbpf does not know). Accepted spellings: the kernel's
 * type names as libbpf and bpftool print them, without the BPF_PROG_TYPE_
 * prefix ("socket_filter", "kprobe", "sched_cls", "xdp", "raw_tracepoint",
 * "syscall", ...), the short aliases "socket", "tc", "raw_tp", "tp",
 * "perf_event", and any libbpf SEC() name ("xdp.frags", "tc", "kprobe/x",
 * "raw_tp/x"), which also sets the expected attach type. Unknown names fail
 * with -EINVAL.
 *
 * Returns the engine object (caller frees with rt_kernel__free()) or NULL
 * with errno set.
 */
struct rt_kernel *rt_kernel__open(const char *path, const char *prog_type, struct rt_log *log);
void rt_kernel__free(struct rt_kernel *k);

/*
 * The --map-set of bpfaot-run: sets one entry before the run.
 *
 * Maps are named as rt_kernel__map_info() names them: global data by its
 * ELF section (".rodata", ".data", ".bss", ".rodata.NAME", ".data.NAME",
 * ".kconfig"), libbpf's kernel-side name ("prog.rodata") being accepted
 * too; other maps by their name in the source.
 *
 * Global data is a one-element array: key is the u32 0 and the value is the
 * whole section (key_sz 4, val_sz the section's size). Before load it
 * becomes the section's initial image (bpf_map__set_initial_value), which
 * is the only way to change .rodata, frozen at load.
 *
 * Other maps: key_sz and val_sz must equal the map's key and value sizes,
 * val_sz being the bpf(2) size for per-CPU maps (value size rounded up to 8,
 * times the possible CPUs: every CPU's slot); queue, stack and bloom filter
 * maps take key_sz 0 (a push). Before load the update is queued (data
 * copied) and applied by rt_kernel__load() in call order; after load it is
 * applied at once.
 *
 * Errors: -ENOENT unknown map; -EINVAL size mismatch (the message gives the
 * expected sizes); the bpf(2) error of the update.
 */
int rt_kernel__set_initial(struct rt_kernel *k, const char *map, const void *key, uint32_t key_sz,
			   const void *val, uint32_t val_sz, struct rt_log *log);

/*
 * Before rt_kernel__load(): have it load only the program prog_name
 * (function name, else section name; NULL for the first) and the programs
 * named in also (nr_also of them, e.g. its tail-call targets), so that a
 * program the verifier refuses does not keep the others from running.
 * An unknown prog_name changes nothing (rt_kernel__run() reports it).
 * Returns 0, or -EINVAL after a load.
 */
int rt_kernel__select(struct rt_kernel *k, const char *prog_name, const char *const *also,
		      size_t nr_also, struct rt_log *log);

/* Loads the object (maps created, programs verified), then applies the
 * queued map updates. On a verifier rejection the log gets one line naming
 * the program and the error, then the verifier's log; when the log buffer
 * is too small, the end of the verifier's log, where its verdict is, is
 * kept. Loading twice is a no-op. */
int rt_kernel__load(struct rt_kernel *k, struct rt_log *log);

/* Whether rt_kernel__load() succeeded. */
bool rt_kernel__loaded(const struct rt_kernel *k);

/*
 * Runs the program named prog_name (function name, else section name; NULL
 * = the first program) through BPF_PROG_TEST_RUN, loading the object first
 * if needed. Reads data_in, ctx_in and repeat (0 = 1) from opts; fills
 * retval (the kernel gives 32 bits), duration_ns (average per run),
 * data_size_out (the packet's size after the run, even when data_out is
 * NULL; 0 for types without a packet) and ctx_size_out (0 when ctx_out is
 * NULL). data_out and ctx_out, their sizes in opts being the capacities,
 * may be NULL.
 *
 * Per type, as kernel 6.18's net/bpf/test_run.c does it:
 * - xdp: data_in is the packet (>= 14 bytes); ctx_in, optional, a struct
 *   xdp_md with data 0 and data_end the packet size; ctx_out gets it back
 *   (data_end follows bpf_xdp_adjust_tail);
 * - socket_filter, sched_cls/act, cgroup_skb, lwt_*:
 *   data_in is an Ethernet frame of 14 to 3712 bytes (one 4 KiB page less
 *   headroom); ctx_in, optional, a struct __sk_buff of which only mark,
 *   priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs,
 *   gso_size and hwtstamp may be non-zero (checked here, the kernel only
 *   says -EINVAL). tc programs see the whole frame (skb->len = size);
 *   socket filters and lwt programs start after the Ethernet header
 *   (skb->len = size - 14);
 * - raw_tracepoint: no data_in; ctx_in is the u64 arguments, covering all
 *   the program reads, at most 12; no ctx_out;
 * - syscall: no data_in; ctx_in is the program's argument, which the
 *   kernel writes back: here into a copy (ctx_in is const), then ctx_out.
 * - other types with a test run (flow_dissector, sk_lookup, netfilter,
 *   tracing on the kernel's bpf_fentry_test*): the opts go to the kernel
 *   unchanged.
 * raw_tracepoint and syscall test runs take no repeat: repeat is done
 * here, one test run each, and duration_ns is measured here (syscall cost
 * included).
 *
 * Errors: -ENOENT unknown program; -ENOTSUP for types the kernel cannot
 * test run (kprobe, tracepoint, perf_event, sk_skb, ...): "program 'x' of
 * type 'kprobe': the kernel has no test run for this type"; -ENOSPC when
 * data_out or ctx_out is too small (outputs still filled as far as they
 * fit); -EINVAL a bad input, with what the kernel most likely refused.
 */
int rt_kernel__run(struct rt_kernel *k, const char *prog_name, struct bpfaot_run_opts *opts,
		   struct rt_log *log);

/*
 * Maps, for --dump-maps, indexed 0 .. rt_kernel__map_cnt() - 1 in the
 * object's order. Without a log: errno alone explains a failure (-EINVAL
 * bad index or object not loaded for the accessors that need the kernel).
 */
size_t rt_kernel__map_cnt(const struct rt_kernel *k);
/* name is borrowed, valid until rt_kernel__free(). Any out-param may be
 * NULL. Works before load. */
int rt_kernel__map_info(const struct rt_kernel *k, size_t i, const char **name, uint32_t *type,
			uint32_t *key_sz, uint32_t *val_sz, uint32_t *max_entries);
/* Bytes rt_kernel__map_lookup() writes: the value size, or for per-CPU maps
 * the value size rounded up to 8 times the possible CPUs; 0 on error. */
size_t rt_kernel__map_user_value_size(const struct rt_kernel *k, size_t i);
/* bpf(2) BPF_MAP_GET_NEXT_KEY: key NULL gives the first key; -ENOENT after
 * the last. */
int rt_kernel__map_next_key(const struct rt_kernel *k, size_t i, const void *key, void *next);
/* bpf(2) BPF_MAP_LOOKUP_ELEM: per-CPU maps fill every CPU's slot. */
int rt_kernel__map_lookup(const struct rt_kernel *k, size_t i, const void *key, void *value);
/* For a BPF_MAP_TYPE_RINGBUF map: calls fn on each record in order and
 * consumes it; fn returning < 0 stops with that error. Returns the number
 * of records consumed or -errno (-EINVAL if map i is not a ring buffer). */
int rt_kernel__ringbuf_consume(const struct rt_kernel *k, size_t i,
			       int (*fn)(void *cookie, const void *data, size_t size),
			       void *cookie);

#endif /* BPFAOT_RT_KERNEL_H */
