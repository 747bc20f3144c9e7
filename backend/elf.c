// SPDX-License-Identifier: MIT
/*
 * A small ELF64 reader and section appender. The reader validates the
 * whole image before anything uses it (header, every section header and
 * its bytes, the name tables, the symbol table) with one overflow-safe
 * bounds check, as ubpf's loader does. The appender writes the fat object:
 * the original image up to its section header table stays byte for byte,
 * the new sections' bytes and an extended copy of the section-name table
 * follow, then the section header table with the old headers (only the
 * name table's offset and size change) and the new ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "be_internal.h"
#include "bpfaot/bchash.h"

static bool bounds_check(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static int bad(struct fe_diags *d, const char *what, const char *why)
{
	fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "%s: malformed ELF object: %s", what, why);
	return -ENOEXEC;
}

int be_elf__parse(struct be_elf *elf, const void *data, size_t size, const char *what,
		  struct fe_diags *d)
{
	const Elf64_Ehdr *eh = data;
	size_t i;

	memset(elf, 0, sizeof(*elf));
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return bad(d, what, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(d, what, "not ELF64 little-endian");
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || !eh->e_shnum ||
	    !bounds_check(size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shoff % 8)
		return bad(d, what, "bad section header table");
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return bad(d, what, "bad section name table index");
	elf->data = data;
	elf->size = size;
	elf->eh = eh;
	elf->sh = (const Elf64_Shdr *)((const uint8_t *)data + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &elf->sh[i];

		if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL &&
		    !bounds_check(size, s->sh_offset, s->sh_size))
			return bad(d, what, "section outside the file");
	}
	elf->shstr = (const char *)data + elf->sh[eh->e_shstrndx].sh_offset;
	elf->shstr_size = elf->sh[eh->e_shstrndx].sh_size;
	if (!elf->shstr_size || elf->shstr[elf->shstr_size - 1])
		return bad(d, what, "unterminated section name table");
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = &elf->sh[i];

		if (s->sh_name >= elf->shstr_size)
			return bad(d, what, "section name outside the name table");
		if (s->sh_type != SHT_SYMTAB)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_size % sizeof(Elf64_Sym) ||
		    s->sh_link >= eh->e_shnum || elf->sh[s->sh_link].sh_type != SHT_STRTAB)
			return bad(d, what, "bad symbol table");
		elf->syms = (const Elf64_Sym *)((const uint8_t *)data + s->sh_offset);
		elf->nr_syms = s->sh_size / sizeof(Elf64_Sym);
		elf->str = (const char *)data + elf->sh[s->sh_link].sh_offset;
		elf->str_size = elf->sh[s->sh_link].sh_size;
		if (!elf->str_size || elf->str[elf->str_size - 1])
			return bad(d, what, "unterminated string table");
	}
	for (i = 0; i < elf->nr_syms; i++)
		if (elf->syms[i].st_name >= elf->str_size)
			return bad(d, what, "symbol name outside the string table");
	return 0;
}

const char *be_elf__sec_name(const struct be_elf *elf, size_t idx)
{
	return idx < elf->eh->e_shnum ? elf->shstr + elf->sh[idx].sh_name : "";
}

long be_elf__find_sec(const struct be_elf *elf, const char *name)
{
	size_t i;

	for (i = 0; i < elf->eh->e_shnum; i++)
		if (!strcmp(be_elf__sec_name(elf, i), name))
			return (long)i;
	return -1;
}

const uint8_t *be_elf__sec_data(const struct be_elf *elf, size_t idx)
{
	if (idx >= elf->eh->e_shnum || elf->sh[idx].sh_type == SHT_NOBITS)
		return NULL;
	return elf->data + elf->sh[idx].sh_offset;
}

/* Bytes [start, start + size) of section idx and their relocations. */
static uint64_t hash_range(const struct be_elf *elf, uint64_t h, size_t idx, uint64_t start,
			   uint64_t size)
{
	const uint8_t *data = be_elf__sec_data(elf, idx);
	size_t r, k;

	if (!data || start > elf->sh[idx].sh_size || elf->sh[idx].sh_size - start < size)
		return h;
	h = bpfaot_bchash_bytes(h, data + start, size);
	for (r = 0; r < elf->eh->e_shnum; r++) {
		const Elf64_Shdr *rs = &elf->sh[r];
		const Elf64_Rel *rel = (const Elf64_Rel *)be_elf__sec_data(elf, r);

		if (rs->sh_type != SHT_REL || rs->sh_info != idx || !rel)
			continue;
		for (k = 0; k < rs->sh_size / sizeof(*rel); k++) {
			uint64_t off = rel[k].r_offset - start;
			size_t sym = ELF64_R_SYM(rel[k].r_info);

			if (rel[k].r_offset < start || off >= size || sym >= elf->nr_syms)
				continue;
			h = bpfaot_bchash_reloc(h, off, be_elf__sym_name(elf, &elf->syms[sym]));
		}
	}
	return h;
}

bool be_bytecode_hash(const struct be_elf *elf, const char *prog, uint64_t *hash)
{
	uint64_t h = BPFAOT_BCHASH_INIT;
	long text = be_elf__find_sec(elf, ".text");
	size_t i;

	for (i = 1; i < elf->nr_syms; i++) {
		const Elf64_Sym *s = &elf->syms[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
		    s->st_shndx >= elf->eh->e_shnum || strcmp(be_elf__sym_name(elf, s), prog))
			continue;
		h = hash_range(elf, h, s->st_shndx, s->st_value, s->st_size);
		if (text >= 0)
			h = hash_range(elf, h, (size_t)text, 0, elf->sh[text].sh_size);
		*hash = h;
		return true;
	}
	return false;
}

const char *be_elf__sym_name(const struct be_elf *elf, const Elf64_Sym *sym)
{
	return elf->str + sym->st_name;
}

const Elf64_Sym *be_elf__find_sym(const struct be_elf *elf, const char *name)
{
	size_t i;

	for (i = 1; i < elf->nr_syms; i++) {
		const Elf64_Sym *s = &elf->syms[i];

		if (s->st_shndx != SHN_UNDEF && s->st_shndx < elf->eh->e_shnum &&
		    !strcmp(be_elf__sym_name(elf, s), name))
			return s;
	}
	return NULL;
}

int be_elf_add_sections(const void *data, size_t size, const char *const *names,
			const void *const *blobs, const size_t *sizes, size_t n,
			enum be_sec_kind kind, const char *what, struct fe_diags *d, void **out,
			size_t *out_size)
{
	struct be_elf elf;
	Elf64_Ehdr eh;
	Elf64_Shdr *sh;
	size_t keep, shstr_len, names_len = 0, total, pos, i, shnum;
	uint8_t *buf;
	int err;

	err = be_elf__parse(&elf, data, size, what, d);
	if (err)
		return err;
	shnum = elf.eh->e_shnum;
	if (shnum + n >= SHN_LORESERVE)
		return bad(d, what, "too many sections");
	/* everything before the header table stays; a table not at the end
	 * leaves its old bytes in place, unused */
	keep = elf.eh->e_shoff + shnum * sizeof(Elf64_Shdr) == size ? elf.eh->e_shoff : size;
	shstr_len = elf.shstr_size;
	for (i = 0; i < n; i++)
		names_len += strlen(names[i]) + 1;
	total = keep;
	for (i = 0; i < n; i++)
		total += sizes[i];
	total += shstr_len + names_len;
	total = (total + 7) & ~(size_t)7;
	total += (shnum + n) * sizeof(Elf64_Shdr);
	buf = calloc(1, total);
	sh = calloc(shnum + n, sizeof(*sh));
	if (!buf || !sh) {
		free(buf);
		free(sh);
		return -ENOMEM;
	}
	memcpy(buf, data, keep);
	memcpy(sh, elf.sh, shnum * sizeof(*sh));
	pos = keep;
	for (i = 0; i < n; i++) {
		Elf64_Shdr *s = &sh[shnum + i];

		memcpy(buf + pos, blobs[i], sizes[i]);
		/* libbpf skips a string table before it looks at its name;
		 * SHF_ALLOC keeps llvm-objcopy from rebuilding it as one */
		s->sh_type = kind == BE_SEC_STRTAB ? SHT_STRTAB : SHT_PROGBITS;
		s->sh_flags = kind == BE_SEC_STRTAB ? SHF_ALLOC : 0;
		s->sh_offset = pos;
		s->sh_size = sizes[i];
		s->sh_addralign = 1;
		pos += sizes[i];
	}
	/* the extended name table */
	memcpy(buf + pos, elf.shstr, shstr_len);
	sh[elf.eh->e_shstrndx].sh_offset = pos;
	{
		size_t np = pos + shstr_len;

		for (i = 0; i < n; i++) {
			sh[shnum + i].sh_name = (Elf64_Word)(np - pos);
			memcpy(buf + np, names[i], strlen(names[i]) + 1);
			np += strlen(names[i]) + 1;
		}
		sh[elf.eh->e_shstrndx].sh_size = np - pos;
		pos = (np + 7) & ~(size_t)7;
	}
	memcpy(buf + pos, sh, (shnum + n) * sizeof(*sh));
	memcpy(&eh, elf.eh, sizeof(eh));
	eh.e_shoff = pos;
	eh.e_shnum = (Elf64_Half)(shnum + n);
	memcpy(buf, &eh, sizeof(eh));
	free(sh);
	*out = buf;
	*out_size = total;
	return 0;
}

int be_read_file(const char *path, void **data, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	ssize_t r;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r <= 0) {
			free(buf);
			close(fd);
			return r < 0 ? -errno : -EIO;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = 0;
	*data = buf;
	*size = got;
	return 0;
}

int be_write_file(const char *path, const void *data, size_t size)
{
	const uint8_t *p = data;
	ssize_t w;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	while (size) {
		w = write(fd, p, size);
		if (w <= 0) {
			w = w < 0 ? -errno : -EIO;
			close(fd);
			return (int)w;
		}
		p += w;
		size -= (size_t)w;
	}
	return close(fd) ? -errno : 0;
}

static void print_arg(const char *a)
{
	bool plain = *a && !strpbrk(a, " \t\n\"'\\$`*?[]{}()<>|&;#~");

	if (plain) {
		fputs(a, stderr);
		return;
	}
	fputc('"', stderr);
	for (; *a; a++) {
		if (*a == '"' || *a == '\\' || *a == '$' || *a == '`')
			fputc('\\', stderr);
		fputc(*a, stderr);
	}
	fputc('"', stderr);
}

static void print_command(const char *const *argv)
{
	size_t i;

	fputc(' ', stderr);
	for (i = 0; argv[i]; i++) {
		fputc(' ', stderr);
		print_arg(argv[i]);
	}
	fputc('\n', stderr);
}

int be_spawn_io(const char *const *argv, bool verbose, int in_fd, const char *err_path)
{
	posix_spawn_file_actions_t fa;
	int err, flags = in_fd >= 0 ? fcntl(in_fd, F_GETFD) : 0;
	pid_t pid;

	if (flags < 0)
		return -errno;
	if (verbose)
		print_command(argv);
	fflush(stdout);
	fflush(stderr);
	/* posix_spawn, not fork(): no copy of this process's page tables (it
	 * holds libLLVM, libclang and the parsed unit) and no copy-on-write
	 * faults for the pages it writes after; a failed exec is its result */
	err = posix_spawn_file_actions_init(&fa);
	if (err)
		return -err;
	if (err_path)
		err = posix_spawn_file_actions_addopen(&fa, 2, err_path,
						       O_WRONLY | O_CREAT | O_TRUNC, 0600);
	/* in_fd stays open in the child for the exec only: no other child
	 * spawned meanwhile inherits it (nothing else runs threads here) */
	if (!err && in_fd >= 0 && fcntl(in_fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		err = errno;
	if (!err)
		err = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	if (in_fd >= 0)
		fcntl(in_fd, F_SETFD, flags);
	posix_spawn_file_actions_destroy(&fa);
	return err ? -err : pid;
}

int be_spawn(const char *const *argv, bool verbose)
{
	return be_spawn_io(argv, verbose, -1, NULL);
}

int be_wait(int pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
