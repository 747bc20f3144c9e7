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

void rw_edits__span(const struct rw_edits *e, size_t i, unsigned *offset, unsigned *len)
{
	*offset = e->items[i].off;
	*len = e->items[i].len;
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
	/* the file of the last line marker (`# N "file" flags`, clang -E
	 * output) as spelled there, escapes kept: #line names it after that */
	const char *mark_file;
	size_t mark_len;
	bool pending;
	bool at_bol;	/* the output is at the start of a line */
	bool fold;	/* rw_edits__apply_folded() */
};

static void emit_line(struct out *o, unsigned line)
{
	const char *p;

	if (!o->line_file || !o->pending || !o->at_bol)
		return;
	fprintf(o->f, "#line %u \"", line);
	if (o->mark_file) {
		fwrite(o->mark_file, 1, o->mark_len, o->f);
	} else {
		for (p = o->line_file; *p; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', o->f);
			fputc(*p, o->f);
		}
	}
	fputs("\"\n", o->f);
	o->pending = false;
}

/* At src[i], a line start: a line marker `# N "file" [flags]`? Then *line
 * is N, the file is returned in *file and *flen (escapes kept), *sys says
 * whether flag 3 (a system header) is among its flags. */
static bool line_marker(const char *src, size_t len, size_t i, unsigned *line, const char **file,
			size_t *flen, bool *sys)
{
	size_t j = i + 2, f;
	unsigned n = 0;

	if (i + 4 >= len || src[i] != '#' || src[i + 1] != ' ' || src[j] < '0' || src[j] > '9')
		return false;
	for (; j < len && src[j] >= '0' && src[j] <= '9'; j++)
		n = n * 10 + (unsigned)(src[j] - '0');
	if (j + 1 >= len || src[j] != ' ' || src[j + 1] != '"')
		return false;
	f = j + 2;
	for (j = f; j < len && src[j] != '"' && src[j] != '\n'; j++)
		if (src[j] == '\\')
			j++;
	if (j >= len || src[j] != '"')
		return false;
	*line = n;
	*file = src + f;
	*flen = j - f;
	*sys = false;
	for (j++; j < len && src[j] != '\n'; j++)
		if (src[j] == '3' && src[j - 1] == ' ')
			*sys = true;
	return true;
}

/* Copies src[from, to), tracking the original line (and line markers);
 * emits a pending #line after the first newline that ends a logical line.
 * A line at a time (a unit with vmlinux.h is megabytes). */
static void copy_orig(struct out *o, const char *src, size_t len, unsigned from, unsigned to,
		      unsigned *line)
{
	unsigned i, end, mline = 0;
	const char *nl;
	bool marker, sys;

	for (i = from; i < to; i = end) {
		marker = (i == 0 || src[i - 1] == '\n') &&
			 line_marker(src, len, i, &mline, &o->mark_file, &o->mark_len, &sys);
		nl = memchr(src + i, '\n', to - i);
		end = nl ? (unsigned)(nl - src) + 1 : to;
		fwrite(src + i, 1, end - i, o->f);
		o->at_bol = !!nl;
		if (!nl)
			break;
		(*line)++;
		if (marker)
			*line = mline;
		if (end >= 2 && src[end - 2] == '\\')
			o->at_bol = false;
		emit_line(o, *line);
	}
}

static int sort_edits(const struct rw_edits *e, size_t len, struct edit **sorted)
{
	size_t i, n = e ? e->cnt : 0;

	*sorted = NULL;
	if (!n)
		return 0;
	*sorted = malloc(n * sizeof(**sorted));
	if (!*sorted)
		return -ENOMEM;
	memcpy(*sorted, e->items, n * sizeof(**sorted));
	qsort(*sorted, n, sizeof(**sorted), cmp_edit);
	for (i = 0; i < n; i++) {
		if ((size_t)(*sorted)[i].off + (*sorted)[i].len > len ||
		    (i && (*sorted)[i].off < (*sorted)[i - 1].off + (*sorted)[i - 1].len)) {
			free(*sorted);
			*sorted = NULL;
			return -EINVAL;
		}
	}
	return 0;
}

int rw_edits__apply(const struct rw_edits *e, const char *src, size_t len, const char *line_file,
		    char **out, size_t *out_len)
{
	struct out o = { .line_file = line_file, .at_bol = true };
	struct edit *sorted = NULL;
	unsigned pos = 0, line = 1;
	char *buf = NULL;
	size_t i, n = e ? e->cnt : 0, blen = 0;
	int err;

	err = sort_edits(e, len, &sorted);
	if (err)
		return err;
	o.f = open_memstream(&buf, &blen);
	if (!o.f) {
		err = -ENOMEM;
		goto out_free_sorted;
	}
	for (i = 0; i < n; i++) {
		const struct edit *ed = &sorted[i];
		size_t tl = strlen(ed->text);

		copy_orig(&o, src, len, pos, ed->off, &line);
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
	copy_orig(&o, src, len, pos, (unsigned)len, &line);
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

/* The name of a system header for the fold comment: from its include
 * directory on ("/usr/include/linux/bpf.h" -> "linux/bpf.h"). */
static void put_header_name(FILE *f, const char *name, size_t n)
{
	const char *p, *last = NULL;

	for (p = name; p + 9 <= name + n; p++)
		if (!memcmp(p, "/include/", 9))
			last = p + 9;
	if (last) {
		n -= (size_t)(last - name);
		name = last;
	}
	fwrite(name, 1, n, f);
}

/* The comment that stands for *folded lines, the first from file. */
static void put_fold(FILE *f, unsigned *folded, const char *file, size_t flen)
{
	if (!*folded)
		return;
	fprintf(f, "/* bpfaot: %u unchanged line%s of system headers (", *folded,
		*folded == 1 ? "" : "s");
	put_header_name(f, file, flen);
	fputs(", ...) */\n", f);
	*folded = 0;
}

int rw_edits__apply_folded(const struct rw_edits *e, const char *src, size_t len, char **out,
			   size_t *out_len)
{
	struct edit *sorted = NULL;
	size_t i = 0, n = e ? e->cnt : 0, blen = 0, pos = 0, le, flen = 0, fold_flen = 0;
	const char *file = NULL, *fold_file = NULL;
	unsigned folded = 0, mline;
	bool sys = false;
	char *buf = NULL;
	FILE *f;
	int err;

	err = sort_edits(e, len, &sorted);
	if (err)
		return err;
	f = open_memstream(&buf, &blen);
	if (!f) {
		free(sorted);
		return -ENOMEM;
	}
	while (pos < len || (i < n && sorted[i].off == pos)) {
		const char *p = memchr(src + pos, '\n', len - pos);
		bool msys;

		le = p ? (size_t)(p - src) + 1 : len;
		if (line_marker(src, len, pos, &mline, &file, &flen, &msys))
			sys = msys || (flen && file[0] == '<');
		if (sys && (i >= n || sorted[i].off >= le) && pos < len) {
			if (!folded++) {
				fold_file = file;
				fold_flen = flen;
			}
			pos = le;
			continue;
		}
		put_fold(f, &folded, fold_file, fold_flen);
		/* the line, with its edits; an edit may carry it over more lines */
		for (; i < n && sorted[i].off < le + (le == len); i++) {
			fwrite(src + pos, 1, sorted[i].off - pos, f);
			fputs(sorted[i].text, f);
			pos = sorted[i].off + sorted[i].len;
			if (pos > le) {
				p = memchr(src + pos, '\n', len - pos);
				le = p ? (size_t)(p - src) + 1 : len;
			}
		}
		fwrite(src + pos, 1, le - pos, f);
		pos = le;
		if (pos >= len)
			break;
	}
	put_fold(f, &folded, fold_file, fold_flen);
	free(sorted);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	/* the blank lines clang -E leaves for directives: one is enough */
	for (pos = 0, le = 0; pos < blen; pos++) {
		if (buf[pos] == '\n' && le >= 2 && buf[le - 1] == '\n' && buf[le - 2] == '\n')
			continue;
		buf[le++] = buf[pos];
	}
	buf[le] = '\0';
	blen = le;
	*out = buf;
	if (out_len)
		*out_len = blen;
	return 0;
}
