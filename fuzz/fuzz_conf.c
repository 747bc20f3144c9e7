// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the conformance-file reader and the assembler. The
 * input goes, in an exact-size buffer (no terminator, so ASan sees any read
 * past len), to rt_conf__parse(); and, NUL-terminated, straight to rt_asm(),
 * whose contract is a C string. Whatever assembles is validated, as the
 * loader would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char log_buf[512];
	struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };
	struct rt_conf *conf;
	struct rt_insn *insns = NULL;
	size_t cnt = 0;
	char *text;

	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	conf = rt_conf__parse(size ? text : NULL, size, "x.data", &log);
	rt_conf__free(conf);
	free(text);

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	log.set = false;
	if (!rt_asm(text, "x.asm", 1, &insns, &cnt, &log)) {
		struct rt_object obj = { .path = "x.asm" };
		struct rt_prog prog = { .name = "x", .sec_name = ".text", .insns = insns,
					.nr_insns = cnt, .obj = &obj };

		log.set = false;
		rt_prog__validate(&prog, &log);
		free(insns);
	}
	free(text);
	return 0;
}
