// SPDX-License-Identifier: MIT
/*
 * Helpers that bpfaot-cc inlines (runtime/inline/helpers.c), each program
 * storing its results in res[] for tests/check_e2e_cc.c, which expects the
 * same map on aot (helpers inlined and not) and interp, and the values
 * below, worked out by hand on the 64-byte packet whose byte i is i
 * (16-bit words are little-endian loads: bytes 8, 9 make 0x0908):
 *
 * csum: bpf_csum_diff over bytes 0..7 (words 0100 0302 0504 0706, one's
 *   complement sum 0x100c) and 8..15 (0908 0b0a 0d0c 0f0e, sum 0x302c):
 *   res[0] from -> to, seed 0:        0x302c - 0x100c = 0x2020
 *   res[1] to only, seed 0x1234:      0x302c + 0x1234 = 0x4260
 *   res[2] from only, seed 0:         -0x100c = ~0x100c = 0xeff3
 *   res[3] nothing, seed 0x12345678:  folded 0x1234 + 0x5678 = 0x68ac
 * csum_replace (tc, so the packet starts at byte 0): a field F at offset
 * o holds the word (o+1)(o); replacing from by to subtracts to - from:
 *   res[0] l3 size 2 at 24: 0x1918 - (0x0304 - 0x0102) = 0x1716
 *   res[1] l3 size 4 at 26, 0x01020304 -> 0x05060708: the halves differ
 *          by 0x0c0e - 0x0406 = 0x0808: 0x1b1a - 0x0808 = 0x1312
 *   res[2] l3 by diff at 28, diff 0x00010002 (folds to 3): 0x1d19
 *   res[3] l3 at an odd offset: -EFAULT (-14); res[4] l3 size 3: -EINVAL
 *          (-22); res[5] l3 at 64 (past the packet): -EFAULT; res[6] l3
 *          with BPF_F_PSEUDO_HDR: -EINVAL
 *   res[7] l4 size 2 at 46: 0x2f2e - 0x0202 = 0x2d2c
 *   res[8] l4 MANGLED_0 on a zero field at 40: left alone, 0
 *   res[9] l4 MANGLED_0 at 44, from 0 to 0x2d2c: the sum becomes 0, which
 *          MANGLED_0 writes as 0xffff
 *   res[10] the sum of the return values of the calls that succeed: 0
 * str_cmp: bpf_strncmp, s1 = "abcd" in an 8-byte buffer:
 *   res[0] "abcd", 8: 0; res[1] "abce", 8: -1; res[2] "abz", 3: -1;
 *   res[3] "abz", 2: 0; res[4] "abc", 8: 'd' > NUL: 1
 * clocks: res[0] = 1 when ktime is non-zero and a second read is not
 *   earlier; res[1..4] = 1 when boot, coarse, tai and jiffies64 are
 *   non-zero; res[5] = the CPU and res[6] = the NUMA node: 0.
 * loop: bpf_loop with loop_add (adds the index to a sum, stops when it
 *   returns 1 at index stop):
 *   res[0] 10 loops: returns 10; res[1] sum 0 + 1 + ... + 9 = 45;
 *   res[2] 10 loops stopping at index 3: returns 4 (counted); res[3] sum
 *   0 + 1 + 2 + 3 = 6; res[4] flags 1: -EINVAL (-22); res[5] 2^23 + 1
 *   loops: -E2BIG (-7)
 * locked: bpf_spin_lock around an add of 5 to the value of locks[0]:
 *   res[0] = 5 after the first run, and each lock is free after the run
 *   (res[1] = the lock word = 0)
 * prandom: res[0..2] = three bpf_get_prandom_u32() values: xorshift64*
 *   from the seed 0x9e3779b97f4a7c15 (x ^= x >> 12, x ^= x << 25,
 *   x ^= x >> 27, value (x * 0x2545f4914f6cdd1d) >> 32): 0x0d83b3e2,
 *   0x54c44c79, 0xa845f342; with --repeat=2 the state goes on from run to
 *   run: 0x7d6e0b87, 0x90d8d6e5, 0x9de6cf0f.
 * probe: bpf_probe_read_kernel/_user/bpf_probe_read into an 8-byte dst
 *   holding 0xff bytes:
 *   res[0] 8 bytes of a stack u64 0x1122334455667788: 0; res[1] dst = the
 *   u64; res[2] 8 bytes at address 16 (unmapped): -EFAULT (-14); res[3]
 *   dst cleared: 0; res[4] 0 bytes at address 16: 0, res[5] dst untouched:
 *   0xffffffffffffffff; res[6] probe_read_user of the last 4 bytes of the
 *   u64: 0, res[7] dst low half 0x11223344, high half still 0xffffffff
 * probe_str: the _str variants from a stack "hello" into 16 bytes of 0xff:
 *   res[0] bpf_probe_read_kernel_str, size 16: 6 (with the NUL); res[1] the
 *   first 6 bytes of dst: "hello\0"; res[2] bpf_probe_read_user_str, size
 *   3: truncated, 3; res[3] its first 3 bytes "he\0"; res[4]
 *   bpf_probe_read_str at address 16: -EFAULT; res[5], res[6] dst cleared
 *   (the bytes after a NUL are not compared: both copy page-sized chunks,
 *   so they depend on where the stack lies)
 * pid_tgid: bpf_get_current_pid_tgid() twice (inlined, the second reads
 *   the runtime's thread-local copy): res[0] = 1 when both agree, res[1]
 *   = 1 when the tgid (high half) is not 0, res[2] = 1 when the tid (low
 *   half) equals it (bpfaot-run runs programs on its main thread).
 *   check_rt_helpers compares the value with getpid() and gettid(), also
 *   in a fork()ed child.
 * skb_bytes (tc): bpf_skb_load_bytes and bpf_skb_store_bytes:
 *   res[0] load 4 bytes at 10: 0; res[1] them: 0x0d0c0b0a; res[2] load 8
 *   bytes at 60 (past the end): -EFAULT (-14); res[3] its buffer, set to
 *   ~0 before: cleared, 0; res[4] the 4 bytes at 60, up to the end:
 *   0x3f3e3d3c; res[5] store 0xaa 0xbb at 20 with BPF_F_RECOMPUTE_CSUM: 0;
 *   res[6] 4 bytes at 19 loaded after it (byte 22 is 0x16): 0x16bbaa13;
 *   res[7] store with flag 4: -EINVAL (-22); res[8] store 2 bytes at 63:
 *   -EFAULT; res[9] load 1 byte at 0x80000000 (above INT_MAX): -EFAULT;
 *   res[10] byte 21 read directly from the packet after the store: 0xbb.
 *   The kernel's test run leaves the same res[] (checked by hand with
 *   bpfaot-run --engine=kernel).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} res SEC(".maps");

static __always_inline void put(__u32 key, __u64 v)
{
	bpf_map_update_elem(&res, &key, &v, BPF_ANY);
}

SEC("xdp")
int csum(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = (void *)(long)ctx->data;
	__be32 from[2], to[2];

	if ((void *)(p + 16) > end)
		return XDP_DROP;
	__builtin_memcpy(from, p, 8);
	__builtin_memcpy(to, p + 8, 8);
	put(0, bpf_csum_diff(from, 8, to, 8, 0));
	put(1, bpf_csum_diff(0, 0, to, 8, 0x1234));
	put(2, bpf_csum_diff(from, 8, 0, 0, 0));
	put(3, bpf_csum_diff(0, 0, 0, 0, 0x12345678));
	return XDP_PASS;
}

/* the field at off, read again from the packet (helpers invalidate
 * earlier packet pointers) */
static __always_inline __u64 field(struct __sk_buff *skb, __u32 off)
{
	void *end = (void *)(long)skb->data_end;
	__u8 *p = (void *)(long)skb->data;

	if (off > 62 || (void *)(p + off + 2) > end)
		return 0xdead;
	return *(__u16 *)(p + off);
}

SEC("tc")
int csum_replace(struct __sk_buff *skb)
{
	void *end = (void *)(long)skb->data_end;
	__u8 *p = (void *)(long)skb->data;
	long ok = 0;

	if ((void *)(p + 64) > end)
		return TC_ACT_SHOT;
	p[40] = 0;
	p[41] = 0;
	ok |= bpf_l3_csum_replace(skb, 24, 0x0102, 0x0304, 2);
	ok |= bpf_l3_csum_replace(skb, 26, 0x01020304, 0x05060708, 4);
	ok |= bpf_l3_csum_replace(skb, 28, 0, 0x00010002, 0);
	put(3, bpf_l3_csum_replace(skb, 25, 0x0102, 0x0304, 2));
	put(4, bpf_l3_csum_replace(skb, 30, 0x0102, 0x0304, 3));
	put(5, bpf_l3_csum_replace(skb, 64, 0x0102, 0x0304, 2));
	put(6, bpf_l3_csum_replace(skb, 30, 0x0102, 0x0304, 2 | BPF_F_PSEUDO_HDR));
	ok |= bpf_l4_csum_replace(skb, 46, 0x0102, 0x0304, 2);
	ok |= bpf_l4_csum_replace(skb, 40, 0x0102, 0x0304, 2 | BPF_F_MARK_MANGLED_0);
	ok |= bpf_l4_csum_replace(skb, 44, 0, 0x2d2c, 2 | BPF_F_MARK_MANGLED_0);
	put(0, field(skb, 24));
	put(1, field(skb, 26));
	put(2, field(skb, 28));
	put(7, field(skb, 46));
	put(8, field(skb, 40));
	put(9, field(skb, 44));
	put(10, ok);
	return TC_ACT_OK;
}

SEC("xdp")
int str_cmp(struct xdp_md *ctx)
{
	char s1[8] = "abcd";

	put(0, bpf_strncmp(s1, 8, "abcd"));
	put(1, bpf_strncmp(s1, 8, "abce"));
	put(2, bpf_strncmp(s1, 3, "abz"));
	put(3, bpf_strncmp(s1, 2, "abz"));
	put(4, bpf_strncmp(s1, 8, "abc"));
	return XDP_PASS;
}

SEC("xdp")
int clocks(struct xdp_md *ctx)
{
	__u64 t1 = bpf_ktime_get_ns();
	__u64 t2 = bpf_ktime_get_ns();

	put(0, t1 && t2 >= t1);
	put(1, bpf_ktime_get_boot_ns() != 0);
	put(2, bpf_ktime_get_coarse_ns() != 0);
	put(3, bpf_ktime_get_tai_ns() != 0);
	put(4, bpf_jiffies64() != 0);
	put(5, bpf_get_smp_processor_id());
	put(6, bpf_get_numa_node_id());
	return XDP_PASS;
}

struct loop_ctx {
	__u64 sum;
	__u32 stop;
};

static long loop_add(__u32 i, void *data)
{
	struct loop_ctx *c = data;

	c->sum += i;
	return i == c->stop;
}

SEC("xdp")
int loop(struct xdp_md *ctx)
{
	struct loop_ctx c = { .stop = 100 };

	put(0, bpf_loop(10, loop_add, &c, 0));
	put(1, c.sum);
	c.sum = 0;
	c.stop = 3;
	put(2, bpf_loop(10, loop_add, &c, 0));
	put(3, c.sum);
	put(4, bpf_loop(10, loop_add, &c, 1));
	put(5, bpf_loop((1 << 23) + 1, loop_add, &c, 0));
	return XDP_PASS;
}

struct locked_val {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 v;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked_val);
} locks SEC(".maps");

SEC("xdp")
int locked(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct locked_val *lv = bpf_map_lookup_elem(&locks, &key);

	if (!lv)
		return XDP_DROP;
	bpf_spin_lock(&lv->lock);
	lv->v += 5;
	bpf_spin_unlock(&lv->lock);
	put(0, lv->v);
	put(1, *(__u32 *)&lv->lock);
	return XDP_PASS;
}

SEC("xdp")
int prandom(struct xdp_md *ctx)
{
	put(0, bpf_get_prandom_u32());
	put(1, bpf_get_prandom_u32());
	put(2, bpf_get_prandom_u32());
	return XDP_PASS;
}

SEC("xdp")
int probe(struct xdp_md *ctx)
{
	__u64 src = 0x1122334455667788ull, dst = ~0ull;

	put(0, bpf_probe_read_kernel(&dst, 8, &src));
	put(1, dst);
	dst = ~0ull;
	put(2, bpf_probe_read_kernel(&dst, 8, (void *)16));
	put(3, dst);
	dst = ~0ull;
	put(4, bpf_probe_read(&dst, 0, (void *)16));
	put(5, dst);
	dst = ~0ull;
	put(6, bpf_probe_read_user(&dst, 4, (__u8 *)&src + 4));
	put(7, dst);
	return XDP_PASS;
}

SEC("xdp")
int probe_str(struct xdp_md *ctx)
{
	char src[16] = "hello", dst[16];

	__builtin_memset(dst, 0xff, sizeof(dst));
	put(0, bpf_probe_read_kernel_str(dst, 16, src));
	put(1, *(__u64 *)dst & 0xffffffffffffull);
	__builtin_memset(dst, 0xff, sizeof(dst));
	put(2, bpf_probe_read_user_str(dst, 3, src));
	put(3, *(__u64 *)dst & 0xffffff);
	__builtin_memset(dst, 0xff, sizeof(dst));
	put(4, bpf_probe_read_str(dst, 16, (void *)16));
	put(5, *(__u64 *)dst);
	put(6, *(__u64 *)(dst + 8));
	return XDP_PASS;
}

SEC("xdp")
int pid_tgid(struct xdp_md *ctx)
{
	__u64 a = bpf_get_current_pid_tgid(), b = bpf_get_current_pid_tgid();

	put(0, a == b);
	put(1, (a >> 32) != 0);
	put(2, (a >> 32) == (__u32)a);
	return XDP_PASS;
}

SEC("tc")
int skb_bytes(struct __sk_buff *skb)
{
	__u8 two[2] = { 0xaa, 0xbb };
	__u64 big = ~0ULL;
	__u32 w = 0;
	void *end;
	__u8 *p;

	put(0, bpf_skb_load_bytes(skb, 10, &w, 4));
	put(1, w);
	put(2, bpf_skb_load_bytes(skb, 60, &big, 8));
	put(3, big);
	put(4, bpf_skb_load_bytes(skb, 60, &w, 4) ? 0xbad : w);
	put(5, bpf_skb_store_bytes(skb, 20, two, 2, BPF_F_RECOMPUTE_CSUM));
	bpf_skb_load_bytes(skb, 19, &w, 4);
	put(6, w);
	put(7, bpf_skb_store_bytes(skb, 20, two, 2, 4));
	put(8, bpf_skb_store_bytes(skb, 63, two, 2, 0));
	put(9, bpf_skb_load_bytes(skb, 0x80000000, &w, 1));
	end = (void *)(long)skb->data_end;
	p = (void *)(long)skb->data;
	if ((void *)(p + 22) > end)
		return TC_ACT_SHOT;
	put(10, p[21]);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
