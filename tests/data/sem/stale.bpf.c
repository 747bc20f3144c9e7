// SPDX-License-Identifier: MIT
/* Built twice, -DK=1 and -DK=2, so that one build's native code can be
 * spliced into the other's object: the runtime must see it is stale. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int stale(struct xdp_md *ctx)
{
	return K;
}

char LICENSE[] SEC("license") = "GPL";
