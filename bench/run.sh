#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: runs every sample on each engine with --repeat and writes
# bench/results/latest.md (ns per run and the ratio to the kernel, all from
# this one run) and bench/results/latest.svg (a bar chart). Engines that are
# not built yet, or the kernel where bpf() is unavailable, show as "-".
# Usage: BUILD=build sh bench/run.sh [REPEAT]
set -u
BUILD=${BUILD:-build}
REPEAT=${1:-${REPEAT:-200000}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SAMPLES=$ROOT/samples
RUN=$BUILD/bin/bpfaot-run
OUT=$ROOT/bench/results
ENGINES="interp aot kernel jit llvm-jit llvm-aot"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfaot-bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
. "$SAMPLES/spec.sh"

[ -x "$RUN" ] || { echo "bench: '$RUN' missing: run 'make'" >&2; exit 1; }
mkdir -p "$OUT"

# ns ENGINE OBJ: average ns per run, or "-" when the engine cannot run it.
ns() {
	e=$1
	shift
	"$RUN" --engine="$e" --prog="$prog" --repeat="$REPEAT" "$@" >"$TMP/out" 2>/dev/null || { echo -; return; }
	sed -n 's/^duration (average): \([0-9]*\) ns$/\1/p' "$TMP/out" | head -n 1
}

# ratio A B: A / B as "1.5x", or "-".
ratio() {
	if [ "$1" != - ] && [ "$2" != - ] && [ "$2" -gt 0 ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'
	else
		echo -
	fi
}

{
	echo "# bpfaot benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) cores; each program run $REPEAT times per engine"
	echo "(\`bpfaot-run --repeat\`, the kernel through BPF_PROG_TEST_RUN). ns per run; lower is better."
	echo
	printf '| sample |'
	for e in $ENGINES; do printf ' %s ns |' "$e"; done
	printf ' interp / kernel | aot / kernel |\n|---|'
	for e in $ENGINES; do printf -- '---:|'; done
	printf -- '---:|---:|\n'
} >"$TMP/md"
: >"$TMP/data"

for t in "$SAMPLES"/*.test; do
	spec_read "$t"
	obj=$BUILD/samples/$name.bpf.o
	set --
	old_ifs=$IFS
	IFS='
'
	for o in $spec_sets; do set -- "$@" "$o"; done
	IFS=$old_ifs
	[ -n "$data_in" ] && set -- "$@" "--data-in=$data_in"
	[ -n "$ctx_in" ] && set -- "$@" "--ctx-in=$ctx_in"
	line="| $name |"
	vals=""
	for eng in $ENGINES; do
		o=$obj
		# the aot engine runs bpfaot-cc's fat object of the same source
		[ "$eng" = aot ] && o=$BUILD/samples-aot/$name.bpf.o
		v=$(ns "$eng" "$@" "$o")
		[ -z "$v" ] && v=-
		line="$line $v |"
		vals="$vals $v"
	done
	set -- $vals
	echo "$line $(ratio "$1" "$3") | $(ratio "$2" "$3") |" >>"$TMP/md"
	echo "$name $vals" >>"$TMP/data"
	echo "bench: $name:$vals" >&2
done

# The chart: one group of bars per sample, one bar per engine, log scale.
awk -v engines="$ENGINES" '
	BEGIN { ne = split(engines, E, " "); split("#4e79a7 #f28e2b #59a14f #e15759 #76b7b2 #edc948 #b07aa1", C, " ") }
	{ name[n] = $1; for (j = 1; j <= ne; j++) v[n, j] = $(j + 1); n++ }
	END {
		bw = 14; gw = ne * bw + 20; h = 300; top = 30; W = 80 + n * gw
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", W, h + 120
		printf "<text x=\"10\" y=\"18\">ns per run, log scale (10 ns to 100 us)</text>\n"
		for (j = 1; j <= ne; j++)
			printf "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n", 300 + j * 90, 8, C[j], 314 + j * 90, 17, E[j]
		for (i = 0; i < n; i++) {
			x = 60 + i * gw
			for (j = 1; j <= ne; j++) {
				if (v[i, j] == "-" || v[i, j] <= 0) continue
				l = log(v[i, j]) / log(10); if (l < 1) l = 1
				bh = (l - 1) / 4 * h
				printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s ns</title></rect>\n", x + (j - 1) * bw, top + h - bh, bw - 2, bh, C[j], name[i], E[j], v[i, j]
			}
			printf "<text transform=\"translate(%d,%d) rotate(60)\">%s</text>\n", x, top + h + 12, name[i]
		}
		printf "<line x1=\"55\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n</svg>\n", top + h, W, top + h
	}' "$TMP/data" >"$OUT/latest.svg"

# Compile time: bpfaot-cc -c (BPF + native for every program) next to
# clang -target bpf -c, same flags, best of 3, milliseconds.
CC_BIN=$BUILD/bin/bpfaot-cc
ms() {
	best=
	for n in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo -; return; }
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000000 ))
		{ [ -z "$best" ] || [ "$t" -lt "$best" ]; } && best=$t
	done
	echo "$best"
}
{
	echo
	echo "## Compile time (ms, best of 3)"
	echo
	echo "| sample | clang -target bpf -c | bpfaot-cc -c | ratio |"
	echo "|---|---:|---:|---:|"
	for src in "$SAMPLES"/*.bpf.c; do
		name=$(basename "$src" .bpf.c)
		flags="-target bpf -O2 -g -D__TARGET_ARCH_x86 -I$SAMPLES -I/usr/include/x86_64-linux-gnu -c $src -o $TMP/c.o"
		a=$(ms clang-14 $flags)
		b=-
		[ -x "$CC_BIN" ] && b=$(ms "$CC_BIN" $flags)
		echo "| $name | $a | $b | $(ratio "$b" "$a") |"
	done
} >"$TMP/cc.md"

# Ablation: what each optimisation of bpfaot-cc buys. Each sample is
# compiled once per variant (the default, then one optimisation off) and run
# on the aot engine; best of 3 runs, ns per run.
ABLATION=${ABLATION:-"xdp_counter loop_sum trace_pid"}
ABL_VARIANTS="default --aot-no-inline-maps --aot-no-inline-helpers --aot-no-types"
{
	echo
	echo "## Ablation: aot ns per run, one optimisation off (best of 3)"
	echo
	printf '| sample |'
	for v in $ABL_VARIANTS; do printf ' %s |' "$v"; done
	printf '\n|---|'
	for v in $ABL_VARIANTS; do printf -- '---:|'; done
	echo
	for name in $ABLATION; do
		[ -x "$CC_BIN" ] && [ -f "$SAMPLES/$name.test" ] || continue
		spec_read "$SAMPLES/$name.test"
		set --
		old_ifs=$IFS
		IFS='
'
		for o in $spec_sets; do set -- "$@" "$o"; done
		IFS=$old_ifs
		[ -n "$data_in" ] && set -- "$@" "--data-in=$data_in"
		[ -n "$ctx_in" ] && set -- "$@" "--ctx-in=$ctx_in"
		line="| $name |"
		for v in $ABL_VARIANTS; do
			flag=$v
			[ "$v" = default ] && flag=
			o=$TMP/abl-$name$flag.o
			v_ns=-
			if "$CC_BIN" -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$SAMPLES" \
				-I/usr/include/x86_64-linux-gnu $flag -c "$SAMPLES/$name.bpf.c" -o "$o" \
				>/dev/null 2>&1; then
				for n in 1 2 3; do
					t=$(ns aot "$@" "$o")
					{ [ "$v_ns" = - ] || { [ "$t" != - ] && [ "$t" -lt "$v_ns" ]; }; } &&
						v_ns=$t
				done
			fi
			line="$line $v_ns |"
		done
		echo "$line"
		echo "bench: ablation $line" >&2
	done
} >"$TMP/abl.md"

{
	cat "$TMP/md"
	echo
	echo "![chart](latest.svg)"
	cat "$TMP/cc.md"
	cat "$TMP/abl.md"
} >"$OUT/latest.md"
cat "$OUT/latest.md"
