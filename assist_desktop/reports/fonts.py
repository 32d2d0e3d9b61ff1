"""The fonts of the printed forms: registered once per process, embedded as subsets in every PDF.

- ``REGULAR``: WenQuanYi Micro Hei (``resources/fonts/wqy-microhei.ttc``, face 0; Apache-2.0) for all
  text. It covers the common ideographs but almost none of CJK Extension A and none of Extension B.
- ``RARE``: Extension A and B (``resources/fonts/rare-han-ext-ab.ttf.xz``; SIL OFL 1.1), used *per
  character* for what WenQuanYi lacks, so a name such as 㐂, 䶮 or 𠀀 never prints as a box: sans-serif
  (黑体, as the rest of the form) from Noto Sans CJK SC for all of Extension A and the 2,108 Extension B
  characters it has, Hanazono Mincho for the rest of Extension B. It is read only when such a character is
  first drawn.

The rare-character font is 25 MB as TrueType, the largest file of the program folder, so it ships
xz-compressed (10 MB). The first time it is needed it is unpacked into the user's cache folder
(``~/.cache/AssistDesktop/fonts/`` on Linux, ``%LOCALAPPDATA%\\AssistDesktop\\Cache\\fonts\\`` on
Windows); each program checks that copy against the font's SHA-256 before it uses it, and unpacks a copy
that does not match again. When the cache folder cannot be written (read-only, disk full) the font is
unpacked in memory instead (about a second each time a program first prints such a name), so printing
never depends on it.

ReportLab embeds every TrueType font as a subset of the glyphs used, so a PDF prints the same on any PC.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import lzma
import os
import threading
import time
from functools import lru_cache
from pathlib import Path

import platformdirs
from reportlab.pdfbase import pdfmetrics, ttfonts

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import APP_NAME, resource_path

log = logging.getLogger(__name__)

REGULAR = "WenQuanYiMicroHei"
RARE = "AssistHanExtAB"
REGULAR_FILE = resource_path("fonts", "wqy-microhei.ttc")
RARE_FILE = resource_path("fonts", "rare-han-ext-ab.ttf.xz")
# SHA-256 of the unpacked font (resources/fonts/make_rare_han.py prints it when it builds the font)
RARE_SHA256 = "ae1304d6cd978766ea2fff6e8650a53d7ded67aa734d57b74dee3fb20e6b813d"

_lock = threading.Lock()
_regular_chars: frozenset[int] | None = None
_rare_chars: frozenset[int] | None = None


def _utf16_hex(code: int) -> str:
    if code > 0xFFFF:  # a surrogate pair: Extension B and beyond
        code -= 0x10000
        return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"
    return f"{code:04X}"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap writes a code above U+FFFF as five hex digits, which no reader
    understands: text with Extension B characters would copy and search as garbage. This writes
    UTF-16BE (surrogate pairs), as the PDF reference requires; for the BMP it is the same output."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def register() -> None:
    """Register the regular font (once; safe from any thread)."""
    global _regular_chars
    if _regular_chars is not None:
        return
    with _lock:
        if _regular_chars is not None:
            return
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up by TTFont.addObjects at save time
        font = ttfonts.TTFont(REGULAR, str(REGULAR_FILE), subfontIndex=0)
        pdfmetrics.registerFont(font)
        _regular_chars = frozenset(font.face.charToGlyph)


class FontUnavailable(DomainError):
    """The bundled rare-character font is missing or damaged: names with such characters cannot print."""


def cache_dir() -> Path:
    """Where the unpacked rare-character font is kept (a per-user cache folder)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "fonts"


def cached_copy() -> Path:
    """The unpacked rare-character font's place in the cache folder (there or not)."""
    # the hash in the name: a program with another font never takes this copy for its own
    return cache_dir() / f"rare-han-ext-ab-{RARE_SHA256[:12]}.ttf"


def _intact(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() == RARE_SHA256
    except OSError:
        return False


def _unpack() -> bytes:
    """The font unpacked from the shipped ``.xz`` file, checked; ``FontUnavailable`` when it cannot be."""
    try:
        data = lzma.decompress(RARE_FILE.read_bytes())
    except (OSError, lzma.LZMAError, EOFError) as exc:
        log.error("cannot unpack %s: %s", RARE_FILE, exc)
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != RARE_SHA256:
        raise FontUnavailable(f"生僻字字体文件缺失或已损坏（{RARE_FILE}），含生僻字的姓名无法打印。"
                              "请重新安装本程序。")
    return data


def rare_font_source() -> str | io.BytesIO:
    """The rare-character font for ReportLab: the path of the checked copy in the cache folder (unpacked
    there first if it is missing or does not match), or the font in memory when that folder cannot be
    written. Raises ``FontUnavailable`` when the shipped font is missing or damaged."""
    cached = cached_copy()
    if _intact(cached):
        return str(cached)
    data = _unpack()
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, cached)  # whole or not at all, even with two programs unpacking at once
    except OSError as exc:
        log.warning("cannot keep the unpacked rare-character font in %s (%s); using it from memory", cached, exc)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return io.BytesIO(data)
    with contextlib.suppress(OSError):  # copies an earlier version left, pieces a killed program left
        for old in [*cached.parent.glob("rare-han-ext-ab-*"), *cached.parent.glob("hanazono-ext-ab-*")]:
            stale = old.suffix == ".part" and old.stat().st_mtime < time.time() - 600
            if stale or old.suffix == ".ttf" and old != cached:
                old.unlink(missing_ok=True)
    return str(cached)


def _rare() -> frozenset[int]:
    global _rare_chars
    if _rare_chars is None:
        with _lock:
            if _rare_chars is None:
                font = ttfonts.TTFont(RARE, rare_font_source())
                pdfmetrics.registerFont(font)
                _rare_chars = frozenset(font.face.charToGlyph)
    return _rare_chars


@lru_cache(maxsize=8192)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """``text`` cut into (font name, piece) runs: each character in the regular font when it has it, else
    in the rare-character font; a character neither has stays in the regular font (it shows its box)."""
    register()
    regular = _regular_chars
    assert regular is not None
    if all(ord(ch) in regular for ch in text):  # nearly always
        return ((REGULAR, text),) if text else ()
    rare = _rare()
    out: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        name = REGULAR if code in regular or code not in rare else RARE
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return tuple(out)


@lru_cache(maxsize=8192)
def _width_1pt(text: str) -> float:
    return sum(pdfmetrics.stringWidth(piece, name, 1) for name, piece in runs(text))


def string_width(text: str, size: float) -> float:
    """The width of ``text`` at ``size`` points, each run measured in its own font."""
    return _width_1pt(text) * size


def has_glyphs(text: str) -> bool:
    """Whether every character of ``text`` has a glyph in one of the two fonts."""
    register()
    regular = _regular_chars
    assert regular is not None
    return all(ord(ch) in regular or ord(ch) in _rare() for ch in text if not ch.isspace())
