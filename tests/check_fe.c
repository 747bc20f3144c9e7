// SPDX-License-Identifier: MIT
/*
 * Check suite of the frontend: the program model of every sample (programs
 * with type and context, maps with their layout, globals by section, the
 * helper ids each program reaches; the ubpf convention of a file without
 * SEC() programs), the errors of parsing (missing file, C that does not
 * compile, with the exact diagnostic), the sink's dropping of repeats, and
 * the limits of the diagnostics sink.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "testutil.h"

static const char *const parse_args[] = { "-O2", "-D__TARGET_ARCH_x86",
					  "-I/usr/include/x86_64-linux-gnu" };

struct want_map {
	const char *name;
	uint32_t type, key, value, max, flags;
};

struct want_global {
	const char *name, *section;
	uint64_t size;
};

struct want_prog {
	const char *name, *section;
	uint32_t type;
	enum fe_ctx_kind ctx;
	const char *helpers;	/* sorted ids, "1,2" */
	const char *maps;	/* sorted names */
	const char *globals;
};

struct sample {
	const char *file;
	struct want_prog progs[4];
	struct want_map maps[6];
	struct want_global globals[6];
};

static const struct sample samples[] = {
	{ .file = "xdp_counter",
	  { { "xdp_count", "xdp", 6, FE_CTX_XDP, "1", "xdp_stats", "" } },
	  { { "xdp_stats", 2, 4, 16, 5, 0 } } },
	{ .file = "xdp_firewall",
	  { { "xdp_fw", "xdp", 6, FE_CTX_XDP, "1", "blocked_v4,blocked_v6,fw_config,fw_stats", "" } },
	  { { "fw_config", 2, 4, 4, 1, 0 },
	    { "blocked_v4", 1, 4, 8, 1024, 0 },
	    { "blocked_v6", 1, 16, 8, 1024, 0 },
	    { "fw_stats", 2, 4, 8, 4, 0 } } },
	{ .file = "pkt_parser",
	  { { "parse_pkt", "tc", 3, FE_CTX_SKB, "1,2", "l4_count,last_parse", "" } },
	  { { "l4_count", 2, 4, 8, 256, 0 }, { "last_parse", 2, 4, 14, 1, 0 } } },
	{ .file = "trace_pid",
	  { { "trace_enter", "raw_tracepoint/sys_enter", 17, FE_CTX_RAW, "1,2,14",
	      "pid_count,syscall_count,trace_cfg", "target_pid" } },
	  { { "trace_cfg", 2, 4, 4, 1, 0 },
	    { "pid_count", 1, 4, 8, 10240, 0 },
	    { "syscall_count", 2, 4, 8, 512, 0 } },
	  { { "target_pid", ".rodata", 4 } } },
	{ .file = "ringbuf_events",
	  { { "xdp_events", "xdp", 6, FE_CTX_XDP, "1,130,131,132", "events,rb_stats", "" } },
	  { { "events", 27, 0, 0, 4096, 0 }, { "rb_stats", 2, 4, 8, 2, 0 } } },
	{ .file = "csum_rewrite",
	  { { "nat_rewrite", "tc", 3, FE_CTX_SKB, "1,9,10,11,26,28", "nat_cfg,nat_stats", "" } },
	  { { "nat_cfg", 2, 4, 12, 1, 0 }, { "nat_stats", 2, 4, 8, 2, 0 } } },
	{ .file = "loop_sum",
	  { { "xdp_loop_sum", "xdp", 6, FE_CTX_XDP, "1,2,181", "hist,loop_result", "" } },
	  { { "hist", 2, 4, 4, 16, 0 }, { "loop_result", 2, 4, 4, 2, 0 } } },
	{ .file = "calls_globals",
	  { { "calls_main", "xdp", 6, FE_CTX_XDP, "", "",
	      "last_hash,runs,scale,seed,total,weights" } },
	  { { NULL } },
	  { { "weights", ".rodata", 16 },
	    { "scale", ".rodata", 4 },
	    { "seed", ".data", 4 },
	    { "runs", ".data", 8 },
	    { "total", ".bss", 8 },
	    { "last_hash", ".bss", 4 } } },
	{ .file = "tail_dispatch",
	  { { "op_drop", "xdp", 6, FE_CTX_XDP, "1", "tail_hits", "" },
	    { "op_tx", "xdp", 6, FE_CTX_XDP, "1", "tail_hits", "" },
	    { "op_pass", "xdp", 6, FE_CTX_XDP, "1,2", "tail_hits", "" },
	    { "dispatch", "xdp", 6, FE_CTX_XDP, "1,12", "jmp_table,tail_hits", "" } },
	  { { "tail_hits", 2, 4, 8, 6, 0 }, { "jmp_table", 3, 4, 4, 4, 0 } } },
	{ .file = "socket_filter",
	  { { "sock_dns", "socket", 1, FE_CTX_SKB, "1,26", "sf_stats", "" } },
	  { { "sf_stats", 6, 4, 8, 3, 0 } } },
	{ .file = "map_kinds",
	  { { "xdp_map_kinds", "xdp", 6, FE_CTX_XDP, "1,2,87,88,93,94",
	      "kinds_result,len_queue,len_stack,locked,proto_lru", "" } },
	  { { "len_queue", 22, 0, 4, 8, 0 },
	    { "len_stack", 23, 0, 4, 8, 0 },
	    { "proto_lru", 9, 2, 8, 64, 0 },
	    { "locked", 2, 4, 16, 1, 0 },
	    { "kinds_result", 2, 4, 4, 2, 0 } } },
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The program's helper ids, sorted, as "1,2". */
static void helper_ids(const struct fe_prog *p, char *buf, size_t size)
{
	uint32_t ids[64];
	size_t i, n = fe_prog__nr_helpers(p), off = 0;

	ck_assert_uint_le(n, 64);
	for (i = 0; i < n; i++)
		ids[i] = fe_helper__id(fe_prog__helper(p, i));
	qsort(ids, n, sizeof(ids[0]), cmp_u32);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%u", i ? "," : "", ids[i]);
}

static void names(const char **v, size_t n, char *buf, size_t size)
{
	size_t i, off = 0;

	qsort(v, n, sizeof(*v), cmp_str);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? "," : "", v[i]);
}

START_TEST(test_sample_model)
{
	const struct sample *s = &samples[_i];
	struct fe_diags *d = fe_diags__new();
	const char *v[64];
	char path[256], buf[512];
	struct fe_unit *u;
	size_t i, j, n;

	snprintf(path, sizeof(path), "samples/%s.bpf.c", s->file);
	u = fe_unit__parse(path, parse_args, 3, d);
	ck_assert_msg(u, "%s: %s", path, fe_diags__render_str(d, "check_fe", true));
	ck_assert_int_eq(fe_diags__nr_errors(d), 0);
	for (n = 0; n < 4 && s->progs[n].name; n++)
		;
	ck_assert_uint_eq(fe_unit__nr_progs(u), n);
	for (i = 0; i < n; i++) {
		const struct want_prog *w = &s->progs[i];
		struct fe_prog *p = fe_unit__prog(u, i);

		ck_assert_str_eq(fe_prog__name(p), w->name);
		ck_assert_ptr_eq(fe_unit__find_prog(u, w->name), p);
		ck_assert_str_eq(fe_prog__section(p), w->section);
		ck_assert_uint_eq(fe_prog__type(p), w->type);
		ck_assert_int_eq(fe_prog__ctx(p), w->ctx);
		ck_assert_uint_eq(fe_prog__nr_params(p), 1);
		ck_assert_ptr_null(fe_prog__unsupported(p, NULL));
		helper_ids(p, buf, sizeof(buf));
		ck_assert_str_eq(buf, w->helpers);
		for (j = 0; j < fe_prog__nr_maps(p); j++)
			v[j] = fe_map__name(fe_prog__map(p, j));
		names(v, fe_prog__nr_maps(p), buf, sizeof(buf));
		ck_assert_str_eq(buf, w->maps);
		for (j = 0; j < fe_prog__nr_globals(p); j++)
			v[j] = fe_global__name(fe_prog__global(p, j));
		names(v, fe_prog__nr_globals(p), buf, sizeof(buf));
		ck_assert_str_eq(buf, w->globals);
	}
	for (n = 0; n < 6 && s->maps[n].name; n++) {
		const struct want_map *w = &s->maps[n];
		struct fe_map *m = fe_unit__map(u, n);

		ck_assert_str_eq(fe_map__name(m), w->name);
		ck_assert(!fe_map__is_legacy(m));
		ck_assert_uint_eq(fe_map__type(m), w->type);
		ck_assert_uint_eq(fe_map__key_size(m), w->key);
		ck_assert_uint_eq(fe_map__value_size(m), w->value);
		ck_assert_uint_eq(fe_map__max_entries(m), w->max);
		ck_assert_uint_eq(fe_map__flags(m), w->flags);
	}
	ck_assert_uint_eq(fe_unit__nr_maps(u), n);
	for (n = 0; n < 6 && s->globals[n].name; n++) {
		struct fe_global *g = fe_unit__global(u, n);

		ck_assert_str_eq(fe_global__name(g), s->globals[n].name);
		ck_assert_str_eq(fe_global__section(g), s->globals[n].section);
		ck_assert_uint_eq(fe_global__size(g), s->globals[n].size);
		ck_assert_int_eq(fe_global__offset(g), -1);
	}
	ck_assert_uint_eq(fe_unit__nr_globals(u), n);
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_helper_proto)
{
	struct fe_diags *d = fe_diags__new();
	struct fe_unit *u = fe_unit__parse("samples/ringbuf_events.bpf.c", parse_args, 3, d);
	struct fe_helper *h;

	ck_assert_ptr_nonnull(u);
	h = fe_unit__find_helper(u, "bpf_map_lookup_elem");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(fe_helper__id(h), 1);
	ck_assert_str_eq(fe_helper__proto(h),
			 "void *bpf_map_lookup_elem(void *map, const void *key)");
	ck_assert_str_eq(fe_helper__ext_proto(h),
			 "void *_bpf_helper_ext_0001(void *map, const void *key)");
	ck_assert_int_eq(fe_helper__ret(h), FE_CLASS_PTR);
	ck_assert_str_eq(fe_helper__ret_type(h), "void *");
	ck_assert_uint_eq(fe_helper__nr_args(h), 2);
	h = fe_unit__find_helper(u, "bpf_ringbuf_submit");
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(fe_helper__ret(h), FE_CLASS_VOID);
	ck_assert_str_eq(fe_helper__ret_type(h), "void");
	ck_assert_int_eq(fe_helper__arg(h, 0), FE_CLASS_PTR);
	ck_assert_int_eq(fe_helper__arg(h, 1), FE_CLASS_SCALAR);
	ck_assert(!fe_helper__is_variadic(h));
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_funcs_and_legacy)
{
	struct fe_diags *d = fe_diags__new();
	struct fe_unit *u = fe_unit__parse("tests/data/fe/model.bpf.c", parse_args, 3, d);
	struct fe_prog *p;
	struct fe_map *m;
	CXSourceLocation loc;

	ck_assert_msg(u, "%s", fe_diags__render_str(d, "check_fe", true));
	ck_assert_uint_eq(fe_unit__nr_funcs(u), 4);
	ck_assert_str_eq(fe_func__name(fe_unit__func(u, 0)), "helper_text");
	ck_assert_str_eq(fe_func__section(fe_unit__func(u, 0)), ".text");
	ck_assert(fe_func__is_static(fe_unit__func(u, 1)));
	ck_assert_uint_eq(fe_unit__nr_progs(u), 2);
	p = fe_unit__find_prog(u, "kp");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fe_prog__type(p), 2);
	ck_assert_int_eq(fe_prog__ctx(p), FE_CTX_REGS);
	ck_assert_uint_eq(fe_prog__nr_funcs(p), 3);
	p = fe_unit__find_prog(u, "core");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fe_prog__type(p), 0);
	ck_assert_int_eq(fe_prog__ctx(p), FE_CTX_MEM);
	ck_assert_uint_eq(fe_prog__nr_params(p), 2);
	ck_assert_str_eq(fe_prog__unsupported(p, &loc), "__builtin_btf_type_id");
	m = fe_unit__find_map(u, "legacy");
	ck_assert_ptr_nonnull(m);
	ck_assert(fe_map__is_legacy(m));
	ck_assert_uint_eq(fe_map__type(m), 1);
	ck_assert_uint_eq(fe_map__key_size(m), 4);
	ck_assert_uint_eq(fe_map__value_size(m), 8);
	ck_assert_uint_eq(fe_map__max_entries(m), 32);
	ck_assert_uint_eq(fe_map__flags(m), 1);
	ck_assert_str_eq(fe_global__section(fe_unit__find_global(u, "custom")), ".data.custom");
	ck_assert_str_eq(fe_global__section(fe_unit__find_global(u, "zeroed")), ".bss");
	ck_assert_ptr_null(fe_unit__find_global(u, "LICENSE"));
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

/* No SEC() program: each global function of .text is a raw-memory
 * program, as the runtime reads the object (the ubpf convention). */
START_TEST(test_ubpf_convention)
{
	static const char *const want[] = { "inl", "sum", "first", "seven" };
	struct fe_diags *d = fe_diags__new();
	struct fe_unit *u = fe_unit__parse("tests/data/fe/ubpf.bpf.c", parse_args, 3, d);
	struct fe_prog *p;
	size_t i;

	ck_assert_msg(u, "%s", fe_diags__render_str(d, "check_fe", true));
	ck_assert_uint_eq(fe_unit__nr_progs(u), 4);
	for (i = 0; i < 4; i++) {
		p = fe_unit__prog(u, i);
		ck_assert_str_eq(fe_prog__name(p), want[i]);
		ck_assert_str_eq(fe_prog__section(p), ".text");
		ck_assert_uint_eq(fe_prog__type(p), 0);
		ck_assert_int_eq(fe_prog__ctx(p), FE_CTX_MEM);
	}
	/* static by storage class or by an earlier declaration: not programs */
	ck_assert_ptr_null(fe_unit__find_prog(u, "twice"));
	ck_assert_ptr_null(fe_unit__find_prog(u, "hidden"));
	p = fe_unit__find_prog(u, "sum");
	ck_assert_uint_eq(fe_prog__nr_params(p), 2);
	ck_assert_uint_eq(fe_prog__nr_funcs(p), 3);
	ck_assert_uint_eq(fe_prog__nr_globals(p), 1);
	ck_assert_ptr_null(fe_func__section(fe_prog__func(p)));
	ck_assert_str_eq(fe_func__section(fe_prog__func(fe_unit__find_prog(u, "seven"))), ".text");
	fe_unit__free(u);
	fe_diags__free(d);

	/* one SEC() program: .text functions are subprograms again */
	d = fe_diags__new();
	u = fe_unit__parse("tests/data/fe/model.bpf.c", parse_args, 3, d);
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_null(fe_unit__find_prog(u, "helper_text"));
	fe_unit__free(u);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_missing_file)
{
	struct fe_diags *d = fe_diags__new();

	errno = 0;
	ck_assert_ptr_null(fe_unit__parse("tests/data/fe/no-such.bpf.c", parse_args, 3, d));
	ck_assert_int_eq(errno, ENOENT);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_bad_source)
{
	struct fe_diags *d = fe_diags__new();
	char *text;

	errno = 0;
	ck_assert_ptr_null(fe_unit__parse("tests/data/fe/bad.bpf.c", parse_args, 3, d));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fe_diags__nr_errors(d), 1);
	text = fe_diags__render_str(d, "bpfaot-cc", true);
	ck_assert_str_eq(text, "tests/data/fe/bad.bpf.c:6:9: error: use of undeclared identifier "
			       "'nope'\n"
			       "        return nope + ctx->data;\n"
			       "               ^\n"
			       "1 error generated.\n");
	free(text);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_diag_sink)
{
	struct fe_diags *d = fe_diags__new();
	char *text;

	fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "cannot open '%s'", "x.bpf.c");
	fe_diag_pos(d, FE_WARNING, "tests/data/fe/bad.bpf.c", 6, 16, "look %s", "here");
	ck_assert_int_eq(fe_diags__nr_errors(d), 1);
	ck_assert_uint_eq(fe_diags__count(d), 2);
	text = fe_diags__render_str(d, "bpfaot-cc", false);
	ck_assert_str_eq(text, "bpfaot-cc: error: cannot open 'x.bpf.c'\n"
			       "tests/data/fe/bad.bpf.c:6:16: warning: look here\n"
			       "        return nope + ctx->data;\n"
			       "                      ^\n");
	free(text);
	fe_diags__free(d);
	fe_diags__free(NULL);
}
END_TEST

/* The per-program rewrites share one sink: an exact repeat of an error or
 * warning (and the notes under it) is dropped, as clang shows a header's
 * diagnostics once; anything that differs is kept. */
START_TEST(test_diag_repeat)
{
	static const char *const f = "tests/data/fe/bad.bpf.c";
	struct fe_diags *d = fe_diags__new();
	char *text;
	int i;

	for (i = 0; i < 3; i++) {
		fe_diag_pos(d, FE_WARNING, f, 6, 16, "cannot remove '%s'", "x");
		fe_diag_pos(d, FE_NOTE, f, 6, 9, "declared here");
		fe_diag_pos(d, FE_ERROR, NULL, 0, 0, "internal error");
	}
	fe_diag_pos(d, FE_ERROR, f, 6, 16, "cannot remove '%s'", "x");	/* severity */
	fe_diag_pos(d, FE_WARNING, f, 6, 9, "cannot remove '%s'", "x");	/* column */
	fe_diag_pos(d, FE_WARNING, f, 6, 16, "cannot remove '%s'", "y");	/* text */
	fe_diag_pos(d, FE_NOTE, f, 6, 9, "declared here");	/* a note of a new warning */
	ck_assert_uint_eq(fe_diags__count(d), 7);
	ck_assert_int_eq(fe_diags__nr_errors(d), 2);
	text = fe_diags__render_str(d, "bpfaot-cc", true);
	ck_assert_str_eq(text, "tests/data/fe/bad.bpf.c:6:16: warning: cannot remove 'x'\n"
			       "        return nope + ctx->data;\n"
			       "                      ^\n"
			       "tests/data/fe/bad.bpf.c:6:9: note: declared here\n"
			       "        return nope + ctx->data;\n"
			       "               ^\n"
			       "bpfaot-cc: error: internal error\n"
			       "tests/data/fe/bad.bpf.c:6:16: error: cannot remove 'x'\n"
			       "        return nope + ctx->data;\n"
			       "                      ^\n"
			       "tests/data/fe/bad.bpf.c:6:9: warning: cannot remove 'x'\n"
			       "        return nope + ctx->data;\n"
			       "               ^\n"
			       "tests/data/fe/bad.bpf.c:6:16: warning: cannot remove 'y'\n"
			       "        return nope + ctx->data;\n"
			       "                      ^\n"
			       "tests/data/fe/bad.bpf.c:6:9: note: declared here\n"
			       "        return nope + ctx->data;\n"
			       "               ^\n"
			       "2 errors generated.\n");
	free(text);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_diag_many)
{
	struct fe_diags *d = fe_diags__new();
	int i;

	fe_diags__set_werror_aot(d, true);
	for (i = 0; i < 10000; i++)
		fe_diag_pos(d, i % 2 ? FE_WARNING : FE_ERROR, NULL, 0, 0, "n %d", i);
	ck_assert_int_eq(fe_diags__nr_errors(d), 5000);
	ck_assert_uint_eq(fe_diags__count(d), 10000);
	fe_diags__free(d);
}
END_TEST

START_TEST(test_sec_table)
{
	uint32_t type;
	enum fe_ctx_kind ctx;

	ck_assert(fe_prog_type_from_sec("xdp", &type, &ctx) && type == 6 && ctx == FE_CTX_XDP);
	ck_assert(fe_prog_type_from_sec("classifier/x", &type, &ctx) && type == 3);
	ck_assert(fe_prog_type_from_sec("raw_tp/sys_enter", &type, &ctx) && type == 17 &&
		  ctx == FE_CTX_RAW);
	ck_assert(fe_prog_type_from_sec("kprobe/do_sys_open", &type, &ctx) && type == 2 &&
		  ctx == FE_CTX_REGS);
	ck_assert(fe_prog_type_from_sec("tracepoint/a/b", &type, &ctx) && type == 5);
	ck_assert(fe_prog_type_from_sec("socket", &type, &ctx) && type == 1 && ctx == FE_CTX_SKB);
	ck_assert(!fe_prog_type_from_sec("xdpfoo", &type, &ctx));
	ck_assert(!fe_prog_type_from_sec("lwt_in/x", &type, &ctx));
	ck_assert_str_eq(fe_ctx_kind__str(FE_CTX_MEM), "mem");
}
END_TEST

/* fe_skim() on a hand-written preprocessed unit: per line, what must be
 * left of it (decided by hand from the rules in frontend/skim.c). KEEP:
 * unchanged; BLANK: as many spaces as it had characters; NAME: its first
 * `keep` characters, spaces, and its last character (`;`). */
enum skim_want { KEEP, BLANK, NAME };

struct skim_line {
	const char *text;
	enum skim_want want;
	unsigned keep;
};

static const struct skim_line skim_lines[] = {
	{ "# 1 \"t.bpf.c\"", KEEP, 0 },
	{ "typedef unsigned int u32;", KEEP, 0 },	/* struct a's member */
	{ "typedef unsigned long long u64;", BLANK, 0 },	/* nobody's */
	{ "struct inner { u32 x; };", KEEP, 0 },	/* by value in struct a */
	{ "struct far { int deep; };", BLANK, 0 },	/* only in ptr_only's body */
	{ "struct ptr_only { struct far *f; int y; };", NAME, 15 },	/* behind a `*` */
	{ "enum { SIZE = 4, OTHER = 5 };", KEEP, 0 },	/* SIZE: struct a's bound */
	{ "enum unused_e { U1, U2 };", BLANK, 0 },
	{ "#pragma pack(push, 1)", KEEP, 0 },
	{ "struct a { struct inner in; struct ptr_only *p; u32 arr[SIZE]; };", KEEP, 0 },
	{ "struct member_only { int val; };", KEEP, 0 },	/* c->m->val */
	{ "struct c { struct member_only *m; };", KEEP, 0 },
	{ "struct inner_enum { enum { IE_A, IE_B } k; };", KEEP, 0 },	/* IE_B in prog */
	{ "struct unused {", BLANK, 0 },
	{ "# 7 \"t.h\"", KEEP, 0 },	/* a line marker inside stays */
	{ "  int z; };", BLANK, 0 },
	{ "int used_proto(int);", KEEP, 0 },
	{ "int unused_proto(int);", BLANK, 0 },
	{ "typedef int (*cb_t)(u64 arg);", BLANK, 0 },	/* u64 is named in a blank one */
	{ "struct fwd;", KEEP, 0 },	/* forward declarations stay */
	{ "int (*fnptr_var)(void);", KEEP, 0 },	/* a variable */
	{ "static int counter;", KEEP, 0 },
	{ "int prog(struct a *a, struct c *c)", KEEP, 0 },
	{ "{ return used_proto(a->arr[0]) + c->m->val + counter + IE_B; }", KEEP, 0 },
};

START_TEST(test_skim)
{
	size_t n = sizeof(skim_lines) / sizeof(skim_lines[0]), i, len = 0, off = 0, k;
	struct fe_skim_stats st;
	char *src, *in;

	for (i = 0; i < n; i++)
		len += strlen(skim_lines[i].text) + 1;
	src = malloc(len + 1);
	ck_assert_ptr_nonnull(src);
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(src + off, "%s\n", skim_lines[i].text);
	in = strdup(src);
	ck_assert_int_eq(fe_skim(src, len, &st), 0);
	/* 19 declarations (line markers and pragmas are none): 6 left out, 1 by name */
	ck_assert_uint_eq(st.decls, 19);
	ck_assert_uint_eq(st.left_out, 6);
	ck_assert_uint_eq(st.by_name, 1);
	for (i = 0, off = 0; i < n; i++) {
		const struct skim_line *l = &skim_lines[i];
		size_t ll = strlen(l->text);

		ck_assert_msg(src[off + ll] == '\n', "line %zu lost its end", i);
		for (k = 0; k < ll; k++) {
			char want = l->text[k];

			if (l->want == BLANK || (l->want == NAME && k >= l->keep && k + 1 < ll))
				want = ' ';
			ck_assert_msg(src[off + k] == want, "line %zu ('%s'), column %zu: '%c', want '%c'",
				      i, l->text, k, src[off + k], want);
		}
		off += ll + 1;
	}
	/* nothing to leave out: the text stays as it was */
	strcpy(src, "# 1 \"t.bpf.c\"\ntypedef unsigned int u32;\nu32 x;\n");
	ck_assert_int_eq(fe_skim(src, strlen(src), &st), 0);
	ck_assert_uint_eq(st.decls, 2);
	ck_assert_uint_eq(st.left_out + st.by_name, 0);
	ck_assert_str_eq(src, "# 1 \"t.bpf.c\"\ntypedef unsigned int u32;\nu32 x;\n");
	/* a literal that does not end: left whole, nothing counted */
	strcpy(src, "struct x { int a; };\nchar *s = \"abc\n");
	ck_assert_int_eq(fe_skim(src, strlen(src), &st), 0);
	ck_assert_uint_eq(st.decls, 0);
	ck_assert_str_eq(src, "struct x { int a; };\nchar *s = \"abc\n");
	free(in);
	free(src);
}
END_TEST

static Suite *fe_suite(void)
{
	Suite *s = suite_create("fe");
	TCase *core = tcase_create("core"), *errors = tcase_create("errors");
	TCase *limits = tcase_create("limits");

	tcase_add_loop_test(core, test_sample_model, 0, sizeof(samples) / sizeof(samples[0]));
	tcase_add_test(core, test_helper_proto);
	tcase_add_test(core, test_funcs_and_legacy);
	tcase_add_test(core, test_ubpf_convention);
	tcase_add_test(core, test_sec_table);
	tcase_add_test(core, test_skim);
	tcase_set_timeout(core, 60);
	tcase_add_test(errors, test_missing_file);
	tcase_add_test(errors, test_bad_source);
	tcase_add_test(errors, test_diag_sink);
	tcase_add_test(errors, test_diag_repeat);
	tcase_add_test(limits, test_diag_many);
	suite_add_tcase(s, core);
	suite_add_tcase(s, errors);
	suite_add_tcase(s, limits);
	return s;
}

TEST_MAIN(fe_suite)
