#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The corpus harness (`make corpus CORPUS=DIR [CORPUS_CFLAGS=...]`).

Compiles every eBPF source under DIR (`*.bpf.c`, `*_kern.c`, and other `.c`
files that contain `SEC(`) with `clang -target bpf` and with bpfaot-cc, the
same flags for both, and reports per program whether it carries native code
and, when not, the `[-Waot]` reason bpfaot-cc gave. Files clang cannot
compile with these flags are counted and left out. For each file both
compile, the BPF sections must be byte-identical to clang's. Packet
programs (xdp, tc/classifier, socket) run on ten synthesized packets on the
kernel (BPF_PROG_TEST_RUN, pinned to CPU 0) and on interp, jit, llvm-aot
and aot (aot with native code only); each engine's retval, packet out and
maps (--dump-maps) must be the kernel's. Where the kernel cannot serve (no
bpf(), its verifier or libbpf refuses the program, its test run refuses a
packet) the interpreter is the reference, and the line says so. A packet
section libbpf does not know (`xdp_vlan01`) runs with --type on every
engine, as its project's loader sets the type; maps libbpf pins get a
private bpffs; an object whose arrays are too large to dump is compared on
retval and packet only. A difference the reference's own second run also
shows (clocks, random numbers) is counted apart. Every other program with
native code runs once on aot with a zeroed context, which links its native
object: the linker must not refuse it.

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
V4_SRC, V4_DST = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
V6_SRC, V6_DST = bytes(15) + b"\x01", bytes(15) + b"\x02"


def l4_csum(pseudo, seg, at):
    """seg with its checksum (the 16 bits at offset at) filled in."""
    c = csum(pseudo + seg)
    return seg[:at] + struct.pack(">H", c) + seg[at + 2:]


# a SYN with MSS, SACK permitted, timestamps, NOP and window scale (data offset 10)
TCP_OPTS = (b"\x02\x04\x05\xb4" + b"\x04\x02" + b"\x08\x0a" + struct.pack(">II", 1000, 0) +
            b"\x01" + b"\x03\x03\x07")
TCP_SYN = struct.pack(">HHIIBBHHH", 40000, 443, 0x1000, 0, 10 << 4, 0x02, 64240, 0, 0) + TCP_OPTS
TCP_SYN = l4_csum(V4_SRC + V4_DST + struct.pack(">BBH", 0, 6, len(TCP_SYN)), TCP_SYN, 16)
ICMP6 = struct.pack(">BBHHH", 128, 0, 0, 7, 1) + b"ping" * 4  # echo request
ICMP6 = l4_csum(V6_SRC + V6_DST + struct.pack(">IxxxB", len(ICMP6), 58), ICMP6, 2)
PACKETS = {
    "ipv4-tcp": eth(0x0800) + ipv4(6, TCP),
    "ipv4-udp": eth(0x0800) + ipv4(17, UDP),
    "ipv4-icmp": eth(0x0800) + ipv4(1, ICMP),
    "ipv6-tcp": eth(0x86DD) + ipv6(6, TCP),
    "ipv6-udp": eth(0x86DD) + ipv6(17, UDP),
    "vlan-ipv4-udp": eth(0x8100) + VLAN + ipv4(17, UDP),
    "short": eth(0x0800),  # an Ethernet header and nothing after it
    "ipv4-tcp-options": eth(0x0800) + ipv4(6, TCP_SYN),
    "ipv4-truncated": eth(0x0800) + ipv4(6, TCP)[:12],  # 12 of the 20 bytes of the IPv4 header
    "ipv6-icmpv6": eth(0x86DD) + ipv6(58, ICMP6),
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


ENGINES = ("interp", "jit", "llvm-aot", "aot")
# --dump-maps prints every entry of an array: an object whose arrays hold
# more entries in all (katran's ch_rings: 33 million) is compared on its
# return value and packet only
MAX_DUMP = 100000


def array_entries(listing):
    """Entries of every array map of `bpfaot-run --list`'s output."""
    return sum(int(m.group(1)) for m in
               re.finditer(r"^map '[^']*' (?:percpu_)?array key \d+ value \d+ max (\d+)", listing, re.M))


def pin_cpu0():
    """The kernel's test run lands on the caller's CPU; pinned to CPU 0, per-CPU
    maps fill slot 0 as the runtime's engines do (docs/runtime.md)."""
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass


def err_line(r, obj):
    """The first `error:` line of a failed run (the verifier's log follows it)."""
    lines = r.stderr.strip().splitlines()
    msg = next((l for l in lines if "error:" in l), lines[-1] if lines else "status %d" % r.returncode)
    return msg.replace("bpfaot-run: error: ", "").replace(obj, "OBJ")


# Runs the kernel engine in a mount namespace of its own with a fresh bpffs on
# /sys/fs/bpf, for objects whose maps libbpf pins (LIBBPF_PIN_BY_NAME): each
# run gets new maps, as every other engine's run does, and nothing is left.
PRIVATE_BPFFS = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                 'mount -t bpf bpf /sys/fs/bpf && exec "$@"', "sh"]


def legacy_type(sec):
    """The program type to pass as --type for a packet section name libbpf
    does not know (`xdp_vlan01`: the project's loader sets the type), else None."""
    if re.match(r"(xdp(\.frags)?|tc|tcx|netkit|classifier|socket)(/|$)", sec):
        return None
    m = re.match(r"(xdp|tc|classifier|socket)", sec)
    return {"classifier": "tc"}.get(m.group(1), m.group(1)) if m else None


def run_one(runner, eng, obj, prog, pin, tmp, timeout, extra=(), wrap=(), dump=True):
    """(output, None) or (None, error): output is stdout without durations plus
    the packet out in hex, so that two runs compare as strings."""
    pout = os.path.join(tmp, "out-%s.bin" % eng)
    if os.path.exists(pout):
        os.unlink(pout)
    try:
        r = run(list(wrap) + [runner, "--engine=" + eng, "--prog=" + prog] + list(extra) +
                ["--data-in=" + pin, "--data-out=" + pout] + (["--dump-maps"] if dump else []) + [obj],
                timeout=timeout,
                preexec_fn=pin_cpu0 if eng == "kernel" else None)
    except subprocess.TimeoutExpired:
        return None, "timeout (%ds)" % timeout
    if r.returncode:
        return None, err_line(r, obj)
    out = re.sub(r"duration.*\n?", "", r.stdout)
    if os.path.exists(pout):
        with open(pout, "rb") as f:
            out += "packet out: " + f.read().hex() + "\n"
        os.unlink(pout)
    return out, None


def what_differs(ref, got, refname):
    """A short account of the first difference between two outputs."""
    def parse(o):
        d, cur = {}, None
        for l in o.splitlines():
            if l.startswith("retval:"):
                d["retval"] = l.split(":", 1)[1].strip()
            elif l.startswith("packet out:"):
                d["packet"] = l.split(":", 1)[1].strip()
            elif l.startswith("map '") or l.startswith("ringbuf '"):
                cur = l.split("'")[1]
                d.setdefault("map " + cur, [])
                if l.startswith("ringbuf '"):
                    d["map " + cur].append(l)
            elif cur and l.startswith("  ") and not l.startswith("    "):
                d["map " + cur].append(l.strip())
        return d
    a, b = parse(ref), parse(got)
    if a.get("retval") != b.get("retval"):
        return "retval %s, %s %s" % (b.get("retval"), refname, a.get("retval"))
    pa, pb = a.get("packet"), b.get("packet")
    if pa != pb:
        if pa is None or pb is None:
            return "packet out %s, %s's %s" % ("absent" if pb is None else "present", refname,
                                               "absent" if pa is None else "present")
        if len(pa) != len(pb):
            return "packet out %d bytes, %s's %d" % (len(pb) // 2, refname, len(pa) // 2)
        off = next(i for i in range(0, len(pa), 2) if pa[i:i + 2] != pb[i:i + 2]) // 2
        return "packet out byte %d: %s, %s's %s" % (off, pb[2 * off:2 * off + 2], refname,
                                                     pa[2 * off:2 * off + 2])
    for k in sorted(set(a) | set(b)):
        if not k.startswith("map ") or a.get(k) == b.get(k):
            continue
        ea, eb = a.get(k) or [], b.get(k) or []
        extra = [e for e in eb if e not in ea]
        miss = [e for e in ea if e not in eb]
        return "%s: %s%s" % (k, ("has %s" % extra[0]) if extra else "",
                             ("%s%s has %s" % ("; " if extra else "", refname, miss[0])) if miss else "")
    return "output differs"


def unstable_only(ref, ref2, got):
    """True when every line where got differs from ref also differs between
    two runs of the reference (values that change from run to run: clocks,
    random numbers)."""
    r1, r2, g = ref.splitlines(), ref2.splitlines(), got.splitlines()
    if not (len(r1) == len(r2) == len(g)):
        return False
    return all(x == z or x != y for x, y, z in zip(r1, r2, g))


def run_engines(runner, obj, prog, sec, tmp, native, kernel_ok, array_entries=0, timeout=30):
    """Runs prog on every packet on the kernel and on ENGINES (aot only with
    native code) and compares each engine with the kernel; where the kernel
    cannot serve (unavailable, program refused, packet refused by its test
    run) the interpreter is the reference. Returns a dict:
    ref: 'kernel' | 'interp' (for the whole program), note: why not the
    kernel, pkts: packets compared, engines: those run, diffs: [(engine,
    packet, what)], unstable: [(engine, packet)], fails, kpkt_refused:
    [packet], cannot: why nothing ran."""
    engines = [e for e in ENGINES if e != "aot" or native]
    res = dict(ref="kernel" if kernel_ok is True else "interp", note="" if kernel_ok is True else kernel_ok,
               pkts=0, kpkts=0, noref=[], engines=engines, diffs=[], unstable=[], kpkt_refused=[], cannot="")
    dead = {}  # engine -> reason it stopped being run (a timeout)
    t = legacy_type(sec)
    extra = ["--type=" + t] if t else []
    notes = ["every engine with --type=%s: libbpf does not know section '%s'" % (t, sec)] if t else []
    wrap = []
    dump = array_entries <= MAX_DUMP
    if not dump:
        notes.append("maps not compared: arrays of %d entries in all, too many to dump on "
                     "every run" % array_entries)
    why = ""
    for name, pkt in PACKETS.items():
        pin = os.path.join(tmp, "pkt.bin")
        with open(pin, "wb") as f:
            f.write(pkt)
        ref, refname = None, "interp"
        if res["ref"] == "kernel":
            ref, err = run_one(runner, "kernel", obj, prog, pin, tmp, timeout, extra, wrap, dump)
            if err is not None and "not on BPF FS" in err and not wrap:
                wrap = PRIVATE_BPFFS
                notes.append("kernel with its pinned maps on a private bpffs")
                ref, err = run_one(runner, "kernel", obj, prog, pin, tmp, timeout, extra, wrap, dump)
            if err is not None:
                if "unavailable" in err or "not permitted" in err:
                    res["ref"], res["note"] = "interp", "kernel unavailable: " + err
                elif err.startswith("OBJ:") or "no test run" in err or "program type" in err:
                    # the program: unloadable (verifier, maps, BTF); the rest on interp
                    res["ref"], res["note"] = "interp", "kernel refuses: " + err
                else:
                    # this packet only (shorter than the test run takes, an error of the run)
                    res["kpkt_refused"].append(name + (" (timeout)" if err.startswith("timeout") else ""))
                ref = None
            else:
                refname = "kernel"
        outs = {}
        for eng in engines:
            if eng in dead:
                continue
            outs[eng] = run_one(runner, eng, obj, prog, pin, tmp, timeout, extra, (), dump)
            if outs[eng][1] and outs[eng][1].startswith("timeout"):
                dead[eng] = "%s on %s" % (outs[eng][1], name)
        if refname != "kernel":
            ref, err = outs.get("interp", (None, "not run"))
            if ref is None:
                why = why or err
                res["noref"].append("%s (interp: %s)" % (name, err))
                continue  # neither the kernel nor the interpreter answers: nothing to compare
        res["pkts"] += 1
        res["kpkts"] += refname == "kernel"
        ref2 = None
        for eng in engines:
            if eng == refname or eng not in outs:
                continue
            got, err = outs[eng]
            if got is None:
                res["diffs"].append((eng, name, "fails: " + err))
                continue
            if got == ref:
                continue
            if ref2 is None:
                ref2, _ = run_one(runner, refname, obj, prog, pin, tmp, timeout, extra,
                                  wrap if refname == "kernel" else (), dump)
            if ref2 is not None and unstable_only(ref, ref2, got):
                res["unstable"].append((eng, name, what_differs(ref, got, refname).split(":")[0]))
            else:
                res["diffs"].append((eng, name, what_differs(ref, got, refname)))
    if not res["pkts"]:
        res["cannot"] = why or "no packet ran"
    res["dead"] = dead
    res["notes"] = notes
    return res


def group(diffs, npkts):
    """'ENGINE on P1,P2: WHAT; ...': the packets of one engine with the same
    account together ('every packet' when it is all npkts of them)."""
    by = {}
    for eng, pkt, what in diffs:
        by.setdefault((eng, what), []).append(pkt)
    return "; ".join("%s on %s: %s" % (eng, "every packet" if len(p) == npkts else ",".join(p), what)
                     for (eng, what), p in by.items())


def short_note(note):
    if "rejected by the verifier" in note:
        return "kernel's verifier refuses it"
    return note[:100]


def describe(res):
    """The line's verdict for run_engines' result."""
    notes = "; ".join(res["notes"] + ([res["note"]] if res["note"] else []))
    if res["cannot"]:
        return "cannot run: %s%s" % (res["cannot"], " (%s)" % notes if notes else "")
    head = "vs %s" % res["ref"]
    if notes:
        head += " (%s)" % notes
    parts = []
    if res["kpkt_refused"]:
        parts.append("kernel's test run refuses %s (interp reference there)" % ",".join(res["kpkt_refused"]))
    if res["diffs"]:
        parts.append("differ: " + group(res["diffs"], res["pkts"]))
    else:
        parts.append("agree: %s (%d packets%s)" % (
            ",".join(e for e in res["engines"] if e != res["ref"]), res["pkts"],
            ", %d on the kernel" % res["kpkts"] if res["ref"] == "kernel" else ""))
    if res["noref"]:
        parts.append("not compared (no reference): " + "; ".join(res["noref"]))
    if res["unstable"]:
        parts.append("run-to-run values only (the reference differs from itself there): " +
                     group(res["unstable"], res["pkts"]))
    return head + ": " + "; ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--cflags", default="")
    ap.add_argument("--clang", default="clang-14")
    ap.add_argument("--bpfaot-cc", default="build/bin/bpfaot-cc")
    ap.add_argument("--bpfaot-run", default="build/bin/bpfaot-run")
    ap.add_argument("--no-run", action="store_true", help="compile only")
    ap.add_argument("--no-kernel", action="store_true",
                    help="compare with the interpreter, not the kernel")
    ap.add_argument("--out")
    a = ap.parse_args()
    cc = os.path.abspath(a.bpfaot_cc)
    runner = os.path.abspath(a.bpfaot_run)
    root = os.path.abspath(a.corpus)
    flags = ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86"] + shlex.split(a.cflags)
    rows, lines = [], []
    n = dict(linked=0, linkfail=0,
             files=0, clang_fail=0, cc_fail=0, differ=0, progs=0, native=0, silent=0, ran=0,
             agree4=0, runfail=0, kernel=0, vs_interp=0, agree_interp=0, unstable=0, kpkt=0)
    per_eng = {e: [0, 0] for e in ENGINES}  # agree, compared with the kernel
    fallback, differing = [], []
    kernel_ok = True if not a.no_kernel else "kernel engine not asked for (--no-kernel)"

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
                if not refused and not a.no_run and is_packet_section(sec):
                    res = run_engines(runner, fo, prog, sec, tmp, native, kernel_ok, array_entries(lst))
                    runres = describe(res)
                    if res["note"].startswith("kernel unavailable"):
                        kernel_ok = res["note"]  # not asked again
                    if not res["cannot"]:
                        n["ran"] += 1
                        if res["ref"] == "kernel":
                            n["kernel"] += 1
                            if not res["diffs"] and native:
                                n["agree4"] += 1
                            for eng in res["engines"]:
                                per_eng[eng][1] += 1
                                if not any(d[0] == eng for d in res["diffs"]):
                                    per_eng[eng][0] += 1
                        else:
                            n["vs_interp"] += 1
                            fallback.append("%s (%s)" % (prog, short_note(res["note"])))
                            if not res["diffs"]:
                                n["agree_interp"] += 1
                        if res["diffs"]:
                            n["runfail"] += 1
                            by = {}
                            for e, p, _ in res["diffs"]:
                                by.setdefault(e, []).append(p)
                            differing.extend("%s %s on %s (vs %s)" % (
                                prog, e, "every packet" if len(p) == res["pkts"] else ",".join(p),
                                res["ref"]) for e, p in by.items())
                        if res["unstable"]:
                            n["unstable"] += 1
                        n["kpkt"] += bool(res["kpkt_refused"])
                elif native and not refused and not a.no_run:
                    runres = link_native(runner, fo, prog, tmp)
                    n["linked" if runres == "links" else "linkfail"] += 1
                say("%s\t%s\t%s\t%s" % (rel, prog, "native" if native else "bytecode",
                                       "; ".join(x for x in (reason, runres) if x)))
    pct = 100.0 * n["native"] / n["progs"] if n["progs"] else 0.0
    say("summary: %d files compile with clang (%d do not, left out); bpfaot-cc fails on %d; "
        "BPF sections differ on %d; %d programs, %d with native code (%.1f%%), %d without a "
        "reason; %d other programs with native code link, %d are refused by the linker"
        % (n["files"], n["clang_fail"], n["cc_fail"], n["differ"], n["progs"], n["native"], pct,
           n["silent"], n["linked"], n["linkfail"]))
    say("summary: %d packet programs ran on %d packets; %d compared with the kernel, %d agree "
        "with it on all four engines (interp, jit, llvm-aot, aot); per engine, agree with the "
        "kernel: %s; %d compared with the interpreter instead (%s), %d of them agree; "
        "%d differ%s; %d with values that change from run to run; %d with a packet the "
        "kernel's test run refuses (compared with the interpreter there)"
        % (n["ran"], len(PACKETS), n["kernel"], n["agree4"],
           ", ".join("%s %d of %d" % (e, per_eng[e][0], per_eng[e][1]) for e in ENGINES),
           n["vs_interp"], "; ".join(fallback) if fallback else "none", n["agree_interp"],
           n["runfail"], (": " + "; ".join(differing)) if differing else "",
           n["unstable"], n["kpkt"]))
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
