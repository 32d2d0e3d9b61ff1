"""The fonts of the printed forms: registered once per process, embedded as subsets in every PDF.

- ``REGULAR``: WenQuanYi Micro Hei (``resources/fonts/wqy-microhei.ttc``, face 0; Apache-2.0) for all
  text. It covers the common ideographs but almost none of CJK Extension A and none of Extension B.
- ``RARE``: a subset of Hanazono Mincho A and B (``resources/fonts/hanazono-ext-ab.ttf``; Hanazono
  Font License) with Extension A and B, used *per character* for what WenQuanYi lacks, so a name such
  as 㐂, 䶮 or 𠀀 never prints as a box. It is read only when such a character is first drawn (25 MB).

ReportLab embeds every TrueType font as a subset of the glyphs used, so a PDF prints the same on any PC.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics, ttfonts

from assist_desktop.paths import resource_path

REGULAR = "WenQuanYiMicroHei"
RARE = "AssistHanExtAB"
REGULAR_FILE = resource_path("fonts", "wqy-microhei.ttc")
RARE_FILE = resource_path("fonts", "hanazono-ext-ab.ttf")

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


def _rare() -> frozenset[int]:
    global _rare_chars
    if _rare_chars is None:
        with _lock:
            if _rare_chars is None:
                font = ttfonts.TTFont(RARE, str(RARE_FILE))
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
