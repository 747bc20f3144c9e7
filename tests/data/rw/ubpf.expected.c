# 1 "tests/data/rw/ubpf.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/ubpf.bpf.c" 2

typedef unsigned long long uint64_t;

static uint64_t twice(uint64_t x)
{ /* bpfaot: not reached by this program */ __builtin_trap(); }

static uint64_t sum(void *mem, uint64_t len)
{ /* bpfaot: not reached by this program */ __builtin_trap(); }

static uint64_t first(void *mem)
{ /* bpfaot: not reached by this program */ __builtin_trap(); }

static uint64_t seven(void)
{
 return 7;
}

/* bpfaot: the native entry of program 'seven' (a global function of .text), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return seven();
}
