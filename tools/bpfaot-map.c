// SPDX-License-Identifier: MIT
/*
 * bpfaot-map: reads and changes maps that bpfaot-run --maps-shm (or an
 * embedder's bpfaot_open_opts.maps_shm) keeps in POSIX shared memory, the
 * way bpftool map does for the kernel's, while programs run on them:
 *
 *   bpfaot-map --shm=NAME dump [MAP]
 *   bpfaot-map --shm=NAME lookup MAP KEYHEX
 *   bpfaot-map --shm=NAME update MAP KEYHEX VALHEX [any|noexist|exist]
 *   bpfaot-map --shm=NAME delete MAP KEYHEX
 *
 * Output is --dump-maps's, typed with the BTF the creator stored there.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

struct map_cli {
	struct rt_shm *shm;
	int argc;		/* the command's arguments */
	char **argv;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfaot-map --shm=NAME COMMAND\n"
		"Reads and changes maps kept in POSIX shared memory by bpfaot-run --maps-shm.\n"
		"\n"
		"  dump [MAP]                          every entry of every map, or of MAP\n"
		"  lookup MAP KEYHEX                   one entry\n"
		"  update MAP KEYHEX VALHEX [FLAG]     set an entry; FLAG any (default), noexist, exist\n"
		"  delete MAP KEYHEX                   remove an entry (hash maps)\n"
		"\n"
		"Keys and values are hex bytes in memory order; per-CPU values give every\n"
		"CPU's slot, as bpftool does.\n");
}

static struct rt_map *find_map(const struct map_cli *c, const char *name)
{
	size_t i;

	for (i = 0; i < rt_shm__map_cnt(c->shm); i++)
		if (!strcmp(rt_map__name(rt_shm__map(c->shm, i)), name))
			return rt_shm__map(c->shm, i);
	tool_err("no map '%s' in the shared memory", name);
	return NULL;
}

static void view_of(struct tool_map_view *v, const struct map_cli *c, struct rt_map *m)
{
	tool_map_view__init_rt(v, NULL, m);
	v->btf = rt_shm__btf(c->shm);
	if (v->btf) {
		v->key_type = rt_map__def(m)->btf_key_type_id;
		v->val_type = rt_map__def(m)->btf_value_type_id;
	}
}

/* Parses KEYHEX (and VALHEX) for m, checking their sizes. */
static int parse_kv(struct rt_map *m, const char *khex, const char *vhex, uint8_t **key,
		    uint8_t **val)
{
	const struct rt_map_def *d = rt_map__def(m);
	uint32_t n;

	if (tool_parse_hex(khex, strlen(khex), key, &n) || n != d->key_size) {
		tool_err("map '%s' takes keys of %u bytes in hex, not '%s'", d->name, d->key_size,
			 khex);
		return -EINVAL;
	}
	if (!vhex)
		return 0;
	if (tool_parse_hex(vhex, strlen(vhex), val, &n) || n != rt_map__user_value_size(m)) {
		tool_err("map '%s' takes values of %zu bytes in hex, not '%s'", d->name,
			 rt_map__user_value_size(m), vhex);
		return -EINVAL;
	}
	return 0;
}

static int do_dump(struct map_cli *c)
{
	bool first = true;
	size_t i;
	int err = 0;

	if (c->argc > 1) {
		tool_err("dump takes at most one map");
		return -EINVAL;
	}
	if (c->argc == 1 && !find_map(c, c->argv[0]))
		return -ENOENT;
	for (i = 0; i < rt_shm__map_cnt(c->shm) && !err; i++) {
		struct rt_map *m = rt_shm__map(c->shm, i);
		struct tool_map_view v;

		if (c->argc == 1 && strcmp(rt_map__name(m), c->argv[0]))
			continue;
		view_of(&v, c, m);
		err = tool_map_view__dump(&v, false, &first);
	}
	return err;
}

static int do_lookup(struct map_cli *c)
{
	struct tool_map_view v;
	uint8_t *key = NULL, *val = NULL;
	struct rt_map *m;
	int err;

	if (c->argc != 2) {
		tool_err("lookup takes MAP KEYHEX");
		return -EINVAL;
	}
	m = find_map(c, c->argv[0]);
	if (!m)
		return -ENOENT;
	err = parse_kv(m, c->argv[1], NULL, &key, NULL);
	val = calloc(1, rt_map__user_value_size(m) + 1);
	if (!err && !val)
		err = -ENOMEM;
	if (!err)
		err = rt_map__user_lookup(m, key, val);
	if (err == -ENOENT)
		tool_err("map '%s' has no key %s", rt_map__name(m), c->argv[1]);
	else if (err == -ENOTSUP)
		tool_err("map '%s' cannot be looked up", rt_map__name(m));
	if (!err) {
		view_of(&v, c, m);
		tool_map_view__print_entry(&v, key, val);
	}
	free(key);
	free(val);
	return err;
}

static int do_update(struct map_cli *c)
{
	static const char *const flag_names[] = { "any", "noexist", "exist" };
	uint8_t *key = NULL, *val = NULL;
	uint64_t flags = BPF_ANY;
	struct rt_map *m;
	int err;

	if (c->argc != 3 && c->argc != 4) {
		tool_err("update takes MAP KEYHEX VALHEX [any|noexist|exist]");
		return -EINVAL;
	}
	if (c->argc == 4) {
		for (flags = 0; flags < 3 && strcmp(c->argv[3], flag_names[flags]); flags++)
			;
		if (flags == 3) {
			tool_err("unknown update flag '%s' (any, noexist, exist)", c->argv[3]);
			return -EINVAL;
		}
	}
	m = find_map(c, c->argv[0]);
	if (!m)
		return -ENOENT;
	err = parse_kv(m, c->argv[1], c->argv[2], &key, &val);
	if (!err) {
		err = rt_map__user_update(m, key, val, flags);
		if (err)
			tool_map_update_err("", m, err);
	}
	free(key);
	free(val);
	return err;
}

static int do_delete(struct map_cli *c)
{
	uint8_t *key = NULL;
	struct rt_map *m;
	int err;

	if (c->argc != 2) {
		tool_err("delete takes MAP KEYHEX");
		return -EINVAL;
	}
	m = find_map(c, c->argv[0]);
	if (!m)
		return -ENOENT;
	err = parse_kv(m, c->argv[1], NULL, &key, NULL);
	if (!err) {
		err = rt_map__delete(m, key);
		if (err)
			tool_err("cannot delete key %s of map '%s': %s", c->argv[1], rt_map__name(m),
				 strerror(-err));
	}
	free(key);
	return err;
}

static const struct {
	const char *name;
	int (*fn)(struct map_cli *c);
} cmds[] = {
	{ "dump", do_dump },
	{ "lookup", do_lookup },
	{ "update", do_update },
	{ "delete", do_delete },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "shm", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char log_buf[512] = "";
	struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };
	struct map_cli c = { 0 };
	const char *shm = NULL;
	size_t i;
	int opt, err;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			shm = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			tool_err("unknown option '%s' (see --help)", argv[optind - 1]);
			return 1;
		}
	}
	if (!shm || optind >= argc) {
		tool_err(!shm ? "--shm=NAME is required (see --help)" : "no command (see --help)");
		return 1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]) && strcmp(cmds[i].name, argv[optind]); i++)
		;
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		tool_err("unknown command '%s' (dump, lookup, update, delete)", argv[optind]);
		return 1;
	}
	c.shm = rt_shm__open(shm, &log);
	if (!c.shm) {
		tool_err("%s", log_buf);
		return 1;
	}
	c.argc = argc - optind - 1;
	c.argv = argv + optind + 1;
	err = cmds[i].fn(&c);
	rt_shm__free(c.shm);
	return err ? 1 : 0;
}
