/* SPDX-License-Identifier: MIT */
/*
 * The differential test's program generator: random, verifier-friendly
 * eBPF C programs (XDP), deterministic for a seed. Program IDX of seed S is
 * the same text whichever file it lands in, so a difference found in a
 * batch can be regenerated alone, minimised and saved.
 *
 * Every statement the generator writes has a number (0, 1, ... in the
 * order they are generated); a skip set names statements to leave out.
 * Leaving one out never changes the others (the random stream is consumed
 * the same), and never breaks the program: variables are all declared and
 * initialised up front, statements only assign them.
 */
#ifndef BPFAOT_DT_GEN_H
#define BPFAOT_DT_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct dt_gen_opts {
	/* divisions and modulos whose divisor may be zero (x/0 = 0, x%0 = x
	 * in BPF, undefined in C); otherwise every divisor is guarded */
	bool div_zero;
	/* shifts whose count may reach or pass the width (BPF masks the
	 * count, C leaves it undefined); otherwise counts are masked */
	bool wide_shift;
	/* hash-map updates and deletes (also from subprograms and callbacks)
	 * while a pointer to an element of the map is held: the kernel swaps
	 * in a fresh element on update, so writes through the old pointer are
	 * lost there (the runtime updates in place); otherwise not written */
	bool stale_ptrs;
};

/* The largest packet dt_gen_packet() makes. */
#define DT_GEN_MAX_PKT 128
/* Keys the generated maps use (array: 8 entries, so half the keys miss;
 * hash: 16 entries, never full). */
#define DT_GEN_KEYS 16

/* Writes the prologue every generated file starts with (includes, types). */
void dt_gen_prologue(FILE *out);

/*
 * Writes program idx of seed: its maps "arr_IDX" (array, u32 -> u64, 8
 * entries) and "hash_IDX" (hash, u32 -> struct dt_val, 16 entries), its
 * subprograms and callbacks, and SEC("xdp") int p_IDX(). skip (may be NULL)
 * holds nr_skip statement numbers to leave out. Returns the number of
 * statements the program has (with skipped ones), or -errno.
 */
int dt_gen_program(FILE *out, const struct dt_gen_opts *opts, uint64_t seed, uint32_t idx,
		   const uint32_t *skip, size_t nr_skip);

/* The input packet of program idx: 14 to DT_GEN_MAX_PKT bytes into pkt
 * (DT_GEN_MAX_PKT bytes of room); returns its length. */
uint32_t dt_gen_packet(uint64_t seed, uint32_t idx, uint8_t *pkt);

/* The -mcpu= a batch is compiled with (v1, v2 or v3, from the seed and the
 * batch's first program), so every code shape clang has is exercised. */
const char *dt_gen_mcpu(uint64_t seed, uint32_t first);

#endif /* BPFAOT_DT_GEN_H */
