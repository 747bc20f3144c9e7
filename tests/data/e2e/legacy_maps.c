// SPDX-License-Identifier: MIT
/* A legacy struct bpf_map_def in SEC("maps"). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
struct bpf_map_def SEC("maps") counts = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 4 };
SEC("xdp") int legacy_prog(struct xdp_md *ctx) { __u32 k = 1; __u64 *v = bpf_map_lookup_elem(&counts, &k); if (v) *v += 7; return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
