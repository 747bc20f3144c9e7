#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every sample (samples/*.test) through bpfaot-run on the interpreter
# and, where the test says `kernel: yes` and bpf() works here, on the kernel
# (BPF_PROG_TEST_RUN), and prints the two outputs side by side with a
# verdict on the return value and the output packet.
#
#   BUILD=build sh samples/demo.sh [NAME ...]       (from the repository root)
#
# Exit status: 0 when every run gave the expected retval (and packet),
# 1 otherwise or when bpfaot-run or a sample object is missing.

BUILD=${BUILD:-build}
SAMPLES=$(dirname "$0")
RUN=$BUILD/bin/bpfaot-run
COLW=${COLW:-60}

if [ ! -x "$RUN" ]; then
	echo "demo: error: '$RUN' does not exist yet; run 'make' first" >&2
	exit 1
fi

# bpf() is usable when bpftool can list programs, or, without bpftool, when
# we are root.
if command -v bpftool >/dev/null 2>&1; then
	bpftool prog show >/dev/null 2>&1 && HAVE_BPF=1 || HAVE_BPF=0
else
	[ "$(id -u)" = 0 ] && HAVE_BPF=1 || HAVE_BPF=0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfaot-demo.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

. "$SAMPLES/spec.sh"

# Prints two files as two columns of width COLW, long lines cut.
side_by_side() {
	awk -v w="$COLW" -v left="$1" -v right="$2" '
		function cut(s) { return length(s) > w ? substr(s, 1, w - 1) "~" : s }
		BEGIN {
			printf "    %-" w "s | %s\n", "interp", "kernel"
			while ((getline l < left) > 0) L[n++] = l
			while ((getline r < right) > 0) R[m++] = r
			k = n > m ? n : m
			for (i = 0; i < k; i++)
				printf "    %-" w "s | %s\n", cut(L[i]), cut(R[i])
		}'
}

# check ENGINE OUTFILE RC DATAOUT: verdict line for one run.
check() {
	got=$(sed -n 's/^retval:[[:space:]]*//p' "$2" | head -n 1)
	v="retval $got"
	if [ "$3" != 0 ]; then
		v="FAILED (exit $3)"
		fail=1
	elif [ -n "$retval" ] && [ "$got" != "$retval" ]; then
		v="retval $got, expected $retval: MISMATCH"
		fail=1
	fi
	if [ "$3" = 0 ] && [ -n "$expect_out" ]; then
		if cmp -s "$4" "$expect_out"; then
			v="$v, data-out ok"
		else
			v="$v, data-out DIFFERS"
			fail=1
		fi
	fi
	printf '    %-7s %s\n' "$1:" "$v"
}

status=0
if [ $# -gt 0 ]; then
	tests=""
	for n in "$@"; do tests="$tests $SAMPLES/$n.test"; done
else
	tests=$(ls "$SAMPLES"/*.test)
fi

for t in $tests; do
	spec_read "$t"
	obj=$BUILD/samples/$name.bpf.o
	set --
	old_ifs=$IFS
	IFS='
'
	for o in $spec_sets; do set -- "$@" "$o"; done
	IFS=$old_ifs

	echo "== $name ($prog)"
	if [ ! -f "$obj" ]; then
		echo "    error: '$obj' not built; run 'make samples'"
		status=1
		continue
	fi
	[ -n "$data_in" ] && set -- "$@" "--data-in=$data_in"
	[ -n "$ctx_in" ] && set -- "$@" "--ctx-in=$ctx_in"

	# --data-out only when the test expects a packet: raw_tp test runs
	# refuse any data buffer.
	out_i="" out_k=""
	if [ -n "$expect_out" ]; then
		out_i=--data-out=$TMP/interp.out
		out_k=--data-out=$TMP/kernel.out
	fi

	fail=0
	"$RUN" --engine=interp --prog="$prog" "$@" ${out_i:+"$out_i"} --dump-maps "$obj" \
		>"$TMP/interp.txt" 2>&1
	rc_i=$?
	if [ "$kernel" = yes ] && [ "$HAVE_BPF" = 1 ]; then
		"$RUN" --engine=kernel --prog="$prog" "$@" ${out_k:+"$out_k"} --dump-maps "$obj" \
			>"$TMP/kernel.txt" 2>&1
		rc_k=$?
		side_by_side "$TMP/interp.txt" "$TMP/kernel.txt"
		check interp "$TMP/interp.txt" $rc_i "$TMP/interp.out"
		check kernel "$TMP/kernel.txt" $rc_k "$TMP/kernel.out"
	else
		sed 's/^/    /' "$TMP/interp.txt"
		check interp "$TMP/interp.txt" $rc_i "$TMP/interp.out"
		if [ "$kernel" = yes ]; then
			echo "    kernel: skipped (bpf() not available here)"
		else
			echo "    kernel: skipped (the kernel cannot test-run this program)"
		fi
	fi
	# the product: bpfaot-cc's fat object of the same source, native code
	fat=$BUILD/samples-aot/$name.bpf.o
	if [ -f "$fat" ]; then
		out_a=""
		[ -n "$expect_out" ] && out_a=--data-out=$TMP/aot.out
		"$RUN" --engine=aot --prog="$prog" "$@" ${out_a:+"$out_a"} --dump-maps "$fat" \
			>"$TMP/aot.txt" 2>&1
		rc_a=$?
		check aot "$TMP/aot.txt" $rc_a "$TMP/aot.out"
		drop_varies "$TMP/aot.txt" >"$TMP/aot.cmp"
		drop_varies "$TMP/interp.txt" >"$TMP/interp.cmp"
		if [ $rc_a = 0 ] && ! cmp -s "$TMP/aot.cmp" "$TMP/interp.cmp"; then
			echo "    aot:    maps DIFFER from interp"
			fail=1
		elif [ $rc_a = 0 ]; then
			echo "    aot:    maps identical to interp"
		fi
	else
		echo "    aot:    skipped ('$fat' not built: bpfaot-cc missing)"
	fi
	[ $fail = 0 ] || status=1
	rm -f "$TMP/interp.out" "$TMP/kernel.out" "$TMP/aot.out"
done
exit $status
