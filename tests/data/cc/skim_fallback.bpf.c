// SPDX-License-Identifier: MIT
/*
 * A unit whose skim (frontend/skim.c) leaves out too much: struct payload
 * is named only behind a `*` in a kept record, and the code reaches it
 * through holder's member p, a name payload's own body does not mention.
 * So the skim keeps payload by name only, `sizeof(*hp->p)` does not parse,
 * and bpfaot-cc parses the whole unit instead (-v says so). The program
 * returns sizeof(struct payload) + h.p's bit = 24 + 0 (the .bss is 0).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct payload {
	__u64 a, b, c;
};

struct holder {
	struct payload *p;
	__u32 bit;
};

struct holder h;

SEC("xdp")
int skim_fallback(struct xdp_md *ctx)
{
	struct holder *hp = &h;

	return sizeof(*hp->p) + hp->bit;
}

char LICENSE[] SEC("license") = "GPL";
