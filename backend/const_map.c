// SPDX-License-Identifier: MIT
/*
 * --aot-const-map=MAP=FILE: the contents of a configuration array, known
 * when the program is built, compiled in as a constant table, so that a
 * lookup with a known key is a constant and the optimiser folds what the
 * program does with it. FILE has one `KEYHEX=VALHEX` line per entry set
 * (the `--map-set` spelling: the key as 4 little-endian bytes, the value as
 * its value_size bytes), `#` comments and blank lines; entries not listed
 * are zero, as in a new array.
 *
 * The map must be a configuration map (rw_map_usage(): only read by the
 * programs of the file) of type BPF_MAP_TYPE_ARRAY with at most 64 KiB of
 * values. The manifest records the FNV-1a 64 of the contents (value_size
 * bytes per entry, in index order) as `map ... const=HASH`; the runtime
 * refuses to link the code when the map holds other contents, and freezes
 * it after (docs/object-format.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "be_internal.h"
#include "rw.h"

#define MAX_VALUES (64u * 1024)

/* Parses n bytes of hex from s (exactly 2n digits); false otherwise. */
static bool parse_hex(const char *s, size_t len, uint8_t *out, size_t n)
{
	size_t i;

	if (len != 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		char pair[3] = { s[2 * i], s[2 * i + 1], '\0' };

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]))
			return false;
		out[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	return true;
}

static int load_one(const struct fe_unit *u, const struct rw_map_use *uses, const char *spec,
		    struct fe_diags *d, struct rw_const_map *cm)
{
	const char *eq = strchr(spec, '='), *file;
	const struct fe_map *m;
	uint8_t *values;
	char *line = NULL, *name;
	size_t cap = 0, i, vsz;
	unsigned ln = 0;
	uint64_t h = 0xcbf29ce484222325ull;
	FILE *f;
	int err = 0;

	name = strndup(spec, (size_t)(eq - spec));
	if (!name)
		return -ENOMEM;
	file = eq + 1;
	cm->name = name;
	m = fe_unit__find_map(u, name);
	for (i = 0; m && fe_unit__map(u, i) != m; i++)
		;
	if (!m) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "--aot-const-map: no map '%s' in '%s'", name,
			    fe_unit__path(u));
		return -EINVAL;
	}
	vsz = fe_map__value_size(m);
	if (fe_map__type(m) != 2 || fe_map__key_size(m) != 4 || !vsz ||
	    (uint64_t)fe_map__max_entries(m) * vsz > MAX_VALUES) {
		fe_diag_at(d, FE_ERROR, clang_getCursorLocation(fe_map__cursor(m)), NULL,
			   "--aot-const-map: map '%s' is not an array of at most %u bytes of values",
			   name, MAX_VALUES);
		return -EINVAL;
	}
	if (!uses[i].read_only) {
		fe_diag_at(d, FE_ERROR, clang_getCursorLocation(fe_map__cursor(m)), NULL,
			   "--aot-const-map: map '%s' is not a configuration map: %s (line %u)", name,
			   uses[i].why, uses[i].line);
		return -EINVAL;
	}
	cm->size = (size_t)fe_map__max_entries(m) * vsz;
	values = calloc(1, cm->size);
	if (!values)
		return -ENOMEM;
	cm->values = values;
	f = fopen(file, "r");
	if (!f) {
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "--aot-const-map: cannot open '%s': %s", file,
			    strerror(errno));
		return -ENOENT;
	}
	while (!err && getline(&line, &cap, f) >= 0) {
		char *s = line + strspn(line, " \t"), *e;
		uint8_t key[4];
		uint32_t idx;

		ln++;
		s[strcspn(s, "#\r\n")] = '\0';
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*s)
			continue;
		e = strchr(s, '=');
		if (!e || !parse_hex(s, (size_t)(e - s), key, 4)) {
			fe_diag_pos(d, FE_ERROR, file, ln, 1,
				    "--aot-const-map: expected KEYHEX=VALHEX with a 4-byte key");
			err = -EINVAL;
			break;
		}
		idx = (uint32_t)key[0] | (uint32_t)key[1] << 8 | (uint32_t)key[2] << 16 |
		      (uint32_t)key[3] << 24;
		if (idx >= fe_map__max_entries(m)) {
			fe_diag_pos(d, FE_ERROR, file, ln, 1,
				    "--aot-const-map: key %u is past max_entries %u of map '%s'", idx,
				    fe_map__max_entries(m), name);
			err = -EINVAL;
		} else if (!parse_hex(e + 1, strlen(e + 1), values + (size_t)idx * vsz, vsz)) {
			fe_diag_pos(d, FE_ERROR, file, ln, 1,
				    "--aot-const-map: the value of map '%s' is %zu bytes (%zu hex digits)",
				    name, vsz, 2 * vsz);
			err = -EINVAL;
		}
	}
	free(line);
	fclose(f);
	for (i = 0; i < cm->size; i++)
		h = (h ^ cm->values[i]) * 0x100000001b3ull;
	cm->hash = h;
	return err;
}

int be_const_maps_load(const struct fe_unit *u, const char *const *specs, int n,
		       struct fe_diags *d, struct rw_const_map **out)
{
	struct rw_const_map *cms;
	struct rw_map_use *uses = NULL;
	int i, err = 0;

	*out = NULL;
	if (!n)
		return 0;
	cms = calloc((size_t)n, sizeof(*cms));
	if (!cms)
		return -ENOMEM;
	err = rw_map_usage(u, &uses);
	for (i = 0; i < n && !err; i++)
		err = load_one(u, uses, specs[i], d, &cms[i]);
	free(uses);
	if (err) {
		be_const_maps_free(cms, n);
		return err;
	}
	*out = cms;
	return 0;
}

void be_const_maps_free(struct rw_const_map *cms, int n)
{
	int i;

	for (i = 0; cms && i < n; i++) {
		free((void *)cms[i].name);
		free((void *)cms[i].values);
	}
	free(cms);
}
