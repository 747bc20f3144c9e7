// SPDX-License-Identifier: MIT
/*
 * llvmbpf_driver: runs raw BPF bytecode N times on llvmbpf
 * (eunomia-bpf/llvmbpf, bpftime's LLVM VM) through its public API
 * (llvmbpf.hpp), in the mem convention (r1 = mem, r2 = its length), and
 * prints "RETVAL NS_PER_RUN". bench/peers.py builds it against an llvmbpf
 * build that the user made (PEERS=DIR); nothing of llvmbpf is in this tree.
 *
 *   llvmbpf_driver jit|aot PROG.bin MEM.bin N
 *
 * jit: compile() (ORC JIT); aot: do_aot_compile() to an object, then
 * load_aot_object(), as llvmbpf's own CLI runs AOT output. The function is
 * called directly in a loop; compile, link and the first run happen before
 * the timer.
 */
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <vector>

#include "llvmbpf.hpp"

static bool slurp(const char *path, std::vector<uint8_t> &out)
{
	std::ifstream f(path, std::ios::binary);

	if (!f)
		return false;
	out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
	return true;
}

/* The timed loop, by this name so that bench/peers.py's callgrind run counts
 * it alone (--toggle-collect=timed_runs, as bpfaot-run's). */
extern "C" __attribute__((noinline)) uint64_t timed_runs(bpftime::precompiled_ebpf_function fn,
							 void *mem, size_t mem_len, long n)
{
	uint64_t ret = 0;

	for (long i = 0; i < n; i++)
		ret = fn(mem, mem_len);
	return ret;
}

static uint64_t now_ns()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	std::vector<uint8_t> code, mem;
	bpftime::llvmbpf_vm vm;
	std::optional<bpftime::precompiled_ebpf_function> fn;
	uint64_t ret, t0, t1;
	long n;

	if (argc != 5 || (strcmp(argv[1], "jit") && strcmp(argv[1], "aot"))) {
		fprintf(stderr, "usage: %s jit|aot PROG.bin MEM.bin N\n", argv[0]);
		return 2;
	}
	n = strtol(argv[4], nullptr, 0);
	if (!slurp(argv[2], code) || !slurp(argv[3], mem) || n < 1) {
		fprintf(stderr, "%s: cannot read the program or the memory, or bad N\n", argv[0]);
		return 1;
	}
	if (vm.load_code(code.data(), code.size()) < 0) {
		fprintf(stderr, "%s: load_code: %s\n", argv[0], vm.get_error_message().c_str());
		return 1;
	}
	if (!strcmp(argv[1], "jit")) {
		fn = vm.compile();
	} else {
		auto obj = vm.do_aot_compile();
		if (obj)
			fn = vm.load_aot_object(*obj);
	}
	if (!fn) {
		fprintf(stderr, "%s: %s compile: %s\n", argv[0], argv[1], vm.get_error_message().c_str());
		return 1;
	}
	ret = (*fn)(mem.data(), mem.size());
	t0 = now_ns();
	ret = timed_runs(*fn, mem.data(), mem.size(), n);
	t1 = now_ns();
	printf("%" PRIu64 " %.3f\n", ret, (double)(t1 - t0) / n);
	return 0;
}
