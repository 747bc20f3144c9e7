// SPDX-License-Identifier: MIT
/*
 * The tools' shared small parts: the error printer, hex parsing, and
 * --map-set entries (parsed once, applied to the runtime's maps or queued
 * for the kernel engine).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void vreport(const char *what, const char *fmt, va_list ap)
{
	/* program_invocation_short_name: "bpfaot-run" or "bpfaot-map" */
	fprintf(stderr, "%s: %s: ", program_invocation_short_name, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tool_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error", fmt, ap);
	va_end(ap);
}

void tool_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning", fmt, ap);
	va_end(ap);
}

int tool_parse_hex(const char *s, size_t len, uint8_t **out, uint32_t *size)
{
	uint8_t *buf = malloc(len / 2 + 1);
	uint32_t n = 0;
	size_t i = 0;

	if (!buf)
		return -ENOMEM;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	while (i < len) {
		int hi, lo;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (i + 1 >= len || (hi = rt_hexval(s[i])) < 0 || (lo = rt_hexval(s[i + 1])) < 0) {
			free(buf);
			return -EINVAL;
		}
		buf[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*out = buf;
	*size = n;
	return 0;
}

void tool_print_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* MAP:KEYHEX=VALHEX; the map name may itself contain ':' only before the last one. */
int tool_map_set__parse(struct tool_map_set *ms, const char *arg)
{
	const char *colon = strrchr(arg, ':'), *eq;

	memset(ms, 0, sizeof(*ms));
	eq = colon ? strchr(colon, '=') : NULL;
	if (!colon || !eq || colon == arg) {
		tool_err("bad --map-set '%s': expected MAP:KEYHEX=VALHEX", arg);
		return -EINVAL;
	}
	ms->map = strndup(arg, (size_t)(colon - arg));
	if (!ms->map)
		return -ENOMEM;
	if (tool_parse_hex(colon + 1, (size_t)(eq - colon - 1), &ms->key, &ms->key_sz) ||
	    tool_parse_hex(eq + 1, strlen(eq + 1), &ms->val, &ms->val_sz)) {
		tool_err("bad --map-set '%s': key and value must be hex bytes", arg);
		return -EINVAL;
	}
	return 0;
}

void tool_map_set__free(struct tool_map_set *ms)
{
	if (!ms)
		return;
	free(ms->map);
	free(ms->key);
	free(ms->val);
}

int tool_map_sets__apply(struct rt_object *obj, const struct tool_map_set *sets, size_t n)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		struct rt_map *m = rt_object__find_map(obj, sets[i].map);
		const struct rt_map_def *d;

		if (!m) {
			tool_err("--map-set: no map '%s' in '%s'", sets[i].map, obj->path);
			return -ENOENT;
		}
		d = rt_map__def(m);
		if (sets[i].key_sz != d->key_size ||
		    sets[i].val_sz != rt_map__user_value_size(m)) {
			tool_err("--map-set: map '%s' has key size %u and value size %zu, not %u and %u",
				 sets[i].map, d->key_size, rt_map__user_value_size(m), sets[i].key_sz,
				 sets[i].val_sz);
			return -EINVAL;
		}
		err = rt_map__user_update(m, sets[i].key, sets[i].val, BPF_ANY);
		if (err) {
			tool_map_update_err("--map-set: ", m, err);
			return err;
		}
	}
	return 0;
}

void tool_map_update_err(const char *prefix, struct rt_map *m, int err)
{
	if (err == -EPERM && rt_map__is_frozen(m))
		tool_err("%scannot update map '%s': it is frozen: linked native code has its values "
			 "compiled in (bpfaot-cc --aot-const, --aot-const-map)", prefix, rt_map__name(m));
	else
		tool_err("%scannot update map '%s': %s", prefix, rt_map__name(m), strerror(-err));
}

int tool_map_sets__apply_kernel(struct rt_kernel *k, const struct tool_map_set *sets, size_t n,
				struct rt_log *log)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		err = rt_kernel__set_initial(k, sets[i].map, sets[i].key, sets[i].key_sz,
					     sets[i].val, sets[i].val_sz, log);
		if (err)
			return err;
	}
	return 0;
}

/* Has the kernel load only the program to run and the tail-call targets
 * the object places in prog arrays (obj may be NULL: then all of them). */
int tool_kernel_select(struct rt_kernel *k, const char *prog, const struct rt_object *obj,
		       struct rt_log *log)
{
	const char **also;
	size_t i, n = 0;
	int err;

	if (!obj)
		return 0;
	also = calloc(obj->nr_progs + 1, sizeof(*also));
	if (!also)
		return -ENOMEM;
	for (i = 0; i < obj->nr_progs; i++)
		if (obj->progs[i].tail_target)
			also[n++] = obj->progs[i].name;
	err = rt_kernel__select(k, prog, also, n, log);
	free(also);
	return err;
}
