#!/bin/sh
# SPDX-License-Identifier: MIT
# make test's smoke check of the benchmark runner: one compute program and
# one sample, one short round, into a temporary folder. Checks that the table
# is written, that every engine agreed (the runner exits non-zero otherwise)
# and that the native twin and aot were timed. Asserts no timing.
BUILD=${BUILD:-build}
command -v python3 >/dev/null 2>&1 || { echo "bench smoke: SKIP: no python3"; exit 0; }
out=$(mktemp -d "${TMPDIR:-/tmp}/bpfaot-bench-smoke.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT INT TERM
if ! BUILD=$BUILD BENCH_QUICK=1 BENCH_ONLY="checksum xdp_counter" BENCH_OUT=$out \
	python3 "$(dirname "$0")/run.py" >"$out/log" 2>&1; then
	cat "$out/log"
	echo "bench smoke: FAIL: bench/run.py failed"
	exit 1
fi
# native and aot columns of the compute row hold a number
if ! grep -Eq '^\| checksum \| compute \| [0-9.]+ \[[^]]*\] \| [0-9.]+ \[' "$out/latest.md" ||
	! grep -q '^| xdp_counter | sample |' "$out/latest.md" || ! [ -s "$out/latest.svg" ]; then
	cat "$out/latest.md"
	echo "bench smoke: FAIL: table or chart incomplete"
	exit 1
fi
echo "bench smoke: ok (checksum and xdp_counter agree on every engine; table and chart written)"
