// SPDX-License-Identifier: MIT
/*
 * The preprocessed unit without the declarations nothing names, before
 * libclang parses it. With vmlinux.h the unit is some 100 000 lines of
 * type definitions, of which a program uses a few hundred; parsing them
 * all takes libclang as long as clang's whole BPF compile, and the parse
 * is on the compile's critical path. rewriters/prune.c decides from the
 * AST what the native unit needs; this pass decides it from the text, with
 * no parse, so it can only over-approximate, and its result is checked:
 * the caller parses the skimmed unit and, when that parse reports an error
 * (or the warnings a missing declaration would give), parses the whole
 * unit instead (backend/compile.c).
 *
 * The text is cut into top-level declarations: up to a `;` outside any
 * bracket, or a function body's `}`. Line markers and pragmas stay. A
 * declaration may be left out when it is
 *
 *   - a struct or union definition `struct T { ... } attrs;` (record),
 *   - a typedef, an enum definition, or a function prototype with one
 *     declarator (no initializer, no body),
 *
 * and nothing kept names it. Every other declaration (function bodies,
 * variables, forward declarations, _Static_assert, asm) is kept and is
 * where the search starts. What a kept declaration names is kept:
 *
 *   - an identifier: every declaration that declares it (a typedef, an
 *     enumerator's enum, a prototype);
 *   - `struct T` / `union T` / `enum T`: T's definition; whole, except in
 *     a record, typedef or prototype where `*` follows (then a forward
 *     declaration in its place is enough);
 *   - a member after `.` or `->`: every record kept at least as a forward
 *     declaration that has an identifier of that name in its body becomes
 *     whole (the text cannot tell which record the member belongs to).
 *
 * A left-out declaration becomes spaces (newlines and directive lines
 * kept), a record needed by name only becomes `struct T ;` in place, so
 * every byte keeps its offset and every line its number.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

enum tok_kind { TK_IDENT, TK_PUNCT, TK_ARROW, TK_OTHER };

struct tok {
	uint32_t off, len;
	uint32_t id;	/* TK_IDENT: interned identifier */
	uint8_t kind;
	char ch;	/* TK_PUNCT: the character */
};

enum chunk_kind {
	CK_ROOT,	/* kept, the search starts here */
	CK_FWD,		/* `struct T;`: kept, names nothing */
	CK_REC,		/* struct/union definition: whole, by name, or left out */
	CK_DECL,	/* typedef, enum definition, prototype: whole or left out */
};

enum need { NEED_NONE, NEED_NAME, NEED_FULL };

struct chunk {
	uint32_t first, end;	/* tokens [first, end) */
	uint32_t tag_tok;	/* CK_REC: its tag's token */
	uint8_t kind, need;
};

/* a singly linked list node in one pool: which chunks declare an
 * identifier, which records by name mention it */
struct link {
	uint32_t chunk, next;
};

struct ident {
	const char *text;
	uint32_t len;
	uint32_t ord, tag, watch;	/* list heads (0: empty) */
	bool keyword, member;
};

struct skim {
	const char *src;
	size_t len;
	struct tok *toks;
	size_t nr_toks, toks_cap;
	struct chunk *chunks;
	size_t nr_chunks, chunks_cap;
	struct ident *ids;
	size_t nr_ids, ids_cap;
	uint32_t *hash;	/* open addressing: ids index + 1 */
	size_t hash_cap;
	struct link *links;
	size_t nr_links, links_cap;
	uint32_t *work;
	size_t nr_work;
	uint32_t kw_struct, kw_union, kw_enum, kw_typedef, kw_attr, kw_attr2, kw_ext;
	bool nomem;
};

static const char *const keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
	"typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex",
	"_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
	"_Thread_local", "__attribute__", "__attribute", "__extension__", "__inline",
	"__inline__", "__restrict", "__restrict__", "__volatile__", "__volatile", "__const",
	"__const__", "__signed", "__signed__", "asm", "__asm__", "__asm", "typeof",
	"__typeof__", "__typeof", "__builtin_va_list", "__int128", "__label__", "__auto_type",
	"__alignof__", "__alignof", "_Float16", "__fp16", "__unaligned",
};

static bool grow(struct skim *s, void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 1024;
	q = realloc(*p, c * size);
	if (!q) {
		s->nomem = true;
		return false;
	}
	*p = q;
	*cap = c;
	return true;
}

static uint32_t hash_str(const char *p, size_t n)
{
	uint64_t h = n * 0x9e3779b97f4a7c15ull, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 32));
}

static bool rehash(struct skim *s)
{
	size_t cap = s->hash_cap ? s->hash_cap * 2 : 1 << 17, i, k;
	uint32_t *h = calloc(cap, sizeof(*h));

	if (!h) {
		s->nomem = true;
		return false;
	}
	for (i = 0; i < s->nr_ids; i++) {
		k = hash_str(s->ids[i].text, s->ids[i].len) & (cap - 1);
		while (h[k])
			k = (k + 1) & (cap - 1);
		h[k] = (uint32_t)i + 1;
	}
	free(s->hash);
	s->hash = h;
	s->hash_cap = cap;
	return true;
}

/* The identifier spelled text[0, len): its index (0 when out of memory). */
static uint32_t intern(struct skim *s, const char *text, uint32_t len)
{
	size_t k;
	struct ident *id;

	if (s->nr_ids * 2 >= s->hash_cap && !rehash(s))
		return 0;
	k = hash_str(text, len) & (s->hash_cap - 1);
	for (; s->hash[k]; k = (k + 1) & (s->hash_cap - 1)) {
		id = &s->ids[s->hash[k] - 1];
		if (id->len == len && !memcmp(id->text, text, len))
			return s->hash[k] - 1;
	}
	if (!grow(s, (void **)&s->ids, &s->ids_cap, s->nr_ids, sizeof(*s->ids)))
		return 0;
	id = &s->ids[s->nr_ids];
	memset(id, 0, sizeof(*id));
	id->text = text;
	id->len = len;
	s->hash[k] = (uint32_t)++s->nr_ids;
	return (uint32_t)s->nr_ids - 1;
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool add_tok(struct skim *s, uint32_t off, uint32_t len, enum tok_kind kind)
{
	struct tok *t;

	if (!grow(s, (void **)&s->toks, &s->toks_cap, s->nr_toks, sizeof(*s->toks)))
		return false;
	t = &s->toks[s->nr_toks++];
	t->off = off;
	t->len = len;
	t->kind = (uint8_t)kind;
	t->ch = kind == TK_PUNCT ? s->src[off] : 0;
	t->id = kind == TK_IDENT ? intern(s, s->src + off, len) : 0;
	return !s->nomem;
}

/* The tokens of the text, directive lines skipped. false: out of memory,
 * or a construct this lexer does not know (an unterminated literal). */
static bool lex(struct skim *s)
{
	const char *p = s->src;
	size_t i = 0, n = s->len, st;
	bool bol = true;

	while (i < n) {
		char c = p[i];

		if (c == '\n') {
			bol = true;
			i++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			i++;
		} else if (c == '#' && bol) {
			while (i < n && p[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < n && p[i + 1] == '*') {
			for (i += 2; i + 1 < n && !(p[i] == '*' && p[i + 1] == '/'); i++)
				;
			if (i + 1 >= n)
				return false;
			i += 2;
		} else if (c == '/' && i + 1 < n && p[i + 1] == '/') {
			while (i < n && p[i] != '\n')
				i++;
		} else {
			bol = false;
			st = i;
			if (is_ident_start(c)) {
				while (i < n && is_ident_char(p[i]))
					i++;
				if (!add_tok(s, (uint32_t)st, (uint32_t)(i - st), TK_IDENT))
					return false;
			} else if ((c >= '0' && c <= '9') ||
				   (c == '.' && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9')) {
				for (i++; i < n && (is_ident_char(p[i]) || p[i] == '.' ||
						    ((p[i] == '+' || p[i] == '-') &&
						     strchr("eEpP", p[i - 1])));
				     i++)
					;
				if (!add_tok(s, (uint32_t)st, (uint32_t)(i - st), TK_OTHER))
					return false;
			} else if (c == '"' || c == '\'') {
				for (i++; i < n && p[i] != c && p[i] != '\n'; i++)
					if (p[i] == '\\')
						i++;
				if (i >= n || p[i] != c)
					return false;
				i++;
				if (!add_tok(s, (uint32_t)st, (uint32_t)(i - st), TK_OTHER))
					return false;
			} else if (c == '-' && i + 1 < n && p[i + 1] == '>') {
				i += 2;
				if (!add_tok(s, (uint32_t)st, 2, TK_ARROW))
					return false;
			} else {
				i++;
				if (!add_tok(s, (uint32_t)st, 1, TK_PUNCT))
					return false;
			}
		}
	}
	return true;
}

static bool is_punct(const struct tok *t, char c)
{
	return t->kind == TK_PUNCT && t->ch == c;
}

/* The token after the bracket group opening at i (its match + 1), or end. */
static uint32_t skip_group(const struct skim *s, uint32_t i, uint32_t end)
{
	char open = s->toks[i].ch, close = open == '(' ? ')' : open == '[' ? ']' : '}';
	int depth = 0;

	for (; i < end; i++) {
		if (is_punct(&s->toks[i], open))
			depth++;
		else if (is_punct(&s->toks[i], close) && --depth == 0)
			return i + 1;
	}
	return end;
}

/* Past `__attribute__((...))` groups and `__extension__` at i. */
static uint32_t skip_attrs(const struct skim *s, uint32_t i, uint32_t end)
{
	while (i < end && s->toks[i].kind == TK_IDENT) {
		uint32_t id = s->toks[i].id;

		if (id == s->kw_ext) {
			i++;
		} else if ((id == s->kw_attr || id == s->kw_attr2) && i + 1 < end &&
			   is_punct(&s->toks[i + 1], '(')) {
			i = skip_group(s, i + 1, end);
		} else {
			break;
		}
	}
	return i;
}

static bool is_tag_kw(const struct skim *s, const struct tok *t)
{
	return t->kind == TK_IDENT &&
	       (t->id == s->kw_struct || t->id == s->kw_union || t->id == s->kw_enum);
}

static bool add_link(struct skim *s, uint32_t *head, uint32_t chunk)
{
	if (!s->nr_links)
		s->nr_links = 1;	/* 0 is the end of every list */
	if (!grow(s, (void **)&s->links, &s->links_cap, s->nr_links, sizeof(*s->links)))
		return false;
	s->links[s->nr_links].chunk = chunk;
	s->links[s->nr_links].next = *head;
	*head = (uint32_t)s->nr_links++;
	return true;
}

/* What chunk c (a typedef or an enum definition) declares: identifiers
 * outside every bracket and not a tag (`typedef unsigned int u32;`), the
 * name of a function pointer (`(*name)`), enumerators, and the tag it
 * defines (`typedef struct T {...} t;`). */
static bool declare_names(struct skim *s, uint32_t c)
{
	const struct chunk *ch = &s->chunks[c];
	int paren = 0, bracket = 0, brace = 0, enum_brace = -1;
	bool enum_next = false;
	uint32_t i;

	for (i = ch->first; i < ch->end; i++) {
		const struct tok *t = &s->toks[i], *prev = i > ch->first ? t - 1 : NULL;

		if (t->kind == TK_PUNCT) {
			switch (t->ch) {
			case '(': paren++; break;
			case ')': paren--; break;
			case '[': bracket++; break;
			case ']': bracket--; break;
			case '{':
				if (enum_next)
					enum_brace = brace;
				enum_next = false;
				brace++;
				break;
			case '}':
				brace--;
				if (brace == enum_brace)
					enum_brace = -1;
				break;
			}
			continue;
		}
		if (t->kind != TK_IDENT || s->ids[t->id].keyword) {
			if (t->kind == TK_IDENT && t->id == s->kw_enum)
				enum_next = true;
			continue;
		}
		if (prev && is_tag_kw(s, prev)) {
			/* a tag: defined here when its body follows */
			if (brace == 0 && i + 1 < ch->end && is_punct(&s->toks[i + 1], '{') &&
			    !add_link(s, &s->ids[t->id].tag, c))
				return false;
			continue;
		}
		if (enum_brace >= 0 && brace == enum_brace + 1 && prev &&
		    (is_punct(prev, '{') || is_punct(prev, ','))) {
			if (!add_link(s, &s->ids[t->id].ord, c))
				return false;
			continue;
		}
		if (brace || bracket)
			continue;
		if ((paren == 0 && (!prev || prev->kind != TK_ARROW)) ||
		    (paren == 1 && prev && is_punct(prev, '*') && i + 1 < ch->end &&
		     is_punct(&s->toks[i + 1], ')'))) {
			if (!add_link(s, &s->ids[t->id].ord, c))
				return false;
		}
	}
	return true;
}

/* Sorts chunk c into its kind, and records what it declares. */
static bool classify(struct skim *s, uint32_t c, bool body)
{
	struct chunk *ch = &s->chunks[c];
	uint32_t p = skip_attrs(s, ch->first, ch->end), q, r, i, proto = UINT32_MAX;
	int depth = 0;
	const struct tok *t;

	ch->kind = CK_ROOT;
	if (body || p >= ch->end)
		return true;
	t = &s->toks[p];
	if (t->kind == TK_IDENT && t->id == s->kw_typedef) {
		ch->kind = CK_DECL;
		return declare_names(s, c);
	}
	if (is_tag_kw(s, t)) {
		q = skip_attrs(s, p + 1, ch->end);
		if (q < ch->end && s->toks[q].kind == TK_IDENT && !s->ids[s->toks[q].id].keyword) {
			ch->tag_tok = q;
			q = skip_attrs(s, q + 1, ch->end);
		} else {
			ch->tag_tok = UINT32_MAX;
		}
		if (q + 1 == ch->end && is_punct(&s->toks[q], ';')) {
			if (ch->tag_tok != UINT32_MAX)
				ch->kind = CK_FWD;
			return true;
		}
		if (q >= ch->end || !is_punct(&s->toks[q], '{'))
			return true;	/* a variable of that type */
		r = skip_attrs(s, skip_group(s, q, ch->end), ch->end);
		if (r + 1 != ch->end || !is_punct(&s->toks[r], ';'))
			return true;	/* `struct T {...} var;` */
		if (t->id == s->kw_enum) {
			ch->kind = CK_DECL;
			return declare_names(s, c);
		}
		if (ch->tag_tok == UINT32_MAX)
			return true;
		ch->kind = CK_REC;
		/* enumerators of an enum in its body are the file's, too */
		return declare_names(s, c) && add_link(s, &s->ids[s->toks[ch->tag_tok].id].tag, c);
	}
	/* a prototype: one declarator, `name (` outside every bracket, no
	 * initializer */
	for (i = p; i < ch->end; i++) {
		t = &s->toks[i];
		if (t->kind == TK_PUNCT) {
			if (t->ch == '(' || t->ch == '[' || t->ch == '{')
				depth++;
			else if (t->ch == ')' || t->ch == ']' || t->ch == '}')
				depth--;
			else if (!depth && (t->ch == '=' || t->ch == ','))
				return true;
		} else if (!depth && t->kind == TK_IDENT && !s->ids[t->id].keyword &&
			   i + 1 < ch->end && is_punct(t + 1, '(') && proto == UINT32_MAX) {
			proto = i;
		}
	}
	if (proto == UINT32_MAX)
		return true;
	ch->kind = CK_DECL;
	return add_link(s, &s->ids[s->toks[proto].id].ord, c);
}

/* Cuts the tokens into top-level declarations. false: out of memory or
 * brackets that do not balance. */
static bool cut(struct skim *s)
{
	uint32_t i = 0, start, n = (uint32_t)s->nr_toks;

	while (i < n) {
		int paren = 0, bracket = 0, brace = 0;
		bool eq = false, body = false;

		start = i;
		for (; i < n; i++) {
			const struct tok *t = &s->toks[i];

			if (t->kind != TK_PUNCT)
				continue;
			if (t->ch == '(') {
				paren++;
			} else if (t->ch == ')') {
				paren--;
			} else if (t->ch == '[') {
				bracket++;
			} else if (t->ch == ']') {
				bracket--;
			} else if (t->ch == '{') {
				if (!brace && !paren && !bracket && !eq && i > start &&
				    is_punct(t - 1, ')')) {
					i = skip_group(s, i, n);
					body = true;
					break;
				}
				brace++;
			} else if (t->ch == '}') {
				brace--;
			} else if (!brace && !paren && !bracket && t->ch == '=') {
				eq = true;
			} else if (!brace && !paren && !bracket && t->ch == ';') {
				i++;
				break;
			}
			if (paren < 0 || bracket < 0 || brace < 0)
				return false;
		}
		if (!grow(s, (void **)&s->chunks, &s->chunks_cap, s->nr_chunks, sizeof(*s->chunks)))
			return false;
		s->chunks[s->nr_chunks] = (struct chunk){ .first = start, .end = i };
		if (!classify(s, (uint32_t)s->nr_chunks++, body))
			return false;
	}
	return true;
}

static void push(struct skim *s, uint32_t c)
{
	s->work[s->nr_work++] = c;	/* once per chunk: room for all */
}

static bool raise_need(struct skim *s, uint32_t c, enum need need);

/* A member name the kept code uses: every record kept by name that
 * mentions it becomes whole. */
static bool use_member(struct skim *s, uint32_t id)
{
	uint32_t l;

	if (s->ids[id].member)
		return true;
	s->ids[id].member = true;
	for (l = s->ids[id].watch; l; l = s->links[l].next)
		if (s->chunks[s->links[l].chunk].need == NEED_NAME &&
		    !raise_need(s, s->links[l].chunk, NEED_FULL))
			return false;
	return true;
}

static bool raise_need(struct skim *s, uint32_t c, enum need need)
{
	struct chunk *ch = &s->chunks[c];
	uint32_t i;

	if (ch->kind != CK_REC)
		need = NEED_FULL;
	if (ch->need >= need)
		return true;
	ch->need = (uint8_t)need;
	if (need == NEED_FULL) {
		push(s, c);
		return true;
	}
	/* by name: whole as soon as the code uses a member it mentions */
	for (i = ch->tag_tok + 1; i < ch->end; i++) {
		const struct tok *t = &s->toks[i];

		if (t->kind != TK_IDENT || s->ids[t->id].keyword)
			continue;
		if (s->ids[t->id].member)
			return raise_need(s, c, NEED_FULL);
		if (!add_link(s, &s->ids[t->id].watch, c))
			return false;
	}
	return true;
}

/* What the kept chunk c names. */
static bool scan(struct skim *s, uint32_t c)
{
	const struct chunk *ch = &s->chunks[c];
	bool code = ch->kind == CK_ROOT;
	uint32_t i, l;

	for (i = ch->first; i < ch->end; i++) {
		const struct tok *t = &s->toks[i], *prev = i > ch->first ? t - 1 : NULL;
		enum need need = NEED_FULL;

		if (t->kind != TK_IDENT || s->ids[t->id].keyword)
			continue;
		if (prev && (prev->kind == TK_ARROW || is_punct(prev, '.'))) {
			if (!use_member(s, t->id))
				return false;
		} else if (prev && is_tag_kw(s, prev)) {
			if (!code && i + 1 < ch->end && is_punct(t + 1, '*'))
				need = NEED_NAME;
			for (l = s->ids[t->id].tag; l; l = s->links[l].next)
				if (s->links[l].chunk != c && !raise_need(s, s->links[l].chunk, need))
					return false;
		} else {
			for (l = s->ids[t->id].ord; l; l = s->links[l].next)
				if (s->links[l].chunk != c &&
				    !raise_need(s, s->links[l].chunk, NEED_FULL))
					return false;
		}
	}
	return true;
}

/* Spaces over src[from, to), newlines and directive lines kept. */
static void blank(char *src, size_t from, size_t to)
{
	size_t i = from, k;
	bool bol = true;

	for (k = from; k > 0 && src[k - 1] != '\n'; k--)
		if (src[k - 1] != ' ' && src[k - 1] != '\t')
			bol = false;
	for (; i < to; i++) {
		if (src[i] == '\n') {
			bol = true;
		} else if (bol && src[i] == '#') {
			while (i < to && src[i] != '\n')
				i++;
			i--;	/* the newline, if any, on the next round */
		} else if (src[i] != ' ' && src[i] != '\t') {
			bol = false;
			src[i] = ' ';
		}
	}
}

static void skim_free(struct skim *s)
{
	free(s->toks);
	free(s->chunks);
	free(s->ids);
	free(s->hash);
	free(s->links);
	free(s->work);
}

/* The keywords' identifiers, interned before the text's. */
static bool intern_keywords(struct skim *s)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		uint32_t id = intern(s, keywords[i], (uint32_t)strlen(keywords[i]));

		if (s->nomem)
			return false;
		s->ids[id].keyword = true;
	}
	s->kw_struct = intern(s, "struct", 6);
	s->kw_union = intern(s, "union", 5);
	s->kw_enum = intern(s, "enum", 4);
	s->kw_typedef = intern(s, "typedef", 7);
	s->kw_attr = intern(s, "__attribute__", 13);
	s->kw_attr2 = intern(s, "__attribute", 11);
	s->kw_ext = intern(s, "__extension__", 13);
	return true;
}

int fe_skim(char *src, size_t len, struct fe_skim_stats *st)
{
	struct skim s = { .src = src, .len = len };
	const struct chunk *ch;
	size_t i;
	int err;

	memset(st, 0, sizeof(*st));
	if (len >= UINT32_MAX)
		return 0;	/* offsets are 32-bit: left whole */
	if (!rehash(&s) || !intern_keywords(&s) || !lex(&s) || !cut(&s))
		goto out;
	s.work = malloc((s.nr_chunks + 1) * sizeof(*s.work));
	if (!s.work) {
		s.nomem = true;
		goto out;
	}
	for (i = 0; i < s.nr_chunks; i++) {
		if (s.chunks[i].kind == CK_ROOT || s.chunks[i].kind == CK_FWD)
			s.chunks[i].need = NEED_FULL;
		if (s.chunks[i].kind == CK_ROOT)
			push(&s, (uint32_t)i);
	}
	while (s.nr_work)
		if (!scan(&s, s.work[--s.nr_work]))
			goto out;
	st->decls = s.nr_chunks;
	for (i = 0; i < s.nr_chunks; i++) {
		ch = &s.chunks[i];
		if (ch->need == NEED_FULL)
			continue;
		if (ch->need == NEED_NAME) {
			/* `struct T ;`: the text after the tag but the last `;` */
			st->by_name++;
			blank(src, s.toks[ch->tag_tok].off + s.toks[ch->tag_tok].len,
			      s.toks[ch->end - 1].off);
		} else {
			st->left_out++;
			blank(src, s.toks[ch->first].off,
			      s.toks[ch->end - 1].off + s.toks[ch->end - 1].len);
		}
	}
out:
	err = s.nomem ? -ENOMEM : 0;
	skim_free(&s);
	return err;
}
