// entry rewrite: every function static, SEC() removed, bpf_main appended
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static int twice(int x);

static __noinline int twice(int x)
{
	return x * 2;
}

static int inc(int x) { return x + 1; }

static
int prog_a(struct xdp_md *ctx)
{
	return twice(inc(1));
}

static int prog_b(struct xdp_md *ctx) { return 2; }

static int prog_c(struct __sk_buff *skb) { return 0; }

char LICENSE[] SEC("license") = "GPL";

/* bpfaot: the native entry of program 'prog_a' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return prog_a(ctx);
}
