// SPDX-License-Identifier: MIT
/*
 * Maps in POSIX shared memory (bpfaot_open_opts.maps_shm, bpfaot-run
 * --maps-shm, bpfaot-map): the storage of every map that can be shared
 * (arrays, hash and LRU maps, their per-CPU kinds, global data) moves into
 * one shared mapping, created by the first process and attached by the
 * next ones when their object's maps match. The layout is versioned and
 * documented in docs/shm-layout.md; the locking is map.c's (robust,
 * process-shared mutexes for hash maps, atomics as the program does them).
 *
 * Per-CPU maps: each attached process runs as one CPU, the slot it claims
 * in the header (a dead owner's slot is taken over), so processes never
 * write one slot at the same time and bpf(2)'s per-CPU layout still sums.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "rt_internal.h"

#define SHM_MAGIC "BPFAOTSH"
#define SHM_VERSION 3u
#define SHM_MAX_SLOTS 256u
#define SHM_ALIGN 64u
/* how long an attacher waits for the creator to finish */
#define SHM_READY_WAIT_MS 5000

/* At offset 0; every field little-endian host order (x86-64 only). */
struct shm_header {
	char magic[8];			/* "BPFAOTSH" */
	uint32_t version;		/* SHM_VERSION */
	uint32_t ready;			/* 1 once the creator has filled it all */
	uint64_t size;			/* bytes of the whole mapping */
	uint32_t nr_maps;		/* directory entries */
	uint32_t nr_cpus;		/* per-CPU slots of per-CPU values */
	uint64_t dir_off;		/* the directory: nr_maps struct shm_map */
	uint64_t btf_off;		/* raw BTF of the creator's object, or 0 */
	uint64_t btf_size;
	int32_t slot_owner[SHM_MAX_SLOTS]; /* pid running as CPU i, 0 = free */
};

struct shm_map {
	char name[64];
	uint32_t type, key_size, value_size, max_entries, map_flags;
	int32_t spin_lock_off;
	uint32_t btf_key_type_id, btf_value_type_id;
	uint64_t off;			/* the map's storage */
	uint64_t size;
};

struct rt_shm {
	char *name;
	uint8_t *base;
	size_t size;
	int slot;			/* the per-CPU slot claimed, -1 none */
	/* rt_shm__open(): maps of our own over the storage */
	struct rt_map **maps;
	size_t nr_maps;
	struct btf *btf;
};

static size_t align_up(size_t v)
{
	return (v + SHM_ALIGN - 1) & ~(size_t)(SHM_ALIGN - 1);
}

static struct shm_map *shm_dir(const struct rt_shm *shm)
{
	return (struct shm_map *)(shm->base + ((struct shm_header *)shm->base)->dir_off);
}

/* "/NAME" for shm_open(); NAME must be a plain name. */
static int shm_path(const char *name, char *path, size_t sz, struct rt_log *log)
{
	const char *n = name[0] == '/' ? name + 1 : name;

	if (!*n || strchr(n, '/') || strlen(n) + 2 > sz) {
		rt_log__err(log, "bad shared memory name '%s': one path component expected", name);
		return -EINVAL;
	}
	snprintf(path, sz, "/%s", n);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool pid_is_alive(int32_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH);
}

/* Claims a per-CPU slot for this process: a free one, or a dead owner's. */
static int claim_slot(struct rt_shm *shm, struct rt_log *log)
{
	struct shm_header *h = (struct shm_header *)shm->base;
	uint32_t n = h->nr_cpus < SHM_MAX_SLOTS ? h->nr_cpus : SHM_MAX_SLOTS, i;
	int32_t me = (int32_t)getpid();

	for (i = 0; i < n; i++) {
		int32_t owner = __atomic_load_n(&h->slot_owner[i], __ATOMIC_ACQUIRE);

		if (owner == me || pid_is_alive(owner))
			continue;
		if (__atomic_compare_exchange_n(&h->slot_owner[i], &owner, me, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			shm->slot = (int)i;
			return 0;
		}
	}
	rt_log__err(log, "shared memory '%s': all %u per-CPU slots are taken by live processes",
		    shm->name, n);
	return -EBUSY;
}

static void release_slot(struct rt_shm *shm)
{
	struct shm_header *h = (struct shm_header *)shm->base;
	int32_t me = (int32_t)getpid();

	if (shm->slot >= 0)
		__atomic_compare_exchange_n(&h->slot_owner[shm->slot], &me, 0, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static void fill_entry(struct shm_map *e, const struct rt_map *m)
{
	const struct rt_map_def *d = rt_map__def(m);

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", d->name);
	e->type = d->type;
	e->key_size = d->key_size;
	e->value_size = d->value_size;
	e->max_entries = d->max_entries;
	e->map_flags = d->map_flags;
	e->spin_lock_off = d->spin_lock_off;
	e->btf_key_type_id = d->btf_key_type_id;
	e->btf_value_type_id = d->btf_value_type_id;
	e->size = rt_map__storage_size(m);
}

/* Creates the mapping of fd for obj's shared maps and moves them there. */
static int shm_create(struct rt_shm *shm, int fd, struct rt_object *obj, struct rt_log *log)
{
	const void *btf_data = NULL;
	uint32_t btf_size = 0;
	struct shm_header *h;
	struct shm_map *dir;
	size_t i, n = 0, off;
	int err;

	for (i = 0; i < obj->nr_maps; i++)
		n += rt_map__can_share(obj->maps[i]);
	if (obj->btf)
		btf_data = btf__raw_data(obj->btf, &btf_size);
	off = align_up(sizeof(*h)) + align_up(n * sizeof(*dir)) + align_up(btf_size);
	for (i = 0; i < obj->nr_maps; i++)
		if (rt_map__can_share(obj->maps[i]))
			off += align_up(rt_map__storage_size(obj->maps[i]));
	shm->size = off;
	if (ftruncate(fd, (off_t)shm->size)) {
		err = -errno;
		rt_log__err(log, "shared memory '%s': cannot size it to %zu bytes: %s", shm->name,
			    shm->size, strerror(errno));
		return err;
	}
	shm->base = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shm->base == MAP_FAILED) {
		shm->base = NULL;
		err = -errno;
		rt_log__err(log, "shared memory '%s': cannot map it: %s", shm->name, strerror(errno));
		return err;
	}
	h = (struct shm_header *)shm->base;
	memcpy(h->magic, SHM_MAGIC, sizeof(h->magic));
	h->version = SHM_VERSION;
	h->size = shm->size;
	h->nr_maps = (uint32_t)n;
	h->nr_cpus = obj->nr_maps ? rt_map__nr_cpus(obj->maps[0]) : 1;
	h->dir_off = align_up(sizeof(*h));
	off = h->dir_off + align_up(n * sizeof(*dir));
	if (btf_size) {
		h->btf_off = off;
		h->btf_size = btf_size;
		memcpy(shm->base + off, btf_data, btf_size);
		off += align_up(btf_size);
	}
	dir = shm_dir(shm);
	for (i = 0, n = 0; i < obj->nr_maps; i++) {
		struct rt_map *m = obj->maps[i];

		if (!rt_map__can_share(m))
			continue;
		fill_entry(&dir[n], m);
		dir[n].off = off;
		err = rt_map__share(m, shm->base + off, true);
		if (err) {
			rt_log__err(log, "shared memory '%s': cannot set up map '%s': %s", shm->name,
				    dir[n].name, strerror(-err));
			return err;
		}
		off += align_up(dir[n].size);
		n++;
	}
	__atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Maps fd once its creator is done and checks the header. */
static int shm_map_existing(struct rt_shm *shm, int fd, struct rt_log *log)
{
	struct shm_header *h;
	struct stat st;
	int waited = 0;

	for (;;) {
		if (fstat(fd, &st)) {
			rt_log__err(log, "shared memory '%s': %s", shm->name, strerror(errno));
			return -errno;
		}
		if ((size_t)st.st_size >= sizeof(*h)) {
			if (!shm->base) {
				shm->size = (size_t)st.st_size;
				shm->base = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED,
						 fd, 0);
				if (shm->base == MAP_FAILED) {
					shm->base = NULL;
					rt_log__err(log, "shared memory '%s': cannot map it: %s",
						    shm->name, strerror(errno));
					return -errno;
				}
			}
			h = (struct shm_header *)shm->base;
			if (memcmp(h->magic, SHM_MAGIC, sizeof(h->magic))) {
				if (waited >= SHM_READY_WAIT_MS)
					break;
			} else if (__atomic_load_n(&h->ready, __ATOMIC_ACQUIRE)) {
				break;
			}
		}
		if (waited >= SHM_READY_WAIT_MS) {
			rt_log__err(log, "shared memory '%s' was never finished by its creator (remove /dev/shm%s)",
				    shm->name, shm->name);
			return -ETIMEDOUT;
		}
		sleep_ms(10);
		waited += 10;
	}
	h = (struct shm_header *)shm->base;
	if (memcmp(h->magic, SHM_MAGIC, sizeof(h->magic))) {
		rt_log__err(log, "shared memory '%s' does not hold bpfaot maps", shm->name);
		return -EINVAL;
	}
	if (h->version != SHM_VERSION) {
		rt_log__err(log, "shared memory '%s' has layout version %u, this runtime reads %u",
			    shm->name, h->version, SHM_VERSION);
		return -ENOTSUP;
	}
	if (h->size != shm->size || h->dir_off < sizeof(*h) ||
	    !rt_bounds_ok(h->dir_off, (uint64_t)h->nr_maps * sizeof(struct shm_map), shm->size) ||
	    (h->btf_size && !rt_bounds_ok(h->btf_off, h->btf_size, shm->size))) {
		rt_log__err(log, "shared memory '%s' is damaged (its header does not fit it)",
			    shm->name);
		return -EINVAL;
	}
	return 0;
}

static const char *type_str(uint32_t type)
{
	const char *s = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	return s ? s : "unknown";
}

/* The object's shared maps must be the directory's, one for one. */
static int check_match(struct rt_shm *shm, struct rt_object *obj, struct rt_log *log)
{
	struct shm_header *h = (struct shm_header *)shm->base;
	struct shm_map *dir = shm_dir(shm), want;
	size_t i, j, n = 0;

	for (i = 0; i < obj->nr_maps; i++) {
		struct rt_map *m = obj->maps[i];

		if (!rt_map__can_share(m))
			continue;
		n++;
		fill_entry(&want, m);
		for (j = 0; j < h->nr_maps && strncmp(dir[j].name, want.name, sizeof(want.name));
		     j++)
			;
		if (j == h->nr_maps) {
			rt_log__err(log, "shared memory '%s' has no map '%s'", shm->name, want.name);
			return -ENOENT;
		}
		if (dir[j].type != want.type || dir[j].key_size != want.key_size ||
		    dir[j].value_size != want.value_size ||
		    dir[j].max_entries != want.max_entries || dir[j].map_flags != want.map_flags ||
		    dir[j].spin_lock_off != want.spin_lock_off || dir[j].size != want.size ||
		    !rt_bounds_ok(dir[j].off, dir[j].size, shm->size)) {
			rt_log__err(log,
				    "shared memory '%s': map '%s' is %s key %u value %u max %u flags 0x%x there, %s key %u value %u max %u flags 0x%x here",
				    shm->name, want.name, type_str(dir[j].type), dir[j].key_size,
				    dir[j].value_size, dir[j].max_entries, dir[j].map_flags,
				    type_str(want.type), want.key_size, want.value_size,
				    want.max_entries, want.map_flags);
			return -EINVAL;
		}
	}
	if (n != h->nr_maps) {
		for (j = 0; j < h->nr_maps; j++)
			if (!rt_object__find_map(obj, dir[j].name))
				break;
		rt_log__err(log, "shared memory '%s' has map '%.64s', which '%s' lacks", shm->name,
			    j < h->nr_maps ? dir[j].name : "?", obj->path);
		return -EINVAL;
	}
	return 0;
}

static void shm_free(struct rt_shm *shm)
{
	size_t i;

	if (!shm)
		return;
	for (i = 0; i < shm->nr_maps; i++)
		rt_map__free(shm->maps[i]);
	free(shm->maps);
	btf__free(shm->btf);
	if (shm->base) {
		release_slot(shm);
		munmap(shm->base, shm->size);
	}
	free(shm->name);
	free(shm);
}

static struct rt_shm *shm_new(const char *name, struct rt_log *log)
{
	struct rt_shm *shm = calloc(1, sizeof(*shm));
	char path[256];

	if (!shm || shm_path(name, path, sizeof(path), log) || !(shm->name = strdup(path))) {
		if (shm && !shm->name && errno == ENOMEM)
			rt_log__err(log, "out of memory");
		free(shm);
		return NULL;
	}
	shm->slot = -1;
	return shm;
}

int rt_shm__attach(struct rt_object *obj, const char *name, struct rt_log *log)
{
	struct rt_shm *shm = shm_new(name, log);
	bool created = false, percpu = false;
	size_t i;
	int fd, err;

	if (!shm)
		return -EINVAL;
	fd = shm_open(shm->name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		created = true;
		err = shm_create(shm, fd, obj, log);
	} else if (errno == EEXIST) {
		fd = shm_open(shm->name, O_RDWR, 0);
		if (fd < 0) {
			err = -errno;
			rt_log__err(log, "cannot open shared memory '%s': %s", shm->name,
				    strerror(errno));
			goto out_free;
		}
		err = shm_map_existing(shm, fd, log);
		if (!err)
			err = check_match(shm, obj, log);
		for (i = 0; !err && i < obj->nr_maps; i++) {
			struct rt_map *m = obj->maps[i];
			struct shm_map *dir = shm_dir(shm);
			size_t j = 0;

			if (!rt_map__can_share(m))
				continue;
			while (strncmp(dir[j].name, rt_map__name(m), sizeof(dir[j].name)))
				j++;
			err = rt_map__share(m, shm->base + dir[j].off, false);
		}
	} else {
		err = -errno;
		rt_log__err(log, "cannot create shared memory '%s': %s", shm->name, strerror(errno));
		goto out_free;
	}
	close(fd);
	for (i = 0; i < obj->nr_maps; i++)
		percpu |= rt_map__can_share(obj->maps[i]) && is_percpu(rt_map__def(obj->maps[i])->type);
	if (!err && percpu)
		err = claim_slot(shm, log);
	for (i = 0; !err && shm->slot >= 0 && i < obj->nr_maps; i++)
		rt_map__set_cpu(obj->maps[i], (unsigned int)shm->slot);
	if (err)
		goto out_unlink;
	obj->shm = shm;
	return 0;

out_unlink:
	if (created)
		shm_unlink(shm->name);
out_free:
	/* maps already moved point into the mapping: it must outlive them,
	 * so a failed attach keeps it with the object */
	if (shm->base && obj) {
		obj->shm = shm;
		return err;
	}
	shm_free(shm);
	return err;
}

void rt_shm__free(struct rt_shm *shm)
{
	shm_free(shm);
}

struct rt_shm *rt_shm__open(const char *name, struct rt_log *log)
{
	struct rt_shm *shm = shm_new(name, log);
	struct shm_header *h;
	struct shm_map *dir;
	size_t i;
	int fd, err;

	if (!shm) {
		errno = EINVAL;
		return NULL;
	}
	fd = shm_open(shm->name, O_RDWR, 0);
	if (fd < 0) {
		err = -errno;
		rt_log__err(log, "cannot open shared memory '%s': %s", shm->name, strerror(errno));
		goto out_free;
	}
	err = shm_map_existing(shm, fd, log);
	close(fd);
	if (err)
		goto out_free;
	h = (struct shm_header *)shm->base;
	dir = shm_dir(shm);
	if (h->btf_size)
		shm->btf = btf__new(shm->base + h->btf_off, (uint32_t)h->btf_size);
	if (shm->btf && libbpf_get_error(shm->btf))
		shm->btf = NULL;
	shm->maps = calloc(h->nr_maps + 1, sizeof(*shm->maps));
	if (!shm->maps) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < h->nr_maps; i++) {
		struct rt_map_def d = { 0 };
		struct rt_map *m;

		snprintf(d.name, sizeof(d.name), "%.63s", dir[i].name);
		d.type = dir[i].type;
		d.key_size = dir[i].key_size;
		d.value_size = dir[i].value_size;
		d.max_entries = dir[i].max_entries;
		d.map_flags = dir[i].map_flags;
		d.spin_lock_off = dir[i].spin_lock_off;
		d.btf_key_type_id = dir[i].btf_key_type_id;
		d.btf_value_type_id = dir[i].btf_value_type_id;
		m = rt_map__new(&d, log);
		if (!m) {
			err = -errno;
			goto out_free;
		}
		shm->maps[shm->nr_maps++] = m;
		if (rt_map__storage_size(m) != dir[i].size ||
		    !rt_bounds_ok(dir[i].off, dir[i].size, shm->size) || !rt_map__can_share(m)) {
			rt_log__err(log, "shared memory '%s': map '%s' does not fit its entry",
				    shm->name, d.name);
			err = -EINVAL;
			goto out_free;
		}
		err = rt_map__share(m, shm->base + dir[i].off, false);
		if (err)
			goto out_free;
	}
	return shm;

out_free:
	shm_free(shm);
	errno = -err;
	return NULL;
}

size_t rt_shm__map_cnt(const struct rt_shm *shm)
{
	return shm->nr_maps;
}

struct rt_map *rt_shm__map(const struct rt_shm *shm, size_t i)
{
	return i < shm->nr_maps ? shm->maps[i] : NULL;
}

const struct btf *rt_shm__btf(const struct rt_shm *shm)
{
	return shm->btf;
}
