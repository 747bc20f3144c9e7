// SPDX-License-Identifier: MIT
// Map-heavy, arrays: for each of the 256 input bytes, a lookup in a
// configuration array (the weight of the byte's class) and an update of a
// counter array (the count of the byte's bucket): 512 lookups per run.
// Returns the sum of the weights plus one per counted byte: 256 with the
// weights left zero, on every run.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LEN 256

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} weights SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int array_counts(struct xdp_md *ctx)
{
	const __u8 *p = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u64 sum = 0;
	__u32 i;

	if (p + LEN > end)
		return 0;
	for (i = 0; i < LEN; i++) {
		__u32 cls = p[i] & 15, bucket = p[i] & 63;
		const __u32 *w = bpf_map_lookup_elem(&weights, &cls);
		__u64 *c = bpf_map_lookup_elem(&counts, &bucket);

		if (w)
			sum += *w;
		if (c) {
			*c += 1;
			sum += 1;
		}
	}
	return (int)sum;
}

char LICENSE[] SEC("license") = "GPL";
