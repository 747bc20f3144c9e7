#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the malformed-input corpus tests/data/bad/ (issue 4).

Every case is one input (NAME.o, NAME.data, ... or none, for the missing-file
and option cases) and NAME.expect, three lines that tests/check_rt_bad.c
checks:

    args: ARGUMENTS FOR bpfaot-run, space-separated, ${BUILD} = build dir
    status: 1
    stderr: THE LINE bpfaot-run MUST PRINT (a substring of its stderr)

The ELF cases are byte patches of one real object, build/samples/
xdp_counter.bpf.o (`make` builds it), made with the standard library only,
so the corpus is reproducible: `python3 fuzz/mkbad.py` rewrites the inputs
and keeps each .expect's stderr line; `python3 fuzz/mkbad.py --record`
runs ${BUILD}/bin/bpfaot-run on every case and records the first line it
prints on stderr as the expectation (review the diff before committing:
a message that changed is either a regression or a deliberate improvement).
"""
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "bad")
REL = "tests/data/bad"

EHDR = "<16sHHIQQQIHHHHHH"          # Elf64_Ehdr
SHDR = "<IIQQQQIIQQ"                # Elf64_Shdr
SYM = "<IBBHQQ"                     # Elf64_Sym
REL_ENT = "<QQ"                     # Elf64_Rel


class Elf:
    """A mutable ELF64 little-endian image with named access to its parts."""

    def __init__(self, data):
        self.b = bytearray(data)
        (self.ident, self.type, self.machine, _, _, _, self.shoff, _, _, _, _,
         self.shentsize, self.shnum, self.shstrndx) = struct.unpack_from(EHDR, self.b, 0)
        self.secs = [self.shdr(i) for i in range(self.shnum)]
        strtab = self.secs[self.shstrndx]
        for s in self.secs:
            s["name"] = self.cstr(strtab["offset"] + s["name_off"])

    def shdr(self, i):
        f = struct.unpack_from(SHDR, self.b, self.shoff + i * 64)
        keys = ("name_off", "type", "flags", "addr", "offset", "size", "link", "info",
                "addralign", "entsize")
        d = dict(zip(keys, f))
        d["index"] = i
        d["hdr"] = self.shoff + i * 64
        return d

    def cstr(self, off):
        end = self.b.index(b"\0", off)
        return self.b[off:end].decode()

    def sec(self, name):
        return next(s for s in self.secs if s["name"] == name)

    def set_shdr(self, name_or_index, field, value):
        s = self.secs[name_or_index] if isinstance(name_or_index, int) else self.sec(name_or_index)
        off = {"name_off": 0, "type": 4, "flags": 8, "addr": 16, "offset": 24, "size": 32,
               "link": 40, "info": 44, "addralign": 48, "entsize": 56}[field]
        fmt = "<I" if field in ("name_off", "type", "link", "info") else "<Q"
        struct.pack_into(fmt, self.b, s["hdr"] + off, value)

    def set_ehdr(self, field, value):
        off, fmt = {"type": (16, "<H"), "machine": (18, "<H"), "shoff": (40, "<Q"),
                    "shentsize": (58, "<H"), "shnum": (60, "<H"), "shstrndx": (62, "<H")}[field]
        struct.pack_into(fmt, self.b, off, value)

    # symbols
    def sym_index(self, name):
        st = self.sec(".symtab")
        strtab = self.secs[st["link"]]
        for i in range(st["size"] // 24):
            name_off = struct.unpack_from("<I", self.b, st["offset"] + i * 24)[0]
            if self.cstr(strtab["offset"] + name_off) == name:
                return i
        raise KeyError(name)

    def sym_off(self, name):
        return self.sec(".symtab")["offset"] + self.sym_index(name) * 24

    # code
    def insn_off(self, sec, idx):
        return self.sec(sec)["offset"] + idx * 8

    def set_insn(self, sec, idx, code=None, regs=None, off=None, imm=None):
        o = self.insn_off(sec, idx)
        if code is not None:
            self.b[o] = code
        if regs is not None:
            self.b[o + 1] = regs
        if off is not None:
            struct.pack_into("<h", self.b, o + 2, off)
        if imm is not None:
            struct.pack_into("<i", self.b, o + 4, imm)

    def set_rel(self, relsec, i, offset=None, sym=None, rtype=None):
        o = self.sec(relsec)["offset"] + i * 16
        r_off, info = struct.unpack_from(REL_ENT, self.b, o)
        r_sym, r_type = info >> 32, info & 0xffffffff
        r_off = r_off if offset is None else offset
        r_sym = r_sym if sym is None else sym
        r_type = r_type if rtype is None else rtype
        struct.pack_into(REL_ENT, self.b, o, r_off, (r_sym << 32) | r_type)

    def btf_types(self):
        """{type id: (offset of its btf_type, kind, vlen, size_type, name)}"""
        btf = self.sec(".BTF")
        base = btf["offset"]
        hdr_len, type_off, type_len, str_off = struct.unpack_from("<IIII", self.b, base + 4)
        types = base + hdr_len + type_off
        strs = base + hdr_len + str_off
        pos, tid, out = types, 1, {}
        while pos < types + type_len:
            name_off, info, size_type = struct.unpack_from("<III", self.b, pos)
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            out[tid] = (pos, kind, vlen, size_type, self.cstr(strs + name_off))
            pos += 12 + {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen,
                         14: 4, 15: 12 * vlen, 17: 4, 19: 12 * vlen}.get(kind, 0)
            tid += 1
        return out

    def btf_var(self, name):
        """Offset of the btf_type of the BTF variable name (kind VAR)."""
        return next(t[0] for t in self.btf_types().values() if t[1] == 14 and t[4] == name)

    # BTF: the array behind __uint(MEMBER, N) of the map struct
    def btf_uint_array(self, member):
        btf = self.sec(".BTF")
        base = btf["offset"]
        hdr_len, type_off, type_len, str_off = struct.unpack_from("<IIII", self.b, base + 4)
        types = base + hdr_len + type_off
        strs = base + hdr_len + str_off
        pos, tid, where = types, 1, {}
        info_of = {}
        while pos < types + type_len:
            name_off, info, size_type = struct.unpack_from("<III", self.b, pos)
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            where[tid] = pos
            info_of[tid] = (kind, vlen, size_type, name_off)
            extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen,
                     14: 4, 15: 12 * vlen, 17: 4, 19: 12 * vlen}.get(kind, 0)
            pos += 12 + extra
            tid += 1
        for t, (kind, vlen, _, _) in info_of.items():
            if kind != 4:  # struct
                continue
            for m in range(vlen):
                m_name, m_type, _ = struct.unpack_from("<III", self.b, where[t] + 12 + 12 * m)
                if self.cstr(strs + m_name) == member and info_of[m_type][0] == 2:  # ptr
                    arr = info_of[m_type][2]
                    return where[arr] + 12 + 8  # btf_array.nelems
        raise KeyError(member)


def base_object(name="xdp_counter"):
    path = os.path.join(ROOT, os.environ.get("BUILD", "build"), "samples", name + ".bpf.o")
    if not os.path.exists(path):
        sys.exit("mkbad: %s missing: run `make` first" % path)
    with open(path, "rb") as f:
        return f.read()


def elf_cases(orig):
    """(name, bytes) for every malformed object; each a fresh patch of orig."""
    e0 = Elf(orig)
    sh_end = e0.shoff + e0.shnum * 64
    cases = []

    def case(name, fn):
        e = Elf(orig)
        r = fn(e)
        cases.append((name, bytes(r if isinstance(r, (bytes, bytearray)) else e.b)))

    # truncation at every header boundary
    case("trunc_empty", lambda e: b"")
    case("trunc_magic", lambda e: e.b[:3])
    case("trunc_ident", lambda e: e.b[:15])
    case("trunc_after_ident", lambda e: e.b[:16])
    case("trunc_ehdr", lambda e: e.b[:63])
    case("trunc_after_ehdr", lambda e: e.b[:64])
    case("trunc_first_shdr", lambda e: e.b[:e.shoff + 32])
    case("trunc_last_shdr", lambda e: e.b[:sh_end - 1])
    # identity and header fields
    case("bad_magic", lambda e: e.b.__setitem__(slice(1, 4), b"ELG"))
    case("class32", lambda e: e.b.__setitem__(4, 1))
    case("big_endian", lambda e: e.b.__setitem__(5, 2))
    case("machine_x86_64", lambda e: e.set_ehdr("machine", 62))
    case("type_exec", lambda e: e.set_ehdr("type", 2))
    case("type_dyn", lambda e: e.set_ehdr("type", 3))
    case("shentsize_32", lambda e: e.set_ehdr("shentsize", 32))
    case("shnum_zero", lambda e: e.set_ehdr("shnum", 0))
    case("shnum_past_eof", lambda e: e.set_ehdr("shnum", e.shnum + 1))
    case("shoff_past_eof", lambda e: e.set_ehdr("shoff", len(e.b)))
    case("shoff_wraps", lambda e: e.set_ehdr("shoff", 0xffffffffffffffc0))
    case("shstrndx_oob", lambda e: e.set_ehdr("shstrndx", e.shnum))
    case("shstrtab_not_strtab", lambda e: e.set_ehdr("shstrndx", e.sec("xdp")["index"]))
    # section headers
    case("sec_data_oob", lambda e: e.set_shdr("xdp", "offset", len(e.b) - 8))
    case("sec_huge", lambda e: e.set_shdr(".BTF", "size", 1 << 62))
    case("sec_size_wraps", lambda e: (e.set_shdr("xdp", "offset", 0x40),
                                      e.set_shdr("xdp", "size", 0xfffffffffffffff8)))
    case("sec_name_oob", lambda e: e.set_shdr("xdp", "name_off", 0x7fffffff))
    # the relocations read the code bytes as Elf64_Rel entries
    case("sec_overlap_rel_code", lambda e: e.set_shdr(".relxdp", "offset", e.sec("xdp")["offset"]))
    # the code section overlaps the symbol table: symbols run as code
    case("sec_overlap_code_symtab", lambda e: e.set_shdr("xdp", "offset", e.sec(".symtab")["offset"]))

    def shstrtab_unterminated(e):
        strtab = e.secs[e.shstrndx]
        last = max(e.secs, key=lambda s: s["name_off"])
        e.set_shdr(e.shstrndx, "size", last["name_off"] + len(last["name"]))
    case("shstrtab_unterminated", shstrtab_unterminated)
    case("code_size_not_insn", lambda e: e.set_shdr("xdp", "size", e.sec("xdp")["size"] - 4))
    # symbols
    case("symtab_entsize", lambda e: e.set_shdr(".symtab", "entsize", 16))
    case("symtab_strtab_oob", lambda e: e.set_shdr(".symtab", "link", 999))
    case("sym_name_oob", lambda e: struct.pack_into("<I", e.b, e.sym_off("xdp_count"), 0xfffffff0))
    case("sym_shndx_oob", lambda e: struct.pack_into("<H", e.b, e.sym_off("xdp_count") + 6, 999))
    case("prog_offset_oob", lambda e: struct.pack_into("<Q", e.b, e.sym_off("xdp_count") + 8,
                                                       0x10000))

    def name_control_chars(e):
        # a symbol name with a newline, echoed in a diagnostic: the message
        # must stay one line (names from files are untrusted text)
        strtab = e.secs[e.sec(".symtab")["link"]]
        so = e.sym_off("xdp_count")
        off = strtab["offset"] + struct.unpack_from("<I", e.b, so)[0]
        e.b[off + 3] = 0x0a
        struct.pack_into("<Q", e.b, so + 8, 0x10000)
    case("name_control_chars", name_control_chars)
    # relocations (.relxdp has one entry, on the lddw of xdp_stats at insn 6)
    case("reloc_sym_oob", lambda e: e.set_rel(".relxdp", 0, sym=9999))
    case("reloc_offset_oob", lambda e: e.set_rel(".relxdp", 0, offset=0x1000))
    case("reloc_offset_unaligned", lambda e: e.set_rel(".relxdp", 0, offset=0x31))
    case("reloc_type_unknown", lambda e: e.set_rel(".relxdp", 0, rtype=42))
    case("reloc_type_data", lambda e: e.set_rel(".relxdp", 0, rtype=2))
    case("reloc_not_lddw", lambda e: e.set_rel(".relxdp", 0, offset=8 * 8))
    case("reloc_target_oob", lambda e: e.set_shdr(".relxdp", "info", 999))
    case("reloc_size_partial", lambda e: e.set_shdr(".relxdp", "size", 12))
    case("reloc_symtab_wrong", lambda e: e.set_shdr(".relxdp", "link", 1))

    def call_undefined(e):
        # insn 8 becomes a bpf-to-bpf call relocated against an undefined
        # symbol 'missing' (the LICENSE symbol, renamed and made undefined)
        e.set_insn("xdp", 8, regs=0x10, imm=-1)
        e.set_rel(".relxdp", 0, offset=8 * 8, sym=e.sym_index("LICENSE"))
        so = e.sym_off("LICENSE")
        strtab = e.secs[e.sec(".symtab")["link"]]
        name_off = struct.unpack_from("<I", e.b, so)[0]
        e.b[strtab["offset"] + name_off:strtab["offset"] + name_off + 7] = b"missing"
        struct.pack_into("<H", e.b, so + 6, 0)
    case("call_undefined", call_undefined)

    def call_sym_abs(e):
        # the same call, against a symbol with the special section SHN_ABS:
        # the linker indexed its section table with 0xfff1 (found by fuzz_elf)
        call_undefined(e)
        struct.pack_into("<H", e.b, e.sym_off("missing") + 6, 0xfff1)
    case("call_sym_abs", call_sym_abs)
    case("call_target_oob", lambda e: e.set_insn("xdp", 8, regs=0x10, imm=1000))
    case("extern_map", lambda e: struct.pack_into("<H", e.b, e.sym_off("xdp_stats") + 6, 0))
    case("kfunc_call", lambda e: (e.set_insn("xdp", 8, regs=0x20, imm=-1),
                                  e.set_rel(".relxdp", 0, offset=8 * 8)))
    def helper_map_arg_not_map(e):
        # bpf_redirect_map(0x1000, key, 0): a map argument that is no map.
        # The helper read the "map"'s type before checking that it is one
        # of the object's maps (found by fuzz_interp): SIGSEGV
        e.set_rel(".relxdp", 0, rtype=0)
        e.set_insn("xdp", 6, code=0xb7, regs=0x01, imm=0x1000)
        e.set_insn("xdp", 7, code=0xb7, regs=0x03, imm=0)
        e.set_insn("xdp", 8, imm=51)
    case("helper_map_arg_not_map", helper_map_arg_not_map)

    def helper_spin_lock_deadlock(e):
        # bpf_spin_lock(r10 - 4) where the stack holds 2 (insn 1): the lock
        # looks taken and the interpreter spins forever, outside the
        # instruction budget (found by fuzz_interp as a timeout)
        e.set_rel(".relxdp", 0, rtype=0)
        e.set_insn("xdp", 6, code=0xbf, regs=0xa1, imm=0)
        e.set_insn("xdp", 7, code=0x07, regs=0x01, imm=-4)
        e.set_insn("xdp", 8, imm=93)
    case("helper_spin_lock_deadlock", helper_spin_lock_deadlock)
    # instructions
    case("helper_unknown", lambda e: e.set_insn("xdp", 8, imm=9999))
    case("opcode_invalid", lambda e: e.set_insn("xdp", 9, code=0xff))
    case("jump_oob", lambda e: e.set_insn("xdp", 10, off=100))
    case("jump_into_lddw", lambda e: e.set_insn("xdp", 10, off=-4))
    case("lddw_second_half", lambda e: e.set_insn("xdp", 7, code=0x07))
    case("register_oob", lambda e: e.set_insn("xdp", 13, regs=0x7b))
    case("write_r10", lambda e: e.set_insn("xdp", 9, regs=0x0a))
    case("no_exit", lambda e: e.set_insn("xdp", 17, code=0xb7))
    case("uninit_reg", lambda e: e.set_insn("xdp", 16, regs=0x30))
    # maps (BTF): an unsupported type, and a map without entries
    case("map_type_unsupported", lambda e: struct.pack_into("<I", e.b, e.btf_uint_array("type"),
                                                            15))  # BPF_MAP_TYPE_SOCKMAP
    case("map_type_unknown", lambda e: struct.pack_into("<I", e.b, e.btf_uint_array("type"), 200))
    case("map_zero_entries", lambda e: struct.pack_into("<I", e.b,
                                                        e.btf_uint_array("max_entries"), 0))
    # a map variable whose name is outside the BTF string section
    case("btf_map_name_oob", lambda e: struct.pack_into("<I", e.b, e.btf_var("xdp_stats"),
                                                        0x7ffffff0))
    case("btf_malformed", lambda e: struct.pack_into("<H", e.b, e.sec(".BTF")["offset"], 0x1234))
    # prog array with an initialiser (tail_dispatch's jmp_table): the
    # map's BTF name is out of range, and the loader looks the name up
    # among the symbols (found by fuzz_elf: a NULL strcmp in object.c)
    e = Elf(base_object("tail_dispatch"))
    struct.pack_into("<I", e.b, e.btf_var("jmp_table"), 0x7ffffff0)
    cases.append(("btf_prog_array_name_oob", bytes(e.b)))
    # a struct member type (map_kinds' struct bpf_spin_lock) whose BTF name
    # is out of range: the spin-lock scan did strcmp(NULL, ...) (found by
    # fuzz_elf). The object then loads (an unnamed struct is no lock), so the
    # expected message is the next check's: no packet for the XDP program.
    e = Elf(base_object("map_kinds"))
    lock = next(t[0] for t in e.btf_types().values() if t[1] == 4 and t[4] == "bpf_spin_lock")
    struct.pack_into("<I", e.b, lock, 0x7ffffff0)
    cases.append(("btf_struct_name_oob", bytes(e.b)))
    return cases


def fat_object():
    """xdp_counter compiled by bpfaot-cc (helpers and maps not inlined) into
    a fat object (bytecode plus .aot.xdp_count), or None when bpfaot-cc is
    not built."""
    build = os.environ.get("BUILD", "build")
    cc = os.path.join(ROOT, build, "bin", "bpfaot-cc")
    out = os.path.join(ROOT, build, "mkbad-xdp_counter.fat.o")
    if not os.access(cc, os.X_OK):
        return None
    # no inlining: the manifest then lists the helper and the map, the
    # records the cases patch
    subprocess.run([cc, "-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", "-Isamples",
                    "--aot-no-inline-helpers", "--aot-no-inline-maps",
                    "-I/usr/include/x86_64-linux-gnu", "-c", "samples/xdp_counter.bpf.c",
                    "-o", out], cwd=ROOT, check=True, timeout=300)
    with open(out, "rb") as f:
        return f.read()


def fat_cases(fat):
    """Fat objects whose .aot.xdp_count disagrees with the bytecode or the
    runtime: text patches of its manifest that keep every length (so the
    nested ELF stays well formed), and header patches of the nested ELF."""
    cases = []

    def text(name, old, new):
        assert len(old) == len(new) and fat.count(old) == 1, (name, old)
        cases.append((name, fat.replace(old, new)))
    text("aot_map_value_size", b"value=16 max=5", b"value=32 max=5")
    text("aot_map_type", b"type=2 key=4", b"type=1 key=4")
    text("aot_map_max_entries", b"max=5 flags", b"max=6 flags")
    text("aot_map_unknown", b"map name=xdp_stats ", b"map name=xdp_stat2 ")
    text("aot_helper_id", b"helper id=1 name", b"helper id=2 name")
    text("aot_helper_unknown", b"helper id=1 name", b"helper id=9 name")
    text("aot_helper_proto", b"ret=ptr args=ptr,ptr", b"ret=ptr args=ptr,int")
    text("aot_manifest_record", b"\nprog name=", b"\nprug name=")
    text("aot_manifest_version", b"bpfaot-manifest 1", b"bpfaot-manifest 9")
    text("aot_manifest_no_end", b"\nend\n", b"\nenf\n")
    text("aot_prog_name", b"prog name=xdp_count ", b"prog name=xdp_kount ")
    text("aot_prog_ctx", b"ctx=xdp", b"ctx=skb")
    e = Elf(fat)
    aot = e.sec(".aot.xdp_count")
    b = bytearray(fat)
    struct.pack_into("<H", b, aot["offset"] + 18, 247)  # e_machine: EM_BPF
    cases.append(("aot_native_machine", bytes(b)))
    e.set_shdr(".aot.xdp_count", "size", 40)
    cases.append(("aot_native_truncated", bytes(e.b)))
    return cases


CONF_HDR = "# SPDX-License-Identifier: MIT\n# tests/data/bad: generated by fuzz/mkbad.py\n"

# (name, text, extra args): conformance files that must be refused
CONF_CASES = [
    ("conf_bad_register", "-- asm\nmov %r11, 1\nexit\n-- result\n0x0\n", ""),
    ("conf_unknown_mnemonic", "-- asm\nfrobnicate %r0, 1\nexit\n-- result\n0x0\n", ""),
    ("conf_undefined_label", "-- asm\nja nowhere\nexit\n-- result\n0x0\n", ""),
    ("conf_imm_range", "-- asm\nmov %r0, 0x1ffffffff\nexit\n-- result\n0x0\n", ""),
    ("conf_raw_bad_token", "-- raw\n0x95zz\n-- result\n0x0\n", ""),
    ("conf_mem_bad_hex", "-- asm\nexit\n-- mem\n0g 01\n-- result\n0x0\n", ""),
    ("conf_result_bad", "-- asm\nmov %r0, 1\nexit\n-- result\nbanana\n", ""),
    ("conf_empty_program", "-- asm\n-- result\n0x0\n", ""),
    ("conf_no_exit", "-- asm\nmov %r0, 1\n-- result\n0x1\n", ""),
    ("conf_uninit_reg", "-- asm\nmov %r0, %r3\nexit\n-- result\n0x0\n", ""),
    ("conf_write_r10", "-- asm\nmov %r10, 1\nmov %r0, 0\nexit\n-- result\n0x0\n", ""),
    ("conf_unknown_helper", "-- asm\ncall 9999\nexit\n-- result\n0x0\n", ""),
    ("conf_jump_oob", "-- raw\n0x0000000000640005\n0x0000000000000095\n-- result\n0x0\n", ""),
    ("conf_mem_oob_read", "-- asm\nldxdw %r0, [%r1+100]\nexit\n-- mem\n01 02 03 04\n"
     "-- result\n0x0\n", ""),
    ("conf_null_read", "-- asm\nldxdw %r0, [%r1]\nexit\n-- result\n0x0\n", ""),
    ("conf_stack_oob_write", "-- asm\nmov %r0, 0\nstxdw [%r10+8], %r0\nexit\n-- result\n0x0\n",
     ""),
    ("conf_budget", "-- asm\nmov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit\n-- result\n0x0\n",
     "--budget=1000"),
    ("conf_call_depth", "-- asm\nmov %r0, 0\ncall local f\nexit\nf:\nmov %r0, 0\n"
     "call local f\nexit\n-- result\n0x0\n", ""),
    ("conf_result_mismatch", "-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n", ""),
    ("conf_kernel_engine", "-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n", "--engine=kernel"),
]

OBJ = "${BUILD}/samples/xdp_counter.bpf.o"
PKT = "samples/xdp_counter.pkt"

# (name, args): command lines that must be refused, with no input of their own
CLI_CASES = [
    ("cli_missing_file", REL + "/no-such-file.o"),
    ("cli_directory", REL),
    ("cli_no_object", "--dump-maps"),
    ("cli_two_objects", OBJ + " " + OBJ),
    ("cli_unknown_option", "--frobnicate " + OBJ),
    ("cli_repeat_zero", "--repeat=0 " + OBJ),
    ("cli_repeat_negative", "--repeat=-1 " + OBJ),
    ("cli_repeat_garbage", "--repeat=12x " + OBJ),
    ("cli_repeat_huge", "--repeat=99999999999999999999 " + OBJ),
    ("cli_budget_garbage", "--budget=lots " + OBJ),
    ("cli_engine_foo", "--engine=foo " + OBJ),
    ("cli_type_nope", "--type=nope " + OBJ),
    ("cli_verify_foo", "--verify=foo " + OBJ),
    ("cli_map_set_garbage", "--map-set=garbage " + OBJ),
    ("cli_map_set_bad_hex", "--map-set=xdp_stats:0x0g=00 " + OBJ),
    ("cli_map_set_odd_hex", "--map-set=xdp_stats:000=00 " + OBJ),
    ("cli_map_set_no_map", "--map-set=nomap:00000000=00 --data-in=" + PKT + " " + OBJ),
    ("cli_map_set_wrong_size", "--map-set=xdp_stats:00=00 --data-in=" + PKT + " " + OBJ),
    ("cli_data_in_missing", "--data-in=" + REL + "/no-such-packet " + OBJ),
    ("cli_data_in_directory", "--data-in=" + REL + " " + OBJ),
    ("cli_data_in_oversized", "--data-in=${BUILD}/bin/bpfaot-run " + OBJ),
    ("cli_ctx_in_missing", "--ctx-in=" + REL + "/no-such-ctx " + OBJ),
    ("cli_prog_missing", "--prog=nope --data-in=" + PKT + " " + OBJ),
    ("cli_xdp_no_packet", OBJ),
    ("cli_xdp_short_packet", "--data-in=" + REL + "/short.pkt " + OBJ),
    ("cli_xdp_ctx_too_big", "--data-in=" + PKT + " --ctx-in=" + PKT + " " + OBJ),
]

# ELF cases that load and fail only when run: they get the packet
RUN_CASES = {"helper_map_arg_not_map", "helper_spin_lock_deadlock"}

# small inputs that CLI cases read
AUX_FILES = [("short.pkt", b"\x01\x02\x03")]


# Parts of a message that change from run to run (addresses, the size of
# the binary used as an oversized input): the expectation stops before them,
# so it is a stable substring of the line rather than the whole line.
UNSTABLE = [
    (re.compile(r"^(.*(?: at |: )0x)[0-9a-f]+$"), 1),  # an address: the text before it
    (re.compile(r"^.*' is \d+ (bytes, .*)$"), 1),   # a file size: the text after it
]


def stable(line):
    for rx, group in UNSTABLE:
        m = rx.match(line)
        if m:
            return m.group(group)
    return line


# Cases whose current behaviour is a bug (reported, not yet fixed): their
# expectation is what a correct loader must print, not what it prints now,
# so --record keeps it. Remove an entry once the fix lands and re-record.
PENDING = {}


def read_expect(path):
    d = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(": ")
                d[k] = v
    return d


def record(args, build):
    binary = os.path.join(ROOT, build, "bin", "bpfaot-run")
    argv = [a.replace("${BUILD}", build) for a in args.split()]
    try:
        p = subprocess.run([binary] + argv, cwd=ROOT, capture_output=True, text=True,
                           timeout=20)
    except subprocess.TimeoutExpired:
        return -1, "(timed out)"
    lines = p.stderr.splitlines()
    line = lines[0] if lines else ""
    return p.returncode, stable(line.replace(build + "/", "${BUILD}/"))


def main():
    rec = "--record" in sys.argv
    build = os.environ.get("BUILD", "build")
    os.makedirs(OUT, exist_ok=True)
    entries = []  # (name, args)
    for name, data in elf_cases(base_object()):
        with open(os.path.join(OUT, name + ".o"), "wb") as f:
            f.write(data)
        extra = "--data-in=" + PKT + " " if name in RUN_CASES else ""
        entries.append((name, extra + REL + "/" + name + ".o"))
    fat = fat_object()
    for name, data in fat_cases(fat) if fat else []:
        with open(os.path.join(OUT, name + ".o"), "wb") as f:
            f.write(data)
        entries.append((name, "--data-in=" + PKT + " " + REL + "/" + name + ".o"))
    if not fat:
        print("mkbad: no bpfaot-cc: the aot_* cases keep their old inputs")
        entries += [(n[:-len(".expect")], read_expect(os.path.join(OUT, n))["args"])
                    for n in sorted(os.listdir(OUT)) if n.startswith("aot_") and n.endswith(".expect")]
    for name, text, extra in CONF_CASES:
        with open(os.path.join(OUT, name + ".data"), "w") as f:
            f.write(CONF_HDR + text)
        entries.append((name, (extra + " " if extra else "") + REL + "/" + name + ".data"))
    for fname, data in AUX_FILES:
        with open(os.path.join(OUT, fname), "wb") as f:
            f.write(data)
    entries += CLI_CASES
    bad = 0
    for name, args in entries:
        path = os.path.join(OUT, name + ".expect")
        old = read_expect(path)
        if name in PENDING:
            status, line = 1, PENDING[name]
        elif rec:
            status, line = record(args, build)
            if status != 1 or not line:
                print("mkbad: %s: status %d, stderr '%s'" % (name, status, line))
                bad += 1
        else:
            status, line = 1, old.get("stderr", "")
        if rec and old.get("stderr") not in (None, line):
            print("mkbad: %s: message changed:\n  was: %s\n  now: %s" % (name, old["stderr"], line))
        with open(path, "w") as f:
            f.write("args: %s\nstatus: %d\nstderr: %s\n" % (args, status, line))
    print("mkbad: %d cases in %s" % (len(entries), REL))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
