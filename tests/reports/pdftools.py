"""Reading printed documents back as a person would: the text (poppler's pdftotext), the fonts
(pdffonts), a rendered page (pdftoppm) and its QR codes (zbarimg). Installed by ``scripts/setup.sh --test``."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

TOOLS = ("pdftotext", "pdftoppm", "pdffonts", "pdfinfo", "zbarimg")
MISSING = [t for t in TOOLS if shutil.which(t) is None]
if MISSING:  # pragma: no cover - a set-up problem, not a test result
    raise RuntimeError(f"report tests need {', '.join(MISSING)}: run `sh scripts/setup.sh --test` "
                       "(Debian packages poppler-utils and zbar-tools)")


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, timeout=120).stdout.decode("utf-8")


def _with_file(pdf: bytes, work) -> object:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        return work(path, Path(tmp))


def text(pdf: bytes, *, layout: bool = True) -> str:
    """All pages' text (pages separated by form feeds)."""
    return _with_file(pdf, lambda p, _: _run("pdftotext", *(["-layout"] if layout else []), str(p), "-"))  # type: ignore[return-value]


def pages(pdf: bytes, *, layout: bool = True) -> list[str]:
    out = text(pdf, layout=layout).split("\f")
    return out[:-1] if out and not out[-1].strip() else out


def squeeze(value: str) -> str:
    """Text without any white space: CJK text laid out with letter spacing compares as written."""
    return re.sub(r"\s+", "", value)


@dataclass(frozen=True)
class FontInfo:
    name: str
    type: str
    embedded: bool
    subset: bool
    unicode: bool


def fonts(pdf: bytes) -> list[FontInfo]:
    out = _with_file(pdf, lambda p, _: _run("pdffonts", str(p)))
    rows = []
    for line in str(out).splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID
        emb, sub, uni = parts[-5:-2]
        rows.append(FontInfo(parts[0], parts[1], emb == "yes", sub == "yes", uni == "yes"))
    return rows


def info(pdf: bytes) -> dict[str, str]:
    out = _with_file(pdf, lambda p, _: _run("pdfinfo", str(p)))
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in str(out).splitlines() if ":" in line)}


def page_image(pdf: bytes, page: int = 1, dpi: int = 80) -> Image.Image:
    def work(path: Path, tmp: Path) -> Image.Image:
        _run("pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(path),
             str(tmp / "page"))
        with Image.open(tmp / "page.png") as img:
            return img.convert("L").copy()

    return _with_file(pdf, work)  # type: ignore[return-value]


def ink(img: Image.Image, threshold: int = 128) -> float:
    """The share of dark pixels."""
    histogram = img.convert("L").histogram()
    return sum(histogram[:threshold]) / (img.width * img.height)


def _zbar(png: Path) -> list[str]:
    result = subprocess.run(["zbarimg", "--xml", "-q", str(png)], capture_output=True, timeout=120)
    return re.findall(r"<symbol type='QR-Code'.*?<data><!\[CDATA\[(.*?)\]\]></data>", result.stdout.decode("utf-8"), re.S)


def qr_codes(pdf: bytes, page: int = 1, dpi: int = 200, *, slots: int = 1) -> list[list[str]]:
    """The QR codes zbarimg finds on a rendered page, for each of ``slots`` equal bands from the top (the
    vouchers of a sheet), so each code can be matched with the voucher it was printed on."""
    def work(path: Path, tmp: Path) -> list[list[str]]:
        _run("pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(path),
             str(tmp / "page"))
        out = []
        with Image.open(tmp / "page.png") as img:
            band = img.height / slots
            for k in range(slots):
                img.crop((0, round(k * band), img.width, round((k + 1) * band))).save(tmp / f"slot{k}.png")
                out.append(_zbar(tmp / f"slot{k}.png"))
        return out

    return _with_file(pdf, work)  # type: ignore[return-value]


def assert_printable(pdf: bytes, *, dpi: int = 80) -> str:
    """What every printed document must be: a PDF whose fonts are all embedded subsets with a Unicode map,
    whose first page renders with ink on it, and whose every character has a glyph in the embedded fonts
    (so nothing prints as a box). Returns the text."""
    from assist_desktop.reports import fonts as our_fonts

    assert pdf.startswith(b"%PDF-")
    used = fonts(pdf)
    assert used, "no fonts"
    for f in used:
        assert f.embedded and f.subset and f.unicode and f.type == "TrueType", f
    img = page_image(pdf, 1, dpi)
    assert 0.004 < ink(img) < 0.5, f"page 1 looks blank or black: {ink(img):.4f}"
    content = text(pdf)
    assert our_fonts.has_glyphs(content), [ch for ch in content if not our_fonts.has_glyphs(ch)]
    return content
