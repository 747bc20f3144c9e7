#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: every engine on every benchmark program, in alternating rounds.

Builds bench/suite/*.bpf.c three ways (clang -target bpf, bpfaot-cc, and the
plain-C twin with clang -O3 + bench/native_driver.c), takes samples/*.test as
the packet/map/helper programs, checks that all engines return the same value
(a program whose engines disagree is reported as an error and never timed),
then times each (program, engine) cell in short batches, R rounds, the engine
order rotated every round. Writes OUT/latest.md, OUT/latest.json, OUT/latest.svg
and, when rsvg-convert is installed, OUT/latest.png. bench/README.md says what
each number means.

Environment: BUILD (build), BENCH_QUICK=1 (1 round, short batches: a smoke
test, numbers meaningless), BENCH_ONLY="name ..." (programs to run),
BENCH_ROUNDS, BENCH_BATCH_MS, BENCH_OUT (output folder, bench/results),
BENCH_LTO_BUILD (a build made with `make LTO=1`: its bpfaot-run is timed
beside BUILD's in the replay table; `make bench` makes build/lto).

Capture replay: the runner writes a capture of REPLAY_PACKETS packets
(100,000; 10,000 with BENCH_QUICK) and times `bpfaot-run --pcap-in` of the
xdp_counter and pkt_parser samples on every engine, with and without LTO:
packets per second of the whole replay (wall clock of the process, capture
reading and startup included) and the engine's own ns per packet.
"""
import hashlib
import json
import math
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("BUILD", "build")))
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if QUICK else "7"))
BATCH_MS = float(os.environ.get("BENCH_BATCH_MS", "2" if QUICK else "20"))
ONLY = os.environ.get("BENCH_ONLY", "").split()
OUT = os.path.abspath(os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench", "results")))
RUN = os.path.join(BUILD, "bin", "bpfaot-run")
CC = os.path.join(BUILD, "bin", "bpfaot-cc")
CLANG = "clang-14"
BPF_FLAGS = ["-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", "-I" + os.path.join(ROOT, "samples"),
             "-I/usr/include/x86_64-linux-gnu"]
ENGINES = ["native", "aot", "llvm-aot", "llvm-jit", "jit", "interp", "kernel"]
ABLATION = ["--aot-no-types", "--aot-no-inline-helpers", "--aot-no-inline-maps"]
SUITE = os.path.join(ROOT, "bench", "suite")
SAMPLES = os.path.join(ROOT, "samples")
LTO_BUILD = os.environ.get("BENCH_LTO_BUILD", "")
REPLAY_PACKETS = 10000 if QUICK else 100000
REPLAY_ENGINES = ["aot", "llvm-aot", "llvm-jit", "jit", "interp", "kernel"]
REPLAY_PROGS = ["xdp_counter", "pkt_parser"]


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def sh(cmd, timeout=120):
    """Runs cmd; returns (rc, stdout, stderr)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %d s" % timeout
    except OSError as e:
        return 127, "", str(e)
    return p.returncode, p.stdout, p.stderr


class Prog:
    """One benchmark program: its objects, inputs and the engines that may run it."""

    def __init__(self, name, kind, bpf_obj, aot_obj, prog, args, native=None, src=None):
        self.name, self.kind, self.bpf_obj, self.aot_obj = name, kind, bpf_obj, aot_obj
        self.prog, self.args, self.native, self.src = prog, args, native, src
        self.retvals = {}   # engine -> retval (low 32 bits) of the check run
        self.skip = {}      # engine -> why it cannot run this program
        self.error = None   # engines disagree: never timed
        self.times = {}     # engine -> [ns per run, one per round]
        self.repeat = {}    # engine -> runs per batch

    def cmd(self, engine, repeat):
        if engine == "native":
            return [self.native, self.args_data, str(repeat)]
        obj = self.aot_obj if engine == "aot" else self.bpf_obj
        return [RUN, "--engine=" + engine, "--prog=" + self.prog, "--repeat=%d" % repeat, "--json"] + \
            self.args + [obj]


def run_json(cmd):
    """Runs one batch; returns (retval, ns per run) or raises RuntimeError with the reason."""
    rc, out, err = sh(cmd)
    if rc != 0:
        lines = (err or out).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else "exit status %d" % rc)
    for line in out.splitlines():
        if line.startswith("{"):
            j = json.loads(line)
            return int(j["retval"]), float(j["duration_ns"])
    raise RuntimeError("no JSON line in the output")


def sources(d):
    """(name, path) of each NAME.bpf.c of folder d that BENCH_ONLY selects, sorted."""
    for f in sorted(os.listdir(d)):
        name = f[:-len(".bpf.c")]
        if f.endswith(".bpf.c") and not (ONLY and name not in ONLY):
            yield name, os.path.join(d, f)


def bpf_objs(bdir, name):
    """Where clang's and bpfaot-cc's objects of program name go."""
    return (os.path.join(bdir, "bpf", name + ".bpf.o"), os.path.join(bdir, "aot", name + ".bpf.o"))


def bpf_steps(src, bpf, aot):
    """The two compiles of src: clang -target bpf, and bpfaot-cc with the same flags."""
    return [[CLANG] + BPF_FLAGS + ["-c", src, "-o", bpf], [CC] + BPF_FLAGS + ["-c", src, "-o", aot]]


def run_steps(name, steps, errors):
    """Runs the commands in order; False, with the failing one in errors, when one fails."""
    for s in steps:
        rc, _, err = sh(s)
        if rc:
            errors.append("%s: `%s` failed: %s" % (name, " ".join(s[:2]), err.strip()[-300:]))
            return False
    return True


def build_suite(tmp):
    """Compiles bench/suite; returns the list of Prog and the build errors."""
    progs, errors = [], []
    bdir = os.path.join(BUILD, "bench")
    for sub in ("bpf", "aot", "native"):
        os.makedirs(os.path.join(bdir, sub), exist_ok=True)
    driver = os.path.join(bdir, "native", "driver.o")
    rc, _, err = sh([CLANG, "-O3", "-c", os.path.join(ROOT, "bench", "native_driver.c"), "-o", driver])
    if rc:
        errors.append("native_driver.c: " + err.strip())
    data = os.path.join(SUITE, "input.bin")
    for name, src in sources(SUITE):
        bpf, aot = bpf_objs(bdir, name)
        nat = os.path.join(bdir, "native", name)
        if not run_steps(name, bpf_steps(src, bpf, aot) +
                         [[CLANG, "-O3", "-DBENCH_NATIVE", "-c", src, "-o", nat + ".o"],
                          [CLANG, driver, nat + ".o", "-o", nat]], errors):
            continue
        p = Prog(name, "compute", bpf, aot, "bench_xdp", ["--data-in=" + data], native=nat, src=src)
        p.args_data = data
        progs.append(p)
    return progs, errors


def map_progs():
    """bench/maps: map-heavy XDP programs over the suite's input; no plain-C twin."""
    progs, errors = [], []
    bdir = os.path.join(BUILD, "bench")
    for name, src in sources(os.path.join(ROOT, "bench", "maps")):
        bpf, aot = bpf_objs(bdir, name)
        if not run_steps(name, bpf_steps(src, bpf, aot), errors):
            continue
        p = Prog(name, "maps", bpf, aot, name, ["--data-in=" + os.path.join(SUITE, "input.bin")], src=src)
        p.skip["native"] = "no plain-C twin (not a compute program)"
        progs.append(p)
    return progs, errors


def read_spec(path, tmp):
    """The fields of a samples/NAME.test that a run needs (samples/spec.sh's format)."""
    spec = {"sets": [], "kernel": "no"}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0]
            if ":" not in line:
                continue
            k, v = (x.strip() for x in line.split(":", 1))
            if k == "prog":
                spec["prog"] = v
            elif k == "data-in":
                spec["data"] = os.path.join(SAMPLES, v)
            elif k == "data-in-hex":
                d = os.path.join(tmp, os.path.basename(path) + ".in")
                with open(d, "wb") as o:
                    o.write(bytes.fromhex("".join(c for c in v if c in "0123456789abcdefABCDEF")))
                spec["data"] = d
            elif k == "ctx-in":
                spec["ctx"] = os.path.join(SAMPLES, v)
            elif k == "map-set":
                spec["sets"].append("--map-set=" + v)
            elif k == "kernel":
                spec["kernel"] = v
    return spec


def sample_progs(tmp):
    progs = []
    for f in sorted(os.listdir(SAMPLES)):
        if not f.endswith(".test"):
            continue
        name = f[:-len(".test")]
        if ONLY and name not in ONLY:
            continue
        spec = read_spec(os.path.join(SAMPLES, f), tmp)
        args = list(spec["sets"])
        if "data" in spec:
            args.append("--data-in=" + spec["data"])
        if "ctx" in spec:
            args.append("--ctx-in=" + spec["ctx"])
        p = Prog(name, "sample", os.path.join(BUILD, "samples", name + ".bpf.o"),
                 os.path.join(BUILD, "samples-aot", name + ".bpf.o"), spec.get("prog", ""), args,
                 src=os.path.join(SAMPLES, name + ".bpf.c"))
        p.skip["native"] = "no plain-C twin (not a compute program)"
        if spec["kernel"] != "yes":
            p.skip["kernel"] = "samples/%s.test: kernel: %s" % (name, spec["kernel"])
        progs.append(p)
    return progs


def check(p):
    """Runs every engine once; engines that disagree make p an error."""
    for e in ENGINES:
        if e in p.skip:
            continue
        try:
            r, _ = run_json(p.cmd(e, 1))
            p.retvals[e] = r & 0xffffffff
        except RuntimeError as ex:
            p.skip[e] = str(ex)
    vals = set(p.retvals.values())
    if len(vals) > 1:
        p.error = "engines disagree: " + ", ".join("%s=%d" % kv for kv in sorted(p.retvals.items()))


def calibrate(p, e):
    """Runs per batch so that one batch takes about BATCH_MS."""
    _, ns = run_json(p.cmd(e, 200))
    _, ns = run_json(p.cmd(e, max(200, int(2e6 / max(ns, 0.1)))))
    return max(100, min(20000000, int(BATCH_MS * 1e6 / max(ns, 0.1))))


def time_all(progs):
    live = [p for p in progs if not p.error]
    for p in live:
        for e in ENGINES:
            if e in p.retvals:
                try:
                    p.repeat[e] = calibrate(p, e)
                    p.times[e] = []
                except RuntimeError as ex:
                    p.skip[e] = str(ex)
    for r in range(ROUNDS):
        log("round %d/%d, load %s" % (r + 1, ROUNDS, loadavg()))
        order = ENGINES[r % len(ENGINES):] + ENGINES[:r % len(ENGINES)]
        for p in live:
            for e in order:
                if e not in p.times:
                    continue
                try:
                    p.times[e].append(run_json(p.cmd(e, p.repeat[e]))[1])
                except RuntimeError as ex:
                    p.skip[e] = "failed in round %d: %s" % (r + 1, ex)
                    del p.times[e]


def med(xs):
    return statistics.median(xs) if xs else None


def fmt_ns(x):
    if x is None:
        return "-"
    return "%.1f" % x if x < 100 else "%.0f" % x


def ratio(a, b):
    return a / b if a and b else None


def fmt_ratio(x):
    return "-" if x is None else "%.2fx" % x


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def elf_sections(data):
    """(name, type, bytes) of each section of an ELF64 little-endian file."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return []
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    stro = hdrs[shstrndx][4]
    out = []
    for h in hdrs:
        end = data.index(b"\0", stro + h[0])
        body = b"" if h[1] == 8 else data[h[4]:h[4] + h[5]]  # SHT_NOBITS has no bytes
        out.append((data[stro + h[0]:end].decode(), h[1], body))
    return out


def aot_code_hash(path):
    """Hash of the native code in a fat object: every .aot.P section's inner
    object, its sections except the symbol/string tables (which carry the
    name of bpfaot-cc's temporary file) and debug info. None without .aot."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    h, found = hashlib.sha256(), False
    for name, _, body in elf_sections(data):
        if not name.startswith(".aot."):
            continue
        found = True
        h.update(name.encode())
        for iname, itype, ibody in elf_sections(body):
            if itype in (2, 3) or iname.startswith((".debug", ".comment", ".note")):
                continue  # SHT_SYMTAB, SHT_STRTAB
            h.update(iname.encode() + b"\0" + ibody)
    return h.hexdigest() if found else None


def ablation(progs):
    """Per program and flag: 'identical binary', or aot ns with the flag / default."""
    rows = []
    rounds = max(1, ROUNDS // 2 + 1)
    for p in progs:
        if p.error or "aot" not in p.times or not p.src:
            continue
        default_hash = aot_code_hash(p.aot_obj)
        row = [p.name]
        variants = []
        for flag in ABLATION:
            obj = os.path.join(BUILD, "bench", "ablation", "%s%s.bpf.o" % (p.name, flag))
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            rc, _, err = sh([CC] + BPF_FLAGS + [flag, "-c", p.src, "-o", obj])
            if rc:
                row.append("build failed")
                continue
            if aot_code_hash(obj) == default_hash:
                row.append("identical binary")
                continue
            variants.append((len(row), obj))
            row.append(None)
        if variants:
            base = Prog(p.name, p.kind, p.bpf_obj, p.aot_obj, p.prog, p.args)
            objs = [p.aot_obj] + [o for _, o in variants]
            ts = {o: [] for o in objs}
            try:
                for r in range(rounds):
                    for o in objs[r % len(objs):] + objs[:r % len(objs)]:
                        base.aot_obj = o
                        ts[o].append(run_json(base.cmd("aot", p.repeat["aot"]))[1])
                for i, o in variants:
                    row[i] = fmt_ratio(ratio(med(ts[o]), med(ts[p.aot_obj])))
            except RuntimeError as ex:
                for i, _ in variants:
                    row[i] = "error: " + str(ex)
        rows.append(row)
    return rows, rounds


def compile_times(progs, n):
    """Median wall ms of clang -target bpf -c and bpfaot-cc -c, alternating;
    the bench's programs, then tests/data/cc/vmlinux_progs.bpf.c over the
    running kernel's vmlinux.h (bpftool btf dump) where there is one: the
    size of libbpf-tools' units."""
    out = os.path.join(BUILD, "bench", "cc-time.o")
    jobs = [(p.name, p.src, BPF_FLAGS) for p in progs if p.src]
    vmlinux = os.path.join(BUILD, "bench", "vmlinux")
    os.makedirs(vmlinux, exist_ok=True)
    rc, text, _ = sh(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"])
    if rc == 0:
        with open(os.path.join(vmlinux, "vmlinux.h"), "w") as f:
            f.write(text)
        jobs.append(("vmlinux_progs (vmlinux.h)",
                     os.path.join(ROOT, "tests", "data", "cc", "vmlinux_progs.bpf.c"),
                     BPF_FLAGS + ["-I" + vmlinux]))
    else:
        log("compile time: no vmlinux.h (bpftool btf dump failed), small files only")
    rows = []
    for name, src, flags in jobs:
        t = {"clang": [], "cc": []}
        for _ in range(n):
            for k, tool in (("clang", CLANG), ("cc", CC)):
                t0 = time.perf_counter()
                rc, _, _ = sh([tool] + flags + ["-c", src, "-o", out])
                if rc == 0:
                    t[k].append((time.perf_counter() - t0) * 1e3)
        rows.append((name, med(t["clang"]), med(t["cc"])))
    return rows


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    rc, commit, _ = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    rc2, dirty, _ = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    commit = commit.strip() if rc == 0 else "?"
    if rc2 == 0 and dirty.strip():
        commit += " (with uncommitted changes)"
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": os.uname().release, "commit": commit,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def chart_svg(progs):
    """Grouped bars, one group per program, one bar per engine, ns per run on a log scale."""
    colors = ["#333333", "#e15759", "#f28e2b", "#edc948", "#59a14f", "#76b7b2", "#4e79a7"]
    rows = [p for p in progs if p.times]
    ne, bw, h, top, left = len(ENGINES), 9, 320, 40, 60
    gw = ne * bw + 14
    width = left + 20 + len(rows) * gw
    lo, hi = 1, 6  # 10 ns .. 1 ms
    y = lambda v: top + h - (min(max(math.log10(v), lo), hi) - lo) / (hi - lo) * h
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
         'font-size="11">' % (max(width, 700), h + 150),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="16">ns per run (median of rounds), log scale; lower is better</text>']
    for j, e in enumerate(ENGINES):
        s.append('<rect x="%d" y="22" width="10" height="10" fill="%s"/><text x="%d" y="31">%s</text>'
                 % (10 + j * 90, colors[j], 24 + j * 90, e))
    for k in range(lo, hi + 1):
        s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="4" y="%.1f">%s</text>'
                 % (left - 5, y(10 ** k), width, y(10 ** k), y(10 ** k) + 4,
                    ["", "10 ns", "100 ns", "1 us", "10 us", "100 us", "1 ms"][k]))
    for i, p in enumerate(rows):
        x = left + i * gw
        for j, e in enumerate(ENGINES):
            v = med(p.times.get(e, []))
            if not v:
                continue
            s.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s: %s ns</title>'
                     '</rect>' % (x + j * bw, y(v), bw - 1, top + h - y(v), colors[j], p.name, e, fmt_ns(v)))
        s.append('<text transform="translate(%d,%d) rotate(60)">%s</text>' % (x + 4, top + h + 10, p.name))
    s.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/></svg>' % (left - 5, top + h, width, top + h))
    return "\n".join(s) + "\n"


def write_capture(path, n):
    """A pcap of n Ethernet packets: IPv4/IPv6, TCP/UDP/ICMP, some VLAN-tagged."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for i in range(n):
            eth = bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2])
            if i % 5 == 4:
                eth += b"\x81\x00" + struct.pack("!H", i % 4096)
            proto = (6, 17, 1)[i % 3]
            l4 = struct.pack("!HHIIBBHHH", 1024 + i % 999, 80, i, 0, 0x50, 0x10, 512, 0, 0) if proto == 6 \
                else struct.pack("!HHHH", 1024 + i % 999, 53, 8 + 32, 0) if proto == 17 \
                else struct.pack("!BBHHH", 8, 0, 0, i & 0xffff, 1)
            payload = bytes((i * 7 + j) & 0xff for j in range(i % 64))
            if i % 7 == 6:
                ip = struct.pack("!IHBB16s16s", 0x60000000, len(l4) + len(payload), proto if proto != 1 else 58,
                                 64, b"\x20\x01" + bytes(14), b"\x20\x01" + bytes(13) + bytes([i & 0xff]))
                pkt = eth + b"\x86\xdd" + ip + l4 + payload
            else:
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4) + len(payload), i & 0xffff, 0, 64,
                                 proto, 0, bytes([10, 0, i >> 8 & 0xff, i & 0xff]), bytes([10, 1, 0, 1]))
                pkt = eth + b"\x08\x00" + ip + l4 + payload
            f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(pkt), len(pkt)))
            f.write(pkt)


def replay_bench(tmp):
    """Rows (program, engine, {build: (pkt/s, ns)}) and the builds timed."""
    cap = os.path.join(tmp, "replay.pcap")
    write_capture(cap, REPLAY_PACKETS)
    builds = [("LTO off", RUN)]
    lto_run = os.path.join(os.path.abspath(LTO_BUILD), "bin", "bpfaot-run") if LTO_BUILD else ""
    if lto_run and os.access(lto_run, os.X_OK):
        builds.append(("LTO on", lto_run))
    rounds = 1 if QUICK else 3
    rows = []
    for name in REPLAY_PROGS:
        if ONLY and name not in ONLY:
            continue
        for e in REPLAY_ENGINES:
            obj = os.path.join(BUILD, "samples-aot" if e == "aot" else "samples", name + ".bpf.o")
            res, why = {}, None
            for r in range(rounds):
                for label, run in (builds if r % 2 == 0 else builds[::-1]):
                    t0 = time.perf_counter()
                    rc, out, err = sh([run, "--engine=" + e, "--pcap-in=" + cap, obj], timeout=600)
                    wall = time.perf_counter() - t0
                    if rc:
                        lines = (err or out).strip().splitlines()
                        why = lines[-1] if lines else "exit status %d" % rc
                        break
                    ns = [float(l.split()[-2]) for l in out.splitlines() if l.startswith("duration (average)")]
                    pk = [int(l.split()[1]) for l in out.splitlines() if l.startswith("packets:")]
                    res.setdefault(label, []).append((pk[0] / wall, ns[0]))
                if why:
                    break
            log("replay %s/%s: %s" % (name, e, why or "ok"))
            rows.append((name, e, None if why else {k: (med([a for a, _ in v]), med([b for _, b in v]))
                                                     for k, v in res.items()}, why))
    return rows, [b[0] for b in builds], rounds


def replay_report(rows, labels, rounds):
    L = ["## Capture replay throughput", ""]
    L.append("`bpfaot-run --pcap-in` over a capture of %d packets the runner writes (IPv4/IPv6, TCP/UDP/ICMP, "
             "every fifth VLAN-tagged), median of %d runs, builds alternating: packets per second of the whole "
             "process (wall clock: startup, capture reading, one run per packet) and the engine's own ns per "
             "packet (`duration (average)`). `LTO on` is the same bpfaot-run built with `make LTO=1` "
             "(gcc -flto over the runtime, the tools and the llvm engines); aot's native code is bpfaot-cc's "
             "either way." % (REPLAY_PACKETS, rounds))
    L.append("")
    L.append("| program | engine | " + " | ".join("%s pkt/s | %s ns/pkt" % (l, l) for l in labels) + " |")
    L.append("|---|---|" + "---:|---:|" * len(labels))
    for name, e, res, why in rows:
        if res is None:
            L.append("| %s | %s | %s |" % (name, e, "- (%s)" % why) + " |" * (2 * len(labels) - 1))
            continue
        cells = []
        for l in labels:
            pps, ns = res.get(l, (None, None))
            cells += ["%.0f" % pps if pps else "-", fmt_ns(ns) if ns is not None else "-"]
        L.append("| %s | %s | %s |" % (name, e, " | ".join(cells)))
    if len(labels) < 2:
        L.append("")
        L.append("No LTO build (BENCH_LTO_BUILD unset or missing): `make bench` builds one with `make LTO=1`.")
    return "\n".join(L) + "\n"


def report(progs, build_errors, abl, abl_rounds, cc_rows, cc_n, info, load0, load1, png_note):
    L = []
    a = L.append
    a("# bpfaot benchmark")
    a("")
    if QUICK:
        a("**BENCH_QUICK=1: a smoke test of the runner (1 round, short batches); the numbers mean nothing.**")
        a("")
    a("Machine: %d CPUs (%s), Linux %s; git %s; %s." % (info["nproc"], info["cpu"], info["kernel"],
                                                        info["commit"], info["date"]))
    a("Load (/proc/loadavg 1, 5, 15 min): %s at start, %s at end." % (load0, load1))
    # the runner itself keeps one CPU busy: the end load includes it
    n = info["nproc"] or 1
    if float(load0.split()[0]) > n / 2 or float(load1.split()[0]) > n:
        a("**The machine was loaded (1-minute load above %g at start or %d at end, the runner's own "
          "one CPU included): numbers taken under load are provisional.**" % (n / 2, n))
    a("")
    a("Method: %d rounds; in each round every (program, engine) cell runs one batch of about %g ms "
      "(`bpfaot-run --engine=E --repeat=N --json`, N calibrated per cell; `native` is the plain-C twin "
      "built with `clang -O3`, called N times by bench/native_driver.c); the engine order rotates every "
      "round. Cells show the median ns per run over the rounds and [min-max]. Before timing, every "
      "engine runs each program once and the return values (low 32 bits, the kernel's u32 retval) "
      "must agree, or the program is reported as an error and not timed." % (ROUNDS, BATCH_MS))
    a("")
    a("| program | kind | " + " | ".join(ENGINES) + " |")
    a("|---|---|" + "---:|" * len(ENGINES))
    for p in progs:
        if p.error:
            a("| %s | %s | **ERROR: %s** |" % (p.name, p.kind, p.error) + " |" * (len(ENGINES) - 1))
            continue
        cells = []
        for e in ENGINES:
            ts = p.times.get(e)
            cells.append("%s [%s-%s]" % (fmt_ns(med(ts)), fmt_ns(min(ts)), fmt_ns(max(ts))) if ts else "-")
        a("| %s | %s | %s |" % (p.name, p.kind, " | ".join(cells)))
    skipped = [(p.name, e, why) for p in progs for e, why in sorted(p.skip.items())]
    if skipped:
        a("")
        a("Cells shown as `-`: " + "; ".join("%s/%s: %s" % s for s in skipped) + ".")
    a("")
    a("## Ratios within this run")
    a("")
    a("Ratios of medians, except the `(min)` columns, which compare the minimum batch of each engine "
      "over the interleaved rounds (the least disturbed batch of each). `aot / kernel` is one: the "
      "kernel's BPF_PROG_TEST_RUN timer stops while the CPU is yielded and a userspace clock does "
      "not, so a loaded machine favours the kernel. `aot / native (min)` is the other: on this kind "
      "of VM some compute cells are bimodal (the batches of both engines fall in two groups; "
      "bench/results/2026-12-07-loop-alignment.md shows bitfield's), and the median of a few rounds "
      "then lands in either group from one run to the next. Below 1 means aot is faster.")
    a("")
    cols = [("aot / native", "aot", "native", med), ("aot / native (min)", "aot", "native", min),
            ("llvm-aot / aot", "llvm-aot", "aot", med),
            ("llvm-jit / aot", "llvm-jit", "aot", med), ("jit / aot", "jit", "aot", med),
            ("interp / aot", "interp", "aot", med), ("aot / kernel (min)", "aot", "kernel", min)]
    a("| program | " + " | ".join(c[0] for c in cols) + " |")
    a("|---|" + "---:|" * len(cols))
    per_col = [[] for _ in cols]
    for p in progs:
        if p.error or not p.times:
            continue
        cells = []
        for i, (_, x, yy, f) in enumerate(cols):
            tx, ty = p.times.get(x), p.times.get(yy)
            r = ratio(f(tx), f(ty)) if tx and ty else None
            if r:
                per_col[i].append(r)
            cells.append(fmt_ratio(r))
        a("| %s | %s |" % (p.name, " | ".join(cells)))
    a("| **geomean** | %s |" % " | ".join(fmt_ratio(geomean(c)) for c in per_col))
    a("")
    a("![chart](latest.svg)")
    if png_note:
        a("")
        a(png_note)
    a("")
    a("## Ablation: aot with one optimisation off")
    a("")
    a("Each flag builds the program again; the native code of the `.aot.*` sections (symbol tables "
      "and debug info aside) is hashed. Where it is byte-identical to the default build the cell says "
      "'identical binary'; otherwise it is aot's median ns with the flag / without, over %d interleaved "
      "rounds (above 1: the optimisation helps)." % abl_rounds)
    a("")
    a("| program | " + " | ".join(ABLATION) + " |")
    a("|---|" + "---:|" * len(ABLATION))
    for row in abl:
        a("| " + " | ".join(str(c) for c in row) + " |")
    a("")
    a("## Compile time: bpfaot-cc -c vs clang -target bpf -c")
    a("")
    a("Wall time in ms, median of %d runs each, alternating, same flags (`%s -c`). The bench's "
      "programs are small files (linux/bpf.h and libbpf's headers); the vmlinux.h row is "
      "tests/data/cc/vmlinux_progs.bpf.c over the running kernel's vmlinux.h, the size of "
      "libbpf-tools' units (bench/results/2026-12-07-compile-skim-speculate.md)." % (cc_n, " ".join(BPF_FLAGS[:5])))
    a("")
    a("| program | clang -target bpf -c | bpfaot-cc -c | ratio |")
    a("|---|---:|---:|---:|")
    rs = []
    for name, c1, c2 in cc_rows:
        r = ratio(c2, c1)
        rs.append(r)
        a("| %s | %s | %s | %s |" % (name, fmt_ns(c1), fmt_ns(c2), fmt_ratio(r)))
    a("| **geomean** | | | %s |" % fmt_ratio(geomean(rs)))
    if build_errors:
        a("")
        a("## Build errors")
        a("")
        for e in build_errors:
            a("- " + e.replace("\n", " "))
    return "\n".join(L) + "\n"


def main():
    for tool in (RUN, CC):
        if not os.access(tool, os.X_OK):
            log("'%s' missing: run 'make'" % tool)
            return 1
    os.makedirs(OUT, exist_ok=True)
    load0 = loadavg()
    info = machine()
    with tempfile.TemporaryDirectory(prefix="bpfaot-bench.") as tmp:
        progs, build_errors = build_suite(tmp)
        mprogs, merrors = map_progs()
        progs += mprogs
        build_errors += merrors
        progs += sample_progs(tmp)
        log("%d programs, %d rounds, batches of %g ms, load %s" % (len(progs), ROUNDS, BATCH_MS, load0))
        for p in progs:
            check(p)
            if p.error:
                log("%s: ERROR: %s" % (p.name, p.error))
        time_all(progs)
        abl, abl_rounds = ablation(progs)
        cc_n = 1 if QUICK else 5
        cc_rows = compile_times(progs, cc_n)
        replay_rows, replay_labels, replay_rounds = replay_bench(tmp)
    load1 = loadavg()
    svg = os.path.join(OUT, "latest.svg")
    with open(svg, "w") as f:
        f.write(chart_svg(progs))
    png = os.path.join(OUT, "latest.png")
    png_note = None
    if shutil.which("rsvg-convert"):
        rc, _, err = sh(["rsvg-convert", "-o", png, svg])
        if rc:
            png_note = "No PNG: rsvg-convert failed: " + err.strip()
    else:
        png_note = "No PNG: rsvg-convert is not installed (`make bench-deps` installs librsvg2-bin)."
    if png_note:
        log(png_note)
    md = report(progs, build_errors, abl, abl_rounds, cc_rows, cc_n, info, load0, load1, png_note)
    md += "\n" + replay_report(replay_rows, replay_labels, replay_rounds)
    with open(os.path.join(OUT, "latest.md"), "w") as f:
        f.write(md)
    with open(os.path.join(OUT, "latest.json"), "w") as f:
        json.dump({"machine": info, "load_start": load0, "load_end": load1, "rounds": ROUNDS,
                   "batch_ms": BATCH_MS, "quick": QUICK,
                   "programs": {p.name: {"kind": p.kind, "error": p.error, "skip": p.skip,
                                         "repeat": p.repeat, "ns": p.times} for p in progs},
                   "replay": {"packets": REPLAY_PACKETS, "builds": replay_labels,
                              "rows": [{"program": n, "engine": e, "error": w,
                                        "pkt_per_s": {k: v[0] for k, v in (r or {}).items()},
                                        "ns_per_pkt": {k: v[1] for k, v in (r or {}).items()}}
                                       for n, e, r, w in replay_rows]}},
                  f, indent=1, sort_keys=True)
    sys.stdout.write(md)
    bad = [p.name for p in progs if p.error] + (["build"] if build_errors else [])
    if bad:
        log("errors in: " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
