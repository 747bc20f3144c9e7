// SPDX-License-Identifier: MIT
/*
 * A tiny libbpf application: bpf_object__open_file() and, unless -n,
 * bpf_object__load() on OBJECT, then one line per program, "loaded NAME
 * fd>=0 yes|no" (after -n: "opened NAME"). Exits 1 on any failure. libbpf
 * logs at its default level (info and warnings to stderr), as in any
 * application that does not call libbpf_set_print(). Built and run by
 * tests/check_e2e_cc.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	bool open_only = argc == 3 && !strcmp(argv[1], "-n");
	const char *path = argv[argc - 1];
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err;

	if (argc != 2 && !open_only) {
		fprintf(stderr, "usage: %s [-n] OBJECT\n", argv[0]);
		return 1;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (open_only) {
		bpf_object__for_each_program(prog, obj)
			printf("opened %s\n", bpf_program__name(prog));
		bpf_object__close(obj);
		return 0;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", path, strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		printf("loaded %s fd>=0 %s\n", bpf_program__name(prog),
		       bpf_program__fd(prog) >= 0 ? "yes" : "no");
	bpf_object__close(obj);
	return 0;
}
