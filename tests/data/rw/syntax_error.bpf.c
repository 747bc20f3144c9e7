#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 n = ctx->data_end - ctx->data
	return undeclared_thing + n;
}
