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
 * Arming costs no system call: the handlers are installed once per
 * process, at the first guarded run, and stay; each thread gets its
 * alternate stack once, at its first guarded run (unless it has one of its
 * own), kept until the thread exits. A guarded run only points the
 * thread's guard at its frame and takes a sigsetjmp without the signal
 * mask (capture replay calls bpfaot_prog__run() once per packet: it used
 * to pay 11 system calls per packet here, 4 sigaction to install, 2
 * sigaltstack, 1 to drop the stack and 4 to put the host's handlers back).
 *
 * The host's handlers: the actions in place when ours are installed are
 * kept, and every fault that is not a guarded run's (another thread, the
 * host's own code, a signal sent with kill()) goes to them, with its
 * siginfo and context, or to the default action (the process dies of the
 * signal, as without us), or is ignored where the host ignores a sent
 * signal. A handler the host installs after its first native run replaces
 * ours for that signal: the host's handler then works as it asked, and a
 * fault in native code reaches it instead of becoming an error
 * (docs/runtime.md). The handler runs on the alternate stack, so a native
 * stack overflow is caught too.
 *
 * After a fault the program stopped at an arbitrary point: its maps may be
 * half-updated and a bpf_spin_lock it held stays held. One fault is not
 * the run's: that of an inlined bpf_probe_read*'s copy, which the handler
 * turns into the helper's -EFAULT (probe_fixup()).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "rt_inline.h"
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
};

/*
 * Process-wide, the one exception to "no mutable globals" here: signal
 * actions are process-wide. The host's actions, saved when ours were
 * installed; written once, under install_once, before our handler can
 * read them.
 */
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_err;
static struct sigaction saved_act[NR_FAULT_SIGS];
/* frees each thread's alternate stack when the thread exits */
static pthread_key_t stack_key;

/* The thread's armed guard, if any; whether its alternate stack is set up
 * (1: ours, -1: the thread has its own or none can be had). */
static __thread struct guard *cur_guard;
static __thread int stack_state;

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
	/* an ignored signal sent with kill(): ignored, as the host asked */
	if (a && a->sa_handler == SIG_IGN && si->si_code <= 0)
		return;
	/* the default action (the kernel gives it to an ignored hardware
	 * fault too): a hardware fault re-executes and dies of it; a signal
	 * sent with kill() is sent again */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

/*
 * An inlined bpf_probe_read* (runtime/inline/helpers.c) copies with one
 * `rep movsb` while %rax holds RT_INL_PROBE_MAGIC: a fault of that copy is
 * the helper's -EFAULT, as process_vm_readv() makes it out of line. The
 * copy resumes after the instruction with %rax = 0, which the inlined code
 * takes for the failure. The instruction's bytes are read only when the
 * fault is not the fetch of the instruction itself.
 */
static bool probe_fixup(int sig, siginfo_t *si, void *uc)
{
#if defined(__x86_64__)
	greg_t *r = ((ucontext_t *)uc)->uc_mcontext.gregs;
	const uint8_t *pc = (const uint8_t *)r[REG_RIP];

	if ((sig != SIGSEGV && sig != SIGBUS) || (uint64_t)r[REG_RAX] != RT_INL_PROBE_MAGIC ||
	    (uintptr_t)si->si_addr - (uintptr_t)pc < 2 || pc[0] != 0xf3 || pc[1] != 0xa4)
		return false;
	r[REG_RAX] = 0;
	r[REG_RIP] += 2;
	return true;
#else
	return false;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct guard *g = cur_guard;

	/* only a hardware fault of this thread's native run is ours */
	if (!g || !g->armed || si->si_code <= 0) {
		chain(sig, si, uc);
		return;
	}
	if (probe_fixup(sig, si, uc))
		return;
	g->armed = 0;
	g->sig = sig;
	g->code = si->si_code;
	g->addr = (uintptr_t)si->si_addr;
#if defined(__x86_64__)
	g->pc = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
#endif
	siglongjmp(g->jb, 1);
}

/* At a thread's exit: its alternate stack goes (the thread runs no more
 * signal handlers on it). */
static void free_alt_stack(void *stack)
{
	stack_t off = { .ss_flags = SS_DISABLE }, cur;

	if (!sigaltstack(NULL, &cur) && cur.ss_sp == stack)
		sigaltstack(&off, NULL);
	free(stack);
}

/* Once per process: our handlers, the host's actions saved in saved_act. */
static void install(void)
{
	struct sigaction sa;
	size_t i;

	install_err = -pthread_key_create(&stack_key, free_alt_stack);
	if (install_err)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	/* SA_NODEFER: the handler leaves with siglongjmp and no saved mask,
	 * so the signal must not stay blocked */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NR_FAULT_SIGS; i++) {
		if (sigaction(fault_sigs[i], &sa, &saved_act[i])) {
			install_err = -errno;
			while (i--)
				sigaction(fault_sigs[i], &saved_act[i], NULL);
			pthread_key_delete(stack_key);
			return;
		}
	}
}

/* Once per thread: an alternate stack for the handler, unless the thread
 * has one (the host's serves) or none can be set (then a native stack
 * overflow is not caught, every other fault is). */
static void use_alt_stack(void)
{
	stack_t ss = { .ss_size = ALT_STACK_SIZE }, old;

	stack_state = -1;
	if (sigaltstack(NULL, &old) || !(old.ss_flags & SS_DISABLE))
		return;
	ss.ss_sp = malloc(ALT_STACK_SIZE);
	if (!ss.ss_sp)
		return;
	if (sigaltstack(&ss, NULL) || pthread_setspecific(stack_key, ss.ss_sp)) {
		sigaltstack(&old, NULL);
		free(ss.ss_sp);
		return;
	}
	stack_state = 1;
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

	pthread_once(&install_once, install);
	if (install_err) {
		rt_log__err(run->log, "cannot install the fault handlers: %s", strerror(-install_err));
		return install_err;
	}
	if (!stack_state)
		use_alt_stack();
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
	return err;
}
