// SPDX-License-Identifier: MIT
/*
 * The diagnostics sink. Compiler modules never print: they record
 * {severity, file, line, col, text} plus the source line and the caret
 * range here, and the driver renders the lot once, in clang 14's format:
 *
 *     file.bpf.c:42:9: error: message
 *             x = foo(bar);
 *                 ^~~
 *
 * Tabs in the source line are expanded to 8 columns as clang does, and the
 * caret line follows the expansion. An exact repeat of an earlier error or
 * warning (same severity, file, line, column and text), with the notes
 * that follow it, is dropped, as clang shows a header's diagnostics once:
 * the per-program rewrites report file-level findings once per program.
 * libclang's own diagnostics keep clang_formatDiagnostic's first line (same
 * display options as c-index-test), so their text is clang's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fe_internal.h"

struct diag {
	enum fe_severity sev;
	char *head;	/* "file:line:col: error: text" or "error: text" (no location) */
	bool has_loc;
	char *srcline;	/* NULL when unavailable */
	unsigned col;	/* 1-based byte column of the caret */
	unsigned range_start, range_end;	/* columns to underline, 0 = none */
	char *fixit;		/* clang's fix-it text to show under the caret */
	unsigned fixit_col;
};

struct fe_diags {
	struct diag *items;
	size_t cnt, cap;
	int nr_errors;
	bool werror_aot, no_aot, remarks_aot;
	bool dropping;	/* the last error or warning was a repeat: drop its notes */
};

int fe_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need)
{
	size_t new_cap;
	void *p;

	if (need <= *cap)
		return 0;
	new_cap = *cap ? *cap : 8;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2 / elem_sz)
			return -ENOMEM;
		new_cap *= 2;
	}
	p = realloc(*data, new_cap * elem_sz);
	if (!p)
		return -ENOMEM;
	memset((char *)p + *cap * elem_sz, 0, (new_cap - *cap) * elem_sz);
	*data = p;
	*cap = new_cap;
	return 0;
}

char *fe_strdup_cx(CXString s)
{
	const char *c = clang_getCString(s);
	char *r = strdup(c ? c : "");

	clang_disposeString(s);
	return r;
}

struct fe_diags *fe_diags__new(void)
{
	return calloc(1, sizeof(struct fe_diags));
}

void fe_diags__truncate(struct fe_diags *d, size_t cnt)
{
	size_t i;

	if (!d || cnt >= d->cnt)
		return;
	for (i = cnt; i < d->cnt; i++) {
		free(d->items[i].head);
		free(d->items[i].srcline);
		free(d->items[i].fixit);
	}
	d->cnt = cnt;
	d->nr_errors = 0;
	for (i = 0; i < cnt; i++)
		d->nr_errors += d->items[i].sev == FE_ERROR;
	d->dropping = false;
}

void fe_diags__free(struct fe_diags *d)
{
	if (!d)
		return;
	fe_diags__truncate(d, 0);
	free(d->items);
	free(d);
}

void fe_diags__set_werror_aot(struct fe_diags *d, bool on)
{
	d->werror_aot = on;
}

void fe_diags__set_no_aot(struct fe_diags *d, bool on)
{
	d->no_aot = on;
}

void fe_diags__set_remarks_aot(struct fe_diags *d, bool on)
{
	d->remarks_aot = on;
}

bool fe_diags__remarks_aot(const struct fe_diags *d)
{
	return d->remarks_aot;
}

int fe_diags__nr_errors(const struct fe_diags *d)
{
	return d ? d->nr_errors : 0;
}

size_t fe_diags__count(const struct fe_diags *d)
{
	return d ? d->cnt : 0;
}

static const char *sev_str(enum fe_severity sev)
{
	switch (sev) {
	case FE_ERROR:
		return "error";
	case FE_WARNING:
		return "warning";
	case FE_REMARK:
		return "remark";
	default:
		return "note";
	}
}

/* The line `line` (1-based) of `file`, without its newline; NULL if unreadable. */
static char *read_line(const char *file, unsigned line)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = -1;
	unsigned cur = 0;
	FILE *f;

	if (!file || !line)
		return NULL;
	f = fopen(file, "r");
	if (!f)
		return NULL;
	while (cur < line && (n = getline(&buf, &cap, f)) >= 0)
		cur++;
	fclose(f);
	if (cur != line || n < 0) {
		free(buf);
		return NULL;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* Whether {sev, head} repeats a stored diagnostic (head holds the file,
 * line, column and text). */
static bool is_repeat(const struct fe_diags *d, enum fe_severity sev, const char *head)
{
	size_t i;

	for (i = 0; head && i < d->cnt; i++)
		if (d->items[i].sev == sev && d->items[i].head && !strcmp(d->items[i].head, head))
			return true;
	return false;
}

/* Appends one record that owns head; NULL when it is dropped. An error or
 * warning is dropped when it repeats one, a note when the error or warning
 * it explains was dropped (notes alone are never compared: one note may
 * explain different errors). The sink swallows allocation failures (a
 * diagnostic that cannot be stored is lost, the error count stays right). */
static struct diag *push(struct fe_diags *d, enum fe_severity sev, char *head)
{
	struct diag *dg;

	if (sev != FE_NOTE)
		d->dropping = is_repeat(d, sev, head);
	if (d->dropping) {
		free(head);
		return NULL;
	}
	if (sev == FE_ERROR)
		d->nr_errors++;
	if (fe_ensure_mem((void **)&d->items, &d->cap, sizeof(*d->items), d->cnt + 1)) {
		free(head);
		return NULL;
	}
	dg = &d->items[d->cnt++];
	memset(dg, 0, sizeof(*dg));
	dg->sev = sev;
	dg->head = head;
	return dg;
}

struct fe_diags *fe_diags__new_like(const struct fe_diags *like)
{
	struct fe_diags *d = fe_diags__new();

	if (d && like) {
		d->werror_aot = like->werror_aot;
		d->no_aot = like->no_aot;
		d->remarks_aot = like->remarks_aot;
	}
	return d;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void fe_diags__append(struct fe_diags *dst, const struct fe_diags *src, size_t from, size_t to)
{
	struct diag *dg;
	size_t i;

	for (i = from; src && i < to && i < src->cnt; i++) {
		const struct diag *sd = &src->items[i];

		dg = push(dst, sd->sev, dup_or_null(sd->head));
		if (!dg)
			continue;
		dg->has_loc = sd->has_loc;
		dg->srcline = dup_or_null(sd->srcline);
		dg->col = sd->col;
		dg->range_start = sd->range_start;
		dg->range_end = sd->range_end;
		dg->fixit = dup_or_null(sd->fixit);
		dg->fixit_col = sd->fixit_col;
	}
}

static void vreport(struct fe_diags *d, enum fe_severity sev, const char *file, unsigned line,
		    unsigned col, unsigned rs, unsigned re, const char *suffix, const char *fmt,
		    va_list ap)
{
	char *text = NULL, *head = NULL;
	struct diag *dg;
	bool has_loc;
	int n;

	if (!d)
		return;
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	if (file && line)
		n = asprintf(&head, "%s:%u:%u: %s: %s%s", file, line, col, sev_str(sev),
			     text ? text : "", suffix);
	else
		n = asprintf(&head, "%s: %s%s", sev_str(sev), text ? text : "", suffix);
	if (n < 0)
		head = NULL;
	has_loc = file && line && head;
	dg = push(d, sev, head);
	if (!dg)
		goto out;
	dg->has_loc = has_loc;
	if (dg->has_loc) {
		dg->srcline = read_line(file, line);
		dg->col = col;
		dg->range_start = rs;
		dg->range_end = re;
	}
out:
	free(text);
}

/* Where clang reports loc: its presumed position, which follows #line
 * directives and the line markers of preprocessed (.i) input, so a
 * location in a header of a .i names the header. */
static void presumed(CXSourceLocation loc, char **file, unsigned *line, unsigned *col)
{
	CXString f;

	clang_getPresumedLocation(loc, &f, line, col);
	*file = fe_strdup_cx(f);
	if (*file && !**file) {
		free(*file);
		*file = NULL;
	}
}

/* Where orig and pp (a line of the user's file and the clang -E line that
 * stands for it) part, blanks aside: the 1-based columns in each. False
 * when they do not part. */
static bool parting(const char *orig, const char *pp, unsigned *ocol, unsigned *pcol)
{
	const char *a = orig, *b = pp;

	for (;;) {
		a += strspn(a, " \t");
		b += strspn(b, " \t");
		if (*a != *b) {
			*ocol = (unsigned)(a - orig) + 1;
			*pcol = (unsigned)(b - pp) + 1;
			return true;
		}
		if (!*a)
			return false;
		a++;
		b++;
	}
}

/* In preprocessed input (a .i), a line that differs from the line of the
 * user's file it stands for holds a macro expansion: a column past the
 * point where the two part is the expansion's, and clang reports such a
 * location at the macro's name, which is where they part. True when *col
 * changed. */
static bool macro_expanded(CXSourceLocation loc, const char *file, unsigned line, unsigned *col)
{
	CXFile f = NULL;
	unsigned fl = 0, fc, fo, ocol, pcol;
	char *fname, *orig, *pp;
	bool r = false;

	clang_getFileLocation(loc, &f, &fl, &fc, &fo);
	fname = f ? fe_strdup_cx(clang_getFileName(f)) : NULL;
	if (!fname || !strcmp(fname, file)) {
		free(fname);
		return false;
	}
	orig = read_line(file, line);
	pp = read_line(fname, fl);
	if (orig && pp && parting(orig, pp, &ocol, &pcol) && *col >= pcol) {
		*col = ocol;
		r = true;
	}
	free(orig);
	free(pp);
	free(fname);
	return r;
}

static void loc_of(CXSourceLocation loc, const CXSourceRange *range, char **file, unsigned *line,
		   unsigned *col, unsigned *rs, unsigned *re)
{
	unsigned l = 0, c = 0;

	*rs = *re = 0;
	presumed(loc, file, &l, &c);
	*line = *file ? l : 0;
	*col = *file ? c : 0;
	if (*file && macro_expanded(loc, *file, l, col))
		range = NULL;
	if (*file && range) {
		unsigned l1, c1, l2, c2;
		char *f1, *f2;

		presumed(clang_getRangeStart(*range), &f1, &l1, &c1);
		presumed(clang_getRangeEnd(*range), &f2, &l2, &c2);
		if (f1 && f2 && !strcmp(f1, *file) && !strcmp(f2, *file) && l1 == *line &&
		    l2 == *line && c2 > c1) {
			*rs = c1;
			*re = c2;
		}
		free(f1);
		free(f2);
	}
}

void fe_diag_at(struct fe_diags *d, enum fe_severity sev, CXSourceLocation loc,
		const CXSourceRange *range, const char *fmt, ...)
{
	unsigned line, col, rs, re;
	char *file;
	va_list ap;

	loc_of(loc, range, &file, &line, &col, &rs, &re);
	va_start(ap, fmt);
	vreport(d, sev, file, line, col, rs, re, "", fmt, ap);
	va_end(ap);
	free(file);
}

void fe_diag_pos(struct fe_diags *d, enum fe_severity sev, const char *file, unsigned line,
		 unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, sev, file, line, col, 0, 0, "", fmt, ap);
	va_end(ap);
}

void fe_diag_aot(struct fe_diags *d, CXSourceLocation loc, const CXSourceRange *range,
		 const char *fmt, ...)
{
	unsigned line, col, rs, re;
	char *file;
	va_list ap;

	if (!d || d->no_aot)
		return;
	loc_of(loc, range, &file, &line, &col, &rs, &re);
	va_start(ap, fmt);
	if (d->werror_aot)
		vreport(d, FE_ERROR, file, line, col, rs, re, " [-Werror,-Waot]", fmt, ap);
	else
		vreport(d, FE_WARNING, file, line, col, rs, re, " [-Waot]", fmt, ap);
	va_end(ap);
	free(file);
}

void fe_diag_aot_pos(struct fe_diags *d, const char *file, unsigned line, unsigned col,
		     const char *fmt, ...)
{
	va_list ap;

	if (!d || d->no_aot)
		return;
	va_start(ap, fmt);
	if (d->werror_aot)
		vreport(d, FE_ERROR, file, line, col, 0, 0, " [-Werror,-Waot]", fmt, ap);
	else
		vreport(d, FE_WARNING, file, line, col, 0, 0, " [-Waot]", fmt, ap);
	va_end(ap);
}

void fe_diag_remark(struct fe_diags *d, CXSourceLocation loc, const CXSourceRange *range,
		    const char *fmt, ...)
{
	unsigned line, col, rs, re;
	char *file;
	va_list ap;

	if (!d || !d->remarks_aot)
		return;
	loc_of(loc, range, &file, &line, &col, &rs, &re);
	va_start(ap, fmt);
	vreport(d, FE_REMARK, file, line, col, rs, re, " [-Raot]", fmt, ap);
	va_end(ap);
	free(file);
}

static void forward_one(struct fe_diags *d, CXDiagnostic diag)
{
	enum CXDiagnosticSeverity s = clang_getDiagnosticSeverity(diag);
	unsigned opts = clang_defaultDiagnosticDisplayOptions();
	unsigned line, col, rs = 0, re = 0, n, i;
	CXSourceRange r;
	enum fe_severity sev;
	struct diag *dg;
	char *file, *text, *head = NULL;

	if (s == CXDiagnostic_Ignored)
		return;
	sev = s >= CXDiagnostic_Error ? FE_ERROR : s == CXDiagnostic_Warning ? FE_WARNING : FE_NOTE;
	loc_of(clang_getDiagnosticLocation(diag), NULL, &file, &line, &col, &rs, &re);
	/* clang's text, at the presumed location (a .i's line markers) */
	text = fe_strdup_cx(clang_formatDiagnostic(diag, opts & ~CXDiagnostic_DisplaySourceLocation));
	if (text && file && line && asprintf(&head, "%s:%u:%u: %s", file, line, col, text) < 0)
		head = NULL;
	else if (!head)
		head = text ? strdup(text) : NULL;
	free(text);
	dg = push(d, sev, head);
	if (!dg) {
		free(file);
		return;
	}
	/* the caret goes under the location; underline the first range on its line */
	n = clang_getDiagnosticNumRanges(diag);
	for (i = 0; i < n && file; i++) {
		unsigned l2, c2, r1, r2;
		char *f2;

		r = clang_getDiagnosticRange(diag, i);
		loc_of(clang_getRangeStart(r), &r, &f2, &l2, &c2, &r1, &r2);
		if (f2 && !strcmp(f2, file) && l2 == line && r2 > r1) {
			rs = r1;
			re = r2;
			free(f2);
			break;
		}
		free(f2);
	}
	if (file && line) {
		dg->has_loc = true;
		dg->srcline = read_line(file, line);
		dg->col = col;
		dg->range_start = rs;
		dg->range_end = re;
	}
	/* clang shows an insertion fix-it on the caret's line, under its column */
	if (file && clang_getDiagnosticNumFixIts(diag) == 1) {
		CXString fx = clang_getDiagnosticFixIt(diag, 0, &r);
		unsigned l2, c2, r1, r2;
		char *f2;

		loc_of(clang_getRangeStart(r), NULL, &f2, &l2, &c2, &r1, &r2);
		if (f2 && !strcmp(f2, file) && l2 == line) {
			dg->fixit = fe_strdup_cx(fx);
			dg->fixit_col = c2;
		} else {
			clang_disposeString(fx);
		}
		free(f2);
	}
	free(file);
}

void fe_diag_clang(struct fe_diags *d, CXDiagnostic diag)
{
	CXDiagnosticSet children;
	unsigned i, n;

	if (!d)
		return;
	forward_one(d, diag);
	children = clang_getChildDiagnostics(diag);
	n = clang_getNumDiagnosticsInSet(children);
	for (i = 0; i < n; i++) {
		CXDiagnostic c = clang_getDiagnosticInSet(children, i);

		forward_one(d, c);
		clang_disposeDiagnostic(c);
	}
}

/* Column (0-based, after tab expansion to 8) of byte column bcol (1-based). */
static unsigned vcol(const char *s, unsigned bcol)
{
	unsigned v = 0, i;

	for (i = 0; i + 1 < bcol && s[i]; i++)
		v = s[i] == '\t' ? (v / 8 + 1) * 8 : v + 1;
	return v;
}

static void render_one(const struct diag *dg, FILE *f, const char *progname)
{
	const char *s = dg->srcline;
	unsigned i, caret, a, b, len;

	if (!dg->has_loc && progname)
		fprintf(f, "%s: ", progname);
	fprintf(f, "%s\n", dg->head ? dg->head : "");
	if (!dg->has_loc || !s)
		return;
	for (i = 0; s[i]; i++) {
		if (s[i] == '\t')
			fprintf(f, "%*s", 8 - (int)(vcol(s, i + 1) % 8), "");
		else
			fputc(s[i], f);
	}
	fputc('\n', f);
	len = vcol(s, strlen(s) + 1);
	caret = vcol(s, dg->col);
	a = dg->range_start ? vcol(s, dg->range_start) : caret;
	b = dg->range_end ? vcol(s, dg->range_end) : caret + 1;
	if (b > len + 1)
		b = len + 1;
	for (i = 0; i < b || i <= caret; i++) {
		if (i == caret)
			fputc('^', f);
		else if (i >= a && i < b)
			fputc('~', f);
		else if (i < caret)
			fputc(' ', f);
		else
			break;
	}
	fputc('\n', f);
	if (dg->fixit && *dg->fixit)
		fprintf(f, "%*s%s\n", (int)vcol(s, dg->fixit_col), "", dg->fixit);
}

void fe_diags__render(const struct fe_diags *d, FILE *f, const char *progname, bool summary)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->cnt; i++)
		render_one(&d->items[i], f, progname);
	if (summary && d->nr_errors)
		fprintf(f, "%d error%s generated.\n", d->nr_errors, d->nr_errors == 1 ? "" : "s");
}

char *fe_diags__render_str(const struct fe_diags *d, const char *progname, bool summary)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fe_diags__render(d, f, progname, summary);
	fclose(f);
	return buf;
}
