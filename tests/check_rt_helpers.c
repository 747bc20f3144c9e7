// SPDX-License-Identifier: MIT
/*
 * Check suite for the helper table (runtime/helpers*.c): the table against
 * libbpf's bpf_helper_defs.h, then each helper called directly through the
 * table with a hand-built struct rt_run made current. Checksum, format and
 * XDP limit expectations were produced by the running kernel (6.18) with
 * BPF_PROG_TEST_RUN on programs built with clang-14; the inputs are
 * rebuilt here byte for byte.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_internal.h"
#include "testutil.h"

#define HELPER_DEFS "/usr/include/bpf/bpf_helper_defs.h"
#define HEADROOM 256
#define PKT_MAX 1024

/*
 * Fixture state. Check runs each test in its own process, so file-scope
 * state is per test; this is test code, not the runtime.
 */
static struct rt_run run;
static struct rt_prog prog;
static uint8_t *pkt;		/* HEADROOM + PKT_MAX + RT_PKT_TAILROOM, below 4 GiB */
static size_t pkt_cap;
static struct xdp_md xmd;
static char log_buf[256];
static struct rt_log run_log;
static char printed[2048];
static size_t printed_len;

static void capture_print(void *cookie, const char *text, size_t len)
{
	memcpy(printed, text, len);
	printed[len] = 0;
	printed_len = len;
}

static void setup(void)
{
	pkt_cap = HEADROOM + PKT_MAX + RT_PKT_TAILROOM;
	pkt = mmap(NULL, pkt_cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		   -1, 0);
	ck_assert_ptr_ne(pkt, MAP_FAILED);
	memset(&run, 0, sizeof(run));
	memset(&prog, 0, sizeof(prog));
	memset(log_buf, 0, sizeof(log_buf));
	run_log = (struct rt_log){ .buf = log_buf, .size = sizeof(log_buf) };
	run.log = &run_log;
	run.prog = &prog;
	run.pkt_buf = pkt;
	run.pkt_cap = pkt_cap;
	run.print = capture_print;
	printed_len = 0;
	rt_run__set_current(&run);
}

static void teardown(void)
{
	rt_run__set_current(NULL);
	munmap(pkt, pkt_cap);
}

/* Puts len bytes of packet at the default headroom, sets the context fields. */
static void set_packet(const uint8_t *bytes, size_t len)
{
	run.data = pkt + HEADROOM;
	run.data_end = run.data + len;
	run.data_meta = run.data;
	memcpy(run.data, bytes, len);
	xmd = (struct xdp_md){
		.data = (uint32_t)(uintptr_t)run.data,
		.data_end = (uint32_t)(uintptr_t)run.data_end,
		.data_meta = (uint32_t)(uintptr_t)run.data_meta,
	};
	run.ctx = &xmd;
	run.ctx_size = sizeof(xmd);
}

static uint64_t call(uint32_t id, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	const struct rt_helper *h = rt_helper__by_id(id);

	ck_assert_msg(h, "no helper %u", id);
	return h->fn(a, b, c, d, e);
}

#define P(x) ((uint64_t)(uintptr_t)(x))

/* --------------------------------------------------------------- table */

static const char *const required[] = {
	"bpf_map_lookup_elem", "bpf_map_update_elem", "bpf_map_delete_elem",
	"bpf_map_push_elem", "bpf_map_pop_elem", "bpf_map_peek_elem", "bpf_ktime_get_ns",
	"bpf_ktime_get_boot_ns", "bpf_ktime_get_coarse_ns", "bpf_jiffies64",
	"bpf_get_prandom_u32", "bpf_trace_printk", "bpf_get_smp_processor_id", "bpf_probe_read",
	"bpf_probe_read_user", "bpf_probe_read_kernel", "bpf_probe_read_str",
	"bpf_probe_read_user_str", "bpf_probe_read_kernel_str", "bpf_get_current_pid_tgid",
	"bpf_get_current_uid_gid", "bpf_get_current_comm", "bpf_get_current_task",
	"bpf_ringbuf_output", "bpf_ringbuf_reserve", "bpf_ringbuf_submit", "bpf_ringbuf_discard",
	"bpf_ringbuf_query", "bpf_perf_event_output", "bpf_xdp_adjust_head",
	"bpf_xdp_adjust_tail", "bpf_xdp_adjust_meta", "bpf_skb_load_bytes", "bpf_skb_store_bytes",
	"bpf_l3_csum_replace", "bpf_l4_csum_replace", "bpf_csum_diff", "bpf_csum_update",
	"bpf_redirect", "bpf_redirect_map", "bpf_skb_set_tunnel_key", "bpf_skb_get_tunnel_key",
	"bpf_tail_call", "bpf_loop", "bpf_for_each_map_elem", "bpf_spin_lock", "bpf_spin_unlock",
	"bpf_snprintf", "bpf_strncmp", "bpf_get_numa_node_id",
};

/*
 * Finds name in bpf_helper_defs.h ("static RET (*NAME)(ARGS) = (void *) ID;")
 * and rebuilds "RET NAME(ARGS)". Returns the id, or -1.
 */
static int defs_lookup(const char *defs, const char *name, char *proto, size_t size)
{
	char needle[96];
	const char *p, *line, *eol, *args;
	int id;

	snprintf(needle, sizeof(needle), "(*%s)(", name);
	p = strstr(defs, needle);
	if (!p)
		return -1;
	for (line = p; line > defs && line[-1] != '\n'; line--)
		;
	eol = strchr(p, '\n');
	args = p + strlen(needle) - 1;
	if (strncmp(line, "static ", 7) || !eol)
		return -1;
	line += 7;
	{
		const char *close = strstr(args, ") = (void *) ");

		if (!close || close > eol)
			return -1;
		snprintf(proto, size, "%.*s%s%.*s", (int)(p - line), line, name,
			 (int)(close - args + 1), args);
		id = atoi(close + strlen(") = (void *) "));
	}
	return id;
}

START_TEST(test_table)
{
	static char defs[1 << 20];
	const struct rt_helper *h, *g;
	FILE *f = fopen(HELPER_DEFS, "r");
	size_t n, i, count = 0;
	char proto[512];

	ck_assert_msg(f, "cannot open %s", HELPER_DEFS);
	n = fread(defs, 1, sizeof(defs) - 1, f);
	fclose(f);
	defs[n] = 0;
	for (h = rt_helper__next(NULL); h; h = rt_helper__next(h), count++) {
		ck_assert_ptr_eq(rt_helper__by_id(h->id), h);
		ck_assert_ptr_eq(rt_helper__by_name(h->name), h);
		for (g = rt_helper__next(h); g; g = rt_helper__next(g)) {
			ck_assert_uint_ne(g->id, h->id);
			ck_assert_str_ne(g->name, h->name);
		}
		ck_assert_int_eq(defs_lookup(defs, h->name, proto, sizeof(proto)), (int)h->id);
		ck_assert_str_eq(h->proto, proto);
		ck_assert_ptr_nonnull(h->fn);
		/* the return class follows libbpf's prototype, as bpfaot-cc's
		 * manifest does: a pointer return is "ptr" (filelife's helper 158
		 * was "scalar", so the linker refused bpfaot-cc's native code) */
		ck_assert_msg((h->ret == RT_RET_PTR_OR_NULL) ==
				      (memchr(h->proto, '*', (size_t)(strstr(h->proto, h->name) - h->proto)) != NULL),
			      "%s: return class %d, prototype %s", h->name, h->ret, h->proto);
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		ck_assert_msg(rt_helper__by_name(required[i]), "%s missing", required[i]);
	ck_assert_uint_ge(count, sizeof(required) / sizeof(required[0]));
	ck_assert_uint_eq(rt_helper__by_id(BPF_FUNC_map_lookup_elem)->args[0], RT_ARG_MAP);
	ck_assert_uint_eq(rt_helper__by_id(BPF_FUNC_map_lookup_elem)->ret, RT_RET_PTR_OR_NULL);
}
END_TEST

START_TEST(test_table_unknown)
{
	ck_assert_ptr_null(rt_helper__by_id(0));
	ck_assert_ptr_null(rt_helper__by_id(13));
	ck_assert_ptr_null(rt_helper__by_id(100000));
	ck_assert_ptr_null(rt_helper__by_name("bpf_no_such_helper"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* ------------------------------------------------------------ printk */

static long snp(char *buf, size_t size, const char *fmt, const uint64_t *args, size_t nr)
{
	return (long)call(BPF_FUNC_snprintf, P(buf), size, P(fmt), P(args), nr * 8);
}

START_TEST(test_trace_printk)
{
	static const char fmt[] = "a=%d b=%x s=%s\n";

	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(fmt), sizeof(fmt), (uint64_t)-5,
				    0xbeef, P("hey")),
			 18);
	ck_assert_str_eq(printed, "a=-5 b=beef s=hey\n");
	ck_assert_uint_eq(printed_len, 18);
	static const char f2[] = "|%5d|%-5u|%05x\n";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(f2), sizeof(f2), (uint64_t)-5, 17,
				    0xab),
			 19);
	ck_assert_str_eq(printed, "|   -5|17   |000ab\n");
	static const char f3[] = "%s";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(f3), sizeof(f3), 0, 0, 0), 0);
	static const char f4[] = "%pB";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(f4), sizeof(f4), 1, 0, 0), 3);
	ck_assert_str_eq(printed, "0x1");
	static const char f5[] = "%p,";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(f5), sizeof(f5), 1, 0, 0), 17);
	ck_assert_str_eq(printed, "0000000000000001,");
	static const char f6[] = "\t%d\n";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(f6), sizeof(f6), 1, 0, 0), 3);
	/* an unreadable address for %pi4 prints zeros; c is swallowed after %pI6 */
	static const char f7[] = "%pi4%pI6c";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(f7), sizeof(f7), 1, 1, 0), 54);
}
END_TEST

/* Outputs of the kernel's bpf_snprintf for the same formats and arguments. */
START_TEST(test_snprintf)
{
	static const uint8_t ip[16] = { 10, 1, 2, 3, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xde, 0xad,
					0xbe, 0xef };
	char s[4] = "ab", b[128];	/* 4 bytes: %pI4 reads four */
	uint64_t a[12];

	a[0] = P(s), a[1] = P(s), a[2] = P(s), a[3] = 123, a[4] = 0x141;
	ck_assert_int_eq(snp(b, 64, "|%5s|%-5s|%05s|%s|%c|", a, 5), 23);
	ck_assert_str_eq(b, "|   ab|ab   |   ab||A|");

	a[0] = 'Q', a[1] = (uint64_t)-1, a[2] = (uint64_t)-1, a[3] = 0x1234;
	ck_assert_int_eq(snp(b, 64, "%c%% %lld %llx %px", a, 4), 40);
	ck_assert_str_eq(b, "Q% -1 ffffffffffffffff 0000000000001234");

	a[0] = (uint64_t)-42, a[1] = 42, a[2] = 42, a[3] = (uint64_t)-7, a[4] = 5;
	ck_assert_int_eq(snp(b, 64, "|%05d|%+d|% d|%-05d|%+u|", a, 5), 24);
	ck_assert_str_eq(b, "|-0042|+42| 42|-7   |5|");

	a[0] = 0xabc, a[1] = 0xabc, a[2] = (uint64_t)-1, a[3] = 0xffffffff80000000ull;
	a[4] = (uint64_t)-1, a[5] = (uint64_t)-1, a[6] = (uint64_t)-2, a[7] = (uint64_t)-1;
	a[8] = 7;
	ck_assert_int_eq(snp(b, 128, "%x|%X|%lx|%d|%u|%ld|%li|%lu|%i", a, 9), 77);
	ck_assert_str_eq(b, "abc|ABC|ffffffffffffffff|-2147483648|4294967295|-1|-2|"
			    "18446744073709551615|7");

	a[0] = P(ip), a[1] = P(ip), a[2] = P(ip);
	ck_assert_int_eq(snp(b, 128, "%pI4 %pi4 %pI6", a, 3), 65);
	ck_assert_str_eq(b, "10.1.2.3 010.001.002.003 0a01:0203:fe80:0000:0000:0000:dead:beef");
	ck_assert_int_eq(snp(b, 128, "%pi6", a, 1), 33);
	ck_assert_str_eq(b, "0a010203fe80000000000000deadbeef");

	a[0] = 0x1234, a[1] = P(s), a[2] = 0x1234;
	ck_assert_int_eq(snp(b, 64, "%pKabc|%pI4x|%px.", a, 3), 45);
	ck_assert_str_eq(b, "0000000000001234|97.98.0.0|0000000000001234.");

	a[0] = 0x10, a[1] = 0x10, a[2] = P("k"), a[3] = P("u"), a[4] = P("dot");
	ck_assert_int_eq(snp(b, 64, "%ps %pS %pks %pus|%s.", a, 5), 19);
	ck_assert_str_eq(b, "0x10 0x10 k u|dot.");

	a[0] = 0xfff, a[1] = 0xa, a[2] = (uint64_t)-9;
	ck_assert_int_eq(snp(b, 64, "%020llx|%-8x|%8lld|", a, 3), 40);
	ck_assert_str_eq(b, "00000000000000000fff|a       |      -9|");

	/* the needed length, whatever fits */
	a[0] = 123456;
	ck_assert_int_eq(snp(b, 4, "%d", a, 1), 7);
	ck_assert_str_eq(b, "123");
	ck_assert_int_eq(snp(NULL, 0, "xyz", NULL, 0), 4);
}
END_TEST

/* ---------------------------------------------------------- checksums */

/* The packets of the kernel runs: (i * 37 + 11) & 0xff with some bytes set. */
static void kernel_input(uint8_t *d, size_t len, bool second)
{
	size_t i;

	for (i = 0; i < len; i++)
		d[i] = (uint8_t)(i * 37 + 11);
	if (second) {
		memcpy(d + 40, "\x00\x00\x12\x34\xfe\xff", 6);
		return;
	}
	memset(d + 120, 0, len - 120);
	memset(d + 128, 0xff, 64);
}

/* bpf_get_current_pid_tgid: the calling thread's ids, kept after the
 * first call (rt_run__pid_tgid()); a fork()ed child and a new thread get
 * their own, not the copy they inherit. */
static uint64_t ids_now(void)
{
	return (uint64_t)(uint32_t)getpid() << 32 | (uint32_t)gettid();
}

static void *pid_tgid_thread(void *arg)
{
	*(uint64_t *)arg = call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0) == ids_now();
	return NULL;
}

START_TEST(test_pid_tgid)
{
	uint64_t v = call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0), ok = 0;
	pthread_t t;
	int st;
	pid_t pid;

	ck_assert_uint_eq(v, ids_now());
	ck_assert_uint_eq(call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0), v);
	ck_assert_int_eq(pthread_create(&t, NULL, pid_tgid_thread, &ok), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(ok, 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid)
		_exit(call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0) == ids_now() ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child read its parent's ids");
	ck_assert_uint_eq(call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0), v);
}
END_TEST

START_TEST(test_csum_diff)
{
	static const struct {
		uint32_t from, from_size, to, to_size, seed;
		uint16_t want;
	} c1[] = {
		{ 0, 4, 4, 4, 0, 0x2928 },	  { -1u, 0, 0, 20, 0, 0xe674 },
		{ 0, 20, -1u, 0, 0x12345678, 0x8237 }, { 0, 8, 8, 12, 0xdeadbeef, 0x883f },
		{ -1u, 0, 0, 100, 0, 0x9258 },	  { -1u, 0, 120, 8, 0, 0 },
		{ -1u, 0, -1u, 0, 0xdeadbeef, 0x9d9d }, { -1u, 0, 128, 64, 0, 0xffff },
	}, c2[] = {
		{ 0, 256, 256, 260, 0, 0x3da8 }, { -1u, 0, 0, 512, 0, 0xed37 },
		{ -1u, 0, 0, 516, 0, 0x9798 },	 { -1u, 0, 0, 2, 0, 0x300b },
		{ -1u, 0, 0, 6, 7, 0x6f07 },	 { 0, 2, -1u, 0, 7, 0xcffb },
		{ -1u, 0, -1u, 0, 0, 0 },
	};
	uint8_t d[1024];
	size_t i;

#define PTR_AT(off) ((off) == -1u ? 0 : P(d + (off)))
	kernel_input(d, 256, false);
	for (i = 0; i < sizeof(c1) / sizeof(c1[0]); i++)
		ck_assert_uint_eq(call(BPF_FUNC_csum_diff, PTR_AT(c1[i].from), c1[i].from_size,
				       PTR_AT(c1[i].to), c1[i].to_size, c1[i].seed),
				  c1[i].want);
	kernel_input(d, 1024, true);
	for (i = 0; i < sizeof(c2) / sizeof(c2[0]); i++)
		ck_assert_uint_eq(call(BPF_FUNC_csum_diff, PTR_AT(c2[i].from), c2[i].from_size,
				       PTR_AT(c2[i].to), c2[i].to_size, c2[i].seed),
				  c2[i].want);
#undef PTR_AT
}
END_TEST

static uint16_t pkt_u16(size_t off)
{
	uint16_t v;

	memcpy(&v, run.data + off, 2);
	return v;
}

START_TEST(test_csum_replace)
{
	uint8_t d[1024];
	uint64_t skb = P(&xmd);

	kernel_input(d, sizeof(d), true);
	set_packet(d, sizeof(d));
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 10, 0x01020304, 0x0a0b0c0d, 4),
			 0);
	ck_assert_uint_eq(pkt_u16(10), 0x906b);
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 10, 0x1234, 0x4321, 2), 0);
	ck_assert_uint_eq(pkt_u16(10), 0x5f7e);
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 10, 0, 0x11223344, 0), 0);
	ck_assert_uint_eq(pkt_u16(10), 0x1b18);
	/* a zero checksum stays zero with BPF_F_MARK_MANGLED_0 */
	ck_assert_int_eq((long)call(BPF_FUNC_l4_csum_replace, skb, 40, 0x1111, 0x2222,
				    2 | BPF_F_MARK_MANGLED_0),
			 0);
	ck_assert_uint_eq(pkt_u16(40), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_l4_csum_replace, skb, 42, 0xaabbccdd, 0x11223344,
				    4 | BPF_F_PSEUDO_HDR),
			 0);
	ck_assert_uint_eq(pkt_u16(42), 0x6745);
	ck_assert_int_eq((long)call(BPF_FUNC_l4_csum_replace, skb, 44, 0x0100, 0,
				    2 | BPF_F_MARK_MANGLED_0),
			 0);
	ck_assert_uint_eq(pkt_u16(44), 0x00ff);
	ck_assert_int_eq((long)call(BPF_FUNC_l4_csum_replace, skb, 42, 0, 0, 1 << 7), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_csum_update, skb, 1, 0, 0, 0), -524);
}
END_TEST

START_TEST(test_csum_replace_errors)
{
	uint8_t d[1024];
	uint64_t skb = P(&xmd);

	kernel_input(d, sizeof(d), true);
	set_packet(d, sizeof(d));
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 11, 0, 0, 2), -EFAULT);
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 10, 1, 2, 3), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 1023, 1, 2, 2), -EFAULT);
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 10, 1, 2, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_l3_csum_replace, skb, 10, 1, 2, 0x10), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_l4_csum_replace, skb, 10, 1, 2, 1ull << 9), -EINVAL);
	ck_assert_uint_eq(pkt_u16(10), 0xa27d);	/* untouched: bytes 0x7d 0xa2 */
}
END_TEST

START_TEST(test_skb_bytes)
{
	uint8_t d[1024], buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint64_t skb = P(&xmd);

	kernel_input(d, sizeof(d), true);
	set_packet(d, sizeof(d));
	ck_assert_int_eq((long)call(BPF_FUNC_skb_store_bytes, skb, 1016, P(buf), 8,
				    BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH),
			 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq((long)call(BPF_FUNC_skb_load_bytes, skb, 1016, P(buf), 8, 0), 0);
	ck_assert_uint_eq(buf[7], 8);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_load_bytes, skb, 1020, P(buf), 8, 0), -EFAULT);
	ck_assert_uint_eq(buf[0] | buf[7], 0);	/* cleared on error */
	ck_assert_int_eq((long)call(BPF_FUNC_skb_store_bytes, skb, 0, P(buf), 2, 4), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_store_bytes, skb, 1023, P(buf), 2, 0), -EFAULT);
}
END_TEST

/* ----------------------------------------------------------------- XDP */

/* The kernel's results for the same sequence on a 128-byte packet. */
START_TEST(test_xdp_adjust)
{
	uint8_t d[128];
	uint64_t x = P(&xmd);
	size_t i;

	for (i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)i;
	set_packet(d, sizeof(d));
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, (uint64_t)-217, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, (uint64_t)-216, 0, 0, 0), 0);
	ck_assert_uint_eq(xmd.data, (uint32_t)(uintptr_t)(pkt + 40));
	ck_assert_uint_eq(xmd.data_meta, xmd.data);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, (uint64_t)-4, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, 216, 0, 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, (uint64_t)-3, 0, 0, 0), -EACCES);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, (uint64_t)-252, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, 252, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, (uint64_t)-256, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, 4, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_meta, x, (uint64_t)-32, 0, 0, 0), 0);
	ck_assert_uint_eq(xmd.data - xmd.data_meta, 32);
	memset(run.data_meta, 0xaa, 32);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, (uint64_t)-185, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, (uint64_t)-184, 0, 0, 0), 0);
	/* the metadata moved with the data */
	ck_assert_uint_eq(xmd.data - xmd.data_meta, 32);
	ck_assert_uint_eq(run.data_meta[0], 0xaa);
	ck_assert_uint_eq(run.data_meta[31], 0xaa);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, 184, 0, 0, 0), 0);
	ck_assert_uint_eq(run.data[0], 0);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_tail, x, (uint64_t)-(128 - 14), 0, 0, 0),
			 0);
	ck_assert_uint_eq(xmd.data_end - xmd.data, 14);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_tail, x, (uint64_t)-1, 0, 0, 0), -EINVAL);
	/* growth is zero-filled */
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_tail, x, 10, 0, 0, 0), 0);
	ck_assert_uint_eq(run.data[14], 0);
	ck_assert_uint_eq(run.data[23], 0);
	ck_assert_uint_eq(xmd.data_end, (uint32_t)(uintptr_t)run.data_end);
}
END_TEST

START_TEST(test_xdp_tail_limit)
{
	uint8_t d[64] = { 0 };
	uint64_t x = P(&xmd);
	size_t room;

	set_packet(d, sizeof(d));
	room = (size_t)(pkt + pkt_cap - run.data_end);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_tail, x, room + 1, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_tail, x, room, 0, 0, 0), 0);
	ck_assert_ptr_eq(run.data_end, pkt + pkt_cap);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, (uint64_t)INT32_MIN, 0, 0, 0),
			 -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, x, INT32_MAX, 0, 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_tail, x, (uint64_t)INT32_MIN, 0, 0, 0),
			 -EINVAL);
}
END_TEST

/* ---------------------------------------------------------- redirects */

START_TEST(test_redirect)
{
	prog.type = BPF_PROG_TYPE_XDP;
	ck_assert_uint_eq(call(BPF_FUNC_redirect, 3, 0, 0, 0, 0), XDP_REDIRECT);
	ck_assert(run.redirect.set);
	ck_assert_uint_eq(run.redirect.ifindex, 3);
	ck_assert_int_eq(run.redirect.map_idx, -1);
	ck_assert_uint_eq(call(BPF_FUNC_redirect, 3, BPF_F_INGRESS, 0, 0, 0), XDP_ABORTED);
	prog.type = BPF_PROG_TYPE_SCHED_CLS;
	ck_assert_uint_eq(call(BPF_FUNC_redirect, 3, 0, 0, 0, 0), 7);	/* TC_ACT_REDIRECT */
	ck_assert_uint_eq(call(BPF_FUNC_redirect, 3, BPF_F_INGRESS, 0, 0, 0), 7);
	ck_assert_uint_eq(call(BPF_FUNC_redirect, 3, 2, 0, 0, 0), 2);	/* TC_ACT_SHOT */
}
END_TEST

START_TEST(test_tunnel_key)
{
	struct bpf_tunnel_key k = { 0 }, g;

	k.tunnel_id = 0x12345678;
	k.remote_ipv4 = 0x0a000001;
	k.tunnel_tos = 3;
	k.tunnel_ttl = 64;
	k.local_ipv4 = 0x0b000002;
	ck_assert_int_eq((long)call(BPF_FUNC_skb_get_tunnel_key, 0, P(&g), sizeof(g), 0, 0),
			 -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_set_tunnel_key, 0, P(&k), sizeof(k),
				    BPF_F_ZERO_CSUM_TX | BPF_F_SEQ_NUMBER, 0),
			 0);
	ck_assert(run.tunnel_key_set);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_get_tunnel_key, 0, P(&g), sizeof(g), 0, 0), 0);
	/* the kernel reports the receiving side: remote and local swap */
	ck_assert_uint_eq(g.tunnel_id, 0x12345678);
	ck_assert_uint_eq(g.remote_ipv4, 0x0b000002);
	ck_assert_uint_eq(g.local_ipv4, 0x0a000001);
	ck_assert_uint_eq(g.tunnel_ttl, 64);
	ck_assert_uint_eq(g.tunnel_flags, 0);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_get_tunnel_key, 0, P(&g), sizeof(g),
				    BPF_F_TUNINFO_IPV6, 0),
			 -EPROTO);
	k.tunnel_label = 5;
	ck_assert_int_eq((long)call(BPF_FUNC_skb_set_tunnel_key, 0, P(&k), sizeof(k), 0, 0),
			 -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_get_tunnel_key, 0, P(&g), 8, 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_skb_get_tunnel_key, 0, P(&g), 9, 0, 0), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------- loops */

static uint64_t loop_cb(struct rt_run *r, uint64_t fn, uint64_t r1, uint64_t r2, uint64_t r3,
			uint64_t r4, uint64_t r5)
{
	uint64_t *count = (uint64_t *)(uintptr_t)r2;

	ck_assert_ptr_eq(r, &run);
	ck_assert_uint_eq(fn, 0x1234);
	ck_assert_uint_eq(r1, *count);
	++*count;
	return r1 == 9;	/* stop at the tenth */
}

START_TEST(test_loop)
{
	uint64_t count = 0;

	run.callback = loop_cb;
	ck_assert_int_eq((long)call(BPF_FUNC_loop, 5, 0x1234, P(&count), 0, 0), 5);
	ck_assert_uint_eq(count, 5);
	count = 0;
	ck_assert_int_eq((long)call(BPF_FUNC_loop, 100, 0x1234, P(&count), 0, 0), 10);
	ck_assert_uint_eq(count, 10);
	ck_assert_int_eq((long)call(BPF_FUNC_loop, 0, 0x1234, P(&count), 0, 0), 0);
}
END_TEST

START_TEST(test_loop_limits)
{
	uint64_t count = 0;

	run.callback = loop_cb;
	ck_assert_int_eq((long)call(BPF_FUNC_loop, (1 << 23) + 1, 0x1234, P(&count), 0, 0),
			 -E2BIG);
	ck_assert_int_eq((long)call(BPF_FUNC_loop, 1, 0x1234, P(&count), 1, 0), -EINVAL);
	ck_assert_uint_eq(count, 0);
	run.callback = NULL;
	ck_assert_int_eq((long)call(BPF_FUNC_loop, 1, 0x1234, P(&count), 0, 0), -ENOTSUP);
	ck_assert_str_eq(log_buf, "helper bpf_loop: the engine does not support callbacks");
}
END_TEST

/* -------------------------------------------------------------- maps */

static struct rt_map *new_map(uint32_t type, uint32_t key_size, uint32_t value_size,
			      uint32_t max_entries)
{
	struct rt_map_def def = {
		.type = type,
		.key_size = key_size,
		.value_size = value_size,
		.max_entries = max_entries,
		.spin_lock_off = -1,
	};
	struct rt_map *map;

	snprintf(def.name, sizeof(def.name), "m%u", type);
	map = rt_map__new(&def, NULL);
	ck_assert_msg(map, "rt_map__new(type %u): %s", type, strerror(errno));
	return map;
}

static void *resolve_prog(void *cookie, uint32_t id)
{
	return id == 7 ? cookie : NULL;
}

START_TEST(test_tail_call)
{
	struct rt_map *map = new_map(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4);
	struct rt_prog target = { 0 };
	uint32_t key = 1, id = 7;
	int i;

	rt_map__set_ptr_resolver(map, resolve_prog, &target);
	ck_assert_int_eq(rt_map__user_update(map, &key, &id, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_tail_call, 0, P(map), 4, 0, 0), -EINVAL);
	ck_assert_int_eq(run.tail_calls, 0);
	ck_assert_int_eq((long)call(BPF_FUNC_tail_call, 0, P(map), 0, 0, 0), -ENOENT);
	ck_assert_ptr_null(run.tail_target);
	for (i = 1; i < RT_MAX_TAIL_CALLS; i++)
		ck_assert_int_eq((long)call(BPF_FUNC_tail_call, 0, P(map), 1, 0, 0), 0);
	ck_assert_ptr_eq(run.tail_target, &target);
	ck_assert_int_eq(run.tail_calls, RT_MAX_TAIL_CALLS);
	run.tail_target = NULL;
	ck_assert_int_eq((long)call(BPF_FUNC_tail_call, 0, P(map), 1, 0, 0), -E2BIG);
	ck_assert_ptr_null(run.tail_target);
	rt_map__free(map);
}
END_TEST

START_TEST(test_map_helpers)
{
	struct rt_map *map = new_map(BPF_MAP_TYPE_HASH, 4, 8, 8);
	uint32_t key = 5;
	uint64_t value = 42, *p;

	ck_assert_uint_eq(call(BPF_FUNC_map_lookup_elem, P(map), P(&key), 0, 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_map_update_elem, P(map), P(&key), P(&value), BPF_ANY,
				    0),
			 0);
	p = (uint64_t *)(uintptr_t)call(BPF_FUNC_map_lookup_elem, P(map), P(&key), 0, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(*p, 42);
	ck_assert_int_eq((long)call(BPF_FUNC_map_update_elem, P(map), P(&key), P(&value),
				    BPF_NOEXIST, 0),
			 -EEXIST);
	ck_assert_int_eq((long)call(BPF_FUNC_map_delete_elem, P(map), P(&key), 0, 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_map_delete_elem, P(map), P(&key), 0, 0, 0), -ENOENT);
	rt_map__free(map);

	map = new_map(BPF_MAP_TYPE_QUEUE, 0, 4, 4);
	key = 9;
	ck_assert_int_eq((long)call(BPF_FUNC_map_push_elem, P(map), P(&key), 0, 0, 0), 0);
	key = 0;
	ck_assert_int_eq((long)call(BPF_FUNC_map_peek_elem, P(map), P(&key), 0, 0, 0), 0);
	ck_assert_uint_eq(key, 9);
	key = 0;
	ck_assert_int_eq((long)call(BPF_FUNC_map_pop_elem, P(map), P(&key), 0, 0, 0), 0);
	ck_assert_uint_eq(key, 9);
	ck_assert_int_eq((long)call(BPF_FUNC_map_pop_elem, P(map), P(&key), 0, 0, 0), -ENOENT);
	rt_map__free(map);
}
END_TEST

static uint64_t sum_cb(struct rt_run *r, uint64_t fn, uint64_t map, uint64_t key, uint64_t value,
		       uint64_t ctx, uint64_t r5)
{
	uint64_t *sum = (uint64_t *)(uintptr_t)ctx;

	*sum += *(uint64_t *)(uintptr_t)value + 1000 * *(uint32_t *)(uintptr_t)key;
	return *sum > 100000;
}

START_TEST(test_for_each)
{
	struct rt_map *arr = new_map(BPF_MAP_TYPE_ARRAY, 4, 8, 3);
	struct rt_map *hash = new_map(BPF_MAP_TYPE_HASH, 4, 8, 16);
	uint64_t sum = 0, v;
	uint32_t k;

	run.callback = sum_cb;
	for (k = 0; k < 3; k++) {
		v = k + 1;
		ck_assert_int_eq(rt_map__update(arr, &k, &v, 0), 0);
	}
	ck_assert_int_eq((long)call(BPF_FUNC_for_each_map_elem, P(arr), 1, P(&sum), 0, 0), 3);
	ck_assert_uint_eq(sum, 1 + 2 + 3 + 1000 * (0 + 1 + 2));
	for (k = 10; k < 15; k++) {
		v = 1;
		ck_assert_int_eq(rt_map__update(hash, &k, &v, 0), 0);
	}
	sum = 0;
	ck_assert_int_eq((long)call(BPF_FUNC_for_each_map_elem, P(hash), 1, P(&sum), 0, 0), 5);
	ck_assert_uint_eq(sum, 5 + 1000 * (10 + 11 + 12 + 13 + 14));
	/* stopping early counts the stopping call */
	sum = 100000;
	ck_assert_int_eq((long)call(BPF_FUNC_for_each_map_elem, P(hash), 1, P(&sum), 0, 0), 1);
	ck_assert_int_eq((long)call(BPF_FUNC_for_each_map_elem, P(hash), 1, P(&sum), 1, 0),
			 -EINVAL);
	rt_map__free(arr);
	rt_map__free(hash);
}
END_TEST

/* ------------------------------------------------------ task and reads */

START_TEST(test_task)
{
	char comm[16], small[4];

	ck_assert_uint_eq(call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0),
			  (uint64_t)getpid() << 32 | (uint32_t)gettid());
	ck_assert_uint_eq(call(BPF_FUNC_get_current_uid_gid, 0, 0, 0, 0, 0),
			  (uint64_t)getgid() << 32 | getuid());
	ck_assert_uint_ne(call(BPF_FUNC_get_current_task, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_get_current_comm, P(comm), sizeof(comm), 0, 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_get_current_comm, P(small), sizeof(small), 0, 0, 0),
			 0);
	ck_assert_uint_eq(small[3], 0);
	ck_assert_int_eq(strncmp(comm, small, 3), 0);
	ck_assert_uint_eq(call(BPF_FUNC_get_smp_processor_id, 0, 0, 0, 0, 0), 0);
	ck_assert_uint_eq(call(BPF_FUNC_get_numa_node_id, 0, 0, 0, 0, 0), 0);
	ck_assert_uint_ne(call(BPF_FUNC_ktime_get_ns, 0, 0, 0, 0, 0), 0);
	ck_assert_uint_ge(call(BPF_FUNC_jiffies64, 0, 0, 0, 0, 0), (uint32_t)(-300 * 250));
	ck_assert_int_eq((long)call(BPF_FUNC_strncmp, P("-3-a"), 4, P("-3-a"), 0, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_strncmp, P("-3-a"), 4, P("-3-c"), 0, 0), -1);
	ck_assert_int_eq((long)call(BPF_FUNC_strncmp, P("-3-z"), 4, P("-3-c"), 0, 0), 1);
	ck_assert_int_eq((long)call(BPF_FUNC_strncmp, P("-3-z"), 3, P("-3-c"), 0, 0), 0);
}
END_TEST

START_TEST(test_prandom)
{
	uint64_t a, b;

	/* while the run is current its state is the thread-local copy */
	*rt_run__prandom_state() = 42;
	a = call(BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0);
	b = call(BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_le(a, UINT32_MAX);
	*rt_run__prandom_state() = 42;
	ck_assert_uint_eq(call(BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0), a);
	*rt_run__prandom_state() = 0;
	ck_assert_uint_ne(call(BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0), 0);
}
END_TEST

START_TEST(test_probe_read)
{
	const char src[] = "hello";
	char dst[8];

	ck_assert_int_eq((long)call(BPF_FUNC_probe_read_kernel, P(dst), 6, P(src), 0, 0), 0);
	ck_assert_str_eq(dst, "hello");
	memset(dst, 'x', sizeof(dst));
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read_user_str, P(dst), sizeof(dst), P(src), 0,
				    0),
			 6);
	ck_assert_str_eq(dst, "hello");
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read_str, P(dst), 4, P(src), 0, 0), 4);
	ck_assert_str_eq(dst, "hel");
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read, P(dst), 0, 16, 0, 0), 0);
}
END_TEST

/* -------------------------------------------------------------- errors */

START_TEST(test_probe_read_bad)
{
	char dst[8];

	memset(dst, 'x', sizeof(dst));
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read, P(dst), sizeof(dst), 16, 0, 0), -EFAULT);
	ck_assert_uint_eq(dst[0] | dst[7], 0);
	memset(dst, 'x', sizeof(dst));
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read_kernel_str, P(dst), sizeof(dst), 16, 0, 0),
			 -EFAULT);
	ck_assert_uint_eq(dst[0] | dst[7], 0);
	/* a string running into an unmapped page */
	{
		long pg = sysconf(_SC_PAGESIZE);
		char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ck_assert_ptr_ne(two, MAP_FAILED);
		munmap(two + pg, pg);
		memcpy(two + pg - 3, "abc", 3);
		ck_assert_int_eq((long)call(BPF_FUNC_probe_read_str, P(dst), sizeof(dst),
					    P(two + pg - 3), 0, 0),
				 -EFAULT);
		memcpy(two + pg - 3, "ab", 3);
		ck_assert_int_eq((long)call(BPF_FUNC_probe_read_str, P(dst), sizeof(dst),
					    P(two + pg - 3), 0, 0),
				 3);
		munmap(two, pg);
	}
}
END_TEST

START_TEST(test_checked)
{
	uint8_t stack[64];
	char expect[160];

	run.checked = true;
	run.regions[0] = (struct rt_region){ P(stack), P(stack + sizeof(stack)), true };
	run.nr_regions = 1;
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read, P(stack), 8, P("12345678"), 0, 0), 0);
	ck_assert_int_eq(run.err, 0);
	ck_assert_int_eq((long)call(BPF_FUNC_probe_read, P(stack + 60), 8, P("12345678"), 0, 0),
			 -EFAULT);
	ck_assert_int_eq(run.err, -EFAULT);
	snprintf(expect, sizeof(expect),
		 "helper bpf_probe_read: dst %p (8 bytes) is not writable program memory",
		 (void *)(stack + 60));
	ck_assert_str_eq(log_buf, expect);
}
END_TEST

START_TEST(test_checked_readonly)
{
	uint8_t stack[64] = { 0 };
	char expect[160];

	run.checked = true;
	run.regions[0] = (struct rt_region){ P(stack), P(stack + sizeof(stack)), false };
	run.nr_regions = 1;
	ck_assert_int_eq((long)call(BPF_FUNC_csum_diff, 0, 0, P(stack), 64, 0), 0);
	ck_assert_int_eq((long)call(BPF_FUNC_get_current_comm, P(stack), 16, 0, 0, 0), -EFAULT);
	snprintf(expect, sizeof(expect),
		 "helper bpf_get_current_comm: buf %p (16 bytes) is not writable program memory",
		 (void *)stack);
	ck_assert_str_eq(log_buf, expect);
}
END_TEST

START_TEST(test_checked_map_and_fmt)
{
	struct rt_object obj = { 0 };
	uint8_t stack[64] = { 0 };
	uint32_t key = 0;
	char expect[160];

	run.obj = &obj;
	run.checked = true;
	run.regions[0] = (struct rt_region){ P(stack), P(stack + sizeof(stack)), true };
	run.nr_regions = 1;
	ck_assert_uint_eq(call(BPF_FUNC_map_lookup_elem, P(&key), P(stack), 0, 0, 0), 0);
	ck_assert_int_eq(run.err, -EFAULT);
	snprintf(expect, sizeof(expect), "helper bpf_map_lookup_elem: %p is not a map of this object",
		 (void *)&key);
	ck_assert_str_eq(log_buf, expect);

	/* a fresh log and error for the next failure */
	run_log = (struct rt_log){ .buf = log_buf, .size = sizeof(log_buf) };
	run.err = 0;
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, P(stack), 8, P(stack + 8), P(&key), 8),
			 -EFAULT);
	snprintf(expect, sizeof(expect),
		 "helper bpf_snprintf: data %p (8 bytes) is not readable program memory",
		 (void *)&key);
	ck_assert_str_eq(log_buf, expect);
	ck_assert_int_eq(run.err, -EFAULT);

	/* a format string must lie in program memory up to its NUL */
	run_log = (struct rt_log){ .buf = log_buf, .size = sizeof(log_buf) };
	run.err = 0;
	memset(stack, 'x', sizeof(stack));
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, P(stack), 8, P(stack + 8), 0, 0), -EFAULT);
	snprintf(expect, sizeof(expect),
		 "helper bpf_snprintf: fmt %p is not a string in program memory", (void *)(stack + 8));
	ck_assert_str_eq(log_buf, expect);
}
END_TEST

START_TEST(test_xdp_bad_ctx)
{
	uint8_t d[64] = { 0 };
	struct xdp_md other = { 0 };
	char expect[160];

	set_packet(d, sizeof(d));
	run.checked = true;
	ck_assert_int_eq((long)call(BPF_FUNC_xdp_adjust_head, P(&other), 0, 0, 0, 0), -EINVAL);
	snprintf(expect, sizeof(expect),
		 "helper bpf_xdp_adjust_head: %p is not the program's context", (void *)&other);
	ck_assert_str_eq(log_buf, expect);
}
END_TEST

START_TEST(test_printk_errors)
{
	static const char *const bad[] = {
		"%q", "%sx", "%5.2d", "%#x", "%hd", "%lllx", "%pX", "a\x01", "%", "%5%", "%zd",
		"%Ld", "%d %d %d %d",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg((long)call(BPF_FUNC_trace_printk, P(bad[i]), strlen(bad[i]) + 1, 1, 1,
					 1) == -EINVAL,
			      "format '%s' accepted", bad[i]);
	/* no NUL inside fmt_size */
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P("%s"), 2, 0, 0, 0), -EINVAL);
	ck_assert_uint_eq(printed_len, 0);
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, 0, 0, P("%d"), 0, 0), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, 0, 0, P("x"), P(bad), 4), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, 0, 0, P("x"), P(bad), 13 * 8), -EINVAL);
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, 0, 0, P("x"), 0, 8), -EINVAL);
}
END_TEST

/* -------------------------------------------------------------- limits */

/* The kernel copies %s arguments into a 512-byte buffer: longer ones are cut. */
START_TEST(test_printk_limits)
{
	static char big[2000], out[1100];
	uint64_t a[3];

	memset(big, 'a', sizeof(big) - 1);
	a[0] = P(big);
	ck_assert_int_eq(snp(out, sizeof(out), "%s", a, 1), 512);
	ck_assert_uint_eq(strlen(out), 511);
	/* the bin buffer is full after one 511-char string: no room for another */
	a[1] = P(big);
	ck_assert_int_eq(snp(out, sizeof(out), "%s%s", a, 2), -ENOSPC);
	a[1] = 5;
	ck_assert_int_eq(snp(out, sizeof(out), "%s%c", a, 2), -ENOSPC);
	/* trace_printk prints at most 1023 bytes but returns the full length */
	static const char wide[] = "%2000d";
	ck_assert_int_eq((long)call(BPF_FUNC_trace_printk, P(wide), sizeof(wide), 1, 0, 0), 2000);
	ck_assert_uint_eq(printed_len, 1023);
	/* widths are clamped, not overflowed */
	static const char huge[] = "%99999999999999999999d";
	ck_assert_int_eq((long)call(BPF_FUNC_snprintf, P(out), 8, P(huge), P(a), 8),
			 (1 << 23) - 1 + 1);
}
END_TEST

START_TEST(test_loop_many)
{
	uint64_t count = 0;

	run.callback = loop_cb;
	/* the largest count is accepted; the callback stops it at ten */
	ck_assert_int_eq((long)call(BPF_FUNC_loop, 1 << 23, 0x1234, P(&count), 0, 0), 10);
}
END_TEST

Suite *rt_helpers_suite(void)
{
	Suite *s = suite_create("rt_helpers");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	TCase *limits = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_table);
	tcase_add_test(core, test_trace_printk);
	tcase_add_test(core, test_snprintf);
	tcase_add_test(core, test_csum_diff);
	tcase_add_test(core, test_pid_tgid);
	tcase_add_test(core, test_csum_replace);
	tcase_add_test(core, test_skb_bytes);
	tcase_add_test(core, test_xdp_adjust);
	tcase_add_test(core, test_redirect);
	tcase_add_test(core, test_tunnel_key);
	tcase_add_test(core, test_loop);
	tcase_add_test(core, test_map_helpers);
	tcase_add_test(core, test_for_each);
	tcase_add_test(core, test_task);
	tcase_add_test(core, test_prandom);
	tcase_add_test(core, test_probe_read);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(errors, test_table_unknown);
	tcase_add_test(errors, test_csum_replace_errors);
	tcase_add_test(errors, test_probe_read_bad);
	tcase_add_test(errors, test_checked);
	tcase_add_test(errors, test_checked_readonly);
	tcase_add_test(errors, test_checked_map_and_fmt);
	tcase_add_test(errors, test_xdp_bad_ctx);
	tcase_add_test(errors, test_printk_errors);
	tcase_add_test(errors, test_loop_limits);
	suite_add_tcase(s, errors);

	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_add_test(limits, test_xdp_tail_limit);
	tcase_add_test(limits, test_tail_call);
	tcase_add_test(limits, test_printk_limits);
	tcase_add_test(limits, test_loop_many);
	suite_add_tcase(s, limits);
	return s;
}

TEST_MAIN(rt_helpers_suite)
