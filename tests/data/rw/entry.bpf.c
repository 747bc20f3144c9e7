// entry rewrite: every function static, SEC() removed, bpf_main appended
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int twice(int x);

__noinline int twice(int x)
{
	return x * 2;
}

static int inc(int x) { return x + 1; }

SEC("xdp")
int prog_a(struct xdp_md *ctx)
{
	return twice(inc(1));
}

SEC("xdp") int prog_b(struct xdp_md *ctx) { return 2; }

int __attribute__((section("tc"), used)) prog_c(struct __sk_buff *skb) { return 0; }

char LICENSE[] SEC("license") = "GPL";
