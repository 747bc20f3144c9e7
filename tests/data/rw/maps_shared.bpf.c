// two maps in one declaration: one extern declaration of both
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} one SEC(".maps"), two SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return 1;
}
