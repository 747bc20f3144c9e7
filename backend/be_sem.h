/* SPDX-License-Identifier: MIT */
/*
 * BPF's integer semantics in LLVM IR (backend/ir_sem.c), shared by the
 * native compile of bpfaot-cc (a pass over the module clang made of the
 * rewritten source) and the bytecode translator of the LLVM engines: a
 * division or remainder never traps, a shift count never leaves the width.
 */
#ifndef BPFAOT_BE_SEM_H
#define BPFAOT_BE_SEM_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

/* x OP d for OP one of LLVMUDiv, LLVMSDiv, LLVMURem, LLVMSRem, built at
 * b's position with BPF's results where C's are undefined: x / 0 = 0,
 * x % 0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0. Integer or integer
 * vector (up to 64 lanes) operands of one type. */
LLVMValueRef be_ir_div_rem(LLVMBuilderRef b, LLVMOpcode op, LLVMValueRef x, LLVMValueRef d);

struct be_sem_opts {
	/* the BPF compile has 32-bit sub-registers (-mcpu=v3 and later,
	 * probe): a 32-bit shift masks its count to 31; without them the BPF
	 * backend shifts the extended value in a 64-bit register (count & 63)
	 * and keeps the low half, and so does the pass */
	bool alu32;
};

/* Rewrites every udiv/sdiv/urem/srem of module m whose divisor may be 0
 * (or -1, signed) through be_ir_div_rem(), and every shl/lshr/ashr whose
 * count may reach the width to the BPF shift (see be_sem_opts). *nr_ops
 * (may be NULL) gets the number of instructions rewritten. 0 or -ENOMEM. */
int be_ir_bpf_semantics(LLVMModuleRef m, const struct be_sem_opts *opts, size_t *nr_ops);

/* Drops the noinline attribute of every function m defines (not of the
 * optnone ones): BPF's __noinline is for the verifier. Returns how many. */
unsigned be_ir_allow_inlining(LLVMModuleRef m);

#endif /* BPFAOT_BE_SEM_H */
