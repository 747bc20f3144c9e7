#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the fuzzers' seed corpora into fuzz/corpus/<target>/ from the
samples (samples/*.pkt, build/samples/*.bpf.o), the conformance files
(../shared/conformance/tests/*.data) and the malformed-input corpus
(tests/data/bad/). Everything here is generated: run `make fuzz-corpus`
(or `make fuzz`, which does it) after `make`.

usage: mkcorpus.py BUILD_DIR MKSEEDS_BINARY
"""
import glob
import os
import shutil
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
CONF = os.path.join(ROOT, "..", "shared", "conformance", "tests")


def bad_inputs(ext):
    """tests/data/bad/*.EXT, less the cases of known, open bugs (mkbad's
    PENDING): rt_bad already fails on those, and as seeds they would stop
    every run at startup."""
    sys.path.insert(0, os.path.join(ROOT, "fuzz"))
    import mkbad
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "data", "bad", "*." + ext)))
    return [f for f in files if os.path.basename(f).rsplit(".", 1)[0] not in mkbad.PENDING]


def fresh(name):
    d = os.path.join(CORPUS, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def copy_all(files, dest):
    for f in files:
        shutil.copy(f, os.path.join(dest, os.path.basename(f)))


def sections(data):
    """{name: bytes} of an ELF64 little-endian file."""
    shoff, = struct.unpack_from("<Q", data, 40)
    shnum, shstrndx = struct.unpack_from("<HH", data, 60)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * 64) for i in range(shnum)]
    stroff = hdrs[shstrndx][4]
    out = {}
    for h in hdrs:
        name = data[stroff + h[0]:data.index(b"\0", stroff + h[0])].decode()
        out[name] = data[h[4]:h[4] + h[5]] if h[1] != 8 else b""
    return out


def fat_objects(build, samples):
    """Fat objects from bpfaot-cc (when it is built and compiles the sample),
    the native objects in their .aot.* sections, and those objects'
    manifests: seeds for the native path."""
    cc = os.path.join(ROOT, build, "bin", "bpfaot-cc")
    outdir = os.path.join(ROOT, build, "fuzz", "fat")
    fats, natives, manifests = [], [], []
    if not os.access(cc, os.X_OK):
        print("mkcorpus: no %s: no fat or native seeds" % cc)
        return fats, natives, manifests
    os.makedirs(outdir, exist_ok=True)
    for o in samples:
        name = os.path.basename(o)[:-len(".bpf.o")]
        fat = os.path.join(outdir, name + ".fat.o")
        cmd = [cc, "-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", "-Isamples",
               "-I/usr/include/x86_64-linux-gnu", "-c", "samples/%s.bpf.c" % name, "-o", fat]
        try:
            subprocess.run(cmd, cwd=ROOT, check=True, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (subprocess.SubprocessError, OSError):
            print("mkcorpus: bpfaot-cc failed on %s; skipped" % name)
            continue
        fats.append(fat)
        with open(fat, "rb") as f:
            secs = sections(f.read())
        for sec, body in secs.items():
            if not sec.startswith(".aot."):
                continue
            nat = os.path.join(outdir, "%s.%s.native.o" % (name, sec[5:]))
            with open(nat, "wb") as f:
                f.write(body)
            natives.append(nat)
            mf = sections(body).get(".bpfaot.manifest")
            if mf:
                path = os.path.join(outdir, "%s.%s.manifest" % (name, sec[5:]))
                with open(path, "wb") as f:
                    f.write(mf)
                manifests.append(path)
    return fats, natives, manifests


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    mkseeds = sys.argv[2] if len(sys.argv) > 2 else None
    samples = sorted(glob.glob(os.path.join(ROOT, build, "samples", "*.bpf.o")))
    conf = sorted(glob.glob(os.path.join(CONF, "*.data")))
    conf += sorted(glob.glob(os.path.join(CONF, "negative", "*.data")))
    if not samples:
        sys.exit("mkcorpus: no %s/samples/*.bpf.o: run `make` first" % build)

    # objects that fuzz_cli runs (its FUZZ_CLI_OBJDIR)
    objs = fresh("cli-objs")
    for name in ("xdp_counter", "map_kinds", "calls_globals"):
        shutil.copy(os.path.join(ROOT, build, "samples", name + ".bpf.o"), objs)
    with open(os.path.join(objs, "mem.data"), "w") as f:
        f.write("-- asm\nldxb %r0, [%r1+1]\nexit\n-- mem\n01 02 03 04\n-- result\n0x2\n")
    shutil.copy(os.path.join(ROOT, "samples", "xdp_counter.pkt"), os.path.join(objs, "pkt.bin"))

    fats, natives, manifests = fat_objects(build, samples)

    d = fresh("fuzz_link")
    copy_all(fats + natives + manifests, d)

    d = fresh("fuzz_elf")
    copy_all(samples + fats + natives, d)
    copy_all(bad_inputs("o"), d)

    d = fresh("fuzz_conf")
    for f in conf:
        name = os.path.basename(f)
        if os.path.dirname(f).endswith("negative"):
            name = "neg-" + name
        shutil.copy(f, os.path.join(d, name))
    copy_all(bad_inputs("data"), d)

    d = fresh("fuzz_interp")
    if mkseeds:
        subprocess.run([mkseeds, d] + samples + conf, check=True, cwd=ROOT,
                       stderr=subprocess.DEVNULL)

    # fuzz_cli: byte 0 picks the object (xdp_counter, map_kinds, mem.data,
    # pkt.bin), then NUL-separated arguments
    d = fresh("fuzz_cli")
    pkt = os.path.join(objs, "pkt.bin")
    vectors = [
        (0, ["--data-in=" + pkt]),
        (0, ["--data-in=" + pkt, "--dump-maps", "--json"]),
        (0, ["--data-in", pkt, "--map-set=xdp_stats:02000000=01000000000000004000000000000000",
             "--dump-maps"]),
        (0, ["--list", "--json"]),
        (0, ["--engine=interp", "--prog=xdp_count", "--data-in=" + pkt, "--repeat=3"]),
        (0, ["--repeat=0"]),
        (0, ["--engine=foo"]),
        (0, ["--type=nope"]),
        (0, ["--type=xdp", "--data-in=" + pkt, "--budget=100"]),
        (0, ["--map-set=garbage"]),
        (0, ["--map-set=xdp_stats:zz=00"]),
        (0, ["--prog=nothere", "--data-in=" + pkt]),
        (1, ["--data-in=" + pkt, "--dump-maps"]),
        (1, ["--map-set=kinds_result:00000000=05000000", "--data-in=" + pkt, "--dump-maps",
             "--json"]),
        (2, []),
        (2, ["--dump-maps", "--json"]),
        (2, ["--data-in=" + pkt]),
        (2, ["--ctx-in=" + pkt]),
        (3, []),
        (0, ["--verify=foo"]),
        (0, ["-x", "extra"]),
    ]
    for i, (obj, args) in enumerate(vectors):
        with open(os.path.join(d, "seed%02d" % i), "wb") as f:
            f.write(bytes([obj]) + b"\0".join(a.encode() for a in args))
    # fuzz_cc_cli: bpfaot-cc command lines, NUL-separated
    d = fresh("fuzz_cc_cli")
    cc_vectors = [
        ["-O2", "-g", "-target", "bpf", "-c", "x.bpf.c", "-o", "x.o"],
        ["--target=bpf", "-O2", "-D__TARGET_ARCH_x86", "-Iinc", "-c", "x.bpf.c"],
        ["-target", "bpf", "--aot-emit=source", "--aot-prog=p", "x.bpf.c", "-o", "-"],
        ["-target", "bpf", "--aot-emit=native", "--aot-opt=2", "--aot-no-inline-maps", "-c", "x.c"],
        ["-MD", "-MF", "x.d", "-MT", "x.o", "-MP", "-c", "x.bpf.c", "-o", "x.o"],
        ["-include", "h.h", "-std=gnu11", "-Wall", "-Werror=aot", "-v", "-c", "x.c"],
        ["--aot-emit=bogus", "-c", "x.c"],
        ["-o"],
        ["-E", "x.c"],
        ["-mcpu=v3", "-fno-builtin", "-U", "X", "-D", "Y=1", "-c", "a.c", "b.c"],
    ]
    for i, args in enumerate(cc_vectors):
        with open(os.path.join(d, "seed%02d" % i), "wb") as f:
            f.write(b"\0".join(a.encode() for a in args))
    # fuzz_skim: C units (the sources themselves, and one with line markers
    # and every kind of top-level declaration the skim sorts)
    d = fresh("fuzz_skim")
    unit = (b'# 1 "t.bpf.c"\ntypedef unsigned int u32;\nstruct in { u32 x; };\n'
            b'struct p { struct q *f; int y; };\nenum { N = 4 };\nenum e { A, B };\n'
            b'#pragma pack(push, 1)\nstruct a { struct in i; struct p *p; u32 v[N]; };\n'
            b'typedef int (*cb_t)(u32 arg);\nint f(int);\nstruct fwd;\n'
            b'static long (*h)(void *m) = (void *) 1;\n'
            b'int prog(struct a *a) { return f(a->v[0]) + a->p->y; }\n')
    with open(os.path.join(d, "unit"), "wb") as f:
        f.write(unit)
    srcs = sorted(glob.glob(os.path.join(ROOT, "tests", "data", "cc", "*.bpf.c")) +
                  glob.glob(os.path.join(ROOT, "samples", "*.bpf.c")))
    for i, path in enumerate(srcs):
        shutil.copyfile(path, os.path.join(d, "src%02d" % i))
    for t in ("fuzz_elf", "fuzz_conf", "fuzz_interp", "fuzz_cli", "fuzz_link", "fuzz_cc_cli",
              "fuzz_skim"):
        n = len(os.listdir(os.path.join(CORPUS, t)))
        print("mkcorpus: fuzz/corpus/%s: %d seeds" % (t, n))


if __name__ == "__main__":
    main()
