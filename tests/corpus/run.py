#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The corpus harness (`make corpus CORPUS=DIR [CORPUS_CFLAGS=...]`).

Compiles every eBPF source under DIR (`*.bpf.c`, `*_kern.c`, and other `.c`
files that contain `SEC(`) with `clang -target bpf` and with bpfaot-cc, the
same flags for both, and reports per program whether it carries native code
and, when not, the `[-Waot]` reason bpfaot-cc gave. Files clang cannot
compile with these flags are counted and left out. For each file both
compile, the BPF sections must be byte-identical to clang's. Packet
programs (xdp, tc/classifier, socket) run on synthesized packets on the
interpreter and on aot; retval, packet out and maps must agree. Every other
program with native code runs once on aot with a zeroed context, which
links its native object: the linker must not refuse it.

Nothing is written outside a temporary directory; the projects are read
only. The table goes to stdout, the summary last; `--out FILE` also writes
it there.
"""
import argparse
import os
import re
import shlex
import struct
import subprocess
import sys
import tempfile

SHF_EXECINSTR = 0x4
STT_FUNC = 2
STB_GLOBAL = 1


def elf_sections(path):
    """{name: (type, flags, bytes)} and the symbol list of an ELF64 LE file."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"\x7fELF" or b[4] != 2:
        return {}, []
    shoff, = struct.unpack_from("<Q", b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3A)
    shdrs = []
    for i in range(shnum):
        name, typ, flags, _addr, off, size, link, _info, _align, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", b, shoff + i * shentsize)
        shdrs.append((name, typ, flags, off, size, link, entsize))
    stroff = shdrs[shstrndx][3]

    def cstr(off):
        end = b.index(b"\0", off)
        return b[off:end].decode(errors="replace")

    secs, names = {}, []
    for name, typ, flags, off, size, link, entsize in shdrs:
        n = cstr(stroff + name)
        names.append(n)
        data = b[off:off + size] if typ != 8 else b""  # NOBITS
        secs[n] = (typ, flags, data)
    syms = []
    for idx, (name, typ, flags, off, size, link, entsize) in enumerate(shdrs):
        if typ != 2 or not entsize:  # SHT_SYMTAB
            continue
        sstr = shdrs[link][3]
        for k in range(size // entsize):
            st_name, st_info, _other, st_shndx, _val, _sz = struct.unpack_from(
                "<IBBHQQ", b, off + k * entsize)
            if 0 < st_shndx < len(shdrs):
                syms.append((cstr(sstr + st_name), st_info >> 4, st_info & 15,
                             names[st_shndx], shdrs[st_shndx][2]))
    return secs, syms


def programs(syms):
    """Programs as libbpf sees them: global functions of executable sections
    other than .text."""
    return [(n, sec) for n, bind, typ, sec, flags in syms
            if typ == STT_FUNC and bind == STB_GLOBAL and flags & SHF_EXECINSTR and sec != ".text"]


def eth(proto):
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + struct.pack(">H", proto)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(proto, payload):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload


def ipv6(proto, payload):
    return struct.pack(">IHBB16s16s", 6 << 28, len(payload), proto, 64,
                       bytes(15) + b"\x01", bytes(15) + b"\x02") + payload


TCP = struct.pack(">HHIIBBHHH", 12345, 80, 1, 0, 5 << 4, 0x02, 65535, 0, 0) + b"hello world!"
UDP = struct.pack(">HHHH", 5353, 53, 8 + 12, 0) + b"hello world!"
ICMP = struct.pack(">BBHHH", 8, 0, 0, 1, 1) + b"ping" * 4
VLAN = b"\x00\x64\x08\x00"  # VID 100, then IPv4
PACKETS = {
    "ipv4-tcp": eth(0x0800) + ipv4(6, TCP),
    "ipv4-udp": eth(0x0800) + ipv4(17, UDP),
    "ipv4-icmp": eth(0x0800) + ipv4(1, ICMP),
    "ipv6-tcp": eth(0x86DD) + ipv6(6, TCP),
    "ipv6-udp": eth(0x86DD) + ipv6(17, UDP),
    "vlan-ipv4-udp": eth(0x8100) + VLAN + ipv4(17, UDP),
    "short": eth(0x0800)[:10],
}


def is_packet_section(sec):
    return re.match(r"(xdp|tc|classifier|socket)(\b|/|\.|_|$)", sec) is not None


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", **kw)


def find_sources(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        for f in sorted(files):
            p = os.path.join(d, f)
            if f.endswith(".bpf.c") or f.endswith("_kern.c"):
                out.append(p)
            elif f.endswith(".c"):
                try:
                    with open(p, errors="replace") as fh:
                        if "SEC(" in fh.read():
                            out.append(p)
                except OSError:
                    pass
    return out


def waot_reason(stderr, prog):
    lines = [l for l in stderr.splitlines() if "-Waot]" in l]
    for l in lines:
        if "'%s'" % prog in l:
            return l
    return lines[0] if lines else ""


def link_native(runner, obj, prog, tmp):
    """Runs prog once on aot with a zeroed 512-byte context: "links", or the
    linker's refusal (its messages name OBJ(.aot.PROG)). What the native code
    does with a zeroed context (a fault, an error code) does not matter here."""
    ctx = os.path.join(tmp, "ctx0.bin")
    with open(ctx, "wb") as f:
        f.write(bytes(512))
    try:
        r = run([runner, "--engine=aot", "--prog=" + prog, "--ctx-in=" + ctx, obj], timeout=20)
    except subprocess.TimeoutExpired:
        return "links"  # it ran: the link came first
    err = r.stderr.strip().splitlines()
    if r.returncode and err and "(.aot." in err[-1]:
        return "linker refuses: " + err[-1].replace(obj, "OBJ")
    return "links"


def run_engines(runner, obj, prog, tmp):
    """'agree (N packets)', 'differ on P', 'aot fails on P: ...', or 'cannot run: ...'
    (the interpreter refuses every packet) over PACKETS."""
    ran, why = 0, ""
    for name, pkt in PACKETS.items():
        pin = os.path.join(tmp, "pkt.bin")
        with open(pin, "wb") as f:
            f.write(pkt)
        res = {}
        for eng in ("interp", "aot"):
            pout = os.path.join(tmp, "out-%s.bin" % eng)
            r = run([runner, "--engine=" + eng, "--prog=" + prog, "--data-in=" + pin,
                     "--data-out=" + pout, "--dump-maps", obj], timeout=60)
            out = r.stdout
            if os.path.exists(pout):
                with open(pout, "rb") as f:
                    out += f.read().hex()
                os.unlink(pout)
            if r.returncode:
                msg = (r.stderr.strip().splitlines() or ["status %d" % r.returncode])[-1]
                res = None
                if eng == "aot":
                    return "aot fails on %s: %s" % (name, msg)
                why = why or msg.replace(obj, "OBJ")
                break
            res[eng] = re.sub(r"duration.*", "", out)
        if res is None:
            continue
        ran += 1
        if res["interp"] != res["aot"]:
            return "differ on %s" % name
    return "agree (%d packets)" % ran if ran else "cannot run: " + why


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--cflags", default="")
    ap.add_argument("--clang", default="clang-14")
    ap.add_argument("--bpfaot-cc", default="build/bin/bpfaot-cc")
    ap.add_argument("--bpfaot-run", default="build/bin/bpfaot-run")
    ap.add_argument("--no-run", action="store_true", help="compile only")
    ap.add_argument("--out")
    a = ap.parse_args()
    cc = os.path.abspath(a.bpfaot_cc)
    runner = os.path.abspath(a.bpfaot_run)
    root = os.path.abspath(a.corpus)
    flags = ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86"] + shlex.split(a.cflags)
    rows, lines = [], []
    n = dict(linked=0, linkfail=0,
             files=0, clang_fail=0, cc_fail=0, differ=0, progs=0, native=0, silent=0, ran=0,
             agree=0, runfail=0)

    def say(s):
        lines.append(s)
        print(s, flush=True)

    with tempfile.TemporaryDirectory(prefix="bpfaot-corpus-") as tmp:
        for src in find_sources(root):
            rel = os.path.relpath(src, root)
            inc = ["-I", os.path.dirname(src)]
            co, fo = os.path.join(tmp, "clang.o"), os.path.join(tmp, "fat.o")
            for p in (co, fo):
                if os.path.exists(p):
                    os.unlink(p)
            r = run([a.clang] + flags + inc + ["-c", src, "-o", co], cwd=root)
            if r.returncode:
                n["clang_fail"] += 1
                continue
            n["files"] += 1
            r2 = run([cc] + flags + inc + ["-c", src, "-o", fo], cwd=root)
            csecs, syms = elf_sections(co)
            progs = programs(syms)
            if r2.returncode:
                n["cc_fail"] += 1
                err = next((l for l in r2.stderr.splitlines() if "error" in l), "status %d" % r2.returncode)
                say("%s\t*\tFAIL\tbpfaot-cc fails: %s" % (rel, err))
                n["progs"] += len(progs)
                continue
            fsecs, _ = elf_sections(fo)
            same = all(fsecs.get(k) == v for k, v in csecs.items() if k not in (".strtab", ".shstrtab"))
            if not same:
                n["differ"] += 1
                say("%s\t*\tDIFF\tBPF sections differ from clang's" % rel)
            lr = run([runner, "--list", fo])
            lst = lr.stdout
            refused = "" if lr.returncode == 0 else \
                "runtime refuses the object: " + ((lr.stderr.strip().splitlines() or [""])[-1])
            for prog, sec in progs:
                n["progs"] += 1
                m = re.search(r"prog '%s' .*engines: (.*)" % re.escape(prog), lst)
                # the fat object's .aot.<prog> section; an object that carries
                # native code some other way: the runtime's --list
                if any(k.startswith(".aot.") for k in fsecs):
                    native = (".aot." + prog) in fsecs
                else:
                    # the engine named aot, not llvm-aot
                    native = bool(m and "aot" in m.group(1).split())
                if native:
                    n["native"] += 1
                    reason = ""
                else:
                    reason = waot_reason(r2.stderr, prog)
                    if not reason:
                        n["silent"] += 1
                        reason = "SILENT: no [-Waot] reason"
                    else:
                        reason = reason.replace(root + "/", "")
                runres = refused
                if native and not refused and not a.no_run and is_packet_section(sec):
                    try:
                        runres = run_engines(runner, fo, prog, tmp)
                    except subprocess.TimeoutExpired:
                        runres = "cannot run: timeout"
                    if runres.startswith("agree"):
                        n["ran"] += 1
                        n["agree"] += 1
                    elif not runres.startswith("cannot run"):
                        n["ran"] += 1
                        n["runfail"] += 1
                elif native and not refused and not a.no_run:
                    runres = link_native(runner, fo, prog, tmp)
                    n["linked" if runres == "links" else "linkfail"] += 1
                say("%s\t%s\t%s\t%s" % (rel, prog, "native" if native else "bytecode",
                                       "; ".join(x for x in (reason, runres) if x)))
    pct = 100.0 * n["native"] / n["progs"] if n["progs"] else 0.0
    say("summary: %d files compile with clang (%d do not, left out); bpfaot-cc fails on %d; "
        "BPF sections differ on %d; %d programs, %d with native code (%.1f%%), %d without a "
        "reason; %d packet programs ran, %d agree with the interpreter, %d do not; "
        "%d other programs with native code link, %d are refused by the linker"
        % (n["files"], n["clang_fail"], n["cc_fail"], n["differ"], n["progs"], n["native"], pct,
           n["silent"], n["ran"], n["agree"], n["runfail"], n["linked"], n["linkfail"]))
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
