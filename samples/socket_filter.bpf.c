// SPDX-License-Identifier: GPL-2.0
/*
 * socket_filter: a classic socket filter (SEC("socket")) in eBPF: keeps the
 * IPv4 UDP packets to port 53 (DNS), truncated to SNAPLEN bytes, and drops
 * everything else (a socket filter returns the number of bytes to keep).
 * Socket filters may not read the packet directly, so headers are read with
 * bpf_skb_load_bytes(), at offsets relative to the network header: on a
 * socket, and in BPF_PROG_TEST_RUN, skb->data starts after the Ethernet
 * header. Per-CPU counters (PERCPU_ARRAY, no atomics needed) count kept and
 * dropped packets and kept bytes.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SNAPLEN 64
#define DNS_PORT 53

enum {
	SF_KEPT,
	SF_DROPPED,
	SF_KEPT_BYTES,
	SF_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SF_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sf_stats SEC(".maps");

static __always_inline void add(__u32 key, __u64 n)
{
	__u64 *cnt = bpf_map_lookup_elem(&sf_stats, &key);

	if (cnt)
		*cnt += n;
}

SEC("socket")
int sock_dns(struct __sk_buff *skb)
{
	struct iphdr iph;
	struct udphdr uh;
	__u32 keep;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		goto drop;
	if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)) || iph.protocol != IPPROTO_UDP)
		goto drop;
	if (bpf_skb_load_bytes(skb, iph.ihl * 4, &uh, sizeof(uh)) || uh.dest != bpf_htons(DNS_PORT))
		goto drop;

	keep = skb->len < SNAPLEN ? skb->len : SNAPLEN;
	add(SF_KEPT, 1);
	add(SF_KEPT_BYTES, keep);
	return keep;
drop:
	add(SF_DROPPED, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
