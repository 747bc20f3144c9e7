#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench-peers: our bytecode engines against their peers on the same bytecode.

The compute programs of bench/suite, built with `clang -target bpf -DBENCH_MEM`
(entry `bench_mem(mem, len)`: the userspace runtimes' convention), run on
  interp, jit, llvm-jit, llvm-aot   (bpfaot-run --engine=E --repeat=N --json)
and on the peers, when PEERS names a folder holding them:
  ubpf-interp, ubpf-jit             (PEERS/ubpf: iovisor/ubpf)
  llvmbpf-jit, llvmbpf-aot          (PEERS/llvmbpf: eunomia-bpf/llvmbpf)
Each peer is built by the user from its own sources, by its own build, outside
this tree; this script only compiles our drivers (bench/peers/*_driver.*)
against the peer's public header and library. A peer that is absent is
skipped with a message; so is the whole comparison without PEERS.

Pairs compared: interp / ubpf-interp, jit / ubpf-jit, llvm-jit / llvmbpf-jit,
llvm-aot / llvmbpf-aot (below 1: ours is faster).

Two measures, because the machine is shared:
- instructions per run under valgrind --tool=callgrind, independent of load:
  each cell runs K times, counting only inside the timed loop (the function
  timed_runs, in bpfaot-run as in our drivers), so one-time work (load,
  compile, link) is not counted; also the mispredicted branches of callgrind's
  simple branch simulator (a hint, not a CPU's predictor);
- wall clock: R rounds, in each a batch of about BATCH_MS of every cell, the
  engine order rotated every round; a cell is the median, a ratio the median of
  the per-round ratios of the pair. `uptime` is recorded at start and end.

Every engine first runs every program once: the return values must agree, or
the program is an ERROR row, never measured, and the script exits non-zero.

Environment: PEERS (folder of the peers; required), BUILD (build),
BENCH_LABEL (a line of text for the result: which build this is),
BENCH_ONLY="name ...", BENCH_ROUNDS (7), BENCH_BATCH_MS (20), BENCH_QUICK=1
(1 round, short batches, small K: numbers meaningless), PEERS_CALLGRIND=0
(skip the instruction counts), BENCH_OUT (bench/results): writes
OUT/peers.md and OUT/peers.json.
"""
import glob
import json
import os
import re
import shutil
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import geomean, med, run_json, sh  # noqa: E402  (bench/run.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("BUILD", "build")))
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if QUICK else "7"))
BATCH_MS = float(os.environ.get("BENCH_BATCH_MS", "2" if QUICK else "20"))
ONLY = os.environ.get("BENCH_ONLY", "").split()
OUT = os.path.abspath(os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench", "results")))
CALLGRIND = os.environ.get("PEERS_CALLGRIND", "1") not in ("", "0")
PEERS = os.environ.get("PEERS", "")
RUN = os.path.join(BUILD, "bin", "bpfaot-run")
CLANG = "clang-14"
OBJCOPY = "llvm-objcopy-14"
SUITE = os.path.join(ROOT, "bench", "suite")
INPUT = os.path.join(SUITE, "input.bin")
OURS = ["interp", "jit", "llvm-jit", "llvm-aot"]
PEER_ENGINES = ["ubpf-interp", "ubpf-jit", "llvmbpf-jit", "llvmbpf-aot"]
PAIRS = list(zip(OURS, PEER_ENGINES))


def log(msg):
    print("bench-peers: " + msg, file=sys.stderr, flush=True)


def uptime():
    rc, out, _ = sh(["uptime"])
    return out.strip() if rc == 0 else open("/proc/loadavg").read().strip()


def first(paths):
    for p in paths:
        if os.path.exists(p):
            return p
    return None


def llvm_config():
    for v in ("18", "17", "16", "15"):
        exe = shutil.which("llvm-config-" + v)
        if exe:
            return exe
    return shutil.which("llvm-config")


def build_drivers(peers, ddir):
    """Our drivers linked with each peer found; returns ({peer: driver}, {peer: why absent})."""
    drivers, absent = {}, {}
    os.makedirs(ddir, exist_ok=True)
    u = os.path.join(peers, "ubpf")
    inc = os.path.join(u, "vm", "inc", "ubpf.h")
    lib = first([os.path.join(u, "build", "lib", "libubpf.a"), os.path.join(u, "lib", "libubpf.a")])
    cfg = first(glob.glob(os.path.join(u, "build", "vm", "ubpf_config.h")) +
                glob.glob(os.path.join(u, "*", "vm", "ubpf_config.h")))
    if not (os.path.exists(inc) and lib and cfg):
        absent["ubpf"] = "no ubpf build under %s (needs vm/inc/ubpf.h, build/lib/libubpf.a, " \
                         "build/vm/ubpf_config.h)" % u
    else:
        exe = os.path.join(ddir, "ubpf_driver")
        rc, _, err = sh(["cc", "-O2", "-I" + os.path.dirname(inc), "-I" + os.path.dirname(cfg),
                         os.path.join(ROOT, "bench", "peers", "ubpf_driver.c"), lib, "-lm", "-o", exe])
        if rc:
            absent["ubpf"] = "cannot build ubpf_driver: " + err.strip()[-300:]
        else:
            drivers["ubpf"] = exe
    b = os.path.join(peers, "llvmbpf")
    hpp = os.path.join(b, "include", "llvmbpf.hpp")
    lib = first([os.path.join(b, "libllvmbpf_vm.a"), os.path.join(b, "build", "libllvmbpf_vm.a")])
    cfgx = llvm_config()
    if not (os.path.exists(hpp) and lib):
        absent["llvmbpf"] = "no llvmbpf build under %s (needs include/llvmbpf.hpp, libllvmbpf_vm.a)" % b
    elif not cfgx:
        absent["llvmbpf"] = "no llvm-config-15 or later to link llvmbpf"
    else:
        _, flags, _ = sh([cfgx, "--cxxflags"])
        _, ldflags, _ = sh([cfgx, "--ldflags"])
        _, libs, _ = sh([cfgx, "--libs", "core", "orcjit", "mcjit", "support", "nativecodegen"])
        _, syslibs, _ = sh([cfgx, "--system-libs"])
        exe = os.path.join(ddir, "llvmbpf_driver")
        cmd = (["c++", "-O2", "-std=c++20", "-I" + os.path.dirname(hpp), "-I" + os.path.join(b, "src")] +
               [f for f in flags.split() if not f.startswith("-std=") and f != "-fno-exceptions"] +
               [os.path.join(ROOT, "bench", "peers", "llvmbpf_driver.cpp"), lib] + ldflags.split() +
               libs.split() + syslibs.split() + ["-lspdlog", "-lfmt", "-o", exe])
        rc, _, err = sh(cmd, timeout=600)
        if rc:
            absent["llvmbpf"] = "cannot build llvmbpf_driver: " + err.strip()[-300:]
        else:
            drivers["llvmbpf"] = exe
    return drivers, absent


class Prog:
    def __init__(self, name, obj, raw):
        self.name, self.obj, self.raw = name, obj, raw
        self.retvals, self.skip = {}, {}
        self.error = None
        self.times = {}     # engine -> [ns per run, one per round]
        self.repeat = {}    # engine -> runs per batch
        self.instr = {}     # engine -> instructions per run (callgrind)
        self.mispred = {}   # engine -> mispredicted branches per run (callgrind's simulator)


def build_progs(bdir):
    progs, errors = [], []
    os.makedirs(bdir, exist_ok=True)
    for f in sorted(os.listdir(SUITE)):
        if not f.endswith(".bpf.c"):
            continue
        name = f[:-len(".bpf.c")]
        if ONLY and name not in ONLY:
            continue
        obj = os.path.join(bdir, name + ".mem.o")
        raw = os.path.join(bdir, name + ".mem.bin")
        steps = [[CLANG, "-target", "bpf", "-O2", "-g", "-DBENCH_MEM", "-I/usr/include/x86_64-linux-gnu",
                  "-c", os.path.join(SUITE, f), "-o", obj],
                 [OBJCOPY, "-O", "binary", "--only-section=mem", obj, raw]]
        bad = False
        for s in steps:
            rc, _, err = sh(s)
            if rc:
                errors.append("%s: `%s` failed: %s" % (name, s[0], err.strip()[-300:]))
                bad = True
                break
        if bad:
            continue
        p = Prog(name, obj, raw)
        _, out, _ = sh(["llvm-readelf-14", "-S", obj])
        if re.search(r"\.rel\.?mem\b", out):
            for e in PEER_ENGINES:
                p.skip[e] = "relocations in section mem: raw bytecode would be wrong"
        progs.append(p)
    return progs, errors


def cmd(p, engine, n, drivers):
    if engine in OURS:
        return [RUN, "--engine=" + engine, "--prog=bench_mem", "--repeat=%d" % n, "--json",
                "--data-in=" + INPUT, p.obj]
    peer, mode = engine.split("-", 1)
    return [drivers[peer], mode, p.raw, INPUT, str(n)]


def run_once(p, engine, n, drivers):
    """(retval, ns per run) of one batch; raises RuntimeError with the reason."""
    if engine in OURS:
        return run_json(cmd(p, engine, n, drivers))
    rc, out, err = sh(cmd(p, engine, n, drivers))
    if rc != 0:
        lines = (err or out).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else "exit status %d" % rc)
    # the last line: llvmbpf logs to stdout before it
    ret, ns = out.strip().splitlines()[-1].split()
    return int(ret), float(ns)


def instructions(c):
    """(instructions, mispredicted branches) of the command c under callgrind
    with its branch simulator, counted inside the timed loop only: the
    function timed_runs of bpfaot-run and of our drivers."""
    rc, _, err = sh(["valgrind", "--tool=callgrind", "--branch-sim=yes", "--collect-atstart=no",
                     "--toggle-collect=timed_runs", "--callgrind-out-file=/dev/null"] + c, timeout=1200)
    m = re.search(r"Collected\s*:\s*(\d+) (\d+) (\d+) (\d+) (\d+)", err)
    if rc != 0 or not m:
        raise RuntimeError("callgrind: exit %d: %s" % (rc, err.strip().splitlines()[-1:] or ""))
    return int(m.group(1)), int(m.group(3)) + int(m.group(5))


def fmt(x, prec=1):
    return "" if x is None else ("%.*f" % (prec, x))


def main():
    if not PEERS:
        log("PEERS is not set: no peer to compare with; skipped "
            "(e.g. `make bench-peers PEERS=/work/peers`, see bench/README.md)")
        return 0
    if not os.path.isdir(PEERS):
        log("PEERS=%s is not a folder: skipped" % PEERS)
        return 0
    if not os.path.exists(RUN):
        log("no %s: run make first" % RUN)
        return 1
    engines = list(OURS)
    drivers, absent = build_drivers(PEERS, os.path.join(BUILD, "bench", "peers"))
    for peer, why in sorted(absent.items()):
        log("%s: skipped: %s" % (peer, why))
    for e in PEER_ENGINES:
        if e.split("-")[0] in drivers:
            engines.append(e)
    if len(engines) == len(OURS):
        log("no peer could be used: nothing to compare")
        return 0
    progs, errors = build_progs(os.path.join(BUILD, "bench", "mem"))
    for e in errors:
        log(e)
    start = {"uptime": uptime(), "time": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    log("start: " + start["uptime"])

    # check: one run each, the same result everywhere
    failed = False
    for p in progs:
        for e in engines:
            if e in p.skip:
                continue
            try:
                p.retvals[e], ns = run_once(p, e, 1, drivers)
            except RuntimeError as ex:
                p.skip[e] = str(ex)
                continue
            p.repeat[e] = max(1, int(BATCH_MS * 1e6 / max(ns, 1.0)))
        vals = {v & 0xffffffff for v in p.retvals.values()}
        if len(vals) > 1:
            p.error = ", ".join("%s=%d" % (e, v) for e, v in sorted(p.retvals.items()))
            log("ERROR %s: engines disagree: %s" % (p.name, p.error))
            failed = True
    live = [p for p in progs if not p.error]

    # calibrate the batches on a warm run
    for p in live:
        for e in engines:
            if e in p.skip:
                continue
            try:
                _, ns = run_once(p, e, min(p.repeat[e], 1000), drivers)
                p.repeat[e] = max(1, int(BATCH_MS * 1e6 / max(ns, 0.1)))
            except RuntimeError as ex:
                p.skip[e] = str(ex)

    # instructions per run, independent of the load
    if CALLGRIND and shutil.which("valgrind"):
        for p in live:
            for e in engines:
                if e in p.skip:
                    continue
                ns = BATCH_MS * 1e6 / p.repeat[e]
                k = 20 if QUICK else int(min(2000, max(50, 2e6 / max(ns * 3, 1.0))))
                try:
                    i, m = instructions(cmd(p, e, k, drivers))
                    p.instr[e] = i / k
                    p.mispred[e] = m / k
                except RuntimeError as ex:
                    log("%s %s: %s" % (p.name, e, ex))
            log("instructions: %s done" % p.name)
    elif CALLGRIND:
        log("no valgrind: instruction counts skipped")

    # wall clock: alternating rounds, engine order rotated
    for r in range(ROUNDS):
        for p in live:
            es = [e for e in engines if e not in p.skip]
            k = r % len(es) if es else 0
            for e in es[k:] + es[:k]:
                try:
                    _, ns = run_once(p, e, p.repeat[e], drivers)
                    p.times.setdefault(e, []).append(ns)
                except RuntimeError as ex:
                    p.skip[e] = str(ex)
        log("round %d/%d done" % (r + 1, ROUNDS))
    end = {"uptime": uptime(), "time": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    log("end: " + end["uptime"])
    write(progs, engines, start, end, absent)
    return 1 if failed else 0


def pair_ratio(p, a, b):
    """Median of the per-round ratios a / b (the rounds are paired in time)."""
    ta, tb = p.times.get(a, []), p.times.get(b, [])
    rs = [x / y for x, y in zip(ta, tb) if y > 0]
    return med(rs)


def table(progs, engines, pairs, title, what, cell, ratio, prec):
    """Markdown lines: one row a program, a column an engine, then the pairs'
    ratios (ratio(p, a, b), or of the two cells when ratio is None)."""
    L = ["## " + title, "", "Ratio: %s." % what, "",
         "| program | " + " | ".join(engines) + " | " + " | ".join("%s / %s" % ab for ab in pairs) + " |",
         "|---|" + "---:|" * (len(engines) + len(pairs))]
    ratios = {ab: [] for ab in pairs}
    for p in progs:
        if p.error:
            L.append("| %s | ERROR: %s |" % (p.name, p.error))
            continue
        row = [fmt(cell(p, e), prec) for e in engines]
        for a, b in pairs:
            if ratio:
                r = ratio(p, a, b)
            else:
                x, y = cell(p, a), cell(p, b)
                r = x / y if x and y else None
            ratios[(a, b)].append(r)
            row.append(fmt(r, 2))
        L.append("| %s | %s |" % (p.name, " | ".join(row)))
    L.append("| geomean | " + " | " * (len(engines) - 1) + " | " +
             " | ".join(fmt(geomean(ratios[ab]), 2) for ab in pairs) + " |")
    return L + [""]


def write(progs, engines, start, end, absent):
    _, commit, _ = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    _, dirty, _ = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    commit = commit.strip() + (" (with uncommitted changes)" if dirty.strip() else "")
    peers_rev = {}
    for peer in ("ubpf", "llvmbpf"):
        rc, out, _ = sh(["git", "-C", os.path.join(PEERS, peer), "log", "-1", "--format=%h %cs"])
        if rc == 0:
            peers_rev[peer] = out.strip()
        elif peer not in absent:
            peers_rev[peer] = "(commit unknown: %s is not a git checkout)" % os.path.join(PEERS, peer)
    os.makedirs(OUT, exist_ok=True)
    pairs = [(a, b) for a, b in PAIRS if a in engines and b in engines]
    L = ["# bpfaot engines against their peers (bench/peers.py)", ""]
    if os.environ.get("BENCH_LABEL"):
        L.append("- " + os.environ["BENCH_LABEL"])
    L.append("- commit: %s (BUILD %s); peers: %s" % (commit, BUILD, ", ".join("%s %s" % kv for kv in sorted(peers_rev.items()))
                                         or "none"))
    L.append("- start %s: `%s`" % (start["time"], start["uptime"]))
    L.append("- end %s: `%s`" % (end["time"], end["uptime"]))
    L.append("- %d rounds of %g ms batches, engine order rotated; bytecode: `clang-14 -target bpf -O2 "
             "-DBENCH_MEM` of bench/suite (entry bench_mem(mem, len), input bench/suite/input.bin)" %
             (ROUNDS, BATCH_MS))
    for peer, why in sorted(absent.items()):
        L.append("- %s skipped: %s" % (peer, why))
    if QUICK:
        L.append("- BENCH_QUICK: a smoke run, numbers meaningless")
    L.append("")
    if any(p.instr for p in progs):
        L += table(progs, engines, pairs, "Instructions per run (callgrind; load-independent)",
                   "ours / peer (below 1: ours executes fewer instructions)",
                   lambda p, e: p.instr.get(e), None, 0)
        L += table(progs, engines, pairs, "Mispredicted branches per run (callgrind's branch simulator)",
                   "ours / peer", lambda p, e: p.mispred.get(e), None, 1)
    L += table(progs, engines, pairs, "Wall clock, ns per run (median of rounds)",
               "median over rounds of ours / peer within the round",
               lambda p, e: med(p.times.get(e, [])), pair_ratio, 1)
    skips = ["- %s on %s: %s" % (p.name, e, why) for p in progs for e, why in sorted(p.skip.items())
             if e in engines]
    if skips:
        L += ["", "Cells left empty:"] + skips
    with open(os.path.join(OUT, "peers.md"), "w") as f:
        f.write("\n".join(L) + "\n")
    data = {"commit": commit, "peers": peers_rev, "start": start, "end": end, "rounds": ROUNDS,
            "batch_ms": BATCH_MS, "engines": engines, "absent": absent,
            "programs": {p.name: {"retvals": p.retvals, "error": p.error, "skip": p.skip, "times_ns": p.times,
                                  "repeat": p.repeat, "instructions_per_run": p.instr,
                                  "mispredicts_per_run": p.mispred} for p in progs}}
    with open(os.path.join(OUT, "peers.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    log("wrote %s" % os.path.join(OUT, "peers.md"))


if __name__ == "__main__":
    sys.exit(main())
