// SPDX-License-Identifier: MIT
/*
 * Conformance-style programs in the ubpf convention: only global functions
 * in .text, each `uint64_t f(void *mem, uint64_t len)` over raw memory.
 * tests/check_e2e_cc.c runs each on the 16 bytes 01 02 ... 10
 * (mem[i] = i + 1, len = 16); the expected values are worked out in the
 * comments. Built with -DAOT_SEC, every program also gets a section of its
 * own ("ubpf"), which bpfaot-cc compiles to native code today (see the
 * known failure about the plain ubpf convention in the test).
 *
 * uint64_t is `unsigned long`: 64 bits on both BPF and x86-64. clang-14
 * cannot compile signed `/` or `%` for BPF at all ("Unsupport signed
 * division"), so signed arithmetic here is shifts, compares and sign
 * extension.
 */
typedef unsigned long uint64_t;
typedef long int64_t;
typedef unsigned int uint32_t;

#ifdef AOT_SEC
#define AOT_SECTION __attribute__((section("ubpf")))
#else
#define AOT_SECTION
#endif

/* 32-bit wrap, shifts, signed shifts, compares and sign extension, unsigned division */
AOT_SECTION
uint64_t arith(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	uint32_t a = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; /* 0x04030201 */
	uint32_t b = a << 12;                  /* wraps to 0x30201000 */
	int64_t s = -(int64_t)(len * 5 + 3);   /* -83 */
	signed char c = (signed char)(p[15] * 9); /* 144 -> -112 */
	uint64_t r = b >> 4;                   /* 0x03020100 */

	r += (uint64_t)(s >> 2) + 21;          /* -21 + 21: unchanged */
	if (s < c)                             /* -83 < -112 is false */
		r += 1000;
	r += (uint64_t)((int64_t)c + 112);     /* sign-extended: + 0 */
	r -= (uint64_t)(s >> 63);              /* - (-1): 0x03020101 */
	r = r * 3 + (len - 1) / 5;             /* 0x09060303 + 3 = 0x09060306 */
	return r ^ 0xff;                       /* 0x090603f9 = 151389177 */
}

/* constant-bound loops with break and continue, a nested loop */
AOT_SECTION
uint64_t loops(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	uint64_t acc = 0, i, j;

	for (i = 0; i < 16; i++) {
		if (i >= len)
			break;
		if (p[i] & 1)
			continue;
		acc += p[i];                   /* 2 + 4 + ... + 16 = 72 */
	}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 3; j++)
			acc += i * j;          /* (0+1+2+3) * (0+1+2) = 18 */
	return acc;                            /* 90 */
}

/* switch with fall-through and default over mem[0..7] = 1..8 (% 5: 1 2 3 4 0 1 2 3) */
AOT_SECTION
uint64_t classify(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	uint64_t r = 0, i;

	for (i = 0; i < 8 && i < len; i++) {
		switch (p[i] % 5) {
		case 0:
			r += 100;              /* once: 100 */
			break;
		case 1:
			r += 10;               /* twice: 20 */
			break;
		case 2:
			r += 1;                /* twice: 2 + 2000 */
			/* fall through */
		case 3:
			r += 1000;             /* twice more: 2000 */
			break;
		default:
			r += 7;                /* once: 7 */
		}
	}
	return r;                              /* 4129 */
}

struct pair {
	uint64_t lo, hi;
	uint32_t tag;
};

static const uint32_t weights[4] = { 3, 5, 7, 11 }; /* .rodata */
uint64_t scale = 2;                                  /* .data */

static __attribute__((noinline)) uint64_t mix(const struct pair *a)
{
	return a->lo * weights[a->tag & 3] + a->hi;
}

/* a static subprogram, struct copies, global data */
AOT_SECTION
uint64_t calls(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	struct pair x = { p[0], p[len - 1], p[2] }; /* { 1, 16, 3 } */
	struct pair y = x;

	y.tag = p[1];                          /* 2 */
	return mix(&x) * scale + mix(&y);      /* (1*11 + 16) * 2 + (1*7 + 16) = 77 */
}

/* BPF-to-BPF calls of global functions */
AOT_SECTION
uint64_t both(void *mem, uint64_t len)
{
	return loops(mem, len) + classify(mem, len); /* 90 + 4129 = 4219 */
}
