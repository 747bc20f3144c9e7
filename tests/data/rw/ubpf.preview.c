/* bpfaot-cc: native source of program 'sum' of tests/data/rw/ubpf.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
/* bpfaot: CO-RE relocations have no native meaning: the access itself */
#define __builtin_preserve_access_index(x) (x)
# 1 "tests/data/rw/ubpf.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/ubpf.bpf.c" 2

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
{ /* bpfaot: not reached by this program */ __builtin_trap(); }

static uint64_t seven(void)
{ /* bpfaot: not reached by this program */ __builtin_trap(); }

/* bpfaot: the native entry of program 'sum' (a global function of .text), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	return sum(ctx, ctx_size);
}
