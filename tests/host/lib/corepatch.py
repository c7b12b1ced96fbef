#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Variants of a kernel-written core for the tests of the bytes at the ip.

  corepatch.py IN OUT code
      OUT: IN whose load segment holding the ip has its memory in the file,
      byte k of the segment being (7 * k + 1) & 0xff. Prints the 16 bytes
      at the ip ("bytes 19 20 ...").
  corepatch.py IN OUT file PATH
      OUT: IN whose NT_FILE names PATH for every mapped file. Prints the
      offset in the file of the ip ("offset 0x2728").

64-bit little-endian cores only (those of tests/cores).
"""
import struct
import sys

PT_LOAD, PT_NOTE, NT_PRSTATUS, NT_FILE = 1, 4, 1, 0x46494C45
PHDR = "<IIQQQQQQ"  # type, flags, offset, vaddr, paddr, filesz, memsz, align


def main():
    src, dst, mode = sys.argv[1:4]
    b = bytearray(open(src, "rb").read())
    machine = struct.unpack_from("<H", b, 18)[0]
    phoff = struct.unpack_from("<Q", b, 32)[0]
    phnum = struct.unpack_from("<H", b, 56)[0]
    ph = [list(struct.unpack_from(PHDR, b, phoff + 56 * i)) for i in range(phnum)]
    ni = next(i for i, p in enumerate(ph) if p[0] == PT_NOTE)
    notes, off, end = [], ph[ni][2], ph[ni][2] + ph[ni][5]
    while off + 12 <= end:
        nsz, dsz, typ = struct.unpack_from("<III", b, off)
        d = off + 12 + ((nsz + 3) & ~3)
        notes.append([bytes(b[off + 12:off + 12 + nsz]), typ, bytes(b[d:d + dsz])])
        off = d + ((dsz + 3) & ~3)
    prstatus = next(n for n in notes if n[1] == NT_PRSTATUS)[2]
    # pr_reg at 112: x86_64's rip is register 16, aarch64's pc 32
    ip = struct.unpack_from("<Q", prstatus, 112 + 8 * (16 if machine == 62 else 32))[0]
    if mode == "code":
        i = next(i for i, p in enumerate(ph) if p[0] == PT_LOAD and p[3] <= ip < p[3] + p[6])
        p = ph[i]
        at = (len(b) + 4095) & ~4095
        b += bytes(at - len(b)) + bytes((7 * k + 1) & 0xFF for k in range(p[6]))
        p[2], p[5] = at, p[6]
        struct.pack_into(PHDR, b, phoff + 56 * i, *p)
        print("bytes", " ".join("%02x" % ((7 * (ip - p[3] + k) + 1) & 0xFF) for k in range(16)))
    else:
        path = sys.argv[4].encode()
        nt = next(n for n in notes if n[1] == NT_FILE)
        count, page = struct.unpack_from("<QQ", nt[2], 0)
        triples = nt[2][16:16 + 24 * count]
        for k in range(count):
            s, e, pgoff = struct.unpack_from("<QQQ", triples, 24 * k)
            if s <= ip < e:
                print("offset 0x%x" % (pgoff * page + ip - s))
        nt[2] = nt[2][:16] + triples + (path + b"\0") * count
        blob = b""
        for name, typ, desc in notes:
            blob += struct.pack("<III", len(name), len(desc), typ) + name + bytes(-len(name) % 4)
            blob += desc + bytes(-len(desc) % 4)
        # The notes grow into the padding before the first load segment's data.
        if ph[ni][2] + len(blob) > min(p[2] for p in ph if p[0] == PT_LOAD):
            sys.exit("corepatch: no room for the longer notes")
        b[ph[ni][2]:ph[ni][2] + len(blob)] = blob
        ph[ni][5] = len(blob)
        struct.pack_into(PHDR, b, phoff + 56 * ni, *ph[ni])
    open(dst, "wb").write(b)


main()
