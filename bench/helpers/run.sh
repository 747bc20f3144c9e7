#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/helpers: what inlined helpers buy, in instructions per run, which
# the machine's load does not change. For each program: the BPF object
# (clang-14), the fat object (bpfaot-cc) and the fat object built with
# --aot-no-inline-helpers; every engine's retval first (they must agree);
# then callgrind's instruction count of `bpfaot-run --repeat=2N` minus
# that of `--repeat=N`, divided by N: the cost of one run, without the
# start-up, link and compile. Usage: BUILD=build sh bench/helpers/run.sh [N]
set -eu
B=${BUILD:-build}
N=${1:-20000}
DIR=$(cd "$(dirname "$0")" && pwd)
FLAGS="-target bpf -O2 -g -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 "$DIR/inputs.py" "$T"

# instructions of one bpfaot-run command (callgrind's "Collected")
count() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

# PROG ENGINE-LABEL ENGINE OBJECT: one row
cell() {
	r=$("$B/bin/bpfaot-run" --engine="$3" --data-in="$T/pkt.bin" "$4" | sed -n 's/^retval: //p')
	a=$(count "$B/bin/bpfaot-run" --engine="$3" --repeat="$N" --data-in="$T/pkt.bin" "$4")
	b=$(count "$B/bin/bpfaot-run" --engine="$3" --repeat=$((2 * N)) --data-in="$T/pkt.bin" "$4")
	echo "$1 $2 retval=$r insns/run=$(( (b - a) / N ))"
}

echo "# N=$N; $(uptime)"
# the programs of this folder, and the bpf_loop sample
for src in "$DIR"/*.bpf.c "$DIR/../../samples/loop_sum.bpf.c"; do
	p=$(basename "$src" .bpf.c)
	clang-14 $FLAGS -c "$src" -o "$T/$p.o"
	"$B/bin/bpfaot-cc" $FLAGS -c "$src" -o "$T/$p.aot.o"
	"$B/bin/bpfaot-cc" $FLAGS --aot-no-inline-helpers -c "$src" -o "$T/$p.noinl.o"
	cell $p aot aot "$T/$p.aot.o"
	cell $p aot-no-inline aot "$T/$p.noinl.o"
	cell $p llvm-aot llvm-aot "$T/$p.o"
	cell $p jit jit "$T/$p.o"
	cell $p interp interp "$T/$p.o"
done
