// globals rewrite: extern declarations of the same type and qualifiers
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const volatile __u32 limit;
extern const __u8 table[5];
#line 10 "tests/data/rw/globals.bpf.c"
extern __u64 hits;
extern __u32 first, second;
extern __u64 custom SEC(".data.custom");
extern int zero;

SEC("xdp")
int use_globals(struct xdp_md *ctx)
{
	hits++;
	return table[first % sizeof(table)] + second + custom + zero < limit;
}

static char LICENSE[] = "GPL";
