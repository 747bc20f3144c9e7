// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for bpfaot-cc's skim (frontend/skim.c), which reads
 * the preprocessed text of the user's source before libclang does. The
 * input goes in an exact-size buffer (no terminator: ASan sees any read
 * past len) to fe_skim(), and the result is checked against its contract:
 * 0 or -ENOMEM; the same length; every byte unchanged or a space, never
 * a newline removed or added; nothing changed when it counted no
 * declarations or left none out.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fe_skim_stats st;
	char *text = malloc(size ? size : 1);
	size_t i;
	int err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	err = fe_skim(text, size, &st);
	if (err && err != -ENOMEM)
		abort();
	for (i = 0; i < size; i++) {
		if (text[i] == (char)data[i])
			continue;
		if (text[i] != ' ' || data[i] == '\n')
			abort();
	}
	if ((err || !st.decls || !(st.left_out + st.by_name)) && memcmp(text, data, size))
		abort();
	if (st.left_out + st.by_name > st.decls)
		abort();
	free(text);
	return 0;
}
