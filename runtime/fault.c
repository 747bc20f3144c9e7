// SPDX-License-Identifier: MIT
/*
 * Fault containment for native runs. Native code (aot, jit, llvm-jit,
 * llvm-aot) runs unchecked on the host's thread: a bad pointer, a stale or
 * corrupted native object, a helper handed garbage, all end in a hardware
 * fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL). rt_fault__call() runs one
 * bpfaot_prog__run()'s engine work under a guard: a fault on this thread
 * while the guard is armed jumps back (siglongjmp) and becomes -EFAULT with
 * a message naming the object, the program, the engine and the signal, and
 * suggesting the interpreter, which checks every access. The host survives.
 *
 * The handlers are installed only while at least one thread runs native
 * code (a process-wide count under a mutex), and the host's handlers are
 * put back when the last guard is disarmed, unless the host replaced ours
 * meanwhile. A fault outside a guarded run (another thread, the host's own
 * code while ours are installed) goes to the host's handler, or to the
 * default action as if we had never been there. The handler runs on an
 * alternate stack of its own (per thread, kept for the thread's life), so
 * a native stack overflow is caught too.
 *
 * The guard is armed once per bpfaot_prog__run() call, around the engine's
 * whole repeat loop: arming costs a few system calls, nothing per run.
 * After a fault the program stopped at an arbitrary point: its maps may be
 * half-updated and a bpf_spin_lock it held stays held.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "rt_internal.h"

#define ALT_STACK_SIZE (64 * 1024)

static const int fault_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define NR_FAULT_SIGS (sizeof(fault_sigs) / sizeof(fault_sigs[0]))

/* One armed guard of a thread (lives in rt_fault__call()'s frame). */
struct guard {
	sigjmp_buf jb;
	volatile sig_atomic_t armed;
	/* what the handler saw */
	int sig, code;
	uintptr_t addr, pc;
	stack_t old_stack;
	bool own_stack;
};

/*
 * Process-wide: the host's actions, saved while ours are installed, and
 * how many threads are inside a guarded run. Written under lock only;
 * the handler reads saved_act[] only while the count keeps it stable.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned nr_armed;
static struct sigaction saved_act[NR_FAULT_SIGS];

/* The thread's armed guard, if any; its alternate stack, kept once made. */
static __thread struct guard *cur_guard;
static __thread void *alt_stack;

static int sig_index(int sig)
{
	size_t i;

	for (i = 0; i < NR_FAULT_SIGS; i++)
		if (fault_sigs[i] == sig)
			return (int)i;
	return -1;
}

/* A fault that is not ours: what the host asked for, else the default. */
static void chain(int sig, siginfo_t *si, void *uc)
{
	int i = sig_index(sig);
	const struct sigaction *a = i >= 0 ? &saved_act[i] : NULL;

	if (a && (a->sa_flags & SA_SIGINFO) && a->sa_sigaction) {
		a->sa_sigaction(sig, si, uc);
		return;
	}
	if (a && a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN) {
		a->sa_handler(sig);
		return;
	}
	/* the default action: a hardware fault re-executes and dies of it;
	 * a signal sent with kill() is sent again */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct guard *g = cur_guard;

	/* only a hardware fault of this thread's native run is ours */
	if (!g || !g->armed || si->si_code <= 0) {
		chain(sig, si, uc);
		return;
	}
	g->armed = 0;
	g->sig = sig;
	g->code = si->si_code;
	g->addr = (uintptr_t)si->si_addr;
#if defined(__x86_64__)
	g->pc = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
#endif
	siglongjmp(g->jb, 1);
}

static int install(struct rt_log *log)
{
	struct sigaction sa;
	size_t i;
	int err = 0;

	pthread_mutex_lock(&lock);
	if (nr_armed++)
		goto out_unlock;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* SA_NODEFER: the handler leaves with siglongjmp and no saved mask,
	 * so the signal must not stay blocked */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NR_FAULT_SIGS; i++) {
		if (sigaction(fault_sigs[i], &sa, &saved_act[i])) {
			err = -errno;
			while (i--)
				sigaction(fault_sigs[i], &saved_act[i], NULL);
			nr_armed--;
			rt_log__err(log, "cannot install the fault handlers: %s", strerror(-err));
			break;
		}
	}
out_unlock:
	pthread_mutex_unlock(&lock);
	return err;
}

static void uninstall(void)
{
	struct sigaction cur;
	size_t i;

	pthread_mutex_lock(&lock);
	if (!--nr_armed) {
		for (i = 0; i < NR_FAULT_SIGS; i++) {
			if (sigaction(fault_sigs[i], &saved_act[i], &cur))
				continue;
			/* a handler the host installed meanwhile stays */
			if (!(cur.sa_flags & SA_SIGINFO) || cur.sa_sigaction != on_fault)
				sigaction(fault_sigs[i], &cur, NULL);
		}
	}
	pthread_mutex_unlock(&lock);
}

/* This thread's alternate stack for the handler, unless the host has one. */
static int use_alt_stack(struct guard *g, struct rt_log *log)
{
	stack_t ss = { .ss_size = ALT_STACK_SIZE };

	if (sigaltstack(NULL, &g->old_stack))
		return 0;	/* no way to know: run without */
	if (!(g->old_stack.ss_flags & SS_DISABLE))
		return 0;	/* the host's stack serves */
	if (!alt_stack) {
		/* kept for the thread's life: a few system calls per run less */
		alt_stack = malloc(ALT_STACK_SIZE);
		if (!alt_stack) {
			rt_log__err(log, "out of memory");
			return -ENOMEM;
		}
	}
	ss.ss_sp = alt_stack;
	if (sigaltstack(&ss, NULL))
		return 0;
	g->own_stack = true;
	return 0;
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	default: return "SIGILL";
	}
}

static const char *sig_what(int sig, int code)
{
	switch (sig) {
	case SIGSEGV: return code == SEGV_ACCERR ? "memory access not permitted" : "access to unmapped memory";
	case SIGBUS: return "bus error";
	case SIGFPE: return code == FPE_INTDIV ? "integer division by zero" :
			    code == FPE_INTOVF ? "integer overflow" : "arithmetic exception";
	default: return "illegal instruction";
	}
}

/* Where the fault happened, as far as the engine can tell. */
static void where(const struct rt_run *run, uintptr_t pc, char *buf, size_t size)
{
	const struct rt_native *nat = run->engine == BPFAOT_ENGINE_AOT ?
		run->prog->engine_state[BPFAOT_ENGINE_AOT] : NULL;

	if (nat && rt_native__has_code(nat, pc))
		snprintf(buf, size, "at pc 0x%lx (bpf_main%+ld in its native code)", (unsigned long)pc,
			 (long)(pc - (uintptr_t)rt_native__entry(nat)));
	else
		snprintf(buf, size, "at pc 0x%lx", (unsigned long)pc);
}

int rt_fault__call(struct rt_run *run, rt_fault_body_fn body, void *arg)
{
	struct guard g = { 0 };
	struct guard *volatile saved = cur_guard;
	struct rt_prog *volatile first = run->prog;
	char at[96], addr[48];
	int err;

	err = install(run->log);
	if (err)
		return err;
	err = use_alt_stack(&g, run->log);
	if (err) {
		uninstall();
		return err;
	}
	if (sigsetjmp(g.jb, 0)) {
		/* back from the handler: the run stopped where it faulted */
		rt_run__set_current(NULL);
		run->prog = first;	/* a tail call may have moved it */
		where(run, g.pc, at, sizeof(at));
		/* the data address, for faults that have one */
		addr[0] = '\0';
		if (g.sig == SIGSEGV || g.sig == SIGBUS)
			snprintf(addr, sizeof(addr), ", address 0x%lx", (unsigned long)g.addr);
		/* this is the message, whatever a helper said before */
		run->err = 0;
		run->log->set = false;
		rt_run__fail(run, -EFAULT,
			     "%s: program '%s' on engine '%s': %s (%s%s) %s; the run was stopped and "
			     "the object's maps may be half-updated (run it with --engine=interp, "
			     "which checks every access)",
			     run->obj->path, first->name, bpfaot_engine__name(run->engine),
			     sig_name(g.sig), sig_what(g.sig, g.code), addr, at);
		err = -EFAULT;
	} else {
		cur_guard = &g;
		g.armed = 1;
		err = body(run, arg);
		g.armed = 0;
	}
	cur_guard = saved;
	if (g.own_stack) {
		stack_t off = { .ss_flags = SS_DISABLE };

		sigaltstack(&off, NULL);
	}
	uninstall();
	return err;
}
