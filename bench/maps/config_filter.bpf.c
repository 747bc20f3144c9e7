// SPDX-License-Identifier: MIT
// Config-heavy: a packet filter whose behaviour the host chooses before
// load through .rodata (libbpf's const volatile globals) and a
// configuration map: a port filter, a feature switch, a scale and an
// action table consulted for each of the 64 4-byte words of the input.
// With the defaults (every switch off) the result is the number of words
// whose first byte is even.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LEN 256

const volatile __u32 target_port = 0;	/* 0: every port */
const volatile __u32 enable_stats = 0;
const volatile __u32 scale = 1;
const volatile __u32 strict = 0;

struct cfg {
	__u32 drop_mask;
	__u32 shift;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cfg);
} filter_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

SEC("xdp")
int config_filter(struct xdp_md *ctx)
{
	const __u8 *p = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 zero = 0, n = 0, i;
	const struct cfg *c;

	if (p + LEN > end)
		return 0;
	c = bpf_map_lookup_elem(&filter_cfg, &zero);
	if (!c)
		return 0;
	for (i = 0; i < LEN; i += 4) {
		__u32 port = (__u32)p[i] | (__u32)p[i + 1] << 8;
		__u32 w = (__u32)p[i + 2] | (__u32)p[i + 3] << 8;

		if (target_port && port != target_port)
			continue;
		if (strict && (w & c->drop_mask))
			continue;
		if (enable_stats) {
			__u32 k = port & 3;
			__u64 *s = bpf_map_lookup_elem(&stats, &k);

			if (s)
				*s += w >> c->shift;
		}
		if (!(p[i] & 1))
			n += scale;
	}
	return (int)n;
}

char LICENSE[] SEC("license") = "GPL";
