// SPDX-License-Identifier: MIT
/*
 * The bytecode object loader: turns a BPF ELF written by `clang -target bpf`
 * (or a conformance .data file) into an rt_object: programs with their
 * subprograms appended and relocations applied in the kernel's form, maps
 * from BTF `.maps` and legacy `maps` definitions, and global data sections
 * as one-element array maps named after their section (".rodata", ".bss",
 * as libbpf's bpf_map__name() names them).
 *
 * Programs follow libbpf: every global function in an executable section
 * other than .text is a program, typed by its section name (the list in
 * include/bpfaot/sections.h, which the compiler shares); .text holds
 * subprograms. An object whose only code is .text follows the ubpf
 * convention instead: each global function there is a program over raw
 * memory (r1 = mem, r2 = len).
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/btf.h>

#include "bpfaot/abi.h"
#include "bpfaot/sections.h"
#include "rt_insn.h"
#include "rt_internal.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define R_BPF_NONE 0
#define R_BPF_64_64 1
#define R_BPF_64_ABS64 2
#define R_BPF_64_ABS32 3
#define R_BPF_64_NODYLD32 4
#define R_BPF_64_32 10

#define MAX_FILE_SIZE (256u << 20)

/* ------------------------------------------------------ section names */

struct sec_type {
	const char *prefix;
	uint32_t type;
	uint32_t attach;
	bool exact;	/* the whole name, or the prefix followed by '/' */
};

/* The section names libbpf knows: include/bpfaot/sections.h, the list the
 * compiler types programs by too. Its numbers are the uapi's. */
#define SEC_TYPE(PREFIX, TYPE, TYPE_NAME, ATTACH, ATTACH_NAME, CTX, EXACT) \
	{ PREFIX, TYPE, ATTACH, EXACT },
static const struct sec_type sec_types[] = { BPFAOT_SECTIONS(SEC_TYPE) };
#undef SEC_TYPE

#define SEC_CHECK(PREFIX, TYPE, TYPE_NAME, ATTACH, ATTACH_NAME, CTX, EXACT) \
	_Static_assert(TYPE == TYPE_NAME, "program type of section " PREFIX);  \
	_Static_assert(ATTACH == ATTACH_NAME, "attach type of section " PREFIX);
BPFAOT_SECTIONS(SEC_CHECK)
#undef SEC_CHECK

static bool sec_matches(const char *sec, const struct sec_type *t)
{
	size_t n = strlen(t->prefix);

	if (strncmp(sec, t->prefix, n))
		return false;
	if (t->exact)
		return sec[n] == '\0';
	return sec[n] == '\0' || sec[n] == '/';
}

bool rt_prog_type_from_sec(const char *sec, uint32_t *type, uint32_t *attach)
{
	size_t i;

	for (i = 0; i < sizeof(sec_types) / sizeof(sec_types[0]); i++) {
		if (sec_matches(sec, &sec_types[i])) {
			*type = sec_types[i].type;
			*attach = sec_types[i].attach;
			return true;
		}
	}
	return false;
}

static const struct {
	const char *name;
	uint32_t type;
} type_names[] = {
	{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "kprobe", BPF_PROG_TYPE_KPROBE },
	{ "sched_cls", BPF_PROG_TYPE_SCHED_CLS },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS },
	{ "sched_act", BPF_PROG_TYPE_SCHED_ACT },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT },
	{ "xdp", BPF_PROG_TYPE_XDP },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT },
	{ "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB },
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR },
	{ "tracing", BPF_PROG_TYPE_TRACING },
	{ "syscall", BPF_PROG_TYPE_SYSCALL },
	{ "mem", BPF_PROG_TYPE_UNSPEC },
};

int rt_prog_type_by_name(const char *name, uint32_t *type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (!strcmp(name, type_names[i].name)) {
			*type = type_names[i].type;
			return 0;
		}
	}
	return -ENOENT;
}

enum rt_ctx_kind rt_ctx_kind_of(uint32_t prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_XDP:
		return RT_CTX_XDP;
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_SK_SKB:
		return RT_CTX_SKB;
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_PERF_EVENT:
		return RT_CTX_REGS;
	case BPF_PROG_TYPE_UNSPEC:
		return RT_CTX_MEM;
	default:
		return RT_CTX_RAW;
	}
}

/* ------------------------------------------------------------ loader */

struct func {
	int sec;
	uint64_t start, end;	/* instruction indexes in the section */
	size_t pos;		/* where it starts in the linked program */
};

struct loader {
	struct rt_object *obj;
	struct rt_elf elf;
	struct rt_log *log;
	struct btf *btf;
	int maps_sec, legacy_maps_sec;
	/* per section: relocations indexed by instruction (-1 = none) */
	struct rt_elf_rel **rels;
	size_t *nr_rels;
	int **rel_at;
	/* map index of each global-data section, -1 if not one */
	int *data_map;
	/* .kconfig externs: one 8-byte slot each in the map kcfg_map */
	const char **kcfg_names;
	bool *kcfg_unknown;	/* neither known here nor __weak */
	size_t nr_kcfg;
	int kcfg_map;
	size_t globals_cap;	/* of obj->globals (add_global()) */
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		errno = ENOMEM;
	return d;
}

static bool sec_is_exec(const struct rt_elf_sec *s)
{
	return s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR);
}

static bool sec_is_data(const struct rt_elf_sec *s)
{
	static const char *const pfx[] = { ".data", ".rodata", ".bss" };
	size_t i, n;

	if (s->flags & SHF_EXECINSTR || !(s->flags & SHF_ALLOC) || s->size == 0)
		return false;
	if (s->type != SHT_PROGBITS && s->type != SHT_NOBITS)
		return false;
	for (i = 0; i < 3; i++) {
		n = strlen(pfx[i]);
		if (!strncmp(s->name, pfx[i], n) && (s->name[n] == '\0' || s->name[n] == '.'))
			return true;
	}
	return false;
}

static int add_map(struct loader *ld, const struct rt_map_def *def, const void *init,
		   size_t init_sz)
{
	struct rt_object *obj = ld->obj;
	struct rt_map **maps;
	struct rt_map *m;
	size_t i;
	int err;

	for (i = 0; i < obj->nr_maps; i++) {
		if (!strcmp(rt_map__name(obj->maps[i]), def->name)) {
			rt_log__err(ld->log, "%s: map '%s' defined twice", obj->path, def->name);
			return -EINVAL;
		}
	}
	m = rt_map__new(def, ld->log);
	if (!m)
		return -errno;
	if (init && init_sz) {
		uint32_t zero = 0;

		err = rt_map__update(m, &zero, init, BPF_ANY);
		if (err) {
			rt_log__err(ld->log, "%s: map '%s': cannot set initial data", obj->path,
				    def->name);
			rt_map__free(m);
			return err;
		}
	}
	maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps));
	if (!maps) {
		rt_map__free(m);
		return -ENOMEM;
	}
	obj->maps = maps;
	obj->maps[obj->nr_maps++] = m;
	return 0;
}

static int find_map_idx(const struct rt_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->nr_maps; i++)
		if (!strcmp(rt_map__name(obj->maps[i]), name))
			return (int)i;
	return -1;
}

/* ------------------------------------------------ BTF map definitions */

/* __uint(name, N) is `int (*name)[N]`: N is the array's element count. */
static int btf_uint_val(const struct btf *btf, uint32_t type_id, uint32_t *val)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_type *arr;

	if (!t || !btf_is_ptr(t))
		return -EINVAL;
	arr = btf__type_by_id(btf, t->type);
	if (!arr || !btf_is_array(arr))
		return -EINVAL;
	*val = btf_array(arr)->nelems;
	return 0;
}

/* Offset of the struct bpf_spin_lock member of a value type, or -1. */
static int32_t btf_spin_lock_off(const struct btf *btf, uint32_t type_id)
{
	const struct btf_type *t;
	const struct btf_member *m;
	int id = btf__resolve_type(btf, type_id);
	uint16_t i;

	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	if (!t || !btf_is_struct(t))
		return -1;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		int mid = btf__resolve_type(btf, m->type);
		const struct btf_type *mt = mid < 0 ? NULL : btf__type_by_id(btf, mid);

		if (mt && btf_is_struct(mt) && btf__name_by_offset(btf, mt->name_off) &&
		    !strcmp(btf__name_by_offset(btf, mt->name_off), "bpf_spin_lock"))
			return (int32_t)(btf_member_bit_offset(t, i) / 8);
	}
	return -1;
}

static int parse_btf_map_def(struct loader *ld, const char *name, uint32_t struct_id,
			     struct rt_map_def *def, uint32_t *values_off)
{
	const struct btf *btf = ld->btf;
	const struct btf_type *t = btf__type_by_id(btf, struct_id);
	const struct btf_member *m;
	uint16_t i;
	int err;

	memset(def, 0, sizeof(*def));
	def->spin_lock_off = -1;
	snprintf(def->name, sizeof(def->name), "%s", name);
	if (values_off)
		*values_off = UINT32_MAX;
	t = t ? btf__type_by_id(btf, btf__resolve_type(btf, struct_id)) : NULL;
	if (!t || !btf_is_struct(t)) {
		rt_log__err(ld->log, "%s: map '%s': definition is not a struct", ld->obj->path,
			    name);
		return -EINVAL;
	}
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t *dst = NULL;
		int64_t sz;

		if (!mn)
			continue;
		if (!strcmp(mn, "type"))
			dst = &def->type;
		else if (!strcmp(mn, "max_entries"))
			dst = &def->max_entries;
		else if (!strcmp(mn, "map_flags"))
			dst = &def->map_flags;
		else if (!strcmp(mn, "key_size"))
			dst = &def->key_size;
		else if (!strcmp(mn, "value_size"))
			dst = &def->value_size;
		if (dst) {
			err = btf_uint_val(btf, m->type, dst);
			if (err) {
				rt_log__err(ld->log, "%s: map '%s': attribute '%s' is not __uint()",
					    ld->obj->path, name, mn);
				return err;
			}
		} else if (!strcmp(mn, "key") || !strcmp(mn, "value")) {
			const struct btf_type *pt = btf__type_by_id(btf, m->type);

			if (!pt || !btf_is_ptr(pt)) {
				rt_log__err(ld->log, "%s: map '%s': attribute '%s' is not __type()",
					    ld->obj->path, name, mn);
				return -EINVAL;
			}
			sz = btf__resolve_size(btf, pt->type);
			if (sz < 0) {
				rt_log__err(ld->log, "%s: map '%s': cannot size the %s type",
					    ld->obj->path, name, mn);
				return -EINVAL;
			}
			if (mn[0] == 'k') {
				def->key_size = (uint32_t)sz;
				def->btf_key_type_id = pt->type;
			} else {
				def->value_size = (uint32_t)sz;
				def->btf_value_type_id = pt->type;
				def->spin_lock_off = btf_spin_lock_off(btf, pt->type);
			}
		} else if (!strcmp(mn, "values")) {
			const struct btf_type *at = btf__type_by_id(btf, m->type);
			const struct btf_type *pt;
			struct rt_map_def *inner;

			if (values_off)
				*values_off = btf_member_bit_offset(t, i) / 8;
			if (!at || !btf_is_array(at))
				goto bad_values;
			pt = btf__type_by_id(btf, btf_array(at)->type);
			if (!pt || !btf_is_ptr(pt))
				goto bad_values;
			if (def->type == BPF_MAP_TYPE_PROG_ARRAY) {
				def->value_size = 4;
				continue;
			}
			inner = calloc(1, sizeof(*inner));
			if (!inner)
				return -ENOMEM;
			err = parse_btf_map_def(ld, name, pt->type, inner, NULL);
			if (err) {
				free(inner);
				return err;
			}
			snprintf(inner->name, sizeof(inner->name), "%s.inner", name);
			def->inner = inner;
			def->value_size = 4;
		} else if (!strcmp(mn, "pinning") || !strcmp(mn, "numa_node") ||
			   !strcmp(mn, "map_extra")) {
			/* meaningful only in the kernel */
		} else {
			rt_log__err(ld->log, "%s: map '%s': unknown attribute '%s'", ld->obj->path,
				    name, mn);
			return -ENOTSUP;
		}
	}
	if (def->type == BPF_MAP_TYPE_PROG_ARRAY && !def->value_size)
		def->value_size = 4;
	return 0;

bad_values:
	rt_log__err(ld->log, "%s: map '%s': 'values' is not an array of pointers", ld->obj->path,
		    name);
	return -EINVAL;
}

static void free_def(struct rt_map_def *def)
{
	if (def->inner) {
		free_def(def->inner);
		free(def->inner);
	}
	def->inner = NULL;
}

/* `values` initialisers of prog arrays and map-in-maps: relocations in .maps
 * pointing at programs or maps, kept until programs exist. */
struct map_init {
	int map;
	uint32_t slot;
	const char *target;	/* symbol name of a program or map */
	bool is_prog;
};

static int collect_btf_maps(struct loader *ld, struct map_init **inits, size_t *nr_inits)
{
	const struct rt_elf_sec *sec = &ld->elf.secs[ld->maps_sec];
	const struct btf_var_secinfo *vi;
	const struct btf_type *ds;
	int ds_id, err = 0;
	size_t cap = 0;
	uint16_t i;

	if (!ld->btf) {
		rt_log__err(ld->log, "%s: section '.maps' needs BTF, and the object has none",
			    ld->obj->path);
		return -EINVAL;
	}
	ds_id = btf__find_by_name_kind(ld->btf, ".maps", BTF_KIND_DATASEC);
	if (ds_id < 0) {
		rt_log__err(ld->log, "%s: no BTF for section '.maps'", ld->obj->path);
		return -EINVAL;
	}
	ds = btf__type_by_id(ld->btf, ds_id);
	vi = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vi++) {
		const struct btf_type *var = btf__type_by_id(ld->btf, vi->type);
		struct rt_map_def def;
		uint32_t values_off;
		const char *name;
		uint64_t end, map_off;
		size_t r;

		if (!var || !btf_is_var(var))
			continue;
		name = btf__name_by_offset(ld->btf, var->name_off);
		if (!name || !*name) {
			rt_log__err(ld->log, "%s: map #%u in '.maps': bad BTF name offset %u",
				    ld->obj->path, (unsigned int)i, var->name_off);
			return -ENOEXEC;
		}
		if (!rt_name_is_clean(name)) {
			rt_log__err(ld->log, "%s: map #%u in '.maps': name has control characters",
				    ld->obj->path, (unsigned int)i);
			return -ENOEXEC;
		}
		err = parse_btf_map_def(ld, name, var->type, &def, &values_off);
		if (!err)
			err = add_map(ld, &def, NULL, 0);
		free_def(&def);
		if (err)
			return err;
		if (values_off == UINT32_MAX)
			continue;
		/* the flexible `values` array lies past the BTF size: take the
		 * ELF symbol's, which covers the initialiser */
		/* clang leaves DATASEC offsets to the loader: the ELF symbol
		 * gives the map's place, and its size covers the flexible
		 * `values` array that BTF's size leaves out */
		map_off = vi->offset;
		end = (uint64_t)vi->offset + vi->size;
		for (r = 0; r < ld->elf.nr_syms; r++) {
			const struct rt_elf_sym *ms = &ld->elf.syms[r];

			if (ms->shndx == ld->maps_sec && !strcmp(ms->name, name)) {
				map_off = ms->value;
				end = ms->value + ms->size;
			}
		}
		/* relocations inside this map's `values` array */
		for (r = 0; r < ld->elf.nr_secs; r++) {
			const struct rt_elf_sec *rs = &ld->elf.secs[r];

			if ((rs->type == SHT_REL || rs->type == SHT_RELA) &&
			    (int)rs->info == ld->maps_sec) {
				struct rt_elf_rel *rels;
				size_t n, k;

				err = rt_elf__relocs(&ld->elf, r, &rels, &n, ld->log);
				if (err)
					return err;
				for (k = 0; k < n; k++) {
					uint64_t start = map_off + values_off;
					const struct rt_elf_sym *sym = &ld->elf.syms[rels[k].sym];
					struct map_init *mi;

					if (rels[k].offset < start || rels[k].offset >= end)
						continue;
					err = rt_ensure_mem((void **)inits, &cap, sizeof(**inits),
							    *nr_inits + 1);
					if (err)
						break;
					mi = &(*inits)[(*nr_inits)++];
					mi->map = (int)ld->obj->nr_maps - 1;
					mi->slot = (uint32_t)((rels[k].offset - start) / 8);
					mi->target = sym->name;
					mi->is_prog = sym->type == STT_FUNC;
				}
				free(rels);
				if (err)
					return err;
			}
		}
	}
	(void)sec;
	return 0;
}

static int collect_legacy_maps(struct loader *ld)
{
	const struct rt_elf_sec *sec = &ld->elf.secs[ld->legacy_maps_sec];
	size_t i;
	int err;

	for (i = 0; i < ld->elf.nr_syms; i++) {
		const struct rt_elf_sym *sym = &ld->elf.syms[i];
		struct rt_map_def def = { .spin_lock_off = -1 };
		uint32_t f[5] = { 0 };

		if (sym->shndx != ld->legacy_maps_sec || sym->type == STT_SECTION || !sym->name[0])
			continue;
		if (!rt_bounds_ok(sym->value, 4 * 4, sec->size) || !sec->data) {
			rt_log__err(ld->log, "%s: map '%s': definition outside section 'maps'",
				    ld->obj->path, sym->name);
			return -ENOEXEC;
		}
		memcpy(f, sec->data + sym->value,
		       rt_bounds_ok(sym->value, sizeof(f), sec->size) ? sizeof(f) : 16);
		snprintf(def.name, sizeof(def.name), "%s", sym->name);
		def.type = f[0];
		def.key_size = f[1];
		def.value_size = f[2];
		def.max_entries = f[3];
		def.map_flags = f[4];
		err = add_map(ld, &def, NULL, 0);
		if (err)
			return err;
	}
	return 0;
}

/* A variable native code binds by name: size bytes at offset of map. */
static int add_global(struct loader *ld, const char *name, int map, uint32_t offset,
		      uint32_t size)
{
	struct rt_object *obj = ld->obj;
	struct rt_global *g;
	int err;

	err = rt_ensure_mem((void **)&obj->globals, &ld->globals_cap, sizeof(*obj->globals),
			    obj->nr_globals + 1);
	if (err)
		return err;
	g = &obj->globals[obj->nr_globals];
	g->name = xstrdup(name);
	if (!g->name)
		return -ENOMEM;
	g->map = map;
	g->offset = offset;
	g->size = size;
	obj->nr_globals++;
	return 0;
}

/* The variables of each global-data section, for binding native code. */
static int collect_globals(struct loader *ld)
{
	struct rt_object *obj = ld->obj;
	size_t i;
	int err;

	for (i = 0; i < ld->elf.nr_syms; i++) {
		const struct rt_elf_sym *sym = &ld->elf.syms[i];
		const struct rt_elf_sec *sec;

		if (sym->type != STT_OBJECT || !sym->name[0] || sym->shndx == SHN_UNDEF ||
		    sym->shndx >= ld->elf.nr_secs || ld->data_map[sym->shndx] < 0)
			continue;
		sec = &ld->elf.secs[sym->shndx];
		if (!rt_bounds_ok(sym->value, sym->size, sec->size)) {
			rt_log__err(ld->log, "%s: variable '%s' lies outside section '%s'",
				    obj->path, sym->name, sec->name);
			return -ENOEXEC;
		}
		err = add_global(ld, sym->name, ld->data_map[sym->shndx], (uint32_t)sym->value,
				 (uint32_t)sym->size);
		if (err)
			return err;
	}
	return 0;
}

const struct rt_global *rt_object__find_global(const struct rt_object *obj, const char *name,
					       const char *section, size_t *count)
{
	const struct rt_global *found = NULL;
	size_t i;

	*count = 0;
	for (i = 0; i < obj->nr_globals; i++) {
		const struct rt_global *g = &obj->globals[i];

		if (strcmp(g->name, name) || strcmp(rt_map__name(obj->maps[g->map]), section))
			continue;
		found = found ? found : g;
		(*count)++;
	}
	return found;
}

static int collect_data_maps(struct loader *ld)
{
	size_t i;
	int err;

	for (i = 0; i < ld->elf.nr_secs; i++) {
		const struct rt_elf_sec *s = &ld->elf.secs[i];
		struct rt_map_def def = { .spin_lock_off = -1 };

		ld->data_map[i] = -1;
		if (!sec_is_data(s))
			continue;
		if (s->size > UINT32_MAX) {
			rt_log__err(ld->log, "%s: section '%s' too large", ld->obj->path, s->name);
			return -E2BIG;
		}
		snprintf(def.name, sizeof(def.name), "%s", s->name);
		def.type = BPF_MAP_TYPE_ARRAY;
		def.key_size = 4;
		def.value_size = (uint32_t)s->size;
		def.max_entries = 1;
		err = add_map(ld, &def, s->type == SHT_NOBITS ? NULL : s->data,
			      s->type == SHT_NOBITS ? 0 : s->size);
		if (err)
			return err;
		ld->data_map[i] = (int)ld->obj->nr_maps - 1;
	}
	return 0;
}

/* ---------------------------------------------------- kconfig externs */

/* A CONFIG_ option's value in the running kernel's config, as libbpf reads
 * it: y = 1, m = 2 (tristate), n = 0, numbers as numbers. false if absent. */
static bool kconfig_option(const char *name, uint64_t *val)
{
	char path[300], line[512];
	struct utsname u;
	size_t n = strlen(name);
	bool found = false;
	FILE *f;

	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *v = line + n + 1;

		if (strncmp(line, name, n) || line[n] != '=')
			continue;
		found = true;
		if (*v == 'y')
			*val = 1;
		else if (*v == 'm')
			*val = 2;
		else if (*v == 'n')
			*val = 0;
		else
			found = sscanf(v, "%" SCNi64, (int64_t *)val) == 1;
	}
	fclose(f);
	return found;
}

/* libbpf's value of a .kconfig extern on this machine; false if unknown. */
static bool kconfig_value(const char *name, uint64_t *val)
{
	unsigned int major = 0, minor = 0, patch = 0;
	struct utsname u;

	if (!strcmp(name, "LINUX_KERNEL_VERSION")) {
		/* libbpf's get_kernel_version(): uname, patch level capped at 255 */
		if (uname(&u) || sscanf(u.release, "%u.%u.%u", &major, &minor, &patch) < 2)
			return false;
		*val = (uint64_t)major << 16 | (uint64_t)minor << 8 | (patch > 255 ? 255 : patch);
		return true;
	}
	if (!strcmp(name, "LINUX_HAS_SYSCALL_WRAPPER")) {
#if defined(__x86_64__) || defined(__aarch64__)
		*val = 1; /* every kernel with BPF_PROG_TEST_RUN of this arch */
		return true;
#else
		return false;
#endif
	}
	return !strncmp(name, "CONFIG_", 7) && kconfig_option(name, val);
}

/*
 * The object's .kconfig externs become one internal array map, ".kconfig",
 * with an 8-byte little-endian slot per extern, as libbpf fills them. An
 * extern unknown here is 0 when __weak; otherwise the programs that read it
 * are refused (libbpf refuses the object). The others are also globals of
 * that map (obj->globals), which native code binds by name.
 */
static int collect_kconfig(struct loader *ld)
{
	struct rt_map_def def = { .spin_lock_off = -1 };
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	uint64_t *vals;
	int id, err;
	size_t i, k;

	ld->kcfg_map = -1;
	if (!ld->btf)
		return 0;
	id = btf__find_by_name_kind(ld->btf, ".kconfig", BTF_KIND_DATASEC);
	if (id < 0)
		return 0;
	t = btf__type_by_id(ld->btf, (uint32_t)id);
	ld->nr_kcfg = btf_vlen(t);
	if (!ld->nr_kcfg)
		return 0;
	ld->kcfg_names = calloc(ld->nr_kcfg, sizeof(*ld->kcfg_names));
	ld->kcfg_unknown = calloc(ld->nr_kcfg, sizeof(*ld->kcfg_unknown));
	vals = calloc(ld->nr_kcfg, sizeof(*vals));
	if (!ld->kcfg_names || !ld->kcfg_unknown || !vals) {
		free(vals);
		return -ENOMEM;
	}
	vs = btf_var_secinfos(t);
	for (i = 0; i < ld->nr_kcfg; i++) {
		const struct btf_type *v = btf__type_by_id(ld->btf, vs[i].type);
		const char *name = v ? btf__name_by_offset(ld->btf, v->name_off) : NULL;
		bool weak = false;

		ld->kcfg_names[i] = name ? name : "";
		if (kconfig_value(ld->kcfg_names[i], &vals[i]))
			continue;
		for (k = 0; k < ld->elf.nr_syms; k++)
			if (!strcmp(ld->elf.syms[k].name, ld->kcfg_names[i]))
				weak = ld->elf.syms[k].bind == STB_WEAK;
		ld->kcfg_unknown[i] = !weak;
	}
	snprintf(def.name, sizeof(def.name), ".kconfig");
	def.type = BPF_MAP_TYPE_ARRAY;
	def.key_size = 4;
	def.value_size = (uint32_t)(ld->nr_kcfg * sizeof(*vals));
	def.max_entries = 1;
	def.map_flags = BPF_F_RDONLY_PROG;
	err = add_map(ld, &def, vals, def.value_size);
	free(vals);
	if (err)
		return err;
	ld->kcfg_map = (int)ld->obj->nr_maps - 1;
	/* native code binds the externs it reads by name, as globals */
	for (i = 0; i < ld->nr_kcfg; i++) {
		if (ld->kcfg_unknown[i] || !ld->kcfg_names[i][0])
			continue;
		err = add_global(ld, ld->kcfg_names[i], ld->kcfg_map,
				 (uint32_t)(i * sizeof(uint64_t)), sizeof(uint64_t));
		if (err)
			return err;
	}
	return 0;
}

/* Relocates a load of a .kconfig extern's address; -ENOENT if not one. */
static int reloc_kconfig(struct loader *ld, struct rt_insn *insn, const struct rt_elf_sym *sym,
			 const char *sec, uint64_t idx)
{
	size_t i;

	for (i = 0; i < ld->nr_kcfg; i++) {
		if (strcmp(ld->kcfg_names[i], sym->name))
			continue;
		if (ld->kcfg_unknown[i]) {
			rt_log__err(ld->log, "%s: section '%s' insn %llu: kconfig extern '%s' is unknown on this machine and not __weak",
				    ld->obj->path, sec, (unsigned long long)idx, sym->name);
			return -ENOTSUP;
		}
		insn->src = BPF_PSEUDO_MAP_VALUE;
		insn->imm = ld->kcfg_map;
		insn[1].imm = (int32_t)(i * sizeof(uint64_t)) + insn[1].imm;
		return 0;
	}
	return -ENOENT;
}

/* ------------------------------------------------------------ linking */

static int index_relocs(struct loader *ld)
{
	size_t n = ld->elf.nr_secs, i, k;
	int err;

	ld->rels = calloc(n, sizeof(*ld->rels));
	ld->nr_rels = calloc(n, sizeof(*ld->nr_rels));
	ld->rel_at = calloc(n, sizeof(*ld->rel_at));
	if (!ld->rels || !ld->nr_rels || !ld->rel_at)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct rt_elf_sec *rs = &ld->elf.secs[i];
		const struct rt_elf_sec *target;
		size_t t;

		if (rs->type != SHT_REL && rs->type != SHT_RELA)
			continue;
		if (rs->info >= n) {
			rt_log__err(ld->log, "%s: section '%s': target section index %u out of range",
				    ld->obj->path, rs->name, rs->info);
			return -ENOEXEC;
		}
		target = &ld->elf.secs[rs->info];
		if (!sec_is_exec(target))
			continue;
		t = rs->info;
		if (ld->rels[t]) {
			rt_log__err(ld->log, "%s: section '%s' has two relocation sections",
				    ld->obj->path, target->name);
			return -ENOEXEC;
		}
		err = rt_elf__relocs(&ld->elf, i, &ld->rels[t], &ld->nr_rels[t], ld->log);
		if (err)
			return err;
		ld->rel_at[t] = malloc((target->size / RT_INSN_SZ + 1) * sizeof(int));
		if (!ld->rel_at[t])
			return -ENOMEM;
		memset(ld->rel_at[t], 0xff, (target->size / RT_INSN_SZ + 1) * sizeof(int));
		for (k = 0; k < ld->nr_rels[t]; k++) {
			const struct rt_elf_rel *r = &ld->rels[t][k];

			if (r->type == R_BPF_NONE)
				continue;
			if (r->offset % RT_INSN_SZ || !rt_bounds_ok(r->offset, RT_INSN_SZ, target->size)) {
				rt_log__err(ld->log, "%s: reloc #%zu in '%s': offset %llu is not an instruction",
					    ld->obj->path, k, rs->name, (unsigned long long)r->offset);
				return -ENOEXEC;
			}
			if (r->type != R_BPF_64_64 && r->type != R_BPF_64_32 &&
			    r->type != R_BPF_64_ABS64 && r->type != R_BPF_64_ABS32 &&
			    r->type != R_BPF_64_NODYLD32) {
				rt_log__err(ld->log, "%s: reloc #%zu in '%s': unsupported type %u",
					    ld->obj->path, k, rs->name, r->type);
				return -ENOTSUP;
			}
			ld->rel_at[t][r->offset / RT_INSN_SZ] = (int)k;
		}
	}
	return 0;
}

struct linker {
	struct loader *ld;
	struct rt_insn *insns;
	size_t cnt, cap;
	struct func *funcs;
	size_t nr_funcs, funcs_cap;
};

/* The function of section sec that contains instruction idx: its symbol's
 * extent, or the whole section when no sized symbol covers it. */
static void func_extent(const struct loader *ld, int sec, uint64_t idx, uint64_t *start,
			uint64_t *end)
{
	size_t i;

	*start = 0;
	*end = ld->elf.secs[sec].size / RT_INSN_SZ;
	for (i = 0; i < ld->elf.nr_syms; i++) {
		const struct rt_elf_sym *s = &ld->elf.syms[i];
		uint64_t b = s->value / RT_INSN_SZ, e = (s->value + s->size) / RT_INSN_SZ;

		if (s->shndx == sec && s->type == STT_FUNC && s->size && idx >= b && idx < e &&
		    e <= *end) {
			*start = b;
			*end = e;
			return;
		}
	}
}

/* Position of (sec, idx) in the linked program, appending its function. */
static int link_target(struct linker *lk, int sec, uint64_t idx, size_t *pos)
{
	const struct rt_elf_sec *s = &lk->ld->elf.secs[sec];
	uint64_t start, end;
	struct func *f;
	size_t i;
	int err;

	for (i = 0; i < lk->nr_funcs; i++) {
		f = &lk->funcs[i];
		if (f->sec == sec && idx >= f->start && idx < f->end) {
			*pos = f->pos + (idx - f->start);
			return 0;
		}
	}
	if (sec < 0 || (size_t)sec >= lk->ld->elf.nr_secs || !sec_is_exec(s) ||
	    idx >= s->size / RT_INSN_SZ)
		return -ENOENT;
	func_extent(lk->ld, sec, idx, &start, &end);
	if (lk->cnt + (end - start) > RT_MAX_INSNS) {
		rt_log__err(lk->ld->log, "%s: program too large (over %u instructions)",
			    lk->ld->obj->path, RT_MAX_INSNS);
		return -E2BIG;
	}
	err = rt_ensure_mem((void **)&lk->insns, &lk->cap, sizeof(struct rt_insn),
			    lk->cnt + (end - start));
	if (!err)
		err = rt_ensure_mem((void **)&lk->funcs, &lk->funcs_cap, sizeof(struct func),
				    lk->nr_funcs + 1);
	if (err)
		return err;
	memcpy(lk->insns + lk->cnt, s->data + start * RT_INSN_SZ, (end - start) * RT_INSN_SZ);
	f = &lk->funcs[lk->nr_funcs++];
	f->sec = sec;
	f->start = start;
	f->end = end;
	f->pos = lk->cnt;
	lk->cnt += end - start;
	*pos = f->pos + (idx - start);
	return 0;
}

static int reloc_insn(struct linker *lk, const struct func *f, uint64_t idx)
{
	struct loader *ld = lk->ld;
	const struct rt_elf_sec *s = &ld->elf.secs[f->sec];
	size_t pc = f->pos + (idx - f->start);
	struct rt_insn *insn = &lk->insns[pc];
	int ri = ld->rel_at[f->sec] ? ld->rel_at[f->sec][idx] : -1;
	const struct rt_elf_rel *r = ri >= 0 ? &ld->rels[f->sec][ri] : NULL;
	const struct rt_elf_sym *sym = r ? &ld->elf.syms[r->sym] : NULL;
	size_t target;
	int err;

	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src == BPF_PSEUDO_CALL) {
		int tsec = f->sec;
		int64_t tidx = (int64_t)idx + insn->imm + 1;

		if (sym) {
			if (sym->shndx == SHN_UNDEF) {
				/* libbpf resolves an extern call as a kernel function */
				rt_log__err(ld->log, "%s: section '%s' insn %llu: calls kernel function '%s', which a user-space run does not have",
					    ld->obj->path, s->name, (unsigned long long)idx, sym->name);
				return -ENOTSUP;
			}
			tsec = sym->shndx;
			tidx = (int64_t)(sym->value / RT_INSN_SZ) + insn->imm + 1;
		}
		err = tidx < 0 ? -ENOENT : link_target(lk, tsec, (uint64_t)tidx, &target);
		if (err == -ENOENT)
			rt_log__err(ld->log, "%s: section '%s' insn %llu: call target out of range",
				    ld->obj->path, s->name, (unsigned long long)idx);
		if (err)
			return err;
		insn = &lk->insns[pc]; /* link_target may have moved the array */
		insn->imm = (int32_t)((int64_t)target - (int64_t)pc - 1);
		return 0;
	}
	if (!r)
		return 0;
	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src == BPF_PSEUDO_KFUNC_CALL) {
		rt_log__err(ld->log, "%s: section '%s' insn %llu: kernel function '%s' is not supported",
			    ld->obj->path, s->name, (unsigned long long)idx, sym->name);
		return -ENOTSUP;
	}
	if (r->type == R_BPF_64_NODYLD32 || r->type == R_BPF_64_ABS32 || r->type == R_BPF_64_ABS64) {
		rt_log__err(ld->log, "%s: section '%s' insn %llu: unexpected data relocation type %u",
			    ld->obj->path, s->name, (unsigned long long)idx, r->type);
		return -ENOEXEC;
	}
	if (insn->code != (BPF_LD | BPF_IMM | BPF_DW) || idx + 1 >= s->size / RT_INSN_SZ) {
		rt_log__err(ld->log, "%s: section '%s' insn %llu: relocation on an instruction that is not ld_imm64",
			    ld->obj->path, s->name, (unsigned long long)idx);
		return -ENOEXEC;
	}
	if (sym->shndx == SHN_UNDEF) {
		err = reloc_kconfig(ld, insn, sym, s->name, idx);
		if (err != -ENOENT)
			return err;
		rt_log__err(ld->log, "%s: section '%s' insn %llu: extern '%s' is not supported",
			    ld->obj->path, s->name, (unsigned long long)idx, sym->name);
		return -ENOTSUP;
	}
	if (sym->shndx >= SHN_LORESERVE) {
		rt_log__err(ld->log, "%s: section '%s' insn %llu: symbol '%s' has a special section",
			    ld->obj->path, s->name, (unsigned long long)idx, sym->name);
		return -ENOEXEC;
	}
	if (sym->shndx == ld->maps_sec || sym->shndx == ld->legacy_maps_sec) {
		int m = -1;
		size_t k;

		if (sym->shndx == ld->maps_sec) {
			m = find_map_idx(ld->obj, sym->name);
		} else {
			for (k = 0; k < ld->elf.nr_syms && m < 0; k++) {
				const struct rt_elf_sym *ms = &ld->elf.syms[k];

				if (ms->shndx == sym->shndx && ms->type != STT_SECTION &&
				    ms->value == sym->value + (uint64_t)insn->imm && ms->name[0])
					m = find_map_idx(ld->obj, ms->name);
			}
		}
		if (m < 0) {
			rt_log__err(ld->log, "%s: section '%s' insn %llu: no map for symbol '%s'",
				    ld->obj->path, s->name, (unsigned long long)idx, sym->name);
			return -ENOENT;
		}
		insn->src = BPF_PSEUDO_MAP_FD;
		insn->imm = m;
		insn[1].imm = 0;
		return 0;
	}
	if (ld->data_map[sym->shndx] >= 0) {
		uint64_t off = (sym->type == STT_SECTION ? 0 : sym->value) + (uint32_t)insn->imm;

		insn->src = BPF_PSEUDO_MAP_VALUE;
		insn->imm = ld->data_map[sym->shndx];
		insn[1].imm = (int32_t)off;
		return 0;
	}
	if (sec_is_exec(&ld->elf.secs[sym->shndx])) {
		/* address of a subprogram, for callbacks and callx */
		uint64_t tidx = (sym->value + (uint32_t)insn->imm) / RT_INSN_SZ;

		err = link_target(lk, sym->shndx, tidx, &target);
		if (err == -ENOENT)
			rt_log__err(ld->log, "%s: section '%s' insn %llu: function address out of range",
				    ld->obj->path, s->name, (unsigned long long)idx);
		if (err)
			return err;
		insn = &lk->insns[pc];
		insn->src = BPF_PSEUDO_FUNC;
		insn->imm = (int32_t)((int64_t)target - (int64_t)pc - 1);
		insn[1].imm = 0;
		return 0;
	}
	rt_log__err(ld->log, "%s: section '%s' insn %llu: relocation against '%s' in section '%s' is not supported",
		    ld->obj->path, s->name, (unsigned long long)idx, sym->name,
		    ld->elf.secs[sym->shndx].name);
	return -ENOTSUP;
}

static int link_prog(struct loader *ld, struct rt_prog *prog, int sec, uint64_t start)
{
	struct linker lk = { .ld = ld };
	size_t pos, fi;
	uint64_t idx;
	int err;

	err = link_target(&lk, sec, start, &pos);
	for (fi = 0; !err && fi < lk.nr_funcs; fi++) {
		struct func f = lk.funcs[fi]; /* copy: the array may grow */

		for (idx = f.start; !err && idx < f.end; idx++)
			err = reloc_insn(&lk, &f, idx);
	}
	if (err) {
		free(lk.insns);
		free(lk.funcs);
		return err;
	}
	free(lk.funcs);
	prog->insns = lk.insns;
	prog->nr_insns = lk.cnt;
	return 0;
}

/*
 * Links a program; what the runtime does not support (a kernel function, a
 * ksym or an unknown kconfig extern) refuses only this program on the
 * bytecode engines, as the validator's verdicts do, not the object: the
 * kernel engine and the object's other programs go on.
 */
static int link_prog_deferred(struct loader *ld, struct rt_prog *prog, int sec, uint64_t start)
{
	char msg[512] = "";
	struct rt_log plog = { .buf = msg, .size = sizeof(msg) }, *log = ld->log;
	int err;

	ld->log = &plog;
	err = link_prog(ld, prog, sec, start);
	ld->log = log;
	if (err != -ENOTSUP) {
		if (err && msg[0])
			rt_log__err(log, "%s", msg);
		return err;
	}
	prog->invalid = err;
	prog->invalid_msg = xstrdup(msg);
	return prog->invalid_msg ? 0 : -ENOMEM;
}

static int add_prog(struct loader *ld, const struct rt_elf_sym *sym, int sec,
		    const struct bpfaot_open_opts *opts)
{
	struct rt_object *obj = ld->obj;
	const char *sec_name = ld->elf.secs[sec].name;
	struct rt_prog *progs, *p;
	int err;

	if (sym->value % RT_INSN_SZ || !rt_bounds_ok(sym->value, RT_INSN_SZ, ld->elf.secs[sec].size)) {
		rt_log__err(ld->log, "%s: program '%s': bad offset in section '%s'", obj->path,
			    sym->name, sec_name);
		return -ENOEXEC;
	}
	progs = realloc(obj->progs, (obj->nr_progs + 1) * sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	obj->progs = progs;
	p = &obj->progs[obj->nr_progs];
	memset(p, 0, sizeof(*p));
	p->obj = obj;
	p->name = xstrdup(sym->name);
	p->sec_name = xstrdup(sec_name);
	if (!p->name || !p->sec_name) {
		free(p->name);
		free(p->sec_name);
		return -ENOMEM;
	}
	obj->nr_progs++;
	if (!strcmp(sec_name, ".text"))
		p->type = BPF_PROG_TYPE_UNSPEC;
	else if (!rt_prog_type_from_sec(sec_name, &p->type, &p->expected_attach_type))
		p->type = BPF_PROG_TYPE_UNSPEC;
	if (opts && opts->prog_type) {
		err = rt_prog_type_by_name(opts->prog_type, &p->type);
		if (err) {
			rt_log__err(ld->log, "unknown program type '%s'", opts->prog_type);
			return -EINVAL;
		}
	}
	p->ctx_kind = rt_ctx_kind_of(p->type);
	return link_prog_deferred(ld, p, sec, sym->value / RT_INSN_SZ);
}

static int collect_progs(struct loader *ld, const struct bpfaot_open_opts *opts)
{
	bool has_prog_secs = false;
	size_t i, s;
	int err;

	for (s = 0; s < ld->elf.nr_secs; s++) {
		const struct rt_elf_sec *sec = &ld->elf.secs[s];

		if (sec_is_exec(sec) && strcmp(sec->name, ".text") && sec->size)
			has_prog_secs = true;
		if (sec_is_exec(sec) && (sec->size % RT_INSN_SZ || !sec->data)) {
			rt_log__err(ld->log, "%s: section '%s': size %llu is not a multiple of 8",
				    ld->obj->path, sec->name, (unsigned long long)sec->size);
			return -ENOEXEC;
		}
	}
	for (i = 0; i < ld->elf.nr_syms; i++) {
		const struct rt_elf_sym *sym = &ld->elf.syms[i];
		const struct rt_elf_sec *sec;
		bool is_text;

		if (sym->type != STT_FUNC || sym->shndx == SHN_UNDEF || sym->shndx >= SHN_LORESERVE)
			continue;
		sec = &ld->elf.secs[sym->shndx];
		if (!sec_is_exec(sec))
			continue;
		is_text = !strcmp(sec->name, ".text");
		if (is_text && has_prog_secs)
			continue; /* a subprogram */
		if (sym->bind == STB_LOCAL) {
			if (is_text)
				continue;
			rt_log__err(ld->log, "%s: program '%s' in section '%s' is static, which libbpf refuses",
				    ld->obj->path, sym->name, sec->name);
			return -ENOTSUP;
		}
		err = add_prog(ld, sym, sym->shndx, opts);
		if (err)
			return err;
	}
	if (!ld->obj->nr_progs) {
		rt_log__err(ld->log, "%s: no programs", ld->obj->path);
		return -ENOENT;
	}
	return 0;
}

static void *resolve_id(void *cookie, uint32_t id)
{
	struct rt_object *obj = cookie;

	/* ids are 1-based so that a zeroed slot means empty */
	if (id == 0)
		return NULL;
	if (id & 0x80000000u) {
		id &= 0x7fffffffu;
		return id - 1 < obj->nr_maps ? obj->maps[id - 1] : NULL;
	}
	return id - 1 < obj->nr_progs ? &obj->progs[id - 1] : NULL;
}

static int apply_inits(struct loader *ld, const struct map_init *inits, size_t n)
{
	struct rt_object *obj = ld->obj;
	size_t i, k;
	int err;

	for (i = 0; i < obj->nr_maps; i++)
		rt_map__set_ptr_resolver(obj->maps[i], resolve_id, obj);
	for (i = 0; i < n; i++) {
		uint32_t id = 0;

		for (k = 0; k < obj->nr_progs && !id && inits[i].is_prog; k++) {
			if (!strcmp(obj->progs[k].name, inits[i].target)) {
				id = (uint32_t)k + 1;
				obj->progs[k].tail_target = true;
			}
		}
		if (!inits[i].is_prog) {
			int m = find_map_idx(obj, inits[i].target);

			if (m >= 0)
				id = 0x80000000u | (uint32_t)(m + 1);
		}
		if (!id) {
			rt_log__err(ld->log, "%s: map '%s': initial value '%s' is not a %s",
				    obj->path, rt_map__name(obj->maps[inits[i].map]),
				    inits[i].target, inits[i].is_prog ? "program" : "map");
			return -ENOENT;
		}
		err = rt_map__user_update(obj->maps[inits[i].map], &inits[i].slot, &id, BPF_ANY);
		if (err) {
			rt_log__err(ld->log, "%s: map '%s': cannot set slot %u", obj->path,
				    rt_map__name(obj->maps[inits[i].map]), inits[i].slot);
			return err;
		}
	}
	return 0;
}

/* ----------------------------------------------------- native code */

/* A fat object's `.aot.<prog>` sections: each holds the native object of
 * the program of that name; the bytes stay in obj->file. They are linked
 * when the aot engine first runs the program. */
/* Whether name is a global function of .text: once `bpftool gen object`
 * has linked a file of such functions (native code per function) with a
 * file of SEC() programs, they are subprograms, and their native code is
 * simply unused. */
static bool is_text_func(const struct loader *ld, const char *name)
{
	size_t i;

	for (i = 0; i < ld->elf.nr_syms; i++) {
		const struct rt_elf_sym *sym = &ld->elf.syms[i];

		if (sym->type == STT_FUNC && sym->bind != STB_LOCAL && sym->shndx < ld->elf.nr_secs &&
		    !strcmp(ld->elf.secs[sym->shndx].name, ".text") && !strcmp(sym->name, name))
			return true;
	}
	return false;
}

static int attach_native(struct loader *ld)
{
	size_t plen = strlen(BPFAOT_FAT_SEC_PREFIX), i;

	for (i = 0; i < ld->elf.nr_secs; i++) {
		const struct rt_elf_sec *s = &ld->elf.secs[i];
		struct rt_prog *p = NULL;
		size_t k;

		if (strncmp(s->name, BPFAOT_FAT_SEC_PREFIX, plen))
			continue;
		for (k = 0; k < ld->obj->nr_progs && !p; k++)
			if (!strcmp(ld->obj->progs[k].name, s->name + plen))
				p = &ld->obj->progs[k];
		if (!p && is_text_func(ld, s->name + plen))
			continue; /* a ubpf-style function linked in as a subprogram */
		if (!p) {
			rt_log__err(ld->log, "%s: section '%s': no program '%s'", ld->obj->path,
				    s->name, s->name + plen);
			return -ENOENT;
		}
		/* SHT_STRTAB (bpfaot-cc's default) or SHT_PROGBITS (before
		 * 2026-12, and --aot-section=progbits) */
		if ((s->type != SHT_STRTAB && s->type != SHT_PROGBITS) || !s->data || !s->size) {
			rt_log__err(ld->log, "%s: section '%s' holds no native object", ld->obj->path,
				    s->name);
			return -ENOEXEC;
		}
		if (p->native) {
			rt_log__err(ld->log, "%s: program '%s' has two native sections",
				    ld->obj->path, p->name);
			return -ENOEXEC;
		}
		p->native = s->data;
		p->native_size = s->size;
		/* what the native code must have been built from */
		p->has_bytecode_hash = rt_bytecode_hash(&ld->elf, p->name, &p->bytecode_hash);
	}
	return 0;
}

/* The global-data map that holds the globals of section sec: a map record
 * of that name, or one created here as a one-element array that covers
 * them, as the bytecode loader makes one per data section. */
static int native_data_map(struct rt_object *obj, const struct rt_manifest *mf, const char *sec,
			   struct rt_log *log)
{
	struct rt_map_def def = { .spin_lock_off = -1 };
	struct rt_map **maps, *m;
	uint64_t end = 0;
	size_t i;

	if (find_map_idx(obj, sec) >= 0)
		return 0;
	for (i = 0; i < mf->nr_globals; i++)
		if (!strcmp(mf->globals[i].section, sec) &&
		    (uint64_t)mf->globals[i].offset + mf->globals[i].size > end)
			end = (uint64_t)mf->globals[i].offset + mf->globals[i].size;
	snprintf(def.name, sizeof(def.name), "%s", sec);
	def.type = BPF_MAP_TYPE_ARRAY;
	def.key_size = 4;
	def.value_size = (uint32_t)end; /* the parser keeps offset + size in 32 bits */
	def.max_entries = 1;
	m = rt_map__new(&def, log);
	if (!m)
		return -errno;
	maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps));
	if (!maps) {
		rt_map__free(m);
		return -ENOMEM;
	}
	obj->maps = maps;
	obj->maps[obj->nr_maps++] = m;
	return 0;
}

static void *resolve_id(void *cookie, uint32_t id);

/* A bare native object without a manifest, as llvmbpf's `bpftime-vm build`
 * writes bpf_main.o: one program, named after its entry, over raw memory
 * (bpf_main(mem, len)); helpers checked for existence only (the untyped
 * five-u64 prototype); no maps (lddw map helpers fail the run). */
static int load_native_bare(struct rt_object *obj, struct rt_log *log)
{
	struct rt_prog *p;

	obj->progs = calloc(1, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	p = &obj->progs[0];
	obj->nr_progs = 1;
	p->obj = obj;
	p->name = xstrdup(BPFAOT_ENTRY_SYM);
	p->sec_name = xstrdup(".text");
	if (asprintf(&obj->note, "%s has no manifest: assumed llvmbpf's conventions: program "
		     "'%s' is %s(mem, len) over raw memory, helpers _bpf_helper_ext_NNNN by id "
		     "with the untyped prototype, no maps",
		     obj->path, BPFAOT_ENTRY_SYM, BPFAOT_ENTRY_SYM) < 0)
		obj->note = NULL;
	if (!p->name || !p->sec_name || !obj->note)
		return -ENOMEM;
	p->type = BPF_PROG_TYPE_UNSPEC;
	p->ctx_kind = RT_CTX_MEM;
	p->native = obj->file;
	p->native_size = obj->file_size;
	return rt_aot__prepare(p, log);
}

/* A bare native object (x86-64 ET_REL with a manifest): maps and global
 * data from the manifest, one program with native code only. It is linked
 * now, so that a broken object is refused at open. */
static int load_native(struct rt_object *obj, struct rt_log *log)
{
	struct rt_manifest *mf;
	struct rt_prog *p;
	uint32_t zero = 0;
	size_t i;
	int err = 0;

	{
		/* without a manifest section: llvmbpf's conventions */
		char why[256] = "";
		struct rt_log quiet = { .buf = why, .size = sizeof(why) };

		mf = rt_manifest__from_native(obj->file, obj->file_size, obj->path, &quiet);
		if (!mf && errno == ENOENT && strstr(why, BPFAOT_MANIFEST_SEC))
			return load_native_bare(obj, log);
		if (!mf) {
			err = -errno;
			rt_log__err(log, "%s", why);
			return err;
		}
	}
	for (i = 0; i < mf->nr_maps && !err; i++) {
		struct rt_map **maps;
		struct rt_map *m = rt_map__new(&mf->maps[i].def, log);

		if (!m) {
			err = -errno;
			break;
		}
		maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps));
		if (!maps) {
			rt_map__free(m);
			err = -ENOMEM;
			break;
		}
		obj->maps = maps;
		obj->maps[obj->nr_maps++] = m;
	}
	for (i = 0; i < mf->nr_globals && !err; i++)
		err = native_data_map(obj, mf, mf->globals[i].section, log);
	/* initial values; rt_manifest__check() bounds-checks each first */
	if (!err)
		err = rt_manifest__check(mf, obj, NULL, obj->path, log);
	for (i = 0; i < mf->nr_globals && !err; i++) {
		const struct rt_mf_global *g = &mf->globals[i];
		uint8_t *v;

		if (!g->init)
			continue;
		v = rt_map__lookup(rt_object__find_map(obj, g->section), &zero);
		if (v)
			memcpy(v + g->offset, g->init, g->size);
	}
	for (i = 0; i < obj->nr_maps; i++)
		rt_map__set_ptr_resolver(obj->maps[i], resolve_id, obj);
	if (!err) {
		obj->progs = calloc(1, sizeof(*obj->progs));
		if (!obj->progs)
			err = -ENOMEM;
	}
	if (err)
		goto out;
	p = &obj->progs[0];
	obj->nr_progs = 1;
	p->obj = obj;
	p->name = xstrdup(mf->prog_name);
	p->sec_name = xstrdup(mf->prog_sec);
	if (!p->name || !p->sec_name) {
		err = -ENOMEM;
		goto out;
	}
	p->type = mf->prog_type;
	p->ctx_kind = mf->ctx_kind;
	p->native = obj->file;
	p->native_size = obj->file_size;
	err = rt_aot__prepare(p, log);
out:
	rt_manifest__free(mf);
	return err;
}

static bool is_native_elf(const void *data, size_t size);
static uint8_t *read_whole(const char *path, size_t *size, struct rt_log *log);

int rt_object__attach_native(struct rt_object *obj, const char *prog, const char *path,
			     struct rt_log *log)
{
	struct rt_prog *p = prog ? rt_object__find_prog(obj, prog) : NULL;
	uint8_t *buf;
	size_t size = 0;

	if (!prog && obj->nr_progs != 1) {
		rt_log__err(log, "%s has %zu programs: name the one %s is for with --prog", obj->path,
			    obj->nr_progs, path);
		return -EINVAL;
	}
	if (!prog)
		p = &obj->progs[0];
	if (!p) {
		rt_log__err(log, "%s: no program '%s'", obj->path, prog);
		return -ENOENT;
	}
	buf = read_whole(path, &size, log);
	if (!buf)
		return -errno;
	if (!is_native_elf(buf, size)) {
		free(buf);
		rt_log__err(log, "%s: not an x86-64 ELF object", path);
		return -ENOEXEC;
	}
	free(obj->native_file);
	free(obj->native_path);
	obj->native_file = buf;
	obj->native_path = xstrdup(path);
	if (!obj->native_path)
		return -ENOMEM;
	p->native = buf;
	p->native_size = size;
	return 0;
}

/* x86-64 ELF: a native object rather than BPF bytecode. */
static bool is_native_elf(const void *data, size_t size)
{
	uint16_t machine;

	if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG))
		return false;
	memcpy(&machine, (const uint8_t *)data + offsetof(Elf64_Ehdr, e_machine), 2);
	return machine == EM_X86_64;
}

static void loader_release(struct loader *ld)
{
	size_t i;

	for (i = 0; ld->rels && i < ld->elf.nr_secs; i++) {
		free(ld->rels[i]);
		free(ld->rel_at[i]);
	}
	free(ld->rels);
	free(ld->nr_rels);
	free(ld->kcfg_names);
	free(ld->kcfg_unknown);
	free(ld->rel_at);
	free(ld->data_map);
	btf__free(ld->btf);
	rt_elf__release(&ld->elf);
}

static int load_elf(struct rt_object *obj, const struct bpfaot_open_opts *opts, struct rt_log *log)
{
	struct loader ld = { .obj = obj, .log = log, .maps_sec = -1, .legacy_maps_sec = -1 };
	struct map_init *inits = NULL;
	size_t nr_inits = 0;
	int err, s;

	err = rt_elf__parse(&ld.elf, obj->file, obj->file_size, obj->path, log);
	if (err)
		goto out;
	if (ld.elf.machine != EM_BPF) {
		rt_log__err(log, "%s: not a BPF object (ELF machine %u)", obj->path, ld.elf.machine);
		err = -ENOEXEC;
		goto out;
	}
	if (ld.elf.symtab_idx < 0) {
		rt_log__err(log, "%s: no symbol table", obj->path);
		err = -ENOEXEC;
		goto out;
	}
	ld.data_map = calloc(ld.elf.nr_secs, sizeof(int));
	if (!ld.data_map) {
		err = -ENOMEM;
		goto out;
	}
	s = rt_elf__find_sec(&ld.elf, "license");
	if (s >= 0 && ld.elf.secs[s].data)
		snprintf(obj->license, sizeof(obj->license), "%.*s",
			 (int)(ld.elf.secs[s].size < 63 ? ld.elf.secs[s].size : 63),
			 (const char *)ld.elf.secs[s].data);
	s = rt_elf__find_sec(&ld.elf, ".BTF");
	if (s >= 0 && ld.elf.secs[s].data && ld.elf.secs[s].size <= UINT32_MAX) {
		ld.btf = btf__new(ld.elf.secs[s].data, (uint32_t)ld.elf.secs[s].size);
		if (!ld.btf) {
			rt_log__err(log, "%s: section '.BTF' is malformed", obj->path);
			err = -ENOEXEC;
			goto out;
		}
	}
	ld.maps_sec = rt_elf__find_sec(&ld.elf, ".maps");
	ld.legacy_maps_sec = rt_elf__find_sec(&ld.elf, "maps");
	if (ld.legacy_maps_sec >= 0) {
		err = collect_legacy_maps(&ld);
		if (err)
			goto out;
	}
	if (ld.maps_sec >= 0) {
		err = collect_btf_maps(&ld, &inits, &nr_inits);
		if (err)
			goto out;
	}
	err = collect_data_maps(&ld);
	if (!err)
		err = collect_globals(&ld);
	if (!err)
		err = collect_kconfig(&ld);
	if (err)
		goto out;
	err = index_relocs(&ld);
	if (err)
		goto out;
	err = collect_progs(&ld, opts);
	if (err)
		goto out;
	err = attach_native(&ld);
	if (err)
		goto out;
	err = apply_inits(&ld, inits, nr_inits);
	if (!err) {
		obj->btf = ld.btf; /* kept for typed map dumps */
		ld.btf = NULL;
	}
out:
	free(inits);
	loader_release(&ld);
	return err;
}

static int load_conf(struct rt_object *obj, struct rt_log *log)
{
	struct rt_prog *p;
	const char *base;

	obj->conf = rt_conf__parse((const char *)obj->file, obj->file_size, obj->path, log);
	if (!obj->conf)
		return -errno;
	obj->is_conformance = true;
	obj->progs = calloc(1, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	p = &obj->progs[0];
	obj->nr_progs = 1;
	base = strrchr(obj->path, '/');
	p->obj = obj;
	p->name = xstrdup(base ? base + 1 : obj->path);
	p->sec_name = xstrdup(".text");
	if (!p->name || !p->sec_name)
		return -ENOMEM;
	if (strrchr(p->name, '.'))
		*strrchr(p->name, '.') = '\0';
	p->type = BPF_PROG_TYPE_UNSPEC;
	p->ctx_kind = RT_CTX_MEM;
	p->nr_insns = obj->conf->nr_insns;
	p->insns = malloc((p->nr_insns ? p->nr_insns : 1) * sizeof(*p->insns));
	if (!p->insns)
		return -ENOMEM;
	memcpy(p->insns, obj->conf->insns, p->nr_insns * sizeof(*p->insns));
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * Validates a BPF ELF's program and keeps the verdict in the program
 * (prog->invalid, prog->invalid_msg) instead of refusing the object.
 * Returns 0 or -ENOMEM.
 */
static int validate_deferred(struct rt_prog *prog)
{
	char msg[512] = "";
	struct rt_log vlog = { .buf = msg, .size = sizeof(msg) };
	int err;

	err = rt_prog__validate(prog, &vlog);
	if (!err || err == -ENOMEM)
		return err;
	prog->invalid = err;
	prog->invalid_msg = xstrdup(msg);
	return prog->invalid_msg ? 0 : -ENOMEM;
}

struct rt_object *rt_object__open_mem(const void *data, size_t size, const char *name,
				      const struct bpfaot_open_opts *opts, struct rt_log *log)
{
	struct rt_object *obj;
	const char *base;
	size_t i;
	int err;

	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	obj->path = xstrdup(name);
	obj->file = malloc(size + 1);
	if (!obj->path || !obj->file) {
		err = -ENOMEM;
		goto err_free;
	}
	memcpy(obj->file, data, size);
	obj->file[size] = '\0';
	obj->file_size = size;
	base = strrchr(obj->path, '/');
	obj->name = xstrdup(base ? base + 1 : obj->path);
	if (!obj->name) {
		err = -ENOMEM;
		goto err_free;
	}
	if (strchr(obj->name, '.'))
		*strchr(obj->name, '.') = '\0';
	if (has_suffix(name, ".data") && (size < 4 || memcmp(data, ELFMAG, SELFMAG)))
		err = load_conf(obj, log);
	else if (is_native_elf(data, size))
		err = load_native(obj, log);
	else
		err = load_elf(obj, opts, log);
	if (err)
		goto err_free;
	for (i = 0; i < obj->nr_progs; i++) {
		if (!obj->progs[i].nr_insns && obj->progs[i].native)
			continue; /* native code only: nothing to validate */
		if (obj->progs[i].invalid)
			continue; /* refused when linked */
		if (obj->is_conformance) {
			err = rt_prog__validate(&obj->progs[i], log);
			if (err)
				goto err_free;
			continue;
		}
		/* a BPF ELF: one refused program blocks neither the others
		 * nor the kernel engine, which has its own verifier */
		err = validate_deferred(&obj->progs[i]);
		if (err)
			goto err_free;
	}
	if (opts && opts->sz >= offsetofend(struct bpfaot_open_opts, maps_shm) && opts->maps_shm &&
	    !obj->is_conformance) {
		err = rt_shm__attach(obj, opts->maps_shm, log);
		if (err)
			goto err_free;
	}
	return obj;

err_free:
	if (err == -ENOMEM)
		rt_log__err(log, "%s: out of memory", name);
	rt_object__free(obj);
	errno = -err;
	return NULL;
}

/* The whole regular file at path (malloc'ed, *size its length), or NULL
 * with errno and the reason in log. */
static uint8_t *read_whole(const char *path, size_t *size, struct rt_log *log)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	int err;

	f = fopen(path, "rb");
	if (!f) {
		err = errno;
		rt_log__err(log, "cannot open '%s': %s", path, strerror(err));
		errno = err;
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		rt_log__err(log, "cannot read '%s': not a regular file", path);
		fclose(f);
		errno = EINVAL;
		return NULL;
	}
	if ((uint64_t)st.st_size > MAX_FILE_SIZE) {
		rt_log__err(log, "%s: file too large (%lld bytes, limit %u)", path,
			    (long long)st.st_size, MAX_FILE_SIZE);
		fclose(f);
		errno = E2BIG;
		return NULL;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		rt_log__err(log, "cannot read '%s'", path);
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*size = (size_t)st.st_size;
	return buf;
}

struct rt_object *rt_object__open(const char *path, const struct bpfaot_open_opts *opts,
				  struct rt_log *log)
{
	struct rt_object *obj;
	size_t size;
	uint8_t *buf = read_whole(path, &size, log);

	if (!buf)
		return NULL;
	obj = rt_object__open_mem(buf, size, path, opts, log);
	free(buf);
	return obj;
}

void rt_object__free(struct rt_object *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->nr_progs; i++) {
		struct rt_prog *p = &obj->progs[i];
		int e;

		for (e = 0; e < BPFAOT_ENGINE__COUNT; e++)
			if (p->engine_free[e])
				p->engine_free[e](p->engine_state[e]);
		free(obj->progs[i].name);
		free(obj->progs[i].sec_name);
		free(obj->progs[i].insns);
		free(obj->progs[i].invalid_msg);
	}
	free(obj->progs);
	for (i = 0; i < obj->nr_maps; i++)
		rt_map__free(obj->maps[i]);
	free(obj->maps);
	rt_conf__free(obj->conf);
	btf__free(obj->btf);
	free(obj->note);
	free(obj->native_file);
	free(obj->native_path);
	for (i = 0; i < obj->nr_globals; i++)
		free(obj->globals[i].name);
	free(obj->globals);
	free(obj->file);
	free(obj->name);
	free(obj->path);
	if (obj->pkt_spare)
		munmap(obj->pkt_spare, RT_PKT_SPARE_SIZE);
	free(obj->cookies);
	rt_shm__free(obj->shm); /* after the maps that point into it */
	free(obj);
}

struct rt_prog *rt_object__find_prog(struct rt_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->nr_progs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	errno = ENOENT;
	return NULL;
}

bool rt_prog__may_tail_call(const struct rt_prog *prog)
{
	size_t pc;

	if (!prog->nr_insns)
		return true;
	for (pc = 0; pc < prog->nr_insns; pc++)
		if (prog->insns[pc].code == (RT_CLASS_JMP | RT_OP_CALL | RT_SRC_K) &&
		    prog->insns[pc].src == RT_CALL_HELPER && prog->insns[pc].imm == 12)
			return true;
	return false;
}

struct rt_map *rt_object__find_map(struct rt_object *obj, const char *name)
{
	int i = find_map_idx(obj, name);

	if (i < 0) {
		errno = ENOENT;
		return NULL;
	}
	return obj->maps[i];
}
