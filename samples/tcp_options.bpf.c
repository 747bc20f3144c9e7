// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_options: a cgroup_skb ingress filter (SEC("cgroup_skb/ingress")) that
 * reads the options of TCP SYNs: it walks the option list (EOL, NOP, and
 * length-prefixed options) and records the maximum segment size (kind 2),
 * window scale (3), SACK permitted (4) and timestamps (8). A SYN whose
 * MSS is below MIN_MSS is dropped (return 0); everything else passes (1).
 * A cgroup_skb program sees the packet from the network header on (in
 * BPF_PROG_TEST_RUN too) and reads it with bpf_skb_load_bytes(), one
 * field at a time.
 *
 * tcpopt_stats[]: [0] SYNs seen, [1] with MSS, [2] with window scale,
 * [3] with SACK permitted, [4] with timestamps, [5] dropped, [6] sum of
 * the MSS values; tcpopt_last[0] the last SYN's options.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MIN_MSS 536
#define MAX_OPT_LEN 40

/* option kinds and lengths (RFC 9293, 7323, 2018; not in the uapi headers) */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_MSS 4
#define TCPOLEN_WINDOW 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10

enum {
	ST_SYN,
	ST_MSS,
	ST_WSCALE,
	ST_SACK_OK,
	ST_TIMESTAMP,
	ST_DROPPED,
	ST_MSS_SUM,
	ST_MAX,
};

struct syn_opts {
	__u32 tsval;
	__u32 tsecr;
	__u16 mss;
	__u8 wscale;
	__u8 sack_ok;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tcpopt_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct syn_opts);
} tcpopt_last SEC(".maps");

static __always_inline void add(__u32 key, __u64 n)
{
	__u64 *cnt = bpf_map_lookup_elem(&tcpopt_stats, &key);

	if (cnt)
		__sync_fetch_and_add(cnt, n);
}


SEC("cgroup_skb/ingress")
int tcp_syn_opts(struct __sk_buff *skb)
{
	struct syn_opts so = {};
	struct iphdr iph;
	struct tcphdr th;
	__u32 l4, base, len, i = 0, n, zero = 0;

	if (skb->protocol != bpf_htons(0x0800))
		return 1;
	if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)) || iph.protocol != IPPROTO_TCP ||
	    iph.ihl < 5)
		return 1;
	l4 = iph.ihl * 4;
	if (bpf_skb_load_bytes(skb, l4, &th, sizeof(th)) || !th.syn || th.doff < 5)
		return 1;
	add(ST_SYN, 1);
	len = th.doff * 4 - sizeof(th);
	base = l4 + sizeof(th);
	/* one read per field, at the option's offset: n bounds the walk */
	for (n = 0; n < MAX_OPT_LEN && i < len; n++) {
		__u8 kind, olen;

		if (bpf_skb_load_bytes(skb, base + i, &kind, 1) || kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 2 > len || bpf_skb_load_bytes(skb, base + i + 1, &olen, 1))
			break;
		if (olen < 2 || i + olen > len)
			break;
		if (kind == TCPOPT_MSS && olen == TCPOLEN_MSS) {
			__be16 mss;

			if (bpf_skb_load_bytes(skb, base + i + 2, &mss, sizeof(mss)))
				break;
			so.mss = bpf_ntohs(mss);
			add(ST_MSS, 1);
			add(ST_MSS_SUM, so.mss);
		} else if (kind == TCPOPT_WINDOW && olen == TCPOLEN_WINDOW) {
			if (bpf_skb_load_bytes(skb, base + i + 2, &so.wscale, 1))
				break;
			add(ST_WSCALE, 1);
		} else if (kind == TCPOPT_SACK_PERM && olen == TCPOLEN_SACK_PERM) {
			so.sack_ok = 1;
			add(ST_SACK_OK, 1);
		} else if (kind == TCPOPT_TIMESTAMP && olen == TCPOLEN_TIMESTAMP) {
			__be32 ts[2];

			if (bpf_skb_load_bytes(skb, base + i + 2, ts, sizeof(ts)))
				break;
			so.tsval = bpf_ntohl(ts[0]);
			so.tsecr = bpf_ntohl(ts[1]);
			add(ST_TIMESTAMP, 1);
		}
		i += olen;
	}
	bpf_map_update_elem(&tcpopt_last, &zero, &so, BPF_ANY);
	if (so.mss && so.mss < MIN_MSS) {
		add(ST_DROPPED, 1);
		return 0;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
