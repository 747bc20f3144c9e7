// SPDX-License-Identifier: MIT
/*
 * The map printer of --dump-maps (and bpfaot-map): one view over a map,
 * whichever engine holds it (the runtime's maps or the kernel's through
 * bpf(2)), printed as "KEY: VALUE" hex lines in a stable order (sorted
 * keys for hash maps) with a BTF-typed line under each, so that outputs of
 * engines compare line by line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "tool.h"

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
static void print_globals(const struct tool_map_view *v, struct btf_dump *d, const uint8_t *val)
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
static void print_typed(const struct tool_map_view *v, const void *key, const void *val)
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
static void view_types(struct tool_map_view *v, struct rt_object *obj)
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

/* libbpf's names, as bpftool prints them */
const char *tool_map_type_name(uint32_t type)
{
	const char *s = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	return s ? s : "unknown";
}

bool tool_map_is_dumpable(uint32_t type)
{
	return type != BPF_MAP_TYPE_RINGBUF && type != BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
	       type != BPF_MAP_TYPE_QUEUE && type != BPF_MAP_TYPE_STACK &&
	       type != BPF_MAP_TYPE_PROG_ARRAY && type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
	       type != BPF_MAP_TYPE_HASH_OF_MAPS;
}

static int cmp_size;

/* qsort's comparator has no cookie: the key size rides in a static, set
 * right before the call (the tools are single-threaded). */
static int cmp_keys(const void *a, const void *b)
{
	return memcmp(a, b, (size_t)cmp_size);
}

int tool_map_view__keys(const struct tool_map_view *v, uint8_t **keys_out, size_t *n_out)
{
	uint8_t *keys = NULL, *key = NULL;
	size_t n = 0, cap = 0, ksz = v->key_sz ? v->key_sz : 1;
	int err;

	*keys_out = NULL;
	*n_out = 0;
	if (!tool_map_is_dumpable(v->type))
		return 0;
	for (;;) {
		if (rt_ensure_mem((void **)&keys, &cap, ksz, n + 1)) {
			err = -ENOMEM;
			break;
		}
		err = v->next_key(v->cookie, n ? keys + (n - 1) * ksz : NULL, keys + n * ksz);
		if (err)
			break;
		n++;
		if (n > (1u << 24))
			break;
	}
	free(key);
	if (err == -ENOENT)
		err = 0;
	if (err) {
		free(keys);
		return err;
	}
	/* hash maps iterate in an implementation order: sort by key bytes */
	if (v->type != BPF_MAP_TYPE_ARRAY && v->type != BPF_MAP_TYPE_PERCPU_ARRAY && n > 1) {
		cmp_size = (int)ksz;
		qsort(keys, n, ksz, cmp_keys);
	}
	*keys_out = keys;
	*n_out = n;
	return 0;
}

void tool_map_view__print_entry(const struct tool_map_view *v, const uint8_t *key,
				const uint8_t *val)
{
	printf("  ");
	tool_print_hex(stdout, key, v->key_sz);
	printf(": ");
	tool_print_hex(stdout, val, v->user_val_sz);
	printf("\n");
	print_typed(v, key, val);
}

int tool_map_view__dump(const struct tool_map_view *v, bool json, bool *first_map)
{
	uint8_t *keys = NULL, *val = NULL;
	size_t n = 0, i;
	int err = 0;

	if (json) {
		printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"entries\":[", *first_map ? "" : ",",
		       v->name, tool_map_type_name(v->type));
	} else {
		printf("map '%s' (%s, key %u, value %u, max %u):\n", v->name,
		       tool_map_type_name(v->type), v->key_sz, v->val_sz, v->max_entries);
	}
	*first_map = false;
	if (!tool_map_is_dumpable(v->type))
		goto out_close;
	val = calloc(1, v->user_val_sz + 1);
	if (!val) {
		err = -ENOMEM;
		goto out_close;
	}
	err = tool_map_view__keys(v, &keys, &n);
	for (i = 0; i < n && !err; i++) {
		const uint8_t *key = keys + i * v->key_sz;

		if (v->lookup(v->cookie, key, val))
			continue;
		if (json) {
			printf("%s{\"key\":\"", i ? "," : "");
			tool_print_hex(stdout, key, v->key_sz);
			printf("\",\"value\":\"");
			tool_print_hex(stdout, val, v->user_val_sz);
			printf("\"}");
		} else {
			tool_map_view__print_entry(v, key, val);
		}
	}
out_close:
	if (json)
		printf("]}");
	free(keys);
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

void tool_map_view__init_rt(struct tool_map_view *v, struct rt_object *obj, struct rt_map *m)
{
	const struct rt_map_def *d = rt_map__def(m);

	memset(v, 0, sizeof(*v));
	v->name = d->name;
	v->type = d->type;
	v->key_sz = d->key_size;
	v->val_sz = d->value_size;
	v->max_entries = d->max_entries;
	v->user_val_sz = rt_map__user_value_size(m);
	v->next_key = rt_view_next;
	v->lookup = rt_view_lookup;
	v->cookie = m;
	view_types(v, obj);
}

static int k_view_next(void *cookie, const void *key, void *next)
{
	const struct tool_map_view *v = cookie;

	return rt_kernel__map_next_key(v->k, v->k_idx, key, next);
}

static int k_view_lookup(void *cookie, const void *key, void *val)
{
	const struct tool_map_view *v = cookie;

	return rt_kernel__map_lookup(v->k, v->k_idx, key, val);
}

void tool_map_view__init_kernel(struct tool_map_view *v, struct rt_kernel *k, size_t i,
				struct rt_object *obj)
{
	memset(v, 0, sizeof(*v));
	v->k = k;
	v->k_idx = i;
	v->next_key = k_view_next;
	v->lookup = k_view_lookup;
	v->cookie = v;
	rt_kernel__map_info(k, i, &v->name, &v->type, &v->key_sz, &v->val_sz, &v->max_entries);
	v->user_val_sz = rt_kernel__map_user_value_size(k, i);
	view_types(v, obj);
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
		tool_print_hex(stdout, data, size);
		printf("\"");
	} else {
		printf("ringbuf '%s' record (%zu bytes): ", p->map, size);
		tool_print_hex(stdout, data, size);
		printf("\n");
	}
	p->first = false;
	return 0;
}

/* Prints map v and, for a ring buffer, consumes and prints its records
 * with consume(). */
static int dump_one(const struct tool_map_view *v, bool json, bool *first,
		    int (*consume)(const struct tool_map_view *v, struct rb_print *p))
{
	int err = tool_map_view__dump(v, json, first);

	if (!err && v->type == BPF_MAP_TYPE_RINGBUF) {
		struct rb_print p = { v->name, json, true };

		if (json)
			printf(",{\"name\":\"%s\",\"records\":[", v->name);
		err = consume(v, &p);
		err = err < 0 ? err : 0; /* else the record count */
		if (json)
			printf("]}");
	}
	return err;
}

static int rt_consume(const struct tool_map_view *v, struct rb_print *p)
{
	return rt_ringbuf__consume(v->cookie, print_record, p);
}

static int k_consume(const struct tool_map_view *v, struct rb_print *p)
{
	return rt_kernel__ringbuf_consume(v->k, v->k_idx, print_record, p);
}

int tool_dump_rt_maps(struct rt_object *obj, bool json)
{
	bool first = true;
	size_t i;
	int err = 0;

	if (json)
		printf(",\"maps\":[");
	for (i = 0; i < obj->nr_maps && !err; i++) {
		struct tool_map_view v;

		tool_map_view__init_rt(&v, obj, obj->maps[i]);
		err = dump_one(&v, json, &first, rt_consume);
	}
	if (json)
		printf("]");
	return err;
}

int tool_dump_kernel_maps(struct rt_kernel *k, struct rt_object *obj, bool json)
{
	bool first = true;
	size_t i;
	int err = 0;

	if (json)
		printf(",\"maps\":[");
	for (i = 0; i < rt_kernel__map_cnt(k) && !err; i++) {
		struct tool_map_view v;

		tool_map_view__init_kernel(&v, k, i, obj);
		err = dump_one(&v, json, &first, k_consume);
	}
	if (json)
		printf("]");
	return err;
}
