// SPDX-License-Identifier: MIT
/*
 * The edit list and its application. Edits are kept in the order added;
 * apply sorts a copy by offset (stable, insertions before replacements at
 * one offset), rejects overlaps, and copies the source around them. Line
 * bookkeeping: when an edit changes the number of lines, a
 * `#line N "file"` directive is emitted at the next line start of the
 * output (never after a backslash-continued line), N being the original
 * line that follows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

struct edit {
	unsigned off, len;
	char *text;
	size_t seq;
};

struct rw_edits {
	struct edit *items;
	size_t cnt, cap;
};

struct rw_edits *rw_edits__new(void)
{
	return calloc(1, sizeof(struct rw_edits));
}

void rw_edits__free(struct rw_edits *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->cnt; i++)
		free(e->items[i].text);
	free(e->items);
	free(e);
}

int rw_edits__replace(struct rw_edits *e, unsigned offset, unsigned len, const char *text)
{
	char *t = strdup(text ? text : "");

	if (!t || rw_ensure_mem((void **)&e->items, &e->cap, sizeof(*e->items), e->cnt + 1)) {
		free(t);
		return -ENOMEM;
	}
	e->items[e->cnt] = (struct edit){ .off = offset, .len = len, .text = t, .seq = e->cnt };
	e->cnt++;
	return 0;
}

int rw_edits__insert(struct rw_edits *e, unsigned offset, const char *text)
{
	return rw_edits__replace(e, offset, 0, text);
}

size_t rw_edits__count(const struct rw_edits *e)
{
	return e ? e->cnt : 0;
}

static int cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (!x->len != !y->len)
		return !x->len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static unsigned count_nl(const char *s, size_t n)
{
	unsigned c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

struct out {
	FILE *f;
	const char *line_file;
	bool pending;
	bool at_bol;	/* the output is at the start of a line */
};

static void emit_line(struct out *o, unsigned line)
{
	const char *p;

	if (!o->line_file || !o->pending || !o->at_bol)
		return;
	fprintf(o->f, "#line %u \"", line);
	for (p = o->line_file; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', o->f);
		fputc(*p, o->f);
	}
	fputs("\"\n", o->f);
	o->pending = false;
}

/* Copies src[from, to), tracking the original line; emits a pending #line
 * after the first newline that ends a logical line. */
static void copy_orig(struct out *o, const char *src, unsigned from, unsigned to, unsigned *line)
{
	unsigned i;

	for (i = from; i < to; i++) {
		fputc(src[i], o->f);
		o->at_bol = src[i] == '\n';
		if (src[i] != '\n')
			continue;
		(*line)++;
		if (i > 0 && src[i - 1] == '\\')
			o->at_bol = false;
		emit_line(o, *line);
	}
}

int rw_edits__apply(const struct rw_edits *e, const char *src, size_t len, const char *line_file,
		    char **out, size_t *out_len)
{
	struct out o = { .line_file = line_file, .at_bol = true };
	struct edit *sorted = NULL;
	unsigned pos = 0, line = 1;
	char *buf = NULL;
	size_t i, n = e ? e->cnt : 0, blen = 0;
	int err = 0;

	if (n) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, e->items, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_edit);
	}
	for (i = 0; i < n; i++) {
		if ((size_t)sorted[i].off + sorted[i].len > len) {
			err = -EINVAL;
			goto out_free_sorted;
		}
		if (i && sorted[i].off < sorted[i - 1].off + sorted[i - 1].len) {
			err = -EINVAL;
			goto out_free_sorted;
		}
	}
	o.f = open_memstream(&buf, &blen);
	if (!o.f) {
		err = -ENOMEM;
		goto out_free_sorted;
	}
	for (i = 0; i < n; i++) {
		const struct edit *ed = &sorted[i];
		size_t tl = strlen(ed->text);

		copy_orig(&o, src, pos, ed->off, &line);
		fputs(ed->text, o.f);
		if (tl)
			o.at_bol = ed->text[tl - 1] == '\n';
		line += count_nl(src + ed->off, ed->len);
		pos = ed->off + ed->len;
		if (count_nl(ed->text, tl) != count_nl(src + ed->off, ed->len))
			o.pending = true;
		if (pos < len)
			emit_line(&o, line);
	}
	copy_orig(&o, src, pos, (unsigned)len, &line);
	if (fclose(o.f)) {
		free(buf);
		err = -ENOMEM;
		goto out_free_sorted;
	}
	*out = buf;
	if (out_len)
		*out_len = blen;
out_free_sorted:
	free(sorted);
	return err;
}
