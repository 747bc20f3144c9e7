// SPDX-License-Identifier: MIT
/*
 * Tests of the conformance file reader (runtime/conf.c) and the assembler
 * (runtime/asm.c): every file of the conformance suite parses, encodings
 * match words computed by hand from RFC 9669, syntax errors give their
 * file:line message, and large inputs neither crash nor leak.
 *
 * The suite is found at ../shared/conformance/tests (the tests run from the
 * repository root) unless BPFAOT_CONFORMANCE_DIR says otherwise.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_insn.h"
#include "testutil.h"

/* The whole file, exactly len bytes (no NUL: the parser must not need one). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f, "cannot open '%s': %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

static struct rt_conf *parse_file(const char *path, char *log_buf, size_t log_size)
{
	struct rt_log log = { .buf = log_buf, .size = log_size };
	struct rt_conf *conf;
	size_t len;
	char *text = slurp(path, &len);

	log_buf[0] = '\0';
	conf = rt_conf__parse(text, len, path, &log);
	free(text);
	return conf;
}

static struct rt_conf *parse_text(const char *text, char *log_buf, size_t log_size)
{
	struct rt_log log = { .buf = log_buf, .size = log_size };

	log_buf[0] = '\0';
	return rt_conf__parse(text, strlen(text), "t.data", &log);
}

/* The little-endian word of an instruction, as the RFC draws it. */
static uint64_t word(const struct rt_insn *i)
{
	return (uint64_t)i->code | (uint64_t)i->dst << 8 | (uint64_t)i->src << 12 |
	       (uint64_t)(uint16_t)i->off << 16 | (uint64_t)(uint32_t)i->imm << 32;
}

/* Assembles text, which must succeed; caller frees *insns. */
static size_t assemble(const char *text, struct rt_insn **insns)
{
	char buf[256] = "";
	struct rt_log log = { .buf = buf, .size = sizeof(buf) };
	size_t cnt = 0;
	int err = rt_asm(text, "t.s", 1, insns, &cnt, &log);

	ck_assert_msg(!err, "'%s' failed: %d %s", text, err, buf);
	return cnt;
}

/* ---------------------------------------------------------------- core */

START_TEST(test_all_files_parse)
{
	char pattern[4096], log[512];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/*.data", test_conf_dir());
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	/* the README counts 313 files; fewer means the wrong directory */
	ck_assert_uint_ge(g.gl_pathc, 313);
	for (i = 0; i < g.gl_pathc; i++) {
		struct rt_conf *c = parse_file(g.gl_pathv[i], log, sizeof(log));

		ck_assert_msg(c, "%s: %s", g.gl_pathv[i], log);
		ck_assert_msg(c->nr_insns > 0, "%s: no instructions", g.gl_pathv[i]);
		ck_assert_msg(c->has_result, "%s: no result", g.gl_pathv[i]);
		ck_assert_msg(!c->has_error && !c->error, "%s: has an error", g.gl_pathv[i]);
		ck_assert_msg(!c->mem_size == !c->mem, "%s: mem", g.gl_pathv[i]);
		rt_conf__free(c);
	}
	globfree(&g);
}
END_TEST

/* lddw.data has both sections: -- raw wins and must equal -- asm assembled. */
START_TEST(test_lddw_raw_equals_asm)
{
	static const uint64_t want[] = { 0x5566778800000018ull, 0x1122334400000000ull,
					 0x0000000000000095ull };
	char path[4096], log[512];
	struct rt_insn *insns;
	struct rt_conf *c;
	size_t i, n;

	snprintf(path, sizeof(path), "%s/lddw.data", test_conf_dir());
	c = parse_file(path, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, 3);
	n = assemble("lddw %r0, 0x1122334455667788\nexit\n", &insns);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(word(&c->insns[i]), want[i]);
		ck_assert_uint_eq(word(&insns[i]), want[i]);
	}
	ck_assert(c->has_result);
	ck_assert_uint_eq(c->result, 0x1122334455667788ull);
	free(insns);
	rt_conf__free(c);
}
END_TEST

/* Words computed by hand from RFC 9669 section 3 and 5 tables. */
static const struct {
	const char *text;
	uint64_t want;
} encodings[] = {
	{ "mov32 %r0, 1", 0x00000001000000b4ull },
	{ "mov %r1, -1", 0xffffffff000001b7ull },
	{ "mov32 %r0, 0xffffffff", 0xffffffff000000b4ull },
	{ "mov %r0, -2147483648", 0x80000000000000b7ull },
	{ "mov %r0, 2147483647", 0x7fffffff000000b7ull },
	{ "add %r0, %r1", 0x000000000000100full },
	{ "sub32 %r9, %r10", 0x000000000000a91cull },
	{ "arsh32 %r0, 4", 0x00000004000000c4ull },
	{ "rsh %r1, %r2", 0x000000000000217full },
	{ "xor %r3, 0x0f", 0x0000000f000003a7ull },
	{ "mod32 %r1, 3", 0x0000000300000194ull },
	{ "div %r1, 0", 0x0000000000000137ull },
	{ "neg %r0", 0x0000000000000087ull },
	{ "neg32 %r2", 0x0000000000000284ull },
	/* v4: signed division (off = 1) and sign-extending moves (off = bits) */
	{ "sdiv %r0, %r1", 0x000000000001103full },
	{ "sdiv32 %r0, -3", 0xfffffffd00010034ull },
	{ "smod32 %r0, 3", 0x0000000300010094ull },
	{ "smod %r4, %r5", 0x000000000001549full },
	{ "movsx864 %r0, %r1", 0x00000000000810bfull },
	{ "movsx1664 %r0, %r1", 0x00000000001010bfull },
	{ "movsx3264 %r0, %r1", 0x00000000002010bfull },
	{ "movsx832 %r2, %r3", 0x00000000000832bcull },
	{ "movsx1632 %r2, %r3", 0x00000000001032bcull },
	/* byte swaps: imm is the width; bswap is ALU64 | END (0xd7) */
	{ "be16 %r0", 0x00000010000000dcull },
	{ "be64 %r9", 0x00000040000009dcull },
	{ "le32 %r1", 0x00000020000001d4ull },
	{ "bswap64 %r0", 0x00000040000000d7ull },
	{ "swap16 %r3", 0x00000010000003d7ull },
	{ "bswap32 %r3", 0x00000020000003d7ull },
	/* loads and stores */
	{ "ldxb %r0, [%r1+0x2]", 0x0000000000021071ull },
	{ "ldxh %r2, [%r0+14]", 0x00000000000e0269ull },
	{ "ldxw %r0, [%r1]", 0x0000000000001061ull },
	{ "ldxdw %r0, [%r10-8]", 0x00000000fff8a079ull },
	{ "ldxdw %r0, [ %r10 - 8 ]", 0x00000000fff8a079ull },
	{ "ldxsb %r0, [%r1+1]", 0x0000000000011091ull },
	{ "ldxsh %r0, [%r1+1]", 0x0000000000011089ull },
	{ "ldxsw %r0, [%r10-4]", 0x00000000fffca081ull },
	{ "stb [%r10-1], 0xff", 0x000000ffffff0a72ull },
	{ "sth [%r0], 0x1234", 0x000012340000006aull },
	{ "stw [%r1+2], 0x1", 0x0000000100020162ull },
	{ "stdw [%r1+2], -1", 0xffffffff0002017aull },
	{ "stxb [%r10-1], %r1", 0x00000000ffff1a73ull },
	{ "stxdw [%r10-8], %r0", 0x00000000fff80a7bull },
	{ "stxw [%r1-32768], %r2", 0x0000000080002163ull },
	{ "ldabsw 4", 0x0000000400000020ull },
	{ "ldindh %r1, 2", 0x0000000200001048ull },
	/* atomics: STX | ATOMIC | W/DW, imm selects the operation */
	{ "lock add [%r10-8], %r1", 0x00000000fff81adbull },
	{ "lock add32 [%r10-4], %r1", 0x00000000fffc1ac3ull },
	{ "lock fetch add32 [%r10-4], %r1", 0x00000001fffc1ac3ull },
	{ "lock or [%r10-8], %r1", 0x00000040fff81adbull },
	{ "lock fetch and [%r10-8], %r3", 0x00000051fff83adbull },
	{ "lock fetch xor32 [%r10-8], %r1", 0x000000a1fff81ac3ull },
	{ "lock xchg [%r10-8], %r1", 0x000000e1fff81adbull },
	{ "lock cmpxchg32 [%r10-8], %r1", 0x000000f1fff81ac3ull },
	/* jumps with numeric offsets, calls, exit */
	{ "jne %r0, 15, +3", 0x0000000f00030055ull },
	{ "jeq32 %r1, %r2, -1", 0x00000000ffff211eull },
	{ "jsgt %r1, 0x80000000, +1", 0x8000000000010165ull },
	{ "jset %r1, %r2, +0", 0x000000000000214dull },
	{ "jslt32 %r3, -5, +2", 0xfffffffb000203c6ull },
	{ "ja +1", 0x0000000000010005ull },
	{ "ja -32768", 0x0000000080000005ull },
	{ "ja32 +5", 0x0000000500000006ull },
	{ "ja32 -70000", 0xfffeee9000000006ull },
	{ "call 5", 0x0000000500000085ull },
	{ "call %r2", 0x000000000000028dull },
	{ "call helper 1", 0x0000000100000085ull },
	{ "call kfunc 7", 0x0000000700002085ull },
	{ "exit", 0x0000000000000095ull },
};

START_TEST(test_encodings)
{
	struct rt_insn *insns;
	size_t n = assemble(encodings[_i].text, &insns);

	ck_assert_msg(n == 1, "'%s': %zu insns", encodings[_i].text, n);
	ck_assert_msg(word(insns) == encodings[_i].want, "'%s': got %#018llx want %#018llx",
		      encodings[_i].text, (unsigned long long)word(insns),
		      (unsigned long long)encodings[_i].want);
	free(insns);
}
END_TEST

START_TEST(test_lddw_forms)
{
	struct rt_insn *insns;
	size_t n = assemble("lddw %r1, -1\nlddw %r2, 18446744073709551615\nlddw %r3, 0x5\n",
			    &insns);

	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(word(&insns[0]), 0xffffffff00000118ull);
	ck_assert_uint_eq(word(&insns[1]), 0xffffffff00000000ull);
	ck_assert_uint_eq(word(&insns[2]), 0xffffffff00000218ull);
	ck_assert_uint_eq(word(&insns[3]), 0xffffffff00000000ull);
	ck_assert_uint_eq(word(&insns[4]), 0x0000000500000318ull);
	ck_assert_uint_eq(word(&insns[5]), 0);
	free(insns);
}
END_TEST

START_TEST(test_labels)
{
	static const char text[] = "# a comment line\n"
				   "mov %r0, 0          # 0\n"
				   "ja L2               # 1\n"
				   "L1:\n"
				   "exit                # 2\n"
				   "L2: mov %r0, 1      # 3\n"
				   "lddw %r1, 1         # 4, 5\n"
				   "ja32 L1             # 6\n"
				   "call local func1    # 7\n"
				   "jne %r0, 1, exit    # 8: the first exit\n"
				   "jeq32 %r0, %r1, L2  # 9\n"
				   "func1:\n"
				   "exit                # 10\n";
	struct rt_insn *insns;
	size_t n = assemble(text, &insns);

	ck_assert_uint_eq(n, 11);
	ck_assert_int_eq(insns[1].off, 1);
	ck_assert_int_eq(insns[3].code, RT_CLASS_ALU64 | RT_OP_MOV | RT_SRC_K);
	ck_assert_int_eq(insns[6].imm, -5);
	ck_assert_int_eq(insns[6].off, 0);
	ck_assert_int_eq(insns[7].src, RT_CALL_LOCAL);
	ck_assert_int_eq(insns[7].imm, 2);
	ck_assert_int_eq(insns[8].off, -7);
	ck_assert_int_eq(insns[9].off, -7);
	free(insns);
}
END_TEST

/* A user label named exit wins over the implicit one. */
START_TEST(test_exit_label)
{
	struct rt_insn *insns;
	size_t n = assemble("ja exit\nexit\nexit:\nexit\n", &insns);

	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(insns[0].off, 1);
	free(insns);
}
END_TEST

START_TEST(test_sections)
{
	static const char text[] = "# preamble comment\n"
				   "-- asm\n"
				   "mov %r0, 1 # set\n"
				   "\n"
				   "exit\n"
				   "-- c\n"
				   "int f(void) { return 1; } -- not a section\n"
				   "-- mem\n"
				   "aa bb # two bytes\n"
				   "00000010: cc 0x0d e\n"
				   "-- description\n"
				   "free text\n"
				   "-- result\n"
				   "  0x1  \n"
				   "-- error pattern\n"
				   "first line # kept\n"
				   "# skipped\n"
				   "second line\r\n"
				   "-- no register offset\n"
				   "call instruction\n";
	char log[256];
	struct rt_conf *c = parse_text(text, log, sizeof(log));
	static const uint8_t mem[] = { 0xaa, 0xbb, 0xcc, 0x0d, 0x0e };

	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, 2);
	ck_assert_uint_eq(word(&c->insns[0]), 0x00000001000000b7ull);
	ck_assert_uint_eq(c->mem_size, sizeof(mem));
	ck_assert_mem_eq(c->mem, mem, sizeof(mem));
	ck_assert(c->has_result);
	ck_assert_uint_eq(c->result, 1);
	ck_assert(c->has_error);
	ck_assert_str_eq(c->error, "first line # kept\nsecond line");
	rt_conf__free(c);

	c = parse_text("-- asm\nexit\n-- result\n-1\n", log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->result, UINT64_MAX);
	ck_assert(!c->has_error);
	ck_assert_ptr_null(c->error);
	ck_assert_ptr_null(c->mem);
	rt_conf__free(c);

	c = parse_text("-- asm\nexit\n-- result\n18446744073709551615", log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->result, UINT64_MAX);
	rt_conf__free(c);
}
END_TEST

/* -- raw: one word per token, decimal or hex; raw wins over asm. */
START_TEST(test_raw)
{
	char log[256];
	struct rt_conf *c = parse_text("-- asm\nmov %r0, 1\nexit\n"
				       "-- raw\n0x00000001000000b7 149\n0x95 # exit\n",
				       log, sizeof(log));

	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, 3);
	ck_assert_uint_eq(word(&c->insns[0]), 0x00000001000000b7ull);
	ck_assert_uint_eq(word(&c->insns[1]), 0x95);
	ck_assert_uint_eq(word(&c->insns[2]), 0x95);
	rt_conf__free(c);
}
END_TEST

/* The unused-*.data quirk: each line is 8 bytes in memory order. */
START_TEST(test_unused_files)
{
	char pattern[4096], log[512];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/negative/unused-*.data", test_conf_dir());
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 40);
	for (i = 0; i < g.gl_pathc; i++) {
		struct rt_conf *c = parse_file(g.gl_pathv[i], log, sizeof(log));

		ck_assert_msg(c, "%s: %s", g.gl_pathv[i], log);
		ck_assert_msg(c->nr_insns == 2, "%s: %zu insns", g.gl_pathv[i], c->nr_insns);
		ck_assert_uint_eq(word(&c->insns[1]), 0x95);
		ck_assert(c->has_error);
		ck_assert_str_eq(c->error, "");
		ck_assert(!c->has_result);
		rt_conf__free(c);
	}
	globfree(&g);

	/* 07 00 01 00 01 00 00 00: add64 %r0, 1 with off = 1 */
	snprintf(pattern, sizeof(pattern), "%s/negative/unused-add64_imm-offset.data", test_conf_dir());
	{
		struct rt_conf *c = parse_file(pattern, log, sizeof(log));

		ck_assert_msg(c, "%s", log);
		ck_assert_uint_eq(word(&c->insns[0]), 0x0000000100010007ull);
		rt_conf__free(c);
	}
	/* 85 01 00 ...: call with dst = 1 */
	snprintf(pattern, sizeof(pattern), "%s/negative/unused-call-dst.data", test_conf_dir());
	{
		struct rt_conf *c = parse_file(pattern, log, sizeof(log));

		ck_assert_msg(c, "%s", log);
		ck_assert_int_eq(c->insns[0].code, 0x85);
		ck_assert_int_eq(c->insns[0].dst, 1);
		rt_conf__free(c);
	}
}
END_TEST

/* negative/ files that are not syntax errors load; the loader rejects them. */
START_TEST(test_negative_runtime_files)
{
	char path[4096], log[512];
	struct rt_conf *c;

	snprintf(path, sizeof(path), "%s/negative/error.data", test_conf_dir());
	c = parse_file(path, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, 2);
	ck_assert(c->has_error);
	ck_assert_str_eq(c->error, "Invalid");
	rt_conf__free(c);

	snprintf(path, sizeof(path), "%s/negative/incorrect_return_value_high_bits.data",
		 test_conf_dir());
	c = parse_file(path, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->mem_size, 12);
	ck_assert_uint_eq(c->result, 0x8977665544332211ull);
	rt_conf__free(c);
}
END_TEST

/* -------------------------------------------------------------- errors */

/* The syntactic negative files, with the line and message each must give. */
static const struct {
	const char *file;
	int line;
	const char *msg;
} negative_files[] = {
	{ "invalid_imm32_dec_range.data", 5, "immediate '2147483648' out of 32-bit range" },
	{ "invalid_imm32_hex_range.data", 5, "immediate '0x100000000' out of 32-bit range" },
	{ "invalid_label.data", 4, "unknown label 'NOT_A_LABEL'" },
	{ "invalid_lock.data", 4, "invalid number of operands for lock" },
	{ "invalid_lock2.data", 4, "invalid number of operands for lock" },
	{ "invalid_mnemonic.data", 5, "unknown mnemonic 'ldxq'" },
	{ "invalid_offset.data", 4, "invalid memory operand '%r1'" },
	{ "invalid_offset_range.data", 5, "offset '0x10000' out of 16-bit range" },
	{ "invalid_operand_count.data", 4, "invalid number of operands for lddw" },
	{ "invalid_register.data", 4, "invalid register '%r50'" },
	/* the unknown directive is skipped, leaving an empty -- asm */
	{ "invalid_unknown_directive.data", 3, "no instructions" },
	{ "empty.data", 1, "no instructions" },
	{ "empty_instructions.data", 1, "no instructions" },
};

START_TEST(test_negative_files)
{
	char path[4096], log[512], want[4200];
	struct rt_conf *c;

	snprintf(path, sizeof(path), "%s/negative/%s", test_conf_dir(), negative_files[_i].file);
	snprintf(want, sizeof(want), "%s:%d: %s", path, negative_files[_i].line,
		 negative_files[_i].msg);
	errno = 0;
	c = parse_file(path, log, sizeof(log));
	ck_assert_msg(!c, "%s parsed", path);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(log, want);
}
END_TEST

static const struct {
	const char *text;
	int err;
	const char *msg;
} bad_texts[] = {
	{ "-- asm\nor %r0, %r50\nexit\n", EINVAL, "t.data:2: invalid register '%r50'" },
	{ "-- asm\nfoo %r0\n", EINVAL, "t.data:2: unknown mnemonic 'foo'" },
	{ "-- asm\nexit\nlock\n", EINVAL, "t.data:3: invalid number of operands for lock" },
	{ "-- asm\nlock fetch add [%r10-8]\n", EINVAL,
	  "t.data:2: invalid number of operands for lock" },
	{ "-- asm\nlock sub [%r10-8], %r1\n", EINVAL,
	  "t.data:2: unknown atomic operation 'sub'" },
	{ "\n\n-- asm\n\nja NOT_A_LABEL\nexit\n", EINVAL, "t.data:5: unknown label 'NOT_A_LABEL'" },
	{ "-- asm\nx:\nx:\nexit\n", EINVAL, "t.data:3: duplicate label 'x'" },
	{ "-- asm\n1x:\nexit\n", EINVAL, "t.data:2: invalid label '1x'" },
	{ "-- asm\nmov %r11, 1\n", EINVAL, "t.data:2: invalid register '%r11'" },
	{ "-- asm\nmov %r01, 1\n", EINVAL, "t.data:2: invalid register '%r01'" },
	{ "-- asm\nmov r1, 1\n", EINVAL, "t.data:2: invalid register 'r1'" },
	{ "-- asm\nmov %r1, one\n", EINVAL, "t.data:2: invalid immediate 'one'" },
	{ "-- asm\nmov %r1, -2147483649\n", EINVAL,
	  "t.data:2: immediate '-2147483649' out of 32-bit range" },
	{ "-- asm\nmov %r1, 99999999999999999999999\n", EINVAL,
	  "t.data:2: immediate '99999999999999999999999' out of 32-bit range" },
	{ "-- asm\nlddw %r1, 0x1ffffffffffffffff\n", EINVAL,
	  "t.data:2: immediate '0x1ffffffffffffffff' out of 64-bit range" },
	{ "-- asm\nlddw %r1, -9223372036854775809\n", EINVAL,
	  "t.data:2: immediate '-9223372036854775809' out of 64-bit range" },
	{ "-- asm\nldxb %r0, [%r1-32769]\n", EINVAL,
	  "t.data:2: offset '-32769' out of 16-bit range" },
	{ "-- asm\nldxb %r0, [%r1+]\n", EINVAL, "t.data:2: invalid memory operand '[%r1+]'" },
	{ "-- asm\nldxb %r0, [%r1+2\n", EINVAL, "t.data:2: missing ']' in '[%r1+2'" },
	{ "-- asm\nja +32768\n", EINVAL, "t.data:2: offset '+32768' out of 16-bit range" },
	{ "-- asm\nja 1+\n", EINVAL, "t.data:2: invalid offset '1+'" },
	{ "-- asm\nja %r1\n", EINVAL, "t.data:2: invalid jump target '%r1'" },
	{ "-- asm\nmovsx3232 %r0, %r1\n", EINVAL, "t.data:2: unknown mnemonic 'movsx3232'" },
	{ "-- asm\nmovsx864 %r0, 1\n", EINVAL, "t.data:2: invalid register '1'" },
	{ "-- asm\nldxsdw %r0, [%r1]\n", EINVAL, "t.data:2: unknown mnemonic 'ldxsdw'" },
	{ "-- asm\nexit %r0\n", EINVAL, "t.data:2: invalid number of operands for exit" },
	{ "-- asm\nadd %r0, 1, 2\n", EINVAL, "t.data:2: invalid number of operands for add" },
	{ "-- asm\ncall far 1\n", EINVAL, "t.data:2: invalid call kind 'far'" },
	{ "-- asm\nstxw [%r1], 5\n", EINVAL, "t.data:2: invalid register '5'" },
	{ "-- asm\nexit\n-- asm\nexit\n", EINVAL, "t.data:3: more than one -- asm section" },
	{ "-- raw\n0x95 0xzz\n", EINVAL, "t.data:2: invalid instruction '0xzz'" },
	{ "-- raw\n0x10000000000000095\n", EINVAL,
	  "t.data:2: instruction '0x10000000000000095' out of 64-bit range" },
	{ "-- asm\nexit\n-- mem\naa zz\n", EINVAL, "t.data:4: invalid byte 'zz' in -- mem" },
	{ "-- asm\nexit\n-- mem\n0x100\n", EINVAL, "t.data:4: invalid byte '0x100' in -- mem" },
	{ "-- asm\nexit\n-- result\n1 2\n", EINVAL, "t.data:4: more than one value in -- result" },
	{ "-- asm\nexit\n-- result\n1\n2\n", EINVAL, "t.data:5: more than one value in -- result" },
	{ "-- asm\nexit\n-- result\nx1\n", EINVAL, "t.data:4: invalid result 'x1'" },
	{ "-- asm @ prog.asm\n", ENOTSUP,
	  "t.data:1: '-- asm @ prog.asm': including another file is not supported" },
	{ "", EINVAL, "t.data:1: no instructions" },
	{ "-- raw\n# nothing\n-- result\n0\n", EINVAL, "t.data:1: no instructions" },
	{ "-- result\n0\n-- asm\n\n", EINVAL, "t.data:3: no instructions" },
};

START_TEST(test_bad_texts)
{
	char log[512];
	struct rt_conf *c;

	errno = 0;
	c = parse_text(bad_texts[_i].text, log, sizeof(log));
	ck_assert_msg(!c, "'%s' parsed", bad_texts[_i].text);
	ck_assert_int_eq(errno, bad_texts[_i].err);
	ck_assert_str_eq(log, bad_texts[_i].msg);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "-- asm\nexit\0\n";
	char buf[128] = "";
	struct rt_log log = { .buf = buf, .size = sizeof(buf) };

	ck_assert_ptr_null(rt_conf__parse(text, sizeof(text) - 1, "t.data", &log));
	ck_assert_str_eq(buf, "t.data:2: unexpected NUL byte");
}
END_TEST

/* rt_asm directly: first_line numbers the lines; out and cnt stay unset. */
START_TEST(test_asm_errors)
{
	struct rt_insn *insns = (struct rt_insn *)&insns;
	size_t cnt = 77;
	char buf[128] = "";
	struct rt_log log = { .buf = buf, .size = sizeof(buf) };

	ck_assert_int_eq(rt_asm("exit\n\nbad\n", "p.s", 10, &insns, &cnt, &log), -EINVAL);
	ck_assert_str_eq(buf, "p.s:12: unknown mnemonic 'bad'");
	ck_assert_ptr_eq(insns, (struct rt_insn *)&insns);
	ck_assert_uint_eq(cnt, 77);
	/* no log at all must be fine too */
	ck_assert_int_eq(rt_asm("bad\n", "p.s", 1, &insns, &cnt, NULL), -EINVAL);
	ck_assert_int_eq(rt_asm(NULL, "p.s", 1, &insns, &cnt, NULL), -EINVAL);
	/* empty text: success with nothing */
	ck_assert_int_eq(rt_asm("# only a comment\n", "p.s", 1, &insns, &cnt, NULL), 0);
	ck_assert_uint_eq(cnt, 0);
	free(insns);
	rt_conf__free(NULL);
}
END_TEST

/* -------------------------------------------------------------- limits */

static char *repeat(const char *head, const char *line, size_t times, const char *tail)
{
	size_t hl = strlen(head), ll = strlen(line), tl = strlen(tail), i;
	char *buf = malloc(hl + ll * times + tl + 1), *p = buf;

	ck_assert_ptr_nonnull(buf);
	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < times; i++, p += ll)
		memcpy(p, line, ll);
	memcpy(p, tail, tl + 1);
	return buf;
}

START_TEST(test_million_insns)
{
	char log[256];
	char *text = repeat("-- asm\n", "add %r0, 1\n", RT_MAX_INSNS, "exit\n-- result\n0\n");
	struct rt_conf *c = parse_text(text, log, sizeof(log));

	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, RT_MAX_INSNS + 1);
	ck_assert_uint_eq(word(&c->insns[RT_MAX_INSNS - 1]), 0x0000000100000007ull);
	rt_conf__free(c);
	free(text);

	text = repeat("-- raw\n", "0x95 ", RT_MAX_INSNS, "\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, RT_MAX_INSNS);
	rt_conf__free(c);
	free(text);
}
END_TEST

/* Many labels (hash table growth) and a jump too far for 16 bits. */
START_TEST(test_many_labels)
{
	size_t n = 100000, i, len = 0;
	char *text = malloc(n * 40 + 64), log[256];
	struct rt_conf *c;

	ck_assert_ptr_nonnull(text);
	len += sprintf(text + len, "-- asm\n");
	for (i = 0; i < n; i++)
		len += sprintf(text + len, "l%zu: ja l%zu\n", i, i ^ 5);
	sprintf(text + len, "exit\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->nr_insns, n + 1);
	ck_assert_int_eq(c->insns[1].off, 4 - 2);
	rt_conf__free(c);
	free(text);

	text = repeat("-- asm\nja far\n", "exit\n", 40000, "far: exit\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_ptr_null(c);
	ck_assert_str_eq(log, "t.data:2: jump to 'far' out of 16-bit range");
	free(text);

	text = repeat("-- asm\nja32 far\n", "exit\n", 40000, "far: exit\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_int_eq(c->insns[0].imm, 40000);
	rt_conf__free(c);
	free(text);
}
END_TEST

START_TEST(test_long_lines)
{
	size_t n = 4 << 20;
	char *text = repeat("-- asm\n", "a", n, "\n"), log[256];
	struct rt_conf *c;

	c = parse_text(text, log, sizeof(log));
	ck_assert_ptr_null(c);
	/* the echo of user text is bounded */
	ck_assert_uint_lt(strlen(log), 128);
	ck_assert_str_eq(log, "t.data:2: unknown mnemonic "
			      "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
	free(text);

	/* a memory operand as long as the line, never closed */
	text = repeat("-- asm\nldxb %r0, [", "%", n, "\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_ptr_null(c);
	free(text);

	/* thousands of operands */
	text = repeat("-- asm\nadd", " %r1,", 100000, "\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_ptr_null(c);
	ck_assert_str_eq(log, "t.data:2: invalid number of operands for add");
	free(text);

	/* a 1 MiB -- mem on one line */
	text = repeat("-- asm\nexit\n-- mem\n", "5a ", 1 << 20, "\n-- result\n0\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(c->mem_size, 1 << 20);
	ck_assert_int_eq(c->mem[12345], 0x5a);
	rt_conf__free(c);
	free(text);

	/* a huge error text */
	text = repeat("-- asm\nexit\n-- error\n", "e", n, "\n");
	c = parse_text(text, log, sizeof(log));
	ck_assert_msg(c, "%s", log);
	ck_assert_uint_eq(strlen(c->error), n);
	rt_conf__free(c);
	free(text);
}
END_TEST

/* A tiny log buffer truncates; no buffer at all is fine. */
START_TEST(test_small_log)
{
	char log[8];
	struct rt_log none = { 0 };

	ck_assert_ptr_null(parse_text("-- asm\nbogus\n", log, sizeof(log)));
	ck_assert_str_eq(log, "t.data:");
	ck_assert_ptr_null(rt_conf__parse("x", 1, NULL, &none));
	ck_assert_ptr_null(rt_conf__parse("x", 1, NULL, NULL));
	ck_assert_ptr_null(rt_conf__parse(NULL, 5, "t.data", NULL));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

Suite *rt_conf_suite(void)
{
	Suite *s = suite_create("rt_conf");
	TCase *tc;

	bool conf = test_conf_present("rt_conf");

	tc = tcase_create("core");
	if (conf) {
		tcase_add_test(tc, test_all_files_parse);
		tcase_add_test(tc, test_lddw_raw_equals_asm);
	}
	tcase_add_loop_test(tc, test_encodings, 0, sizeof(encodings) / sizeof(encodings[0]));
	tcase_add_test(tc, test_lddw_forms);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_exit_label);
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_raw);
	if (conf) {
		tcase_add_test(tc, test_unused_files);
		tcase_add_test(tc, test_negative_runtime_files);
	}
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	if (conf)
		tcase_add_loop_test(tc, test_negative_files, 0,
				    sizeof(negative_files) / sizeof(negative_files[0]));
	tcase_add_loop_test(tc, test_bad_texts, 0, sizeof(bad_texts) / sizeof(bad_texts[0]));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_asm_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	/* sanitizer builds are several times slower */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_million_insns);
	tcase_add_test(tc, test_many_labels);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_small_log);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rt_conf_suite)
