/* SPDX-License-Identifier: MIT */
/*
 * The samples' expectations (samples/NAME.test, format in samples/README.md)
 * for the Check suites that run them: the parser, the checks of the return
 * value, output packet, map entries and ring buffer records, and
 * check_local(), which runs a sample on one of the runtime's engines and
 * checks all of them. Used by check_rt_samples.c and check_rt_jit.c.
 */
#ifndef BPFAOT_TESTS_SPEC_H
#define BPFAOT_TESTS_SPEC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "testutil.h"

#define MAX_ITEMS 32

struct kv {
	char map[64];
	uint8_t key[256], val[4096];
	uint32_t key_sz, val_sz;
};

struct spec {
	char name[64];
	char prog[64];
	uint8_t *data_in, *ctx_in, *data_out;
	uint32_t data_sz, ctx_sz, data_out_sz;
	bool data_out_same, has_data_out;
	uint64_t retval;
	uint32_t repeat;
	bool kernel;
	struct kv sets[MAX_ITEMS], maps[MAX_ITEMS], rings[MAX_ITEMS];
	size_t nr_sets, nr_maps, nr_rings;
};

static inline const char *build_dir(void)
{
	const char *b = getenv("BUILD");

	return b && *b ? b : "build";
}

static inline int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline uint32_t parse_hex(const char *s, size_t len, uint8_t *out, size_t cap)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i + 1 < len + 1 && i < len; i += 2) {
		ck_assert_msg(hexval(s[i]) >= 0 && i + 1 < len && hexval(s[i + 1]) >= 0,
			      "bad hex '%.*s'", (int)len, s);
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	}
	return n;
}

static inline uint8_t *read_all(const char *path, uint32_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_msg(f, "cannot open '%s'", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	ck_assert_uint_eq(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*size = (uint32_t)n;
	return buf;
}

/* "MAP KEYHEX=VALHEX" or "MAP:KEYHEX=VALHEX" into kv; sep is ' ' or ':'. */
static inline void parse_kv(const char *v, char sep, struct kv *kv)
{
	const char *s = sep == ':' ? strrchr(v, ':') : strchr(v, ' ');
	const char *eq = s ? strchr(s, '=') : NULL;

	ck_assert_msg(s && eq, "bad entry '%s'", v);
	snprintf(kv->map, sizeof(kv->map), "%.*s", (int)(s - v), v);
	kv->key_sz = parse_hex(s + 1, (size_t)(eq - s - 1), kv->key, sizeof(kv->key));
	kv->val_sz = parse_hex(eq + 1, strcspn(eq + 1, " \t\n#"), kv->val, sizeof(kv->val));
}

static inline void parse_spec(const char *path, struct spec *sp)
{
	FILE *f = fopen(path, "r");
	char line[8192], file[512];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	ck_assert_msg(f, "cannot open '%s'", path);
	memset(sp, 0, sizeof(*sp));
	snprintf(sp->name, sizeof(sp->name), "%.*s", (int)(strlen(base) - 5), base);
	sp->repeat = 1;
	while (fgets(line, sizeof(line), f)) {
		char *k = line, *v, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		v = strchr(line, ':');
		if (!v)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = '\0';
		while (*v && (v[strlen(v) - 1] == ' ' || v[strlen(v) - 1] == '\t'))
			v[strlen(v) - 1] = '\0';
		if (!strcmp(k, "prog")) {
			snprintf(sp->prog, sizeof(sp->prog), "%s", v);
		} else if (!strcmp(k, "data-in")) {
			snprintf(file, sizeof(file), "samples/%s", v);
			sp->data_in = read_all(file, &sp->data_sz);
		} else if (!strcmp(k, "data-in-hex")) {
			sp->data_in = malloc(strlen(v) / 2 + 1);
			sp->data_sz = parse_hex(v, strlen(v), sp->data_in, strlen(v) / 2 + 1);
		} else if (!strcmp(k, "ctx-in")) {
			snprintf(file, sizeof(file), "samples/%s", v);
			sp->ctx_in = read_all(file, &sp->ctx_sz);
		} else if (!strcmp(k, "map-set")) {
			ck_assert_uint_lt(sp->nr_sets, MAX_ITEMS);
			parse_kv(v, ':', &sp->sets[sp->nr_sets++]);
		} else if (!strcmp(k, "repeat")) {
			sp->repeat = (uint32_t)strtoul(v, NULL, 0);
		} else if (!strcmp(k, "retval")) {
			sp->retval = strtoull(v, NULL, 0);
		} else if (!strcmp(k, "data-out")) {
			ck_assert_str_eq(v, "same");
			sp->data_out_same = sp->has_data_out = true;
		} else if (!strcmp(k, "data-out-hex")) {
			sp->data_out = malloc(strlen(v) / 2 + 1);
			sp->data_out_sz = parse_hex(v, strlen(v), sp->data_out, strlen(v) / 2 + 1);
			sp->has_data_out = true;
		} else if (!strcmp(k, "map")) {
			ck_assert_uint_lt(sp->nr_maps, MAX_ITEMS);
			parse_kv(v, ' ', &sp->maps[sp->nr_maps++]);
		} else if (!strcmp(k, "ringbuf")) {
			struct kv *kv = &sp->rings[sp->nr_rings++];
			const char *sp1 = strchr(v, ' ');

			ck_assert_ptr_nonnull(sp1);
			snprintf(kv->map, sizeof(kv->map), "%.*s", (int)(sp1 - v), v);
			kv->val_sz = parse_hex(sp1 + 1, strlen(sp1 + 1), kv->val, sizeof(kv->val));
		} else if (!strcmp(k, "kernel")) {
			sp->kernel = !strncmp(v, "yes", 3);
		}
	}
	fclose(f);
	ck_assert_msg(sp->prog[0], "%s: no prog", path);
}

static inline void free_spec(struct spec *sp)
{
	free(sp->data_in);
	free(sp->ctx_in);
	free(sp->data_out);
}

static inline void check_packet(const struct spec *sp, const char *engine, const uint8_t *out,
			 uint32_t out_sz)
{
	const uint8_t *want = sp->data_out_same ? sp->data_in : sp->data_out;
	uint32_t want_sz = sp->data_out_same ? sp->data_sz : sp->data_out_sz;

	if (!sp->has_data_out)
		return;
	ck_assert_msg(out_sz == want_sz, "%s/%s: output packet of %u bytes, expected %u", sp->name,
		      engine, out_sz, want_sz);
	ck_assert_msg(!memcmp(out, want, want_sz), "%s/%s: output packet differs", sp->name,
		      engine);
}

/* value_size bytes of CPU 0 for per-CPU maps (the start of the bpf(2) value). */
static inline void check_entry(const struct spec *sp, const char *engine, const struct kv *e,
			const uint8_t *val, int err)
{
	ck_assert_msg(!err, "%s/%s: map '%s' has no entry for the key (%d)", sp->name, engine,
		      e->map, err);
	ck_assert_msg(!memcmp(val, e->val, e->val_sz), "%s/%s: map '%s' entry differs", sp->name,
		      engine, e->map);
}

struct rings {
	const struct spec *sp;
	const char *engine;
	const char *map;
	size_t next;
};

static inline int check_record(void *cookie, const void *data, size_t size)
{
	struct rings *r = cookie;
	const struct spec *sp = r->sp;
	size_t i, seen = 0;

	for (i = 0; i < sp->nr_rings; i++) {
		const struct kv *kv = &sp->rings[i];

		if (strcmp(kv->map, r->map))
			continue;
		if (seen++ != r->next)
			continue;
		ck_assert_msg(size == kv->val_sz && !memcmp(data, kv->val, size),
			      "%s/%s: ring buffer '%s' record %zu differs", sp->name, r->engine,
			      r->map, r->next);
		r->next++;
		return 0;
	}
	ck_abort_msg("%s/%s: unexpected ring buffer record in '%s'", sp->name, r->engine, r->map);
	return 0;
}

static inline size_t rings_expected(const struct spec *sp, const char *map)
{
	size_t i, n = 0;

	for (i = 0; i < sp->nr_rings; i++)
		n += !strcmp(sp->rings[i].map, map);
	return n;
}

/* Runs the sample's program from obj_dir on a runtime engine and checks
 * every expectation of its .test file. */
static inline void check_local(const char *test, const char *obj_dir, enum bpfaot_engine engine)
{
	const char *ename = bpfaot_engine__name(engine);
	struct spec sp;
	char path[512], log[1024] = "";
	struct rt_log l = { .buf = log, .size = sizeof(log) };
	struct rt_object *obj;
	struct rt_prog *prog;
	uint8_t out[8192];
	size_t i;
	int err;

	parse_spec(test, &sp);
	snprintf(path, sizeof(path), "%s/%s/%s.bpf.o", build_dir(), obj_dir, sp.name);
	obj = rt_object__open(path, NULL, &l);
	ck_assert_msg(obj, "%s: %s", sp.name, log);
	prog = rt_object__find_prog(obj, sp.prog);
	ck_assert_msg(prog, "%s: no program '%s'", sp.name, sp.prog);
	if (engine == BPFAOT_ENGINE_AOT)
		ck_assert_msg(prog->native, "%s: program '%s' has no native code", sp.name, sp.prog);
	for (i = 0; i < sp.nr_sets; i++) {
		struct rt_map *m = rt_object__find_map(obj, sp.sets[i].map);

		ck_assert_msg(m, "%s: no map '%s'", sp.name, sp.sets[i].map);
		ck_assert_int_eq(rt_map__user_update(m, sp.sets[i].key, sp.sets[i].val, BPF_ANY), 0);
	}
	{
		struct bpfaot_run_opts opts = {
			.sz = sizeof(opts), .engine = engine,
			.data_in = sp.data_in, .data_size_in = sp.data_sz,
			.ctx_in = sp.ctx_in, .ctx_size_in = sp.ctx_sz,
			.data_out = out, .data_size_out = sizeof(out),
			.repeat = 1, .log_buf = log, .log_size = sizeof(log),
		};

		err = bpfaot_prog__run((struct bpfaot_prog *)prog, &opts);
		ck_assert_msg(!err, "%s/%s: run failed: %s", sp.name, ename, log);
		ck_assert_msg(opts.retval == sp.retval, "%s/%s: retval %llu, expected %llu", sp.name,
			      ename, (unsigned long long)opts.retval, (unsigned long long)sp.retval);
		check_packet(&sp, ename, out, opts.data_size_out);
	}
	for (i = 0; i < sp.nr_maps; i++) {
		struct rt_map *m = rt_object__find_map(obj, sp.maps[i].map);
		uint8_t *val;

		ck_assert_msg(m, "%s: no map '%s'", sp.name, sp.maps[i].map);
		val = calloc(1, rt_map__user_value_size(m) + 1);
		err = rt_map__user_lookup(m, sp.maps[i].key, val);
		check_entry(&sp, ename, &sp.maps[i], val, err);
		free(val);
	}
	for (i = 0; i < obj->nr_maps; i++) {
		struct rt_map *m = obj->maps[i];
		struct rings r = { &sp, ename, rt_map__name(m), 0 };

		if (rt_map__def(m)->type != BPF_MAP_TYPE_RINGBUF)
			continue;
		rt_ringbuf__consume(m, check_record, &r);
		ck_assert_uint_eq(r.next, rings_expected(&sp, r.map));
	}
	rt_object__free(obj);
	free_spec(&sp);
}

#endif /* BPFAOT_TESTS_SPEC_H */
