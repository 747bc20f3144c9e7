// SPDX-License-Identifier: MIT
/*
 * bpfaot-run --pcap-in (capture replay), end to end. The suite writes its
 * own captures (pcap in micro- and nanoseconds, pcapng) of Ethernet, VLAN,
 * IPv4, IPv6, TCP, UDP and ICMP packets, some cut short by the snap length
 * or truncated on the wire, and knows from what it wrote what each program
 * must answer: the verdict counts, the maps and the packets --pcap-out
 * must hold, which it writes itself as the expected file. Every engine
 * (aot, interp, jit, and kernel where bpf() works) must produce exactly
 * those; --compare must find a difference planted in the native code (a
 * fat object whose .aot section was built from the source with -D) at the
 * right packet. With --maps-shm, two replays at once on one shared set of
 * maps end with exactly the sum of their counts, which bpfaot-map reads
 * and changes, and a replay killed with SIGKILL leaves maps the next one
 * opens and updates.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_kernel.h"
#include "testutil.h"

#define BPF_CFLAGS "-target bpf -O2 -g -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu"
#define SRC "tests/data/e2e/pcap_replay.bpf.c"
#define OUT_SZ (1 << 16)

/* Set once in the suite function, before the tests fork; read-only after. */
static char run_bin[PATH_MAX], cc_bin[PATH_MAX], work[64];
static bool have_kernel;


static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *x = slurp(a, &la), *y = slurp(b, &lb);
	bool same = la == lb && !memcmp(x, y, la);

	free(x);
	free(y);
	return same;
}

/* ------------------------------------------------------------ captures */

enum fmt { PCAP_US, PCAP_NS, PCAPNG };

struct cap {
	FILE *f;
	enum fmt fmt;
};

static void put(struct cap *c, const void *p, size_t n)
{
	ck_assert_int_eq(fwrite(p, 1, n, c->f), n);
}

static void put32(struct cap *c, uint32_t v)
{
	put(c, &v, 4);
}

static void put16(struct cap *c, uint16_t v)
{
	put(c, &v, 2);
}

/* A new capture; pcap headers as libpcap's dumper writes them. */
static void cap_open(struct cap *c, const char *path, enum fmt fmt, uint32_t linktype)
{
	c->f = fopen(path, "wb");
	c->fmt = fmt;
	ck_assert_ptr_nonnull(c->f);
	if (fmt == PCAPNG) {
		/* section header block, then one interface (tsresol 10^-9) */
		put32(c, 0x0a0d0d0a);
		put32(c, 28);
		put32(c, 0x1a2b3c4d);
		put16(c, 1);
		put16(c, 0);
		put32(c, 0xffffffff);
		put32(c, 0xffffffff);
		put32(c, 28);
		put32(c, 1);
		put32(c, 32);
		put16(c, (uint16_t)linktype);
		put16(c, 0);
		put32(c, 262144);
		put16(c, 9); /* if_tsresol */
		put16(c, 1);
		put32(c, 9);
		put32(c, 0); /* opt_endofopt */
		put32(c, 32);
		return;
	}
	put32(c, fmt == PCAP_NS ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(c, 2);
	put16(c, 4);
	put32(c, 0);
	put32(c, 0);
	put32(c, 262144);
	put32(c, linktype);
}

static void cap_add(struct cap *c, uint32_t sec, uint32_t nsec, const uint8_t *data,
		    uint32_t caplen, uint32_t len)
{
	static const uint8_t pad[4];

	if (c->fmt == PCAPNG) {
		uint64_t ts = (uint64_t)sec * 1000000000ull + nsec;
		uint32_t padded = (caplen + 3) & ~3u, total = 32 + padded;

		put32(c, 6); /* enhanced packet block */
		put32(c, total);
		put32(c, 0);
		put32(c, (uint32_t)(ts >> 32));
		put32(c, (uint32_t)ts);
		put32(c, caplen);
		put32(c, len);
		put(c, data, caplen);
		put(c, pad, padded - caplen);
		put32(c, total);
		return;
	}
	put32(c, sec);
	put32(c, c->fmt == PCAP_NS ? nsec : nsec / 1000);
	put32(c, caplen);
	put32(c, len);
	put(c, data, caplen);
}

static void cap_close(struct cap *c)
{
	ck_assert_int_eq(fclose(c->f), 0);
}

/* ------------------------------------------------------------- packets */

/* What the suite puts in a packet; everything the programs answer
 * follows from these fields. */
struct pkt {
	bool vlan;
	int ipv;		/* 4, 6, or 0 for ARP */
	int l4;			/* IPPROTO_TCP, _UDP, _ICMP (58 with IPv6), 47 (GRE) */
	uint16_t dport;
	uint8_t src;		/* last byte of the IPv4 source 10.0.0.x */
	uint32_t payload;
	uint32_t snap;		/* capture snap length (0: whole packet) */
	uint32_t cut;		/* the frame itself is this long (0: complete) */
};

static const struct pkt pkts[] = {
	{ .ipv = 4, .l4 = 6, .dport = 80, .src = 1, .payload = 20 },
	{ .ipv = 4, .l4 = 17, .dport = 53, .src = 2, .payload = 30 },
	{ .ipv = 4, .l4 = 17, .dport = 1234, .src = 1, .payload = 0 },
	{ .ipv = 4, .l4 = 1, .src = 3, .payload = 56 },
	{ .ipv = 6, .l4 = 6, .dport = 443, .payload = 100 },
	{ .ipv = 6, .l4 = 17, .dport = 53, .payload = 12 },
	{ .ipv = 6, .l4 = 58, .payload = 8 },
	{ .vlan = true, .ipv = 4, .l4 = 17, .dport = 5000, .src = 4, .payload = 10 },
	{ .vlan = true, .ipv = 6, .l4 = 6, .dport = 22, .payload = 40 },
	{ .vlan = true, .ipv = 4, .l4 = 1, .src = 4, .payload = 20 },
	{ .ipv = 0, .payload = 28 },
	{ .ipv = 4, .l4 = 47, .src = 5, .payload = 24 },
	/* a snap length shorter than the packet: headers complete */
	{ .ipv = 4, .l4 = 6, .dport = 80, .src = 1, .payload = 1000, .snap = 96 },
	/* ... and cutting into the TCP header */
	{ .ipv = 4, .l4 = 6, .dport = 80, .src = 2, .payload = 200, .snap = 40 },
	/* truncated on the wire, inside the IPv6 header */
	{ .ipv = 6, .l4 = 17, .dport = 53, .payload = 10, .cut = 30 },
	/* inside the UDP header after a VLAN tag */
	{ .vlan = true, .ipv = 4, .l4 = 17, .dport = 53, .src = 6, .payload = 10, .cut = 40 },
	{ .ipv = 4, .l4 = 17, .dport = 7777, .src = 7, .payload = 64 },
	{ .ipv = 4, .l4 = 17, .dport = 53, .src = 2, .payload = 1400 },
	{ .ipv = 4, .l4 = 1, .src = 8, .payload = 0 },
	{ .ipv = 4, .l4 = 17, .dport = 7777, .src = 7, .payload = 3 },
};
#define NR_PKTS (sizeof(pkts) / sizeof(pkts[0]))

static const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 0xd0 };
static const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 0x50 };

static uint32_t l4_hlen(int l4)
{
	return l4 == 6 ? 20 : l4 == 17 || l4 == 1 || l4 == 58 ? 8 : 0;
}

/* Writes the whole frame of p into buf; returns its length. */
static uint32_t build(const struct pkt *p, uint8_t *buf)
{
	uint32_t n = 12, l4len = l4_hlen(p->l4) + p->payload, i;
	uint16_t ethertype = p->ipv == 4 ? 0x0800 : p->ipv == 6 ? 0x86dd : 0x0806;

	memcpy(buf, mac_dst, 6);
	memcpy(buf + 6, mac_src, 6);
	if (p->vlan) {
		buf[n++] = 0x81;
		buf[n++] = 0x00;
		buf[n++] = 0x00;
		buf[n++] = 0x2a;
	}
	buf[n++] = (uint8_t)(ethertype >> 8);
	buf[n++] = (uint8_t)ethertype;
	if (p->ipv == 4) {
		uint32_t tot = 20 + l4len;
		uint8_t ip[20] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 1, 0, 0, 64,
				   (uint8_t)p->l4, 0, 0, 10, 0, 0, p->src, 10, 0, 0, 99 };

		memcpy(buf + n, ip, 20);
		n += 20;
	} else if (p->ipv == 6) {
		memset(buf + n, 0, 40);
		buf[n] = 0x60;
		buf[n + 4] = (uint8_t)(l4len >> 8);
		buf[n + 5] = (uint8_t)l4len;
		buf[n + 6] = (uint8_t)p->l4;
		buf[n + 7] = 64;
		buf[n + 23] = 1;
		buf[n + 39] = 2;
		n += 40;
	}
	if (p->ipv && (p->l4 == 6 || p->l4 == 17)) {
		memset(buf + n, 0, l4_hlen(p->l4));
		buf[n] = 0x30;
		buf[n + 1] = 0x39;
		buf[n + 2] = (uint8_t)(p->dport >> 8);
		buf[n + 3] = (uint8_t)p->dport;
		if (p->l4 == 6)
			buf[n + 12] = 0x50; /* doff 5 */
		else
			buf[n + 5] = (uint8_t)(8 + p->payload);
		n += l4_hlen(p->l4);
	} else if (p->ipv && p->l4 != 47) {
		memset(buf + n, 0, 8);
		buf[n] = p->ipv == 4 ? 8 : 128; /* echo request */
		n += 8;
	}
	for (i = 0; i < p->payload; i++)
		buf[n++] = (uint8_t)(i * 7 + 1);
	return n;
}

/* The frame as the capture holds it: caplen bytes of a len-byte packet. */
static uint32_t framed(const struct pkt *p, uint8_t *buf, uint32_t *len)
{
	uint32_t n = build(p, buf);

	if (p->cut)
		n = p->cut;
	*len = n;
	return p->snap && p->snap < n ? p->snap : n;
}

/* The headers the XDP program (and pkt_parser) need before the payload. */
static uint32_t hdrs(const struct pkt *p)
{
	return 14 + (p->vlan ? 4 : 0) + (p->ipv == 4 ? 20 : p->ipv == 6 ? 40 : 0) +
	       (p->ipv ? l4_hlen(p->l4) : 0);
}

enum { XDP_ABORTED_, XDP_DROP_, XDP_PASS_, XDP_TX_ };
enum { C_TCP, C_UDP, C_ICMP, C_OTHER, C_TRUNC, C_MAX };

/* pcap_replay.bpf.c's answer to p: verdict, class; out gets the packet it
 * leaves (its length in *out_len). */
static int xdp_answer(const struct pkt *p, const uint8_t *frame, uint32_t caplen, int *cls,
		      uint8_t *out, uint32_t *out_len)
{
	memcpy(out, frame, caplen);
	*out_len = caplen;
	if (p->ipv == 0) {
		*cls = C_OTHER;
		return XDP_PASS_;
	}
	if (caplen < hdrs(p)) {
		*cls = C_TRUNC;
		return XDP_ABORTED_;
	}
	if (p->l4 == 1 || p->l4 == 58) {
		*cls = C_ICMP;
		return XDP_DROP_;
	}
	*cls = p->l4 == 6 ? C_TCP : p->l4 == 17 ? C_UDP : C_OTHER;
	if (p->l4 == 17 && p->dport == 53) {
		memcpy(out, frame + 6, 6);
		memcpy(out + 6, frame, 6);
		return XDP_TX_;
	}
	if (p->vlan) {
		memcpy(out, frame, 12);
		memcpy(out + 12, frame + 16, caplen - 16);
		*out_len = caplen - 4;
	}
	return XDP_PASS_;
}

/* Whether the IPv4 header made it into the capture (by_src counts it). */
static bool has_ipv4(const struct pkt *p, uint32_t caplen)
{
	return p->ipv == 4 && caplen >= 14u + (p->vlan ? 4 : 0) + 20;
}

static uint32_t ts_sec(size_t i)
{
	return 1700000000u + (uint32_t)i;
}

static uint32_t ts_nsec(size_t i, enum fmt fmt)
{
	uint32_t ns = (uint32_t)(i * 123457u % 1000000u) * 1000u;

	return fmt == PCAP_US ? ns : ns + (uint32_t)(i * 7 + 3);
}

/* Whether the kernel's skb test run takes p: it refuses a frame too short
 * for the IPv6 header its EtherType announces (-EINVAL). */
static bool skb_test_run_takes(const struct pkt *p)
{
	return !(p->ipv == 6 && !p->vlan && p->cut && p->cut < 14 + 40);
}

/* Writes the suite's capture in fmt, plus runts (shorter than Ethernet)
 * when runts, to path; with skb, only what skb test runs take. */
static void write_capture_of(const char *path, enum fmt fmt, bool runts, bool skb)
{
	uint8_t buf[2048];
	struct cap c;
	size_t i;

	cap_open(&c, path, fmt, 1);
	for (i = 0; i < NR_PKTS; i++) {
		uint32_t len, caplen = framed(&pkts[i], buf, &len);

		if (skb && !skb_test_run_takes(&pkts[i]))
			continue;
		cap_add(&c, ts_sec(i), ts_nsec(i, fmt), buf, caplen, len);
		if (runts && i == 3)
			cap_add(&c, ts_sec(i), 0, buf, 10, 10);
	}
	cap_close(&c);
}

static void write_capture(const char *path, enum fmt fmt, bool runts)
{
	write_capture_of(path, fmt, runts, false);
}

/* The suite's packets reps times over (no runts). */
static void write_capture_reps(const char *path, unsigned reps)
{
	uint8_t buf[2048];
	struct cap c;
	unsigned r;
	size_t i;

	cap_open(&c, path, PCAP_US, 1);
	for (r = 0; r < reps; r++)
		for (i = 0; i < NR_PKTS; i++) {
			uint32_t len, caplen = framed(&pkts[i], buf, &len);

			cap_add(&c, ts_sec(i), 0, buf, caplen, len);
		}
	cap_close(&c);
}

/* --------------------------------------------------------------- helpers */

static void path_of(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", work, name);
}

static const char *engines[] = { "aot", "interp", "jit", "kernel" };

static bool engine_runs(const char *e)
{
	if (strcmp(e, "kernel"))
		return true;
	if (!have_kernel)
		fprintf(stderr, "check_e2e_pcap: bpf() unavailable here: kernel engine skipped\n");
	return have_kernel;
}

static void le64(char *hex, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
}

/* The text after the "duration" line: the maps. */
static const char *maps_part(const char *out)
{
	const char *d = strstr(out, "duration (average): ");

	ck_assert_msg(d != NULL, "no duration line: %s", out);
	return strchr(d, '\n') + 1;
}

/* ----------------------------------------------------------------- tests */

/* Every engine: the verdict counts, the maps and --pcap-out the suite
 * computed; the same output file and maps from each. */
static void replay_xdp(enum fmt fmt)
{
	char cap[PATH_MAX], want_out[PATH_MAX], obj[PATH_MAX], got[PATH_MAX], head[512];
	char *out = malloc(OUT_SZ), *first_maps = NULL;
	uint64_t verdicts[4] = { 0 }, cls_pkts[C_MAX] = { 0 }, cls_bytes[C_MAX] = { 0 };
	uint64_t by_src[256] = { 0 };
	uint8_t frame[2048], res[2048];
	struct cap w;
	size_t i, e, n = 0;

	path_of(cap, sizeof(cap), fmt == PCAPNG ? "in.pcapng" : fmt == PCAP_NS ? "in-ns.pcap" : "in.pcap");
	path_of(want_out, sizeof(want_out), fmt == PCAP_US ? "want-us.pcap" : "want-ns.pcap");
	path_of(obj, sizeof(obj), "replay.o");
	write_capture(cap, fmt, true);
	/* what the program must answer, from what was written */
	cap_open(&w, want_out, fmt == PCAP_US ? PCAP_US : PCAP_NS, 1);
	for (i = 0; i < NR_PKTS; i++) {
		uint32_t len, caplen = framed(&pkts[i], frame, &len), out_len;
		int cls, v = xdp_answer(&pkts[i], frame, caplen, &cls, res, &out_len);

		verdicts[v]++;
		cls_pkts[cls]++;
		cls_bytes[cls] += caplen;
		if (has_ipv4(&pkts[i], caplen))
			by_src[pkts[i].src]++;
		if (v == XDP_PASS_ || v == XDP_TX_)
			cap_add(&w, ts_sec(i), ts_nsec(i, fmt), res, out_len,
				len - caplen + out_len);
	}
	cap_close(&w);
	n = snprintf(head, sizeof(head), "packets: %zu\n", NR_PKTS);
	for (i = 0; i < 4; i++)
		if (verdicts[i])
			n += snprintf(head + n, sizeof(head) - n, "retval %zu: %llu\n", i,
				      (unsigned long long)verdicts[i]);
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		const char *maps;
		char line[128];

		if (!engine_runs(engines[e]))
			continue;
		snprintf(got, sizeof(got), "%s/got-%s-%d.pcap", work, engines[e], (int)fmt);
		ck_assert_msg(tu_sh(out, OUT_SZ, "%s --engine=%s --pcap-in=%s --pcap-out=%s --dump-maps %s",
				 run_bin, engines[e], cap, got, obj) == 0, "%s: %s", engines[e], out);
		ck_assert_msg(strstr(out, "bpfaot-run: warning: 1 packets shorter than an Ethernet header (14 bytes) were not run\n"),
			      "%s: %s", engines[e], out);
		ck_assert_msg(strstr(out, head), "%s: wanted\n%s\ngot\n%s", engines[e], head, out);
		ck_assert_msg(same_file(got, want_out), "%s: --pcap-out differs from %s", engines[e],
			      want_out);
		maps = maps_part(out);
		for (i = 0; i < C_MAX; i++) {
			char p[17], b[17];

			le64(p, cls_pkts[i]);
			le64(b, cls_bytes[i]);
			snprintf(line, sizeof(line), "  %02zx000000: %s%s\n", i, p, b);
			ck_assert_msg(strstr(maps, line), "%s: no '%s' in %s", engines[e], line, maps);
		}
		for (i = 0; i < 256; i++) {
			char c[17];

			if (!by_src[i])
				continue;
			le64(c, by_src[i]);
			snprintf(line, sizeof(line), "  0a0000%02zx: %s\n", i, c);
			ck_assert_msg(strstr(maps, line), "%s: no '%s' in %s", engines[e], line, maps);
		}
		if (!first_maps)
			first_maps = strdup(maps);
		else
			ck_assert_msg(!strcmp(first_maps, maps), "%s: maps differ:\n%s\nvs\n%s",
				      engines[e], maps, first_maps);
	}
	free(first_maps);
	free(out);
}

START_TEST(test_xdp_pcap_us)
{
	replay_xdp(PCAP_US);
}
END_TEST

START_TEST(test_xdp_pcap_ns)
{
	replay_xdp(PCAP_NS);
}
END_TEST

START_TEST(test_xdp_pcapng)
{
	replay_xdp(PCAPNG);
}
END_TEST

/* pkt_parser's return value for p (samples/pkt_parser.bpf.c). */
static uint32_t tc_answer(const struct pkt *p, uint32_t caplen)
{
	if (p->ipv == 0)
		return (p->vlan ? 1u : 0u) << 12;
	if (caplen < hdrs(p) - (p->l4 == 1 || p->l4 == 58 ? 8 : 0))
		return 0xffff;
	return (p->vlan ? 1u : 0u) << 12 | (uint32_t)p->ipv << 8 | (uint32_t)p->l4;
}

/* samples/socket_filter.bpf.c: IPv4 UDP to port 53 keeps up to 64 bytes
 * past the Ethernet header; everything else is dropped. */
static uint32_t sock_answer(const struct pkt *p, uint32_t caplen)
{
	if (p->vlan || p->ipv != 4 || p->l4 != 17 || caplen < hdrs(p) || p->dport != 53)
		return 0;
	return caplen - 14 < 64 ? caplen - 14 : 64;
}

struct verdict_count {
	uint32_t v;
	unsigned n;
};

/* "retval V: N" lines in ascending order of V for answers ans[]. */
static void verdict_lines(const uint32_t *ans, size_t n, char *buf, size_t sz)
{
	struct verdict_count vc[NR_PKTS];
	size_t nv = 0, i, j, len;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nv && vc[j].v != ans[i]; j++)
			;
		if (j == nv)
			vc[nv++] = (struct verdict_count){ ans[i], 0 };
		vc[j].n++;
	}
	for (i = 1; i < nv; i++)
		for (j = i; j > 0 && vc[j - 1].v > vc[j].v; j--) {
			struct verdict_count t = vc[j];

			vc[j] = vc[j - 1];
			vc[j - 1] = t;
		}
	len = snprintf(buf, sz, "packets: %zu\n", n);
	for (i = 0; i < nv; i++)
		len += snprintf(buf + len, sz - len, "retval %u: %u\n", vc[i].v, vc[i].n);
}

/* The tc and socket filter samples over the same capture, on every engine:
 * the verdicts computed here, one --pcap-out for all, the same maps. */
START_TEST(test_tc_and_socket)
{
	static const char *const progs[] = { "pkt_parser", "socket_filter" };
	char cap[PATH_MAX], got[PATH_MAX], first_out[PATH_MAX], head[1024];
	char *out = malloc(OUT_SZ), *first_maps;
	uint32_t ans[NR_PKTS];
	uint8_t frame[2048];
	size_t i, e, p, n;

	path_of(cap, sizeof(cap), "tc.pcap");
	write_capture_of(cap, PCAP_US, false, true);
	for (p = 0; p < 2; p++) {
		for (i = n = 0; i < NR_PKTS; i++) {
			uint32_t len, caplen = framed(&pkts[i], frame, &len);

			if (skb_test_run_takes(&pkts[i]))
				ans[n++] = p == 0 ? tc_answer(&pkts[i], caplen)
						  : sock_answer(&pkts[i], caplen);
		}
		verdict_lines(ans, n, head, sizeof(head));
		first_maps = NULL;
		for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
			if (!engine_runs(engines[e]))
				continue;
			snprintf(got, sizeof(got), "%s/%s-%s.pcap", work, progs[p], engines[e]);
			ck_assert_msg(tu_sh(out, OUT_SZ,
					 "%s --engine=%s --pcap-in=%s --pcap-out=%s --dump-maps $BUILD/samples-aot/%s.bpf.o",
					 run_bin, engines[e], cap, got, progs[p]) == 0,
				      "%s %s: %s", progs[p], engines[e], out);
			ck_assert_msg(strstr(out, head) == out, "%s %s: wanted\n%s\ngot\n%s", progs[p],
				      engines[e], head, out);
			if (!first_maps) {
				first_maps = strdup(maps_part(out));
				snprintf(first_out, sizeof(first_out), "%s", got);
			} else {
				ck_assert_msg(!strcmp(first_maps, maps_part(out)), "%s %s: maps differ",
					      progs[p], engines[e]);
				ck_assert_msg(same_file(first_out, got), "%s %s: --pcap-out differs",
					      progs[p], engines[e]);
			}
		}
		free(first_maps);
	}
	/* the socket filter's output: the Ethernet header and the bytes kept */
	{
		size_t len, want = 24;
		unsigned char *f = slurp(got, &len);

		for (i = 0; i < NR_PKTS; i++) {
			uint32_t l, caplen = framed(&pkts[i], frame, &l);

			if (sock_answer(&pkts[i], caplen))
				want += 16 + 14 + sock_answer(&pkts[i], caplen);
		}
		ck_assert_uint_eq(len, want);
		free(f);
	}
	free(out);
}
END_TEST

/* A fat object whose native code comes from the source built with
 * define: a planted difference only --compare can see. */
static void plant(const char *define, char *obj, size_t sz)
{
	char native[PATH_MAX], out[4096];

	snprintf(obj, sz, "%s/planted%s.o", work, define);
	snprintf(native, sizeof(native), "%s/native%s.o", work, define);
	ck_assert_msg(tu_sh(out, sizeof(out), "%s " BPF_CFLAGS " %s --aot-emit=native --aot-prog=xdp_replay -c " SRC " -o %s",
			 cc_bin, define, native) == 0, "%s", out);
	ck_assert_msg(tu_sh(out, sizeof(out), "llvm-objcopy-14 --update-section .aot.xdp_replay=%s %s/replay.o %s",
			 native, work, obj) == 0, "%s", out);
}

/* The first packet (1-based) matching want, counting runts as the
 * capture numbers them. */
static size_t first_pkt(bool (*want)(const struct pkt *p))
{
	size_t i;

	for (i = 0; i < NR_PKTS; i++)
		if (want(&pkts[i]))
			return i + 1 + (i > 3); /* the runt after packet 4 */
	return 0;
}

static bool is_udp7777(const struct pkt *p)
{
	return p->ipv == 4 && p->l4 == 17 && p->dport == 7777;
}

static bool is_full_icmp(const struct pkt *p)
{
	return (p->l4 == 1 || p->l4 == 58) && !p->cut && !p->snap;
}

START_TEST(test_compare_finds_plant)
{
	char cap[PATH_MAX], obj[PATH_MAX], want[256];
	char *out = malloc(OUT_SZ);
	size_t e;

	path_of(cap, sizeof(cap), "cmp.pcap");
	write_capture(cap, PCAP_US, true);
	/* the honest object agrees with every engine */
	for (e = 1; e < sizeof(engines) / sizeof(engines[0]); e++) {
		if (!engine_runs(engines[e]))
			continue;
		ck_assert_msg(tu_sh(out, OUT_SZ, "%s --engine=aot --compare=%s --pcap-in=%s %s/replay.o",
				 run_bin, engines[e], cap, work) == 0, "%s: %s", engines[e], out);
		snprintf(want, sizeof(want), "compare: %s agrees on every packet\n", engines[e]);
		ck_assert_msg(strstr(out, want), "%s", out);
	}
	plant("-DPLANT_VERDICT", obj, sizeof(obj));
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --engine=aot --compare=interp --pcap-in=%s %s", run_bin,
			    cap, obj), 1);
	snprintf(want, sizeof(want), "packet %zu: verdict differs\n  aot: retval 1, packet",
		 first_pkt(is_udp7777));
	ck_assert_msg(strstr(out, want) == out, "wanted '%s', got\n%s", want, out);
	ck_assert_msg(strstr(out, "\n  interp: retval 2, packet"), "%s", out);
	plant("-DPLANT_MAP", obj, sizeof(obj));
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --engine=interp --compare=aot --pcap-in=%s %s", run_bin,
			    cap, obj), 1);
	snprintf(want, sizeof(want), "packet %zu: map 'counts' differs\n  interp: 02000000: ",
		 first_pkt(is_full_icmp));
	ck_assert_msg(strstr(out, want) == out, "wanted '%s', got\n%s", want, out);
	ck_assert_msg(strstr(out, "\n  aot: 02000000: "), "%s", out);
	free(out);
}
END_TEST

struct refusal {
	const char *args;	/* %1$s the work dir */
	const char *msg;
};

START_TEST(test_refusals)
{
	static const struct refusal r[] = {
		{ "--pcap-in=%1$s/raw.pcap %1$s/replay.o", "link type RAW (12) is not Ethernet; --pcap-in takes Ethernet captures" },
		{ "--pcap-in=Makefile %1$s/replay.o", "cannot read capture 'Makefile': " },
		{ "--pcap-in=%1$s/nope.pcap %1$s/replay.o", "cannot open '" },
		{ "--pcap-in=%1$s/in.pcap $BUILD/samples/trace_pid.bpf.o", "does not take packets" },
		{ "--pcap-out=x.pcap %1$s/replay.o", "--pcap-out needs --pcap-in" },
		{ "--compare=interp %1$s/replay.o", "--compare needs --pcap-in" },
		{ "--pcap-in=%1$s/in.pcap --data-in=x %1$s/replay.o", "--data-in does not go with --pcap-in" },
		{ "--pcap-in=%1$s/in.pcap --compare=nope %1$s/replay.o", "unknown engine 'nope' for --compare" },
	};
	char args[1024], *out = malloc(OUT_SZ);
	struct cap c;
	uint8_t b[64] = { 0x45 };
	size_t i;

	path_of(args, sizeof(args), "raw.pcap");
	cap_open(&c, args, PCAP_US, 101); /* LINKTYPE_RAW: IP without Ethernet */
	cap_add(&c, 1, 0, b, 40, 40);
	cap_close(&c);
	path_of(args, sizeof(args), "in.pcap");
	write_capture(args, PCAP_US, false);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		snprintf(args, sizeof(args), r[i].args, work);
		ck_assert_msg(tu_sh(out, OUT_SZ, "%s %s", run_bin, args) == 1, "'%s' was accepted: %s",
			      args, out);
		ck_assert_msg(strstr(out, r[i].msg), "'%s': '%s' lacks '%s'", args, out, r[i].msg);
	}
	free(out);
}
END_TEST

/* A capture cut in the middle of its last record: the packets before it
 * run, with a warning. */
START_TEST(test_damaged_tail)
{
	char cap[PATH_MAX], *out = malloc(OUT_SZ);
	size_t len;
	unsigned char *img;
	FILE *f;

	path_of(cap, sizeof(cap), "damaged.pcap");
	write_capture(cap, PCAP_US, false);
	img = slurp(cap, &len);
	f = fopen(cap, "wb");
	ck_assert_int_eq(fwrite(img, 1, len - 5, f), len - 5);
	fclose(f);
	free(img);
	ck_assert_msg(tu_sh(out, OUT_SZ, "%s --engine=interp --pcap-in=%s %s/replay.o", run_bin, cap,
			 work) == 0, "%s", out);
	ck_assert_msg(strstr(out, "bpfaot-run: warning: capture '"), "%s", out);
	ck_assert_msg(strstr(out, "ends in a damaged record after packet 19"), "%s", out);
	ck_assert_msg(strstr(out, "packets: 19\n"), "%s", out);
	free(out);
}
END_TEST

/* ------------------------------------------------------------ --maps-shm */

#define SHM_REPS 2000

/* The counts line of class cls after n passes over the suite's packets. */
static void counts_line(char *line, size_t sz, int cls, uint64_t n)
{
	uint64_t p = 0, b = 0;
	uint8_t frame[2048], res[2048];
	char hp[17], hb[17];
	size_t i;

	for (i = 0; i < NR_PKTS; i++) {
		uint32_t len, caplen = framed(&pkts[i], frame, &len), out_len;
		int c;

		xdp_answer(&pkts[i], frame, caplen, &c, res, &out_len);
		if (c == cls) {
			p++;
			b += caplen;
		}
	}
	le64(hp, p * n);
	le64(hb, b * n);
	snprintf(line, sz, "  %02x000000: %s%s\n", cls, hp, hb);
}

static char map_bin[PATH_MAX];

START_TEST(test_shm_concurrent)
{
	char cap[PATH_MAX], name[64], line[128], *out = malloc(OUT_SZ);
	int cls;

	path_of(cap, sizeof(cap), "shm.pcap");
	write_capture_reps(cap, SHM_REPS);
	snprintf(name, sizeof(name), "bpfaot-e2e-%d-conc", (int)getpid());
	/* two engines at once on one set of maps */
	ck_assert_msg(tu_sh(out, OUT_SZ, "%1$s --maps-shm=%2$s --pcap-in=%3$s %4$s/replay.o > %4$s/a.out & "
			 "%1$s --engine=interp --maps-shm=%2$s --pcap-in=%3$s %4$s/replay.o > %4$s/b.out; "
			 "wait $! ; wait", run_bin, name, cap, work) == 0, "%s", out);
	ck_assert_msg(tu_sh(out, OUT_SZ, "cat %1$s/a.out %1$s/b.out", work) == 0, "%s", out);
	snprintf(line, sizeof(line), "packets: %u\n", SHM_REPS * (unsigned)NR_PKTS);
	ck_assert_msg(strstr(out, line) && strstr(strstr(out, line) + 1, line), "%s", out);
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --shm=%s dump counts", map_bin, name), 0);
	for (cls = 0; cls < C_MAX; cls++) {
		counts_line(line, sizeof(line), cls, 2 * SHM_REPS);
		ck_assert_msg(strstr(out, line), "no '%s' in\n%s", line, out);
	}
	ck_assert_msg(strstr(out, "    = (__u32)0: (struct rec){.packets = (__u64)"), "%s", out);
	/* 10.0.0.7 sent two packets per pass, from each process */
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --shm=%s lookup by_src 0a000007", map_bin, name), 0);
	snprintf(line, sizeof(line), "  0a000007: %02x%02x000000000000\n", (4 * SHM_REPS) & 0xff,
		 (4 * SHM_REPS) >> 8);
	ck_assert_msg(strstr(out, line) == out, "wanted '%s', got '%s'", line, out);
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --shm=%s update by_src 0a0000ff 0500000000000000 noexist && "
			    "%s --shm=%s lookup by_src 0a0000ff && %s --shm=%s delete by_src 0a0000ff",
			    map_bin, name, map_bin, name, map_bin, name), 0);
	ck_assert_msg(strstr(out, "  0a0000ff: 0500000000000000\n    = (__u32)4278190090: (__u64)5\n"),
		      "%s", out);
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --shm=%s lookup by_src 0a0000ff", map_bin, name), 1);
	ck_assert_msg(strstr(out, "bpfaot-map: error: map 'by_src' has no key 0a0000ff"), "%s", out);
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --shm=%s delete counts 00000000", map_bin, name), 1);
	ck_assert_msg(strstr(out, "bpfaot-map: error: cannot delete key 00000000 of map 'counts': Invalid argument"),
		      "%s", out);
	/* an object whose maps differ is refused, naming the map */
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --maps-shm=%s --pcap-in=%s $BUILD/samples/xdp_counter.bpf.o",
			    run_bin, name, cap), 1);
	ck_assert_msg(strstr(out, "has no map 'xdp_stats'"), "%s", out);
	tu_sh(NULL, 0, "rm -f /dev/shm/%s", name);
	free(out);
}
END_TEST

/* A replay killed with SIGKILL halfway: the next one opens the maps and
 * adds exactly its own packets. */
START_TEST(test_shm_sigkill)
{
	char cap[PATH_MAX], name[64], line[128], *before = malloc(OUT_SZ), *out = malloc(OUT_SZ);
	uint64_t tcp_before;
	char *p;

	path_of(cap, sizeof(cap), "shm-kill.pcap");
	write_capture_reps(cap, SHM_REPS);
	/* the run to kill compares every packet with a second engine (maps
	 * included): slow enough to be killed halfway */
	snprintf(name, sizeof(name), "bpfaot-e2e-%d-kill", (int)getpid());
	ck_assert_msg(tu_sh(out, OUT_SZ, "%1$s --engine=interp --compare=interp --maps-shm=%2$s --pcap-in=%3$s %4$s/replay.o >/dev/null & "
			 "p=$!; while ! %5$s --shm=%2$s lookup counts 00000000 2>/dev/null | head -1 | grep -qv ': 0000000000000000'; "
			 "do sleep 0.01; done; kill -9 $p; wait $p; echo status $?",
			 run_bin, name, cap, work, map_bin) == 0, "%s", out);
	ck_assert_msg(strstr(out, "status 137"), "not killed: %s", out);
	ck_assert_int_eq(tu_sh(before, OUT_SZ, "%s --shm=%s dump counts", map_bin, name), 0);
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --maps-shm=%s --pcap-in=%s %s/replay.o", run_bin, name,
			    cap, work), 0);
	ck_assert_int_eq(tu_sh(out, OUT_SZ, "%s --shm=%s dump counts", map_bin, name), 0);
	/* TCP's packets: what the killed run left plus one full pass */
	p = strstr(before, "  00000000: ");
	ck_assert_ptr_nonnull(p);
	tcp_before = 0;
	for (int i = 7; i >= 0; i--) {
		unsigned byte;

		ck_assert_int_eq(sscanf(p + 12 + 2 * i, "%2x", &byte), 1);
		tcp_before = tcp_before << 8 | byte;
	}
	{
		char want[17], tcp_line[128];

		counts_line(tcp_line, sizeof(tcp_line), C_TCP, SHM_REPS);
		/* per pass: the TCP packets of the suite */
		uint64_t per = 0;
		unsigned byte;
		int i;

		for (i = 7; i >= 0; i--) {
			ck_assert_int_eq(sscanf(tcp_line + 12 + 2 * i, "%2x", &byte), 1);
			per = per << 8 | byte;
		}
		le64(want, tcp_before + per);
		snprintf(line, sizeof(line), "  00000000: %s", want);
		ck_assert_msg(strstr(out, line), "wanted '%s' in\n%s\n(before:\n%s)", line, out, before);
	}
	tu_sh(NULL, 0, "rm -f /dev/shm/%s", name);
	free(before);
	free(out);
}
END_TEST

/* Before the tests fork (no Check assertions here): a failure shows as
 * the tests' missing object. */
static void build_object(void)
{
	char cmd[PATH_MAX * 2 + 256];

	snprintf(cmd, sizeof(cmd), "%s " BPF_CFLAGS " -c " SRC " -o %s/replay.o", cc_bin, work);
	if (system(cmd))
		fprintf(stderr, "check_e2e_pcap: cannot build %s\n", SRC);
}

static void remove_work(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", work);
}

static Suite *e2e_pcap_suite(void)
{
	Suite *s = suite_create("e2e_pcap");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	TCase *shm = tcase_create("shm");
	const char *b = getenv("BUILD");

	snprintf(run_bin, sizeof(run_bin), "%s/bin/bpfaot-run", b && *b ? b : "build");
	snprintf(cc_bin, sizeof(cc_bin), "%s/bin/bpfaot-cc", b && *b ? b : "build");
	snprintf(map_bin, sizeof(map_bin), "%s/bin/bpfaot-map", b && *b ? b : "build");
	snprintf(work, sizeof(work), "/tmp/bpfaot-e2e-pcap-XXXXXX");
	if (!mkdtemp(work))
		snprintf(work, sizeof(work), "/tmp");
	have_kernel = rt_kernel__available(NULL, 0);
	build_object();
	tcase_set_timeout(core, 300);
	tcase_add_test(core, test_xdp_pcap_us);
	tcase_add_test(core, test_xdp_pcap_ns);
	tcase_add_test(core, test_xdp_pcapng);
	tcase_add_test(core, test_tc_and_socket);
	tcase_add_test(core, test_compare_finds_plant);
	suite_add_tcase(s, core);
	tcase_set_timeout(errors, 120);
	tcase_add_test(errors, test_refusals);
	tcase_add_test(errors, test_damaged_tail);
	suite_add_tcase(s, errors);
	tcase_set_timeout(shm, 300);
	tcase_add_test(shm, test_shm_concurrent);
	tcase_add_test(shm, test_shm_sigkill);
	suite_add_tcase(s, shm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(e2e_pcap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_work();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
