#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Instructions per run of the map-heavy and config-heavy programs, counted
by valgrind (callgrind), so that the machine's load does not matter.

Each program of bench/maps/ (and the compute programs named in EXTRA) is
built with bpfaot-cc by default and with each optimisation switch, then run
on bench/suite/input.bin as an XDP packet under `valgrind --tool=callgrind`
twice, with --repeat=N1 and --repeat=N2: (Ir(N2) - Ir(N1)) / (N2 - N1) is
the instructions of one run, with the process's start, the link or
compile, and valgrind's own start cancelled out. Engines: aot on every
build; llvm-aot, jit and interp on the default build (the bytecode is the
same in every build). Every cell's return value must equal the
interpreter's on the same build, or the script fails. Writes a Markdown
table to stdout (bench/results/ keeps it, with the command and the load).

Environment: BUILD (build), N1/N2 (100/1100), ONLY ("name ...").
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("BUILD", "build")))
CC = os.path.join(BUILD, "bin", "bpfaot-cc")
RUN = os.path.join(BUILD, "bin", "bpfaot-run")
N1 = int(os.environ.get("N1", "100"))
N2 = int(os.environ.get("N2", "1100"))
ONLY = os.environ.get("ONLY", "").split()
INPUT = os.path.join(ROOT, "bench", "suite", "input.bin")
FLAGS = ["-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", "-I/usr/include/x86_64-linux-gnu",
         "-I" + os.path.join(ROOT, "bench", "suite")]
# program: (source, extra builds {label: bpfaot-cc flags}, --map-set args)
CONSTS = ["--aot-const=target_port=0", "--aot-const=enable_stats=0", "--aot-const=scale=1",
          "--aot-const=strict=0"]
PROGS = {
    "array_counts": ("bench/maps/array_counts.bpf.c", {}, []),
    "hash_counts": ("bench/maps/hash_counts.bpf.c", {}, []),
    "config_filter": ("bench/maps/config_filter.bpf.c",
                      {"--aot-const (the defaults)": CONSTS,
                       "--aot-const-map (the defaults)":
                           ["--aot-const-map=filter_cfg=" +
                            os.path.join(ROOT, "bench", "maps", "filter_cfg.txt")],
                       "--aot-const + --aot-const-map (the defaults)":
                           CONSTS + ["--aot-const-map=filter_cfg=" +
                                     os.path.join(ROOT, "bench", "maps", "filter_cfg.txt")]},
                      []),
    "switch": ("bench/suite/switch.bpf.c", {}, []),
    "checksum": ("bench/suite/checksum.bpf.c", {}, []),
    "spill": ("bench/suite/spill.bpf.c", {}, []),
}
SWITCHES = ["--aot-no-inline-maps", "--aot-no-inline-helpers", "--aot-no-types"]


def instructions(obj, engine, repeat, extra):
    with tempfile.NamedTemporaryFile(suffix=".cg") as out:
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out.name, RUN,
               "--engine=" + engine, "--repeat=%d" % repeat, "--data-in=" + INPUT] + extra + [obj]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode:
            sys.exit("%s failed:\n%s" % (" ".join(cmd), p.stderr[-2000:]))
        m = re.search(r"^summary: (\d+)", open(out.name).read(), re.M)
        r = re.search(r"^retval: (\d+)", p.stdout, re.M)
        return int(m.group(1)), int(r.group(1))


def per_run(obj, engine, extra):
    i1, _ = instructions(obj, engine, N1, extra)
    i2, ret = instructions(obj, engine, N2, extra)
    return (i2 - i1) / (N2 - N1), ret


def once(obj, engine, extra):
    p = subprocess.run([RUN, "--engine=" + engine, "--data-in=" + INPUT] + extra + [obj],
                       capture_output=True, text=True)
    if p.returncode:
        sys.exit("%s on %s: %s" % (obj, engine, p.stderr))
    return int(re.search(r"^retval: (\d+)", p.stdout, re.M).group(1))


def build(src, flags, out):
    cmd = [CC] + FLAGS + flags + ["-c", os.path.join(ROOT, src), "-o", out]
    subprocess.run(cmd, check=True)


def main():
    tmp = tempfile.mkdtemp(prefix="bpfaot-maps-")
    print("| program | build | engine | instructions per run | vs aot default | result |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for name, (src, extra_builds, sets) in PROGS.items():
        if ONLY and name not in ONLY:
            continue
        builds = {"default": []}
        builds.update({s: [s] for s in SWITCHES})
        builds.update(extra_builds)
        base = None
        for k, (label, flags) in enumerate(builds.items()):
            obj = os.path.join(tmp, "%s-%d.o" % (name, k))
            build(src, flags, obj)
            want = once(obj, "interp", sets)
            engines = ["aot"] + (["llvm-aot", "jit", "interp"] if label == "default" else [])
            for e in engines:
                ir, ret = per_run(obj, e, sets)
                # one run's value equals the interpreter's one run
                if once(obj, e, sets) != want:
                    sys.exit("%s %s %s: result differs from interp" % (name, label, e))
                if e == "aot" and label == "default":
                    base = ir
                ratio = "%.2f" % (ir / base) if base else ""
                print("| %s | %s | %s | %.1f | %s | %d |" % (name, label, e, ir, ratio, want))
                sys.stdout.flush()
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
