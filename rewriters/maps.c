// SPDX-License-Identifier: MIT
/*
 * The map rewrite. A map definition (`struct { __uint(type, ...); ... }
 * NAME SEC(".maps");`, with or without `.values` initialiser, or a legacy
 * `struct bpf_map_def SEC("maps") NAME = {...};`) has no native storage:
 * the runtime binds the undefined symbol NAME to its map object, which is
 * what helpers take as `void *map`. The definition becomes
 *
 *     extern struct bpfaot_map NAME;
 *
 * an opaque struct (an extern of the anonymous struct type would not
 * compile), so `&NAME` keeps working wherever a map pointer is expected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "rw_internal.h"

int rw_maps(const struct fe_unit *u, struct rw_edits *e, struct fe_diags *d)
{
	unsigned start, end, semi, prev_start = ~0u;
	struct fe_map *m;
	const char *src;
	char *text;
	size_t i, len;
	int err = 0;

	src = fe_unit__source(u, &len);
	fe_unit__for_each_map(m, u, i) {
		CXCursor c = fe_map__cursor(m);
		CXSourceRange r = clang_getCursorExtent(c);

		if (!rw_cursor_range(u, c, &start, &end)) {
			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), &r,
				   "map '%s' is not spelled in the main file; cannot rewrite it",
				   fe_map__name(m));
			return -EINVAL;
		}
		semi = rw_scan_decl_end(src, len, end);
		if (start == prev_start || semi >= len || src[semi] != ';') {
			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), &r,
				   "map '%s' shares its declaration with another declarator; "
				   "declare each map on its own",
				   fe_map__name(m));
			return -EINVAL;
		}
		prev_start = start;
		if (asprintf(&text,
			     "/* bpfaot: map '%s' (type %u, key %u, value %u, max_entries %u) is "
			     "the runtime's */\nextern struct bpfaot_map %s",
			     fe_map__name(m), fe_map__type(m), fe_map__key_size(m),
			     fe_map__value_size(m), fe_map__max_entries(m), fe_map__name(m)) < 0)
			return -ENOMEM;
		err = rw_edits__replace(e, start, semi - start, text);
		free(text);
		if (err)
			return err;
	}
	return 0;
}
