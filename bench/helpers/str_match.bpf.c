// SPDX-License-Identifier: MIT
/*
 * str_match: an HTTP method classifier: the first 8 bytes of the payload
 * (after Ethernet, IPv4 and TCP headers of fixed size) compared with
 * bpf_strncmp against eight method names. Returns the index of the match
 * plus one, 0 for none.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PAYLOAD_OFF (14 + 20 + 20)

SEC("xdp")
int str_match(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = (void *)(long)ctx->data;
	char m[8];

	if ((void *)(p + PAYLOAD_OFF + 8) > end)
		return XDP_DROP;
	__builtin_memcpy(m, p + PAYLOAD_OFF, 8);
	m[7] = 0;
	if (!bpf_strncmp(m, 4, "GET "))
		return 1;
	if (!bpf_strncmp(m, 5, "HEAD "))
		return 2;
	if (!bpf_strncmp(m, 4, "PUT "))
		return 3;
	if (!bpf_strncmp(m, 7, "DELETE "))
		return 4;
	if (!bpf_strncmp(m, 8, "OPTIONS"))
		return 5;
	if (!bpf_strncmp(m, 6, "PATCH "))
		return 6;
	if (!bpf_strncmp(m, 8, "CONNECT"))
		return 7;
	if (!bpf_strncmp(m, 5, "POST "))
		return 8;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
