// SPDX-License-Identifier: MIT
// Configuration, three ways: a configuration map (cfg, only read), a
// .rodata constant set before load (target, scale), and a written map
// (out). XDP: returns len * cfg.mul * scale + cfg.add for a packet of
// `target` bytes (any length when target is 0), else 1; out[0] counts runs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct cfg {
	__u32 mul;
	__u32 add;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cfg);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} out SEC(".maps");

const volatile __u32 target = 0;
const volatile __u32 scale = 1;

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 k = 0, len = ctx->data_end - ctx->data;
	const struct cfg *c = bpf_map_lookup_elem(&cfg, &k);
	__u64 *n = bpf_map_lookup_elem(&out, &k);

	if (n)
		*n += 1;
	if (!c)
		return 0;
	if (target && len != target)
		return 1;
	return len * c->mul * scale + c->add;
}

char LICENSE[] SEC("license") = "GPL";
