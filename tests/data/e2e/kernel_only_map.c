// SPDX-License-Identifier: MIT
/*
 * A map type the runtime does not implement (a sockmap, which only
 * sockets fill): the runtime's loader refuses the object, the
 * kernel engine must still run it (libbpf opens the file itself). XDP_PASS.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 16);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} socks SEC(".maps");

SEC("xdp") int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
