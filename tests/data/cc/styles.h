// SPDX-License-Identifier: MIT
/* A header with what real code keeps in headers (tests/data/cc/styles.bpf.c):
 * a map, a global, and an inline function that calls a helper. */
#ifndef STYLES_H
#define STYLES_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hdr_counts SEC(".maps");

const volatile __u32 hdr_scale = 3;

/* counts[key] += n, created at 0; returns the new count */
static __always_inline __u64 hdr_bump(__u32 key, __u64 n)
{
	__u64 zero = 0, *v = bpf_map_lookup_elem(&hdr_counts, &key);

	if (!v) {
		bpf_map_update_elem(&hdr_counts, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&hdr_counts, &key);
		if (!v)
			return 0;
	}
	*v += n;
	return *v;
}

#endif
