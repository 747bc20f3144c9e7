#!/bin/sh
# SPDX-License-Identifier: MIT
# Run-loop overhead: ns per run of the trivial ret2 program on every engine
# (bpfaot-run --repeat=N --json) next to a direct call of its native code
# (direct_driver). Usage: BUILD=build sh bench/overhead/run.sh [N] [ROUNDS]
# Prints one line per round and engine; compare medians, never one run.
set -e
BUILD=${BUILD:-build}
N=${1:-10000000}
ROUNDS=${2:-5}
here=$(dirname "$0")
out=$BUILD/bench/overhead
mkdir -p "$out"
clang-14 -target bpf -O2 -I/usr/include/x86_64-linux-gnu -c "$here/ret2.bpf.c" -o "$out/ret2.bpf.o"
"$BUILD/bin/bpfaot-cc" -target bpf -O2 -I/usr/include/x86_64-linux-gnu -c "$here/ret2.bpf.c" -o "$out/ret2.fat.o"
"$BUILD/bin/bpfaot-cc" -target bpf -O2 -I/usr/include/x86_64-linux-gnu --aot-emit=native --aot-prog=ret2 -c "$here/ret2.bpf.c" \
	-o "$out/ret2.native.o"
clang-14 -O2 "$here/direct_driver.c" "$out/ret2.native.o" -o "$out/direct_driver"
echo "# load: $(cat /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	"$out/direct_driver" "$N"
	for e in aot jit llvm-aot llvm-jit interp; do
		obj=$out/ret2.bpf.o
		[ "$e" = aot ] && obj=$out/ret2.fat.o
		"$BUILD/bin/bpfaot-run" --engine=$e --repeat="$N" --json --data-in="$here/../../samples/xdp_counter.pkt" "$obj"
	done
done
echo "# load: $(cat /proc/loadavg)"
