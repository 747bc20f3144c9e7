// SPDX-License-Identifier: MIT
/*
 * The manifest of a native program object (section .bpfaot.manifest), a
 * line-oriented text the runtime's linker parses (docs/object-format.md):
 *
 *     bpfaot-manifest 1
 *     prog name=xdp_count section=xdp type=6 ctx=xdp stack=64 bytecode=2f0c9d51e3a8b706
 *     helper id=1 name=bpf_map_lookup_elem ret=ptr args=ptr,ptr proto=void *...(...)
 *     map name=xdp_stats type=2 key=4 value=16 max=5 flags=0 inlined=1 stride=16
 *     global name=target_pid section=.rodata offset=0 size=4 init=00000000 const=2a000000
 *     end
 *
 * One helper line per helper the native code calls (by id: inlined helpers
 * have none), one map and one global line per map and global the program
 * references (in source order); a map whose values the code indexes
 * itself is `inlined=1` with the stride it indexes by; a global compiled
 * in as a constant (--aot-const) has the bytes the code assumes, `const=`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "be_internal.h"
#include "rw.h"
#include "bpfaot/abi.h"

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = fe_helper__id(*(struct fe_helper *const *)a);
	uint32_t y = fe_helper__id(*(struct fe_helper *const *)b);

	return x < y ? -1 : x > y;
}

static bool has_sym(const char *const *undefs, const char *prefix, const char *name)
{
	size_t n = strlen(prefix);

	for (; *undefs; undefs++)
		if (!strncmp(*undefs, prefix, n) && !strcmp(*undefs + n, name))
			return true;
	return false;
}

static bool calls_helper(const char *const *undefs, const struct fe_helper *h)
{
	char id[16];

	if (!undefs)
		return true;
	snprintf(id, sizeof(id), "%04u", fe_helper__id(h));
	return has_sym(undefs, BPFAOT_HELPER_PREFIX, id);
}

static bool prog_has_map(const struct fe_prog *p, const struct fe_map *m)
{
	size_t i;

	for (i = 0; i < fe_prog__nr_maps(p); i++)
		if (fe_prog__map(p, i) == m)
			return true;
	return false;
}

static bool prog_has_global(const struct fe_prog *p, const struct fe_global *g)
{
	size_t i;

	for (i = 0; i < fe_prog__nr_globals(p); i++)
		if (fe_prog__global(p, i) == g)
			return true;
	return false;
}

/* ` init=HEX`: the global's initial bytes in the BPF object, when its
 * section has bytes (not .bss) that cover it. */
static void put_init(FILE *f, const struct be_elf *bpf, const struct fe_global *g)
{
	long idx = bpf ? be_elf__find_sec(bpf, fe_global__section(g)) : -1;
	uint64_t off = (uint64_t)fe_global__offset(g), size = fe_global__size(g), i;
	const uint8_t *d;

	if (idx < 0 || bpf->sh[idx].sh_type == SHT_NOBITS || off > bpf->sh[idx].sh_size ||
	    size > bpf->sh[idx].sh_size - off || !(d = be_elf__sec_data(bpf, (size_t)idx)))
		return;
	fputs(" init=", f);
	for (i = 0; i < size; i++)
		fprintf(f, "%02x", d[off + i]);
}

char *be_manifest(const struct be_manifest_opts *o)
{
	const struct fe_unit *u = o->u;
	const struct fe_prog *p = o->p;
	const char *const *undefs = o->undefs;
	const uint64_t *bytecode_hash = o->bytecode_hash;
	unsigned stack = o->stack;
	size_t nh = fe_prog__nr_helpers(p), i, j, len = 0;
	struct fe_helper **hs = calloc(nh + 1, sizeof(*hs));
	struct fe_global *g;
	struct fe_map *m;
	uint8_t cval[8];
	char *buf = NULL;
	FILE *f;

	if (!hs)
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f) {
		free(hs);
		return NULL;
	}
	fprintf(f, "bpfaot-manifest 1\n");
	fprintf(f, "prog name=%s section=%s type=%u ctx=%s stack=%u", fe_prog__name(p),
		fe_prog__section(p), fe_prog__type(p), fe_ctx_kind__str(fe_prog__ctx(p)), stack);
	if (bytecode_hash)
		fprintf(f, " bytecode=%016llx", (unsigned long long)*bytecode_hash);
	if (o->march)
		fprintf(f, " march=%s", o->march);
	fputc('\n', f);
	for (i = 0, j = 0; i < nh; i++)
		if (calls_helper(undefs, fe_prog__helper(p, i)))
			hs[j++] = fe_prog__helper(p, i);
	nh = j;
	qsort(hs, nh, sizeof(*hs), cmp_id);
	for (i = 0; i < nh; i++) {
		fprintf(f, "helper id=%u name=%s ret=%s args=", fe_helper__id(hs[i]),
			fe_helper__name(hs[i]), fe_class__str(fe_helper__ret(hs[i])));
		for (j = 0; j < fe_helper__nr_args(hs[i]); j++)
			fprintf(f, "%s%s", j ? "," : "", fe_class__str(fe_helper__arg(hs[i], j)));
		if (fe_helper__is_variadic(hs[i]))
			fprintf(f, "%s...", j ? "," : "");
		fprintf(f, " proto=%s\n", fe_helper__proto(hs[i]));
	}
	fe_unit__for_each_map(m, u, i) {
		if (!prog_has_map(p, m))
			continue;
		fprintf(f, "map name=%s type=%u key=%u value=%u max=%u flags=%u ", fe_map__name(m),
			fe_map__type(m), fe_map__key_size(m), fe_map__value_size(m),
			fe_map__max_entries(m), fe_map__flags(m));
		if (undefs && has_sym(undefs, BPFAOT_MAP_VALUES_PREFIX, fe_map__name(m)))
			fprintf(f, "inlined=1 stride=%u", rw_map_values_stride(m));
		else
			fprintf(f, "inlined=0");
		if (rw_const_map_of(o->ropts, fe_map__name(m)))
			fprintf(f, " const=%016llx",
				(unsigned long long)rw_const_map_of(o->ropts, fe_map__name(m))->hash);
		fputc('\n', f);
	}
	fe_unit__for_each_global(g, u, i) {
		if (!prog_has_global(p, g) || fe_global__offset(g) < 0)
			continue;
		fprintf(f, "global name=%s section=%s offset=%lld size=%llu", fe_global__name(g),
			fe_global__section(g), (long long)fe_global__offset(g),
			(unsigned long long)fe_global__size(g));
		put_init(f, o->bpf, g);
		if (fe_global__size(g) <= sizeof(cval) && rw_global_const(o->ropts, g, cval)) {
			fputs(" const=", f);
			for (j = 0; j < fe_global__size(g); j++)
				fprintf(f, "%02x", cval[j]);
		}
		fputc('\n', f);
	}
	fprintf(f, "end\n");
	free(hs);
	if (fclose(f)) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	return buf;
}
