// SPDX-License-Identifier: MIT
/*
 * The manifest of a native program object: section `.bpfaot.manifest`,
 * written by bpfaot-cc's backend, one record per line (format in
 * docs/object-format.md). This file parses it (strictly: it is untrusted
 * input and is fuzzed; every refusal names the line) and checks it against
 * the runtime: helper ids and prototype classes against the helper table,
 * map types and layouts against the object's maps, globals against their
 * global-data maps.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfaot/abi.h"
#include "rt_internal.h"

#define MF_MAGIC "bpfaot-manifest"
#define MF_VERSION 1
#define MF_MAX_ARGS 5

/* One line of the text: not NUL-terminated. */
struct mf_line {
	const char *p;
	size_t len;
	unsigned int no;	/* 1-based */
};

struct mf_parser {
	const char *path;
	struct rt_log *log;
	struct rt_manifest *mf;
	size_t helpers_cap, maps_cap, globals_cap;
	bool has_prog;
};

#define MF_ERR(ps, ln, ...)                                                                        \
	mf_err((ps), (ln)->no, __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static int mf_err(struct mf_parser *ps, unsigned int line,
							 const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_log__err(ps->log, "%s: manifest line %u: %s", ps->path, line, msg);
	return -EINVAL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Next token of ln from *pos: [*tok, *tok + *tlen). `proto=` takes the rest
 * of the line. false at the end of the line. */
static bool next_token(const struct mf_line *ln, size_t *pos, const char **tok, size_t *tlen)
{
	size_t i = *pos, start;

	while (i < ln->len && is_space(ln->p[i]))
		i++;
	if (i >= ln->len) {
		*pos = i;
		return false;
	}
	start = i;
	if (ln->len - i >= 6 && !memcmp(ln->p + i, "proto=", 6)) {
		i = ln->len;
	} else {
		while (i < ln->len && !is_space(ln->p[i]))
			i++;
	}
	*tok = ln->p + start;
	*tlen = i - start;
	*pos = i;
	return true;
}

/* Finds key=value in the record (after its kind). 0 and the value, -ENOENT
 * when absent, -EINVAL (reported) when given twice. */
static int field(struct mf_parser *ps, const struct mf_line *ln, const char *key, const char **val,
		 size_t *vlen)
{
	size_t pos = 0, klen = strlen(key), tlen;
	const char *tok;
	bool found = false, first = true;

	while (next_token(ln, &pos, &tok, &tlen)) {
		if (first) { /* the record kind */
			first = false;
			continue;
		}
		if (tlen > klen && tok[klen] == '=' && !memcmp(tok, key, klen)) {
			if (found)
				return MF_ERR(ps, ln, "key '%s' given twice", key);
			found = true;
			*val = tok + klen + 1;
			*vlen = tlen - klen - 1;
		}
	}
	return found ? 0 : -ENOENT;
}

static int need_field(struct mf_parser *ps, const struct mf_line *ln, const char *kind,
		      const char *key, const char **val, size_t *vlen)
{
	int err = field(ps, ln, key, val, vlen);

	if (err == -ENOENT)
		return MF_ERR(ps, ln, "'%s' record without '%s='", kind, key);
	return err;
}

/* Every token after the kind must be key=value with a non-empty key. */
static int check_tokens(struct mf_parser *ps, const struct mf_line *ln)
{
	size_t pos = 0, tlen;
	const char *tok, *eq;
	bool first = true;

	while (next_token(ln, &pos, &tok, &tlen)) {
		if (first) {
			first = false;
			continue;
		}
		eq = memchr(tok, '=', tlen);
		if (!eq || eq == tok)
			return MF_ERR(ps, ln, "expected key=value, got '%.*s'",
				      (int)(tlen > 64 ? 64 : tlen), tok);
	}
	return 0;
}

static int parse_u32(struct mf_parser *ps, const struct mf_line *ln, const char *key,
		     const char *v, size_t n, uint32_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 10)
		goto bad;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			goto bad;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > UINT32_MAX)
		goto bad;
	*out = (uint32_t)x;
	return 0;
bad:
	return MF_ERR(ps, ln, "'%s': '%.*s' is not a 32-bit unsigned number", key,
		      (int)(n > 32 ? 32 : n), v);
}

static int get_u32(struct mf_parser *ps, const struct mf_line *ln, const char *kind,
		   const char *key, uint32_t *out)
{
	const char *v;
	size_t n;
	int err = need_field(ps, ln, kind, key, &v, &n);

	return err ? err : parse_u32(ps, ln, key, v, n, out);
}

/* Names are printable ASCII without spaces, 1..max bytes; copied. */
static int get_name(struct mf_parser *ps, const struct mf_line *ln, const char *kind,
		    const char *key, size_t max, char **out)
{
	const char *v;
	size_t n, i;
	int err = need_field(ps, ln, kind, key, &v, &n);

	if (err)
		return err;
	if (n == 0 || n > max)
		return MF_ERR(ps, ln, "'%s': name of %zu bytes (1 to %zu allowed)", key, n, max);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
			return MF_ERR(ps, ln, "'%s': byte 0x%02x is not allowed in a name", key,
				      (unsigned char)v[i]);
	*out = strndup(v, n);
	return *out ? 0 : -ENOMEM;
}

static bool tok_is(const char *v, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(v, word, n);
}

static int parse_class(struct mf_parser *ps, const struct mf_line *ln, const char *what,
		       const char *v, size_t n, bool allow_void, enum rt_mf_class *out)
{
	if (tok_is(v, n, "ptr"))
		*out = RT_MF_PTR;
	else if (tok_is(v, n, "scalar"))
		*out = RT_MF_SCALAR;
	else if (allow_void && tok_is(v, n, "void"))
		*out = RT_MF_VOID;
	else
		return MF_ERR(ps, ln, "%s: '%.*s' is not %s", what, (int)(n > 32 ? 32 : n), v,
			      allow_void ? "void, ptr or scalar" : "ptr or scalar");
	return 0;
}

static const char *const ctx_names[] = {
	[RT_CTX_MEM] = "mem", [RT_CTX_XDP] = "xdp", [RT_CTX_SKB] = "skb",
	[RT_CTX_REGS] = "regs", [RT_CTX_RAW] = "raw",
};

/* Optional `bytecode=`: 16 lowercase hex digits. */
static int get_hash(struct mf_parser *ps, const struct mf_line *ln, struct rt_manifest *mf)
{
	uint64_t x = 0;
	const char *v;
	size_t n, i;
	int err = field(ps, ln, "bytecode", &v, &n);

	if (err)
		return err == -ENOENT ? 0 : err;
	if (n != 16)
		goto bad;
	for (i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			x = x << 4 | (uint64_t)(v[i] - '0');
		else if (v[i] >= 'a' && v[i] <= 'f')
			x = x << 4 | (uint64_t)(v[i] - 'a' + 10);
		else
			goto bad;
	}
	mf->has_bytecode_hash = true;
	mf->bytecode_hash = x;
	return 0;
bad:
	return MF_ERR(ps, ln, "'bytecode': '%.*s' is not 16 lowercase hex digits",
		      (int)(n > 32 ? 32 : n), v);
}

/* prog `march=`: the x86-64 micro-architecture level the code needs
 * (bpfaot-cc --aot-march), absent: the baseline */
static int get_march(struct mf_parser *ps, const struct mf_line *ln, struct rt_manifest *mf)
{
	static const char *const levels[] = BPFAOT_MARCH_LEVELS;
	const char *v;
	size_t n, i;
	int err = field(ps, ln, "march", &v, &n);

	mf->march_level = 1;
	if (err)
		return err == -ENOENT ? 0 : err;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (tok_is(v, n, levels[i])) {
			mf->march_level = (uint32_t)i + 1;
			return 0;
		}
	}
	return MF_ERR(ps, ln, "'march': '%.*s' is not x86-64, x86-64-v2, x86-64-v3 or x86-64-v4",
		      (int)(n > 32 ? 32 : n), v);
}

static int rec_prog(struct mf_parser *ps, const struct mf_line *ln)
{
	struct rt_manifest *mf = ps->mf;
	const char *v;
	size_t n, i;
	int err;

	if (ps->has_prog)
		return MF_ERR(ps, ln, "second 'prog' record");
	ps->has_prog = true;
	err = get_name(ps, ln, "prog", "name", RT_MF_NAME_MAX, &mf->prog_name);
	if (!err)
		err = get_name(ps, ln, "prog", "section", RT_MF_NAME_MAX, &mf->prog_sec);
	if (!err)
		err = get_u32(ps, ln, "prog", "type", &mf->prog_type);
	if (!err)
		err = get_u32(ps, ln, "prog", "stack", &mf->stack);
	if (!err)
		err = get_hash(ps, ln, mf);
	if (!err)
		err = get_march(ps, ln, mf);
	if (!err)
		err = need_field(ps, ln, "prog", "ctx", &v, &n);
	if (err)
		return err;
	for (i = 0; i < sizeof(ctx_names) / sizeof(ctx_names[0]); i++) {
		if (tok_is(v, n, ctx_names[i])) {
			mf->ctx_kind = (enum rt_ctx_kind)i;
			return 0;
		}
	}
	return MF_ERR(ps, ln, "'ctx': '%.*s' is not mem, xdp, skb, regs or raw",
		      (int)(n > 32 ? 32 : n), v);
}

static int rec_helper(struct mf_parser *ps, const struct mf_line *ln)
{
	struct rt_manifest *mf = ps->mf;
	struct rt_mf_helper *h;
	const char *v, *a;
	size_t n, k, start;
	int err;

	err = rt_ensure_mem((void **)&mf->helpers, &ps->helpers_cap, sizeof(*h),
			    mf->nr_helpers + 1);
	if (err)
		return err;
	h = &mf->helpers[mf->nr_helpers++];
	h->line = ln->no;
	err = get_u32(ps, ln, "helper", "id", &h->id);
	if (!err)
		err = get_name(ps, ln, "helper", "name", RT_MF_NAME_MAX, &h->name);
	if (!err)
		err = need_field(ps, ln, "helper", "ret", &v, &n);
	if (!err)
		err = parse_class(ps, ln, "'ret'", v, n, true, &h->ret);
	if (!err)
		err = need_field(ps, ln, "helper", "args", &a, &n);
	if (err)
		return err;
	/* comma-separated classes, possibly none; `...` only last */
	for (start = 0, k = 0; n && k <= n; k++) {
		if (k < n && a[k] != ',')
			continue;
		if (h->varargs)
			return MF_ERR(ps, ln, "'args': '...' must be the last argument");
		if (tok_is(a + start, k - start, "...")) {
			h->varargs = true;
		} else {
			if (h->nr_args >= MF_MAX_ARGS)
				return MF_ERR(ps, ln, "'args': more than %d arguments", MF_MAX_ARGS);
			err = parse_class(ps, ln, "'args'", a + start, k - start, false,
					  &h->args[h->nr_args]);
			if (err)
				return err;
			h->nr_args++;
		}
		start = k + 1;
	}
	if (field(ps, ln, "proto", &v, &n) == 0) {
		h->proto = strndup(v, n);
		if (!h->proto)
			return -ENOMEM;
	}
	for (k = 0; k + 1 < mf->nr_helpers; k++)
		if (mf->helpers[k].id == h->id)
			return MF_ERR(ps, ln, "helper %u listed twice (first on line %u)", h->id,
				      mf->helpers[k].line);
	return 0;
}

static int rec_map(struct mf_parser *ps, const struct mf_line *ln)
{
	struct rt_manifest *mf = ps->mf;
	struct rt_mf_map *m;
	uint32_t inlined;
	char *name = NULL;
	const char *v;
	size_t k, n;
	int err;

	err = rt_ensure_mem((void **)&mf->maps, &ps->maps_cap, sizeof(*m), mf->nr_maps + 1);
	if (err)
		return err;
	m = &mf->maps[mf->nr_maps++];
	m->line = ln->no;
	m->def.spin_lock_off = -1;
	err = get_name(ps, ln, "map", "name", sizeof(m->def.name) - 1, &name);
	if (err)
		return err;
	memcpy(m->def.name, name, strlen(name) + 1);
	free(name);
	err = get_u32(ps, ln, "map", "type", &m->def.type);
	if (!err)
		err = get_u32(ps, ln, "map", "key", &m->def.key_size);
	if (!err)
		err = get_u32(ps, ln, "map", "value", &m->def.value_size);
	if (!err)
		err = get_u32(ps, ln, "map", "max", &m->def.max_entries);
	if (!err)
		err = get_u32(ps, ln, "map", "flags", &m->def.map_flags);
	if (!err)
		err = get_u32(ps, ln, "map", "inlined", &inlined);
	if (err)
		return err;
	if (inlined > 1)
		return MF_ERR(ps, ln, "'inlined': %u is not 0 or 1", inlined);
	m->inlined = inlined;
	/* optional: the distance between values that inlined code indexes by */
	m->stride = m->def.value_size;
	err = field(ps, ln, "stride", &v, &n);
	if (!err)
		err = parse_u32(ps, ln, "stride", v, n, &m->stride);
	if (err && err != -ENOENT)
		return err;
	/* optional: the hash of the contents compiled in (--aot-const-map) */
	if (field(ps, ln, "const", &v, &n) == 0) {
		if (n != 16)
			return MF_ERR(ps, ln, "map '%s': 'const' has %zu hex digits, 16 expected",
				      m->def.name, n);
		for (k = 0; k < 16; k++) {
			int x = rt_hexval(v[k]);

			if (x < 0)
				return MF_ERR(ps, ln, "map '%s': 'const' is not hexadecimal",
					      m->def.name);
			m->const_hash = m->const_hash << 4 | (uint64_t)x;
		}
		m->has_const = true;
	}
	for (k = 0; k + 1 < mf->nr_maps; k++)
		if (!strcmp(mf->maps[k].def.name, m->def.name))
			return MF_ERR(ps, ln, "map '%s' listed twice (first on line %u)",
				      m->def.name, mf->maps[k].line);
	return 0;
}

/* The optional field `key=HEX` of a global line: size bytes into *out. */
static int global_bytes(struct mf_parser *ps, const struct mf_line *ln, struct rt_mf_global *g,
			const char *key, uint8_t **out)
{
	const char *v;
	size_t n, k;

	if (field(ps, ln, key, &v, &n) != 0)
		return 0;
	if (n != (size_t)g->size * 2)
		return MF_ERR(ps, ln, "global '%s': '%s' has %zu hex digits, %llu expected", g->name,
			      key, n, (unsigned long long)g->size * 2);
	*out = malloc(g->size);
	if (!*out)
		return -ENOMEM;
	for (k = 0; k < g->size; k++) {
		int hi = rt_hexval(v[2 * k]), lo = rt_hexval(v[2 * k + 1]);

		if (hi < 0 || lo < 0)
			return MF_ERR(ps, ln, "global '%s': '%s' is not hexadecimal", g->name, key);
		(*out)[k] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int rec_global(struct mf_parser *ps, const struct mf_line *ln)
{
	struct rt_manifest *mf = ps->mf;
	struct rt_mf_global *g;
	size_t k;
	int err;

	err = rt_ensure_mem((void **)&mf->globals, &ps->globals_cap, sizeof(*g),
			    mf->nr_globals + 1);
	if (err)
		return err;
	g = &mf->globals[mf->nr_globals++];
	g->line = ln->no;
	err = get_name(ps, ln, "global", "name", RT_MF_NAME_MAX, &g->name);
	if (!err)
		err = get_name(ps, ln, "global", "section", sizeof(((struct rt_map_def *)0)->name) - 1,
			       &g->section);
	if (!err)
		err = get_u32(ps, ln, "global", "offset", &g->offset);
	if (!err)
		err = get_u32(ps, ln, "global", "size", &g->size);
	if (err)
		return err;
	if (g->size == 0)
		return MF_ERR(ps, ln, "global '%s' has size 0", g->name);
	if ((uint64_t)g->offset + g->size > UINT32_MAX)
		return MF_ERR(ps, ln, "global '%s': offset %u + size %u overflows", g->name,
			      g->offset, g->size);
	/* optional: the initial value, and the value native code has compiled
	 * in (--aot-const); 2 * size hex digits each */
	err = global_bytes(ps, ln, g, "init", &g->init);
	if (!err)
		err = global_bytes(ps, ln, g, "const", &g->cval);
	if (err)
		return err;
	for (k = 0; k + 1 < mf->nr_globals; k++)
		if (!strcmp(mf->globals[k].name, g->name))
			return MF_ERR(ps, ln, "global '%s' listed twice (first on line %u)", g->name,
				      mf->globals[k].line);
	return 0;
}

static const struct {
	const char *kind;
	int (*parse)(struct mf_parser *ps, const struct mf_line *ln);
} records[] = {
	{ "prog", rec_prog },
	{ "helper", rec_helper },
	{ "map", rec_map },
	{ "global", rec_global },
};

/* Record counts are bounded so that duplicate checks stay cheap. */
static int count_record(struct mf_parser *ps, const struct mf_line *ln, const char *kind)
{
	size_t n = !strcmp(kind, "helper") ? ps->mf->nr_helpers
		   : !strcmp(kind, "map")  ? ps->mf->nr_maps
		   : !strcmp(kind, "global") ? ps->mf->nr_globals
					     : 0;

	if (n < RT_MF_MAX_RECORDS)
		return 0;
	rt_log__err(ps->log, "%s: manifest line %u: more than %u '%s' records", ps->path, ln->no,
		    RT_MF_MAX_RECORDS, kind);
	return -E2BIG;
}

static int parse_line(struct mf_parser *ps, const struct mf_line *ln, bool *end)
{
	size_t pos = 0, tlen, i;
	const char *tok;
	int err;

	if (!next_token(ln, &pos, &tok, &tlen))
		return 0; /* blank line */
	if (tok_is(tok, tlen, "end")) {
		if (next_token(ln, &pos, &tok, &tlen))
			return MF_ERR(ps, ln, "'end' takes no fields");
		*end = true;
		return 0;
	}
	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		if (tok_is(tok, tlen, records[i].kind)) {
			err = check_tokens(ps, ln);
			if (!err)
				err = count_record(ps, ln, records[i].kind);
			return err ? err : records[i].parse(ps, ln);
		}
	}
	return MF_ERR(ps, ln, "unknown record '%.*s'", (int)(tlen > 32 ? 32 : tlen), tok);
}

struct rt_manifest *rt_manifest__parse(const char *text, size_t len, const char *path,
				       struct rt_log *log)
{
	struct mf_parser ps = { .path = path, .log = log };
	struct mf_line ln = { 0 };
	size_t pos = 0, n, i;
	bool end = false;
	int err = 0;

	if (len > RT_MANIFEST_MAX_SIZE) {
		rt_log__err(log, "%s: manifest of %zu bytes is over the limit of %u", path, len,
			    RT_MANIFEST_MAX_SIZE);
		errno = E2BIG;
		return NULL;
	}
	/* a section may be padded with NUL bytes; nothing else may follow them */
	n = len;
	for (i = 0; i < len; i++) {
		if (text[i] == '\0') {
			n = i;
			break;
		}
	}
	for (i = n; i < len; i++) {
		if (text[i] != '\0') {
			rt_log__err(log, "%s: manifest: NUL byte inside the text", path);
			errno = EINVAL;
			return NULL;
		}
	}
	ps.mf = calloc(1, sizeof(*ps.mf));
	if (!ps.mf) {
		errno = ENOMEM;
		return NULL;
	}
	while (pos < n && !err) {
		const char *nl = memchr(text + pos, '\n', n - pos);

		ln.p = text + pos;
		ln.len = nl ? (size_t)(nl - ln.p) : n - pos;
		ln.no++;
		pos += ln.len + (nl ? 1 : 0);
		if (end) {
			size_t t = 0;
			const char *tok;
			size_t tl;

			if (next_token(&ln, &t, &tok, &tl))
				err = MF_ERR(&ps, &ln, "text after 'end'");
			continue;
		}
		if (ln.no == 1) {
			uint32_t ver;
			size_t ml = strlen(MF_MAGIC);

			if (ln.len < ml + 2 || memcmp(ln.p, MF_MAGIC " ", ml + 1)) {
				err = MF_ERR(&ps, &ln, "not a bpfaot manifest (expected '%s %d')",
					     MF_MAGIC, MF_VERSION);
				break;
			}
			err = parse_u32(&ps, &ln, "version", ln.p + ml + 1, ln.len - ml - 1, &ver);
			if (!err && ver != MF_VERSION)
				err = MF_ERR(&ps, &ln, "unsupported manifest version %u (this runtime reads %d)",
					     ver, MF_VERSION);
			continue;
		}
		err = parse_line(&ps, &ln, &end);
	}
	if (!err && ln.no == 0) {
		rt_log__err(log, "%s: manifest is empty", path);
		err = -EINVAL;
	} else if (!err && !end) {
		rt_log__err(log, "%s: manifest line %u: missing 'end' record (truncated?)", path,
			    ln.no);
		err = -EINVAL;
	} else if (!err && !ps.has_prog) {
		rt_log__err(log, "%s: manifest has no 'prog' record", path);
		err = -EINVAL;
	}
	if (err) {
		if (err == -ENOMEM)
			rt_log__err(log, "%s: manifest: out of memory", path);
		rt_manifest__free(ps.mf);
		errno = -err;
		return NULL;
	}
	return ps.mf;
}

void rt_manifest__free(struct rt_manifest *mf)
{
	size_t i;

	if (!mf)
		return;
	for (i = 0; i < mf->nr_helpers; i++) {
		free(mf->helpers[i].name);
		free(mf->helpers[i].proto);
	}
	for (i = 0; i < mf->nr_globals; i++) {
		free(mf->globals[i].name);
		free(mf->globals[i].section);
		free(mf->globals[i].init);
		free(mf->globals[i].cval);
	}
	free(mf->helpers);
	free(mf->maps);
	free(mf->globals);
	free(mf->prog_name);
	free(mf->prog_sec);
	free(mf);
}

const struct rt_mf_helper *rt_manifest__find_helper(const struct rt_manifest *mf, uint32_t id)
{
	size_t i;

	for (i = 0; mf && i < mf->nr_helpers; i++)
		if (mf->helpers[i].id == id)
			return &mf->helpers[i];
	return NULL;
}

const struct rt_mf_map *rt_manifest__find_map(const struct rt_manifest *mf, const char *name)
{
	size_t i;

	for (i = 0; mf && i < mf->nr_maps; i++)
		if (!strcmp(mf->maps[i].def.name, name))
			return &mf->maps[i];
	return NULL;
}

const struct rt_mf_global *rt_manifest__find_global(const struct rt_manifest *mf,
						    const char *name)
{
	size_t i;

	for (i = 0; mf && i < mf->nr_globals; i++)
		if (!strcmp(mf->globals[i].name, name))
			return &mf->globals[i];
	return NULL;
}

/* ------------------------------------------------------------ checks */

static const char *class_name(enum rt_mf_class c)
{
	return c == RT_MF_VOID ? "void" : c == RT_MF_PTR ? "ptr" : "scalar";
}

static enum rt_mf_class arg_class(enum rt_arg a)
{
	switch (a) {
	case RT_ARG_CTX:
	case RT_ARG_MAP:
	case RT_ARG_PTR:
	case RT_ARG_PTR_OR_NULL:
	case RT_ARG_FUNC:
	case RT_ARG_ADDR:
		return RT_MF_PTR;
	default:
		return RT_MF_SCALAR;
	}
}

static enum rt_mf_class ret_class(enum rt_ret r)
{
	switch (r) {
	case RT_RET_VOID:
		return RT_MF_VOID;
	case RT_RET_PTR_OR_NULL:
		return RT_MF_PTR;
	default:
		return RT_MF_SCALAR;
	}
}

/* The kernel id whose helper is called name, 0 for none. */
static uint32_t kernel_helper_id(const char *name)
{
	const char *k;
	uint32_t id;

	for (id = 1; (k = rt_helper_kernel_name(id)); id++)
		if (!strcmp(k, name))
			return id;
	return 0;
}

/* Whether a value of class obj (the object's declaration) may stand for
 * one of class rt (the runtime's): equal, or a scalar where the runtime
 * has a pointer. Both are the same 64-bit register in the native ABI, and
 * C code declares helpers that return pointers as returning long
 * (`static long (*lookup)(void *, const void *) = (void *)1;`). */
static bool class_fits(enum rt_mf_class obj, enum rt_mf_class rt)
{
	return obj == rt || (obj == RT_MF_SCALAR && rt == RT_MF_PTR);
}

/* A helper record against the runtime's helper of that id. The id decides:
 * the name is the object's own (a helper pointer may have any name), and
 * is refused only when it is the kernel's name of another helper (a
 * compiler's mix-up). The prototype must fit (class_fits()). */
static int check_helper(const struct rt_mf_helper *h, const char *path, struct rt_log *log)
{
	const struct rt_helper *rh = rt_helper__by_id(h->id);
	uint32_t named;
	int nr = 0, i;

	if (!rh) {
		rt_log__err(log, "%s: helper %u ('%s') is not provided by the runtime%s", path, h->id,
			    h->name, rt_helper_refused_why(h->id));
		return -ENOTSUP;
	}
	named = kernel_helper_id(h->name);
	if (strcmp(rh->name, h->name) && named && named != h->id) {
		rt_log__err(log, "%s: helper %u is '%s' in the object, '%s' in the runtime", path,
			    h->id, h->name, rh->name);
		return -EINVAL;
	}
	/* a value declared void is one the program never reads (katran's
	 * bpf_tail_call returns void): whatever the runtime returns fits */
	if (h->ret != RT_MF_VOID && !class_fits(h->ret, ret_class(rh->ret))) {
		rt_log__err(log, "%s: helper %u ('%s'): prototype differs: returns %s in the object, %s in the runtime",
			    path, h->id, h->name, class_name(h->ret), class_name(ret_class(rh->ret)));
		return -EINVAL;
	}
	while (nr < 5 && rh->args[nr] != RT_ARG_NONE)
		nr++;
	if (h->varargs ? h->nr_args > nr : h->nr_args != nr) {
		rt_log__err(log, "%s: helper %u ('%s'): prototype differs: %d%s arguments in the object, %d in the runtime",
			    path, h->id, h->name, h->nr_args, h->varargs ? "+" : "", nr);
		return -EINVAL;
	}
	for (i = 0; i < h->nr_args; i++) {
		if (!class_fits(h->args[i], arg_class(rh->args[i]))) {
			rt_log__err(log, "%s: helper %u ('%s'): prototype differs: argument %d is %s in the object, %s in the runtime",
				    path, h->id, h->name, i + 1, class_name(h->args[i]),
				    class_name(arg_class(rh->args[i])));
			return -EINVAL;
		}
	}
	/* varargs stand for scalars (trace_printk's values) */
	for (; h->varargs && i < nr; i++) {
		if (arg_class(rh->args[i]) != RT_MF_SCALAR) {
			rt_log__err(log, "%s: helper %u ('%s'): prototype differs: argument %d is variadic in the object, %s in the runtime",
				    path, h->id, h->name, i + 1, class_name(arg_class(rh->args[i])));
			return -EINVAL;
		}
	}
	return 0;
}

static struct rt_map *find_map(const struct rt_object *obj, const char *name)
{
	size_t i;

	for (i = 0; obj && i < obj->nr_maps; i++)
		if (!strcmp(rt_map__name(obj->maps[i]), name))
			return obj->maps[i];
	return NULL;
}

static int check_map(const struct rt_mf_map *m, const struct rt_object *obj, const char *path,
		     struct rt_log *log)
{
	static const struct {
		const char *what;
		size_t off;
	} fields[] = {
		{ "type", offsetof(struct rt_map_def, type) },
		{ "key size", offsetof(struct rt_map_def, key_size) },
		{ "value size", offsetof(struct rt_map_def, value_size) },
		{ "max entries", offsetof(struct rt_map_def, max_entries) },
		{ "flags", offsetof(struct rt_map_def, map_flags) },
	};
	const struct rt_map *rm = find_map(obj, m->def.name);
	const struct rt_map_def *rd;
	size_t i;

	if (!rm) {
		rt_log__err(log, "%s: map '%s' is not in the runtime object", path, m->def.name);
		return -ENOENT;
	}
	rd = rt_map__def(rm);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint32_t a, b;

		memcpy(&a, (const char *)&m->def + fields[i].off, sizeof(a));
		memcpy(&b, (const char *)rd + fields[i].off, sizeof(b));
		/* a perf event array without max_entries: the runtime sized it
		 * to the CPUs, as libbpf does */
		if (fields[i].off == offsetof(struct rt_map_def, max_entries) && !a &&
		    rd->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		if (a != b) {
			rt_log__err(log, "%s: map '%s': %s %u in the object, %u in the runtime", path,
				    m->def.name, fields[i].what, a, b);
			return -EINVAL;
		}
	}
	if (m->inlined && rd->type != BPF_MAP_TYPE_ARRAY) {
		rt_log__err(log, "%s: map '%s' is inlined but is not an array (type %u)", path,
			    m->def.name, rd->type);
		return -EINVAL;
	}
	/* native code indexes inlined values by the manifest's stride (the value
	 * size without one); the runtime's array slots are value_size rounded up
	 * to 8 (the linker checks the real layout again when it binds) */
	if (m->inlined && rd->max_entries > 1 && m->stride != ((rd->value_size + 7) & ~7u)) {
		rt_log__err(log, "%s: map '%s' is inlined with a stride of %u bytes, %u in the runtime",
			    path, m->def.name, m->stride, (rd->value_size + 7) & ~7u);
		return -EINVAL;
	}
	return 0;
}

static void hex(char *out, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && i < 32; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	if (n > 32)
		strcpy(out + 64, "...");
}

/* A global compiled in (const=) must hold, when the code is linked, the
 * bytes the code assumes: the host sets .rodata before the first run. */
static int check_const(const struct rt_mf_global *g, const struct rt_object *obj,
		       const char *path, struct rt_log *log)
{
	struct rt_map *rm = (struct rt_map *)find_map(obj, g->section);
	uint32_t zero = 0;
	const uint8_t *v = rm ? rt_map__lookup(rm, &zero) : NULL;
	char want[72], have[72];

	if (!g->cval || !v || !memcmp(v + g->offset, g->cval, g->size))
		return 0;
	hex(want, g->cval, g->size);
	hex(have, v + g->offset, g->size);
	rt_log__err(log, "%s: global '%s' was compiled in as %s (bpfaot-cc --aot-const) but is %s "
		    "in '%s': set the same value before the first run, rebuild, or run the "
		    "bytecode", path, g->name, want, have, g->section);
	return -EINVAL;
}

/* An array whose contents native code has compiled in (const=) must hold,
 * when the code is linked, the contents it was built with: the FNV-1a 64 of
 * value_size bytes of each entry in index order (docs/object-format.md). */
static int check_const_map(const struct rt_mf_map *m, const struct rt_object *obj,
			   const char *path, struct rt_log *log)
{
	struct rt_map *rm = (struct rt_map *)find_map(obj, m->def.name);
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t i, k;

	if (!m->has_const || !rm)
		return 0;
	if (rt_map__def(rm)->type != BPF_MAP_TYPE_ARRAY) {
		rt_log__err(log, "%s: map '%s' is compiled in but is not an array", path, m->def.name);
		return -EINVAL;
	}
	for (i = 0; i < rt_map__def(rm)->max_entries; i++) {
		const uint8_t *v = rt_map__lookup(rm, &i);

		for (k = 0; v && k < rt_map__def(rm)->value_size; k++)
			h = (h ^ v[k]) * 0x100000001b3ull;
	}
	if (h == m->const_hash)
		return 0;
	rt_log__err(log, "%s: map '%s' was compiled in with other contents (bpfaot-cc "
		    "--aot-const-map; hash %016llx, the runtime's %016llx): set the same entries "
		    "before the first run, rebuild, or run the bytecode", path, m->def.name,
		    (unsigned long long)m->const_hash, (unsigned long long)h);
	return -EINVAL;
}

static int check_global(const struct rt_mf_global *g, const struct rt_object *obj,
			const char *path, struct rt_log *log)
{
	const struct rt_map *rm = find_map(obj, g->section);
	const struct rt_map_def *rd;

	if (!rm) {
		rt_log__err(log, "%s: global '%s': no global-data map '%s' in the runtime object",
			    path, g->name, g->section);
		return -ENOENT;
	}
	rd = rt_map__def(rm);
	if (rd->type != BPF_MAP_TYPE_ARRAY || rd->key_size != 4 || rd->max_entries < 1) {
		rt_log__err(log, "%s: global '%s': map '%s' is not a global-data array", path,
			    g->name, g->section);
		return -EINVAL;
	}
	if (!rt_bounds_ok(g->offset, g->size, rd->value_size)) {
		rt_log__err(log, "%s: global '%s': offset %u size %u is outside map '%s' (%u bytes)",
			    path, g->name, g->offset, g->size, g->section, rd->value_size);
		return -EINVAL;
	}
	return 0;
}

int rt_manifest__check(const struct rt_manifest *mf, const struct rt_object *obj,
		       const struct rt_prog *prog, const char *path, struct rt_log *log)
{
	size_t i;
	int err;

	if (mf->stack > RT_STACK_SIZE) {
		rt_log__err(log, "%s: program '%s': stack size %u is over the limit of %d", path,
			    mf->prog_name, mf->stack, RT_STACK_SIZE);
		return -E2BIG;
	}
	if (prog && strcmp(prog->name, mf->prog_name)) {
		rt_log__err(log, "%s: the manifest describes program '%s', not '%s'", path,
			    mf->prog_name, prog->name);
		return -EINVAL;
	}
	if (prog && prog->ctx_kind != mf->ctx_kind) {
		rt_log__err(log, "%s: program '%s': context %s in the object, %s in the runtime",
			    path, mf->prog_name, ctx_names[mf->ctx_kind], ctx_names[prog->ctx_kind]);
		return -EINVAL;
	}
	if (prog && prog->sec_name && strcmp(prog->sec_name, mf->prog_sec)) {
		rt_log__err(log, "%s: program '%s': section '%s' in the manifest, '%s' in the object",
			    path, mf->prog_name, mf->prog_sec, prog->sec_name);
		return -EINVAL;
	}
	/* type 0: a section libbpf does not know, typed by its loader
	 * (--type); the context above is what the native code relies on */
	if (prog && mf->prog_type && prog->type != mf->prog_type) {
		rt_log__err(log, "%s: program '%s': type %u in the manifest, %u in the object", path,
			    mf->prog_name, mf->prog_type, prog->type);
		return -EINVAL;
	}
	/* stale native code: built from other bytecode than the object's */
	if (prog && prog->has_bytecode_hash && mf->has_bytecode_hash &&
	    prog->bytecode_hash != mf->bytecode_hash) {
		rt_log__err(log, "%s: program '%s': stale native code, built from other bytecode "
			    "(hash %016llx; the object's is %016llx): rebuild it with bpfaot-cc, or "
			    "run the bytecode (--engine=interp)", path, mf->prog_name,
			    (unsigned long long)mf->bytecode_hash,
			    (unsigned long long)prog->bytecode_hash);
		return -EINVAL;
	}
	if (mf->march_level > rt_cpu_march_level()) {
		rt_log__err(log, "%s: program '%s': native code built for x86-64-v%u (bpfaot-cc "
			    "--aot-march), which this CPU does not support (x86-64-v%u at most): "
			    "rebuild it for a lower level, or run the bytecode (--engine=interp)",
			    path, mf->prog_name, mf->march_level, rt_cpu_march_level());
		return -ENOEXEC;
	}
	for (i = 0; i < mf->nr_helpers; i++) {
		err = check_helper(&mf->helpers[i], path, log);
		if (err)
			return err;
	}
	for (i = 0; i < mf->nr_maps; i++) {
		err = check_map(&mf->maps[i], obj, path, log);
		if (!err && prog)
			err = check_const_map(&mf->maps[i], obj, path, log);
		if (err)
			return err;
	}
	for (i = 0; i < mf->nr_globals; i++) {
		err = check_global(&mf->globals[i], obj, path, log);
		if (!err && prog)
			err = check_const(&mf->globals[i], obj, path, log);
		if (err)
			return err;
	}
	return 0;
}

struct rt_manifest *rt_manifest__from_native(const void *data, size_t size, const char *path,
					     struct rt_log *log)
{
	struct rt_manifest *mf = NULL;
	struct rt_elf elf;
	int err, s;

	err = rt_elf__parse(&elf, data, size, path, log);
	if (err)
		goto out;
	if (elf.machine != EM_X86_64) {
		rt_log__err(log, "%s: not an x86-64 object (ELF machine %u)", path, elf.machine);
		err = -ENOEXEC;
		goto out;
	}
	s = rt_elf__find_sec(&elf, BPFAOT_MANIFEST_SEC);
	if (s < 0 || !elf.secs[s].data) {
		rt_log__err(log, "%s: no section '%s'", path, BPFAOT_MANIFEST_SEC);
		err = -ENOENT;
		goto out;
	}
	mf = rt_manifest__parse((const char *)elf.secs[s].data, elf.secs[s].size, path, log);
	if (!mf)
		err = -errno;
out:
	rt_elf__release(&elf);
	if (err) {
		errno = -err;
		return NULL;
	}
	return mf;
}
