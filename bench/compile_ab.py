#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compile time of several bpfaot-cc binaries against clang -target bpf -c.

    python3 bench/compile_ab.py RUNS CC1 [CC2 ...] -- FILE...

Each round compiles each file with clang-14 and with every CC, the order
rotating from round to round; prints per file and command the median wall
ms [min-max], the ratio to clang's median, and the median CPU ms of the
whole process tree (user + system of the children). Files under a
libbpf-tools directory get its flags (-I its x86/ and itself), the others
the bench suite's (bench/suite, samples). The machine's load is printed
at the end. Results of this script: bench/results/2026-12-07-compile-*.md.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def flags(f):
    base = ["-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86"]
    d = os.path.dirname(os.path.abspath(f))
    if os.path.basename(d) == "libbpf-tools":
        return base + ["-I" + d + "/x86", "-I" + d, "-I/usr/include/x86_64-linux-gnu"]
    return base + ["-I" + os.path.join(ROOT, "samples"), "-I" + os.path.join(ROOT, "bench", "suite"),
                   "-I/usr/include/x86_64-linux-gnu"]


def main():
    if "--" not in sys.argv or len(sys.argv) < 5:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    k = sys.argv.index("--")
    cmds = ["clang-14"] + sys.argv[2:k]
    out = "/tmp/compile_ab.%d.o" % os.getpid()
    for f in sys.argv[k + 1:]:
        wall = [[] for _ in cmds]
        cpu = [[] for _ in cmds]
        for r in range(runs):
            order = list(range(len(cmds)))
            order = order[r % len(order):] + order[:r % len(order)]
            for i in order:
                t0, c0 = time.perf_counter(), os.times()
                p = subprocess.run([cmds[i]] + flags(f) + ["-c", f, "-o", out], capture_output=True)
                t1, c1 = time.perf_counter(), os.times()
                if p.returncode:
                    sys.exit("%s %s failed: %s" % (cmds[i], f, p.stderr.decode()[:500]))
                wall[i].append((t1 - t0) * 1e3)
                cpu[i].append((c1.children_user + c1.children_system -
                               c0.children_user - c0.children_system) * 1e3)
        base = statistics.median(wall[0])
        cells = ["clang %.0f cpu %.0f" % (base, statistics.median(cpu[0]))]
        for w, c in zip(wall[1:], cpu[1:]):
            cells.append("%.0f (%.2fx) [%.0f-%.0f] cpu %.0f" %
                         (statistics.median(w), statistics.median(w) / base, min(w), max(w),
                          statistics.median(c)))
        print("%-24s %s" % (os.path.basename(f), " | ".join(cells)), flush=True)
    os.unlink(out) if os.path.exists(out) else None
    print("load", " ".join(open("/proc/loadavg").read().split()[:3]))


if __name__ == "__main__":
    main()
