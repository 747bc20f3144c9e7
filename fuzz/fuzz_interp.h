/* SPDX-License-Identifier: MIT */
/*
 * The input format of fuzz_interp, shared with its seed writer (mkseeds.c):
 *   byte 0     context: 0 raw memory, 1 XDP, 2 socket buffer (mod 3)
 *   byte 1     n, length of the memory / packet
 *   n bytes    the memory (fewer if the input ends)
 *   the rest   instructions, 8 bytes each (a partial last one is dropped),
 *              kernel form: lddw src=1/2 imm = index into the maps below
 * The maps every program sees, by index (FUZZ_MAPS lists them).
 */
#ifndef BPFAOT_FUZZ_INTERP_H
#define BPFAOT_FUZZ_INTERP_H

#define FUZZ_INTERP_MAX_INSNS 4096
#define FUZZ_INTERP_BUDGET 20000

/* X(name, type, key_size, value_size, max_entries) */
#define FUZZ_MAPS(X)                                                                               \
	X("array", BPF_MAP_TYPE_ARRAY, 4, 64, 4)                                                   \
	X("hash", BPF_MAP_TYPE_HASH, 4, 8, 8)                                                      \
	X("percpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2)                                            \
	X("ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096)                                             \
	X("progs", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2)                                               \
	X("queue", BPF_MAP_TYPE_QUEUE, 0, 8, 4)

#define FUZZ_NR_MAPS 6

#endif
