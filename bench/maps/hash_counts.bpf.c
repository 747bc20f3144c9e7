// SPDX-License-Identifier: MIT
// Map-heavy, hashes: 64 lookups of 4-byte words of the input in a hash map
// (an allow list the host fills; empty here: every lookup misses) and a
// per-word counter in a second hash (inserted by the first run, found and
// incremented by the later ones). Returns the words found in the allow
// list plus the words found counted: 0 on a first run, then the number of
// distinct words.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LEN 256

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int hash_counts(struct xdp_md *ctx)
{
	const __u8 *p = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 n = 0, i;

	if (p + LEN > end)
		return 0;
	for (i = 0; i < LEN; i += 4) {
		__u32 key = (__u32)p[i] | (__u32)p[i + 1] << 8 | (__u32)p[i + 2] << 16 |
			    (__u32)p[i + 3] << 24;
		__u64 *c;

		if (bpf_map_lookup_elem(&allow, &key))
			n++;
		c = bpf_map_lookup_elem(&seen, &key);
		if (c) {
			*c += 1;
			n++;
		} else {
			__u64 one = 1;

			bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
		}
	}
	return (int)n;
}

char LICENSE[] SEC("license") = "GPL";
