/* SPDX-License-Identifier: MIT */
/*
 * What the command-line tools (bpfaot-run, bpfaot-map) share: the one error
 * printer, hex parsing, --map-set entries, the map printer behind
 * --dump-maps (one view over the runtime's maps and the kernel's, so that
 * engines print alike) and capture replay (--pcap-in). Prefix tool_. The
 * tools link the runtime's private header: they are part of the project,
 * not users of the public API.
 */
#ifndef BPFAOT_TOOL_H
#define BPFAOT_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rt_internal.h"
#include "rt_kernel.h"

/* "<progname>: error: <message>" on stderr (the tools' one printer). */
__attribute__((format(printf, 1, 2))) void tool_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tool_warn(const char *fmt, ...);

/* Parses hex bytes ("0a0b", optional 0x, spaces allowed) into a new buffer
 * (caller frees). -EINVAL on a bad digit or an odd count, -ENOMEM. */
int tool_parse_hex(const char *s, size_t len, uint8_t **out, uint32_t *size);
void tool_print_hex(FILE *f, const uint8_t *p, size_t n);

/* One --map-set=MAP:KEYHEX=VALHEX. */
struct tool_map_set {
	char *map;
	uint8_t *key, *val;
	uint32_t key_sz, val_sz;
};

/* Parses arg into ms (reports a bad argument). */
int tool_map_set__parse(struct tool_map_set *ms, const char *arg);
void tool_map_set__free(struct tool_map_set *ms);
/* Applies n entries to the runtime's maps of obj (reports failures). */
int tool_map_sets__apply(struct rt_object *obj, const struct tool_map_set *sets, size_t n);
/* Reports a failed host update of m (err < 0), saying so when the map is
 * frozen by compiled-in native code; prefix starts the message. */
void tool_map_update_err(const char *prefix, struct rt_map *m, int err);
/* Queues n entries for the kernel engine (before or after its load). */
int tool_map_sets__apply_kernel(struct rt_kernel *k, const struct tool_map_set *sets, size_t n,
				struct rt_log *log);

/* Has the kernel load only the program to run and the tail-call targets
 * the object places in prog arrays (obj may be NULL: then all of them). */
int tool_kernel_select(struct rt_kernel *k, const char *prog, const struct rt_object *obj,
		       struct rt_log *log);

/* One map, whichever engine holds it. */
struct tool_map_view {
	const char *name;
	uint32_t type, key_sz, val_sz, max_entries;
	size_t user_val_sz;
	int (*next_key)(void *cookie, const void *key, void *next);
	int (*lookup)(void *cookie, const void *key, void *val);
	void *cookie;
	/* BTF types of key and value, for the typed line; NULL/0 = hex only */
	const struct btf *btf;
	uint32_t key_type, val_type;
	/* a global-data map: its variables, typed one per line */
	const struct rt_object *obj;
	int data_map;
	/* the kernel engine's map (cookie points here) */
	struct rt_kernel *k;
	size_t k_idx;
};

/* Fills v for the runtime's map m of obj (BTF types from obj). */
void tool_map_view__init_rt(struct tool_map_view *v, struct rt_object *obj, struct rt_map *m);
/* Fills v for the kernel engine's map i; types from obj (may be NULL). */
void tool_map_view__init_kernel(struct tool_map_view *v, struct rt_kernel *k, size_t i,
				struct rt_object *obj);
const char *tool_map_type_name(uint32_t type);
/* Whether entries of this type can be listed (not ring buffers, queues, ...). */
bool tool_map_is_dumpable(uint32_t type);
/*
 * The keys of v in dump order (array order; sorted by key bytes for hash
 * maps), in a new array of *n keys of v->key_sz bytes (caller frees).
 * Returns 0 or -errno.
 */
int tool_map_view__keys(const struct tool_map_view *v, uint8_t **keys, size_t *n);
/* "  KEY: VALUE" and the BTF-typed line under it, as --dump-maps. */
void tool_map_view__print_entry(const struct tool_map_view *v, const uint8_t *key,
				const uint8_t *val);
/* Prints v as --dump-maps does ("map 'x' (array, key 4, ...):" then
 * "  KEY: VALUE" lines with the BTF-typed line under each); JSON when json,
 * first telling whether a comma is due. */
int tool_map_view__dump(const struct tool_map_view *v, bool json, bool *first);

/* --dump-maps for every map of obj, or of the kernel engine's object; ring
 * buffer records are printed and consumed. */
int tool_dump_rt_maps(struct rt_object *obj, bool json);
int tool_dump_kernel_maps(struct rt_kernel *k, struct rt_object *obj, bool json);

/* bpfaot-run --pcap-in: see docs/bpfaot-run.md. */
struct tool_replay_opts {
	const char *path;		/* the object */
	const char *prog;		/* NULL = the first */
	const char *type;		/* --type, or NULL */
	enum bpfaot_engine engine;
	bool compare;			/* run compare_engine beside engine */
	enum bpfaot_engine compare_engine;
	const char *pcap_in, *pcap_out;
	const struct tool_map_set *sets;
	size_t nr_sets;
	const void *ctx_in;		/* the same context for every packet */
	uint32_t ctx_size_in;
	uint64_t budget;
	bool dump_maps;
	bool progress;			/* the bar on stderr (a terminal) */
	const char *maps_shm;		/* --engine's maps in shared memory */
};

/* Runs the replay and prints its results on stdout; 0, -errno (reported),
 * or 1 when --compare found a difference (printed). */
int tool_replay(const struct tool_replay_opts *opts);

#endif /* BPFAOT_TOOL_H */
