// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for bpfaot-cc's command-line parser (issue 4). The
 * driver is included whole, its main renamed, so the static parse_args()
 * and its clang option table are what runs; the input split on NULs is
 * the argument vector. Nothing is compiled: only the parse is exercised,
 * then the CLI state is reset for the next input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define main bpfaot_cc_main
#include "../backend/bpfaot-cc.c"
#undef main

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2];
	int argc = 1;
	size_t i, start = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"bpfaot-cc";
	for (i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	memset(&cli, 0, sizeof(cli));
	cli.opt_level = 3;
	cli.progname = "bpfaot-cc";
	parse_args(argc, argv);
	free(cli.clang_args);
	free(cli.src_args);
	free(cli.inputs);
	free(cli.consts);
	free(cli.const_maps);
	memset(&cli, 0, sizeof(cli));
	free(buf);
	return 0;
}
