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
 * (one line, after a comment with the map's layout: the lines of the file
 * stay put). Maps declared together (`struct {...} a SEC(".maps"), b
 * SEC(".maps");`) become one `extern struct bpfaot_map a, b;`.
 * an opaque struct (an extern of the anonymous struct type would not
 * compile), so `&NAME` keeps working wherever a map pointer is expected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "rw_internal.h"

/* The verdict of rw_map_usage() on map k, for the comment: "" without. */
static void use_of(const struct rw_opts *opts, size_t k, char *use, size_t size)
{
	const struct rw_map_use *mu = opts && opts->map_uses ? &opts->map_uses[k] : NULL;

	if (mu && mu->read_only)
		snprintf(use, size, "; a configuration map: only read by the programs");
	else if (mu && mu->line)
		snprintf(use, size, "; not a configuration map: %s (line %u)", mu->why, mu->line);
	else if (mu)
		snprintf(use, size, "; not a configuration map: %s", mu->why);
	else
		use[0] = '\0';
}

int rw_maps(const struct fe_unit *u, const struct rw_opts *opts, struct rw_edits *e,
	    struct fe_diags *d)
{
	unsigned start, end, semi, s2, e2;
	char use[160];
	size_t i, j, k, n = fe_unit__nr_maps(u), len;
	const char *src;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f;
	int err;

	src = fe_unit__source(u, &len);
	for (i = 0; i < n; i = j) {
		struct fe_map *m = fe_unit__map(u, i);
		CXCursor c = fe_map__cursor(m);
		CXSourceRange r = clang_getCursorExtent(c);

		if (!rw_cursor_range(u, c, &start, &end)) {
			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), &r,
				   "map '%s' is not spelled in the main file; cannot rewrite it",
				   fe_map__name(m));
			return -EINVAL;
		}
		/* `struct {...} a SEC(".maps"), b SEC(".maps");`: one declaration */
		for (j = i + 1; j < n; j++) {
			if (!rw_cursor_range(u, fe_map__cursor(fe_unit__map(u, j)), &s2, &e2) ||
			    s2 != start)
				break;
			end = e2;
		}
		semi = rw_scan_decl_end(src, len, end);
		if (semi >= len || src[semi] != ';') {
			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), &r,
				   "map '%s' shares its declaration with a declarator that is not a "
				   "map; declare each map on its own",
				   fe_map__name(m));
			return -EINVAL;
		}
		f = open_memstream(&buf, &blen);
		if (!f)
			return -ENOMEM;
		for (k = i; k < j; k++) {
			m = fe_unit__map(u, k);
			use_of(opts, k, use, sizeof(use));
			fprintf(f, "/* bpfaot: map '%s' (type %u, key %u, value %u, max_entries %u) is "
				   "the runtime's%s */ ",
				fe_map__name(m), fe_map__type(m), fe_map__key_size(m),
				fe_map__value_size(m), fe_map__max_entries(m), use);
		}
		fputs("extern struct bpfaot_map ", f);
		for (k = i; k < j; k++)
			fprintf(f, "%s%s", k > i ? ", " : "", fe_map__name(fe_unit__map(u, k)));
		if (fclose(f) || !buf) {
			free(buf);
			return -ENOMEM;
		}
		err = rw_edits__replace(e, start, semi - start, buf);
		free(buf);
		buf = NULL;
		if (err)
			return err;
	}
	return 0;
}
