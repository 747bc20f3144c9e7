// SPDX-License-Identifier: MIT
/*
 * bpfaot-run: runs one program of an object the way `bpftool prog run`
 * does, on any engine, and prints its return value, the output packet and
 * the maps. The same printer serves every engine, so outputs can be diffed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <bpf/btf.h>

#include "rt_internal.h"
#include "rt_kernel.h"
#ifdef BPFAOT_WITH_LLVM
#include "be_llvm.h"	/* the llvm-jit and llvm-aot engines (libbpfaot-llvm) */
#endif

#define LOG_SIZE (1u << 20) /* room for a verifier log */
#define MAX_INPUT (RT_MAX_PKT)

/* CLI flags: the one place with mutable file-scope state, as bpftool. */
struct cli {
	const char *path;
	const char *engine_name;
	enum bpfaot_engine engine;
	bool engine_set;
	const char *prog;
	const char *type;
	const char *data_in, *ctx_in, *data_out, *ctx_out;
	const char **map_sets;
	size_t nr_map_sets;
	bool dump_maps, json, list, verify_kernel;
	uint32_t repeat;
	bool repeat_set;	/* --repeat given: print the timings */
	uint64_t budget;
};

static const char *progname = "bpfaot-run";

__attribute__((format(printf, 1, 2))) static void p_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] OBJECT\n"
		"Runs a program of OBJECT (BPF ELF, fat object, or conformance .data file).\n"
		"\n"
		"  --engine=ENGINE      aot|interp|jit|llvm-jit|llvm-aot|kernel (default: aot when\n"
		"                       the object has native code, else interp)\n"
		"  --prog=NAME          the program to run (default: the first)\n"
		"  --type=TYPE          program type for legacy section names (xdp, tc, socket,\n"
		"                       raw_tracepoint, kprobe, ...)\n"
		"  --data-in=FILE       packet or memory input\n"
		"  --ctx-in=FILE        context input (struct __sk_buff, xdp_md, pt_regs, args)\n"
		"  --data-out=FILE      write the packet after the run\n"
		"  --ctx-out=FILE       write the context after the run\n"
		"  --map-set=MAP:KEYHEX=VALHEX  set a map entry before the run (repeatable)\n"
		"  --dump-maps          print every map after the run\n"
		"  --repeat=N           run N times and print the average duration\n"
		"  --budget=N           interpreter instruction budget\n"
		"  --verify=kernel      have the kernel's verifier check the bytecode first\n"
		"  --json               machine-readable output\n"
		"  --list               list programs, maps and the engines each can use\n"
		"  -h, --help           this help\n",
		progname);
}

/* ------------------------------------------------------------- input */

static int read_file(const char *path, uint8_t **out, uint32_t *size, uint32_t limit)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		p_err("cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		p_err("cannot read '%s': not a regular file", path);
		fclose(f);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > limit) {
		p_err("'%s' is %lld bytes, over the limit of %u", path, (long long)st.st_size,
		      limit);
		fclose(f);
		return -E2BIG;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		p_err("cannot read '%s'", path);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*out = buf;
	*size = (uint32_t)st.st_size;
	return 0;
}

static int write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size) {
		p_err("cannot write '%s': %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -EIO;
	}
	fclose(f);
	return 0;
}

/* Parses hex bytes ("0a0b", spaces allowed) into a new buffer. */
static int parse_hex(const char *s, size_t len, uint8_t **out, uint32_t *size)
{
	uint8_t *buf = malloc(len / 2 + 1);
	uint32_t n = 0;
	size_t i = 0;

	if (!buf)
		return -ENOMEM;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	while (i < len) {
		int hi, lo;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (i + 1 >= len || (hi = rt_hexval(s[i])) < 0 || (lo = rt_hexval(s[i + 1])) < 0) {
			free(buf);
			return -EINVAL;
		}
		buf[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*out = buf;
	*size = n;
	return 0;
}

struct map_set {
	char *map;
	uint8_t *key, *val;
	uint32_t key_sz, val_sz;
};

/* MAP:KEYHEX=VALHEX; the map name may itself contain ':' only before the last one. */
static int parse_map_set(const char *arg, struct map_set *ms)
{
	const char *colon = strrchr(arg, ':'), *eq;

	memset(ms, 0, sizeof(*ms));
	eq = colon ? strchr(colon, '=') : NULL;
	if (!colon || !eq || colon == arg) {
		p_err("bad --map-set '%s': expected MAP:KEYHEX=VALHEX", arg);
		return -EINVAL;
	}
	ms->map = strndup(arg, (size_t)(colon - arg));
	if (!ms->map)
		return -ENOMEM;
	if (parse_hex(colon + 1, (size_t)(eq - colon - 1), &ms->key, &ms->key_sz) ||
	    parse_hex(eq + 1, strlen(eq + 1), &ms->val, &ms->val_sz)) {
		p_err("bad --map-set '%s': key and value must be hex bytes", arg);
		return -EINVAL;
	}
	return 0;
}

static void free_map_set(struct map_set *ms)
{
	free(ms->map);
	free(ms->key);
	free(ms->val);
}

/* ------------------------------------------------------------ output */

/* One view of a map for the printer, whichever engine holds it. */
struct map_view {
	const char *name;
	uint32_t type, key_sz, val_sz, max_entries;
	size_t user_val_sz;
	int (*next_key)(void *cookie, const void *key, void *next);
	int (*lookup)(void *cookie, const void *key, void *val);
	void *cookie;
	/* BTF types of key and value, for the typed line; NULL/0 = hex only */
	const struct btf *btf;
	uint32_t key_type, val_type;
	/* a global-data map: its variables, typed one per line */
	const struct rt_object *obj;
	int data_map;
};

static void btf_print(void *ctx, const char *fmt, va_list args)
{
	vprintf(fmt, args);
}

/* The type of variable name in BTF section sec (DATASEC), or 0. */
static uint32_t var_type(const struct btf *btf, const char *sec, const char *name)
{
	const struct btf_var_secinfo *vi;
	const struct btf_type *ds;
	int id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	uint16_t i;

	if (id < 0)
		return 0;
	ds = btf__type_by_id(btf, id);
	vi = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vi++) {
		const struct btf_type *var = btf__type_by_id(btf, vi->type);

		if (var && btf_is_var(var) && !strcmp(btf__name_by_offset(btf, var->name_off), name))
			return var->type;
	}
	return 0;
}

/* "    target_pid = (__u32)0" for each variable of a global-data map; clang's
 * DATASEC has no offsets (libbpf fills them in), so the symbol table's do. */
static void print_globals(const struct map_view *v, struct btf_dump *d, const uint8_t *val)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, o, .compact = true, .emit_zeroes = true);
	size_t i;

	for (i = 0; i < v->obj->nr_globals; i++) {
		const struct rt_global *g = &v->obj->globals[i];
		uint32_t t;

		if (g->map != v->data_map || !g->size ||
		    !rt_bounds_ok(g->offset, g->size, v->val_sz))
			continue;
		t = var_type(v->btf, v->name, g->name);
		if (!t)
			continue;
		printf("    %s = ", g->name);
		if (btf_dump__dump_type_data(d, t, val + g->offset, g->size, &o) < 0)
			printf("?");
		printf("\n");
	}
}

/* "    = (struct datarec){.packets = (__u64)1,...}" under the hex line. */
static void print_typed(const struct map_view *v, const void *key, const void *val)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, o, .compact = true, .emit_zeroes = true);
	struct btf_dump *d;

	if (v->btf && v->obj && v->data_map >= 0) {
		d = btf_dump__new(v->btf, btf_print, NULL, NULL);
		if (d)
			print_globals(v, d, val);
		btf_dump__free(d);
		return;
	}
	if (!v->btf || !v->val_type || v->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	    v->type == BPF_MAP_TYPE_PERCPU_HASH || v->type == BPF_MAP_TYPE_LRU_PERCPU_HASH)
		return;
	d = btf_dump__new(v->btf, btf_print, NULL, NULL);
	if (!d)
		return;
	printf("    = ");
	if (v->key_type && btf_dump__dump_type_data(d, v->key_type, key, v->key_sz, &o) >= 0)
		printf(": ");
	if (btf_dump__dump_type_data(d, v->val_type, val, v->val_sz, &o) < 0)
		printf("?");
	printf("\n");
	btf_dump__free(d);
}

/* The BTF types of the map of that name in the bytecode object. */
static void view_types(struct map_view *v, struct rt_object *obj)
{
	struct rt_map *m = obj ? rt_object__find_map(obj, v->name) : NULL;

	size_t i;

	v->data_map = -1;
	if (!m || !obj->btf)
		return;
	v->btf = obj->btf;
	v->key_type = rt_map__def(m)->btf_key_type_id;
	v->val_type = rt_map__def(m)->btf_value_type_id;
	for (i = 0; i < obj->nr_globals; i++) {
		if (obj->maps[obj->globals[i].map] == m) {
			v->obj = obj;
			v->data_map = obj->globals[i].map;
			break;
		}
	}
}

static const char *map_type_name(uint32_t type)
{
	static const char *const names[] = {
		[BPF_MAP_TYPE_HASH] = "hash",
		[BPF_MAP_TYPE_ARRAY] = "array",
		[BPF_MAP_TYPE_PROG_ARRAY] = "prog_array",
		[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = "perf_event_array",
		[BPF_MAP_TYPE_PERCPU_HASH] = "percpu_hash",
		[BPF_MAP_TYPE_PERCPU_ARRAY] = "percpu_array",
		[BPF_MAP_TYPE_LRU_HASH] = "lru_hash",
		[BPF_MAP_TYPE_LRU_PERCPU_HASH] = "lru_percpu_hash",
		[BPF_MAP_TYPE_ARRAY_OF_MAPS] = "array_of_maps",
		[BPF_MAP_TYPE_HASH_OF_MAPS] = "hash_of_maps",
		[BPF_MAP_TYPE_DEVMAP] = "devmap",
		[BPF_MAP_TYPE_QUEUE] = "queue",
		[BPF_MAP_TYPE_STACK] = "stack",
		[BPF_MAP_TYPE_DEVMAP_HASH] = "devmap_hash",
		[BPF_MAP_TYPE_RINGBUF] = "ringbuf",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static bool map_is_dumpable(uint32_t type)
{
	return type != BPF_MAP_TYPE_RINGBUF && type != BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
	       type != BPF_MAP_TYPE_QUEUE && type != BPF_MAP_TYPE_STACK &&
	       type != BPF_MAP_TYPE_PROG_ARRAY && type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
	       type != BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* Prints the entries of one map, "KEY: VALUE" per line, keys in the map's
 * iteration order (sorted for hash maps so that engines compare). */
static int dump_map(const struct map_view *v, bool json, bool *first_map)
{
	uint8_t *key = NULL, *next = NULL, *val = NULL, *keys = NULL;
	size_t n = 0, cap = 0, i;
	int err = 0;
	bool have = false;

	if (json) {
		printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"entries\":[", *first_map ? "" : ",",
		       v->name, map_type_name(v->type));
	} else {
		printf("map '%s' (%s, key %u, value %u, max %u):\n", v->name,
		       map_type_name(v->type), v->key_sz, v->val_sz, v->max_entries);
	}
	*first_map = false;
	if (!map_is_dumpable(v->type))
		goto out_close;
	key = calloc(1, v->key_sz + 1);
	next = calloc(1, v->key_sz + 1);
	val = calloc(1, v->user_val_sz + 1);
	if (!key || !next || !val) {
		err = -ENOMEM;
		goto out_close;
	}
	while (!(err = v->next_key(v->cookie, have ? key : NULL, next))) {
		if (rt_ensure_mem((void **)&keys, &cap, v->key_sz ? v->key_sz : 1, n + 1)) {
			err = -ENOMEM;
			break;
		}
		memcpy(keys + n * v->key_sz, next, v->key_sz);
		n++;
		memcpy(key, next, v->key_sz);
		have = true;
		if (n > (1u << 24))
			break;
	}
	if (err == -ENOENT)
		err = 0;
	/* hash maps iterate in an implementation order: sort by key bytes */
	if (v->type != BPF_MAP_TYPE_ARRAY && v->type != BPF_MAP_TYPE_PERCPU_ARRAY && n > 1) {
		size_t a, b;

		for (a = 1; a < n; a++)
			for (b = a; b > 0 && memcmp(keys + (b - 1) * v->key_sz,
						    keys + b * v->key_sz, v->key_sz) > 0; b--) {
				memcpy(key, keys + b * v->key_sz, v->key_sz);
				memcpy(keys + b * v->key_sz, keys + (b - 1) * v->key_sz, v->key_sz);
				memcpy(keys + (b - 1) * v->key_sz, key, v->key_sz);
			}
	}
	for (i = 0; i < n && !err; i++) {
		if (v->lookup(v->cookie, keys + i * v->key_sz, val))
			continue;
		if (json) {
			printf("%s{\"key\":\"", i ? "," : "");
			print_hex(stdout, keys + i * v->key_sz, v->key_sz);
			printf("\",\"value\":\"");
			print_hex(stdout, val, v->user_val_sz);
			printf("\"}");
		} else {
			printf("  ");
			print_hex(stdout, keys + i * v->key_sz, v->key_sz);
			printf(": ");
			print_hex(stdout, val, v->user_val_sz);
			printf("\n");
			print_typed(v, keys + i * v->key_sz, val);
		}
	}
out_close:
	if (json)
		printf("]}");
	free(keys);
	free(key);
	free(next);
	free(val);
	return err;
}

static int rt_view_next(void *cookie, const void *key, void *next)
{
	return rt_map__get_next_key(cookie, key, next);
}

static int rt_view_lookup(void *cookie, const void *key, void *val)
{
	return rt_map__user_lookup(cookie, key, val);
}

struct kview {
	struct rt_kernel *k;
	size_t idx;
};

static int k_view_next(void *cookie, const void *key, void *next)
{
	struct kview *kv = cookie;

	return rt_kernel__map_next_key(kv->k, kv->idx, key, next);
}

static int k_view_lookup(void *cookie, const void *key, void *val)
{
	struct kview *kv = cookie;

	return rt_kernel__map_lookup(kv->k, kv->idx, key, val);
}

struct rb_print {
	const char *map;
	bool json;
	bool first;
};

static int print_record(void *cookie, const void *data, size_t size)
{
	struct rb_print *p = cookie;

	if (p->json) {
		printf("%s\"", p->first ? "" : ",");
		print_hex(stdout, data, size);
		printf("\"");
	} else {
		printf("ringbuf '%s' record (%zu bytes): ", p->map, size);
		print_hex(stdout, data, size);
		printf("\n");
	}
	p->first = false;
	return 0;
}

static void print_printk(void *cookie, const char *text, size_t len)
{
	fwrite(text, 1, len, stderr);
	if (len && text[len - 1] != '\n')
		fputc('\n', stderr);
}

/* ------------------------------------------------------------ engines */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* What each engine does once before its runs (bpfaot_run_opts.prepare_ns). */
static const char *const prepare_names[BPFAOT_ENGINE__COUNT] = {
	[BPFAOT_ENGINE_AOT] = "link",
	[BPFAOT_ENGINE_INTERP] = "none",
	[BPFAOT_ENGINE_JIT] = "compile",
	[BPFAOT_ENGINE_LLVM_JIT] = "compile",
	[BPFAOT_ENGINE_LLVM_AOT] = "compile and link",
	[BPFAOT_ENGINE_KERNEL] = "load and verify",
};

static void print_result(const struct cli *cli, const struct bpfaot_run_opts *opts)
{
	if (cli->json) {
		printf("\"retval\":%" PRIu64 ",\"repeat\":%u,\"duration_ns\":%.3f,\"prepare_ns\":%" PRIu64,
		       opts->retval, cli->repeat, opts->duration_avg_ns, opts->prepare_ns);
		return;
	}
	printf("retval: %" PRIu64 "\n", opts->retval);
	if (cli->repeat_set) {
		printf("duration (average): %" PRIu64 " ns\n", opts->duration_ns);
		printf("prepare (%s): %" PRIu64 " ns\n", prepare_names[cli->engine], opts->prepare_ns);
	}
}

static int write_outputs(const struct cli *cli, const struct bpfaot_run_opts *opts)
{
	int err = 0;

	if (cli->data_out)
		err = write_file(cli->data_out, opts->data_out, opts->data_size_out);
	if (!err && cli->ctx_out)
		err = write_file(cli->ctx_out, opts->ctx_out, opts->ctx_size_out);
	return err;
}

/* Has the kernel load only the program to run and the tail-call targets
 * the object places in prog arrays (obj may be NULL: then all of them). */
static int select_kernel_prog(struct rt_kernel *k, const char *prog,
			      const struct rt_object *obj, struct rt_log *log)
{
	const char **also;
	size_t i, n = 0;
	int err;

	if (!obj)
		return 0;
	also = calloc(obj->nr_progs + 1, sizeof(*also));
	if (!also)
		return -ENOMEM;
	for (i = 0; i < obj->nr_progs; i++)
		if (obj->progs[i].tail_target)
			also[n++] = obj->progs[i].name;
	err = rt_kernel__select(k, prog, also, n, log);
	free(also);
	return err;
}

static int run_kernel(const struct cli *cli, struct rt_object *obj, struct map_set *sets,
		      struct bpfaot_run_opts *opts, char *log_buf)
{
	struct rt_log log = { .buf = log_buf, .size = LOG_SIZE };
	struct rt_kernel *k;
	uint64_t start, prepared;
	char why[256];
	size_t i;
	int err;

	if (!rt_kernel__available(why, sizeof(why))) {
		p_err("engine 'kernel': %s", why);
		return -ENOTSUP;
	}
	k = rt_kernel__open(cli->path, cli->type, &log);
	if (!k) {
		p_err("%s", log_buf);
		return -errno;
	}
	for (i = 0; i < cli->nr_map_sets; i++) {
		err = rt_kernel__set_initial(k, sets[i].map, sets[i].key, sets[i].key_sz,
					     sets[i].val, sets[i].val_sz, &log);
		if (err)
			goto out_free;
	}
	err = select_kernel_prog(k, cli->prog, obj, &log);
	if (err)
		goto out_free;
	start = now_ns();
	err = rt_kernel__load(k, &log);
	prepared = now_ns() - start;
	if (err)
		goto out_free;
	err = rt_kernel__run(k, cli->prog, opts, &log);
	opts->duration_avg_ns = (double)opts->duration_ns;
	opts->prepare_ns = prepared;
	if (err)
		goto out_free;
	print_result(cli, opts);
	err = write_outputs(cli, opts);
	if (err)
		goto out_free;
	if (cli->dump_maps) {
		bool first = true;

		if (cli->json)
			printf(",\"maps\":[");
		for (i = 0; i < rt_kernel__map_cnt(k) && !err; i++) {
			struct kview kv = { k, i };
			struct map_view v = { .next_key = k_view_next, .lookup = k_view_lookup,
					      .cookie = &kv };

			rt_kernel__map_info(k, i, &v.name, &v.type, &v.key_sz, &v.val_sz,
					    &v.max_entries);
			v.user_val_sz = rt_kernel__map_user_value_size(k, i);
			view_types(&v, obj);
			err = dump_map(&v, cli->json, &first);
			if (!err && v.type == BPF_MAP_TYPE_RINGBUF) {
				struct rb_print p = { v.name, cli->json, true };

				if (cli->json)
					printf(",{\"name\":\"%s\",\"records\":[", v.name);
				err = rt_kernel__ringbuf_consume(k, i, print_record, &p);
				err = err < 0 ? err : 0; /* else the record count */
				if (cli->json)
					printf("]}");
			}
		}
		if (cli->json)
			printf("]");
	}
out_free:
	if (err && log.set)
		p_err("%s", log_buf);
	rt_kernel__free(k);
	return err;
}

static int apply_map_sets(struct rt_object *obj, struct map_set *sets, size_t n)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		struct rt_map *m = rt_object__find_map(obj, sets[i].map);
		const struct rt_map_def *d;

		if (!m) {
			p_err("--map-set: no map '%s' in '%s'", sets[i].map, obj->path);
			return -ENOENT;
		}
		d = rt_map__def(m);
		if (sets[i].key_sz != d->key_size ||
		    sets[i].val_sz != rt_map__user_value_size(m)) {
			p_err("--map-set: map '%s' has key size %u and value size %zu, not %u and %u",
			      sets[i].map, d->key_size, rt_map__user_value_size(m), sets[i].key_sz,
			      sets[i].val_sz);
			return -EINVAL;
		}
		err = rt_map__user_update(m, sets[i].key, sets[i].val, BPF_ANY);
		if (err) {
			p_err("--map-set: cannot update map '%s': %s", sets[i].map, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* A conformance file carries its verdict: compare with -- result/-- error. */
static int check_conformance(const struct rt_object *obj, int run_err, uint64_t retval)
{
	const struct rt_conf *c = obj->conf;

	if (run_err) {
		if (c->has_error)
			return 0; /* the expected failure; its message is printed */
		return run_err;
	}
	if (c->has_error) {
		p_err("%s: expected an error ('%s'), but the program returned 0x%" PRIx64,
		      obj->path, c->error ? c->error : "", retval);
		return -EINVAL;
	}
	if (c->has_result && c->result != retval) {
		p_err("%s: result 0x%" PRIx64 " differs from the expected 0x%" PRIx64, obj->path,
		      retval, c->result);
		return -EINVAL;
	}
	return 0;
}

static void list_object(const struct rt_object *obj, bool json)
{
	size_t i;

	if (json)
		printf("{\"programs\":[");
	for (i = 0; i < obj->nr_progs; i++) {
		const struct rt_prog *p = &obj->progs[i];
		bool bytecode = p->nr_insns > 0;
		bool kernel = bytecode && !obj->is_conformance && p->ctx_kind != RT_CTX_MEM;
		char engines[128];

		snprintf(engines, sizeof(engines), "%s%s%s", p->native ? " aot" : "",
			 bytecode ? " interp jit" : "", kernel ? " kernel" : "");
#ifdef BPFAOT_WITH_LLVM
		if (bytecode)
			strcat(engines, " llvm-jit llvm-aot");
#endif
		if (json) {
			char *e, list[192] = "";

			for (e = strtok(engines, " "); e; e = strtok(NULL, " "))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
					 list[0] ? "," : "", e);
			printf("%s{\"name\":\"%s\",\"section\":\"%s\",\"insns\":%zu,\"engines\":[%s]}",
			       i ? "," : "", p->name, p->sec_name, p->nr_insns, list);
		} else {
			printf("prog '%s' section '%s' (%zu insns) engines:%s\n", p->name,
			       p->sec_name, p->nr_insns, engines);
		}
	}
	if (json)
		printf("],\"maps\":[");
	for (i = 0; i < obj->nr_maps; i++) {
		const struct rt_map_def *d = rt_map__def(obj->maps[i]);

		if (json)
			printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u}",
			       i ? "," : "", d->name, map_type_name(d->type), d->key_size,
			       d->value_size, d->max_entries);
		else
			printf("map '%s' %s key %u value %u max %u\n", d->name,
			       map_type_name(d->type), d->key_size, d->value_size, d->max_entries);
	}
	if (json)
		printf("]}\n");
}

static int run_local(const struct cli *cli, struct rt_object *obj, struct map_set *sets,
		     struct bpfaot_run_opts *opts, char *log_buf)
{
	struct rt_prog *prog = cli->prog ? rt_object__find_prog(obj, cli->prog) : &obj->progs[0];
	bool first = true;
	size_t i;
	int err;

	if (!prog) {
		p_err("no program '%s' in '%s'", cli->prog, cli->path);
		return -ENOENT;
	}
	err = apply_map_sets(obj, sets, cli->nr_map_sets);
	if (err)
		return err;
	err = bpfaot_prog__run((struct bpfaot_prog *)prog, opts);
	if (obj->is_conformance) {
		if (err)
			p_err("%s", log_buf);
		err = check_conformance(obj, err, opts->retval);
		if (err)
			return err;
		if (obj->conf->has_error)
			return -EINVAL; /* failed as expected: still a failure */
	} else if (err) {
		p_err("%s", log_buf[0] ? log_buf : strerror(-err));
		return err;
	}
	print_result(cli, opts);
	err = write_outputs(cli, opts);
	if (err || !cli->dump_maps)
		return err;
	if (cli->json)
		printf(",\"maps\":[");
	for (i = 0; i < obj->nr_maps && !err; i++) {
		struct rt_map *m = obj->maps[i];
		const struct rt_map_def *d = rt_map__def(m);
		struct map_view v = {
			.name = d->name, .type = d->type, .key_sz = d->key_size,
			.val_sz = d->value_size, .max_entries = d->max_entries,
			.user_val_sz = rt_map__user_value_size(m),
			.next_key = rt_view_next, .lookup = rt_view_lookup, .cookie = m,
		};

		view_types(&v, obj);
		err = dump_map(&v, cli->json, &first);
		if (!err && d->type == BPF_MAP_TYPE_RINGBUF) {
			struct rb_print p = { d->name, cli->json, true };

			if (cli->json)
				printf(",{\"name\":\"%s\",\"records\":[", d->name);
			err = rt_ringbuf__consume(m, print_record, &p);
			err = err < 0 ? err : 0; /* else the record count */
			if (cli->json)
				printf("]}");
		}
	}
	if (cli->json)
		printf("]");
	return err;
}

static int verify_kernel(const struct cli *cli, const struct rt_object *obj, char *log_buf)
{
	struct rt_log log = { .buf = log_buf, .size = LOG_SIZE };
	struct rt_kernel *k;
	char why[256];
	int err;

	if (!rt_kernel__available(why, sizeof(why))) {
		p_err("--verify=kernel: %s", why);
		return -ENOTSUP;
	}
	k = rt_kernel__open(cli->path, cli->type, &log);
	if (!k) {
		p_err("--verify=kernel: %s", log_buf);
		return -errno;
	}
	err = select_kernel_prog(k, cli->prog, obj, &log);
	if (!err)
		err = rt_kernel__load(k, &log);
	if (err)
		p_err("--verify=kernel: the kernel's verifier refused '%s':\n%s", cli->path, log_buf);
	rt_kernel__free(k);
	return err;
}

/* ------------------------------------------------------------- main */

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || s[0] == '-' || v > max) {
		p_err("bad value '%s' for %s", s, opt);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

enum { OPT_ENGINE = 256, OPT_PROG, OPT_TYPE, OPT_DATA_IN, OPT_CTX_IN, OPT_DATA_OUT, OPT_CTX_OUT,
       OPT_MAP_SET, OPT_DUMP_MAPS, OPT_REPEAT, OPT_VERIFY, OPT_JSON, OPT_LIST, OPT_BUDGET };

static const struct option long_opts[] = {
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "prog", required_argument, NULL, OPT_PROG },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "data-in", required_argument, NULL, OPT_DATA_IN },
	{ "ctx-in", required_argument, NULL, OPT_CTX_IN },
	{ "data-out", required_argument, NULL, OPT_DATA_OUT },
	{ "ctx-out", required_argument, NULL, OPT_CTX_OUT },
	{ "map-set", required_argument, NULL, OPT_MAP_SET },
	{ "dump-maps", no_argument, NULL, OPT_DUMP_MAPS },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_args(int argc, char **argv, struct cli *cli)
{
	uint64_t v;
	int c;

	cli->repeat = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_ENGINE:
			if (bpfaot_engine__by_name(optarg, &cli->engine)) {
				p_err("unknown engine '%s' (aot, interp, jit, llvm-jit, llvm-aot, kernel)",
				      optarg);
				return -EINVAL;
			}
			cli->engine_set = true;
			break;
		case OPT_PROG:
			cli->prog = optarg;
			break;
		case OPT_TYPE: {
			uint32_t t;

			if (rt_prog_type_by_name(optarg, &t)) {
				p_err("unknown program type '%s'", optarg);
				return -EINVAL;
			}
			cli->type = optarg;
			break;
		}
		case OPT_DATA_IN:
			cli->data_in = optarg;
			break;
		case OPT_CTX_IN:
			cli->ctx_in = optarg;
			break;
		case OPT_DATA_OUT:
			cli->data_out = optarg;
			break;
		case OPT_CTX_OUT:
			cli->ctx_out = optarg;
			break;
		case OPT_MAP_SET: {
			const char **p = realloc(cli->map_sets, (cli->nr_map_sets + 1) * sizeof(*p));

			if (!p)
				return -ENOMEM;
			cli->map_sets = p;
			p[cli->nr_map_sets++] = optarg;
			break;
		}
		case OPT_DUMP_MAPS:
			cli->dump_maps = true;
			break;
		case OPT_REPEAT:
			if (parse_u64("--repeat", optarg, 100000000, &v))
				return -EINVAL;
			if (v == 0) {
				p_err("bad value '%s' for --repeat", optarg);
				return -EINVAL;
			}
			cli->repeat = (uint32_t)v;
			cli->repeat_set = true;
			break;
		case OPT_BUDGET:
			if (parse_u64("--budget", optarg, UINT64_MAX, &cli->budget))
				return -EINVAL;
			break;
		case OPT_VERIFY:
			if (strcmp(optarg, "kernel")) {
				p_err("bad value '%s' for --verify (only 'kernel')", optarg);
				return -EINVAL;
			}
			cli->verify_kernel = true;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case OPT_LIST:
			cli->list = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			p_err("unknown option '%s' (see --help)", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		p_err(optind >= argc ? "no object given (see --help)" : "more than one object given");
		return -EINVAL;
	}
	cli->path = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct map_set *sets = NULL;
	uint8_t *data_in = NULL, *ctx_in = NULL, *data_out = NULL, *ctx_out = NULL;
	uint32_t data_sz = 0, ctx_sz = 0, data_out_sz = 0;
	struct rt_object *obj = NULL;
	char *log_buf;
	size_t i;
	int err;

	log_buf = calloc(1, LOG_SIZE);
	if (!log_buf)
		return 1;
	err = parse_args(argc, argv, &cli);
	if (err)
		goto out;
#ifdef BPFAOT_WITH_LLVM
	err = be_llvm_register();
	if (err) {
		p_err("cannot register the llvm engines: %s", strerror(-err));
		goto out;
	}
#endif
	sets = calloc(cli.nr_map_sets + 1, sizeof(*sets));
	if (!sets) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cli.nr_map_sets; i++) {
		err = parse_map_set(cli.map_sets[i], &sets[i]);
		if (err)
			goto out;
	}
	/* the engine refuses a packet over RT_MAX_PKT; a `mem` input may be big */
	if (cli.data_in && (err = read_file(cli.data_in, &data_in, &data_sz, RT_MAX_MEM)))
		goto out;
	if (cli.ctx_in && (err = read_file(cli.ctx_in, &ctx_in, &ctx_sz, MAX_INPUT)))
		goto out;
	data_out_sz = (data_sz > RT_MAX_PKT ? data_sz : RT_MAX_PKT) + RT_XDP_HEADROOM + RT_PKT_TAILROOM;
	data_out = malloc(data_out_sz);
	ctx_out = malloc(MAX_INPUT);
	if (!data_out || !ctx_out) {
		err = -ENOMEM;
		goto out;
	}
	{
		struct bpfaot_open_opts oo = { .sz = sizeof(oo), .prog_type = cli.type,
					       .log_buf = log_buf, .log_size = LOG_SIZE };
		struct rt_log log = { .buf = log_buf, .size = LOG_SIZE };

		obj = rt_object__open(cli.path, &oo, &log);
		/* the kernel engine never sits behind the runtime's loader:
		 * libbpf opens the file itself (obj only names map types) */
		if (!obj && !(cli.engine_set && cli.engine == BPFAOT_ENGINE_KERNEL && !cli.list)) {
			err = -errno;
			p_err("%s", log_buf);
			goto out;
		}
	}
	if (cli.list) {
		list_object(obj, cli.json);
		goto out;
	}
	if (!cli.engine_set) {
		struct rt_prog *p = cli.prog ? rt_object__find_prog(obj, cli.prog) : &obj->progs[0];

		cli.engine = p && p->native ? BPFAOT_ENGINE_AOT : BPFAOT_ENGINE_INTERP;
	}
	if (cli.verify_kernel) {
		if (obj && obj->is_conformance) {
			p_err("--verify=kernel: conformance files have no kernel program type");
			err = -ENOTSUP;
			goto out;
		}
		err = verify_kernel(&cli, obj, log_buf);
		if (err)
			goto out;
	}
	{
		struct bpfaot_run_opts opts = {
			.sz = sizeof(opts), .engine = cli.engine,
			.data_in = data_in, .data_size_in = data_sz,
			.data_out = data_out, .data_size_out = data_out_sz,
			.ctx_in = ctx_in, .ctx_size_in = ctx_sz,
			.ctx_out = cli.ctx_out ? ctx_out : NULL,
			.ctx_size_out = cli.ctx_out ? MAX_INPUT : 0,
			.repeat = cli.repeat, .budget = cli.budget,
			.print = print_printk, .log_buf = log_buf, .log_size = LOG_SIZE,
		};

		if (cli.json)
			printf("{\"engine\":\"%s\",", bpfaot_engine__name(cli.engine));
		if (cli.engine == BPFAOT_ENGINE_KERNEL) {
			if (obj && obj->is_conformance) {
				p_err("engine 'kernel': conformance files take raw memory, which no kernel program type does");
				err = -ENOTSUP;
			} else {
				err = run_kernel(&cli, obj, sets, &opts, log_buf);
			}
		} else {
			err = run_local(&cli, obj, sets, &opts, log_buf);
		}
		if (cli.json)
			printf("}\n");
	}
out:
	for (i = 0; sets && i < cli.nr_map_sets; i++)
		free_map_set(&sets[i]);
	free(sets);
	free(cli.map_sets);
	rt_object__free(obj);
	free(data_in);
	free(ctx_in);
	free(data_out);
	free(ctx_out);
	free(log_buf);
	return err ? 1 : 0;
}
