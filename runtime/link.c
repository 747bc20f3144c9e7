// SPDX-License-Identifier: MIT
/*
 * The runtime's x86-64 ELF linker: takes one native program object (ET_REL,
 * EM_X86_64, written by bpfaot-cc or `bpftime-vm build`), validates all of
 * it (headers through rt_elf__parse(), sections, symbols, every relocation,
 * the manifest against the runtime) before touching memory, then places its
 * SHF_ALLOC sections in one mmap'd image:
 *
 *   [ text | call stubs ]  R+X   [ rodata | GOT ]  R   [ data | bss ]  RW
 *
 * each part page-aligned, written while RW and then mprotect'ed, never W+X.
 * Undefined symbols bind to runtime memory (docs/object-format.md, "symbol
 * binding"): helpers, maps, inlined map values, global data, the lddw
 * helpers of bpftime objects, and a few libc functions. Runtime memory can
 * lie anywhere in the address space, so GOT-relative references go through
 * a GOT built here, and calls (PLT32/PC32) to functions out of rel32 reach
 * go through stubs `jmp *[rip+got]`. The image itself is mapped in the low
 * 2 GiB when the kernel allows it, so that non-PIC code's absolute 32-bit
 * references to its own rodata (jump tables, strings) fit.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bpfaot/abi.h"
#include "rt_internal.h"

#ifndef SHT_X86_64_UNWIND
#define SHT_X86_64_UNWIND 0x70000001
#endif
#ifndef R_X86_64_GOTPCRELX
#define R_X86_64_GOTPCRELX 41
#define R_X86_64_REX_GOTPCRELX 42
#endif
#ifndef MAP_32BIT
#define MAP_32BIT 0
#endif

#define STUB_SIZE 8		/* ff 25 rel32 (jmp *[rip+rel32]), cc cc */
#define PAGE 4096u

struct rt_native {
	uint8_t *image;
	size_t image_size;
	size_t text_size;	/* [image, image + text_size): code and stubs */
	bpfaot_entry_fn entry;
	size_t nr_got, nr_stubs;
};

/* How an undefined symbol was bound: functions may be reached through a
 * stub, data may not. */
enum sym_kind {
	SYM_NONE,	/* in a section that is not loaded, or not yet resolved */
	SYM_IMAGE,	/* inside the image */
	SYM_FUNC,	/* runtime or libc function */
	SYM_DATA,	/* runtime memory: map, map values, global */
	SYM_ABS,	/* SHN_ABS, or an unresolved weak symbol (0) */
	SYM_GOT,	/* _GLOBAL_OFFSET_TABLE_: the GOT built here */
};

struct lsym {
	uint64_t addr;
	enum sym_kind kind;
	int32_t got;		/* GOT slot, -1 if none */
	int32_t stub;		/* stub index, -1 if none */
};

struct lsec {
	bool placed;
	int seg;		/* 0 text, 1 rodata, 2 data */
	uint64_t off;		/* in the image */
};

struct lrel {
	size_t relsec;
	struct rt_elf_rel *rels;
	size_t nr;
};

struct linker {
	const char *path;
	struct rt_log *log;
	struct rt_object *obj;
	struct rt_elf elf;
	struct rt_manifest *mf;
	struct lsec *secs;
	struct lsym *syms;
	struct lrel *relsecs;
	size_t nr_relsecs;
	size_t nr_got, nr_stubs;
	uint64_t seg_off[3], seg_size[3];
	uint64_t stubs_off, got_off;
	uint8_t *image;
	size_t image_size;
};

/* ------------------------------------------------ runtime functions */

/*
 * The lddw helpers of bpftime/llvmbpf AOT objects, which lower each
 * `ld_imm64` with a map to a call. Map fds are indexes into the object's
 * maps (the order `bpfaot-run --list` shows). They find the object through
 * the current run, as helpers do.
 */
static struct rt_map *map_at(uint64_t idx)
{
	struct rt_run *run = rt_run__current();

	if (!run || !run->obj || idx >= run->obj->nr_maps) {
		rt_run__fail(run, -ENOENT, "lddw helper: no map with index %" PRIu64, idx);
		return NULL;
	}
	return run->obj->maps[idx];
}

static uint64_t lddw_map_by_fd(uint32_t fd)
{
	return (uintptr_t)map_at(fd);
}

static uint64_t lddw_map_by_idx(uint32_t idx)
{
	return (uintptr_t)map_at(idx);
}

/* The address of value 0 of an array map (BPF_PSEUDO_MAP_VALUE). */
static uint64_t lddw_map_val(uint64_t map)
{
	struct rt_map *m = (struct rt_map *)(uintptr_t)map;
	uint32_t zero = 0;

	if (!m)
		return 0;
	return (uintptr_t)rt_map__lookup(m, &zero);
}

/* Kernel variables (BPF_PSEUDO_BTF_ID) and bytecode function addresses
 * (BPF_PSEUDO_FUNC) have no meaning here: the run fails. */
static uint64_t lddw_var_addr(uint32_t id)
{
	rt_run__fail(rt_run__current(), -ENOTSUP,
		     "lddw helper: kernel variable %u is not available", id);
	return 0;
}

static uint64_t lddw_code_addr(uint32_t insn)
{
	rt_run__fail(rt_run__current(), -ENOTSUP,
		     "lddw helper: bytecode address of insn %u has no native code", insn);
	return 0;
}

/* BPFAOT_TAIL_CALL_NOW: a tail call from a subprogram. */
static uint64_t tail_call_now(void)
{
	return rt_run__tail_call_now(rt_run__current());
}

/* Tables over if-chains: the functions native code may call by name. */
static const struct {
	const char *name;
	void (*fn)(void);
} runtime_funcs[] = {
	{ BPFAOT_LDDW_MAP_BY_FD, (void (*)(void))lddw_map_by_fd },
	{ BPFAOT_LDDW_MAP_BY_IDX, (void (*)(void))lddw_map_by_idx },
	{ BPFAOT_LDDW_MAP_VAL, (void (*)(void))lddw_map_val },
	{ BPFAOT_LDDW_VAR_ADDR, (void (*)(void))lddw_var_addr },
	{ BPFAOT_LDDW_CODE_ADDR, (void (*)(void))lddw_code_addr },
	{ BPFAOT_TAIL_CALL_NOW, (void (*)(void))tail_call_now },
#define LIBC_FUNC(f) { #f, (void (*)(void))f },
	BPFAOT_LIBC_FUNCS(LIBC_FUNC)
#undef LIBC_FUNC
};

/* ---------------------------------------------------------- checks */

/* A symbol's name for messages: section symbols are named by their section. */
static const char *sym_label(const struct linker *lk, uint32_t sym)
{
	const struct rt_elf_sym *s = &lk->elf.syms[sym];

	if (s->name[0] || s->shndx == SHN_UNDEF || s->shndx >= lk->elf.nr_secs)
		return s->name[0] ? s->name : "(null)";
	return lk->elf.secs[s->shndx].name;
}


static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static const char *reloc_name(uint32_t type)
{
	switch (type) {
	case R_X86_64_64: return "R_X86_64_64";
	case R_X86_64_PC32: return "R_X86_64_PC32";
	case R_X86_64_PLT32: return "R_X86_64_PLT32";
	case R_X86_64_32: return "R_X86_64_32";
	case R_X86_64_32S: return "R_X86_64_32S";
	case R_X86_64_PC64: return "R_X86_64_PC64";
	case R_X86_64_GOTPCREL: return "R_X86_64_GOTPCREL";
	case R_X86_64_GOTPCRELX: return "R_X86_64_GOTPCRELX";
	case R_X86_64_REX_GOTPCRELX: return "R_X86_64_REX_GOTPCRELX";
	case R_X86_64_GOTOFF64: return "R_X86_64_GOTOFF64";
	case R_X86_64_GOTPC64: return "R_X86_64_GOTPC64";
	case R_X86_64_GOT64: return "R_X86_64_GOT64";
	case R_X86_64_PLTOFF64: return "R_X86_64_PLTOFF64";
	default: return NULL;
	}
}

/* Bytes written at the place, 0 for R_X86_64_NONE. */
static unsigned int reloc_width(uint32_t type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
	case R_X86_64_GOTOFF64:
	case R_X86_64_GOTPC64:
	case R_X86_64_GOT64:
	case R_X86_64_PLTOFF64:
		return 8;
	default:
		return 4;
	}
}

static bool reloc_uses_got(uint32_t type)
{
	return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX || type == R_X86_64_GOT64;
}

/* Which sections go into the image, and into which part. */
static int classify_sections(struct linker *lk)
{
	size_t i;

	for (i = 0; i < lk->elf.nr_secs; i++) {
		const struct rt_elf_sec *s = &lk->elf.secs[i];
		struct lsec *ls = &lk->secs[i];

		if (!(s->flags & SHF_ALLOC))
			continue;
		/* unwind tables and notes are not needed to run */
		if (s->type == SHT_X86_64_UNWIND || s->type == SHT_NOTE ||
		    !strcmp(s->name, ".eh_frame"))
			continue;
		if (s->flags & SHF_TLS) {
			rt_log__err(lk->log, "%s: section '%s': thread-local storage is not supported",
				    lk->path, s->name);
			return -ENOTSUP;
		}
		if (s->type == SHT_INIT_ARRAY || s->type == SHT_FINI_ARRAY ||
		    s->type == SHT_PREINIT_ARRAY) {
			rt_log__err(lk->log, "%s: section '%s': constructors and destructors are not supported",
				    lk->path, s->name);
			return -ENOTSUP;
		}
		if (s->type != SHT_PROGBITS && s->type != SHT_NOBITS) {
			rt_log__err(lk->log, "%s: section '%s': unsupported type %u", lk->path,
				    s->name, s->type);
			return -ENOTSUP;
		}
		if ((s->flags & SHF_WRITE) && (s->flags & SHF_EXECINSTR)) {
			rt_log__err(lk->log, "%s: section '%s' is writable and executable", lk->path,
				    s->name);
			return -ENOTSUP;
		}
		if (s->addralign > 1 && !is_pow2(s->addralign)) {
			rt_log__err(lk->log, "%s: section '%s': alignment %" PRIu64 " is not a power of two",
				    lk->path, s->name, s->addralign);
			return -ENOEXEC;
		}
		if (s->addralign > PAGE) {
			rt_log__err(lk->log, "%s: section '%s': alignment %" PRIu64 " is over the limit of %u",
				    lk->path, s->name, s->addralign, PAGE);
			return -E2BIG;
		}
		if (s->size > RT_NATIVE_MAX_IMAGE) {
			rt_log__err(lk->log, "%s: section '%s' of %" PRIu64 " bytes is over the limit of %u",
				    lk->path, s->name, s->size, RT_NATIVE_MAX_IMAGE);
			return -E2BIG;
		}
		ls->placed = true;
		ls->seg = (s->flags & SHF_EXECINSTR) ? 0 : (s->flags & SHF_WRITE) ? 2 : 1;
	}
	return 0;
}

/* Reads and checks every relocation of every loaded section. */
static int collect_relocs(struct linker *lk)
{
	size_t i, k;
	int err;

	lk->relsecs = calloc(lk->elf.nr_secs, sizeof(*lk->relsecs));
	if (!lk->relsecs)
		return -ENOMEM;
	for (i = 0; i < lk->elf.nr_secs; i++) {
		const struct rt_elf_sec *rs = &lk->elf.secs[i];
		const struct rt_elf_sec *target;
		struct lrel *lr;

		if (rs->type != SHT_REL && rs->type != SHT_RELA)
			continue;
		if (rs->info >= lk->elf.nr_secs) {
			rt_log__err(lk->log, "%s: section '%s': target section index %u out of range",
				    lk->path, rs->name, rs->info);
			return -ENOEXEC;
		}
		if (!lk->secs[rs->info].placed)
			continue; /* debug info, unwind tables */
		target = &lk->elf.secs[rs->info];
		if (rs->type == SHT_REL) {
			rt_log__err(lk->log, "%s: section '%s': REL relocations are not used on x86-64",
				    lk->path, rs->name);
			return -ENOEXEC;
		}
		if (target->type == SHT_NOBITS) {
			rt_log__err(lk->log, "%s: section '%s' relocates '%s', which has no data",
				    lk->path, rs->name, target->name);
			return -ENOEXEC;
		}
		lr = &lk->relsecs[lk->nr_relsecs];
		lr->relsec = i;
		err = rt_elf__relocs(&lk->elf, i, &lr->rels, &lr->nr, lk->log);
		if (err)
			return err;
		lk->nr_relsecs++;
		for (k = 0; k < lr->nr; k++) {
			const struct rt_elf_rel *r = &lr->rels[k];

			if (r->type == R_X86_64_NONE)
				continue;
			if (!reloc_name(r->type)) {
				rt_log__err(lk->log, "%s: reloc #%zu in '%s': unsupported type %u",
					    lk->path, k, rs->name, r->type);
				return -ENOTSUP;
			}
			if (!rt_bounds_ok(r->offset, reloc_width(r->type), target->size)) {
				rt_log__err(lk->log, "%s: reloc #%zu in '%s': %u bytes at offset %" PRIu64 " outside section '%s'",
					    lk->path, k, rs->name, reloc_width(r->type), r->offset,
					    target->name);
				return -ENOEXEC;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------- binding */

static struct rt_map *obj_map(const struct linker *lk, const char *name)
{
	size_t i;

	for (i = 0; lk->obj && i < lk->obj->nr_maps; i++)
		if (!strcmp(rt_map__name(lk->obj->maps[i]), name))
			return lk->obj->maps[i];
	return NULL;
}

static bool parse_helper_id(const char *name, uint32_t *id)
{
	const char *d = name + strlen(BPFAOT_HELPER_PREFIX);
	uint64_t x = 0;
	size_t n = 0;

	if (strncmp(name, BPFAOT_HELPER_PREFIX, strlen(BPFAOT_HELPER_PREFIX)))
		return false;
	for (; d[n]; n++) {
		if (d[n] < '0' || d[n] > '9' || n >= 9)
			return false;
		x = x * 10 + (uint64_t)(d[n] - '0');
	}
	if (!n)
		return false;
	*id = (uint32_t)x;
	return true;
}

static void *value0(struct rt_map *m)
{
	uint32_t zero = 0;

	return rt_map__lookup(m, &zero);
}

/* The code assumes the values of globals and maps compiled in (const=,
 * checked by rt_manifest__check()): from now on the host may not change
 * them, as libbpf freezes .rodata when it loads an object. */
static void freeze_consts(struct linker *lk)
{
	size_t i;

	for (i = 0; lk->mf && i < lk->mf->nr_globals; i++) {
		struct rt_map *m = lk->mf->globals[i].cval ? obj_map(lk, lk->mf->globals[i].section) :
							      NULL;

		if (m)
			rt_map__freeze(m);
	}
	for (i = 0; lk->mf && i < lk->mf->nr_maps; i++) {
		struct rt_map *m = lk->mf->maps[i].has_const ? obj_map(lk, lk->mf->maps[i].def.name) :
							       NULL;

		if (m)
			rt_map__freeze(m);
	}
}

static const void *htab_view(const struct rt_map *m)
{
	return rt_map__htab(m);
}

static const void *pcpu_array_view(const struct rt_map *m)
{
	return rt_map__pcpu_array(m);
}

static const void *queue_view(const struct rt_map *m)
{
	return rt_map__queue(m);
}

/* The views of maps that native code uses itself (abi.h): the symbol's
 * prefix, the kind of map for the error, the view of a map (NULL: the map
 * has none). */
static const struct {
	const char *prefix, *kind;
	const void *(*view)(const struct rt_map *m);
} map_views[] = {
	{ BPFAOT_HTAB_PREFIX, "hash", htab_view },
	{ BPFAOT_PCPU_ARRAY_PREFIX, "per-CPU array", pcpu_array_view },
	{ BPFAOT_QUEUE_PREFIX, "queue or stack", queue_view },
};

/* Binds one undefined symbol; see docs/object-format.md. */
static int bind_undef(struct linker *lk, const struct rt_elf_sym *s, struct lsym *ls)
{
	const char *name = s->name;
	const struct rt_mf_global *g;
	struct rt_map *m;
	uint32_t id;
	size_t i;
	void *p;

	if (parse_helper_id(name, &id)) {
		const struct rt_helper *h = rt_helper__by_id(id);
		const struct rt_mf_helper *mh = rt_manifest__find_helper(lk->mf, id);

		if (!h) {
			rt_log__err(lk->log, "%s: helper %u ('%s') is not provided by the runtime%s",
				    lk->path, id, mh ? mh->name : "unknown", rt_helper_refused_why(id));
			return -ENOTSUP;
		}
		if (lk->mf && !mh)
			goto not_in_manifest;
		ls->addr = (uintptr_t)h->fn;
		ls->kind = SYM_FUNC;
		return 0;
	}
	for (i = 0; i < sizeof(map_views) / sizeof(map_views[0]); i++) {
		size_t plen = strlen(map_views[i].prefix);
		const char *mname = name + plen;

		if (strncmp(name, map_views[i].prefix, plen))
			continue;
		if (lk->mf && !rt_manifest__find_map(lk->mf, mname))
			goto not_in_manifest;
		m = obj_map(lk, mname);
		p = m ? (void *)map_views[i].view(m) : NULL;
		if (!p) {
			rt_log__err(lk->log, "%s: symbol '%s': no %s map '%s' in the runtime object",
				    lk->path, name, map_views[i].kind, mname);
			return -ENOENT;
		}
		ls->addr = (uintptr_t)p;
		ls->kind = SYM_DATA;
		return 0;
	}
	if (!strncmp(name, BPFAOT_MAP_VALUES_PREFIX, strlen(BPFAOT_MAP_VALUES_PREFIX))) {
		const char *mname = name + strlen(BPFAOT_MAP_VALUES_PREFIX);
		const struct rt_mf_map *mm = rt_manifest__find_map(lk->mf, mname);

		if (lk->mf && !mm)
			goto not_in_manifest;
		m = obj_map(lk, mname);
		if (!m || rt_map__def(m)->type != BPF_MAP_TYPE_ARRAY || !(p = value0(m))) {
			rt_log__err(lk->log, "%s: symbol '%s': no array map '%s' in the runtime object",
				    lk->path, name, mname);
			return -ENOENT;
		}
		if (mm && !mm->inlined) {
			rt_log__err(lk->log, "%s: symbol '%s': map '%s' is not inlined=1 in the manifest",
				    lk->path, name, mname);
			return -EINVAL;
		}
		/* the layout native code indexes by must be the map's own */
		if (mm && rt_map__def(m)->max_entries > 1) {
			uint32_t one = 1;
			uint8_t *p1 = rt_map__lookup(m, &one);

			if (!p1 || (uintptr_t)p1 - (uintptr_t)p != mm->stride) {
				rt_log__err(lk->log, "%s: map '%s' is inlined with a stride of %u bytes, "
					    "%zu in the runtime", lk->path, mname, mm->stride,
					    p1 ? (size_t)((uintptr_t)p1 - (uintptr_t)p) : (size_t)0);
				return -EINVAL;
			}
		}
		ls->addr = (uintptr_t)p;
		ls->kind = SYM_DATA;
		return 0;
	}
	if (lk->mf ? rt_manifest__find_map(lk->mf, name) != NULL : obj_map(lk, name) != NULL) {
		m = obj_map(lk, name);
		if (!m) {
			rt_log__err(lk->log, "%s: map '%s' is not in the runtime object", lk->path,
				    name);
			return -ENOENT;
		}
		ls->addr = (uintptr_t)m;
		ls->kind = SYM_DATA;
		return 0;
	}
	g = rt_manifest__find_global(lk->mf, name);
	if (g) {
		/* rt_manifest__check() has bounds-checked offset + size */
		uint32_t off = g->offset;

		m = obj_map(lk, g->section);
		p = m ? value0(m) : NULL;
		if (!p) {
			rt_log__err(lk->log, "%s: global '%s': no global-data map '%s' in the runtime object",
				    lk->path, name, g->section);
			return -ENOENT;
		}
		if (lk->obj->nr_globals) {
			/* a fat object: the BPF symbol table is authoritative,
			 * as `bpftool gen object` may have moved the variable */
			const struct rt_global *bg;
			size_t n;

			bg = rt_object__find_global(lk->obj, name, g->section, &n);
			if (!bg) {
				rt_log__err(lk->log, "%s: global '%s' is not a variable of section '%s' of the BPF object",
					    lk->path, name, g->section);
				return -ENOENT;
			}
			if (n > 1) {
				rt_log__err(lk->log, "%s: global '%s' is ambiguous: %zu variables of that name in section '%s'",
					    lk->path, name, n, g->section);
				return -EINVAL;
			}
			if (bg->size != g->size) {
				rt_log__err(lk->log, "%s: global '%s' is %u bytes in the manifest, %u in the BPF object",
					    lk->path, name, g->size, bg->size);
				return -EINVAL;
			}
			off = bg->offset;
		}
		ls->addr = (uintptr_t)p + off;
		ls->kind = SYM_DATA;
		return 0;
	}
	if (lk->obj->nr_globals) {
		/* a __kconfig extern: its slot in the object's .kconfig map
		 * (unknown ones without __weak are not there: unresolved) */
		const struct rt_global *bg;
		size_t n;

		bg = rt_object__find_global(lk->obj, name, ".kconfig", &n);
		m = bg ? lk->obj->maps[bg->map] : NULL;
		p = m ? value0(m) : NULL;
		if (p) {
			ls->addr = (uintptr_t)p + bg->offset;
			ls->kind = SYM_DATA;
			return 0;
		}
	}
	if (!strcmp(name, "_GLOBAL_OFFSET_TABLE_")) {
		ls->kind = SYM_GOT; /* its address is known once the image is */
		return 0;
	}
	if (BPFAOT_IS_TLS_SYM(name)) {
		intptr_t off;

		if (!rt_run__tls_tpoff(name, &off)) {
			rt_log__err(lk->log, "%s: symbol '%s': no thread pointer on this machine",
				    lk->path, name);
			return -ENOTSUP;
		}
		ls->addr = (uint64_t)off; /* a value, not an address */
		ls->kind = SYM_ABS;
		return 0;
	}
	for (i = 0; i < sizeof(runtime_funcs) / sizeof(runtime_funcs[0]); i++) {
		if (!strcmp(name, runtime_funcs[i].name)) {
			ls->addr = (uintptr_t)runtime_funcs[i].fn;
			ls->kind = SYM_FUNC;
			return 0;
		}
	}
	if (lk->mf && obj_map(lk, name))
		goto not_in_manifest;
	if (s->bind == STB_WEAK) {
		ls->addr = 0;
		ls->kind = SYM_ABS;
		return 0;
	}
	rt_log__err(lk->log, "%s: symbol '%s' is unresolved", lk->path, name);
	return -ENOENT;

not_in_manifest:
	rt_log__err(lk->log, "%s: symbol '%s' is not in the manifest", lk->path, name);
	return -EINVAL;
}

/* Every symbol gets an address or a kind that says why not. Defined
 * symbols get their image offset here; the image base is added later. */
static int bind_symbols(struct linker *lk)
{
	size_t i;
	int err;

	/* symbol 0: relocations against it use the addend alone */
	lk->syms[0] = (struct lsym){ .kind = SYM_ABS, .got = -1, .stub = -1 };
	for (i = 1; i < lk->elf.nr_syms; i++) {
		const struct rt_elf_sym *s = &lk->elf.syms[i];
		struct lsym *ls = &lk->syms[i];

		ls->got = ls->stub = -1;
		if (s->type == STT_FILE || (s->type == STT_NOTYPE && !s->name[0] &&
					    s->shndx == SHN_UNDEF))
			continue;
		if (s->type == STT_TLS) {
			rt_log__err(lk->log, "%s: symbol '%s': thread-local storage is not supported",
				    lk->path, s->name);
			return -ENOTSUP;
		}
		if (s->shndx == SHN_UNDEF) {
			err = bind_undef(lk, s, ls);
			if (err)
				return err;
		} else if (s->shndx == SHN_ABS) {
			ls->addr = s->value;
			ls->kind = SYM_ABS;
		} else if (s->shndx == SHN_COMMON) {
			rt_log__err(lk->log, "%s: common symbol '%s' (compile with -fno-common)",
				    lk->path, s->name);
			return -ENOTSUP;
		} else if (s->shndx >= SHN_LORESERVE) {
			rt_log__err(lk->log, "%s: symbol '%s': special section index %u", lk->path,
				    s->name, s->shndx);
			return -ENOEXEC;
		} else if (lk->secs[s->shndx].placed) {
			if (s->value > lk->elf.secs[s->shndx].size) {
				rt_log__err(lk->log, "%s: symbol '%s': value %" PRIu64 " outside section '%s'",
					    lk->path, s->name, s->value, lk->elf.secs[s->shndx].name);
				return -ENOEXEC;
			}
			ls->addr = s->value; /* + section offset + base, in place_symbols() */
			ls->kind = SYM_IMAGE;
		}
	}
	return 0;
}

/* GOT slots and stubs: one per symbol that needs one. */
static int plan_got(struct linker *lk)
{
	size_t i, k;

	for (i = 0; i < lk->nr_relsecs; i++) {
		const struct lrel *lr = &lk->relsecs[i];

		for (k = 0; k < lr->nr; k++) {
			const struct rt_elf_rel *r = &lr->rels[k];
			struct lsym *ls = &lk->syms[r->sym];

			if (r->type == R_X86_64_NONE)
				continue;
			if (ls->kind == SYM_NONE) {
				rt_log__err(lk->log, "%s: reloc #%zu in '%s': symbol '%s' is not loaded",
					    lk->path, k, lk->elf.secs[lr->relsec].name,
					    sym_label(lk, r->sym));
				return -ENOEXEC;
			}
			if ((reloc_uses_got(r->type) || ls->kind == SYM_FUNC) && ls->got < 0)
				ls->got = (int32_t)lk->nr_got++;
			if (ls->kind == SYM_FUNC && ls->stub < 0 &&
			    (r->type == R_X86_64_PLT32 || r->type == R_X86_64_PC32 ||
			     r->type == R_X86_64_PLTOFF64))
				ls->stub = (int32_t)lk->nr_stubs++;
		}
	}
	return 0;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static int layout(struct linker *lk)
{
	uint64_t cur[3] = { 0 }, total = 0;
	int seg, pass;
	size_t i;

	/* PROGBITS before NOBITS within each part */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < lk->elf.nr_secs; i++) {
			const struct rt_elf_sec *s = &lk->elf.secs[i];
			struct lsec *ls = &lk->secs[i];
			uint64_t a = s->addralign > 1 ? s->addralign : 1;

			if (!ls->placed || (s->type == SHT_NOBITS) != (pass == 1))
				continue;
			/* sizes are each under RT_NATIVE_MAX_IMAGE: no overflow */
			cur[ls->seg] = align_up(cur[ls->seg], a);
			ls->off = cur[ls->seg];
			cur[ls->seg] += s->size;
			if (cur[ls->seg] > RT_NATIVE_MAX_IMAGE)
				goto too_big;
		}
	}
	cur[0] = align_up(cur[0], 16);
	lk->stubs_off = cur[0];
	cur[0] += (uint64_t)lk->nr_stubs * STUB_SIZE;
	cur[1] = align_up(cur[1], 8);
	lk->got_off = cur[1];
	cur[1] += (uint64_t)lk->nr_got * 8;
	for (seg = 0; seg < 3; seg++) {
		if (cur[seg] > RT_NATIVE_MAX_IMAGE)
			goto too_big;
		lk->seg_off[seg] = total;
		lk->seg_size[seg] = align_up(cur[seg], PAGE);
		total += lk->seg_size[seg];
	}
	if (total > RT_NATIVE_MAX_IMAGE)
		goto too_big;
	lk->stubs_off += lk->seg_off[0];
	lk->got_off += lk->seg_off[1];
	for (i = 0; i < lk->elf.nr_secs; i++)
		if (lk->secs[i].placed)
			lk->secs[i].off += lk->seg_off[lk->secs[i].seg];
	lk->image_size = total ? total : PAGE;
	return 0;

too_big:
	rt_log__err(lk->log, "%s: image over the limit of %u bytes", lk->path, RT_NATIVE_MAX_IMAGE);
	return -E2BIG;
}

static int map_image(struct linker *lk)
{
	void *p;

	/* low 2 GiB first, for non-PIC code's 32-bit absolute references */
	p = mmap(NULL, lk->image_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (p == MAP_FAILED)
		p = mmap(NULL, lk->image_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		rt_log__err(lk->log, "%s: cannot map an image of %zu bytes", lk->path,
			    lk->image_size);
		return -ENOMEM;
	}
	lk->image = p;
	return 0;
}

static void fill_image(struct linker *lk)
{
	uint8_t *img = lk->image;
	size_t i;

	for (i = 0; i < lk->elf.nr_secs; i++) {
		const struct rt_elf_sec *s = &lk->elf.secs[i];

		if (lk->secs[i].placed && s->type != SHT_NOBITS && s->size)
			memcpy(img + lk->secs[i].off, s->data, s->size);
	}
	for (i = 1; i < lk->elf.nr_syms; i++) {
		const struct rt_elf_sym *s = &lk->elf.syms[i];
		struct lsym *ls = &lk->syms[i];

		if (ls->kind == SYM_IMAGE)
			ls->addr += (uintptr_t)img + lk->secs[s->shndx].off;
		else if (ls->kind == SYM_GOT)
			ls->addr = (uintptr_t)img + lk->got_off;
		if (ls->got >= 0)
			memcpy(img + lk->got_off + (uint64_t)ls->got * 8, &ls->addr, 8);
		if (ls->stub >= 0) {
			uint8_t *stub = img + lk->stubs_off + (uint64_t)ls->stub * STUB_SIZE;
			int32_t rel = (int32_t)((int64_t)(lk->got_off + (uint64_t)ls->got * 8) -
						(int64_t)(lk->stubs_off +
							  (uint64_t)ls->stub * STUB_SIZE + 6));

			stub[0] = 0xff;
			stub[1] = 0x25;
			memcpy(stub + 2, &rel, 4);
			stub[6] = stub[7] = 0xcc;
		}
	}
}

static bool fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static int apply_one(struct linker *lk, const struct lrel *lr, size_t k)
{
	const struct rt_elf_rel *r = &lr->rels[k];
	const struct rt_elf_sec *rs = &lk->elf.secs[lr->relsec];
	const struct lsym *ls = &lk->syms[r->sym];
	uint8_t *place = lk->image + lk->secs[rs->info].off + r->offset;
	uint64_t P = (uintptr_t)place, S = ls->addr, A = (uint64_t)r->addend;
	uint64_t GOT = (uintptr_t)lk->image + lk->got_off;
	uint64_t G = ls->got >= 0 ? (uint64_t)ls->got * 8 : 0;
	uint64_t v64;
	int64_t v;

	switch (r->type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		v64 = S + A;
		memcpy(place, &v64, 8);
		return 0;
	case R_X86_64_PC64:
		v64 = S + A - P;
		memcpy(place, &v64, 8);
		return 0;
	case R_X86_64_GOTOFF64:
		v64 = S + A - GOT;
		memcpy(place, &v64, 8);
		return 0;
	case R_X86_64_GOTPC64:
		v64 = GOT + A - P;
		memcpy(place, &v64, 8);
		return 0;
	case R_X86_64_GOT64:
		v64 = G + A;
		memcpy(place, &v64, 8);
		return 0;
	case R_X86_64_PLTOFF64:
		/* L: the stub for runtime functions, the symbol itself otherwise */
		if (ls->stub >= 0)
			S = (uintptr_t)lk->image + lk->stubs_off + (uint64_t)ls->stub * STUB_SIZE;
		v64 = S + A - GOT;
		memcpy(place, &v64, 8);
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		v = (int64_t)(S + A - P);
		if (!fits_s32(v) && ls->stub >= 0) {
			S = (uintptr_t)lk->image + lk->stubs_off + (uint64_t)ls->stub * STUB_SIZE;
			v = (int64_t)(S + A - P);
		}
		break;
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		v = (int64_t)(GOT + G + A - P);
		break;
	case R_X86_64_32:
		v64 = S + A;
		if (v64 > UINT32_MAX)
			goto out_of_range;
		memcpy(place, &(uint32_t){ (uint32_t)v64 }, 4);
		return 0;
	case R_X86_64_32S:
		v = (int64_t)(S + A);
		break;
	default:
		/* collect_relocs() refused the others */
		return -ENOTSUP;
	}
	if (!fits_s32(v))
		goto out_of_range;
	memcpy(place, &(int32_t){ (int32_t)v }, 4);
	return 0;

out_of_range:
	rt_log__err(lk->log, "%s: reloc #%zu in '%s': '%s' is out of range for %s (compile with -fPIC or -mcmodel=large)",
		    lk->path, k, rs->name, sym_label(lk, r->sym), reloc_name(r->type));
	return -ERANGE;
}

static int apply_relocs(struct linker *lk)
{
	size_t i, k;
	int err;

	for (i = 0; i < lk->nr_relsecs; i++) {
		for (k = 0; k < lk->relsecs[i].nr; k++) {
			err = apply_one(lk, &lk->relsecs[i], k);
			if (err)
				return err;
		}
	}
	return 0;
}

static int protect(struct linker *lk)
{
	static const int prot[3] = { PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE };
	int seg;

	for (seg = 0; seg < 3; seg++) {
		if (!lk->seg_size[seg] || seg == 2)
			continue;
		if (mprotect(lk->image + lk->seg_off[seg], lk->seg_size[seg], prot[seg])) {
			int err = -errno;

			rt_log__err(lk->log, "%s: cannot protect the image: %s", lk->path,
				    strerror(-err));
			return err;
		}
	}
	return 0;
}

static int find_entry(struct linker *lk, bpfaot_entry_fn *entry)
{
	const struct rt_elf_sym *s;
	size_t i;

	for (i = 1; i < lk->elf.nr_syms; i++) {
		s = &lk->elf.syms[i];
		if (strcmp(s->name, BPFAOT_ENTRY_SYM) || s->type == STT_SECTION)
			continue;
		if (s->shndx == SHN_UNDEF)
			break;
		if (s->shndx >= lk->elf.nr_secs || !lk->secs[s->shndx].placed ||
		    lk->secs[s->shndx].seg != 0) {
			rt_log__err(lk->log, "%s: entry '%s' is not in a text section", lk->path,
				    BPFAOT_ENTRY_SYM);
			return -ENOEXEC;
		}
		*entry = (bpfaot_entry_fn)(uintptr_t)lk->syms[i].addr;
		return 0;
	}
	rt_log__err(lk->log, "%s: entry '%s' is not defined", lk->path, BPFAOT_ENTRY_SYM);
	return -ENOENT;
}

static void linker_release(struct linker *lk)
{
	size_t i;

	for (i = 0; lk->relsecs && i < lk->nr_relsecs; i++)
		free(lk->relsecs[i].rels);
	free(lk->relsecs);
	free(lk->secs);
	free(lk->syms);
	rt_manifest__free(lk->mf);
	rt_elf__release(&lk->elf);
}

struct rt_native *rt_native__link(const void *data, size_t size, const char *path,
				  struct rt_object *obj, const struct rt_prog *prog,
				  struct rt_log *log)
{
	struct linker lk = { .path = path, .log = log, .obj = obj };
	struct rt_native *nat = NULL;
	bpfaot_entry_fn entry = NULL;
	int err, ms;

	err = rt_elf__parse(&lk.elf, data, size, path, log);
	if (err)
		goto out;
	if (lk.elf.machine != EM_X86_64) {
		rt_log__err(log, "%s: not an x86-64 object (ELF machine %u)", path, lk.elf.machine);
		err = -ENOEXEC;
		goto out;
	}
	if (lk.elf.symtab_idx < 0) {
		rt_log__err(log, "%s: no symbol table", path);
		err = -ENOEXEC;
		goto out;
	}
	/* without a manifest (bpftime objects) helpers are checked for
	 * existence only and maps bound by name */
	ms = rt_elf__find_sec(&lk.elf, BPFAOT_MANIFEST_SEC);
	if (ms >= 0) {
		if (!lk.elf.secs[ms].data) {
			rt_log__err(log, "%s: section '%s' has no data", path, BPFAOT_MANIFEST_SEC);
			err = -ENOEXEC;
			goto out;
		}
		lk.mf = rt_manifest__parse((const char *)lk.elf.secs[ms].data,
					   lk.elf.secs[ms].size, path, log);
		if (!lk.mf) {
			err = -errno;
			goto out;
		}
		err = rt_manifest__check(lk.mf, obj, prog, path, log);
		if (err)
			goto out;
	}
	lk.secs = calloc(lk.elf.nr_secs, sizeof(*lk.secs));
	lk.syms = calloc(lk.elf.nr_syms ? lk.elf.nr_syms : 1, sizeof(*lk.syms));
	if (!lk.secs || !lk.syms) {
		err = -ENOMEM;
		goto out;
	}
	err = classify_sections(&lk);
	if (!err)
		err = collect_relocs(&lk);
	if (!err)
		err = bind_symbols(&lk);
	if (!err)
		err = plan_got(&lk);
	if (!err)
		err = layout(&lk);
	if (!err)
		err = map_image(&lk);
	if (err)
		goto out;
	/* everything is validated: from here on only the image is written */
	fill_image(&lk);
	err = apply_relocs(&lk);
	if (!err)
		err = find_entry(&lk, &entry);
	if (!err)
		err = protect(&lk);
	if (err)
		goto out_unmap;
	freeze_consts(&lk);
	nat = calloc(1, sizeof(*nat));
	if (!nat) {
		err = -ENOMEM;
		goto out_unmap;
	}
	nat->image = lk.image;
	nat->image_size = lk.image_size;
	nat->text_size = lk.seg_size[0];
	nat->entry = entry;
	nat->nr_got = lk.nr_got;
	nat->nr_stubs = lk.nr_stubs;
	goto out;

out_unmap:
	munmap(lk.image, lk.image_size);
out:
	if (err == -ENOMEM)
		rt_log__err(log, "%s: out of memory", path);
	linker_release(&lk);
	if (err) {
		errno = -err;
		return NULL;
	}
	return nat;
}

void rt_native__free(struct rt_native *nat)
{
	if (!nat)
		return;
	if (nat->image)
		munmap(nat->image, nat->image_size);
	free(nat);
}

bpfaot_entry_fn rt_native__entry(const struct rt_native *nat)
{
	return nat ? nat->entry : NULL;
}

bool rt_native__has_code(const struct rt_native *nat, uint64_t addr)
{
	return nat && addr >= (uintptr_t)nat->image && addr - (uintptr_t)nat->image < nat->text_size;
}

void rt_native__stats(const struct rt_native *nat, size_t *image, size_t *got, size_t *stubs)
{
	if (image)
		*image = nat ? nat->image_size : 0;
	if (got)
		*got = nat ? nat->nr_got : 0;
	if (stubs)
		*stubs = nat ? nat->nr_stubs : 0;
}
