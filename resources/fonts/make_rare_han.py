"""Build the fallback font for rare characters in names (CJK Extension A and B): ``rare-han-ext-ab.ttf``
(SIL OFL 1.1, see LICENSE-noto-cjk.txt and LICENSE-hanazono.txt).

Sans-serif first: everything Noto Sans CJK SC has (SIL OFL 1.1; all of Extension A but the ten characters
added in Unicode 13, and 2,108 of Extension B — mainland forms, the 黑体 style of the rest of the form),
its PostScript outlines converted to TrueType (ReportLab reads only TrueType); then Hanazono Mincho for the
Extension B characters Noto lacks (a Mincho among 黑体, but a glyph instead of a box). Pass the Noto
collection as a fourth argument; without it the font is Hanazono only, as before.

WenQuanYi Micro Hei covers the common ideographs (20,932 of U+4E00–9FFF) but has 2 of the 6,592 of
Extension A and none of Extension B, so names such as 㐂, 䶮 or 𠀀 would print as boxes. The Hanazono
Mincho fonts (GlyphWiki) cover both; whole they are 53 MB (HanaMinA 22.7 MB, HanaMinB 30.7 MB). This
script keeps only what a printed name can need beyond WenQuanYi — Extension A and the few BMP
ideographs WenQuanYi lacks from HanaMinA, Extension B from HanaMinB — and merges them into one
TrueType font of about 25 MB, renamed so that it is not mistaken for the original (the Hanazono Font
License, one of the two the fonts are offered under, allows modification without condition). The font is
shipped xz-compressed (10 MB; the program unpacks it once into the user's cache folder, see
assist_desktop/reports/fonts.py): this writes ``OUT.xz`` and prints the SHA-256 of the unpacked font,
which goes into ``RARE_SHA256`` there.

Usage (fontTools is needed only here, not by the program):

    apt-get install fonts-hanazono fonts-noto-cjk   # Debian 20170904-2.1, 1:20220127+repack1-1
    python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    /tmp/ft/bin/python resources/fonts/make_rare_han.py \
        /usr/share/fonts/truetype/hanazono resources/fonts/wqy-microhei.ttc resources/fonts/rare-han-ext-ab.ttf \
        /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
    # → resources/fonts/rare-han-ext-ab.ttf.xz (about 6 minutes; the conversion of 8,700 outlines)
"""

from __future__ import annotations

import hashlib
import lzma
import sys
import tempfile
from pathlib import Path

from fontTools import merge, subset
from fontTools.ttLib import TTCollection, TTFont

EXT_A = range(0x3400, 0x4DC0)
EXT_B = range(0x20000, 0x2A6E0)
BMP_IDEOGRAPHS = [*range(0x4E00, 0xA000), *range(0xF900, 0xFB00)]  # unified and compatibility
FAMILY = "Assist Han Ext AB"
POSTSCRIPT = "AssistHanExtAB"


def _subset(source: Path, unicodes: list[int], out: Path) -> None:
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False  # the Mincho outlines carry no useful hinting; smaller without
    opts.glyph_names = False
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.drop_tables += ["GSUB", "GPOS", "vhea", "vmtx", "VORG", "FFTM"]
    font = TTFont(source)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(out)


NOTO_SC = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc (Debian fonts-noto-cjk 20220127)


def _to_truetype(font: TTFont) -> None:
    """PostScript (CFF) outlines → TrueType quadratic ones (fontTools' otf2ttf, tolerance 1 unit)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].glyphDataFormat = 0
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def _scaled(path: Path, upem: int) -> None:
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(path)
    if font["head"].unitsPerEm != upem:
        scale_upem(font, upem)
        font.save(path)


def main(hanazono_dir: str, wqy_path: str, out_path: str, noto_path: str | None = None) -> None:
    wqy = set(TTCollection(wqy_path).fonts[0].getBestCmap())
    a_chars = [c for c in [*EXT_A, *BMP_IDEOGRAPHS] if c not in wqy]
    b_chars = [c for c in EXT_B if c not in wqy]
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        if noto_path:
            noto = TTCollection(noto_path).fonts[NOTO_SC]
            sans = set(noto.getBestCmap())
            source = Path(tmp) / "noto-sc.otf"
            noto.save(source)
            part = Path(tmp) / "sans.ttf"
            _subset(source, [c for c in [*a_chars, *b_chars] if c in sans], part)
            font = TTFont(part)
            _to_truetype(font)
            font.save(part)
            parts.append(part)
            a_chars = [c for c in a_chars if c not in sans]
            b_chars = [c for c in b_chars if c not in sans]
        part_a, part_b = Path(tmp) / "a.ttf", Path(tmp) / "b.ttf"
        _subset(Path(hanazono_dir) / "HanaMinA.ttf", a_chars, part_a)
        _subset(Path(hanazono_dir) / "HanaMinB.ttf", b_chars, part_b)
        parts += [part_a, part_b]
        if noto_path:
            for part in (part_a, part_b):
                _scaled(part, 1000)  # one em for the merged font: Noto's
        font = merge.Merger().merge([str(p) for p in parts])
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, FAMILY), (3, f"{POSTSCRIPT}-2017.09.04-subset"), (4, FAMILY), (6, POSTSCRIPT)):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    names.setName("Subset of Noto Sans CJK SC (SIL OFL 1.1) and Hanazono Mincho A and B (GlyphWiki Project, "
                  "Hanazono Font License / SIL OFL 1.1): CJK Extension A and B for Assist Desktop"
                  if noto_path else "Subset of Hanazono Mincho A and B (GlyphWiki Project), Hanazono Font License; "
                  "CJK Extension A and B for Assist Desktop", 5, 3, 1, 0x409)
    font.save(out_path)
    cmap = font.getBestCmap()
    print(f"{out_path}: {font['maxp'].numGlyphs} glyphs, {len(cmap)} characters "
          f"(Ext A {sum(c in cmap for c in EXT_A)}, Ext B {sum(c in cmap for c in EXT_B)})")
    data = Path(out_path).read_bytes()
    packed = Path(f"{out_path}.xz")
    # pb=0, lc=4: a font's tables are not aligned to 2 or 4 bytes the way LZMA's defaults assume; 34 KB less
    packed.write_bytes(lzma.compress(data, check=lzma.CHECK_SHA256, filters=[
        {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "pb": 0, "lc": 4, "dict_size": 32 << 20}]))
    Path(out_path).unlink()
    print(f"{packed}: {packed.stat().st_size} bytes; RARE_SHA256 = \"{hashlib.sha256(data).hexdigest()}\"")


if __name__ == "__main__":
    main(*sys.argv[1:5])
