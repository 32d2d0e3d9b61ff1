"""Shrink Qt's ICU data library (libicudata.so.NN, 31 MB in the PySide6 wheel) for the Linux bundle.

QtCore is the only user of ICU in the bundle, and it calls ICU for four things only (the functions
libQt6Core imports): collation (QCollator, localeAwareCompare: ``ucol_*``), locale case mapping
(``u_strToUpper/Lower``: its data is built into libicuuc), time-zone names and ids (``ucal_*``) and
named 8-bit encodings (QStringConverter: ``ucnv_*``). The program sets its locale to zh_CN.

The subset keeps every shared table (properties, normalisation, likely subtags, supplemental and
time-zone data, collation base data, alias tables) and, of the per-locale data, only ``root``,
``zh*`` and ``en*`` (en_US_POSIX is the C locale); it drops the break-iteration (``ubrk``) and
transliteration (``utrans``) trees, which Qt never calls, and the converters for encodings other than
the Chinese ones (GB18030, GBK, GB2312, Big5, Big5-HKSCS) and the small single-byte tables (Latin,
Cyrillic, Windows, DOS and EBCDIC code pages) — the Japanese, Korean, CNS and EBCDIC multi-byte tables
go. Other locales then fall back as ICU does for a locale it has no data for (to the default locale,
then root). ISO-2022-CN and X11 compound text, which need dropped tables, no longer open; Qt's X11
clipboard uses UTF-8.

The data archive (ICU's "common data" format: a header, a sorted table of item names and offsets,
the items 16-byte aligned) is rebuilt in Python, and the library file is rewritten around it: the
archive is the library's only content (one exported symbol, ``icudtNN_dat``, no code, no
relocations), so only offsets and sizes change. No ICU tools or compiler are needed. Anything in the
library that is not laid out as expected stops the build rather than ship a damaged library.

    python scripts/icu_subset.py SRC DST        # prints what it kept
"""

from __future__ import annotations

import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

KEEP_LANGUAGES = ("zh", "en")  # and root, which is not a language
DROP_TREES = ("brkitr", "translit")
# Multi-byte converters kept whatever their size (their extension-only variants, such as
# windows-936-2000 on ibm-1386, are small and kept with them).
CHINESE_CONVERTERS = (
    "gb18030",  # GB18030
    "ibm-1386_P100-2001",  # GBK (base of windows-936-2000)
    "ibm-1383_P110-1999",  # GB2312 / EUC-CN
    "ibm-5478_P100-1995",  # GB_2312-80
    "iso-ir-165",  # GB2312 + 6763 extension
    "ibm-1373_P100-2002",  # Big5 (base of windows-950-2000)
    "ibm-950_P110-1999",
    "ibm-1375_P100-2008",  # Big5-HKSCS
    "ibm-5471_P100-2006",  # MS950_HKSCS
)
SMALL_CONVERTER = 20_000  # bytes: the single-byte tables are 1–5 kB, the multi-byte ones 70–550 kB
_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]*)*")  # af, yue_Hans, de__PHONEBOOK, en_US_POSIX
_NOT_LOCALES = ("res_index",)


@dataclass
class Archive:
    header: bytes  # the data header (format "CmnD" and its copyright line), copied as is
    items: dict[str, bytes]  # full name ("icudt73l/coll/zh.res") → data, in the archive's (sorted) order


def read_archive(data: bytes) -> Archive:
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD" or data[8] != 0:  # little-endian
        raise ValueError("not a little-endian ICU common data archive")
    toc = header_size
    (count,) = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    names = [data[toc + name:data.index(b"\0", toc + name)].decode("ascii") for name, _ in entries]
    ends = [offset for _, offset in entries[1:]] + [len(data) - toc]
    items = {name: data[toc + start:toc + end] for name, (_, start), end in zip(names, entries, ends)}
    if names != sorted(names) or len(items) != count:
        raise ValueError("the archive's table of contents is not sorted")
    return Archive(data[:header_size], items)


def write_archive(archive: Archive) -> bytes:
    names = list(archive.items)
    name_bytes = [n.encode("ascii") + b"\0" for n in names]
    toc_size = 4 + 8 * len(names)
    data_start = _align(toc_size + sum(map(len, name_bytes)), 16)
    entries, blobs, name_at, data_at = [], [], toc_size, data_start
    for name, raw in zip(name_bytes, archive.items.values()):
        entries.append(struct.pack("<II", name_at, data_at))
        name_at += len(name)
        padded = raw + b"\0" * (_align(len(raw), 16) - len(raw))
        blobs.append(padded)
        data_at += len(padded)
    toc = struct.pack("<I", len(names)) + b"".join(entries) + b"".join(name_bytes)
    toc += b"\0" * (data_start - len(toc))
    return archive.header + toc + b"".join(blobs)


def _align(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def _base_table(raw: bytes, converters: dict[str, bytes]) -> str | None:
    """The converter an extension-only table builds on (its name is stored in the table), if any."""
    return next((stem for stem in converters if stem.encode("ascii") + b"\0" in raw[:4096]
                 and raw is not converters[stem]), None)


def choose(archive: Archive) -> list[str]:
    """The names of the items the subset keeps."""
    prefix = next(iter(archive.items)).split("/", 1)[0] + "/"
    converters = {name[len(prefix):-4]: raw for name, raw in archive.items.items() if name.endswith(".cnv")}
    wanted_cnv = {stem for stem in CHINESE_CONVERTERS if stem in converters}
    for stem, raw in converters.items():
        if len(raw) < SMALL_CONVERTER:
            base = _base_table(raw, converters)
            if base is None or base in wanted_cnv:  # an extension of a dropped table would not open
                wanted_cnv.add(stem)
    kept = []
    for name in archive.items:
        parts = name[len(prefix):].split("/")
        if len(parts) == 2 and parts[0] in DROP_TREES:
            continue
        stem, _, ext = parts[-1].rpartition(".")
        if ext == "cnv" and stem not in wanted_cnv:
            continue
        if (ext == "res" and stem not in _NOT_LOCALES and _LOCALE.fullmatch(stem)
                and stem.split("_")[0] not in KEEP_LANGUAGES):
            continue
        kept.append(name)
    return kept


# ELF64 little-endian: Elf64_Phdr, Elf64_Shdr, Elf64_Sym, Elf64_Dyn
_PHDR, _SHDR = struct.Struct("<IIQQQQQQ"), struct.Struct("<IIQQQQIIQQ")
_SYM, _DYN = struct.Struct("<IBBHQQ"), struct.Struct("<qQ")
_SHT_SYMTAB, _SHT_DYNAMIC, _SHT_DYNSYM = 2, 6, 11
_PAGE = 0x10000  # a multiple of every page size: offsets stay congruent to addresses
# dynamic tags whose value is an address (PLTGOT, HASH, STRTAB, SYMTAB, RELA, INIT, FINI, REL, JMPREL,
# INIT/FINI_ARRAY, GNU_HASH, VERSYM, VERDEF, VERNEED): none may point past the data
_DT_ADDRESSES = {3, 4, 5, 6, 7, 12, 13, 17, 23, 25, 26, 0x6FFFFEF5, 0x6FFFFFF0, 0x6FFFFFFC, 0x6FFFFFFE}


@dataclass
class _Elf:
    phdrs: list[list[int]]
    shdrs: list[list[int]]
    phoff: int
    shoff: int
    phentsize: int
    shentsize: int
    data_section: int  # index of the section the data symbol lies in
    data_offset: int  # file offset of the data
    data_size: int


def _parse_elf(lib: bytes) -> _Elf:
    if lib[:4] != b"\x7fELF" or lib[4] != 2 or lib[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, shoff = struct.unpack_from("<QQ", lib, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", lib, 0x36)
    phdrs = [list(_PHDR.unpack_from(lib, phoff + i * phentsize)) for i in range(phnum)]
    shdrs = [list(_SHDR.unpack_from(lib, shoff + i * shentsize)) for i in range(shnum)]
    found = set()
    for sh in shdrs:
        if sh[1] in (_SHT_SYMTAB, _SHT_DYNSYM):
            strings = shdrs[sh[6]][4]
            for i in range(sh[5] // _SYM.size):
                name_at, _info, _other, shndx, value, size = _SYM.unpack_from(lib, sh[4] + i * _SYM.size)
                name = lib[strings + name_at:lib.index(b"\0", strings + name_at)]
                if re.fullmatch(rb"icudt\d+_dat", name):
                    found.add((shndx, value, size))
    if len(found) != 1:
        raise ValueError("no single icudtNN_dat symbol")
    ((shndx, value, size),) = found
    section = shdrs[shndx]
    # the layout of ICU's data library: the archive is the whole of its section
    if (section[3], section[5]) != (value, size):
        raise ValueError("the data symbol does not fill its section")
    return _Elf(phdrs, shdrs, phoff, shoff, phentsize, shentsize, shndx, section[4], size)


def library_data(lib: bytes) -> bytes:
    """The archive inside an ICU data library (the bytes of its icudtNN_dat symbol)."""
    elf = _parse_elf(lib)
    return lib[elf.data_offset:elf.data_offset + elf.data_size]


def rewrite_library(lib: bytes, new_data: bytes) -> bytes:
    """``lib`` (an ICU data library) with its archive replaced by the smaller ``new_data``."""
    elf = _parse_elf(lib)
    start, old_size = elf.data_offset, elf.data_size
    end = start + old_size
    if len(new_data) > old_size:
        raise ValueError("the new data is larger than the old")
    shrink = (old_size - len(new_data)) // _PAGE * _PAGE
    new_size = old_size - shrink
    address = elf.shdrs[elf.data_section][3]
    for sh in elf.shdrs:
        if sh[1] == _SHT_DYNAMIC:
            for i in range(sh[5] // _DYN.size):
                tag, value = _DYN.unpack_from(lib, sh[4] + i * _DYN.size)
                if tag in _DT_ADDRESSES and value >= address:
                    raise ValueError(f"dynamic entry {tag:#x} points past the data")
    for ph in elf.phdrs:
        offset, size = ph[2], ph[5]
        if offset <= start and end <= offset + size:  # the segment holding the data: it must end with it
            if any(sh[4] >= end and sh[4] < offset + size and sh[5] for sh in elf.shdrs if sh[2] & 0x2):
                raise ValueError("the data is not at the end of its segment")
            ph[5] -= shrink
            ph[6] -= shrink
        elif offset >= end:
            ph[2] -= shrink
            ph[3] -= shrink
            ph[4] -= shrink
        elif offset + size > start and ph[1] != 0:  # PT_NULL aside, nothing may overlap the data partly
            raise ValueError("a segment overlaps the data")
    for i, sh in enumerate(elf.shdrs):
        if i == elf.data_section:
            sh[5] = new_size
        elif sh[4] >= end:
            sh[4] -= shrink
            if sh[3]:
                sh[3] -= shrink
    out = bytearray(lib[:start]) + new_data + bytes(new_size - len(new_data)) + lib[end:]
    shoff = elf.shoff - shrink if elf.shoff >= end else elf.shoff
    struct.pack_into("<Q", out, 0x28, shoff)
    for i, ph in enumerate(elf.phdrs):
        _PHDR.pack_into(out, elf.phoff + i * elf.phentsize, *ph)
    for i, sh in enumerate(elf.shdrs):
        _SHDR.pack_into(out, shoff + i * elf.shentsize, *sh)
    for sh in elf.shdrs:  # the symbol's size, in .dynsym and .symtab
        if sh[1] in (_SHT_SYMTAB, _SHT_DYNSYM):
            for i in range(sh[5] // _SYM.size):
                at = sh[4] + i * _SYM.size
                name_at, info, other, shndx, value, size = _SYM.unpack_from(out, at)
                if shndx == elf.data_section and size == old_size:
                    _SYM.pack_into(out, at, name_at, info, other, shndx, value, new_size)
    return bytes(out)


def subset_library(src: Path, dst: Path) -> tuple[int, int, int, int]:
    """Write the subset of the ICU data library ``src`` to ``dst``: (old bytes, new bytes, items kept, of)."""
    lib = src.read_bytes()
    archive = read_archive(library_data(lib))
    kept = choose(archive)
    small = Archive(archive.header, {name: archive.items[name] for name in kept})
    out = rewrite_library(lib, write_archive(small))
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(out)
    dst.chmod(src.stat().st_mode & 0o777)
    return len(lib), len(out), len(kept), len(archive.items)


if __name__ == "__main__":
    old, new, kept, total = subset_library(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {old / 2**20:.1f} MB → {new / 2**20:.1f} MB, {kept} of {total} items")
