// SPDX-License-Identifier: MIT
/*
 * Check suite of the kernel engine (runtime/kernel.c): small BPF C programs
 * from tests/data/kernel/ are compiled with clang-14 into a temp dir, loaded
 * through libbpf and run with BPF_PROG_TEST_RUN; return values, packets,
 * contexts and map contents are checked against hand calculation. Tests that
 * need bpf() print "SKIP: <reason>" and pass where it is unavailable.
 * Random ALU/jump/stack programs (tests/randprog.h), loaded as socket
 * filters, give the interpreter's return value in the kernel.
 *
 * Run from the source tree (the data directory is tests/data/kernel, or
 * $BPFAOT_KERNEL_DATA).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

#include <bpf/bpf.h>

#include "randprog.h"
#include "testutil.h"
#include "rt_internal.h"
#include "rt_kernel.h"

#define NEED_BPF()                                                                                 \
	do {                                                                                       \
		char why_[256];                                                                    \
		if (!rt_kernel__available(why_, sizeof(why_))) {                                   \
			printf("SKIP: %s\n", why_);                                                \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* Fixture state: Check fixtures communicate through file-scope variables. */
static char tmpdir[PATH_MAX];
static char logbuf[1 << 20];
static struct rt_log tlog;
static struct rt_kernel *kern;

static void setup(void)
{
	strcpy(tmpdir, "/tmp/check_rt_kernel.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	logbuf[0] = '\0';
	tlog = (struct rt_log){ .buf = logbuf, .size = sizeof(logbuf) };
	kern = NULL;
}

static void teardown(void)
{
	struct dirent *de;
	char path[PATH_MAX * 2];
	DIR *d;

	rt_kernel__free(kern);
	kern = NULL;
	d = opendir(tmpdir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void reset_log(void)
{
	logbuf[0] = '\0';
	tlog.set = false;
}

/* Compiles tests/data/kernel/NAME.bpf.c to TMP/NAME.o; returns the path. */
static const char *compile(const char *name)
{
	static char obj[PATH_MAX + 64];
	const char *dir = getenv("BPFAOT_KERNEL_DATA");
	char cmd[3 * PATH_MAX];
	int rc;

	if (!dir)
		dir = "tests/data/kernel";
	snprintf(obj, sizeof(obj), "%s/%s.o", tmpdir, name);
	snprintf(cmd, sizeof(cmd),
		 "clang-14 -target bpf -O2 -g -I/usr/include/x86_64-linux-gnu -c %s/%s.bpf.c -o %s",
		 dir, name, obj);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "clang failed (%d): %s", rc, cmd);
	return obj;
}

static struct rt_kernel *open_obj(const char *name, const char *type)
{
	kern = rt_kernel__open(compile(name), type, &tlog);
	ck_assert_msg(kern, "open %s: %s", name, logbuf);
	return kern;
}

static size_t map_idx(const char *want)
{
	const char *name;
	size_t i;

	for (i = 0; i < rt_kernel__map_cnt(kern); i++) {
		ck_assert_int_eq(rt_kernel__map_info(kern, i, &name, NULL, NULL, NULL, NULL), 0);
		if (!strcmp(name, want))
			return i;
	}
	ck_abort_msg("no map '%s'", want);
	return 0;
}

static uint64_t lookup_u64(size_t map, uint32_t key)
{
	uint64_t v = 0;

	ck_assert_int_eq(rt_kernel__map_lookup(kern, map, &key, &v), 0);
	return v;
}

/* The xdp_count test packet: counts[1] += 7, p[2] becomes 0x11, r0 = 3. */
static void fill_pkt(uint8_t *pkt, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pkt[i] = (uint8_t)(i * 3);
	pkt[0] = 5;
	pkt[1] = 7;
	pkt[2] = 0x10;
	pkt[3] = 2;
}

/* ----------------------------------------------------------------- core */

START_TEST(test_available)
{
	char why[256] = "";

	if (rt_kernel__available(why, sizeof(why)))
		ck_assert_str_eq(why, "");
	else
		ck_assert(!strncmp(why, "bpf() unavailable: ", 19));
}
END_TEST

START_TEST(test_xdp_count)
{
	uint8_t pkt[64], out[128];
	struct xdp_md md = { .data = 0, .data_end = sizeof(pkt) }, md_out;
	uint32_t type, ksz, vsz, max;
	const char *name;
	size_t counts, i;

	NEED_BPF();
	open_obj("xdp_count", NULL);
	counts = map_idx("counts");
	ck_assert_int_eq(rt_kernel__map_info(kern, counts, &name, &type, &ksz, &vsz, &max), 0);
	ck_assert_str_eq(name, "counts");
	ck_assert_uint_eq(type, BPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(ksz, 4);
	ck_assert_uint_eq(vsz, 8);
	ck_assert_uint_eq(max, 4);

	fill_pkt(pkt, sizeof(pkt));
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .ctx_out = &md_out, .ctx_size_out = sizeof(md_out));
	ck_assert_msg(rt_kernel__run(kern, "xdp_count", &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, (5 + 2) & 3);
	ck_assert_uint_eq(o.data_size_out, sizeof(pkt));
	ck_assert_uint_eq(out[2], 0x11);
	for (i = 0; i < sizeof(pkt); i++)
		if (i != 2)
			ck_assert_uint_eq(out[i], pkt[i]);
	ck_assert_uint_eq(o.ctx_size_out, sizeof(md));
	ck_assert_uint_eq(md_out.data_end, sizeof(pkt));

	ck_assert_uint_eq(lookup_u64(counts, 0), 0);
	ck_assert_uint_eq(lookup_u64(counts, 1), 7);
	ck_assert_uint_eq(lookup_u64(counts, 2), 0);
	ck_assert_uint_eq(lookup_u64(counts, 3), 0);
}
END_TEST

START_TEST(test_map_walk_and_queued_update)
{
	uint32_t key = 2, next, seen = 0;
	uint64_t val = 1000;
	uint8_t pkt[64];
	size_t counts;
	int err;

	NEED_BPF();
	open_obj("xdp_count", NULL);
	/* before load: queued, applied by the load */
	ck_assert_int_eq(rt_kernel__set_initial(kern, "counts", &key, 4, &val, 8, &tlog), 0);
	fill_pkt(pkt, sizeof(pkt));
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	counts = map_idx("counts");
	ck_assert_uint_eq(lookup_u64(counts, 1), 7);
	ck_assert_uint_eq(lookup_u64(counts, 2), 1000);

	/* after load: applied at once */
	val = 5;
	ck_assert_int_eq(rt_kernel__set_initial(kern, "counts", &key, 4, &val, 8, &tlog), 0);
	ck_assert_uint_eq(lookup_u64(counts, 2), 5);

	err = rt_kernel__map_next_key(kern, counts, NULL, &next);
	while (!err) {
		ck_assert_uint_eq(next, seen);
		seen++;
		key = next;
		err = rt_kernel__map_next_key(kern, counts, &key, &next);
	}
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(seen, 4);
}
END_TEST

START_TEST(test_percpu_values)
{
	uint8_t pkt[64];
	uint32_t key = 0, sum = 0;
	size_t runs, sz, i;
	uint32_t *vals;

	NEED_BPF();
	open_obj("xdp_count", NULL);
	runs = map_idx("runs");
	sz = rt_kernel__map_user_value_size(kern, runs);
	ck_assert_uint_gt(sz, 0);
	ck_assert_uint_eq(sz % 8, 0);	/* u32 values padded to 8 per CPU */
	fill_pkt(pkt, sizeof(pkt));
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 3);
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	vals = calloc(1, sz);
	ck_assert_int_eq(rt_kernel__map_lookup(kern, runs, &key, vals), 0);
	for (i = 0; i < sz / 8; i++)
		sum += vals[i * 2];
	free(vals);
	ck_assert_uint_eq(sum, 3);
}
END_TEST

START_TEST(test_tc_skb_ctx)
{
	struct __sk_buff in = { .mark = 5, .cb = { 100 } }, out;
	uint8_t pkt[64] = { 0 };

	NEED_BPF();
	open_obj("tc_skb", NULL);
	memset(&out, 0xff, sizeof(out));
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt), .ctx_in = &in,
		    .ctx_size_in = sizeof(in), .ctx_out = &out, .ctx_size_out = sizeof(out));
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, 5 + 100);
	ck_assert_uint_eq(o.ctx_size_out, sizeof(struct __sk_buff));
	ck_assert_uint_eq(out.mark, 42);
	/* tc sees the whole frame, Ethernet header included */
	ck_assert_uint_eq(out.cb[1], sizeof(pkt));
	ck_assert_uint_eq(out.cb[0], 100);
}
END_TEST

START_TEST(test_socket_filter_len)
{
	struct __sk_buff in = { .cb = { 100 } };
	uint8_t pkt[64] = { 0 };

	NEED_BPF();
	open_obj("sock_len", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt), .ctx_in = &in,
		    .ctx_size_in = sizeof(in));
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	/* socket filters start after the Ethernet header (eth_type_trans pulls it) */
	ck_assert_uint_eq(o.retval, 64 - 14 + 100);
	ck_assert_uint_eq(o.ctx_size_out, 0);
}
END_TEST

START_TEST(test_raw_tracepoint)
{
	uint64_t args[2] = { 10, 4 };

	NEED_BPF();
	open_obj("raw_tp", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o, .ctx_in = args, .ctx_size_in = sizeof(args), .repeat = 5);
	ck_assert_msg(rt_kernel__run(kern, "raw_tp", &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, 10 * 3 + 4);
	ck_assert_uint_gt(o.duration_ns, 0);
	ck_assert_uint_eq(o.data_size_out, 0);
}
END_TEST

START_TEST(test_syscall_ctx)
{
	const uint32_t in[2] = { 20, 0 };
	uint32_t out[2] = { 0 };

	NEED_BPF();
	open_obj("syscall", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o, .ctx_in = in, .ctx_size_in = sizeof(in), .ctx_out = out,
		    .ctx_size_out = sizeof(out));
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, 21);
	ck_assert_uint_eq(o.ctx_size_out, sizeof(out));
	ck_assert_uint_eq(out[0], 20);
	ck_assert_uint_eq(out[1], 40);
	ck_assert_uint_eq(in[1], 0);	/* ctx_in is left alone */
}
END_TEST

START_TEST(test_global_data)
{
	uint32_t zero = 0, factor = 21, bias = 3;
	const char *name;
	uint64_t runs = 0;
	uint32_t vsz;
	uint8_t pkt[64] = { 0 };
	size_t bss;

	NEED_BPF();
	open_obj("rodata", NULL);
	/* global data is named by its section */
	map_idx(".rodata");
	map_idx(".data");
	bss = map_idx(".bss");
	ck_assert_int_eq(rt_kernel__map_info(kern, bss, &name, NULL, NULL, &vsz, NULL), 0);
	ck_assert_uint_eq(vsz, 8);
	ck_assert_int_eq(rt_kernel__set_initial(kern, ".rodata", &zero, 4, &factor, 4, &tlog), 0);
	/* libbpf's kernel-side name ("<obj>.data") is accepted too */
	ck_assert_msg(rt_kernel__set_initial(kern, "rodata.data", &zero, 4, &bias, 4, &tlog) == 0,
		      "%s", logbuf);
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	ck_assert_msg(rt_kernel__run(kern, "xdp_factor", &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, 21 * 2 + 3);
	ck_assert_int_eq(rt_kernel__map_lookup(kern, bss, &zero, &runs), 0);
	ck_assert_uint_eq(runs, 1);
}
END_TEST

struct rec {
	uint32_t seq, val;
};

struct recs {
	struct rec r[8];
	int n;
};

static int collect(void *cookie, const void *data, size_t size)
{
	struct recs *rs = cookie;

	ck_assert_uint_eq(size, sizeof(struct rec));
	ck_assert_int_lt(rs->n, 8);
	memcpy(&rs->r[rs->n++], data, size);
	return 0;
}

START_TEST(test_ringbuf)
{
	uint8_t pkt[64] = { 5, 7, 0x10 };
	struct recs rs = { .n = 0 };
	size_t events;

	NEED_BPF();
	open_obj("ringbuf", NULL);
	events = map_idx("events");
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, XDP_PASS);
	ck_assert_int_eq(rt_kernel__ringbuf_consume(kern, events, collect, &rs), 4);
	ck_assert_int_eq(rs.n, 4);
	ck_assert_uint_eq(rs.r[0].seq, 0);
	ck_assert_uint_eq(rs.r[0].val, 5);
	ck_assert_uint_eq(rs.r[1].seq, 1);
	ck_assert_uint_eq(rs.r[1].val, 7);
	ck_assert_uint_eq(rs.r[2].seq, 2);
	ck_assert_uint_eq(rs.r[2].val, 0x10);
	ck_assert_uint_eq(rs.r[3].seq, 100);
	ck_assert_uint_eq(rs.r[3].val, 7);
	/* consumed: nothing left */
	ck_assert_int_eq(rt_kernel__ringbuf_consume(kern, events, collect, &rs), 0);
	ck_assert_int_eq(rs.n, 4);
}
END_TEST

START_TEST(test_prog_type_override)
{
	uint8_t pkt[64] = { 0 };
	static const char *const types[] = { "sched_cls", "tc", "xdp" };
	size_t i;

	NEED_BPF();
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		reset_log();
		rt_kernel__free(kern);
		open_obj("legacy_sec", types[i]);
		BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
		ck_assert_msg(rt_kernel__run(kern, "legacy", &o, &tlog) == 0, "%s: %s", types[i],
			      logbuf);
		ck_assert_uint_eq(o.retval, 7);
	}
}
END_TEST

/* --------------------------------------------------------------- errors */

START_TEST(test_verifier_rejects)
{
	uint8_t pkt[64] = { 0 };

	NEED_BPF();
	open_obj("xdp_oob", NULL);
	ck_assert_int_eq(rt_kernel__load(kern, &tlog), -EACCES);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_msg(strstr(logbuf, ": program 'xdp_oob' rejected by the verifier: Permission denied\n"),
		      "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "invalid access to packet"), "%s", logbuf);
	ck_assert(!rt_kernel__loaded(kern));

	/* run loads first and reports the same */
	reset_log();
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt));
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &o, &tlog), -EACCES);
	ck_assert_msg(strstr(logbuf, "invalid access to packet"), "%s", logbuf);
}
END_TEST

START_TEST(test_unknown_map)
{
	uint32_t key = 0;
	uint64_t val = 0;

	NEED_BPF();
	open_obj("xdp_count", NULL);
	ck_assert_int_eq(rt_kernel__set_initial(kern, "nope", &key, 4, &val, 8, &tlog), -ENOENT);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(logbuf, ": unknown map 'nope'"), "%s", logbuf);
}
END_TEST

START_TEST(test_map_size_mismatch)
{
	uint32_t key = 0, one = 1;
	uint64_t val = 0;

	NEED_BPF();
	open_obj("xdp_count", NULL);
	ck_assert_int_eq(rt_kernel__set_initial(kern, "counts", &key, 4, &one, 4, &tlog), -EINVAL);
	ck_assert_str_eq(logbuf, "map 'counts': key/value of 4/4 bytes, the map takes 4/8");

	reset_log();
	rt_kernel__free(kern);
	open_obj("rodata", NULL);
	ck_assert_int_eq(rt_kernel__set_initial(kern, ".rodata", &key, 4, &val, 8, &tlog), -EINVAL);
	ck_assert_str_eq(logbuf, "map '.rodata': key/value of 4/8 bytes, the map takes 4/4");
	reset_log();
	ck_assert_int_eq(rt_kernel__set_initial(kern, ".rodata", &one, 4, &key, 4, &tlog), -EINVAL);
	ck_assert_str_eq(logbuf, "map '.rodata': global data has the single key 0, not 1");
}
END_TEST

START_TEST(test_rodata_after_load)
{
	uint32_t key = 0, val = 9;

	NEED_BPF();
	open_obj("rodata", NULL);
	ck_assert_msg(rt_kernel__load(kern, &tlog) == 0, "%s", logbuf);
	ck_assert_int_eq(rt_kernel__set_initial(kern, ".rodata", &key, 4, &val, 4, &tlog), -EPERM);
	ck_assert_str_eq(logbuf, "map '.rodata': read-only once loaded; set it before the load");
	/* .data stays writable */
	ck_assert_int_eq(rt_kernel__set_initial(kern, ".data", &key, 4, &val, 4, NULL), 0);
}
END_TEST

START_TEST(test_kprobe_no_test_run)
{
	NEED_BPF();
	open_obj("kprobe", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o);
	ck_assert_int_eq(rt_kernel__run(kern, "kp", &o, &tlog), -ENOTSUP);
	ck_assert_int_eq(errno, ENOTSUP);
	ck_assert_str_eq(logbuf,
			 "program 'kp' of type 'kprobe': the kernel has no test run for this type");
}
END_TEST

START_TEST(test_open_errors)
{
	char path[PATH_MAX + 32];

	NEED_BPF();
	snprintf(path, sizeof(path), "%s/missing.o", tmpdir);
	ck_assert_ptr_null(rt_kernel__open(path, NULL, &tlog));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(logbuf, "missing.o: cannot open: No such file or directory"), "%s",
		      logbuf);

	reset_log();
	ck_assert_ptr_null(rt_kernel__open(compile("xdp_count"), "bogus", &tlog));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(logbuf, "unknown program type 'bogus'");
}
END_TEST

START_TEST(test_legacy_section_needs_type)
{
	NEED_BPF();
	open_obj("legacy_sec", NULL);
	ck_assert_int_eq(rt_kernel__load(kern, &tlog), -EINVAL);
	ck_assert_msg(strstr(logbuf, "load failed: Invalid argument (prog 'legacy': missing BPF prog type"),
		      "%s", logbuf);
}
END_TEST

START_TEST(test_run_errors)
{
	uint64_t args[2] = { 1, 2 };
	uint8_t pkt[64] = { 0 };
	struct __sk_buff skb = { .len = 5 };

	NEED_BPF();
	open_obj("raw_tp", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .ctx_in = args, .ctx_size_in = sizeof(args));
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &o, &tlog), -EINVAL);
	ck_assert_str_eq(logbuf, "program 'raw_tp' of type 'raw_tracepoint' takes no packet; "
				 "pass its arguments as ctx_in");

	reset_log();
	ck_assert_int_eq(rt_kernel__run(kern, "zzz", &o, &tlog), -ENOENT);
	ck_assert_msg(strstr(logbuf, ": no program 'zzz'"), "%s", logbuf);

	reset_log();
	rt_kernel__free(kern);
	open_obj("xdp_count", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, s, .data_in = pkt, .data_size_in = 13);
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &s, &tlog), -EINVAL);
	ck_assert_str_eq(logbuf, "program 'xdp_count' of type 'xdp': the packet has 13 bytes; the "
				 "kernel's test run needs at least 14 (an Ethernet header)");

	reset_log();
	rt_kernel__free(kern);
	open_obj("tc_skb", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, c, .data_in = pkt, .data_size_in = sizeof(pkt), .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &c, &tlog), -EINVAL);
	ck_assert_msg(strstr(logbuf, "program 'tc_skb' of type 'sched_cls': ctx_in sets byte 0 of "
				     "struct __sk_buff"),
		      "%s", logbuf);
}
END_TEST

/* --------------------------------------------------------------- limits */

START_TEST(test_repeat)
{
	uint8_t pkt[64];

	NEED_BPF();
	open_obj("xdp_count", NULL);
	fill_pkt(pkt, sizeof(pkt));
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 1000);
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	ck_assert_uint_eq(o.retval, 3);
	ck_assert_uint_gt(o.duration_ns, 0);
	ck_assert_uint_eq(lookup_u64(map_idx("counts"), 1), 7 * 1000);
}
END_TEST

START_TEST(test_data_out_too_small)
{
	uint8_t pkt[64], out[16];

	NEED_BPF();
	open_obj("xdp_count", NULL);
	fill_pkt(pkt, sizeof(pkt));
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .data_out = out, .data_size_out = sizeof(out));
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &o, &tlog), -ENOSPC);
	ck_assert_str_eq(logbuf,
			 "program 'xdp_count': data_out holds 16 bytes, the packet after the run has 64");
	ck_assert_uint_eq(o.retval, 3);
	ck_assert_uint_eq(out[2], 0x11);	/* filled as far as it fits */
}
END_TEST

START_TEST(test_packet_sizes)
{
	static uint8_t pkt[8192];

	NEED_BPF();
	open_obj("tc_skb", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o, .data_in = pkt, .data_size_in = 3712);
	ck_assert_msg(rt_kernel__run(kern, NULL, &o, &tlog) == 0, "%s", logbuf);
	o.data_size_in = sizeof(pkt);
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &o, &tlog), -EINVAL);
	ck_assert_msg(strstr(logbuf, "program 'tc_skb' of type 'sched_cls': test run failed: "
				     "Invalid argument (the packet must fit"),
		      "%s", logbuf);
}
END_TEST

START_TEST(test_raw_tp_too_many_args)
{
	uint64_t args[13] = { 0 };

	NEED_BPF();
	open_obj("raw_tp", NULL);
	BPFAOT_OPTS(bpfaot_run_opts, o, .ctx_in = args, .ctx_size_in = sizeof(args));
	ck_assert_int_eq(rt_kernel__run(kern, NULL, &o, &tlog), -EINVAL);
	ck_assert_str_eq(logbuf, "program 'raw_tp' of type 'raw_tracepoint': test run failed: "
				 "Invalid argument (ctx_in must cover every argument the program "
				 "reads, at most 12 u64)");
}
END_TEST

START_TEST(test_small_log_keeps_verdict)
{
	char small[400];
	struct rt_log slog = { .buf = small, .size = sizeof(small) };

	NEED_BPF();
	open_obj("xdp_oob", NULL);
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(rt_kernel__load(kern, &slog), -EACCES);
	ck_assert_uint_lt(strnlen(small, sizeof(small)), sizeof(small));
	ck_assert_msg(strstr(small, "rejected by the verifier"), "%s", small);
	ck_assert_msg(strstr(small, "processed 2 insns"), "%s", small);
}
END_TEST

START_TEST(test_map_index_bounds)
{
	uint32_t key = 0;
	uint64_t val;
	struct recs rs = { .n = 0 };

	NEED_BPF();
	open_obj("xdp_count", NULL);
	ck_assert_uint_eq(rt_kernel__map_cnt(kern), 2);
	ck_assert_int_eq(rt_kernel__map_info(kern, 2, NULL, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_uint_eq(rt_kernel__map_user_value_size(kern, 2), 0);
	/* the kernel's maps exist only once loaded */
	ck_assert_int_eq(rt_kernel__map_lookup(kern, 0, &key, &val), -EINVAL);
	ck_assert_int_eq(rt_kernel__load(kern, &tlog), 0);
	ck_assert_int_eq(rt_kernel__load(kern, &tlog), 0);	/* twice: no-op */
	ck_assert_int_eq(rt_kernel__map_lookup(kern, 2, &key, &val), -EINVAL);
	ck_assert_int_eq(rt_kernel__map_next_key(kern, 5, NULL, &key), -EINVAL);
	/* not a ring buffer */
	ck_assert_int_eq(rt_kernel__ringbuf_consume(kern, 0, collect, &rs), -EINVAL);
	ck_assert_uint_eq(rt_kernel__map_cnt(NULL), 0);
	rt_kernel__free(NULL);
}
END_TEST

/* Random bytecode (randprog.h) in the kernel: the interpreter's r0, low
 * 32 bits (what a test run reports). A prologue zeroes the stack, which the
 * interpreter does and the kernel does not (programs read slots they never
 * wrote, which the kernel allows root), and each unconditional jump becomes
 * `if r10 != 0 goto` (always taken), because the kernel refuses code that
 * only an unconditional jump skips ("unreachable insn"); immediate shift
 * counts are masked to the width and a division or modulo by the immediate
 * 0 becomes the move that gives BPF's result, because the verifier refuses
 * those forms ("invalid shift", "div by zero"). All of this leaves the
 * interpreter's result unchanged. */
#define RANDOM_PROGRAMS 300
#define STACK_ZERO_INSNS (RT_STACK_SIZE / 8)

/* in as the kernel's verifier takes it, with the same result (see above). */
static struct rt_insn kernel_form(struct rt_insn in)
{
	uint8_t cls = rt_insn_class(in.code), op = rt_insn_op(in.code);
	bool k = rt_insn_is_alu(in.code) && rt_insn_src(in.code) == RT_SRC_K;

	if (in.code == (RT_CLASS_JMP | RT_OP_JA))
		return (struct rt_insn){ RT_CLASS_JMP | RT_OP_JNE | RT_SRC_K, 10, 0, in.off, 0 };
	if (in.code == (RT_CLASS_JMP32 | RT_OP_JA))
		return (struct rt_insn){ RT_CLASS_JMP | RT_OP_JNE | RT_SRC_K, 10, 0,
					 (int16_t)in.imm, 0 };
	if (k && (op == RT_OP_LSH || op == RT_OP_RSH || op == RT_OP_ARSH))
		in.imm &= cls == RT_CLASS_ALU64 ? 63 : 31;
	if (k && op == RT_OP_DIV && in.imm == 0)	/* x / 0 = 0 */
		return (struct rt_insn){ cls | RT_OP_MOV | RT_SRC_K, in.dst, 0, 0, 0 };
	if (k && op == RT_OP_MOD && in.imm == 0)	/* x % 0 = x (32-bit: zero-extended) */
		return (struct rt_insn){ cls | RT_OP_MOV | RT_SRC_X, in.dst, in.dst, 0, 0 };
	return in;
}

START_TEST(test_random_bytecode)
{
	static uint8_t pkt[64];
	struct gen *g, *z;
	char *vlog;
	int k;

	NEED_BPF();
	g = calloc(1, sizeof(*g));
	z = calloc(1, sizeof(*z));
	vlog = malloc(1 << 16);
	ck_assert(g && z && vlog);
	g->s = 0x6a09e667f3bcc909ull;
	for (k = 0; k < RANDOM_PROGRAMS; k++) {
		LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_buf = vlog, .log_size = 1 << 16,
			    .log_level = 1);
		LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = pkt, .data_size_in = sizeof(pkt));
		char log[512] = "";
		struct rt_log l = { .buf = log, .size = sizeof(log) };
		struct bpfaot_run_opts ro = { .sz = sizeof(ro), .engine = BPFAOT_ENGINE_INTERP,
					      .log_buf = log, .log_size = sizeof(log) };
		struct rt_object *obj;
		char *text;
		size_t i;
		int fd, err;

		gen_program(g, 8 + rnd(g) % 120);
		z->n = 0;
		for (i = 0; i < STACK_ZERO_INSNS; i++)
			put(z, RT_CLASS_ST | RT_MODE_MEM | RT_SIZE_DW, 10, 0,
			    (int16_t)(-8 * (int)(i + 1)), 0);
		for (i = 0; i < g->n; i++) {
			/* the second half of an lddw is no instruction */
			bool lddw_tail = i > 0 && rt_insn_is_lddw(g->insns[i - 1].code);

			z->insns[z->n++] = lddw_tail ? g->insns[i] : kernel_form(g->insns[i]);
		}
		text = program_text(z);
		obj = rt_object__open_mem(text, strlen(text), "r.data", NULL, &l);
		ck_assert_msg(obj, "program %d refused: %s\n%.1500s", k, log, text);
		ck_assert_msg(!bpfaot_prog__run((struct bpfaot_prog *)&obj->progs[0], &ro),
			      "program %d: interp: %s\n%.1500s", k, log, text);
		vlog[0] = '\0';
		fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "rand", "GPL",
				   (const struct bpf_insn *)z->insns, z->n, &lo);
		/* the verdict is at the end of the verifier's log */
		ck_assert_msg(fd >= 0, "program %d: the kernel refused it: %s\n...%s\n%.1500s", k,
			      strerror(errno), vlog + (strlen(vlog) > 1500 ? strlen(vlog) - 1500 : 0),
			      text);
		err = bpf_prog_test_run_opts(fd, &to);
		close(fd);
		ck_assert_msg(!err, "program %d: test run: %s", k, strerror(errno));
		ck_assert_msg(to.retval == (uint32_t)ro.retval,
			      "program %d: kernel 0x%x, interp 0x%" PRIx64 "\n%.1500s", k, to.retval,
			      ro.retval, text);
		rt_object__free(obj);
		free(text);
	}
	printf("kernel: %d random programs agree with interp\n", RANDOM_PROGRAMS);
	free(vlog);
	free(z);
	free(g);
}
END_TEST

Suite *rt_kernel_suite(void)
{
	Suite *s = suite_create("rt_kernel");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_available);
	tcase_add_test(tc, test_xdp_count);
	tcase_add_test(tc, test_map_walk_and_queued_update);
	tcase_add_test(tc, test_percpu_values);
	tcase_add_test(tc, test_tc_skb_ctx);
	tcase_add_test(tc, test_socket_filter_len);
	tcase_add_test(tc, test_raw_tracepoint);
	tcase_add_test(tc, test_syscall_ctx);
	tcase_add_test(tc, test_global_data);
	tcase_add_test(tc, test_ringbuf);
	tcase_add_test(tc, test_prog_type_override);
	tcase_add_test(tc, test_random_bytecode);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_verifier_rejects);
	tcase_add_test(tc, test_unknown_map);
	tcase_add_test(tc, test_map_size_mismatch);
	tcase_add_test(tc, test_rodata_after_load);
	tcase_add_test(tc, test_kprobe_no_test_run);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_legacy_section_needs_type);
	tcase_add_test(tc, test_run_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_repeat);
	tcase_add_test(tc, test_data_out_too_small);
	tcase_add_test(tc, test_packet_sizes);
	tcase_add_test(tc, test_raw_tp_too_many_args);
	tcase_add_test(tc, test_small_log_keeps_verdict);
	tcase_add_test(tc, test_map_index_bounds);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rt_kernel_suite)
