// SPDX-License-Identifier: MIT
/*
 * The run state shared by engines and helpers: which run is current on this
 * thread, the memory regions a program may touch, and runtime errors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ptrace.h>

#include "rt_inline.h"
#include "rt_internal.h"

/*
 * The native ABI (_bpf_helper_ext_NNNN(r1..r5)) gives helpers no context
 * argument, so the run being executed is found through this thread-local
 * pointer. Each thread runs at most one program at a time; nested runs
 * (none today) would save and restore it. initial-exec: helpers read it
 * on every call, also in the llvm plugin's copy of the runtime, where the
 * default model of a shared object would call __tls_get_addr each time.
 */
static __thread struct rt_run *current_run __attribute__((tls_model("initial-exec")));

/*
 * bpf_get_prandom_u32's state of the current run, while it is current:
 * the run keeps it in run->prandom_state, this thread-local copy is what
 * the helper and inlined native code advance. Native code finds it at a
 * fixed offset from the thread pointer (rt_run__tls_tpoff(), bound to
 * BPFAOT_TLS_PRANDOM by the linker): initial-exec, so the offset is the
 * same in every thread, also in the llvm plugin's copy of the runtime.
 */
static __thread uint64_t prandom_state __attribute__((tls_model("initial-exec")));

struct rt_run *rt_run__current(void)
{
	return current_run;
}

void rt_run__set_current(struct rt_run *run)
{
	if (current_run)
		current_run->prandom_state = prandom_state;
	current_run = run;
	if (run)
		prandom_state = run->prandom_state;
}

uint64_t *rt_run__prandom_state(void)
{
	return &prandom_state;
}

/*
 * The calling thread's bpf_get_current_pid_tgid() (tgid << 32 | tid),
 * once known: neither changes during a thread's life, but each is a
 * system call (getpid, gettid), hundreds of ns on a VM. 0 until the first
 * call (no thread has tid 0); a fork()ed child clears the copy of its
 * parent's thread (pthread_atfork, registered before any value is kept),
 * and a new thread starts at 0. Native code reads it at a fixed offset
 * from the thread pointer (BPFAOT_TLS_PID_TGID), as prandom_state.
 */
static __thread uint64_t pid_tgid __attribute__((tls_model("initial-exec")));
static pthread_once_t pid_tgid_once = PTHREAD_ONCE_INIT;

static void pid_tgid_forget(void)
{
	pid_tgid = 0;
}

static void pid_tgid_register(void)
{
	pthread_atfork(NULL, NULL, pid_tgid_forget);
}

uint64_t rt_run__pid_tgid(void)
{
	if (!pid_tgid) {
		pthread_once(&pid_tgid_once, pid_tgid_register);
		pid_tgid = (uint64_t)(uint32_t)getpid() << 32 | (uint32_t)gettid();
	}
	return pid_tgid;
}

/* *off = the offset of thread-local v from the thread pointer: the same in
 * every thread for an initial-exec variable. */
static bool tpoff(const void *v, intptr_t *off)
{
#if defined(__x86_64__)
	uintptr_t tp;

	/* the TCB's self pointer: the thread pointer, as %fs holds it */
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	*off = (intptr_t)((uintptr_t)v - tp);
	return true;
#else
	return false;
#endif
}

bool rt_run__tls_tpoff(const char *name, intptr_t *off)
{
	if (!strcmp(name, BPFAOT_TLS_PRANDOM))
		return tpoff(&prandom_state, off);
	if (!strcmp(name, BPFAOT_TLS_PID_TGID))
		return tpoff(&pid_tgid, off);
	return false;
}

bool rt_run__mem_ok(struct rt_run *run, const void *p, uint64_t len, bool write)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;

	if (!run || !run->checked)
		return true;
	if (a + len < a)
		return false;
	for (i = 0; i < run->nr_regions; i++) {
		const struct rt_region *r = &run->regions[i];

		if (a >= r->start && a + len <= r->end)
			return !write || r->writable;
	}
	if (run->mem_check)
		return run->mem_check(run, a, len, write);
	if (run->obj) {
		for (i = 0; i < run->obj->nr_maps; i++) {
			const void *start;
			size_t size;

			rt_map__region(run->obj->maps[i], &start, &size);
			if (start && a >= (uintptr_t)start && a + len <= (uintptr_t)start + size)
				return true;
		}
	}
	return false;
}

void rt_run__fail(struct rt_run *run, int err, const char *fmt, ...)
{
	va_list ap;

	if (!run || run->err)
		return;
	run->err = err;
	va_start(ap, fmt);
	rt_log__verr(run->log, fmt, ap);
	va_end(ap);
}

void rt_run__fail_insn(struct rt_run *run, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!run || run->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_run__fail(run, err, "%s: program '%s' %s", run->obj->path, run->prog->name, msg);
}

/* ------------------------------------------------------------ contexts */

#ifndef MAP_32BIT
#define MAP_32BIT 0
#endif

/*
 * The packet buffer lives in the low 4 GiB (MAP_32BIT) so that the 32-bit
 * data/data_end/data_meta fields of xdp_md and __sk_buff hold its real
 * addresses and the bytecode's `(void *)(long)ctx->data` is a usable
 * pointer without rewriting context accesses. Layout: XDP_PACKET_HEADROOM,
 * the packet, then tailroom for bpf_xdp_adjust_tail.
 */
static int alloc_packet(struct rt_run *run, const void *data, uint32_t size, size_t headroom,
			uint32_t limit, struct rt_log *log)
{
	size_t cap = (headroom + (size_t)size + RT_PKT_TAILROOM + 4095) & ~(size_t)4095;
	/* only packets need 32-bit addresses; a big `mem` input goes anywhere */
	bool low = size <= RT_MAX_PKT;
	void *p;

	if (size > limit) {
		rt_log__err(log, "input of %u bytes is over the limit of %u", size, limit);
		return -E2BIG;
	}
	p = cap == RT_PKT_SPARE_SIZE && low ?
		    __atomic_exchange_n(&run->obj->pkt_spare, NULL, __ATOMIC_ACQUIRE) : NULL;
	if (p) {
		/* as fresh as a new mapping: zero all the packet does not cover */
		memset(p, 0, headroom);
		memset((uint8_t *)p + headroom + size, 0, cap - headroom - size);
		goto out_place;
	}
	p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | (low ? MAP_32BIT : 0), -1, 0);
	if (p == MAP_FAILED) {
		rt_log__err(log, "cannot map a packet buffer of %zu bytes", cap);
		return -ENOMEM;
	}
	if (low && (uintptr_t)p + cap > UINT32_MAX) {
		munmap(p, cap);
		rt_log__err(log, "cannot place the packet buffer below 4 GiB");
		return -ENOMEM;
	}
out_place:
	run->pkt_buf = p;
	run->pkt_cap = cap;
	run->data = run->pkt_buf + headroom;
	run->data_meta = run->data;
	run->data_end = run->data + size;
	if (size)
		memcpy(run->data, data, size);
	return 0;
}

static uint32_t addr32(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* Refreshes the context's packet pointers after the packet moved. */
void rt_run__sync_ctx(struct rt_run *run)
{
	if (run->prog->ctx_kind == RT_CTX_XDP) {
		struct xdp_md *md = run->ctx;

		md->data = addr32(run->data);
		md->data_end = addr32(run->data_end);
		md->data_meta = addr32(run->data_meta);
	} else if (run->prog->ctx_kind == RT_CTX_SKB) {
		struct __sk_buff *skb = run->ctx;

		skb->data = addr32(run->data);
		skb->data_end = addr32(run->data_end);
		skb->data_meta = addr32(run->data_meta);
		skb->len = (uint32_t)(run->data_end - run->data);
	}
}

/* Whether the program type sees the packet from its Ethernet header, as
 * bpf_prog_test_run_skb() decides (is_l2). */
bool rt_run__skb_is_l2(uint32_t type)
{
	return type == BPF_PROG_TYPE_SCHED_CLS || type == BPF_PROG_TYPE_SCHED_ACT;
}

static int setup_skb(struct rt_run *run, const struct bpfaot_run_opts *opts, struct rt_log *log)
{
	struct __sk_buff *skb;
	const uint8_t *eth = opts->data_in;
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[ETH_ALEN];

	if (opts->data_size_in < ETH_HLEN) {
		rt_log__err(log, "packet of %u bytes is shorter than an Ethernet header",
			    opts->data_size_in);
		return -EINVAL;
	}
	skb = calloc(1, sizeof(*skb));
	if (!skb)
		return -ENOMEM;
	run->ctx = skb;
	run->ctx_size = sizeof(*skb);
	if (opts->ctx_in) {
		if (opts->ctx_size_in > sizeof(*skb)) {
			rt_log__err(log, "context of %u bytes is larger than struct __sk_buff (%zu)",
				    opts->ctx_size_in, sizeof(*skb));
			return -EINVAL;
		}
		memcpy(skb, opts->ctx_in, opts->ctx_size_in);
	}
	skb->protocol = (uint32_t)(eth[12] | eth[13] << 8); /* __be16, as stored by the kernel */
	if (eth[0] & 1)
		skb->pkt_type = memcmp(eth, bcast, ETH_ALEN) ? PACKET_MULTICAST : PACKET_BROADCAST;
	else
		skb->pkt_type = memcmp(eth, zero, ETH_ALEN) ? PACKET_OTHERHOST : PACKET_HOST;
	if (!skb->ifindex)
		skb->ifindex = 1; /* the kernel's test runs use the loopback device */
	if (!rt_run__skb_is_l2(run->prog->type))
		run->data += ETH_HLEN;
	if (!skb->wire_len) /* convert___skb_to_skb(): skb->len, L2 pulled or not */
		skb->wire_len = (uint32_t)(run->data_end - run->data);
	run->data_meta = run->data;
	rt_run__sync_ctx(run);
	return 0;
}

int rt_run__setup(struct rt_run *run, struct rt_prog *prog, const struct bpfaot_run_opts *opts,
		  struct rt_log *log)
{
	const struct rt_object *obj = prog->obj;
	const void *data = opts->data_in;
	uint32_t size = opts->data_size_in;
	int err;

	memset(run, 0, sizeof(*run));
	run->obj = prog->obj;
	run->prog = prog;
	run->engine = opts->engine;
	run->log = log;
	run->budget_limit = opts->budget;
	run->print = opts->print;
	run->print_cookie = opts->print_cookie;
	run->prandom_state = RT_INL_PRANDOM_SEED;
	run->redirect.map_idx = -1;
	if (obj->is_conformance && !data) {
		data = obj->conf->mem;
		size = (uint32_t)obj->conf->mem_size;
	}
	switch (prog->ctx_kind) {
	case RT_CTX_MEM:
		if (opts->ctx_in) {
			rt_log__err(log, "program '%s' takes raw memory, not a context", prog->name);
			return -EINVAL;
		}
		if (!size)
			return 0; /* r1 = r2 = 0, as the conformance suite expects */
		err = alloc_packet(run, data, size, 0, RT_MAX_MEM, log);
		if (err)
			return err;
		run->ctx = run->data;
		run->ctx_size = size;
		return 0;
	case RT_CTX_XDP: {
		struct xdp_md *md;

		if (size < ETH_HLEN) {
			rt_log__err(log, "XDP program '%s' needs a packet of at least %d bytes (--data-in)",
				    prog->name, ETH_HLEN);
			return -EINVAL;
		}
		err = alloc_packet(run, data, size, RT_XDP_HEADROOM, RT_MAX_PKT, log);
		if (err)
			return err;
		md = calloc(1, sizeof(*md));
		if (!md)
			return -ENOMEM;
		run->ctx = md;
		run->ctx_size = sizeof(*md);
		if (opts->ctx_in) {
			if (opts->ctx_size_in > sizeof(*md)) {
				rt_log__err(log, "context of %u bytes is larger than struct xdp_md (%zu)",
					    opts->ctx_size_in, sizeof(*md));
				return -EINVAL;
			}
			memcpy(md, opts->ctx_in, opts->ctx_size_in);
		}
		rt_run__sync_ctx(run);
		return 0;
	}
	case RT_CTX_SKB:
		err = alloc_packet(run, data, size, RT_XDP_HEADROOM, RT_MAX_PKT, log);
		if (err)
			return err;
		return setup_skb(run, opts, log);
	case RT_CTX_REGS:
	case RT_CTX_RAW: {
		size_t need = prog->ctx_kind == RT_CTX_REGS ? sizeof(struct pt_regs) : 0;
		size_t sz = opts->ctx_size_in > need ? opts->ctx_size_in : need;

		if (data && size) {
			err = alloc_packet(run, data, size, 0, RT_MAX_PKT, log);
			if (err)
				return err;
		}
		if (opts->ctx_size_in > RT_MAX_PKT) {
			rt_log__err(log, "context of %u bytes is over the limit of %u",
				    opts->ctx_size_in, RT_MAX_PKT);
			return -E2BIG;
		}
		run->ctx = calloc(1, sz ? sz : 8);
		if (!run->ctx)
			return -ENOMEM;
		run->ctx_size = sz;
		if (opts->ctx_in)
			memcpy(run->ctx, opts->ctx_in, opts->ctx_size_in);
		return 0;
	}
	}
	return -EINVAL;
}

int rt_run__finish(struct rt_run *run, struct bpfaot_run_opts *opts, uint64_t retval)
{
	/* r0 is 64 bits; every kernel program type returns the low 32 (the
	 * test run's retval is a __u32); a mem program (ubpf, bpftime) keeps all */
	opts->retval = run->prog->ctx_kind == RT_CTX_MEM ? retval : (uint32_t)retval;
	if (opts->data_out && run->data) {
		const uint8_t *start = run->data;
		size_t n;

		bool l3 = run->prog->ctx_kind == RT_CTX_SKB && !rt_run__skb_is_l2(run->prog->type);

		/* socket filters see the packet past L2; the output has room for
		 * it back, zeroed, as bpf_prog_test_run_skb() pushes it */
		if (l3)
			start -= ETH_HLEN;
		n = (size_t)(run->data_end - start);
		if (n > opts->data_size_out) {
			rt_log__err(run->log, "output packet of %zu bytes does not fit in %u", n,
				    opts->data_size_out);
			return -ENOSPC;
		}
		memcpy(opts->data_out, start, n);
		if (l3)
			memset(opts->data_out, 0, ETH_HLEN);
		opts->data_size_out = (uint32_t)n;
	} else if (opts->data_out) {
		opts->data_size_out = 0;
	}
	if (opts->ctx_out) {
		size_t n = run->prog->ctx_kind == RT_CTX_MEM ? 0 : run->ctx_size;
		const void *src = run->ctx;
		struct xdp_md md;
		struct __sk_buff skb;

		/* what the kernel's test run writes back, not our pointers */
		if (run->prog->ctx_kind == RT_CTX_XDP) {
			memcpy(&md, run->ctx, sizeof(md));
			md.data = (uint32_t)(run->data - run->data_meta);
			md.data_end = (uint32_t)(run->data_end - run->data_meta);
			md.data_meta = 0;
			src = &md;
		} else if (run->prog->ctx_kind == RT_CTX_SKB) {
			const struct __sk_buff *in = run->ctx;

			/* convert_skb_to___skb(): only these fields come back */
			memset(&skb, 0, sizeof(skb));
			skb.mark = in->mark;
			skb.priority = in->priority;
			skb.ingress_ifindex = in->ingress_ifindex;
			skb.ifindex = in->ifindex;
			memcpy(skb.cb, in->cb, sizeof(skb.cb));
			skb.tstamp = in->tstamp;
			skb.wire_len = in->wire_len;
			skb.gso_segs = in->gso_segs;
			skb.gso_size = in->gso_size;
			skb.hwtstamp = in->hwtstamp;
			src = &skb;
		}
		if (n > opts->ctx_size_out)
			n = opts->ctx_size_out;
		if (n)
			memcpy(opts->ctx_out, src, n);
		opts->ctx_size_out = (uint32_t)n;
	}
	return 0;
}

/* Keeps a page-sized low packet buffer as the object's spare (see
 * rt_object.pkt_spare) unless it has one already. */
static bool keep_spare(struct rt_run *run)
{
	void *none = NULL;

	if (run->pkt_cap != RT_PKT_SPARE_SIZE || (uintptr_t)run->pkt_buf > UINT32_MAX || !run->obj)
		return false;
	return __atomic_compare_exchange_n(&run->obj->pkt_spare, &none, run->pkt_buf, false,
					   __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

void rt_run__release(struct rt_run *run)
{
	if (run->prog && run->prog->ctx_kind != RT_CTX_MEM)
		free(run->ctx);
	if (run->pkt_buf && !keep_spare(run))
		munmap(run->pkt_buf, run->pkt_cap);
	run->ctx = NULL;
	run->pkt_buf = NULL;
}

/* ------------------------------------------------------- native engines */

/* After a run that called bpf_tail_call(): runs the chain of targets it
 * left (the kernel would have jumped) with the same context; r0 of the
 * last program. run->prog is back as it was; the count of tail calls
 * goes on (the kernel's limit is per invocation). */
static uint64_t run_tail_calls(struct rt_run *run, const struct rt_native_engine *ne, uint64_t r)
{
	struct rt_prog *first = run->prog;
	uint32_t done;
	int err, n;

	for (n = 0; run->tail_target && !run->err; n++) {
		struct rt_prog *t = run->tail_target;

		run->tail_target = NULL;
		if (n >= RT_MAX_TAIL_CALLS) {
			rt_run__fail(run, -E2BIG, "more than %d tail calls", RT_MAX_TAIL_CALLS);
			break;
		}
		err = ne->prepare(run, t);
		if (err) {
			run->err = err; /* the reason is in the log */
			break;
		}
		run->prog = t;
		r = ne->run_n(run, 1, &done);
	}
	run->prog = first;
	return r;
}

uint64_t rt_run__tail_call_now(struct rt_run *run)
{
	uint64_t r;

	if (!run || !run->native || !run->tail_target) {
		if (run)
			rt_run__fail(run, -EINVAL, "a tail call's target was run with none pending");
		return 0;
	}
	r = run_tail_calls(run, run->native, 0);
	return run->err ? 0 : r;
}

int rt_run__native(struct rt_run *run, const struct rt_native_engine *ne, uint32_t repeat,
		   uint64_t *retval)
{
	uint64_t r = 0;
	uint32_t n, done;
	int err;

	err = ne->prepare(run, run->prog);
	if (err)
		return err;
	/* native code is not bounds-checked: its safety net is the kernel's
	 * verifier (--verify=kernel) and the interpreter */
	run->checked = false;
	run->mem_check = NULL;
	run->callback = ne->callback;
	run->native = ne;
	run->tail_calls = 0;
	run->tail_target = NULL;
	rt_run__set_current(run);
	for (n = 0; n < repeat && !run->err; n += done) {
		r = ne->run_n(run, repeat - n, &done);
		if (run->tail_calls) {
			r = run_tail_calls(run, ne, r);
			run->tail_calls = 0;
		}
	}
	run->native = NULL;
	rt_run__set_current(NULL);
	if (run->err)
		return run->err;
	*retval = r;
	return 0;
}
