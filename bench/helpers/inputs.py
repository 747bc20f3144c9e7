#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes pkt.bin, the one input of bench/helpers: a 300-byte Ethernet +
IPv4 + UDP frame (10.0.0.1:5000 -> 192.168.1.10:53, checksums valid) whose
bytes from offset 54 on read "POST /index.html HTTP/1.1", then a counting
pattern. Usage: inputs.py OUT_DIR"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame():
    size = 300
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    udp_len = size - 14 - 20
    src, dst = bytes([10, 0, 0, 1]), bytes([192, 168, 1, 10])
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, size - 14, 0x1234, 0x4000, 64, 17, 0,
                               src, dst))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    # the payload starts at 14 + 20 + 8 = 42; str_match reads at 54 (as
    # after a TCP header): 12 bytes of padding, then the request
    payload = bytearray(b"\0" * 12 + b"POST /index.html HTTP/1.1\r\n")
    payload += bytes((i * 7) & 0xFF for i in range(udp_len - 8 - len(payload)))
    udp = bytearray(struct.pack("!HHHH", 5000, 53, udp_len, 0))
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp[6:8] = struct.pack("!H", csum(pseudo + bytes(udp) + bytes(payload)) or 0xFFFF)
    return eth + bytes(ip) + bytes(udp) + bytes(payload)


if __name__ == "__main__":
    with open(sys.argv[1] + "/pkt.bin", "wb") as f:
        f.write(frame())
