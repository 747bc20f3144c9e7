// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf_events: an XDP program that reports every packet to user space
 * through a BPF ring buffer, in the two ways the ring buffer API offers:
 *
 *  1. bpf_ringbuf_reserve() + bpf_ringbuf_submit(): a struct pkt_event
 *     (kind 1) built in place, holding the packet length, the EtherType and
 *     the first 16 bytes of the packet (zero-padded when shorter);
 *  2. bpf_ringbuf_output(): a struct pkt_summary (kind 2) built on the stack
 *     and copied in, holding the length and the sum of the first 16 bytes.
 *
 * rb_stats[0] counts events written, rb_stats[1] reservations that failed.
 * Every field is written before submission, so records depend only on the
 * packet. Returns XDP_PASS.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define HEAD_LEN 16

enum {
	EV_PACKET = 1,
	EV_SUMMARY = 2,
};

struct pkt_event {
	__u32 kind;
	__u32 len;
	__u16 eth_proto; /* host order */
	__u16 head_len; /* bytes of head[] copied from the packet */
	__u32 pad;
	__u8 head[HEAD_LEN];
};

struct pkt_summary {
	__u32 kind;
	__u32 len;
	__u32 head_sum;
	__u32 seq; /* events written before this one */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} rb_stats SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *cnt = bpf_map_lookup_elem(&rb_stats, &key);

	if (cnt)
		__sync_fetch_and_add(cnt, 1);
}

SEC("xdp")
int xdp_events(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u32 len = data_end - data;
	struct pkt_summary sum = {};
	struct pkt_event *e;
	__u32 key = 0;
	__u64 *written;
	__u8 *p = data;
	int i;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		bump(1);
		return XDP_PASS;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = EV_PACKET;
	e->len = len;
	if (data + ETH_HLEN <= data_end)
		e->eth_proto = bpf_ntohs(((struct ethhdr *)data)->h_proto);
#pragma unroll
	for (i = 0; i < HEAD_LEN; i++) {
		if ((void *)(p + i + 1) > data_end)
			break;
		e->head[i] = p[i];
		e->head_len = i + 1;
		sum.head_sum += p[i];
	}
	bpf_ringbuf_submit(e, 0);
	bump(0);

	written = bpf_map_lookup_elem(&rb_stats, &key);
	sum.kind = EV_SUMMARY;
	sum.len = len;
	sum.seq = written ? *written : 0;
	if (bpf_ringbuf_output(&events, &sum, sizeof(sum), 0))
		bump(1);
	else
		bump(0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
