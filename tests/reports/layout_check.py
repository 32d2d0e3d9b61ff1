"""Checking a printed document's layout from the PDF itself, as a proofreader would: every character's box
and every rule as pdfplumber (pdfminer.six) reads them back.

- no two characters of different text overlap (one label overprinting another);
- no character is crossed by a rule (a line, or the edge of a box) — text running out of its cell;
- every character lies inside the page's margins (what a printer can print);
- every page carries body content, not only its title, header and page number.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass

import pdfplumber

MM = 72 / 25.4
TOLERANCE = 0.6  # points a box may touch another or a rule (anti-aliasing, rounding)


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    def inner(self, by: float) -> "Box":
        return Box(self.text, self.x0 + by, self.top + by, self.x1 - by, self.bottom - by)


@dataclass(frozen=True)
class Problem:
    page: int
    kind: str  # overlap / rule / margin / empty
    detail: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.kind}: {self.detail}"


def _glyph_box(char: dict) -> Box:
    """The box a character's glyph occupies: its advance across, and the ideographic em — 0.88 of the size
    above the baseline, 0.12 below — up and down. pdfminer's own box (the font's ascent to descent) is
    taller and overlaps the line above in text set at the customary 1.2 leading."""
    size = float(char["size"])
    baseline = float(char["matrix"][5])  # the text origin: the baseline, in PDF coordinates (from the bottom)
    page_h = char["page_height"]
    return Box(char["text"], float(char["x0"]), page_h - (baseline + 0.88 * size), float(char["x1"]),
               page_h - (baseline - 0.12 * size))


def _rules(page) -> list[tuple[str, float, float, float]]:  # noqa: ANN001 - a pdfplumber page
    """Horizontal rules as ("h", y, x0, x1) and vertical ones as ("v", x, top, bottom), in page coordinates
    from the top (pdfplumber's)."""
    out = []
    for edge in page.edges:
        if edge["orientation"] == "h":
            out.append(("h", float(edge["top"]), float(edge["x0"]), float(edge["x1"])))
        else:
            out.append(("v", float(edge["x0"]), float(edge["top"]), float(edge["bottom"])))
    return out


def _overlap(a: Box, b: Box) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    return w * h if w > 0 and h > 0 else 0.0


def check(pdf: bytes, *, margin_mm: float = 6, body: tuple[float, float] | None = None,
          skip_rule_check: str = "√") -> list[Problem]:
    """Every layout problem found. ``body`` = (top, bottom) in points from the top of the page: the band a
    page's body content must appear in (default: between 30 mm and 20 mm from the edges)."""
    problems: list[Problem] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            width, height = float(page.width), float(page.height)
            chars = [c for c in page.chars if c["text"].strip()]
            boxes = [_glyph_box({**c, "page_height": height}) for c in chars]
            margin = margin_mm * MM
            for box in boxes:
                if box.x0 < margin - TOLERANCE or box.x1 > width - margin + TOLERANCE or box.top < margin - TOLERANCE \
                        or box.bottom > height - margin + TOLERANCE:
                    problems.append(Problem(number, "margin", f"“{box.text}” at ({box.x0:.0f}, {box.top:.0f})"))
            # overlaps: a grid of 20-point cells keeps this near linear
            grid: dict[tuple[int, int], list[int]] = defaultdict(list)
            for i, box in enumerate(boxes):
                for gx in range(int(box.x0 // 20), int(box.x1 // 20) + 1):
                    for gy in range(int(box.top // 20), int(box.bottom // 20) + 1):
                        grid[(gx, gy)].append(i)
            seen: set[tuple[int, int]] = set()
            for members in grid.values():
                for a_i in members:
                    for b_i in members:
                        if b_i <= a_i or (a_i, b_i) in seen:
                            continue
                        seen.add((a_i, b_i))
                        a, b = boxes[a_i].inner(TOLERANCE), boxes[b_i].inner(TOLERANCE)
                        area = _overlap(a, b)
                        if area > 0.05 * min((a.x1 - a.x0) * (a.bottom - a.top), (b.x1 - b.x0) * (b.bottom - b.top)):
                            problems.append(Problem(number, "overlap", f"“{a.text}” and “{b.text}” at "
                                                                       f"({a.x0:.0f}, {a.top:.0f})"))
            rules = _rules(page)
            for box in boxes:
                if box.text in skip_rule_check:
                    continue
                inner = box.inner(TOLERANCE)
                for kind, at, start, end in rules:
                    if kind == "h" and inner.top < at < inner.bottom and start < inner.x1 and end > inner.x0:
                        problems.append(Problem(number, "rule", f"“{box.text}” crossed by a rule at y={at:.0f}"))
                        break
                    if kind == "v" and inner.x0 < at < inner.x1 and start < inner.bottom and end > inner.top:
                        problems.append(Problem(number, "rule", f"“{box.text}” crossed by a rule at x={at:.0f}"))
                        break
            top, bottom = body or (30 * MM, height - 20 * MM)
            if not any(top <= b.top and b.bottom <= bottom for b in boxes):
                problems.append(Problem(number, "empty", "no body content between the header and the footer"))
    return problems


def page_texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


__all__ = ["MM", "Problem", "check", "page_texts"]
