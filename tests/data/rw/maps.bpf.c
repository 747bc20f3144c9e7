// map rewrite: BTF maps (with a .values initialiser) and a legacy map
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u32);
} by_id SEC(".maps");

struct bpf_map_def SEC("maps") legacy = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = 8,
	.max_entries = 4,
};

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	__u64 id = 1;
	__u32 k = 0, *v = bpf_map_lookup_elem(&by_id, &id);

	bpf_map_lookup_elem(&legacy, &k);
	return v ? *v : 0;
}

char LICENSE[] SEC("license") = "GPL";
