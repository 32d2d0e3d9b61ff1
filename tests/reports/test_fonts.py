"""The embedded fonts: WenQuanYi Micro Hei for the text, a Hanazono subset per character for CJK Extension
A and B, so rare characters in names print as themselves (not boxes) and copy out of the PDF as written."""

from __future__ import annotations

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm

from assist_desktop.reports import fonts
from assist_desktop.reports.base import Pen, Renderer, Ticker

from . import pdftools

# 㐂 U+3402 and 䶮 U+4DAE (Ext A: 䶮 is in the name of a Southern Han emperor, 刘䶮), 𠀀 U+20000 and
# 𡈽 U+2123D (Ext B)
EXT_A = ("㐂", "䶮")
EXT_B = ("𠀀", "𡈽")
NAMES = ("欧阳㐂", "刘䶮", "王𠀀", "张𡈽强", "李娜")
NOT_IN_ANY_FONT = "\U00031350"  # CJK Extension H: in neither font, it shows the missing-glyph box


class _Lines(Renderer[list[str]]):
    """A test page: each string on its own line, large."""

    document = "测试"
    pagesize = A6

    def draw(self, pen: Pen, data: list[str], ticker: Ticker) -> None:
        for i, line in enumerate(data):
            pen.text(10 * mm, self.pagesize[1] - (25 + 22 * i) * mm, line, 40)


def _glyph(ch: str) -> bytes | None:
    """The rendered bitmap of one character, cropped to its ink (None: no ink at all)."""
    img = pdftools.page_image(_Lines().render([ch]), dpi=100)
    img = img.point(lambda v: 0 if v < 128 else 255)
    box = img.point(lambda v: 255 - v).getbbox()
    return img.crop(box).tobytes() if box else None


def test_each_character_goes_to_the_font_that_has_it():
    assert fonts.runs("李娜") == ((fonts.REGULAR, "李娜"),)
    assert fonts.runs("欧阳㐂") == ((fonts.REGULAR, "欧阳"), (fonts.RARE, "㐂"))
    assert fonts.runs("张𡈽强") == ((fonts.REGULAR, "张"), (fonts.RARE, "𡈽"), (fonts.REGULAR, "强"))
    assert fonts.runs("㐂䶮𠀀") == ((fonts.RARE, "㐂䶮𠀀"),)
    assert fonts.runs("") == ()
    for name in NAMES:
        assert fonts.has_glyphs(name)
    assert not fonts.has_glyphs(NOT_IN_ANY_FONT)


def test_rare_names_copy_out_of_the_pdf_as_written():
    pdf = _Lines().render(list(NAMES))
    got = pdftools.text(pdf, layout=False)
    for name in NAMES:
        assert name in got, (name, got)


def test_rare_characters_print_as_their_glyphs_not_boxes():
    # what a character no font has looks like: WenQuanYi's missing glyph is empty (a gap in the name)
    missing = _glyph(NOT_IN_ANY_FONT)
    seen = {}
    for ch in (*EXT_A, *EXT_B, "王"):
        image = _glyph(ch)
        assert image is not None and image != missing, f"{ch} prints as a missing glyph"
        seen[image] = ch
    assert len(seen) == 5, "two different characters printed the same glyph"


def test_fonts_are_embedded_subsets_and_nothing_else_is_used():
    pdf = _Lines().render(["王建国 ¥1,500.00", "欧阳㐂 王𠀀"])
    used = pdftools.fonts(pdf)
    assert {f.name.split("+", 1)[1] for f in used} == {"WenQuanYiMicroHei-0", "AssistHanExtAB"}
    assert all(f.embedded and f.subset and f.unicode for f in used)
    # a document without rare characters never loads or embeds the fallback font
    assert [f.name.split("+", 1)[1] for f in pdftools.fonts(_Lines().render(["李娜"]))] == ["WenQuanYiMicroHei-0"]
    # subsets, not whole fonts: the fallback font file is 25 MB, the PDF a few kilobytes
    assert len(pdf) < 60_000
    pdftools.assert_printable(pdf)


def test_text_width_is_measured_per_font():
    assert fonts.string_width("王", 10) == fonts.string_width("王", 1) * 10
    assert fonts.string_width("王㐂", 10) > fonts.string_width("王", 10)
    assert abs(fonts.string_width("王㐂", 10) - fonts.string_width("王", 10) - fonts.string_width("㐂", 10)) < 1e-9
