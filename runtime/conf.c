// SPDX-License-Identifier: MIT
/*
 * Reader of the conformance test files (.data, the format described in
 * ../shared/conformance/README.md): "-- asm" (handed to rt_asm()), "-- raw"
 * (instruction words; it wins over -- asm), "-- mem", "-- result" and
 * "-- error". Documentation sections ("-- c", "-- no register offset",
 * "-- description", any unknown directive) are skipped, and so is text
 * before the first section. '#' starts a comment everywhere except inside
 * error text. Every error names the file and line.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define CONF_ECHO_MAX 64 /* longest piece of user text quoted in a message */

struct span {
	const char *s;
	size_t n;
};

struct conf_parser;
typedef int (*conf_line_fn)(struct conf_parser *p, struct span line);

struct conf_parser {
	const char *path;
	int line;
	struct rt_log *log;
	struct rt_conf *conf;
	conf_line_fn handle;		/* of the current section */
	/* -- asm: its text, assembled at the end so that -- raw can win */
	const char *asm_start, *asm_end;
	int asm_line;			/* line of the "-- asm" header */
	bool in_asm;
	/* -- raw */
	struct rt_insn *raw;
	size_t nr_raw, raw_cap;
	int raw_line;			/* line of the "-- raw" header, 0 if none */
	size_t mem_cap;
	size_t error_cap;
	size_t error_len;
	bool result_seen;
};

__attribute__((format(printf, 2, 3))) static int conf_err(struct conf_parser *p,
							   const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_log__err(p->log, "%s:%d: %s", p->path, p->line, msg);
	return -EINVAL;
}

static int echo_len(struct span t)
{
	return t.n > CONF_ECHO_MAX ? CONF_ECHO_MAX : (int)t.n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static struct span trim(struct span t)
{
	while (t.n && is_space(t.s[0])) {
		t.s++;
		t.n--;
	}
	while (t.n && is_space(t.s[t.n - 1]))
		t.n--;
	return t;
}

static struct span strip_comment(struct span t)
{
	const char *hash = memchr(t.s, '#', t.n);

	if (hash)
		t.n = hash - t.s;
	return trim(t);
}

/* Next whitespace-separated token of *rest, or n == 0 at the end. */
static struct span next_token(struct span *rest)
{
	struct span t;

	*rest = trim(*rest);
	t.s = rest->s;
	for (t.n = 0; t.n < rest->n && !is_space(t.s[t.n]); t.n++)
		;
	rest->s += t.n;
	rest->n -= t.n;
	return t;
}

/*
 * 0x hex or decimal, 64 bits; a leading '-' gives the two's complement (the
 * reference runner's stoull does the same). 0, -EINVAL or -ERANGE.
 */
static int parse_u64(struct span t, uint64_t *v)
{
	unsigned int base = 10;
	bool neg = false;
	uint64_t x = 0;
	size_t i = 0;

	if (t.n && t.s[0] == '-') {
		neg = true;
		i++;
	}
	if (i + 1 < t.n && t.s[i] == '0' && (t.s[i + 1] == 'x' || t.s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == t.n)
		return -EINVAL;
	for (; i < t.n; i++) {
		int d = rt_hexval(t.s[i]);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (x > (UINT64_MAX - d) / base)
			return -ERANGE;
		x = x * base + d;
	}
	*v = neg ? 0 - x : x;
	return 0;
}

/* One or two hex digits, with or without 0x: a byte of -- mem or -- raw. */
static bool parse_byte(struct span t, uint8_t *b)
{
	int hi, lo;

	if (t.n > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X')) {
		t.s += 2;
		t.n -= 2;
	}
	if (t.n < 1 || t.n > 2)
		return false;
	hi = rt_hexval(t.s[0]);
	lo = t.n == 2 ? rt_hexval(t.s[1]) : 0;
	if (hi < 0 || lo < 0)
		return false;
	*b = t.n == 2 ? hi << 4 | lo : hi;
	return true;
}

/* The little-endian encoding of one instruction, whatever the host. */
static struct rt_insn insn_from_u64(uint64_t v)
{
	return (struct rt_insn){
		.code = v & 0xff,
		.dst = (v >> 8) & 0xf,
		.src = (v >> 12) & 0xf,
		.off = (int16_t)(uint16_t)(v >> 16),
		.imm = (int32_t)(uint32_t)(v >> 32),
	};
}

/* ------------------------------------------------------------ sections */

static int on_ignore(struct conf_parser *p, struct span line)
{
	return 0;
}

/* The text is taken whole at the next header (see end_section). */
static int on_asm(struct conf_parser *p, struct span line)
{
	return 0;
}

static int add_raw(struct conf_parser *p, uint64_t v)
{
	int err = rt_ensure_mem((void **)&p->raw, &p->raw_cap, sizeof(*p->raw), p->nr_raw + 1);

	if (err)
		return conf_err(p, "out of memory"), err;
	p->raw[p->nr_raw++] = insn_from_u64(v);
	return 0;
}

/* True when the line is 8 tokens of at most two hex digits each. */
static bool is_byte_line(struct span line)
{
	struct span t;
	int n = 0;
	size_t i;

	for (t = next_token(&line); t.n; t = next_token(&line)) {
		if (t.n > 2 || ++n > 8)
			return false;
		for (i = 0; i < t.n; i++)
			if (rt_hexval(t.s[i]) < 0)
				return false;
	}
	return n == 8;
}

/*
 * One 64-bit number per token, each the little-endian encoding of an
 * instruction. The negative/unused-*.data files instead write each
 * instruction as its 8 bytes in memory order ("07 00 01 00 01 00 00 00"):
 * a line of exactly 8 tokens of at most two hex digits is read that way.
 */
static int on_raw(struct conf_parser *p, struct span line)
{
	struct span t;
	uint64_t v;
	int err;

	line = strip_comment(line);
	if (is_byte_line(line)) {
		uint8_t b = 0;
		int i;

		v = 0;
		for (i = 0; i < 8; i++) {
			parse_byte(next_token(&line), &b);
			v |= (uint64_t)b << (8 * i);
		}
		return add_raw(p, v);
	}
	for (t = next_token(&line); t.n; t = next_token(&line)) {
		err = parse_u64(t, &v);
		if (err == -ERANGE)
			return conf_err(p, "instruction '%.*s' out of 64-bit range", echo_len(t), t.s);
		if (err)
			return conf_err(p, "invalid instruction '%.*s'", echo_len(t), t.s);
		err = add_raw(p, v);
		if (err)
			return err;
	}
	return 0;
}

/* Hex bytes; in hexdump-style lines, text up to the last ':' is an address. */
static int on_mem(struct conf_parser *p, struct span line)
{
	struct rt_conf *c = p->conf;
	const char *colon;
	struct span t;
	uint8_t b;
	int err;

	line = strip_comment(line);
	while ((colon = memchr(line.s, ':', line.n))) {
		line.n -= colon + 1 - line.s;
		line.s = colon + 1;
	}
	for (t = next_token(&line); t.n; t = next_token(&line)) {
		if (!parse_byte(t, &b))
			return conf_err(p, "invalid byte '%.*s' in -- mem", echo_len(t), t.s);
		err = rt_ensure_mem((void **)&c->mem, &p->mem_cap, 1, c->mem_size + 1);
		if (err)
			return conf_err(p, "out of memory"), err;
		c->mem[c->mem_size++] = b;
	}
	return 0;
}

static int on_result(struct conf_parser *p, struct span line)
{
	struct span t;
	int err;

	line = strip_comment(line);
	t = next_token(&line);
	if (!t.n)
		return 0;
	if (p->result_seen || trim(line).n)
		return conf_err(p, "more than one value in -- result");
	err = parse_u64(t, &p->conf->result);
	if (err == -ERANGE)
		return conf_err(p, "result '%.*s' out of 64-bit range", echo_len(t), t.s);
	if (err)
		return conf_err(p, "invalid result '%.*s'", echo_len(t), t.s);
	p->result_seen = true;
	p->conf->has_result = true;
	return 0;
}

/* Error text is literal ('#' is kept), its lines joined with '\n'. */
static int on_error(struct conf_parser *p, struct span line)
{
	struct rt_conf *c = p->conf;
	size_t need;
	int err;

	line = trim(line);
	if (!line.n || line.s[0] == '#')
		return 0;
	need = p->error_len + line.n + 2;	/* '\n' and NUL */
	if (need < line.n)
		return conf_err(p, "error text too long"), -E2BIG;
	err = rt_ensure_mem((void **)&c->error, &p->error_cap, 1, need);
	if (err)
		return conf_err(p, "out of memory"), err;
	if (p->error_len)
		c->error[p->error_len++] = '\n';
	memcpy(c->error + p->error_len, line.s, line.n);
	p->error_len += line.n;
	c->error[p->error_len] = '\0';
	return 0;
}

/* Directives by their first word; anything else is documentation. */
static const struct {
	const char *name;
	conf_line_fn handle;
} sections[] = {
	{ "asm", on_asm },
	{ "raw", on_raw },
	{ "mem", on_mem },
	{ "result", on_result },
	/* "-- error pattern" (ubpf) too: the reference runner does the same */
	{ "error", on_error },
};

/* hdr: the header line's first byte; body: the first byte after its line. */
static int start_section(struct conf_parser *p, const char *hdr, const char *body,
			 struct span name)
{
	struct span word, rest = name;
	size_t i;

	if (p->in_asm) {
		p->asm_end = hdr;
		p->in_asm = false;
	}
	p->handle = on_ignore;
	word = next_token(&rest);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (word.n != strlen(sections[i].name) || memcmp(word.s, sections[i].name, word.n))
			continue;
		p->handle = sections[i].handle;
		break;
	}
	if (p->handle != on_ignore && p->handle != on_error && memchr(rest.s, '@', rest.n)) {
		rt_log__err(p->log, "%s:%d: '-- %.*s': including another file is not supported",
			    p->path, p->line, echo_len(name), name.s);
		return -ENOTSUP;
	}
	if (p->handle == on_asm) {
		if (p->asm_start)
			return conf_err(p, "more than one -- asm section");
		p->in_asm = true;
		p->asm_line = p->line;
		p->asm_start = body;
	} else if (p->handle == on_raw && !p->raw_line) {
		p->raw_line = p->line;
	} else if (p->handle == on_error) {
		p->conf->has_error = true;
	}
	return 0;
}

/* Assembles the -- asm text, copied so that rt_asm gets its own string. */
static int assemble(struct conf_parser *p)
{
	size_t n = p->asm_end - p->asm_start;
	char *text = malloc(n + 1);
	int err;

	if (!text) {
		rt_log__err(p->log, "%s: out of memory", p->path);
		return -ENOMEM;
	}
	memcpy(text, p->asm_start, n);
	text[n] = '\0';
	err = rt_asm(text, p->path, p->asm_line + 1, &p->conf->insns, &p->conf->nr_insns, p->log);
	free(text);
	return err;
}

static int parse(struct conf_parser *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	int err;

	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		struct span line = { s, (nl ? nl : end) - s };

		if (p->line == INT_MAX)
			return conf_err(p, "too many lines"), -E2BIG;
		p->line++;
		if (memchr(line.s, '\0', line.n))
			return conf_err(p, "unexpected NUL byte");
		if (line.n >= 2 && line.s[0] == '-' && line.s[1] == '-')
			err = start_section(p, s, nl ? nl + 1 : end,
					    trim((struct span){ s + 2, line.n - 2 }));
		else
			err = p->handle(p, line);
		if (err)
			return err;
		s = nl ? nl + 1 : end;
	}
	if (p->in_asm)
		p->asm_end = end;
	if (p->raw_line) {
		p->conf->insns = p->raw;
		p->conf->nr_insns = p->nr_raw;
		p->raw = NULL;
	} else if (p->asm_start) {
		err = assemble(p);
		if (err)
			return err;
	}
	if (!p->conf->nr_insns) {
		p->line = p->raw_line ? p->raw_line : p->asm_line ? p->asm_line : 1;
		return conf_err(p, "no instructions");
	}
	/* an empty -- error still says "this must fail" */
	if (p->conf->has_error && !p->conf->error) {
		p->conf->error = strdup("");
		if (!p->conf->error)
			return conf_err(p, "out of memory"), -ENOMEM;
	}
	return 0;
}

struct rt_conf *rt_conf__parse(const char *text, size_t len, const char *path, struct rt_log *log)
{
	struct conf_parser p = {
		.path = path ? path : "<conf>",
		.log = log,
		.handle = on_ignore,
	};
	int err;

	if (!text && len) {
		rt_log__err(log, "%s: invalid argument", p.path);
		errno = EINVAL;
		return NULL;
	}
	p.conf = calloc(1, sizeof(*p.conf));
	if (!p.conf) {
		rt_log__err(log, "%s: out of memory", p.path);
		errno = ENOMEM;
		return NULL;
	}
	err = parse(&p, text ? text : "", len);
	free(p.raw);
	if (err) {
		rt_conf__free(p.conf);
		errno = -err;
		return NULL;
	}
	return p.conf;
}

void rt_conf__free(struct rt_conf *conf)
{
	if (!conf)
		return;
	free(conf->insns);
	free(conf->mem);
	free(conf->error);
	free(conf);
}
