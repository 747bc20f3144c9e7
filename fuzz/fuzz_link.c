// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the native-object path: the manifest parser
 * (manifest.c) on the input as text, in an exact-size buffer; and the
 * input as a native object: rt_manifest__from_native(), rt_native__link()
 * against a fixed bytecode object with maps and global data (the runtime's
 * x86-64 ELF linker: sections, symbols, GOT, stubs, every relocation type),
 * and rt_object__open_mem(), which loads a bare native object (manifest
 * checks, maps from the manifest, link) or a fat object (.aot.* sections).
 * Nothing linked is ever run: the code is the fuzzer's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#ifndef FUZZ_CLI_OBJDIR
#define FUZZ_CLI_OBJDIR "fuzz/corpus/cli-objs"
#endif

/* Opened once: a bytecode object whose maps the native code links to. It is
 * only read by the linker (map addresses), so sharing it keeps runs
 * independent. */
static struct rt_object *ref_obj;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char log_buf[512] = "";
	struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };

	ref_obj = rt_object__open(FUZZ_CLI_OBJDIR "/calls_globals.bpf.o", NULL, &log);
	if (!ref_obj) {
		fprintf(stderr, "fuzz_link: %s (run make fuzz-corpus)\n", log_buf);
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char log_buf[512];
	struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };
	struct rt_manifest *mf;
	struct rt_native *nat;
	struct rt_object *obj;
	char *text;

	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	mf = rt_manifest__parse(text, size, "x.o", &log);
	rt_manifest__free(mf);
	free(text);
	if (size < 4 || memcmp(data, "\177ELF", 4))
		return 0;

	log.set = false;
	mf = rt_manifest__from_native(data, size, "x.o", &log);
	rt_manifest__free(mf);
	log.set = false;
	nat = rt_native__link(data, size, "x.o", ref_obj, NULL, &log);
	rt_native__free(nat);
	log.set = false;
	obj = rt_object__open_mem(data, size, "x.o", NULL, &log);
	rt_object__free(obj);
	return 0;
}
