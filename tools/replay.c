// SPDX-License-Identifier: MIT
/*
 * Capture replay (bpfaot-run --pcap-in): runs a packet program (XDP, tc,
 * socket filter) over every packet of a pcap or pcapng capture read with
 * libpcap, counts the verdicts, writes the packets the program keeps, as
 * it leaves them, to --pcap-out with their original timestamps, and with
 * --compare runs a second engine beside the first (on its own copy of the
 * maps) and stops at the first packet on which their verdict, output
 * packet or map contents differ.
 *
 * The program is opened, linked and prepared once; each packet is one run
 * (bpfaot_prog__run() for the runtime's engines, one BPF_PROG_TEST_RUN for
 * the kernel), so the per-packet cost is the run's.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>

#include "capture.h"
#include "tool.h"

#define REPLAY_LOG_SIZE (1u << 20)
/* tc verdicts that drop the packet (linux/pkt_cls.h, which clashes with
 * the runtime's bpf header) */
#define TC_ACT_SHOT 2
#define TC_ACT_STOLEN 4
#define TC_ACT_QUEUED 5
#define TC_ACT_TRAP 8
/* the engines' packet limit plus what adjust_head/tail may add */
#define REPLAY_OUT_CAP (RT_MAX_PKT + RT_XDP_HEADROOM + RT_PKT_TAILROOM)

/* One engine of the replay, with its own maps. */
struct side {
	enum bpfaot_engine engine;
	struct rt_object *obj;		/* the runtime's engines: maps live here */
	struct rt_prog *prog;
	struct rt_kernel *k;		/* the kernel engine */
	uint32_t type;			/* the program's type */
	char *log_buf;
	struct rt_log log;
	uint8_t *out;			/* the packet after the run */
	uint32_t out_sz;
	uint32_t retval;		/* packet programs return 32 bits */
	uint64_t total_ns;
	struct tool_map_view *views;	/* dumpable maps, for --compare */
	size_t nr_views;
};

/* Distinct return values and their counts: open addressing on the value. */
struct verdicts {
	uint32_t *val;
	uint64_t *cnt;
	size_t cap, n;
};

static int verdicts__add(struct verdicts *vs, uint32_t v)
{
	size_t i;

	if (2 * (vs->n + 1) > vs->cap) {
		struct verdicts g = { .cap = vs->cap ? 2 * vs->cap : 64 };

		g.val = calloc(g.cap, sizeof(*g.val));
		g.cnt = calloc(g.cap, sizeof(*g.cnt));
		if (!g.val || !g.cnt) {
			free(g.val);
			free(g.cnt);
			return -ENOMEM;
		}
		for (i = 0; i < vs->cap; i++) {
			size_t j = (vs->val[i] * 2654435761u) & (g.cap - 1);

			if (!vs->cnt[i])
				continue;
			while (g.cnt[j])
				j = (j + 1) & (g.cap - 1);
			g.val[j] = vs->val[i];
			g.cnt[j] = vs->cnt[i];
		}
		g.n = vs->n;
		free(vs->val);
		free(vs->cnt);
		*vs = g;
	}
	i = (v * 2654435761u) & (vs->cap - 1);
	while (vs->cnt[i] && vs->val[i] != v)
		i = (i + 1) & (vs->cap - 1);
	if (!vs->cnt[i])
		vs->n++;
	vs->val[i] = v;
	vs->cnt[i]++;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* "retval R: COUNT" lines, ascending. */
static int verdicts__print(const struct verdicts *vs)
{
	uint32_t *sorted = calloc(vs->n + 1, sizeof(*sorted));
	size_t i, n = 0;

	if (!sorted)
		return -ENOMEM;
	for (i = 0; i < vs->cap; i++)
		if (vs->cnt[i])
			sorted[n++] = vs->val[i];
	qsort(sorted, n, sizeof(*sorted), cmp_u32);
	for (i = 0; i < n; i++) {
		size_t j = (sorted[i] * 2654435761u) & (vs->cap - 1);

		while (vs->val[j] != sorted[i] || !vs->cnt[j])
			j = (j + 1) & (vs->cap - 1);
		printf("retval %" PRIu32 ": %" PRIu64 "\n", sorted[i], vs->cnt[j]);
	}
	free(sorted);
	return 0;
}

static void verdicts__free(struct verdicts *vs)
{
	free(vs->val);
	free(vs->cnt);
}

static void print_printk(void *cookie, const char *text, size_t len)
{
	fwrite(text, 1, len, stderr);
	if (len && text[len - 1] != '\n')
		fputc('\n', stderr);
}

static bool is_packet_type(uint32_t type)
{
	return type == BPF_PROG_TYPE_XDP || type == BPF_PROG_TYPE_SCHED_CLS ||
	       type == BPF_PROG_TYPE_SCHED_ACT || type == BPF_PROG_TYPE_SOCKET_FILTER;
}

/*
 * Whether the verdict keeps the packet, and how much of it: XDP_PASS,
 * XDP_TX and XDP_REDIRECT keep it; tc keeps all but TC_ACT_SHOT, _STOLEN,
 * _QUEUED and _TRAP; a socket filter keeps the first retval bytes past the
 * Ethernet header (0 drops). Returns the bytes kept of out_sz.
 */
static uint32_t kept_size(uint32_t type, uint32_t retval, uint32_t out_sz)
{
	switch (type) {
	case BPF_PROG_TYPE_XDP:
		return retval == XDP_PASS || retval == XDP_TX || retval == XDP_REDIRECT ? out_sz : 0;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return retval == TC_ACT_SHOT || retval == TC_ACT_STOLEN ||
		       retval == TC_ACT_QUEUED || retval == TC_ACT_TRAP ? 0 : out_sz;
	case BPF_PROG_TYPE_SOCKET_FILTER:
		if (!retval || out_sz < ETH_HLEN)
			return 0;
		return out_sz - ETH_HLEN > retval ? ETH_HLEN + retval : out_sz;
	}
	return 0;
}

static int side_init_views(struct side *s, struct rt_object *types)
{
	size_t i, n = s->k ? rt_kernel__map_cnt(s->k) : s->obj->nr_maps;

	s->views = calloc(n + 1, sizeof(*s->views));
	if (!s->views)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct tool_map_view *v = &s->views[s->nr_views];

		if (s->k)
			tool_map_view__init_kernel(v, s->k, i, types);
		else
			tool_map_view__init_rt(v, s->obj, s->obj->maps[i]);
		if (tool_map_is_dumpable(v->type))
			s->nr_views++;
	}
	return 0;
}

/* Opens, loads and prepares engine e over the object, maps set. */
static int side_open(struct side *s, enum bpfaot_engine e, const struct tool_replay_opts *o,
		     struct rt_object *types, const char *maps_shm)
{
	BPFAOT_OPTS(bpfaot_open_opts, oo, .prog_type = o->type, .maps_shm = maps_shm);
	char why[256];
	int err;

	s->engine = e;
	s->log_buf = calloc(1, REPLAY_LOG_SIZE);
	s->out = malloc(REPLAY_OUT_CAP);
	if (!s->log_buf || !s->out)
		return -ENOMEM;
	s->log = (struct rt_log){ .buf = s->log_buf, .size = REPLAY_LOG_SIZE };
	if (e == BPFAOT_ENGINE_KERNEL) {
		if (!rt_kernel__available(why, sizeof(why))) {
			tool_err("engine 'kernel': %s", why);
			return -ENOTSUP;
		}
		s->k = rt_kernel__open(o->path, o->type, &s->log);
		if (!s->k) {
			tool_err("%s", s->log_buf);
			return -errno;
		}
		err = tool_map_sets__apply_kernel(s->k, o->sets, o->nr_sets, &s->log);
		if (!err)
			err = tool_kernel_select(s->k, o->prog, types, &s->log);
		if (!err)
			err = rt_kernel__load(s->k, &s->log);
		if (err) {
			tool_err("%s", s->log_buf);
			return err;
		}
		return side_init_views(s, types);
	}
	oo.log_buf = s->log_buf;
	oo.log_size = REPLAY_LOG_SIZE;
	s->obj = rt_object__open(o->path, &oo, &s->log);
	if (!s->obj) {
		tool_err("%s", s->log_buf);
		return -errno;
	}
	s->prog = o->prog ? rt_object__find_prog(s->obj, o->prog) : &s->obj->progs[0];
	if (!s->prog) {
		tool_err("no program '%s' in '%s'", o->prog, o->path);
		return -ENOENT;
	}
	err = tool_map_sets__apply(s->obj, o->sets, o->nr_sets);
	if (err)
		return err;
	return side_init_views(s, NULL);
}

static void side_close(struct side *s)
{
	rt_kernel__free(s->k);
	rt_object__free(s->obj);
	free(s->views);
	free(s->log_buf);
	free(s->out);
}

/* Runs one packet; reports a failure with the packet's number. */
static int side_run(struct side *s, const struct tool_replay_opts *o, const uint8_t *pkt,
		    uint32_t len, uint64_t nr)
{
	BPFAOT_OPTS(bpfaot_run_opts, ro, .engine = s->engine, .data_in = pkt, .data_size_in = len,
		    .data_out = s->out, .data_size_out = REPLAY_OUT_CAP, .ctx_in = o->ctx_in,
		    .ctx_size_in = o->ctx_size_in, .budget = o->budget, .print = print_printk,
		    .log_buf = s->log_buf, .log_size = REPLAY_LOG_SIZE);
	int err;

	if (s->k) {
		s->log_buf[0] = '\0';
		s->log.set = false;
		err = rt_kernel__run(s->k, o->prog, &ro, &s->log);
	} else {
		err = bpfaot_prog__run((struct bpfaot_prog *)s->prog, &ro);
	}
	if (err) {
		tool_err("packet %" PRIu64 ": %s", nr, s->log_buf[0] ? s->log_buf : strerror(-err));
		return err;
	}
	s->retval = (uint32_t)ro.retval;
	s->out_sz = ro.data_size_out;
	/* a socket filter sees the packet from L3 and cannot write it; the
	 * test run hands back its Ethernet header zeroed (the kernel's and
	 * the runtime's alike): the capture gets the original */
	if (s->type == BPF_PROG_TYPE_SOCKET_FILTER && s->out_sz >= ETH_HLEN)
		memcpy(s->out, pkt, ETH_HLEN);
	s->total_ns += ro.duration_ns;
	return 0;
}

/* ----------------------------------------------------------- --compare */

/* The entries of a map as one blob: sorted keys, each followed by its
 * value; *len its size. */
static int map_blob(const struct tool_map_view *v, uint8_t **blob, size_t *len)
{
	size_t n, i, rec = v->key_sz + v->user_val_sz;
	uint8_t *keys, *b;
	int err = tool_map_view__keys(v, &keys, &n);

	if (err)
		return err;
	b = calloc(n + 1, rec);
	if (!b) {
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		memcpy(b + i * rec, keys + i * v->key_sz, v->key_sz);
		if (v->lookup(v->cookie, keys + i * v->key_sz, b + i * rec + v->key_sz))
			memset(b + i * rec + v->key_sz, 0, v->user_val_sz);
	}
	free(keys);
	*blob = b;
	*len = n * rec;
	return 0;
}

/* "  ENGINE: KEY: VALUE", or "(none)" when the engine lacks the key. */
static void print_entry(const char *engine, const struct tool_map_view *v, const uint8_t *key,
			const uint8_t *val)
{
	printf("  %s: ", engine);
	tool_print_hex(stdout, key, v->key_sz);
	printf(": ");
	if (val)
		tool_print_hex(stdout, val, v->user_val_sz);
	else
		printf("(none)");
	printf("\n");
}

/* Prints the entries in which two blobs of one map differ (merged by key). */
static void print_map_diff(const struct side *a, const struct side *b,
			   const struct tool_map_view *v, const uint8_t *ba, size_t la,
			   const uint8_t *bb, size_t lb)
{
	size_t rec = v->key_sz + v->user_val_sz, i = 0, j = 0, shown = 0;
	const char *na = bpfaot_engine__name(a->engine), *nb = bpfaot_engine__name(b->engine);

	while ((i < la || j < lb) && shown < 16) {
		int c = i >= la ? 1 : j >= lb ? -1 : memcmp(ba + i, bb + j, v->key_sz);
		const uint8_t *key = c <= 0 ? ba + i : bb + j;

		if (c == 0 && !memcmp(ba + i, bb + j, rec)) {
			i += rec;
			j += rec;
			continue;
		}
		shown++;
		print_entry(na, v, key, c <= 0 ? ba + i + v->key_sz : NULL);
		print_entry(nb, v, key, c >= 0 ? bb + j + v->key_sz : NULL);
		if (c <= 0)
			i += rec;
		if (c >= 0)
			j += rec;
	}
}

/* 0 when the maps of a and b agree, 1 after printing the first difference. */
static int compare_maps(const struct side *a, const struct side *b, uint64_t nr)
{
	size_t i, j;
	int err = 0;

	for (i = 0; i < a->nr_views && !err; i++) {
		const struct tool_map_view *va = &a->views[i];
		uint8_t *ba = NULL, *bb = NULL;
		size_t la, lb;

		for (j = 0; j < b->nr_views && strcmp(b->views[j].name, va->name); j++)
			;
		if (j == b->nr_views)
			continue;
		err = map_blob(va, &ba, &la);
		if (!err)
			err = map_blob(&b->views[j], &bb, &lb);
		if (!err && (la != lb || memcmp(ba, bb, la))) {
			printf("packet %" PRIu64 ": map '%s' differs\n", nr, va->name);
			print_map_diff(a, b, va, ba, la, bb, lb);
			err = 1;
		}
		free(ba);
		free(bb);
	}
	return err;
}

static void print_answer(const struct side *s)
{
	printf("  %s: retval %" PRIu32 ", packet %" PRIu32 " bytes: ",
	       bpfaot_engine__name(s->engine), s->retval, s->out_sz);
	tool_print_hex(stdout, s->out, s->out_sz);
	printf("\n");
}

/* 0 when both engines gave the same answer on packet nr, 1 after printing
 * the difference, or -errno. */
static int compare_sides(const struct side *a, const struct side *b, uint64_t nr)
{
	if (a->retval != b->retval || a->out_sz != b->out_sz ||
	    memcmp(a->out, b->out, a->out_sz)) {
		printf("packet %" PRIu64 ": %s differs\n", nr,
		       a->retval != b->retval ? "verdict" : "packet out");
		print_answer(a);
		print_answer(b);
		return 1;
	}
	return compare_maps(a, b, nr);
}

/* ------------------------------------------------------------- capture */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct progress {
	bool on;
	uint64_t start, last;
	const struct tool_capture *c;
};

/* "\r[=======>   ]  61%  123456 packets  812345 pkt/s" on stderr. */
static void progress__show(struct progress *p, uint64_t n, bool done)
{
	uint64_t t = now_ns();
	int pct, i;
	char bar[31];

	if (!p->on || (!done && t - p->last < 100000000ull))
		return;
	p->last = t;
	pct = done ? 100 : tool_capture__percent(p->c);
	for (i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '=' : i == pct * 30 / 100 ? '>' : ' ';
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %" PRIu64 " packets  %.0f pkt/s", bar, pct, n,
		t > p->start ? n * 1e9 / (double)(t - p->start) : 0.0);
	if (done)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* Pins the process to one CPU when the kernel runs, so that per-CPU maps
 * land in one slot as the runtime's do (CPU 0 when allowed). */
static void pin_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		int cpu = sched_getcpu();

		CPU_ZERO(&set);
		if (cpu >= 0) {
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
	}
}

int tool_replay(const struct tool_replay_opts *o)
{
	char why[512] = "";
	struct side a = { 0 }, b = { 0 };
	struct verdicts vs = { 0 };
	struct rt_object *types = NULL;
	struct progress prog = { 0 };
	struct tool_capture *in = NULL;
	struct tool_capture_out *out = NULL;
	struct tool_packet pkt;
	uint64_t nr = 0, run = 0, runts = 0, giants = 0;
	uint32_t type;
	int err, rc;

	/* the runtime's object names the program's type (and BTF for the
	 * kernel's maps); the kernel engine opens the file itself */
	{
		BPFAOT_OPTS(bpfaot_open_opts, oo, .prog_type = o->type);
		struct rt_log log = { 0 };
		struct rt_prog *p;

		types = rt_object__open(o->path, &oo, &log);
		p = types ? (o->prog ? rt_object__find_prog(types, o->prog) : &types->progs[0])
			  : NULL;
		if (!p) {
			tool_err("--pcap-in: cannot find the program's type in '%s'", o->path);
			err = -ENOENT;
			goto out;
		}
		type = p->type;
		if (!is_packet_type(type)) {
			tool_err("--pcap-in: program '%s' does not take packets (XDP, tc and socket filter programs do)",
				 p->name);
			err = -EINVAL;
			goto out;
		}
	}
	in = tool_capture__open(o->pcap_in, why, sizeof(why));
	if (!in) {
		tool_err("%s", why);
		err = -errno;
		goto out;
	}
	if (o->engine == BPFAOT_ENGINE_KERNEL ||
	    (o->compare && o->compare_engine == BPFAOT_ENGINE_KERNEL))
		pin_cpu();
	a.type = b.type = type;
	/* the compared engine keeps private maps: the comparison needs two */
	err = side_open(&a, o->engine, o, types, o->maps_shm);
	if (!err && o->compare)
		err = side_open(&b, o->compare_engine, o, types, NULL);
	if (err)
		goto out;
	if (o->pcap_out) {
		out = tool_capture_out__open(o->pcap_out, tool_capture__is_nano(in), why,
					     sizeof(why));
		if (!out) {
			tool_err("%s", why);
			err = -EIO;
			goto out;
		}
	}
	prog.on = o->progress;
	prog.c = in;
	prog.start = prog.last = now_ns();
	while ((rc = tool_capture__next(in, &pkt, why, sizeof(why))) == 1) {
		uint32_t keep;

		nr++;
		/* what neither the runtime nor the kernel runs */
		if (pkt.caplen < ETH_HLEN) {
			runts++;
			continue;
		}
		if (pkt.caplen > RT_MAX_PKT) {
			giants++;
			continue;
		}
		err = side_run(&a, o, pkt.data, pkt.caplen, nr);
		if (!err && o->compare)
			err = side_run(&b, o, pkt.data, pkt.caplen, nr);
		if (!err && o->compare)
			err = compare_sides(&a, &b, nr);
		if (err)
			goto out;
		run++;
		err = verdicts__add(&vs, a.retval);
		if (err)
			goto out;
		keep = kept_size(type, a.retval, a.out_sz);
		if (out && keep) {
			/* the bytes the capture cut off stay cut off */
			pkt.len = pkt.len > pkt.caplen ? pkt.len - pkt.caplen + keep : keep;
			pkt.caplen = keep;
			pkt.data = a.out;
			tool_capture_out__write(out, &pkt);
		}
		if ((nr & 1023) == 0)
			progress__show(&prog, nr, false);
	}
	progress__show(&prog, nr, true);
	if (rc < 0)
		tool_warn("capture '%s' ends in a damaged record after packet %" PRIu64 " (%s); the packets before it were run",
			  o->pcap_in, nr, why);
	if (runts)
		tool_warn("%" PRIu64 " packets shorter than an Ethernet header (14 bytes) were not run",
			  runts);
	if (giants)
		tool_warn("%" PRIu64 " packets longer than %u bytes were not run", giants,
			  RT_MAX_PKT);
	if (out && tool_capture_out__flush(out)) {
		tool_err("cannot write '%s'", o->pcap_out);
		err = -EIO;
		goto out;
	}
	printf("packets: %" PRIu64 "\n", run);
	err = verdicts__print(&vs);
	if (err)
		goto out;
	printf("duration (average): %" PRIu64 " ns\n", run ? a.total_ns / run : 0);
	if (o->compare)
		printf("compare: %s agrees on every packet\n", bpfaot_engine__name(b.engine));
	if (o->dump_maps)
		err = a.k ? tool_dump_kernel_maps(a.k, types, false) : tool_dump_rt_maps(a.obj, false);
out:
	tool_capture_out__close(out);
	tool_capture__close(in);
	verdicts__free(&vs);
	side_close(&a);
	side_close(&b);
	rt_object__free(types);
	return err;
}
