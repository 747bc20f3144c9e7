// SPDX-License-Identifier: MIT
/*
 * ubpf_driver: runs raw BPF bytecode N times on ubpf (iovisor/ubpf) through
 * its public API, in ubpf's mem convention (r1 = mem, r2 = its length), and
 * prints "RETVAL NS_PER_RUN". bench/peers.py builds it against a ubpf build
 * that the user made (PEERS=DIR); nothing of ubpf is in this tree.
 *
 *   ubpf_driver interp|jit PROG.bin MEM.bin N
 *
 * The JIT's function is called directly in a loop, as a host would; the
 * interpreter through ubpf_exec(). The load, the compile and the first run
 * happen before the timer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ubpf.h>

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(n ? n : 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = n;
	}
	fclose(f);
	return buf;
}

/* The timed loop, by this name so that bench/peers.py's callgrind run counts
 * it alone (--toggle-collect=timed_runs, as bpfaot-run's). */
__attribute__((noinline)) uint64_t timed_runs(struct ubpf_vm *vm, ubpf_jit_fn fn, void *mem,
					      size_t mem_len, long n);
__attribute__((noinline)) uint64_t timed_runs(struct ubpf_vm *vm, ubpf_jit_fn fn, void *mem,
					      size_t mem_len, long n)
{
	uint64_t ret = 0;

	if (fn) {
		for (long i = 0; i < n; i++)
			ret = fn(mem, mem_len);
	} else {
		for (long i = 0; i < n; i++)
			ubpf_exec(vm, mem, mem_len, &ret);
	}
	return ret;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t code_len, mem_len;
	struct ubpf_vm *vm;
	ubpf_jit_fn fn = NULL;
	char *err = NULL;
	uint64_t ret = 0, t0, t1;
	void *code, *mem;
	long n;
	bool jit;

	if (argc != 5 || (strcmp(argv[1], "interp") && strcmp(argv[1], "jit"))) {
		fprintf(stderr, "usage: %s interp|jit PROG.bin MEM.bin N\n", argv[0]);
		return 2;
	}
	jit = !strcmp(argv[1], "jit");
	n = strtol(argv[4], NULL, 0);
	code = slurp(argv[2], &code_len);
	mem = slurp(argv[3], &mem_len);
	if (!code || !mem || n < 1) {
		fprintf(stderr, "%s: cannot read the program or the memory, or bad N\n", argv[0]);
		return 1;
	}
	vm = ubpf_create();
	if (!vm || ubpf_load(vm, code, (uint32_t)code_len, &err) < 0) {
		fprintf(stderr, "%s: ubpf_load: %s\n", argv[0], err ? err : "failed");
		return 1;
	}
	if (jit) {
		fn = ubpf_compile(vm, &err);
		if (!fn) {
			fprintf(stderr, "%s: ubpf_compile: %s\n", argv[0], err ? err : "failed");
			return 1;
		}
		ret = fn(mem, mem_len);
	} else if (ubpf_exec(vm, mem, mem_len, &ret) < 0) {
		fprintf(stderr, "%s: ubpf_exec failed\n", argv[0]);
		return 1;
	}
	t0 = now_ns();
	ret = timed_runs(vm, fn, mem, mem_len, n);
	t1 = now_ns();
	printf("%" PRIu64 " %.3f\n", ret, (double)(t1 - t0) / n);
	ubpf_destroy(vm);
	free(code);
	free(mem);
	return 0;
}
