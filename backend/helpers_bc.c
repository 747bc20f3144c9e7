// SPDX-License-Identifier: MIT
/*
 * The inlinable helpers' LLVM bitcode (runtime/inline/helpers.c, compiled
 * by the build to $(BUILD)/lib/bpfaot-helpers.bc), embedded in bpfaot-cc
 * so that the compiler needs no file beside it: be_helpers_bc up to
 * be_helpers_bc_end. backend/inline_helpers.c links it into programs.
 */
#ifndef BPFAOT_HELPERS_BC
#error "BPFAOT_HELPERS_BC must name the bitcode file (the Makefile sets it)"
#endif

__asm__(".section .rodata.be_helpers_bc,\"a\",@progbits\n"
	".balign 16\n"
	".globl be_helpers_bc\n"
	".hidden be_helpers_bc\n"
	"be_helpers_bc:\n"
	".incbin \"" BPFAOT_HELPERS_BC "\"\n"
	".globl be_helpers_bc_end\n"
	".hidden be_helpers_bc_end\n"
	"be_helpers_bc_end:\n"
	".previous\n");
