#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check ptscope's procfs source against the kernel's files, read here.

  pagemap-oracle.py walk PID FILE   FILE: "ptscope -j walk --pages PID"
  pagemap-oracle.py maps PID FILE   FILE: "ptscope -j maps PID"

Reads /proc/PID/maps, /proc/PID/smaps (VmFlags), /proc/PID/pagemap and, when
pagemap shows frames, /proc/kpageflags and /proc/kpagecount itself, page by
page, and compares: the records cover every mapped page once and nothing
else; each page's state, frame, swap slot, uffd-wp and soft-dirty bits,
mapcount and kind agree; what procfs cannot see is null and named in
"unknown". The target must hold still (a test program waiting). Prints one
TAP line per check (no plan); status 1 on any mismatch.
"""
import json
import os
import struct
import sys

PS = os.sysconf("SC_PAGE_SIZE")
PFN = (1 << 55) - 1
SOFT_DIRTY, UFFD_WP, SWAP, PRESENT = 1 << 55, 1 << 57, 1 << 62, 1 << 63
EXCLUSIVE, FILE = 1 << 56, 1 << 61
KPF_ANON, KPF_HUGE, KPF_NOPAGE, KPF_KSM, KPF_THP, KPF_ZERO = (
    1 << 12, 1 << 17, 1 << 20, 1 << 21, 1 << 22, 1 << 24)
ALWAYS = {"entry", "flags", "level", "cache", "refcount", "page_flags", "pincount"}

failures = 0


def tap(ok, what, why=""):
    global failures
    print("%s - %s" % ("ok" if ok else "not ok", what))
    if not ok:
        failures += 1
        for line in why.splitlines()[:12]:
            print("#   " + line)


def vmas(pid):
    """(start, end, perms, name, vmflags, pkey or None) of each mapping, from smaps."""
    out = []
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            first = line.split(None, 1)[0]
            if not first.endswith(":") and "-" in first:
                parts = line.split(None, 5)
                s, e = (int(x, 16) for x in parts[0].split("-"))
                out.append([s, e, parts[1], parts[5].strip() if len(parts) > 5 else "", set(), None])
            elif first == "ProtectionKey:":
                out[-1][5] = int(line.split()[1])
            elif first == "VmFlags:":
                out[-1][4] = set(line.split()[1:])
    return [v for v in out if v[3] != "[vsyscall]"]


def expected_cow(pm, vma, anon, kf):
    """What a write to a present page does, where pagemap and kpageflags (kf,
    None when hidden) decide it; None where they cannot."""
    fl = vma[4]
    if "wr" not in fl or "ss" in fl:
        return "read-only"
    if "ms" in fl:
        return "shared-mapping"
    if pm & UFFD_WP:
        return "uffd-wp"
    if kf is not None and kf & KPF_ZERO:
        return "zero"
    if kf is not None and kf & KPF_KSM:
        return "ksm"
    if pm & FILE and not anon:
        return "file-private"
    if kf is not None and kf & (KPF_ANON | KPF_HUGE) and not pm & EXCLUSIVE:
        return "cow-shared"
    return None


def pagemap(pid, start, end):
    with open("/proc/%d/pagemap" % pid, "rb") as f:
        f.seek(start // PS * 8)
        data = f.read((end - start) // PS * 8)
    return struct.unpack("<%dQ" % (len(data) // 8), data)


def kpage(name, pfn):
    with open("/proc/" + name, "rb") as f:
        f.seek(pfn * 8)
        return struct.unpack("<Q", f.read(8))[0]


def expected_kind(kf):
    """What kpageflags says a frame is, as far as a test needs to know."""
    if kf & KPF_ZERO:
        return {"zero-page", "huge-zero-page"}
    if kf & KPF_HUGE:
        return {"hugetlb"}
    if kf & KPF_ANON:
        return {"anon", "ksm", None}
    return {"file", "shmem", "other", "pfnmap", None}


def check_page(addr, pm, rec, vma, frames):
    """Mismatches of one page against its record."""
    bad = []
    unknown = set(rec.get("unknown", []))
    present, swap = bool(pm & PRESENT), bool(pm & SWAP)
    state = "present" if present else "swap" if swap else "none"
    got = rec["state"]
    # pagemap does not look into VM_PFNMAP mappings: no state is given.
    if got is None:
        if "state" in unknown and "pf" in vma[4]:
            return []
        return ["0x%x: state null outside a VM_PFNMAP mapping (%s)" % (addr, vma[3])]
    if "pf" in vma[4]:
        return ["0x%x: state %s in a VM_PFNMAP mapping, which pagemap does not read" % (addr, got)]
    if swap and got in ("marker", "other") and frames and (pm & 0x1f) >= 24:
        state = got  # the kernel's own entries: procfs cannot tell them apart
    if got != state:
        return ["0x%x: state %s, pagemap says %s (0x%x)" % (addr, got, state, pm)]
    if rec["level"] is not None:
        bad.append("0x%x: level %s, procfs cannot know it" % (addr, rec["level"]))
    if state == "none":
        return bad
    if (UFFD_WP & pm != 0) != ("uffd-wp" in rec["flags"]):
        bad.append("0x%x: uffd-wp %s, pagemap 0x%x" % (addr, rec["flags"], pm))
    if "sd" in vma[4]:
        if "soft_dirty" not in unknown:
            bad.append("0x%x: soft-dirty claimed in a VM_SOFTDIRTY mapping" % addr)
    elif (SOFT_DIRTY & pm != 0) != ("soft-dirty" in rec["flags"]):
        bad.append("0x%x: soft-dirty %s, pagemap 0x%x" % (addr, rec["flags"], pm))
    if not ALWAYS <= unknown:
        bad.append("0x%x: unknown %s lacks %s" % (addr, sorted(unknown), sorted(ALWAYS - unknown)))
    for k in ("entry",):
        if rec.get(k, None) is not None:
            bad.append("0x%x: %s %s, procfs cannot know it" % (addr, k, rec[k]))
    if state == "swap":
        if int(rec["swap_offset"], 16) != ((pm & PFN) >> 5) or rec["swap_type"] != pm & 0x1f:
            bad.append("0x%x: swap %s:%s, pagemap 0x%x" % (addr, rec["swap_type"],
                                                          rec["swap_offset"], pm))
        return bad
    if state != "present":
        return bad
    # A present page's key is its mapping's, shown by smaps where keys are used.
    if ("pkey" in unknown) != (vma[5] is None) or rec.get("pkey") != vma[5]:
        bad.append("0x%x: pkey %s, smaps %s" % (addr, rec.get("pkey"), vma[5]))
    # pagemap's sharing bits, told to every reader (1 GiB hugetlb: unknown).
    # (pagemap says it of the huge zero page too: in an anonymous mapping.)
    anon = not vma[3].startswith("/") and vma[3] not in ("[vdso]", "[vvar]", "[vvar_vclock]")
    if (FILE & pm != 0 and not anon) != ("file-backed" in rec["page_flags"]):
        bad.append("0x%x: file-backed %s, pagemap 0x%x" % (addr, rec["page_flags"], pm))
    # (Mapped once or not moves with other processes for shared files' pages.)
    if "mapped_once" not in unknown and not FILE & pm and \
            (EXCLUSIVE & pm != 0) != ("mapped-once" in rec["page_flags"]):
        bad.append("0x%x: mapped-once %s, pagemap 0x%x" % (addr, rec["page_flags"], pm))
    # The write's effect where pagemap decides it (module/cow.c's rules), else unknown.
    want = expected_cow(pm, vma, anon, None if not frames or "kind" in unknown
                        else kpage("kpageflags", pm & PFN))
    if rec.get("cow") != want:
        bad.append("0x%x: cow %s, pagemap says %s (0x%x)" % (addr, rec.get("cow"), want, pm))
    pfn = pm & PFN
    if int(rec["pfn"], 16) != pfn:
        bad.append("0x%x: pfn %s, pagemap 0x%x" % (addr, rec["pfn"], pfn))
    if not frames:
        if rec["kind"] is not None or "mapcount" in rec:
            bad.append("0x%x: kind/mapcount shown without frames: %s" % (addr, rec))
        return bad
    if "pf" in vma[4] or "io" in vma[4]:
        return bad
    kf = kpage("kpageflags", pfn)
    if kf & KPF_NOPAGE:
        return bad
    # Shared frames' counts move with other processes: anonymous ones hold still.
    # (A large folio's average, where kpagecount gives that, is unknown.)
    if kf & KPF_ANON and "mapcount" not in unknown and rec.get("mapcount") != kpage("kpagecount", pfn):
        bad.append("0x%x: mapcount %s, kpagecount %d" % (addr, rec.get("mapcount"),
                                                         kpage("kpagecount", pfn)))
    if rec["kind"] not in expected_kind(kf):
        bad.append("0x%x: kind %s, kpageflags 0x%x" % (addr, rec["kind"], kf))
    if kf & KPF_THP and not kf & KPF_HUGE and rec["kind"] is not None and "thp" not in rec["page_flags"]:
        bad.append("0x%x: thp not in %s" % (addr, rec["page_flags"]))
    return bad


def walk(pid, doc):
    maps = vmas(pid)
    frames = False
    pages = {}
    for rec in doc["records"]:
        a = int(rec["addr"], 16)
        for i in range(rec["nr_pages"]):
            if a + i * PS in pages:
                tap(False, "page 0x%x in one record only" % (a + i * PS))
            pages[a + i * PS] = rec
    want = sum((e - s) // PS for s, e, *_ in maps)
    tap(len(pages) == want, "records cover %d pages, the mappings %d" % (len(pages), want))
    bad = []
    for vma in maps:
        s, e = vma[0], vma[1]
        pms = pagemap(pid, s, e)
        frames = frames or any(pm & PRESENT and pm & PFN for pm in pms)
        for i, pm in enumerate(pms):
            addr = s + i * PS
            if addr not in pages:
                bad.append("0x%x (%s) has no record" % (addr, vma[3]))
                continue
            bad += check_page(addr, pm, pages[addr], vma, frames)
    tap(not bad, "%d pages agree with pagemap%s" % (len(pages), " and kpage*" if frames else ""),
        "\n".join(bad))


def maps_check(pid, doc):
    maps = vmas(pid)
    got = [(int(v["start"], 16), int(v["end"], 16), v["perms"], v["name"]) for v in doc["vmas"]]
    want = [(s, e, p, n) for s, e, p, n, _ in maps]
    tap(got == want, "%d mappings as /proc/%d/maps lists them" % (len(got), pid),
        "\n".join("got %s want %s" % (g, w) for g, w in zip(got, want) if g != w))
    bad = []
    for v, m in zip(doc["vmas"], maps):
        pms = pagemap(pid, m[0], m[1])
        present = sum(1 for pm in pms if pm & PRESENT)
        swapped = sum(1 for pm in pms if pm & SWAP and not pm & PRESENT)
        if v["present"] != present:
            bad.append("%s: present %d, pagemap %d" % (m[3], v["present"], present))
        if v["swapped"] > swapped:
            bad.append("%s: swapped %d, pagemap %d" % (m[3], v["swapped"], swapped))
        for k in ("dirty", "cow", "pinned"):
            if v[k] is not None or k not in v.get("unknown", []):
                bad.append("%s: %s %s, procfs cannot count it" % (m[3], k, v[k]))
    tap(not bad, "counters agree with pagemap", "\n".join(bad))


def main():
    mode, pid, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    doc = json.load(open(path))
    (walk if mode == "walk" else maps_check)(pid, doc)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
