#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks samples/*.test against the real kernel, independently of bpfaot:
loads the object with `bpftool prog loadall`, applies map-set lines with
`bpftool map update`, runs the program with `bpftool prog run` (the kernel's
BPF_PROG_TEST_RUN) and compares retval, data-out, map entries and ring
buffer records with the test. Needs root and bpffs on /sys/fs/bpf.

    python3 samples/kcheck.py [--build=build] [-v] [NAME ...]

Ring buffers are read directly: the pinned map is opened with BPF_OBJ_GET and
its consumer/producer pages mapped as libbpf's ring_buffer does. Exit status
0 when every kernel: yes test passes. Standard library only.
"""
import ctypes
import glob
import json
import mmap
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PIN_BASE = "/sys/fs/bpf"


def parse_test(path):
    """Returns the test as a dict; repeatable keys map to lists."""
    t = {"map-set": [], "map": [], "ringbuf": []}
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            key, sep, val = line.partition(":")
            if not sep:
                raise SystemExit("%s:%d: error: expected 'key: value'" % (path, ln))
            key, val = key.strip(), val.strip()
            if key in ("map-set", "map", "ringbuf"):
                t[key].append(val)
            else:
                t[key] = val
    return t


def run(cmd, verbose, check=True):
    if verbose:
        print("  $ " + " ".join(cmd))
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(cmd[:3]), p.stdout[-3000:], p.stderr[-3000:]))
    return p.stdout


def hexargs(h):
    b = bytes.fromhex(h)
    return ["hex"] + ["%02x" % x for x in b]


def map_pin(mapdir, name):
    """Pinned path of map NAME; '.rodata' etc. match libbpf's internal maps,
    pinned as '<obj prefix>_rodata'."""
    path = os.path.join(mapdir, name)
    if os.path.exists(path):
        return path
    if name.startswith("."):
        hits = [p for p in os.listdir(mapdir) if p.endswith("_" + name[1:])]
        if len(hits) == 1:
            return os.path.join(mapdir, hits[0])
    raise RuntimeError("no pinned map for '%s' in %s" % (name, os.listdir(mapdir)))


def bpf_obj_get(path):
    libc = ctypes.CDLL(None, use_errno=True)
    bpath = ctypes.create_string_buffer(path.encode())
    attr = struct.pack("<QII", ctypes.addressof(bpath), 0, 0) + b"\0" * 48
    buf = ctypes.create_string_buffer(attr, len(attr))
    fd = libc.syscall(321, 7, buf, len(attr))  # __NR_bpf, BPF_OBJ_GET
    if fd < 0:
        raise OSError(ctypes.get_errno(), "BPF_OBJ_GET " + path)
    return fd


def test_run_ctx(path, ctx):
    """BPF_PROG_TEST_RUN with ctx_in only, through bpf() directly: bpftool
    (v7.1) always passes a ctx_out buffer with ctx_in, and the kernel's
    raw_tracepoint test run refuses ctx_out (and data_in/out, repeat) with
    EINVAL. Returns the retval."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = bpf_obj_get(path)
    try:
        cbuf = ctypes.create_string_buffer(ctx, len(ctx))
        attr = struct.pack("<IIIIQQIIIIQQIII", fd, 0, 0, 0, 0, 0, 0, 0, len(ctx), 0,
                           ctypes.addressof(cbuf), 0, 0, 0, 0) + b"\0" * 4
        buf = ctypes.create_string_buffer(attr, len(attr))
        if libc.syscall(321, 10, buf, len(attr)) < 0:  # BPF_PROG_TEST_RUN
            raise OSError(ctypes.get_errno(), "BPF_PROG_TEST_RUN " + path)
        return struct.unpack_from("<I", buf.raw, 4)[0]
    finally:
        os.close(fd)


def ringbuf_records(path, size):
    """Every committed record of the ring buffer, in order (not consumed)."""
    fd = bpf_obj_get(path)
    try:
        pg = mmap.PAGESIZE
        cons = mmap.mmap(fd, pg, mmap.MAP_SHARED, mmap.PROT_READ, offset=0)
        prod = mmap.mmap(fd, pg + 2 * size, mmap.MAP_SHARED, mmap.PROT_READ, offset=pg)
        cpos = struct.unpack_from("<Q", cons, 0)[0]
        ppos = struct.unpack_from("<Q", prod, 0)[0]
        recs = []
        while cpos < ppos:
            off = pg + (cpos & (size - 1))
            ln, _ = struct.unpack_from("<II", prod, off)
            if ln & (1 << 31):
                break  # still busy
            n = ln & ~(3 << 30)
            if not ln & (1 << 30):  # not discarded
                recs.append(bytes(prod[off + 8:off + 8 + n]))
            cpos += (n + 8 + 7) & ~7
        return recs
    finally:
        os.close(fd)


def lookup(path, key, verbose):
    out = run(["bpftool", "-j", "map", "lookup", "pinned", path, "key"] + hexargs(key), verbose)
    j = json.loads(out)
    if "values" in j:  # per-CPU: CPU 0
        vals = j["values"][0]["value"]
    else:
        vals = j["value"]
    return bytes(int(x, 16) for x in vals).hex()


def check(name, build, verbose):
    t = parse_test(os.path.join(HERE, name + ".test"))
    if t.get("kernel", "yes").split()[0] != "yes":
        print("%-16s skip (kernel: no)" % name)
        return True
    obj = os.path.join(ROOT, build, "samples", name + ".bpf.o")
    if not os.path.exists(obj):
        raise SystemExit("kcheck: error: '%s' not built; run 'make samples'" % obj)
    pdir = os.path.join(PIN_BASE, "kcheck_" + name)
    mdir = pdir + "_maps"
    subprocess.run(["rm", "-rf", pdir, mdir])
    errs = []
    try:
        run(["bpftool", "prog", "loadall", obj, pdir, "pinmaps", mdir], verbose)
        for ms in t["map-set"]:
            mname, _, kv = ms.partition(":")
            k, _, v = kv.partition("=")
            run(["bpftool", "map", "update", "pinned", map_pin(mdir, mname.strip()), "key"] +
                hexargs(k.strip()) + ["value"] + hexargs(v.strip()), verbose)
        ppath = os.path.join(pdir, t["prog"])
        ptype = json.loads(run(["bpftool", "-j", "prog", "show", "pinned", ppath], verbose))["type"]
        # Per-CPU expectations are CPU 0's values: run there.
        cmd = ["taskset", "-c", "0", "bpftool", "-j", "prog", "run", "pinned", ppath]
        datain = None
        if "data-in" in t:
            datain = os.path.join(HERE, t["data-in"])
        elif "data-in-hex" in t:
            datain = "/tmp/kcheck_%s.in" % name
            with open(datain, "wb") as f:
                f.write(bytes.fromhex(t["data-in-hex"]))
        dataout = "/tmp/kcheck_%s.out" % name
        if datain:
            cmd += ["data_in", datain, "data_out", dataout]
        if "ctx-in" in t:
            cmd += ["ctx_in", os.path.join(HERE, t["ctx-in"])]
        if "repeat" in t:
            cmd += ["repeat", t["repeat"]]
        if ptype == "raw_tracepoint":
            with open(os.path.join(HERE, t["ctx-in"]), "rb") as f:
                res = {"retval": test_run_ctx(ppath, f.read())}
        else:
            res = json.loads(run(cmd, verbose))
        if res["retval"] != int(t["retval"], 0):
            errs.append("retval %d, expected %s" % (res["retval"], t["retval"]))
        exp_out = None
        if t.get("data-out") == "same":
            exp_out = open(datain, "rb").read()
        elif "data-out" in t:
            exp_out = open(os.path.join(HERE, t["data-out"]), "rb").read()
        elif "data-out-hex" in t:
            exp_out = bytes.fromhex(t["data-out-hex"])
        if exp_out is not None:
            got = open(dataout, "rb").read()
            if got != exp_out:
                errs.append("data-out %s, expected %s" % (got.hex(), exp_out.hex()))
        for m in t["map"]:
            mname, kv = m.split(None, 1)
            k, _, v = kv.partition("=")
            got = lookup(map_pin(mdir, mname), k.strip(), verbose)
            if got != v.strip().lower():
                errs.append("map %s key %s = %s, expected %s" % (mname, k.strip(), got, v.strip()))
        rbs = {}
        for r in t["ringbuf"]:
            mname, h = r.split()
            rbs.setdefault(mname, []).append(h.lower())
        for mname, exp in rbs.items():
            path = map_pin(mdir, mname)
            info = json.loads(run(["bpftool", "-j", "map", "show", "pinned", path], verbose))
            got = [r.hex() for r in ringbuf_records(path, info["max_entries"])]
            if got != exp:
                errs.append("ringbuf %s = %s, expected %s" % (mname, got, exp))
    except (RuntimeError, OSError) as e:
        errs.append(str(e))
    finally:
        subprocess.run(["rm", "-rf", pdir, mdir])
    print("%-16s %s" % (name, "ok" if not errs else "FAIL"))
    for e in errs:
        print("    " + e)
    return not errs


def main():
    build, verbose, names = "build", False, []
    for a in sys.argv[1:]:
        if a.startswith("--build="):
            build = a.split("=", 1)[1]
        elif a == "-v":
            verbose = True
        else:
            names.append(a)
    if not names:
        names = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(HERE, "*.test")))
    ok = True
    for n in names:
        ok = check(n, build, verbose) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
