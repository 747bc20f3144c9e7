// globals rewrite: extern declarations of the same type and qualifiers
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 limit = 10;
const __u8 table[] = {
	1, 2, 3,
	4, 5,
};
static __u64 hits;
__u32 first = 1, second = 2;
__u64 custom SEC(".data.custom") = 7;
int zero;

SEC("xdp")
int use_globals(struct xdp_md *ctx)
{
	hits++;
	return table[first % sizeof(table)] + second + custom + zero < limit;
}

char LICENSE[] SEC("license") = "GPL";
