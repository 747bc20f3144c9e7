#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the binary inputs of the samples (NAME.pkt, NAME.ctx) and the
reference outputs that are files (csum_rewrite.out), reproducibly.

Run from anywhere: python3 samples/mkinputs.py [--check]
With --check it only compares the files on disk (and the data-out-hex of
csum_rewrite.test) with what it would write and exits 1 on a difference.
Standard library only.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

DST_MAC = bytes.fromhex("020000000002")
SRC_MAC = bytes.fromhex("020000000001")


def csum16(data):
    """Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def eth(proto, dst=DST_MAC, src=SRC_MAC):
    return dst + src + struct.pack("!H", proto)


def vlan(tci, proto):
    return struct.pack("!HH", tci, proto)


def ipv4(src, dst, proto, payload, options=b"", ident=0x1234, ttl=64):
    assert len(options) % 4 == 0
    ihl = 5 + len(options) // 4
    total = ihl * 4 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, 0x4000, ttl, proto, 0,
                      ip4(src), ip4(dst)) + options
    c = csum16(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6(src, dst, nexthdr, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nexthdr, hlim, src, dst) + payload


def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def udp4(src, dst, sport, dport, payload):
    ln = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, ln, 0)
    c = csum16(pseudo4(src, dst, 17, ln) + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


def tcp4(src, dst, sport, dport, payload, seq=1000, ack=0, flags=0x02):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    c = csum16(pseudo4(src, dst, 6, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def icmp_echo(ident, seq, payload):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    c = csum16(hdr + payload)
    return hdr[:2] + struct.pack("!H", c) + hdr[4:] + payload


def pad60(frame):
    """Pads to the 60-byte Ethernet minimum (without FCS)."""
    return frame + b"\0" * max(0, 60 - len(frame))


DNS_QUERY = bytes.fromhex("abcd01000001000000000000076578616d706c6503636f6d0000010001")


def csum_rewrite_expected():
    """The packet csum_rewrite must output: the NAT rule 192.168.1.10:53 ->
    10.1.2.3:5353 applied, both checksums computed from scratch (the program
    updates them incrementally). Its hex is data-out-hex in the test."""
    return eth(0x0800) + ipv4(
        "10.0.0.1", "10.1.2.3", 17, udp4("10.0.0.1", "10.1.2.3", 5000, 5353, DNS_QUERY))


def files():
    out = {}

    # xdp_counter: a 64-byte IPv4/UDP frame.
    out["xdp_counter.pkt"] = eth(0x0800) + ipv4(
        "10.0.0.1", "10.0.0.2", 17, udp4("10.0.0.1", "10.0.0.2", 4000, 53, bytes(range(22))))

    # xdp_firewall: a TCP SYN from 10.0.0.1, which the test blocks.
    out["xdp_firewall.pkt"] = eth(0x0800) + ipv4(
        "10.0.0.1", "192.168.1.10", 6, tcp4("10.0.0.1", "192.168.1.10", 40000, 80, b"GET / HTTP/1.0\r\n"))

    # pkt_parser: 802.1ad (VID 100) + 802.1Q (VID 200), IPv4 with a 4-byte
    # Router Alert option (IHL 6), TCP with a 5-byte payload.
    ip_payload = tcp4("172.16.0.1", "172.16.0.2", 1234, 443, b"hello", flags=0x18)
    out["pkt_parser.pkt"] = (eth(0x88A8) + vlan(100, 0x8100) + vlan(200, 0x0800) +
                             ipv4("172.16.0.1", "172.16.0.2", 6, ip_payload,
                                  options=bytes.fromhex("94040000")))

    # trace_pid: raw_tracepoint/sys_enter args: args[0] = pt_regs * (unused,
    # 0), args[1] = syscall number 257 (openat on x86-64).
    out["trace_pid.ctx"] = struct.pack("<QQ", 0, 257)

    # ringbuf_events: an ICMP echo request, 98 bytes like ping's.
    out["ringbuf_events.pkt"] = eth(0x0800) + ipv4(
        "10.0.0.1", "10.0.0.2", 1, icmp_echo(0x77, 1, bytes(range(0x10, 0x10 + 56))))

    # csum_rewrite: UDP 10.0.0.1:5000 -> 192.168.1.10:53 (expected output:
    # csum_rewrite_expected()).
    out["csum_rewrite.pkt"] = eth(0x0800) + ipv4(
        "10.0.0.1", "192.168.1.10", 17, udp4("10.0.0.1", "192.168.1.10", 5000, 53, DNS_QUERY))

    # loop_sum: an 80-byte IPv4/UDP frame; the program sums the first 64 bytes.
    out["loop_sum.pkt"] = eth(0x0800) + ipv4(
        "192.0.2.1", "198.51.100.7", 17, udp4("192.0.2.1", "198.51.100.7", 7, 7, bytes(range(0xA0, 0xA0 + 38))))

    # calls_globals: a minimum-size IPv6/UDP frame.
    out["calls_globals.pkt"] = pad60(eth(0x86DD) + ipv6(
        bytes.fromhex("fe800000000000000000000000000001"),
        bytes.fromhex("ff020000000000000000000000000001"), 59, b""))

    # tail_dispatch: toy protocol 0x88b5, opcode 2 (op_pass), argument 0x2a.
    out["tail_dispatch.pkt"] = pad60(eth(0x88B5) + bytes([2, 0x2A]) + b"toy")

    # socket_filter: a DNS query to 10.0.0.53:53, 100 bytes, so the filter
    # (which sees 86 bytes from the IP header on) truncates it to 64.
    q = bytes.fromhex("1234010000010000000000000377777708626f6f6b776f726d076578616d706c65036f726700001c0001")
    q += b"\0" * (100 - 14 - 20 - 8 - len(q))
    out["socket_filter.pkt"] = eth(0x0800) + ipv4(
        "10.0.0.1", "10.0.0.53", 17, udp4("10.0.0.1", "10.0.0.53", 33333, 53, q))

    # map_kinds: a minimum-size ARP request (who-has 10.0.0.2 tell 10.0.0.1).
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, SRC_MAC, ip4("10.0.0.1"),
                      b"\0" * 6, ip4("10.0.0.2"))
    out["map_kinds.pkt"] = pad60(eth(0x0806, dst=b"\xff" * 6) + arp)

    # tcp_options: a Linux-style SYN 10.0.0.1:40000 -> 10.0.0.2:443 with the
    # options MSS 1460, SACK permitted, timestamps (tsval 0x01020304, tsecr
    # 0), NOP, window scale 7: 20 option bytes, data offset 10.
    opts = (struct.pack("!BBH", 2, 4, 1460) + struct.pack("!BB", 4, 2) +
            struct.pack("!BBII", 8, 10, 0x01020304, 0) + b"\x01" + struct.pack("!BBB", 3, 3, 7))
    syn = struct.pack("!HHIIBBHHH", 40000, 443, 1000, 0, 10 << 4, 0x02, 64240, 0, 0) + opts
    c = csum16(pseudo4("10.0.0.1", "10.0.0.2", 6, len(syn)) + syn)
    syn = syn[:16] + struct.pack("!H", c) + syn[18:]
    out["tcp_options.pkt"] = eth(0x0800) + ipv4("10.0.0.1", "10.0.0.2", 6, syn)

    return out


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    for name, data in sorted(files().items()):
        path = os.path.join(HERE, name)
        if check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            if not same:
                print("mkinputs: '%s' differs from the generated input" % name, file=sys.stderr)
                bad = 1
            continue
        with open(path, "wb") as f:
            f.write(data)
        print("%-24s %4d bytes" % (name, len(data)))
    if not check:
        print("csum_rewrite expected out: " + csum_rewrite_expected().hex())
    with open(os.path.join(HERE, "csum_rewrite.test")) as f:
        hexes = [ln.split("#")[0].split(":", 1)[1].strip() for ln in f if ln.startswith("data-out-hex:")]
    if hexes != [csum_rewrite_expected().hex()]:
        print("mkinputs: csum_rewrite.test: data-out-hex should be " + csum_rewrite_expected().hex(),
              file=sys.stderr)
        bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
