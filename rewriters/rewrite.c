// SPDX-License-Identifier: MIT
/*
 * The whole rewrite of one program: a header comment, then globals, maps,
 * helpers and entry edits over the main file, applied with #line
 * directives. What comes out is the native source of the program, the
 * `--aot-emit=source` preview.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "rw_internal.h"

int rw_rewrite(const struct fe_unit *u, const struct fe_prog *p, const struct rw_opts *opts,
	       struct fe_diags *d, char **out, size_t *out_len)
{
	struct rw_edits *e = rw_edits__new();
	struct rw_opts o = { 0 };
	struct rw_map_use *uses = NULL;
	char *head = NULL, *hp = NULL, *ep = NULL;
	const char *src;
	size_t len;
	int err;

	if (!e)
		return -ENOMEM;
	if (opts)
		o = *opts;
	o.prog = p;
	src = fe_unit__source(u, &len);
	if (p)
		err = asprintf(&head,
			       "/* bpfaot-cc: native source of program '%s' of %s (x86-64; maps, "
			       "globals and helpers are the runtime's) */\n",
			       fe_prog__name(p), fe_unit__path(u)) < 0;
	else if (o.nr_entries)
		err = asprintf(&head,
			       "/* bpfaot-cc: native source of the %zu programs of %s (x86-64; "
			       "one entry each, " RW_ENTRY_PREFIX "NAME) */\n",
			       o.nr_entries, fe_unit__path(u)) < 0;
	else
		err = asprintf(&head, "/* bpfaot-cc: native source of %s */\n",
			       fe_unit__path(u)) < 0;
	if (err) {
		err = -ENOMEM;
		goto out_free_edits;
	}
	err = rw_map_usage(u, &uses);
	o.map_uses = uses;
	if (!err)
		err = rw_edits__insert(e, 0, head);
	if (!err)
		err = rw_globals(u, &o, e, d);
	if (!err)
		err = rw_maps(u, &o, e, d);
	if (!err)
		err = rw_helpers(u, &o, e, d, &hp);
	if (!err)
		err = rw_entry(u, p, &o, e, d, &ep);
	if (!err && o.prune)
		err = rw_prune(u, e, d);
	/* the prelude comes before the first line marker, which sets the lines */
	if (!err && hp)
		err = rw_edits__insert(e, 0, hp);
	if (!err && ep)
		err = rw_edits__insert(e, 0, ep);
	if (!err) {
		if (opts && opts->preview)
			err = rw_edits__apply_folded(e, src, len, out, out_len);
		else
			err = rw_edits__apply(e, src, len, fe_unit__path(u), out, out_len);
		if (err == -EINVAL)
			fe_diag_pos(d, FE_ERROR, NULL, 0, 0,
				    "internal error: overlapping source edits in '%s'",
				    fe_unit__path(u));
	}
	free(hp);
	free(ep);
	free(head);
	free(uses);
out_free_edits:
	rw_edits__free(e);
	return err;
}
