// SPDX-License-Identifier: MIT
/*
 * native_driver: times the plain-C twin of a compute benchmark
 * (bench_native(), built from the same bench/suite/NAME.bpf.c with
 * -DBENCH_NATIVE and clang -O3, in its own object so the call is not
 * hoisted out of the loop). Usage: native_driver INPUT REPEAT
 * Prints {"engine":"native","retval":R,"duration_ns":NS} like bpfaot-run --json.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint32_t bench_native(const uint8_t *p);

int main(int argc, char **argv)
{
	uint8_t buf[4096] = { 0 };
	struct timespec t0, t1;
	uint32_t ret = 0;
	long n, i;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: native_driver INPUT REPEAT\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	if (fread(buf, 1, sizeof(buf), f) < 256) {
		fprintf(stderr, "native_driver: '%s' is shorter than 256 bytes\n", argv[1]);
		fclose(f);
		return 1;
	}
	fclose(f);
	n = atol(argv[2]);
	if (n < 1)
		n = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		/* the input may have changed: no call is hoisted or merged */
		__asm__ volatile("" : : "r"(buf) : "memory");
		ret = bench_native(buf);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("{\"engine\":\"native\",\"retval\":%u,\"duration_ns\":%.3f}\n", ret,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double)n);
	return 0;
}
