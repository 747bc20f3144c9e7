// SPDX-License-Identifier: MIT
/*
 * A tiny libbpf loader: bpf_object__open_file() and bpf_object__load() on
 * argv[1], then one line per program, "loaded NAME fd>=0". Exits 1 on any
 * failure. Built and run by tests/check_e2e_cc.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT\n", argv[0]);
		return 1;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", argv[1], strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		printf("loaded %s fd>=0 %s\n", bpf_program__name(prog),
		       bpf_program__fd(prog) >= 0 ? "yes" : "no");
	bpf_object__close(obj);
	return 0;
}
