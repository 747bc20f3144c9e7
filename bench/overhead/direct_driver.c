// SPDX-License-Identifier: MIT
/*
 * direct_driver: the baseline of the run-loop measurement. Linked with a
 * program's native object (bpfaot-cc --aot-emit=native; a program that
 * calls no helper and uses no map), it calls bpf_main(ctx, 0) N times
 * directly, as the tightest loop of a host would, and prints the time per
 * call. Usage: direct_driver REPEAT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t bpf_main(void *ctx, uint64_t ctx_size);

int main(int argc, char **argv)
{
	uint32_t ctx[6] = { 0 };	/* a struct xdp_md */
	struct timespec t0, t1;
	uint64_t r = 0;
	long n, i;

	n = argc > 1 ? atol(argv[1]) : 10000000;
	if (n < 1)
		n = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		/* the context may have changed: no call is hoisted or merged */
		__asm__ volatile("" : : "r"(ctx) : "memory");
		r = bpf_main(ctx, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("{\"engine\":\"direct\",\"retval\":%llu,\"duration_ns\":%.3f}\n",
	       (unsigned long long)r,
	       ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double)n);
	return 0;
}
