/* bpfaot-cc: native source of program 'sum' of tests/data/rw/ubpf.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
#line 1 "tests/data/rw/ubpf.bpf.c"
// the ubpf convention: no SEC(), each global function of .text is a
// raw-memory program; the file spells uint64_t itself, so the entry must
// not include <stdint.h>
typedef unsigned long long uint64_t;

static uint64_t twice(uint64_t x)
{
	return x * 2;
}

static uint64_t sum(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	uint64_t r = 0, i;

	for (i = 0; i < len && i < 64; i++)
		r += p[i];
	return twice(r);
}

static uint64_t first(void *mem)
{
	return *(unsigned char *)mem;
}

static uint64_t seven(void)
{
	return 7;
}

/* bpfaot: the native entry of program 'sum' (a global function of .text), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	return sum(ctx, ctx_size);
}
