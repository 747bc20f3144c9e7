// SPDX-License-Identifier: MIT
/*
 * Program types from section names, the way libbpf's section_defs maps
 * them, and the context each type gets: what the program's first argument
 * points at. The list is include/bpfaot/sections.h, shared with the
 * runtime's loader (runtime/object.c), so both type a program alike.
 */
#include <string.h>

#include "bpfaot/sections.h"
#include "fe_internal.h"

struct sec_def {
	const char *prefix;
	uint32_t type;
	enum fe_ctx_kind ctx;
	bool exact;	/* the whole name, or the prefix followed by '/' */
};

#define SEC_DEF(PREFIX, TYPE, TYPE_NAME, ATTACH, ATTACH_NAME, CTX, EXACT) \
	{ PREFIX, TYPE, FE_CTX_##CTX, EXACT },

static const struct sec_def sec_defs[] = {
	BPFAOT_SECTIONS(SEC_DEF)
	/* bpfaot's own: a program over raw memory (r1 = mem, r2 = len); the
	 * runtime gives it BPF_PROG_TYPE_UNSPEC (0) as any unknown section. */
	{ "mem", 0, FE_CTX_MEM, false },
};

#undef SEC_DEF

bool fe_prog_type_from_sec(const char *sec, uint32_t *type, enum fe_ctx_kind *ctx)
{
	size_t i, n;

	for (i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++) {
		n = strlen(sec_defs[i].prefix);
		if (strncmp(sec, sec_defs[i].prefix, n))
			continue;
		if (sec_defs[i].exact ? sec[n] != '\0' : sec[n] != '\0' && sec[n] != '/')
			continue;
		*type = sec_defs[i].type;
		*ctx = sec_defs[i].ctx;
		return true;
	}
	return false;
}

const char *fe_ctx_kind__str(enum fe_ctx_kind k)
{
	static const char *const names[] = {
		[FE_CTX_MEM] = "mem", [FE_CTX_XDP] = "xdp", [FE_CTX_SKB] = "skb",
		[FE_CTX_REGS] = "regs", [FE_CTX_RAW] = "raw",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "raw";
}

const char *fe_class__str(enum fe_class c)
{
	switch (c) {
	case FE_CLASS_VOID:
		return "void";
	case FE_CLASS_PTR:
		return "ptr";
	default:
		return "scalar";
	}
}
