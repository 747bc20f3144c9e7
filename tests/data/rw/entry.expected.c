# 1 "tests/data/rw/entry.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/entry.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 3 "tests/data/rw/entry.bpf.c" 2
/* bpfaot: 474 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
{ /* bpfaot: inline BPF assembly */ __builtin_trap(); }
/* bpfaot: 13 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 4 "tests/data/rw/entry.bpf.c" 2

static int twice(int x);

static __attribute__((noinline)) int twice(int x)
{
 return x * 2;
}

static int inc(int x) { return x + 1; }

#pragma GCC diagnostic push
# 14 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 14 "tests/data/rw/entry.bpf.c"
 static
# 14 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic pop
int prog_a(struct xdp_md *ctx)
{
 return twice(inc(1));
}

#pragma GCC diagnostic push
# 20 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 20 "tests/data/rw/entry.bpf.c"
 static
# 20 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic pop
# 20 "tests/data/rw/entry.bpf.c"
           int prog_b(struct xdp_md *ctx) { /* bpfaot: not reached by this program */ __builtin_trap(); }

static int prog_c(struct __sk_buff *skb) { /* bpfaot: not reached by this program */ __builtin_trap(); }

char LICENSE[]
# 24 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic push
# 24 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 24 "tests/data/rw/entry.bpf.c"
               __attribute__((section("license"), used))
# 24 "tests/data/rw/entry.bpf.c"
#pragma GCC diagnostic pop
# 24 "tests/data/rw/entry.bpf.c"
                              = "GPL";

/* bpfaot: the native entry of program 'prog_a' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return prog_a(ctx);
}
