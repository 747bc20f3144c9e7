// SPDX-License-Identifier: GPL-2.0
/*
 * loop_sum: bpf_loop() with a callback. The XDP program copies the first
 * SPAN bytes of the packet (fewer if it is shorter) to a context struct on
 * its stack, then lets bpf_loop() call sum_byte() once per byte. The
 * callback adds the byte to a 16-bit ones'-complement sum (bytes at even
 * offsets are the high half of a word, as in the Internet checksum) and to
 * a histogram of the byte's high nibble in the hist map. The folded and
 * inverted checksum goes to loop_result[0], the number of iterations
 * bpf_loop() reported to loop_result[1]. Returns XDP_PASS.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SPAN 64

struct loop_ctx {
	__u32 n;
	__u32 sum;
	__u8 buf[SPAN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32); /* byte >> 4 */
	__type(value, __u32);
} hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} loop_result SEC(".maps");

static long sum_byte(__u32 idx, void *data)
{
	struct loop_ctx *c = data;
	__u32 key, *bucket;
	__u8 b;

	if (idx >= SPAN)
		return 1; /* stop: never reached, bounds idx for the verifier */
	b = c->buf[idx];
	c->sum += (idx & 1) ? b : (__u32)b << 8;
	key = b >> 4;
	bucket = bpf_map_lookup_elem(&hist, &key);
	if (bucket)
		__sync_fetch_and_add(bucket, 1);
	return 0;
}

SEC("xdp")
int xdp_loop_sum(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = (void *)(long)ctx->data;
	struct loop_ctx c = {};
	__u32 key, sum;
	long loops;
	int i;

	for (i = 0; i < SPAN; i++) {
		if ((void *)(p + i + 1) > data_end)
			break;
		c.buf[i] = p[i];
		c.n = i + 1;
	}

	loops = bpf_loop(c.n, sum_byte, &c, 0);

	sum = c.sum;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;

	key = 0;
	bpf_map_update_elem(&loop_result, &key, &sum, BPF_ANY);
	key = 1;
	sum = loops;
	bpf_map_update_elem(&loop_result, &key, &sum, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
