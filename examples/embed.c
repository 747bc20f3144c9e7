// SPDX-License-Identifier: MIT
/*
 * Embedding libbpfaot: open an object, set a map entry, run a program on a
 * packet with the engine of your choice, read a map back. Build:
 *   cc embed.c $(pkg-config --cflags --libs libbpfaot) -o embed
 * (or, in the tree: cc -Iinclude examples/embed.c build/lib/libbpfaot.a
 *  -lbpf -lelf -lz -lpthread)
 * Run: ./embed build/samples/xdp_counter.bpf.o samples/xdp_counter.pkt [ENGINE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfaot/bpfaot.h>

int main(int argc, char **argv)
{
	char log[512] = "";
	BPFAOT_OPTS(bpfaot_open_opts, oo, .log_buf = log, .log_size = sizeof(log));
	enum bpfaot_engine engine = BPFAOT_ENGINE_INTERP;
	struct bpfaot_object *obj;
	struct bpfaot_prog *prog;
	struct bpfaot_map *map;
	unsigned char pkt[1500];
	uint32_t key = 2;
	uint64_t val[2];
	size_t n;
	FILE *f;
	int err;

	if (argc < 3 || (argc > 3 && bpfaot_engine__by_name(argv[3], &engine))) {
		fprintf(stderr, "usage: %s OBJECT PACKET [ENGINE]\n", argv[0]);
		return 1;
	}
	f = fopen(argv[2], "rb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	n = fread(pkt, 1, sizeof(pkt), f);
	fclose(f);

	obj = bpfaot_object__open(argv[1], &oo);
	if (!obj) {
		fprintf(stderr, "open: %s\n", log);
		return 1;
	}
	prog = bpfaot_object__next_prog(obj, NULL); /* the first program */
	{
		BPFAOT_OPTS(bpfaot_run_opts, ro, .engine = engine, .data_in = pkt,
			    .data_size_in = (uint32_t)n, .repeat = 1000, .log_buf = log,
			    .log_size = sizeof(log));

		err = bpfaot_prog__run(prog, &ro);
		if (err) {
			fprintf(stderr, "run: %s\n", log);
			bpfaot_object__close(obj);
			return 1;
		}
		printf("%s on %s: retval %llu, %llu ns per run\n", bpfaot_prog__name(prog),
		       bpfaot_engine__name(engine), (unsigned long long)ro.retval,
		       (unsigned long long)ro.duration_ns);
	}
	map = bpfaot_object__find_map(obj, "xdp_stats");
	if (map && !bpfaot_map__lookup(map, &key, val))
		printf("xdp_stats[%u] = { packets %llu, bytes %llu }\n", key,
		       (unsigned long long)val[0], (unsigned long long)val[1]);
	bpfaot_object__close(obj);
	return 0;
}
