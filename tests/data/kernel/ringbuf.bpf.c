// SPDX-License-Identifier: MIT
/* Ring buffer producer: one reserved record per packet byte (at most 3), then one output. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 seq;
	__u32 val;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int xdp_events(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct event *e, out = { .seq = 100, .val = 7 };
	__u32 i;

	for (i = 0; i < 3; i++) {
		if ((void *)(p + i + 1) > end)
			break;
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e)
			return XDP_ABORTED;
		e->seq = i;
		e->val = p[i];
		bpf_ringbuf_submit(e, 0);
	}
	bpf_ringbuf_output(&events, &out, sizeof(out), 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
