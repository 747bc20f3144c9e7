// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for bpfaot-run's command line. bpfaot-run.c is compiled
 * into this target with -Dmain=bpfaot_run_main; the input's first byte
 * picks one of a few small valid objects (FUZZ_CLI_OBJDIR, made by
 * fuzz/mkcorpus.py) and the rest, split on NULs, becomes the arguments
 * before it. So the whole path runs: option parsing, --map-set parsing,
 * input files, open, run, printing, cleanup.
 *
 * Arguments that would leave the sandbox are dropped before the call, by the
 * same prefix matching getopt_long does: --data-out/--ctx-out (write
 * files), --help (exit(0)), anything naming "kernel" (loads programs into
 * the running kernel), and --repeat/--budget values over small limits
 * (time, not safety).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_CLI_OBJDIR
#define FUZZ_CLI_OBJDIR "fuzz/corpus/cli-objs"
#endif
#define MAX_ARGS 32

int bpfaot_run_main(int argc, char **argv);

static const char *const objs[] = {
	FUZZ_CLI_OBJDIR "/xdp_counter.bpf.o",
	FUZZ_CLI_OBJDIR "/map_kinds.bpf.o",
	FUZZ_CLI_OBJDIR "/mem.data",
	FUZZ_CLI_OBJDIR "/pkt.bin",
};

/* true when s (without "--", up to '=') abbreviates long option opt */
static int abbreviates(const char *s, const char *opt)
{
	size_t n = strcspn(s, "=");

	return n > 0 && n <= strlen(opt) && !strncmp(s, opt, n);
}

static int keep_arg(char *a)
{
	const char *name;
	const char *eq;

	if (strstr(a, "kernel"))
		return 0;
	if (a[0] == '-' && a[1] == 'h')
		return 0;
	if (a[0] != '-' || a[1] != '-')
		return 1;
	name = a + 2;
	if (abbreviates(name, "data-out") || abbreviates(name, "ctx-out") ||
	    abbreviates(name, "help"))
		return 0;
	if (abbreviates(name, "repeat") || abbreviates(name, "budget")) {
		eq = strchr(name, '=');
		/* a separate value could be anything: drop; a big one is slow */
		if (!eq || strtoull(eq + 1, NULL, 0) > 100000 || strchr(eq + 1, '-'))
			return 0;
		if (abbreviates(name, "repeat") && strtoull(eq + 1, NULL, 0) > 20)
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 3];
	char *buf, *p, *end;
	int argc = 0;

	if (size < 1)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[argc++] = "bpfaot-run";
	for (p = buf, end = buf + size - 1; p < end && argc < MAX_ARGS; p += strlen(p) + 1)
		if (*p && keep_arg(p))
			argv[argc++] = p;
	argv[argc++] = (char *)objs[data[0] % (sizeof(objs) / sizeof(objs[0]))];
	argv[argc] = NULL;
	optind = 0; /* glibc: reinitialise getopt's state for the new vector */
	bpfaot_run_main(argc, argv);
	fflush(stdout);
	free(buf);
	return 0;
}
