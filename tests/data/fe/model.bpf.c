// the model beyond the samples: .text functions, kprobe and raw-memory
// programs, a BPF-only builtin, a legacy map, explicit data sections
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
};

struct bpf_map_def SEC("maps") legacy = { BPF_MAP_TYPE_HASH, sizeof(__u32), 8, 32, 1 };

__u64 custom SEC(".data.custom") = 3;
int zeroed = 0;

struct s { int a, b; };

SEC(".text") int helper_text(int x)
{
	return x + (int)custom + zeroed;
}

static int leaf(int x)
{
	return helper_text(x) * 2;
}

SEC("kprobe/do_nothing")
int kp(void *ctx)
{
	return leaf(1) + (bpf_map_lookup_elem(&legacy, &zeroed) != 0);
}

SEC("mem")
int core(struct s *p, __u64 size)
{
	return __builtin_btf_type_id(*p, 0) + size;
}

char LICENSE[] SEC("license") = "GPL";
