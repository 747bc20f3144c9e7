/* SPDX-License-Identifier: MIT */
/* The bytecode hash that ties a program's native code to its bytecode
 * (manifest field `bchash`): FNV-1a over the program's bytes and, for each
 * relocation inside them, its offset (8 bytes, little-endian) and symbol
 * name with its NUL; then the same over .text (the subprograms). bpfaot-cc
 * (backend/elf.c) writes it, the runtime (runtime/elf.c) checks it: both
 * walk their own ELF reader and hash through these two steps. */
#ifndef BPFAOT_BCHASH_H
#define BPFAOT_BCHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BPFAOT_BCHASH_INIT 0xcbf29ce484222325ull

static inline uint64_t bpfaot_bchash_bytes(uint64_t h, const void *data, size_t n)
{
	const uint8_t *p = data;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* One relocation at offset off (from the start of the hashed range). */
static inline uint64_t bpfaot_bchash_reloc(uint64_t h, uint64_t off, const char *sym)
{
	uint8_t le[8];
	int b;

	for (b = 0; b < 8; b++)
		le[b] = (uint8_t)(off >> (8 * b));
	h = bpfaot_bchash_bytes(h, le, sizeof(le));
	return bpfaot_bchash_bytes(h, sym, strlen(sym) + 1);
}

#endif
