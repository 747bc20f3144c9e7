// SPDX-License-Identifier: MIT
/*
 * Known configuration compiled in: `--aot-const=VAR=VALUE` gives a
 * `.rodata` global (a `const volatile` set before load, the libbpf way)
 * the value the host will set, so the native code reads a constant and
 * the optimiser folds the branches that test it:
 *
 *     const volatile __u32 target_pid = 0;   (--aot-const=target_pid=42)
 * becomes
 *     static const unsigned int target_pid = 42;
 *
 * Only integer globals (enums and _Bool too) of a `.rodata` section may be
 * compiled in: programs never write `.rodata`, so the value can only change
 * from the host, before the first run. The manifest records the bytes
 * compiled in (`global ... const=HEX`); the runtime refuses to link the
 * native code when the global holds other bytes, and freezes the section
 * once it has linked (docs/object-format.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_internal.h"

/* The VALUE of `NAME=VALUE` in o->consts for name, or NULL. */
static const char *const_text(const struct rw_opts *o, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; o && i < o->nr_consts; i++)
		if (!strncmp(o->consts[i], name, n) && o->consts[i][n] == '=')
			return o->consts[i] + n + 1;
	return NULL;
}

static bool kind_is_signed(enum CXTypeKind k)
{
	return k == CXType_Char_S || k == CXType_SChar || k == CXType_Short || k == CXType_Int ||
	       k == CXType_Long || k == CXType_LongLong;
}

static bool kind_is_unsigned(enum CXTypeKind k)
{
	return k == CXType_Bool || k == CXType_Char_U || k == CXType_UChar ||
	       k == CXType_UShort || k == CXType_UInt || k == CXType_ULong ||
	       k == CXType_ULongLong;
}

/* The integer type of g (an enum's: its underlying type); false if none. */
static bool int_type(const struct fe_global *g, CXType *t, bool *is_signed)
{
	CXType ct = clang_getCanonicalType(clang_getCursorType(fe_global__cursor(g)));

	*t = ct;
	if (ct.kind == CXType_Enum)
		ct = clang_getCanonicalType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(ct)));
	*is_signed = kind_is_signed(ct.kind);
	return *is_signed || kind_is_unsigned(ct.kind);
}

/* VALUE as the size-byte integer; false when it is not a number or does
 * not fit. */
static bool parse_value(const char *s, unsigned size, bool is_signed, uint64_t *v)
{
	char *end;
	int64_t sv;
	uint64_t uv;

	if (!*s)
		return false;
	errno = 0;
	if (s[0] == '-') {
		sv = strtoll(s, &end, 0);
		if (errno || *end || !is_signed)
			return false;
		if (size < 8 && sv < -(INT64_C(1) << (size * 8 - 1)))
			return false;
		*v = (uint64_t)sv;
		return true;
	}
	uv = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	if (size < 8 && uv >> (size * 8 - (is_signed ? 1 : 0)))
		return false;
	if (size == 8 && is_signed && uv >> 63)
		return false;
	*v = uv;
	return true;
}

bool rw_global_const(const struct rw_opts *o, const struct fe_global *g, uint8_t *bytes)
{
	const char *text = const_text(o, fe_global__name(g));
	unsigned size = (unsigned)fe_global__size(g), i;
	bool is_signed;
	uint64_t v;
	CXType t;

	if (!text || size == 0 || size > 8 || !int_type(g, &t, &is_signed) ||
	    !parse_value(text, size, is_signed, &v))
		return false;
	for (i = 0; i < size; i++)
		bytes[i] = (uint8_t)(v >> (8 * i));	/* x86-64 and BPF: little-endian */
	return true;
}

static bool is_rodata(const char *sec)
{
	return !strcmp(sec, ".rodata") || !strncmp(sec, ".rodata.", 8);
}

int rw_consts_check(const struct fe_unit *u, const struct rw_opts *o, struct fe_diags *d)
{
	size_t i;
	int err = 0;

	for (i = 0; o && i < o->nr_consts; i++) {
		const char *eq = strchr(o->consts[i], '=');
		char *name = eq ? strndup(o->consts[i], (size_t)(eq - o->consts[i])) : NULL;
		struct fe_global *g = name ? fe_unit__find_global(u, name) : NULL;
		CXCursor c;
		bool is_signed;
		uint64_t v;
		CXType t;

		if (!name) {
			err = -ENOMEM;
			break;
		}
		if (!g) {
			fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "--aot-const: no global '%s' in '%s'",
				    name, fe_unit__path(u));
			err = -EINVAL;
			free(name);
			continue;
		}
		c = fe_global__cursor(g);
		if (!fe_global__is_const(g) || !is_rodata(fe_global__section(g))) {
			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), NULL,
				   "--aot-const: '%s' is in '%s', not a const global of '.rodata': "
				   "programs may change it",
				   name, fe_global__section(g));
			err = -EINVAL;
		} else if (!int_type(g, &t, &is_signed) || fe_global__size(g) > 8) {
			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), NULL,
				   "--aot-const: '%s' is not an integer; only integers are compiled in",
				   name);
			err = -EINVAL;
		} else if (!parse_value(eq + 1, (unsigned)fe_global__size(g), is_signed, &v)) {
			CXString ts = clang_getTypeSpelling(clang_getCursorType(c));

			fe_diag_at(d, FE_ERROR, clang_getCursorLocation(c), NULL,
				   "--aot-const: '%s' is not a value of '%s' (%s)", eq + 1, name,
				   clang_getCString(ts));
			clang_disposeString(ts);
			err = -EINVAL;
		}
		free(name);
	}
	return err;
}

int rw_const_decl(const struct fe_global *g, const struct rw_opts *o, char **text)
{
	CXType t;
	CXString ts;
	const char *s;
	char *type, *w;
	bool is_signed;
	uint64_t v;
	size_t n;
	int r;

	if (!const_text(o, fe_global__name(g)) || !int_type(g, &t, &is_signed) ||
	    !parse_value(const_text(o, fe_global__name(g)), (unsigned)fe_global__size(g), is_signed,
			 &v))
		return 0;
	/* the canonical type without its qualifiers: "const volatile enum m" -> "enum m" */
	ts = clang_getTypeSpelling(t);
	s = clang_getCString(ts);
	type = malloc(strlen(s) + 1);
	if (!type) {
		clang_disposeString(ts);
		return -ENOMEM;
	}
	for (w = type; *s;) {
		n = strcspn(s, " ");
		if (!(n == 5 && !strncmp(s, "const", 5)) && !(n == 8 && !strncmp(s, "volatile", 8))) {
			if (w != type)
				*w++ = ' ';
			memcpy(w, s, n);
			w += n;
		}
		s += n;
		s += strspn(s, " ");
	}
	*w = '\0';
	clang_disposeString(ts);
	if (is_signed && (int64_t)v == INT64_MIN)
		r = asprintf(text, "/* bpfaot: --aot-const */ static const %s %s = (-%" PRId64
			     "LL - 1)", type, fe_global__name(g), INT64_MAX);
	else if (is_signed)
		r = asprintf(text, "/* bpfaot: --aot-const */ static const %s %s = %" PRId64 "LL",
			     type, fe_global__name(g), (int64_t)v);
	else
		r = asprintf(text, "/* bpfaot: --aot-const */ static const %s %s = %" PRIu64 "ULL",
			     type, fe_global__name(g), v);
	free(type);
	return r < 0 ? -ENOMEM : 1;
}

const struct rw_const_map *rw_const_map_of(const struct rw_opts *o, const char *name)
{
	size_t i;

	for (i = 0; o && i < o->nr_const_maps; i++)
		if (!strcmp(o->const_maps[i].name, name))
			return &o->const_maps[i];
	return NULL;
}
