// SPDX-License-Identifier: MIT
/*
 * A bounds-checked reader for ELF64 little-endian relocatable files, shared
 * by the bytecode loader (EM_BPF) and the native linker (EM_X86_64). The
 * whole file is validated before anything uses it (libbpf's linker habit):
 * header, section headers, string tables, symbols; relocation sections are
 * validated when read. Every offset from the file goes through
 * rt_bounds_ok(), so a hostile file yields a message, never a wild read.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "bpfaot/bchash.h"

static const char *str_at(const struct rt_elf *elf, const struct rt_elf_sec *strsec, uint64_t off)
{
	const char *s;

	if (!strsec->data || off >= strsec->size)
		return NULL;
	s = (const char *)strsec->data + off;
	/* the string must end inside its table */
	if (!memchr(s, '\0', strsec->size - off))
		return NULL;
	return s;
}

static int parse_syms(struct rt_elf *elf, struct rt_log *log)
{
	const struct rt_elf_sec *symsec, *strsec;
	size_t i, n;

	elf->symtab_idx = -1;
	for (i = 0; i < elf->nr_secs; i++) {
		if (elf->secs[i].type == SHT_SYMTAB) {
			if (elf->symtab_idx >= 0) {
				rt_log__err(log, "%s: more than one symbol table", elf->path);
				return -ENOEXEC;
			}
			elf->symtab_idx = (int)i;
		}
	}
	if (elf->symtab_idx < 0)
		return 0;
	symsec = &elf->secs[elf->symtab_idx];
	if (symsec->entsize != sizeof(Elf64_Sym) || symsec->size % sizeof(Elf64_Sym)) {
		rt_log__err(log, "%s: section '%s': bad symbol entry size", elf->path, symsec->name);
		return -ENOEXEC;
	}
	if (symsec->link >= elf->nr_secs || elf->secs[symsec->link].type != SHT_STRTAB) {
		rt_log__err(log, "%s: section '%s': string table index %u out of range", elf->path,
			    symsec->name, symsec->link);
		return -ENOEXEC;
	}
	strsec = &elf->secs[symsec->link];
	n = symsec->size / sizeof(Elf64_Sym);
	elf->syms = calloc(n ? n : 1, sizeof(*elf->syms));
	if (!elf->syms)
		return -ENOMEM;
	elf->nr_syms = n;
	for (i = 0; i < n; i++) {
		Elf64_Sym s;
		struct rt_elf_sym *d = &elf->syms[i];

		memcpy(&s, symsec->data + i * sizeof(s), sizeof(s));
		d->name = str_at(elf, strsec, s.st_name);
		if (!d->name) {
			rt_log__err(log, "%s: symbol #%zu: name offset %u out of range", elf->path, i,
				    s.st_name);
			return -ENOEXEC;
		}
		if (!rt_name_is_clean(d->name)) {
			rt_log__err(log, "%s: symbol #%zu: name has control characters", elf->path, i);
			return -ENOEXEC;
		}
		d->value = s.st_value;
		d->size = s.st_size;
		d->shndx = s.st_shndx;
		d->type = ELF64_ST_TYPE(s.st_info);
		d->bind = ELF64_ST_BIND(s.st_info);
		if (d->shndx != SHN_UNDEF && d->shndx < SHN_LORESERVE && d->shndx >= elf->nr_secs) {
			rt_log__err(log, "%s: symbol '%s': section index %u out of range", elf->path,
				    d->name, d->shndx);
			return -ENOEXEC;
		}
	}
	return 0;
}

int rt_elf__parse(struct rt_elf *elf, const void *data, size_t size, const char *path,
		  struct rt_log *log)
{
	const uint8_t *p = data;
	Elf64_Ehdr eh;
	size_t i;
	int err;

	memset(elf, 0, sizeof(*elf));
	elf->path = path;
	elf->data = p;
	elf->size = size;
	elf->symtab_idx = -1;
	if (size < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG)) {
		rt_log__err(log, "%s: not an ELF file", path);
		return -ENOEXEC;
	}
	if (p[EI_CLASS] != ELFCLASS64) {
		rt_log__err(log, "%s: not a 64-bit ELF file", path);
		return -ENOEXEC;
	}
	if (p[EI_DATA] != ELFDATA2LSB) {
		rt_log__err(log, "%s: not a little-endian ELF file", path);
		return -ENOEXEC;
	}
	if (size < sizeof(eh)) {
		rt_log__err(log, "%s: truncated ELF header (%zu bytes)", path, size);
		return -ENOEXEC;
	}
	memcpy(&eh, p, sizeof(eh));
	elf->machine = eh.e_machine;
	elf->type = eh.e_type;
	if (eh.e_type != ET_REL) {
		rt_log__err(log, "%s: not a relocatable object (ELF type %u)", path, eh.e_type);
		return -ENOEXEC;
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
		rt_log__err(log, "%s: bad section header size %u", path, eh.e_shentsize);
		return -ENOEXEC;
	}
	if (eh.e_shnum == 0 || eh.e_shnum >= SHN_LORESERVE) {
		rt_log__err(log, "%s: bad section count %u", path, eh.e_shnum);
		return -ENOEXEC;
	}
	if (!rt_bounds_ok(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), size)) {
		rt_log__err(log, "%s: section headers out of bounds", path);
		return -ENOEXEC;
	}
	if (eh.e_shstrndx >= eh.e_shnum) {
		rt_log__err(log, "%s: section name table index %u out of range", path,
			    eh.e_shstrndx);
		return -ENOEXEC;
	}
	elf->secs = calloc(eh.e_shnum, sizeof(*elf->secs));
	if (!elf->secs)
		return -ENOMEM;
	elf->nr_secs = eh.e_shnum;
	for (i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;
		struct rt_elf_sec *s = &elf->secs[i];

		memcpy(&sh, p + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->size = sh.sh_size;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		s->entsize = sh.sh_entsize;
		s->addralign = sh.sh_addralign;
		s->name = (const char *)(uintptr_t)sh.sh_name; /* resolved below */
		if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL) {
			if (!rt_bounds_ok(sh.sh_offset, sh.sh_size, size)) {
				rt_log__err(log, "%s: section #%zu: data out of bounds", path, i);
				return -ENOEXEC;
			}
			s->data = p + sh.sh_offset;
		}
	}
	if (elf->secs[eh.e_shstrndx].type != SHT_STRTAB) {
		rt_log__err(log, "%s: section name table is not a string table", path);
		return -ENOEXEC;
	}
	for (i = 0; i < elf->nr_secs; i++) {
		uint64_t off = (uintptr_t)elf->secs[i].name;

		elf->secs[i].name = str_at(elf, &elf->secs[eh.e_shstrndx], off);
		if (!elf->secs[i].name) {
			rt_log__err(log, "%s: section #%zu: name offset %llu out of range", path, i,
				    (unsigned long long)off);
			return -ENOEXEC;
		}
		if (!rt_name_is_clean(elf->secs[i].name)) {
			rt_log__err(log, "%s: section #%zu: name has control characters", path, i);
			return -ENOEXEC;
		}
	}
	err = parse_syms(elf, log);
	if (err)
		return err;
	return 0;
}

void rt_elf__release(struct rt_elf *elf)
{
	if (!elf)
		return;
	free(elf->secs);
	free(elf->syms);
	elf->secs = NULL;
	elf->syms = NULL;
	elf->nr_secs = elf->nr_syms = 0;
}

int rt_elf__find_sec(const struct rt_elf *elf, const char *name)
{
	size_t i;

	for (i = 0; i < elf->nr_secs; i++)
		if (!strcmp(elf->secs[i].name, name))
			return (int)i;
	return -1;
}

int rt_elf__relocs(const struct rt_elf *elf, size_t relsec, struct rt_elf_rel **out, size_t *cnt,
		   struct rt_log *log)
{
	const struct rt_elf_sec *rs = &elf->secs[relsec];
	bool rela = rs->type == SHT_RELA;
	size_t esz = rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
	const struct rt_elf_sec *target;
	struct rt_elf_rel *rels;
	size_t i, n;

	if (rs->type != SHT_REL && rs->type != SHT_RELA)
		return -EINVAL;
	if (rs->size % esz) {
		rt_log__err(log, "%s: section '%s': size not a multiple of the entry size",
			    elf->path, rs->name);
		return -ENOEXEC;
	}
	if (rs->info >= elf->nr_secs) {
		rt_log__err(log, "%s: section '%s': target section index %u out of range",
			    elf->path, rs->name, rs->info);
		return -ENOEXEC;
	}
	if ((int)rs->link != elf->symtab_idx) {
		rt_log__err(log, "%s: section '%s': symbol table index %u is not the symbol table",
			    elf->path, rs->name, rs->link);
		return -ENOEXEC;
	}
	target = &elf->secs[rs->info];
	n = rs->size / esz;
	rels = calloc(n ? n : 1, sizeof(*rels));
	if (!rels)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		Elf64_Rela r = { 0 };

		memcpy(&r, rs->data + i * esz, esz);
		rels[i].offset = r.r_offset;
		rels[i].type = ELF64_R_TYPE(r.r_info);
		rels[i].sym = ELF64_R_SYM(r.r_info);
		rels[i].addend = rela ? r.r_addend : 0;
		if (rels[i].sym >= elf->nr_syms) {
			rt_log__err(log, "%s: reloc #%zu in '%s': symbol index %u out of range",
				    elf->path, i, rs->name, rels[i].sym);
			free(rels);
			return -ENOEXEC;
		}
		if (!rt_bounds_ok(r.r_offset, 1, target->size)) {
			rt_log__err(log, "%s: reloc #%zu in '%s': offset %llu outside section '%s'",
				    elf->path, i, rs->name, (unsigned long long)r.r_offset,
				    target->name);
			free(rels);
			return -ENOEXEC;
		}
	}
	*out = rels;
	*cnt = n;
	return 0;
}

/* ------------------------------------------------------ bytecode hash */

/* Bytes [start, start + size) of section idx and the relocations of the
 * SHT_REL sections that apply to them (as backend/elf.c hashes them). */
static uint64_t hash_range(const struct rt_elf *elf, uint64_t h, size_t idx, uint64_t start,
			   uint64_t size)
{
	const struct rt_elf_sec *s = &elf->secs[idx];
	size_t r, k;

	if (!s->data || !rt_bounds_ok(start, size, s->size))
		return h;
	h = bpfaot_bchash_bytes(h, s->data + start, size);
	for (r = 0; r < elf->nr_secs; r++) {
		const struct rt_elf_sec *rs = &elf->secs[r];

		if (rs->type != SHT_REL || rs->info != idx || !rs->data)
			continue;
		for (k = 0; k < rs->size / sizeof(Elf64_Rel); k++) {
			Elf64_Rel rel;
			uint64_t off;
			size_t sym;

			memcpy(&rel, rs->data + k * sizeof(rel), sizeof(rel));
			off = rel.r_offset - start;
			sym = ELF64_R_SYM(rel.r_info);
			if (rel.r_offset < start || off >= size || sym >= elf->nr_syms)
				continue;
			h = bpfaot_bchash_reloc(h, off, elf->syms[sym].name);
		}
	}
	return h;
}

bool rt_bytecode_hash(const struct rt_elf *elf, const char *prog, uint64_t *hash)
{
	uint64_t h = BPFAOT_BCHASH_INIT;
	int text = rt_elf__find_sec(elf, ".text");
	size_t i;

	for (i = 1; i < elf->nr_syms; i++) {
		const struct rt_elf_sym *s = &elf->syms[i];

		if (s->type != STT_FUNC || s->shndx == SHN_UNDEF || s->shndx >= elf->nr_secs ||
		    strcmp(s->name, prog))
			continue;
		h = hash_range(elf, h, s->shndx, s->value, s->size);
		if (text >= 0)
			h = hash_range(elf, h, (size_t)text, 0, elf->secs[text].size);
		*hash = h;
		return true;
	}
	return false;
}
