#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares two runs of bench/run.py (their latest.json): does a number repeat?

Usage: python3 bench/compare.py FIRST.json SECOND.json [TOLERANCE]
Prints a markdown section: for every cell timed in both runs, the ratio of
the second run's median to the first's, and every ratio between engines
(aot / native, aot / kernel on minima, ...) whose two values differ by more
than TOLERANCE (default 0.10, i.e. 10%). Exit status 0 either way.
"""
import json
import statistics
import sys


def cells(run):
    out = {}
    for name, p in run["programs"].items():
        for eng, ts in (p.get("ns") or {}).items():
            if ts:
                out[(name, eng)] = ts
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    runs = []
    for path in sys.argv[1:3]:
        with open(path) as f:
            runs.append(json.load(f))
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 0.10
    a, b = cells(runs[0]), cells(runs[1])
    common = sorted(set(a) & set(b))
    print("## Repeatability: a second run against the first")
    print()
    print("First run: load %s to %s; second: load %s to %s (1, 5, 15 min)." % (
        runs[0]["load_start"], runs[0]["load_end"], runs[1]["load_start"], runs[1]["load_end"]))
    drift = [(k, statistics.median(b[k]) / statistics.median(a[k])) for k in common]
    off = [(k, r) for k, r in drift if abs(r - 1) > tol]
    print("%d cells timed in both runs; %d moved by more than %d%% (second median / first):" % (
        len(common), len(off), round(tol * 100)))
    print()
    if off:
        print("| program | engine | second / first |")
        print("|---|---|---:|")
        for (name, eng), r in off:
            print("| %s | %s | %.2fx |" % (name, eng, r))
        print()
    pairs = [("aot", "native", statistics.median), ("aot", "native", min), ("aot", "kernel", min), ("llvm-aot", "aot", statistics.median),
             ("jit", "aot", statistics.median), ("interp", "aot", statistics.median)]
    moved = []
    for name in sorted({k[0] for k in common}):
        for x, y, f in pairs:
            if (name, x) in common and (name, y) in common:
                r1 = f(a[(name, x)]) / f(a[(name, y)])
                r2 = f(b[(name, x)]) / f(b[(name, y)])
                if abs(r2 / r1 - 1) > tol:
                    moved.append((name, "%s / %s%s" % (x, y, " (min)" if f is min else ""), r1, r2))
    print("Ratios between engines that differ by more than %d%% between the runs: %d." % (round(tol * 100), len(moved)))
    if moved:
        print()
        print("| program | ratio | first run | second run |")
        print("|---|---|---:|---:|")
        for m in moved:
            print("| %s | %s | %.2fx | %.2fx |" % m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
