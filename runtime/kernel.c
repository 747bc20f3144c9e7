// SPDX-License-Identifier: MIT
/*
 * The kernel engine, the project's outside oracle: libbpf opens and loads
 * the unchanged BPF ELF (the kernel's verifier and JIT), BPF_PROG_TEST_RUN
 * runs a program on the caller's packet and context, and the maps are read
 * back through bpf(2) so that their contents can be compared with the other
 * engines'. libbpf's messages are captured instead of printed, so that a
 * failure's reason, and a rejection's verifier log, reach the caller's log.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "rt_internal.h"
#include "rt_kernel.h"

/* The kernel's internal ENOTSUPP, which BPF_PROG_TEST_RUN returns for
 * program types without a test run; it leaks to user space as 524. */
#define KERNEL_ENOTSUPP 524
/* Anything shorter is refused by the kernel's packet test runs (ETH_HLEN). */
#define KERNEL_MIN_PKT 14
/* Bound on the captured libbpf text (a verifier log can be 16 MiB and more). */
#define CAPTURE_MAX (64u << 20)

struct kernel_map {
	struct bpf_map *map;	/* owned by the bpf_object */
	char *name;		/* the user-visible name, see map_real_name() */
};

/* A --map-set queued until the maps exist. */
struct kernel_update {
	size_t map;
	void *key;		/* NULL for keyless maps */
	void *val;
};

struct rt_kernel {
	char *path;
	struct bpf_object *obj;
	struct kernel_map *maps;
	size_t map_cnt;
	struct kernel_update *updates;
	size_t update_cnt, update_cap;
	bool loaded;
	int load_err;		/* the failed load's -errno, 0 if none yet */
	/* libbpf's warnings during the current rt_kernel__* call */
	char *cap;
	size_t cap_len, cap_size;
};

/*
 * libbpf's print callback takes no cookie, so the object whose call is under
 * way is found through this thread-local pointer, set around each libbpf
 * call that may print and restored after it (calls do not nest, but
 * restoring keeps that true if they ever do). Thread-safe: each thread sees
 * only its own calls.
 */
static __thread struct rt_kernel *capture_target;
/* libbpf_set_print() is process-global: installed once, never undone. */
static pthread_once_t print_once = PTHREAD_ONCE_INIT;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct rt_kernel *k = capture_target;
	va_list aq;
	size_t need;
	int n;

	/* INFO and DEBUG are libbpf's progress chatter, never a reason */
	if (!k || level != LIBBPF_WARN)
		return 0;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n <= 0 || k->cap_len + (size_t)n >= CAPTURE_MAX)
		return 0;
	need = k->cap_len + n + 1;
	if (rt_ensure_mem((void **)&k->cap, &k->cap_size, 1, need))
		return 0;
	vsnprintf(k->cap + k->cap_len, n + 1, fmt, ap);
	k->cap_len += n;
	return 0;
}

static void install_print(void)
{
	libbpf_set_print(capture_print);
}

static struct rt_kernel *capture_begin(struct rt_kernel *k)
{
	struct rt_kernel *prev = capture_target;

	pthread_once(&print_once, install_print);
	k->cap_len = 0;
	if (k->cap)
		k->cap[0] = '\0';
	capture_target = k;
	return prev;
}

static void capture_end(struct rt_kernel *prev)
{
	capture_target = prev;
}

/* The first line libbpf warned (the cause; later lines are its
 * consequences), without its "libbpf: " prefix, or "". */
static void capture_first_line(const struct rt_kernel *k, char *out, size_t out_sz)
{
	const char *start, *end;
	size_t len;

	out[0] = '\0';
	if (!k->cap_len)
		return;
	start = k->cap;
	while (*start == '\n')
		start++;
	if (!strncmp(start, "libbpf: ", 8))
		start += 8;
	end = strchrnul(start, '\n');
	len = end - start;
	if (len >= out_sz)
		len = out_sz - 1;
	memcpy(out, start, len);
	out[len] = '\0';
}

/*
 * Writes head, a newline and detail to the log. When the buffer is too small
 * for both, the end of detail is kept (starting at a line), because a
 * verifier log ends with its verdict.
 */
static void log_with_tail(struct rt_log *log, const char *head, const char *detail, size_t len)
{
	size_t hlen = strlen(head), room;
	const char *p;

	while (len && detail[len - 1] == '\n')
		len--;
	if (!log || log->set || !log->buf || !log->size || !len || hlen + 2 >= log->size) {
		rt_log__err(log, "%s", head);
		return;
	}
	room = log->size - hlen - 2;
	if (len <= room) {
		rt_log__err(log, "%s\n%.*s", head, (int)len, detail);
		return;
	}
	if (room < 8) {
		rt_log__err(log, "%s", head);
		return;
	}
	room -= 4; /* "...\n" */
	p = detail + len - room;
	while (p < detail + len && p[-1] != '\n')
		p++;
	rt_log__err(log, "%s\n...\n%.*s", head, (int)(detail + len - p), p);
}

static int fail(int err)
{
	errno = -err;
	return err;
}

static const char *prog_type_str(enum bpf_prog_type type)
{
	const char *s = libbpf_bpf_prog_type_str(type);

	return s ? s : "unknown";
}

/* ------------------------------------------------------- availability */

bool rt_kernel__available(char *why, size_t why_sz)
{
	/* r0 = 0; exit: the smallest program every kernel accepts */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd, err;

	pthread_once(&print_once, install_print);
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns, 2, NULL);
	if (fd < 0) {
		err = errno;
		if (why && why_sz)
			snprintf(why, why_sz, "bpf() unavailable: %s", strerror(err));
		errno = err;
		return false;
	}
	close(fd);
	return true;
}

/* ----------------------------------------------------- program types */

/* Short spellings that neither libbpf's type names nor its SEC() table give. */
static const struct {
	const char *name;
	enum bpf_prog_type type;
} type_aliases[] = {
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS },
	{ "action", BPF_PROG_TYPE_SCHED_ACT },
	{ "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "tp", BPF_PROG_TYPE_TRACEPOINT },
};

static int parse_prog_type(const char *name, enum bpf_prog_type *type,
			   enum bpf_attach_type *attach, bool *has_attach)
{
	enum bpf_prog_type t;
	size_t i;

	*has_attach = false;
	for (i = 0; i < sizeof(type_aliases) / sizeof(type_aliases[0]); i++) {
		if (!strcmp(name, type_aliases[i].name)) {
			*type = type_aliases[i].type;
			return 0;
		}
	}
	/* libbpf's table ends with a NULL past its last known type */
	for (t = BPF_PROG_TYPE_UNSPEC + 1; libbpf_bpf_prog_type_str(t); t++) {
		if (!strcmp(name, libbpf_bpf_prog_type_str(t))) {
			*type = t;
			return 0;
		}
	}
	if (!libbpf_prog_type_by_name(name, type, attach)) {
		*has_attach = true;
		return 0;
	}
	return -EINVAL;
}

/* ----------------------------------------------------------------- open */

/*
 * The name users know a map by. libbpf 1.1's bpf_map__name() gives the ELF
 * section for .data.NAME and .rodata.NAME, but the kernel-side name
 * ("objname.rodata", truncated to 15 characters) for .data, .rodata, .bss
 * and .kconfig; bpf_object__find_map_by_name() matches a name starting with
 * a dot against the section, which recovers it. The other engines name
 * global data by its section, so dumps compare.
 */
static const char *map_real_name(struct bpf_object *obj, struct bpf_map *map)
{
	static const char *const secs[] = { ".rodata", ".data", ".bss", ".kconfig" };
	const char *name = bpf_map__name(map);
	size_t i;

	if (!bpf_map__is_internal(map) || name[0] == '.')
		return name;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (bpf_object__find_map_by_name(obj, secs[i]) == map)
			return secs[i];
	return name;
}

static int collect_maps(struct rt_kernel *k)
{
	struct bpf_map *map;
	size_t n = 0;

	bpf_object__for_each_map(map, k->obj)
		n++;
	if (!n)
		return 0;
	k->maps = calloc(n, sizeof(*k->maps));
	if (!k->maps)
		return -ENOMEM;
	bpf_object__for_each_map(map, k->obj) {
		struct kernel_map *km = &k->maps[k->map_cnt];

		km->map = map;
		km->name = strdup(map_real_name(k->obj, map));
		if (!km->name)
			return -ENOMEM;
		k->map_cnt++;
	}
	return 0;
}

struct rt_kernel *rt_kernel__open(const char *path, const char *prog_type, struct rt_log *log)
{
	enum bpf_attach_type attach = 0;
	enum bpf_prog_type type = 0;
	struct bpf_program *prog;
	struct rt_kernel *k, *prev;
	bool has_attach = false;
	char first[256];
	int err;

	if (!path) {
		rt_log__err(log, "no object path given");
		errno = EINVAL;
		return NULL;
	}
	if (prog_type && parse_prog_type(prog_type, &type, &attach, &has_attach)) {
		rt_log__err(log, "unknown program type '%s'", prog_type);
		errno = EINVAL;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		goto out_nomem;
	k->path = strdup(path);
	if (!k->path)
		goto out_free;

	prev = capture_begin(k);
	k->obj = bpf_object__open_file(path, NULL);
	err = k->obj ? 0 : -errno;
	capture_end(prev);
	if (err) {
		capture_first_line(k, first, sizeof(first));
		if (first[0])
			rt_log__err(log, "%s: cannot open: %s (%s)", path, strerror(-err), first);
		else
			rt_log__err(log, "%s: cannot open: %s", path, strerror(-err));
		rt_kernel__free(k);
		errno = -err;
		return NULL;
	}

	if (prog_type) {
		bpf_object__for_each_program(prog, k->obj) {
			bpf_program__set_type(prog, type);
			if (has_attach)
				bpf_program__set_expected_attach_type(prog, attach);
		}
	}
	if (collect_maps(k))
		goto out_free;
	return k;

out_free:
	rt_kernel__free(k);
out_nomem:
	rt_log__err(log, "%s: out of memory", path);
	errno = ENOMEM;
	return NULL;
}

void rt_kernel__free(struct rt_kernel *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->update_cnt; i++) {
		free(k->updates[i].key);
		free(k->updates[i].val);
	}
	free(k->updates);
	for (i = 0; i < k->map_cnt; i++)
		free(k->maps[i].name);
	free(k->maps);
	bpf_object__close(k->obj);
	free(k->cap);
	free(k->path);
	free(k);
}

/* ----------------------------------------------------------------- maps */

static bool map_type_is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Maps whose bpf(2) update takes no key (push). */
static bool map_type_is_keyless(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK ||
	       type == BPF_MAP_TYPE_BLOOM_FILTER;
}

static size_t user_value_size(const struct bpf_map *map)
{
	size_t sz = bpf_map__value_size(map);
	int ncpus;

	if (!map_type_is_percpu(bpf_map__type(map)))
		return sz;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return 0;
	return ((sz + 7) & ~(size_t)7) * ncpus;
}

static int find_map(const struct rt_kernel *k, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < k->map_cnt; i++) {
		if (!strcmp(k->maps[i].name, name) || !strcmp(bpf_map__name(k->maps[i].map), name)) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

static int map_update(const struct rt_kernel *k, size_t i, const void *key, const void *val,
		      struct rt_log *log)
{
	const struct kernel_map *km = &k->maps[i];
	int err;

	err = bpf_map_update_elem(bpf_map__fd(km->map), key, val, BPF_ANY);
	if (!err)
		return 0;
	err = -errno;
	if (err == -EPERM && bpf_map__is_internal(km->map))
		rt_log__err(log, "map '%s': read-only once loaded; set it before the load",
			    km->name);
	else
		rt_log__err(log, "map '%s': update failed: %s", km->name, strerror(-err));
	return fail(err);
}

int rt_kernel__set_initial(struct rt_kernel *k, const char *map, const void *key, uint32_t key_sz,
			   const void *val, uint32_t val_sz, struct rt_log *log)
{
	struct kernel_update *u;
	const struct bpf_map *m;
	size_t i, want_val;
	uint32_t want_key, zero;
	int err;

	if (!k || !map || !val || (key_sz && !key)) {
		rt_log__err(log, "map update: missing argument");
		return fail(-EINVAL);
	}
	if (find_map(k, map, &i)) {
		rt_log__err(log, "%s: unknown map '%s'", k->path, map);
		return fail(-ENOENT);
	}
	m = k->maps[i].map;
	map = k->maps[i].name;
	want_key = map_type_is_keyless(bpf_map__type(m)) ? 0 : bpf_map__key_size(m);
	want_val = user_value_size(m);
	if (key_sz != want_key || val_sz != want_val) {
		rt_log__err(log, "map '%s': key/value of %u/%u bytes, the map takes %u/%zu", map,
			    key_sz, val_sz, want_key, want_val);
		return fail(-EINVAL);
	}

	if (bpf_map__is_internal(m)) {
		memcpy(&zero, key, sizeof(zero));
		if (zero != 0) {
			rt_log__err(log, "map '%s': global data has the single key 0, not %u", map,
				    zero);
			return fail(-EINVAL);
		}
		if (k->loaded)
			return map_update(k, i, key, val, log);
		err = bpf_map__set_initial_value(k->maps[i].map, val, val_sz);
		if (err) {
			rt_log__err(log, "map '%s': cannot set its initial value: %s", map,
				    strerror(-err));
			return fail(err);
		}
		return 0;
	}
	if (k->loaded)
		return map_update(k, i, key_sz ? key : NULL, val, log);

	if (rt_ensure_mem((void **)&k->updates, &k->update_cap, sizeof(*k->updates),
			  k->update_cnt + 1))
		goto out_nomem;
	u = &k->updates[k->update_cnt];
	u->map = i;
	u->key = NULL;
	u->val = malloc(val_sz ? val_sz : 1);
	if (!u->val)
		goto out_nomem;
	memcpy(u->val, val, val_sz);
	if (key_sz) {
		u->key = malloc(key_sz);
		if (!u->key) {
			free(u->val);
			goto out_nomem;
		}
		memcpy(u->key, key, key_sz);
	}
	k->update_cnt++;
	return 0;

out_nomem:
	rt_log__err(log, "map '%s': out of memory", map);
	return fail(-ENOMEM);
}

/* ----------------------------------------------------------------- load */

/*
 * The program whose verifier log starts at vlog: libbpf writes
 * "prog 'NAME': -- BEGIN PROG LOAD LOG --" on the line before. (The fds
 * cannot tell: libbpf unloads every program when one fails.)
 */
static bool rejected_prog_name(const char *cap, const char *marker, char *out, size_t out_sz)
{
	const char *line = marker, *p, *q;

	while (line > cap && line[-1] != '\n')
		line--;
	p = strstr(line, "prog '");
	if (!p || p > marker)
		return false;
	p += 6;
	q = strchr(p, '\'');
	if (!q || q > marker || (size_t)(q - p) >= out_sz)
		return false;
	memcpy(out, p, q - p);
	out[q - p] = '\0';
	return true;
}

/* Reports a failed load from the captured libbpf text (kept until the
 * next capture, so that a repeated load reports the same). */
static void report_load_failure(struct rt_kernel *k, int err, struct rt_log *log)
{
	static const char begin[] = "-- BEGIN PROG LOAD LOG --\n";
	static const char end[] = "-- END PROG LOAD LOG --";
	const char *marker = NULL, *vlog = NULL, *vend = NULL;
	char head[512], first[256], prog[128];

	if (k->cap_len)
		marker = strstr(k->cap, begin);
	if (marker) {
		vlog = marker + sizeof(begin) - 1;
		vend = strstr(vlog, end);
	}
	if (vend && rejected_prog_name(k->cap, marker, prog, sizeof(prog))) {
		snprintf(head, sizeof(head), "%s: program '%s' rejected by the verifier: %s",
			 k->path, prog, strerror(-err));
		log_with_tail(log, head, vlog, vend - vlog);
		return;
	}
	/* no verifier log: maps, BTF or relocations failed; libbpf said why */
	capture_first_line(k, first, sizeof(first));
	if (first[0])
		snprintf(head, sizeof(head), "%s: load failed: %s (%s)", k->path, strerror(-err),
			 first);
	else
		snprintf(head, sizeof(head), "%s: load failed: %s", k->path, strerror(-err));
	log_with_tail(log, head, k->cap ? k->cap : "", k->cap_len);
}

int rt_kernel__load(struct rt_kernel *k, struct rt_log *log)
{
	struct rt_kernel *prev;
	size_t i;
	int err;

	if (!k)
		return fail(-EINVAL);
	if (k->loaded)
		return 0;
	/* libbpf refuses a second attempt; repeat the first one's verdict */
	if (k->load_err) {
		report_load_failure(k, k->load_err, log);
		return fail(k->load_err);
	}
	prev = capture_begin(k);
	err = bpf_object__load(k->obj);
	capture_end(prev);
	if (err) {
		/* libbpf 1.x returns -errno; keep a negative code either way */
		err = err < 0 ? err : -EINVAL;
		k->load_err = err;
		report_load_failure(k, err, log);
		return fail(err);
	}
	k->loaded = true;

	for (i = 0; i < k->update_cnt; i++) {
		err = map_update(k, k->updates[i].map, k->updates[i].key, k->updates[i].val, log);
		if (err)
			return err;
	}
	return 0;
}

static struct bpf_program *find_prog(const struct rt_kernel *k, const char *name);

int rt_kernel__select(struct rt_kernel *k, const char *prog_name, const char *const *also,
		      size_t nr_also, struct rt_log *log)
{
	struct bpf_program *sel, *p;
	size_t i;

	if (!k)
		return fail(-EINVAL);
	if (k->loaded || k->load_err) {
		rt_log__err(log, "%s: programs are selected before the load", k->path);
		return fail(-EINVAL);
	}
	sel = find_prog(k, prog_name);
	if (!sel)
		return 0;
	bpf_object__for_each_program(p, k->obj) {
		bool keep = p == sel;

		for (i = 0; i < nr_also && !keep; i++)
			keep = also[i] && !strcmp(bpf_program__name(p), also[i]);
		bpf_program__set_autoload(p, keep);
	}
	return 0;
}

bool rt_kernel__loaded(const struct rt_kernel *k)
{
	return k && k->loaded;
}

/* ------------------------------------------------------------------ run */

static struct bpf_program *find_prog(const struct rt_kernel *k, const char *name)
{
	struct bpf_program *prog;

	if (!name)
		return bpf_object__next_program(k->obj, NULL);
	prog = bpf_object__find_program_by_name(k->obj, name);
	if (prog)
		return prog;
	bpf_object__for_each_program(prog, k->obj)
		if (!strcmp(bpf_program__section_name(prog), name))
			return prog;
	return NULL;
}

static bool prog_type_has_packet(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
		return true;
	default:
		return false;
	}
}

/*
 * Types whose test run takes only ctx_in, runs once (no repeat, no
 * duration) and, for syscall, writes the context back over ctx_in.
 */
static bool prog_type_is_ctx_only(enum bpf_prog_type type)
{
	return type == BPF_PROG_TYPE_RAW_TRACEPOINT || type == BPF_PROG_TYPE_SYSCALL;
}

static bool prog_type_is_skb(enum bpf_prog_type type)
{
	return prog_type_has_packet(type) && type != BPF_PROG_TYPE_XDP;
}

#define SKB_FIELD(f) { offsetof(struct __sk_buff, f), sizeof(((struct __sk_buff *)0)->f) }

/* The __sk_buff fields an skb test run takes from ctx_in (the kernel's
 * convert___skb_to_skb()); every other byte must be zero. In offset order. */
static const struct {
	size_t off, len;
} skb_ctx_fields[] = {
	SKB_FIELD(mark), SKB_FIELD(priority), SKB_FIELD(ingress_ifindex), SKB_FIELD(ifindex),
	SKB_FIELD(cb), SKB_FIELD(tstamp), SKB_FIELD(wire_len), SKB_FIELD(gso_segs),
	SKB_FIELD(gso_size), SKB_FIELD(hwtstamp),
};

/* Offset of the first non-zero byte outside those fields, or -1. */
static long skb_ctx_bad_offset(const uint8_t *ctx, size_t size)
{
	size_t off = 0, i = 0;

	for (off = 0; off < size; off++) {
		while (i < sizeof(skb_ctx_fields) / sizeof(skb_ctx_fields[0]) &&
		       off >= skb_ctx_fields[i].off + skb_ctx_fields[i].len)
			i++;
		if (i < sizeof(skb_ctx_fields) / sizeof(skb_ctx_fields[0]) &&
		    off >= skb_ctx_fields[i].off)
			continue;
		if (ctx[off])
			return off;
	}
	return -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* raw_tracepoint and syscall: repeat done here, one test run each. */
static int run_ctx_only(int fd, enum bpf_prog_type type, struct bpfaot_run_opts *opts,
			uint32_t ctx_cap)
{
	LIBBPF_OPTS(bpf_test_run_opts, t);
	uint32_t i, repeat = opts->repeat ? opts->repeat : 1;
	void *scratch = NULL;
	uint64_t start;
	int err = 0;

	/* the syscall test run copies the context back to ctx_in: give it ours */
	if (type == BPF_PROG_TYPE_SYSCALL && opts->ctx_size_in) {
		scratch = malloc(opts->ctx_size_in);
		if (!scratch)
			return -ENOMEM;
	}
	t.ctx_size_in = opts->ctx_size_in;
	start = now_ns();
	for (i = 0; i < repeat; i++) {
		if (scratch)
			memcpy(scratch, opts->ctx_in, opts->ctx_size_in);
		t.ctx_in = scratch ? scratch : opts->ctx_in;
		err = bpf_prog_test_run_opts(fd, &t);
		if (err) {
			err = -errno;
			goto out_free_scratch;
		}
	}
	opts->duration_ns = (now_ns() - start) / repeat;
	opts->retval = t.retval;
	opts->data_size_out = 0;
	opts->ctx_size_out = 0;
	if (scratch && opts->ctx_out) {
		uint32_t n = opts->ctx_size_in;

		if (n > ctx_cap) {
			n = ctx_cap;
			err = -ENOSPC;
		}
		memcpy(opts->ctx_out, scratch, n);
		opts->ctx_size_out = opts->ctx_size_in;
	}
out_free_scratch:
	free(scratch);
	return err;
}

/* What the kernel's test run most likely refused, by type (it says nothing). */
static const char *einval_hint(enum bpf_prog_type type)
{
	if (type == BPF_PROG_TYPE_RAW_TRACEPOINT)
		return " (ctx_in must cover every argument the program reads, at most 12 u64)";
	if (type == BPF_PROG_TYPE_XDP)
		return " (ctx_in must be a struct xdp_md with data 0 and data_end the packet size)";
	if (prog_type_is_skb(type))
		return " (the packet must fit in a page less the kernel's headroom and tailroom, 3712 bytes with 4 KiB pages; ctx_in's ifindex must name a device)";
	return "";
}

int rt_kernel__run(struct rt_kernel *k, const char *prog_name, struct bpfaot_run_opts *opts,
		   struct rt_log *log)
{
	LIBBPF_OPTS(bpf_test_run_opts, t);
	struct xdp_md xdp_default = { 0 };
	uint32_t data_cap, ctx_cap;
	struct bpf_program *prog;
	enum bpf_prog_type type;
	const char *name, *tname;
	int err, fd;

	if (!k || !opts) {
		rt_log__err(log, "run: missing argument");
		return fail(-EINVAL);
	}
	prog = find_prog(k, prog_name);
	if (!prog) {
		if (prog_name)
			rt_log__err(log, "%s: no program '%s'", k->path, prog_name);
		else
			rt_log__err(log, "%s: no program", k->path);
		return fail(-ENOENT);
	}
	err = rt_kernel__load(k, log);
	if (err)
		return err;
	name = bpf_program__name(prog);
	type = bpf_program__type(prog);
	tname = prog_type_str(type);
	fd = bpf_program__fd(prog);
	if (fd < 0) {
		rt_log__err(log, "program '%s' was not loaded (autoload off)", name);
		return fail(-EINVAL);
	}

	data_cap = opts->data_out ? opts->data_size_out : 0;
	ctx_cap = opts->ctx_out ? opts->ctx_size_out : 0;
	if (prog_type_is_ctx_only(type)) {
		if (opts->data_in || opts->data_size_in) {
			rt_log__err(log,
				    "program '%s' of type '%s' takes no packet; pass its arguments as ctx_in",
				    name, tname);
			return fail(-EINVAL);
		}
		err = run_ctx_only(fd, type, opts, ctx_cap);
		goto out_check;
	}
	if (prog_type_has_packet(type) && opts->data_size_in < KERNEL_MIN_PKT) {
		rt_log__err(log,
			    "program '%s' of type '%s': the packet has %u bytes; the kernel's test run needs at least %u (an Ethernet header)",
			    name, tname, opts->data_size_in, KERNEL_MIN_PKT);
		return fail(-EINVAL);
	}
	if (prog_type_is_skb(type) && opts->ctx_in) {
		long bad = skb_ctx_bad_offset(opts->ctx_in, opts->ctx_size_in);

		if (bad >= 0) {
			rt_log__err(log,
				    "program '%s' of type '%s': ctx_in sets byte %ld of struct __sk_buff; the kernel's test run takes only mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and hwtstamp",
				    name, tname, bad);
			return fail(-EINVAL);
		}
	}

	t.data_in = opts->data_in;
	t.data_size_in = opts->data_size_in;
	t.data_out = opts->data_out;
	t.data_size_out = data_cap;
	t.ctx_in = opts->ctx_in;
	t.ctx_size_in = opts->ctx_size_in;
	if (type == BPF_PROG_TYPE_XDP && opts->ctx_out && !opts->ctx_in) {
		/* asked for ctx_out only, the kernel builds its xdp_md from a
		 * zeroed one (data_end = 0): give it the default it means */
		xdp_default.data_end = opts->data_size_in;
		t.ctx_in = &xdp_default;
		t.ctx_size_in = sizeof(xdp_default);
	}
	t.ctx_out = opts->ctx_out;
	t.ctx_size_out = ctx_cap;
	t.repeat = opts->repeat > INT32_MAX ? INT32_MAX : (int)opts->repeat;
	err = bpf_prog_test_run_opts(fd, &t);
	err = err ? -errno : 0;
	/* the kernel fills the outputs even when it reports -ENOSPC */
	opts->retval = t.retval;
	opts->duration_ns = t.duration;
	opts->data_size_out = t.data_size_out;
	opts->ctx_size_out = opts->ctx_out ? t.ctx_size_out : 0;

out_check:
	if (!err)
		return 0;
	if (err == -KERNEL_ENOTSUPP || err == -EOPNOTSUPP) {
		rt_log__err(log, "program '%s' of type '%s': the kernel has no test run for this type",
			    name, tname);
		return fail(-ENOTSUP);
	}
	if (err == -ENOSPC && opts->data_out && opts->data_size_out > data_cap)
		rt_log__err(log,
			    "program '%s': data_out holds %u bytes, the packet after the run has %u",
			    name, data_cap, opts->data_size_out);
	else if (err == -ENOSPC)
		rt_log__err(log, "program '%s': ctx_out holds %u bytes, the context has %u", name,
			    ctx_cap, opts->ctx_size_out);
	else
		rt_log__err(log, "program '%s' of type '%s': test run failed: %s%s", name, tname,
			    strerror(-err), err == -EINVAL ? einval_hint(type) : "");
	return fail(err);
}

/* ------------------------------------------------------- map access */

size_t rt_kernel__map_cnt(const struct rt_kernel *k)
{
	return k ? k->map_cnt : 0;
}

int rt_kernel__map_info(const struct rt_kernel *k, size_t i, const char **name, uint32_t *type,
			uint32_t *key_sz, uint32_t *val_sz, uint32_t *max_entries)
{
	const struct bpf_map *m;

	if (!k || i >= k->map_cnt)
		return fail(-EINVAL);
	m = k->maps[i].map;
	if (name)
		*name = k->maps[i].name;
	if (type)
		*type = bpf_map__type(m);
	if (key_sz)
		*key_sz = bpf_map__key_size(m);
	if (val_sz)
		*val_sz = bpf_map__value_size(m);
	if (max_entries)
		*max_entries = bpf_map__max_entries(m);
	return 0;
}

size_t rt_kernel__map_user_value_size(const struct rt_kernel *k, size_t i)
{
	if (!k || i >= k->map_cnt)
		return 0;
	return user_value_size(k->maps[i].map);
}

/* The map's fd once loaded, else -EINVAL. */
static int map_fd(const struct rt_kernel *k, size_t i)
{
	if (!k || i >= k->map_cnt || !k->loaded)
		return -EINVAL;
	return bpf_map__fd(k->maps[i].map);
}

int rt_kernel__map_next_key(const struct rt_kernel *k, size_t i, const void *key, void *next)
{
	int fd = map_fd(k, i);

	if (fd < 0 || !next)
		return fail(-EINVAL);
	if (bpf_map_get_next_key(fd, key, next))
		return fail(-errno);
	return 0;
}

int rt_kernel__map_lookup(const struct rt_kernel *k, size_t i, const void *key, void *value)
{
	int fd = map_fd(k, i);

	if (fd < 0 || !value)
		return fail(-EINVAL);
	if (bpf_map_lookup_elem(fd, key, value))
		return fail(-errno);
	return 0;
}

struct ringbuf_adapter {
	int (*fn)(void *cookie, const void *data, size_t size);
	void *cookie;
};

static int ringbuf_sample(void *ctx, void *data, size_t size)
{
	struct ringbuf_adapter *a = ctx;

	return a->fn(a->cookie, data, size);
}

int rt_kernel__ringbuf_consume(const struct rt_kernel *k, size_t i,
			       int (*fn)(void *cookie, const void *data, size_t size),
			       void *cookie)
{
	struct ringbuf_adapter a = { .fn = fn, .cookie = cookie };
	struct ring_buffer *rb;
	int fd = map_fd(k, i);
	int n;

	if (fd < 0 || !fn || bpf_map__type(k->maps[i].map) != BPF_MAP_TYPE_RINGBUF)
		return fail(-EINVAL);
	rb = ring_buffer__new(fd, ringbuf_sample, &a, NULL);
	if (!rb)
		return fail(-errno);
	n = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (n < 0)
		return fail(n);
	return n;
}
