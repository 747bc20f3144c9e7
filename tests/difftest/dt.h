/* SPDX-License-Identifier: MIT */
/*
 * The differential test: generated programs (gen.h) compiled once per
 * batch by bpfaot-cc (which runs clang -target bpf for the bytecode and
 * clang -O3 for each program's native code), then run in one process on
 * every engine (interp, jit, llvm-jit, llvm-aot, aot) and in the kernel
 * (BPF_PROG_TEST_RUN, where bpf() works), comparing the return value, the
 * packet after the run and both maps of each program with the
 * interpreter's. A batch runs in a forked child, so an engine that kills
 * its process (a SIGFPE in native code) is a difference, not the end of
 * the run.
 *
 * Used by the driver (difftest.c, `make difftest`) and the Check suite
 * (check_difftest.c). The caller registers the LLVM engines first
 * (le_register()).
 */
#ifndef BPFAOT_DT_H
#define BPFAOT_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gen.h"

struct dt_opts {
	const char *cc;		/* bpfaot-cc */
	const char *workdir;	/* generated sources and objects go here */
	struct dt_gen_opts gen;
	bool no_kernel;		/* leave the kernel out even where bpf() works */
	FILE *report;		/* each difference is described here; NULL = nowhere */
};

struct dt_stats {
	uint64_t programs;	/* generated and compared */
	uint64_t differences;	/* programs on which some engine differs */
	uint64_t kernel_refused; /* programs the kernel's verifier refused */
	uint64_t kernel_runs;	/* programs compared with the kernel too */
};

/* Whether the kernel takes part: bpf() works and o->no_kernel is off. why
 * gets the reason when not (may be NULL). */
bool dt_kernel_usable(const struct dt_opts *o, char *why, size_t why_sz);

/*
 * Generates programs first .. first + count - 1 of seed into one file,
 * compiles it with -mcpu=dt_gen_mcpu(seed, first) and compares every
 * program on every engine. The indices of differing programs go to diffs
 * (room for count), their number to *nr_diffs; stats are added to st.
 * Returns 0 (whatever the differences), or -errno when the batch could not
 * be checked at all (compile failure: the generator's fault, reported).
 */
int dt_batch(const struct dt_opts *o, uint64_t seed, uint32_t first, uint32_t count,
	     uint32_t *diffs, size_t *nr_diffs, struct dt_stats *st);

/*
 * Checks a source file: compiles it with -mcpu=mcpu and compares program
 * p_IDX on every engine with the packet given. Returns 0 when the engines
 * agree, 1 when they differ (described in o->report), -errno when it could
 * not be checked.
 */
int dt_check_source(const struct dt_opts *o, const char *src, const char *mcpu, uint32_t idx,
		    const uint8_t *pkt, uint32_t len, struct dt_stats *st);

/*
 * Saves program idx of seed, with its packet and how it differs, to path
 * (a regression test the Check suite difftest replays). With minimise, it
 * first drops statements one at a time while a difference persists.
 * 0 or -errno.
 */
int dt_save(const struct dt_opts *o, uint64_t seed, uint32_t idx, const char *mcpu,
	    bool minimise, const char *path);

/*
 * Replays a saved regression (a file dt_save() wrote): its "// mcpu:",
 * "// program:" and "// packet:" lines give the compile flag, the program
 * index and the packet. A "// known: REASON" line (added by hand) marks a
 * difference that is understood and not fixed yet: REASON goes to known
 * (empty when there is none; known may be NULL). Same returns as
 * dt_check_source().
 */
int dt_replay(const struct dt_opts *o, const char *path, struct dt_stats *st, char *known,
	      size_t known_sz);

#endif /* BPFAOT_DT_H */
